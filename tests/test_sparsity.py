"""Sparse jacobians and hessians (fastgrad/sparsity.py): detected patterns, colourings,
compressed sweeps against the dense operators, the structural cache, check mode, memory,
and the SciPy entry points they are made for."""

import sys
import tracemalloc

import numpy as onp
import pytest

sp = pytest.importorskip("scipy.sparse")

import fastgrad.numpy as np  # noqa: E402
from fastgrad import (  # noqa: E402
    hessian, hessian_sparsity, jacobian, jacobian_sparsity, primitive, sparse_hessian, sparse_jacobian,
)
from fastgrad import sparsity  # noqa: E402
from fastgrad.linearization import Linearization  # noqa: E402
from fastgrad.extend import defvjp  # noqa: E402
from compare import with_peak  # noqa: E402


def brusselator(N, alpha=0.02):
    """The right-hand side of the 2-D Brusselator on a periodic N x N grid, written with
    np.roll: 2 N^2 states, 6 nonzeros per row of the jacobian."""
    def f(y):
        u = np.reshape(y[:N * N], (N, N))
        v = np.reshape(y[N * N:], (N, N))

        def laplacian(w):
            return np.roll(w, 1, 0) + np.roll(w, -1, 0) + np.roll(w, 1, 1) + np.roll(w, -1, 1) - 4 * w

        du = 1.0 + u * u * v - 4.4 * u + alpha * laplacian(u)
        dv = 3.4 * u - u * u * v + alpha * laplacian(v)
        return np.concatenate([np.ravel(du), np.ravel(dv)])
    return f


def arrowhead(x):
    return np.sum(x ** 4) + x[0] * np.sum(x) + np.sum((x[1:] - x[:-1] ** 2) ** 2)


def _dense(f, x):
    return onp.asarray(jacobian(f)(x)).reshape(-1, onp.size(x))


# ---------------------------------------------------------------- results against the dense operators

@pytest.mark.parametrize("mode", ["auto", "fwd", "rev"])
def test_brusselator_jacobian_equals_dense(mode):
    N = 8
    f = brusselator(N)
    x = onp.random.default_rng(0).standard_normal(2 * N * N)
    jac = sparse_jacobian(f, mode=mode)
    J = jac(x)
    assert isinstance(J, sp.csr_array) and J.shape == (2 * N * N, 2 * N * N)
    onp.testing.assert_allclose(J.toarray(), _dense(f, x), rtol=1e-13, atol=1e-13)
    assert jac.direction == ("fwd" if mode == "auto" else mode)
    assert jac.colors <= 12


def test_brusselator_pattern_is_six_per_row_and_twelve_colours():
    N = 32
    f = brusselator(N)
    x = onp.random.default_rng(1).standard_normal(2 * N * N)
    P = jacobian_sparsity(f)(x)
    assert P.dtype == bool and P.shape == (2048, 2048)
    assert (onp.diff(P.indptr) == 6).all()
    assert (P.toarray() == (_dense(f, x) != 0)).all()
    jac = sparse_jacobian(f)
    jac(x)
    # greedy gives 12; recolouring by classes in reverse order 10 (at least 6 are needed)
    assert jac.colors <= 10


def test_auto_takes_the_direction_with_fewer_colours():
    # Row 0 depends on every input: columns need n colours, rows 2.
    def f(x):
        return np.concatenate([np.sum(x ** 2)[None], np.sin(x[:3])])

    x = onp.random.default_rng(2).standard_normal(40)
    jac = sparse_jacobian(f)
    J = jac(x)
    assert jac.direction == "rev" and jac.colors == 2
    onp.testing.assert_allclose(J.toarray(), _dense(f, x), rtol=1e-13)
    fwd = sparse_jacobian(f, mode="fwd")
    fwd(x)
    assert fwd.colors == 40


def test_hessian_arrowhead_matches_dense_and_is_exactly_symmetric():
    n = 1500
    x = onp.random.default_rng(3).standard_normal(n)
    hess = sparse_hessian(arrowhead)
    H = hess(x)
    assert isinstance(H, sp.csr_array) and H.shape == (n, n)
    assert hess.colors <= 4
    onp.testing.assert_allclose(H.toarray(), onp.asarray(hessian(arrowhead)(x)), rtol=1e-12, atol=1e-9)
    # every off-diagonal pair holds one value, bit for bit
    assert (H != H.T).nnz == 0
    P = hessian_sparsity(arrowhead)(x)
    assert (P.toarray() == (H.toarray() != 0) | P.toarray()).all()
    assert P.nnz == (P.T).nnz and (P != P.T).nnz == 0


