"""The rule helpers: elementwise, non-differentiable, and one mode derived from the other.

Every rule is batched: a tangent `t` has shape (k,) + shape(x) and a cotangent
`g` has shape (k,) + shape(ans), the batch axis always first. A rule returns
exactly (k,) + shape of what it differentiates (or None for a zero). Rules are
written with fastgrad's own operators, so a sweep run under an outer trace is
itself traced and every order of derivative works.

Helpers:
  elementwise(fun, *derivs)   give each argument's local derivative d(ans, *args);
                              JVP, VJP, broadcasting and symbolic seeds follow.
  defrules(prim, jvp=..., vjp=..., ...)  (in base) general rules, one per argument.
  nondifferentiable(fun)      passes values through and never traces.
  lift / unbroadcast / batch_axis   (in base) the batch-aware shape helpers.
A primitive that has rules in one mode only gets the other derived by
transposition (see `_jvp_from_vjp`), so no function works in one mode and fails
in the other.
Imports: the engine, tangents, the NumPy base and NumPy.
"""

import numpy as _np

from . import engine
from ._shapes import ndim_of, shape_of
from .base import (DENSE, KEEPS_DIAGONAL, MATERIALISES, IDENTITY_ROW, Diagonal, Rows, broadcast_batch, broadcast_to,
                   concatenate, defrules, is_complex, lift, real, reshape, traced_array, transpose, unbroadcast,
                   untake, zero_rule)
from .engine import Box, Primitive, getval
from .scaled import MIN_ENTRIES, Scaled, rescaled, scaled
from .tangents import add_tangents


# ---------------------------------------------------------------- elementwise rules

def elementwise(fun, *derivs, name=None, jvp=None, jvp_into=None, joint_jvp=None, forward_reads_value=True,
                passes_derivative=()):
    """A primitive applied elementwise with NumPy broadcasting.

    derivs[i] is the partial derivative of the output with respect to argument i,
    as a function of (ans, *args) returning something broadcastable to ans, or a
    number (1 for add, -1 for subtract's second argument), or None where the
    argument is not differentiable. Complex inputs follow autograd's convention:
    a holomorphic rule's VJP is the plain transpose, g * f'(x), no conjugate.

    Where the derived forward rule has a cheaper form, `jvp` gives it ({argnum: rule}),
    with `jvp_into` ({argnum: into}) writing the same into a given array (see
    _rows_joint_jvp); `joint_jvp` is a rule for all arguments' tangents at once.
    `forward_reads_value`: False where no derivative and no forward rule reads `ans`
    (see Primitive), or a predicate of the arguments. `passes_derivative`: the arguments
    whose derivative is the output's where they are the only traced one (see Primitive).
    """
    prim = _ElementwisePrimitive(fun, name)
    jvps, vjps, seed_jvps, seed_vjps = {}, {}, {}, {}
    for i, deriv in enumerate(derivs):
        if deriv is None:
            jvps[i] = vjps[i] = zero_rule
            continue
        jvps[i] = _elementwise_jvp(deriv)
        vjps[i] = _elementwise_vjp(i, deriv)
        seed_jvps[i] = _elementwise_structured(i, deriv, transpose=False)
        seed_vjps[i] = _elementwise_structured(i, deriv, transpose=True)
        prim.jvp_writers[i] = (jvps[i], _elementwise_jvp_into(deriv))
    for i, rule in (jvp or {}).items():
        jvps[i] = rule
        prim.jvp_writers[i] = (rule, jvp_into[i])
    return defrules(prim, jvp=jvps, vjp=vjps, seed_jvp=seed_jvps, seed_vjp=seed_vjps, joint_jvp=joint_jvp,
                    seed_joint_jvp=_rows_joint_jvp(prim) if len(derivs) > 1 else None,
                    forward_reads_value=forward_reads_value, passes_derivative=passes_derivative)


class _ElementwisePrimitive(Primitive):
    """An elementwise primitive records plain lists among its arguments as the arrays NumPy
    makes of them (Primitive.reads_lists_as_arrays), so its local derivatives (1.0 / y, say) meet
    arrays only.

    jvp_writers[i] = (jvp, into): `into(t, out, ans, *args, **kwargs)` writes what `jvp` returns
    for a plain tangent t into `out` (see _rows_joint_jvp); a rule replaced after the fact
    (prim.jvps[i] no longer `jvp`) is never bypassed this way."""

    # Each output element depends on the elements its arguments broadcast from, and on
    # nothing else: what sparse jacobians read (sparsity.py).
    sparsity = "elementwise"

    def __init__(self, fun, name=None):
        super().__init__(fun, name)
        self.jvp_writers = {}
        self.reads_lists_as_arrays = True
        self.array_from_list = _array_from_list


