"""Dependence patterns on a recorded tape: what each primitive declares, and the boolean
sparse matrix "element of this value <- element of the input" carried from the input to
the output.

Owns: the declarations (`declared`, `DECLARED`), the propagation rules of each kind, the
conservative full block for a primitive that declares nothing, `pattern_of` (a tape's
jacobian pattern) and `signature` (what that pattern depends on, for caching).
Patterns are structural: they depend on the recorded primitives, their shapes and their
untraced arguments, never on traced values, so a traced value that happens to be zero
keeps its entries.
Imports: the operators (Linearization), the numpy namespace (to find the primitives its
structural functions record), NumPy; SciPy through `_sparse`.
"""

import inspect

import numpy as _np

from .. import numpy as _fnp
from ..differential_operators import make_vjp
from ..linearization import Linearization


def _sparse():
    try:
        import scipy.sparse as sp
    except ImportError:
        raise ImportError(
            "fastgrad's sparse jacobians and hessians return scipy.sparse arrays and need "
            "SciPy: install it with `pip install fastgrad[scipy]` (or `pip install scipy`)"
        ) from None
    return sp



# ---------------------------------------------------------------- what each primitive declares
#
# "elementwise": the output element at a position depends on each argument's element at
#     the position it broadcasts from.
# "select": each output element is a copy of at most one element of one traced argument
#     (reshape, transpose, indexing, roll, concatenation); which one is learnt by running
#     the primitive's own plain function on arrays of element numbers.
# "scatter": `untake(x, index, shape)`, x added into zeros at `index`.
# "reduce": a reduction over `axis` (with `keepdims`), each output element depending on
#     the elements it reduces.
# "matmul": a matrix product; a constant operand contributes its nonzero pattern.

def _recorded(fun, *args):
    """The one primitive a plain call of `fun` records, or None if it records another
    number (a function composed of several primitives declares nothing of its own)."""
    lin = Linearization(fun, args, {}, 0, check=False)
    nodes = [node for node in lin.trace.nodes if node.prim is not None]
    return nodes[0].prim if len(nodes) == 1 else None


def _declarations():
    """{primitive: kind}, for the primitives NumPy's structural functions record, found by
    recording one call of each (so the registry follows the primitives wherever they are
    defined), and the transpose of indexing found beside indexing."""
    x = _np.arange(6.0).reshape(2, 3)
    z = x + 1j
    found = {}

    def declare(kind, fun, *args):
        prim = _recorded(fun, *args)
        if prim is not None:
            found.setdefault(prim, kind)

    for fun in (lambda a: _fnp.reshape(a, (3, 2)), _fnp.transpose, lambda a: _fnp.broadcast_to(a, (4, 2, 3)),
                lambda a: _fnp.concatenate([a, a]), lambda a: _fnp.stack([a, a]), lambda a: _fnp.tile(a, 2),
                lambda a: _fnp.flip(a, 0), lambda a: _fnp.roll(a, 1, 0), lambda a: a[1:, ::2],
                lambda a: a[_np.array([1, 0])], lambda a: _fnp.moveaxis(a, 0, 1),
                lambda a: _fnp.ravel(a)):
        declare("select", fun, x)
    for fun in (_fnp.sum, _fnp.mean, _fnp.prod, _fnp.max, _fnp.min):
        declare("reduce", lambda a, fun=fun: fun(a, axis=0), x)
    declare("matmul", lambda a: _fnp.matmul(x.T, a), x)
    declare("elementwise", lambda a: a.astype(_np.float32), x)
    for fun in (_fnp.real, _fnp.imag, _fnp.conj, _fnp.abs, _fnp.angle):
        declare("elementwise", fun, z)
    # Indexing's transpose (zeros with values added at an index), which the reverse pass of
    # every indexing records: the one primitive indexing's pullback records beside the
    # selections that add and drop its batch axis.
    pullback, _ = make_vjp(lambda a: a[_np.array([1, 0])])(x)
    lin = Linearization(pullback, (x[_np.array([1, 0])],), {}, 0, check=False)
    others = {node.prim for node in lin.trace.nodes if node.prim is not None and node.prim not in found}
    if len(others) == 1:
        found[others.pop()] = "scatter"
    return found


DECLARED = {}


def declared(prim):
    """What `prim` declares about its sparsity ("elementwise", "select", "scatter",
    "reduce", "matmul"), or None: a full block."""
    kind = getattr(prim, "sparsity", None)
    if kind is not None:
        return kind
    if not DECLARED:
        DECLARED.update(_declarations())
    return DECLARED.get(prim)


