"""The Cauchy distribution (loc, scale). The cdf is arctan2(1, -z) / pi and the sf
arctan2(1, z) / pi: equal to 1/2 +- arctan(z) / pi, but without the cancellation
that form suffers in the far tails (so logcdf and logsf stay accurate there)."""

import numpy as _onp

from ... import numpy as np
from ._distn import nan_unless, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]

_LOG_PI = _onp.log(_onp.pi)


def logpdf(x, loc=0.0, scale=1.0):
    z, log_scale, ok = standardize(x, loc, scale)
    return (-_LOG_PI - np.log1p(z * z) - log_scale) * nan_unless(ok)


def pdf(x, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, loc, scale))


def cdf(x, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return np.arctan2(1.0, -z) / _onp.pi * nan_unless(ok)


def sf(x, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return np.arctan2(1.0, z) / _onp.pi * nan_unless(ok)


def logcdf(x, loc=0.0, scale=1.0):
    return np.log(cdf(x, loc, scale))


def logsf(x, loc=0.0, scale=1.0):
    return np.log(sf(x, loc, scale))


def ppf(q, loc=0.0, scale=1.0):
    _, _, ok = standardize(q, loc, scale)
    return (loc + scale * np.tan(_onp.pi * (q - 0.5))) * nan_unless(ok)
