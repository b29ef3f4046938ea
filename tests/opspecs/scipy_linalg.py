"""Records for fastgrad/scipy/linalg.py."""

import numpy as onp

from . import OpSpec

try:
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


# Records that exercise a public function under another case name.
PUBLIC = {"solve_triangular_vector": "solve_triangular", "cho_solve_lower": "cho_solve", "lu_permute_l": "lu",
          "solve_pos": "solve", "solve_diagonal": "solve", "cholesky_symmetric": "cholesky"}


def rec(name, fun, covers=(), **kw):
    """A record named after the SciPy path (its ids do not collide with numpy.linalg's)."""
    return OpSpec("scipy.linalg." + name, fun, covers=(PUBLIC.get(name, name),) + tuple(covers), **kw)


VEC = [((N, N), (N,))]
MAT = [((N, N), (N, 2))]
TRI_KWARGS = [{"lower": True}, {"lower": True, "trans": 1}, {"lower": False, "trans": "T", "unit_diagonal": True}]

SPECS = [] if sla is None else [
    rec("solve_triangular", lambda a, b, **kw: sla.solve_triangular(a, b, **kw), shapes=MAT,
           make_args=square_and_rhs, kwargs=TRI_KWARGS),
    rec("solve_triangular_vector", lambda a, b: sla.solve_triangular(a, b), shapes=VEC, make_args=square_and_rhs),
    rec("cholesky", sla.cholesky, shapes=[((N, N),)], make_args=just(spd),
           kwargs=[{}, {"lower": True}]),
    rec("cholesky_symmetric", lambda x: sla.cholesky(x @ x.T + N * onp.eye(N), lower=True),
           shapes=[((N, N),)]),
    rec("cho_factor", lambda a, lower: sla.cho_factor(a, lower=lower)[0], shapes=[((N, N),)],
           make_args=just(spd), kwargs=[{"lower": True}, {"lower": False}]),
    rec("cho_solve", lambda a, b: sla.cho_solve(sla.cho_factor(a), b), shapes=MAT, make_args=spd_and_rhs),
    rec("cho_solve_lower", lambda a, b: sla.cho_solve(sla.cho_factor(a, lower=True), b), shapes=VEC,
           make_args=spd_and_rhs),
    rec("lu_factor", lambda a: sla.lu_factor(a)[0], shapes=[((N, N),)], make_args=just(well_conditioned)),
    rec("lu_solve", lambda a, b, trans=0: sla.lu_solve(sla.lu_factor(a), b, trans=trans), shapes=MAT,
           make_args=square_and_rhs, kwargs=[{}, {"trans": 1}]),
    rec("lu", lambda a: sla.lu(a)[1:], shapes=[((N, N),)], make_args=just(well_conditioned)),
    rec("lu_permute_l", lambda a: sla.lu(a, permute_l=True), shapes=[((N, N),)],
           make_args=just(well_conditioned)),
    rec("solve", lambda a, b, **kw: sla.solve(a, b, **kw), shapes=VEC, make_args=square_and_rhs,
           kwargs=[{}, {"transposed": True}, {"assume_a": "sym"}, {"assume_a": "lower triangular"}]),
    rec("solve_pos", lambda a, b: sla.solve(a, b, assume_a="pos"), shapes=VEC, make_args=spd_and_rhs),
    rec("solve_diagonal", lambda a, b: sla.solve(a, b, assume_a="diagonal"), shapes=MAT,
           make_args=square_and_rhs),
    rec("inv", sla.inv, shapes=[((N, N),)], make_args=just(well_conditioned)),
    rec("det", sla.det, shapes=[((N, N),)], make_args=just(well_conditioned)),
    rec("solve_banded", lambda ab, b: sla.solve_banded((1, 2), ab, b), shapes=[((4, 5), (5,)), ((4, 5), (5, 2))],
           make_args=banded_and_rhs),
    rec("solve_sylvester", sla.solve_sylvester, shapes=[((N, N), (2, 2), (N, 2))], make_args=sylvester_args),
    rec("solve_continuous_lyapunov", sla.solve_continuous_lyapunov, shapes=[((N, N), (N, N))],
           make_args=lambda rng, shapes, dtype: (well_conditioned(rng), rng.standard_normal((N, N))),
           covers=("solve_lyapunov",)),
    rec("sqrtm", sla.sqrtm, shapes=[((N, N),)], make_args=just(spd)),
    rec("expm", sla.expm, shapes=[((N, N),)],
        make_args=lambda rng, shapes, dtype: (0.5 * rng.standard_normal((N, N)),)),
    rec("expm_frechet", lambda a, e: sla.expm_frechet(a, e), shapes=[((N, N), (N, N))]),
    rec("block_diag", lambda a, b, c: sla.block_diag(a, b, c), shapes=[((2, 2), (3,), ())]),
    # SciPy's names for numpy.linalg's decompositions (eigenvectors and singular vectors
    # enter through sign-free views)
    rec("eigh", lambda a, lower: _sign_free(sla.eigh(a, lower=lower)), shapes=[((N, N),)], make_args=just(spd),
        kwargs=[{"lower": True}, {"lower": False}]),
    rec("eigvalsh", sla.eigvalsh, shapes=[((N, N),)], make_args=just(spd)),
    rec("svd", lambda a: _sign_free(sla.svd(a, full_matrices=False)), shapes=[((N, 2),)]),
    rec("svdvals", sla.svdvals, shapes=[((N, 2),)]),
    rec("qr", lambda a, mode: sla.qr(a, mode=mode), shapes=[((N, 2),)], kwargs=[{"mode": "economic"}, {"mode": "r"}]),
    rec("pinv", sla.pinv, shapes=[((N, 2),)]),
    rec("norm", lambda a, **kw: sla.norm(a, **kw), shapes=[((N, 2),)], kwargs=[{}, {"ord": 2}, {"axis": 0}]),
]
