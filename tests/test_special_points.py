"""Second and third derivatives of every elementwise function at its special points.

One row per function: its fastgrad and mpmath definitions and the points where it is
hardest to differentiate (0, +-1, poles and zeros, the far tails +-30, +-40, +-1e3,
+-1e10 where it is defined). At each point the derivatives of order 2 and 3 (every
partial, for functions of two arguments) are computed forward over forward and reverse
over reverse and compared with mpmath.diff at high precision, wherever the true
derivative is finite and representable in float64.

Two tests at the end check that every differentiable elementwise function of
fastgrad.numpy and every function of fastgrad.scipy.special has a row or a reason not
to. A point in a row's `known` names a defect not fixed yet; it is left out until then.
"""

import functools
import itertools
import math
from dataclasses import dataclass, field

import numpy as onp
import pytest

mpmath = pytest.importorskip("mpmath")
pytest.importorskip("scipy")

import fastgrad  # noqa: E402
import fastgrad.numpy as np  # noqa: E402
from fastgrad.numpy import elementwise  # noqa: E402
from fastgrad.scipy import special, stats  # noqa: E402

mp = mpmath.mp
DPS_STEPS = (30, 60, 120, 240, 480)
RTOL = 1e-9
# Absolute tolerance, relative to the function's own magnitude at the point (_magnitude).
ATOL = 1e-15
TAILS = [0.0, 1.0, -1.0, 30.0, -30.0, 40.0, -40.0, 1e3, -1e3, 1e10, -1e10]
POSITIVE = [1e-10, 0.5, 1.0, 2.0, 30.0, 40.0, 1e3, 1e10]
UNIT = [0.0, 0.5, -0.5, 0.999, -0.999, 1 - 1e-10, -(1 - 1e-10)]
OPEN01 = [1e-10, 1e-3, 0.5, 0.999, 1 - 1e-10]


@dataclass
class Row:
    """fun: the fastgrad function of 1 or 2 floats; ref: the same on mpmath numbers;
    points: floats (one argument) or pairs; rtol: the tolerance against mpmath where
    the float64 evaluation itself limits accuracy; known: {point: reason} for defects
    not fixed yet."""

    name: str
    fun: object
    ref: object
    points: list
    rtol: float = RTOL
    known: dict = field(default_factory=dict)

    @property
    def arity(self):
        return 2 if isinstance(self.points[0], tuple) else 1


def _log_ndtr(x):
    # log1p of the small upper tail for x > 0, so that no precision is spent on 1 - tiny
    return mp.log1p(-mp.ncdf(-x)) if x > 0 else mp.log(mp.ncdf(x))


def _ndtri(p):
    return mp.sqrt(2) * mp.erfinv(2 * p - 1)


def _t_logpdf(x, df=3.5):
    return (mp.loggamma((df + 1) / 2) - mp.loggamma(df / 2) - mp.log(df * mp.pi) / 2
            - (df + 1) / 2 * mp.log(1 + x * x / df))


def _t_cdf(x, df=3.5):
    tail = mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + x * x), regularized=True) / 2
    return 1 - tail if x > 0 else tail


F5 = "beta's mixed partials lose every digit near the pole a = 0 (finding F5)"
F9 = "d3 stdtr / d df2 dt is wrong at t = 0 and NaN for |t| <= 1e-8 (finding F9)"

