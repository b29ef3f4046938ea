"""fastgrad.scipy.special: SciPy's special functions, differentiable in both modes.

Each elementwise function states its partial derivatives once (rules.elementwise);
integer orders (polygamma's n, jn's n, ...) are not differentiable. The rest is
composed from these: logsumexp, softmax, log_softmax, multigammaln.

Shape-parameter derivatives. gammainc, gammaincc, betainc and their inverses are
differentiable in their shape parameters too. d^n/da^n gammainc(a, x) and
d^i/da^i d^j/db^j betainc(a, b, x) are primitives (`_gammainc_da`, `_betainc_dab`)
whose own derivatives with respect to a and b are the next ones, and with respect to
x the closed-form derivatives of the integrand, so every order works. Their values
come from fastgrad.scipy._jets (the series or continued fraction summed in
truncated-Taylor arithmetic; see there).

Outside a function's domain the value is SciPy's (nan or inf) and every derivative
is nan, also where a formula would give a finite number there (the log-gamma of a
negative shape, log(x / y) with both negative): such derivatives are masked with
nan. At boundary points where the value is a constant limit (gammainc at x = 0,
betainc at x = 1) the shape derivatives are 0.

autograd's rule helpers in this module (make_grad_logsumexp, fwd_grad_logsumexp,
make_gammainc_vjp_arg1, ...) are at the end, outside __all__, built on these rules.

Imports SciPy; must not be imported by fastgrad/__init__.py (SciPy is optional there).
"""

from math import factorial

import numpy as _onp
import scipy.special as _sc

from .. import numpy as np
from ..engine import getval
from ..rules import elementwise as _elementwise, nondifferentiable
from . import _jets

__all__ = [
    "gamma", "gammaln", "digamma", "psi", "polygamma", "multigammaln", "rgamma", "gammasgn",
    "beta", "betaln", "betainc", "betaincc", "betaincinv", "betainccinv",
    "gammainc", "gammaincc", "gammaincinv", "gammainccinv",
    "erf", "erfc", "erfcx", "erfinv", "erfcinv", "ndtr", "ndtri", "log_ndtr", "stdtr", "stdtrit",
    "logit", "expit", "log_expit", "logsumexp", "softmax", "log_softmax",
    "xlogy", "xlog1py", "entr", "rel_entr", "kl_div",
    "i0", "i0e", "i1", "i1e", "iv", "ive", "j0", "j1", "jn", "jv", "y0", "y1", "yn", "yv", "sinc",
]

_SQRT_PI = _onp.sqrt(_onp.pi)
_SQRT_2PI = _onp.sqrt(2 * _onp.pi)
_SQRT_2 = _onp.sqrt(2.0)


def _nan_unless(ok):
    """A constant factor, 1 where `ok` and nan elsewhere: multiplies a derivative that a
    formula would make finite at points where the function itself is undefined."""
    return _onp.where(getval(ok), 1.0, _onp.nan)


def elementwise(fun, *derivs, name=None):
    """rules.elementwise, with every partial derivative made nan where the value is nan
    (a formula can be finite there: x / y for xlogy(1, -1), polygamma at digamma's poles)."""
    def guarded(deriv):
        if deriv is None:
            return None

        def partial(ans, *args, **kwargs):
            d = deriv(ans, *args, **kwargs)
            nan = _onp.isnan(getval(ans))
            # (where no value is nan, as at most points, the factor would be all ones)
            return d * _nan_unless(~nan) if nan.any() else d
        return partial
    return _elementwise(fun, *[guarded(d) for d in derivs], name=name)


def _safe(cond, x, fill):
    """x where cond, `fill` elsewhere: keeps the branch of a `where` that is not taken
    finite, so its derivative (multiplied by 0) is not nan."""
    return np.where(cond, x, fill)


# ---------------------------------------------------------------- gamma and relatives

gamma = elementwise(_sc.gamma, lambda ans, x: ans * digamma(x))
gammaln = elementwise(_sc.gammaln, lambda ans, x: digamma(x))
digamma = elementwise(_sc.digamma, lambda ans, x: polygamma(1, x))
psi = digamma
polygamma = elementwise(_sc.polygamma, None, lambda ans, n, x: polygamma(n + 1, x))
gammasgn = nondifferentiable(_sc.gammasgn)


