"""NaN-ignoring reductions and scans: nansum, nanmean, nanvar, nanstd, nanmax, nanmin,
nanprod, nancumsum, nancumprod (nanargmax and nanargmin carry no derivative).

Each is composed: NaN entries are replaced by the operation's neutral element with
`where`, whose derivative is zero in the replaced entries, so a NaN never reaches a
derivative. A slice made only of NaNs gives NaN, as in NumPy, and the derivative of
that NaN output is zero. (nanmedian, nanpercentile and nanquantile are in statistics.)
"""

import numpy as _np
import warnings

from ..engine import getval
from ..rules import nondifferentiable
from ._plain import numpy_when_plain, takes_array_like
from .elementwise import conj, real, where
from .reductions import _counts_like, _sqrt_of_variance, cumprod, cumsum, max, min, prod, sum


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


def _valid(a, where_=_np._NoValue):
    """The plain mask of entries that are not NaN (and that NumPy's where= selects)."""
    valid = ~_np.isnan(getval(a))
    if where_ is not _np._NoValue:
        valid = valid & getval(where_)
    return valid


@takes_array_like
@numpy_when_plain(_np.nansum)
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_np._NoValue, where=_np._NoValue):
    _no_out(out, "nansum")
    return sum(_fill(a, where, 0.0), axis=_axis(axis), keepdims=keepdims, initial=initial)


def _fill(a, where_, value):
    return where(_valid(a, where_), a, value)


def _count(a, axis, keepdims, where_=_np._NoValue):
    return _counts_like(_np.sum(_valid(a, where_), axis=_axis(axis), keepdims=keepdims), a)


def _empty_slice_warning(count, what):
    if _np.any(count == 0):
        warnings.warn(f"{what} of an all-NaN slice", RuntimeWarning, stacklevel=3)


@takes_array_like
@numpy_when_plain(_np.nanmean)
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=_np._NoValue):
    _no_out(out, "nanmean")
    count = _count(a, axis, keepdims, where)
    _empty_slice_warning(count, "Mean")
    total = sum(_fill(a, where, 0.0), axis=_axis(axis), keepdims=keepdims)
    return _where_counted(count > 0, total / _np.maximum(count, 1))


def _where_counted(counted, value):
    return where(counted, value, _np.nan)


def _zero_outside(valid, x):
    return where(valid, x, 0.0)


@takes_array_like
@numpy_when_plain(_np.nanvar)
def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_np._NoValue,
           mean=_np._NoValue, correction=_np._NoValue):
    _no_out(out, "nanvar")
    if correction is not _np._NoValue:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    valid = _valid(a, where)
    axis = _axis(axis)
    count = _counts_like(_np.sum(valid, axis=axis, keepdims=True), a)
    if mean is _np._NoValue:
        mean = sum(_fill(a, where, 0.0), axis=axis, keepdims=True) / _np.maximum(count, 1)
    centered = _zero_outside(valid, a - mean)
    squares = real(centered * conj(centered)) if _np.iscomplexobj(getval(a)) else centered * centered
    dof = _counts_like(_np.sum(valid, axis=axis, keepdims=keepdims) - ddof, a)
    if _np.any(dof <= 0):
        warnings.warn("Degrees of freedom <= 0 for slice.", RuntimeWarning, stacklevel=2)
    total = sum(squares, axis=axis, keepdims=keepdims)
    return _where_counted(dof > 0, total / _np.maximum(dof, 1))


@takes_array_like
@numpy_when_plain(_np.nanstd)
def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_np._NoValue,
           mean=_np._NoValue, correction=_np._NoValue):
    """sqrt(nanvar); where the variance is 0 or NaN its derivative is taken as 0 (see std)."""
    return _sqrt_of_variance(nanvar(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims,
                                    where=where, mean=mean, correction=correction))


def _nan_extremum(reduce, fill, a, axis, out, keepdims, initial, where_, name):
    """max or min of the entries that are not NaN (and that where_ selects). A slice with
    none is NaN, as in NumPy, unless initial= gives it a value."""
    _no_out(out, name)
    axis = _axis(axis)
    valid = _valid(a, where_)
    result = reduce(where(valid, a, fill), axis=axis, keepdims=keepdims, initial=initial)
    if initial is not _np._NoValue:
        return result
    count = _np.sum(valid, axis=axis, keepdims=keepdims)
    _empty_slice_warning(count, name)
    return _where_counted(count > 0, result)


@takes_array_like
@numpy_when_plain(_np.nanmax)
def nanmax(a, axis=None, out=None, keepdims=False, initial=_np._NoValue, where=_np._NoValue):
    """max ignoring NaNs; tied maxima share the derivative (see max)."""
    return _nan_extremum(max, -_np.inf, a, axis, out, keepdims, initial, where, "nanmax")


@takes_array_like
@numpy_when_plain(_np.nanmin)
def nanmin(a, axis=None, out=None, keepdims=False, initial=_np._NoValue, where=_np._NoValue):
    """min ignoring NaNs; tied minima share the derivative (see min)."""
    return _nan_extremum(min, _np.inf, a, axis, out, keepdims, initial, where, "nanmin")


@takes_array_like
@numpy_when_plain(_np.nanprod)
def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_np._NoValue, where=_np._NoValue):
    _no_out(out, "nanprod")
    return prod(_fill(a, where, 1.0), axis=_axis(axis), keepdims=keepdims, initial=initial)


@takes_array_like
@numpy_when_plain(_np.nancumsum)
def nancumsum(a, axis=None, dtype=None, out=None):
    _no_out(out, "nancumsum")
    return cumsum(_fill(a, _np._NoValue, 0.0), axis=axis)


@takes_array_like
@numpy_when_plain(_np.nancumprod)
def nancumprod(a, axis=None, dtype=None, out=None):
    _no_out(out, "nancumprod")
    return cumprod(_fill(a, _np._NoValue, 1.0), axis=axis)


nanargmax = nondifferentiable(_np.nanargmax)
nanargmin = nondifferentiable(_np.nanargmin)

