"""The engine's short paths: tracing where every box is of one open trace, and the reverse
sweep's trust in rules that fit their own cotangents (engine.fitted_vjps), each against the
general path's answer."""

import numpy as onp
import pytest

import fastgrad.numpy as np
from fastgrad import engine, grad, hessian, jacobian
from fastgrad.engine import Primitive


def test_elementwise_reverse_rules_are_trusted_to_fit():
    for prim in (np.sin, np.multiply, np.add, np.divide, np.logaddexp):
        for rule in prim.vjps.values():
            assert rule in engine.fitted_vjps


def test_a_trusted_rule_is_not_fitted_again():
    # a rule marked as fitting its own result is taken at its word: its complex cotangent of a
    # real argument reaches the argument's producer as it is (an unmarked rule's would be cut
    # to its real part by the sweep)
    seen = {}

    def trusted(g, ans, x):
        return g * (1 + 1j)

    def record(g, ans, x):
        seen["g"] = g
        return g

    scale = Primitive(lambda x: x * 1.0, "scale")
    scale.vjps[0] = trusted
    ident = Primitive(lambda x: x + 0.0, "ident")
    ident.vjps[0] = record
    engine.fitted_vjps.add(trusted)
    try:
        grad(lambda x: np.sum(scale(ident(x))))(onp.ones(3))
        assert onp.iscomplexobj(seen["g"])
    finally:
        engine.fitted_vjps.discard(trusted)
    seen.clear()
    grad(lambda x: np.sum(scale(ident(x))))(onp.ones(3))
    assert not onp.iscomplexobj(seen["g"])


def test_complex_cotangent_of_a_real_input_stays_real_through_elementwise_rules():
    # real x meets a complex constant: the cotangent on x's side is the real part only
    c = onp.array([1.0 + 2.0j, -0.5 + 1.0j, 3.0 - 1.0j])
    f = lambda x: np.sum(np.abs(np.sin(x) * c) ** 2)
    x = onp.array([0.3, -1.2, 2.0])
    eps = 1e-6
    fd = onp.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in onp.eye(3)])
    g = grad(f)(x)
    assert not onp.iscomplexobj(g)
    onp.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


def test_boxes_of_two_traces_in_one_call():
    # the fast tracing path hands these to the general one: x is the outer variable, y the inner
    f = lambda x: x * grad(lambda y: np.sin(x * y) + x * y)(0.5)
    x = 1.3
    expected = lambda x: x * (x * onp.cos(x * 0.5) + x)
    eps = 1e-6
    assert onp.isclose(grad(f)(x), (expected(x + eps) - expected(x - eps)) / (2 * eps), rtol=1e-6)


def test_box_that_outlived_its_trace_is_a_constant():
    kept = []

    def inner(x):
        kept.append(x)
        return np.sum(x * x)

    grad(inner)(onp.ones(2))
    old = kept[0]
    # d/dy sum(old * y) with old a constant: old's plain value
    g = grad(lambda y: np.sum(old * y))(onp.array([2.0, 3.0]))
    onp.testing.assert_allclose(g, [1.0, 1.0])


@pytest.mark.parametrize("steps", [1, 50])
def test_chain_gradient_matches_the_forward_chain_rule(steps):
    def f(x):
        for _ in range(steps):
            x = np.sin(x) * 1.01 + 0.1
        return np.sum(x)

    x = onp.array([0.2, 1.0, -0.7])
    d, y = onp.ones(3), x.copy()
    for _ in range(steps):
        d = d * onp.cos(y) * 1.01
        y = onp.sin(y) * 1.01 + 0.1
    onp.testing.assert_allclose(grad(f)(x), d, rtol=1e-12)
    onp.testing.assert_allclose(jacobian(f)(x), d, rtol=1e-12)
    h = hessian(f)(x)
    assert onp.allclose(h, onp.diag(onp.diag(h)))


def test_special_functions_derivative_is_nan_only_where_the_value_is():
    # scipy.special's rules multiply by a nan factor only where the value is nan; elsewhere
    # (every point here but the first) the formula's derivative is returned as it is
    from scipy.special import xlogy as plain_xlogy
    from fastgrad.scipy import special
    from fastgrad import elementwise_grad
    x = onp.array([1.0, 2.0, 0.5])
    y = onp.array([-1.0, 3.0, 4.0])
    gx = elementwise_grad(special.xlogy, 0)(x, y)
    gy = elementwise_grad(special.xlogy, 1)(x, y)
    assert onp.isnan(plain_xlogy(x[0], y[0])) and onp.isnan(gx[0]) and onp.isnan(gy[0])
    onp.testing.assert_allclose(gx[1:], onp.log(y[1:]), rtol=1e-14)
    onp.testing.assert_allclose(gy[1:], x[1:] / y[1:], rtol=1e-14)
    z = onp.linspace(-3.0, 3.0, 7)
    onp.testing.assert_allclose(elementwise_grad(special.ndtr)(z), onp.exp(-z * z / 2) / onp.sqrt(2 * onp.pi),
                                rtol=1e-14)


PRODUCTS = {
    "square": lambda v: v * v,
    "square times another": lambda v: (v * v) * v[::-1],
    "two values": lambda v: np.sin(v) * np.exp(v),
    "broadcast": lambda v: np.reshape(v, (-1, 1)) * v[:4],
    "complex": lambda v: (v * (1 + 2j)) * (v * (1 + 2j)),
}


@pytest.mark.parametrize("n", [6, 200])
@pytest.mark.parametrize("name", list(PRODUCTS))
def test_a_product_of_two_traced_values_sweeps_forward_as_backward(name, n):
    """multiply's joint forward rule, where both arguments carry a dense tangent (a square:
    the same value and tangent twice; a batch of 200 x 200, wide enough that the square's
    factor is kept for later steps), against the reverse jacobian, then through one more step."""
    from fastgrad.linearization import Linearization

    x = onp.random.default_rng(n).uniform(0.5, 1.5, n)
    seeds = onp.random.default_rng(1).standard_normal((n, n))
    for f in (PRODUCTS[name], lambda v: np.tanh(PRODUCTS[name](v))):
        lin = Linearization(f, (x,), {}, 0)
        (t,) = lin.jvp([seeds])
        t = t.materialize() if hasattr(t, "materialize") else t
        J = jacobian(f, mode="rev")(x)
        expected = onp.einsum("...j,kj->k...", J, seeds)
        onp.testing.assert_allclose(t, expected, rtol=1e-12, atol=1e-12 * onp.abs(expected).max())
