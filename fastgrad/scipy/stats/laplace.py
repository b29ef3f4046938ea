"""The Laplace distribution (loc, scale). Each tail is written on its own half-line
(the other half's input replaced by 0) so that neither exp(|z|) overflows in the
branch not taken; at z = 0 the density's kink gets derivative 0 (sign(0) = 0)."""

import numpy as _onp

from ... import numpy as np
from ._distn import masked, nan_unless, safe, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]

_LOG2 = _onp.log(2.0)


def logpdf(x, loc=0.0, scale=1.0):
    z, log_scale, ok = standardize(x, loc, scale)
    return masked((-np.abs(z) - _LOG2 - log_scale), ok)


def pdf(x, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, loc, scale))


def _halves(x, loc, scale):
    z, _, ok = standardize(x, loc, scale)
    left = z < 0
    return left, safe(left, z, 0.0), safe(left, 0.0, z), nan_unless(ok)


def cdf(x, loc=0.0, scale=1.0):
    left, zl, zr, check = _halves(x, loc, scale)
    return np.where(left, 0.5 * np.exp(zl), 1 - 0.5 * np.exp(-zr)) * check


def sf(x, loc=0.0, scale=1.0):
    left, zl, zr, check = _halves(x, loc, scale)
    return np.where(left, 1 - 0.5 * np.exp(zl), 0.5 * np.exp(-zr)) * check


def logcdf(x, loc=0.0, scale=1.0):
    left, zl, zr, check = _halves(x, loc, scale)
    return np.where(left, zl - _LOG2, np.log1p(-0.5 * np.exp(-zr))) * check


def logsf(x, loc=0.0, scale=1.0):
    left, zl, zr, check = _halves(x, loc, scale)
    return np.where(left, np.log1p(-0.5 * np.exp(zl)), -zr - _LOG2) * check


def ppf(q, loc=0.0, scale=1.0):
    _, _, ok = standardize(q, loc, scale)
    lower = q < 0.5
    ql = safe(lower, q, 0.25)
    qu = safe(lower, 0.75, q)
    z = np.where(lower, np.log(2 * ql), -np.log(2 * (1 - qu)))
    return masked((loc + scale * z), ok)