def _rgamma_deriv(ans, x):
    # d/dx 1/Gamma(x) = -psi(x) / Gamma(x) has 0 * inf at the poles x = 0, -1, ...; for
    # x < 1/2 the reflection 1/Gamma(x) = Gamma(1-x) sin(pi x) / pi gives the entire form
    # Gamma(1-x) (pi cos(pi x) - psi(1-x) sin(pi x)) / pi, finite at the poles.
    left = x < 0.5
    xl = _safe(left, x, 0.0)
    xr = _safe(left, 1.0, x)
    reflected = gamma(1 - xl) * (_onp.pi * np.cos(_onp.pi * xl) - digamma(1 - xl) * np.sin(_onp.pi * xl)) / _onp.pi
    return np.where(left, reflected, -rgamma(xr) * digamma(xr))


rgamma = elementwise(_sc.rgamma, _rgamma_deriv)


def multigammaln(a, d):
    """log of the multivariate gamma function, sum_j gammaln(a - j/2) + d(d-1)/4 log(pi);
    raises SciPy's ValueError where a <= (d - 1) / 2, as SciPy does."""
    _sc.multigammaln(getval(a), d)
    d = int(d)
    # (SciPy's order: the terms summed in a's precision, then the constant added)
    terms = np.sum(np.stack([gammaln(a - 0.5 * j) for j in range(d)]), axis=0)
    return d * (d - 1) * 0.25 * _onp.log(_onp.pi) + terms


# B_2, B_4, ..., B_20: the asymptotic series of the polygamma functions
_BERNOULLI_2K = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
                 -174611 / 330]


def _power_step(p, a, b):
    """(a + b)^-p - a^-p, with no cancellation where b is small beside a."""
    return a ** -p * _onp.expm1(-p * _onp.log1p(b / a))


def _polygamma_step_value(n, a, b):
    """psi^(n)(a + b) - psi^(n)(a). Where |b| < a the two terms share most of their digits
    (at a = 1e7, b = 3 the difference kept 1e-8 of its own): there it is the difference of
    the asymptotic series of psi^(n), term by term as `_power_step`s, at a shifted up to
    10 + 2n by the recurrence psi^(n)(x + 1) = psi^(n)(x) + (-1)^n n! x^-(n+1). Within 1e-15
    of mpmath for n = 0..4 over a from 1e-6 to 1e10 and b from 1e-12 to 1e4."""
    a, b = _onp.broadcast_arrays(_onp.asarray(a, dtype=float), _onp.asarray(b, dtype=float))
    with _onp.errstate(all="ignore"):
        out = _onp.array(_sc.polygamma(n, a + b) - _sc.polygamma(n, a), dtype=float)
        near = (a > 0) & (_onp.abs(b) < a)
        if not _onp.any(near):
            return out[()]
        x, y = a[near], b[near]
        shifts = _onp.ceil(_onp.maximum(10.0 + 2 * n - x, 0.0))
        sign = -1.0 if n % 2 else 1.0
        steps = _onp.zeros_like(x)
        for j in range(int(shifts.max(initial=0))):
            live = j < shifts
            steps[live] += _power_step(n + 1, x[live] + j, y[live])
        z = x + shifts
        if n == 0:
            series = _onp.log1p(y / z) - 0.5 * _power_step(1, z, y)
            for k, B in enumerate(_BERNOULLI_2K, 1):
                series -= B / (2 * k) * _power_step(2 * k, z, y)
        else:
            series = factorial(n - 1) * _power_step(n, z, y) + factorial(n) / 2 * _power_step(n + 1, z, y)
            for k, B in enumerate(_BERNOULLI_2K, 1):
                series += B * factorial(2 * k + n - 1) / factorial(2 * k) * _power_step(2 * k + n, z, y)
            series *= -sign
        out[near] = series - sign * factorial(n) * steps
    return out[()]