ROWS = [
    # arithmetic and powers
    Row("reciprocal", np.reciprocal, lambda x: 1 / x, [1.0, -1.0, 1e-10, 30.0, -40.0, 1e3, 1e10]),
    Row("square", np.square, lambda x: x * x, TAILS),
    Row("sqrt", np.sqrt, mp.sqrt, POSITIVE),
    Row("cbrt", np.cbrt, lambda x: mp.sign(x) * mp.cbrt(abs(x)), [v for v in TAILS if v]),
    Row("power", np.power, lambda x, y: x ** y,
        [(2.0, 0.0), (0.5, 0.0), (1.0, 1.0), (2.0, -1.0), (30.0, 2.5), (0.5, 40.0), (1e3, 0.5), (1e10, 1.0)]),
    Row("float_power", np.float_power, lambda x, y: x ** y, [(2.0, 0.0), (1.0, 1.0), (30.0, -1.0), (1e3, 0.5)]),
    Row("divide", np.divide, lambda x, y: x / y, [(0.0, 1.0), (1.0, -1.0), (30.0, 1e-10), (1e10, 40.0)]),
    Row("multiply", np.multiply, lambda x, y: x * y, [(0.0, 1.0), (1e10, -1e10)]),
    Row("hypot", np.hypot, mp.hypot, [(0.0, 1.0), (1.0, 0.0), (-1.0, 1.0), (30.0, 40.0), (1e10, 1.0), (-1e3, 1e-10)]),
    Row("arctan2", np.arctan2, mp.atan2, [(0.0, 1.0), (1.0, 0.0), (-1.0, 1.0), (30.0, -40.0), (1e10, 1.0)]),
    Row("logaddexp", np.logaddexp, lambda x, y: mp.log(mp.exp(x) + mp.exp(y)),
        [(0.0, 0.0), (1.0, -1.0), (30.0, 0.0), (-40.0, 40.0), (1e3, -1e3), (-1e10, 1.0)]),
    Row("logaddexp2", np.logaddexp2, lambda x, y: mp.log(2 ** x + 2 ** y, 2),
        [(0.0, 0.0), (1.0, -1.0), (30.0, 0.0), (-40.0, 40.0), (1e3, -1e3)]),
    # exponentials and logarithms
    Row("exp", np.exp, mp.exp, [0.0, 1.0, -1.0, 30.0, -30.0, 40.0, -40.0, 700.0, -700.0]),
    Row("exp2", np.exp2, lambda x: 2 ** x, [0.0, 1.0, -1.0, 30.0, -40.0, 1e3, -1e3]),
    Row("expm1", np.expm1, mp.expm1, [0.0, 1e-10, 1.0, -1.0, 30.0, -40.0, 700.0, -1e3]),
    Row("log", np.log, mp.log, POSITIVE),
    Row("log2", np.log2, lambda x: mp.log(x, 2), POSITIVE),
    Row("log10", np.log10, mp.log10, POSITIVE),
    Row("log1p", np.log1p, mp.log1p, [0.0, 1.0, -0.5, -1 + 1e-10, 30.0, 1e3, 1e10]),
    # trigonometric and hyperbolic
    Row("sin", np.sin, mp.sin, TAILS),
    Row("cos", np.cos, mp.cos, TAILS),
    Row("tan", np.tan, mp.tan, [0.0, 1.0, -1.0, 1.57, 30.0, -40.0, 1e3]),
    Row("arcsin", np.arcsin, mp.asin, UNIT),
    Row("arccos", np.arccos, mp.acos, UNIT),
    Row("arctan", np.arctan, mp.atan, TAILS),
    Row("sinh", np.sinh, mp.sinh, [0.0, 1.0, -1.0, 30.0, -30.0, 40.0, -40.0, 700.0]),
    Row("cosh", np.cosh, mp.cosh, [0.0, 1.0, -1.0, 30.0, -40.0, 700.0, -700.0]),
    Row("tanh", np.tanh, mp.tanh, TAILS),
    Row("arcsinh", np.arcsinh, mp.asinh, TAILS),
    Row("arccosh", np.arccosh, mp.acosh, [1 + 1e-10, 1.5, 30.0, 40.0, 1e3, 1e10]),
    Row("arctanh", np.arctanh, mp.atanh, UNIT),
    Row("sinc", np.sinc, mp.sincpi, [0.0, 1e-10, 1.0, -1.0, 0.5, 30.5, -40.25, 1e3 + 0.5]),
    # abs has no second derivative at 0; its derivatives there are 0, as the symmetric limit
    Row("abs", np.abs, abs, [0.0, 1.0, -1.0, 1e10]),
    Row("i0", np.i0, lambda x: mp.besseli(0, x), [0.0, 1.0, -1.0, 29.9, 30.1, -40.0, 700.0]),
    # scipy.special: the gamma family
    Row("gamma", special.gamma, mp.gamma, [0.5, 1.0, 2.0, 30.0, 40.0, 1e-10, -0.5, -1.5, -2.5, -30.5]),
    Row("gammaln", special.gammaln, mp.loggamma, POSITIVE),
    Row("digamma", special.digamma, mp.digamma, [1e-10, 0.5, 1.0, 30.0, 1e3, 1e10, -0.5, -1.5]),
    Row("polygamma", lambda x: special.polygamma(1, x), lambda x: mp.polygamma(1, x), [0.5, 1.0, 30.0, 1e3, -0.5]),
    Row("rgamma", special.rgamma, mp.rgamma, [0.0, -1.0, -2.0, 1.0, 0.5, 30.0, -30.5]),
    Row("beta", special.beta, mp.beta, [(1.0, 1.0), (0.5, 2.0), (30.0, 1.0), (1e-10, 1.0)],
        known={(1e-10, 1.0): F5}),
    Row("betaln", special.betaln, lambda a, b: mp.log(mp.beta(a, b)), [(1.0, 1.0), (0.5, 30.0), (1e3, 40.0)]),
    Row("gammainc", special.gammainc, lambda a, x: mp.gammainc(a, 0, x, regularized=True),
        [(1.0, 1.0), (2.0, 0.5), (0.5, 30.0), (30.0, 30.0), (40.0, 1.0)], rtol=1e-6),
    Row("gammaincc", special.gammaincc, lambda a, x: mp.gammainc(a, x, mp.inf, regularized=True),
        [(1.0, 1.0), (2.0, 0.5), (30.0, 30.0), (1.0, 40.0)], rtol=1e-6),
    # error functions and the normal distribution
    Row("erf", special.erf, mp.erf, TAILS),
    Row("erfc", special.erfc, mp.erfc, TAILS),
    Row("erfcx", special.erfcx, lambda x: mp.exp(x * x) * mp.erfc(x),
        [0.0, 1.0, -1.0, 7.5, 8.0, 8.5, 30.0, -20.0, 40.0, 1e3, 1e10]),
    Row("erfinv", special.erfinv, mp.erfinv, UNIT),
    Row("erfcinv", special.erfcinv, lambda y: mp.erfinv(1 - y), [1.0, 0.5, 1.5, 1e-10, 2 - 1e-10]),
    Row("ndtr", special.ndtr, mp.ncdf, TAILS),
    Row("ndtri", special.ndtri, _ndtri, OPEN01),
    Row("log_ndtr", special.log_ndtr, _log_ndtr, TAILS),
    Row("norm.pdf", stats.norm.pdf, mp.npdf, [0.0, 1.0, -1.0, 30.0, -30.0]),
    Row("norm.cdf", stats.norm.cdf, mp.ncdf, TAILS),
    Row("norm.logpdf", stats.norm.logpdf, lambda x: mp.log(mp.npdf(x)), TAILS),
    Row("norm.logcdf", stats.norm.logcdf, _log_ndtr, TAILS),
    Row("norm.sf", stats.norm.sf, lambda x: mp.ncdf(-x), TAILS),
    Row("norm.logsf", stats.norm.logsf, lambda x: _log_ndtr(-x), TAILS),
    Row("t.logpdf", lambda x: stats.t.logpdf(x, 3.5), _t_logpdf, TAILS),
    Row("t.cdf", lambda x: stats.t.cdf(x, 3.5), _t_cdf, [0.0, 1.0, -1.0, 30.0, -40.0, 1e3], rtol=1e-7),
    Row("t.pdf", lambda x: stats.t.pdf(x, 4.0), lambda x: mp.exp(_t_logpdf(x, 4)), [0.0, 1.0, -1.0, 30.0, -40.0]),
    Row("cauchy.logpdf", stats.cauchy.logpdf, lambda x: -mp.log(mp.pi * (1 + x * x)), TAILS),
    Row("logistic.logpdf", stats.logistic.logpdf, lambda x: -x - 2 * mp.log1p(mp.exp(-x)), TAILS),
    Row("laplace.logpdf", stats.laplace.logpdf, lambda x: -abs(x) - mp.log(2), [1.0, -1.0, 30.0, -40.0, 1e3]),
    Row("expon.logpdf", stats.expon.logpdf, lambda x: -x, POSITIVE),
    Row("gamma.logpdf", lambda x: stats.gamma.logpdf(x, 2.5),
        lambda x: mp.mpf(1.5) * mp.log(x) - x - mp.loggamma(mp.mpf(2.5)), POSITIVE),
    Row("chi2.logpdf", lambda x: stats.chi2.logpdf(x, 3.0),
        lambda x: mp.log(x) / 2 - x / 2 - mp.mpf(1.5) * mp.log(2) - mp.loggamma(mp.mpf(1.5)), POSITIVE),
    Row("beta.logpdf", lambda x: stats.beta.logpdf(x, 2.0, 3.0),
        lambda x: mp.log(x) + 2 * mp.log1p(-x) - mp.log(mp.beta(2, 3)), OPEN01),
    Row("poisson.logpmf", lambda mu: stats.poisson.logpmf(3, mu), lambda mu: 3 * mp.log(mu) - mu - mp.log(6),
        POSITIVE),
    Row("lognorm.logpdf", lambda x: stats.lognorm.logpdf(x, 0.5),
        lambda x: -mp.log(x * mp.mpf(0.5) * mp.sqrt(2 * mp.pi)) - mp.log(x) ** 2 / (2 * mp.mpf(0.25)), POSITIVE),
    Row("weibull_min.logpdf", lambda x: stats.weibull_min.logpdf(x, 1.5),
        lambda x: mp.log(mp.mpf(1.5)) + mp.log(x) / 2 - x ** mp.mpf(1.5), POSITIVE),
    # logistic functions and information theory
    Row("expit", special.expit, lambda x: 1 / (1 + mp.exp(-x)), TAILS),
    Row("log_expit", special.log_expit, lambda x: -mp.log1p(mp.exp(-x)), TAILS),
    Row("logit", special.logit, lambda p: mp.log(p / (1 - p)), OPEN01),
    Row("entr", special.entr, lambda x: -x * mp.log(x), POSITIVE),
    Row("xlogy", special.xlogy, lambda x, y: x * mp.log(y), [(0.0, 1.0), (1.0, 1.0), (-1.0, 30.0), (1e10, 1e-10)]),
    Row("xlog1py", special.xlog1py, lambda x, y: x * mp.log1p(y), [(0.0, 0.0), (1.0, 1.0), (-1.0, 1e10)]),
    Row("rel_entr", special.rel_entr, lambda x, y: x * mp.log(x / y), [(1.0, 1.0), (0.5, 30.0), (1e3, 1e-5)]),
    Row("kl_div", special.kl_div, lambda x, y: x * mp.log(x / y) - x + y, [(1.0, 1.0), (0.5, 30.0), (40.0, 1e3)]),
    # Bessel functions
    Row("i0e", special.i0e, lambda x: mp.exp(-abs(x)) * mp.besseli(0, x), [1.0, -1.0, 30.0, -40.0, 1e3, 1e10]),
    Row("i1", special.i1, lambda x: mp.besseli(1, x), [0.0, 1.0, -1.0, 30.0, -40.0, 700.0]),
    Row("i1e", special.i1e, lambda x: mp.exp(-abs(x)) * mp.besseli(1, x),
        [0.0, 1e-10, 1.0, -1.0, 30.0, -40.0, 1e3, 1e10]),
    Row("j0", special.j0, lambda x: mp.besselj(0, x), [0.0, 1.0, -1.0, 30.0, -40.0, 1e3]),
    Row("j1", special.j1, lambda x: mp.besselj(1, x), [0.0, 1.0, -1.0, 30.0, -40.0, 1e3]),
    Row("y0", special.y0, lambda x: mp.bessely(0, x), [1e-10, 1.0, 40.0, 1e3]),
    Row("y1", special.y1, lambda x: mp.bessely(1, x), [0.1, 1.0, 30.0, 1e3]),
    Row("jv", lambda x: special.jv(2.5, x), lambda x: mp.besselj(2.5, x), [1e-3, 1.0, 30.0, 1e3]),
    Row("jn", lambda x: special.jn(2, x), lambda x: mp.besselj(2, x), [0.0, 1.0, -30.0, 1e3]),
    Row("yv", lambda x: special.yv(1.5, x), lambda x: mp.bessely(1.5, x), [0.5, 1.0, 30.0, 1e3]),
    Row("yn", lambda x: special.yn(2, x), lambda x: mp.bessely(2, x), [0.5, 1.0, 40.0, 1e3]),
    Row("iv", lambda x: special.iv(1.5, x), lambda x: mp.besseli(1.5, x), [1e-3, 1.0, 30.0, 600.0]),
    Row("ive", lambda x: special.ive(1.5, x), lambda x: mp.exp(-abs(x)) * mp.besseli(1.5, x),
        [1e-3, 1.0, 30.0, 1e3]),
    Row("special.i0", special.i0, lambda x: mp.besseli(0, x), [0.0, 1.0, -30.0, 700.0]),
    # incomplete beta and Student's t, in the argument that is not a shape parameter, and in df
    Row("betainc", lambda x: special.betainc(2.0, 3.0, x), lambda x: mp.betainc(2, 3, 0, x, regularized=True),
        OPEN01),
    Row("betaincc", lambda x: special.betaincc(2.0, 3.0, x), lambda x: mp.betainc(2, 3, x, 1, regularized=True),
        OPEN01),
    Row("stdtr", special.stdtr, lambda df, t: _t_cdf(t, df),
        [(3.5, 0.0), (3.5, 1e-8), (3.5, 1.0), (1.5, -30.0), (10.0, 1e3)], rtol=1e-6,
        known={(3.5, 0.0): F9, (3.5, 1e-8): F9}),
    Row("multigammaln", lambda a: special.multigammaln(a, 3),
        lambda a: 3 * mp.log(mp.pi) / 2 + sum(mp.loggamma(a + (1 - j) / mp.mpf(2)) for j in (1, 2, 3)),
        [1.5, 2.0, 30.0, 1e3]),
]


