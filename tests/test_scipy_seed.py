"""The statisticians' cases: jacobians of distribution functions over a long timeline with
respect to two parameters, in every mode, against analytic jacobians; and the
shape-parameter derivatives of the incomplete gamma function against high-precision
references."""

import numpy as onp
import pytest

pytest.importorskip("scipy")

import scipy.special as ssp  # noqa: E402
import scipy.stats as sst  # noqa: E402

import fastgrad.numpy as np  # noqa: E402
from fastgrad import jacobian  # noqa: E402
from fastgrad.scipy import special  # noqa: E402
from fastgrad.scipy.stats import lognorm, norm, weibull_min  # noqa: E402

TIMELINE = onp.linspace(1, 100, 40000)
MODES = ["fwd", "rev", "auto"]


@pytest.mark.parametrize("mode", MODES)
def test_seed_norm_cdf(mode):
    # timeline * Phi(mu / sigma): d/dmu = timeline * phi(z) / sigma, d/dsigma = -timeline * phi(z) z / sigma.
    p = onp.array([1.0, 1.0])
    jac = jacobian(lambda p: TIMELINE * norm.cdf(p[0] / p[1]), mode=mode)(p)
    z = p[0] / p[1]
    phi = onp.exp(-0.5 * z * z) / onp.sqrt(2 * onp.pi)
    expected = onp.stack([TIMELINE * phi / p[1], -TIMELINE * phi * z / p[1]], axis=1)
    assert jac.shape == (TIMELINE.size, 2)
    onp.testing.assert_allclose(jac, expected, rtol=1e-13, atol=0)


@pytest.mark.parametrize("mode", MODES)
def test_lognormal_survival(mode):
    # S(t) = 1 - Phi((log t - mu) / sigma), parameters (mu, log sigma) as a survival model fits them.
    def survival(p):
        return lognorm.sf(TIMELINE, np.exp(p[1]), scale=np.exp(p[0]))

    p = onp.array([3.0, -0.2])
    jac = jacobian(survival, mode=mode)(p)
    sigma = onp.exp(p[1])
    z = (onp.log(TIMELINE) - p[0]) / sigma
    phi = onp.exp(-0.5 * z * z) / onp.sqrt(2 * onp.pi)
    expected = onp.stack([phi / sigma, phi * z], axis=1)
    onp.testing.assert_allclose(survival(p), sst.lognorm.sf(TIMELINE, sigma, scale=onp.exp(p[0])), rtol=1e-12)
    onp.testing.assert_allclose(jac, expected, rtol=1e-11, atol=1e-300)


@pytest.mark.parametrize("mode", MODES)
def test_weibull_survival(mode):
    # S(t) = exp(-(t / lam)^k): dS/dk = -S u log(t / lam), dS/dlam = S u k / lam, u = (t / lam)^k.
    def survival(p):
        return weibull_min.sf(TIMELINE, p[0], scale=p[1])

    p = onp.array([1.4, 30.0])
    jac = jacobian(survival, mode=mode)(p)
    k, lam = p
    u = (TIMELINE / lam) ** k
    S = onp.exp(-u)
    expected = onp.stack([-S * u * onp.log(TIMELINE / lam), S * u * k / lam], axis=1)
    onp.testing.assert_allclose(survival(p), sst.weibull_min.sf(TIMELINE, k, scale=lam), rtol=1e-12)
    onp.testing.assert_allclose(jac, expected, rtol=1e-11, atol=1e-300)


def test_norm_tails_derivatives():
    # Far in the tails: value and derivative of logcdf / logsf stay accurate.
    from fastgrad import grad

    for z in (-40.0, -10.0, 10.0, 40.0):
        onp.testing.assert_allclose(norm.logcdf(z), ssp.log_ndtr(z), rtol=1e-14)
        slope = grad(norm.logcdf)(z)
        exact = onp.sqrt(2 / onp.pi) / ssp.erfcx(-z / onp.sqrt(2))     # phi(z) / Phi(z)
        onp.testing.assert_allclose(slope, exact, rtol=1e-13)
        onp.testing.assert_allclose(grad(norm.logsf)(-z), -exact, rtol=1e-13)
    assert abs(grad(norm.logcdf)(-40.0) - 40.0249688) < 1e-6      # ~ -z - 1/z for z -> -inf


