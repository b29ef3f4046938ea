"""Choosing the sweep direction: on a grid of input and output sizes, the automatic
jacobian takes the direction with fewer seeds, and all three directions agree with the
analytic jacobian."""

import numpy as onp
import pytest

import fastgrad.numpy as np
from compare import with_peak
from fastgrad import jacobian
from fastgrad.jacobians import choose_direction

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
    from fastgrad.linearization import Linearization

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


def test_elementwise_steps_on_a_wide_batch_are_planned_at_the_values_size():
    """tanh(W @ x) forward: the product makes a dense batch of n rows, which tanh only
    scales by its factor, at the value's size (scaled.py); complex values and batches too
    small to keep that way are multiplied at once, n rows each."""
    from fastgrad import planning
    from fastgrad.linearization import Linearization
    from fastgrad.scaled import MIN_ENTRIES

    def elements(f, x):
        lin = Linearization(f, (x,), {}, 0)
        return planning.plan_forward(lin.trace.nodes, lin.roots[0], lin.out_nodes, x.size).elements

    rng = onp.random.default_rng(3)
    for n, waits in ((200, True), (100, False)):  # 200 x 200 entries against MIN_ENTRIES
        assert (n * n >= MIN_ENTRIES) == waits
        W, x = rng.standard_normal((n, n)), rng.standard_normal(n)
        product = elements(lambda x: W @ x, x)
        assert elements(lambda x: np.tanh(W @ x), x) - product == (n if waits else n * n)
        Wc = W + 1j
        product = elements(lambda x: Wc @ x, x)
        assert elements(lambda x: np.exp(Wc @ x), x) - product == n * n
    # a value narrower than the batch is deep (a sum's scalar over n rows) is counted at n rows
    x = rng.standard_normal(4 * MIN_ENTRIES)
    total = elements(lambda x: np.sum(x * x), x)
    assert elements(lambda x: np.sqrt(np.sum(x * x)), x) - total == x.size


def test_a_hessian_through_the_recorded_gradient_is_swept_forward():
    """jacobian(grad(nll)) for logistic regression: the forward sweep ends in one weighted
    product (scaled.py) and beats the reverse sweep severalfold; its plan must say so."""
    from fastgrad import grad, jacobians
    from fastgrad.linearization import Linearization

    rng = onp.random.default_rng(7)
    X, w = rng.standard_normal((5000, 100)), rng.standard_normal(100) * 0.1
    y = (rng.random(5000) < 0.5).astype(float)

    def nll(w):
        z = np.dot(X, w)
        return np.sum(np.logaddexp(0.0, z) - y * z)

    lin = Linearization(grad(nll), (w,), {}, 0)
    mode, _, _ = jacobians._planned_direction(lin, 100, 100, [(100,)], [(100,)], None)
    assert mode == "fwd"
    s = 1 / (1 + onp.exp(-(X @ w)))
    onp.testing.assert_allclose(jacobian(grad(nll))(w), (X.T * (s * (1 - s))) @ X, rtol=1e-10)


def test_plan_sets_chunks_from_dense_values(monkeypatch):
    """An elementwise chain keeps the seed diagonal: however small the memory budget, it needs
    no chunks; a dense intermediate does."""
    from fastgrad import config
    from fastgrad.jacobians import _chunk_rows, _plans
    from fastgrad.linearization import Linearization

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


# ---------------------------------------------------------------- small outputs, materialised seeds

def _direction_taken(monkeypatch, f, x, **kwargs):
    """The jacobian of f at x, and the direction its sweeps took ('fwd' or 'rev')."""
    from fastgrad import jacobians

    taken = []
    sweep_basis = jacobians._sweep_basis

    def spy(lin, sweep, *args, **kw):
        taken.append("fwd" if sweep == lin.jvp else "rev")
        return sweep_basis(lin, sweep, *args, **kw)

    monkeypatch.setattr(jacobians, "_sweep_basis", spy)
    J = jacobian(f, **kwargs)(x)
    assert len(set(taken)) == 1
    return J, taken[0]