def _array_from_list(value):
    """fastgrad.numpy.array: a list becomes an array, traced if it holds traced values."""
    return traced_array(value)


def _elementwise_jvp(deriv):
    if isinstance(deriv, (int, float)):
        def jvp(t, ans, *args, **kwargs):
            ans_shape = shape_of(ans)
            out = lift(t, len(ans_shape))
            if deriv != 1:
                lazy = scaled(out, deriv, ans_shape)
                if lazy is not None:
                    return lazy
                out = out * deriv
            return broadcast_batch(out, shape_of(t)[0], ans_shape)
    else:
        def jvp(t, ans, *args, **kwargs):
            # broadcast_batch and lift written out: this runs at every elementwise node
            # of every forward sweep
            ans_shape = shape_of(ans)
            if t is IDENTITY_ROW:
                d = deriv(ans, *args, **kwargs)
                if type(d) is _np.ndarray and d.dtype.char in "dD":
                    # A parameter's own direction: the tangent is the local derivative
                    # itself, a view rather than a product with one (of the same dtype:
                    # double precision, real or complex).
                    if d.shape != ans_shape:
                        return _np.broadcast_to(d, (1,) + ans_shape)
                    row = d[None]
                    # d may be the caller's own array (x for x * p[0]): read-only, so a rule
                    # that wrote into its tangent would fail rather than change their data
                    row.setflags(write=False)
                    return row
            elif type(t) is _np.ndarray and t.shape[1:] == ans_shape:
                # the common case, a dense batch over the output's own shape, in fewer steps
                # (scaled() keeps no batch of fewer than MIN_ENTRIES entries: not asked)
                d = deriv(ans, *args, **kwargs) if kwargs else deriv(ans, *args)
                if t.size >= MIN_ENTRIES:
                    lazy = scaled(t, d, ans_shape)
                    if lazy is not None:
                        return lazy
                out = t * d
                return out if out.shape == t.shape else broadcast_to(out, t.shape)
            t_shape = shape_of(t)
            if len(t_shape) <= len(ans_shape):
                t = lift(t, len(ans_shape))
            d = deriv(ans, *args, **kwargs)
            # a wide batch: the factor waits for the next steps' (see scaled.py)
            lazy = scaled(t, d, ans_shape)
            if lazy is not None:
                return lazy
            out = t * d
            full = t_shape[:1] + ans_shape
            return out if shape_of(out) == full else broadcast_to(out, full)
    return jvp


def _elementwise_jvp_into(deriv):
    if isinstance(deriv, (int, float)):
        def into(t, out, ans, *args, **kwargs):
            _np.multiply(lift(t, ndim_of(ans)), deriv, out=out)
    else:
        def into(t, out, ans, *args, **kwargs):
            d = deriv(ans, *args, **kwargs)
            if isinstance(d, Box):
                return NotImplemented
            _np.multiply(lift(t, ndim_of(ans)), d, out=out)
    return into


def _rows_joint_jvp(prim):
    """Tangents of several arguments that are compact rows of different batch rows (the
    unpacked parameters of a model meeting: x / p[1] with x from p[0]) give an output whose
    compact rows are each argument's contribution, side by side. Each is written straight
    into its rows of one array, where adding them would compute each and then stack them:
    a copy of the whole result saved. Declines (NotImplemented) anything else."""
    def joint(tangents, ans, *args, **kwargs):
        if type(ans) is not _np.ndarray or kwargs:
            return NotImplemented
        parts = []
        dtype = ans.dtype
        argnum = -1
        for t in tangents:
            argnum += 1
            if t is None:
                continue
            if type(t) is not Rows or type(t.values) is not _np.ndarray:
                return NotImplemented
            pair = prim.jvp_writers.get(argnum)
            if pair is None or prim.jvps.get(argnum) is not pair[0]:
                return NotImplemented
            if t.values.dtype is not dtype:
                dtype = None
            parts.append((t, pair[1]))
        if len(parts) > 2 or parts[0][0].index[0] > parts[1][0].index[0]:
            parts.sort(key=_first_row)
        k = parts[0][0].k
        index = ()
        for t, _ in parts:
            if t.k != k or (index and index[-1] >= t.index[0]):
                return NotImplemented
            index += t.index
        if dtype is None:
            dtype = _np.result_type(ans, *[t.values for t, _ in parts])
        out = _np.empty((len(index),) + ans.shape, dtype=dtype)
        start = 0
        for t, into in parts:
            stop = start + len(t.index)
            try:
                if into(t.values, out[start:stop], ans, *args) is NotImplemented:
                    return NotImplemented
            except TypeError:
                # (a complex contribution to a real output, say): the rules decide
                return NotImplemented
            start = stop
        return Rows(k, ans.shape, index, out)
    return joint


