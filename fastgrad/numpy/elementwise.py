"""Elementwise functions (NumPy's ufuncs and their relatives), one line of rule each.

Each differentiable entry gives the partial derivative of the output with respect
to each argument as a function of (ans, *args); JVP, VJP, broadcasting, batching
and symbolic seeds follow from it (rules.elementwise). Functions whose output
has zero derivative everywhere it exists (floor, sign, comparisons, bit operations)
are listed as non-differentiable at the end of the file, followed by NumPy 2's
array-API aliases (acos, atan2, pow, ...).
"""

import math as _math
import numpy as _np

from .._shapes import ndim_of, shape_of
from ..base import IDENTITY_ROW, broadcast_batch, conj, defrules, imag, lift, real
from ..engine import Box, Primitive, getval
from ..rules import elementwise, nondifferentiable
from ..scaled import scaled


__all__ = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "negative",
    "positive",
    "reciprocal",
    "square",
    "sqrt",
    "cbrt",
    "power",
    "float_power",
    "mod",
    "remainder",
    "fmod",
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "logaddexp",
    "logaddexp2",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "arcsinh",
    "arccosh",
    "arctanh",
    "arctan2",
    "hypot",
    "deg2rad",
    "radians",
    "rad2deg",
    "degrees",
    "sinc",
    "maximum",
    "minimum",
    "fmax",
    "fmin",
    "fabs",
    "copysign",
    "nan_to_num",
    "where",
    "clip",
    "real",
    "imag",
    "conj",
    "conjugate",
    "absolute",
    "abs",
    "angle",
    "floor",
    "ceil",
    "trunc",
    "fix",
    "rint",
    "round",
    "around",
    "sign",
    "floor_divide",
    "isfinite",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "signbit",
    "iscomplex",
    "isreal",
    "isclose",
    "allclose",
    "array_equal",
    "array_equiv",
    "equal",
    "not_equal",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "logical_and",
    "logical_or",
    "logical_not",
    "logical_xor",
    "nonzero",
    "heaviside",
    # NumPy 2's array-API spellings of the functions above
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "pow",
    # floating-point decomposition
    "ldexp",
    "frexp",
    "modf",
    "divmod",
    "nextafter",
    "spacing",
    "i0",
    "real_if_close",
    # integer and bit operations
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
    "bitwise_invert",
    "bitwise_count",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "invert",
    "left_shift",
    "right_shift",
    "gcd",
    "lcm",
    "isnat",
    "packbits",
    "unpackbits",
]


_LOG2 = _np.log(2.0)
_LOG10 = _np.log(10.0)


def _nonzero(x):
    """x with zeros replaced by 1, for a denominator whose 0/0 limit is taken as 0."""
    return where(x == 0, 1.0, x)


# ---------------------------------------------------------------- arithmetic
def _sum_of_tangents(sign):
    def joint(tangents, ans, x, y):
        tx, ty = tangents
        ndim = ndim_of(ans)
        out = lift(tx, ndim) + lift(ty, ndim) if sign > 0 else lift(tx, ndim) - lift(ty, ndim)
        return broadcast_batch(out, shape_of(out)[0], shape_of(ans))
    return joint


def _product_of_tangents(tangents, ans, x, y):
    """t_x y + x t_y for two dense tangents. A square (x * x, one value and one tangent in
    both places) is t (2x): one product of the batch, doubled in place, where the sum of
    two products crosses it three times. Otherwise the second product is added into the
    first where that is a fresh array of the result's shape and dtype, with no third array
    for the sum."""
    tx, ty = tangents
    ndim = ndim_of(ans)
    tx, ty = lift(tx, ndim), lift(ty, ndim)
    if tangents[0] is tangents[1] and x is y:
        if type(tx) is _np.ndarray and tx.shape[0] > 1:
            # (a wide batch keeps the factor for the next steps, as the per-argument rules do)
            lazy = scaled(tx, x + x, shape_of(ans))
            if lazy is not None:
                return lazy
        # (t x doubled in place: no array for 2x; doubling is exact, so this is t (2x))
        out = tx * x
        out *= 2
    else:
        out = tx * y
        other = x * ty
        if type(out) is _np.ndarray and type(other) is _np.ndarray and out.shape == other.shape \
                and _np.can_cast(other.dtype, out.dtype, "same_kind") and out.dtype == _np.result_type(out, other):
            out += other
        else:
            out = out + other
    return broadcast_batch(out, shape_of(out)[0], shape_of(ans))


