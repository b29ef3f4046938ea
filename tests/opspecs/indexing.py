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
