"""fastgrad.numpy.linalg: NumPy's linear algebra, differentiable in both modes, over stacks.

Primitives (each with its forward and reverse rule side by side): solve, det,
slogdet, cholesky, eigh, eigvalsh, eig, eigvals, svd, svdvals, qr and pinv.
Everything else is composed from them and from the other families (inv is
solve against the identity, norm is sums, maxima and singular values, lstsq is
pinv, ...), so it needs no rule of its own. Every rule is written with
fastgrad's own functions, so derivatives of every order follow.

Stacks. Every matrix argument may carry leading stack axes, (..., m, n), as in
NumPy; a batched tangent adds one more leading axis, (k, ..., m, n), and
matmul and solve broadcast over it, so the rules never look at the stack.

Several outputs. A primitive returns one array, so a decomposition returns its
factors packed: each factor flattened over its matrix axes and concatenated
along one last axis, shape (..., total) (`_pack`, `_unpack`). The public
function unpacks them into NumPy's named result (EighResult, SVDResult, ...);
the rules pack and unpack tangents and cotangents the same way.

Complex inputs follow autograd's convention (see numpy/elementwise.py): the
pairing of a cotangent g with a tangent t is Re(sum(g * t)), no conjugate, so a
holomorphic function's VJP is the plain transpose of its JVP (solve, det, inv),
and a function that conjugates (cholesky, eigh, svd, qr, pinv) has as VJP the
adjoint of its real-linear JVP under that pairing.

One triangle. cholesky, eigh, eigvalsh and the hermitian=True forms of svd and
pinv read one triangle of a (the real part of its diagonal), as LAPACK does, so
their derivatives are those of that function of a: the gradient sits on that
triangle. (autograd spreads a symmetric gradient over both triangles for
cholesky; the two agree on Hermitian perturbations.)

Singular points, decided once for the whole module. "Equal" and "zero" mean to
working precision: within n eps max|value|, the tolerance matrix_rank uses (for
eig's eigenvalues, times cond(V), their accuracy by Bauer-Fike).
  - det at a singular matrix: its derivative is the adjugate, which exists; it
    is computed from the SVD where a is singular or ill-conditioned (cond_1 >
    eps^-1/2), and as det(a) inv(a) elsewhere.
  - slogdet at an exactly singular matrix (sign 0, log|det| = -inf), and the
    factors of qr at a rank-deficient matrix (a zero on R's diagonal, within
    10 max(m, n) eps max|R|, QR's backward error with margin): the
    derivative is infinite; the rules raise LinAlgError.
  - eigenvectors (eigh, eig) at a repeated eigenvalue, singular vectors (svd) at a
    repeated singular value, or at a zero singular value that the thin factors
    divide by: the factors are not unique there, and their derivative exists
    only for perturbations (forward) or cotangents (reverse) that do not couple
    the equal pair. The rules compute it in that case (the coupling term is 0)
    and raise LinAlgError otherwise, naming the function to use instead
    (eigvalsh, eigvals, svdvals).
  - eigenvalues alone (eigvalsh, eigvals, svdvals) always get the derivative
    diag(V^H dA V): exact for symmetric functions of them (sum, logdet, the
    nuclear norm) even where they repeat, and a one-sided choice (the basis the
    decomposition returned) for a single repeated one. Their second derivative
    involves the eigenvectors' and so raises at a repeated eigenvalue; so does
    det's at a singular matrix with a repeated nonzero singular value.
  - eigenvector phases: a real eigenvector or singular vector is fixed up to
    sign, which does not change under a small perturbation. A complex one is
    fixed up to a phase: eig follows LAPACK (unit norm, largest entry real), qr
    too (real diagonal of R); eigh and svd take the phase change to be zero
    (diag(V^H dV) = 0; for svd split equally between U and V), so only
    phase-invariant functions of complex eigh/svd vectors match differences.
  - full_matrices=True (svd) and mode='complete' (qr): the extra columns span
    the orthogonal complement, and any rotation among them is as valid; the
    rules take that rotation to be zero (they move only to stay orthogonal to
    the leading columns).
Imports: the NumPy base and the families before it; never the package namespace or a
layer above. autograd's helper names for this module (grad_solve, norm_jvp, ...) are
attached by numpy/_autograd_names.py.
"""

import numpy as _np

from ..engine import getval, isbox
from ..base import defrules, lift, unbroadcast
from ..engine import Primitive
from ..rules import nondifferentiable
from ._plain import takes_array_like

LinAlgError = _np.linalg.LinAlgError

__all__ = [
    "LinAlgError",
    "solve",
    "inv",
    "pinv",
    "det",
    "slogdet",
    "cholesky",
    "eigh",
    "eigvalsh",
    "eig",
    "eigvals",
    "svd",
    "svdvals",
    "qr",
    "lstsq",
    "norm",
    "vector_norm",
    "matrix_norm",
    "cond",
    "matrix_power",
    "matrix_rank",
    "tensorinv",
    "tensorsolve",
    "multi_dot",
    "matmul",
    "tensordot",
    "vecdot",
    "outer",
    "trace",
    "diagonal",
    "cross",
    "matrix_transpose",
]

_RESULTS = getattr(_np.linalg, "_linalg", None)


def _result(name, *parts):
    """NumPy's named result tuple (EighResult, ...) where NumPy has it, else a tuple."""
    kind = getattr(_RESULTS, name, None)
    return kind(*parts) if kind is not None else tuple(parts)


# ---------------------------------------------------------------- matrix helpers
def _T(x):
    return swapaxes(x, -1, -2)


def _iscomplex(x):
    return _np.iscomplexobj(x)


def _H(x):
    """The conjugate transpose of a stack of matrices."""
    return conj(_T(x)) if _iscomplex(x) else _T(x)


def _conj(x):
    return conj(x) if _iscomplex(x) else x


def _diag(x):
    return einsum("...ii->...i", x)


def _diag_embed(d):
    n = _np.shape(d)[-1]
    return d[..., :, None] * _np.eye(n)


def _tril(x, k=-1):
    n, m = _np.shape(x)[-2:]
    return x * _np.tri(n, m, k)


def _herm_from_lower(t):
    """The Hermitian matrix a function that reads only the lower triangle sees:
    tril(t, -1) + tril(t, -1)^H + Re(diag(t)) (LAPACK ignores Im of the diagonal)."""
    lower = _tril(t)
    d = real(t) if _iscomplex(t) else t
    return lower + _H(lower) + d * _np.eye(_np.shape(t)[-1])


def _herm_from_lower_T(g):
    """The transpose of `_herm_from_lower` under the pairing Re(sum(g * t))."""
    d = real(g) if _iscomplex(g) else g
    return _tril(g + _H(g)) + d * _np.eye(_np.shape(g)[-1])


def _herm_from(t, uplo):
    return _herm_from_lower(t if uplo.upper() == "L" else _H(t))


