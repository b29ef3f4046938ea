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

from ..core import Box, getval
from ..rules import Primitive, defrules, ndim_of, nondifferentiable, shape_of
from ._plain import numpy_when_plain, writes_in_place
from ..seeds import UNIT_ROW, Diagonal, Rows

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



def _plain_index(index):
    """The index with traced pieces replaced by their values, lists made arrays."""
    if isinstance(index, tuple):
        return tuple(_plain_item(i) for i in index)
    return (_plain_item(index),)


def _plain_item(item):
    item = getval(item)
    if isinstance(item, list):
        return _np.asarray(item)
    return item


def _advanced_front_ndim(index):
    """If NumPy will put the advanced-index dimensions first (advanced indices
    separated by a slice, Ellipsis or None), their number of dimensions, else 0."""
    positions, arrays = [], []
    for pos, item in enumerate(index):
        if isinstance(item, _np.ndarray) or isinstance(item, (int, _np.integer)) or item is True or item is False:
            positions.append(pos)
            arrays.append(item)
    if not any(isinstance(a, _np.ndarray) for a in arrays):
        return 0
    if positions == list(range(positions[0], positions[0] + len(positions))):
        return 0
    expanded = []
    for a in arrays:
        if isinstance(a, _np.ndarray) and a.dtype == bool:
            expanded.extend(_np.nonzero(a))
        else:
            expanded.append(_np.asarray(a))
    return len(_np.broadcast_shapes(*[a.shape for a in expanded]))


def _batch_index(index):
    return (slice(None),) + index


def _getitem(A, index):
    return A[index]


def _getitem_jvp(t, ans, A, index):
    front = _advanced_front_ndim(index)
    out = getitem(t, _batch_index(index))
    return moveaxis(out, front, 0) if front else out


def _getitem_vjp(g, ans, A, index):
    k = shape_of(g)[0]
    front = _advanced_front_ndim(index)
    if front:
        g = moveaxis(g, 0, front)
    return untake(g, _batch_index(index), (k,) + shape_of(A))


def _getitem_structured_jvp(seed, ans, A, index):
    """x[index] of a diagonal seed. One element picked out (p[0]): a batch with at most one
    nonzero row. Any other index: output position p of row j is d_j where p reads element
    start + j, written straight into the (k, output size) result."""
    if type(seed) is not Diagonal:
        return NotImplemented
    shape = shape_of(A)
    if len(index) != len(shape):
        return _gather_diagonal(seed, shape, index)
    if len(shape) == 1 and type(index[0]) is int:
        # p[i] of a parameter vector, the usual case
        flat = index[0] % shape[0]
    else:
        flat = 0
        for i, n in zip(index, shape):
            if not isinstance(i, (int, _np.integer)):
                return _gather_diagonal(seed, shape, index)
            flat = flat * n + int(i) % n
    if not seed.start <= flat < seed.stop:
        return None
    d = seed.d
    if isinstance(d, (float, int)):
        value = UNIT_ROW if d == 1 else _np.array([d], dtype=float)
    else:
        d = d if ndim_of(d) == 0 else reshape(broadcast_to(d, shape), (-1,))[flat]
        value = reshape(d, (1,))
    return Rows(seed.stop - seed.start, (), (flat - seed.start,), value)


def _gather_diagonal(seed, shape, index):
    size = int(_np.prod(shape, dtype=int))
    k = seed.stop - seed.start
    source = _np.arange(size).reshape(shape)[index]
    out_shape = shape_of(source)
    flat = _np.ravel(source)
    hit = _np.nonzero((flat >= seed.start) & (flat < seed.stop))[0]
    d = seed.d
    if isinstance(d, Box):
        values = reshape(broadcast_to(d, shape), (-1,))[flat[hit]]
        dense = untake(values, (flat[hit] - seed.start, hit), (k, flat.size))
        return reshape(dense, (k,) + out_shape)
    values = _np.broadcast_to(d, shape).reshape(-1)[flat[hit]] if ndim_of(d) else d
    out = _np.zeros((k, flat.size), dtype=_np.result_type(d, float))
    out[flat[hit] - seed.start, hit] = values
    return out.reshape((k,) + out_shape)


def _getitem_structured_vjp(seed, ans, A, index):
    """A diagonal cotangent over x[index]: row j is d_j at the element of x that output
    position j was read from, written straight into a (k, x.size) array rather than
    materialising the (k, output size) cotangent and scattering it back."""
    if type(seed) is not Diagonal:
        return NotImplemented
    shape = shape_of(A)
    size = int(_np.prod(shape, dtype=int))
    k = seed.stop - seed.start
    if size > 4 * int(_np.prod(seed.vshape, dtype=int)):
        return NotImplemented
    source = _np.arange(size).reshape(shape)[index]
    flat = _np.ravel(source)[seed.start:seed.stop]
    values = seed.row_values()
    if isinstance(values, Box):
        return reshape(untake(values, (_np.arange(k), flat), (k, size)), (k,) + shape)
    out = _np.zeros((k, size), dtype=_np.result_type(values))
    out[_np.arange(k), flat] = values
    return out.reshape((k,) + shape)


getitem = defrules(Primitive(_getitem, "getitem"), jvp=[_getitem_jvp], vjp=[_getitem_vjp])
getitem.structured_jvps[0] = _getitem_structured_jvp
getitem.structured_vjps[0] = _getitem_structured_vjp


def _untake(x, index, shape):
    """zeros(shape) with x added at `index` (repeated positions accumulate)."""
    # 0.0, not float: a Python float is a weak scalar and keeps float32 (float is float64)
    out = _np.zeros(shape, dtype=_np.result_type(x, 0.0))
    if any(isinstance(i, _np.ndarray) for i in index):
        _np.add.at(out, index, x)
    else:
        out[index] = x
    return out


def _untake_jvp(t, ans, x, index, shape):
    k = shape_of(t)[0]
    front = _advanced_front_ndim(index)
    if front:
        t = moveaxis(t, 0, front)
    return untake(t, _batch_index(index), (k,) + tuple(shape))


def _untake_vjp(g, ans, x, index, shape):
    front = _advanced_front_ndim(index)
    out = getitem(g, _batch_index(index))
    return moveaxis(out, front, 0) if front else out


untake = defrules(Primitive(_untake, "untake"), jvp=[_untake_jvp], vjp=[_untake_vjp])


def index(A, index):
    """`A[index]` for a traced A (what ArrayBox.__getitem__ calls)."""
    if type(index) is int:
        # p[0], the way a model unpacks its parameters: nothing to normalise
        return getitem(A, (index,))
    return getitem(A, _normalize(index))


def _normalize(index):
    plain = _plain_index(index)
    return tuple(_np.asarray(i) if isinstance(i, list) else i for i in plain)


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

from .elementwise import where  # noqa: E402
from .shape import broadcast_to, moveaxis, ravel, reshape, stack  # noqa: E402
