"""Records for fastgrad/numpy/calculus.py."""

import numpy as onp

import fastgrad.numpy as np

from . import OpSpec


def increasing(rng, shapes, dtype):
    """Sample coordinates that increase (unevenly), then the other arguments."""
    x = onp.cumsum(rng.uniform(0.5, 1.5, shapes[0]))
    rest = [rng.standard_normal(s) + (0.5j * rng.standard_normal(s) if dtype == "c128" else 0) for s in shapes[1:]]
    return (x, *rest)


def knots_then_points(rng, shapes, dtype):
    xp = onp.cumsum(rng.uniform(0.5, 1.5, shapes[1]))
    x = rng.uniform(xp[0] - 1.0, xp[-1] + 1.0, shapes[0])
    fp = rng.standard_normal(shapes[2]) + (0.5j * rng.standard_normal(shapes[2]) if dtype == "c128" else 0)
    return x, xp, fp


SPECS = [
    OpSpec("diff", np.diff, shapes=[((5,),), ((3, 4),)], kwargs=[{}, {"n": 2}, {"axis": 0}], complex=True,
           rejects={"0d": "NumPy: diff requires input that is at least one dimensional"}),
    OpSpec("diff_ends", lambda x, a: np.diff(x, prepend=a, append=x[:1]), shapes=[((5,), ())],
           rejects={"0d": "NumPy: invalid index to scalar variable."}),
    OpSpec("ediff1d", lambda x, b: np.ediff1d(x, to_begin=b, to_end=[1.0, 2.0]), shapes=[((2, 3), (2,))],
           complex=True),
    OpSpec("gradient", np.gradient, shapes=[((6,),), ((4, 5),)], kwargs=[{}, {"edge_order": 2}], complex=True,
           rejects={"size0": "NumPy: Shape of array too small to calculate a numerical gradient",
                    "size1": "NumPy: Shape of array too small to calculate a numerical gradient"}),
    OpSpec("gradient_spacing", lambda f, h: np.gradient(f, h, axis=1), shapes=[((3, 5), ())],
           domain=["real", "positive"],
           rejects={"size0@5": "NumPy: Shape of array too small to calculate a numerical gradient",
                    "size1@5": "NumPy: Shape of array too small to calculate a numerical gradient",
                    "0d": "NumPy: axis 1 is out of bounds for array of dimension 0"}),
    OpSpec("gradient_coordinates", lambda x, f, **kw: np.gradient(f, x, **kw), make_args=increasing,
           shapes=[((6,), (6,))], kwargs=[{}, {"edge_order": 2}],
           rejects={"size0": "NumPy: index 0 is out of bounds for axis 0 with size 0",
                    "size1": "NumPy: index 0 is out of bounds for axis 0 with size 0",
                    "0d": "NumPy: when 1d, distances must match the length of the corresponding"}),
    OpSpec("gradient_coordinates_2d", lambda x, f: np.gradient(f, 0.5, x), make_args=increasing,
           shapes=[((5,), (3, 5))],
           rejects={"size0": "NumPy: Shape of array too small to calculate a numerical gradient",
                    "size1": "NumPy: Shape of array too small to calculate a numerical gradient",
                    "0d": "NumPy: when 1d, distances must match the length of the corresponding"}),
    OpSpec("trapezoid", np.trapezoid, shapes=[((5,),), ((3, 4),)], kwargs=[{}, {"dx": 0.5, "axis": 0}], complex=True,
           rejects={"0d": "NumPy: list assignment index out of range"}),
    OpSpec("trapezoid_x", lambda x, y: np.trapezoid(y, x), make_args=increasing, shapes=[((5,), (3, 5))],
           rejects={"0d": "NumPy: operands could not be broadcast together with shapes (1,0) (3,4) "}),
    OpSpec("trapz", lambda x, y: np.trapz(y, x, axis=0), needs=("trapz",), make_args=increasing,
           shapes=[((5,), (5, 3))]),
    OpSpec("interp", np.interp, make_args=knots_then_points, shapes=[((7,), (5,), (5,)), ((), (4,), (4,))],
           complex=True,
           rejects={"0d": "NumPy: fp and xp are not of the same length."},
           skips={"size0@4": "its inputs are built for the stated sizes",
                  "size0@5": "its inputs are built for the stated sizes"}),
    OpSpec("interp_ends", lambda x, xp, fp: np.interp(x, xp, fp, left=-1.0, right=fp[2]),
           make_args=knots_then_points, shapes=[((8,), (4,), (4,))],
           rejects={"size1@4": "NumPy: index 2 is out of bounds for axis 0 with size 1"},
           skips={"size0@4": "its inputs are built for the stated sizes"}),
    OpSpec("interp_period", lambda x, xp, fp: np.interp(x, xp, fp, period=4.0),
           make_args=lambda rng, shapes, dtype: (rng.uniform(-6, 6, 7), rng.uniform(0, 8, 5), rng.standard_normal(5)),
           shapes=[((7,), (5,), (5,))]),
    OpSpec("unwrap", lambda p: np.unwrap(p * 3.0), shapes=[((6,),), ((3, 4),)],
           rejects={"0d": "NumPy: diff requires input that is at least one dimensional"}),
    OpSpec("unwrap_axis", lambda p: np.unwrap(p * 3.0, axis=0, period=4.0), shapes=[((3, 4),)],
           rejects={"0d": "NumPy: diff requires input that is at least one dimensional"}),
]
