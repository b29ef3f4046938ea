"""The gamma distribution (shape a, loc, scale), composed from gammainc, gammaincc
and gammaincinv, all differentiable in the shape. Below the support (x < loc) the
density is 0, the cdf 0 and the sf 1, with zero derivatives."""

from ... import numpy as np
from .. import special as sc
from ._distn import log_of_probability, masked, nan_unless, safe, standardize, valid

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def logpdf(x, a, loc=0.0, scale=1.0):
    z, log_scale, ok = standardize(x, loc, scale)
    inside = z >= 0
    zs = safe(inside, z, 1.0)
    value = sc.xlogy(a - 1, zs) - zs - sc.gammaln(a) - log_scale
    return masked(np.where(inside, value, -np.inf), valid(ok, a > 0))


def pdf(x, a, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, a, loc, scale))


def cdf(x, a, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    inside = z >= 0
    return masked(np.where(inside, sc.gammainc(a, safe(inside, z, 1.0)), 0.0), valid(ok, a > 0))


def sf(x, a, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    inside = z >= 0
    return masked(np.where(inside, sc.gammaincc(a, safe(inside, z, 1.0)), 1.0), valid(ok, a > 0))


def logcdf(x, a, loc=0.0, scale=1.0):
    return log_of_probability(cdf(x, a, loc, scale), sf(x, a, loc, scale))


def logsf(x, a, loc=0.0, scale=1.0):
    return log_of_probability(sf(x, a, loc, scale), cdf(x, a, loc, scale))


def ppf(q, a, loc=0.0, scale=1.0):
    _, _, ok = standardize(q, loc, scale)
    return masked((loc + scale * sc.gammaincinv(a, q)), valid(ok, a > 0))


# ---------------------------------------------------------------- autograd's helper names
# autograd's module also holds the extension API it imports and its rule helpers (not in
# __all__); fastgrad.scipy._autograd_names attaches them to this module.

from ..special import gamma, psi  # noqa: E402,F401  (this module's `gamma` is the gamma function, as autograd's)
