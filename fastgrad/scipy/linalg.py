"""fastgrad.scipy.linalg: SciPy's dense linear algebra, differentiable in both modes.

Primitives (rules below each): solve_triangular, cholesky, the packed LU factor of
lu_factor, solve_banded, solve_sylvester, sqrtm, expm. Composed from them (no rules
of their own): cho_factor, cho_solve, lu_factor, lu_solve, lu, solve, inv, det,
expm_frechet, solve_continuous_lyapunov, block_diag. SciPy's names for the
decompositions fastgrad.numpy.linalg differentiates (eigh, eigvalsh, svd, svdvals,
qr, pinv, norm) are thin wrappers translating SciPy's arguments onto it.

Conventions. Matrices are 2-D and real (SciPy's batched and complex forms are not
differentiated here). A function that reads only one triangle of its input
(cholesky, solve_triangular, cho_solve) is differentiated as that function: the other
triangle gets a zero derivative, and the triangle read gets the derivative of the
symmetric matrix it stands for, so the derivative is that of the function SciPy
actually computes, and agrees with finite differences in any direction.
Batched tangents (k, n, n) meet 2-D solvers as one wide right-hand side (`_columns`).

Imports SciPy; must not be imported by fastgrad/__init__.py.
"""

import numpy as _onp
import scipy.linalg as _sla

from .. import numpy as np
from ..core import getval
from ..numpy import linalg as _nla
from ..rules import Primitive, defrules, lift, sum_to_shape

__all__ = [
    "solve_triangular", "cholesky", "cho_factor", "cho_solve", "lu_factor", "lu_solve", "lu",
    "solve", "inv", "det", "solve_banded", "solve_sylvester", "solve_continuous_lyapunov",
    "solve_lyapunov", "sqrtm", "expm", "expm_frechet", "block_diag",
    "eigh", "eigvalsh", "svd", "svdvals", "qr", "pinv", "norm",
]


# ---------------------------------------------------------------- helpers

def _T(x):
    return np.swapaxes(x, -1, -2)


def _tri_mask(n, lower, k=0):
    ones = _onp.ones((n, n))
    return _onp.tril(ones, k) if lower else _onp.triu(ones, k)


def _tril(x, k=0):
    return x * _tri_mask(_onp.shape(x)[-1], True, k)


def _triu(x, k=0):
    return x * _tri_mask(_onp.shape(x)[-1], False, k)


def _columns(y, n):
    """A batch of right-hand sides (k, n) or (k, n, m) as one (n, k*m) matrix, and the
    function that restores the batch layout of a result of that shape."""
    shape = _onp.shape(y)
    if len(shape) == 2:
        return _T(y), _T
    k, m = shape[0], shape[2]
    cols = np.reshape(np.moveaxis(y, 0, 1), (n, k * m))
    return cols, lambda z: np.moveaxis(np.reshape(z, (n, k, m)), 1, 0)


def _batched_solve(solver, a, y, n):
    cols, restore = _columns(y, n)
    return restore(solver(a, cols))


def _outer_last(u, v):
    """u v^T per batch row: (k, n) x (n,) -> (k, n, n), (k, n, m) x (p, m) -> (k, n, p)."""
    if _onp.ndim(v) == 1:
        return u[..., :, None] * v
    return np.matmul(u, _T(v))


# ---------------------------------------------------------------- triangular solve

_TRANS = {0: 0, "N": 0, 1: 1, "T": 1, 2: 1, "C": 1}


def _solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False):
    return _sla.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


def _triangle_of(t, lower, unit_diagonal):
    return _tril(t, -1 if unit_diagonal else 0) if lower else _triu(t, 1 if unit_diagonal else 0)


def _st_solve(a, y, trans, lower, unit_diagonal):
    n = _onp.shape(a)[-1]
    return _batched_solve(
        lambda aa, cols: _solve_triangular_prim(aa, cols, trans=trans, lower=lower, unit_diagonal=unit_diagonal),
        a, y, n)


