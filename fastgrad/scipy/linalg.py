"""fastgrad.scipy.linalg: SciPy's dense linear algebra, differentiable in both modes.

Every name of scipy.linalg is here, in one of four kinds:
  * Primitives (rules below each): solve_triangular, cholesky, the packed LU factor of
    lu_factor, solve_banded, solve_sylvester, solve_discrete_lyapunov, the continuous
    and discrete algebraic Riccati equations, sqrtm, and the matrix functions whose
    Frechet derivative is read off a block matrix (expm, logm, signm,
    fractional_matrix_power).
  * Composed from those, from fastgrad.numpy.linalg and from fastgrad.numpy (no rules
    of their own): the factorizations and solvers built on them (cho_factor, cho_solve,
    lu, solve, inv, det, the banded Cholesky family, solve_toeplitz, solve_circulant,
    solve_continuous_lyapunov), the trigonometric and hyperbolic matrix functions and funm,
    SciPy's names for the decompositions fastgrad.numpy.linalg differentiates (eigh,
    eig, svd, qr, pinv, lstsq, ... translating SciPy's arguments onto it), what is built
    from decompositions (orth, null_space, polar, rq, subspace_angles, ...), and the
    special matrices (toeplitz, circulant, ...; see _special_matrices.py).
  * No derivative to carry: queries (bandwidth, issymmetric, ...), the BLAS and LAPACK
    getters, and the matrices built from a size alone pass plain values through.
  * No derivative rule here (schur, qz, ldl, hessenberg, ...): they raise TypeError on
    traced input, naming what to use instead, and run SciPy on plain values. Options
    that are not differentiated (a generalized eigenproblem, pivoting, subsets of eigh)
    likewise go to SciPy with plain values and raise with traced ones.
A composed function called with plain values only returns SciPy's own result where its
composition takes another route than SciPy (plain_to_scipy).
The exception and warning classes (LinAlgError, LinAlgWarning) are SciPy's.

Conventions. Matrices are 2-D and real (SciPy's batched and complex forms are not
differentiated here, except where a composition carries them). A function that reads
only one triangle of its input (cholesky, solve_triangular, cho_solve) is
differentiated as that function: the other triangle gets a zero derivative, and the
triangle read gets the derivative of the symmetric matrix it stands for, so the
derivative is that of the function SciPy actually computes, and agrees with finite
differences in any direction. Where a composition computes a decomposition by another
route than SciPy (eigenvectors of a band or tridiagonal matrix, rq), signs and bases
are matched to SciPy's result by a constant factor, so values agree with SciPy.
Batched tangents (k, n, n) meet 2-D solvers as one wide right-hand side (`_columns`).

Imports SciPy; must not be imported by fastgrad/__init__.py.
"""

import numpy as _onp
import scipy.linalg as _sla

from .. import numpy as np
from ..engine import getval
from ..numpy import linalg as _nla
from ..numpy._plain import refusing_traced
from ..base import defrules, lift, sum_to_shape, unbroadcast
from ..engine import Primitive
from ..tree import flatten
from . import _special_matrices
from ._special_matrices import (  # noqa: F401  (public names of this module)
    block_diag, circulant, companion, convolution_matrix, dft, diagsvd, fiedler, fiedler_companion, hadamard,
    hankel, helmert, hilbert, invhilbert, invpascal, khatri_rao, leslie, pascal, toeplitz,
)
from ._special_matrices import plain_to_scipy, traced

LinAlgError = _sla.LinAlgError
LinAlgWarning = _sla.LinAlgWarning
test = _sla.test


def _maps_over_stacks():
    try:
        return _onp.shape(_sla.logm(_onp.ones((2, 1, 1)))) == (2, 1, 1)
    except ValueError:
        return False


# SciPy 1.16 and later map logm, signm, fractional_matrix_power, solve_discrete_lyapunov
# (nearly all of scipy.linalg) over the leading axes of stacked matrices, as the rules
# here need for batched tangents; before, they take one matrix at a time, so the stack
# is mapped here instead.
_SCIPY_MAPS_OVER_STACKS = _maps_over_stacks()


def _over_stacks(fun, *cores):
    """fun mapped over the leading axes of its first len(cores) arguments (argument i has
    cores[i] axes of its own), where SciPy does not do it itself; plain values only."""
    if _SCIPY_MAPS_OVER_STACKS:
        return fun

    def mapped(*args, **kwargs):
        arrays = [_onp.asarray(a) for a in args[:len(cores)]]
        batch = _onp.broadcast_shapes(*[a.shape[:a.ndim - c] for a, c in zip(arrays, cores)])
        if not batch:
            return fun(*args, **kwargs)
        arrays = [_onp.broadcast_to(a, batch + a.shape[a.ndim - c:]) for a, c in zip(arrays, cores)]
        out = [fun(*[a[i] for a in arrays], *args[len(cores):], **kwargs) for i in _onp.ndindex(batch)]
        return _onp.reshape(_onp.stack(out), batch + _onp.shape(out[0]))

    return mapped

# SciPy's classes and its test runner, passed through.
_PASSTHROUGH = ("LinAlgError", "LinAlgWarning", "test")

__all__ = list(_PASSTHROUGH) + [
    # factorizations and solvers
    "solve_triangular", "cholesky", "cho_factor", "cho_solve", "lu_factor", "lu_solve", "lu",
    "solve", "inv", "det", "solve_banded", "cholesky_banded", "cho_solve_banded", "solveh_banded",
    "solve_toeplitz", "matmul_toeplitz", "solve_circulant",
    "solve_sylvester", "solve_continuous_lyapunov", "solve_lyapunov", "solve_discrete_lyapunov",
    "solve_continuous_are", "solve_discrete_are",
    # matrix functions
    "sqrtm", "expm", "expm_frechet", "logm", "signm", "fractional_matrix_power", "funm",
    "cosm", "sinm", "tanm", "coshm", "sinhm", "tanhm",
    # decompositions and what is built from them
    "eigh", "eigvalsh", "eig", "eigvals", "eig_banded", "eigvals_banded", "eigh_tridiagonal",
    "eigvalsh_tridiagonal", "svd", "svdvals", "qr", "qr_multiply", "rq", "pinv", "pinvh", "lstsq",
    "norm", "orth", "null_space", "polar", "orthogonal_procrustes", "subspace_angles", "cdf2rdf",
    "matrix_balance", "clarkson_woodruff_transform",
    # no derivative to carry
    "bandwidth", "ishermitian", "issymmetric", "find_best_blas_type", "get_blas_funcs", "get_lapack_funcs",
    # no derivative rule: TypeError on traced input
    "schur", "rsf2csf", "qz", "ordqz", "hessenberg", "ldl", "cossin", "expm_cond",
    "qr_update", "qr_insert", "qr_delete",
] + _special_matrices.__all__