# psi^(n)(a + b) - psi^(n)(a), n >= 0: its a-derivative is the next order, its b-derivative
# psi^(n+1)(a + b).
_polygamma_step = elementwise(
    _polygamma_step_value,
    None,
    lambda ans, n, a, b: _polygamma_step(n + 1, a, b),
    lambda ans, n, a, b: polygamma(n + 1, a + b),
    name="polygamma_step",
)
# d/da log B(a, b) = psi(a) - psi(a + b), formed as one step so large a keeps its digits
beta = elementwise(
    _sc.beta,
    lambda ans, a, b: -ans * _polygamma_step(0, a, b),
    lambda ans, a, b: -ans * _polygamma_step(0, b, a),
)
betaln = elementwise(
    _sc.betaln,
    lambda ans, a, b: -_polygamma_step(0, a, b),
    lambda ans, a, b: -_polygamma_step(0, b, a),
)


# ---------------------------------------------------------------- incomplete gamma

def _in_double(z):
    """z in double precision at least, as SciPy's special functions compute: a density
    formed in single precision as exp of a sum of large logarithms loses the digits the
    sum cancels (gammainc's at a = 64.5, x = 64.1 lost five)."""
    dtype = _onp.result_type(getval(z))
    if dtype.kind == "f" and dtype.itemsize < 8:
        return np.astype(z, _onp.float64)
    return z


def _gamma_density(a, x):
    """d/dx gammainc(a, x) = x^(a-1) e^-x / Gamma(a), nan for a < 0 (where gammaln is
    log|Gamma| and would give a number)."""
    a, x = _in_double(a), _in_double(x)
    return np.exp(xlogy(a - 1, x) - x - gammaln(a)) * _nan_unless(getval(a) >= 0)


def _gamma_density_da(n, a, x):
    """d^n/da^n of x^(a-1) e^-x / Gamma(a): the n-th Taylor coefficient (times n!) of
    exp((a-1) log x - x - lgamma(a)) in a, from the series of lgamma (polygamma)."""
    if n == 0:
        return _gamma_density(a, x)
    a, x = _in_double(a), _in_double(x)
    inside = x > 0
    xs = _safe(inside, x, 1.0)
    logx = np.log(xs)
    G = [[(a - 1) * logx - xs - gammaln(a)], [logx - digamma(a)]]
    for m in range(2, n + 1):
        G.append([-polygamma(m - 1, a) / float(factorial(m))])
    value = _jets.derivative(_jets.exp_jet(G, np.exp), n)
    # At x = 0 the density and all its a-derivatives vanish for a > 1 (x^(a-1) log(x)^k
    # -> 0); for a <= 1 they diverge, and nan stands for that.
    at_zero = _onp.where(getval(a) > 1, 0.0, _onp.nan)
    return np.where(inside, value, at_zero) * _nan_unless((getval(x) >= 0) & (getval(a) > 0))


def _gammainc_da_value(n, a, x):
    return _jets.gammainc_derivative(n, a, x)


# d^n/da^n gammainc(a, x), n >= 1. Its a-derivative is the next order (same kernel);
# its x-derivative the n-th a-derivative of the integrand, in closed form.
_gammainc_da = elementwise(
    _gammainc_da_value,
    None,
    lambda ans, n, a, x: _gammainc_da(n + 1, a, x),
    lambda ans, n, a, x: _gamma_density_da(n, a, x),
    name="gammainc_da",
)
gammainc = elementwise(
    _sc.gammainc,
    lambda ans, a, x: _gammainc_da(1, a, x),
    lambda ans, a, x: _gamma_density(a, x),
)
# gammaincc = 1 - gammainc, so its derivatives are exact negatives (no cancellation:
# _gammainc_da computes each region's derivative directly).
gammaincc = elementwise(
    _sc.gammaincc,
    lambda ans, a, x: -_gammainc_da(1, a, x),
    lambda ans, a, x: -_gamma_density(a, x),
)


def _inverse_slope(a, x):
    """1 / (d gammainc / dx) at x, formed in log space so it does not overflow."""
    a, x = _in_double(a), _in_double(x)
    return np.exp(x - xlogy(a - 1, x) + gammaln(a)) * _nan_unless(getval(a) > 0)


