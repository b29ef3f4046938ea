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
  complex    complex inputs: forward and reverse jacobians follow one convention
A mode a record marks missing is asserted to raise instead, so the table cannot go stale.

The variants of every record (sizes 0 and 1, 0-d, Fortran and strided layouts, float32;
see OpSpec.variants) get the cheaper checks, fwd, rev and jacobian, which also assert that
the traced value is NumPy's, in NumPy's dtype, and every derivative has its primal's shape
and dtype. float32 derivatives are compared with
the float64 ones at the same (rounded) point. A variant a record says NumPy rejects is
asserted to raise on plain arrays.
"""

import numpy as onp
import pytest

from fastgrad import jacobian, make_jvp, make_vjp
from fastgrad.engine import getval
from fastgrad.linearization import Linearization
from fastgrad.base import Diagonal, Rows
from fastgrad.tree import flatten

from opspecs import all_specs

SPECS = all_specs()
CASES = [case for spec in SPECS for case in spec.cases()]


def _ids(cases):
    return [c.id for c in cases]


def _problem(case, seed=0, cast=None):
    """(F, x): F maps the tuple of differentiated args to the output. cast, if given, is
    applied to every argument first."""
    args = case.args(seed)
    if cast is not None:
        args = tuple(cast(a) for a in args)
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
        value = (onp.asarray(value) if shape else onp.float64(value) if not onp.iscomplexobj(leaf)
                 else onp.complex128(value))
        if onp.result_type(leaf) in (onp.float32, onp.complex64):
            value = value.astype(onp.result_type(leaf))
        out.append(value)
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


def _assert_close(exact, numeric, rtol, what, equal_nan=False):
    exact, numeric = _leaves(exact), _leaves(numeric)
    assert len(exact) == len(numeric), what
    for a, b in zip(exact, numeric):
        assert onp.shape(a) == onp.shape(b), f"{what}: shape {onp.shape(a)} != {onp.shape(b)}"
        scale = max(1.0, float(onp.max(onp.abs(b), initial=0.0, where=onp.isfinite(b))))
        assert onp.allclose(a, b, rtol=rtol, atol=rtol * scale, equal_nan=equal_nan), \
            f"{what}:\nexact   {a}\nnumeric {b}"


def _assert_scalar_close(a, b, rtol, what, scale=1.0, equal_nan=False):
    if equal_nan and onp.isnan(a) and onp.isnan(b):
        return
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

    def seeds(shape, complex_leaf):
        size = int(onp.prod(shape, dtype=int))
        yield Diagonal(1.0, shape)
        if size > 2:
            yield Diagonal(1.0, shape, 1, size - 1)
        yield Diagonal(rng.standard_normal(shape) if shape else rng.standard_normal(), shape)
        if complex_leaf:
            # the imaginary directions a jacobian sweeps a complex leaf (or output) along:
            # wherever they meet a real value only their real part may go on
            yield Diagonal(1j, shape)
            if size > 2:
                yield Diagonal(1j, shape, 1, size - 1)

    for j, leaf in enumerate(lin.in_leaves):
        for seed in seeds(onp.shape(leaf), onp.iscomplexobj(leaf)):
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
        for seed in seeds(onp.shape(getval(y)), onp.iscomplexobj(getval(y))):
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


def _reads_value(node):
    reads = node.prim.forward_reads_value
    return reads is True or (reads is not False and reads(*node.args, **node.kwargs))


def _scalar_divisor(case):
    """The case again with a NumPy scalar in place of a 0-d divisor: divide's forward rules
    read x rather than the output there (the call x / p[1])."""
    return case.spec.name in ("divide", "true_divide") and onp.ndim(case.args(0)[1]) == 0


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_forward_rules_that_declare_the_output_unread_do_not_read_it(case):
    """A primitive whose forward rules declare they do not read its output
    (Primitive.forward_reads_value, for a jacobian to free the output before its sweep):
    with the output replaced by NaNs on the tape, dense, diagonal and compact-row seeds give
    the same tangents as before."""
    if case.spec.missing.get("fwd"):
        return
    cast = None
    if _scalar_divisor(case):
        def cast(a):
            return onp.float64(a) if onp.ndim(a) == 0 and onp.isrealobj(a) else a
    F, x = _problem(case, cast=cast)
    lin = Linearization(F, (x,), {}, 0)
    ends = [node for node in lin.out_nodes if node is not None and node.prim is not None]
    unread = [node for node in ends if not _reads_value(node)]
    if not unread:
        return
    rng = onp.random.default_rng(13)
    k = 3
    n_in = len(lin.in_leaves)
    seeds = {"dense": (k, []), "rows": (n_in, [])}
    if n_in == 1:
        shape = onp.shape(lin.in_leaves[0])
        size = int(onp.prod(shape))
        seeds["diagonal"] = (size, [Diagonal(1.0, shape, 0, size)])
    for j, leaf in enumerate(lin.in_leaves):
        shape = onp.shape(leaf)
        seeds["dense"][1].append(_random_like(onp.zeros((k,) + shape, dtype=onp.result_type(leaf)), rng))
        seeds["rows"][1].append(Rows(n_in, shape, (j,), rng.standard_normal((1,) + shape)))

    def tangents(kind):
        batch, s = seeds[kind]
        return [_dense(t, y, batch) for t, y in zip(lin.jvp(s), lin.out_leaves)]

    expected = {kind: tangents(kind) for kind in seeds}
    for node in unread:
        value = node.value
        node.value = onp.full(onp.shape(value), onp.nan, dtype=onp.result_type(value))
    for kind in seeds:
        for a, b in zip(tangents(kind), expected[kind]):
            onp.testing.assert_array_equal(a, b, err_msg=f"{kind} seed, output replaced, of {case.id}")


def test_every_primitive_declaring_its_output_unread_is_checked():
    """Each primitive that says its forward rules do not read its output meets the check
    above in at least one case of the table (with a NumPy scalar divisor for divide)."""
    from fastgrad import numpy as fnp
    from fastgrad.engine import Primitive

    declared = {prim for prim in vars(fnp).values()
                if isinstance(prim, Primitive) and prim.forward_reads_value is not True}
    checked = set()
    for case in CASES:
        if case.spec.missing.get("fwd"):
            continue
        cast = (lambda a: onp.float64(a) if onp.ndim(a) == 0 and onp.isrealobj(a) else a) \
            if _scalar_divisor(case) else None
        F, x = _problem(case, cast=cast)
        lin = Linearization(F, (x,), {}, 0)
        for node in lin.out_nodes:
            if node is not None and node.prim is not None and not _reads_value(node):
                checked.add(node.prim)
    assert declared, "no primitive declares its output unread: the check above checks nothing"
    assert declared <= checked, f"never checked: {sorted(p.name for p in declared - checked)}"


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

def _flat_problem(case, cast=None):
    F, x = _problem(case, cast=cast)
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

    flat = onp.concatenate([onp.ravel(leaf) for leaf in x_leaves])
    if not onp.issubdtype(flat.dtype, onp.inexact):
        flat = flat.astype(float)
    return G, flat


REAL_CASES = [c for c in CASES if c.dtype == "f64"]


@pytest.mark.parametrize("case", REAL_CASES, ids=_ids(REAL_CASES))
def test_jacobian(case):
    if case.spec.missing.get("fwd") or case.spec.missing.get("rev"):
        return
    F, x = _problem(case)
    if not _leaves(F(x)):
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


# ---------------------------------------------------------------- variants

VARIANTS = [case for spec in SPECS if not (spec.missing.get("fwd") and spec.missing.get("rev"))
            for case in spec.variants()]
ACCEPTED = [c for c in VARIANTS if c.rejected is None]
REJECTED = [c for c in VARIANTS if c.rejected is not None]
# The flattened problem has no layout of its own, and a size-1 dimension changes no jacobian
# that size 0 and the grid do not already cover.
REAL_ACCEPTED = [c for c in ACCEPTED if c.layout == "C" and c.variant != "size1" and c.dtype != "c64"]
SINGLE = ("f32", "c64")


def _params(cases, check):
    """The cases as parameters, a case whose `check` is a known defect marked a strict xfail."""
    return [pytest.param(c, id=c.id, marks=pytest.mark.xfail(strict=True, reason=c.xfail(check)))
            if c.xfail(check) else pytest.param(c, id=c.id) for c in cases]


def _as64(value):
    """float32 (and complex64) values as float64 (complex128), the rest as they are."""
    if isinstance(value, (list, tuple)):
        items = [_as64(v) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    dtype = onp.result_type(value) if isinstance(value, (onp.ndarray, onp.generic)) else None
    if dtype == onp.float32:
        return onp.float64(value) if onp.ndim(value) == 0 else value.astype(onp.float64)
    if dtype == onp.complex64:
        return onp.complex128(value) if onp.ndim(value) == 0 else value.astype(onp.complex128)
    return value


def _real_dtype(dtype):
    return onp.finfo(dtype).dtype


def _assert_like(derivatives, primals, what, inputs=()):
    """Each derivative has its primal's shape and dtype (docs/complex.md): a VJP its
    input's, a JVP its output's, to which a complex input adds only its precision."""
    derivatives, primals = _leaves(derivatives), _leaves(primals)
    complex_inputs = [_real_dtype(x.dtype) for x in _leaves(inputs) if onp.iscomplexobj(x)]
    assert len(derivatives) == len(primals), what
    for d, p in zip(derivatives, primals):
        assert d.shape == p.shape, f"{what}: shape {d.shape}, primal {p.shape}"
        if onp.issubdtype(p.dtype, onp.inexact):
            expected = onp.result_type(p.dtype, *complex_inputs)
            assert d.dtype == expected, f"{what}: dtype {d.dtype}, primal {p.dtype}, expected {expected}"


def _empty(tree):
    return all(leaf.size == 0 for leaf in _leaves(tree))


def _assert_close32(single, double, rtol, what):
    for a, b in zip(_leaves(single), _leaves(double)):
        scale = max(1.0, float(onp.max(onp.abs(b), initial=0.0, where=onp.isfinite(b))))
        assert onp.allclose(a, b, rtol=rtol, atol=rtol * scale, equal_nan=True), \
            f"{what}:\nfloat32 {a}\nfloat64 {b}"


def _plain_error(case):
    try:
        case.spec.fun(*case.args(), **case.kwargs)
    except Exception as error:  # noqa: BLE001 - whatever NumPy raises for these inputs
        return error
    return None


@pytest.mark.parametrize("case", _params(REJECTED, "rejected"))
def test_variant_rejected(case):
    """Under a record's `rejects`: where NumPy rejects the plain arrays, tracing them raises
    too (no derivative of a value NumPy does not compute); where it accepts them (the
    rejection covers other keywords) the derivative is checked as any other variant's."""
    if _plain_error(case) is None:
        test_variant_fwd(case)
        test_variant_rev(case)
        return
    with pytest.raises(Exception):  # noqa: B017 - whatever NumPy raises for these inputs
        F, x = _problem(case)
        make_vjp(F)(x)


