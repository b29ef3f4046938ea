"""The Weibull distribution (shape c, loc, scale), the survival models' workhorse, in
closed form: sf = exp(-z^c), logsf = -z^c, cdf = -expm1(-z^c) (accurate where the cdf
is small), logcdf = log(1 - exp(-z^c)) by log1mexp; 0 / -inf / 1 below the support."""

from ... import numpy as np
from .. import special as sc
from ._distn import log1mexp, masked, nan_unless, safe, standardize, valid

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def _parts(x, c, loc, scale):
    z, log_scale, ok = standardize(x, loc, scale)
    inside = z >= 0
    return safe(inside, z, 1.0), inside, log_scale, nan_unless(valid(ok, c > 0))


def logpdf(x, c, loc=0.0, scale=1.0):
    z, inside, log_scale, check = _parts(x, c, loc, scale)
    cs = safe(c > 0, c, 1.0)
    value = np.log(cs) + sc.xlogy(c - 1, z) - np.power(z, c) - log_scale
    return np.where(inside, value, -np.inf) * check


def pdf(x, c, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, c, loc, scale))


def cdf(x, c, loc=0.0, scale=1.0):
    z, inside, _, check = _parts(x, c, loc, scale)
    return np.where(inside, -np.expm1(-np.power(z, c)), 0.0) * check


def logcdf(x, c, loc=0.0, scale=1.0):
    z, inside, _, check = _parts(x, c, loc, scale)
    return np.where(inside, log1mexp(np.power(z, c)), -np.inf) * check


def sf(x, c, loc=0.0, scale=1.0):
    z, inside, _, check = _parts(x, c, loc, scale)
    return np.where(inside, np.exp(-np.power(z, c)), 1.0) * check


def logsf(x, c, loc=0.0, scale=1.0):
    z, inside, _, check = _parts(x, c, loc, scale)
    return np.where(inside, -np.power(z, c), 0.0) * check


def ppf(q, c, loc=0.0, scale=1.0):
    _, _, ok = standardize(q, loc, scale)
    cs = safe(c > 0, c, 1.0)
    return masked((loc + scale * np.power(-np.log1p(-q), 1.0 / cs)), valid(ok, c > 0))