# Inverses by the implicit function theorem: gammainc(a, x(a, p)) = p gives
# dx/dp = 1 / P_x and dx/da = -P_a / P_x; for gammainccinv, Q_a / Q_x = P_a / P_x.
gammaincinv = elementwise(
    _sc.gammaincinv,
    lambda ans, a, p: -_gammainc_da(1, a, ans) * _inverse_slope(a, ans),
    lambda ans, a, p: _inverse_slope(a, ans),
)
gammainccinv = elementwise(
    _sc.gammainccinv,
    lambda ans, a, q: -_gammainc_da(1, a, ans) * _inverse_slope(a, ans),
    lambda ans, a, q: -_inverse_slope(a, ans),
)


# ---------------------------------------------------------------- incomplete beta

def _beta_log_density(a, b, x):
    a, b, x = _in_double(a), _in_double(b), _in_double(x)
    return xlogy(a - 1, x) + xlog1py(b - 1, -x) - betaln(a, b)


def _beta_density(a, b, x):
    ok = (getval(a) >= 0) & (getval(b) >= 0)
    return np.exp(_beta_log_density(a, b, x)) * _nan_unless(ok)


def _beta_density_dab(i, j, a, b, x):
    """d^i/da^i d^j/db^j of x^(a-1) (1-x)^(b-1) / B(a, b), from the two-variable Taylor
    series of its logarithm (betaln's by polygamma) and the jet exponential."""
    if i == 0 and j == 0:
        return _beta_density(a, b, x)
    a, b, x = _in_double(a), _in_double(b), _in_double(x)
    inside = (x > 0) & (x < 1)
    xs = _safe(inside, x, 0.5)
    logx, log1mx = np.log(xs), np.log1p(-xs)
    G = [[None] * (j + 1) for _ in range(i + 1)]
    for p in range(i + 1):
        for q in range(j + 1):
            if p + q == 0:
                G[0][0] = (a - 1) * logx + (b - 1) * log1mx - betaln(a, b)
                continue
            c = digamma(a + b) if p + q == 1 else polygamma(p + q - 1, a + b) / float(factorial(p) * factorial(q))
            if q == 0:
                c = c - (digamma(a) if p == 1 else polygamma(p - 1, a) / float(factorial(p)))
                c = c + (logx if p == 1 else 0.0)
            if p == 0:
                c = c - (digamma(b) if q == 1 else polygamma(q - 1, b) / float(factorial(q)))
                c = c + (log1mx if q == 1 else 0.0)
            G[p][q] = c
    value = _jets.derivative(_jets.exp_jet(G, np.exp), i, j)
    # At x = 0 (x = 1) the derivatives vanish for a > 1 (b > 1) and diverge otherwise.
    av, bv, xv = getval(a), getval(b), getval(x)
    at_edge = _onp.where(((xv <= 0) & (av > 1)) | ((xv >= 1) & (bv > 1)), 0.0, _onp.nan)
    ok = (xv >= 0) & (xv <= 1) & (av > 0) & (bv > 0)
    return np.where(inside, value, at_edge) * _nan_unless(ok)


def _betainc_dab_value(i, j, a, b, x):
    return _jets.betainc_derivative(i, j, a, b, x)


# d^i/da^i d^j/db^j betainc(a, b, x), i + j >= 1.
_betainc_dab = elementwise(
    _betainc_dab_value,
    None,
    None,
    lambda ans, i, j, a, b, x: _betainc_dab(i + 1, j, a, b, x),
    lambda ans, i, j, a, b, x: _betainc_dab(i, j + 1, a, b, x),
    lambda ans, i, j, a, b, x: _beta_density_dab(i, j, a, b, x),
    name="betainc_dab",
)
betainc = elementwise(
    _sc.betainc,
    lambda ans, a, b, x: _betainc_dab(1, 0, a, b, x),
    lambda ans, a, b, x: _betainc_dab(0, 1, a, b, x),
    lambda ans, a, b, x: _beta_density(a, b, x),
)
betaincc = elementwise(
    _sc.betaincc,
    lambda ans, a, b, x: -_betainc_dab(1, 0, a, b, x),
    lambda ans, a, b, x: -_betainc_dab(0, 1, a, b, x),
    lambda ans, a, b, x: -_beta_density(a, b, x),
)


