"""Polynomials as coefficient arrays (highest power first) and 1-D convolution:
polyval, polyadd, polysub, polymul, polydiv, polyder, polyint, poly, roots, polyfit,
vander, convolve, correlate.

All composed except roots, a primitive whose rule is the implicit-function
derivative of a simple root: from p(r) = 0, dr = -(sum_k dp_k r^(n-k)) / p'(r).
"""

import numpy as _np

from ..base import defrules, unbroadcast
from ..engine import getval, Primitive
from ._plain import numpy_when_plain
from . import linalg
from .elementwise import conj, power, real
from .products import matmul
from .reductions import cumprod
from .shape import atleast_1d, broadcast_to, concatenate, flip, reshape, stack, transpose


__all__ = [
    "polyval",
    "polyadd",
    "polysub",
    "polymul",
    "polydiv",
    "polyder",
    "polyint",
    "poly",
    "roots",
    "polyfit",
    "vander",
    "convolve",
    "correlate",
]


def _sized(p):
    """p, which NumPy's polyder and polyint take the len() of: a 0-d p is rejected as there."""
    if not isinstance(p, _np.poly1d) and _np.ndim(getval(p)) == 0:
        raise TypeError("len() of unsized object")
    return p


def _coefficients(p):
    """The coefficient array of p (a poly1d gives its coeffs)."""
    if isinstance(p, _np.poly1d):
        return p.coeffs
    return atleast_1d(p)


# ---------------------------------------------------------------- convolution
def _full_correlation(a, v):
    """c[i] = sum_n a[n + i - (M-1)] conj(v[n]) for i in 0..N+M-2 (a zero outside 0..N-1),
    with N = len(a) >= M = len(v): a gather of the windows of the padded a, times conj(v)."""
    N, M = _np.shape(getval(a))[0], _np.shape(getval(v))[0]
    # 0.0, not float: a Python float keeps float32 as it is; the type float would make it float64.
    zeros = _np.zeros(M - 1, dtype=_np.result_type(getval(a), 0.0))
    padded = concatenate([zeros, a, zeros]) if M > 1 else a
    windows = padded[_np.arange(N + M - 1)[:, None] + _np.arange(M)[None, :]]
    vc = conj(v) if _np.iscomplexobj(getval(v)) else v
    return matmul(windows, vc)


def _correlate(a, v, mode):
    """NumPy's correlate(a, v, mode): c_k = sum_n a[n + k] conj(v[n])."""
    a, v = atleast_1d(a), atleast_1d(v)
    N, M = _np.shape(getval(a))[0], _np.shape(getval(v))[0]
    if N == 0:
        raise ValueError("a cannot be empty")
    if M == 0:
        raise ValueError("v cannot be empty")
    if N >= M:
        full = _full_correlation(a, v)
    else:
        # c_k(a, v) = conj(c_{-k}(v, a)): correlate the other way round and reverse.
        full = flip(_full_correlation(v, a), 0)
        if _np.iscomplexobj(getval(full)):
            full = conj(full)
    if mode == "full":
        return full
    if mode == "valid":
        start = min(N, M) - 1
        return full[start:start + abs(N - M) + 1]
    if mode == "same":
        start = (M - 1) // 2 if N >= M else N // 2
        return full[start:start + max(N, M)]
    raise ValueError(f"mode must be one of 'valid', 'same', or 'full' (got {mode!r})")


@numpy_when_plain(_np.correlate)
def correlate(a, v, mode="valid"):
    """Cross-correlation c_k = sum_n a[n + k] conj(v[n]), linear in each argument."""
    # Unlike convolve, NumPy's correlate takes exactly 1-D sequences.
    for x in (a, v):
        if _np.ndim(getval(x)) != 1:
            raise ValueError("object of too small depth for desired array" if _np.ndim(getval(x)) == 0
                             else "object too deep for desired array")
    return _correlate(a, v, mode)


@numpy_when_plain(_np.convolve)
def convolve(a, v, mode="full"):
    """Discrete linear convolution (a * v)[k] = sum_m a[m] v[k - m], linear in each argument."""
    a, v = atleast_1d(a), atleast_1d(v)
    if _np.shape(getval(v))[0] > _np.shape(getval(a))[0]:
        a, v = v, a
    if _np.shape(getval(a))[0] == 0:
        raise ValueError("a cannot be empty")
    if _np.shape(getval(v))[0] == 0:
        raise ValueError("v cannot be empty")
    v = flip(v, 0)
    if _np.iscomplexobj(getval(v)):
        v = conj(v)
    return _correlate(a, v, mode)