# Elementwise functions of fastgrad.numpy without a row, and why.
NO_ROW = {
    **{n: "linear: every derivative of order 2 and more is 0 by construction" for n in (
        "add", "subtract", "negative", "positive", "deg2rad", "radians", "rad2deg", "degrees", "real", "imag",
        "conj", "conjugate")},
    **{n: "piecewise linear or constant: its second derivative is 0 away from its jumps" for n in (
        "mod", "remainder", "fmod", "maximum", "minimum", "fmax", "fmin", "clip", "where", "copysign",
        "floor", "ceil", "trunc", "fix", "rint", "round", "around", "sign", "floor_divide", "heaviside",
        "nan_to_num", "ldexp", "frexp", "modf", "divmod", "nextafter", "spacing", "fabs", "angle")},
    **{n: "an alias of a function with a row" for n in (
        "true_divide", "absolute", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "pow")},
    "real_if_close": "returns its argument or its real part: linear",
}
# Elementwise functions of fastgrad.scipy.special without a row, and why; its other
# names are reductions (logsumexp, softmax, log_softmax) and aliases (psi, sinc).
SPECIAL_NO_ROW = {
    **{n: "an inverse found by SciPy's root finder: its rule is the inverse function theorem on the "
          "function whose row is here" for n in (
        "gammaincinv", "gammainccinv", "betaincinv", "betainccinv", "stdtrit")},
    "gammasgn": "the sign of gamma: piecewise constant",
    "psi": "an alias of digamma", "sinc": "the same function as numpy's sinc",
    "logsumexp": "a reduction", "softmax": "a reduction", "log_softmax": "a reduction",
}