# SciPy 1.13 still has kron, which later SciPy removed; autograd.scipy.linalg passes it on
# where SciPy has it, and so does this module (NumPy's kron, the same product).
if hasattr(_sla, "kron"):
    kron = np.kron
    __all__.append("kron")


# ---------------------------------------------------------------- helpers

def _T(x):
    return np.swapaxes(x, -1, -2)


def _tri_mask(n, lower, k=0):
    ones = _onp.ones((n, n), dtype=bool)  # (a boolean mask keeps float32 values float32)
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


# SciPy 1.18 zeroes the triangle of cho_factor's c that the factor does not use; before,
# it holds a's entries there.
_CHO_FACTOR_ZEROES = _sla.cho_factor(_onp.array([[1.0, 0.5], [0.5, 1.0]]), lower=True)[0][0, 1] == 0.0


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """(c, lower): the factor in one triangle of c; zeros in the other, or a's entries
    there before SciPy 1.18 (as the installed SciPy)."""
    factor = cholesky(a, lower=lower)
    if _CHO_FACTOR_ZEROES:
        return factor, lower
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


def _band_slots(l, u, n):
    """For each slot of an (l+u+1, n) band array, the flat index of the matrix entry it
    holds, and the mask of slots that hold one (the corners hold none)."""
    i, c = _onp.indices((l + u + 1, n))
    r = i - u + c
    inside = (r >= 0) & (r < n)
    return _onp.where(inside, r, 0) * n + c, inside


def _dense_to_band(l, u, m):
    """The band array of the entries of m inside the band (the adjoint of _band_to_dense)."""
    index, inside = _band_slots(l, u, _onp.shape(m)[-1])
    flat = np.reshape(m, _onp.shape(m)[:-2] + (-1,))
    return np.take(flat, index, axis=-1) * inside


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


# ---------------------------------------------------------------- symmetric banded matrices
# One triangle in band form: lower, ab[i - j, j] = A[i, j] (i >= j), the (p, 0) band of
# solve_banded; upper, ab[p + i - j, j] = A[i, j] (i <= j), its (0, p) band.

def _one_triangle(ab, lower):
    p = _onp.shape(getval(ab))[-2] - 1
    return (p, 0) if lower else (0, p)


def _symmetric_band_to_dense(ab, lower):
    """The symmetric matrix of a band stored by one triangle; the entries of that triangle
    stand for both of their places."""
    half = _band_to_dense(*_one_triangle(ab, lower), ab)
    return half + _T(_tril(half, -1) if lower else _triu(half, 1))


@plain_to_scipy
def cholesky_banded(ab, overwrite_ab=False, lower=False, check_finite=True):
    """The Cholesky factor (L if lower, else U) of a symmetric positive definite band
    matrix, in the band form it was given in. Composed from the dense cholesky (O(n^3),
    where LAPACK's banded factorization is O(n p^2)); the unused corner slots of ab are
    passed through, as LAPACK leaves them."""
    l_and_u = _one_triangle(ab, lower)
    factor = cholesky(_symmetric_band_to_dense(ab, lower), lower=lower)
    _, inside = _band_slots(*l_and_u, _onp.shape(getval(ab))[-1])
    return _dense_to_band(*l_and_u, factor) + ab * ~inside


@plain_to_scipy
def cho_solve_banded(cb_and_lower, b, overwrite_b=False, check_finite=True):
    """x with A x = b, A = L L^T (or U^T U) given by cholesky_banded: two banded
    triangular solves; the shape of b."""
    cb, lower = cb_and_lower
    l_and_u = _one_triangle(cb, lower)
    transposed = _transposed_band(l_and_u, cb)
    if lower:
        return solve_banded(*transposed, solve_banded(l_and_u, cb, b))
    return solve_banded(l_and_u, cb, solve_banded(*transposed, b))


@plain_to_scipy
def solveh_banded(ab, b, overwrite_ab=False, overwrite_b=False, lower=False, check_finite=True):
    """x with A x = b for a symmetric (positive definite) band matrix stored by one
    triangle: solve_banded on the full band; the shape of b."""
    p = _onp.shape(getval(ab))[-2] - 1
    full = _dense_to_band(p, p, _symmetric_band_to_dense(ab, lower))
    return solve_banded((p, p), full, b)


# ---------------------------------------------------------------- Sylvester and Lyapunov

def _sylvester_value(a, b, q):
    if not _SCIPY_MAPS_OVER_STACKS:
        return _over_stacks(_sla.solve_sylvester, 2, 2, 2)(a, b, q)
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


def _stein_value(a, q, method=None):
    return _over_stacks(_sla.solve_discrete_lyapunov, 2, 2)(a, q, method=method)


# x - a x a^T = q: dx - a dx a^T = dq + da x a^T + a x da^T; the adjoint solves
# y - a^T y a = g. As for Sylvester, q (so x) may carry batch axes a lacks.
def _stein_jvp_a(t, ans, a, q, method=None):
    t = lift(t, _onp.ndim(ans))
    rhs = np.matmul(np.matmul(t, ans), _T(a)) + np.matmul(np.matmul(a, ans), _T(t))
    return _stein_prim(a, rhs, method=method)


def _stein_vjp_a(g, ans, a, q, method=None):
    y = _stein_prim(_T(a), g, method=method)
    ga = np.matmul(np.matmul(y, a), _T(ans)) + np.matmul(np.matmul(_T(y), a), ans)
    return sum_to_shape(ga, _onp.shape(a))


_stein_prim = defrules(
    Primitive(_stein_value, "solve_discrete_lyapunov"),
    jvp=[_stein_jvp_a, lambda t, ans, a, q, method=None: _stein_prim(a, t, method=method)],
    vjp=[_stein_vjp_a,
         lambda g, ans, a, q, method=None: sum_to_shape(_stein_prim(_T(a), g, method=method), _onp.shape(q))],
)


