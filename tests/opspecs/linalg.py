"""Records for fastgrad/numpy/linalg.py.

Matrix inputs come from `make_args` so each function sees its domain: well-conditioned
matrices for solve and inv, Hermitian positive-definite ones for cholesky, Hermitian ones
(distinct eigenvalues, almost surely) for eigh. Complex eigenvectors and singular vectors
are only defined up to a phase, and the extra columns of full_matrices / mode='complete'
up to a rotation: those records compare phase-invariant views of them (`_fixed_phase`,
projectors). Records named *_singular / *_degenerate check the documented behaviour at
singular points: a finite derivative where it exists, a LinAlgError where it does not
(a mode marked missing is asserted to raise).
"""

import numpy as onp

import fastgrad.numpy as np

from . import FEATURES, OpSpec

la = np.linalg


# ---------------------------------------------------------------- inputs
def _sample(rng, shape, dtype):
    x = rng.standard_normal(shape)
    if dtype == "c128":
        x = x + 1j * rng.standard_normal(shape)
    return x


def _general(rng, shape, dtype):
    return _sample(rng, shape, dtype)


def _wellcond(rng, shape, dtype):
    """A random matrix plus n times the identity (rectangular: its leading square block)."""
    return _sample(rng, shape, dtype) + max(shape[-2:]) * onp.eye(*shape[-2:])


def _hermitian(rng, shape, dtype):
    x = _sample(rng, shape, dtype)
    return (x + onp.conj(onp.swapaxes(x, -1, -2))) / 2


def _spd(rng, shape, dtype):
    x = _sample(rng, shape, dtype)
    return x @ onp.conj(onp.swapaxes(x, -1, -2)) + shape[-1] * onp.eye(shape[-1])


def _orthogonal(rng, shape, dtype):
    return onp.linalg.qr(_sample(rng, shape, dtype))[0]


def _singular(rng, shape, dtype):
    """Exactly singular: the last column repeats the first (LU then meets an exact zero pivot)."""
    x = _sample(rng, shape, dtype)
    return onp.concatenate([x[..., :, :-1], x[..., :, :1]], axis=-1)


def _exactly_rank_deficient(rng, shape, dtype):
    """Rank n - 1 exactly: small integers, the last column an integer combination of the
    others, so that no rounding in building it hides the deficiency."""
    x = rng.integers(-4, 5, shape).astype(float)
    last = x[..., :, :-1] @ rng.integers(-2, 3, shape[:-2] + (shape[-1] - 1, 1)).astype(float)
    return onp.concatenate([x[..., :, :-1], last], axis=-1)


def _near_singular(rng, shape, dtype):
    """Rank n - 1 up to rounding: the last column a random combination of the others."""
    x = _sample(rng, shape, dtype)
    last = x[..., :, :-1] @ _sample(rng, shape[:-2] + (shape[-1] - 1, 1), dtype)
    return onp.concatenate([x[..., :, :-1], last], axis=-1)


def _repeated_eigh(rng, shape, dtype):
    """Q diag(1, 1, 3, ...) Q^H: a repeated eigenvalue."""
    q = _orthogonal(rng, shape, dtype)
    w = onp.arange(shape[-1], dtype=float) + 1.0
    w[1] = w[0]
    return (q * w[..., None, :]) @ onp.conj(onp.swapaxes(q, -1, -2))


def _repeated_eig(rng, shape, dtype):
    """P diag(1, 1, 3, ...) P^-1, diagonalisable with a repeated eigenvalue."""
    p = _wellcond(rng, shape, dtype)
    w = onp.arange(shape[-1], dtype=float) + 1.0
    w[1] = w[0]
    return (p * w) @ onp.linalg.inv(p)


def _rotating(rng, shape, dtype):
    """A real matrix with a complex-conjugate pair of eigenvalues, 1 +- 2i, and the eigenvalue 3."""
    p = _wellcond(rng, shape, "f64")
    block = onp.array([[1.0, -2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 3.0]])
    return p @ block @ onp.linalg.inv(p)


