"""Records for fastgrad/scipy/linalg.py."""

import numpy as onp

from . import FEATURES, OpSpec

try:
    import fastgrad.numpy as np
    from fastgrad.scipy import linalg as sla
except ImportError:  # SciPy is optional: without it this family has no records
    sla = None

N = 3


def well_conditioned(rng, n=N):
    return rng.standard_normal((n, n)) + n * onp.eye(n)


def spd(rng, n=N):
    a = rng.standard_normal((n, n))
    return a @ a.T + n * onp.eye(n)


def square_and_rhs(rng, shapes, dtype):
    return well_conditioned(rng), rng.standard_normal(shapes[1])


def spd_and_rhs(rng, shapes, dtype):
    return spd(rng), rng.standard_normal(shapes[1])


def _sign_free(parts):
    """Decompositions whose vectors are defined up to sign: the values, and the vectors
    squared entrywise (free of the sign, and smooth)."""
    if len(parts) == 2:
        w, v = parts
        return w, v * v
    u, s, vh = parts
    return u * u, s, vh * vh


def just(make):
    return lambda rng, shapes, dtype: (make(rng),)


def banded_and_rhs(rng, shapes, dtype):
    ab = rng.standard_normal((4, 5)) * 0.3
    ab[2] += 3.0   # u = 2: row 2 holds the diagonal
    return ab, rng.standard_normal(shapes[1])


def sylvester_args(rng, shapes, dtype):
    return well_conditioned(rng), well_conditioned(rng, 2), rng.standard_normal((N, 2))


def near_identity(rng, n=N):
    """Eigenvalues near 1: inside the domain of logm and of fractional powers."""
    return onp.eye(n) + 0.25 * rng.standard_normal((n, n))


def small(rng, n=N):
    return 0.5 * rng.standard_normal((n, n))


def away_from_imaginary_axis(rng, n=N):
    return onp.diag([2.0, -1.5, 1.0][:n]) + 0.2 * rng.standard_normal((n, n))


def band(lower, n=5, p=2):
    """A symmetric positive definite band matrix stored by one triangle (p off-diagonals);
    the unused corner slots hold values too (they are passed through)."""
    def make(rng):
        ab = 0.3 * rng.standard_normal((p + 1, n))
        ab[0 if lower else p] = 3.0 + rng.uniform(0.0, 1.0, n)
        return ab
    return make


def band_and_rhs(lower, shape=(5,)):
    return lambda rng, shapes, dtype: (band(lower)(rng), rng.standard_normal(shape))


def toeplitz_system(rng, shapes, dtype):
    c = rng.standard_normal(N)
    c[0] = 4.0
    return c, rng.standard_normal(N), rng.standard_normal(shapes[2])


def circulant_system(rng, shapes, dtype):
    c = 0.5 * rng.standard_normal(4)
    c[0] = 3.0
    return c, rng.standard_normal(shapes[1])


def riccati_args(rng, shapes, dtype):
    a = rng.standard_normal((N, N)) - 2.0 * onp.eye(N)
    b = rng.standard_normal((N, 2))
    m = rng.standard_normal((N, N))
    r = rng.standard_normal((2, 2))
    return a, b, m @ m.T + onp.eye(N), r @ r.T + onp.eye(2)


def discrete_riccati_args(rng, shapes, dtype):
    a, b, q, r = riccati_args(rng, shapes, dtype)
    return 0.3 * a + 0.6 * onp.eye(N), b, q, r


def stein_args(rng, shapes, dtype):
    return 0.4 * rng.standard_normal((N, N)), rng.standard_normal((N, N))


def conjugate_pairs(rng, shapes, dtype):
    """The real and imaginary parts of eig's (w, v) for a real 4x4 matrix with two
    complex-conjugate pairs of eigenvalues, so a perturbation keeps every eigenvalue complex."""
    rot = onp.zeros((4, 4))
    rot[:2, :2] = [[1.0, 2.0], [-2.0, 1.0]]
    rot[2:, 2:] = [[-1.0, 0.5], [-0.5, -1.0]]
    p = rng.standard_normal((4, 4)) + 3.0 * onp.eye(4)
    w, v = sla.eig(p @ rot @ onp.linalg.inv(p))
    return w.real, w.imag, v.real, v.imag