def test_hessian_arrowhead_ten_thousand_four_colours():
    x = onp.random.default_rng(4).standard_normal(10_000)
    hess = sparse_hessian(arrowhead)
    H = hess(x)
    assert hess.colors <= 4
    v = onp.random.default_rng(5).standard_normal(x.size)
    from fastgrad import make_hvp
    hvp, _ = make_hvp(arrowhead)(x)
    onp.testing.assert_allclose(H @ v, hvp(v), rtol=1e-10, atol=1e-8)


# ---------------------------------------------------------------- patterns are structural, and cached

def test_a_traced_zero_keeps_its_entries():
    def f(x):
        return x * x[::-1] + np.roll(x, 1) ** 2

    x = onp.random.default_rng(6).standard_normal(9)
    at_zero = jacobian_sparsity(f)(onp.zeros(9))
    assert (at_zero != jacobian_sparsity(f)(x)).nnz == 0
    assert (at_zero.toarray() >= (_dense(f, x) != 0)).all()
    assert (_dense(f, onp.zeros(9)) == 0).all() and at_zero.nnz == 25


def test_a_constant_operand_contributes_its_nonzeros():
    A = onp.diag(onp.arange(1.0, 7.0)) + onp.diag(onp.ones(5), 1)
    X = onp.random.default_rng(7).standard_normal((6, 3))
    assert (jacobian_sparsity(lambda x: A @ x)(X[:, 0]) != sp.csr_array(A != 0)).nnz == 0
    P = jacobian_sparsity(lambda x: A @ x)(X)
    assert (P != sp.kron(sp.csr_array(A != 0), sp.eye_array(3, dtype=bool))).nnz == 0
    P = jacobian_sparsity(lambda x: x @ A)(X.T)
    assert (P != sp.kron(sp.eye_array(3, dtype=bool), sp.csr_array(A.T != 0))).nnz == 0


def test_reductions_along_an_axis_depend_on_their_own_slices():
    x = onp.random.default_rng(8).standard_normal((4, 5))
    P = jacobian_sparsity(lambda x: np.sum(np.sin(x), axis=1))(x).toarray()
    assert (P == onp.kron(onp.eye(4), onp.ones(5)).astype(bool)).all()
    P = jacobian_sparsity(lambda x: np.max(x, axis=0, keepdims=True))(x).toarray()
    assert (P == onp.kron(onp.ones(4), onp.eye(5)).astype(bool)).all()


def test_elementwise_primitives_declare_it():
    lin = Linearization(np.sin, (onp.ones(3),), {}, 0)
    assert sparsity.declared(lin.trace.nodes[-1].prim) == "elementwise"


def test_an_undeclared_primitive_is_a_full_block():
    @primitive
    def shift_sum(x):
        return x + onp.sum(x[:1])

    defvjp(shift_sum, lambda ans, x: lambda g: g + (onp.arange(x.size) == 0) * onp.sum(g))
    x = onp.random.default_rng(9).standard_normal(5)

    def f(x):
        return shift_sum(x[:3]) * 2.0

    P = jacobian_sparsity(f)(x).toarray()
    expected = onp.zeros((3, 5), dtype=bool)
    expected[:, :3] = True
    assert (P == expected).all()
    onp.testing.assert_allclose(sparse_jacobian(f)(x).toarray(), _dense(f, x), rtol=1e-13)


def test_a_primitive_of_ones_own_may_declare_itself_elementwise():
    @primitive
    def cube(x):
        return x ** 3

    defvjp(cube, lambda ans, x: lambda g: 3 * g * x ** 2)
    x = onp.random.default_rng(19).standard_normal(5)
    assert (jacobian_sparsity(cube)(x).toarray() == onp.ones((5, 5), dtype=bool)).all()
    cube.sparsity = "elementwise"
    assert (jacobian_sparsity(cube)(x).toarray() == onp.eye(5, dtype=bool)).all()
    onp.testing.assert_allclose(sparse_jacobian(cube)(x).toarray(), onp.diag(3 * x ** 2), rtol=1e-14)