def _first_row(part):
    return part[0].index[0]


def _elementwise_vjp(argnum, deriv):
    if isinstance(deriv, (int, float)):
        def vjp(g, ans, *args, **kwargs):
            return _fit_cotangent(g if deriv == 1 else g * deriv, args[argnum])
    else:
        def vjp(g, ans, *args, **kwargs):
            return _fit_cotangent(g * deriv(ans, *args, **kwargs), args[argnum])
    # _fit_cotangent leaves it in the argument's space: the sweep need not fit it again
    engine.fitted_vjps.add(vjp)
    return vjp


def _fit_cotangent(g, x):
    """unbroadcast(g, x), with the common case (no broadcasting, no complex cotangent of a
    real input) answered from two attribute reads: this runs once per primitive in every
    reverse sweep."""
    try:
        if g.shape[1:] == x.shape and (g.dtype.kind != "c" or x.dtype.kind == "c"):
            return g
    except AttributeError:
        pass
    return unbroadcast(g, x)


def _elementwise_structured(argnum, deriv, transpose):
    def rule(seed, ans, *args, **kwargs):
        if type(seed) is Scaled and not transpose:
            d = deriv if isinstance(deriv, (int, float)) else deriv(ans, *args, **kwargs)
            return rescaled(seed, d, shape_of(args[argnum]), shape_of(ans))
        if type(seed) is not Diagonal:
            return NotImplemented
        x = args[argnum]
        if isinstance(deriv, (int, float)):
            scaled = seed if deriv == 1 else seed.scaled(deriv)
        else:
            scaled = seed.scaled(deriv(ans, *args, **kwargs))
        if shape_of(x) == shape_of(ans):
            return scaled
        if transpose:
            return _sum_diagonal_to(scaled, shape_of(x))
        return NotImplemented

    def plan(ans, *args, **kwargs):
        if shape_of(args[argnum]) == shape_of(ans):
            return KEEPS_DIAGONAL
        return DENSE if transpose else MATERIALISES
    rule.plan = plan
    return rule


def _sum_diagonal_to(seed, shape):
    """A diagonal cotangent over the output, summed down to a broadcast argument of
    `shape`: each batch row keeps its one entry, moved to the argument element it
    came from. Dense, (k,) + shape, but never the k x output-size intermediate."""
    if not shape or all(n == 1 for n in shape):
        # A scalar (or all-ones) argument: row j's one entry is all there is.
        rows = seed.row_values()
        return reshape(rows, (seed.stop - seed.start,) + tuple(shape))
    k = seed.stop - seed.start
    out_positions = _np.unravel_index(_np.arange(seed.start, seed.stop), seed.vshape)
    offset = len(seed.vshape) - len(shape)
    arg_index = tuple(
        _np.zeros(k, dtype=_np.intp) if n == 1 else out_positions[offset + i] for i, n in enumerate(shape))
    flat = _np.ravel_multi_index(arg_index, shape) if shape else _np.zeros(k, dtype=_np.intp)
    size = int(_np.prod(shape, dtype=int))
    rows = seed.row_values()
    if isinstance(rows, Box):
        dense = untake(rows, (_np.arange(k), flat), (k, size))
    else:
        dense = _np.zeros((k, size), dtype=_np.result_type(rows))
        dense[_np.arange(k), flat] = rows
    return reshape(dense, (k,) + tuple(shape))


# ---------------------------------------------------------------- non-differentiable functions

