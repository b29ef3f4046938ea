"""Shape operations: reshape, transpose, broadcast_to, concatenate, tile, flip, roll
and what is composed from them (ravel, squeeze, expand_dims, swapaxes, moveaxis,
stack, hstack, vstack, repeat, rot90, split and its variants, unstack, block,
resize, np.r_ and np.c_, ...).

All are linear: each rule applies the same operation to the batched tangent (the
batch axis kept first) or its transpose to the batched cotangent.
"""

import numpy as _np

from .._shapes import ndim_of, shape_of
from ..base import (batch_axis, batched_shape, broadcast_to, concatenate, concatenate_args, defrules, moveaxis, stack,
                    transpose, getitem, reshape as _reshape_prim, sum as sum_prim)
from ..engine import Box, Primitive, getval
from ..rules import nondifferentiable
from ._plain import contains_box, takes_array_like


__all__ = [
    "reshape",
    "ravel",
    "squeeze",
    "expand_dims",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "transpose",
    "swapaxes",
    "moveaxis",
    "rollaxis",
    "broadcast_to",
    "broadcast_arrays",
    "concatenate",
    "stack",
    "hstack",
    "vstack",
    "row_stack",
    "dstack",
    "column_stack",
    "append",
    "tile",
    "repeat",
    "flip",
    "fliplr",
    "flipud",
    "roll",
    "rot90",
    "split",
    "array_split",
    "hsplit",
    "vsplit",
    "dsplit",
    "unstack",
    "block",
    "resize",
    "concat",
    "concatenate_args",
    "permute_dims",
    "matrix_transpose",
    "r_",
    "c_",
    "shape",
    "ndim",
    "size",
]


def _layout_order(a, order):
    """'A' as NumPy reads it from the array's memory: 'F' when it is Fortran-contiguous
    and not C-contiguous, 'C' otherwise."""
    if order != "A":
        return order
    flags = _np.asarray(getval(a)).flags
    return "F" if flags.f_contiguous and not flags.c_contiguous else "C"


def _memory_axes(value):
    """The axes of an array from the largest memory stride to the smallest, as NumPy's
    order='K' reads them: a stable sort in which a size-1 or zero-stride axis orders
    nothing, and a negative stride counts by its size (the axis is not reversed)."""
    strides = [abs(s) if n > 1 else 0 for s, n in zip(value.strides, value.shape)]
    axes = []
    for ax in range(value.ndim):
        pos = len(axes)
        for i in range(len(axes) - 1, -1, -1):
            other = axes[i]
            if strides[ax] == 0 or strides[other] == 0:
                continue
            if strides[ax] <= strides[other]:
                break
            pos = i
        axes.insert(pos, ax)
    return tuple(axes)


@takes_array_like
def reshape(a, newshape=None, order="C", *, shape=None, **kwargs):
    if shape is not None:
        newshape = shape
    if isinstance(newshape, list):
        newshape = tuple(newshape)
    return _reshape_prim(a, newshape, order=_layout_order(a, order))


@takes_array_like
def ravel(a, order="C"):
    if order == "K":
        axes = _memory_axes(_np.asarray(getval(a)))
        if axes != tuple(range(len(axes))):
            a = transpose(a, axes)
        order = "C"
    return _reshape_prim(a, (-1,), order=_layout_order(a, order))


@takes_array_like
def squeeze(a, axis=None):
    shape = shape_of(a)
    if axis is None:
        new = tuple(s for s in shape if s != 1)
    else:
        axes = {ax % len(shape) for ax in (axis if isinstance(axis, (tuple, list)) else (axis,))}
        for ax in axes:
            if shape[ax] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
        new = tuple(s for i, s in enumerate(shape) if i not in axes)
    return _reshape_prim(a, new)


@takes_array_like
def expand_dims(a, axis):
    shape = list(shape_of(a))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    ndim = len(shape) + len(axes)
    for ax in sorted(x % ndim for x in axes):
        shape.insert(ax, 1)
    return _reshape_prim(a, tuple(shape))