def inputs(*kinds):
    """make_args drawing argument i from kinds[i] (one kind for all when given once)."""
    def make_args(rng, shapes, dtype):
        ks = kinds * len(shapes) if len(kinds) == 1 else kinds
        return tuple(k(rng, shape, dtype) for k, shape in zip(ks, shapes))
    return make_args


# ---------------------------------------------------------------- phase-invariant views
def _conj(x):
    return np.conj(x) if onp.iscomplexobj(x) else x


def _fixed_phase(vectors):
    """Columns times the conjugate of their first entry: unchanged by v -> v e^(i theta)."""
    if not onp.iscomplexobj(vectors):
        return vectors
    return vectors * _conj(vectors[..., :1, :])


def _eigh_view(a, **kwargs):
    w, v = la.eigh(a, **kwargs)
    return w, _fixed_phase(v)


def _svd_view(a, full_matrices=True, hermitian=False):
    m, n = onp.shape(a)[-2:]
    k = min(m, n)
    u, s, vh = la.svd(a, full_matrices=full_matrices, hermitian=hermitian)
    u1, vh1 = u[..., :k], vh[..., :k, :]
    if onp.iscomplexobj(u1) or hermitian:
        # u_j -> u_j e^(i theta_j) with vh_j -> vh_j e^(-i theta_j) (or a sign, for hermitian=True).
        first = u1[..., :1, :]
        u1, vh1 = u1 * _conj(first), vh1 * np.swapaxes(first, -1, -2)
    out = [u1, s, vh1]
    if full_matrices and m > k:
        u2 = u[..., k:]
        out.append(u2 @ _conj(np.swapaxes(u2, -1, -2)))
    if full_matrices and n > k:
        vh2 = vh[..., k:, :]
        out.append(_conj(np.swapaxes(vh2, -1, -2)) @ vh2)
    return tuple(out)


def _qr_view(a, mode="reduced"):
    m, n = onp.shape(a)[-2:]
    q, r = la.qr(a, mode=mode)
    if mode == "complete" and m > n:
        q2 = q[..., n:]
        return q[..., :n], r, q2 @ _conj(np.swapaxes(q2, -1, -2))
    return q, r


SQUARE = [((3, 3),), ((2, 3, 3),)]
RECT = [((3, 3),), ((4, 3),), ((3, 4),), ((2, 4, 3),)]
VECTOR_ORDS = [{}, {"ord": 1}, {"ord": 2}, {"ord": onp.inf}, {"ord": -onp.inf}, {"ord": 3}, {"ord": 0.5},
               {"ord": 2, "keepdims": True}]
MATRIX_ORDS = [{}, {"ord": "fro"}, {"ord": "nuc"}, {"ord": onp.inf}, {"ord": -onp.inf}, {"ord": 1},
               {"ord": -1}, {"ord": 2}, {"ord": -2}, {"ord": "nuc", "keepdims": True}]

# NumPy 2.0 refuses the inf-, 1- and 2-norms of empty arrays (later NumPy gives 0).
EMPTY_MAX_NORMS = {} if FEATURES["inf- and 2-norms of empty arrays"] else {
    "size0": "NumPy 2.0: zero-size array to reduction operation maximum which has no identity"}