# Both arguments carrying a tangent: t_x ± t_y in one pass (no negated copy to add).
add = elementwise(_np.add, 1, 1, joint_jvp=_sum_of_tangents(1), forward_reads_value=False,
                  passes_derivative=(0, 1))
subtract = elementwise(_np.subtract, 1, -1, joint_jvp=_sum_of_tangents(-1), forward_reads_value=False,
                       passes_derivative=(0,))
multiply = elementwise(_np.multiply, lambda ans, x, y: y, lambda ans, x, y: x, joint_jvp=_product_of_tangents,
                       forward_reads_value=False)


def _reciprocal_of_scalar(y):
    """1 / y for a scalar divisor whose reciprocal neither overflows nor loses precision
    (|y| between 1e-300 and 1e300), else None. A tangent times 1 / y differs from the
    tangent divided by y by at most an ulp, and over a large tangent a product costs about
    half a quotient."""
    if type(y) is _np.float64 or type(y) is float:
        # (compared as a Python float: NumPy's scalar comparisons cost more)
        value = float(y)
        if 1e-300 < value < 1e300 or -1e300 < value < -1e-300:
            return 1.0 / y
    return None


def _divide_jvp_x(t, ans, x, y):
    # t / y: one operation, where the generic rule would form 1 / y and then multiply.
    t = lift(t, ndim_of(ans))
    r = _reciprocal_of_scalar(y)
    return broadcast_batch(t / y if r is None else t * r, shape_of(t)[0], shape_of(ans))


def _divisor_slope(y):
    """-1 / y**2 for a scalar divisor whose square's reciprocal is a normal number (|y|
    between 1e-150 and 1e150), else None: then the divisor's forward rule reads x rather than
    the output (x * (-1 / y**2) rather than -ans / y), so a jacobian may free the output
    before its sweep."""
    r = _reciprocal_of_scalar(y)
    if r is not None and 1e-150 < abs(float(y)) < 1e150:
        return -(r * r)
    return None


def _divide_jvp_y(t, ans, x, y):
    # With a scalar y (x / p[1]) the scalar factor touches the batch of tangents only, and
    # the output's size is crossed once, not twice.
    t = lift(t, ndim_of(ans))
    slope = _divisor_slope(y)
    out = (t / -y) * ans if slope is None else (t * slope) * x
    return broadcast_batch(out, shape_of(t)[0], shape_of(ans))


# The same written into the rows of a joint output (ans is an array there: see rules.py).
def _divide_jvp_x_into(t, out, ans, x, y):
    if t.ndim <= ans.ndim:
        t = lift(t, ans.ndim)
    r = _reciprocal_of_scalar(y)
    if r is None:
        _np.divide(t, y, out=out)
    else:
        _np.multiply(t, r, out=out)


def _divide_jvp_y_into(t, out, ans, x, y):
    # (elementwise arguments are arrays or numbers here: lists were made arrays when traced)
    slope = _divisor_slope(y)
    if slope is None:
        _np.multiply(lift(t, ans.ndim) / -y, ans, out=out)
    elif t is IDENTITY_ROW:
        # the divisor's own direction: no batch of ones to multiply first
        # (into the row itself: a ufunc broadcasting into its output costs more)
        _np.multiply(x, slope, out=out[0])
    else:
        _np.multiply(lift(t, ans.ndim) * slope, x, out=out)


# -ans / y as ans / (-y): the negation then costs the size of y, not of the output. The
# forward rules read the output only where the divisor is not such a scalar.
# (true_divide(1.0, y) rather than 1.0 / y: a Python 0.0 divisor gives inf, as in NumPy)
divide = elementwise(_np.divide, lambda ans, x, y: _np.true_divide(1.0, y), lambda ans, x, y: ans / negative(y),
                     jvp={0: _divide_jvp_x, 1: _divide_jvp_y},
                     jvp_into={0: _divide_jvp_x_into, 1: _divide_jvp_y_into},
                     forward_reads_value=lambda x, y: _divisor_slope(y) is None)
