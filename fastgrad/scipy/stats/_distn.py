"""Helpers shared by the distributions: standardizing by loc and scale, SciPy's
conventions for invalid parameters (nan, with nan derivatives) and for points
outside the support (constant values, zero derivatives).

Imports the numpy namespace, the core, and `special` (for `_in_double`, which its densities
share).
"""

import numpy as _onp

from ... import numpy as np
from ...engine import getval
from ..special import _in_double

_LOG_2PI = _onp.log(2 * _onp.pi)


_ALL_VALID = 1.0


def nan_unless(ok):
    """A constant factor: 1 where `ok`, nan elsewhere. Multiplying a result by it makes
    the value and every derivative nan where the parameters are invalid."""
    ok = getval(ok)
    if ok is True or (_onp.ndim(ok) == 0 and bool(ok)):
        return _ALL_VALID
    return _onp.where(ok, 1.0, _onp.nan)


def masked(value, ok):
    """value * nan_unless(ok), without the multiplication (a traced primitive and a pass
    over the value) when every parameter is valid."""
    factor = nan_unless(ok)
    return value if factor is _ALL_VALID else value * factor


_PLAIN_SCALARS = (float, int, _onp.float64)


def standardize(x, loc, scale):
    """(z, log(scale), ok): z = (x - loc) / scale, and whether scale > 0. Where scale is
    not positive, 1 stands in for it so no intermediate warns or is infinite; the
    caller multiplies its result by nan_unless(ok). z is in double precision at least, as
    SciPy's distributions compute (norm.cdf of float32 values is float64 there)."""
    if type(loc) in _PLAIN_SCALARS and type(scale) in _PLAIN_SCALARS and scale > 0:
        # the defaults (0, 1) and other plain scalars: no traced steps that change nothing
        z = x if loc == 0 else x - loc
        return _in_double(z if scale == 1 else z / scale), _onp.log(scale), True
    ok = _onp.asarray(getval(scale)) > 0
    safe_scale = np.where(ok, scale, 1.0)
    return _in_double((x - loc) / safe_scale), np.log(safe_scale), ok


def safe(cond, x, fill):
    """x where cond, `fill` elsewhere: the branch of a `where` that is not taken stays
    finite, so its (zero) contribution to a derivative is not 0 * inf = nan."""
    return np.where(cond, x, fill)


def valid(*conds):
    out = True
    for cond in conds:
        out = out & _onp.asarray(getval(cond))
    return out


def log_of_probability(p, complement):
    """log(p) for a probability p whose complement 1 - p is also known accurately:
    log1p(-complement) where p > 1/2 (so log of a p near 1 keeps its digits), log(p)
    elsewhere; each branch sees only the inputs where it is taken."""
    upper = getval(p) > 0.5
    return np.where(upper, np.log1p(-safe(upper, complement, 0.0)), np.log(safe(upper, 0.5, p)))


def log1mexp(u):
    """log(1 - exp(-u)) for u >= 0, accurate at both ends (Maechler's switch at log 2)."""
    small = getval(u) < _onp.log(2.0)
    us = safe(small, u, 1.0)
    ul = safe(small, 1.0, u)
    return np.where(small, np.log(-np.expm1(-us)), np.log1p(-np.exp(-ul)))
