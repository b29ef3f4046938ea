"""Derivative checks generated from the table of operations (tests/opspecs).

For every record and every case (shapes x keyword arguments x dtype):
  fwd        forward mode against central differences in a random direction
  rev        reverse mode by the dot-product identity <u, J v> = <J^T u, v>, J v by differences
  fwd_rev    forward against reverse, no differences, tight tolerance
  batched    a batch of k seeds against k single sweeps, some operands without a seed
  structured symbolic diagonal seeds against their dense rows, forward and reverse
  second     forward over forward, reverse over reverse, forward over reverse
  jacobian   the one-sweep forward and reverse jacobians and stacked single VJPs agree
  special    forward and reverse agree and are finite at special points
A mode a record marks missing is asserted to raise instead, so the table cannot go stale.
"""

import numpy as onp
import pytest

from fastgrad import jacobian, make_jvp, make_vjp
from fastgrad.core import getval
from fastgrad.differential_operators import Linearization
from fastgrad.seeds import Diagonal, Rows
from fastgrad.tree import flatten

from opspecs import all_specs

SPECS = all_specs()
CASES = [case for spec in SPECS for case in spec.cases()]


def _ids(cases):
    return [c.id for c in cases]


def _problem(case, seed=0):
    """(F, x): F maps the tuple of differentiated args to the output."""
    args = case.args(seed)
    diff = case.diff_args

    def F(xs):
        call = list(args)
        for i, xi in zip(diff, xs):
            call[i] = xi
        return case.spec.fun(*call, **case.kwargs)

    return F, tuple(args[i] for i in diff)


def _random_like(tree, rng):
    leaves, rebuild = flatten(tree)
    out = []
    for leaf in leaves:
        leaf = getval(leaf)
        shape = onp.shape(leaf)
        value = rng.standard_normal(shape)
        if onp.iscomplexobj(leaf):
            value = value + 1j * rng.standard_normal(shape)
        out.append(onp.asarray(value) if shape else onp.float64(value) if not onp.iscomplexobj(leaf)
                   else onp.complex128(value))
    return rebuild(out)


def _leaves(tree):
    return [onp.asarray(getval(leaf)) for leaf in flatten(tree)[0]]


def _pair(a, b):
    return float(sum(onp.real(onp.sum(x * y)) for x, y in zip(_leaves(a), _leaves(b))))


def _axpy(alpha, v, x):
    xs, rebuild = flatten(x)
    vs, _ = flatten(v)
    return rebuild([xi + alpha * vi for xi, vi in zip(xs, vs)])


def _numeric_jvp(F, x, v, eps):
    plus, minus = F(_axpy(eps, v, x)), F(_axpy(-eps, v, x))
    return [(p - m) / (2 * eps) for p, m in zip(_leaves(plus), _leaves(minus))]


def _assert_close(exact, numeric, rtol, what):
    exact, numeric = _leaves(exact), _leaves(numeric)
    assert len(exact) == len(numeric), what
    for a, b in zip(exact, numeric):
        assert onp.shape(a) == onp.shape(b), f"{what}: shape {onp.shape(a)} != {onp.shape(b)}"
        scale = max(1.0, float(onp.max(onp.abs(b), initial=0.0)))
        assert onp.allclose(a, b, rtol=rtol, atol=rtol * scale), f"{what}:\nexact   {a}\nnumeric {b}"


def _assert_scalar_close(a, b, rtol, what, scale=1.0):
    assert abs(a - b) <= rtol * max(abs(a), abs(b), scale), f"{what}: {a} != {b}"


def _skip_or_expect(case, mode):
    reason = case.spec.missing.get(mode)
    return reason


def _expect_raise(fn):
    with pytest.raises((NotImplementedError, TypeError, ValueError)):
        fn()


# ---------------------------------------------------------------- first order

