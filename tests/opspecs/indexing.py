"""Records for fastgrad/numpy/indexing.py (x[index], take, take_along_axis)."""

import numpy as onp

import fastgrad.numpy as np

from . import OpSpec

MASK = onp.array([[True, False, True, False], [False, False, True, True], [True, True, False, False]])

SPECS = [
    OpSpec("getitem_int", lambda x: x[1], shapes=[((3, 4),)], complex=True),
    OpSpec("getitem_slice", lambda x: x[1:, ::2], shapes=[((3, 4),)]),
    OpSpec("getitem_newaxis_ellipsis", lambda x: x[..., None, 1], shapes=[((3, 4),)]),
    OpSpec("getitem_array", lambda x: x[[0, 2, 0]], shapes=[((3, 4),)]),
    OpSpec("getitem_advanced_pair", lambda x: x[[0, 2, 2], [1, 3, 1]], shapes=[((3, 4),)]),
    OpSpec("getitem_advanced_separated", lambda x: x[[0, 1], :, [2, 0]], shapes=[((2, 3, 4),)]),
    OpSpec("getitem_mask", lambda x: x[MASK], shapes=[((3, 4),)]),
    OpSpec("getitem_scalar", lambda x: x[()], shapes=[((),)]),
    OpSpec("take", lambda x: np.take(x, [3, 0, 3]), shapes=[((3, 4),)]),
    OpSpec("take_axis", lambda x: np.take(x, [1, 1, 0], axis=1), shapes=[((3, 4),)]),
    OpSpec("take_along_axis", lambda x: np.take_along_axis(x, onp.array([[0, 2], [1, 1], [3, 0]]), axis=1),
           shapes=[((3, 4),)]),
    OpSpec("iterate", lambda x: np.stack([row * 2.0 for row in x]), shapes=[((3, 2),)]),
]

SPECS += [
    OpSpec("take_modes", lambda x, **kw: np.take(x, [5, -1, 2], axis=1, **kw), shapes=[((3, 4),)],
           kwargs=[{"mode": "wrap"}, {"mode": "clip"}]),
    OpSpec("choose", lambda a, b, c: np.choose(onp.array([[0, 2, 1, 0], [2, 2, 0, 1], [1, 0, 0, 2]]), [a, b, c]),
           shapes=[((3, 4), (4,), ())], complex=True),
    OpSpec("choose_modes", lambda a, b: np.choose(onp.array([0, 3, -1]), (a, b), mode="wrap"), shapes=[((3,), (3,))]),
    OpSpec("select", lambda x, y: np.select([x > 0.5, y < 0], [x, y * 2.0], default=-1.0),
           shapes=[((3, 4), (4,)), ((5,), (5,))]),
    OpSpec("select_traced_default", lambda x, d: np.select([x > 0], [x * x], default=d), shapes=[((5,), ())]),
    OpSpec("compress", lambda x: np.compress([True, False, True], x, axis=0), shapes=[((3, 4),)], complex=True),
    OpSpec("compress_flat", lambda x: np.compress(onp.arange(12) % 5 == 1, x), shapes=[((3, 4),)]),
    OpSpec("extract", lambda x: np.extract(MASK, x), shapes=[((3, 4),)]),
    OpSpec("delete", lambda x, **kw: np.delete(x, [0, 2], **kw), shapes=[((3, 4),)],
           kwargs=[{}, {"axis": 1}], complex=True),
    OpSpec("delete_slice", lambda x: np.delete(x, slice(1, None, 2), axis=0), shapes=[((5, 2),)]),
    OpSpec("insert", lambda x, v: np.insert(x, [1, 3], v), shapes=[((2, 3), (2,)), ((4,), ())], complex=True),
    OpSpec("insert_axis", lambda x, v: np.insert(x, 1, v, axis=1), shapes=[((3, 2), (3,)), ((3, 2), ())]),
    OpSpec("trim_zeros", lambda x: np.trim_zeros(x * (onp.arange(6) % 5 != 0)), shapes=[((6,),)]),
    OpSpec("trim_zeros_2d", lambda x, **kw: np.trim_zeros(x * onp.array([[0, 0, 0], [0, 1, 1], [0, 1, 0]]), **kw),
           shapes=[((3, 3),)], kwargs=[{}, {"trim": "b"}, {"axis": 1}], needs=("trim_zeros(axis=)",)),
]

NONDIFFERENTIABLE = {
    "argwhere": "indices: integer output",
    "flatnonzero": "indices: integer output",
    "ix_": "builds index arrays from plain sequences",
    "put": "writes into an array in place; plain arrays only (traced values are immutable)",
    "put_along_axis": "writes into an array in place; plain arrays only (traced values are immutable)",
    "place": "writes into an array in place; plain arrays only (traced values are immutable)",
    "putmask": "writes into an array in place; plain arrays only (traced values are immutable)",
    "copyto": "writes into an array in place; plain arrays only (traced values are immutable)",
}