true_divide = divide
negative = elementwise(_np.negative, -1, forward_reads_value=False)
positive = elementwise(_np.positive, 1)
reciprocal = elementwise(_np.reciprocal, lambda ans, x: -ans * ans)
square = elementwise(_np.square, lambda ans, x: 2 * x)
sqrt = elementwise(_np.sqrt, lambda ans, x: 0.5 / ans)
cbrt = elementwise(_np.cbrt, lambda ans, x: 1.0 / (3 * ans * ans))
# d/dy x**y = log(x) x**y; at x == 0 the limit (y > 0) is 0, so log(0) is never formed.
# d/dx x**y = y x**(y - 1), with the exponent replaced only at x == y == 0 (where 0 * 0**-1
# would be NaN): replaced wherever y == 0, d/dy of it would be x where it is 1/x.
def _power_base_partial(ans, x, y):
    if type(y) is float or type(y) is int:
        # A constant nonzero exponent, the usual case (x ** 2): `**` takes NumPy's fast paths
        # for the small exponents it leaves (x ** 1.0 is a copy, x ** 2.0 a square), where
        # the general power would raise every element by a broadcast array of exponents.
        if y == 2:
            return 2 * x
        if y != 0:
            return y * x ** (y - 1)
    return y * power(x, where((y == 0) & (x == 0), 1.0, y - 1))


power = elementwise(
    _np.power,
    _power_base_partial,
    lambda ans, x, y: log(_nonzero(x)) * ans,
)
float_power = elementwise(
    _np.float_power,
    lambda ans, x, y: y * float_power(x, where((y == 0) & (x == 0), 1.0, y - 1)),
    lambda ans, x, y: log(_nonzero(x)) * ans,
)
# x mod y = x - floor(x / y) * y, piecewise linear in both.
mod = elementwise(_np.mod, 1, lambda ans, x, y: -floor(x / y))
remainder = mod
fmod = elementwise(_np.fmod, 1, lambda ans, x, y: -trunc(x / y))

# ---------------------------------------------------------------- exponentials and logarithms
exp = elementwise(_np.exp, lambda ans, x: ans)
exp2 = elementwise(_np.exp2, lambda ans, x: ans * _LOG2)
# exp(x), not ans + 1: expm1(x) rounds to -1 from x = -37 (-17 in single precision), and ans + 1
# would be 0 there.
expm1 = elementwise(_np.expm1, lambda ans, x: exp(x))
log = elementwise(_np.log, lambda ans, x: 1.0 / x)
log2 = elementwise(_np.log2, lambda ans, x: 1.0 / (x * _LOG2))
log10 = elementwise(_np.log10, lambda ans, x: 1.0 / (x * _LOG10))
log1p = elementwise(_np.log1p, lambda ans, x: 1.0 / (x + 1))
# Written with exp(x - ans) rather than exp(x) / (exp(x) + exp(y)) so it never overflows.
logaddexp = elementwise(_np.logaddexp, lambda ans, x, y: exp(x - ans), lambda ans, x, y: exp(y - ans))
logaddexp2 = elementwise(_np.logaddexp2, lambda ans, x, y: exp2(x - ans), lambda ans, x, y: exp2(y - ans))

# ---------------------------------------------------------------- trigonometric and hyperbolic
sin = elementwise(_np.sin, lambda ans, x: cos(x))
cos = elementwise(_np.cos, lambda ans, x: -sin(x))
tan = elementwise(_np.tan, lambda ans, x: 1 + ans * ans)
arcsin = elementwise(_np.arcsin, lambda ans, x: 1.0 / sqrt(1 - x * x))
arccos = elementwise(_np.arccos, lambda ans, x: -1.0 / sqrt(1 - x * x))
arctan = elementwise(_np.arctan, lambda ans, x: 1.0 / (1 + x * x))
sinh = elementwise(_np.sinh, lambda ans, x: cosh(x))
cosh = elementwise(_np.cosh, lambda ans, x: sinh(x))


def _tanh_slope(ans, x):
    """1 - tanh(x)**2. Formed from the output it keeps only the digits of 1 that tanh(x)
    does not round away: in single precision it is off by 8e-4 at |x| = 6, by 6% at 8,
    twice the slope at 9 and 0 from 10 (where the slope is 8e-9). There it is sech(x)**2,
    with x clipped where cosh(x)**2 would overflow; past that point the slope is below the
    smallest normal number. Double precision keeps the cheaper form, which is off by 3e-7
    at |x| = 12, where the slope is 1.5e-10, and by 2e-4 at 15."""
    dtype = getattr(x, "dtype", None)
    if dtype is None or dtype.kind != "f" or dtype.itemsize > 4:
        return 1 - ans * ans
    bound = _COSH_SQUARED_FINITE_BELOW[dtype.itemsize]
    # sech squared, not 1 / cosh**2: the second derivative then forms sinh / cosh**2 rather
    # than sinh / cosh**3, which overflows from |x| = 30
    sech = 1 / cosh(_clip(x, -bound, bound))
    return sech * sech


