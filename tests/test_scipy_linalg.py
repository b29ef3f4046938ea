"""fastgrad.scipy.linalg against scipy.linalg (values, on plain and on traced input),
against derivative identities, and the functions with no rule (TypeError on traced
input, SciPy on plain values)."""

import numpy as onp
import pytest

pytest.importorskip("scipy")

import scipy.linalg as ssl  # noqa: E402

import fastgrad.numpy as np  # noqa: E402
from fastgrad import grad, jacobian, make_jvp, make_vjp  # noqa: E402
from fastgrad.engine import getval  # noqa: E402
from fastgrad.scipy import linalg  # noqa: E402
from fastgrad.tree import flatten  # noqa: E402
from opspecs import FEATURES  # noqa: E402

RNG = onp.random.default_rng(0)
A = RNG.standard_normal((4, 4)) + 4 * onp.eye(4)
S = A @ A.T
B = RNG.standard_normal((4, 2))
b = RNG.standard_normal(4)


def close(x, y):
    onp.testing.assert_allclose(x, y, rtol=1e-11, atol=1e-12)


def test_values_match_scipy():
    for kw in ({}, {"lower": True}, {"trans": 1}, {"trans": "T", "lower": True, "unit_diagonal": True}):
        close(linalg.solve_triangular(A, B, **kw), ssl.solve_triangular(A, B, **kw))
    for lower in (False, True):
        close(linalg.cholesky(S, lower=lower), ssl.cholesky(S, lower=lower))
        close(linalg.cho_factor(S, lower=lower)[0], ssl.cho_factor(S, lower=lower)[0])
        close(linalg.cho_solve(ssl.cho_factor(S, lower=lower), B), ssl.cho_solve(ssl.cho_factor(S, lower=lower), B))
    close(linalg.lu_factor(A)[0], ssl.lu_factor(A)[0])
    assert (linalg.lu_factor(A)[1] == ssl.lu_factor(A)[1]).all()
    for trans in (0, 1):
        close(linalg.lu_solve(ssl.lu_factor(A), B, trans=trans), ssl.lu_solve(ssl.lu_factor(A), B, trans=trans))
    for ours, theirs in zip(linalg.lu(A), ssl.lu(A)):
        close(ours, theirs)
    for ours, theirs in zip(linalg.lu(A, permute_l=True), ssl.lu(A, permute_l=True)):
        close(ours, theirs)
    for ours, theirs in zip(linalg.lu(A, p_indices=True), ssl.lu(A, p_indices=True)):
        close(ours, theirs)
    for kw in ({}, {"assume_a": "pos"}, {"assume_a": "sym"}, {"transposed": True}):
        M = S if kw.get("assume_a") else A
        close(linalg.solve(M, B, **kw), ssl.solve(M, B, **kw))
    close(linalg.inv(A), ssl.inv(A))
    swapped = A[[1, 0, 2, 3]]
    close(linalg.det(swapped), ssl.det(swapped))
    ab = RNG.standard_normal((3, 4)) + onp.array([[0.0], [4.0], [0.0]])
    close(linalg.solve_banded((1, 1), ab, b), ssl.solve_banded((1, 1), ab, b))
    C = RNG.standard_normal((2, 2)) + 3 * onp.eye(2)
    close(linalg.solve_sylvester(A, C, B), ssl.solve_sylvester(A, C, B))
    close(linalg.solve_continuous_lyapunov(A, S), ssl.solve_continuous_lyapunov(A, S))
    close(linalg.sqrtm(S), ssl.sqrtm(S))
    close(linalg.expm(A / 4), ssl.expm(A / 4))
    for ours, theirs in zip(linalg.expm_frechet(A / 4, S), ssl.expm_frechet(A / 4, S)):
        close(ours, theirs)
    close(linalg.block_diag(A, b, 2.0, C), ssl.block_diag(A, b, 2.0, C))
    # SciPy's names for numpy.linalg's decompositions
    close(linalg.eigh(S)[0], ssl.eigh(S)[0])
    close(linalg.eigh(S, lower=False, eigvals_only=True), ssl.eigh(S, lower=False, eigvals_only=True))
    close(linalg.eigvalsh(S), ssl.eigvalsh(S))
    close(linalg.svd(B)[1], ssl.svd(B)[1])
    close(linalg.svdvals(B), ssl.svdvals(B))
    for mode in ("full", "economic"):
        for ours, theirs in zip(linalg.qr(B, mode=mode), ssl.qr(B, mode=mode)):
            close(onp.abs(ours), onp.abs(theirs))
    close(onp.abs(linalg.qr(B, mode="r")[0]), onp.abs(ssl.qr(B, mode="r")[0]))
    close(linalg.pinv(B), ssl.pinv(B))
    close(linalg.norm(B, 2), ssl.norm(B, 2))


