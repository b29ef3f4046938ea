"""The NumPy base: what every rule helper and operator family builds on.

Owns, in order:
- the rule record: `defrules`, the one way a primitive's rules are attached, all of
  them in one block (`RulesByArgnum` for rules made per argument);
- the symbolic seeds: `Diagonal`, the seed of a jacobian sweep, and `Rows`, a batch in
  which only a few rows are nonzero (why they exist is told at `Diagonal`);
- the batch-aware shape helpers: `lift`, `broadcast_batch`, `unbroadcast`,
  `sum_to_shape`, `batch_axis`;
- the structural primitives those helpers, the seeds and every family's rules are
  written with: `reshape`, `transpose`, `broadcast_to`, `sum`, `real`/`imag`/`conj`,
  `concatenate` and `stack`, `getitem` and its transpose `untake`, and `traced_array`,
  the array NumPy would make of a list holding traced values.
These sit in one module because they are one knot: the structural primitives' rules
keep seeds symbolic, and the seeds' traced paths use the structural primitives. The
families (`numpy/shape.py`, `reductions.py`, `indexing.py`, `elementwise.py`) export
these primitives under NumPy's names, with NumPy's full signatures.

Every rule is batched: a tangent `t` has shape (k,) + shape(x) and a cotangent `g` has
shape (k,) + shape(ans), the batch axis always first.
Imports: the engine, `_shapes` and NumPy only.
"""

import numpy as _np

from .engine import Box, Primitive, Structured, getval
from ._shapes import ndim_of, shape_of


# ---------------------------------------------------------------- the rule record


def primitive(fun, name=None):
    return Primitive(fun, name)


# defrules' keywords and the Primitive tables they fill: per-argument rules are given as
# {argnum: rule}, a sequence in argument order, or a RulesByArgnum; joint rules (one
# rule for all arguments at once) as a single function.
_PER_ARGUMENT = (("jvp", "jvps"), ("vjp", "vjps"), ("seed_jvp", "seed_jvps"), ("seed_vjp", "seed_vjps"))
_JOINT = (("joint_jvp", "joint_jvp"), ("seed_joint_jvp", "seed_joint_jvp"))


def defrules(prim, jvp=None, vjp=None, *, seed_jvp=None, seed_vjp=None, joint_jvp=None, seed_joint_jvp=None,
             forward_reads_value=True, passes_derivative=()):
    """Attach all of a primitive's rules in one block, the only place they are set.

    jvp, vjp: the forward and reverse rule of each argument, `jvp(t, ans, *args, **kwargs)`
        and `vjp(g, ans, *args, **kwargs)` (None: no derivative through that argument);
    seed_jvp, seed_vjp: per argument, a rule for a symbolic seed (`Diagonal`) that keeps
        it symbolic or cheaper than dense, returning NotImplemented to decline;
    joint_jvp(tangents, ans, *args, **kwargs): the output tangent from all arguments'
        tangents at once (tangents[i] None where argument i has none), for n-ary
        primitives that build it once; seed_joint_jvp: the same for symbolic tangents.
    forward_reads_value: whether the forward rules read the output `ans` beyond its shape and
        dtype (True, False, or a predicate of the call's arguments; see Primitive).
    passes_derivative: the argument numbers whose derivative the output is, unchanged, where
        that argument is the only traced one (x + c; see Primitive).
    The rules given are recorded in `prim.declared_rules`, so a test can tell that
    nothing replaced them later (rules derived from the other mode are added beside them)."""
    given = {"jvp": jvp, "vjp": vjp, "seed_jvp": seed_jvp, "seed_vjp": seed_vjp,
             "joint_jvp": joint_jvp, "seed_joint_jvp": seed_joint_jvp}
    declared = {}
    for keyword, slot in _PER_ARGUMENT:
        rules = given[keyword]
        if rules is None:
            continue
        if isinstance(rules, RulesByArgnum):
            setattr(prim, slot, rules)
            declared[slot] = rules
            continue
        if not isinstance(rules, dict):
            rules = dict(enumerate(rules))
        table = getattr(prim, slot)
        for argnum, rule in rules.items():
            table[argnum] = zero_rule if rule is None else rule
        declared[slot] = dict(table)
    for keyword, slot in _JOINT:
        if given[keyword] is not None:
            setattr(prim, slot, given[keyword])
            declared[slot] = given[keyword]
    prim.declared_rules = declared
    if forward_reads_value is not True:
        prim.forward_reads_value = forward_reads_value
    if passes_derivative:
        prim.passes_derivative = tuple(passes_derivative)
    return prim


