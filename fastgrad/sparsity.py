"""Sparse jacobians and hessians: the pattern found on the recorded tape, a colouring,
one compressed sweep, and the result as a `scipy.sparse.csr_array`.

Owns: `sparse_jacobian`, `sparse_hessian`, `jacobian_sparsity`, `hessian_sparsity`;
the propagation of dependence patterns through a tape, the greedy distance-2 and star
colourings, and the decompression of a compressed sweep.

How it works. The function is traced once (`Linearization`). Each recorded primitive
declares how its output depends on its inputs (the `sparsity` attribute of elementwise
primitives, and the registry `DECLARED` below for the structural ones); a boolean
sparse matrix "element of this value <- element of the input" is carried from the
input to the output with scipy.sparse products and index gathers, never element by
element in Python. A primitive that declares nothing gets the full block between its
traced inputs and its output: a pattern may hold entries that are zero, never miss one.
Patterns are structural: they depend on the recorded primitives, shapes and untraced
arguments, not on traced values, so they are cached by the tape's structural signature
and a call that records another tape (other control flow) is detected again.

Columns of the jacobian that share no row may be swept together as one seed (their
sum); a greedy distance-2 colouring groups them (rows likewise for a reverse sweep).
A hessian is the jacobian of the gradient, swept forward over the recorded reverse
pass; its columns are star-coloured (every path on four vertices sees three colours),
which lets every entry be read directly from the compressed product (Gebremedhin,
Manne and Pothen, "What color is your Jacobian?", SIAM Review 47, 2005), and each
symmetric pair is stored with one value.

Imports: the operators (differential_operators), the numpy families whose primitives
it declares, NumPy; SciPy lazily, inside functions. Nothing imports this module but
the package's top level.
"""

import inspect
import sys as _sys

import numpy as _np

from .core import Primitive, Structured, getval
from .differential_operators import Linearization, _nary, _wrap, grad
from . import numpy as _fnp

__all__ = ["sparse_jacobian", "sparse_hessian", "jacobian_sparsity", "hessian_sparsity"]


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
    # every indexing records: it lives beside getitem.
    for prim in list(found):
        module = _sys.modules.get(getattr(prim.fun, "__module__", ""), None)
        untake = getattr(module, "untake", None)
        if isinstance(untake, Primitive) and untake not in found:
            found[untake] = "scatter"
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


def _pattern_of(lin):
    """The (output size, input size) boolean pattern of lin's jacobian."""
    nodes = lin.trace.nodes
    root = lin.roots[0]
    out_node = lin.out_nodes[0]
    n = _size(lin.in_leaves[0])
    m = _size(lin.out_leaves[0])
    if out_node is None:
        return _csr(_np.zeros(m + 1, dtype=_np.int64), _np.zeros(0, dtype=_np.int32), (m, n))
    # Only the steps the output depends on (walking back from it).
    wanted = [False] * (out_node.index + 1)
    wanted[out_node.index] = True
    for node in reversed(nodes[root.index:out_node.index + 1]):
        if wanted[node.index]:
            for _, parent in node.parents:
                wanted[parent.index] = True
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


def _signature(lin):
    """What the pattern depends on: per recorded step its primitive, its value's shape,
    where its traced arguments come from and, for primitives whose declared pattern
    reads them, its untraced arguments (an elementwise step's constants do not change
    its pattern, so a time t in an ODE right-hand side does not force a new detection)."""
    parts = [tuple(_shape_of(x) for x in lin.in_leaves), tuple(_shape_of(y) for y in lin.out_leaves)]
    for node in lin.trace.nodes:
        prim = node.prim
        if prim is None:
            parts.append(None)
            continue
        kind = declared(prim)
        traced = {argnum for argnum, _ in node.parents}
        parts.append(prim)
        parts.append(_shape_of(node.value) if _is_array_like(node.value) else type(node.value))
        parts.append(tuple((argnum, parent.index) for argnum, parent in node.parents))
        if kind is None or kind == "elementwise":
            parts.append(tuple(_shape_of(a) if _is_array_like(a) else _token(a)
                               for i, a in enumerate(node.args) if i not in traced))
        else:
            parts.append(tuple(_token(a) for i, a in enumerate(node.args) if i not in traced))
            parts.append(_token(node.kwargs))
    parts.append(tuple(node and node.index for node in lin.out_nodes))
    return tuple(parts)


