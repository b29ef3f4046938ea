"""Indexing: `x[index]` (basic and advanced) and its transpose, the scatter-add
`untake`; `take` and the functions composed from them (take_along_axis, choose,
select, compress, extract, delete, insert, trim_zeros). The index queries (argwhere,
flatnonzero, ix_) carry no derivative; put, put_along_axis, place, putmask and copyto
write in place and take plain arrays only.

`getitem` and `untake` are a transpose pair, each the other's VJP, and each its
own JVP applied to the batched tangent, so every order of derivative follows.
A batched tangent is indexed with a leading `slice(None)` for the batch axis;
NumPy moves the dimensions of advanced indices separated by a slice to the front,
which would put them before the batch axis, so `_batch_index` records how to
move them back.
"""

import inspect
import numpy as _np

from .._shapes import ndim_of, shape_of
from ..base import getitem, untake  # noqa: F401 (untake: exported beside take, its transpose)
from ..engine import getval
from ..rules import nondifferentiable
from ._plain import numpy_when_plain, writes_in_place
from .elementwise import where
from .shape import broadcast_to, ravel, stack


__all__ = [
    "take",
    "take_along_axis",
    "choose",
    "select",
    "compress",
    "extract",
    "delete",
    "insert",
    "trim_zeros",
    "argwhere",
    "flatnonzero",
    "ix_",
    "put",
    "put_along_axis",
    "place",
    "putmask",
    "copyto",
]


def _index_mode(indices, n, mode):
    """Indices into a length-n axis under take's mode: 'raise' checks, 'wrap' wraps, 'clip' clips."""
    if mode == "wrap":
        return _np.mod(indices, n)
    if mode == "clip":
        return _np.clip(indices, 0, n - 1)
    if mode != "raise":
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    return indices


def take(a, indices, axis=None, out=None, mode="raise"):
    if out is not None:
        raise TypeError("fastgrad.numpy.take does not support out=: it cannot trace writes into an array")
    indices = _np.asarray(getval(indices))
    if axis is None:
        a = ravel(a)
        axis = 0
    axis %= ndim_of(a)
    indices = _index_mode(indices, shape_of(a)[axis], mode)
    return getitem(a, (slice(None),) * axis + (indices,))


def take_along_axis(arr, indices, axis):
    indices = _np.asarray(getval(indices))
    if axis is None:
        return take(ravel(arr), ravel(indices))
    shape = shape_of(arr)
    axis %= len(shape)
    grids = _np.ogrid[tuple(slice(n) for n in indices.shape)]
    index = tuple(indices if i == axis else _np.broadcast_to(grids[i], indices.shape) if shape[i] != 1 else
                  _np.zeros_like(indices) for i in range(len(shape)))
    return getitem(arr, index)


# ---------------------------------------------------------------- selections composed from gathers
@numpy_when_plain(_np.choose)
def choose(a, choices, out=None, mode="raise"):
    """out[i] = choices[a[i]][i], with a, and every choice, broadcast together; the
    derivative flows to the chosen entries."""
    if out is not None:
        raise TypeError("fastgrad.numpy.choose does not support out=: it cannot trace writes into an array")
    a = _np.asarray(getval(a))
    choices = [choices[i] for i in range(len(choices))]
    shape = _np.broadcast_shapes(a.shape, *[shape_of(getval(c)) for c in choices])
    index = _index_mode(_np.broadcast_to(a, shape), len(choices), mode)
    if mode == "raise" and (_np.any(index < 0) or _np.any(index >= len(choices))):
        raise ValueError("invalid entry in choice array")
    stacked = stack([broadcast_to(c, shape) for c in choices])
    return take_along_axis(stacked, index[None], axis=0)[0]