def zero_rule(t, ans, *args, **kwargs):
    return None


class RulesByArgnum(dict):
    """Rules for any argument number, each made by `make(argnum)` on first use: for
    primitives of any arity (concatenate, einsum) or rules given by one maker (autograd's
    defvjp_argnum). Argument numbers below `first` have none (a leading axis or
    subscript argument)."""

    def __init__(self, make, first=0):
        super().__init__()
        self.make = make
        self.first = first

    def get(self, argnum, default=None):
        if argnum < self.first:
            return default
        if argnum not in self:
            self[argnum] = self.make(argnum)
        return dict.get(self, argnum)


# ---------------------------------------------------------------- symbolic seeds
# `Diagonal` is the seed of a jacobian sweep and `Rows` a batch in which only a few rows
# are nonzero. A jacobian seeds its sweep with the identity over the flattened input
# (forward) or output (reverse), or a block of its rows when it sweeps in chunks.
# Materialising it costs a k x N array and, worse, makes the first linear primitive
# multiply by it: `W @ I` is a full matrix product whose answer is `W`. So the seed stays
# symbolic while the rules that meet it can keep it so: an elementwise primitive scales
# its diagonal, a matrix product absorbs it (`W @ diag(d)` is `W * d`). Any other rule
# sees a dense array (`materialize()`).
#
# Indexing one element out of a diagonal seed (`mu, sigma = p[0], p[1]`, the usual way a
# model unpacks its parameters) leaves a batch with a single nonzero row. `Rows` keeps
# only those rows, and a rule meeting it is applied to each of them, so a model of a few
# parameters pushes each parameter's direction only through the computations that depend
# on it, with no zero rows swept along.

# What a structured rule does with a diagonal seed, told before any sweep runs by the
# rule's `plan(ans, *args, **kwargs)` attribute (read by planning.py to cost a sweep and
# size its chunks): it keeps the diagonal; it leaves a number of compact rows (an int);
# it builds a dense batch without the seed's dense form; it declines, so the seed is
# materialised (a k x N array) and the plain rule runs; or it contributes nothing.
KEEPS_DIAGONAL = "diagonal"
DENSE = "dense"
MATERIALISES = "materialises"
ZERO = "zero"


# The compact tangent of p[i] under the identity seed: one batch row holding 1. A rule that
# would multiply its local derivative by this row may hand the derivative on instead.
IDENTITY_ROW = _np.ones(1)
IDENTITY_ROW.flags.writeable = False


class Diagonal(Structured):
    """A batched array of shape (stop - start,) + vshape whose row j is
    `d.flat[start + j]` times the unit array at flat position `start + j`:
    rows start..stop of diag(d) over the flattened space of shape `vshape`.
    `d` broadcasts to `vshape` (a scalar 1.0 is the identity)."""

    __slots__ = ("d", "vshape", "start", "stop", "_dense")

    def __init__(self, d, vshape, start=0, stop=None):
        self.d = d
        self.vshape = tuple(vshape)
        self.start = start
        self.stop = _size(vshape) if stop is None else stop
        self._dense = None

    @property
    def shape(self):
        return (self.stop - self.start,) + self.vshape

    @property
    def ndim(self):
        return len(self.vshape) + 1

    @property
    def dtype(self):
        d = self.d
        # a Python complex scalar has no dtype of its own: ask NumPy for it
        return _np.result_type(d.dtype if hasattr(d, "dtype") else _np.result_type(d), float)

    def scaled(self, factor):
        """diag(d * factor); `factor` broadcasts to vshape."""
        return Diagonal(self.d * factor, self.vshape, self.start, self.stop)

    def row_values(self):
        """The k nonzero entries, one per row (shape (k,))."""
        d = self.d
        if not isinstance(d, Box):
            if ndim_of(d) == 0:
                return _np.full(self.stop - self.start, d, dtype=self.dtype)
            return _np.broadcast_to(d, self.vshape).reshape(-1)[self.start:self.stop]
        return reshape(broadcast_to(d, self.vshape), (-1,))[self.start:self.stop]

    def add_structured(self, other):
        if (type(other) is Diagonal and other.vshape == self.vshape
                and other.start == self.start and other.stop == self.stop):
            return Diagonal(self.d + other.d, self.vshape, self.start, self.stop)
        return NotImplemented

    def materialize(self):
        if self._dense is None:
            self._dense = self._build()
        return self._dense

    def _build(self):
        k, n = self.stop - self.start, _size(self.vshape)
        rows = self.row_values()
        if isinstance(rows, Box):
            unit_rows = _np.eye(n)[self.start:self.stop]
            return reshape(unit_rows * rows[:, None], self.shape)
        out = _np.zeros((k, n), dtype=rows.dtype)
        out[_np.arange(k), _np.arange(self.start, self.stop)] = rows
        return out.reshape(self.shape)

    def __repr__(self):
        return f"Diagonal(shape={self.shape}, start={self.start})"


