"""Planning a jacobian sweep from the recording, before any number moves.

A jacobian can be swept forward (one batch row per input element) or backward (one
per output element). Counting rows is not enough: a symbolic seed keeps its
structure through much of a tape (seeds.py), and a sweep in which it does costs far
less than its batch size suggests. So for each direction the plan follows the seed's
structure through the tape the way the rules will:

  diagonal  through a primitive with a structured rule that keeps the shape
            (elementwise, reshape): it touches `size` elements;
  rows r    one element picked out of a diagonal (`p[0]`), or a stacked output
            pulled back: r batch rows of `size` elements;
  dense     anything else: k rows of `size` elements, where k is the batch size.

Each node also costs a fixed overhead per sweep (per chunk). The cheaper direction
is swept, and the widest dense batched value, not the widest value of the tape,
sets how many basis vectors fit in one chunk.
Imports: core only (it reads the tape, it computes nothing).
"""

from math import prod

DIAGONAL = "diagonal"
DENSE = "dense"

# What one primitive's bookkeeping costs per sweep, in element operations: more backward,
# where cotangents are accumulated and structured ones merged, than forward.
NODE_OVERHEAD = {"fwd": 5000, "rev": 8000}


class SweepPlan:
    """elements: element operations of the whole sweep; nodes: primitives it visits;
    dense_width: elements per batch row of the widest dense batched value (0 if the seed
    stays structured throughout)."""

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
    if a == DIAGONAL and b == DIAGONAL:
        return DIAGONAL
    if isinstance(a, int) and isinstance(b, int):
        return min(a + b, k)
    return DENSE


def _width(kind, k):
    return 1 if kind == DIAGONAL else kind if isinstance(kind, int) else k


def plan_forward(nodes, root, ends, k):
    """The forward sweep of a diagonal seed of k rows on `root` up to the nodes `ends`."""
    state = {root.index: DIAGONAL}
    stop = max((end.index for end in ends), default=root.index) + 1
    cost = dense_width = visited = 0
    for node in nodes[root.index + 1:stop]:
        prim = node.prim
        if prim is None:
            continue
        incoming = None
        for argnum, parent in node.parents:
            kind = state.get(parent.index)
            if kind is not None:
                if incoming is None:
                    incoming = []
                incoming.append((argnum, kind))
        if incoming is None:
            continue
        shape = _shape(node.value)
        size = prod(shape)
        structured = prim.structured_jvps
        if all(kind == DIAGONAL and structured.get(argnum) is not None for argnum, kind in incoming):
            if all(_shape(node.args[argnum]) == shape for argnum, _ in incoming):
                kind = DIAGONAL
            elif prim.name == "getitem" and size == 1:
                kind = 1
            else:
                kind = DENSE
        elif all(isinstance(kind, int) for _, kind in incoming):
            kind = min(sum(kind for _, kind in incoming), k)
        else:
            kind = DENSE
        if kind == DENSE:
            dense_width = max(dense_width, size)
        state[node.index] = kind
        cost += _width(kind, k) * size * len(incoming)
        visited += 1
    return SweepPlan("fwd", cost, visited, dense_width)


def plan_reverse(nodes, end, roots, k):
    """The reverse sweep of a diagonal seed of k rows on `end` down to the nodes `roots`."""
    state = {end.index: DIAGONAL}
    floor = min((root.index for root in roots), default=end.index)
    cost = dense_width = visited = 0
    for node in reversed(nodes[floor:end.index + 1]):
        kind = state.pop(node.index, None)
        if kind is None or node.prim is None:
            continue
        shape = _shape(node.value)
        structured = node.prim.structured_vjps
        visited += 1
        for argnum, parent in node.parents:
            arg_shape = _shape(node.args[argnum])
            arg_size = prod(arg_shape)
            if kind == DIAGONAL and structured.get(argnum) is not None:
                if arg_shape == shape:
                    contribution = DIAGONAL
                elif node.prim.name == "concatenate":
                    contribution = min(arg_size, k)
                else:
                    contribution = DENSE
            elif isinstance(kind, int):
                contribution = kind
            else:
                contribution = DENSE
            before = state.get(parent.index)
            merged = _merge(before, contribution, k)
            if merged == DENSE:
                dense_width = max(dense_width, arg_size)
            state[parent.index] = merged
            if kind == DIAGONAL and contribution == DENSE:
                # a diagonal summed down to a broadcast argument: one entry per row
                cost += k * arg_size
            else:
                cost += _width(contribution, k) * max(arg_size, prod(shape))
            if before is not None:
                cost += _width(merged, k) * arg_size  # accumulating (or merging rows)
    return SweepPlan("rev", cost, visited, dense_width)