I = onp.complex128(1j)


def badly_scaled(rng, shapes, dtype):
    scale = onp.array([0.05, 1.0, 20.0])
    return (rng.standard_normal((N, N)) * scale[:, None] / scale[None, :],)


def near_subspaces(rng, shapes, dtype):
    a = rng.standard_normal((5, 3))
    return a, a[:, :2] + 0.05 * rng.standard_normal((5, 2))


def projector(q):
    """q q^H: the projector onto the span of q's columns, free of the basis chosen."""
    return np.matmul(q, np.conj(np.swapaxes(q, -1, -2)))


def rq_view(a, mode):
    """rq's factors, where they are determined: with fewer rows m than columns n, only Q's
    last m rows are (a = R Q); its first n - m rows are a basis of their complement, of which
    only the span is, as for qr's mode 'complete'."""
    out = sla.rq(a, mode=mode)
    if mode != "full":
        return out
    r, q = out
    m, n = onp.shape(a)
    if m >= n:
        return r, q
    return r, q[n - m:], projector(np.swapaxes(q[:n - m], -1, -2))


# Records that exercise a public function under another case name.
PUBLIC = {"solve_triangular_vector": "solve_triangular", "cho_solve_lower": "cho_solve", "lu_permute_l": "lu",
          "solve_pos": "solve", "solve_diagonal": "solve", "cholesky_symmetric": "cholesky",
          "toeplitz_column": "toeplitz", "toeplitz_stack": "toeplitz", "hankel_column": "hankel",
          "circulant_stack": "circulant", "companion_stack": "companion", "cholesky_banded_lower": "cholesky_banded",
          "cho_solve_banded_lower": "cho_solve_banded", "solve_circulant_columns": "solve_circulant",
          "eig_banded_subset": "eig_banded", "eigh_tridiagonal_values": "eigh_tridiagonal",
          "subspace_angles_small": "subspace_angles", "qr_multiply_left": "qr_multiply",
          "matrix_balance_separate": "matrix_balance", "fractional_matrix_power_fixed": "fractional_matrix_power"}


# SciPy 1.13 refuses empty matrices that later SciPy takes: rq (on which fastgrad's rq
# relies) raises, and khatri_rao and matmul_toeplitz have no value to compare with.
EMPTY_ON_SCIPY_1_13 = {} if FEATURES["scipy.linalg takes empty matrices"] else {
    "size0": "SciPy 1.13 refuses the empty matrix"}


def rec(name, fun, covers=(), **kw):
    """A record named after the SciPy path (its ids do not collide with numpy.linalg's)."""
    return OpSpec("scipy.linalg." + name, fun, covers=(PUBLIC.get(name, name),) + tuple(covers), **kw)


VEC = [((N, N), (N,))]
MAT = [((N, N), (N, 2))]
TRI_KWARGS = [{"lower": True}, {"lower": True, "trans": 1}, {"lower": False, "trans": "T", "unit_diagonal": True}]