def _st_jvp_a(t, ans, a, b, trans=0, lower=False, unit_diagonal=False):
    dA = _triangle_of(t, lower, unit_diagonal)
    op = _T(dA) if trans else dA
    return -_st_solve(a, np.matmul(op, ans), trans, lower, unit_diagonal)


def _st_jvp_b(t, ans, a, b, trans=0, lower=False, unit_diagonal=False):
    return _st_solve(a, t, trans, lower, unit_diagonal)


def _st_vjp_b(g, ans, a, b, trans=0, lower=False, unit_diagonal=False):
    return _st_solve(a, g, 1 - trans, lower, unit_diagonal)


def _st_vjp_a(g, ans, a, b, trans=0, lower=False, unit_diagonal=False):
    gb = _st_solve(a, g, 1 - trans, lower, unit_diagonal)
    g_op = -_outer_last(gb, ans)
    return _triangle_of(_T(g_op) if trans else g_op, lower, unit_diagonal)


_solve_triangular_prim = defrules(
    Primitive(_solve_triangular, "solve_triangular"),
    jvp=[_st_jvp_a, _st_jvp_b],
    vjp=[_st_vjp_a, _st_vjp_b],
)


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True):
    """x with op(a) x = b for triangular a (only its `lower` or upper triangle is read);
    the shape of b."""
    return _solve_triangular_prim(a, b, trans=_TRANS[trans], lower=bool(lower), unit_diagonal=bool(unit_diagonal))


# ---------------------------------------------------------------- Cholesky

def _cholesky(a, lower=False):
    return _sla.cholesky(a, lower=lower)


# With A = L L^T: dL = L phi(L^-1 dA L^-T), and the adjoint A-bar = L^-T phi(L^T L-bar) L^-1
# (Murray 2016, "Differentiation of the Cholesky decomposition", eqs. 8 and 10).
def _phi(x):
    """The lower triangle with half the diagonal."""
    n = _onp.shape(x)[-1]
    return x * (_onp.tril(_onp.ones((n, n))) - 0.5 * _onp.eye(n))


def _chol_lower(ans, lower):
    return ans if lower else _T(ans)


def _symmetric_from_triangle(t, lower):
    return _tril(t) + _T(_tril(t, -1)) if lower else _triu(t) + _T(_triu(t, 1))


def _cholesky_jvp(t, ans, a, lower=False):
    L = _chol_lower(ans, lower)
    dA = _symmetric_from_triangle(t, lower)
    W = _st_solve(L, dA, 0, True, False)
    X = _st_solve(L, _T(W), 0, True, False)
    dL = np.matmul(L, _phi(X))
    return dL if lower else _T(dL)


def _cholesky_vjp(g, ans, a, lower=False):
    L = _chol_lower(ans, lower)
    gL = g if lower else _T(g)
    P = _phi(np.matmul(_T(L), gL))
    R = _st_solve(L, P, 1, True, False)
    S = _T(_st_solve(L, _T(R), 1, True, False))
    # S is the gradient with respect to the symmetric matrix; the function reads one
    # triangle, whose off-diagonal entries stand for both of their symmetric places.
    if lower:
        return _tril(S) + _tril(_T(S), -1)
    return _triu(S) + _triu(_T(S), 1)


_cholesky_prim = defrules(Primitive(_cholesky, "cholesky"), jvp=[_cholesky_jvp], vjp=[_cholesky_vjp])


def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """The Cholesky factor (upper by default) of a symmetric positive definite matrix,
    read from its `lower` or upper triangle; (n, n)."""
    return _cholesky_prim(a, lower=bool(lower))


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """(c, lower): the factor in one triangle of c, a's entries in the other (as SciPy)."""
    factor = cholesky(a, lower=lower)
    other = _triu(a, 1) if lower else _tril(a, -1)
    return factor + other, lower


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """x with A x = b, A = L L^T given by cho_factor; the shape of b."""
    c, lower = c_and_lower
    if lower:
        return solve_triangular(c, solve_triangular(c, b, lower=True), trans=1, lower=True)
    return solve_triangular(c, solve_triangular(c, b, trans=1, lower=False), lower=False)