_CACHE_SIZE = 64


class _Cache(dict):
    def remember(self, key, value):
        if len(self) >= _CACHE_SIZE:
            self.pop(next(iter(self)))
        self[key] = value
        return value


# ---------------------------------------------------------------- colourings

def _greedy(graph, order):
    """Greedy colouring of the symmetric adjacency `graph` (a csr pattern, no diagonal
    needed) visiting vertices in `order`: each takes the smallest colour none of its
    coloured neighbours has."""
    n = graph.shape[0]
    indptr = graph.indptr.tolist()
    indices = graph.indices.tolist()
    color = [-1] * n
    mark = [-1] * (max((indptr[v + 1] - indptr[v] for v in range(n)), default=0) + 2)
    for v in order:
        for u in indices[indptr[v]:indptr[v + 1]]:
            c = color[u]
            if c >= 0:
                mark[c] = v
        c = 0
        while mark[c] == v:
            c += 1
        color[v] = c
    return _np.asarray(color, dtype=_np.int64)


def _largest_first(graph):
    degrees = _np.diff(graph.indptr)
    return _np.argsort(-degrees, kind="stable").tolist()


# The conflict graph of the columns has up to the sum of the squared row lengths entries; a
# pattern whose graph would be larger than this many entries (and 32 per nonzero) is not
# coloured: a row of r entries needs r colours whatever the colouring, so such a pattern
# is swept column by column (and the other direction is usually the one taken).
_CONFLICT_BUDGET = 1 << 22


def column_coloring(pattern):
    """A colouring of the columns of `pattern` such that no two columns of one colour
    share a row (a partial distance-2 colouring), greedy in largest-first order:
    (colours, number of colours)."""
    p = pattern.tocsr()
    n = p.shape[1]
    if n == 0:
        return _np.zeros(0, dtype=_np.int64), 0
    lengths = _np.diff(p.indptr).astype(_np.int64)
    if int(lengths @ lengths) > max(_CONFLICT_BUDGET, 32 * p.nnz):
        return _np.arange(n, dtype=_np.int64), n
    graph = (p.T @ p).tocsr()
    color = _greedy(graph, _largest_first(graph))
    return color, int(color.max()) + 1


def row_coloring(pattern):
    """A colouring of the rows of `pattern` such that no two rows of one colour share a column."""
    return column_coloring(pattern.T)