# ---------------------------------------------------------------- boolean sparse patterns

def _csr(indptr, indices, shape):
    sp = _sparse()
    return sp.csr_array((_np.ones(len(indices), dtype=bool), indices, indptr), shape=shape)


def _identity(n):
    return _csr(_np.arange(n + 1), _np.arange(n), (n, n))


def _gather_rows(p, src):
    """Rows `src` of the pattern p (an empty row where src is -1): vectorised."""
    indptr, indices = p.indptr, p.indices
    if p.shape[0] == 0:
        return _csr(_np.zeros(len(src) + 1, dtype=_np.int64), indices[:0], (len(src), p.shape[1]))
    valid = src >= 0
    safe = _np.where(valid, src, 0)
    lengths = _np.where(valid, indptr[safe + 1] - indptr[safe], 0)
    new_indptr = _np.zeros(len(src) + 1, dtype=_np.int64)
    _np.cumsum(lengths, out=new_indptr[1:])
    total = int(new_indptr[-1])
    offsets = _np.arange(total, dtype=_np.int64) - _np.repeat(new_indptr[:-1], lengths)
    new_indices = indices[_np.repeat(indptr[safe], lengths) + offsets]
    return _csr(new_indptr, new_indices, (len(src), p.shape[1]))


def _rows_of_all(cols, m, n):
    """An (m, n) pattern each of whose rows is `cols`."""
    k = len(cols)
    return _csr(_np.arange(m + 1, dtype=_np.int64) * k, _np.tile(cols, m), (m, n))


def _union(a, b):
    if a is None:
        return b
    if b is None or b is a:
        return a
    out = a + b
    out.sum_duplicates()
    return out


def _bool_product(local, p):
    """local @ p for boolean patterns (scipy's boolean product is a logical one)."""
    out = local @ p
    out.sum_duplicates()
    return out


def _size(value):
    return int(_np.size(value))


def _shape_of(value):
    return _np.shape(value)


def _is_array_like(value):
    return isinstance(value, (_np.ndarray, _np.generic, float, int, complex)) and not isinstance(value, bool)


# ---------------------------------------------------------------- propagation rules

def _full_block(node, parents, n):
    cols = _np.unique(_np.concatenate([p.indices for p in parents])).astype(_np.int32)
    return _rows_of_all(cols, _size(node.value), n)


def _elementwise_pattern(node, traced, n):
    out_shape = _shape_of(node.value)
    out = None
    for argnum, p in traced:
        shape = _shape_of(node.args[argnum])
        if shape == out_shape:
            part = p
        else:
            src = _np.broadcast_to(_np.arange(_size(node.args[argnum])).reshape(shape), out_shape)
            part = _gather_rows(p, src.ravel())
        out = _union(out, part)
    return out


def _selection(node, argnum, traced_argnums):
    """The element of argument `argnum` each output element copies (-1: none of it), found
    by running the primitive's plain function on element numbers: once with the argument's
    elements numbered from 1, once with it zero; the positions that differ come from it."""
    fun = node.prim.fun

    def run(fill):
        args = list(node.args)
        for j in traced_argnums:
            value = node.args[j]
            args[j] = _np.zeros(_shape_of(value), dtype=_np.int64)
        args[argnum] = fill
        return _np.asarray(fun(*args, **node.kwargs))

    value = node.args[argnum]
    numbered = run(_np.arange(1, _size(value) + 1, dtype=_np.int64).reshape(_shape_of(value)))
    zero = run(_np.zeros(_shape_of(value), dtype=_np.int64))
    if numbered.shape != _shape_of(node.value) or zero.shape != numbered.shape:
        raise ValueError("not a selection")
    if numbered.dtype.kind not in "iufc":
        raise ValueError("not a selection")
    differs = numbered != zero
    if numbered.dtype.kind in "fc":
        # (an untraced NaN beside the traced argument is the same in both runs)
        differs &= ~(_np.isnan(numbered) & _np.isnan(zero))
        numbered = numbered.real
    src = _np.where(differs, numbered, 0).astype(_np.int64).ravel() - 1
    if src.max(initial=-1) >= _size(value):
        raise ValueError("not a selection")
    return src


def _select_pattern(node, traced, n):
    argnums = [argnum for argnum, _ in traced]
    out = None
    for argnum, p in traced:
        part = _gather_rows(p, _selection(node, argnum, argnums))
        out = _union(out, part)
    return out