def test_repeated_calls_reuse_pattern_and_colouring(monkeypatch):
    calls = []
    detect = sparsity._pattern_of
    monkeypatch.setattr(sparsity, "_pattern_of", lambda lin: calls.append(1) or detect(lin))
    sparsity._jacobian_plans.clear()
    f = brusselator(6)
    jac = sparse_jacobian(f)
    rng = onp.random.default_rng(10)
    for _ in range(3):
        x = rng.standard_normal(72)
        onp.testing.assert_allclose(jac(x).toarray(), _dense(f, x), rtol=1e-13, atol=1e-14)
    assert len(calls) == 1


def test_other_control_flow_is_detected_again(monkeypatch):
    calls = []
    detect = sparsity._pattern_of
    monkeypatch.setattr(sparsity, "_pattern_of", lambda lin: calls.append(1) or detect(lin))

    def f(x):
        if x[0] > 0:
            return x ** 2
        return np.roll(x, 1) * x

    jac = sparse_jacobian(f)
    up, down = onp.arange(1.0, 7.0), -onp.arange(1.0, 7.0)
    assert jac(up).nnz == 6
    assert jac(down).nnz == 12
    onp.testing.assert_allclose(jac(down).toarray(), _dense(f, down))
    onp.testing.assert_allclose(jac(up).toarray(), _dense(f, up))
    assert len(calls) == 2


def test_an_index_that_changes_is_another_structure():
    def f(x, i):
        return x[i] * x[0]

    jac = sparse_jacobian(f)
    x = onp.arange(1.0, 6.0)
    assert sorted(jac(x, onp.array([1, 2])).indices.tolist()) == [0, 0, 1, 2]
    assert sorted(jac(x, onp.array([3, 4])).indices.tolist()) == [0, 0, 3, 4]


def test_an_ode_time_does_not_change_the_signature():
    f = brusselator(4)

    def rhs(t, y):
        return f(y) * (1.0 + t)

    x = onp.random.default_rng(11).standard_normal(32)
    lin1 = Linearization(rhs, (0.5, x), {}, 1)
    lin2 = Linearization(rhs, (0.75, x + 1), {}, 1)
    assert sparsity._signature(lin1) == sparsity._signature(lin2)


# ---------------------------------------------------------------- the affine part, kept between calls

def _plan(f, x, *rest):
    return sparsity._jacobian_plan(Linearization(f, (x,) + rest, {}, 0), "auto")


def test_the_affine_part_is_kept_and_gives_the_jacobian_at_a_new_point():
    N = 8
    f = brusselator(N)
    rng = onp.random.default_rng(40)
    sparsity._jacobian_plans.clear()
    jac = sparse_jacobian(f)
    jac(rng.standard_normal(2 * N * N))
    part = _plan(f, rng.standard_normal(2 * N * N)).affine
    # u, v, 4.4 u, alpha lap(u), 3.4 u and alpha lap(v): where the stencil meets u * u * v
    assert [node.prim.name for node in part.frontier] == ["reshape", "reshape", "multiply", "multiply",
                                                           "multiply", "multiply"]
    assert part.reads_seed is False and list(part.kept.tangents) == [(0, jac.colors)]
    for _ in range(3):
        x = rng.standard_normal(2 * N * N)
        onp.testing.assert_allclose(jac(x).toarray(), _dense(f, x), rtol=1e-13, atol=1e-13)


def test_a_product_of_two_traced_values_is_not_affine():
    def f(x):
        return np.roll(x * x, 1) + np.roll(x, 2) * x

    rng = onp.random.default_rng(41)
    sparsity._jacobian_plans.clear()
    jac = sparse_jacobian(f)
    for _ in range(3):
        x = rng.standard_normal(30)
        onp.testing.assert_allclose(jac(x).toarray(), _dense(f, x), rtol=1e-14)
    part = _plan(f, x).affine
    assert [node.prim.name for node in part.frontier] == ["roll"] and part.reads_seed


