"""fastgrad.scipy.integrate.odeint against closed-form solutions: y' = -k y, so
y(t) = y0 exp(-k (t - t0)), differentiated in y0, k and every time point, in both
modes and to second order."""

import numpy as onp
import pytest

pytest.importorskip("scipy")

import fastgrad.numpy as np  # noqa: E402
from fastgrad import grad, hessian, jacobian  # noqa: E402
from fastgrad.scipy.integrate import odeint  # noqa: E402

TIGHT = {"rtol": 1e-12, "atol": 1e-12}
T = onp.array([0.2, 0.7, 1.5, 2.0])


def decay(y, t, k):
    return -k * y


def solution(p):
    y0, k = p[:2], p[2]
    return odeint(decay, y0, T, args=(k,), **TIGHT)


@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_jacobian_in_state_and_parameter(mode):
    p = onp.array([1.0, -0.5, 0.8])
    jac = jacobian(solution, mode=mode)(p)
    y0, k = p[:2], p[2]
    e = onp.exp(-k * (T - T[0]))
    expected = onp.zeros((4, 2, 3))
    for i in range(2):
        expected[:, i, i] = e
        expected[:, i, 2] = -(T - T[0]) * y0[i] * e
    onp.testing.assert_allclose(jac, expected, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_jacobian_in_time_points(mode):
    y0, k = onp.array([1.0, 2.0]), 0.8
    jac = jacobian(lambda t: odeint(decay, y0, t, args=(k,), **TIGHT), mode=mode)(T)
    y = y0 * onp.exp(-k * (T - T[0]))[:, None]
    expected = onp.zeros((4, 2, 4))
    for i in range(4):
        expected[i, :, i] += -k * y[i]          # d y(t_i) / d t_i = f(y(t_i))
        expected[i, :, 0] += k * y[i]           # d y(t_i) / d t_0 = -Phi f(y0) = k y(t_i)
    onp.testing.assert_allclose(jac, expected, rtol=1e-8, atol=1e-10)


def test_second_order_in_the_parameter():
    y0 = onp.array([1.0])

    def last(k):
        return odeint(decay, y0, T, args=(k,), **TIGHT)[-1, 0]

    k = 0.8
    dt = T[-1] - T[0]
    onp.testing.assert_allclose(grad(grad(last))(k), dt * dt * onp.exp(-k * dt), rtol=1e-6)
    onp.testing.assert_allclose(hessian(lambda kk: last(kk[0]))(onp.array([k]))[0, 0], dt * dt * onp.exp(-k * dt),
                                rtol=1e-6)


def test_nonlinear_system_forward_equals_reverse():
    def lotka(y, t, a, b):
        return np.array([a * y[0] - b * y[0] * y[1], b * y[0] * y[1] - y[1]])

    def F(p):
        return odeint(lotka, p[:2], T, args=(p[2], p[3]), **TIGHT)

    p = onp.array([1.0, 0.5, 1.2, 0.7])
    onp.testing.assert_allclose(jacobian(F, mode="fwd")(p), jacobian(F, mode="rev")(p), rtol=1e-7, atol=1e-9)


def test_autograd_helper_names():
    from fastgrad import builtins, extend, make_vjp, misc
    from fastgrad.scipy import integrate

    assert integrate.tuple is builtins.tuple and integrate.flatten is misc.flatten
    assert integrate.primitive is extend.primitive and integrate.make_vjp is make_vjp
    y0, k = onp.array([1.0, 2.0]), 0.7
    yt = odeint(decay, y0, T, args=(k,), **TIGHT)
    g = RNG_G.standard_normal(yt.shape)
    none, g_y0, g_t, (g_k,) = integrate.grad_odeint(yt, decay, y0, T, (k,), **TIGHT)(g)
    vjp = make_vjp(lambda y, t, p: odeint(decay, y, t, args=(p,), **TIGHT), argnum=(0, 1, 2))(y0, T, k)[0]
    for ours, theirs in zip((g_y0, g_t, g_k), vjp(g)):
        onp.testing.assert_allclose(ours, theirs, rtol=1e-8)
    assert none is None
    build = integrate.argnums_unpack(lambda ans, *args, **kwargs: (lambda g: [10 * a for a in args]))
    assert build([0, 2], None, (1, 2, 3), {})(None) == [10, 30]


RNG_G = onp.random.default_rng(3)
