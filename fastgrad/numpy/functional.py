"""Applying Python functions over arrays: apply_along_axis, apply_over_axes, vectorize,
piecewise (and frompyfunc, whose object arrays carry no derivative).

Each calls the function on traced slices or entries and assembles the results with
stack and reshape, so whatever the function computes is traced. They are composed
even for plain arrays, since the function may close over traced values; plain
results equal NumPy's.
"""

import numpy as _np

from ..engine import Box, getval
from ..rules import nondifferentiable
from ._plain import contains_box
from .creation import astype
from .indexing import untake
from .shape import broadcast_to, expand_dims, moveaxis, reshape, stack, transpose


__all__ = [
    "apply_along_axis",
    "apply_over_axes",
    "vectorize",
    "piecewise",
    "frompyfunc",
]


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """func1d applied to every 1-D slice of arr along axis; the dimensions of its result
    take the place of axis."""
    nd = _np.ndim(getval(arr))
    axis %= nd
    moved = moveaxis(arr, axis, -1)
    outer = _np.shape(getval(moved))[:-1]
    if not outer or 0 in outer:
        if 0 in outer:
            raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
        results = [func1d(moved, *args, **kwargs)]
    else:
        results = [func1d(moved[index], *args, **kwargs) for index in _np.ndindex(*outer)]
    if not any(isinstance(r, Box) for r in results):
        results = [_np.asanyarray(r) for r in results]
    res_shape = _np.shape(getval(results[0]))
    out = reshape(stack(results), outer + res_shape)
    # NumPy puts the result's dimensions where axis was.
    k = len(res_shape)
    order = list(range(axis)) + list(range(len(outer), len(outer) + k)) + list(range(axis, len(outer)))
    return transpose(out, tuple(order)) if order != list(range(len(order))) else out


def apply_over_axes(func, a, axes):
    """func(a, axis) applied for each axis in turn, keeping the reduced axes (as size 1)."""
    val = a
    nd = _np.ndim(getval(a))
    for axis in (axes if _np.iterable(axes) else (axes,)):
        axis %= nd
        res = func(val, axis)
        if _np.ndim(getval(res)) == _np.ndim(getval(val)):
            val = res
        else:
            res = expand_dims(res, axis)
            if _np.ndim(getval(res)) != _np.ndim(getval(val)):
                raise ValueError("function is not returning an array of the correct shape")
            val = res
    return val


class vectorize(_np.vectorize):
    """numpy.vectorize that also accepts traced arrays: pyfunc is called on each traced
    entry (0-d) of the broadcast arguments and the results are stacked (one output, or
    a tuple of outputs when pyfunc returns a tuple). Plain arguments go to NumPy's."""

    def __call__(self, *args, **kwargs):
        if not (contains_box(args) or contains_box(kwargs)):
            return super().__call__(*args, **kwargs)
        if self.signature is not None:
            raise NotImplementedError("fastgrad.numpy.vectorize with a signature cannot take traced "
                                      "arguments; use apply_along_axis or write the function with arrays")
        excluded = set(self.excluded)
        positional = [i for i in range(len(args)) if i not in excluded]
        named = [k for k in kwargs if k not in excluded]
        shape = _np.broadcast_shapes(*[_np.shape(getval(args[i])) for i in positional],
                                     *[_np.shape(getval(kwargs[k])) for k in named])
        broad_args = list(args)
        for i in positional:
            broad_args[i] = broadcast_to(args[i], shape)
        broad_kwargs = dict(kwargs)
        for k in named:
            broad_kwargs[k] = broadcast_to(kwargs[k], shape)
        results = []
        for index in _np.ndindex(*shape):
            call_args = [a[index] if i in positional else a for i, a in enumerate(broad_args)]
            call_kwargs = {k: (v[index] if k in named else v) for k, v in broad_kwargs.items()}
            results.append(self.pyfunc(*call_args, **call_kwargs))
        if not results:
            raise ValueError("cannot call `vectorize` on size 0 inputs unless `otypes` is set")
        if isinstance(results[0], tuple):
            return tuple(reshape(stack([r[j] for r in results]), shape) for j in range(len(results[0])))
        return reshape(stack(results), shape)


def piecewise(x, condlist, funclist, *args, **kw):
    """funclist[i] applied to the entries of x where condlist[i] holds (a later condition
    overrides an earlier one; one extra function covers the entries no condition holds;
    a constant instead of a function is broadcast). Each function sees only its own
    entries, so a function undefined elsewhere never meets those values. (With plain
    arguments the functions may still close over traced values, so this is always composed.)"""
    value = getval(x)
    shape = _np.shape(value)
    if isinstance(condlist, Box) or (not isinstance(condlist, list) and _np.ndim(getval(condlist)) == _np.ndim(value)):
        condlist = [condlist]
    conds = [_np.broadcast_to(_np.asarray(getval(c), dtype=bool), shape) for c in condlist]
    if shape == ():
        # nonzero has no 0-d form: the one entry is worked on as a vector of one.
        return reshape(piecewise(reshape(x, (1,)), [c.reshape(1) for c in conds], funclist, *args, **kw), ())
    if len(funclist) == len(conds) + 1:
        conds.append(~_np.any(conds, axis=0) if conds else _np.ones(shape, dtype=bool))
    elif len(funclist) != len(conds):
        raise ValueError(f"with {len(conds)} condition(s), either {len(conds)} or {len(conds) + 1} "
                         "functions are expected")
    out = _np.zeros(shape, dtype=_np.result_type(value))
    taken = _np.zeros(shape, dtype=bool)
    for cond, fun in reversed(list(zip(conds, funclist))):
        mine = cond & ~taken
        taken |= cond
        if not _np.any(mine):
            continue
        positions = _np.nonzero(mine)
        if callable(fun):
            piece = fun(x[positions], *args, **kw)
        else:
            piece = fun
        piece = broadcast_to(piece, (len(positions[0]),)) if _np.ndim(getval(piece)) == 0 else piece
        out = out + untake(piece, positions, shape)
    # Composed even for plain x: a function may close over traced values. The result keeps
    # x's dtype, as NumPy's does (it fills an array like x).
    dtype = _np.result_type(value)
    if not isinstance(out, Box):
        return out.astype(dtype, copy=False)
    return out if _np.result_type(getval(out)) == dtype or dtype.kind not in "fc" else astype(out, dtype)


frompyfunc = nondifferentiable(_np.frompyfunc)