def solve_discrete_lyapunov(a, q, method=None):
    """x with x - a x a^T = q (real a; SciPy's 'direct' or 'bilinear' method); the shape of q."""
    return _stein_prim(a, q, method=method)


# ---------------------------------------------------------------- algebraic Riccati equations
# Both solutions are differentiated implicitly. With K the optimal gain and Acl = a - b K
# the closed loop, the residual F(x; a, b, q, r) has the partial derivative in x
#   continuous  F_x[dx] = Acl^T dx + dx Acl               (K = r^-1 b^T x)
#   discrete    F_x[dx] = Acl^T dx Acl - dx              (K = (r + b^T x b)^-1 b^T x a)
# and in the parameters (the same form for both, with W = x for the continuous
# equation and W = x Acl for the discrete one)
#   F_p[dp] = dq + da^T W + W^T da - W^T db K - K^T db^T W + K^T dr K,
# so dx = -F_x^-1 F_p[dp]: a Sylvester (continuous) or Stein (discrete) equation in the
# closed loop. The reverse rules solve the adjoint equation for y once per argument and
# apply F_p's transpose. q and r enter through their symmetric parts (SciPy requires
# them symmetric), so every direction of them is a valid one.

def _care_value(a, b, q, r, balanced=True):
    return _sla.solve_continuous_are(a, b, q, r, balanced=balanced)


def _dare_value(a, b, q, r, balanced=True):
    return _sla.solve_discrete_are(a, b, q, r, balanced=balanced)


def _gain(ans, a, b, r, discrete):
    """(K, Acl, W) at the solution ans (see above)."""
    bt_x = np.matmul(_T(b), ans)
    if discrete:
        K = _nla.solve(r + np.matmul(bt_x, b), np.matmul(bt_x, a))
    else:
        K = _nla.solve(r, bt_x)
    closed = a - np.matmul(b, K)
    return K, closed, (np.matmul(ans, closed) if discrete else ans)


def _riccati_rhs(argnum, t, K, W):
    """F_p[dp] for a tangent t of argument argnum (a, b, q, r)."""
    if argnum == 0:
        return np.matmul(_T(t), W) + np.matmul(_T(W), t)
    if argnum == 1:
        return -np.matmul(np.matmul(_T(W), t), K) - np.matmul(np.matmul(_T(K), _T(t)), W)
    if argnum == 2:
        return t
    return np.matmul(np.matmul(_T(K), t), K)


def _riccati_transpose(argnum, y, K, W):
    """The transpose of _riccati_rhs for argument argnum, applied to y."""
    if argnum == 0:
        return np.matmul(W, _T(y)) + np.matmul(W, y)
    if argnum == 1:
        return -np.matmul(np.matmul(W, y), _T(K)) - np.matmul(np.matmul(W, _T(y)), _T(K))
    if argnum == 2:
        return y
    return np.matmul(np.matmul(K, y), _T(K))


def _riccati_rules(discrete):
    def jvp(argnum):
        def rule(t, ans, a, b, q, r, balanced=True):
            K, closed, W = _gain(ans, a, b, r, discrete)
            rhs = _riccati_rhs(argnum, t, K, W)
            if discrete:
                return _stein_prim(_T(closed), rhs)
            return -_solve_sylvester_prim(_T(closed), closed, rhs)
        return rule

    def vjp(argnum):
        def rule(g, ans, a, b, q, r, balanced=True):
            K, closed, W = _gain(ans, a, b, r, discrete)
            if discrete:
                y = _stein_prim(closed, g)
            else:
                y = -_solve_sylvester_prim(closed, _T(closed), g)
            return _riccati_transpose(argnum, y, K, W)
        return rule

    return [jvp(i) for i in range(4)], [vjp(i) for i in range(4)]


_care_prim = defrules(Primitive(_care_value, "solve_continuous_are"), *_riccati_rules(discrete=False))
_dare_prim = defrules(Primitive(_dare_value, "solve_discrete_are"), *_riccati_rules(discrete=True))


def _symmetric_part(x):
    return 0.5 * (x + _T(x))


def _riccati(name, prim, a, b, q, r, e, s, balanced):
    if e is not None or s is not None:
        if traced(a, b, q, r, e, s):
            raise TypeError(f"fastgrad.scipy.linalg.{name} differentiates the equation without e and s; "
                            "for the generalized one, transform it to that form first")
        return getattr(_sla, name)(a, b, q, r, e, s, balanced)
    return prim(a, b, _symmetric_part(q), _symmetric_part(r), balanced=balanced)


def solve_continuous_are(a, b, q, r, e=None, s=None, balanced=True):
    """The stabilizing solution x of a^T x + x a - x b r^-1 b^T x + q = 0 (n, n),
    differentiable in a, b, q and r."""
    return _riccati("solve_continuous_are", _care_prim, a, b, q, r, e, s, balanced)


def solve_discrete_are(a, b, q, r, e=None, s=None, balanced=True):
    """The stabilizing solution x of a^T x a - x - a^T x b (r + b^T x b)^-1 b^T x a + q = 0
    (n, n), differentiable in a, b, q and r."""
    return _riccati("solve_discrete_are", _dare_prim, a, b, q, r, e, s, balanced)


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


def _frechet(f, A, E):
    """The Frechet derivative L_f(A, E) of a primary matrix function f, read off the upper
    right block of f([[A, E], [0, A]]) (Mathias 1996); E may carry a leading batch axis.
    The block function is f itself, so this is differentiable again."""
    n = _onp.shape(A)[-1]
    A = np.broadcast_to(A, _onp.shape(E))
    zero = _onp.zeros(_onp.shape(E))
    block = np.concatenate([np.concatenate([A, E], axis=-1), np.concatenate([zero, A], axis=-1)], axis=-2)
    return f(block)[..., :n, n:]


def _matrix_function(value, name):
    """A primitive for a primary matrix function value(A, *params) computed by SciPy,
    differentiated in A by the block identity: JVP L_f(A, t), VJP L_f(A^T, g). The second
    is the adjoint of the first under sum(X * Y), since f(A^T) = f(A)^T for the functions
    here (real power series coefficients, principal branches)."""
    prim = Primitive(value, name)

    def jvp(t, ans, A, *params):
        return _frechet(lambda M: prim(M, *params), A, t)

    def vjp(g, ans, A, *params):
        return _frechet(lambda M: prim(M, *params), _T(A), g)

    return defrules(prim, jvp={0: jvp}, vjp={0: vjp})


