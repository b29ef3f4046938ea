"""The affine part of a recorded function, whose tangents a sparse jacobian keeps from one
call to the next.

A step whose output is affine in its traced arguments once its untraced ones are fixed
(x + c, c * x, x / c, a selection, a sum, a product with a constant matrix) maps its
arguments' tangents by a fixed linear map. Where every step from the input to a value is
such a step, the value's tangent for a given seed is the same at every point: in a
discretised PDE right-hand side, the diffusion stencil applied to each colour's seed.
A compressed sweep at a new point then starts from those tangents where they meet the
rest of the function (the frontier), rather than sweeping the stencil again.

The kept tangents are valid while the tape has the same structure (the plan's signature,
which holds the untraced arguments of every step but the elementwise ones), the same
dtypes, and the same coefficients: the constants an elementwise step multiplies or
divides by, which the signature leaves out, are compared at every call.

Owns: `AFFINE` (which primitives are affine in which arguments, found by recording one
call of each), `affine_coefficients`, `AffinePart` (the frontier of a tape and the check
that what is kept still holds) and `Kept` (the tangents per chunk of colours, with the
coefficients and dtypes they were swept with).
Imports: NumPy; the engine (Structured), the numpy namespace and patterns.py (the
declarations it extends).
"""

import numpy as _np

from .. import numpy as _fnp
from ..engine import Structured
from .patterns import _recorded, declared, wanted_steps


def _shift(node, traced):
    """x + c, x - c, -x: the constant only shifts the value (an elementwise keyword such as
    where= is not in the signature: refused)."""
    return None if node.kwargs else ()


def _sum(node, traced):
    """A sum: its axes are in the signature."""
    return ()


def _scale(node, traced):
    """c * x: affine in x alone, with c the slope."""
    if node.kwargs or len(traced) != 1:
        return None
    return tuple(i for i in range(len(node.args)) if i not in traced)


def _numerator(node, traced):
    """x / c: affine in the numerator alone, with c the slope's divisor."""
    if node.kwargs or tuple(traced) != (0,):
        return None
    return (1,)


def _one_factor(node, traced):
    """A matrix product with one traced factor: the other is in the signature."""
    return () if len(traced) == 1 else None


def _declarations():
    x = _np.arange(6.0).reshape(2, 3)
    found = {}

    def declare(coefficients, fun):
        prim = _recorded(fun, x)
        if prim is not None:
            found.setdefault(prim, coefficients)

    # (both arguments traced: a constant added to one is no step of its own, see
    # Primitive.passes_derivative)
    declare(_shift, lambda a: a + a)
    declare(_shift, lambda a: a - a)
    declare(_shift, lambda a: -a)
    declare(_sum, lambda a: _fnp.sum(a, axis=0))
    declare(_scale, lambda a: a * 2.0)
    declare(_numerator, lambda a: a / 3.0)
    declare(_one_factor, lambda a: _fnp.matmul(x.T, a))
    return found


AFFINE = {}


def affine_coefficients(node, traced):
    """For a recorded step and the argument numbers that carry tangents: the argument
    numbers whose values its tangent map reads beyond the signature (empty if none), or
    None if the step is not affine in those arguments."""
    if not AFFINE:
        AFFINE.update(_declarations())
    rule = AFFINE.get(node.prim)
    if rule is not None:
        return rule(node, traced)
    # (selections and their transpose copy or add elements: linear, with the indices in
    # the signature)
    if declared(node.prim) in ("select", "scatter"):
        return ()
    return None


def _plain(value):
    """A number or a NumPy array: a coefficient that can be kept and compared (a value of
    an outer trace, or an object of another library, is neither)."""
    return type(value) in (int, float, complex, bool) or isinstance(value, _np.generic) \
        or type(value) is _np.ndarray