@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_fwd(case):
    F, x = _problem(case)
    rng = onp.random.default_rng(1)
    v = _random_like(x, rng)
    if _skip_or_expect(case, "fwd"):
        return _expect_raise(lambda: make_jvp(F)(x)(v))
    _, exact = make_jvp(F)(x)(v)
    numeric = _numeric_jvp(F, x, v, case.spec.eps)
    _assert_close(exact, numeric, case.spec.rtol, f"JVP of {case.id}")


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_rev(case):
    F, x = _problem(case)
    rng = onp.random.default_rng(2)
    if _skip_or_expect(case, "rev"):
        return _expect_raise(lambda: make_vjp(F)(x)[0](_random_like(F(x), rng)))
    vjp, y = make_vjp(F)(x)
    u, v = _random_like(y, rng), _random_like(x, rng)
    exact = _pair(vjp(u), v)
    numeric = _pair(u, _numeric_jvp(F, x, v, case.spec.eps))
    _assert_scalar_close(exact, numeric, case.spec.rtol, f"<J^T u, v> vs <u, J v> of {case.id}")


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_fwd_rev(case):
    if case.spec.missing.get("fwd") or case.spec.missing.get("rev"):
        return
    F, x = _problem(case)
    rng = onp.random.default_rng(3)
    vjp, y = make_vjp(F)(x)
    u, v = _random_like(y, rng), _random_like(x, rng)
    _, jv = make_jvp(F)(x)(v)
    lhs, rhs = _pair(u, jv), _pair(vjp(u), v)
    scale = onp.sqrt(sum(onp.sum(onp.abs(a) ** 2) for a in _leaves(jv))) * onp.sqrt(
        sum(onp.sum(onp.abs(a) ** 2) for a in _leaves(u)))
    tol = 1e-10 if case.spec.rtol <= 1e-5 else case.spec.rtol
    _assert_scalar_close(lhs, rhs, tol, f"forward vs reverse of {case.id}", scale=scale + 1e-300)


# ---------------------------------------------------------------- batching

def _stack(rows):
    return [onp.stack([onp.asarray(getval(r[i])) for r in rows]) for i in range(len(rows[0]))]