@takes_array_like
def atleast_1d(*arys):
    out = [a if ndim_of(a) >= 1 else reshape(a, (1,)) for a in arys]
    return out[0] if len(out) == 1 else out


@takes_array_like
def atleast_2d(*arys):
    out = []
    for a in arys:
        nd = ndim_of(a)
        out.append(a if nd >= 2 else reshape(a, (1,) * (2 - nd) + shape_of(a)))
    return out[0] if len(out) == 1 else out


@takes_array_like
def atleast_3d(*arys):
    out = []
    for a in arys:
        nd, shape = ndim_of(a), shape_of(a)
        if nd == 0:
            a = reshape(a, (1, 1, 1))
        elif nd == 1:
            a = reshape(a, (1,) + shape + (1,))
        elif nd == 2:
            a = reshape(a, shape + (1,))
        out.append(a)
    return out[0] if len(out) == 1 else out


# ---------------------------------------------------------------- transpose
@takes_array_like
def swapaxes(a, axis1, axis2):
    axes = list(range(ndim_of(a)))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(a, tuple(axes))


moveaxis = takes_array_like(moveaxis)


@takes_array_like
def rollaxis(a, axis, start=0):
    ndim = ndim_of(a)
    axis %= ndim
    start = start % (ndim + 1) if start < 0 else start
    if axis < start:
        start -= 1
    return moveaxis(a, axis, start)


# ---------------------------------------------------------------- broadcasting
@takes_array_like
def broadcast_arrays(*args):
    shape = _np.broadcast_shapes(*[shape_of(a) for a in args])
    return [broadcast_to(a, shape) for a in args]


# ---------------------------------------------------------------- joining
def hstack(tup, **kwargs):
    arrays = [atleast_1d(a) for a in tup]
    return concatenate(arrays, axis=0 if ndim_of(arrays[0]) == 1 else 1)


def vstack(tup, **kwargs):
    return concatenate([atleast_2d(a) for a in tup], axis=0)


row_stack = vstack


def dstack(tup):
    return concatenate([atleast_3d(a) for a in tup], axis=2)


def column_stack(tup):
    arrays = [reshape(a, (-1, 1)) if ndim_of(a) < 2 else a for a in tup]
    return concatenate(arrays, axis=1)


@takes_array_like
def append(arr, values, axis=None):
    if axis is None:
        return concatenate([ravel(arr), ravel(values)])
    return concatenate([arr, values], axis=axis)


# ---------------------------------------------------------------- repetition
def _tile(A, reps):
    return _np.tile(A, reps)


def _tile_layout(A, reps):
    reps = tuple(reps) if _np.iterable(reps) else (reps,)
    shape = shape_of(A)
    ndim = max(len(shape), len(reps))
    return (1,) * (ndim - len(shape)) + shape, (1,) * (ndim - len(reps)) + reps


def _tile_jvp(t, ans, A, reps):
    shape, reps = _tile_layout(A, reps)
    return _tile(reshape(t, batched_shape(t, shape)), (1,) + reps)


def _tile_vjp(g, ans, A, reps):
    # ans reshaped to (r0, s0, r1, s1, ...): each (s0, s1, ...) block is one copy of A.
    shape, reps = _tile_layout(A, reps)
    k = shape_of(g)[0]
    interleaved = tuple(n for pair in zip(reps, shape) for n in pair)
    blocks = reshape(g, (k,) + interleaved)
    summed = sum_prim(blocks, axis=tuple(range(1, 2 * len(shape), 2)))
    return reshape(summed, (k,) + shape_of(A))


tile = defrules(Primitive(_tile, "tile"), jvp=[_tile_jvp], vjp=[_tile_vjp])


@takes_array_like
def repeat(a, repeats, axis=None):
    # A 0-d input is repeated as the 1-vector that NumPy makes of it.
    if axis is None or ndim_of(a) == 0:
        a, axis = ravel(a), 0 if axis is None else axis
    n = shape_of(a)[axis]
    index = _np.repeat(_np.arange(n), getval(repeats))
    return getitem(a, (slice(None),) * (axis % ndim_of(a)) + (index,))


# ---------------------------------------------------------------- reversal
def _flip(m, axis=None):
    return _np.flip(m, axis)