_expm_prim = _matrix_function(lambda A: _sla.expm(A), "expm")
_logm_prim = _matrix_function(_over_stacks(_sla.logm, 2), "logm")
_signm_prim = _matrix_function(_over_stacks(_sla.signm, 2), "signm")
_power_prim = _matrix_function(_over_stacks(_sla.fractional_matrix_power, 2), "fractional_matrix_power")


# d/dt A^t = log(A) A^t (the two commute).
def _power_jvp_t(t_dot, ans, A, t):
    return lift(t_dot, _onp.ndim(ans)) * np.matmul(logm(A), ans)


def _power_vjp_t(g, ans, A, t):
    return unbroadcast(np.sum(g * np.matmul(logm(A), ans), axis=(-2, -1)), t)


defrules(_power_prim, jvp={1: _power_jvp_t}, vjp={1: _power_vjp_t})


def expm(A):
    """The matrix exponential (by scaling and squaring); the shape of A."""
    return _expm_prim(A)


def expm_frechet(A, E, method=None, compute_expm=True, check_finite=True):
    """(expm(A), L(A, E)) or L(A, E) alone: the Frechet derivative of expm at A in
    direction E, by the block-triangular identity."""
    frechet = _frechet(_expm_prim, A, E)
    return (expm(A), frechet) if compute_expm else frechet


_NOT_GIVEN = object()


def _with_error_estimate(F, disp, estimate):
    """SciPy's optional (F, errest) return: the error estimate is SciPy's, of the plain value."""
    if disp is _NOT_GIVEN or disp:
        return F
    return F, estimate()


def logm(A, disp=_NOT_GIVEN):
    """The principal matrix logarithm (real for a real matrix with no eigenvalues on the
    closed negative axis); the shape of A. With disp=False, (F, SciPy's error estimate)."""
    return _with_error_estimate(_logm_prim(A), disp, lambda: _sla.logm(getval(A), disp=False)[1])


def signm(A, disp=_NOT_GIVEN):
    """The matrix sign function (no eigenvalues on the imaginary axis); the shape of A.
    With disp=False, (F, SciPy's error estimate)."""
    return _with_error_estimate(_signm_prim(A), disp, lambda: _sla.signm(getval(A), disp=False)[1])


def fractional_matrix_power(A, t):
    """A^t, the principal fractional power, differentiable in A and in t; the shape of A."""
    return _power_prim(A, t)


def _real_like(A, F):
    """F made real when A is real and F's imaginary part is rounding (as SciPy does)."""
    if _onp.iscomplexobj(getval(A)) or not _onp.iscomplexobj(getval(F)):
        return F
    if _onp.allclose(_onp.imag(getval(F)), 0.0, atol=1e6 * _onp.finfo(float).eps):
        return np.real(F)
    return F


@plain_to_scipy
def funm(A, func, disp=True):
    """func applied to the square matrix A (func must be vectorized). On traced input it
    is V diag(func(w)) V^-1 from eig (func must be written with fastgrad.numpy, and sees
    the eigenvalues, complex where A's are): differentiable where A is diagonalizable,
    and, for the derivative in A, where its eigenvalues are distinct (eig's rule raises
    otherwise). With disp=False, (F, SciPy's error estimate)."""
    w, v = _nla.eig(A)
    F = _real_like(A, _T(_nla.solve(_T(v), _T(v * func(w)[..., None, :]))))
    return F if disp else (F, _sla.funm(getval(A), func, disp=False)[1])


# The trigonometric functions from one real exponential: expm([[0, A], [-A, 0]]) is
# [[cosm(A), sinm(A)], [-sinm(A), cosm(A)]] (J = [[0, 1], [-1, 0]] squares to -I), for
# real and complex A alike; SciPy's expm(iA) gives the same values to rounding.
def _cos_and_sin(A):
    n = _onp.shape(getval(A))[-1]
    zero = _onp.zeros(_onp.shape(getval(A)))
    block = np.concatenate([np.concatenate([zero, A], axis=-1), np.concatenate([-A, zero], axis=-1)], axis=-2)
    both = expm(block)
    return both[..., :n, :n], both[..., :n, n:]


def cosm(A):
    """The matrix cosine (expm(iA) + expm(-iA)) / 2; real for real A."""
    return _cos_and_sin(A)[0]


def sinm(A):
    """The matrix sine (expm(iA) - expm(-iA)) / 2i; real for real A."""
    return _cos_and_sin(A)[1]


def tanm(A):
    """The matrix tangent cosm(A)^-1 sinm(A)."""
    cos, sin = _cos_and_sin(A)
    return solve(cos, sin)


def coshm(A):
    """The hyperbolic matrix cosine (expm(A) + expm(-A)) / 2."""
    return _real_like(A, 0.5 * (expm(A) + expm(-A)))


def sinhm(A):
    """The hyperbolic matrix sine (expm(A) - expm(-A)) / 2."""
    return _real_like(A, 0.5 * (expm(A) - expm(-A)))


def tanhm(A):
    """The hyperbolic matrix tangent coshm(A)^-1 sinhm(A)."""
    return _real_like(A, solve(coshm(A), sinhm(A)))


# ---------------------------------------------------------------- Toeplitz and circulant systems

def _first_column_and_row(c_or_cr):
    if isinstance(c_or_cr, tuple):
        return c_or_cr
    return c_or_cr, None


@plain_to_scipy
def solve_toeplitz(c_or_cr, b, check_finite=True):
    """x with T x = b for the Toeplitz matrix T of (c, r) (or c, with r = conj(c)); the
    shape of b. Composed as solve(toeplitz(c, r), b): O(n^3), where SciPy's Levinson
    recursion is O(n^2)."""
    return solve(toeplitz(*_first_column_and_row(c_or_cr)), b)


@plain_to_scipy
def matmul_toeplitz(c_or_cr, x, check_finite=False, workers=None):
    """toeplitz(c, r) @ x (SciPy uses FFTs; this is the dense product)."""
    return np.matmul(toeplitz(*_first_column_and_row(c_or_cr)), x)


