"""Student's t distribution with df, loc and scale all differentiable: the density in
closed form, the distribution function by special.stdtr (whose df-derivative goes
through the incomplete beta function's shape derivative), the quantile by stdtrit."""

from ... import numpy as np
from ...core import getval
from .. import special as sc
from ._distn import log_of_probability, nan_unless, safe, standardize, valid

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
    return log_of_probability(cdf(x, df, loc, scale), sf(x, df, loc, scale))


def logsf(x, df, loc=0.0, scale=1.0):
    return log_of_probability(sf(x, df, loc, scale), cdf(x, df, loc, scale))


def ppf(q, df, loc=0.0, scale=1.0):
    # The ends of the support at q = 0 and 1 (where special.stdtrit gives inf for both).
    _, _, ok = standardize(q, loc, scale)
    inner = (getval(q) > 0) & (getval(q) < 1)
    z = np.where(inner, sc.stdtrit(df, safe(inner, q, 0.5)), np.where(q == 0, -np.inf, sc.stdtrit(df, q)))
    return (loc + scale * z) * nan_unless(valid(ok, df > 0))