def _herm_from_T(g, uplo):
    out = _herm_from_lower_T(g)
    return out if uplo.upper() == "L" else _H(out)


def _right_solve(y, r):
    """y @ inv(r), by solving r^T x^T = y^T."""
    return _T(_solve(_T(r), _T(y)))


_EPS = _np.finfo(float).eps


def _tolerance(values, factor=1.0):
    """What counts as zero beside `values` (..., n): n * eps * max |value| (matrix_rank's
    tolerance), times `factor`; shape (..., 1)."""
    v = _np.abs(getval(values))
    return v.shape[-1] * _EPS * factor * _np.max(v, axis=-1, keepdims=True, initial=0.0)


def _safe_inverse(s):
    """1 / s with (numerically) zero entries mapped to 0, and the mask of those entries."""
    zero = _np.abs(getval(s)) <= _tolerance(s)
    return where(zero, 0.0, 1.0 / where(zero, 1.0, s)), zero


def _gap_inverse(w, squared=False, factor=1.0):
    """F[..., i, j] = 1 / (w_j - w_i) (of w**2 when `squared`) off the diagonal; 0 on it and
    where w_i and w_j are equal to working precision (within `_tolerance`); also the mask
    of those equal off-diagonal pairs."""
    wv = getval(w)
    same = _np.abs(wv[..., None, :] - wv[..., :, None]) <= _tolerance(w, factor)[..., None]
    ww = w * w if squared else w
    diff = ww[..., None, :] - ww[..., :, None]
    n = _np.shape(w)[-1]
    F = where(same, 0.0, 1.0 / where(same, 1.0, diff))
    return F, same & ~_np.eye(n, dtype=bool)


def _require(bad, quantity, message):
    """Raise LinAlgError where `quantity` is nonzero at a position marked `bad`; entries
    within rounding of zero (relative to its largest) count as zero."""
    if not _np.any(bad):
        return
    q = _np.abs(getval(quantity))
    if _np.any(bad & (q > 64 * _EPS * q.shape[-1] * _np.max(q, initial=0.0))):
        raise LinAlgError(message)


def _pack(parts, ndims):
    """Flatten each part over its last ndims axes and join them along one last axis."""
    flat = []
    for part, nd in zip(parts, ndims):
        shape = _np.shape(part)
        # The size written out, not -1: with an empty batch -1 has no single meaning.
        flat.append(reshape(part, shape[:len(shape) - nd] + (int(_np.prod(shape[len(shape) - nd:], dtype=int)),)))
    return concatenate(flat, axis=-1)


def _unpack(packed, shapes):
    """The parts of `packed`, each of its matrix shape in `shapes`."""
    prefix = _np.shape(packed)[:-1]
    out, start = [], 0
    for shape in shapes:
        size = int(_np.prod(shape, dtype=int))
        out.append(reshape(packed[..., start:start + size], prefix + tuple(shape)))
        start += size
    return out


# ---------------------------------------------------------------- solve, inv
def _solve(a, b):
    """solve with b a stack of matrices (..., m, k); the public `solve` takes vectors too."""
    return _np.linalg.solve(a, b)


# A tangent of an operand with fewer stack axes than the answer is lifted to the
# answer's stack (a batch axis first, then broadcast axes).
def _solve_jvp_a(t, ans, a, b):
    return -_solve(a, lift(t, _np.ndim(ans)) @ ans)


def _solve_vjp_a(g, ans, a, b):
    return unbroadcast(-_solve(_T(a), g) @ _T(ans), a)


_solve_prim = defrules(
    Primitive(_solve, "solve"),
    jvp=[_solve_jvp_a, lambda t, ans, a, b: _solve(a, lift(t, _np.ndim(ans)))],
    vjp=[_solve_vjp_a, lambda g, ans, a, b: unbroadcast(_solve(_T(a), g), b)],
)


def solve(a, b):
    """x with a @ x = b: shape (..., m) for a vector b of shape (m,), else b's stack shape."""
    if _np.ndim(b) == 1:
        return _solve_prim(a, b[:, None])[..., 0]
    return _solve_prim(a, b)


def inv(a):
    """inv(a) of a stack (..., n, n): solve against the identity (what NumPy's inv computes)."""
    return _solve_prim(a, _np.eye(_np.shape(a)[-1]))


# ---------------------------------------------------------------- det, slogdet
def _det(a):
    return _np.linalg.det(a)


def _adjugate(a, d):
    """adj(a), with d(det a)/da = adj(a)^T. det(a) inv(a) where a is well conditioned;
    near or at a singular matrix, where inv(a) is inaccurate or fails, from
    a = U diag(s) Vh: adj(a) = det(Vh) Vh^H diag(prod_{j!=i} s_j) det(U) U^H, finite for any a."""
    if _np.all(getval(d) != 0):
        a_inv = inv(a)
        cond = _norm1(getval(a)) * _norm1(getval(a_inv))
        if _np.all(cond < _EPS ** -0.5):
            return d[..., None, None] * a_inv
    u, s, vh = svd(a)
    n = _np.shape(s)[-1]
    others = _prod(where(_np.eye(n, dtype=bool), 1.0, s[..., None, :]), axis=-1)
    phase = det(u) * det(vh)
    return phase[..., None, None] * (_H(vh) @ (others[..., :, None] * _H(u)))


def _norm1(x):
    return _np.max(_np.sum(_np.abs(x), axis=-2), axis=-1, initial=0.0)


det = defrules(
    Primitive(_det, "det"),
    jvp=[lambda t, ans, a: _sum(_T(_adjugate(a, ans)) * t, axis=(-2, -1))],
    vjp=[lambda g, ans, a: unbroadcast(g[..., None, None] * _T(_adjugate(a, ans)), a)],
)


def _slogdet(a):
    sign, logabsdet = _np.linalg.slogdet(a)
    return _np.stack([sign, logabsdet], axis=-1)


def _slogdet_check(sign):
    if _np.any(getval(sign) == 0):
        raise LinAlgError("slogdet of a singular matrix: log|det| is -inf and has no derivative")


# d log det = tr(inv(A) dA) = tau: log|det| moves by Re(tau), sign by i Im(tau) sign
# (sign is constant for real A).
def _slogdet_jvp(t, ans, a):
    sign = ans[..., 0]
    _slogdet_check(sign)
    tau = _sum(_diag(_solve(a, t)), axis=-1)
    if _iscomplex(ans):
        return stack([sign * (1j * imag(tau)), real(tau) + 0j], axis=-1)
    return stack([_np.zeros(_np.shape(tau)), tau], axis=-1)


def _slogdet_vjp(g, ans, a):
    sign = ans[..., 0]
    _slogdet_check(sign)
    c = g[..., 1]
    if _iscomplex(ans):
        c = real(c) + 1j * imag(g[..., 0] * sign)
    return unbroadcast(c[..., None, None] * _T(inv(a)), a)


