"""Planning a jacobian sweep from the recording, before any number moves.

A jacobian can be swept forward (one batch row per input element) or backward (one
per output element). Counting rows is not enough: a symbolic seed keeps its
structure through much of a tape (base.py), and a sweep in which it does costs far
less than its batch size suggests, while a rule that cannot keep it turns the seed
into a dense k x N array, which can cost far more. So for each direction the plan
follows the seed's structure through the tape the way the rules will, asking each
structured rule what it will do (its `plan` attribute, below):

  diagonal  the rule keeps the seed's structure (elementwise on one shape, reshape):
            it touches `size` elements;
  rows r    the rule leaves r compact rows (one element picked out of a diagonal,
            `p[0]`; a stacked output pulled back): r batch rows of `size` elements;
  dense     the rule builds a dense batch of k rows without the seed's dense form
            (a matrix product keeping a column per row, a sum): k rows of `size`;
  materialises  the rule declines: the seed becomes a dense k x (argument size)
            array, then the plain rule runs on it: both count, and both are dense
            values the memory budget must hold.

A structured rule says which by an attribute `plan(ans, *args, **kwargs)` (the node's
value and arguments), returning one of the names base.py defines for these (KEEPS_DIAGONAL,
a number of rows, DENSE, MATERIALISES, ZERO). A structured rule without one is taken to materialise the seed,
the safe assumption. Values reached by dense batches stay dense.

Each node also costs a fixed overhead per sweep (per chunk). The cheaper direction
is swept, and the widest dense batched value, not the widest value of the tape,
sets how many basis vectors fit in one chunk.
Imports: base, for the names of the outcomes, and scaled, for the batch it keeps (it reads
the tape, it computes nothing).
"""

from math import prod

from .base import DENSE, MATERIALISES, ZERO, KEEPS_DIAGONAL as DIAGONAL
from .scaled import MIN_ENTRIES

# What one primitive's bookkeeping costs per sweep, in element operations: more backward,
# where cotangents are accumulated and structured ones merged, than forward.
NODE_OVERHEAD = {"fwd": 5000, "rev": 8000}


class SweepPlan:
    """elements: element operations of the whole sweep; nodes: primitives it visits;
    dense_width: elements per batch row of the widest dense batched value (0 if the seed
    stays structured throughout), a materialised seed included."""

    __slots__ = ("direction", "elements", "nodes", "dense_width")

    def __init__(self, direction, elements, nodes, dense_width):
        self.direction = direction
        self.elements = elements
        self.nodes = nodes
        self.dense_width = dense_width

    def cost(self, chunks=1):
        return self.elements + NODE_OVERHEAD[self.direction] * self.nodes * chunks

    def __repr__(self):
        return f"SweepPlan({self.direction}, elements={self.elements}, nodes={self.nodes}, " \
               f"dense_width={self.dense_width})"


def _shape(x):
    try:
        return x.shape
    except AttributeError:
        return ()


def _merge(a, b, k):
    if a is None:
        return b
    if b is None:
        return a
    if a == DIAGONAL and b == DIAGONAL:
        return DIAGONAL
    if isinstance(a, int) and isinstance(b, int):
        return min(a + b, k)
    return DENSE


def _width(kind, k):
    return 1 if kind == DIAGONAL else kind if isinstance(kind, int) else k


def outcome(structured_rules, argnum, node):
    """What the structured rule for `argnum` does with a diagonal seed at `node`."""
    rule = structured_rules.get(argnum)
    decide = getattr(rule, "plan", None)
    if decide is None:
        return MATERIALISES
    return decide(node.value, *node.args, **node.kwargs)


