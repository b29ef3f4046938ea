"""Student's t distribution with df, loc and scale all differentiable: the density in
closed form, the distribution function by special.stdtr (whose df-derivative goes
through the incomplete beta function's shape derivative), the quantile by stdtrit."""

from ... import numpy as np
from .. import special as sc
from ._distn import nan_unless, standardize, valid

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def logpdf(x, df, loc=0.0, scale=1.0):
    z, log_scale, ok = standardize(x, loc, scale)
    return (sc._t_log_pdf(df, z) - log_scale) * nan_unless(valid(ok, df > 0))


def pdf(x, df, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, df, loc, scale))


def cdf(x, df, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return sc.stdtr(df, z) * nan_unless(ok)


def sf(x, df, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return sc.stdtr(df, -z) * nan_unless(ok)


def logcdf(x, df, loc=0.0, scale=1.0):
    return np.log(cdf(x, df, loc, scale))


def logsf(x, df, loc=0.0, scale=1.0):
    return np.log(sf(x, df, loc, scale))


def ppf(q, df, loc=0.0, scale=1.0):
    _, _, ok = standardize(q, loc, scale)
    return (loc + scale * sc.stdtrit(df, q)) * nan_unless(ok)