_slogdet_prim = defrules(Primitive(_slogdet, "slogdet"), jvp=[_slogdet_jvp], vjp=[_slogdet_vjp])


def slogdet(a):
    """(sign, logabsdet), each of the stack shape; logabsdet is real."""
    if not isbox(a):
        return _np.linalg.slogdet(a)
    packed = _slogdet_prim(a)
    sign, logabsdet = packed[..., 0], packed[..., 1]
    if _iscomplex(packed):
        logabsdet = real(logabsdet)
    return _result("SlogdetResult", sign, logabsdet)


# ---------------------------------------------------------------- cholesky
def _cholesky(a, upper=False):
    return _np.linalg.cholesky(a, upper=upper) if upper else _np.linalg.cholesky(a)


def _phi(x):
    """The lower triangle of x with its diagonal halved."""
    n = _np.shape(x)[-1]
    return x * (_np.tri(n, n, -1) + 0.5 * _np.eye(n))


# A = L L^H gives L^-1 dA L^-H = L^-1 dL + (L^-1 dL)^H, and L^-1 dL is lower triangular
# with a real diagonal, so dL = L phi(L^-1 dA L^-H). NumPy reads only the lower triangle
# of A (the upper one with upper=True), and only the real part of its diagonal.
def _cholesky_jvp(t, ans, a, upper=False):
    L = _H(ans) if upper else ans
    S = _herm_from(t, "U" if upper else "L")
    X = _H(_solve(L, _H(_solve(L, S))))
    dL = L @ _phi(X)
    return _H(dL) if upper else dL


def _cholesky_vjp(g, ans, a, upper=False):
    L = _H(ans) if upper else ans
    gL = _H(g) if upper else g
    M = _phi(_T(L) @ gL)
    N = _T(_solve(_H(L), _T(_solve(_T(L), M))))
    return unbroadcast(_herm_from_T(N, "U" if upper else "L"), a)


_cholesky_prim = defrules(Primitive(_cholesky, "cholesky"), jvp=[_cholesky_jvp], vjp=[_cholesky_vjp])


def cholesky(a, /, *, upper=False):
    """The lower Cholesky factor L of a stack of Hermitian positive-definite matrices
    (a = L L^H), or its upper factor L^H with upper=True; same shape as a."""
    return _cholesky_prim(a, upper=upper)


# ---------------------------------------------------------------- eigh, eigvalsh
def _eigh(a, UPLO="L"):
    w, v = _np.linalg.eigh(a, UPLO)
    return _pack([w, v], [1, 2])


def _eigh_parts(packed):
    n = _np.shape(packed)[-1]
    n = int(round((-1 + (1 + 4 * n) ** 0.5) / 2))
    w, v = _unpack(packed, [(n,), (n, n)])
    return (real(w) if _iscomplex(w) else w), v


_DEGENERATE_EIGH = ("eigh: the eigenvectors of a repeated eigenvalue are not unique and have no "
                    "derivative in this direction; eigvalsh differentiates the eigenvalues alone")


# A = V diag(w) V^H; with dA' = V^H dA V: dw = Re diag(dA'), dV = V (F o dA') with
# F_ij = 1 / (w_j - w_i), and diag(V^H dV) = 0 (the phase choice).
def _eigh_jvp(t, ans, a, UPLO="L"):
    w, v = _eigh_parts(ans)
    dA = _H(v) @ _herm_from(t, UPLO) @ v
    F, same = _gap_inverse(w)
    _require(same, dA, _DEGENERATE_EIGH)
    dw = _diag(dA)
    return _pack([real(dw) if _iscomplex(dw) else dw, v @ (F * dA)], [1, 2])


def _eigh_vjp(g, ans, a, UPLO="L"):
    w, v = _eigh_parts(ans)
    gw, gv = _eigh_parts(g)
    M = _T(v) @ gv
    F, same = _gap_inverse(w)
    _require(same, M, _DEGENERATE_EIGH)
    gX = _conj(v) @ (_diag_embed(gw) + F * M) @ _T(v)
    return unbroadcast(_herm_from_T(gX, UPLO), a)


_eigh_prim = defrules(Primitive(_eigh, "eigh"), jvp=[_eigh_jvp], vjp=[_eigh_vjp])


def eigh(a, UPLO="L"):
    """(eigenvalues (..., n) ascending, real; eigenvectors (..., n, n) as columns) of a
    stack of Hermitian matrices, reading the lower (UPLO='L') or upper triangle."""
    if not isbox(a):
        return _np.linalg.eigh(a, UPLO)
    w, v = _eigh_parts(_eigh_prim(a, UPLO=UPLO))
    return _result("EighResult", w, v)


def _eigvalsh(a, UPLO="L"):
    return _np.linalg.eigvalsh(a, UPLO)


def _eigvalsh_jvp(t, ans, a, UPLO="L"):
    v = eigh(a, UPLO)[1]
    dw = _sum(_conj(v) * (_herm_from(t, UPLO) @ v), axis=-2)
    return real(dw) if _iscomplex(dw) else dw


def _eigvalsh_vjp(g, ans, a, UPLO="L"):
    v = eigh(a, UPLO)[1]
    return unbroadcast(_herm_from_T((_conj(v) * g[..., None, :]) @ _T(v), UPLO), a)


eigvalsh = defrules(Primitive(_eigvalsh, "eigvalsh"), jvp=[_eigvalsh_jvp], vjp=[_eigvalsh_vjp])


# ---------------------------------------------------------------- eig, eigvals
def _eig(a):
    w, v = _np.linalg.eig(a)
    return _pack([w, v], [1, 2])


def _eig_parts(packed):
    n = _np.shape(packed)[-1]
    n = int(round((-1 + (1 + 4 * n) ** 0.5) / 2))
    return _unpack(packed, [(n,), (n, n)])


def _largest_entry(v):
    """One-hot (..., n, n): the entry of largest modulus of each column, which LAPACK makes real."""
    vv = _np.abs(getval(v))
    n = vv.shape[-2]
    if n == 0:
        # NumPy 2.5 refuses argmax over an empty axis even where the result is empty.
        return _np.zeros(vv.shape)
    return (_np.arange(n)[:, None] == _np.argmax(vv, axis=-2)[..., None, :]).astype(float)


def _eig_condition(v):
    """cond(V): eigenvalues of a non-normal matrix are accurate to about eps |A| cond(V)
    (Bauer-Fike), so that is how close two of them may be and still count as equal."""
    v = getval(v)
    if v.size == 0:  # no eigenvalues, none to tell apart (NumPy's cond rejects empty matrices)
        return _np.ones(v.shape[:-2] + (1,))
    return _np.linalg.cond(v)[..., None]


