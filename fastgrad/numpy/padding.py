"""pad, composed one axis at a time (as NumPy pads), in each of NumPy's modes.

  constant, empty       the array joined with constant blocks (differentiable in the
                        constant too; 'empty' pads with zeros, NumPy leaves them undefined)
  edge, reflect, symmetric, wrap, linear_ramp, mean
                        each is affine in the array along the padded axis: its matrix is
                        found by padding the columns of an identity matrix in the same
                        mode (a gather when every row picks one entry, else a product),
                        plus linear_ramp's end values
  maximum, minimum, median
                        the statistic of the first or last stat_length entries (max/min
                        ties and median share their derivative as in reductions/statistics)
"""

import numpy as _np

from ..engine import Box, getval
from ._plain import contains_box, numpy_when_plain
from .creation import astype
from .indexing import take
from .products import matmul
from .reductions import max, min
from .shape import broadcast_to, concatenate, moveaxis, reshape
from .statistics import median


__all__ = ["pad"]

_LINEAR_MODES = ("edge", "reflect", "symmetric", "wrap", "linear_ramp", "mean")
_STAT_MODES = ("maximum", "minimum", "median")


def _pairs(value, ndim, as_index=False):
    """value broadcast to one (before, after) pair per axis, entries kept traced."""
    if value is None:
        return [(None, None)] * ndim
    if isinstance(value, Box):
        if _np.ndim(getval(value)) == 0:
            return [(value, value)] * ndim
        full = broadcast_to(value, (ndim, 2))
        return [(full[i, 0], full[i, 1]) for i in range(ndim)]
    if isinstance(value, (list, tuple)) and contains_box(value):
        items = list(value)
        if len(items) == 2 and not any(isinstance(x, (list, tuple)) for x in items):
            return [(items[0], items[1])] * ndim
        if len(items) == 1:
            return _pairs(items[0], ndim)
        if len(items) != ndim:  # as NumPy, which broadcasts the pairs to (ndim, 2)
            raise ValueError(f"operands could not be broadcast together: {len(items)} pairs for {ndim} axes")
        out = []
        for item in items:
            item = list(item) if isinstance(item, (list, tuple)) else [item, item]
            out.append((item[0], item[-1]))
        return out
    arr = _np.broadcast_to(_np.asarray(value), (ndim, 2))
    if as_index:
        if _np.any(arr < 0):
            raise ValueError("index can't contain negative values")
        arr = arr.astype(_np.intp)
    return [(arr[i, 0], arr[i, 1]) for i in range(ndim)]


def _block(value, shape, axis, width, like):
    shape = list(shape)
    shape[axis] = width
    dtype = _np.result_type(getval(like))
    if isinstance(value, Box):
        return broadcast_to(astype(value, dtype) if _np.dtype(dtype).kind in "fc" else value, tuple(shape))
    return _np.full(shape, value, dtype=dtype)


def _pad_constant(a, axis, before, after, values):
    shape = _np.shape(getval(a))
    pieces = []
    if before:
        pieces.append(_block(values[0], shape, axis, before, a))
    pieces.append(a)
    if after:
        pieces.append(_block(values[1], shape, axis, after, a))
    return concatenate(pieces, axis=axis) if len(pieces) > 1 else a


def _apply_along(a, axis, matrix):
    """The linear map `matrix` (n_out x n) applied along axis of a."""
    n_out, n = matrix.shape
    one = matrix.sum(axis=1) == 1
    picks = _np.argmax(matrix != 0, axis=1)
    if _np.all((matrix == 0) | (matrix == 1)) and _np.all(one):
        return take(a, picks, axis=axis)
    moved = moveaxis(a, axis, -1)
    return moveaxis(matmul(moved, _np.ascontiguousarray(matrix.T)), -1, axis)