SPECS = [
    # -- solve and inverses
    OpSpec("solve", la.solve, shapes=[((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 2)),
                                      ((2, 3, 3), (3, 1)), ((3, 3), (2, 3, 2))],
           make_args=inputs(_wellcond, _general), complex=True,
           rejects={"0d": "NumPy: solve: Input operand 1 does not have enough dimensions"}),
    OpSpec("inv", la.inv, shapes=SQUARE + [((2, 1, 3, 3),)], make_args=inputs(_wellcond), complex=True,
           skips={"0d": "its inputs are built for the stated sizes"}),
    OpSpec("pinv", la.pinv, shapes=RECT, make_args=inputs(_wellcond), complex=True,
           kwargs=[{}, {"rcond": 1e-10}, {"rtol": None}],
           skips={"0d": "its inputs are built for the stated sizes"}),
    OpSpec("pinv_hermitian", lambda a: la.pinv(a, hermitian=True), shapes=SQUARE,
           make_args=inputs(_hermitian), complex=True,
           skips={"0d": "its inputs are built for the stated sizes"}),
    # Rank 2 of 4 x 3: a perturbation of the factors keeps the rank, where pinv is smooth.
    OpSpec("pinv_rank_deficient", lambda b, c: la.pinv(b @ c), shapes=[((4, 2), (2, 3))], complex=True,
           skips={"f32": "rounding to float32 makes the rank-deficient product full rank"}),
    OpSpec("lstsq", lambda a, b: tuple(la.lstsq(a, b)[i] for i in (0, 1, 3)),
           shapes=[((4, 3), (4,)), ((4, 3), (4, 2)), ((3, 3), (3,)), ((3, 4), (3,))],
           make_args=inputs(_wellcond, _general), complex=True,
           rejects={"0d": "NumPy: 0-dimensional array given. Array must be two-dimensional"}),
    OpSpec("tensorinv", la.tensorinv, shapes=[((2, 3, 3, 2),)],
           make_args=lambda rng, shapes, dtype: (_wellcond(rng, (6, 6), dtype).reshape(shapes[0]),),
           skips={"size0": "its inputs are built for the stated sizes",
                  "size1": "its inputs are built for the stated sizes",
                  "0d": "its inputs are built for the stated sizes"}),
    OpSpec("tensorinv_ind1", lambda a: la.tensorinv(a, ind=1), shapes=[((6, 2, 3),)],
           make_args=lambda rng, shapes, dtype: (_wellcond(rng, (6, 6), dtype).reshape(shapes[0]),),
           skips={"size0": "its inputs are built for the stated sizes",
                  "size1": "its inputs are built for the stated sizes",
                  "0d": "its inputs are built for the stated sizes"}),
    OpSpec("tensorsolve", la.tensorsolve, shapes=[((2, 3, 6), (2, 3))],
           make_args=lambda rng, shapes, dtype: (_wellcond(rng, (6, 6), dtype).reshape(shapes[0]),
                                                 _sample(rng, shapes[1], dtype)),
           skips={"size0": "its inputs are built for the stated sizes",
                  "size1": "its inputs are built for the stated sizes"}),
    OpSpec("tensorsolve_axes", lambda a, b: la.tensorsolve(a, b, axes=(0,)), shapes=[((6, 2, 3), (2, 3))],
           make_args=lambda rng, shapes, dtype: (onp.moveaxis(_wellcond(rng, (6, 6), dtype).reshape(2, 3, 6), -1, 0),
                                                 _sample(rng, shapes[1], dtype)),
           rejects={"size0@2": "NumPy: solve1: Input operand 1 has a mismatch in its core dimension 0",
                    "size0@3": "NumPy: solve1: Input operand 1 has a mismatch in its core dimension 0",
                    "size1@2": "NumPy: solve1: Input operand 1 has a mismatch in its core dimension 0",
                    "size1@3": "NumPy: solve1: Input operand 1 has a mismatch in its core dimension 0",
                    "0d@1": "NumPy: Input arrays must satisfy the requirement"}),
    # -- determinants
    OpSpec("det", la.det, shapes=SQUARE + [((1, 1),)], make_args=inputs(_general), complex=True,
           special=[([[1.0, 2.0], [2.0, 4.0]],), ([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 6.0, 9.0]],),
                    (onp.zeros((3, 3)),), ([[[0.0, 1.0], [0.0, 0.0]], [[2.0, 1.0], [1.0, 3.0]]],)],
           rejects={"0d": "NumPy: 0-dimensional array given. Array must be at least two-dimensional"}),
    # At a singular matrix the derivative of det is the adjugate (here from the SVD).
    OpSpec("det_singular", la.det, shapes=SQUARE, make_args=inputs(_singular),
           skips={"0d": "its inputs are built for the stated sizes"}),
    OpSpec("det_near_singular", la.det, shapes=SQUARE, make_args=inputs(_near_singular),
           skips={"size0@3": "its inputs are built for the stated sizes",
                  "0d": "its inputs are built for the stated sizes"}),
    OpSpec("slogdet", la.slogdet, shapes=SQUARE, make_args=inputs(_general), complex=True,
           rejects={"0d": "NumPy: 0-dimensional array given. Array must be at least two-dimensional"}),
    OpSpec("slogdet_singular", la.slogdet, shapes=[((3, 3),)], make_args=inputs(_singular),
           missing={"fwd": "log|det| is -inf at a singular matrix: LinAlgError",
                    "rev": "log|det| is -inf at a singular matrix: LinAlgError"}),
    # -- factorisations
    OpSpec("cholesky", la.cholesky, shapes=SQUARE, make_args=inputs(_spd), complex=True,
           kwargs=[{}, {"upper": True}],
           skips={"0d": "its inputs are built for the stated sizes"}),
    OpSpec("qr", _qr_view, shapes=RECT, make_args=inputs(_general), complex=True,
           kwargs=[{}, {"mode": "complete"}], covers=("qr",),
           rejects={"0d": "NumPy: not enough values to unpack (expected 2, got 0)"}),
    OpSpec("qr_r", lambda a: la.qr(a, mode="r"), shapes=[((4, 3),), ((3, 4),)], complex=True,
           rejects={"0d": "NumPy: 0-dimensional array given. Array must be at least two-dimensional"}),
    OpSpec("qr_rank_deficient", la.qr, shapes=[((3, 3),), ((4, 3),)], make_args=inputs(_exactly_rank_deficient),
           missing={"fwd": "R is singular: LinAlgError", "rev": "R is singular: LinAlgError"}),
    OpSpec("eigh", _eigh_view, shapes=SQUARE, make_args=inputs(_hermitian), complex=True,
           kwargs=[{}, {"UPLO": "U"}], covers=("eigh",),
           skips={"0d": "its inputs are built for the stated sizes"}),
    OpSpec("eigh_general_input", la.eigh, shapes=[((3, 3),)], kwargs=[{}, {"UPLO": "U"}],
           rejects={"0d": "NumPy: 0-dimensional array given. Array must be at least two-dimensional"}),
    OpSpec("eigh_degenerate", la.eigh, shapes=[((3, 3),)], make_args=inputs(_repeated_eigh),
           missing={"fwd": "eigenvectors of a repeated eigenvalue: LinAlgError",
                    "rev": "eigenvectors of a repeated eigenvalue: LinAlgError"}),
    OpSpec("eigvalsh", la.eigvalsh, shapes=SQUARE, make_args=inputs(_hermitian), complex=True,
           kwargs=[{}, {"UPLO": "U"}],
           skips={"0d": "its inputs are built for the stated sizes"}),
    # A symmetric function of repeated eigenvalues: first order exact; the second order
    # would need the eigenvectors' derivative, which raises.
    OpSpec("eigvalsh_degenerate", lambda a: np.sum(la.eigvalsh(a) ** 2), shapes=[((3, 3),)],
           make_args=inputs(_repeated_eigh), complex=True,
           missing={"second": "needs eigenvector derivatives at a repeated eigenvalue: LinAlgError"},
           skips={"size0": "its inputs are built for the stated sizes",
                  "size1": "its inputs are built for the stated sizes",
                  "0d": "its inputs are built for the stated sizes"}),
    OpSpec("eig", la.eig, shapes=SQUARE, make_args=inputs(_general), complex=True,
           rejects={"0d": "NumPy: 0-dimensional array given. Array must be at least two-dimensional"}),
    OpSpec("eig_real_input_complex_pairs", la.eig, shapes=SQUARE, make_args=inputs(_rotating),
           skips={"size0@3": "its inputs are built for the stated sizes",
                  "size1@3": "its inputs are built for the stated sizes",
                  "0d": "its inputs are built for the stated sizes"}),
    OpSpec("eigvals_real_input_complex_pairs", la.eigvals, shapes=SQUARE, make_args=inputs(_rotating),
           skips={"size0@3": "its inputs are built for the stated sizes",
                  "size1@3": "its inputs are built for the stated sizes",
                  "0d": "its inputs are built for the stated sizes"}),
    OpSpec("eig_degenerate", la.eig, shapes=[((3, 3),)], make_args=inputs(_repeated_eig),
           missing={"fwd": "eigenvectors of a repeated eigenvalue: LinAlgError",
                    "rev": "eigenvectors of a repeated eigenvalue: LinAlgError"}),
    OpSpec("eigvals", la.eigvals, shapes=SQUARE, make_args=inputs(_general), complex=True,
           rejects={"0d": "NumPy: 0-dimensional array given. Array must be at least two-dimensional"}),
    OpSpec("eigvals_degenerate", lambda a: np.sum(la.eigvals(a)), shapes=[((3, 3),)],
           make_args=inputs(_repeated_eig), rtol32=2e-2,
           missing={"second": "needs eigenvector derivatives at a repeated eigenvalue: LinAlgError"},
           skips={"size0": "its inputs are built for the stated sizes",
                  "size1": "its inputs are built for the stated sizes",
                  "0d": "its inputs are built for the stated sizes"}),
    OpSpec("svd", _svd_view, shapes=RECT, make_args=inputs(_general), complex=True,
           kwargs=[{}, {"full_matrices": False}], covers=("svd",),
           rejects={"0d": "NumPy: not enough values to unpack (expected 2, got 0)"}),
    OpSpec("svd_hermitian", lambda a: _svd_view(a, hermitian=True), shapes=SQUARE,
           make_args=inputs(_hermitian), complex=True,
           skips={"0d": "its inputs are built for the stated sizes"}),
    OpSpec("svdvals_hermitian", lambda a: la.svd(a, compute_uv=False, hermitian=True), shapes=SQUARE,
           make_args=inputs(_hermitian), complex=True,
           skips={"0d": "its inputs are built for the stated sizes"}),
    OpSpec("svd_values", lambda a: la.svd(a, compute_uv=False), shapes=RECT, complex=True,
           rejects={"0d": "NumPy: 0-dimensional array given. Array must be at least two-dimensional"}),
    OpSpec("svd_degenerate", la.svd, shapes=[((3, 3),)], make_args=inputs(_orthogonal),
           missing={"fwd": "singular vectors of a repeated singular value: LinAlgError",
                    "rev": "singular vectors of a repeated singular value: LinAlgError"}),
    OpSpec("svdvals", la.svdvals, shapes=RECT, complex=True,
           rejects={"0d": "NumPy: 0-dimensional array given. Array must be at least two-dimensional"}),
    # -- norms and condition numbers
    OpSpec("norm", la.norm, shapes=[((5,),)], kwargs=VECTOR_ORDS, complex=True,
           special=[(onp.zeros(3),), (onp.array([0.0, 1.0, -2.0]),)],
           rejects={"size0": "NumPy (ord=-inf): zero-size array to reduction operation minimum which has no identity",
                    "0d": "NumPy: Improper number of dimensions to norm"}),
    OpSpec("norm_negative_order", lambda x: la.norm(x, -1), shapes=[((5,),)], complex=True, covers=("norm",),
           skips={"size0": "an empty vector's norm of negative order is inf, a constant, which central "
                           "differences see as inf - inf"},
           rejects={"0d": "NumPy: Improper number of dimensions to norm"}),
    OpSpec("norm_matrix", la.norm, shapes=[((3, 4),)], kwargs=MATRIX_ORDS, complex=True,
           rejects={"size0": "NumPy (ord -inf, -1, -2): zero-size array to reduction operation minimum which has "
                             "no identity", "0d": "NumPy: Improper number of dimensions to norm"}),
    OpSpec("norm_axis", la.norm, shapes=[((2, 3, 4),)], complex=True,
           kwargs=[{}, {"axis": 1}, {"axis": -1, "ord": 1, "keepdims": True}, {"axis": (0, 2)},
                   {"axis": (2, 0), "ord": "nuc"}, {"axis": (1, 2), "ord": 1}, {"axis": (2, 1), "ord": -onp.inf},
                   {"axis": (0, 1), "ord": 2, "keepdims": True}],
           rejects={"size0": "NumPy (ord=-inf): zero-size array to reduction operation minimum which has no identity",
                    "0d": "NumPy: axis 1 is out of bounds for array of dimension 0"}),
    OpSpec("norm_zero", lambda x: la.norm(x * 0.0) + la.norm(x * 0.0, "fro") + la.norm(x[0] * 0.0, 3),
           shapes=[((2, 3),)],
           rejects={"size0@2": "NumPy: index 0 is out of bounds for axis 0 with size 0",
                    "0d": "NumPy: Improper number of dimensions to norm"}),
    OpSpec("vector_norm", la.vector_norm, shapes=[((3, 4),)], complex=True,
           kwargs=[{}, {"axis": 1}, {"axis": (0, 1), "ord": 1}, {"ord": onp.inf, "keepdims": True},
                   {"axis": 0, "ord": 3}],
           rejects={"0d": "NumPy: axis 1 is out of bounds for array of dimension 0", **EMPTY_MAX_NORMS}),
    OpSpec("matrix_norm", la.matrix_norm, shapes=[((2, 3, 4),)], complex=True,
           kwargs=[{}, {"ord": "nuc"}, {"ord": 2, "keepdims": True}, {"ord": -onp.inf}],
           rejects={"size0@3": "NumPy (ord=-inf): zero-size array to reduction operation minimum which has no identity",
                    "0d": "NumPy: axis -2 is out of bounds for array of dimension 0", **EMPTY_MAX_NORMS}),
    OpSpec("nuclear_norm_repeated", lambda a: la.norm(a, "nuc"), shapes=[((3, 3),)],
           make_args=inputs(_orthogonal),
           missing={"second": "needs singular vector derivatives at a repeated singular value: LinAlgError"},
           skips={"0d": "its inputs are built for the stated sizes"}),
    OpSpec("cond", la.cond, shapes=SQUARE, make_args=inputs(_wellcond),
           kwargs=[{}, {"p": 2}, {"p": -2}, {"p": "fro"}, {"p": 1}, {"p": onp.inf}, {"p": "nuc"}],
           rejects={"size0@3": "NumPy: index 0 is out of bounds for axis 0 with size 0"},
           skips={"0d": "its inputs are built for the stated sizes"}),
    # -- products and powers
    OpSpec("matrix_power", la.matrix_power, shapes=SQUARE, make_args=inputs(_wellcond), complex=True,
           kwargs=[{"n": 1}, {"n": 2}, {"n": 3}, {"n": 5}, {"n": -2}],
           skips={"0d": "its inputs are built for the stated sizes"}),
    OpSpec("multi_dot", lambda *xs: la.multi_dot(xs),
           shapes=[((3, 4), (4, 5), (5, 2)), ((4,), (4, 5), (5, 3), (3,)), ((2, 3), (3,)), ((3,), (3, 2))],
           complex=True),
    OpSpec("linalg_matmul", la.matmul, shapes=[((3, 4), (4, 2)), ((2, 3, 4), (4,))], complex=True,
           covers=("matmul",),
           rejects={"0d": "NumPy: matmul: Input operand 0 does not have enough dimensions"}),
    OpSpec("linalg_tensordot", la.tensordot, shapes=[((3, 4, 5), (4, 5, 2))], covers=("tensordot",)),
    OpSpec("linalg_tensordot_1", lambda x, y: la.tensordot(x, y, axes=1), shapes=[((3, 4), (4, 2))]),
    OpSpec("vecdot", la.vecdot, shapes=[((3, 4), (3, 4)), ((2, 3), (3,))], complex=True,
           rejects={"0d": "NumPy: vecdot: Input operand 0 does not have enough dimensions"}),
    OpSpec("vecdot_axis", lambda x, y: la.vecdot(x, y, axis=0), shapes=[((3, 4), (3, 1))], complex=True,
           rejects={"0d": "NumPy: vecdot: Input operand 0 does not have enough dimensions"}),
    OpSpec("linalg_outer", la.outer, shapes=[((3,), (4,))], complex=True, covers=("outer",)),
    OpSpec("linalg_trace", la.trace, shapes=[((3, 4),), ((2, 3, 3),)], complex=True,
           kwargs=[{}, {"offset": 1}, {"offset": -1}], covers=("trace",),
           rejects={"0d": "NumPy: invalid index to scalar variable"}),
    OpSpec("linalg_diagonal", la.diagonal, shapes=[((3, 4),), ((2, 4, 3),)], complex=True,
           kwargs=[{}, {"offset": 1}, {"offset": -2}], covers=("diagonal",),
           rejects={"0d": "NumPy: invalid index to scalar variable"}),
    OpSpec("cross", la.cross, shapes=[((3,), (3,)), ((4, 3), (3,)), ((2, 4, 3), (4, 3))], complex=True,
           rejects={"size0@3": "NumPy: incompatible dimensions for cross product",
                    "size1@3": "NumPy: incompatible dimensions for cross product",
                    "0d": "NumPy: At least one array has zero dimension"}),
    OpSpec("cross_axis", lambda x, y: la.cross(x, y, axis=0), shapes=[((3, 4), (3, 4))],
           rejects={"size0@3": "NumPy: Both input arrays must be",
                    "size1@3": "NumPy: Both input arrays must be",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("matrix_transpose", la.matrix_transpose, shapes=[((3, 4),), ((2, 3, 4),)], complex=True,
           rejects={"0d": "NumPy: Input array must be at least 2-dimensional"}),
    OpSpec("_dot", la._dot, shapes=[((2, 3, 4), (2, 4, 5)), ((3, 4), (2, 4, 5))], complex=True),
]

NONDIFFERENTIABLE = {
    "matrix_rank": "an integer count of singular values above a tolerance",
    "LinAlgError": "the exception type",
}


# Norms of arrays with no entries: NumPy's values (0, and inf for negative vector orders),
# whose derivative has no entries. NumPy 2.0 refuses the inf- and 2-norms of empty arrays.
SPECS += [
    OpSpec("norm_empty_matrix", la.norm, shapes=[((0, 3),), ((3, 0),), ((0, 0),)], covers=("norm",),
           needs=("inf- and 2-norms of empty arrays",),
           kwargs=[{"ord": o} for o in (None, "fro", "nuc", onp.inf, 1, 2)] + [{"ord": onp.inf, "axis": -1}, {"axis": 0}],
           rejects={"0d": "NumPy: Improper number of dimensions to norm"}),
    OpSpec("norm_empty_vector", la.norm, shapes=[((0,),)], covers=("norm",),
           needs=("inf- and 2-norms of empty arrays",),
           kwargs=[{"ord": o} for o in (None, onp.inf, 1, 2, 3, 0.5, 0)],
           rejects={"0d": "NumPy: Improper number of dimensions to norm"}),
    OpSpec("norms_empty_stack", lambda x: la.matrix_norm(x, ord=2) + la.vector_norm(x, ord=onp.inf, axis=(1, 2)),
           shapes=[((2, 0, 3),)], covers=("matrix_norm", "vector_norm"), needs=("inf- and 2-norms of empty arrays",),
           rejects={"0d": "NumPy: axis -2 is out of bounds for array of dimension 0"}),
]
