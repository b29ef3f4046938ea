"""The chi-squared distribution (df, loc, scale): the gamma distribution with shape
df/2 and scale 2, composed from the same special functions."""

import numpy as _onp

from ... import numpy as np
from .. import special as sc
from ._distn import log_of_probability, masked, nan_unless, safe, standardize, valid

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]

_LOG2 = _onp.log(2.0)


def logpdf(x, df, loc=0.0, scale=1.0):
    z, log_scale, ok = standardize(x, loc, scale)
    inside = z >= 0
    zs = safe(inside, z, 1.0)
    k = 0.5 * df
    value = sc.xlogy(k - 1, zs) - 0.5 * zs - sc.gammaln(k) - k * _LOG2 - log_scale
    return masked(np.where(inside, value, -np.inf), valid(ok, df > 0))


def pdf(x, df, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, df, loc, scale))


def cdf(x, df, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    inside = z >= 0
    value = sc.gammainc(0.5 * df, 0.5 * safe(inside, z, 1.0))
    return masked(np.where(inside, value, 0.0), valid(ok, df > 0))


def sf(x, df, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    inside = z >= 0
    value = sc.gammaincc(0.5 * df, 0.5 * safe(inside, z, 1.0))
    return masked(np.where(inside, value, 1.0), valid(ok, df > 0))


def logcdf(x, df, loc=0.0, scale=1.0):
    return log_of_probability(cdf(x, df, loc, scale), sf(x, df, loc, scale))


def logsf(x, df, loc=0.0, scale=1.0):
    return log_of_probability(sf(x, df, loc, scale), cdf(x, df, loc, scale))


def ppf(q, df, loc=0.0, scale=1.0):
    _, _, ok = standardize(q, loc, scale)
    return masked((loc + 2 * scale * sc.gammaincinv(0.5 * df, q)), valid(ok, df > 0))


# ---------------------------------------------------------------- autograd's helper names
# autograd's module also holds the extension API it imports and its rule helpers (not in
# __all__); fastgrad.scipy._autograd_names attaches them to this module.

from ..special import gamma  # noqa: E402,F401
