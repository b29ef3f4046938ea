"""Sparse jacobians and hessians: the pattern found on the recorded tape, a colouring,
one compressed sweep, and the result as a `scipy.sparse.csr_array`.

Owns: `sparse_jacobian`, `sparse_hessian`, `jacobian_sparsity`, `hessian_sparsity`;
the propagation of dependence patterns through a tape, the greedy distance-2 and star
colourings, and the decompression of a compressed sweep.

How it works. The function is traced once (`Linearization`). Each recorded primitive
declares how its output depends on its inputs (the `sparsity` attribute of elementwise
primitives, and the registry `DECLARED` of patterns.py for the structural ones); a boolean
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

A later call of the same structure starts each colour's forward sweep where the
function's affine part (a stencil, sums, scalings by constants) meets the rest: those
tangents are the same at every point, and the first call keeps them (affine.py).

Layout: `patterns.py` (declarations, propagation, the structural signature),
`coloring.py` (the colourings), `affine.py` (the affine part and its kept tangents), this
module (plans, the compressed sweep, the public operators).
Imports: the operators (linearization, differential_operators), NumPy; SciPy lazily, inside functions.
Nothing imports this package but fastgrad's top level.
"""

import numpy as _np

from ..engine import Structured, forward_sweep, getval
from ..differential_operators import grad
from ..linearization import Linearization, _nary, _wrap
from ..tangents import add_tangents
from .affine import AffinePart
from .coloring import column_coloring, occurs_once, recovery_sources, row_coloring, star_coloring
from .patterns import DECLARED, _shape_of, _size, _sparse, declared
from .patterns import pattern_of as _pattern_of
from .patterns import signature as _signature

__all__ = ["sparse_jacobian", "sparse_hessian", "jacobian_sparsity", "hessian_sparsity",
           "column_coloring", "row_coloring", "star_coloring", "declared", "DECLARED"]


_CACHE_SIZE = 64


class _Cache(dict):
    """Plans by structural signature, the oldest dropped beyond _CACHE_SIZE."""

    def remember(self, key, value):
        if len(self) >= _CACHE_SIZE:
            self.pop(next(iter(self)))
        self[key] = value
        return value


# ---------------------------------------------------------------- plans: pattern, colouring, index arrays

_FORWARD_PREFERENCE = 1.25


class _JacobianPlan:
    """A pattern with its colouring and the index arrays that decompress a sweep."""

    __slots__ = ("pattern", "direction", "color", "ncolors", "take", "by_color", "by_color_bounds",
                 "entry_order", "entry_bounds", "take_by_color", "affine")

    def __init__(self, pattern, mode):
        pattern = pattern.tocsr()
        pattern.sort_indices()
        self.pattern = pattern
        m, n = pattern.shape
        direction = None if mode == "auto" else mode
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
    """A symmetric pattern, star-coloured, and for each entry where a forward sweep of
    H times the colours' seeds holds it (one place per symmetric pair)."""

    __slots__ = ("pattern", "color", "ncolors", "take", "by_color", "by_color_bounds",
                 "entry_order", "entry_bounds", "take_by_color", "direction", "affine")

    def __init__(self, pattern):
        n = pattern.shape[0]
        # symmetric (the pattern is, up to entries a declared rule over-approximates)
        sym = (pattern + pattern.T).tocsr()
        sym.sum_duplicates()
        sym.sort_indices()
        self.pattern = sym
        star, nstar = star_coloring(sym)
        # (only where its conflict graph is small: a dense row makes it n x n)
        d2, nd2 = column_coloring(sym, budget=8 * sym.nnz)
        # (a distance-2 colouring is a star colouring too: take the one with fewer colours)
        self.color, self.ncolors = (star, nstar) if nstar <= nd2 else (d2, nd2)
        self.direction = "fwd"
        coo = sym.tocoo()
        rows, cols = coo.row.astype(_np.int64), coo.col.astype(_np.int64)
        here, there = recovery_sources(coo, self.color, self.ncolors)
        if here is None:
            raise AssertionError("the hessian colouring does not allow direct recovery")
        # One source per unordered pair, the same for (i, j) and (j, i): exact symmetry.
        lo, hi = _np.minimum(rows, cols), _np.maximum(rows, cols)
        use_lo = occurs_once(rows * self.ncolors + self.color[cols])(lo * self.ncolors + self.color[hi])
        # the sweep gives (colours, n): H[i, j] read at [color[j], i]
        take = _np.where(use_lo, self.color[hi] * n + lo, self.color[lo] * n + hi)
        # (coo is in csr order: the values go straight into sym's data)
        self.take = take
        _group_by_color(self, n)


def _group_by_color(plan, size):
    """The seeded indices sorted by colour and where each colour's run starts; likewise the
    entries of the pattern by the colour whose sweep (of `size` values) holds them. (And no
    tangents of the affine part kept yet.)"""
    plan.affine = None
    plan.by_color = _np.argsort(plan.color, kind="stable")
    plan.by_color_bounds = _np.searchsorted(plan.color[plan.by_color], _np.arange(plan.ncolors + 1))
    plan.entry_order = _np.argsort(plan.take, kind="stable")
    plan.take_by_color = plan.take[plan.entry_order]
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


def _hessian_plan(lin):
    key = _signature(lin)
    plan = _hessian_plans.get(key)
    if plan is None:
        plan = _hessian_plans.remember(key, _HessianPlan(_pattern_of(lin)))
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
    """A swept batch of k as a dense (k, size) array: zeros for None, symbolic seeds formed."""
    if t is None:
        return _np.zeros((k, _size(like)), dtype=_np.result_type(like, float))
    if isinstance(t, Structured):
        t = t.materialize()
    return _np.asarray(getval(t)).reshape(k, -1)


