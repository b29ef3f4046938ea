"""Records for fastgrad/numpy/functional.py."""

import fastgrad.numpy as np

from . import OpSpec


def scaled_norms(row):
    return np.stack([np.sum(row * row), np.max(row)])


SPECS = [
    OpSpec("apply_along_axis", lambda x, **kw: np.apply_along_axis(np.cumsum, arr=x, **kw), shapes=[((3, 4),)],
           kwargs=[{"axis": 0}, {"axis": 1}], complex=True,
           rejects={"size0": "NumPy: Cannot apply_along_axis when any iteration dimensions are 0",
                    "0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
    OpSpec("apply_along_axis_scalar", lambda x: np.apply_along_axis(np.sum, 1, x * x), shapes=[((2, 3, 4),)],
           rejects={"size0@2": "NumPy: Cannot apply_along_axis when any iteration dimensions are 0",
                    "size0@4": "NumPy: Cannot apply_along_axis when any iteration dimensions are 0",
                    "0d": "NumPy: axis 1 is out of bounds for array of dimension 0"}),
    OpSpec("apply_along_axis_shape", lambda x: np.apply_along_axis(scaled_norms, 1, x), shapes=[((2, 3, 4),)],
           rejects={"size0": "NumPy: Cannot apply_along_axis when any iteration dimensions are 0",
                    "0d": "NumPy: axis 1 is out of bounds for array of dimension 0"}),
    OpSpec("apply_along_axis_closure", lambda w: np.apply_along_axis(lambda r: np.dot(r, w), 1, np.ones((2, 3))),
           shapes=[((3,),)],
           rejects={"size0": "NumPy: shapes (3,) and (0,) not aligned: 3 (dim 0) != 0 (dim 0)",
                    "size1": "NumPy: shapes (3,) and (1,) not aligned: 3 (dim 0) != 1 (dim 0)"}),
    OpSpec("apply_over_axes", lambda x: np.apply_over_axes(np.sum, x * x, [0, 2]), shapes=[((2, 3, 4),)],
           rejects={"0d": "NumPy: axis 2 is out of bounds for array of dimension 0"}),
    OpSpec("vectorize", lambda x, y: np.vectorize(lambda a, b: a * np.sin(b) + 1.0)(x, y),
           shapes=[((3,), (2, 1)), ((), ())], complex=True,
           rejects={"size0": "NumPy: cannot call `vectorize` on size 0 inputs unless `otypes` is set"}),
    OpSpec("vectorize_tuple", lambda x: np.vectorize(lambda a: (a * a, -a))(x), shapes=[((2, 2),)],
           rejects={"size0": "NumPy: cannot call `vectorize` on size 0 inputs unless `otypes` is set"}),
    OpSpec("piecewise", lambda x: np.piecewise(x, [x < 0, x > 1], [np.sin, lambda v: np.log(v), 0.5]),
           shapes=[((10,),)]),
    OpSpec("piecewise_otherwise", lambda x, c: np.piecewise(x, [x < 0], [lambda v: v * c, lambda v: v ** 2 + c]),
           shapes=[((3, 4), ())], complex=False),
]

NONDIFFERENTIABLE = {
    "frompyfunc": "builds a ufunc over Python objects; object arrays carry no derivative",
}