def test_derivative_identities():
    # d log|det A| / dA = A^-T; d tr(expm(A) W) / dA = L(A^T, W); d log det S via Cholesky = S^-1.
    close(grad(lambda m: np.log(np.abs(linalg.det(m))))(A), ssl.inv(A).T)
    W = RNG.standard_normal((4, 4))
    close(grad(lambda m: np.sum(linalg.expm(m) * W))(A / 4), ssl.expm_frechet(A.T / 4, W)[1])
    logdet = lambda m: 2 * np.sum(np.log(np.einsum("ii->i", linalg.cholesky(m, lower=True))))  # noqa: E731
    g = grad(logdet)(S)
    inv = ssl.inv(S)
    close(g, onp.tril(2 * inv) - onp.diag(onp.diag(inv)))     # the lower triangle is what is read
    # On a symmetric parametrisation the gradient is the familiar S^-1.
    close(grad(lambda m: logdet(0.5 * (m + m.T)))(S), inv)
    # sqrtm: X X = S, so J_sqrtm is the inverse of the Sylvester operator.
    X = ssl.sqrtm(S)
    J = jacobian(linalg.sqrtm)(S).reshape(16, 16)
    K = onp.kron(X, onp.eye(4)) + onp.kron(onp.eye(4), X.T)
    close(J @ K, onp.eye(16))


def test_forward_and_reverse_jacobians_agree():
    f = lambda m: linalg.solve(m, b) + linalg.inv(m)[0] + linalg.expm(m / 4)[1]  # noqa: E731
    close(jacobian(f, mode="fwd")(A), jacobian(f, mode="rev")(A))


# ---------------------------------------------------------------- composed functions, on traced input

def traced(fun, *args):
    """fun(*args) computed with every argument traced (the composition, not SciPy's call)."""
    return make_vjp(lambda xs: fun(*xs))(tuple(args))[1]


def same_values(ours, theirs, rtol=1e-11):
    ours, theirs = flatten(ours)[0], flatten(theirs)[0]
    assert len(ours) == len(theirs)
    for x, y in zip(ours, theirs):
        x, y = onp.asarray(getval(x)), onp.asarray(y)
        assert x.shape == y.shape and x.dtype.kind == y.dtype.kind, (x.shape, y.shape, x.dtype, y.dtype)
        scale = max(1.0, float(onp.max(onp.abs(y), initial=0.0)))
        onp.testing.assert_allclose(x, y, rtol=rtol, atol=rtol * scale)


def _band(lower):
    ab = 0.3 * RNG.standard_normal((3, 5))
    ab[0 if lower else 2] = 3.0 + RNG.uniform(0.0, 1.0, 5)
    return ab