@pytest.mark.parametrize("change", ["value", "in place", "dtype"])
def test_a_changed_coefficient_is_not_read_from_the_kept_tangents(change):
    # c scales the stencil; the signature leaves elementwise constants out, so the kept
    # tangents must be checked against c at every call.
    def f(x, c):
        w = c * (np.roll(x, 1) - 2 * x + np.roll(x, -1))
        return w + np.sin(x)

    rng = onp.random.default_rng(42)
    sparsity._jacobian_plans.clear()
    jac = sparse_jacobian(f)
    c = rng.random(40) + 0.5
    x = rng.standard_normal(40)
    onp.testing.assert_allclose(jac(x, c).toarray(), _dense(lambda x: f(x, c), x), rtol=1e-14)
    if change == "value":
        c = c + 1.0
    elif change == "in place":
        c *= 3.0
    else:
        c = c.astype(onp.float32)
    x = rng.standard_normal(40)
    onp.testing.assert_allclose(jac(x, c).toarray(), _dense(lambda x: f(x, c), x), rtol=1e-14)


def test_coefficients_that_change_back_are_read_afresh():
    # c = 1, 2, 1: the third call must not take the tangents kept for c = 2.
    def f(x, c):
        return c * np.roll(x, 1) + x ** 3

    sparsity._jacobian_plans.clear()
    jac = sparse_jacobian(f)
    rng = onp.random.default_rng(48)
    for c in (1.0, 2.0, 1.0, 2.0, 2.0):
        x = rng.standard_normal(10)
        onp.testing.assert_allclose(jac(x, c).toarray(), _dense(lambda x: f(x, c), x), rtol=1e-14)


def test_an_input_of_another_dtype_is_not_read_from_the_kept_tangents():
    def f(x):
        return 0.1 * np.roll(x, 1) * np.exp(x)

    sparsity._jacobian_plans.clear()
    jac = sparse_jacobian(f)
    x = onp.random.default_rng(43).standard_normal(20)
    J32 = jac(x.astype(onp.float32))
    assert J32.dtype == onp.float32
    J = jac(x)
    assert J.dtype == onp.float64
    onp.testing.assert_array_equal(J.toarray(), _dense(f, x))


def test_an_affine_function_is_its_kept_tangents():
    def f(x):
        return np.roll(x, 1) - 2 * x + np.roll(x, -1) + 5.0

    sparsity._jacobian_plans.clear()
    jac = sparse_jacobian(f)
    x = onp.random.default_rng(44).standard_normal(12)
    expected = _dense(f, x)
    onp.testing.assert_array_equal(jac(x).toarray(), expected)
    part = _plan(f, x).affine
    assert part.frontier[-1].index == Linearization(f, (x,), {}, 0).out_nodes[0].index
    onp.testing.assert_array_equal(jac(x + 1.0).toarray(), expected)


def test_kept_tangents_stay_within_their_budget(monkeypatch):
    monkeypatch.setattr(sparsity, "_AFFINE_RATIO", 2)
    N = 16
    f = brusselator(N)
    rng = onp.random.default_rng(45)
    sparsity._jacobian_plans.clear()
    jac = sparse_jacobian(f)
    monkeypatch.setattr(sparsity, "_CHUNK_BYTES", 1)  # one colour per chunk
    for _ in range(2):
        x = rng.standard_normal(2 * N * N)
        J = jac(x)
        onp.testing.assert_allclose(J.toarray(), _dense(f, x), rtol=1e-13, atol=1e-13)
    part = _plan(f, x).affine
    assert 0 < len(part.kept.tangents) < jac.colors
    assert part.kept.nbytes <= 2 * J.nnz * 8


def test_only_the_last_few_plans_keep_tangents():
    sparsity._jacobian_plans.clear()
    sparsity._affine_kept.clear()
    rng = onp.random.default_rng(46)
    for n in range(4, 4 + sparsity._AFFINE_PLANS + 3):
        sparse_jacobian(brusselator(n))(rng.standard_normal(2 * n * n))
    holding = [plan for plan in sparsity._jacobian_plans.values() if plan.affine and plan.affine.kept]
    assert len(holding) == sparsity._AFFINE_PLANS
    assert set(holding) == set(sparsity._affine_kept)


# ---------------------------------------------------------------- colourings

def _random_pattern(rng, m, n, density):
    return sp.csr_array(rng.random((m, n)) < density)