def nondifferentiable(fun, name=None):
    """A function whose output carries no derivative: it sees plain values only, also
    inside the lists and tuples NumPy takes as array_like (np.lexsort((x, y)))."""
    def passthrough(*args, **kwargs):
        for arg in args:
            if isinstance(arg, Box) or ((type(arg) is list or type(arg) is tuple) and engine._holds_box(arg)):
                break
        else:
            return fun(*args, **kwargs)
        return fun(*[_plain(a) for a in args], **kwargs)

    passthrough.__name__ = name or getattr(fun, "__name__", "function")
    passthrough.__doc__ = getattr(fun, "__doc__", None)
    passthrough.__wrapped__ = fun
    passthrough.nondifferentiable = True
    return passthrough


def _plain(a):
    if type(a) is list or type(a) is tuple:
        return type(a)(_plain(item) for item in a)
    return getval(a)


# ---------------------------------------------------------------- one mode derived from the other

def _jvp_from_vjp(prim, argnum):
    """The JVP of a primitive known only by its VJP: the VJP is linear in the
    cotangent, and the JVP is its transpose, obtained by differentiating the VJP
    in reverse mode with respect to its cotangent. Costs one extra trace of the
    VJP per use."""
    vjp = prim.vjps.get(argnum)
    if vjp is None:
        raise engine.missing_rule(prim, argnum, "jvp")

    if prim.vjps_traceable:
        def jvp(t, ans, *args, **kwargs):
            return _transpose(lambda g: vjp(g, ans, *args, **kwargs), ans, t)
    else:
        def jvp(t, ans, *args, **kwargs):
            return _jvp_by_vjp_calls(vjp, t, ans, args, kwargs)

    # (marked, so that a rule given later in the other mode replaces it: extend._forget_derived)
    jvp.derived = True
    prim.jvps[argnum] = jvp
    return jvp


# Elements of the local jacobian formed at once by _jvp_by_vjp_calls.
_VJP_CALL_BLOCK = 1 << 20