def _beta_inverse_slope(a, b, x):
    ok = (getval(a) > 0) & (getval(b) > 0)
    return np.exp(-_beta_log_density(a, b, x)) * _nan_unless(ok)


betaincinv = elementwise(
    _sc.betaincinv,
    lambda ans, a, b, y: -_betainc_dab(1, 0, a, b, ans) * _beta_inverse_slope(a, b, ans),
    lambda ans, a, b, y: -_betainc_dab(0, 1, a, b, ans) * _beta_inverse_slope(a, b, ans),
    lambda ans, a, b, y: _beta_inverse_slope(a, b, ans),
)
betainccinv = elementwise(
    _sc.betainccinv,
    lambda ans, a, b, y: -_betainc_dab(1, 0, a, b, ans) * _beta_inverse_slope(a, b, ans),
    lambda ans, a, b, y: -_betainc_dab(0, 1, a, b, ans) * _beta_inverse_slope(a, b, ans),
    lambda ans, a, b, y: -_beta_inverse_slope(a, b, ans),
)


# ---------------------------------------------------------------- error function and normal

erf = elementwise(_sc.erf, lambda ans, x: (2 / _SQRT_PI) * np.exp(-x * x))
erfc = elementwise(_sc.erfc, lambda ans, x: (-2 / _SQRT_PI) * np.exp(-x * x))
# Beyond this, erfcx's slope is summed from its asymptotic series (below it, 2x erfcx(x) and
# 2/sqrt(pi) cancel by at most a factor 2x^2 = 128).
_ERFCX_SERIES_FROM = 8.0


def _erfcx_slope(ans, x):
    """d/dx erfcx(x) = 2x erfcx(x) - 2/sqrt(pi). For large x the two terms cancel (erfcx ~
    1/(x sqrt(pi))), and the derivatives of that difference lose what it lost and more
    (erfcx'' by 3e-5 relative at x = 1000). There the slope is the asymptotic series
    (2/sqrt(pi)) sum_{n>=1} (-1)^n (2n-1)!! / (2x^2)^n, whose 30 terms reach full precision from
    x = 8 on and whose own derivatives are as exact."""
    slope = 2 * x * ans - 2 / _SQRT_PI
    large = _onp.asarray(getval(x)) >= _ERFCX_SERIES_FROM
    if not _onp.any(large):
        return slope
    u = 0.5 / np.square(np.where(large, x, _ERFCX_SERIES_FROM))
    p = 1.0
    for n in range(30, 1, -1):
        p = 1.0 - (2 * n - 1) * u * p
    return np.where(large, (-2 / _SQRT_PI) * u * p, slope)


erfcx = elementwise(_sc.erfcx, _erfcx_slope)
erfinv = elementwise(_sc.erfinv, lambda ans, y: (_SQRT_PI / 2) * np.exp(ans * ans))
erfcinv = elementwise(_sc.erfcinv, lambda ans, y: (-_SQRT_PI / 2) * np.exp(ans * ans))


def _normal_density(x):
    """exp(-x^2 / 2) / sqrt(2 pi). For a plain array, in one buffer: each fresh temporary of
    an array past glibc's mmap threshold is paged in anew, which made the four passes
    cost 3.6x the in-place ones at 40,000 points."""
    if type(x) is not _onp.ndarray or x.dtype.kind != "f" or x.ndim == 0:
        return np.exp(-0.5 * x * x) / _SQRT_2PI
    d = x * x
    d *= -0.5
    _onp.exp(d, out=d)
    d /= _SQRT_2PI
    return d


ndtr = elementwise(_sc.ndtr, lambda ans, x: _normal_density(x))
ndtri = elementwise(_sc.ndtri, lambda ans, p: _SQRT_2PI * np.exp(0.5 * ans * ans))