@pytest.mark.parametrize("seed", range(5))
def test_column_and_row_colourings_are_valid(seed):
    rng = onp.random.default_rng(seed)
    P = _random_pattern(rng, 60, 80, 0.05)
    color, count = sparsity.column_coloring(P)
    assert count == color.max() + 1
    dense = P.toarray()
    for c in range(count):
        # no two columns of one colour share a row
        assert (dense[:, color == c].sum(axis=1) <= 1).all()
    color, count = sparsity.row_coloring(P)
    for c in range(count):
        assert (dense[color == c, :].sum(axis=0) <= 1).all()


@pytest.mark.parametrize("seed", range(5))
def test_star_colouring_invariants(seed):
    from scipy.sparse.csgraph import connected_components

    rng = onp.random.default_rng(seed)
    n = 70
    A = rng.random((n, n)) < 0.04
    A[0, :] = True  # a hub, as in an arrowhead
    A = A | A.T
    onp.fill_diagonal(A, False)
    color, count = sparsity.star_coloring(sp.csr_array(A))
    assert not (A & (color[:, None] == color[None, :])).any(), "adjacent vertices share a colour"
    for a in range(count):
        for b in range(a + 1, count):
            keep = (color == a) | (color == b)
            sub = A[onp.ix_(keep, keep)]
            ncomp, labels = connected_components(sp.csr_array(sub), directed=False)
            for k in range(ncomp):
                comp = sub[onp.ix_(labels == k, labels == k)]
                size = comp.shape[0]
                # a two-coloured component is a star: a tree with at most one vertex of degree > 1
                assert comp.sum() // 2 == size - 1
                assert (comp.sum(axis=1) > 1).sum() <= 1


def test_colouring_a_hundred_thousand_columns():
    N = 224
    f = brusselator(N)
    P = jacobian_sparsity(f)(onp.random.default_rng(12).standard_normal(2 * N * N))
    color, count = sparsity.column_coloring(P)
    assert count <= 10
    rows = onp.repeat(onp.arange(P.shape[0]), onp.diff(P.indptr))
    # each (row, colour) pair appears once: no two columns of a colour share a row
    key = rows * count + color[P.indices]
    assert onp.unique(key).size == key.size


# ---------------------------------------------------------------- check mode, memory, errors

def test_check_mode_raises_when_a_declaration_misses_entries(monkeypatch):
    def f(x):
        return np.cumsum(x) * 2.0

    x = onp.random.default_rng(13).standard_normal(6)
    onp.testing.assert_allclose(sparse_jacobian(f, check=True)(x).toarray(), _dense(f, x), rtol=1e-13)
    lin = Linearization(lambda x: np.cumsum(x), (x,), {}, 0)
    cumsum = lin.trace.nodes[-1].prim
    # a wrong declaration: cumsum said to be elementwise
    monkeypatch.setitem(sparsity.DECLARED, cumsum, "elementwise")
    sparsity._jacobian_plans.clear()
    assert sparse_jacobian(f)(x).nnz == 6
    with pytest.raises(ValueError, match="misses nonzero entries"):
        sparse_jacobian(f, check=True)(x)
    sparsity._jacobian_plans.clear()


