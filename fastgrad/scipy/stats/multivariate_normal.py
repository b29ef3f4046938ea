"""The multivariate normal distribution: logpdf, pdf and entropy, composed from the
Cholesky factor of the covariance and a triangular solve (fastgrad.scipy.linalg), so
the mean, the covariance and x are all differentiable. The covariance may be a
scalar, a 1-D diagonal or a 2-D matrix (its lower triangle is read, as a Cholesky
factorization reads it); x has the dimension on its last axis, and the result drops
it and every other axis of length one (a scalar for one point), as SciPy's does."""

import numpy as _onp

from ... import numpy as np
from ...engine import getval
from .. import linalg
from ._distn import _LOG_2PI

__all__ = ["logpdf", "pdf", "entropy"]


def _factor(cov, d):
    """The lower Cholesky factor of the covariance given as a scalar, a diagonal or a matrix."""
    nd = _onp.ndim(getval(cov))
    if nd == 0:
        return np.sqrt(cov) * _onp.eye(d)
    if nd == 1:
        return np.sqrt(cov)[:, None] * _onp.eye(d)
    return linalg.cholesky(cov, lower=True)


def _dimension(x, mean, cov):
    for v in (mean, x):
        if v is not None and _onp.ndim(getval(v)) >= 1:
            return _onp.shape(getval(v))[-1]
    c = getval(cov)
    return _onp.shape(c)[0] if _onp.ndim(c) else 1


def _range_basis(cov, d):
    """For a covariance that may be singular, as SciPy reads it: orthonormal bases of its
    range and of its null space (the eigenvectors of the lower triangle whose eigenvalues
    are above and below SciPy's cutoff), and SciPy's tolerance for the support test."""
    c = _onp.asarray(getval(cov), dtype=float)
    full = c * _onp.eye(d) if c.ndim == 0 else _onp.diag(c) if c.ndim == 1 else c
    s, u = _onp.linalg.eigh(full, UPLO="L")
    eps = 1e6 * _onp.finfo(float).eps * _onp.max(_onp.abs(s))
    if _onp.min(s) < -eps:
        raise ValueError("The input matrix must be symmetric positive semidefinite.")
    return u[:, s > eps], u[:, s <= eps], 1e3 * eps


def _restricted(cov, Q):
    """Q^T cov Q, the covariance on its range (lower triangle read, as elsewhere)."""
    nd = _onp.ndim(getval(cov))
    if nd == 0:
        return cov * _onp.eye(Q.shape[1])
    if nd == 1:
        return np.matmul(np.transpose(Q) * cov, Q)
    full = np.tril(cov) + np.transpose(np.tril(cov, -1))
    return np.matmul(np.transpose(Q), np.matmul(full, Q))


def logpdf(x, mean=None, cov=1, allow_singular=False):
    """With allow_singular, a singular covariance is read as SciPy reads it: the density
    on the covariance's range (the rank in place of the dimension, the pseudo-determinant,
    the pseudo-inverse), -inf off it. Its derivatives are those along the range: in every
    direction that keeps the support they are exact."""
    x_val = getval(x)
    d = _dimension(x, mean, cov)
    if _onp.ndim(x_val) == 0 or (_onp.shape(x_val)[-1] != d and d == 1):
        x = np.reshape(x, _onp.shape(x_val) + (1,))
    diff = x if mean is None else x - mean
    shape = _onp.shape(getval(diff))
    outside = None
    if allow_singular:
        Q, null, tol = _range_basis(cov, d)
        outside = _onp.linalg.norm(getval(diff) @ null, axis=-1) >= tol
        diff = np.matmul(diff, Q)
        d = Q.shape[1]
        L = linalg.cholesky(_restricted(cov, Q), lower=True)
    else:
        L = _factor(cov, d)
    flat = np.reshape(diff, (-1, d))
    z = linalg.solve_triangular(L, np.transpose(flat), lower=True)
    maha = np.sum(z * z, axis=0)
    log_det = 2 * np.sum(np.log(np.einsum("ii->i", L)))
    out = -0.5 * (d * _LOG_2PI + log_det + maha)
    out = np.reshape(out, shape[:-1])
    if outside is not None and _onp.any(outside):
        out = np.where(outside, -_onp.inf, out)
    # SciPy squeezes every axis of length one from the result, not only the point's.
    return np.squeeze(out)


def pdf(x, mean=None, cov=1, allow_singular=False):
    return np.exp(logpdf(x, mean, cov, allow_singular))


def entropy(mean=None, cov=1):
    d = _dimension(None, mean, cov)
    L = _factor(cov, d)
    return 0.5 * d * (1 + _LOG_2PI) + np.sum(np.log(np.einsum("ii->i", L)))


# ---------------------------------------------------------------- autograd's helper names
# autograd's module also holds the extension API it imports and its rule helpers (not in
# __all__); fastgrad.scipy._autograd_names attaches them to this module.



def generalized_outer_product(x):
    """x x^T for a vector; x x^T over the last two axes of a stack of matrices."""
    if _onp.ndim(getval(x)) == 1:
        return np.outer(x, x)
    return np.matmul(x, np.swapaxes(x, -1, -2))


def covgrad(x, mean, cov, allow_singular=False):
    """d logpdf(x, mean, cov) / d cov for each point of x, (..., d, d), cov taken as a full
    (symmetric) matrix: (S^-1 r r^T S^-1 - S^-1) / 2 with r = x - mean. (logpdf itself reads
    the lower triangle of cov, so its own gradient is this folded onto that triangle.)"""
    if allow_singular:
        raise NotImplementedError("The multivariate normal pdf is not differentiable with respect "
                                  "to a singular covariance matrix")
    precision = np.linalg.inv(cov)
    solved = np.matmul(precision, np.expand_dims(x - mean, -1))
    return 0.5 * (generalized_outer_product(solved) - precision)


def solve(allow_singular):
    """The solver for cov z = r that logpdf's derivative uses: numpy.linalg.solve, or the
    pseudo-inverse's product with allow_singular."""
    if allow_singular:
        return lambda A, x: np.dot(np.linalg.pinv(A), x)
    return np.linalg.solve