# |x| below which cosh(x)**2 is finite, by itemsize: half and single precision.
_COSH_SQUARED_FINITE_BELOW = {2: 6.0, 4: 44.0}


tanh = elementwise(_np.tanh, _tanh_slope)
arcsinh = elementwise(_np.arcsinh, lambda ans, x: 1.0 / sqrt(x * x + 1))
arccosh = elementwise(_np.arccosh, lambda ans, x: 1.0 / sqrt(x * x - 1))
arctanh = elementwise(_np.arctanh, lambda ans, x: 1.0 / (1 - x * x))
# At the origin arctan2 has no limit (it is the angle of the direction of approach);
# its derivative there is taken as 0 in both arguments.
arctan2 = elementwise(
    _np.arctan2,
    lambda ans, y, x: x / _nonzero(x * x + y * y),
    lambda ans, y, x: -y / _nonzero(x * x + y * y),
)
hypot = elementwise(_np.hypot, lambda ans, x, y: x / _nonzero(ans), lambda ans, x, y: y / _nonzero(ans))
deg2rad = elementwise(_np.deg2rad, _np.pi / 180)
radians = elementwise(_np.radians, _np.pi / 180)
rad2deg = elementwise(_np.rad2deg, 180 / _np.pi)
degrees = elementwise(_np.degrees, 180 / _np.pi)


# sinc(x) = sin(pi x) / (pi x) = sum_n (-1)^n (pi x)^(2n) / (2n + 1)!, so
# sinc'(x) = sum_(n>=1) (-1)^n 2n pi^(2n) x^(2n-1) / (2n + 1)!. Near 0 the closed form
# (cos(pi x) - sinc(x)) / x cancels (at x = 1e-6 it keeps five digits) and at 0 it is
# 0/0; the series is used for |x| < 1/2, where its 16 terms are exact to rounding and,
# being traced, give every higher derivative at 0 too (sinc''(0) = -pi^2 / 3).
_SINC_SERIES = tuple((-1) ** n * 2 * n * _np.pi ** (2 * n) / _math.factorial(2 * n + 1) for n in range(1, 17))


def _sinc_deriv(ans, x):
    small = _np.abs(getval(x)) < 0.5
    x2 = x * x
    series = _SINC_SERIES[-1]
    for c in _SINC_SERIES[-2::-1]:
        series = series * x2 + c
    series = series * x
    if _np.all(small):
        return series
    far = where(small, 1.0, x)
    return where(small, series, (cos(_np.pi * far) - sinc(far)) / far)


sinc = elementwise(_np.sinc, _sinc_deriv)

# ---------------------------------------------------------------- selections, piecewise
# Where both arguments are equal, maximum and minimum split the derivative
# evenly between them (the symmetric choice; the sum of the two is 1 as it must be).
_TIE = 0.5


def _pick_first(ans, x, y):
    return where(x == y, _TIE, x == ans)


def _pick_second(ans, x, y):
    return where(x == y, _TIE, y == ans)


maximum = elementwise(_np.maximum, _pick_first, _pick_second)
minimum = elementwise(_np.minimum, _pick_first, _pick_second)
fmax = elementwise(_np.fmax, _pick_first, _pick_second)
fmin = elementwise(_np.fmin, _pick_first, _pick_second)
# A one-sided choice at |x| = 0: the derivative of |x| there is taken as 0.
fabs = elementwise(_np.fabs, lambda ans, x: sign(x))
copysign = elementwise(_np.copysign, lambda ans, x, y: sign(x) * sign(ans), None)
nan_to_num = elementwise(_np.nan_to_num, lambda ans, x, **kw: isfinite(x))


def _where3(condition, x, y):
    return _np.where(condition, x, y)


# ---------------------------------------------------------------- floating-point decomposition
# ldexp(x, i) = x * 2**i; the exponent is an integer and carries no derivative.
ldexp = elementwise(_np.ldexp, lambda ans, x, i: _np.ldexp(1.0, i), None)


