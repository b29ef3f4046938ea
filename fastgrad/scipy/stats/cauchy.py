"""The Cauchy distribution (loc, scale). The cdf is arctan2(1, -z) / pi and the sf
arctan2(1, z) / pi: equal to 1/2 +- arctan(z) / pi, but without the cancellation
that form suffers in the far tails (so logcdf and logsf stay accurate there)."""

import numpy as _onp

from ... import numpy as np
from ...engine import getval
from ._distn import log_of_probability, masked, nan_unless, safe, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]

_LOG_PI = _onp.log(_onp.pi)


def logpdf(x, loc=0.0, scale=1.0):
    z, log_scale, ok = standardize(x, loc, scale)
    return masked((-_LOG_PI - np.log1p(z * z) - log_scale), ok)


def pdf(x, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, loc, scale))


def cdf(x, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return masked(np.arctan2(1.0, -z) / _onp.pi, ok)


def sf(x, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return masked(np.arctan2(1.0, z) / _onp.pi, ok)


def logcdf(x, loc=0.0, scale=1.0):
    return log_of_probability(cdf(x, loc, scale), sf(x, loc, scale))


def logsf(x, loc=0.0, scale=1.0):
    return log_of_probability(sf(x, loc, scale), cdf(x, loc, scale))


def ppf(q, loc=0.0, scale=1.0):
    # tan(pi (q - 1/2)) is exact in q - 1/2 only in the middle; in the tails it is
    # -1 / tan(pi q) and 1 / tan(pi (1 - q)), accurate (and infinite at 0 and 1) there.
    _, _, ok = standardize(q, loc, scale)
    qv = getval(q)
    lower, upper = qv < 0.25, qv > 0.75
    middle = ~(lower | upper)
    z = np.where(lower, -1.0 / np.tan(_onp.pi * safe(lower, q, 0.1)),
                 np.where(upper, 1.0 / np.tan(_onp.pi * (1 - safe(upper, q, 0.9))),
                          np.tan(_onp.pi * (safe(middle, q, 0.5) - 0.5))))
    return masked((loc + scale * z), ok)