# ---------------------------------------------------------------- arithmetic on coefficients
@numpy_when_plain(_np.polyval)
def polyval(p, x):
    """p[0] x^(n-1) + ... + p[n-1] by Horner's rule; differentiable in p and x."""
    if isinstance(p, _np.poly1d):
        p = p.coeffs
    y = 0.0
    for i in range(len(getval(p))):
        y = y * x + p[i]
    if _np.shape(getval(y)) != _np.shape(getval(x)):
        y = broadcast_to(y, _np.broadcast_shapes(_np.shape(getval(y)), _np.shape(getval(x))))
    return y


def _pad_front(a, n):
    if n <= 0:
        return a
    return concatenate([_np.zeros(n, dtype=_np.result_type(getval(a))), a])


@numpy_when_plain(_np.polyadd)
def polyadd(a1, a2):
    a1, a2 = _coefficients(a1), _coefficients(a2)
    n1, n2 = len(getval(a1)), len(getval(a2))
    return _pad_front(a1, n2 - n1) + _pad_front(a2, n1 - n2)


@numpy_when_plain(_np.polysub)
def polysub(a1, a2):
    a1, a2 = _coefficients(a1), _coefficients(a2)
    n1, n2 = len(getval(a1)), len(getval(a2))
    return _pad_front(a1, n2 - n1) - _pad_front(a2, n1 - n2)


def _as_poly1d(a):
    """The coefficients NumPy's poly1d keeps: from the first nonzero one on (the last one
    alone if all are zero, [0] if there are none). The dropped leading zeros get no
    derivative, as in roots."""
    if len(getval(a)) == 0:
        return _np.zeros(1, dtype=_np.result_type(getval(a)))
    nonzero = _np.flatnonzero(getval(a))
    first = int(nonzero[0]) if len(nonzero) else len(getval(a)) - 1
    return a[first:] if first else a


@numpy_when_plain(_np.polymul)
def polymul(a1, a2):
    # NumPy multiplies poly1d's of its arguments, which drop leading zeros.
    return convolve(_as_poly1d(_coefficients(a1)), _as_poly1d(_coefficients(a2)))


@numpy_when_plain(_np.polyder)
def polyder(p, m=1):
    """The m-th derivative's coefficients."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    p = _coefficients(_sized(p))
    for _ in range(m):
        n = len(getval(p)) - 1
        p = p[:-1] * _np.arange(n, 0, -1)
    return p


@numpy_when_plain(_np.polyint)
def polyint(p, m=1, k=None):
    """The m-th antiderivative's coefficients, with integration constants k."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    if k is None:
        k = _np.zeros(m, dtype=float)
    k = atleast_1d(k)
    if len(getval(k)) == 1 and m > 1:
        k = broadcast_to(k, (m,))
    if len(getval(k)) < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    p = _coefficients(_sized(p))
    for i in range(m):
        p = concatenate([p / _np.arange(len(getval(p)), 0, -1), k[i:i + 1]])
    return p


@numpy_when_plain(_np.polydiv)
def polydiv(u, v):
    """(quotient, remainder) of u / v by long division, differentiable in both; leading
    remainder coefficients that are zero to 1e-14 (relative) are dropped, as NumPy drops them."""
    u, v = _coefficients(u) + 0.0, _coefficients(v) + 0.0
    m, n = len(getval(u)) - 1, len(getval(v)) - 1
    scale = 1.0 / v[0]
    r = [u[i] for i in range(m + 1)]
    vs = [v[j] for j in range(n + 1)]
    q = []
    for k in range(m - n + 1):
        d = scale * r[k]
        q.append(d)
        for j in range(n + 1):
            r[k + j] = r[k + j] - d * vs[j]
    q = stack(q) if q else _np.zeros(1, dtype=_np.result_type(getval(u), getval(v)))
    r = stack(r)
    while _np.allclose(getval(r)[0], 0, rtol=1e-14) and _np.shape(getval(r))[-1] > 1:
        r = r[1:]
    return q, r


@numpy_when_plain(_np.poly)
def poly(seq_of_zeros):
    """Coefficients of the monic polynomial with the given roots (or the characteristic
    polynomial of a square matrix); real when the roots come in conjugate pairs."""
    seq = atleast_1d(seq_of_zeros)
    shape = _np.shape(getval(seq))
    if len(shape) == 2 and shape[0] == shape[1] and shape[0] != 0:


        seq = linalg.eigvals(seq)
    elif len(shape) != 1:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    if shape[0] == 0:
        return 1.0
    a = _np.ones(1, dtype=_np.result_type(getval(seq), 0.0))  # NumPy's poly keeps the roots' dtype
    for i in range(len(getval(seq))):
        a = convolve(a, stack([1.0 + 0 * seq[i], -seq[i]]))
    if _np.iscomplexobj(getval(a)):
        zeros = _np.asarray(getval(seq), dtype=complex)
        if _np.array_equal(_np.sort(zeros[zeros.imag > 0]), _np.sort(_np.conjugate(zeros[zeros.imag < 0]))):
            a = real(a)
    return a