class Rows(Structured):
    """A batch of k tangents (or cotangents) of shape `vshape` of which only the rows
    listed in `index` are nonzero; `values` holds those rows, compacted: shape
    (len(index),) + vshape. A batched linear rule is row by row, so it applies to the
    compact batch directly, one call whatever the number of rows."""

    __slots__ = ("k", "vshape", "index", "values")

    def __init__(self, k, vshape, index, values):
        # vshape and index are tuples (every rule application builds one of these)
        self.k = k
        self.vshape = vshape
        self.index = index
        self.values = values

    @classmethod
    def from_rows(cls, k, vshape, rows):
        """From {batch index: row of shape vshape}."""
        index = sorted(rows)
        values = [rows[j] for j in index]
        if any(isinstance(v, Box) for v in values):
            stacked = stack(values)
        else:
            stacked = _np.stack([_np.asarray(v) for v in values])
        return cls(k, tuple(vshape), tuple(index), stacked)

    @property
    def shape(self):
        return (self.k,) + self.vshape

    @property
    def ndim(self):
        return len(self.vshape) + 1

    # No primitive has a rule of its own for compact rows: every rule applies to them as
    # they are (a batched linear rule is row by row).
    has_structured_rules = False

    def apply(self, rule, ans, args, kwargs):
        result = rule(self.values, ans, *args, **kwargs)
        if type(result) is _np.ndarray:
            return Rows(self.k, result.shape[1:], self.index, result)
        if result is None:
            return None
        if isinstance(result, Structured):
            if len(self.index) == self.k and self.index == tuple(range(self.k)):
                # every row present: the batch is the result itself, kept symbolic (a
                # Scaled product waits for the next steps' factors, 1 - ndtr(z)'s sign)
                return result
            result = result.materialize()
        elif isinstance(result, (list, tuple, dict)):
            # A rule with a container output: rows cannot hold it, so take the dense route.
            return rule(self.materialize(), ans, *args, **kwargs)
        return Rows(self.k, shape_of(result)[1:], self.index, result)

    def add_structured(self, other):
        if type(other) is not Rows or other.k != self.k or other.vshape != self.vshape:
            return NotImplemented
        mine, theirs = self.index, other.index
        if theirs == mine:
            return Rows(self.k, self.vshape, mine, self.values + other.values)
        boxed = isinstance(self.values, Box) or isinstance(other.values, Box)
        if not boxed and mine and theirs and (mine[-1] < theirs[0] or theirs[-1] < mine[0]):
            # Disjoint and in order (p[0] and p[1] meeting): one stacked copy, no zeros.
            first, second = (self, other) if mine[-1] < theirs[0] else (other, self)
            return Rows(self.k, self.vshape, first.index + second.index,
                        _np.concatenate((first.values, second.values)))
        index = tuple(sorted(set(mine) | set(theirs)))
        position = {j: n for n, j in enumerate(index)}
        if boxed:
            return Rows(self.k, self.vshape, index, _scatter_rows(self, position, len(index)) +
                        _scatter_rows(other, position, len(index)))
        overlap = not set(mine).isdisjoint(theirs)
        out = (_np.zeros if overlap else _np.empty)(
            (len(index),) + self.vshape, dtype=_np.result_type(self.values, other.values))
        out[_rows_at(position, mine)] = self.values
        if overlap:
            out[_rows_at(position, theirs)] += other.values
        else:
            out[_rows_at(position, theirs)] = other.values
        return Rows(self.k, self.vshape, index, out)

    def add_dense(self, dense):
        """dense + self, touching only the nonzero rows."""
        if isinstance(dense, Box) or isinstance(self.values, Box):
            return dense + self.materialize()
        out = _np.array(dense, dtype=_np.result_type(dense, self.values), copy=True)
        out[list(self.index)] += self.values
        return out

    def materialize(self):
        if len(self.index) == self.k and self.index == tuple(range(self.k)):
            return self.values
        return _scatter_rows(self, {j: j for j in self.index}, self.k)

    def __repr__(self):
        return f"Rows(k={self.k}, vshape={self.vshape}, index={self.index})"


