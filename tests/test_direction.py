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
    expected = "fwd" if n < m else "rev"
    assert choose_direction(n, m) == expected