# ---------------------------------------------------------------- LU

def _permutation(piv):
    """The row order `perm` with a[perm] = L U, from LAPACK's sequence of interchanges."""
    perm = _onp.arange(len(piv))
    for i, p in enumerate(piv):
        perm[i], perm[p] = perm[p], perm[i]
    return perm


def _lu_packed(a):
    return _sla.lu_factor(a)[0]


def _lu_parts(ans):
    n = _onp.shape(ans)[-1]
    return _tril(ans, -1) + _onp.eye(n), _triu(ans)


# With a[perm] = L U: L^-1 da[perm] U^-1 = X splits into L^-1 dL (strictly lower) and
# dU U^-1 (upper), so d(lu) = L tril(X, -1) + triu(X) U.
def _lu_jvp(t, ans, a):
    perm = _permutation(_sla.lu_factor(getval(a))[1])
    L, U = _lu_parts(ans)
    W = _st_solve(L, t[:, perm, :], 0, True, True)
    X = _T(_st_solve(U, _T(W), 1, False, False))
    return np.matmul(L, _tril(X, -1)) + np.matmul(_triu(X), U)


def _lu_vjp(g, ans, a):
    perm = _permutation(_sla.lu_factor(getval(a))[1])
    L, U = _lu_parts(ans)
    Xbar = _tril(np.matmul(_T(L), _tril(g, -1)), -1) + _triu(np.matmul(_triu(g), _T(U)))
    W = _st_solve(L, Xbar, 1, True, True)
    G = _T(_st_solve(U, _T(W), 0, False, False))
    return G[:, _onp.argsort(perm), :]


_lu_prim = defrules(Primitive(_lu_packed, "lu_factor"), jvp=[_lu_jvp], vjp=[_lu_vjp])


def lu_factor(a, overwrite_a=False, check_finite=True):
    """(lu, piv) as SciPy's: L (unit diagonal, below) and U (on and above) packed in one
    (n, n) array, piv the row interchanges (not differentiable)."""
    return _lu_prim(a), _sla.lu_factor(getval(a))[1]


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """x with op(A) x = b from lu_factor's output; the shape of b."""
    lu_packed, piv = lu_and_piv
    perm = _permutation(piv)
    if _TRANS[trans] == 0:
        y = solve_triangular(lu_packed, b[perm], lower=True, unit_diagonal=True)
        return solve_triangular(lu_packed, y, lower=False)
    y = solve_triangular(lu_packed, b, trans=1, lower=False)
    y = solve_triangular(lu_packed, y, trans=1, lower=True, unit_diagonal=True)
    return y[_onp.argsort(perm)]


