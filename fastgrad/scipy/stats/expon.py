"""The exponential distribution (loc, scale), in closed form: sf = exp(-z),
cdf = -expm1(-z), logcdf = log(1 - exp(-z)) by log1mexp; 0 / -inf / 1 below the support."""

from ... import numpy as np
from ._distn import log1mexp, masked, nan_unless, safe, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def _parts(x, loc, scale):
    z, log_scale, ok = standardize(x, loc, scale)
    inside = z >= 0
    return safe(inside, z, 1.0), inside, log_scale, nan_unless(ok)


def logpdf(x, loc=0.0, scale=1.0):
    z, inside, log_scale, check = _parts(x, loc, scale)
    return np.where(inside, -z - log_scale, -np.inf) * check


def pdf(x, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, loc, scale))


def cdf(x, loc=0.0, scale=1.0):
    z, inside, _, check = _parts(x, loc, scale)
    return np.where(inside, -np.expm1(-z), 0.0) * check


def logcdf(x, loc=0.0, scale=1.0):
    z, inside, _, check = _parts(x, loc, scale)
    return np.where(inside, log1mexp(z), -np.inf) * check


def sf(x, loc=0.0, scale=1.0):
    z, inside, _, check = _parts(x, loc, scale)
    return np.where(inside, np.exp(-z), 1.0) * check


def logsf(x, loc=0.0, scale=1.0):
    z, inside, _, check = _parts(x, loc, scale)
    return np.where(inside, -z, 0.0) * check


def ppf(q, loc=0.0, scale=1.0):
    _, _, ok = standardize(q, loc, scale)
    return masked((loc - scale * np.log1p(-q)), ok)
