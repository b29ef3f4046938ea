"""The Poisson distribution (mu, loc): pmf, logpmf, cdf, logcdf, sf, logsf
differentiable in mu (the count k and the integer shift loc are not); the cdf is
gammaincc(floor(k) + 1, mu). ppf is integer-valued, so piecewise constant in q and
mu, and carries no derivative."""

import numpy as _onp
import scipy.stats as _st

from ... import numpy as np
from ...engine import getval
from ...rules import nondifferentiable
from .. import special as sc
from ._distn import masked, nan_unless, safe

__all__ = ["logpmf", "pmf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def _count(k, loc):
    k = _onp.asarray(getval(k), dtype=float) - _onp.asarray(getval(loc), dtype=float)
    return k, (k >= 0) & (k == _onp.floor(k))


def logpmf(k, mu, loc=0):
    k, support = _count(k, loc)
    ks = _onp.where(support, k, 0.0)
    value = sc.xlogy(ks, mu) - sc.gammaln(ks + 1) - mu
    return masked(np.where(support, value, -np.inf), getval(mu) >= 0)


def pmf(k, mu, loc=0):
    return np.exp(logpmf(k, mu, loc))


def cdf(k, mu, loc=0):
    k, _ = _count(k, loc)
    inside = k >= 0
    n = _onp.floor(_onp.where(inside, k, 0.0)) + 1
    return masked(np.where(inside, sc.gammaincc(n, safe(getval(mu) >= 0, mu, 1.0)), 0.0), getval(mu) >= 0)


def sf(k, mu, loc=0):
    k, _ = _count(k, loc)
    inside = k >= 0
    n = _onp.floor(_onp.where(inside, k, 0.0)) + 1
    return masked(np.where(inside, sc.gammainc(n, safe(getval(mu) >= 0, mu, 1.0)), 1.0), getval(mu) >= 0)


def logcdf(k, mu, loc=0):
    return np.log(cdf(k, mu, loc))


def logsf(k, mu, loc=0):
    return np.log(sf(k, mu, loc))


ppf = nondifferentiable(_st.poisson.ppf, "ppf")


# ---------------------------------------------------------------- autograd's helper names
# autograd's module also holds the extension API it imports and its rule helpers (not in
# __all__); fastgrad.scipy._autograd_names attaches them to this module.