def _roots(p):
    return _np.roots(p)


def _strip_leading(p):
    """(index of the first nonzero coefficient, degree counted from it)."""
    nonzero = _np.nonzero(_np.ravel(getval(p)))[0]
    first = int(nonzero[0]) if len(nonzero) else 0
    return first, len(getval(p)) - 1 - first


def _root_sensitivity(ans, p):
    """(powers, slope): powers[i, j] = r_i^(n-j) for the coefficients from the first
    nonzero one on, and slope[i] = p'(r_i)."""
    first, n = _strip_leading(p)
    q = p[first:]
    powers = power(reshape(ans, (-1, 1)), _np.arange(n, -1, -1).astype(float))
    return first, powers, polyval(polyder(q), ans)


# For a simple root r of p, dr = -(sum_k dp_k r^(n-k)) / p'(r); at a repeated root p'(r)
# vanishes and the root is not differentiable (the rule's values grow without bound).
# Leading zero coefficients are dropped, as NumPy drops them, and get no derivative.
def _roots_jvp(t, ans, p):
    first, powers, slope = _root_sensitivity(ans, p)
    return -matmul(t[:, first:], transpose(powers)) / slope


def _roots_vjp(g, ans, p):
    first, powers, slope = _root_sensitivity(ans, p)
    out = -matmul(g / slope, powers)
    if first:
        out = concatenate([_np.zeros((_np.shape(g)[0], first)), out], axis=1)
    return unbroadcast(out, p)


_roots_prim = defrules(Primitive(_roots, "roots"), jvp=[_roots_jvp], vjp=[_roots_vjp])


@numpy_when_plain(_np.roots)
def roots(p):
    """The roots of the polynomial with coefficients p (the eigenvalues of its companion
    matrix, as NumPy computes them), each differentiable while it is simple."""
    if _np.ndim(getval(p)) != 1:
        raise ValueError("Input must be a rank-1 array.")
    return _roots_prim(p)


@numpy_when_plain(_np.polyfit)
def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """Least-squares polynomial fit of degree deg, differentiable in x, y and w: the
    solution of the normal equations of the column-scaled Vandermonde system, as a
    function of the data (its value is NumPy's)."""


    order = int(deg) + 1
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if _np.ndim(getval(x)) != 1:
        raise TypeError("expected 1D vector for x")
    if _np.size(getval(x)) == 0:
        raise TypeError("expected non-empty vector for x")
    if _np.ndim(getval(y)) < 1 or _np.ndim(getval(y)) > 2:
        raise TypeError("expected 1D or 2D array for y")
    if full or cov:
        raise NotImplementedError("fastgrad.numpy.polyfit differentiates the coefficients only "
                                  "(full=False, cov=False)")
    lhs = vander(x, order)
    rhs = y
    if w is not None:
        lhs = lhs * reshape(w, (-1, 1))
        rhs = rhs * (w if _np.ndim(getval(y)) == 1 else reshape(w, (-1, 1)))
    scale = _np.sqrt(_np.sum(getval(lhs) * getval(lhs), axis=0))
    scale = _np.where(scale == 0, 1.0, scale)
    lhs = lhs / scale
    gram = matmul(transpose(lhs), lhs)
    moment = matmul(transpose(lhs), rhs)
    c = linalg.solve(gram, moment)
    return (c.T / scale).T if _np.ndim(getval(c)) == 2 else c / scale


@numpy_when_plain(_np.vander)
def vander(x, N=None, increasing=False):
    """Columns x^(N-1), ..., x, 1 (reversed if increasing), as running products of x."""
    if _np.ndim(getval(x)) != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = _np.shape(getval(x))[0]
    N = n if N is None else N
    dtype = _np.result_type(getval(x), int)
    if N == 0:
        return _np.empty((n, 0), dtype=dtype)
    columns = concatenate([_np.ones((n, 1), dtype=dtype), broadcast_to(reshape(x, (n, 1)), (n, N - 1))], axis=1)
    out = cumprod(columns, axis=1)
    return out if increasing else flip(out, 1)


