"""The beta distribution (a, b, loc, scale), composed from betainc, betaincc and
betaincinv, all differentiable in both shapes. Outside [0, 1] (after standardizing)
the density is 0 and the cdf 0 or 1, with zero derivatives."""

from ... import numpy as np
from .. import special as sc
from ._distn import log_of_probability, masked, nan_unless, safe, standardize, valid

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def logpdf(x, a, b, loc=0.0, scale=1.0):
    z, log_scale, ok = standardize(x, loc, scale)
    inside = (z >= 0) & (z <= 1)
    zs = safe(inside, z, 0.5)
    value = sc.xlogy(a - 1, zs) + sc.xlog1py(b - 1, -zs) - sc.betaln(a, b) - log_scale
    return masked(np.where(inside, value, -np.inf), valid(ok, a > 0, b > 0))


def pdf(x, a, b, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, a, b, loc, scale))


def _tail(fun, below, above, x, a, b, loc, scale):
    z, _, ok = standardize(x, loc, scale)
    inside = (z >= 0) & (z <= 1)
    value = fun(a, b, safe(inside, z, 0.5))
    return masked(np.where(inside, value, np.where(z < 0, below, above)), valid(ok, a > 0, b > 0))


def cdf(x, a, b, loc=0.0, scale=1.0):
    return _tail(sc.betainc, 0.0, 1.0, x, a, b, loc, scale)


def sf(x, a, b, loc=0.0, scale=1.0):
    return _tail(sc.betaincc, 1.0, 0.0, x, a, b, loc, scale)


def logcdf(x, a, b, loc=0.0, scale=1.0):
    return log_of_probability(cdf(x, a, b, loc, scale), sf(x, a, b, loc, scale))


def logsf(x, a, b, loc=0.0, scale=1.0):
    return log_of_probability(sf(x, a, b, loc, scale), cdf(x, a, b, loc, scale))


def ppf(q, a, b, loc=0.0, scale=1.0):
    _, _, ok = standardize(q, loc, scale)
    return masked((loc + scale * sc.betaincinv(a, b, q)), valid(ok, a > 0, b > 0))


# ---------------------------------------------------------------- autograd's helper names
# autograd's module also holds the extension API it imports and its rule helpers (not in
# __all__); fastgrad.scipy._autograd_names attaches them to this module.

from ..special import beta, psi  # noqa: E402,F401
