"""Records for fastgrad/numpy/vectors.py."""

import warnings

import fastgrad.numpy as np

from . import OpSpec


def cross2(a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return np.cross(a, b)


SPECS = [
    OpSpec("vecdot", np.vecdot, shapes=[((3,), (3,)), ((2, 3), (3,)), ((4, 1, 3), (2, 3))], complex=True,
           rejects={"0d": "NumPy: vecdot: Input operand 0 does not have enough dimensions"}),
    OpSpec("vecdot_axis", lambda a, b: np.vecdot(a, b, axis=0), shapes=[((3, 2), (3, 2))],
           rejects={"0d": "NumPy: vecdot: Input operand 0 does not have enough dimensions"}),
    OpSpec("matvec", lambda a, b: np.matvec(a, b), needs=("matvec",),
           shapes=[((2, 3), (3,)), ((4, 2, 3), (1, 3))], complex=True,
           rejects={"0d": "NumPy: matvec: Input operand 0 does not have enough dimensions"}),
    OpSpec("vecmat", lambda a, b: np.vecmat(a, b), needs=("vecmat",),
           shapes=[((3,), (3, 2)), ((4, 3), (3, 2))], complex=True),
    OpSpec("cross", np.cross, shapes=[((3,), (3,)), ((4, 3), (3,)), ((2, 1, 3), (4, 3))], complex=True,
           rejects={"size0@3": "NumPy: incompatible dimensions for cross product",
                    "size1@3": "NumPy: incompatible dimensions for cross product",
                    "0d": "NumPy: At least one array has zero dimension"}),
    OpSpec("cross_axes", lambda a, b: np.cross(a, b, axisa=0, axisb=1, axisc=0), shapes=[((3, 4), (4, 3))],
           rejects={"size0@3": "NumPy: incompatible dimensions for cross product",
                    "size1@3": "NumPy: incompatible dimensions for cross product"}),
    OpSpec("cross_2d", cross2, shapes=[((2,), (2,)), ((4, 2), (3,)), ((3,), (2,))], needs=("cross of 2-vectors",),
           rejects={"size0@2": "NumPy: incompatible dimensions for cross product",
                    "size0@3": "NumPy: incompatible dimensions for cross product",
                    "size1@2": "NumPy: incompatible dimensions for cross product",
                    "size1@3": "NumPy: incompatible dimensions for cross product",
                    "0d": "NumPy: At least one array has zero dimension"}),
]
