"""The normal distribution: pdf, logpdf, cdf, logcdf, sf, logsf, ppf, composed from
ndtr, log_ndtr and ndtri (no rules of their own). The tails are accurate to
|z| = 40 and beyond in value and derivative: log_ndtr's derivative is
sqrt(2/pi) / erfcx(-z/sqrt(2)), which never forms a ratio of underflowing numbers."""

from ... import numpy as np
from .. import special as sc
from ._distn import _LOG_2PI, masked, nan_unless, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def logpdf(x, loc=0.0, scale=1.0):
    z, log_scale, ok = standardize(x, loc, scale)
    return masked((-0.5 * z * z - 0.5 * _LOG_2PI - log_scale), ok)


def pdf(x, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, loc, scale))


def cdf(x, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return masked(sc.ndtr(z), ok)


def logcdf(x, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return masked(sc.log_ndtr(z), ok)


def sf(x, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return masked(sc.ndtr(-z), ok)


def logsf(x, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return masked(sc.log_ndtr(-z), ok)


def ppf(q, loc=0.0, scale=1.0):
    _, _, ok = standardize(q, loc, scale)
    return masked((loc + scale * sc.ndtri(q)), ok)


# ---------------------------------------------------------------- autograd's helper names
# autograd's module also holds the extension API it imports and its rule helpers (not in
# __all__); fastgrad.scipy._autograd_names attaches them to this module.
