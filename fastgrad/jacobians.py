"""The jacobian driver: a linearization swept with the basis of its input (forward) or of
its output (reverse), in the direction `planning` finds cheaper from the recorded tape,
in chunks where the batch would exceed `config.sweep_memory_bytes`, with the blocks laid
out as (output shape) + (input shape).
Imports: the engine, the NumPy base and namespace, planning, linearization.
"""

from math import prod

import numpy as _np

from . import numpy as fnp
from . import planning
from ._shapes import shape_of
from .base import Diagonal
from .engine import Box, getval
from .linearization import _delivered, _dense, _derivative_dtype


class config:
    """Settings of the jacobian sweeps.

    sweep_memory_bytes: the memory a batched sweep may use; a jacobian whose
    batch of seeds would need more is swept in chunks of basis vectors.
    """

    sweep_memory_bytes = 1 << 30
    # A sweep keeps a few batched values alive at once (a rule's operands, its result,
    # a sum of contributions, the chunk being written into the result); this many per
    # batch row of the widest dense value is what the budget is divided by.
    live_tangents = 5


def _check_chunk_size(chunk_size):
    if chunk_size is None:
        return
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, _np.integer)):
        raise TypeError(f"chunk_size must be a positive integer or None, not {chunk_size!r}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive integer or None, not {chunk_size!r}")


