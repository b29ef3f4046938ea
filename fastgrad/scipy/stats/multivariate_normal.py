"""The multivariate normal distribution: logpdf, pdf and entropy, composed from the
Cholesky factor of the covariance and a triangular solve (fastgrad.scipy.linalg), so
the mean, the covariance and x are all differentiable. The covariance may be a
scalar, a 1-D diagonal or a 2-D matrix (its lower triangle is read, as a Cholesky
factorization reads it); x has the dimension on its last axis, and the result drops
it (a scalar for one point), as in SciPy."""

import numpy as _onp

from ... import numpy as np
from ...core import getval
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


def logpdf(x, mean=None, cov=1, allow_singular=False):
    x_val = getval(x)
    d = _dimension(x, mean, cov)
    if _onp.ndim(x_val) == 0 or (_onp.shape(x_val)[-1] != d and d == 1):
        x = np.reshape(x, _onp.shape(x_val) + (1,))
    diff = x if mean is None else x - mean
    L = _factor(cov, d)
    shape = _onp.shape(getval(diff))
    flat = np.reshape(diff, (-1, d))
    z = linalg.solve_triangular(L, np.transpose(flat), lower=True)
    maha = np.sum(z * z, axis=0)
    log_det = 2 * np.sum(np.log(np.einsum("ii->i", L)))
    out = -0.5 * (d * _LOG_2PI + log_det + maha)
    out = np.reshape(out, shape[:-1])
    return out if _onp.ndim(getval(out)) else np.reshape(out, ())


def pdf(x, mean=None, cov=1, allow_singular=False):
    return np.exp(logpdf(x, mean, cov, allow_singular))


def entropy(mean=None, cov=1):
    d = _dimension(None, mean, cov)
    L = _factor(cov, d)
    return 0.5 * d * (1 + _LOG_2PI) + np.sum(np.log(np.einsum("ii->i", L)))