# ---------------------------------------------------------------- shape derivatives vs mpmath

# (a, x) across the ranges survival models use: a in [0.1, 50], x in (0, 100], both
# sides of the series / continued-fraction boundary x = a + 1 and far into both tails.
SHAPE_POINTS = [(0.1, 1e-3), (0.1, 0.5), (0.1, 1.1), (0.1, 5.0), (0.1, 100.0), (0.5, 0.2), (1.0, 2.0),
                (2.5, 3.5), (3.0, 0.05), (5.0, 20.0), (10.0, 9.0), (20.0, 21.0), (30.0, 5.0),
                (50.0, 49.0), (50.0, 51.0), (50.0, 100.0), (7.3, 60.0)]


def _mp_derivative(mp, order, a, x, upper):
    if upper:
        f = lambda s: mp.gammainc(s, x, mp.inf, regularized=True)  # noqa: E731
    else:
        f = lambda s: mp.gammainc(s, 0, x, regularized=True)  # noqa: E731
    return float(mp.diff(f, a, order))


@pytest.mark.parametrize("order", [1, 2])
def test_gammainc_shape_derivatives_against_mpmath(order):
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 50
    from fastgrad import grad

    for a, x in SHAPE_POINTS:
        # the reference is computed from the smaller tail so its own precision holds
        upper = x > a
        ref = _mp_derivative(mp, order, mp.mpf(a), mp.mpf(x), upper)
        ref_p = -ref if upper else ref
        got_p = grad(lambda s: special.gammainc(s, x)) if order == 1 else \
            grad(grad(lambda s: special.gammainc(s, x)))
        got_q = grad(lambda s: special.gammaincc(s, x)) if order == 1 else \
            grad(grad(lambda s: special.gammaincc(s, x)))
        for got, want in ((got_p(a), ref_p), (got_q(a), -ref_p)):
            assert abs(got - want) <= 1e-10 * abs(want), (order, a, x, got, want)


def test_betainc_shape_derivatives_against_mpmath():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 50
    from fastgrad import grad

    points = [(0.5, 0.5, 0.3), (2.0, 3.0, 0.9), (0.2, 8.0, 0.01), (30.0, 20.0, 0.6), (5.0, 0.3, 0.999)]
    for a, b, x in points:
        lower = x < a / (a + b)
        if lower:
            f = lambda s, r: mp.betainc(s, r, 0, x, regularized=True)  # noqa: E731
        else:
            f = lambda s, r: -mp.betainc(s, r, x, 1, regularized=True)  # noqa: E731
        ref_a = float(mp.diff(f, (mp.mpf(a), mp.mpf(b)), (1, 0)))
        ref_b = float(mp.diff(f, (mp.mpf(a), mp.mpf(b)), (0, 1)))
        got_a = grad(special.betainc, 0)(a, b, x)
        got_b = grad(special.betainc, 1)(a, b, x)
        assert abs(got_a - ref_a) <= 1e-10 * abs(ref_a), (a, b, x, got_a, ref_a)
        assert abs(got_b - ref_b) <= 1e-10 * abs(ref_b), (a, b, x, got_b, ref_b)


def test_gammaincinv_derivatives_against_mpmath():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    from fastgrad import grad

    for a, p in [(0.3, 0.2), (2.0, 0.5), (10.0, 0.99), (40.0, 1e-6)]:
        def inverse(s, q):
            return mp.findroot(lambda x: mp.gammainc(s, 0, x, regularized=True) - q, ssp.gammaincinv(a, p))

        ref_p = float(mp.diff(lambda q: inverse(mp.mpf(a), q), mp.mpf(p)))
        ref_a = float(mp.diff(lambda s: inverse(s, mp.mpf(p)), mp.mpf(a)))
        assert abs(grad(special.gammaincinv, 1)(a, p) - ref_p) <= 1e-9 * abs(ref_p)
        assert abs(grad(special.gammaincinv, 0)(a, p) - ref_a) <= 1e-9 * abs(ref_a)
        # gammainccinv(a, 1 - p) is the same point: the same shape derivative, the opposite p one
        assert abs(grad(special.gammainccinv, 0)(a, 1 - p) - ref_a) <= 1e-8 * abs(ref_a)