def _rows_at(position, index):
    """The rows of a compact batch that `index` maps to: a slice where they are consecutive
    (a plain copy, cheaper than NumPy's fancy indexing), else a list."""
    where = [position[j] for j in index]
    if where == list(range(where[0], where[0] + len(where))):
        return slice(where[0], where[0] + len(where))
    return where


def _scatter_rows(rows, position, n):
    """rows.values placed at rows position[j] of an (n,) + vshape batch of zeros."""
    where = [position[j] for j in rows.index]
    if isinstance(rows.values, Box):
        return untake(rows.values, (_np.asarray(where),), (n,) + rows.vshape)
    out = _np.zeros((n,) + rows.vshape, dtype=_np.result_type(rows.values))
    out[where] = rows.values
    return out


def _size(shape):
    size = 1
    for s in shape:
        size *= s
    return size



# ---------------------------------------------------------------- batch-aware shape helpers


def lift(t, ndim):
    """Insert axes after the batch axis so a batched `t` broadcasts against a value of `ndim` dims."""
    shape = shape_of(t)
    missing = ndim + 1 - len(shape)
    if missing <= 0:
        return t
    new_shape = shape[:1] + (1,) * missing + shape[1:]
    if type(t) is _np.ndarray:
        return t.reshape(new_shape)
    return reshape(t, new_shape)


def broadcast_batch(t, k, shape):
    """Make a batched result exactly (k,) + shape."""
    full = (k,) + tuple(shape)
    if shape_of(t) == full:
        return t
    return broadcast_to(t, full)


def is_complex(x):
    try:
        return x.dtype.kind == "c"
    except AttributeError:
        return isinstance(x, complex) or _np.iscomplexobj(x)


def unbroadcast(g, x):
    """Sum a batched cotangent (k,) + ans.shape down to (k,) + shape(x), real if x is real."""
    shape = shape_of(x)
    if shape_of(g)[1:] == shape:
        if is_complex(g) and not is_complex(x):
            return real(g)
        return g
    return sum_to_shape(g, shape, to_real=not is_complex(x))


def sum_to_shape(g, shape, to_real=False):
    """Sum a batched g over the axes that broadcasting added to (k,) + shape (and take
    its real part if `to_real`)."""
    gshape = shape_of(g)
    extra = len(gshape) - 1 - len(shape)
    if extra > 0:
        g = sum(g, axis=tuple(range(1, 1 + extra)))
        gshape = shape_of(g)
    axes = tuple(i + 1 for i, s in enumerate(shape) if s == 1 and gshape[i + 1] != 1)
    if axes:
        g = sum(g, axis=axes, keepdims=True)
    if to_real and is_complex(g):
        g = real(g)
    return g


def batch_axis(axis, ndim):
    """An `axis` argument of a primitive on an ndim-dim value, as the same axis of
    its batched tangent (one leading axis more); None stays None."""
    if axis is None:
        return tuple(range(1, ndim + 1))
    if isinstance(axis, (tuple, list)):
        return tuple(batch_axis(a, ndim) for a in axis)
    return axis % ndim + 1 if ndim else axis + 1



# ---------------------------------------------------------------- reshape and transpose


def batched_shape(t, shape):
    return (shape_of(t)[0],) + tuple(shape)


def _reshape(a, newshape, order="C"):
    return _np.reshape(a, newshape, order=order)


def _reshape_structured(seed, ans, a, newshape, order="C"):
    # C-order reshape keeps flat positions, so the diagonal only changes its shape.
    if type(seed) is not Diagonal or order != "C":
        return NotImplemented
    d = seed.d if ndim_of(seed.d) == 0 else _reshape(broadcast_to(seed.d, shape_of(a)), shape_of(ans))
    return Diagonal(d, shape_of(ans), seed.start, seed.stop)