def _jvp_by_vjp_calls(vjp, t, ans, args, kwargs):
    """The JVP of a primitive whose VJP cannot be traced (a client's, which may strip boxes
    with getval): the local jacobian's rows, block by block, from VJP calls with plain basis
    cotangents, contracted with the tangent. A row R = vjp(e_i) follows the complex
    convention (dRe(f_i)/da - i dRe(f_i)/db, docs/complex.md), so the true directional
    derivative is Re(R t), and for a complex output Re(R t) - i Re(R' t) with R' = vjp(i e_i).
    Costs one call per output element, the price of not tracing the rule."""
    from .tree import flatten

    t_leaves = flatten(t)[0]
    k = next((shape_of(leaf)[0] for leaf in t_leaves if leaf is not None), None)
    if k is None:
        return None
    flat_t = [None if leaf is None else reshape(leaf, (k, -1)) for leaf in t_leaves]
    ans_leaves, rebuild = flatten(getval(ans))
    # (elements of the argument's tangent per batch row: a block of rows of the local
    # jacobian is rows x width)
    width = max(1, sum(int(_np.prod(shape_of(leaf)[1:])) for leaf in t_leaves if leaf is not None))
    outs = []
    for which, leaf in enumerate(ans_leaves):
        shape = _np.shape(leaf)
        m = int(_np.prod(shape, dtype=int))
        complex_out = _np.iscomplexobj(leaf)
        rows = max(1, _VJP_CALL_BLOCK // width)
        pieces = []
        for start in range(0, m, rows):
            stop = min(start + rows, m)
            terms = []
            for scale in ((1.0, 1j) if complex_out else (1.0,)):
                basis = _np.zeros((stop - start, m), dtype=_np.result_type(leaf, float))
                basis[_np.arange(stop - start), _np.arange(start, stop)] = scale
                seed = [None] * len(ans_leaves)
                seed[which] = basis.reshape((stop - start,) + shape)
                pulled = vjp(rebuild(seed), ans, *args, **kwargs)
                term = None
                if pulled is not None:
                    for tl, row in zip(flat_t, flatten(pulled)[0]):
                        if tl is None or row is None:
                            continue
                        part = tl @ transpose(reshape(row, (stop - start, -1)))
                        term = part if term is None else term + part
                if term is not None and is_complex(term):
                    term = real(term)
                terms.append(term)
            if complex_out:
                re, im = terms
                if re is None and im is None:
                    piece = None
                elif im is None:
                    piece = re + 0j
                else:
                    piece = (0.0 if re is None else re) - 1j * im
            else:
                piece = terms[0]
            if piece is None:
                piece = _np.zeros((k, stop - start), dtype=_np.result_type(leaf, float))
            pieces.append(piece)
        if not pieces:
            outs.append(None)
            continue
        joined = pieces[0] if len(pieces) == 1 else concatenate(pieces, axis=1)
        outs.append(reshape(joined, (k,) + shape))
    return rebuild(outs)


def _vjp_from_jvp(prim, argnum):
    """The VJP of a primitive known only by its JVP, by transposing the JVP."""
    jvp = prim.jvps.get(argnum)
    if jvp is None:
        raise engine.missing_rule(prim, argnum, "vjp")

    def vjp(g, ans, *args, **kwargs):
        return _transpose(lambda t: jvp(t, ans, *args, **kwargs), args[argnum], g)

    vjp.derived = True
    prim.vjps[argnum] = vjp
    return vjp


def _transpose(linear_map, like, cotangent):
    """Apply the transpose of a batched linear map to a batch of cotangents.

    `linear_map` takes a batch of one tangent shaped like `like` (an array, or a list,
    tuple or dict of them) to a batch of one output; `cotangent` is a batch of k output
    cotangents; returns a batch of k values shaped like `like` (None for a zero)."""
    from .tree import flatten

    like_leaves, rebuild = flatten(getval(like))
    with engine.trace_stack.new_trace() as trace:
        points = [_np.zeros((1,) + shape_of(leaf), dtype=_np.result_type(getval(leaf), float))
                  for leaf in like_leaves]
        roots = [trace.root(point) for point in points]
        out = linear_map(rebuild([engine.new_box(p, trace, r) for p, r in zip(points, roots)]))
    seeds, k = {}, None
    for leaf, cot in zip(flatten(out)[0], flatten(cotangent)[0]):
        if cot is None or not (isinstance(leaf, Box) and leaf._trace is trace):
            continue
        cot = cot.materialize() if isinstance(cot, engine.Structured) else cot
        k = shape_of(cot)[0]
        seeds[leaf._node] = add_tangents(seeds.get(leaf._node), lift(cot, ndim_of(cot)))
    results = engine.backward_sweep(trace.nodes, seeds, roots, add_tangents)
    if all(result is None for result in results):
        return None
    return rebuild([None if result is None else reshape(result, (k,) + shape_of(leaf))
                    for result, leaf in zip(results, like_leaves)])


engine.set_derivation_hooks(_jvp_from_vjp, _vjp_from_jvp)


# ---------------------------------------------------------------- real values keep real derivatives

def _fit_to_value(t, value):
    """The real part of a complex tangent or cotangent `t` of a real `value`; anything else
    as it is. Each rule projects what it returns onto a real argument (unbroadcast does),
    but a structured seed scaled by a number (a diagonal cotangent 1j passing add's
    argument of derivative 1), a rule that forgets, or a forward rule whose output is real
    only in its real part would otherwise carry an imaginary part on into the rules of
    the real value's producer, which read it as the holomorphic chain."""
    if type(t) is _np.ndarray:
        if t.dtype.kind != "c" or not _is_real_value(value):
            return t
        return t.real
    if isinstance(t, Box):
        if t.dtype.kind != "c" or not _is_real_value(value):
            return t
        return real(t)
    if type(t) is Diagonal:
        if is_complex(t.d) and _is_real_value(value):
            return Diagonal(_real(t.d), t.vshape, t.start, t.stop)
        return t
    if type(t) is Rows:
        if is_complex(t.values) and _is_real_value(value):
            return Rows(t.k, t.vshape, t.index, _real(t.values))
        return t
    return t


def _is_real_value(value):
    dtype = getattr(value, "dtype", None)
    if dtype is not None:
        return dtype.kind in "fiub"
    return type(value) is float or type(value) is int


def _real(x):
    return real(x) if isinstance(x, Box) else x.real


engine.set_fit_hook(_fit_to_value)


def _same_space(ans, value):
    """Whether `ans` is a value of `value`'s space: the same type, shape and dtype."""
    if type(ans) is _ndarray:
        return type(value) is _ndarray and ans.shape == value.shape and ans.dtype is value.dtype
    return type(ans) is type(value) and type(ans) in _SCALAR_TYPES


_ndarray = _np.ndarray
_SCALAR_TYPES = (float, complex, _np.float64, _np.float32, _np.complex128, _np.complex64)
engine.set_same_space_hook(_same_space)