def _mp(x):
    return mp.mpf(float(x))


def _diff(row, point, orders, dps):
    with mp.workdps(dps):
        try:
            if row.arity == 1:
                value = mp.diff(row.ref, _mp(point), orders[0]) if orders[0] else row.ref(_mp(point))
            else:
                args = tuple(_mp(p) for p in point)
                value = mp.diff(row.ref, args, orders) if sum(orders) else row.ref(*args)
        except (ValueError, ZeroDivisionError, OverflowError, TypeError, mpmath.libmp.NoConvergence):
            return None
        if isinstance(value, mpmath.mpc):
            if abs(value.imag) > 10 ** (-dps // 2) * max(1, abs(value.real)):
                return None
            value = value.real
        return +value


@functools.lru_cache(maxsize=None)
def _reference(name, point, orders):
    """mpmath's derivative of the given orders (one per argument) at point, computed at
    rising precision until two precisions agree (a function close to 1 in a tail, as
    ndtr(30) = 1 - 5e-198, needs hundreds of digits); exactly 0 when the results shrink
    with the precision; None where it does not settle or is infinite."""
    row = ROWS_BY_NAME[name]
    results = []
    for dps in DPS_STEPS:
        value = _diff(row, point, orders, dps)
        if value is None or not mp.isfinite(value):
            return None
        if results and abs(value - results[-1][1]) <= 1e-13 * abs(value):
            return float(value)
        results.append((dps, value))
    # a true zero: noise below 10**(-dps/3) at each of the last two precisions
    if all(abs(value) < mp.mpf(10) ** (-dps // 3) for dps, value in results[-2:]):
        return 0.0
    return None


def _magnitude(name, point):
    """|f(point)|: float64 evaluation of any derivative is accurate to about eps times
    this at best, so a far-tail derivative below that (tanh''(30) = -7e-26 beside
    tanh(30) = 1) is compared with that absolute tolerance."""
    value = _reference(name, point, (0,) * ROWS_BY_NAME[name].arity)
    return abs(value) if value is not None and math.isfinite(value) else 0.0


ROWS_BY_NAME = {row.name: row for row in ROWS}


def _partial(fun, argnum, mode):
    """The derivative of fun in its argument argnum, forward (make_jvp with tangent 1)
    or reverse (grad)."""
    if mode == "rev":
        return fastgrad.grad(fun, argnum)

    def derivative(*args):
        return fastgrad.make_jvp(fun, argnum)(*args)(1.0)[1]
    return derivative


def _derivative(fun, orders, mode):
    """The partial derivative with the given order in each argument."""
    for argnum, order in enumerate(orders):
        for _ in range(order):
            fun = _partial(fun, argnum, mode)
    return fun


def _orders(arity):
    if arity == 1:
        return [(2,), (3,)]
    return [o for o in itertools.product(range(4), repeat=2) if sum(o) in (2, 3)]


def _defined(row, point):
    """The function itself is finite at point in float64 (else it has no derivative there)."""
    args = point if row.arity == 2 else (point,)
    with onp.errstate(all="ignore"):
        try:
            value = row.fun(*[onp.float64(a) for a in args])
        except ValueError:
            return False  # outside the domain SciPy checks (multigammaln's a > (d - 1) / 2)
    return onp.isfinite(value)


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@pytest.mark.parametrize("mode", ["fwd", "rev"])
@pytest.mark.parametrize("name", [row.name for row in ROWS])
def test_higher_derivatives_at_special_points(name, mode):
    row = ROWS_BY_NAME[name]
    wrong = []
    for point, orders in itertools.product(row.points, _orders(row.arity)):
        if point in row.known or not _defined(row, point):
            continue
        want = _reference(name, point, orders)
        if want is None or not (want == 0 or 1e-300 < abs(want) < 1e300):
            continue  # not finite, or not representable in float64
        args = point if row.arity == 2 else (point,)
        with onp.errstate(all="ignore"):
            try:
                got = float(_derivative(row.fun, orders, mode)(*[onp.float64(a) for a in args]))
            except Exception as e:  # noqa: BLE001 - a crash is reported with the point
                wrong.append(f"{orders} at {point}: raises {type(e).__name__}: {e}")
                continue
        if not abs(got - want) <= row.rtol * abs(want) + ATOL * _magnitude(name, point):
            wrong.append(f"{orders} at {point}: {got!r}, mpmath {want!r}")
    assert not wrong, f"{name} ({mode} over {mode}):\n" + "\n".join(wrong)


# Single precision: the points of each one-argument row, and for those defined on the whole
# line a few more where a slope formed from the rounded output would cancel (in float32,
# 1 - tanh(9)**2 is 1.2e-7, twice the slope).
SINGLE_POINTS = [0.0, 0.5, -0.5, 2.0, -2.0, 4.0, -4.0, 9.0, -9.0, 12.0, -12.0, 20.0, -20.0, 40.0, -40.0]
SINGLE_RTOL = 1e-4
# Where the true derivative itself is a difference that single precision cannot resolve.
SINGLE_KNOWN = {
    "sinc": "pi * x rounded to float32 moves cos(pi x) by 1e-4 of x at |x| = 30",
    "i0e": "i1e(x) - i0e(x) for large x: two equal leading terms",
    "i1e": "the same difference as i0e's",
    "ive": "the same difference as i0e's",
    "erfcx": "2 x erfcx(x) - 2 / sqrt(pi) for large x: two equal leading terms",
    "cbrt": "infinite at 0",
}


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_first_and_second_derivatives_in_single_precision(mode):
    """A float32 argument's derivatives are accurate to float32's precision wherever the true
    derivative is a normal float32 number: a slope is formed so that it does not cancel
    (tanh's, expm1's and expit's near their asymptotes)."""
    wrong = []
    for row in ROWS:
        if row.arity != 1 or row.name in SINGLE_KNOWN:
            continue
        for point in sorted(set(row.points) | set(SINGLE_POINTS if row.points is TAILS else ())):
            x = onp.float32(point)
            if not onp.isfinite(x) or not _defined(row, x):
                continue
            for order in (1, 2):
                with mp.workdps(40):
                    try:
                        want = float(mp.diff(row.ref, _mp(x), order))
                    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                        continue
                if not 1e-37 < abs(want) < 1e38:
                    continue  # not a normal float32 number
                with onp.errstate(all="ignore"):
                    got = _derivative(row.fun, (order,), mode)(x)
                if not abs(float(got) - want) <= SINGLE_RTOL * abs(want):
                    wrong.append(f"{row.name} order {order} at {point}: {float(got)!r}, mpmath {want!r}")
    assert not wrong, f"{mode} over {mode}:\n" + "\n".join(wrong)


def _boolean_or_integer(fun):
    """The function gives booleans or integers (a predicate, a comparison): no derivative."""
    for args in ((0.5,), (0.5, 0.25)):
        try:
            return onp.asarray(fun(*args)).dtype.kind in "biu"
        except (TypeError, ValueError):
            continue
    return True


def test_every_elementwise_function_has_a_row():
    from opspecs import nondifferentiable_names

    skipped = nondifferentiable_names()
    missing = [name for name in elementwise.__all__
               if name not in ROWS_BY_NAME and name not in NO_ROW and name not in skipped
               and not _boolean_or_integer(getattr(np, name))]
    assert not missing, f"elementwise functions with no row of special points: {missing}"


def test_every_function_of_scipy_special_has_a_row():
    rows = {row.name for row in ROWS} | {row.name.removeprefix("special.") for row in ROWS}
    missing = [name for name in special.__all__ if name not in rows and name not in SPECIAL_NO_ROW]
    assert not missing, f"scipy.special functions with no row of special points: {missing}"