reshape = defrules(
    Primitive(_reshape, "reshape"),
    jvp=[lambda t, ans, a, newshape, order="C": _order_reshape(t, batched_shape(t, shape_of(ans)), order)],
    vjp=[lambda g, ans, a, newshape, order="C": _order_reshape(g, batched_shape(g, shape_of(a)), order)],
    seed_jvp=[_reshape_structured],
    seed_vjp=[lambda seed, ans, a, newshape, order="C": _reshape_structured(seed, a, ans, shape_of(a), order)],
)
# What the seed rules do with a diagonal seed, for the sweep planner (see KEEPS_DIAGONAL).
_reshape_structured.plan = lambda ans, a, newshape, order="C": KEEPS_DIAGONAL if order == "C" else MATERIALISES
reshape.seed_vjps[0].plan = _reshape_structured.plan



def _order_reshape(t, shape, order):
    """Reshape a batched array in `order` within each batch row."""
    if order == "C":
        return reshape(t, shape)
    if order == "F":
        # Fortran order within each row: move the batch axis last, reshape in F order, move back.
        moved = moveaxis(t, 0, -1)
        return moveaxis(reshape(moved, tuple(shape[1:]) + (shape[0],), "F"), -1, 0)
    raise ValueError(f"unknown order {order!r}")


def _transpose(a, axes=None):
    return _np.transpose(a, axes)


def _full_axes(axes, ndim):
    return tuple(range(ndim))[::-1] if axes is None else tuple(ax % ndim for ax in axes)


def _batched_axes(axes):
    return (0,) + tuple(ax + 1 for ax in axes)


transpose = defrules(
    Primitive(_transpose, "transpose"),
    jvp=[lambda t, ans, a, axes=None: _transpose(t, _batched_axes(_full_axes(axes, ndim_of(a))))],
    vjp=[lambda g, ans, a, axes=None: _transpose(g, _batched_axes(_np.argsort(_full_axes(axes, ndim_of(a)))))],
)