def frexp(x):
    """(mantissa, exponent) with x = mantissa * 2**exponent; the mantissa is x scaled
    by the (locally constant) power of two, so its derivative is 2**-exponent."""
    exponent = _np.frexp(getval(x))[1]
    return ldexp(x, -exponent), exponent


# The fractional part of x is x minus a locally constant integer: derivative 1.
_modf_fraction = elementwise(lambda x: _np.modf(x)[0], 1, name="modf")


def modf(x):
    """(fractional part, integral part); only the fractional part carries a derivative."""
    return _modf_fraction(x), _np.modf(getval(x))[1]


def divmod(x, y):
    """(floor_divide(x, y), mod(x, y)); the quotient is locally constant."""
    return floor_divide(x, y), mod(x, y)


# nextafter(x, y) is x moved by one unit in the last place: x plus a locally
# constant step, so the derivative is 1 in x and 0 in y.
nextafter = elementwise(_np.nextafter, 1, None)


def _i0(x):
    return _np.i0(x)


# I0' = I1 and I1' = I0 - I1 / x (limit 1/2 at 0), so every order follows from the two.
def _i1_value(x):
    """The modified Bessel function I1 of real x: its power series
    (x/2) sum_k (x^2/4)^k / (k! (k+1)!), whose terms are all positive, for |x| <= 30,
    and the asymptotic series e^|x| / sqrt(2 pi |x|) sum_k (-1)^k a_k / |x|^k with
    a_k = prod_{j<=k} (4 - (2j-1)^2) / (k! 8^k) beyond, where its terms fall below
    double precision before they start to grow."""
    x = _np.asarray(x, dtype=float)
    ax = _np.abs(x)
    small = ax <= 30.0
    xs = _np.where(small, ax, 0.0)
    quarter = xs * xs / 4
    term = xs / 2
    series = term.copy()
    for k in range(1, 90):
        term = term * quarter / (k * (k + 1))
        series = series + term
    xl = _np.where(small, 1.0, ax)
    coeff = _np.ones_like(xl)
    total = _np.ones_like(xl)
    for k in range(1, 40):
        coeff = coeff * (4.0 - (2 * k - 1) ** 2) / (k * 8.0)
        total = total + (-1) ** k * coeff / xl ** k
    with _np.errstate(over="ignore"):
        asymptotic = _np.exp(xl) / _np.sqrt(2 * _np.pi * xl) * total
    out = _np.where(small, series, asymptotic) * _np.sign(x)
    return out[()] if out.ndim == 0 else out


def _i1_deriv(ans, x):
    return where(x == 0, 0.5, i0(x) - ans / _nonzero(x))


_i1 = elementwise(_i1_value, _i1_deriv, name="i1")
i0 = elementwise(_i0, lambda ans, x: _i1(x), name="i0")


def real_if_close(a, tol=100):
    """real(a) if every imaginary part is within tol (machine epsilons, if tol > 1) of 0, else a."""
    if not isinstance(a, Box):
        return _np.real_if_close(a, tol)
    value = getval(a)
    if not _np.iscomplexobj(value):
        return a
    if tol > 1:
        tol = tol * _np.finfo(value.dtype).eps
    if _np.all(_np.abs(_np.imag(value)) < tol):
        return real(a)
    return a


_where = elementwise(_where3, None, lambda ans, c, x, y: c, lambda ans, c, x, y: logical_not(c),
                     name="where")


def where(condition, x=None, y=None):
    if x is None and y is None:
        return nonzero(condition)
    return _where(condition, x, y)


def _clip_args(x, a_min, a_max):
    return _np.clip(x, a_min, a_max)


# The bounds receive the derivative where they bind; at a boundary the input keeps it.
_clip = elementwise(
    _clip_args,
    lambda ans, x, lo, hi: (x >= _bound(lo, -_np.inf)) & (x <= _bound(hi, _np.inf)),
    lambda ans, x, lo, hi: x < lo,
    lambda ans, x, lo, hi: x > hi,
    name="clip",
)


def _bound(b, default):
    return default if b is None else b


def clip(a, a_min=None, a_max=None, out=None, **kwargs):
    if out is not None:
        raise TypeError("fastgrad.numpy.clip does not support out=: it cannot trace writes into an array")
    a_min = kwargs.pop("min", a_min)
    a_max = kwargs.pop("max", a_max)
    return _clip(a, a_min, a_max)


# ---------------------------------------------------------------- complex parts
conjugate = conj


