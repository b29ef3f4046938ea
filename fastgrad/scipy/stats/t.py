"""Student's t distribution with df, loc and scale all differentiable: the density in
closed form, the distribution function by special.stdtr (whose df-derivative goes
through the incomplete beta function's shape derivative), the quantile by stdtrit."""

from ... import numpy as np
from ...engine import getval
from .. import special as sc
from ._distn import log_of_probability, masked, nan_unless, safe, standardize, valid

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def logpdf(x, df, loc=0.0, scale=1.0):
    z, log_scale, ok = standardize(x, loc, scale)
    return masked((sc._t_log_pdf(df, z) - log_scale), valid(ok, df > 0))


def pdf(x, df, loc=0.0, scale=1.0):
    return np.exp(logpdf(x, df, loc, scale))


def cdf(x, df, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return masked(sc.stdtr(df, z), ok)


def sf(x, df, loc=0.0, scale=1.0):
    z, _, ok = standardize(x, loc, scale)
    return masked(sc.stdtr(df, -z), ok)


def logcdf(x, df, loc=0.0, scale=1.0):
    return log_of_probability(cdf(x, df, loc, scale), sf(x, df, loc, scale))


def logsf(x, df, loc=0.0, scale=1.0):
    return log_of_probability(sf(x, df, loc, scale), cdf(x, df, loc, scale))


def ppf(q, df, loc=0.0, scale=1.0):
    # The ends of the support at q = 0 and 1 are set here: special.stdtrit gives inf for both
    # on recent SciPy and nan on SciPy 1.13.
    _, _, ok = standardize(q, loc, scale)
    inner = (getval(q) > 0) & (getval(q) < 1)
    ends = np.where(q == 0, -np.inf, np.where(q == 1, np.inf, sc.stdtrit(df, q)))
    z = np.where(inner, sc.stdtrit(df, safe(inner, q, 0.5)), ends)
    return masked((loc + scale * z), valid(ok, df > 0))


# ---------------------------------------------------------------- autograd's helper names
# autograd's module also holds the extension API it imports and its rule helpers (not in
# __all__); fastgrad.scipy._autograd_names attaches them to this module.

from ..special import psi  # noqa: E402,F401