# The tangents of a function's affine part kept for a plan (affine.py) take at most this
# many times the bytes of the jacobian's entries, for the _AFFINE_PLANS plans that kept
# tangents last.
_AFFINE_RATIO = 8
_AFFINE_PLANS = 4
_affine_kept = []


def _keeping(plan):
    if plan in _affine_kept:
        _affine_kept.remove(plan)
    _affine_kept.append(plan)
    while len(_affine_kept) > _AFFINE_PLANS:
        _affine_kept.pop(0).affine.kept = None


def _chunk_sweep(lin, plan, dtype):
    """sweep(start, stop): the swept batch of the colours start..stop. A forward sweep
    starts from the tangents of the function's affine part kept from an earlier call of
    the same plan where they still hold, and keeps them where it finds them."""
    seeded = lin.in_leaves[0] if plan.direction == "fwd" else getval(lin.out_leaves[0])

    def seed(start, stop):
        return _seed(plan, start, stop, _size(seeded), _shape_of(seeded), dtype)

    if plan.direction == "rev":
        return lambda start, stop: lin.vjp([seed(start, stop)])[0]
    if plan.affine is None:
        plan.affine = AffinePart(lin)
    part = plan.affine
    kept = part.kept_for(lin)
    nodes, root, out = lin.trace.nodes, lin.roots[0], lin.out_nodes[0]
    budget = _AFFINE_RATIO * len(plan.take) * _np.dtype(dtype).itemsize

    def sweep(start, stop):
        tangents = kept.tangents.get((start, stop))
        if tangents is not None:
            seeds = dict(zip(part.frontier, tangents))
            if part.reads_seed:
                seeds[root] = seed(start, stop)
            return forward_sweep(nodes, seeds, [out], add_tangents)[0]
        swept = forward_sweep(nodes, {root: seed(start, stop)}, [out] + part.frontier, add_tangents)
        if part.frontier and kept.keep((start, stop), swept[1:], budget):
            _keeping(plan)
        return swept[0]

    return sweep


def _sweep_into(lin, plan):
    """The compressed sweep, one seed per colour in the plan's direction, in chunks of
    colours. Returns the jacobian's values in the pattern's order. The compressed result
    (colours x size) is kept whole only where it is about the size of the entries; else
    each chunk's entries are taken as it arrives."""
    x, y = lin.in_leaves[0], getval(lin.out_leaves[0])
    dtype = _np.result_type(x, y, _np.float32)
    c = plan.ncolors
    result = y if plan.direction == "fwd" else x
    size = _size(result)
    if c == 0 or len(plan.take) == 0:
        return _np.zeros(len(plan.take), dtype=dtype)
    sweep = _chunk_sweep(lin, plan, dtype)
    step = max(1, _CHUNK_BYTES // (8 * max(lin.widest(), 1)))
    if step >= c:
        return _swept(sweep(0, c), c, result).ravel().take(plan.take)
    if c * size <= 8 * len(plan.take):
        # The compressed result is about the size of the entries: kept whole, one gather.
        compressed = _np.empty((c, size), dtype=dtype)
        for start in range(0, c, step):
            stop = min(start + step, c)
            part = _swept(sweep(start, stop), stop - start, result)
            if part.dtype != compressed.dtype and _np.result_type(part, compressed) != compressed.dtype:
                compressed = compressed.astype(_np.result_type(part, compressed))
            compressed[start:stop] = part
        return compressed.ravel().take(plan.take)
    # (a pattern with many colours for its entries, a dense row say: only the entries are
    # kept, by colour, chunk after chunk, then put in the pattern's order at once)
    by_color = _np.empty(len(plan.take), dtype=dtype)
    for start in range(0, c, step):
        stop = min(start + step, c)
        part = _swept(sweep(start, stop), stop - start, result).ravel()
        if part.dtype != by_color.dtype and _np.result_type(part, by_color) != by_color.dtype:
            by_color = by_color.astype(_np.result_type(part, by_color))
        lo, hi = plan.entry_bounds[start], plan.entry_bounds[stop]
        by_color[lo:hi] = part[plan.take_by_color[lo:hi] - start * size]
    data = _np.empty_like(by_color)
    data[plan.entry_order] = by_color
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

    return _wrap(_compressed_operator(fun, argnum, lambda lin: _jacobian_plan(lin, mode), "sparse_jacobian", check),
                 fun, argnum, "sparse_jacobian")


def _compressed_operator(traced, argnum, plan_of, what, check):
    """The function that traces `traced`, finds its plan (cached by structure), sweeps one
    seed per colour and assembles the csr_array; `colors` and `direction` say what was done."""
    def operator(*args, **kwargs):
        lin = _linearize(traced, args, kwargs, argnum, what)
        plan = plan_of(lin)
        result = _assemble(plan, _sweep_into(lin, plan))
        operator.colors, operator.direction = plan.ncolors, plan.direction
        if check:
            _check(lin, result)
        return result

    operator.colors = operator.direction = None
    return operator


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
    return _wrap(_compressed_operator(_gradient_fun(fun, argnum), argnum, _hessian_plan, "sparse_hessian", check),
                 fun, argnum, "sparse_hessian")


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
        return _hessian_plan(lin).pattern.copy()

    return _wrap(sparsity, fun, argnum, "hessian_sparsity")