def _log_ndtr_d_value(n, x):
    if n == 1:
        # phi(x) / Phi(x) = sqrt(2/pi) / erfcx(-x / sqrt(2)): no exp(-x^2/2) that underflows
        # and no ratio of tiny numbers (about -x far in the lower tail, phi(x) in the upper).
        with _onp.errstate(over="ignore"):
            return _onp.sqrt(2 / _onp.pi) / _sc.erfcx(-_onp.asarray(x) / _SQRT_2)
    return _jets.log_ndtr_derivative(n, x).astype(_onp.result_type(x, _onp.float16))


# d^n/dx^n log ndtr(x), n >= 1; its derivative is the next order. Higher orders are not
# formed from the first (x + phi/Phi cancels in the lower tail, a ratio of underflowing
# numbers is nan in the upper one): _jets.log_ndtr_derivative computes each directly.
_log_ndtr_d = elementwise(_log_ndtr_d_value, None, lambda ans, n, x: _log_ndtr_d(n + 1, x), name="log_ndtr_d")
log_ndtr = elementwise(_sc.log_ndtr, lambda ans, x: _log_ndtr_d(1, x))


# ---------------------------------------------------------------- Student's t distribution

def _t_log_pdf(df, t):
    return (gammaln(0.5 * (df + 1)) - gammaln(0.5 * df) - 0.5 * np.log(df * _onp.pi)
            - 0.5 * (df + 1) * np.log1p(t * t / df))


def _t_dlogpdf_ddf(df, t):
    return (0.5 * digamma(0.5 * (df + 1)) - 0.5 * digamma(0.5 * df) - 0.5 / df
            - 0.5 * np.log1p(t * t / df) + 0.5 * (df + 1) * t * t / (df * (df + t * t)))


def _stdtr_ddf_formula(df, t):
    """d/d df of stdtr(df, t). With a = df/2, w = df/(df+t^2), stdtr = I_w(a, 1/2)/2 for
    t < 0 and 1 - I_w(a, 1/2)/2 for t > 0; the chain rule through w, written so that the
    factor (1-w)^(-1/2) of the beta density cancels against dw/d df, gives
    -sign(t) I_a(a, 1/2, w) / 4 - t w^(a-1) / (2 B(a, 1/2) (df + t^2)^(3/2)), 0 at t = 0."""
    a = 0.5 * df
    s = np.sign(t)
    ts = _safe(t == 0, 1.0, t)
    w = df / (df + ts * ts)
    shape_term = s * _betainc_dab(1, 0, a, 0.5, w)
    r = df + t * t
    weight = np.exp(xlogy(a - 1, df / r) - betaln(a, 0.5) - 1.5 * np.log(r))
    return -0.25 * shape_term - 0.5 * t * weight


def _stdtr_ddf2_formula(df, t):
    """d^2/d df^2 of stdtr(df, t), differentiating the first derivative's formula once more."""
    a = 0.5 * df
    s = np.sign(t)
    ts = _safe(t == 0, 1.0, t)
    w = df / (df + ts * ts)
    r = df + t * t
    log_w = np.log(df / r)
    weight = np.exp(xlogy(a - 1, df / r) - betaln(a, 0.5) - 1.5 * np.log(r))
    dpsi = digamma(a) - digamma(a + 0.5)
    shape_term = -0.125 * s * _betainc_dab(2, 0, a, 0.5, w) - 0.25 * t * weight * (log_w - dpsi)
    dlog_weight = 0.5 * log_w + (a - 1) * t * t / (df * r) - 0.5 * dpsi - 1.5 / r
    return shape_term - 0.5 * t * weight * dlog_weight


def _stdtr_ddf_fun(df, t):
    return getval(_stdtr_ddf_formula(df, t)) * _onp.where(df > 0, 1.0, _onp.nan)


