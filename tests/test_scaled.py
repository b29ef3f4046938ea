"""Wide batches of tangents kept scaled (fastgrad/scaled.py): the values they give
against eager references, and where the structure is kept or declined."""

import numpy as onp
import pytest

import fastgrad.numpy as np
from fastgrad import hessian, jacfwd, jacobian
from fastgrad.engine import forward_sweep
from fastgrad.linearization import Linearization
from fastgrad.scaled import MIN_ENTRIES, Scaled
from fastgrad.tangents import add_tangents

RNG = onp.random.default_rng(0)
N, P = 600, 40  # a tangent batch of P x N entries, above MIN_ENTRIES
X = RNG.standard_normal((N, P))
Y = (RNG.random(N) < 0.5).astype(float)
W = RNG.standard_normal(P) * 0.3


def nll(w):
    z = np.dot(X, w)
    return np.sum(np.logaddexp(0.0, z) - Y * z)


def test_batch_is_wide_enough():
    assert P * N >= MIN_ENTRIES


def test_logistic_hessian_is_the_weighted_product():
    s = 1.0 / (1.0 + onp.exp(-(X @ W)))
    expected = (X.T * (s * (1.0 - s))) @ X
    onp.testing.assert_allclose(hessian(nll)(W), expected, rtol=1e-10, atol=1e-10)


def _forward(fun, x, seed):
    lin = Linearization(fun, (x,), {}, 0)
    return forward_sweep(lin.trace.nodes, {lin.roots[0]: seed}, lin.out_nodes, add_tangents)[0]


def test_elementwise_chain_on_a_wide_batch_stays_scaled():
    # sin(z) * exp(z) - z, with z = X @ w: three elementwise steps after the product, all on
    # the product's own batch, so they leave it scaled by one factor of size N
    def fun(w):
        z = np.dot(X, w)
        return np.sin(z) * np.exp(z) - z

    out = _forward(fun, W, onp.eye(P))
    assert type(out) is Scaled
    z = X @ W
    expected = ((onp.cos(z) * onp.exp(z) + onp.sin(z) * onp.exp(z) - 1.0)[:, None] * X).T
    onp.testing.assert_allclose(out.materialize(), expected, rtol=1e-12, atol=1e-12)


def test_compact_rows_of_every_parameter_stay_scaled():
    # the survival function of a location-scale model: after x / exp(p[1]) every parameter
    # has its row, so the factors of ndtr and of 1 - ndtr meet the rows once, at the end
    from fastgrad.base import Rows
    from fastgrad.scipy.special import ndtr

    t = onp.linspace(1.0, 100.0, MIN_ENTRIES)

    def survival(p):
        return 1.0 - ndtr((np.log(t) - p[0]) / np.exp(p[1]))

    p = onp.array([3.5, 0.2])
    lin = Linearization(survival, (p,), {}, 0)
    seed = Rows(2, (2,), (0, 1), onp.eye(2))
    out = forward_sweep(lin.trace.nodes, {lin.roots[0]: seed}, lin.out_nodes, add_tangents)[0]
    assert type(out) is Scaled
    sigma = onp.exp(p[1])
    z = (onp.log(t) - p[0]) / sigma
    density = onp.exp(-z * z / 2) / onp.sqrt(2 * onp.pi)
    expected = onp.stack([density / sigma, density * z])
    onp.testing.assert_allclose(out.materialize(), expected, rtol=1e-13, atol=1e-15)
    for how in (jacfwd, jacobian):
        onp.testing.assert_allclose(how(survival)(p), expected.T, rtol=1e-13, atol=1e-15)
    # a row missing (p[1]'s direction not swept) keeps the rows compact, not scaled
    seed = Rows(2, (2,), (0,), onp.eye(2)[:1])
    out = forward_sweep(lin.trace.nodes, {lin.roots[0]: seed}, lin.out_nodes, add_tangents)[0]
    assert type(out) is Rows and out.index == (0,)
    onp.testing.assert_allclose(out.values, expected[:1], rtol=1e-13, atol=1e-15)


def test_scaled_matches_the_eager_product_through_broadcasting_and_sums():
    # the output of x * y with y of shape (1, N) has leading ones added (the batch is the
    # same); the sum then reads it whole
    row = RNG.standard_normal((1, N))
    def fun(w):
        z = np.dot(X, w)
        return np.sum(np.tanh(z) * row, axis=1) + np.sum(z ** 2)

    z = X @ W
    per_entry = (1.0 - onp.tanh(z) ** 2) * row[0]
    expected = onp.array([per_entry @ X + 2.0 * z @ X])
    onp.testing.assert_allclose(jacfwd(fun)(W), expected, rtol=1e-10, atol=1e-10)


def test_outputs_that_broadcast_beyond_the_input_decline():
    # x * c with c of shape (3, N) triples the batch's entries: the product is formed
    c = RNG.standard_normal((3, N))
    fun = lambda w: np.exp(np.dot(X, w)) * c
    z = X @ W
    expected = (onp.exp(z) * c)[:, :, None] * X[None]
    onp.testing.assert_allclose(jacfwd(fun)(W), expected, rtol=1e-12, atol=1e-12)