@plain_to_scipy
def solve_circulant(c, b, singular="raise", tol=None, caxis=-1, baxis=0, outaxis=0):
    """x with C x = b for the circulant matrix C of first column c, by FFTs along caxis of c
    and baxis of b (result along outaxis). Near-singular C (an eigenvalue |fft(c)| <= tol)
    raises LinAlgError, or with singular='lstsq' those eigenvalues are dropped, as SciPy."""
    c, b = np.atleast_1d(c), np.atleast_1d(b)
    fc = np.fft.fft(np.moveaxis(c, caxis, -1), axis=-1)
    abs_fc = _onp.abs(getval(fc))
    n = abs_fc.shape[-1]
    if tol is None:
        tol = abs_fc.max(axis=-1, keepdims=True) * n * _onp.finfo(_onp.float64).eps
    near = abs_fc <= tol
    if near.any():
        if singular == "raise":
            raise LinAlgError("near singular circulant matrix.")
        fc = np.where(near, 1.0, fc)
    q = np.fft.fft(np.moveaxis(b, baxis, -1), axis=-1) / fc
    if near.any():
        q = np.where(near, 0.0, q)
    x = np.fft.ifft(q, axis=-1)
    if not (_onp.iscomplexobj(getval(c)) or _onp.iscomplexobj(getval(b))):
        x = np.real(x)
    return x if outaxis == -1 else np.moveaxis(x, -1, outaxis)


# ---------------------------------------------------------------- SciPy's names for numpy.linalg's rules

def _scipy_for(name, values, **options):
    """Whether the call uses options fastgrad does not differentiate: then plain values go
    to SciPy (the caller returns its result), and traced values raise."""
    used = [k for k, v in options.items() if v is not None and v is not False]
    if not used:
        return False
    if traced(*values):
        raise NotImplementedError(f"fastgrad.scipy.linalg.{name} does not differentiate with {used}")
    return True