def _dense(t, like, k):
    if t is None:
        return onp.zeros((k,) + onp.shape(getval(like)))
    if hasattr(t, "materialize"):
        t = t.materialize()
    return onp.asarray(getval(t))


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_batched(case):
    if case.spec.missing.get("fwd") or case.spec.missing.get("rev"):
        return
    F, x = _problem(case)
    lin = Linearization(F, (x,), {}, 0)
    rng = onp.random.default_rng(4)
    k = 3
    # Forward: the last differentiated operand gets no seed when there are several.
    n_in = len(lin.in_leaves)
    seeded = [i for i in range(n_in) if n_in == 1 or i != n_in - 1]
    batch = [None] * n_in
    for i in seeded:
        leaf = lin.in_leaves[i]
        batch[i] = onp.stack([_random_like(leaf, rng) for _ in range(k)])
    swept = lin.jvp(batch)
    for row in range(k):
        single = [None if b is None else b[row:row + 1] for b in batch]
        one = lin.jvp(single)
        for t_batch, t_one, y in zip(swept, one, lin.out_leaves):
            onp.testing.assert_allclose(_dense(t_batch, y, k)[row], _dense(t_one, y, 1)[0],
                                        rtol=1e-10, atol=1e-12, err_msg=f"batched JVP of {case.id}")
    # Reverse.
    cot = [onp.stack([_random_like(y, rng) for _ in range(k)]) for y in lin.out_leaves]
    pulled = lin.vjp(cot)
    for row in range(k):
        one = lin.vjp([c[row:row + 1] for c in cot])
        for g_batch, g_one, xleaf in zip(pulled, one, lin.in_leaves):
            onp.testing.assert_allclose(_dense(g_batch, xleaf, k)[row], _dense(g_one, xleaf, 1)[0],
                                        rtol=1e-10, atol=1e-12, err_msg=f"batched VJP of {case.id}")


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_structured_seeds(case):
    """A symbolic diagonal seed (what jacobians sweep with) gives what its dense rows give,
    for the full identity, a block of its rows, and a scaled diagonal."""
    if case.spec.missing.get("fwd") or case.spec.missing.get("rev"):
        return
    F, x = _problem(case)
    lin = Linearization(F, (x,), {}, 0)
    rng = onp.random.default_rng(7)

    def seeds(shape):
        size = int(onp.prod(shape, dtype=int))
        yield Diagonal(1.0, shape)
        if size > 2:
            yield Diagonal(1.0, shape, 1, size - 1)
        yield Diagonal(rng.standard_normal(shape) if shape else rng.standard_normal(), shape)

    for j, leaf in enumerate(lin.in_leaves):
        for seed in seeds(onp.shape(leaf)):
            k = seed.stop - seed.start
            structured = [None] * len(lin.in_leaves)
            structured[j] = seed
            dense = [None] * len(lin.in_leaves)
            dense[j] = seed.materialize()
            for a, b, y in zip(lin.jvp(structured), lin.jvp(dense), lin.out_leaves):
                onp.testing.assert_allclose(_dense(a, y, k), _dense(b, y, k), rtol=1e-12, atol=1e-14,
                                            err_msg=f"structured JVP of {case.id}")
    for i, y in enumerate(lin.out_leaves):
        if lin.out_nodes[i] is None:
            continue
        for seed in seeds(onp.shape(getval(y))):
            k = seed.stop - seed.start
            structured = [None] * len(lin.out_leaves)
            structured[i] = seed
            dense = [None] * len(lin.out_leaves)
            dense[i] = seed.materialize()
            for a, b, xleaf in zip(lin.vjp(structured), lin.vjp(dense), lin.in_leaves):
                onp.testing.assert_allclose(_dense(a, xleaf, k), _dense(b, xleaf, k), rtol=1e-12, atol=1e-14,
                                            err_msg=f"structured VJP of {case.id}")


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_compact_rows_of_several_arguments(case):
    """Tangents that hold a few nonzero batch rows (what unpacking parameters, p[0] and
    p[1], gives) meeting at a primitive, in different rows and in the same row, give what
    their dense batches give: the joint rule that writes each argument's rows into one
    array, and the per-argument rules with the sum of rows, are checked together."""
    if case.spec.missing.get("fwd"):
        return
    F, x = _problem(case)
    lin = Linearization(F, (x,), {}, 0)
    if len(lin.in_leaves) < 2:
        return
    rng = onp.random.default_rng(11)
    k = len(lin.in_leaves) + 1
    for layout in ("apart", "together"):
        structured, dense = [], []
        for j, leaf in enumerate(lin.in_leaves):
            shape = onp.shape(leaf)
            row = j if layout == "apart" else 0
            values = rng.standard_normal((1,) + shape)
            structured.append(Rows(k, shape, (row,), values))
            full = onp.zeros((k,) + shape)
            full[row] = values[0]
            dense.append(full)
        for a, b, y in zip(lin.jvp(structured), lin.jvp(dense), lin.out_leaves):
            onp.testing.assert_allclose(_dense(a, y, k), _dense(b, y, k), rtol=1e-12, atol=1e-14,
                                        err_msg=f"compact rows ({layout}) of {case.id}")


# ---------------------------------------------------------------- second order

@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_second_order(case):
    spec = case.spec
    if spec.missing.get("fwd") or spec.missing.get("rev"):
        return
    F, x = _problem(case)
    rng = onp.random.default_rng(5)
    v = _random_like(x, rng)
    u = _random_like(F(x), rng)
    w = _random_like(x, rng)

    def jvp_of_F(xx):
        return make_jvp(F)(xx)(v)[1]

    def vjp_of_F(xx):
        return make_vjp(F)(xx)[0](u)

    if spec.missing.get("second"):
        return _expect_raise(lambda: make_jvp(jvp_of_F)(x)(w))
    rtol = max(spec.rtol, 1e-5) * 10
    # forward over forward
    _, exact = make_jvp(jvp_of_F)(x)(w)
    _assert_close(exact, _numeric_jvp(jvp_of_F, x, w, spec.eps), rtol, f"fwd-over-fwd of {case.id}")
    # forward over reverse
    _, exact = make_jvp(vjp_of_F)(x)(w)
    _assert_close(exact, _numeric_jvp(vjp_of_F, x, w, spec.eps), rtol, f"fwd-over-rev of {case.id}")
    # reverse over reverse
    vjp2, gx = make_vjp(vjp_of_F)(x)
    z = _random_like(gx, rng)
    exact = _pair(vjp2(z), w)
    numeric = _pair(z, _numeric_jvp(vjp_of_F, x, w, spec.eps))
    _assert_scalar_close(exact, numeric, rtol, f"rev-over-rev of {case.id}")