@numpy_when_plain(_np.select)
def select(condlist, choicelist, default=0):
    """The choice of the first true condition at each position (default where none is)."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    out = default
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        cond = _np.asarray(getval(cond))
        if cond.dtype != bool:
            raise TypeError("invalid entry in condlist: should be boolean ndarray")
        out = where(cond, choice, out)
    shape = _np.broadcast_shapes(*[shape_of(getval(c)) for c in list(condlist) + list(choicelist)],
                                 shape_of(getval(default)))
    return out if shape_of(getval(out)) == shape else broadcast_to(out, shape)


@numpy_when_plain(_np.compress)
def compress(condition, a, axis=None, out=None):
    """The slices of a along axis where condition is true."""
    if out is not None:
        raise TypeError("fastgrad.numpy.compress does not support out=: it cannot trace writes into an array")
    return take(a, _np.nonzero(_np.ravel(getval(condition)))[0], axis=axis)


@numpy_when_plain(_np.extract)
def extract(condition, arr):
    """The entries of arr (flattened) where condition is true."""
    return take(ravel(arr), _np.nonzero(_np.ravel(getval(condition)))[0])


@numpy_when_plain(_np.delete)
def delete(arr, obj, axis=None):
    """arr without the entries (or slices along axis) obj selects."""
    if axis is None:
        arr, axis = ravel(arr), 0
    n = shape_of(getval(arr))[axis]
    return take(arr, _np.delete(_np.arange(n), getval(obj)), axis=axis)


@numpy_when_plain(_np.insert)
def insert(arr, obj, values, axis=None):
    """arr with values inserted before the positions obj, differentiable in arr and values.
    NumPy's own insert is run on integer labels of the entries of arr (positive) and of
    values (negative), which gives the source of every output entry."""
    value = _np.asarray(getval(arr))
    if values is getval(values):
        # NumPy casts the values to arr's dtype (0.5 into a float32 array stays float32)
        values = _np.asarray(values, dtype=value.dtype)
    labels = _np.arange(1, value.size + 1).reshape(value.shape)
    value_labels = -_np.arange(1, _np.size(getval(values)) + 1).reshape(shape_of(getval(values)))
    source = _np.insert(labels, getval(obj), value_labels, axis=axis)
    from_arr = take(ravel(arr), _np.maximum(source, 1) - 1)
    from_values = take(ravel(values), _np.maximum(-source, 1) - 1)
    return where(source > 0, from_arr, from_values)


# NumPy 2.2 made trim_zeros n-dimensional with an `axis` argument; before, it trims 1-D
# sequences only, and the traced call refuses what that NumPy refuses.
_TRIM_ZEROS_TAKES_AXIS = "axis" in inspect.signature(_np.trim_zeros).parameters


@numpy_when_plain(_np.trim_zeros)
def trim_zeros(filt, trim="fb", axis=None):
    """filt without its leading and/or trailing zeros: the slice NumPy keeps, along the
    given axes (all of them by default)."""
    if not _TRIM_ZEROS_TAKES_AXIS:
        if axis is not None:
            raise TypeError("trim_zeros() got an unexpected keyword argument 'axis'")
        if _np.ndim(getval(filt)) != 1:
            raise ValueError("trim_zeros takes 1-D arrays before NumPy 2.2")
    value = _np.asarray(getval(filt))
    trim = trim.lower()
    nd = value.ndim
    axes = range(nd) if axis is None else [ax % nd for ax in (axis if _np.iterable(axis) else (axis,))]
    nonzero = _np.nonzero(value)
    index = [slice(None)] * nd
    for ax in axes:
        if len(nonzero[ax]) == 0:
            start, stop = (value.shape[ax] if "f" in trim else 0), value.shape[ax]
            if "b" in trim and "f" not in trim:
                start, stop = 0, 0
        else:
            start = int(nonzero[ax].min()) if "f" in trim else 0
            stop = int(nonzero[ax].max()) + 1 if "b" in trim else value.shape[ax]
        index[ax] = slice(start, stop)
    return filt[tuple(index)]


argwhere = nondifferentiable(_np.argwhere)
flatnonzero = nondifferentiable(_np.flatnonzero)
ix_ = nondifferentiable(_np.ix_)
put = writes_in_place(_np.put)
put_along_axis = writes_in_place(_np.put_along_axis)
place = writes_in_place(_np.place)
putmask = writes_in_place(_np.putmask)
copyto = writes_in_place(_np.copyto)