def star_coloring(pattern):
    """A star colouring of the symmetric pattern's adjacency graph: adjacent vertices differ,
    and every path on four vertices uses at least three colours, so each entry of H can be
    read from H @ S directly. (colours, number of colours)."""
    sym = pattern.tocsr()
    n = sym.shape[0]
    if n == 0:
        return _np.zeros(0, dtype=_np.int64), 0
    sym = (sym + sym.T).tocsr()
    sym.setdiag(False)
    sym.eliminate_zeros()
    indptr = sym.indptr.tolist()
    indices = sym.indices.tolist()
    color = [-1] * n
    # counts[x][c]: colour-c neighbours of x; first[x][c]: the first of them coloured.
    counts = [dict() for _ in range(n)]
    first = [dict() for _ in range(n)]
    # bad[w][c]: coloured neighbours x of w with colour c that have a second neighbour of
    # w's colour, so a new vertex of colour c next to w would close a two-coloured path
    # v - w - x - y of four vertices.
    bad = [dict() for _ in range(n)]
    for v in _largest_first(sym):
        neighbours = indices[indptr[v]:indptr[v + 1]]
        forbidden = set()
        for w in neighbours:
            cw = color[w]
            if cw >= 0:
                forbidden.add(cw)
                for c, count in bad[w].items():
                    if count:
                        forbidden.add(c)
            else:
                # Two vertices with an uncoloured common neighbour w differ, or colouring w
                # later could make w the middle of a two-coloured path.
                forbidden.update(c for c, count in counts[w].items() if count)
        c = 0
        while c in forbidden:
            c += 1
        color[v] = c
        for x in neighbours:
            cx_counts = counts[x]
            now = cx_counts.get(c, 0) + 1
            cx_counts[c] = now
            if now == 1:
                first[x][c] = v
            cx = color[x]
            if cx < 0:
                continue
            if now >= 2:
                # v (as w) sees x with a second colour-c neighbour
                bad[v][cx] = bad[v].get(cx, 0) + 1
            if now == 2:
                w0 = first[x][c]
                bad[w0][cx] = bad[w0].get(cx, 0) + 1
            # v (as x) for its coloured neighbour x (as w)
            if counts[v].get(cx, 0) >= 2:
                bad[x][c] = bad[x].get(c, 0) + 1
    out = _np.asarray(color, dtype=_np.int64)
    return out, int(out.max()) + 1


def _recovery_sources(coo, color, ncolors):
    """For each stored (i, j): whether H_ij is the only entry of row i among the columns of
    color[j] (read at (i, color[j])), else whether H_ji is (read at (j, color[i])).
    Returns (read_at_i, ok) arrays, or (None, None) if some entry is neither."""
    rows, cols = coo.row.astype(_np.int64), coo.col.astype(_np.int64)
    alone = _alone(rows * ncolors + color[cols])
    here = alone(rows * ncolors + color[cols])
    there = alone(cols * ncolors + color[rows])
    if not _np.all(here | there):
        return None, None
    return here, there


def _alone(keys):
    """A function telling, for keys, whether each occurs exactly once in `keys` (counted
    without an array over every possible key: rows x colours may be large)."""
    unique, counts = _np.unique(keys, return_counts=True)
    once = unique[counts == 1]

    def alone(query):
        where = _np.searchsorted(once, query)
        where[where == len(once)] = 0
        return (once[where] == query) if len(once) else _np.zeros(len(query), dtype=bool)
    return alone


# ---------------------------------------------------------------- plans: pattern, colouring, index arrays

_FORWARD_PREFERENCE = 1.25


class _JacobianPlan:
    """A pattern with its colouring and the index arrays that decompress a sweep."""

    __slots__ = ("pattern", "direction", "color", "ncolors", "take", "by_color", "by_color_bounds",
                 "entry_order", "entry_bounds")

    def __init__(self, pattern, mode):
        pattern = pattern.tocsr()
        pattern.sort_indices()
        self.pattern = pattern
        m, n = pattern.shape
        if mode == "fwd":
            direction = "fwd"
        elif mode == "rev":
            direction = "rev"
        else:
            direction = None
        colorings = {}
        if direction in (None, "fwd"):
            colorings["fwd"] = column_coloring(pattern)
        if direction in (None, "rev"):
            colorings["rev"] = row_coloring(pattern)
        if direction is None:
            # Near a tie, forward: a reverse sweep of as many seeds also accumulates cotangents
            # and walks the tape back (the dense planner's preference).
            fwd, rev = colorings["fwd"][1], colorings["rev"][1]
            direction = "fwd" if fwd <= _FORWARD_PREFERENCE * rev else "rev"
        self.direction = direction
        self.color, self.ncolors = colorings[direction]
        rows = _np.repeat(_np.arange(m, dtype=_np.int64), _np.diff(pattern.indptr))
        cols = pattern.indices.astype(_np.int64)
        if direction == "fwd":
            # the sweep gives (colours, m): entry (i, j) is at [color[j], i]
            self.take = self.color[cols] * m + rows
        else:
            # the sweep gives (colours, n): entry (i, j) is at [color[i], j]
            self.take = self.color[rows] * n + cols
        _group_by_color(self, m if direction == "fwd" else n)