def moveaxis(a, source, destination):
    ndim = ndim_of(a)
    src = [s % ndim for s in (source if isinstance(source, (tuple, list)) else (source,))]
    dst = [d % ndim for d in (destination if isinstance(destination, (tuple, list)) else (destination,))]
    order = [n for n in range(ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    if order == list(range(ndim)):
        return a
    return transpose(a, tuple(order))



# ---------------------------------------------------------------- broadcasting


def _broadcast_to(array, shape):
    return _np.broadcast_to(array, shape)


broadcast_to = defrules(
    Primitive(_broadcast_to, "broadcast_to"),
    jvp=[lambda t, ans, array, shape: _broadcast_to(lift(t, ndim_of(ans)), batched_shape(t, shape_of(ans)))],
    vjp=[lambda g, ans, array, shape: unbroadcast(g, array)],
)



# ---------------------------------------------------------------- joining


def _concatenate_args(axis, *arrays):
    return _np.concatenate(arrays, axis=axis)


def _concatenate_joint_jvp(tangents, ans, axis, *arrays):
    k = next(shape_of(t)[0] for t in tangents if t is not None)
    parts = []
    for t, a in zip(tangents[1:], arrays):
        if t is None:
            t = _np.zeros((k,) + shape_of(a), dtype=_np.result_type(getval(ans)))
        parts.append(t)
    return _concatenate_args(batch_axis(axis, ndim_of(ans)), *parts)


def _concatenate_vjp(argnum):
    def vjp(g, ans, axis, *arrays):
        ax = axis % ndim_of(ans)
        start = 0
        for a in arrays[:argnum - 1]:
            start += shape_of(a)[ax]
        stop = start + shape_of(arrays[argnum - 1])[ax]
        index = (slice(None),) * (ax + 1) + (slice(start, stop),)
        return g[index]
    return vjp


# A diagonal cotangent over the output (a reverse jacobian of stacked outputs, as in
# np.array([f1(x), f2(x), f3(x)])) leaves each argument only the rows that fall in its
# slice: kept as a few nonzero rows, so each piece is pulled back alone.
_MAX_STRUCTURED_ROWS = 64


def _concatenate_structured_vjp(argnum):
    def rule(seed, ans, axis, *arrays):
        if type(seed) is not Diagonal:
            return NotImplemented
        out_shape = shape_of(ans)
        ax = axis % len(out_shape)
        x_shape = shape_of(arrays[argnum - 1])
        offset = 0
        for a in arrays[:argnum - 1]:
            offset += shape_of(a)[ax]
        position = list(_np.unravel_index(_np.arange(seed.start, seed.stop), out_shape))
        inside = _np.nonzero((position[ax] >= offset) & (position[ax] < offset + x_shape[ax]))[0]
        if inside.size == 0:
            return None
        if inside.size > _MAX_STRUCTURED_ROWS:
            return NotImplemented
        local = [p[inside] for p in position]
        local[ax] = local[ax] - offset
        local_flat = _np.ravel_multi_index(tuple(local), x_shape)
        values = seed.row_values()
        rows = {}
        for j, flat in zip(inside, local_flat):
            unit = _np.zeros(x_shape)
            unit.flat[flat] = 1.0
            d = values[j]
            rows[int(j)] = unit if (not isinstance(d, Box) and d == 1) else unit * d
        return Rows.from_rows(seed.stop - seed.start, x_shape, rows)

    def plan(ans, axis, *arrays):
        # (for the whole basis: each of the argument's elements is one row)
        rows = int(_np.prod(shape_of(arrays[argnum - 1]), dtype=int))
        return ZERO if rows == 0 else rows if rows <= _MAX_STRUCTURED_ROWS else MATERIALISES
    rule.plan = plan
    return rule


concatenate_args = defrules(
    Primitive(_concatenate_args, "concatenate"),
    vjp=RulesByArgnum(_concatenate_vjp, first=1),
    seed_vjp=RulesByArgnum(_concatenate_structured_vjp, first=1),
    joint_jvp=_concatenate_joint_jvp,
)


def concatenate(arrays, axis=0, out=None, **kwargs):
    if out is not None:
        raise TypeError("fastgrad.numpy.concatenate does not support out=: it cannot trace writes into an array")
    arrays = list(arrays)
    if axis is None:
        arrays = [reshape(a, (-1,)) for a in arrays]
        axis = 0
    return concatenate_args(axis, *arrays)


def stack(arrays, axis=0, out=None, **kwargs):
    arrays = list(arrays)
    if not arrays:
        raise ValueError("need at least one array to stack")
    ndim = ndim_of(arrays[0]) + 1
    axis = axis % ndim
    return concatenate([reshape(a, shape_of(a)[:axis] + (1,) + shape_of(a)[axis:]) for a in arrays], axis=axis, out=out)



# ---------------------------------------------------------------- sum


def normalize_axis(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        return tuple(sorted(a % ndim for a in axis))
    return (axis % ndim,) if ndim else ()


def expand_reduced(g, x_ndim, axis, keepdims):
    """A batched cotangent of a reduction, reshaped so it broadcasts against the batched input."""
    if keepdims:
        return g
    shape = list(shape_of(g))
    for a in normalize_axis(axis, x_ndim):
        shape.insert(a + 1, 1)
    return reshape(g, tuple(shape))


def spread(g, x, axis, keepdims):
    """The transpose of summing x over `axis`: g copied back over the reduced axes."""
    k = shape_of(g)[0]
    return broadcast_to(expand_reduced(g, ndim_of(x), axis, keepdims), (k,) + shape_of(x))


def tangent_axis(axis, x):
    """The axis of a batched tangent that `axis` of x names. On a 0-d x, NumPy's reductions
    take axis 0 or -1 and reduce nothing, so neither names an axis of the tangent."""
    nd = ndim_of(x)
    return batch_axis(axis if nd else None, nd)


def _sum(x, axis=None, dtype=None, keepdims=False):
    return _np.sum(x, axis=axis, dtype=dtype, keepdims=keepdims)


def _sum_jvp(t, ans, x, axis=None, dtype=None, keepdims=False):
    return _sum(t, axis=tangent_axis(axis, x), keepdims=keepdims)


def _sum_structured_jvp(seed, ans, x, axis=None, dtype=None, keepdims=False):
    if type(seed) is not Diagonal or axis is not None or keepdims:
        return NotImplemented
    return seed.row_values()


sum = defrules(
    Primitive(_sum, "sum"),
    jvp=[_sum_jvp],
    vjp=[lambda g, ans, x, axis=None, dtype=None, keepdims=False: spread(g, x, axis, keepdims)],
    seed_jvp=[_sum_structured_jvp],
)
_sum_structured_jvp.plan = lambda ans, x, axis=None, dtype=None, keepdims=False: (
    DENSE if axis is None and not keepdims else MATERIALISES)



# ---------------------------------------------------------------- complex parts


# Convention (autograd's): the pairing of a cotangent g with a tangent t is
# Re(sum(g * t)), with no conjugate, so a holomorphic rule's VJP is g * f'(x).
def _match(x, g):
    """A cotangent for x: real if x is real."""
    return g if _np.iscomplexobj(x) else real(g)


def _as_complex_like(x, g):
    return g + 0j if _np.iscomplexobj(x) else g


real = defrules(
    Primitive(_np.real, "real"),
    jvp=[lambda t, ans, x: real(t)],
    vjp=[lambda g, ans, x: _as_complex_like(x, g)],
)
imag = defrules(
    Primitive(_np.imag, "imag"),
    jvp=[lambda t, ans, x: imag(t)],
    vjp=[lambda g, ans, x: _match(x, -1j * g)],
)
conj = defrules(
    Primitive(_np.conj, "conjugate"),
    jvp=[lambda t, ans, x: conj(t)],
    vjp=[lambda g, ans, x: conj(g)],
)



# ---------------------------------------------------------------- indexing and its transpose


def _plain_index(index):
    """The index with traced pieces replaced by their values, lists made arrays."""
    if isinstance(index, tuple):
        return tuple(_plain_item(i) for i in index)
    return (_plain_item(index),)


def _plain_item(item):
    item = getval(item)
    if isinstance(item, list):
        return _np.asarray(item)
    return item


def _advanced_front_ndim(index):
    """If NumPy will put the advanced-index dimensions first (advanced indices
    separated by a slice, Ellipsis or None), their number of dimensions, else 0."""
    positions, arrays = [], []
    for pos, item in enumerate(index):
        if isinstance(item, _np.ndarray) or isinstance(item, (int, _np.integer)) or item is True or item is False:
            positions.append(pos)
            arrays.append(item)
    if not any(isinstance(a, _np.ndarray) for a in arrays):
        return 0
    if positions == list(range(positions[0], positions[0] + len(positions))):
        return 0
    expanded = []
    for a in arrays:
        if isinstance(a, _np.ndarray) and a.dtype == bool:
            expanded.extend(_np.nonzero(a))
        else:
            expanded.append(_np.asarray(a))
    return len(_np.broadcast_shapes(*[a.shape for a in expanded]))


def _batch_index(index):
    return (slice(None),) + index


def _getitem(A, index):
    return A[index]


def _getitem_jvp(t, ans, A, index):
    front = _advanced_front_ndim(index)
    out = getitem(t, _batch_index(index))
    return moveaxis(out, front, 0) if front else out


def _getitem_vjp(g, ans, A, index):
    k = shape_of(g)[0]
    front = _advanced_front_ndim(index)
    if front:
        g = moveaxis(g, 0, front)
    return untake(g, _batch_index(index), (k,) + shape_of(A))


def _getitem_structured_jvp(seed, ans, A, index):
    """x[index] of a diagonal seed. One element picked out (p[0]): a batch with at most one
    nonzero row. Any other index: output position p of row j is d_j where p reads element
    start + j, written straight into the (k, output size) result."""
    if type(seed) is not Diagonal:
        return NotImplemented
    shape = shape_of(A)
    if len(index) != len(shape):
        return _gather_diagonal(seed, shape, index)
    if len(shape) == 1 and type(index[0]) is int:
        # p[i] of a parameter vector, the usual case
        flat = index[0] % shape[0]
    else:
        flat = 0
        for i, n in zip(index, shape):
            if not isinstance(i, (int, _np.integer)):
                return _gather_diagonal(seed, shape, index)
            flat = flat * n + int(i) % n
    if not seed.start <= flat < seed.stop:
        return None
    d = seed.d
    if isinstance(d, (float, int)):
        value = IDENTITY_ROW if d == 1 else _np.array([d], dtype=float)
    else:
        d = d if ndim_of(d) == 0 else reshape(broadcast_to(d, shape), (-1,))[flat]
        value = reshape(d, (1,))
    return Rows(seed.stop - seed.start, (), (flat - seed.start,), value)


def _gather_diagonal(seed, shape, index):
    size = int(_np.prod(shape, dtype=int))
    k = seed.stop - seed.start
    source = _np.arange(size).reshape(shape)[index]
    out_shape = shape_of(source)
    flat = _np.ravel(source)
    hit = _np.nonzero((flat >= seed.start) & (flat < seed.stop))[0]
    d = seed.d
    if isinstance(d, Box):
        values = reshape(broadcast_to(d, shape), (-1,))[flat[hit]]
        dense = untake(values, (flat[hit] - seed.start, hit), (k, flat.size))
        return reshape(dense, (k,) + out_shape)
    values = _np.broadcast_to(d, shape).reshape(-1)[flat[hit]] if ndim_of(d) else d
    out = _np.zeros((k, flat.size), dtype=_np.result_type(d, float))
    out[flat[hit] - seed.start, hit] = values
    return out.reshape((k,) + out_shape)


def _getitem_structured_vjp(seed, ans, A, index):
    """A diagonal cotangent over x[index]: row j is d_j at the element of x that output
    position j was read from, written straight into a (k, x.size) array rather than
    materialising the (k, output size) cotangent and scattering it back."""
    if type(seed) is not Diagonal:
        return NotImplemented
    shape = shape_of(A)
    size = int(_np.prod(shape, dtype=int))
    k = seed.stop - seed.start
    if size > 4 * int(_np.prod(seed.vshape, dtype=int)):
        return NotImplemented
    source = _np.arange(size).reshape(shape)[index]
    flat = _np.ravel(source)[seed.start:seed.stop]
    values = seed.row_values()
    if isinstance(values, Box):
        return reshape(untake(values, (_np.arange(k), flat), (k, size)), (k,) + shape)
    out = _np.zeros((k, size), dtype=_np.result_type(values))
    out[_np.arange(k), flat] = values
    return out.reshape((k,) + shape)


getitem = defrules(Primitive(_getitem, "getitem"), jvp=[_getitem_jvp], vjp=[_getitem_vjp],
                   seed_jvp=[_getitem_structured_jvp], seed_vjp=[_getitem_structured_vjp])
# One element picked out leaves one compact row, any other index a dense gather; a pullback
# scatters straight into the argument unless that is much wider than the output.
_getitem_structured_jvp.plan = lambda ans, A, index: 1 if ndim_of(ans) == 0 else DENSE
_getitem_structured_vjp.plan = lambda ans, A, index: (
    MATERIALISES if _size(shape_of(A)) > 4 * _size(shape_of(ans)) else DENSE)


def _untake(x, index, shape):
    """zeros(shape) with x added at `index` (repeated positions accumulate)."""
    # 0.0, not float: a Python float is a weak scalar and keeps float32 (float is float64)
    out = _np.zeros(shape, dtype=_np.result_type(x, 0.0))
    if any(isinstance(i, _np.ndarray) for i in index):
        _np.add.at(out, index, x)
    else:
        out[index] = x
    return out


def _untake_jvp(t, ans, x, index, shape):
    k = shape_of(t)[0]
    front = _advanced_front_ndim(index)
    if front:
        t = moveaxis(t, 0, front)
    return untake(t, _batch_index(index), (k,) + tuple(shape))


def _untake_vjp(g, ans, x, index, shape):
    front = _advanced_front_ndim(index)
    out = getitem(g, _batch_index(index))
    return moveaxis(out, front, 0) if front else out


untake = defrules(Primitive(_untake, "untake"), jvp=[_untake_jvp], vjp=[_untake_vjp])


def index(A, index):
    """`A[index]` for a traced A (what ArrayBox.__getitem__ calls)."""
    if type(index) is int:
        # p[0], the way a model unpacks its parameters: nothing to normalise
        return getitem(A, (index,))
    return getitem(A, _normalize(index))


def _normalize(index):
    plain = _plain_index(index)
    return tuple(_np.asarray(i) if isinstance(i, list) else i for i in plain)


# ---------------------------------------------------------------- lists of traced values

def traced_array(obj):
    """The array NumPy would make of obj: a (nested) list or tuple holding traced values
    becomes one traced array; anything else is returned as it is."""
    if isinstance(obj, (list, tuple)):
        return stack([traced_array(item) for item in obj])
    return obj