def _same(kept, value):
    if not _plain(value):
        return False
    if isinstance(kept, _np.ndarray) or isinstance(value, _np.ndarray):
        value = _np.asarray(value)
        return (isinstance(kept, _np.ndarray) and kept.dtype == value.dtype and kept.shape == value.shape
                and bool(_np.array_equal(kept, value)))
    return type(kept) is type(value) and bool(kept == value)


def _kept(value):
    return _np.array(value, copy=True) if isinstance(value, _np.ndarray) else value


class Kept:
    """Tangents of the frontier per chunk of colours (start, stop), and the coefficients and
    dtypes of the call that swept them."""

    __slots__ = ("coefficients", "dtypes", "tangents", "nbytes")

    def __init__(self, coefficients, dtypes):
        self.coefficients = coefficients
        self.dtypes = dtypes
        self.tangents = {}
        self.nbytes = 0

    def keep(self, chunk, tangents, budget):
        """Keep the frontier's tangents for `chunk` (formed and read-only) if all the kept
        tangents stay within `budget` bytes; says whether it did."""
        tangents = [t.materialize() if isinstance(t, Structured) else t for t in tangents]
        buffers = {}
        for t in tangents:
            if t is not None:
                if not isinstance(t, _np.ndarray):
                    return False
                base = t if t.base is None else t.base
                buffers[id(base)] = getattr(base, "nbytes", t.nbytes)
        size = sum(buffers.values())
        if self.nbytes + size > budget:
            return False
        for t in tangents:
            if t is not None:
                t.setflags(write=False)
        self.tangents[chunk] = tangents
        self.nbytes += size
        return True


class AffinePart:
    """The frontier of a tape's affine part (the affine values other than the input that a
    step outside the part reads, or the output itself; `reads_seed` if such a step reads
    the input), where its coefficients and dtypes are read, and what is kept (a `Kept`, or
    None)."""

    __slots__ = ("frontier", "reads_seed", "coefficient_slots", "dtype_slots", "kept")

    def __init__(self, lin):
        nodes = lin.trace.nodes
        root, out = lin.roots[0], lin.out_nodes[0]
        wanted = wanted_steps(lin)
        affine = {root.index}
        frontier = set()
        self.coefficient_slots = []
        # (the input's dtype too: the signature holds shapes, and the seeds take its dtype)
        self.dtype_slots = [root.index]
        for node in nodes[root.index + 1:out.index + 1]:
            if not wanted[node.index] or node.prim is None or not node.parents:
                continue
            traced = [argnum for argnum, _ in node.parents]
            if all(parent.index in affine for _, parent in node.parents):
                coefficients = affine_coefficients(node, traced)
                if coefficients is not None and all(_plain(node.args[k]) for k in coefficients):
                    affine.add(node.index)
                    self.coefficient_slots.extend((node.index, k) for k in coefficients)
                    self.dtype_slots.append(node.index)
                    continue
            frontier.update(parent.index for _, parent in node.parents if parent.index in affine)
        if out.index in affine:
            frontier.add(out.index)
        # (the input's own tangent is the seed, made again more cheaply than kept)
        self.reads_seed = root.index in frontier
        frontier.discard(root.index)
        self.frontier = [nodes[i] for i in sorted(frontier)]
        self.kept = None

    def kept_for(self, lin):
        """What is kept for this tape (of the plan's signature): the kept tangents if they
        were swept with its coefficients and dtypes, else a new, empty `Kept` for them."""
        nodes = lin.trace.nodes
        kept = self.kept
        if kept is not None and all(_np.result_type(nodes[i].value) == dtype
                                    for i, dtype in zip(self.dtype_slots, kept.dtypes)) \
                and all(_same(value, nodes[i].args[k])
                        for (i, k), value in zip(self.coefficient_slots, kept.coefficients)):
            return kept
        kept = self.kept = Kept([_kept(nodes[i].args[k]) for i, k in self.coefficient_slots],
                                [_np.result_type(nodes[i].value) for i in self.dtype_slots])
        return kept
