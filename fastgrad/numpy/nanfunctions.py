"""NaN-ignoring reductions and scans: nansum, nanmean, nanvar, nanstd, nanmax, nanmin,
nanprod, nancumsum, nancumprod (nanargmax and nanargmin carry no derivative).

Each is composed: NaN entries are replaced by the operation's neutral element with
`where`, whose derivative is zero in the replaced entries, so a NaN never reaches a
derivative. A slice made only of NaNs gives NaN, as in NumPy, and the derivative of
that NaN output is zero. (nanmedian, nanpercentile and nanquantile are in statistics.)
"""

import warnings

import numpy as _np

from ..core import getval
from ..rules import nondifferentiable
from ._plain import numpy_when_plain

__all__ = [
    "nansum",
    "nanmean",
    "nanvar",
    "nanstd",
    "nanmax",
    "nanmin",
    "nanprod",
    "nancumsum",
    "nancumprod",
    "nanargmax",
    "nanargmin",
]


def _no_out(out, name):
    if out is not None:
        raise TypeError(f"fastgrad.numpy.{name} does not support out=: it cannot trace writes into an array")


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _valid(a):
    """The plain mask of entries that are not NaN."""
    return ~_np.isnan(getval(a))


@numpy_when_plain(_np.nansum)
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
    _no_out(out, "nansum")
    return sum(where(_valid(a), a, 0.0), axis=_axis(axis), keepdims=keepdims)


def _count(a, axis, keepdims):
    return _np.sum(_valid(a), axis=_axis(axis), keepdims=keepdims)


def _empty_slice_warning(count, what):
    if _np.any(count == 0):
        warnings.warn(f"{what} of an all-NaN slice", RuntimeWarning, stacklevel=3)


@numpy_when_plain(_np.nanmean)
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
    _no_out(out, "nanmean")
    count = _count(a, axis, keepdims)
    _empty_slice_warning(count, "Mean")
    total = nansum(a, axis=axis, keepdims=keepdims)
    return where(count > 0, total / _np.maximum(count, 1), _np.nan)


@numpy_when_plain(_np.nanvar)
def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kwargs):
    _no_out(out, "nanvar")
    valid = _valid(a)
    axis = _axis(axis)
    count = _np.sum(valid, axis=axis, keepdims=True)
    centered = where(valid, a - nansum(a, axis=axis, keepdims=True) / _np.maximum(count, 1), 0.0)
    squares = real(centered * conj(centered)) if _np.iscomplexobj(getval(a)) else centered * centered
    dof = _np.sum(valid, axis=axis, keepdims=keepdims) - ddof
    if _np.any(dof <= 0):
        warnings.warn("Degrees of freedom <= 0 for slice.", RuntimeWarning, stacklevel=2)
    total = sum(squares, axis=axis, keepdims=keepdims)
    return where(dof > 0, total / _np.maximum(dof, 1), _np.nan)


@numpy_when_plain(_np.nanstd)
def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kwargs):
    """sqrt(nanvar); where the variance is 0 or NaN its derivative is taken as 0 (see std)."""
    return _sqrt_of_variance(nanvar(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims))


def _nan_extremum(reduce, fill, a, axis, out, keepdims, name):
    _no_out(out, name)
    axis = _axis(axis)
    valid = _valid(a)
    count = _np.sum(valid, axis=axis, keepdims=keepdims)
    _empty_slice_warning(count, name)
    result = reduce(where(valid, a, fill), axis=axis, keepdims=keepdims)
    return where(count > 0, result, _np.nan)


@numpy_when_plain(_np.nanmax)
def nanmax(a, axis=None, out=None, keepdims=False, **kwargs):
    """max ignoring NaNs; tied maxima share the derivative (see max)."""
    return _nan_extremum(max, -_np.inf, a, axis, out, keepdims, "nanmax")


@numpy_when_plain(_np.nanmin)
def nanmin(a, axis=None, out=None, keepdims=False, **kwargs):
    """min ignoring NaNs; tied minima share the derivative (see min)."""
    return _nan_extremum(min, _np.inf, a, axis, out, keepdims, "nanmin")


@numpy_when_plain(_np.nanprod)
def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
    _no_out(out, "nanprod")
    return prod(where(_valid(a), a, 1.0), axis=_axis(axis), keepdims=keepdims)


@numpy_when_plain(_np.nancumsum)
def nancumsum(a, axis=None, dtype=None, out=None):
    _no_out(out, "nancumsum")
    return cumsum(where(_valid(a), a, 0.0), axis=axis)


@numpy_when_plain(_np.nancumprod)
def nancumprod(a, axis=None, dtype=None, out=None):
    _no_out(out, "nancumprod")
    return cumprod(where(_valid(a), a, 1.0), axis=axis)


nanargmax = nondifferentiable(_np.nanargmax)
nanargmin = nondifferentiable(_np.nanargmin)

from .elementwise import conj, real, where  # noqa: E402
from .reductions import _sqrt_of_variance, cumprod, cumsum, max, min, prod, sum  # noqa: E402