def _small_outputs(n):
    rng = onp.random.default_rng(n)
    x, w, W = rng.standard_normal(n), rng.standard_normal(n), rng.standard_normal((n, 3))
    one_hot = (onp.arange(n) == onp.argmax(x)).astype(float)
    return x, {
        # name: (f, its jacobian written with NumPy)
        "mean": (lambda x: np.mean(x), onp.full(n, 1.0 / n)),
        "max": (lambda x: np.max(x), one_hot),
        "einsum": (lambda x: np.einsum("i,i->", x, w), w),
        "stack": (lambda x: np.stack([np.sum(x), np.mean(x), np.max(x)]),
                  onp.stack([onp.ones(n), onp.full(n, 1.0 / n), one_hot])),
        "cumsum-last": (lambda x: np.cumsum(x)[-1], onp.ones(n)),
        "stack-einsum": (lambda x: np.stack([np.einsum("i,i->", x, w), np.cumsum(x)[-1]]), onp.stack([w, onp.ones(n)])),
        "matmul": (lambda x: x @ w, w),
        "dot": (lambda x: np.dot(x, w), w),
        "matmul3": (lambda x: x @ W, W.T),
    }


# Whose forward rules cannot keep an identity seed: a forward sweep makes it an n x n array.
MATERIALISING = ["einsum", "cumsum-last", "stack-einsum"]