REJECTIONS = sorted({(c.spec.name, c.rejected) for c in REJECTED})


@pytest.mark.parametrize("name,key", REJECTIONS, ids=[f"{n}-{k}" for n, k in REJECTIONS])
def test_rejection_is_needed(name, key):
    """Each rejection a record states is needed by at least one of its variants."""
    cases = [c for c in REJECTED if c.spec.name == name and c.rejected == key]
    assert any(_plain_error(c) is not None for c in cases), \
        f"{name}: NumPy accepts every {key} variant; drop rejects[{key!r}] ({cases[0].spec.rejects[key]})"


@pytest.mark.parametrize("case", _params(ACCEPTED, "fwd"))
def test_variant_fwd(case):
    if case.spec.missing.get("fwd"):
        return
    F, x = _problem(case)
    v = _random_like(x, onp.random.default_rng(1))
    y, jv = make_jvp(F)(x)(v)
    _assert_like(jv, y, f"JVP of {case.id}", inputs=x)
    # Traced, the function computes what NumPy computes on the plain arrays, in NumPy's dtype.
    for traced, plain in zip(_leaves(y), _leaves(F(x))):
        assert (traced.shape, traced.dtype) == (plain.shape, plain.dtype), \
            f"traced value of {case.id}: {traced.shape} {traced.dtype}, plain {plain.shape} {plain.dtype}"
        _assert_close(traced, plain, 1e-4 if case.dtype in SINGLE else 1e-12, f"traced value of {case.id}",
                      equal_nan=True)
    if case.dtype in SINGLE:
        _, jv64 = make_jvp(_problem(case, cast=_as64)[0])(_as64(x))(_as64(v))
        _assert_close32(jv, jv64, case.spec.rtol32, f"float32 JVP of {case.id}")
    else:
        _assert_close(jv, _numeric_jvp(F, x, v, case.spec.eps), case.spec.rtol, f"JVP of {case.id}",
                      equal_nan=True)