def _chunk_rows(total, plan, chunk_size, lin=None, scale=1.0):
    """Basis vectors per sweep: all of them unless the widest dense batched value the plan
    foresees would take the sweep past `config.sweep_memory_bytes`. Given the
    linearization, the values its tape holds during the sweep come out of the budget too,
    and complex values count twice, so that the sweep's peak is the result plus the budget."""
    if chunk_size is not None:
        return int(chunk_size)
    per_row = 8 * plan.dense_width * config.live_tangents
    if per_row == 0 or 2 * per_row * total <= config.sweep_memory_bytes // 2:
        return max(total, 1)
    budget = config.sweep_memory_bytes
    if lin is not None:
        budget -= _tape_bytes(lin)
        if scale != 1.0 or any(_is_complex(v) for v in lin.in_leaves + lin.out_leaves):
            per_row *= 2
    return max(1, min(total, budget // per_row))


def _tape_bytes(lin):
    """Bytes of the arrays the trace computed (the inputs, the caller's, not counted)."""
    total = 0
    for node in lin.trace.nodes:
        if node.prim is not None:
            total += getattr(node.value, "nbytes", 0)
    return total


def _plans(lin, direction):
    """One SweepPlan per seeded leaf (inputs forward, outputs backward)."""
    nodes = lin.trace.nodes
    ends = [node for node in lin.out_nodes if node is not None]
    if direction == "fwd":
        return [planning.plan_forward(nodes, root, ends, prod(shape_of(x)))
                for root, x in zip(lin.roots, lin.in_leaves)]
    return [planning.plan_reverse(nodes, end, lin.roots, prod(shape_of(y))) if end is not None else None
            for end, y in zip(lin.out_nodes, lin.out_leaves)]


def _obvious(n, m, lin):
    """A small jacobian with no more inputs than outputs is swept forward unplanned: fewer
    seeds, and a forward sweep's fixed cost per primitive is the lower one. Anything else is
    planned: with more inputs than outputs the two disagree (a reverse sweep of one row
    costs more than a forward sweep of ten when both are mostly fixed cost), and in a larger
    one the seed's structure can tip the balance (a diagonal seed can make a forward sweep
    of ten thousand rows cheaper than a reverse sweep of three)."""
    return n <= m and (m <= 64 or m * lin.widest() <= _PLAN_ABOVE)


# Sweeps that could touch fewer elements than this are decided by their shape.
_PLAN_ABOVE = 1 << 16
_plan_cache = {}


def _planned_direction(lin, n, m, in_shapes, out_shapes, chunk_size):
    """The cheaper direction by the plans, remembered for tapes of the same structure (the
    same primitives on the same shapes), so a jacobian called in a loop plans once."""
    signature = [chunk_size, config.sweep_memory_bytes, len(lin.roots)]
    for node in lin.trace.nodes:
        value = node.value
        signature.append(id(node.prim))
        signature.append(value.shape if type(value) is _np.ndarray else shape_of(value))
    for node in lin.out_nodes:
        signature.append(node and node.index)
    signature = tuple(signature)
    known = _plan_cache.get(signature)
    if known is None:
        fwd_plans, rev_plans = _plans(lin, "fwd"), _plans(lin, "rev")
        mode = choose_direction(n, m, _total_cost(fwd_plans, [prod(s) for s in in_shapes], chunk_size),
                                _total_cost(rev_plans, [prod(s) for s in out_shapes], chunk_size))
        if len(_plan_cache) > 256:
            _plan_cache.clear()
        known = _plan_cache[signature] = (mode, fwd_plans, rev_plans)
    return known


def _plans_if_needed(lin, direction, seeds, chunk_size):
    """The plans that set chunk sizes, or, where even a dense batch of all the seeds over the
    widest value of the tape fits the budget, plans that sweep everything at once."""
    if chunk_size is not None or seeds * lin.widest() * 8 * config.live_tangents <= config.sweep_memory_bytes:
        count = len(lin.roots) if direction == "fwd" else len(lin.out_nodes)
        return [_UNPLANNED[direction]] * count
    return _plans(lin, direction)


# A sweep that needs no plan: nothing is known of it but its direction.
_UNPLANNED = {direction: planning.SweepPlan(direction, 0, 0, 0) for direction in ("fwd", "rev")}


def _total_cost(plans, sizes, chunk_size):
    total = 0
    for plan, size in zip(plans, sizes):
        if plan is not None:
            rows = _chunk_rows(size, plan, chunk_size)
            total += plan.cost(-(-size // rows))
    return total


def _sweep_basis(lin, sweep, plan, n_seeded, which, shape, results_like, chunk_size, scale=1.0):
    """Sweep the basis of leaf `which` (of `shape`), each basis vector times `scale` (1.0, or
    1j for the imaginary directions of a complex leaf), through `sweep` (lin.jvp or lin.vjp),
    in chunks of basis vectors; returns, per result leaf, the dense (size,) + its shape batch,
    never a view of an array the function was given or closed over."""
    size = prod(shape)
    if size == 0:
        return [_np.zeros((0,) + shape_of(like)) for like in results_like]
    rows = _chunk_rows(size, plan, chunk_size, lin, scale)
    seeds = [None] * n_seeded
    if rows >= size:
        seeds[which] = Diagonal(scale, shape, 0, size)
        swept = sweep(seeds)
        for i, like in enumerate(results_like):
            swept[i] = _unaliased(_dense(swept[i], like, size), lin)
        return swept
    # Each chunk is written into the result as it arrives, so the peak is the result plus
    # one chunk's sweep (the budget), not the chunks beside their concatenation.
    results = [None] * len(results_like)
    for start in range(0, size, rows):
        stop = min(start + rows, size)
        seeds[which] = Diagonal(scale, shape, start, stop)
        for i, (t, like) in enumerate(zip(sweep(seeds), results_like)):
            part = _dense(t, like, stop - start)
            out = results[i]
            if type(out) is list or isinstance(part, Box):
                # under an outer trace the chunks are traced values: joined at the end
                if type(out) is not list:
                    out = results[i] = [] if out is None else [out[:start]]
                out.append(part)
                continue
            if out is None:
                out = results[i] = _np.empty((size,) + part.shape[1:], dtype=part.dtype)
            elif part.dtype != out.dtype and _np.result_type(out, part) != out.dtype:
                out = results[i] = out.astype(_np.result_type(out, part))
            out[start:stop] = part
            del part
    return [fnp.concatenate(out, axis=0) if type(out) is list else out for out in results]


def _combine(re_part, im_part):
    """A complex block from the sweeps of the real and the imaginary basis directions:
    Re(a) - i Re(b) (forward sweeps of a complex input), or a - i b for the real
    cotangent pulls a and b of a real input (reverse sweeps of a complex output)."""
    if isinstance(re_part, Box) or isinstance(im_part, Box):
        return fnp.real(re_part) - 1j * fnp.real(im_part)
    if re_part.dtype.kind == "c" and re_part.flags.writeable:
        # (the sweep's own complex result: its imaginary part is overwritten in place)
        out = re_part
    else:
        out = _np.empty(re_part.shape, dtype=_np.result_type(re_part.real.dtype, _np.complex64))
        out.real = re_part.real
    # (multiply, not negative: NumPy 2.4's negative writes zeros from an input strided by
    # 64 bytes, the column of a batch indexed to a scalar, into the strided imaginary part)
    _np.multiply(im_part.real, -1.0, out=out.imag)
    return out


_FORWARD_PREFERENCE = 1.25


def choose_direction(n_in, n_out, fwd_cost=None, rev_cost=None):
    """The sweep direction of an automatic jacobian. With the plans' costs (planning.py:
    the elements each rule will touch given how long the seed keeps its structure, and a
    fixed cost per primitive), the cheaper one; without, the one with fewer seeds
    (forward when the input has no more elements than the output)."""
    if fwd_cost is not None and rev_cost is not None:
        # Near a tie, forward: it keeps no cotangents to accumulate and no tape to walk back.
        return "fwd" if fwd_cost <= _FORWARD_PREFERENCE * rev_cost else "rev"
    return "fwd" if n_in <= n_out else "rev"


def _is_complex(value):
    value = getval(value)
    dtype = getattr(value, "dtype", None)
    return dtype.kind == "c" if dtype is not None else isinstance(value, complex)


def _jacobian_blocks(lin, mode, chunk_size):
    """blocks[i][j]: d out_leaf_i / d in_leaf_j, shaped out_i.shape + in_j.shape."""
    # (loops rather than comprehensions: each of those is a call, on every jacobian)
    # A complex input costs a forward sweep twice as many seeds, and a complex output fed by
    # a real input a reverse sweep (see below): the counts that choose the direction say so.
    in_shapes, complex_in = _shapes_and_kinds(lin.in_leaves)
    out_shapes, complex_out = _shapes_and_kinds(lin.out_leaves)
    all_complex_in = all(complex_in)
    n = m = 0
    for shape, is_complex in zip(in_shapes, complex_in):
        n += prod(shape) * (2 if is_complex else 1)
    for node, shape, is_complex in zip(lin.out_nodes, out_shapes, complex_out):
        if node is not None:
            m += prod(shape) * (2 if is_complex and not all_complex_in else 1)
    if mode not in ("auto", "fwd", "rev", OVER_A_GRADIENT):
        raise ValueError(f"mode must be 'auto', 'fwd' or 'rev', not {mode!r}")
    fwd_plans = rev_plans = None
    chosen = mode
    if mode == OVER_A_GRADIENT:
        mode = "fwd"
    elif mode == "auto":
        if _obvious(n, m, lin):
            mode = choose_direction(n, m)
        else:
            mode, fwd_plans, rev_plans = _planned_direction(lin, n, m, in_shapes, out_shapes, chunk_size)
    if chosen in ("auto", OVER_A_GRADIENT) and mode == "fwd" and _forward_meets_untraceable_rules(lin, m):
        mode, fwd_plans = "rev", None
    if mode == "fwd" and fwd_plans is None:
        fwd_plans = _plans_if_needed(lin, "fwd", n, chunk_size)
    elif mode == "rev" and rev_plans is None:
        rev_plans = _plans_if_needed(lin, "rev", m, chunk_size)
    # Complex inputs and outputs follow one convention in both directions (autograd's, that
    # of the reverse sweep with real unit cotangents): for z = a + ib the row of output f_i
    # is dRe(f_i)/da - i dRe(f_i)/db, and for a real input d(f_i)/da, complex if f_i is.
    # A forward sweep gives the true directional derivative, so a complex input is swept
    # along e_k and i e_k and combined as Re(J e_k) - i Re(J i e_k); a reverse sweep drops
    # the imaginary part of a real input's cotangent, so a complex output feeding a real
    # input is also pulled back from i e_i (giving -dIm(f_i)/da) and combined likewise.
    blocks = [[None] * len(in_shapes) for _ in out_shapes]
    if mode == "fwd":
        # (a jacobian never hands out the function's value: its memory can go to the result)
        lin.free_output_values()
        for j, shape in enumerate(in_shapes):
            swept = _sweep_basis(lin, lin.jvp, fwd_plans[j], len(in_shapes), j, shape, lin.out_leaves,
                                 chunk_size)
            if complex_in[j]:
                swept_im = _sweep_basis(lin, lin.jvp, fwd_plans[j], len(in_shapes), j, shape,
                                        lin.out_leaves, chunk_size, 1j)
                swept = [_combine(a, b) for a, b in zip(swept, swept_im)]
            for i, out_shape in enumerate(out_shapes):
                blocks[i][j] = _layout_forward(swept[i], out_shape, shape)
    else:
        for i, shape in enumerate(out_shapes):
            if lin.out_nodes[i] is None:
                swept = [_np.zeros((prod(shape),) + in_shape) for in_shape in in_shapes]
            else:
                swept = _sweep_basis(lin, lin.vjp, rev_plans[i], len(out_shapes), i, shape, lin.in_leaves,
                                     chunk_size)
                if complex_out[i] and not all_complex_in:
                    swept_im = _sweep_basis(lin, lin.vjp, rev_plans[i], len(out_shapes), i, shape,
                                            lin.in_leaves, chunk_size, 1j)
                    for j, b in enumerate(swept_im):
                        if not complex_in[j]:
                            swept[j] = _combine(swept[j], b)
            for j, in_shape in enumerate(in_shapes):
                blocks[i][j] = fnp.reshape(swept[j], shape + in_shape)
    for i in range(len(out_shapes)):
        for j in range(len(in_shapes)):
            block = blocks[i][j]
            x_dtype = getattr(lin.in_leaves[j], "dtype", None)
            if x_dtype is not None and x_dtype.kind == "f" and x_dtype == getattr(
                    lin.out_leaves[i], "dtype", None) == getattr(block, "dtype", None):
                continue  # the common case, one real dtype throughout: nothing to decide
            dtype = _derivative_dtype((lin.in_leaves[j],), (lin.out_leaves[i],))
            if getattr(getval(block), "dtype", dtype) != dtype:
                blocks[i][j] = _delivered(block, dtype)
    return blocks


# The direction of the outer jacobian of a hessian (over a recorded gradient): forward,
# whose sweep over a reverse pass is the cheaper one, unless _forward_meets_untraceable_rules.
OVER_A_GRADIENT = "over a gradient"


def _forward_meets_untraceable_rules(lin, seeds):
    """Whether a forward sweep would meet a step whose forward rule is formed from calls of
    its VJP, one per element of its output (a client's primitive given only a VJP, which
    cannot be traced: rules._jvp_by_vjp_calls), on a value of more elements than `seeds`,
    the rows a reverse sweep pulls through it instead. A direction chosen for the caller
    is then reverse: a hessian of a model written with such primitives (autograd-gamma's
    gammaincc over the data, in lifelines) takes reverse over reverse, as autograd does."""
    for node in lin.trace.nodes:
        prim = node.prim
        if prim is None or prim.vjps_traceable:
            continue
        for argnum, _ in node.parents:
            rule = prim.jvps.get(argnum)
            if (rule is None or getattr(rule, "derived", False)) and _size(node.value) > seeds:
                return True
    return False


def _size(value):
    value = getval(value)
    return value.size if type(value) is _np.ndarray else prod(shape_of(value))


def _shapes_and_kinds(leaves):
    """The leaves' shapes, and whether each is complex. (A function of its own, so no loop
    variable of the caller keeps an output leaf alive that the sweep is to free.)"""
    shapes, kinds = [], []
    for leaf in leaves:
        shapes.append(shape_of(leaf))
        kinds.append(_is_complex(leaf))
    return shapes, kinds


def _unaliased(swept, lin):
    """A swept batch that is an array the function was given or closed over, or a view of
    one (the rows of W for the jacobian of W @ x, kept as they are by the sweep), is copied,
    so writing into the jacobian never writes into the caller's data."""
    if type(swept) is not _np.ndarray:
        return swept
    if not swept.flags.writeable:
        # a read-only view the sweep kept (a broadcast derivative): the caller gets an array
        return swept.copy()
    if swept.base is None:
        # An array of its own: it aliases the caller's data only if it is one of them.
        for node in lin.trace.nodes:
            if node.value is swept:
                return swept.copy()
            for arg in node.args:
                if arg is swept:
                    return swept.copy()
        return swept
    base = swept.base
    while getattr(base, "base", None) is not None:
        base = base.base
    for node in lin.trace.nodes:
        for value in (node.value,) + tuple(node.args):
            if value is base or (type(value) is _np.ndarray and value.base is not None
                                 and _np.may_share_memory(swept, value)):
                return swept.copy()
    return swept


def _layout_forward(swept, out_shape, in_shape):
    """(n,) + out_shape tangents as the out_shape + in_shape jacobian; for a 1-D input a
    view (the batch axis moved last), no copy."""
    if isinstance(swept, Box):
        return fnp.reshape(fnp.moveaxis(swept, 0, -1), out_shape + in_shape)
    moved = swept.T if swept.ndim == 2 else swept.transpose(tuple(range(1, swept.ndim)) + (0,))
    shape = out_shape + in_shape
    return moved if moved.shape == shape else moved.reshape(shape)