_DEGENERATE_EIG = ("eig: the eigenvectors of a repeated eigenvalue are not unique and have no "
                   "derivative in this direction; eigvals differentiates the eigenvalues alone")


# A = V diag(w) V^-1; with dA' = V^-1 dA V: dw = diag(dA'), dV0 = V (F o dA'),
# F_ij = 1 / (w_j - w_i). NumPy normalises each eigenvector to unit norm with its largest
# entry real; dV = dV0 + V diag(c) keeps both: Re c = -Re(v^H dv0), Im c = -Im(dv0_p / v_p).
def _eig_jvp(t, ans, a):
    w, v = _eig_parts(ans)
    dA = _solve(v, t @ v)
    F, same = _gap_inverse(w, factor=_eig_condition(v))
    _require(same, dA, _DEGENERATE_EIG)
    dv0 = v @ (F * dA)
    if _iscomplex(v):
        E = _largest_entry(v)
        c = -real(_sum(conj(v) * dv0, axis=-2)) - 1j * imag(_sum(E * dv0, axis=-2) / _sum(E * v, axis=-2))
    else:
        c = -_sum(v * dv0, axis=-2)
    return _pack([_diag(dA), dv0 + v * c[..., None, :]], [1, 2])


def _eig_vjp(g, ans, a):
    w, v = _eig_parts(ans)
    gw, gv = _eig_parts(g)
    s = _sum(v * gv, axis=-2)
    if _iscomplex(v):
        E = _largest_entry(v)
        vp = _sum(E * v, axis=-2)
        gv = gv - conj(v) * real(s)[..., None, :] - E * (1j * imag(s) / vp)[..., None, :]
    else:
        gv = gv - v * s[..., None, :]
    M = _T(v) @ gv
    F, same = _gap_inverse(w, factor=_eig_condition(v))
    _require(same, M, _DEGENERATE_EIG)
    vt = _T(v)
    return unbroadcast(_solve(vt, (_diag_embed(gw) + F * M) @ vt), a)


_eig_prim = defrules(Primitive(_eig, "eig"), jvp=[_eig_jvp], vjp=[_eig_vjp])


def eig(a):
    """(eigenvalues (..., n), right eigenvectors (..., n, n) as unit columns) of a stack of
    square matrices; complex unless all eigenvalues are real."""
    if not isbox(a):
        return _np.linalg.eig(a)
    w, v = _eig_parts(_eig_prim(a))
    return _result("EigResult", w, v)


def _eigvals(a):
    return _np.linalg.eigvals(a)


def _eigvectors_for(a, w):
    """Eigenvectors of a whose columns follow the order of the eigenvalues w."""
    w_eig, v = eig(a)
    if _np.size(w) == 0:
        return v
    # Each eigenvalue takes the nearest one of eig's not yet taken: a repeated eigenvalue,
    # rounded apart differently by the two LAPACK routines (in float32, say), still gets
    # as many distinct eigenvectors as it has copies.
    distance = _np.abs(getval(w)[..., :, None] - getval(w_eig)[..., None, :]).astype(float)
    order = _np.empty(distance.shape[:-1], dtype=int)
    for i in range(distance.shape[-1]):
        order[..., i] = _np.argmin(distance[..., i, :], axis=-1)
        taken = _np.broadcast_to(order[..., i, None, None], distance.shape[:-1] + (1,))
        _np.put_along_axis(distance, taken, _np.inf, axis=-1)
    if _np.all(order == _np.arange(_np.shape(w)[-1])):
        return v
    return take_along_axis(v, _np.broadcast_to(order[..., None, :], _np.shape(v)), axis=-1)


def _eigvals_jvp(t, ans, a):
    v = _eigvectors_for(a, ans)
    return _diag(_solve(v, t @ v))


def _eigvals_vjp(g, ans, a):
    v = _eigvectors_for(a, ans)
    vt = _T(v)
    return unbroadcast(_solve(vt, g[..., :, None] * vt), a)


eigvals = defrules(Primitive(_eigvals, "eigvals"), jvp=[_eigvals_jvp], vjp=[_eigvals_vjp])


# ---------------------------------------------------------------- svd, svdvals
def _svd(a, full_matrices=True, hermitian=False):
    u, s, vh = _np.linalg.svd(a, full_matrices=full_matrices, hermitian=hermitian)
    return _pack([u, s, vh], [2, 1, 2])


def _svd_parts(packed, a, full_matrices):
    m, n = _np.shape(a)[-2:]
    k = min(m, n)
    mu, nv = (m, n) if full_matrices else (k, k)
    u, s, vh = _unpack(packed, [(m, mu), (k,), (nv, n)])
    return u, (real(s) if _iscomplex(s) else s), vh


_DEGENERATE_SVD = ("svd: the singular vectors of a repeated singular value are not unique and have "
                   "no derivative in this direction; svdvals differentiates the singular values alone")
_ZERO_SVD = ("svd: the singular vectors of a zero singular value of a non-square matrix have no "
             "derivative in this direction; svdvals differentiates the singular values alone")


# A = U diag(s) V^H. With dP = U1^H dA V1 (the thin factors, k = min(m, n)):
#   ds = Re diag(dP),
#   U1^H dU1 = F o (dP S + S dP^H) + i Im(diag dP) / (2 s),  F_ij = 1 / (s_j^2 - s_i^2),
#   V1^H dV1 = F o (S dP + dP^H S) - i Im(diag dP) / (2 s),
#   plus, for a non-square A, (I - U1 U1^H) dA V1 S^-1 in dU1 and (I - V1 V1^H) dA^H U1 S^-1
#   in dV1; the extra columns of full matrices turn only to stay orthogonal to U1 (V1).
def _svd_jvp(t, ans, a, full_matrices=True, hermitian=False):
    m, n = _np.shape(a)[-2:]
    k = min(m, n)
    if hermitian:
        t = _herm_from_lower(t)
    u, s, vh = _svd_parts(ans, a, full_matrices)
    v = _H(vh)
    u1, v1 = u[..., :k], v[..., :k]
    dP = _H(u1) @ t @ v1
    dPH = _H(dP)
    s_row, s_col = s[..., None, :], s[..., :, None]
    ju = dP * s_row + s_col * dPH
    jv = s_col * dP + dPH * s_row
    F, same = _gap_inverse(s, squared=True)
    _require(same, ju, _DEGENERATE_SVD)
    _require(same, jv, _DEGENERATE_SVD)
    omega_u, omega_v = F * ju, F * jv
    s_inv, zero = _safe_inverse(s)
    if _iscomplex(ans):
        im = imag(_diag(dP))
        _require(zero, im, _ZERO_SVD)
        phase = _diag_embed(1j * im * s_inv / 2)
        omega_u, omega_v = omega_u + phase, omega_v - phase
    du, dv = u1 @ omega_u, v1 @ omega_v
    if m > k:
        r = t @ v1 - u1 @ dP
        _require(zero[..., None, :], r, _ZERO_SVD)
        r = r * s_inv[..., None, :]
        du = du + r
        if full_matrices:
            du = concatenate([du, -u1 @ _H(_H(u[..., k:]) @ r)], axis=-1)
    if n > k:
        r = _H(t) @ u1 - v1 @ dPH
        _require(zero[..., None, :], r, _ZERO_SVD)
        r = r * s_inv[..., None, :]
        dv = dv + r
        if full_matrices:
            dv = concatenate([dv, -v1 @ _H(_H(v[..., k:]) @ r)], axis=-1)
    ds = _diag(dP)
    return _pack([du, real(ds) if _iscomplex(ds) else ds, _H(dv)], [2, 1, 2])