@pytest.mark.parametrize("case", _params(ACCEPTED, "rev"))
def test_variant_rev(case):
    if case.spec.missing.get("rev"):
        return
    F, x = _problem(case)
    rng = onp.random.default_rng(2)
    vjp, y = make_vjp(F)(x)
    u, v = _random_like(y, rng), _random_like(x, rng)
    g = vjp(u)
    _assert_like(g, x, f"VJP of {case.id}")
    if case.dtype in SINGLE:
        vjp64, _ = make_vjp(_problem(case, cast=_as64)[0])(_as64(x))
        _assert_close32(g, vjp64(_as64(u)), case.spec.rtol32, f"float32 VJP of {case.id}")
    elif not _empty(x):
        numeric = _pair(u, _numeric_jvp(F, x, v, case.spec.eps))
        _assert_scalar_close(_pair(g, v), numeric, case.spec.rtol, f"<J^T u, v> vs <u, J v> of {case.id}",
                             equal_nan=True)


@pytest.mark.parametrize("case", _params(REAL_ACCEPTED, "jacobian"))
def test_variant_jacobian(case):
    """The one-sweep jacobians of the flattened problem (which has no layout of its own,
    so layouts are left to fwd and rev) agree with each other, and in float32 with float64."""
    if case.spec.missing.get("fwd") or case.spec.missing.get("rev"):
        return
    F, x = _problem(case)
    if not _leaves(F(x)):
        return
    G, flat = _flat_problem(case)
    y = onp.asarray(getval(G(flat)))
    if onp.iscomplexobj(y):
        return
    j_fwd = onp.asarray(jacobian(G, mode="fwd")(flat))
    j_rev = onp.asarray(jacobian(G, mode="rev")(flat))
    assert j_fwd.shape == j_rev.shape == y.shape + flat.shape, f"jacobian shape of {case.id}"
    assert j_fwd.dtype == j_rev.dtype == onp.result_type(y, flat), f"jacobian dtype of {case.id}"
    if case.dtype in SINGLE:
        G64, flat64 = _flat_problem(case, cast=_as64)
        _assert_close32(j_fwd, onp.asarray(jacobian(G64, mode="fwd")(flat64)), case.spec.rtol32,
                        f"float32 jacfwd of {case.id}")
        _assert_close32(j_rev, onp.asarray(jacobian(G64, mode="rev")(flat64)), case.spec.rtol32,
                        f"float32 jacrev of {case.id}")
    else:
        tol = 1e-10 if case.spec.rtol <= 1e-5 else case.spec.rtol
        onp.testing.assert_allclose(j_fwd, j_rev, rtol=tol, atol=tol * 1e-2, err_msg=f"jacfwd vs jacrev of {case.id}")


