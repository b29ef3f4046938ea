"""Choosing the sweep direction: on a grid of input and output sizes, the automatic
jacobian takes the direction with fewer seeds, and all three directions agree with the
analytic jacobian."""

import numpy as onp
import pytest

import fastgrad.numpy as np
from fastgrad import jacobian
from fastgrad.differential_operators import choose_direction

SIZES = [1, 10, 100, 1000, 10000]
GRID = [(n, m) for n in SIZES for m in SIZES if n * m <= 1_000_000]


def _problem(n, m):
    rng = onp.random.default_rng(n * 7 + m)
    a = rng.standard_normal(m) / onp.sqrt(m)
    b = rng.standard_normal(n) / onp.sqrt(n)
    x = rng.standard_normal(n)

    def f(x):
        # y_i = tanh(a_i * s + x[i mod n]) with s = sum(sin(x) * b): dense jacobian.
        s = np.sum(np.sin(x) * b)
        return np.tanh(a * s + x[onp.arange(m) % n])

    s = onp.sum(onp.sin(x) * b)
    d = 1 - onp.tanh(a * s + x[onp.arange(m) % n]) ** 2
    J = onp.outer(d * a, onp.cos(x) * b)
    J[onp.arange(m), onp.arange(m) % n] += d
    return f, x, J


@pytest.mark.parametrize("n,m", GRID, ids=[f"{n}x{m}" for n, m in GRID])
def test_directions_agree(n, m):
    f, x, J = _problem(n, m)
    for mode in ("auto", "fwd", "rev"):
        onp.testing.assert_allclose(jacobian(f, mode=mode)(x), J, rtol=1e-10, atol=1e-12, err_msg=mode)


@pytest.mark.parametrize("n,m", GRID, ids=[f"{n}x{m}" for n, m in GRID])
def test_automatic_direction_has_fewer_seeds(n, m):
    expected = "fwd" if n <= m else "rev"
    assert choose_direction(n, m) == expected


def test_plan_follows_the_seed_structure():
    """tanh(c * sum(a * sin(x)) + d): forward, the seed stays diagonal up to the sum, so only
    the broadcast after it is dense; reverse, the cotangent turns dense at the scalar and
    stays dense down to x. The plan sees that and prefers forward at equal sizes."""
    from fastgrad import planning
    from fastgrad.differential_operators import Linearization

    n = m = 300
    rng = onp.random.default_rng(0)
    a, c, d = rng.standard_normal(n), rng.standard_normal(m), rng.standard_normal(m)
    f = lambda x: np.tanh(c * np.sum(a * np.sin(x)) + d)  # noqa: E731
    lin = Linearization(f, (rng.standard_normal(n),), {}, 0)
    fwd = planning.plan_forward(lin.trace.nodes, lin.roots[0], lin.out_nodes, n)
    rev = planning.plan_reverse(lin.trace.nodes, lin.out_nodes[0], lin.roots, m)
    assert fwd.cost() < rev.cost()
    assert fwd.dense_width == m and rev.dense_width == n
    assert choose_direction(n, m, fwd.cost(), rev.cost()) == "fwd"


def test_plan_sets_chunks_from_dense_values(monkeypatch):
    """An elementwise chain keeps the seed diagonal: however small the memory budget, it needs
    no chunks; a dense intermediate does."""
    from fastgrad import config
    from fastgrad.differential_operators import Linearization, _chunk_rows, _plans

    monkeypatch.setattr(config, "sweep_memory_bytes", 1 << 12)
    x = onp.linspace(0.1, 1.0, 500)
    diagonal = Linearization(lambda x: np.exp(np.sin(x)) * 2.0, (x,), {}, 0)
    (plan,) = _plans(diagonal, "fwd")
    assert plan.dense_width == 0 and _chunk_rows(500, plan, None) == 500
    dense = Linearization(lambda x: np.exp(np.sin(x)) * np.sum(x), (x,), {}, 0)
    (plan,) = _plans(dense, "fwd")
    assert plan.dense_width == 500 and _chunk_rows(500, plan, None) < 500
    J = jacobian(lambda x: np.exp(np.sin(x)) * np.sum(x), mode="fwd")(x)
    e = onp.exp(onp.sin(x))
    onp.testing.assert_allclose(J, onp.diag(e * onp.cos(x) * onp.sum(x)) + e[:, None], rtol=1e-12)