def _svd_vjp(g, ans, a, full_matrices=True, hermitian=False):
    m, n = _np.shape(a)[-2:]
    k = min(m, n)
    u, s, vh = _svd_parts(ans, a, full_matrices)
    gu, gs, gvh = _svd_parts(g, a, full_matrices)
    v, gv = _H(vh), _H(gvh)
    u1, v1, gu1, gv1 = u[..., :k], v[..., :k], gu[..., :k], gv[..., :k]
    mu, mv = _T(u1) @ gu1, _T(v1) @ gv1
    s_row, s_col = s[..., None, :], s[..., :, None]
    coupling = (mu - _H(mu)) * s_row + s_col * (mv - _H(mv))
    F, same = _gap_inverse(s, squared=True)
    _require(same, coupling, _DEGENERATE_SVD)
    gP = _diag_embed(gs) + F * coupling
    s_inv, zero = _safe_inverse(s)
    if _iscomplex(ans):
        im = imag(_diag(mu)) - imag(_diag(mv))
        _require(zero, im, _ZERO_SVD)
        gP = gP + _diag_embed(1j * im * s_inv / 2)
    u1c, v1t = _conj(u1), _T(v1)
    ga = u1c @ gP @ v1t
    if m > k:
        left = gu1 - u1c @ mu
        if full_matrices:
            left = left - _conj(u[..., k:]) @ (_H(gu[..., k:]) @ u1c)
        _require(zero[..., None, :], left, _ZERO_SVD)
        ga = ga + (left * s_inv[..., None, :]) @ v1t
    if n > k:
        right = _H(gv1) - _H(mv) @ v1t
        if full_matrices:
            right = right - (v1t @ gv[..., k:]) @ _T(v[..., k:])
        _require(zero[..., :, None], right, _ZERO_SVD)
        ga = ga + u1c @ (s_inv[..., :, None] * right)
    if hermitian:
        ga = _herm_from_lower_T(ga)
    return unbroadcast(ga, a)


_svd_prim = defrules(Primitive(_svd, "svd"), jvp=[_svd_jvp], vjp=[_svd_vjp])


def _svdvals(a, hermitian=False):
    return _np.linalg.svd(a, compute_uv=False, hermitian=hermitian)


def _svdvals_jvp(t, ans, a, hermitian=False):
    u, _, vh = svd(a, full_matrices=False, hermitian=hermitian)
    if hermitian:
        t = _herm_from_lower(t)
    ds = _sum(_conj(u) * (t @ _H(vh)), axis=-2)
    return real(ds) if _iscomplex(ds) else ds


def _svdvals_vjp(g, ans, a, hermitian=False):
    u, _, vh = svd(a, full_matrices=False, hermitian=hermitian)
    ga = (_conj(u) * g[..., None, :]) @ _conj(vh)
    if hermitian:
        ga = _herm_from_lower_T(ga)
    return unbroadcast(ga, a)


_svdvals_prim = defrules(Primitive(_svdvals, "svdvals"), jvp=[_svdvals_jvp], vjp=[_svdvals_vjp])


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """(U (..., m, m or k), S (..., k) descending, Vh (..., n or k, n)) with k = min(m, n),
    or S alone when compute_uv is False. With full_matrices, the columns of U (rows of Vh)
    beyond k move only to stay orthogonal to the first k (see the module docstring)."""
    if not compute_uv:
        return _svdvals_prim(a, hermitian=hermitian)
    if not isbox(a):
        return _np.linalg.svd(a, full_matrices=full_matrices, hermitian=hermitian)
    u, s, vh = _svd_parts(_svd_prim(a, full_matrices=full_matrices, hermitian=hermitian), a, full_matrices)
    return _result("SVDResult", u, s, vh)


def svdvals(x, /):
    """The singular values (..., min(m, n)), descending."""
    return _svdvals_prim(x)


# ---------------------------------------------------------------- qr
def _qr(a, mode="reduced"):
    q, r = _np.linalg.qr(a, mode=mode)
    return _pack([q, r], [2, 2])


def _qr_parts(packed, a, mode):
    m, n = _np.shape(a)[-2:]
    k = min(m, n)
    mq = m if mode == "complete" else k
    return _unpack(packed, [(m, mq), (mq, n)])


def _qr_check(r1, m, n):
    # Householder QR is backward stable: a rank-deficient input leaves a diagonal entry of
    # order max(m, n) eps |R| (measured up to 1.6 times that over thousands of random
    # rank-deficient matrices, alike on every OpenBLAS kernel); ten times it gives margin.
    r = _np.abs(getval(r1))
    d = _np.diagonal(r, axis1=-2, axis2=-1)
    scale = 10 * max(m, n) * _EPS * _np.max(r, axis=(-2, -1), keepdims=True, initial=0.0)[..., 0]
    if _np.any(d <= scale):
        raise LinAlgError("qr of a rank-deficient matrix: R is singular and the factors have no derivative")


def _qr_square_jvp(t, q, r):
    """dQ, dR of A = Q R with R square (m >= n), Q's first n columns q (m, n).
    X = Q^H dA R^-1; Q^H dQ = Omega = tril(X, -1) - tril(X, -1)^H + i Im diag X (R's
    diagonal stays real, as LAPACK keeps it); dR = Q^H dA - Omega R."""
    z = _H(q) @ t
    x = _right_solve(z, r)
    low = _tril(x)
    omega = low - _H(low)
    if _iscomplex(x):
        omega = omega + _diag_embed(1j * imag(_diag(x)))
    dq = q @ omega
    if _np.shape(q)[-2] > _np.shape(q)[-1]:
        dq = dq + _right_solve(t - q @ z, r)
    return dq, z - omega @ r


def _qr_square_vjp(gq, gr, q, r, extra=None):
    """The transpose of `_qr_square_jvp`; `extra` adds to the bracket multiplied by R^-T."""
    qc = _conj(q)
    M = _T(q) @ gq - gr @ _T(r)
    low = _tril(M - _H(M))
    if _iscomplex(M):
        low = low + _diag_embed(1j * imag(_diag(M)))
    bracket = qc @ low
    if _np.shape(q)[-2] > _np.shape(q)[-1]:
        bracket = bracket + gq - qc @ (_T(q) @ gq)
    if extra is not None:
        bracket = bracket + extra
    return qc @ gr + _T(_solve(r, _T(bracket)))