# d/d df of stdtr. A primitive so that its t-derivative is the smooth closed form
# d/d df of the t density rather than the chain rule through w (whose factors are
# 0 * inf at t = 0). Its df-derivative is the closed form above; at t = 0 exactly,
# the third derivatives that go through it miss the term of sign(t) (a documented limit).
_stdtr_ddf = elementwise(
    _stdtr_ddf_fun,
    lambda ans, df, t: _stdtr_ddf2_formula(df, t) * _nan_unless(getval(df) > 0),
    lambda ans, df, t: np.exp(_t_log_pdf(df, t)) * _t_dlogpdf_ddf(df, t) * _nan_unless(getval(df) > 0),
    name="stdtr_ddf",
)
stdtr = elementwise(
    _sc.stdtr,
    lambda ans, df, t: _stdtr_ddf(df, t),
    lambda ans, df, t: np.exp(_t_log_pdf(df, t)) * _nan_unless(getval(df) > 0),
)
stdtrit = elementwise(
    _sc.stdtrit,
    lambda ans, df, p: -_stdtr_ddf(df, ans) * np.exp(-_t_log_pdf(df, ans)),
    lambda ans, df, p: np.exp(-_t_log_pdf(df, ans)) * _nan_unless(getval(df) > 0),
)


# ---------------------------------------------------------------- logistic, log-sum-exp

logit = elementwise(
    _sc.logit,
    lambda ans, x: 1.0 / (x * (1 - x)) * _nan_unless((getval(x) >= 0) & (getval(x) <= 1)),
)
# ans * expit(-x), not ans * (1 - ans): expit(x) rounds to 1 from x = 37 (17 in single precision),
# and 1 - ans would be 0 there.
expit = elementwise(_sc.expit, lambda ans, x: ans * expit(-x))
log_expit = elementwise(_sc.log_expit, lambda ans, x: expit(-x))


# SciPy 1.15 reads a 0-d input of logsumexp as shape (1,), so keepdims=True gives (1,);
# before, the result of 0-d inputs is 0-d whatever keepdims says.
_LOGSUMEXP_0D_AS_1D = _onp.ndim(_sc.logsumexp(_onp.float64(0.0), keepdims=True)) == 1


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """log(sum(b * exp(a))) over `axis`, composed from exp, sum and log around a constant
    shift by the maximum (so no rule of its own). Shapes follow scipy.special.logsumexp;
    with return_sign=True, returns (log|s|, sign(s)) where s is the sum."""
    scalar = _onp.ndim(getval(a)) == 0 and _onp.ndim(getval(b)) == 0
    if scalar:
        # read as shape (1,), so that keepdims=True gives (1,) and axis=0 applies
        a = np.reshape(a, (1,))
        b = None if b is None else np.reshape(b, (1,))
        if not _LOGSUMEXP_0D_AS_1D:
            out = logsumexp(a, axis, b, keepdims, return_sign)
            return tuple(x[0] if _onp.ndim(getval(x)) else x for x in out) if return_sign else (
                out[0] if _onp.ndim(getval(out)) else out)
    a_val = _onp.asarray(getval(a))
    if b is not None:
        b_val = _onp.asarray(getval(b))
        a_val = _onp.where(b_val != 0, a_val, -_onp.inf)
    shift = _onp.max(a_val, axis=axis, keepdims=True) if a_val.size else _onp.zeros((1,) * a_val.ndim, a_val.dtype)
    shift = _onp.where(_onp.isfinite(shift), shift, 0.0)
    terms = np.exp(a - shift)
    if b is not None:
        terms = b * terms
    total = np.sum(terms, axis=axis, keepdims=keepdims)
    if not keepdims:
        shift = _onp.squeeze(shift, axis=axis) if axis is not None else _onp.reshape(shift, ())
    if return_sign:
        sign = _onp.sign(getval(total))
        return np.log(np.abs(total)) + shift, sign
    return np.log(total) + shift


def softmax(x, axis=None):
    """exp(x - logsumexp(x, axis, keepdims=True)); the shape of x."""
    return np.exp(x - logsumexp(x, axis=axis, keepdims=True))


def log_softmax(x, axis=None):
    """x - logsumexp(x, axis, keepdims=True); the shape of x."""
    return x - logsumexp(x, axis=axis, keepdims=True)


# ---------------------------------------------------------------- information theory

