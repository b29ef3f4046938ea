"""fastgrad.scipy.linalg against scipy.linalg (values) and against derivative identities."""

import numpy as onp
import pytest

pytest.importorskip("scipy")

import scipy.linalg as ssl  # noqa: E402

import fastgrad.numpy as np  # noqa: E402
from fastgrad import grad, jacobian  # noqa: E402
from fastgrad.scipy import linalg  # noqa: E402

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