def _scatter_pattern(node, traced, n):
    sp = _sparse()
    (argnum, p), = traced
    if argnum != 0:
        raise ValueError("untake is traced in its values only")
    x, index, shape = node.args[0], node.args[1], node.args[2]
    positions = _np.arange(int(_np.prod(shape, dtype=_np.int64))).reshape(shape)[index]
    xsrc = _np.broadcast_to(_np.arange(_size(x)).reshape(_shape_of(x)), positions.shape)
    local = sp.csr_array((_np.ones(positions.size, dtype=bool), (positions.ravel(), xsrc.ravel())),
                         shape=(_size(node.value), _size(x)))
    return _bool_product(local, p)


def _reduce_pattern(node, traced, n):
    sp = _sparse()
    (argnum, p), = traced
    bound = inspect.signature(node.prim.fun).bind(*node.args, **node.kwargs)
    bound.apply_defaults()
    arguments = list(bound.arguments.items())
    if argnum != 0:
        raise ValueError("a reduction is traced in its first argument only")
    x = arguments[0][1]
    axis = bound.arguments.get("axis")
    keepdims = bool(bound.arguments.get("keepdims", False))
    if bound.arguments.get("where", None) is not None:
        raise ValueError("masked reduction")
    ndim = _np.ndim(x)
    if axis is None:
        axes = tuple(range(ndim))
    elif isinstance(axis, (tuple, list)):
        axes = tuple(sorted(a % ndim for a in axis))
    else:
        axes = (axis % ndim,) if ndim else ()
    out_shape = _shape_of(node.value)
    groups = _np.arange(_size(node.value)).reshape(out_shape)
    if not keepdims:
        expanded = list(out_shape)
        for a in axes:
            expanded.insert(a, 1)
        groups = groups.reshape(expanded)
    groups = _np.broadcast_to(groups, _shape_of(x)).ravel()
    local = sp.csr_array((_np.ones(groups.size, dtype=bool), (groups, _np.arange(groups.size))),
                         shape=(_size(node.value), _size(x)))
    return _bool_product(local, p)


def _matmul_pattern(node, traced, n):
    """np.matmul's pattern, stacks and 1-D operands included: out[s, i, q] is the sum over j
    of a[s, i, j] b[s, j, q], so it reaches b[s, j, q] where a[s, i, j] may be nonzero (a
    constant operand's nonzeros, every entry of a traced one) and a[s, i, j] where b[s, j, q] may."""
    sp = _sparse()
    a, b = node.args[0], node.args[1]
    a_shape = (1,) + _shape_of(a) if _np.ndim(a) == 1 else _shape_of(a)
    b_shape = _shape_of(b) + (1,) if _np.ndim(b) == 1 else _shape_of(b)
    if len(a_shape) < 2 or len(b_shape) < 2:
        raise ValueError("matmul of a scalar")
    stack = _np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    count = int(_np.prod(stack, dtype=_np.int64))
    m, k = a_shape[-2:]
    p = b_shape[-1]
    if count * m * p != _size(node.value):
        raise ValueError("unexpected matmul shape")

    def stack_source(shape):
        return _np.broadcast_to(_np.arange(int(_np.prod(shape[:-2], dtype=_np.int64))).reshape(shape[:-2]),
                                stack).ravel()

    def may_be_nonzero(value, shape, argnum):
        if argnum in traced_argnums:
            return _np.ones((count,) + shape[-2:], dtype=bool)
        return _np.broadcast_to(_np.asarray(value).reshape(shape) != 0, stack + shape[-2:]).reshape(
            (count,) + shape[-2:])

    traced_argnums = {argnum for argnum, _ in traced}
    out = None
    for argnum, pattern in traced:
        if argnum == 1:
            s, i, j = _np.nonzero(may_be_nonzero(a, a_shape, 0))
            q = _np.arange(p)
            rows = ((s * m + i) * p)[:, None] + q
            cols = ((stack_source(b_shape)[s] * k + j) * p)[:, None] + q
        elif argnum == 0:
            s, j, q = _np.nonzero(may_be_nonzero(b, b_shape, 1))
            i = _np.arange(m)
            rows = (s * m)[:, None] * p + i * p + q[:, None]
            cols = (stack_source(a_shape)[s] * m)[:, None] * k + i * k + j[:, None]
        else:
            raise ValueError("matmul has two operands")
        size = _size(node.args[argnum])
        local = sp.csr_array((_np.ones(rows.size, dtype=bool), (rows.ravel(), cols.ravel())),
                             shape=(_size(node.value), size))
        out = _union(out, _bool_product(local, pattern))
    return out