def _qr_jvp(t, ans, a, mode="reduced"):
    m, n = _np.shape(a)[-2:]
    q, r = _qr_parts(ans, a, mode)
    if m >= n:
        q1, r1 = q[..., :n], r[..., :n, :]
        _qr_check(r1, m, n)
        dq, dr = _qr_square_jvp(t, q1, r1)
        if mode == "complete" and m > n:
            q2 = q[..., n:]
            dq = concatenate([dq, -q1 @ _H(_H(q2) @ _right_solve(t, r1))], axis=-1)
            dr = concatenate([dr, _np.zeros(_np.shape(dr)[:-2] + (m - n, n))], axis=-2)
        return _pack([dq, dr], [2, 2])
    # m < n: A = Q [R1 R2] with A1 = Q R1 square and R2 = Q^H A2.
    r1 = r[..., :m]
    _qr_check(r1, m, n)
    dq, dr1 = _qr_square_jvp(t[..., :m], q, r1)
    dr2 = _H(dq) @ a[..., m:] + _H(q) @ t[..., m:]
    return _pack([dq, concatenate([dr1, dr2], axis=-1)], [2, 2])


def _qr_vjp(g, ans, a, mode="reduced"):
    m, n = _np.shape(a)[-2:]
    q, r = _qr_parts(ans, a, mode)
    gq, gr = _qr_parts(g, a, mode)
    if m >= n:
        q1, r1 = q[..., :n], r[..., :n, :]
        _qr_check(r1, m, n)
        extra = None
        if mode == "complete" and m > n:
            extra = -_conj(q[..., n:]) @ (_H(gq[..., n:]) @ _conj(q1))
        return unbroadcast(_qr_square_vjp(gq[..., :n], gr[..., :n, :], q1, r1, extra), a)
    r1 = r[..., :m]
    _qr_check(r1, m, n)
    gr2 = gr[..., m:]
    ga1 = _qr_square_vjp(gq + _conj(a[..., m:]) @ _H(gr2), gr[..., :m], q, r1)
    return unbroadcast(concatenate([ga1, _conj(q) @ gr2], axis=-1), a)


_qr_prim = defrules(Primitive(_qr, "qr"), jvp=[_qr_jvp], vjp=[_qr_vjp])


def qr(a, mode="reduced"):
    """(Q (..., m, k), R (..., k, n)) with k = min(m, n) for mode 'reduced'; k = m for
    'complete' (whose columns of Q beyond n move only to stay orthogonal to the first n);
    R alone for 'r'. 'raw' is not differentiable."""
    if not isbox(a):
        return _np.linalg.qr(a, mode=mode)
    if mode not in ("reduced", "complete", "r"):
        raise NotImplementedError(f"qr mode {mode!r} returns LAPACK's raw reflectors, which fastgrad "
                                  "does not differentiate; use mode='reduced' or 'complete'")
    q, r = _qr_parts(_qr_prim(a, mode="reduced" if mode == "r" else mode), a,
                     "reduced" if mode == "r" else mode)
    return r if mode == "r" else _result("QRResult", q, r)


# ---------------------------------------------------------------- pinv
def _pinv(a, rcond=1e-15, hermitian=False, full_rank=(False, False)):
    return _np.linalg.pinv(a, rcond=rcond, hermitian=hermitian)


# The derivative of the pseudo-inverse P of A at constant rank (Golub and Pereyra 1973):
# dP = -P dA P + P P^H dA^H (I - A P) + (I - P A) dA^H P^H P.
# At full column rank P A = I, and at full row rank A P = I: those terms vanish, and are
# left out rather than computed as rounding errors that the conditioning amplifies (a
# hessian through the pinv of a square matrix of condition 170 was asymmetric by 4e-10).
# full_rank = (full column rank, full row rank), for every matrix of the stack.
def _pinv_jvp(t, ans, a, rcond=1e-15, hermitian=False, full_rank=(False, False)):
    if hermitian:
        t = _herm_from_lower(t)
    P, tH = ans, _H(t)
    out = -(P @ t @ P)
    if not full_rank[1]:
        out = out + (P @ _H(P)) @ (tH - (tH @ a) @ P)
    if not full_rank[0]:
        out = out + (tH - P @ (a @ tH)) @ (_H(P) @ P)
    return out


def _pinv_vjp(g, ans, a, rcond=1e-15, hermitian=False, full_rank=(False, False)):
    P, gT = ans, _T(g)
    ga = -(_T(P) @ g @ _T(P))
    if not full_rank[1]:
        ga = ga + _conj((gT - a @ (P @ gT)) @ (P @ _H(P)))
    if not full_rank[0]:
        ga = ga + _conj((_H(P) @ P) @ (gT - (gT @ P) @ a))
    if hermitian:
        ga = _herm_from_lower_T(ga)
    return unbroadcast(ga, a)


_pinv_prim = defrules(Primitive(_pinv, "pinv"), jvp=[_pinv_jvp], vjp=[_pinv_vjp])


def _full_rank(a, rcond, hermitian):
    """(full column rank, full row rank) of every matrix of the stack a, with NumPy's
    cutoff: singular values above rcond times the largest."""
    a = _np.asarray(getval(a))
    m, n = a.shape[-2:]
    if a.size == 0:
        return (False, False)
    s = _np.abs(_np.linalg.eigvalsh(a)) if hermitian else _np.linalg.svd(a, compute_uv=False)
    rank = _np.sum(s > _np.asarray(rcond)[..., None] * _np.max(s, axis=-1, keepdims=True), axis=-1)
    return (bool(_np.all(rank == n)), bool(_np.all(rank == m)))


_NO_VALUE = getattr(_np, "_NoValue", object())


def pinv(a, rcond=None, hermitian=False, *, rtol=_NO_VALUE):
    """The pseudo-inverse (..., n, m) of a stack (..., m, n); singular values below
    rcond (or rtol) times the largest count as zero. Its derivative is taken at
    constant rank."""
    if rcond is None:
        if rtol is _NO_VALUE:
            rcond = 1e-15
        elif rtol is None:
            rcond = max(_np.shape(a)[-2:]) * _np.finfo(_np.result_type(getval(a), float)).eps
        else:
            rcond = rtol
    elif rtol is not _NO_VALUE:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    if not isbox(a):
        return _pinv(a, rcond=rcond, hermitian=hermitian)
    return _pinv_prim(a, rcond=rcond, hermitian=hermitian, full_rank=_full_rank(a, rcond, hermitian))