flip = defrules(
    Primitive(_flip, "flip"),
    jvp=[lambda t, ans, m, axis=None: _flip(t, batch_axis(axis, ndim_of(m)))],
    vjp=[lambda g, ans, m, axis=None: _flip(g, batch_axis(axis, ndim_of(m)))],
)


@takes_array_like
def fliplr(m):
    return flip(m, 1)


@takes_array_like
def flipud(m):
    return flip(m, 0)


# ---------------------------------------------------------------- rolling and rotating
def _roll(a, shift, axis=None):
    return _np.roll(a, shift, axis)


def _negated(shift):
    return tuple(-s for s in shift) if _np.iterable(shift) else -shift


def _roll_batched(t, shift, axis, ndim):
    """np.roll of each batch row of t (the batch axis stays put)."""
    if axis is None:
        k = shape_of(t)[0]
        return reshape(roll_prim(reshape(t, (k, -1)), shift, 1), shape_of(t))
    return roll_prim(t, shift, batch_axis(axis, ndim))


# A roll is a permutation: its transpose is the roll the other way.
roll_prim = defrules(
    Primitive(_roll, "roll"),
    jvp=[lambda t, ans, a, shift, axis=None: _roll_batched(t, shift, axis, ndim_of(a))],
    vjp=[lambda g, ans, a, shift, axis=None: _roll_batched(g, _negated(shift), axis, ndim_of(a))],
)


@takes_array_like
def roll(a, shift, axis=None):
    shift = getval(shift)
    if isinstance(shift, list):
        shift = tuple(shift)
    if isinstance(axis, list):
        axis = tuple(axis)
    return roll_prim(a, shift, axis)


@takes_array_like
def rot90(m, k=1, axes=(0, 1)):
    """m rotated by 90 degrees k times in the plane of axes (from the first towards the second)."""
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    nd = ndim_of(getval(m))
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == nd:
        raise ValueError("Axes must be different.")
    if not (-nd <= axes[0] < nd and -nd <= axes[1] < nd):
        raise ValueError(f"Axes={axes} out of range for array of ndim={nd}.")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, axes[0]), axes[1])
    order = list(range(nd))
    order[axes[0]], order[axes[1]] = order[axes[1]], order[axes[0]]
    if k == 1:
        return transpose(flip(m, axes[1]), tuple(order))
    return flip(transpose(m, tuple(order)), axes[1])


# ---------------------------------------------------------------- splitting
@takes_array_like
def array_split(ary, indices_or_sections, axis=0):
    """Pieces of ary along axis: `sections` nearly equal pieces, or cut at the given indices."""
    if not isinstance(ary, Box):
        return _np.array_split(ary, indices_or_sections, axis)
    n = shape_of(getval(ary))[axis]
    sections = getval(indices_or_sections)
    if ndim_of(sections) == 0:
        sections = int(sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.")
        each, extra = divmod(n, sections)
        sizes = [each + 1] * extra + [each] * (sections - extra)
        bounds = _np.concatenate([[0], _np.cumsum(sizes)]).tolist()
    else:
        bounds = [0] + list(sections) + [n]
    axis %= ndim_of(getval(ary))
    lead = (slice(None),) * axis
    return [ary[lead + (slice(start, stop),)] for start, stop in zip(bounds[:-1], bounds[1:])]


@takes_array_like
def split(ary, indices_or_sections, axis=0):
    if not isinstance(ary, Box):
        return _np.split(ary, indices_or_sections, axis)
    sections = getval(indices_or_sections)
    if ndim_of(sections) == 0 and shape_of(getval(ary))[axis] % sections:
        raise ValueError("array split does not result in an equal division")
    return array_split(ary, indices_or_sections, axis)


@takes_array_like
def hsplit(ary, indices_or_sections):
    if not isinstance(ary, Box):
        return _np.hsplit(ary, indices_or_sections)
    if ndim_of(getval(ary)) == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, 1 if ndim_of(getval(ary)) > 1 else 0)