def plan_forward(nodes, root, ends, k):
    """The forward sweep of a diagonal seed of k rows on `root` up to the nodes `ends`."""
    state = {root.index: DIAGONAL}
    stop = max((end.index for end in ends), default=root.index) + 1
    cost = dense_width = visited = 0
    for node in nodes[root.index + 1:stop]:
        prim = node.prim
        if prim is None:
            continue
        kind = None
        reached = False
        size = None
        # A joint rule (concatenate's) writes each tangent into its part of the output once,
        # rather than each argument's rule making an output-sized batch to be added up.
        joint = prim.joint_jvp is not None and not prim.jvps
        for argnum, parent in node.parents:
            incoming = state.get(parent.index)
            if incoming is None:
                continue
            if size is None:
                size = prod(_shape(node.value))
            reached = True
            if incoming == DIAGONAL:
                result = outcome(prim.seed_jvps, argnum, node)
                if result == ZERO:
                    continue
                if result == MATERIALISES:
                    arg_size = prod(_shape(node.args[argnum]))
                    dense_width = max(dense_width, arg_size, size)
                    cost += k * (arg_size + size)
                    result = DENSE
                else:
                    cost += _width(result, k) * size
            else:
                result = incoming
                if result == DENSE and _waits_for_the_batch(node, k, size):
                    cost += size
                else:
                    cost += _width(result, k) * (prod(_shape(node.args[argnum])) if joint else size)
            if kind is not None and not joint:
                cost += _width(_merge(kind, result, k), k) * size  # adding the contributions
            kind = _merge(kind, result, k)
        if not reached:
            continue
        visited += 1
        if kind is None:
            continue
        if joint:
            cost += _width(kind, k) * size
        if kind == DENSE:
            dense_width = max(dense_width, size)
        state[node.index] = kind
    return SweepPlan("fwd", cost, visited, dense_width)


def _waits_for_the_batch(node, k, size):
    """Whether an elementwise step multiplies a wide dense batch of k rows by its factor at
    the value's size and leaves the batch alone (scaled.py): one traced argument of the
    output's shape, a real value, a batch of MIN_ENTRIES or more. A hessian's forward sweep
    over the recorded gradient is mostly such steps; counted at k rows each, they made
    forward look dearer than the reverse sweep it beats threefold (logistic regression).
    Only a value at least as wide as the batch is deep counts so: for a sum's scalar over
    n rows (a norm) the product the steps defer is the whole of their work, paid where
    the batch is read."""
    if getattr(node.prim, "sparsity", None) != "elementwise" or len(node.parents) != 1 or node.kwargs:
        return False
    if k < 2 or size < k or k * size < MIN_ENTRIES or \
            getattr(getattr(node.value, "dtype", None), "kind", None) != "f":
        return False
    return _shape(node.args[node.parents[0][0]]) == _shape(node.value)


def plan_reverse(nodes, end, roots, k):
    """The reverse sweep of a diagonal seed of k rows on `end` down to the nodes `roots`."""
    state = {end.index: DIAGONAL}
    floor = min((root.index for root in roots), default=end.index)
    cost = dense_width = visited = 0
    for node in reversed(nodes[floor:end.index + 1]):
        kind = state.pop(node.index, None)
        if kind is None or node.prim is None:
            continue
        size = prod(_shape(node.value))
        visited += 1
        for argnum, parent in node.parents:
            arg_size = prod(_shape(node.args[argnum]))
            if kind == DIAGONAL:
                contribution = outcome(node.prim.seed_vjps, argnum, node)
                if contribution == ZERO:
                    continue
                if contribution == MATERIALISES:
                    dense_width = max(dense_width, size)
                    cost += k * (size + arg_size)
                    contribution = DENSE
                elif contribution == DENSE:
                    # e.g. a diagonal summed down to a broadcast argument: one entry per row
                    cost += k * arg_size
                else:
                    cost += _width(contribution, k) * max(arg_size, size)
            else:
                contribution = kind
                cost += _width(contribution, k) * max(arg_size, size)
            before = state.get(parent.index)
            merged = _merge(before, contribution, k)
            if merged == DENSE:
                dense_width = max(dense_width, arg_size)
            state[parent.index] = merged
            if before is not None:
                cost += _width(merged, k) * arg_size  # accumulating (or merging rows)
    return SweepPlan("rev", cost, visited, dense_width)
