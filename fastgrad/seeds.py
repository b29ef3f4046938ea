"""Symbolic seeds: batched tangents and cotangents that keep their structure.

Owns: `Diagonal`, the seed of a jacobian sweep, and `Rows`, a batch in which
only a few rows are nonzero. A jacobian seeds its sweep with
the identity over the flattened input (forward) or output (reverse), or a block
of its rows when it sweeps in chunks. Materialising it costs a k x N array and,
worse, makes the first linear primitive multiply by it: `W @ I` is a full
matrix product whose answer is `W`. So the seed stays symbolic while the rules
that meet it can keep it so: an elementwise primitive scales its diagonal, a
matrix product absorbs it (`W @ diag(d)` is `W * d`). Any other rule sees a
dense array (`materialize()`).

Indexing one element out of a diagonal seed (`mu, sigma = p[0], p[1]`, the
usual way a model unpacks its parameters) leaves a batch with a single nonzero
row. `Rows` keeps only those rows, and a rule meeting it is applied to each of
them, so a model of a few parameters pushes each parameter's direction only
through the computations that depend on it, with no zero rows swept along.
Imports: core, NumPy; operators of the numpy namespace only inside functions.
"""

import numpy as _np

from .core import Box, Structured
from ._lazy import fnp as _fnp
from ._shapes import ndim_of, shape_of


# The compact tangent of p[i] under the identity seed: one batch row holding 1. A rule that
# would multiply its local derivative by this row may hand the derivative on instead.
UNIT_ROW = _np.ones(1)
UNIT_ROW.flags.writeable = False


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
        fnp = _fnp()
        d = self.d
        if not isinstance(d, Box):
            if ndim_of(d) == 0:
                return _np.full(self.stop - self.start, d, dtype=self.dtype)
            return _np.broadcast_to(d, self.vshape).reshape(-1)[self.start:self.stop]
        return fnp.reshape(fnp.broadcast_to(d, self.vshape), (-1,))[self.start:self.stop]

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
            from .numpy import reshape

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
            stacked = _fnp().stack(values)
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
        from .numpy.indexing import untake

        return untake(rows.values, (_np.asarray(where),), (n,) + rows.vshape)
    out = _np.zeros((n,) + rows.vshape, dtype=_np.result_type(rows.values))
    out[where] = rows.values
    return out


def _size(shape):
    size = 1
    for s in shape:
        size *= s
    return size