def _cases():
    c, r, v = RNG.standard_normal(4), RNG.standard_normal(5), RNG.standard_normal(4)
    cc = c + onp.array([5.0, 0, 0, 0])
    stack = RNG.standard_normal((2, 3))
    poly = RNG.standard_normal(6)
    tall, wide = RNG.standard_normal((5, 3)), RNG.standard_normal((3, 5))
    upper = _band(False)
    d, e = RNG.standard_normal(5), RNG.standard_normal(4)
    Bc, R = RNG.standard_normal((4, 2)), onp.eye(2) + 0.1
    w, V = ssl.eig(RNG.standard_normal((5, 5)))
    badly_scaled = onp.array([[1, 100, 0.01], [0.001, 2, 3e4], [5, 6e-3, 7]])
    cases = [
        ("toeplitz", (c, r)), ("toeplitz", (c,)), ("toeplitz", (stack,)), ("hankel", (c, r)), ("hankel", (c,)),
        ("circulant", (stack,)), ("leslie", (c, r[:3])),
        ("khatri_rao", (stack, RNG.standard_normal((4, 3)))), ("cholesky_banded", (upper,)),
        ("solveh_banded", (upper, RNG.standard_normal(5))), ("eig_banded", (upper,)), ("eigvals_banded", (upper,)),
        ("eigh_tridiagonal", (d, e)), ("eigvalsh_tridiagonal", (d, e)), ("solve_circulant", (cc, v)),
        ("solve_circulant", (cc, RNG.standard_normal((4, 2)))), ("solve_toeplitz", ((cc, r[:4]), v)),
        ("matmul_toeplitz", ((c, r), RNG.standard_normal((5, 2)))), ("solve_discrete_lyapunov", (A / 8, S)),
        ("solve_continuous_are", (A - 5 * onp.eye(4), Bc, S, R)), ("solve_discrete_are", (A / 8, Bc, S, R)),
        ("logm", (S,)), ("signm", (A - 4 * onp.eye(4),)), ("fractional_matrix_power", (S, 0.3)),
        ("cosm", (A / 4,)), ("sinm", (A / 4,)), ("tanm", (A / 4,)), ("coshm", (A / 4,)), ("sinhm", (A / 4,)),
        ("tanhm", (A / 4,)), ("eig", (A,)), ("eigvals", (A,)), ("lstsq", (tall, RNG.standard_normal(5))),
        ("lstsq", (tall, RNG.standard_normal((5, 2)))), ("lstsq", (wide, RNG.standard_normal(3))), ("pinvh", (S,)),
        ("pinv", (tall,)), ("orth", (tall,)), ("null_space", (wide,)), ("polar", (tall,)),
        ("orthogonal_procrustes", (tall, tall + 0.1)), ("subspace_angles", (tall, tall[:, :2] + 0.01)),
        ("subspace_angles", (tall, RNG.standard_normal((5, 2)))), ("cdf2rdf", (w, V)),
        ("matrix_balance", (badly_scaled,)), ("diagsvd", (c[:3], 3, 5)), ("diagsvd", (c[:3], 5, 3)),
    ]
    if FEATURES["scipy.linalg stacks of vectors"]:
        cases += [("companion", (stack,)), ("fiedler", (stack,))]
    cases += [("fiedler_companion", (poly[:k],)) for k in (2, 3, 5, 6)]
    cases += [("convolution_matrix", (c[:3], n, mode)) for n in (2, 5) for mode in ("full", "same", "valid")]
    cases += [("rq", (m, None, None, mode)) for m in (A, tall, wide) for mode in ("full", "economic", "r")]
    cases += [("qr_multiply", (tall, RNG.standard_normal((2, 5)))), ("qr_multiply", (wide, RNG.standard_normal(3)))]
    return cases


CASES = _cases()


@pytest.mark.parametrize("name,args", CASES, ids=[f"{name}-{i}" for i, (name, _) in enumerate(CASES)])
def test_composed_values_match_scipy(name, args):
    """The value a composition computes (on traced input) is SciPy's."""
    differentiable = [i for i, a in enumerate(args) if isinstance(a, onp.ndarray) or isinstance(a, tuple)]
    fun = getattr(linalg, name)

    def call(*xs):
        full = list(args)
        for i, x in zip(differentiable, xs):
            full[i] = x
        return fun(*full)

    same_values(traced(call, *[args[i] for i in differentiable]), getattr(ssl, name)(*args))