def eigh(a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False, type=1,
         check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """(w, v) or w: the eigenvalues (ascending) and eigenvectors of a symmetric matrix read
    from its `lower` or upper triangle (the standard problem only)."""
    if _scipy_for("eigh", (a, b), b=b, subset_by_index=subset_by_index, subset_by_value=subset_by_value):
        return _sla.eigh(a, b, lower=lower, eigvals_only=eigvals_only, type=type, check_finite=check_finite,
                         subset_by_index=subset_by_index, subset_by_value=subset_by_value, driver=driver)
    uplo = "L" if lower else "U"
    if eigvals_only:
        return _nla.eigvalsh(a, UPLO=uplo)
    return _nla.eigh(a, UPLO=uplo)


def eigvalsh(a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1, check_finite=True,
             subset_by_index=None, subset_by_value=None, driver=None):
    """The eigenvalues (ascending) of a symmetric matrix read from one triangle."""
    if _scipy_for("eigvalsh", (a, b), b=b, subset_by_index=subset_by_index, subset_by_value=subset_by_value):
        return _sla.eigvalsh(a, b, lower=lower, type=type, check_finite=check_finite,
                             subset_by_index=subset_by_index, subset_by_value=subset_by_value, driver=driver)
    return _nla.eigvalsh(a, UPLO="L" if lower else "U")


def _complex(w):
    """Eigenvalues as SciPy's eig returns them: always complex."""
    return w if _onp.iscomplexobj(getval(w)) else w + 0j


def _homogeneous(w, homogeneous_eigvals):
    return np.stack([w, _onp.ones(_onp.shape(getval(w)), dtype=complex)]) if homogeneous_eigvals else w


def eig(a, b=None, left=False, right=True, overwrite_a=False, overwrite_b=False, check_finite=True,
        homogeneous_eigvals=False):
    """(w, vr) or w: the eigenvalues (complex) and the right eigenvectors (unit columns,
    largest entry real, as LAPACK) of a square matrix; the standard problem with right
    eigenvectors only (a generalized problem or left eigenvectors: plain values only)."""
    if _scipy_for("eig", (a, b), b=b, left=left):
        return _sla.eig(a, b, left=left, right=right, check_finite=check_finite,
                        homogeneous_eigvals=homogeneous_eigvals)
    if not right:
        return eigvals(a, homogeneous_eigvals=homogeneous_eigvals)
    w, v = _nla.eig(a)
    return _homogeneous(_complex(w), homogeneous_eigvals), v


def eigvals(a, b=None, overwrite_a=False, check_finite=True, homogeneous_eigvals=False):
    """The eigenvalues (complex) of a square matrix (the standard problem)."""
    if _scipy_for("eigvals", (a, b), b=b):
        return _sla.eigvals(a, b, check_finite=check_finite, homogeneous_eigvals=homogeneous_eigvals)
    return _homogeneous(_complex(_nla.eigvals(a)), homogeneous_eigvals)


# ---------------------------------------------------------------- symmetric band and tridiagonal eigenproblems
# The dense symmetric matrix through eigh / eigvalsh, the subset SciPy's select keeps,
# and the eigenvectors' signs matched to SciPy's (a constant factor per column).

def _selection(w, select, select_range):
    """The indices of the ascending eigenvalues w that select / select_range keep."""
    if select in ("a", "all", 0):
        return _onp.arange(len(w))
    low, high = select_range
    if select in ("v", "value", 1):
        return _onp.flatnonzero((w > low) & (w <= high))
    if select in ("i", "index", 2):
        return _onp.arange(int(low), int(high) + 1)
    raise ValueError(f"invalid argument for select: {select!r}")


def _matching_signs(v, reference):
    """v with each column's sign chosen to match the reference's (a constant factor)."""
    signs = _onp.sign(_onp.sum(getval(v) * reference, axis=-2))
    return v * _onp.where(signs == 0, 1.0, signs)


def _symmetric_eigen(A, eigvals_only, select, select_range, reference):
    if eigvals_only:
        w = _nla.eigvalsh(A)
        return w[_selection(getval(w), select, select_range)]
    w, v = _nla.eigh(A)
    keep = _selection(getval(w), select, select_range)
    return w[keep], _matching_signs(v[:, keep], reference()[1])


@plain_to_scipy
def eig_banded(a_band, lower=False, eigvals_only=False, overwrite_a_band=False, select="a",
               select_range=None, max_ev=0, check_finite=True):
    """(w, v) or w of a symmetric band matrix stored by one triangle (as solveh_banded);
    through the dense eigh."""
    return _symmetric_eigen(
        _symmetric_band_to_dense(a_band, lower), eigvals_only, select, select_range,
        lambda: _sla.eig_banded(getval(a_band), lower=lower, select=select, select_range=select_range))


@plain_to_scipy
def eigvals_banded(a_band, lower=False, overwrite_a_band=False, select="a", select_range=None,
                   check_finite=True):
    """The eigenvalues of a symmetric band matrix stored by one triangle."""
    return eig_banded(a_band, lower=lower, eigvals_only=True, select=select, select_range=select_range)


def _tridiagonal(d, e):
    """The symmetric tridiagonal matrix with diagonal d and off-diagonal e (a gather)."""
    n = _onp.shape(getval(d))[-1]
    values = np.concatenate([d, e, _onp.zeros(1)])
    index = _onp.full((n, n), 2 * n - 1)
    i = _onp.arange(n)
    index[i, i] = i
    index[i[:-1], i[1:]] = index[i[1:], i[:-1]] = n + i[:-1]
    return np.take(values, index)


@plain_to_scipy
def eigh_tridiagonal(d, e, eigvals_only=False, select="a", select_range=None, check_finite=True, tol=0.0,
                     lapack_driver="auto"):
    """(w, v) or w of the symmetric tridiagonal matrix with diagonal d and off-diagonal e;
    through the dense eigh."""
    return _symmetric_eigen(
        _tridiagonal(d, e), eigvals_only, select, select_range,
        lambda: _sla.eigh_tridiagonal(getval(d), getval(e), select=select, select_range=select_range))


@plain_to_scipy
def eigvalsh_tridiagonal(d, e, select="a", select_range=None, check_finite=True, tol=0.0, lapack_driver="auto"):
    """The eigenvalues of the symmetric tridiagonal matrix with diagonal d and off-diagonal e."""
    return eigh_tridiagonal(d, e, eigvals_only=True, select=select, select_range=select_range)


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    """(U, s, Vh), or s alone with compute_uv=False."""
    return _nla.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def svdvals(a, overwrite_a=False, check_finite=True):
    """The singular values, descending."""
    return _nla.svdvals(a)


_QR_MODES = {"full": "complete", "economic": "reduced"}


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """(Q, R) for mode 'full' or 'economic', (R,) for mode 'r' (SciPy's conventions: R
    is (m, n) in 'full' and 'r', (k, n) in 'economic'). Pivoting and mode 'raw': plain
    values only."""
    if _scipy_for("qr", (a,), pivoting=pivoting, raw=mode == "raw"):
        return _sla.qr(a, lwork=lwork, mode=mode, pivoting=pivoting, check_finite=check_finite)
    if mode == "r":
        return (_nla.qr(a, mode="complete")[1],)
    if mode not in _QR_MODES:
        raise ValueError("Mode argument should be one of ['full', 'r', 'economic', 'raw']")
    return _nla.qr(a, mode=_QR_MODES[mode])


@plain_to_scipy
def qr_multiply(a, c, mode="right", pivoting=False, conjugate=False, overwrite_a=False, overwrite_c=False):
    """(Q @ c, R) for mode 'left', (c @ Q, R) for mode 'right', with Q (m, k) and R (k, n)
    of the economic QR of a (conj(Q) with conjugate=True). Pivoting: plain values only."""
    if _scipy_for("qr_multiply", (a, c), pivoting=pivoting):
        return _sla.qr_multiply(a, c, mode=mode, pivoting=pivoting, conjugate=conjugate)
    if mode not in ("left", "right"):
        raise ValueError(f"Mode argument can only be 'left' or 'right' but not '{mode}'")
    q, r = _nla.qr(a, mode="reduced")
    if conjugate:
        q = np.conj(q)
    return (np.matmul(q, c) if mode == "left" else np.matmul(c, q)), r


@plain_to_scipy
def rq(a, overwrite_a=False, lwork=None, mode="full", check_finite=True):
    """(R, Q) with a = R Q, R upper trapezoidal and Q orthogonal ('full': Q (n, n);
    'economic': R (m, k), Q (k, n)); R alone for mode 'r'. From the QR of a's rows
    reversed and transposed; then Q's rows (and R's columns) are turned by the constant
    orthogonal matrix that makes them SciPy's (signs, and a basis of the complement). With
    fewer rows m than columns n, 'full' Q's first n - m rows are a basis of the complement of
    the last m: only their span is determined, and so is only its derivative, as for the
    extra columns of qr's mode 'complete'."""
    if _scipy_for("rq", (a,), raw=mode == "raw"):
        return _sla.rq(a, lwork=lwork, mode=mode, check_finite=check_finite)
    if mode not in ("full", "r", "economic"):
        raise ValueError("Mode argument should be one of ['full', 'r', 'economic']")
    scipy_mode = "economic" if mode == "economic" else "full"
    # a[::-1]^T = Q1 R1 gives a = (J R1^T J) (J Q1^T), J reversing the order.
    q1, r1 = _nla.qr(_T(a[::-1]), mode="reduced" if mode == "economic" else "complete")
    R = _T(r1)[::-1, ::-1]
    Q = _T(q1)[::-1]
    Q_ref = _sla.rq(getval(a), mode=scipy_mode)[1]
    turn = Q_ref @ _onp.conj(getval(Q)).T
    R, Q = np.matmul(R, _onp.conj(turn).T), np.matmul(turn, Q)
    return R if mode == "r" else (R, Q)


def _rank_cutoff(values, atol, rtol, shape):
    """(cutoff relative to the largest |value|, rank) for SciPy's atol + rtol * max|value|
    rule (rtol defaults to max(shape) * eps)."""
    largest = _onp.max(_onp.abs(values), initial=0.0)
    atol = 0.0 if atol is None else atol
    rtol = max(shape) * _onp.finfo(_onp.result_type(values, float)).eps if rtol is None else rtol
    if atol < 0 or rtol < 0:
        raise ValueError("atol and rtol values must be positive.")
    cutoff = atol + largest * rtol
    return (cutoff / largest if largest > 0 else 1.0), int(_onp.sum(_onp.abs(values) > cutoff))


def pinv(a, *, atol=None, rtol=None, return_rank=False, check_finite=True):
    """The pseudo-inverse; singular values up to atol + rtol * (the largest) count as zero.
    Its derivative is taken at constant rank."""
    rcond, rank = _rank_cutoff(_onp.linalg.svd(getval(a), compute_uv=False), atol, rtol, _onp.shape(getval(a)))
    out = _nla.pinv(a, rcond=rcond)
    return (out, rank) if return_rank else out


def pinvh(a, atol=None, rtol=None, lower=True, return_rank=False, check_finite=True):
    """The pseudo-inverse of a symmetric matrix read from its `lower` or upper triangle;
    eigenvalues up to atol + rtol * (the largest |eigenvalue|) count as zero. Its
    derivative is taken at constant rank."""
    h = _symmetric_from_triangle(a, lower)
    rcond, rank = _rank_cutoff(_onp.linalg.eigvalsh(getval(h)), atol, rtol, _onp.shape(getval(a)))
    out = _nla.pinv(h, rcond=rcond, hermitian=True)
    return (out, rank) if return_rank else out


def lstsq(a, b, cond=None, overwrite_a=False, overwrite_b=False, check_finite=True, lapack_driver=None):
    """(x, residues, rank, s) as SciPy's: x = pinv(a) b with singular values below cond
    times the largest dropped (cond defaults to eps); residues |b - a x|^2 per column
    when a has full column rank and more rows than columns (a scalar for 1-D b), else
    empty; s the singular values (None with lapack_driver='gelsy')."""
    if not traced(a, b):
        return _sla.lstsq(a, b, cond=cond, check_finite=check_finite, lapack_driver=lapack_driver)
    eps = _onp.finfo(_onp.result_type(getval(a), getval(b), float)).eps
    x, residues, rank, s = _nla.lstsq(a, b, rcond=eps if cond is None else cond)
    if _onp.ndim(getval(b)) == 1 and _onp.size(getval(residues)):
        residues = residues[0]
    return x, residues, rank, (None if lapack_driver == "gelsy" else s)


@plain_to_scipy
def norm(a, ord=None, axis=None, keepdims=False, check_finite=True):
    """A vector or matrix norm, as numpy.linalg.norm."""
    return _nla.norm(a, ord=ord, axis=axis, keepdims=keepdims)


# ---------------------------------------------------------------- built from decompositions

def _svd_rank(s, shape, rcond):
    """SciPy's numerical rank of a matrix with singular values s: those above
    max(s) * rcond, rcond defaulting to eps * max(shape)."""
    s = getval(s)
    if rcond is None:
        rcond = _onp.finfo(_onp.result_type(s, float)).eps * max(shape)
    return int(_onp.sum(s > _onp.max(s, initial=0.0) * rcond))


def orth(A, rcond=None):
    """An orthonormal basis of A's range: the leading left singular vectors, (m, rank)."""
    u, s, _ = _nla.svd(A, full_matrices=False)
    return u[:, :_svd_rank(s, _onp.shape(getval(A)), rcond)]


def null_space(A, rcond=None, *, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    """An orthonormal basis of A's null space: the trailing right singular vectors,
    (n, n - rank). Where they span more than the zero singular values' (n > m) any
    rotation among them is as valid, and the derivative takes it to be zero (see
    fastgrad.numpy.linalg.svd); functions of the space (the projector N N^T) do not
    depend on that choice."""
    _, s, vh = _nla.svd(A, full_matrices=True)
    return np.conj(_T(vh[_svd_rank(s, _onp.shape(getval(A)), rcond):]))


def polar(a, side="right"):
    """(u, p) with a = u p ('right') or a = p u ('left'): u = W Vh from the SVD a = W S Vh,
    p = V S Vh or W S W^H. The derivative is that of the SVD's factors, which exists for
    distinct singular values."""
    if side not in ("right", "left"):
        raise ValueError("`side` must be either 'right' or 'left'")
    w, s, vh = _nla.svd(a, full_matrices=False)
    u = np.matmul(w, vh)
    if side == "right":
        return u, np.matmul(np.conj(_T(vh)) * s, vh)
    return u, np.matmul(w * s, np.conj(_T(w)))


def orthogonal_procrustes(A, B, check_finite=True):
    """(R, scale): the orthogonal R minimizing |A R - B| (the polar factor of A^H B), and
    the sum of A^H B's singular values."""
    if _onp.ndim(getval(A)) != 2:
        raise ValueError(f"expected ndim to be 2, but observed {_onp.ndim(getval(A))}")
    if _onp.shape(getval(A)) != _onp.shape(getval(B)):
        raise ValueError(f"the shapes of A and B differ ({_onp.shape(getval(A))} vs {_onp.shape(getval(B))})")
    u, w, vt = _nla.svd(np.matmul(np.conj(_T(A)), B), full_matrices=False)
    return np.matmul(u, vt), np.sum(w)


def _range_basis(A):
    """An orthonormal basis of A's range: the QR's Q where A has full column rank (its
    derivative exists for any such A), orth's otherwise."""
    n = _onp.shape(getval(A))[1]
    if _svd_rank(_onp.linalg.svd(getval(A), compute_uv=False), _onp.shape(getval(A)), None) == n:
        return _nla.qr(A, mode="reduced")[0]
    return orth(A)


def subspace_angles(A, B):
    """The principal angles (radians, descending) between the ranges of A and B, as SciPy
    computes them (Knyazev and Argentati 2002): from the cosines sigma, the singular
    values of QA^H QB, or, where sigma^2 >= 1/2 (small angles, where arccos loses
    accuracy), from the sines, the singular values of the other basis less its
    projection. The angles do not depend on the bases, so full-rank A and B get theirs
    from QR."""
    if _onp.ndim(getval(A)) != 2 or _onp.ndim(getval(B)) != 2:
        raise ValueError("expected 2D arrays")
    if _onp.shape(getval(A))[0] != _onp.shape(getval(B))[0]:
        raise ValueError("A and B must have the same number of rows")
    qa, qb = _range_basis(A), _range_basis(B)
    cross = np.matmul(np.conj(_T(qa)), qb)
    sigma = _nla.svdvals(cross)
    if _onp.shape(getval(qa))[1] >= _onp.shape(getval(qb))[1]:
        rest = qb - np.matmul(qa, cross)
    else:
        rest = qa - np.matmul(qb, np.conj(_T(cross)))
    # SciPy's choice, entry by entry, between the two formulas.
    use_sine = getval(sigma) ** 2 >= 0.5
    if not use_sine.any():
        return np.arccos(np.clip(sigma[::-1], -1.0, 1.0))
    # (0 stands in where the sine is taken: arccos' is infinite at a cosine of 1, and the
    # branch not taken must not turn a zero derivative into 0 * inf)
    from_cosine = np.arccos(np.clip(np.where(use_sine, 0.0, sigma[::-1]), -1.0, 1.0))
    from_sine = np.arcsin(np.clip(_nla.svdvals(rest), -1.0, 1.0))
    return np.where(use_sine, from_sine, from_cosine)


@plain_to_scipy
def cdf2rdf(w, v):
    """(wr, vr): eigenvalues and eigenvectors (complex, conjugate pairs adjacent, as eig
    returns them) turned real, each pair of eigenvalues into the 2x2 block
    [[re, im], [-im, re]] and each pair of vectors into their real and imaginary parts.
    Both are linear in the real and imaginary parts of w and v."""
    _sla.cdf2rdf(getval(w), getval(v))  # SciPy's checks of shapes and conjugate pairs
    wv = getval(w)
    n = wv.shape[-1]
    stack = wv.shape[:-1]
    # wr[..., p, q] = sum_i real_pick[..., p, q, i] re(w)[..., i] + imag_pick[..., p, q, i] im(w)[..., i]
    real_pick = _onp.zeros(stack + (n, n, n))
    imag_pick = _onp.zeros(stack + (n, n, n))
    turn = _onp.zeros(stack + (n, n), dtype=complex)
    i = _onp.arange(n)
    real_pick[..., i, i, i] = 1.0
    turn[..., i, i] = 1.0
    for index in _onp.ndindex(stack):
        paired = _onp.flatnonzero(_onp.iscomplex(wv[index]))
        for j, k in zip(paired[0::2], paired[1::2]):
            imag_pick[index + (j, k, j)] = imag_pick[index + (k, j, k)] = 1.0
            turn[index + (j, j)], turn[index + (j, k)] = 0.5j, 0.5
            turn[index + (k, j)], turn[index + (k, k)] = -0.5j, 0.5
    wr = np.einsum("...pqi,...i->...pq", real_pick, np.real(w)) + \
        np.einsum("...pqi,...i->...pq", imag_pick, np.imag(w))
    return wr, np.real(np.matmul(v, turn))


@plain_to_scipy
def matrix_balance(A, permute=True, scale=True, separate=False, overwrite_a=False):
    """(B, T) with B = T^-1 A T balanced (T a permutation times a diagonal of powers of
    two), or (B, (scale, perm)) with separate=True. T is piecewise constant in A, so B is
    differentiated as T^-1 A T with T fixed."""
    _, T = _sla.matrix_balance(getval(A), permute=permute, scale=scale)
    B = np.matmul(np.matmul(_onp.linalg.inv(T), A), T)
    if separate:
        return B, _sla.matrix_balance(getval(A), permute=permute, scale=scale, separate=True)[1]
    return B, T


@plain_to_scipy
def clarkson_woodruff_transform(input_matrix, sketch_size, *source, **kwargs):
    """S @ input_matrix for SciPy's random sparse sketch S (sketch_size, n), drawn once
    from rng (or seed) as SciPy draws it; linear in input_matrix."""
    n = _onp.shape(getval(input_matrix))[-2]
    # SciPy 1.15 renamed the third argument `seed` to `rng` (keeping `seed=` as a keyword):
    # the installed SciPy takes the source of randomness as given.
    sketch = _sla.clarkson_woodruff_transform(_onp.eye(n), sketch_size, *source, **kwargs)
    return np.matmul(sketch, input_matrix)


# ---------------------------------------------------------------- no derivative to carry

def _no_derivative(fun):
    """A query or getter whose output carries no derivative: plain values (also inside
    tuples and lists, as the getters take them) go to SciPy."""
    def passthrough(*args, **kwargs):
        leaves, rebuild = flatten((args, kwargs))
        args, kwargs = rebuild([getval(leaf) for leaf in leaves])
        return fun(*args, **kwargs)

    passthrough.__name__ = fun.__name__
    passthrough.__doc__ = fun.__doc__
    passthrough.__wrapped__ = fun
    passthrough.nondifferentiable = True
    return passthrough


bandwidth = _no_derivative(_sla.bandwidth)
ishermitian = _no_derivative(_sla.ishermitian)
issymmetric = _no_derivative(_sla.issymmetric)
find_best_blas_type = _no_derivative(_sla.find_best_blas_type)
get_blas_funcs = _no_derivative(_sla.get_blas_funcs)
get_lapack_funcs = _no_derivative(_sla.get_lapack_funcs)


# ---------------------------------------------------------------- no derivative rule

def _plain_values_only(name, instead):
    """SciPy's function for plain values; on traced input a TypeError naming what to
    differentiate instead (so no derivative is ever dropped silently)."""
    return refusing_traced(getattr(_sla, name), (
        f"fastgrad.scipy.linalg.{name} has no derivative: {instead}. "
        "It runs SciPy on plain (untraced) values only."), name=name)


_UPDATE_QR = "compute qr of the updated matrix instead"

schur = _plain_values_only("schur", "Schur vectors are not unique where eigenvalues repeat; use eig "
                                    "(or eigh for a symmetric matrix), or a matrix function such as expm or logm")
rsf2csf = _plain_values_only("rsf2csf", "use eig for the complex eigenvalues and eigenvectors")
qz = _plain_values_only("qz", "use eigvals(solve(b, a)) for the generalized eigenvalues")
ordqz = _plain_values_only("ordqz", "use eigvals(solve(b, a)) for the generalized eigenvalues")
hessenberg = _plain_values_only("hessenberg", "use eig, qr or a matrix function of the matrix itself")
ldl = _plain_values_only("ldl", "use solve(..., assume_a='sym'), cholesky or lu")
cossin = _plain_values_only("cossin", "use svd or qr of the blocks")
expm_cond = _plain_values_only("expm_cond", "differentiate expm or expm_frechet")
qr_update = _plain_values_only("qr_update", _UPDATE_QR)
qr_insert = _plain_values_only("qr_insert", _UPDATE_QR)
qr_delete = _plain_values_only("qr_delete", _UPDATE_QR)


# ---------------------------------------------------------------- autograd's helper names
# autograd's module also holds the extension API it imports and its rule helpers (not in
# __all__); fastgrad.scipy._autograd_names attaches them to this module.
