"""The logistic distribution (loc, scale): cdf = expit(z), logcdf = log_expit(z), and
logpdf = log_expit(z) + log_expit(-z), which stays finite for any z."""

from ... import numpy as np
from .. import special as sc
from ._distn import masked, nan_unless, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def logpdf(x, loc=0.0, scale=1.0):
    z, log_scale, ok = standardize(x, loc, scale)
    return masked((sc.log_expit(z) + sc.log_expit(-z) - log_scale), ok)


def pdf(x, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, loc, scale))


def cdf(x, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return masked(sc.expit(z), ok)


def logcdf(x, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return masked(sc.log_expit(z), ok)


def sf(x, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return masked(sc.expit(-z), ok)


def logsf(x, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return masked(sc.log_expit(-z), ok)


def ppf(q, loc=0.0, scale=1.0):
    _, _, ok = standardize(q, loc, scale)
    return masked((loc + scale * sc.logit(q)), ok)