_RULES = {
    "elementwise": _elementwise_pattern,
    "select": _select_pattern,
    "scatter": _scatter_pattern,
    "reduce": _reduce_pattern,
    "matmul": _matmul_pattern,
}


def wanted_steps(lin):
    """For each step up to the output, whether the output depends on it (walking back
    from the output)."""
    nodes, root, out = lin.trace.nodes, lin.roots[0], lin.out_nodes[0]
    wanted = [False] * (out.index + 1)
    wanted[out.index] = True
    for node in reversed(nodes[root.index:out.index + 1]):
        if wanted[node.index]:
            for _, parent in node.parents:
                wanted[parent.index] = True
    return wanted


def pattern_of(lin):
    """The (output size, input size) boolean pattern of lin's jacobian."""
    nodes = lin.trace.nodes
    root = lin.roots[0]
    out_node = lin.out_nodes[0]
    n = _size(lin.in_leaves[0])
    m = _size(lin.out_leaves[0])
    if out_node is None:
        return _csr(_np.zeros(m + 1, dtype=_np.int64), _np.zeros(0, dtype=_np.int32), (m, n))
    wanted = wanted_steps(lin)
    patterns = {root.index: _identity(n)}
    for node in nodes[root.index + 1:out_node.index + 1]:
        if not wanted[node.index] or node.prim is None:
            continue
        traced = [(argnum, patterns[parent.index]) for argnum, parent in node.parents
                  if patterns.get(parent.index) is not None]
        if not traced:
            continue
        patterns[node.index] = _node_pattern(node, traced, n)
    return patterns.get(out_node.index)


def _node_pattern(node, traced, n):
    kind = declared(node.prim)
    rule = _RULES.get(kind)
    if rule is not None and _is_array_like(node.value) and all(
            _is_array_like(node.args[argnum]) for argnum, _ in traced):
        try:
            out = rule(node, traced, n)
        except Exception:
            # (a declared rule meeting arguments it was not written for: the safe answer)
            out = None
        if out is not None and out.shape[0] == _size(node.value):
            return out
    return _full_block(node, [p for _, p in traced], n)


# ---------------------------------------------------------------- the structural signature

def _token(value):
    """A hashable stand-in for an untraced argument, equal for equal arguments."""
    if isinstance(value, _np.ndarray):
        return ("array", value.shape, value.dtype.str, hash(_np.ascontiguousarray(value).tobytes()))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__,) + tuple(_token(v) for v in value)
    if isinstance(value, dict):
        return ("dict",) + tuple((k, _token(v)) for k, v in sorted(value.items(), key=lambda kv: repr(kv[0])))
    if isinstance(value, slice):
        return ("slice", _token(value.start), _token(value.stop), _token(value.step))
    if isinstance(value, _np.generic):
        return ("scalar", value.dtype.str, value.item())
    if value is None or value is Ellipsis or isinstance(value, (int, float, complex, str, bool, _np.dtype, type)):
        return value
    return (type(value).__name__, repr(value))


def signature(lin):
    """What the pattern depends on: per recorded step its primitive, its value's shape and
    where its traced arguments come from, and, for primitives whose declared pattern reads
    them, its untraced arguments and keywords. An elementwise step's pattern (and a full
    block's) depends on shapes alone, so its constants are left out: a time t in an ODE
    right-hand side does not force a new detection. (This runs on every call: plain loops.)"""
    parts = [tuple(_shape_of(x) for x in lin.in_leaves), tuple(_shape_of(y) for y in lin.out_leaves)]
    append = parts.append
    for node in lin.trace.nodes:
        prim = node.prim
        if prim is None:
            append(None)
            continue
        value = node.value
        append(prim)
        append(value.shape if type(value) is _np.ndarray else (type(value), _np.shape(value)))
        for argnum, parent in node.parents:
            append(argnum)
            append(parent.index)
        kind = declared(prim)
        append(kind)
        if kind is not None and kind != "elementwise":
            traced = [argnum for argnum, _ in node.parents]
            append(tuple(_token(a) for i, a in enumerate(node.args) if i not in traced))
            append(_token(node.kwargs))
        append(-1)
    parts.append(tuple(node and node.index for node in lin.out_nodes))
    return tuple(parts)


