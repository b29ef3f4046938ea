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
    binary("power", ["positive", "real"], complex=True, complex_domain="positive", covers=("pow",)),
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
    unary("arcsin", "unit", complex=True, complex_domain="unit", covers=("asin",)),
    unary("arccos", "unit", complex=True, complex_domain="unit", covers=("acos",)),
    unary("arctan", complex=True, complex_domain="unit", covers=("atan",)),
    unary("sinh", complex=True),
    unary("cosh", complex=True),
    unary("tanh", complex=True),
    unary("arcsinh", complex=True, complex_domain="unit", covers=("asinh",)),
    unary("arccosh", "gt1", covers=("acosh",)),
    unary("arctanh", "unit", complex=True, complex_domain="unit", covers=("atanh",)),
    binary("arctan2", ["nonzero", "nonzero"], covers=("atan2",), special=[(0.0, 0.0), (0.0, -1.0)]),
    binary("hypot", ["nonzero", "nonzero"], special=[(0.0, 0.0)]),
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
    # floating-point decomposition
    OpSpec("ldexp", lambda x: np.ldexp(x, onp.array([-2, 0, 3])), shapes=[((3,),), ((4, 3),)], special=[(1e-300,)],
           rejects={"size0@3": "NumPy: operands could not be broadcast together with shapes (0,) (3,) "}),
    OpSpec("frexp", lambda x: np.frexp(x)[0], domain="nonzero", special=[(0.0,), (8.0,)]),
    OpSpec("modf", lambda x: np.modf(x)[0] * 2.0 + np.modf(x)[1], domain="small"),
    OpSpec("divmod", lambda x, y: np.divmod(x, y)[1] + np.divmod(x, y)[0], domain=["real", "nonzero"],
           shapes=BINARY_SHAPES),
    OpSpec("divmod_operator", lambda x, y: divmod(x, y)[1], domain=["real", "nonzero"], shapes=[((3,), (3,))]),
    OpSpec("nextafter", lambda x, y: np.nextafter(x, y), shapes=BINARY_SHAPES, diff_args=(0,)),
    # I0 near 0 (series), across the switch at |x| = 30 (asymptotic series) and large.
    unary("i0", "small", special=[(0.0,), (29.9,), (30.1,), (-45.0,)]),
    OpSpec("i0_large", np.i0, shapes=[((3,),)], make_args=lambda rng, shapes, dtype: (onp.array([-60.0, 31.0, 80.0]),),
           rtol=1e-4),
    OpSpec("real_if_close", lambda z: np.real_if_close(z * 1.0), complex=True,
           covers=()),
    OpSpec("real_if_close_real", lambda z: np.real_if_close(np.real(z) + 0j) * 2.0, complex=True),
]

NONDIFFERENTIABLE = {
    name: "an integer or bitwise operation: no floating-point derivative"
    for name in ("bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert", "bitwise_count",
                 "bitwise_left_shift", "bitwise_right_shift", "invert", "left_shift", "right_shift", "gcd",
                 "lcm", "packbits", "unpackbits")
}
NONDIFFERENTIABLE.update({
    "spacing": "the gap to the next float is locally constant: derivative 0 wherever it exists",
    "isnat": "a test on datetimes: boolean output",
})