def test_options_of_composed_functions():
    upper, lower = _band(False), _band(True)
    b = RNG.standard_normal(5)
    same_values(traced(lambda ab: linalg.cholesky_banded(ab, lower=True), lower),
                ssl.cholesky_banded(lower, lower=True))
    same_values(traced(lambda ab, y: linalg.cho_solve_banded((linalg.cholesky_banded(ab, lower=True), True), y),
                       lower, b), ssl.cho_solve_banded((ssl.cholesky_banded(lower, lower=True), True), b))
    same_values(traced(lambda ab, y: linalg.cho_solve_banded((linalg.cholesky_banded(ab), False), y), upper, b),
                ssl.cho_solve_banded((ssl.cholesky_banded(upper), False), b))
    same_values(traced(lambda ab: linalg.eig_banded(ab, lower=True, select="i", select_range=(1, 3)), lower),
                ssl.eig_banded(lower, lower=True, select="i", select_range=(1, 3)))
    same_values(traced(lambda ab: linalg.eigvals_banded(ab, select="v", select_range=(2.5, 10.0)), upper),
                ssl.eigvals_banded(upper, select="v", select_range=(2.5, 10.0)))
    same_values(traced(lambda ab, y: linalg.solveh_banded(ab, y, lower=True), lower, b),
                ssl.solveh_banded(lower, b, lower=True))
    same_values(traced(lambda x: linalg.pinvh(x, lower=False, return_rank=True), onp.triu(S)),
                ssl.pinvh(onp.triu(S), lower=False, return_rank=True))
    same_values(traced(lambda x: linalg.polar(x, "left"), B), ssl.polar(B, "left"))
    same_values(traced(lambda x: linalg.eig(x, homogeneous_eigvals=True), A), ssl.eig(A, homogeneous_eigvals=True))
    same_values(traced(lambda x: linalg.matrix_balance(x, separate=True), A), ssl.matrix_balance(A, separate=True))
    same_values(traced(lambda x: linalg.clarkson_woodruff_transform(x, 2, 3), B),
                ssl.clarkson_woodruff_transform(B, 2, 3))
    same_values(traced(lambda c, y: linalg.solve_circulant(c, y, baxis=1, outaxis=1), b[:4] + [4, 0, 0, 0], B.T),
                ssl.solve_circulant(b[:4] + [4, 0, 0, 0], B.T, baxis=1, outaxis=1))
    same_values(traced(lambda x: linalg.qr_multiply(x, onp.ones((4, 2)), mode="left", conjugate=True), A),
                ssl.qr_multiply(A, onp.ones((4, 2)), mode="left", conjugate=True))
    same_values(traced(lambda x: linalg.funm(x, np.exp), S / 8), ssl.funm(S / 8, onp.exp))
    same_values(traced(lambda x: linalg.funm(x, lambda w: w * w + 1), A), ssl.funm(A, lambda w: w * w + 1))
    F, err = linalg.funm(traced(lambda x: x, A), np.sin, disp=False)
    assert onp.isfinite(err)


def test_plain_values_are_scipys():
    # Plain values go to SciPy itself: same values and dtypes (integers stay integers).
    for name, args in (("toeplitz", ([1, 2, 3],)), ("hankel", ([1, 2, 3], [3, 4])), ("circulant", ([1, 2, 3],)),
                       ("leslie", ([1, 2], [3]))):
        ours, theirs = getattr(linalg, name)(*args), getattr(ssl, name)(*args)
        assert ours.dtype == theirs.dtype and (ours == theirs).all()
    for name in ("dft", "hadamard", "helmert", "hilbert", "invhilbert", "pascal", "invpascal"):
        onp.testing.assert_array_equal(getattr(linalg, name)(4), getattr(ssl, name)(4))
    assert issubclass(linalg.LinAlgError, Exception) and linalg.LinAlgWarning is ssl.LinAlgWarning


# ---------------------------------------------------------------- derivatives of the new primitives

def test_matrix_function_identities():
    # d tr(logm(A)) = A^-T; d/dt A^t = logm(A) A^t; cosm^2 + sinm^2 = I along any path.
    close(grad(lambda m: np.trace(linalg.logm(m)))(S), ssl.inv(S).T)
    t_dot = make_jvp(lambda t: linalg.fractional_matrix_power(S, t))(0.4)(1.0)[1]
    close(t_dot, ssl.logm(S) @ ssl.fractional_matrix_power(S, 0.4))
    W = RNG.standard_normal((4, 4))
    pythagoras = lambda m: linalg.cosm(m) @ linalg.cosm(m) + linalg.sinm(m) @ linalg.sinm(m)  # noqa: E731
    close(make_jvp(pythagoras)(A / 4)(W)[1], onp.zeros((4, 4)))
    # logm inverts expm, so their derivatives compose to the identity.
    close(make_jvp(lambda m: linalg.logm(linalg.expm(m)))(A / 4)(W)[1], W)