def test_no_dense_square_array_on_the_sparse_path():
    N = 48
    n = 2 * N * N  # n x n float64 would be 170 MB, even n x n booleans 21 MB
    f = brusselator(N)
    x = onp.random.default_rng(14).standard_normal(n)
    sparsity._jacobian_plans.clear()
    jac = sparse_jacobian(f)
    tracemalloc.start()
    try:
        J = jac(x)
        J = jac(x + 1.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert J.nnz == 6 * n
    assert peak < 10_000_000, f"peak {peak} bytes"


def test_hessian_memory_stays_linear():
    n = 5000  # n x n float64 is 200 MB, n x n booleans 25 MB
    x = onp.random.default_rng(15).standard_normal(n)
    sparsity._hessian_plans.clear()
    H, peak = with_peak(lambda: sparse_hessian(arrowhead)(x))
    assert H.nnz == 5 * n - 6
    assert peak < 12_000_000, f"peak {peak} bytes"


def test_without_scipy_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.sparse", None)
    with pytest.raises(ImportError, match=r"fastgrad\[scipy\]"):
        sparse_jacobian(np.sin)


def test_refuses_complex_and_containers():
    with pytest.raises(TypeError, match="real"):
        sparse_jacobian(np.sin)(onp.ones(3) + 1j)
    with pytest.raises(TypeError, match="one array"):
        sparse_jacobian(lambda x: (x, x))(onp.ones(3))


# ---------------------------------------------------------------- with SciPy

def test_least_squares_with_a_sparse_jacobian():
    from scipy.optimize import least_squares

    N = 6
    f = brusselator(N, alpha=0.1)
    x0 = onp.random.default_rng(16).uniform(0.5, 1.5, 2 * N * N)
    jac = sparse_jacobian(f)
    sparse_fit = least_squares(f, x0, jac=jac)
    dense_fit = least_squares(f, x0, jac=lambda x: _dense(f, x))
    assert sparse_fit.success
    onp.testing.assert_allclose(sparse_fit.x, dense_fit.x, rtol=1e-7, atol=1e-9)


def test_trust_constr_with_a_sparse_hessian():
    from scipy.optimize import minimize

    from fastgrad import grad

    x0 = onp.full(30, 0.7)
    res = minimize(arrowhead, x0, jac=grad(arrowhead), hess=sparse_hessian(arrowhead), method="trust-constr",
                   options={"gtol": 1e-10})
    ref = minimize(arrowhead, x0, jac=grad(arrowhead), hess=hessian(arrowhead), method="trust-constr",
                   options={"gtol": 1e-10})
    onp.testing.assert_allclose(res.x, ref.x, atol=1e-6)
    assert onp.linalg.norm(grad(arrowhead)(res.x)) < 1e-6


def test_bdf_with_a_sparse_jacobian():
    from scipy.integrate import solve_ivp

    N = 5
    f = brusselator(N, alpha=0.1)
    y0 = onp.random.default_rng(17).uniform(0.5, 1.5, 2 * N * N)
    jac = sparse_jacobian(lambda t, y: f(y), argnum=1)
    sparse_run = solve_ivp(lambda t, y: f(y), (0, 1.0), y0, method="BDF", jac=jac, rtol=1e-8, atol=1e-10)
    dense_run = solve_ivp(lambda t, y: f(y), (0, 1.0), y0, method="BDF",
                          jac=lambda t, y: _dense(f, y), rtol=1e-8, atol=1e-10)
    assert sparse_run.success
    onp.testing.assert_allclose(sparse_run.y[:, -1], dense_run.y[:, -1], rtol=1e-6)


@pytest.mark.parametrize("f,x", [
    (lambda x: x * 2.0, onp.zeros(0)),
    (lambda x: onp.ones(3), onp.ones(4)),
    (lambda x: x ** 2, 2.0),
    (lambda x: np.sum(x ** 2), onp.arange(3.0)),
    (lambda x: np.sin(x)[:, ::-1], onp.arange(6.0).reshape(2, 3)),
], ids=["empty", "constant", "scalar", "scalar-output", "2-d"])
def test_edge_shapes_match_the_dense_jacobian(f, x):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        J = sparse_jacobian(f)(x)
        dense = onp.asarray(jacobian(f)(x)).reshape(J.shape)
    assert J.shape == (onp.size(f(x)), onp.size(x))
    onp.testing.assert_array_equal(J.toarray(), dense)


def test_a_dense_row_swept_forward_keeps_only_the_entries():
    # A row depending on every input needs a colour per column forward: the compressed
    # result would be n x (n + 1), and only the 2n entries may be kept.
    n = 3000  # n x n float64 is 72 MB

    def f(x):
        return np.concatenate([np.sum(x ** 2)[None], np.sin(x)])

    x = onp.random.default_rng(18).standard_normal(n)
    jac = sparse_jacobian(f, mode="fwd")
    sparsity._jacobian_plans.clear()
    J, peak = with_peak(lambda: jac(x))
    assert jac.colors == n
    onp.testing.assert_allclose(J[[0], :].toarray()[0], 2 * x, rtol=1e-14)
    onp.testing.assert_allclose(J[1:, :].diagonal(), onp.cos(x), rtol=1e-14)
    assert J.nnz == 2 * n
    assert peak < 12_000_000, f"peak {peak} bytes"