def test_complex_factor_is_taken_eagerly():
    fun = lambda w: np.real(np.exp(1j * np.dot(X, w)))
    z = X @ W
    expected = (-onp.sin(z))[:, None] * X
    onp.testing.assert_allclose(jacfwd(fun)(W), expected, rtol=1e-12, atol=1e-12)


def test_third_order_through_the_scaled_hessian():
    # the hessian's forward sweep runs under an outer trace here: its factors are traced
    # values, which the sweep multiplies eagerly, and the result matches finite differences
    v = RNG.standard_normal(P)
    third = jacobian(lambda w: hessian(nll)(w) @ v)(W)
    eps = 1e-5
    fd = (hessian(nll)(W + eps * onp.eye(P)[0]) @ v - hessian(nll)(W - eps * onp.eye(P)[0]) @ v) / (2 * eps)
    onp.testing.assert_allclose(third[:, 0], fd, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("other", ["base", "scaled", "other"])
def test_sums_of_scaled_batches(other):
    base = RNG.standard_normal((4, 5000))
    d = RNG.standard_normal(5000)
    a = Scaled(base, d)
    if other == "base":
        b, b_dense = base, base
    elif other == "scaled":
        e = RNG.standard_normal(5000)
        b, b_dense = Scaled(base, e), base * e
    else:
        b_dense = RNG.standard_normal((4, 5000))
        b = b_dense
    total = add_tangents(b, a)
    kept = other != "other"
    assert (type(total) is Scaled) == kept
    dense = total.materialize() if kept else total
    onp.testing.assert_allclose(dense, base * d + b_dense, rtol=1e-14, atol=1e-14)


def _elementwise_names(arity):
    from fastgrad.rules import _ElementwisePrimitive
    return sorted(name for name in dir(np) if isinstance(getattr(np, name), _ElementwisePrimitive)
                  and len(getattr(np, name).jvps) == arity and name not in ("ldexp", "nextafter"))


@pytest.fixture
def every_batch_scaled(monkeypatch):
    # the table's small batches take the scaled route too
    import fastgrad.scaled
    monkeypatch.setattr(fastgrad.scaled, "MIN_ENTRIES", 0)


XS = RNG.standard_normal((7, 3)) * 0.2


def _in_domain(w):
    # z in (0.2, 0.8), every function's domain; the same batch feeds both arguments
    return 0.5 + 0.3 * np.tanh(np.dot(XS, w))


@pytest.mark.parametrize("name", _elementwise_names(1))
def test_unary_rules_on_scaled_batches(name, every_batch_scaled):
    op = getattr(np, name)
    shift = 1.0 if name in ("acosh", "arccosh") else 0.0
    fun = lambda w: np.sin(op(_in_domain(w) + shift) * 0.5) * np.ones((2, 1))
    w = onp.array([0.3, -0.2, 0.1])
    expected = jacobian(fun, mode="rev")(w)
    assert onp.all(onp.isfinite(expected))
    onp.testing.assert_allclose(jacfwd(fun)(w), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", _elementwise_names(2))
def test_binary_rules_on_scaled_batches(name, every_batch_scaled):
    op = getattr(np, name)

    def fun(w):
        z = _in_domain(w)
        return op(z, 1.0 - z * 0.5) - op(0.7, z) + op(z, 0.6)

    w = onp.array([0.3, -0.2, 0.1])
    expected = jacobian(fun, mode="rev")(w)
    assert onp.all(onp.isfinite(expected))
    onp.testing.assert_allclose(jacfwd(fun)(w), expected, rtol=1e-10, atol=1e-12)


WIDE = {
    "where": lambda z: np.where(z > 0, np.exp(-z ** 2), np.sin(z)),
    "maximum": lambda z: np.maximum(z, 0.1 * z) ** 2 + np.abs(z) ** 3,
    "reshape-sum": lambda z: np.sum(np.reshape(np.cos(z) * z, (20, 30)), axis=0) ** 2,
    "stack": lambda z: np.stack([np.sin(z), np.cos(z) * 2.0]) ** 2 * Y,
    "getitem": lambda z: np.exp(0.1 * z)[::2] * np.log1p(z[1::2] ** 2),
    "divide": lambda z: z / (2.0 + np.sin(z)) - 1.0 / (3.0 + z ** 2),
    "power": lambda z: (2.0 + np.tanh(z)) ** (1.5 + 0.1 * np.sin(z)),
}


@pytest.mark.parametrize("name", sorted(WIDE))
def test_hessian_through_other_rules_matches_reverse_over_reverse(name):
    # the hessian's forward sweep meets scaled batches in rules that do not keep them
    # (where, maximum, reshape, stack, getitem, power): they take the formed batch
    inner = WIDE[name]
    f = lambda w: np.sum(inner(np.dot(X, w)))
    expected = jacobian(jacobian(f, mode="rev"), mode="rev")(W)
    onp.testing.assert_allclose(hessian(f)(W), expected, rtol=1e-10, atol=1e-10 * onp.abs(expected).max())