# ---------------------------------------------------------------- composed: least squares
def lstsq(a, b, rcond=None):
    """(x, residuals, rank, singular values) as NumPy's lstsq; x = pinv(a) b with the same
    cutoff, residuals |b - a x|^2 per column when a has full column rank and m > n."""
    if not (isbox(a) or isbox(b)):
        return _np.linalg.lstsq(a, b, rcond=rcond)
    x_plain, resid_plain, rank, _ = _np.linalg.lstsq(getval(a), getval(b), rcond=rcond)
    m, n = _np.shape(a)[-2:]
    eps = _np.finfo(_np.result_type(getval(a), getval(b), float)).eps
    cutoff = eps * max(m, n) if rcond is None else (eps if rcond < 0 else rcond)
    x = pinv(a, rcond=cutoff) @ b
    if _np.size(resid_plain):
        r = b - a @ x
        r = r if _np.ndim(r) == 2 else r[:, None]
        resid = _sum(real(r * conj(r)) if _iscomplex(r) else r * r, axis=0)
    else:
        resid = resid_plain
    return x, resid, rank, svdvals(a)


# ---------------------------------------------------------------- composed: norms
def _abs2(x):
    return real(x * conj(x)) if _iscomplex(x) else x * x


def _safe_sqrt(s):
    """sqrt(s), with derivative 0 (rather than inf * 0) where s == 0: the norm of a zero
    vector has no derivative, and the rules take 0 (a subgradient) there."""
    zero = getval(s) == 0
    return where(zero, 0.0, sqrt(where(zero, 1.0, s)))


def _safe_root(s, p):
    # s == 0 with p < 0 only for an empty vector, whose norm NumPy makes 0 ** (1 / p) = inf.
    zero = getval(s) == 0
    return where(zero, 0.0 if p > 0 else _np.inf, power(where(zero, 1.0, s), 1.0 / p))


def _abs_power(x, p):
    """|x|**p, with derivative 0 where x == 0 (there it is infinite for p < 1)."""
    ax = absolute(x)
    zero = getval(ax) == 0
    return where(zero, 0.0 if p > 0 else _np.inf, power(where(zero, 1.0, ax), p))


def _check_axes(axes, ndim):
    for ax in axes:
        if not -ndim <= ax < ndim:
            raise _np.exceptions.AxisError(ax, ndim)


def _empty_norms_are_zero():
    """NumPy 2.1 made the max-norms (inf, 1, 2) of an empty array 0; NumPy 2.0 raises."""
    try:
        return _np.linalg.norm(_np.zeros(0), _np.inf) == 0
    except ValueError:
        return False


_EMPTY_NORMS_ARE_ZERO = _empty_norms_are_zero()


def _largest(a, axis, keepdims):
    """The largest entry of a (entries >= 0) over axis; over an empty axis 0, as in NumPy's
    norms, or the error older NumPy gives there (the smallest has no value and raises)."""
    shape = _np.shape(a)
    empty = _np.size(a) == 0 if axis is None else any(shape[i] == 0 for i in _np.atleast_1d(axis))
    if empty and _EMPTY_NORMS_ARE_ZERO:
        return _amax(a, axis=axis, keepdims=keepdims, initial=0.0)
    return _amax(a, axis=axis, keepdims=keepdims)


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return _safe_sqrt(_sum(_abs2(x), axis=axis, keepdims=keepdims))
    if ord == _np.inf:
        return _largest(absolute(x), axis, keepdims)
    if ord == -_np.inf:
        return _amin(absolute(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        # The number of nonzero entries: piecewise constant, no derivative.
        return _np.sum(getval(x) != 0, axis=axis, keepdims=keepdims).astype(_np.abs(getval(x)).dtype)
    if ord == 1:
        return _sum(absolute(x), axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    return _safe_root(_sum(_abs_power(x, ord), axis=axis, keepdims=keepdims), ord)


def _matrix_norm(x, ord, axes, keepdims):
    ndim = _np.ndim(x)
    row, col = (ax % ndim for ax in axes)
    if row == col:
        raise ValueError("Duplicate axes given.")
    if ord in (2, -2, "nuc"):
        s = svdvals(moveaxis(x, (row, col), (-2, -1)))
        if ord == 2:
            out = _largest(s, -1, False)
        else:
            out = _amin(s, axis=-1) if ord == -2 else _sum(s, axis=-1)
    elif ord in (None, "fro", "f"):
        out = _safe_sqrt(_sum(_abs2(x), axis=(row, col)))
    elif ord in (1, -1):
        sums, axis = _sum(absolute(x), axis=row), col - 1 if col > row else col
        out = _largest(sums, axis, False) if ord == 1 else _amin(sums, axis=axis)
    elif ord in (_np.inf, -_np.inf):
        sums, axis = _sum(absolute(x), axis=col), row - 1 if row > col else row
        out = _largest(sums, axis, False) if ord == _np.inf else _amin(sums, axis=axis)
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        shape = list(_np.shape(x))
        shape[row] = shape[col] = 1
        out = reshape(out, tuple(shape))
    return out


@takes_array_like
def norm(x, ord=None, axis=None, keepdims=False):
    """NumPy's norm: of the flattened array (axis None, ord None), a vector norm over one
    axis, or a matrix norm over two; every `ord` NumPy accepts."""
    if not isbox(x):
        return _np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    ndim = _np.ndim(x)
    if axis is None:
        if ord is None:
            out = _safe_sqrt(_sum(_abs2(x)))
            return reshape(out, (1,) * ndim) if keepdims else out
        if ndim == 1:
            axis = (0,)
        elif ndim == 2:
            axis = (0, 1)
        else:
            raise ValueError("Improper number of dimensions to norm.")
    elif not isinstance(axis, (tuple, list)):
        axis = (axis,)
    axis = tuple(axis)
    _check_axes(axis, ndim)
    if len(axis) == 1:
        return _vector_norm(x, ord, axis[0], keepdims)
    if len(axis) == 2:
        return _matrix_norm(x, ord, axis, keepdims)
    raise ValueError("Improper number of dimensions to norm.")


@takes_array_like
def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """The vector norm over `axis` (all axes when None; a tuple of axes counts as one)."""
    if not isbox(x):
        return _np.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)
    if axis is None and keepdims:
        return reshape(_vector_norm(x, ord, None, False), (1,) * _np.ndim(x))
    if axis is not None:
        _check_axes(axis if isinstance(axis, (tuple, list)) else (axis,), _np.ndim(x))
    return _vector_norm(x, ord, tuple(axis) if isinstance(axis, list) else axis, keepdims)


@takes_array_like
def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """The matrix norm of each matrix of a stack (..., m, n)."""
    if not isbox(x):
        return _np.linalg.matrix_norm(x, keepdims=keepdims, ord=ord)
    return _matrix_norm(x, ord, (-2, -1), keepdims)


def cond(x, p=None):
    """The condition number of each matrix of a stack, in the norm `p`."""
    if p is None or p in (2, -2):
        s = svdvals(x)
        return s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))


