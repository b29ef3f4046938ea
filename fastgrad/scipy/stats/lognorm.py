"""The log-normal distribution (shape s, loc, scale): log((x - loc) / scale) / s is
standard normal, so the distribution functions are ndtr / log_ndtr of it (accurate far
into both tails); 0 / -inf / 1 at and below loc."""

from ... import numpy as np
from .. import special as sc
from ._distn import _LOG_2PI, masked, nan_unless, safe, standardize, valid

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def _parts(x, s, loc, scale):
    z, log_scale, ok = standardize(x, loc, scale)
    inside = z > 0
    ss = safe(s > 0, s, 1.0)
    logz = np.log(safe(inside, z, 1.0))
    return logz, ss, inside, log_scale, nan_unless(valid(ok, s > 0))


def logpdf(x, s, loc=0.0, scale=1.0):
    logz, s, inside, log_scale, check = _parts(x, s, loc, scale)
    u = logz / s
    value = -0.5 * u * u - np.log(s) - logz - 0.5 * _LOG_2PI - log_scale
    return np.where(inside, value, -np.inf) * check


def pdf(x, s, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, s, loc, scale))


def cdf(x, s, loc=0.0, scale=1.0):
    logz, s, inside, _, check = _parts(x, s, loc, scale)
    return np.where(inside, sc.ndtr(logz / s), 0.0) * check


def logcdf(x, s, loc=0.0, scale=1.0):
    logz, s, inside, _, check = _parts(x, s, loc, scale)
    return np.where(inside, sc.log_ndtr(logz / s), -np.inf) * check


def sf(x, s, loc=0.0, scale=1.0):
    logz, s, inside, _, check = _parts(x, s, loc, scale)
    return np.where(inside, sc.ndtr(-logz / s), 1.0) * check


def logsf(x, s, loc=0.0, scale=1.0):
    logz, s, inside, _, check = _parts(x, s, loc, scale)
    return np.where(inside, sc.log_ndtr(-logz / s), 0.0) * check


def ppf(q, s, loc=0.0, scale=1.0):
    _, _, ok = standardize(q, loc, scale)
    ss = safe(s > 0, s, 1.0)
    return masked((loc + scale * np.exp(ss * sc.ndtri(q))), valid(ok, s > 0))