# ---------------------------------------------------------------- jacobians

def _flat_problem(case):
    F, x = _problem(case)
    x_leaves, rebuild = flatten(x)
    sizes = [onp.size(leaf) for leaf in x_leaves]
    shapes = [onp.shape(leaf) for leaf in x_leaves]

    def G(flat):
        pieces, start = [], 0
        from fastgrad import numpy as fnp
        for n, shape in zip(sizes, shapes):
            pieces.append(fnp.reshape(flat[start:start + n], shape))
            start += n
        out = F(rebuild(pieces))
        return fnp.concatenate([fnp.ravel(leaf) for leaf in flatten(out)[0]])

    flat = onp.concatenate([onp.ravel(leaf) for leaf in x_leaves]).astype(float)
    return G, flat


REAL_CASES = [c for c in CASES if c.dtype == "f64"]


@pytest.mark.parametrize("case", REAL_CASES, ids=_ids(REAL_CASES))
def test_jacobian(case):
    if case.spec.missing.get("fwd") or case.spec.missing.get("rev"):
        return
    G, flat = _flat_problem(case)
    y = onp.asarray(getval(G(flat)))
    if onp.iscomplexobj(y):
        return
    j_fwd = onp.asarray(jacobian(G, mode="fwd")(flat))
    j_rev = onp.asarray(jacobian(G, mode="rev")(flat))
    j_chunked = onp.asarray(jacobian(G, mode="fwd", chunk_size=2)(flat))
    vjp, _ = make_vjp(G)(flat)
    j_rows = onp.stack([vjp(e) for e in onp.eye(y.size)]) if y.size else onp.zeros((0, flat.size))
    # Forward and reverse agree to rounding, except where a record's rule is itself only
    # as accurate as its rtol (an ODE solver's tolerance, say).
    tol = 1e-10 if case.spec.rtol <= 1e-5 else case.spec.rtol
    onp.testing.assert_allclose(j_fwd, j_rev, rtol=tol, atol=tol * 1e-2, err_msg=f"jacfwd vs jacrev of {case.id}")
    onp.testing.assert_allclose(j_rows, j_rev, rtol=tol, atol=tol * 1e-2, err_msg=f"stacked VJPs of {case.id}")
    onp.testing.assert_allclose(j_chunked, j_fwd, rtol=1e-10, atol=1e-12, err_msg=f"chunked of {case.id}")


# ---------------------------------------------------------------- special values

SPECIAL = [(spec, i, args) for spec in SPECS for i, args in enumerate(spec.special)]


@pytest.mark.parametrize("spec,i,args", SPECIAL, ids=[f"{s.name}-special{i}" for s, i, _ in SPECIAL])
def test_special_values(spec, i, args):
    args = tuple(onp.asarray(a, dtype=float) if not onp.iscomplexobj(a) else onp.asarray(a) for a in args)
    diff = tuple(range(len(args))) if spec.diff_args is None else spec.diff_args

    def F(xs):
        call = list(args)
        for j, xj in zip(diff, xs):
            call[j] = xj
        return spec.fun(*call)

    x = tuple(args[j] for j in diff)
    rng = onp.random.default_rng(6)
    v = _random_like(x, rng)
    ans, jv = make_jvp(F)(x)(v)
    vjp, y = make_vjp(F)(x)
    u = _random_like(y, rng)
    lhs, rhs = _pair(u, jv), _pair(vjp(u), v)
    finite_value = all(onp.all(onp.isfinite(a)) for a in _leaves(ans))
    if finite_value:
        assert all(onp.all(onp.isfinite(a)) for a in _leaves(jv)), f"{spec.name}: non-finite JVP at {args}"
    assert onp.isclose(lhs, rhs, rtol=1e-8, atol=1e-12, equal_nan=True), f"{spec.name} at {args}: {lhs} != {rhs}"