def test_riccati_derivatives_satisfy_the_differentiated_equation():
    a, b = A - 5 * onp.eye(4), B
    q, r = S, onp.eye(2)
    da = RNG.standard_normal((4, 4))
    x, dx = make_jvp(lambda m: linalg.solve_continuous_are(m, b, q, r))(a)(da)
    g = b @ b.T
    # d(a^T x + x a - x g x + q) = 0 along da.
    residual = da.T @ x + a.T @ dx + dx @ a + x @ da - dx @ g @ x - x @ g @ dx
    onp.testing.assert_allclose(residual, 0, atol=1e-9)
    ad = A / 8
    x, dx = make_jvp(lambda m: linalg.solve_discrete_lyapunov(m, q))(ad)(da)
    onp.testing.assert_allclose(dx - ad @ dx @ ad.T - da @ x @ ad.T - ad @ x @ da.T, 0, atol=1e-9)


# ---------------------------------------------------------------- no derivative rule, no derivative

RAISING = {
    "schur": (A,), "rsf2csf": tuple(ssl.schur(A)), "qz": (A, S), "ordqz": (A, S), "hessenberg": (A,), "ldl": (S,),
    "cossin": (ssl.qr(A)[0], 2, 2), "expm_cond": (A / 4,), "qr_update": (*ssl.qr(A), b, b),
    "qr_insert": (*ssl.qr(A), b, 1), "qr_delete": (*ssl.qr(A), 1),
}


@pytest.mark.parametrize("name", sorted(RAISING))
def test_functions_without_rules_raise_on_traced_input(name):
    args = RAISING[name]
    for ours, theirs in zip(flatten(getattr(linalg, name)(*args))[0], flatten(getattr(ssl, name)(*args))[0]):
        onp.testing.assert_array_equal(ours, theirs)

    def traced_first(x):
        return getattr(linalg, name)(x, *args[1:])

    with pytest.raises(TypeError, match=name):
        make_vjp(traced_first)(args[0])


def test_generalized_forms_plain_only():
    # Options fastgrad does not differentiate: SciPy on plain values, an error on traced ones.
    for ours, theirs in zip(linalg.eig(A, S), ssl.eig(A, S)):
        onp.testing.assert_array_equal(ours, theirs)
    onp.testing.assert_array_equal(linalg.eigvals(A, S), ssl.eigvals(A, S))
    onp.testing.assert_array_equal(linalg.eigh(S, S + onp.eye(4))[0], ssl.eigh(S, S + onp.eye(4))[0])
    for fun in (lambda m: linalg.eig(m, S), lambda m: linalg.eig(m, left=True), lambda m: linalg.qr(m, pivoting=True),
                lambda m: linalg.eigh(m, subset_by_index=(0, 1))):
        with pytest.raises(NotImplementedError):
            make_vjp(fun)(S)
    with pytest.raises(TypeError, match="solve_continuous_are"):
        make_vjp(lambda m: linalg.solve_continuous_are(m, B, S, onp.eye(2), e=onp.eye(4)))(A)


def test_queries_see_plain_values():
    def f(m):
        assert linalg.issymmetric(m) and linalg.bandwidth(m) == (3, 3)
        gemm, = linalg.get_blas_funcs(("gemm",), (m,))
        assert gemm.typecode == "d" and linalg.find_best_blas_type((m,))[0] == "d"
        return np.sum(m)

    close(grad(f)(S), onp.ones((4, 4)))


# ---------------------------------------------------------------- autograd's helper names

def test_autograd_helper_names():
    from fastgrad import extend
    from fastgrad.numpy import numpy_wrapper

    assert linalg.defvjp is extend.defvjp and linalg.defjvp_argnums is extend.defjvp_argnums
    assert linalg.wrap_namespace is numpy_wrapper.wrap_namespace
    g = RNG.standard_normal((4, 2))
    x = ssl.solve_triangular(A, B, lower=True)
    expected = make_vjp(lambda m: linalg.solve_triangular(m, B, lower=True))(A)[0](g)
    close(linalg.grad_solve_triangular(x, A, B, lower=True)(g), expected)
    ab = RNG.standard_normal((3, 4)) + onp.array([[0.0], [4.0], [0.0]])
    x = ssl.solve_banded((1, 1), ab, b)
    for argnum, wrt in ((1, ab), (2, b)):
        expected = make_vjp(linalg.solve_banded, argnum)((1, 1), ab, b)[0](b)
        close(linalg.grad_solve_banded(argnum, x, (1, 1), ab, b)(b), expected)
    assert not any(name.startswith("grad_") or name in ("defvjp", "wrap_namespace") for name in linalg.__all__)