class _HessianPlan:
    __slots__ = ("pattern", "color", "ncolors", "take", "by_color", "by_color_bounds",
                 "entry_order", "entry_bounds", "direction")

    def __init__(self, pattern):
        n = pattern.shape[0]
        # symmetric (the pattern is, up to entries a declared rule over-approximates)
        sym = (pattern + pattern.T).tocsr()
        sym.sum_duplicates()
        sym.sort_indices()
        self.pattern = sym
        star, nstar = star_coloring(sym)
        d2, nd2 = column_coloring(sym)
        # (a distance-2 colouring is a star colouring too: take the one with fewer colours)
        self.color, self.ncolors = (star, nstar) if nstar <= nd2 else (d2, nd2)
        self.direction = "fwd"
        coo = sym.tocoo()
        rows, cols = coo.row.astype(_np.int64), coo.col.astype(_np.int64)
        here, there = _recovery_sources(coo, self.color, self.ncolors)
        if here is None:
            raise AssertionError("the hessian colouring does not allow direct recovery")
        # One source per unordered pair, the same for (i, j) and (j, i): exact symmetry.
        lo, hi = _np.minimum(rows, cols), _np.maximum(rows, cols)
        use_lo = _alone(rows * self.ncolors + self.color[cols])(lo * self.ncolors + self.color[hi])
        # the sweep gives (colours, n): H[i, j] read at [color[j], i]
        take = _np.where(use_lo, self.color[hi] * n + lo, self.color[lo] * n + hi)
        # (coo is in csr order: the values go straight into sym's data)
        self.take = take
        _group_by_color(self, n)


def _group_by_color(plan, size):
    """The seeded indices sorted by colour and where each colour's run starts; likewise the
    entries of the pattern by the colour whose sweep (of `size` values) holds them."""
    plan.by_color = _np.argsort(plan.color, kind="stable")
    plan.by_color_bounds = _np.searchsorted(plan.color[plan.by_color], _np.arange(plan.ncolors + 1))
    plan.entry_order = _np.argsort(plan.take, kind="stable")
    plan.entry_bounds = _np.searchsorted(plan.take[plan.entry_order], _np.arange(plan.ncolors + 1) * size)


_jacobian_plans = _Cache()
_hessian_plans = _Cache()


# ---------------------------------------------------------------- the public operators

def _linearize(fun, args, kwargs, argnum, what):
    if not isinstance(argnum, int) or isinstance(argnum, bool):
        raise TypeError(f"{what} takes one integer argnum (the argument it differentiates), not {argnum!r}")
    lin = Linearization(fun, args, kwargs, argnum)
    if len(lin.in_leaves) != 1 or len(lin.out_leaves) != 1:
        raise TypeError(f"{what} differentiates a function of one array returning one array; "
                        f"flatten containers into one array first")
    x, y = lin.in_leaves[0], getval(lin.out_leaves[0])
    if _np.iscomplexobj(x) or _np.iscomplexobj(y):
        raise TypeError(f"{what} handles real inputs and outputs; use jacobian for complex ones")
    return lin


def _jacobian_plan(lin, mode):
    key = (mode, _signature(lin))
    plan = _jacobian_plans.get(key)
    if plan is None:
        plan = _jacobian_plans.remember(key, _JacobianPlan(_pattern_of(lin), mode))
    return plan


# The compressed sweep runs in chunks of colours whose widest batched value stays within
# this many bytes: a batch that fits the core's cache is swept several times faster per
# colour than one streamed from memory (a 2-D reaction-diffusion system of 10^5 states:
# 12 colours at once cost about 2.5x what 12 sweeps of one colour cost).
_CHUNK_BYTES = 1 << 20


