"""Records for fastgrad/numpy/polynomials.py."""

import numpy as onp

import fastgrad.numpy as np

from . import OpSpec


def distinct_roots(rng, shapes, dtype):
    """Coefficients of a polynomial with well-separated simple roots (real, or a complex pair)."""
    roots = onp.array([-2.0, -0.5, 1.0, 2.5])[:shapes[0][0] - 1] + 0.1 * rng.standard_normal(shapes[0][0] - 1)
    p = onp.poly(roots) * rng.uniform(0.5, 2.0)
    if dtype == "c128":
        p = p + 0.1j * rng.standard_normal(p.shape)
    return (p,)


SPECS = [
    OpSpec("polyval", np.polyval, shapes=[((4,), ()), ((3,), (5,)), ((1,), (2, 3))], complex=True,
           rejects={"0d": "NumPy: iteration over a 0-d array"}),
    OpSpec("polyadd", np.polyadd, shapes=[((3,), (5,)), ((4,), (2,)), ((3,), (3,))], complex=True),
    OpSpec("polysub", np.polysub, shapes=[((3,), (5,)), ((4,), (2,))], complex=True),
    OpSpec("polymul", np.polymul, shapes=[((3,), (4,))], complex=True),
    OpSpec("polymul_leading_zeros", lambda a, b: np.polymul(np.concatenate([np.zeros(2), a]), b),
           shapes=[((3,), (2,))], covers=("polymul",)),
    OpSpec("polyder", np.polyder, shapes=[((5,),)], kwargs=[{}, {"m": 2}],
           rejects={"0d": "NumPy: len() of unsized object"}),
    OpSpec("polyint", np.polyint, shapes=[((4,),)], kwargs=[{}, {"m": 2, "k": [1.0, 2.0]}], complex=True,
           rejects={"0d": "NumPy: len() of unsized object"}),
    OpSpec("polyint_k", lambda p, k: np.polyint(p, 2, k), shapes=[((3,), (2,))],
           rejects={"size0@2": "NumPy: k must be a scalar or a rank-1 array of length 1 or >m."}),
    OpSpec("polydiv", np.polydiv, shapes=[((5,), (3,)), ((4,), (4,)), ((2,), (3,))], domain=["real", "nonzero"],
           rejects={"size0": "NumPy: index 0 is out of bounds for axis 0 with size 0"},
           skips={"f32": "the remainder's length depends on rounding: float64's leading zero is not float32's"}),
    OpSpec("poly", np.poly, shapes=[((3,),)], complex=True,
           skips={"0d": "NumPy's dispatcher rejects a NumPy scalar here (a 0-d array it accepts)"}),
    OpSpec("poly_conjugate_pair", lambda x: np.poly(np.array([x[0] + 1j * x[1], x[0] - 1j * x[1], x[2]])),
           shapes=[((3,),)],
           rejects={"size0": "NumPy: index 0 is out of bounds for axis 0 with size 0",
                    "size1": "NumPy: index 1 is out of bounds for axis 0 with size 1",
                    "0d": "NumPy: invalid index to scalar variable"}),
    OpSpec("roots", np.roots, make_args=distinct_roots, shapes=[((4,),), ((5,),)], complex=True, rtol=1e-4,
           rejects={"size1": "NumPy: dispatcher for __array_function__ did not return an iterable"},
           skips={"size0": "its inputs are built for the stated sizes",
                  "0d": "its inputs are built for the stated sizes"}),
    OpSpec("roots_complex_pair", np.roots, shapes=[((3,),)],
           make_args=lambda rng, shapes, dtype: (onp.array([1.0, 0.4, 2.0]) + 0.1 * rng.standard_normal(3),),
           rtol=1e-4),
    OpSpec("roots_leading_zero", lambda p: np.roots(np.concatenate([onp.zeros(1), p])),
           make_args=distinct_roots, shapes=[((4,),)], rtol=1e-4,
           rejects={"size1": "NumPy: all the input arrays must have same number of dimensions"},
           skips={"size0": "its inputs are built for the stated sizes",
                  "0d": "its inputs are built for the stated sizes"}),
    OpSpec("polyfit", lambda x, y: np.polyfit(x, y, 2), make_args=lambda rng, shapes, dtype: (
        onp.linspace(-1, 1, 6) + 0.05 * rng.standard_normal(6), rng.standard_normal(shapes[1])),
        shapes=[((6,), (6,)), ((6,), (6, 2))],
           rejects={"size0@6": "NumPy: expected x and y to have same length",
                    "size1@6": "NumPy: expected x and y to have same length",
                    "0d@1": "NumPy: expected 1D or 2D array for y"}),
    OpSpec("polyfit_weights", lambda x, y, w: np.polyfit(x, y, 1, w=w), make_args=lambda rng, shapes, dtype: (
        onp.linspace(-1, 1, 5), rng.standard_normal(5), rng.uniform(0.5, 2.0, 5)), shapes=[((5,), (5,), (5,))]),
    OpSpec("vander", np.vander, shapes=[((4,),)], kwargs=[{}, {"N": 3}, {"increasing": True}], complex=True,
           rejects={"0d": "NumPy: x must be a one-dimensional array or sequence"}),
    OpSpec("convolve", np.convolve, shapes=[((5,), (3,)), ((2,), (4,)), ((3,), (3,))],
           kwargs=[{}, {"mode": "same"}, {"mode": "valid"}], complex=True,
           rejects={"size0": "NumPy: v cannot be empty"}),
    OpSpec("correlate", np.correlate, shapes=[((5,), (3,)), ((2,), (4,)), ((4,), (4,))],
           kwargs=[{}, {"mode": "same"}, {"mode": "full"}], complex=True,
           rejects={"size0": "NumPy: second array argument cannot be empty",
                    "0d": "NumPy: object of too small depth for desired array"}),
]