SPECS = [] if sla is None else [
    rec("solve_triangular", lambda a, b, **kw: sla.solve_triangular(a, b, **kw), shapes=MAT,
           make_args=square_and_rhs, kwargs=TRI_KWARGS,
        rejects={"size0@3": "SciPy: shapes of a (3, 3) and b (0, 2) are incompatible",
                 "size1@3": "SciPy: shapes of a (3, 3) and b (1, 2) are incompatible"}),
    rec("solve_triangular_vector", lambda a, b: sla.solve_triangular(a, b), shapes=VEC, make_args=square_and_rhs,
        rejects={"size0": "SciPy: shapes of a (3, 3) and b (0,) are incompatible",
                 "size1": "SciPy: shapes of a (3, 3) and b (1,) are incompatible",
                 "0d@1": "SciPy: tuple index out of range"}),
    rec("cholesky", sla.cholesky, shapes=[((N, N),)], make_args=just(spd),
           kwargs=[{}, {"lower": True}]),
    rec("cholesky_symmetric", lambda x: sla.cholesky(x @ x.T + N * onp.eye(N), lower=True),
           shapes=[((N, N),)],
        rejects={"size0": "SciPy: operands could not be broadcast together with shapes (0,0) (3,3) ",
                 "0d": "SciPy: unsupported operand type(s) for @: 'numpy.float64' and 'numpy.float64'"}),
    rec("cho_factor", lambda a, lower: sla.cho_factor(a, lower=lower)[0], shapes=[((N, N),)],
           make_args=just(spd), kwargs=[{"lower": True}, {"lower": False}]),
    rec("cho_solve", lambda a, b: sla.cho_solve(sla.cho_factor(a), b), shapes=MAT, make_args=spd_and_rhs,
        rejects={"size0@3": "SciPy: incompatible dimensions ((3, 3) and (0, 2))",
                 "size1@3": "SciPy: incompatible dimensions ((3, 3) and (1, 2))"}),
    rec("cho_solve_lower", lambda a, b: sla.cho_solve(sla.cho_factor(a, lower=True), b), shapes=VEC,
           make_args=spd_and_rhs,
        rejects={"size0": "SciPy: incompatible dimensions ((3, 3) and (0,))",
                 "size1": "SciPy: incompatible dimensions ((3, 3) and (1,))",
                 "0d@1": "SciPy: tuple index out of range"}),
    rec("lu_factor", lambda a: sla.lu_factor(a)[0], shapes=[((N, N),)], make_args=just(well_conditioned)),
    rec("lu_solve", lambda a, b, trans=0: sla.lu_solve(sla.lu_factor(a), b, trans=trans), shapes=MAT,
           make_args=square_and_rhs, kwargs=[{}, {"trans": 1}],
        rejects={"size0@3": "SciPy: Shapes of lu (3, 3) and b (0, 2) are incompatible",
                 "size1@3": "SciPy: Shapes of lu (3, 3) and b (1, 2) are incompatible"}),
    rec("lu", lambda a: sla.lu(a)[1:], shapes=[((N, N),)], make_args=just(well_conditioned)),
    rec("lu_permute_l", lambda a: sla.lu(a, permute_l=True), shapes=[((N, N),)],
           make_args=just(well_conditioned)),
    rec("solve", lambda a, b, **kw: sla.solve(a, b, **kw), shapes=VEC, make_args=square_and_rhs,
           kwargs=[{}, {"transposed": True}, {"assume_a": "sym"}, {"assume_a": "lower triangular"}],
        rejects={"size0": "SciPy: incompatible shapes: a1.shape=(3, 3) and b1.shape=(0, 1)",
                 "size1": "SciPy: incompatible shapes: a1.shape=(3, 3) and b1.shape=(1, 1)",
                 "0d@1": "SciPy: incompatible shapes: a1.shape=(3, 3) and b1.shape=(1, 1)"}),
    rec("solve_pos", lambda a, b: sla.solve(a, b, assume_a="pos"), shapes=VEC, make_args=spd_and_rhs,
        rejects={"size0": "SciPy: incompatible shapes: a1.shape=(3, 3) and b1.shape=(0, 1)",
                 "size1": "SciPy: incompatible shapes: a1.shape=(3, 3) and b1.shape=(1, 1)",
                 "0d@1": "SciPy: incompatible shapes: a1.shape=(3, 3) and b1.shape=(1, 1)"}),
    rec("solve_diagonal", lambda a, b: sla.solve(a, b, assume_a="diagonal"), shapes=MAT,
           make_args=square_and_rhs,
        rejects={"size0@3": "SciPy: incompatible shapes: a1.shape=(3, 3) and b1.shape=(0, 2)"}),
    rec("inv", sla.inv, shapes=[((N, N),)], make_args=just(well_conditioned)),
    rec("det", sla.det, shapes=[((N, N),)], make_args=just(well_conditioned)),
    rec("solve_banded", lambda ab, b: sla.solve_banded((1, 2), ab, b), shapes=[((4, 5), (5,)), ((4, 5), (5, 2))],
           make_args=banded_and_rhs,
        rejects={"size0@5": "SciPy: shapes of ab and b are not compatible.",
                 "size1@5": "SciPy: shapes of ab and b are not compatible.",
                 "0d@1": "SciPy: tuple index out of range"}),
    rec("solve_sylvester", sla.solve_sylvester, shapes=[((N, N), (2, 2), (N, 2))], make_args=sylvester_args),
    rec("solve_continuous_lyapunov", sla.solve_continuous_lyapunov, shapes=[((N, N), (N, N))],
           make_args=lambda rng, shapes, dtype: (well_conditioned(rng), rng.standard_normal((N, N))),
           covers=("solve_lyapunov",)),
    rec("sqrtm", sla.sqrtm, shapes=[((N, N),)], make_args=just(spd)),
    rec("expm", sla.expm, shapes=[((N, N),)],
        make_args=lambda rng, shapes, dtype: (0.5 * rng.standard_normal((N, N)),)),
    rec("expm_frechet", lambda a, e: sla.expm_frechet(a, e), shapes=[((N, N), (N, N))],
        rejects={"0d": "SciPy: expected A to be a square matrix"}),
    rec("block_diag", lambda a, b, c: sla.block_diag(a, b, c), shapes=[((2, 2), (3,), ())]),
    # SciPy's names for numpy.linalg's decompositions (eigenvectors and singular vectors
    # enter through sign-free views)
    rec("eigh", lambda a, lower: _sign_free(sla.eigh(a, lower=lower)), shapes=[((N, N),)], make_args=just(spd),
        kwargs=[{"lower": True}, {"lower": False}]),
    rec("eigvalsh", sla.eigvalsh, shapes=[((N, N),)], make_args=just(spd)),
    rec("svd", lambda a: _sign_free(sla.svd(a, full_matrices=False)), shapes=[((N, 2),)],
        rejects={"0d": "SciPy: expected matrix"}),
    rec("svdvals", sla.svdvals, shapes=[((N, 2),)],
        rejects={"0d": "SciPy: 0-dimensional array given. Array must be at least two-dimensional"}),
    rec("qr", lambda a, mode: sla.qr(a, mode=mode), shapes=[((N, 2),)], kwargs=[{"mode": "economic"}, {"mode": "r"}],
        rejects={"0d": "SciPy: expected a 2-D array"}),
    rec("pinv", sla.pinv, shapes=[((N, 2),)],
        rejects={"0d": "SciPy: 0-dimensional array given. Array must be at least two-dimensional"}),
    rec("norm", lambda a, **kw: sla.norm(a, **kw), shapes=[((N, 2),)], kwargs=[{}, {"ord": 2}, {"axis": 0}],
        rejects={"0d": "SciPy: Improper number of dimensions to norm",
                 **({} if FEATURES["inf- and 2-norms of empty arrays"] else
                    {"size0": "NumPy 2.0: zero-size array to reduction operation maximum which has no identity"})}),
    # special matrices (gathers of their entries)
    rec("toeplitz", sla.toeplitz, shapes=[((3,), (4,))]),
    rec("toeplitz_column", sla.toeplitz, shapes=[((3,),)]),
    rec("toeplitz_stack", sla.toeplitz, shapes=[((2, 3),)],
        rejects={"size0@2": "SciPy: `_toeplitz` does not support zero-size batches."}
        if FEATURES["scipy.linalg stacks of vectors"] else {},
        xfails={"size0@2/rejected": "issue 12: the traced call accepts an input NumPy rejects"}),
    rec("hankel", sla.hankel, shapes=[((3,), (4,))]),
    # (SciPy 1.13 ravels its input, a 0-d one included; later SciPy refuses 0-d)
    rec("hankel_column", sla.hankel, shapes=[((3,),)],
        **({"rejects": {"0d": "SciPy: too many indices for array: array is 0-dimensional, but 1 were indexed"},
            "xfails": {"0d@0/rejected": "issue 12: the traced call accepts an input NumPy rejects"}}
           if FEATURES["scipy.linalg stacks of vectors"] else {})),
    rec("circulant", sla.circulant, shapes=[((4,),)]),
    rec("circulant_stack", sla.circulant, shapes=[((2, 3),)]),
    rec("companion", sla.companion, domain="nonzero", shapes=[((4,),)],
        rejects={"size0@4": "SciPy: The length of `a` along the last axis must be at least 2.",
                 "size1@4": "SciPy: The length of `a` along the last axis must be at least 2.",
                 "0d": "SciPy: The length of `a` along the last axis must be at least 2"}),
    rec("companion_stack", sla.companion, domain="nonzero", shapes=[((2, 3),)],
        needs=("scipy.linalg stacks of vectors",),
        rejects={"size0@3": "SciPy: The length of `a` along the last axis must be at least 2.",
                 "size1@3": "SciPy: The length of `a` along the last axis must be at least 2.",
                 "0d": "SciPy: The length of `a` along the last axis must be at least 2"}),
    rec("convolution_matrix", lambda a, mode: sla.convolution_matrix(a, 4, mode), shapes=[((3,),)],
        kwargs=[{"mode": "full"}, {"mode": "same"}, {"mode": "valid"}],
        rejects={"size0": "SciPy: len(a) must be at least 1.",
                 "0d": "SciPy: too many indices for array: array is 0-dimensional, but 1 were indexed"},
        xfails={"0d@0/rejected": "issue 12: the traced call accepts an input NumPy rejects"}),
    rec("fiedler", sla.fiedler, shapes=[((4,),)]),
    rec("fiedler_companion", sla.fiedler_companion, domain="nonzero", shapes=[((6,),), ((3,),)]),
    rec("leslie", sla.leslie, shapes=[((3,), (2,))],
        rejects={"size0": "SciPy: Incorrect lengths for f and s. The length of s along the last axis",
                 "size1": "SciPy: Incorrect lengths for f and s. The length of s along the last axis"}),
    rec("khatri_rao", sla.khatri_rao, shapes=[((2, 3), (4, 3))], skips=EMPTY_ON_SCIPY_1_13),
    rec("diagsvd", lambda s_: sla.diagsvd(s_, 3, 5), shapes=[((3,),)],
        rejects={"size0": "SciPy: Length of s must be M or N.",
                 "size1": "SciPy: Length of s must be M or N.",
                 "0d": "SciPy: Input must be 1- or 2-d"}),
    # symmetric band matrices
    rec("cholesky_banded", sla.cholesky_banded, shapes=[((3, 5),)], make_args=just(band(False))),
    rec("cholesky_banded_lower", lambda ab: sla.cholesky_banded(ab, lower=True), shapes=[((3, 5),)],
        make_args=just(band(True))),
    rec("cho_solve_banded", lambda ab, b: sla.cho_solve_banded((sla.cholesky_banded(ab), False), b),
        shapes=[((3, 5), (5,))], make_args=band_and_rhs(False)),
    rec("cho_solve_banded_lower",
        lambda ab, b: sla.cho_solve_banded((sla.cholesky_banded(ab, lower=True), True), b),
        shapes=[((3, 5), (5, 2))], make_args=band_and_rhs(True, (5, 2))),
    rec("solveh_banded", lambda ab, b: sla.solveh_banded(ab, b), shapes=[((3, 5), (5,))],
        make_args=band_and_rhs(False)),
    rec("solveh_banded_lower", lambda ab, b: sla.solveh_banded(ab, b, lower=True), shapes=[((3, 5), (5, 2))],
        make_args=band_and_rhs(True, (5, 2)), covers=("solveh_banded",)),
    rec("eig_banded", sla.eig_banded, shapes=[((3, 5),)], make_args=just(band(False))),
    rec("eig_banded_subset", lambda ab: sla.eig_banded(ab, lower=True, select="i", select_range=(1, 3)),
        shapes=[((3, 5),)], make_args=just(band(True))),
    rec("eigvals_banded", sla.eigvals_banded, shapes=[((3, 5),)], make_args=just(band(False))),
    # (vectors through the sign-free view: SciPy 1.13's driver flips a vector's sign
    # within a finite-difference step)
    rec("eigh_tridiagonal", lambda d, e: _sign_free(sla.eigh_tridiagonal(d, e)), shapes=[((4,), (3,))],
        rejects={"size0": "SciPy: d (4) must have one more element than e (0)",
                 "size1": "SciPy: d (4) must have one more element than e (1)"},
        xfails={"f32/fwd": "issue 12: traced value is float64, NumPy's float32",
                "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
    rec("eigh_tridiagonal_values", lambda d, e: sla.eigh_tridiagonal(d, e, eigvals_only=True), shapes=[((4,), (3,))],
        rejects={"size0": "SciPy: d (4) must have one more element than e (0)",
                 "size1": "SciPy: d (4) must have one more element than e (1)"},
        xfails={"size0@4/rejected": "issue 12: the traced call accepts an input NumPy rejects",
                "size1@4/rejected": "issue 12: the traced call accepts an input NumPy rejects",
                "f32/fwd": "issue 12: traced value is float64, NumPy's float32",
                "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
    rec("eigvalsh_tridiagonal", sla.eigvalsh_tridiagonal, shapes=[((4,), (3,))],
        rejects={"size0": "SciPy: d (4) must have one more element than e (0)",
                 "size1": "SciPy: d (4) must have one more element than e (1)"},
        xfails={"size0@4/rejected": "issue 12: the traced call accepts an input NumPy rejects",
                "size1@4/rejected": "issue 12: the traced call accepts an input NumPy rejects",
                "f32/fwd": "issue 12: traced value is float64, NumPy's float32",
                "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
    # Toeplitz and circulant systems
    rec("solve_toeplitz", lambda c, r, b: sla.solve_toeplitz((c, r), b), shapes=[((N,), (N,), (N,))],
        make_args=toeplitz_system,
        rejects={"size0": "SciPy: Incompatible dimensions.",
                 "size1": "SciPy: Incompatible dimensions.",
                 "0d@2": "SciPy: tuple index out of range"},
        xfails={"f32/fwd": "issue 12: traced value is float32, NumPy's float64",
                "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
    rec("matmul_toeplitz", lambda c, r, x: sla.matmul_toeplitz((c, r), x), shapes=[((3,), (4,), (4, 2))],
        skips=EMPTY_ON_SCIPY_1_13,
        xfails={"size0@4/fwd": "issue 12: traced value has shape (3, 2), NumPy's (3, 0)",
                "f32/fwd": "issue 12: traced value is float32, NumPy's float64",
                "size0@4/rev": "issue 12: ValueError operands could not be broadcast together with shapes (3,2) (",
                "size0@4/jacobian": "issue 12: the jacobian's shape is not output + input shape",
                "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
    rec("solve_circulant", sla.solve_circulant, shapes=[((4,), (4,))], make_args=circulant_system,
        rejects={"size0": "SciPy: Shapes of c (4,) and b (0,) are incompatible",
                 "size1": "SciPy: Shapes of c (4,) and b (1,) are incompatible",
                 "0d@1": "SciPy: Shapes of c (4,) and b (1,) are incompatible"},
        xfails={"size1@4/rejected": "issue 12: the traced call accepts an input NumPy rejects",
                "0d@1/rejected": "issue 12: the traced call accepts an input NumPy rejects"}),
    rec("solve_circulant_columns", lambda c, b: sla.solve_circulant(c, b, baxis=1, outaxis=1),
        shapes=[((4,), (2, 4))], make_args=circulant_system,
        rejects={"size0@4": "SciPy: Shapes of c (4,) and b (2, 0) are incompatible",
                 "size1@4": "SciPy: Shapes of c (4,) and b (2, 1) are incompatible",
                 "0d@1": "SciPy: 'baxis' entry is out of bounds"},
        xfails={"size1@4/rejected": "issue 12: the traced call accepts an input NumPy rejects",
                "0d@1/rejected": "issue 12: the traced call accepts an input NumPy rejects"}),
    # Stein and Riccati equations
    rec("solve_discrete_lyapunov", sla.solve_discrete_lyapunov, shapes=[((N, N), (N, N))], make_args=stein_args),
    rec("solve_continuous_are", sla.solve_continuous_are, shapes=[((N, N), (N, 2), (N, N), (2, 2))],
        make_args=riccati_args),
    rec("solve_discrete_are", sla.solve_discrete_are, shapes=[((N, N), (N, 2), (N, N), (2, 2))],
        make_args=discrete_riccati_args),
    # matrix functions
    rec("logm", sla.logm, shapes=[((N, N),)], make_args=just(near_identity)),
    rec("signm", sla.signm, shapes=[((N, N),)], make_args=just(away_from_imaginary_axis)),
    rec("fractional_matrix_power", sla.fractional_matrix_power, shapes=[((N, N), ())],
        make_args=lambda rng, shapes, dtype: (near_identity(rng), rng.uniform(0.2, 0.8))),
    rec("fractional_matrix_power_fixed", lambda a: sla.fractional_matrix_power(a, 2.5), shapes=[((N, N),)],
        make_args=just(near_identity)),
    rec("funm", lambda a: sla.funm(a, np.exp), shapes=[((N, N),)], make_args=just(small)),
    rec("cosm", sla.cosm, shapes=[((N, N),)], make_args=just(small)),
    rec("sinm", sla.sinm, shapes=[((N, N),)], make_args=just(small)),
    rec("tanm", sla.tanm, shapes=[((N, N),)], make_args=just(small)),
    rec("coshm", sla.coshm, shapes=[((N, N),)], make_args=just(small)),
    rec("sinhm", sla.sinhm, shapes=[((N, N),)], make_args=just(small)),
    rec("tanhm", sla.tanhm, shapes=[((N, N),)], make_args=just(small)),
    # decompositions and what is built from them
    rec("eig", sla.eig, shapes=[((N, N),)], make_args=just(well_conditioned)),
    rec("eigvals", sla.eigvals, shapes=[((N, N),)], make_args=just(well_conditioned)),
    rec("lstsq", lambda a, b: sla.lstsq(a, b)[:2], shapes=[((4, 2), (4,)), ((4, 2), (4, 3))],
        rejects={"size0@3": "SciPy: illegal value in 4-th argument of internal None"},
        xfails={"size0@3/rejected": "issue 12: the traced call accepts an input NumPy rejects"}),
    rec("pinvh", lambda a, lower: sla.pinvh(a, lower=lower), shapes=[((N, N),)], make_args=just(spd),
        kwargs=[{"lower": True}, {"lower": False}]),
    rec("rq", rq_view, shapes=[((N, N),), ((4, 3),)],
        kwargs=[{"mode": "full"}, {"mode": "economic"}, {"mode": "r"}],
        rejects={"0d": "SciPy: expected matrix", **EMPTY_ON_SCIPY_1_13}),
    rec("qr_multiply", lambda a, c: sla.qr_multiply(a, c), shapes=[((4, 3), (2, 4))], skips=EMPTY_ON_SCIPY_1_13,
        rejects={"size0@3": "SciPy: unexpected array size: new_size=1, got array with arr_size=0"},
        xfails={"size0@3/rejected": "issue 12: the traced call accepts an input NumPy rejects",
                "size0@2/fwd": "issue 12: traced value has shape (0, 3), NumPy's (0, 4)",
                "size0@2/rev": "issue 12: ValueError operands could not be broadcast together with shapes (0,3) ("}),
    rec("qr_multiply_left", lambda a, c: sla.qr_multiply(a, c, mode="left"), shapes=[((4, 3), (3, 2))],
        skips=EMPTY_ON_SCIPY_1_13, rejects={"size0@4": "SciPy: Array shapes are not compatible for Q @ c operation: (0, 3) vs (3, 2)",
                 "size1@4": "SciPy: Array shapes are not compatible for Q @ c operation: (1, 3) vs (3, 2)"},
        xfails={"size0@2/fwd": "issue 12: traced value has shape (4, 0), NumPy's (3, 0)",
                "size0@3/fwd": "issue 12: traced value has shape (4, 2), NumPy's (0, 2)",
                "size0@2/rev": "issue 12: ValueError operands could not be broadcast together with shapes (4,0) (",
                "size0@3/jacobian": "issue 12: the jacobian's shape is not output + input shape"}),
    rec("orth", lambda a: projector(sla.orth(a)), shapes=[((4, 2),)],
        rejects={"0d": "SciPy: expected matrix"}),
    rec("null_space", lambda a: projector(sla.null_space(a)), shapes=[((2, 4),)],
        rejects={"0d": "SciPy: expected matrix"}),
    rec("polar", lambda a, side: sla.polar(a, side), shapes=[((N, 2),)],
        kwargs=[{"side": "right"}, {"side": "left"}],
        rejects={"0d": "SciPy: `a` must be a 2-D array"}),
    rec("orthogonal_procrustes", sla.orthogonal_procrustes, shapes=[((4, 2), (4, 2))],
        rejects={"0d": "SciPy: expected ndim to be 2, but observed 0"},
        skips={"size1@4": "one row makes A^H B of rank one, where the minimizing R is not unique and "
                          "SciPy's jumps with the input: there is no derivative to compare"}),
    rec("subspace_angles", sla.subspace_angles, shapes=[((5, 3), (5, 2))]),
    rec("subspace_angles_small", sla.subspace_angles, shapes=[((5, 3), (5, 2))], make_args=near_subspaces),
    rec("cdf2rdf", lambda wr, wi, vr, vi: sla.cdf2rdf(wr + wi * I, vr + vi * I),
        shapes=[((4,), (4,), (4, 4), (4, 4))], make_args=conjugate_pairs),
    rec("matrix_balance", lambda a: sla.matrix_balance(a)[0], shapes=[((N, N),)], make_args=badly_scaled,
        xfails={"f32/fwd": "issue 12: traced value is float64, NumPy's float32",
                "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
    rec("matrix_balance_separate", lambda a: sla.matrix_balance(a, separate=True)[0], shapes=[((N, N),)],
        make_args=badly_scaled,
        xfails={"f32/fwd": "issue 12: traced value is float64, NumPy's float32",
                "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
    rec("clarkson_woodruff_transform", lambda a: sla.clarkson_woodruff_transform(a, 2, 0),
        shapes=[((5, 2),)],
        rejects={"0d": "SciPy: tuple index out of range"}),
]

NONDIFFERENTIABLE = {} if sla is None else {
    # queries and getters: no derivative to carry
    "bandwidth": "the integer band widths of a matrix",
    "ishermitian": "a boolean query",
    "issymmetric": "a boolean query",
    "find_best_blas_type": "a BLAS prefix and dtype",
    "get_blas_funcs": "BLAS routines",
    "get_lapack_funcs": "LAPACK routines",
    # built from a size alone
    "dft": "built from a size alone", "hadamard": "built from a size alone",
    "helmert": "built from a size alone", "hilbert": "built from a size alone",
    "invhilbert": "built from a size alone", "pascal": "built from a size alone",
    "invpascal": "built from a size alone",
    # no derivative rule: TypeError on traced input, SciPy on plain values
    "schur": "Schur vectors: no rule (TypeError on traced input); eig or eigh instead",
    "rsf2csf": "Schur form conversion: no rule (TypeError on traced input); eig instead",
    "qz": "generalized Schur form: no rule (TypeError on traced input); eigvals(solve(b, a)) instead",
    "ordqz": "generalized Schur form: no rule (TypeError on traced input); eigvals(solve(b, a)) instead",
    "hessenberg": "Hessenberg form: no rule (TypeError on traced input)",
    "ldl": "pivoted LDL^T: no rule (TypeError on traced input); solve(assume_a='sym'), cholesky or lu instead",
    "cossin": "CS decomposition: no rule (TypeError on traced input); svd or qr of the blocks instead",
    "expm_cond": "condition number of expm: no rule (TypeError on traced input)",
    "qr_update": "updates of given factors: no rule (TypeError on traced input); qr of the updated matrix",
    "qr_insert": "updates of given factors: no rule (TypeError on traced input); qr of the updated matrix",
    "qr_delete": "updates of given factors: no rule (TypeError on traced input); qr of the updated matrix",
}