# xlogy(0, y) = 0 for every y, so d/dy is 0 where x = 0 (x / y would be 0/0 at y = 0).
xlogy = elementwise(
    _sc.xlogy,
    lambda ans, x, y: np.log(y),
    lambda ans, x, y: x / np.where((x == 0) & (y == 0), 1.0, y),
)
xlog1py = elementwise(
    _sc.xlog1py,
    lambda ans, x, y: np.log1p(y),
    lambda ans, x, y: x / np.where((x == 0) & (y == -1), 1.0, 1 + y),
)
entr = elementwise(_sc.entr, lambda ans, x: -(np.log(x) + 1))


def _both_nonnegative(x, y):
    return _nan_unless((getval(x) >= 0) & (getval(y) >= 0))


rel_entr = elementwise(
    _sc.rel_entr,
    lambda ans, x, y: (np.log(x / y) + 1) * _both_nonnegative(x, y),
    lambda ans, x, y: -x / np.where((x == 0) & (y == 0), 1.0, y) * _both_nonnegative(x, y),
)
kl_div = elementwise(
    _sc.kl_div,
    lambda ans, x, y: np.log(x / y) * _both_nonnegative(x, y),
    lambda ans, x, y: (1 - x / np.where((x == 0) & (y == 0), 1.0, y)) * _both_nonnegative(x, y),
)


# ---------------------------------------------------------------- Bessel functions
# Orders are not differentiable. d/dx C_v = (C_{v-1} - C_{v+1}) / 2 for J and Y,
# (I_{v-1} + I_{v+1}) / 2 for I; the exponentially scaled ive(v, x) = iv(v, x) e^-|x|
# adds -sign(x) ive(v, x).

jv = elementwise(_sc.jv, None, lambda ans, v, x: 0.5 * (jv(v - 1, x) - jv(v + 1, x)))
jn = jv
yv = elementwise(_sc.yv, None, lambda ans, v, x: 0.5 * (yv(v - 1, x) - yv(v + 1, x)))
yn = elementwise(_sc.yn, None, lambda ans, n, x: 0.5 * (yn(n - 1, x) - yn(n + 1, x)))
iv = elementwise(_sc.iv, None, lambda ans, v, x: 0.5 * (iv(v - 1, x) + iv(v + 1, x)))
ive = elementwise(
    _sc.ive, None, lambda ans, v, x: 0.5 * (ive(v - 1, x) + ive(v + 1, x)) - np.sign(x) * ans,
)
j0 = elementwise(_sc.j0, lambda ans, x: -j1(x))
j1 = elementwise(_sc.j1, lambda ans, x: 0.5 * (j0(x) - jv(2, x)))
y0 = elementwise(_sc.y0, lambda ans, x: -y1(x))
y1 = elementwise(_sc.y1, lambda ans, x: 0.5 * (y0(x) - yv(2, x)))
i0 = elementwise(_sc.i0, lambda ans, x: i1(x))
i1 = elementwise(_sc.i1, lambda ans, x: 0.5 * (i0(x) + iv(2, x)))
i0e = elementwise(_sc.i0e, lambda ans, x: i1e(x) - np.sign(x) * ans)


def _i1e_slope(ans, x):
    """d/dx e^-|x| I1(x) = e^-|x| I1'(x) - sign(x) i1e(x). I1' is (I0 + I2) / 2 for |x| < 1 and
    I0 - I1 / x beyond: ive(2, x) is NaN in SciPy from x = 1e10 on, and near 0 the quotient's
    own derivatives cancel."""
    small = np.abs(x) < 1
    near = np.where(small, x, 0.5)
    far = np.where(small, 1.0, x)
    return np.where(small, 0.5 * (i0e(near) + ive(2, near)), i0e(far) - ans / far) - np.sign(x) * ans


i1e = elementwise(_sc.i1e, _i1e_slope)

sinc = np.sinc


# ---------------------------------------------------------------- autograd's helper names
# autograd's module also holds the extension API it imports and its rule helpers (not in
# __all__); fastgrad.scipy._autograd_names attaches them to this module.

root_pi = float(_SQRT_PI)
inv_root_pi = float(1 / _SQRT_PI)
