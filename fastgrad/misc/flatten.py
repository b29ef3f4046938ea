"""Nested lists, tuples and dicts of arrays as one flat vector, and back.

`flatten(value)` returns (vector, unflatten): the leaves raveled and concatenated
in order (dict keys sorted, as in autograd), and a function rebuilding a value of
the same structure, leaf shapes and dtypes from any vector of that length. Both
are written with fastgrad.numpy, so they can be differentiated through (a traced
value flattens to a traced vector; unflatten of a traced vector is traced).

Imports: the engine, the numpy namespace, builtins, differential_operators.
"""

import numpy as _np

from .. import numpy as fnp
from ..builtins import type  # noqa: F401  (autograd's module exports it)
from ..engine import getval
from ..differential_operators import make_vjp  # noqa: F401  (autograd's module exports it)

__all__ = ["flatten", "flatten_func"]


def _leaves(value):
    kind = type(getval(value))
    if kind in (list, tuple):
        for item in value:
            yield from _leaves(item)
    elif kind is dict:
        for key in sorted(getval(value)):
            yield from _leaves(value[key])
    else:
        yield value


def _builder(value):
    """A function taking an iterator of leaves and rebuilding value's structure."""
    kind = type(getval(value))
    if kind in (list, tuple):
        parts = [_builder(item) for item in value]
        return lambda leaves: kind(part(leaves) for part in parts)
    if kind is dict:
        # Leaves come in sorted-key order; the rebuilt dict keeps the original's key order.
        order = list(getval(value))
        parts = {key: _builder(value[key]) for key in sorted(order)}

        def build(leaves):
            items = {key: part(leaves) for key, part in parts.items()}
            return {key: items[key] for key in order}
        return build
    return lambda leaves: next(leaves)


def flatten(value):
    """(1-D vector of every leaf of `value`, unflatten)."""
    leaves = list(_leaves(value))
    shapes = [_np.shape(leaf) for leaf in leaves]
    dtypes = [_np.result_type(getval(leaf)) for leaf in leaves]
    sizes = [int(_np.prod(shape, dtype=int)) for shape in shapes]
    if leaves:
        flat = fnp.concatenate([fnp.ravel(leaf) for leaf in leaves])
    else:
        flat = _np.array([])
    build = _builder(value)

    def unflatten(vector):
        pieces, start = [], 0
        for shape, dtype, size in zip(shapes, dtypes, sizes):
            piece = fnp.reshape(vector[start:start + size], shape)
            if dtype.kind in "fc" and _np.result_type(getval(piece)) != dtype:
                piece = fnp.astype(piece, dtype)
            pieces.append(piece)
            start += size
        return build(iter(pieces))

    return flat, unflatten


def flatten_func(func, example):
    """(flat_func, unflatten, flat_example) for `func` of a structured value, where
    flat_func(vector, *args) = flatten(func(unflatten(vector), *args))[0]."""
    flat_example, unflatten = flatten(example)

    def flat_func(vector, *args):
        return flatten(func(unflatten(vector), *args))[0]

    return flat_func, unflatten, flat_example