matrix_rank = nondifferentiable(_np.linalg.matrix_rank)


# ---------------------------------------------------------------- composed: products and powers
def matrix_power(a, n):
    """a @ a @ ... (n times) for a stack of square matrices; inv(a) for negative n."""
    if int(n) != n:
        raise TypeError("exponent must be an integer")
    n = int(n)
    if n == 0:
        return _np.broadcast_to(_np.eye(_np.shape(a)[-1], dtype=_np.result_type(getval(a))),
                                _np.shape(a)).copy()
    if n < 0:
        a, n = inv(a), -n
    if n == 3:
        # (NumPy's own order for a cube, (a a) a, where the binary powers give a (a a))
        return (a @ a) @ a
    result, power_of_a = None, a
    while True:
        if n & 1:
            result = power_of_a if result is None else result @ power_of_a
        n >>= 1
        if not n:
            return result
        power_of_a = power_of_a @ power_of_a


def tensorinv(a, ind=2):
    """The inverse of a, read as a linear map from its last axes (after the first `ind`)
    to its first `ind` axes; shape a.shape[ind:] + a.shape[:ind]."""
    shape = _np.shape(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    size = int(_np.prod(shape[ind:], dtype=int))
    return reshape(inv(reshape(a, (size, -1))), shape[ind:] + shape[:ind])


def tensorsolve(a, b, axes=None):
    """x with tensordot(a, x, x.ndim) = b; x has shape a.shape[b.ndim:] (after `axes`
    are moved to the end)."""
    if axes is not None:
        order = [ax for ax in range(_np.ndim(a)) if ax not in [ax % _np.ndim(a) for ax in axes]]
        a = transpose(a, tuple(order) + tuple(ax % _np.ndim(a) for ax in axes))
    shape = _np.shape(a)[_np.ndim(b):]
    size = int(_np.prod(shape, dtype=int))
    if int(_np.prod(_np.shape(a), dtype=int)) != size * size:
        raise LinAlgError("Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == "
                          "prod(a.shape[:b.ndim])")
    return reshape(solve(reshape(a, (size, size)), ravel(b)), shape)


def multi_dot(arrays, *, out=None):
    """The product of a chain of 2-D arrays (the first and last may be 1-D), in the
    cheapest order."""
    if out is not None:
        raise TypeError("fastgrad.numpy.linalg.multi_dot does not support out=")
    arrays = list(arrays)
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    if len(arrays) == 2:  # NumPy's own shortcut: dot, which takes any dimensions (0-d too)
        return _products.dot(arrays[0], arrays[1])
    first_1d, last_1d = _np.ndim(arrays[0]) == 1, _np.ndim(arrays[-1]) == 1
    if first_1d:
        arrays[0] = reshape(arrays[0], (1, -1))
    if last_1d:
        arrays[-1] = reshape(arrays[-1], (-1, 1))
    out = _chain(arrays, _chain_order([_np.shape(x) for x in arrays]), 0, len(arrays) - 1)
    if first_1d and last_1d:
        return out[0, 0]
    if first_1d:
        return out[0]
    if last_1d:
        return out[:, 0]
    return out


def _chain_order(shapes):
    """split[i][j]: where the cheapest product of arrays i..j splits (matrix chain order)."""
    dims = [shapes[0][0]] + [s[1] for s in shapes]
    n = len(shapes)
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = _np.inf
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, s
    return split


def _chain(arrays, split, i, j):
    if i == j:
        return arrays[i]
    s = split[i][j]
    return _chain(arrays, split, i, s) @ _chain(arrays, split, s + 1, j)


def _dot(a, b):
    """autograd's stacked matrix product, einsum('...ij,...jk->...ik')."""
    return einsum("...ij,...jk->...ik", a, b)


def vecdot(x1, x2, /, *, axis=-1):
    """_sum(conj(x1) * x2) over `axis`, broadcasting the other axes."""
    return _sum(_conj(x1) * x2, axis=axis)


def outer(x1, x2, /):
    """The outer product of two vectors, (m, n)."""
    if _np.ndim(x1) != 1 or _np.ndim(x2) != 1:
        raise ValueError("Input arrays must be one-dimensional")
    return _products.outer(x1, x2)


def tensordot(x1, x2, /, *, axes=2):
    return _products.tensordot(x1, x2, axes)


def diagonal(x, /, *, offset=0):
    """The diagonal (..., d) of each matrix of a stack (..., m, n), `offset` above the main one."""
    x = x[..., :, offset:] if offset >= 0 else x[..., -offset:, :]
    size = min(_np.shape(x)[-2:])
    return _diag(x[..., :size, :size])


def trace(x, /, *, offset=0, dtype=None):
    """The sum of each matrix's diagonal, shape (...)."""
    return _sum(diagonal(x, offset=offset), axis=-1)


def cross(x1, x2, /, *, axis=-1):
    """The cross product of 3-vectors along `axis`, broadcasting the other axes."""
    if _np.shape(x1)[axis] != 3 or _np.shape(x2)[axis] != 3:
        raise ValueError("Both input arrays must be (arrays of) 3-dimensional vectors")
    a, b = moveaxis(x1, axis, -1), moveaxis(x2, axis, -1)
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    c = stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)
    return moveaxis(c, -1, axis)


def matrix_transpose(x, /):
    """Each matrix of a stack transposed, (..., n, m)."""
    if _np.ndim(x) < 2:
        raise ValueError("Input array must be at least 2-dimensional")
    return _T(x)


# ---------------------------------------------------------------- autograd's helper names
# autograd's linalg module exposes its helpers too, and clients import some of them.
# They are not NumPy functions, so they stay out of __all__. A grad_* name is a VJP
# maker in autograd's calling convention, maker(ans, *args, **kwargs) -> (g -> cotangent),
# here fastgrad's own derivative of the function (one trace per call); norm_jvp follows
# autograd's JVP convention, jvp(g, ans, *args, **kwargs) -> the tangent of the output.
def T(x):
    """Each matrix of a stack transposed (the last two axes swapped)."""
    return _T(x)


def add2d(x):
    """x with two axes of length 1 appended, to broadcast against a stack of matrices."""
    return reshape(x, _np.shape(x) + (1, 1))


test = _np.linalg.test



from . import products as _products  # noqa: E402
from .elementwise import absolute, conj, imag, power, real, sqrt, where  # noqa: E402
from .indexing import take_along_axis  # noqa: E402
from .products import einsum, matmul  # noqa: E402
from .reductions import max as _amax, min as _amin, prod as _prod, sum as _sum  # noqa: E402
from .shape import concatenate, moveaxis, ravel, reshape, stack, swapaxes, transpose  # noqa: E402
