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
# autograd's module holds the names it imports to state its rules and its partial
# derivatives of logpdf (not in __all__); those are computed by fastgrad's own rules.

from ...extend import defvjp, primitive  # noqa: E402,F401
from ...numpy.numpy_vjps import unbroadcast_f  # noqa: E402,F401
from ..._autograd_helpers import elementwise_partial  # noqa: E402
from ..special import gamma, psi  # noqa: E402,F401  (this module's `gamma` is the gamma function, as autograd's)

# d logpdf(x, a) / d x, d a, elementwise.
grad_gamma_logpdf_arg0 = elementwise_partial(logpdf, 0, "grad_gamma_logpdf_arg0")
grad_gamma_logpdf_arg1 = elementwise_partial(logpdf, 1, "grad_gamma_logpdf_arg1")