@takes_array_like
def vsplit(ary, indices_or_sections):
    if not isinstance(ary, Box):
        return _np.vsplit(ary, indices_or_sections)
    if ndim_of(getval(ary)) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


@takes_array_like
def dsplit(ary, indices_or_sections):
    if not isinstance(ary, Box):
        return _np.dsplit(ary, indices_or_sections)
    if ndim_of(getval(ary)) < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


@takes_array_like
def unstack(x, /, *, axis=0):
    """The slices of x along axis, as a tuple."""
    if not isinstance(x, Box):
        return _np.unstack(x, axis=axis)
    axis %= ndim_of(getval(x))
    lead = (slice(None),) * axis
    return tuple(x[lead + (i,)] for i in range(shape_of(getval(x))[axis]))


# ---------------------------------------------------------------- assembling
def _block_depth(arrays):
    return 1 + _block_depth(arrays[0]) if isinstance(arrays, list) and arrays else int(isinstance(arrays, list))


def _block_leaves(arrays):
    if isinstance(arrays, list):
        for item in arrays:
            yield from _block_leaves(item)
    else:
        yield arrays


def block(arrays):
    """Assemble nested lists of arrays: the innermost lists join along the last axis,
    the next along the one before, and so on."""
    if not contains_box(arrays):
        return _np.block(arrays)
    depth = _block_depth(arrays)
    ndim = max([depth] + [ndim_of(getval(leaf)) for leaf in _block_leaves(arrays)])

    def assemble(item, level):
        if isinstance(item, list):
            return concatenate([assemble(x, level + 1) for x in item], axis=-(depth - level))
        if isinstance(item, tuple):
            raise TypeError("arrays is a tuple. Only lists can be used to arrange blocks, and np.block "
                            "does not allow implicit conversion from tuple to ndarray.")
        nd = ndim_of(getval(item))
        return item if nd == ndim else reshape(item, (1,) * (ndim - nd) + shape_of(getval(item)))

    return assemble(arrays, 0)


@takes_array_like
def resize(a, new_shape):
    """a flattened, repeated cyclically to fill new_shape."""
    if not isinstance(a, Box):
        return _np.resize(a, new_shape)
    new_shape = (new_shape,) if isinstance(new_shape, int) else tuple(new_shape)
    size = int(_np.prod(new_shape, dtype=int))
    n = _np.size(getval(a))
    if n == 0 or size == 0:
        return _np.zeros(new_shape, dtype=_np.result_type(getval(a)))
    return reshape(getitem(ravel(a), (_np.arange(size) % n,)), new_shape)


concat = concatenate


@takes_array_like
def permute_dims(a, /, axes=None):
    return transpose(a, axes)


@takes_array_like
def matrix_transpose(x, /):
    if ndim_of(getval(x)) < 2:
        raise ValueError("Input array must be at least 2-dimensional")
    return swapaxes(x, -1, -2)


class _Joiner:
    """np.r_ and np.c_: index with pieces to join them (slices give ranges, as in NumPy).
    With a traced piece the join is a traced concatenation: along the first axis (r_,
    pieces made at least 1-D), or as columns (c_, 1-D pieces made columns); the string
    directives of NumPy's r_ apply to plain pieces only."""

    def __init__(self, numpy_joiner, columns):
        self.numpy_joiner = numpy_joiner
        self.columns = columns

    def __getitem__(self, key):
        if not contains_box(key):
            return self.numpy_joiner[key]
        items = key if isinstance(key, tuple) else (key,)
        if any(isinstance(item, str) for item in items):
            raise TypeError("np.r_ / np.c_ string directives apply to plain pieces only")
        pieces = [_np.r_[item] if isinstance(item, slice) else item for item in items]
        if self.columns:
            return column_stack([reshape(p, (1,)) if ndim_of(getval(p)) == 0 else p for p in pieces])
        return concatenate([atleast_1d(p) for p in pieces], axis=0)


r_ = _Joiner(_np.r_, columns=False)
c_ = _Joiner(_np.c_, columns=True)

shape = nondifferentiable(_np.shape)
ndim = nondifferentiable(_np.ndim)
size = nondifferentiable(_np.size)


