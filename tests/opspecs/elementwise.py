"""Records for fastgrad/numpy/elementwise.py."""

import numpy as onp

import fastgrad.numpy as np

from . import BINARY_SHAPES, TERNARY_SHAPES, UNARY_SHAPES, OpSpec


def unary(name, domain="real", complex=False, **kw):
    return OpSpec(name, getattr(np, name), domain=domain, shapes=UNARY_SHAPES, complex=complex, **kw)


def binary(name, domain="real", complex=False, **kw):
    return OpSpec(name, getattr(np, name), domain=domain, shapes=BINARY_SHAPES, complex=complex, **kw)


SPECS = [
    binary("add", complex=True),
    binary("subtract", complex=True),
    binary("multiply", complex=True),
    binary("divide", ["real", "nonzero"], complex=True),
    binary("true_divide", ["real", "nonzero"]),
    unary("negative", complex=True),
    unary("positive"),
    unary("reciprocal", "nonzero", complex=True),
    unary("square", complex=True),
    unary("sqrt", "positive", complex=True),
    unary("cbrt", "nonzero"),
    binary("power", ["positive", "real"], complex=True, complex_domain="positive"),
    binary("float_power", ["positive", "real"]),
    binary("mod", ["real", "nonzero"]),
    binary("remainder", ["real", "nonzero"]),
    binary("fmod", ["real", "nonzero"]),
    unary("exp", complex=True),
    unary("exp2"),
    unary("expm1", complex=True),
    unary("log", "positive", complex=True),
    unary("log2", "positive"),
    unary("log10", "positive"),
    unary("log1p", "positive", complex=True),
    binary("logaddexp"),
    binary("logaddexp2"),
    unary("sin", complex=True),
    unary("cos", complex=True),
    unary("tan", "unit", complex=True),
    unary("arcsin", "unit", complex=True, complex_domain="unit"),
    unary("arccos", "unit", complex=True, complex_domain="unit"),
    unary("arctan", complex=True, complex_domain="unit"),
    unary("sinh", complex=True),
    unary("cosh", complex=True),
    unary("tanh", complex=True),
    unary("arcsinh", complex=True, complex_domain="unit"),
    unary("arccosh", "gt1"),
    unary("arctanh", "unit", complex=True, complex_domain="unit"),
    binary("arctan2", ["nonzero", "nonzero"]),
    binary("hypot", ["nonzero", "nonzero"]),
    unary("deg2rad"),
    unary("radians"),
    unary("rad2deg"),
    unary("degrees"),
    unary("sinc", special=[(0.0,), (1.0,)]),
    binary("maximum", special=[(1.0, 1.0)]),
    binary("minimum", special=[(1.0, 1.0)]),
    binary("fmax"),
    binary("fmin"),
    unary("fabs", "nonzero"),
    OpSpec("copysign", np.copysign, domain=["nonzero", "nonzero"], shapes=BINARY_SHAPES, diff_args=(0,)),
    unary("nan_to_num"),
    OpSpec("where", lambda c, x, y: np.where(c > 0, x, y), shapes=TERNARY_SHAPES, diff_args=(1, 2)),
    OpSpec("clip", lambda x, lo, hi: np.clip(x, lo, hi), domain=["real", "unit", "unit"],
           shapes=[((3, 4), (), ())], diff_args=(0,)),
    OpSpec("clip_bounds", lambda x, lo, hi: np.clip(x, lo - 1.0, hi + 1.0), domain=["small", "unit", "unit"],
           shapes=[((5,), (5,), (5,))]),
    unary("real", complex=True),
    unary("imag", complex=True),
    unary("conj", complex=True),
    unary("conjugate", complex=True),
    unary("absolute", "nonzero", complex=True, special=[(0.0,)]),
    unary("abs", "nonzero", complex=True),
    unary("angle", "nonzero", complex=True),
    OpSpec("angle_deg", lambda z: np.angle(z, deg=True), domain="nonzero", complex=True),
]
