"""Replaying a recording: `const_graph` traces a function once and, for later inputs,
re-runs only the recorded primitive calls (skipping Python control flow and the
tracing of everything else); `full_graph` returns the recorded graph.

As in autograd, a const_graph function must take the same path through its Python
code for every input (branches are frozen at the first call), and its output must
depend on its input. The replay calls the primitives themselves, so it can be
differentiated.

Imports: linearization, _autograd_core, tree, util, wrap_util.
"""

from functools import partial
from itertools import repeat

from .._autograd_core import Node, trace
from ..linearization import Linearization
from ..tree import flatten
from ..util import subvals, toposort
from ..wrap_util import wraps

__all__ = ["const_graph", "const_graph_unary", "full_graph", "ConstGraphNode", "FullGraphNode",
           "Node", "trace", "toposort", "subvals", "wraps", "partial", "repeat"]


class ConstGraphNode(Node):
    """autograd's node for const_graph: its parents and the primitive call as a function
    of the parents' values. (fastgrad records its own tape nodes and replays those.)"""

    __slots__ = ("parents", "partial_fun")

    def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
        args = subvals(args, zip(parent_argnums, repeat(None)))

        def partial_fun(partial_args):
            return fun(*subvals(args, zip(parent_argnums, partial_args)), **kwargs)

        self.parents = parents
        self.partial_fun = partial_fun

    def initialize_root(self):
        self.parents = []


def _replay(nodes, roots, out_nodes, out_leaves, rebuild_out, rebuild_in, leaves):
    values = {root.index: leaf for root, leaf in zip(roots, leaves)}
    for node in nodes:
        args = list(node.args)
        for argnum, parent in node.parents:
            args[argnum] = values[parent.index]
        values[node.index] = node.prim(*args, **node.kwargs)
    return rebuild_out([leaf if node is None else values[node.index]
                        for node, leaf in zip(out_nodes, out_leaves)])


def const_graph_unary(fun):
    """fun(x), traced at the first call and replayed from the recording afterwards."""
    recorded = []
    pending = [fun]  # released after the first call, since fun may hold bound arguments

    def maybe_cached_fun(x):
        if recorded:
            lin, nodes = recorded[0]
            leaves, _ = flatten(x)
            return _replay(nodes, lin.roots, lin.out_nodes, lin.out_leaves, lin.rebuild_out,
                           lin.rebuild_in, leaves)
        lin = Linearization(pending.pop(), (x,), {}, 0, replayed=True)
        ends = [node for node in lin.out_nodes if node is not None]
        if not ends:
            raise ValueError("Output is independent of input")
        needed = {}
        for end in ends:
            for node in toposort(end):
                if node.prim is not None:
                    needed[node.index] = node
        recorded.append((lin, [needed[i] for i in sorted(needed)]))
        return lin.out

    return maybe_cached_fun


def const_graph(fun, *args, **kwargs):
    """`fun` with some leading arguments bound, traced at the first call and replayed
    from that recording for the arguments of later calls."""
    partial_fun = partial(fun, *args, **kwargs)
    unary = const_graph_unary(lambda all_args: partial_fun(*all_args))

    @wraps(fun)
    def cached(*args):
        return unary(args)

    return cached


class FullGraphNode(Node):
    """A node of the graph `full_graph` returns: its value and its recipe
    (primitive, arguments, keyword arguments, [(argnum, parent node), ...])."""

    __slots__ = ("value", "recipe")

    def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
        self.value = value
        self.recipe = (fun, args, kwargs, list(zip(parent_argnums, parents)))

    def initialize_root(self):
        self.value = None
        self.recipe = (lambda x: x, (), {}, [])


def _graph_node(node, made):
    if node.index in made:
        return made[node.index]
    graph_node = FullGraphNode.__new__(FullGraphNode)
    if node.prim is None:
        graph_node.initialize_root()
    else:
        graph_node.value = node.value
        graph_node.recipe = (node.prim, tuple(node.args), node.kwargs,
                             [(argnum, _graph_node(parent, made)) for argnum, parent in node.parents])
    made[node.index] = graph_node
    return graph_node


def full_graph(fun, *args, **kwargs):
    """The graph of fun(*args, **kwargs) as linked FullGraphNodes, from its output node
    (None if the output does not depend on the arguments)."""
    _, end_node = trace(FullGraphNode.new_root(), lambda all_args: fun(*all_args, **kwargs), args)
    if end_node is None:
        return None
    made = {}
    for node in reversed(list(toposort(end_node))):
        _graph_node(node, made)
    return made[end_node.index]
