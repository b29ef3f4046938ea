"""Every record of the table of operations (tests/opspecs) through the sparse jacobian:
the detected pattern holds every nonzero of the dense jacobian at a random point (a
declared pattern may hold zeros, never miss an entry), and the sparse jacobian equals the
dense one. Both the pattern of each primitive's own call and that of the primitives its
wrappers compose are checked this way."""

import numpy as onp
import pytest

from fastgrad import jacobian, jacobian_sparsity, sparse_jacobian
from fastgrad.engine import getval

from test_rules import REAL_CASES, _flat_problem, _ids, _leaves, _problem

pytest.importorskip("scipy")


def _usable(case):
    if case.spec.missing.get("fwd") or case.spec.missing.get("rev"):
        return None
    F, x = _problem(case)
    if not _leaves(F(x)):
        return None
    G, flat = _flat_problem(case)
    y = onp.asarray(getval(G(flat)))
    if onp.iscomplexobj(y) or flat.size == 0 or y.size == 0:
        return None
    return G, flat


@pytest.mark.parametrize("case", REAL_CASES, ids=_ids(REAL_CASES))
def test_pattern_holds_every_nonzero(case):
    problem = _usable(case)
    if problem is None:
        return
    G, flat = problem
    dense = onp.asarray(jacobian(G)(flat)).reshape(-1, flat.size)
    pattern = jacobian_sparsity(G)(flat).toarray()
    assert pattern.shape == dense.shape
    missed = (dense != 0) & ~pattern
    assert not missed.any(), f"{case.id}: the pattern misses entries {onp.argwhere(missed)[:5].tolist()}"
    sparse = sparse_jacobian(G)(flat)
    tol = 1e-10 if case.spec.rtol <= 1e-5 else case.spec.rtol
    onp.testing.assert_allclose(sparse.toarray(), dense, rtol=tol, atol=tol * 1e-2,
                                err_msg=f"sparse jacobian of {case.id}")


@pytest.mark.parametrize("case", REAL_CASES, ids=_ids(REAL_CASES))
def test_hessian_pattern_holds_every_nonzero(case):
    """The hessian pattern is the jacobian pattern of the recorded reverse pass, so this
    checks the patterns of the primitives each reverse rule records as well."""
    if case.spec.missing.get("second"):
        return
    problem = _usable(case)
    if problem is None:
        return
    G, flat = problem
    from fastgrad import hessian, hessian_sparsity, sparse_hessian
    from fastgrad import numpy as fnp

    w = onp.random.default_rng(1).standard_normal(onp.size(getval(G(flat))))

    def s(x):
        return fnp.sum(w * G(x))

    dense = onp.asarray(hessian(s)(flat))
    pattern = hessian_sparsity(s)(flat).toarray()
    missed = (dense != 0) & ~pattern
    assert not missed.any(), f"{case.id}: the hessian pattern misses entries {onp.argwhere(missed)[:5].tolist()}"
    if not onp.allclose(dense, dense.T, rtol=1e-8, atol=1e-8 * max(1.0, float(onp.max(onp.abs(dense), initial=0.0)))):
        # (rules that assume a symmetric argument, eigh's, give the derivative of the
        # symmetrised function: its "hessian" is no hessian, and a symmetric result cannot match)
        return
    sparse = sparse_hessian(s)(flat)
    tol = 1e-9 if case.spec.rtol <= 1e-5 else case.spec.rtol
    scale = max(1.0, float(onp.max(onp.abs(dense), initial=0.0)))
    onp.testing.assert_allclose(sparse.toarray(), dense, rtol=tol, atol=tol * scale,
                                err_msg=f"sparse hessian of {case.id}")
    assert (sparse != sparse.T).nnz == 0


PROGRAMS = 1000


def test_random_programs_sparse_equals_dense():
    """Random straight-line programs over the whole namespace (the fuzzer's): the sparse
    jacobian equals the dense one and the pattern holds each of its nonzeros, at the
    program's point and at a second point (where the tangents of the program's affine part
    kept by the first call are read)."""
    import warnings

    import fuzzing
    from fastgrad import numpy as fnp

    rng = onp.random.default_rng(20261206)
    checked = 0
    for _ in range(PROGRAMS):
        program = fuzzing.generate(rng)
        x = onp.asarray(program.input)
        if onp.iscomplexobj(x) or x.size == 0:
            continue
        f = fuzzing.compile_program(program, "fastgrad")

        def flat(x, f=f):
            return fnp.ravel(f(x))

        with warnings.catch_warnings(), onp.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                y = onp.asarray(getval(flat(x)))
                dense = onp.asarray(jacobian(flat)(x)).reshape(y.size, x.size)
            except Exception:
                continue  # (what the fuzzer itself checks; not this test's business)
            if onp.iscomplexobj(y) or not onp.all(onp.isfinite(dense)):
                continue
            pattern = jacobian_sparsity(flat)(x).toarray()
            missed = (dense != 0) & ~pattern
            assert not missed.any(), f"pattern misses entries of\n{program.source()}"
            jac = sparse_jacobian(flat)
            sparse = jac(x).toarray()
            x2 = (x * 0.9 + 0.05).astype(x.dtype)
            try:
                dense2 = onp.asarray(jacobian(flat)(x2)).reshape(y.size, x.size)
                sparse2 = jac(x2).toarray() if onp.all(onp.isfinite(dense2)) else None
            except Exception:
                sparse2 = None
        tol = 1e-5 if x.dtype == onp.float32 else 1e-10
        for got, expected in [(sparse, dense)] + ([(sparse2, dense2)] if sparse2 is not None else []):
            scale = max(1.0, float(onp.max(onp.abs(expected), initial=0.0)))
            onp.testing.assert_allclose(got, expected, rtol=tol, atol=tol * scale, err_msg=program.source())
        checked += 1
    assert checked > PROGRAMS // 2