@pytest.mark.parametrize("name", MATERIALISING)
def test_small_output_whose_forward_sweep_materialises_is_swept_backward(monkeypatch, name):
    x, cases = _small_outputs(2000)
    f, expected = cases[name]
    J, direction = _direction_taken(monkeypatch, f, x)
    assert direction == "rev"
    onp.testing.assert_allclose(J, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", MATERIALISING)
def test_plan_counts_a_materialised_seed(name):
    """The forward plan of a rule that turns the identity seed into an n x n array costs
    n * n elements and holds a dense value n wide (which sets its chunks)."""
    from fastgrad.jacobians import _plans
    from fastgrad.linearization import Linearization

    n = 500
    x, cases = _small_outputs(n)
    lin = Linearization(cases[name][0], (x,), {}, 0)
    (fwd,), (rev,) = _plans(lin, "fwd"), _plans(lin, "rev")
    assert fwd.dense_width == n and fwd.elements >= n * n
    assert rev.elements < 20 * n
    assert fwd.cost() > rev.cost()


@pytest.mark.parametrize("name", MATERIALISING)
def test_forced_forward_sweep_respects_the_memory_budget(monkeypatch, name):
    """mode='fwd' where the seed is materialised: chunks within sweep_memory_bytes, where a
    single sweep would hold the 2000 x 2000 identity (32 MB)."""
    from fastgrad import config

    x, cases = _small_outputs(2000)
    f, expected = cases[name]
    budget = 1 << 20
    monkeypatch.setattr(config, "sweep_memory_bytes", budget)
    jac = jacobian(f, mode="fwd")
    J, peak = with_peak(lambda: jac(x))
    onp.testing.assert_allclose(J, expected, rtol=1e-12, atol=1e-15)
    assert peak <= J.nbytes + budget


@pytest.mark.parametrize("name", ["matmul", "dot", "matmul3", "mean", "max", "stack"])
def test_product_and_reduction_of_a_vector_keep_the_forward_seed(name):
    """x @ w, np.dot(x, w), mean and max over all axes: the forward tangent for the identity
    seed has one entry per row (w itself for x @ w; 1 / n; the share of each maximal
    element), with no n x n identity built (32 MB here)."""
    x, cases = _small_outputs(2000)
    f, expected = cases[name]
    jac = jacobian(f, mode="fwd")
    J, peak = with_peak(lambda: jac(x))
    onp.testing.assert_allclose(J, expected, rtol=1e-12, atol=1e-15)
    assert peak < 20 * x.nbytes


@pytest.mark.parametrize("n,m", [(10, 1), (100, 1), (100, 10)])
def test_small_jacobian_with_more_inputs_is_planned(monkeypatch, n, m):
    """Where both sweeps are mostly fixed cost, a forward sweep of n rows is cheaper than a
    reverse sweep of m < n rows (a reverse sweep's cost per primitive is higher), and the
    tape's structure (a diagonal seed kept up to a sum) makes it cheaper still: the plan,
    not the count of seeds, decides."""
    f, x, expected = _problem(n, m)
    J, direction = _direction_taken(monkeypatch, f, x)
    assert direction == "fwd"
    onp.testing.assert_allclose(J, expected, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- peak memory of dense jacobians

DENSE_CASES = {
    "cumsum": lambda x: np.cumsum(x),
    "outer": lambda x: np.outer(x, x[:3]).ravel(),
    "exp-times-sum": lambda x: np.exp(x) * np.sum(x),
    "sort": lambda x: np.sort(x),
}


@pytest.mark.parametrize("mode", ["auto", "fwd", "rev"])
@pytest.mark.parametrize("name", list(DENSE_CASES))
def test_dense_jacobian_peak_is_result_plus_budget(monkeypatch, name, mode):
    """A dense jacobian's peak memory is at most the result plus sweep_memory_bytes,
    whichever the direction: each chunk is written into the result as it arrives."""
    from fastgrad import config

    budget = 1 << 20
    monkeypatch.setattr(config, "sweep_memory_bytes", budget)
    x = onp.random.default_rng(3).standard_normal(1200)
    f = DENSE_CASES[name]
    jac = jacobian(f, mode=mode)
    J, peak = with_peak(lambda: jac(x))
    expected = jacobian(f, mode="rev" if mode == "fwd" else "fwd", chunk_size=64)(x)
    onp.testing.assert_allclose(J, expected, rtol=1e-12, atol=1e-12)
    assert peak <= J.nbytes + budget


@pytest.mark.parametrize("last", ["divide", "multiply", "add", "subtract"])
def test_forward_jacobian_frees_the_value_it_does_not_return(last):
    """The seed model t * p[0] / p[1]: a jacobian never hands out the function's value, and
    the last step's forward rule does not read it, so the sweep's result takes its place:
    the peak is the tape's t * p[0] and the result, not those and the value as well."""
    t = onp.linspace(1.0, 100.0, 40000)
    x = onp.array([1.5, 2.0])
    last_step = {"divide": lambda u, p: u / p[1], "multiply": lambda u, p: u * p[1],
                 "add": lambda u, p: u + p[1], "subtract": lambda u, p: u - p[1]}[last]
    jac = jacobian(lambda p: last_step(t * p[0], p))
    J, peak = with_peak(lambda: jac(x))
    expected = jacobian(lambda p: last_step(t * p[0], p), mode="rev")(x)
    onp.testing.assert_allclose(J, expected, rtol=1e-14, atol=0)
    assert peak < J.nbytes + 1.5 * t.nbytes


def test_stacked_reductions_are_planned_as_one_concatenation(monkeypatch):
    """stack([sum(x), mean(x), max(x)]) forward: each reduction leaves k numbers, and the
    concatenation writes each into its column once (about 3 k x 1 + k x 3 elements), not
    three k x 3 batches added up; so the forward sweep, a third cheaper here, is taken."""
    from fastgrad.jacobians import _plans
    from fastgrad.linearization import Linearization

    n = 2000
    x, cases = _small_outputs(n)
    f, expected = cases["stack"]
    (fwd,) = _plans(Linearization(f, (x,), {}, 0), "fwd")
    assert fwd.elements <= 12 * n
    J, direction = _direction_taken(monkeypatch, f, x)
    assert direction == "fwd"
    onp.testing.assert_allclose(J, expected, rtol=1e-12, atol=1e-15)