def _seed(plan, start, stop, count, shape, dtype):
    """The seeds of colours start..stop: row c holds 1 at the columns (rows) of colour c."""
    seed = _np.zeros((stop - start, count), dtype=dtype)
    lo, hi = plan.by_color_bounds[start], plan.by_color_bounds[stop]
    members = plan.by_color[lo:hi]
    seed[plan.color[members] - start, members] = 1
    return seed.reshape((stop - start,) + tuple(shape))


def _swept(t, k, like):
    if t is None:
        return _np.zeros((k, _size(like)), dtype=_np.result_type(like, float))
    if isinstance(t, Structured):
        t = t.materialize()
    return _np.asarray(getval(t)).reshape(k, -1)


def _sweep_into(lin, plan):
    """The compressed sweep, one seed per colour in the plan's direction, in chunks of
    colours; each chunk's entries go straight into the result's values, so nothing of
    (colours x size) is kept beyond one chunk. Returns the values in the pattern's order."""
    x, y = lin.in_leaves[0], getval(lin.out_leaves[0])
    dtype = _np.result_type(x, y, _np.float32)
    c = plan.ncolors
    if plan.direction == "fwd":
        sweep, seeded, result = lin.jvp, x, y
    else:
        sweep, seeded, result = lin.vjp, y, x
    size = _size(result)
    data = _np.zeros(len(plan.take), dtype=dtype)
    step = max(1, _CHUNK_BYTES // (8 * max(lin.widest(), 1)))
    for start in range(0, c, step):
        stop = min(start + step, c)
        (t,) = sweep([_seed(plan, start, stop, _size(seeded), _shape_of(seeded), dtype)])
        part = _swept(t, stop - start, result).ravel()
        if part.dtype != data.dtype and _np.result_type(part, data) != data.dtype:
            data = data.astype(_np.result_type(part, data))
        if start == 0 and stop == c:
            data[:] = part[plan.take]
        else:
            lo, hi = plan.entry_bounds[start], plan.entry_bounds[stop]
            entries = plan.entry_order[lo:hi]
            data[entries] = part[plan.take[entries] - start * size]
    return data


def _assemble(plan, data):
    sp = _sparse()
    p = plan.pattern
    return sp.csr_array((data, p.indices, p.indptr), shape=p.shape)


def _check(lin, result, rng=None):
    """One random forward probe J v against the sparse result times v: a pattern that missed
    an entry shows as a difference in that entry's row."""
    rng = _np.random.default_rng() if rng is None else rng
    x = lin.in_leaves[0]
    v = rng.standard_normal(_shape_of(x))
    (t,) = lin.jvp([v.reshape((1,) + _shape_of(x))])
    exact = _swept(t, 1, lin.out_leaves[0])[0]
    approx = result @ v.ravel()
    scale = _np.abs(result) @ _np.abs(v.ravel()) + _np.abs(exact)
    bad = _np.abs(exact - approx) > 1e-8 * scale + 1e-300
    if _np.any(bad):
        rows = _np.flatnonzero(bad)
        raise ValueError(
            f"the detected sparsity pattern misses nonzero entries of the jacobian in rows "
            f"{rows[:10].tolist()}{' ...' if len(rows) > 10 else ''} (a random probe J v differs "
            f"there by up to {float(_np.max(_np.abs(exact - approx)[bad])):.3g}); a primitive's "
            f"declared pattern is wrong: please report it")


def sparse_jacobian(fun, argnum=0, *, mode="auto", check=False):
    """Returns a function which computes the jacobian of `fun` with respect to its
    positional argument `argnum` as a `scipy.sparse.csr_array` of shape (output size,
    input size), input and output flattened in C order.

    The sparsity pattern is detected on the recorded tape and cached by the tape's
    structure; columns (mode 'fwd') or rows ('rev') that share no row (column) are
    coloured alike and swept as one seed. mode='auto' takes the direction with fewer
    colours (forward near a tie). After a call the function's attributes `colors` (the
    number of seeds swept) and `direction` ('fwd' or 'rev') say what was done.
    check=True compares the result with one random dense probe J v and raises
    ValueError if the pattern missed an entry.
    """
    _nary(fun, argnum)
    if mode not in ("auto", "fwd", "rev"):
        raise ValueError(f"mode must be 'auto', 'fwd' or 'rev', not {mode!r}")
    _sparse()

    def sparse_jacfun(*args, **kwargs):
        lin = _linearize(fun, args, kwargs, argnum, "sparse_jacobian")
        plan = _jacobian_plan(lin, mode)
        result = _assemble(plan, _sweep_into(lin, plan))
        sparse_jacfun.colors, sparse_jacfun.direction = plan.ncolors, plan.direction
        if check:
            _check(lin, result)
        return result

    sparse_jacfun.colors = sparse_jacfun.direction = None
    return _wrap(sparse_jacfun, fun, argnum, "sparse_jacobian")


def _gradient_fun(fun, argnum):
    g = grad(fun, argnum)

    def gradient(*args, **kwargs):
        return g(*args, **kwargs)

    return gradient


def sparse_hessian(fun, argnum=0, *, check=False):
    """Returns a function which computes the hessian of the real scalar-valued `fun` with
    respect to its positional argument `argnum` as a symmetric `scipy.sparse.csr_array`
    of shape (input size, input size), the input flattened in C order; each symmetric
    pair of entries holds one value (exact symmetry).

    The pattern is the jacobian pattern of the recorded reverse pass; the columns are
    star-coloured and one forward sweep over the reverse pass computes H times one seed
    per colour. Attributes `colors` and `direction` ('fwd') as for sparse_jacobian;
    check=True compares with one random probe H v.
    """
    _nary(fun, argnum)
    _sparse()
    gradient = _gradient_fun(fun, argnum)

    def sparse_hessfun(*args, **kwargs):
        lin = _linearize(gradient, args, kwargs, argnum, "sparse_hessian")
        key = _signature(lin)
        plan = _hessian_plans.get(key)
        if plan is None:
            plan = _hessian_plans.remember(key, _HessianPlan(_pattern_of(lin)))
        result = _assemble(plan, _sweep_into(lin, plan))
        sparse_hessfun.colors, sparse_hessfun.direction = plan.ncolors, plan.direction
        if check:
            _check(lin, result)
        return result

    sparse_hessfun.colors = sparse_hessfun.direction = None
    return _wrap(sparse_hessfun, fun, argnum, "sparse_hessian")


def jacobian_sparsity(fun, argnum=0):
    """Returns a function which gives the boolean sparsity pattern of `fun`'s jacobian with
    respect to argument `argnum` as a `scipy.sparse.csr_array` of shape (output size, input
    size): True wherever an entry may be nonzero for some value of the input (a superset of
    the nonzeros, never missing one), ready for least_squares(jac_sparsity=) or an ODE
    solver's jac_sparsity."""
    _nary(fun, argnum)
    _sparse()

    def sparsity(*args, **kwargs):
        lin = _linearize(fun, args, kwargs, argnum, "jacobian_sparsity")
        return _jacobian_plan(lin, "auto").pattern.copy()

    return _wrap(sparsity, fun, argnum, "jacobian_sparsity")


def hessian_sparsity(fun, argnum=0):
    """Returns a function which gives the boolean sparsity pattern of the scalar `fun`'s
    hessian with respect to argument `argnum`, a symmetric `scipy.sparse.csr_array` of shape
    (input size, input size)."""
    _nary(fun, argnum)
    _sparse()
    gradient = _gradient_fun(fun, argnum)

    def sparsity(*args, **kwargs):
        lin = _linearize(gradient, args, kwargs, argnum, "hessian_sparsity")
        key = _signature(lin)
        plan = _hessian_plans.get(key)
        if plan is None:
            plan = _hessian_plans.remember(key, _HessianPlan(_pattern_of(lin)))
        return plan.pattern.copy()

    return _wrap(sparsity, fun, argnum, "hessian_sparsity")