def lu(a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    """(p, l, u) with a = p @ l @ u (or (p @ l, u) with permute_l, or the row indices
    p with p_indices), square a."""
    packed, piv = lu_factor(a)
    L, U = _lu_parts(packed)
    perm = _permutation(piv)
    inverse = _onp.argsort(perm)
    if permute_l:
        return L[inverse], U
    if p_indices:
        return inverse, L, U
    n = _onp.shape(getval(a))[-1]
    return _onp.eye(n)[:, perm], L, U


def solve(a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a=None,
          transposed=False):
    """x with a x = b (a^T x = b if transposed); the shape of b. assume_a selects which
    entries are read, as in SciPy: 'pos' a Cholesky factorization of one triangle,
    'sym' / 'her' the symmetric matrix of one triangle, 'diagonal' the diagonal,
    'lower triangular' / 'upper triangular' one triangle; otherwise the whole matrix."""
    if transposed:
        a = _T(a)
    kind = {"positive definite": "pos", "symmetric": "sym", "hermitian": "her"}.get(assume_a, assume_a)
    if kind == "pos":
        return cho_solve(cho_factor(a, lower=lower), b)
    if kind in ("sym", "her"):
        a = _symmetric_from_triangle(a, lower)
    if kind == "diagonal":
        d = np.einsum("ii->i", a)
        return b / (d if _onp.ndim(b) == 1 else d[:, None])
    if kind in ("lower triangular", "upper triangular"):
        return solve_triangular(a, b, lower=kind == "lower triangular")
    return lu_solve(lu_factor(a), b)


def inv(a, overwrite_a=False, check_finite=True):
    """The inverse of a square matrix; (n, n)."""
    n = _onp.shape(getval(a))[-1]
    return lu_solve(lu_factor(a), _onp.eye(n))


def det(a, overwrite_a=False, check_finite=True):
    """The determinant of a square matrix: the product of U's diagonal, signed by the
    parity of the row interchanges; a scalar."""
    packed, piv = lu_factor(a)
    sign = (-1.0) ** _onp.sum(piv != _onp.arange(len(piv)))
    return sign * np.prod(np.einsum("ii->i", packed))


# ---------------------------------------------------------------- banded solve

def _band_index(l, u, n):
    """Flat indices into an (l+u+1, n) band array for each entry of the (n, n) matrix,
    and the mask of entries inside the band: A[r, c] = ab[u + r - c, c]."""
    r, c = _onp.indices((n, n))
    row = u + r - c
    inside = (row >= 0) & (row <= l + u)
    return _onp.where(inside, row, 0) * n + c, inside


def _band_to_dense(l, u, ab):
    """The (n, n) matrix of a band array (batched: (k, l+u+1, n) -> (k, n, n))."""
    n = _onp.shape(ab)[-1]
    index, inside = _band_index(l, u, n)
    flat = np.reshape(ab, _onp.shape(ab)[:-2] + (-1,))
    return np.take(flat, index, axis=-1) * inside


def _dense_to_band(l, u, m):
    """The band array of the entries of m inside the band (the adjoint of _band_to_dense)."""
    n = _onp.shape(m)[-1]
    i, c = _onp.indices((l + u + 1, n))
    r = i - u + c
    inside = (r >= 0) & (r < n)
    flat = np.reshape(m, _onp.shape(m)[:-2] + (-1,))
    return np.take(flat, _onp.where(inside, r, 0) * n + c, axis=-1) * inside


def _solve_banded(l_and_u, ab, b):
    return _sla.solve_banded(l_and_u, ab, b)


def _banded_solve(l_and_u, ab, y):
    n = _onp.shape(ab)[-1]
    return _batched_solve(lambda aa, cols: _solve_banded_prim(l_and_u, aa, cols), ab, y, n)


def _transposed_band(l_and_u, ab):
    l, u = l_and_u
    return (u, l), _dense_to_band(u, l, _T(_band_to_dense(l, u, ab)))


def _sb_jvp_ab(t, ans, l_and_u, ab, b):
    dA = _band_to_dense(*l_and_u, t)
    return -_banded_solve(l_and_u, ab, np.matmul(dA, ans))


def _sb_vjp_ab(g, ans, l_and_u, ab, b):
    ul, abt = _transposed_band(l_and_u, ab)
    gb = _banded_solve(ul, abt, g)
    return _dense_to_band(*l_and_u, -_outer_last(gb, ans))


def _sb_vjp_b(g, ans, l_and_u, ab, b):
    ul, abt = _transposed_band(l_and_u, ab)
    return _banded_solve(ul, abt, g)


_solve_banded_prim = defrules(
    Primitive(_solve_banded, "solve_banded"),
    jvp={1: _sb_jvp_ab, 2: lambda t, ans, l_and_u, ab, b: _banded_solve(l_and_u, ab, t)},
    vjp={1: _sb_vjp_ab, 2: _sb_vjp_b},
)


def solve_banded(l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True):
    """x with A x = b for the banded A stored in ab (l sub- and u super-diagonals,
    ab[u + i - j, j] = A[i, j]); the shape of b."""
    return _solve_banded_prim(tuple(int(v) for v in l_and_u), ab, b)


# ---------------------------------------------------------------- Sylvester and Lyapunov

def _sylvester_value(a, b, q):
    if _onp.ndim(q) > 2 and (_onp.ndim(a) > 2 or _onp.ndim(b) > 2):
        return _onp.stack([_sylvester_value(ai, bi, qi) for ai, bi, qi in
                           zip(*_onp.broadcast_arrays(a, b, q))])
    if _onp.ndim(q) > 2:
        return _onp.stack([_sla.solve_sylvester(a, b, qi) for qi in q])
    return _sla.solve_sylvester(a, b, q)


# a x + x b = q: a dx + dx b = dq - da x - x db; the adjoint solves a^T y + y b^T = g.
# q (so x) may carry batch axes that a and b lack (a rule's cotangent, at second order):
# tangents of a and b are lifted over them, cotangents summed over them.
def _sylvester_jvp_a(t, ans, a, b, q):
    return -_solve_sylvester_prim(a, b, np.matmul(lift(t, _onp.ndim(ans)), ans))


def _sylvester_jvp_b(t, ans, a, b, q):
    return -_solve_sylvester_prim(a, b, np.matmul(ans, lift(t, _onp.ndim(ans))))


def _sylvester_adjoint(g, a, b):
    return _solve_sylvester_prim(_T(a), _T(b), g)


_solve_sylvester_prim = defrules(
    Primitive(_sylvester_value, "solve_sylvester"),
    jvp=[_sylvester_jvp_a, _sylvester_jvp_b, lambda t, ans, a, b, q: _solve_sylvester_prim(a, b, t)],
    vjp=[
        lambda g, ans, a, b, q: sum_to_shape(-np.matmul(_sylvester_adjoint(g, a, b), _T(ans)), _onp.shape(a)),
        lambda g, ans, a, b, q: sum_to_shape(-np.matmul(_T(ans), _sylvester_adjoint(g, a, b)), _onp.shape(b)),
        lambda g, ans, a, b, q: sum_to_shape(_sylvester_adjoint(g, a, b), _onp.shape(q)),
    ],
)


def solve_sylvester(a, b, q):
    """x with a x + x b = q; the shape of q."""
    return _solve_sylvester_prim(a, b, q)


def solve_continuous_lyapunov(a, q):
    """x with a x + x a^T = q (real a); the shape of q."""
    return solve_sylvester(a, _T(a), q)


solve_lyapunov = solve_continuous_lyapunov


# ---------------------------------------------------------------- matrix functions

def _sqrtm(A):
    return _sla.sqrtm(A)


# x x = A: dx x + x dx = dA, a Sylvester equation in dx; its adjoint x^T y + y x^T = g.
_sqrtm_prim = defrules(
    Primitive(_sqrtm, "sqrtm"),
    jvp=[lambda t, ans, A: _solve_sylvester_prim(ans, ans, t)],
    vjp=[lambda g, ans, A: _solve_sylvester_prim(_T(ans), _T(ans), g)],
)


def sqrtm(A, disp=True, blocksize=64):
    """The principal square root of a square matrix (real for matrices with no
    eigenvalues on the closed negative axis); (n, n)."""
    return _sqrtm_prim(A)


def _expm(A):
    return _sla.expm(A)


def _frechet(A, E):
    """The Frechet derivative L(A, E) of expm, read off the upper right block of
    expm([[A, E], [0, A]]) (Mathias 1996); E may carry a leading batch axis. The block
    exponential is expm itself, so this is differentiable again."""
    n = _onp.shape(A)[-1]
    A = np.broadcast_to(A, _onp.shape(E))
    zero = _onp.zeros(_onp.shape(E))
    block = np.concatenate([np.concatenate([A, E], axis=-1), np.concatenate([zero, A], axis=-1)], axis=-2)
    return _expm_prim(block)[..., :n, n:]


# The adjoint of E -> L(A, E) under the trace inner product is G -> L(A^T, G).
_expm_prim = defrules(
    Primitive(_expm, "expm"),
    jvp=[lambda t, ans, A: _frechet(A, t)],
    vjp=[lambda g, ans, A: _frechet(_T(A), g)],
)


def expm(A):
    """The matrix exponential (by scaling and squaring); the shape of A."""
    return _expm_prim(A)


def expm_frechet(A, E, method=None, compute_expm=True, check_finite=True):
    """(expm(A), L(A, E)) or L(A, E) alone: the Frechet derivative of expm at A in
    direction E, by the block-triangular identity."""
    frechet = _frechet(A, E)
    return (expm(A), frechet) if compute_expm else frechet


# ---------------------------------------------------------------- block_diag

def block_diag(*arrs):
    """The block diagonal matrix of the arguments (each made 2-D as SciPy does: a
    scalar or a 1-D array is one row); composed from concatenate."""
    if not arrs:
        return _onp.zeros((1, 0))
    blocks = [np.atleast_2d(a) for a in arrs]
    cols = [_onp.shape(b)[1] for b in blocks]
    total = sum(cols)
    dtype = _onp.result_type(*[getval(b) for b in blocks])
    rows, start = [], 0
    for b, c in zip(blocks, cols):
        r = _onp.shape(b)[0]
        left = _onp.zeros((r, start), dtype=dtype)
        right = _onp.zeros((r, total - start - c), dtype=dtype)
        rows.append(np.concatenate([left, b, right], axis=1))
        start += c
    return np.concatenate(rows, axis=0)


# ---------------------------------------------------------------- SciPy's names for numpy.linalg's rules

def _unsupported(name, **options):
    used = [k for k, v in options.items() if v not in (None, False)]
    if used:
        raise NotImplementedError(f"fastgrad.scipy.linalg.{name} does not differentiate with {used}")


def eigh(a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False, type=1,
         check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """(w, v) or w: the eigenvalues (ascending) and eigenvectors of a symmetric matrix read
    from its `lower` or upper triangle (the standard problem only)."""
    _unsupported("eigh", b=b, subset_by_index=subset_by_index, subset_by_value=subset_by_value)
    uplo = "L" if lower else "U"
    if eigvals_only:
        return _nla.eigvalsh(a, UPLO=uplo)
    return _nla.eigh(a, UPLO=uplo)


def eigvalsh(a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1, check_finite=True,
             subset_by_index=None, subset_by_value=None, driver=None):
    """The eigenvalues (ascending) of a symmetric matrix read from one triangle."""
    _unsupported("eigvalsh", b=b, subset_by_index=subset_by_index, subset_by_value=subset_by_value)
    return _nla.eigvalsh(a, UPLO="L" if lower else "U")


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    """(U, s, Vh), or s alone with compute_uv=False."""
    return _nla.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def svdvals(a, overwrite_a=False, check_finite=True):
    """The singular values, descending."""
    return _nla.svdvals(a)


_QR_MODES = {"full": "complete", "economic": "reduced"}


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """(Q, R) for mode 'full' or 'economic', (R,) for mode 'r' (SciPy's conventions: R
    is (m, n) in 'full' and 'r', (k, n) in 'economic')."""
    _unsupported("qr", pivoting=pivoting)
    if mode == "r":
        return (_nla.qr(a, mode="complete")[1],)
    if mode not in _QR_MODES:
        raise NotImplementedError(f"fastgrad.scipy.linalg.qr does not differentiate mode {mode!r}")
    return _nla.qr(a, mode=_QR_MODES[mode])


def pinv(a, *, atol=None, rtol=None, return_rank=False, check_finite=True):
    """The pseudo-inverse (singular values below rtol times the largest count as zero)."""
    _unsupported("pinv", atol=atol, return_rank=return_rank)
    return _nla.pinv(a) if rtol is None else _nla.pinv(a, rtol=rtol)


def norm(a, ord=None, axis=None, keepdims=False, check_finite=True):
    """A vector or matrix norm, as numpy.linalg.norm."""
    return _nla.norm(a, ord=ord, axis=axis, keepdims=keepdims)