# ---------------------------------------------------------------- complex convention

COMPLEX_CASES = [c for c in CASES if c.dtype == "c128"]


@pytest.mark.parametrize("case", COMPLEX_CASES, ids=_ids(COMPLEX_CASES))
def test_complex_jacobian(case):
    """One convention for complex inputs (docs/complex.md), whichever way the jacobian is
    swept: J = dRe(f)/da - i dRe(f)/db for z = a + ib, against central differences."""
    if case.spec.missing.get("fwd") or case.spec.missing.get("rev"):
        return
    F, x = _problem(case)
    if not all(onp.iscomplexobj(leaf) for leaf in _leaves(x)) or not _leaves(F(x)):
        return
    G, flat = _flat_problem(case)
    j_fwd = onp.asarray(jacobian(G, mode="fwd")(flat))
    j_rev = onp.asarray(jacobian(G, mode="rev")(flat))
    h = case.spec.eps

    def column(e):
        return onp.real((onp.asarray(getval(G(flat + h * e))) - onp.asarray(getval(G(flat - h * e)))) / (2 * h))

    eye = onp.eye(flat.size)
    numeric = (onp.stack([column(e) - 1j * column(1j * e) for e in eye], axis=-1) if flat.size
               else onp.zeros(onp.shape(getval(G(flat))) + (0,)))
    _assert_close(j_fwd, numeric, case.spec.rtol, f"forward jacobian of {case.id}")
    tol = 1e-10 if case.spec.rtol <= 1e-5 else case.spec.rtol
    onp.testing.assert_allclose(j_rev, j_fwd, rtol=tol, atol=tol * 1e-2, err_msg=f"jacfwd vs jacrev of {case.id}")