def _abs_direction(ans, x):
    """conj(x) / |x|, taken as 0 at x == 0. For real x it is sign(x), whose derivative is
    0 everywhere, so every higher derivative of |x| at 0 is 0 too, as autograd's is."""
    if not _np.iscomplexobj(x):
        return sign(x)
    return where(x == 0, 0.0, conj(x) / _nonzero(ans))


def _abs_jvp(t, ans, x):
    direction = _abs_direction(ans, x)
    return real(t * direction) if _np.iscomplexobj(x) else t * direction


# d|x| = Re(conj(x) dx) / |x|; at x == 0 the derivative is taken as 0.
absolute = defrules(
    Primitive(_np.absolute, "absolute"),
    jvp=[_abs_jvp],
    vjp=[lambda g, ans, x: g * _abs_direction(ans, x)],
)
abs = absolute


def _angle_jvp(t, ans, x):
    if not _np.iscomplexobj(x):
        return None
    return imag(conj(x) * t) / _nonzero(real(x * conj(x)))


def _angle_vjp(g, ans, x):
    if not _np.iscomplexobj(x):
        return None
    return -1j * g * conj(x) / _nonzero(real(x * conj(x)))


def _angle(z, deg=False):
    return _np.angle(z, deg)


_angle_prim = defrules(Primitive(_angle, "angle"), jvp=[_angle_jvp], vjp=[_angle_vjp])


def angle(z, deg=False):
    out = _angle_prim(z)
    return out * (180 / _np.pi) if deg else out


# ---------------------------------------------------------------- non-differentiable
floor = nondifferentiable(_np.floor)
ceil = nondifferentiable(_np.ceil)
trunc = nondifferentiable(_np.trunc)
fix = nondifferentiable(_np.fix)
rint = nondifferentiable(_np.rint)
round = nondifferentiable(_np.round, "round")
around = round
sign = nondifferentiable(_np.sign)
floor_divide = nondifferentiable(_np.floor_divide)
isfinite = nondifferentiable(_np.isfinite)
isinf = nondifferentiable(_np.isinf)
isnan = nondifferentiable(_np.isnan)
isneginf = nondifferentiable(_np.isneginf)
isposinf = nondifferentiable(_np.isposinf)
signbit = nondifferentiable(_np.signbit)
iscomplex = nondifferentiable(_np.iscomplex)
isreal = nondifferentiable(_np.isreal)
isclose = nondifferentiable(_np.isclose)
allclose = nondifferentiable(_np.allclose)
array_equal = nondifferentiable(_np.array_equal)
array_equiv = nondifferentiable(_np.array_equiv)
equal = nondifferentiable(_np.equal)
not_equal = nondifferentiable(_np.not_equal)
greater = nondifferentiable(_np.greater)
greater_equal = nondifferentiable(_np.greater_equal)
less = nondifferentiable(_np.less)
less_equal = nondifferentiable(_np.less_equal)
logical_and = nondifferentiable(_np.logical_and)
logical_or = nondifferentiable(_np.logical_or)
logical_not = nondifferentiable(_np.logical_not)
logical_xor = nondifferentiable(_np.logical_xor)
nonzero = nondifferentiable(_np.nonzero)
heaviside = nondifferentiable(_np.heaviside)
spacing = nondifferentiable(_np.spacing)
bitwise_and = nondifferentiable(_np.bitwise_and)
bitwise_or = nondifferentiable(_np.bitwise_or)
bitwise_xor = nondifferentiable(_np.bitwise_xor)
bitwise_not = nondifferentiable(_np.bitwise_not)
invert = bitwise_not
bitwise_invert = bitwise_not
bitwise_count = nondifferentiable(_np.bitwise_count)
left_shift = nondifferentiable(_np.left_shift)
right_shift = nondifferentiable(_np.right_shift)
bitwise_left_shift = left_shift
bitwise_right_shift = right_shift
gcd = nondifferentiable(_np.gcd)
lcm = nondifferentiable(_np.lcm)
isnat = nondifferentiable(_np.isnat)
packbits = nondifferentiable(_np.packbits)
unpackbits = nondifferentiable(_np.unpackbits)

# NumPy 2's array-API names for the same functions.
acos = arccos
acosh = arccosh
asin = arcsin
asinh = arcsinh
atan = arctan
atan2 = arctan2
atanh = arctanh
pow = power