def _pad_linear(a, axis, before, after, mode, kwargs, end_values):
    n = _np.shape(getval(a))[axis]
    # In a's own precision, so that padding float32 gives float32 as NumPy's does.
    real = _np.finfo(_np.result_type(getval(a), 0.0)).dtype
    eye = _np.eye(n, dtype=real)
    axis_kwargs = dict(kwargs)
    if mode == "linear_ramp":
        axis_kwargs["end_values"] = 0
    matrix = _np.pad(eye, ((before, after), (0, 0)), mode, **axis_kwargs)
    out = _apply_along(a, axis, matrix)
    if mode == "linear_ramp":
        nd = _np.ndim(getval(a))
        shape = [1] * nd
        shape[axis] = -1
        for side, value in enumerate(end_values):
            if not isinstance(value, Box) and _np.all(value == 0):
                continue
            if not isinstance(value, Box):  # a plain end value takes a's dtype, as in NumPy
                value = _np.asarray(value).astype(_np.result_type(getval(a), 0.0))
            ends = (1.0, 0.0) if side == 0 else (0.0, 1.0)
            ramp = _np.pad(_np.zeros(n, dtype=real), (before, after), "linear_ramp", end_values=ends)
            out = out + reshape(value * ramp, tuple(shape))
    return out


def _pad_stat(a, axis, before, after, mode, lengths):
    n = _np.shape(getval(a))[axis]
    if n == 0:
        raise ValueError(f"can't extend empty axis {axis} using modes other than 'constant' or 'empty'")
    stat = {"maximum": max, "minimum": min, "median": median}[mode]
    pieces = []
    for side, width in ((0, before), (1, after)):
        if not width:
            continue
        length = n if lengths[side] is None else int(_np.clip(lengths[side], 1, n))
        part = slice(0, length) if side == 0 else slice(n - length, n)
        region = a[(slice(None),) * axis + (part,)]
        value = stat(region, axis=axis, keepdims=True)
        shape = list(_np.shape(getval(a)))
        shape[axis] = width
        pieces.append((side, broadcast_to(value, tuple(shape))))
    ordered = [p for s, p in pieces if s == 0] + [a] + [p for s, p in pieces if s == 1]
    return concatenate(ordered, axis=axis) if len(ordered) > 1 else a


@numpy_when_plain(_np.pad)
def pad(array, pad_width, mode="constant", **kwargs):
    """np.pad of a traced array (or traced constant_values / end_values)."""
    if callable(mode):
        raise TypeError("fastgrad.numpy.pad: a callable mode writes into an array in place, "
                        "which fastgrad cannot differentiate")
    nd = _np.ndim(getval(array))
    widths = _pairs(getval(pad_width), nd, as_index=True)
    a = array
    if mode in ("constant", "empty"):
        values = _pairs(kwargs.get("constant_values", 0) if mode == "constant" else 0, nd)
        for axis in range(nd):
            a = _pad_constant(a, axis, int(widths[axis][0]), int(widths[axis][1]), values[axis])
        return a
    if mode in _LINEAR_MODES:
        ends = _pairs(kwargs.pop("end_values", 0), nd) if mode == "linear_ramp" else [None] * nd
        stat = _pairs(kwargs.pop("stat_length", None), nd, as_index=True) if mode == "mean" else None
        for axis in range(nd):
            before, after = int(widths[axis][0]), int(widths[axis][1])
            if not (before or after):
                continue
            axis_kwargs = dict(kwargs)
            if stat is not None and stat[axis][0] is not None:
                axis_kwargs["stat_length"] = (int(stat[axis][0]), int(stat[axis][1]))
            a = _pad_linear(a, axis, before, after, mode, axis_kwargs, ends[axis])
        return a
    if mode in _STAT_MODES:
        lengths = _pairs(kwargs.pop("stat_length", None), nd, as_index=True)
        for axis in range(nd):
            before, after = int(widths[axis][0]), int(widths[axis][1])
            if before or after:
                a = _pad_stat(a, axis, before, after, mode, lengths[axis])
        return a
    raise ValueError(f"mode {mode!r} is not supported")


