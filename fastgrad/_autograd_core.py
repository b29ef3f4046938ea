"""autograd's `core` and `tracer` interfaces, translated onto fastgrad's tape.

fastgrad.engine is the real tracing core and defines only what fastgrad needs
(Box, Trace, Node, Primitive, the sweeps). autograd's clients import more from
`autograd.core` and `autograd.tracer`: the unary make_vjp / make_jvp, node
classes with `new_root`, `new_box`, `trace`, `backward_pass`, the rule
registries. They are defined here and `fastgrad.core`, the module path autograd's
clients import, re-exports them beside the engine's names.

How the mapping works. In autograd a box's node is a VJPNode or a JVPNode,
decided by the root the client made; in fastgrad a box's `_node` is always a
tape node (engine.Node) recorded on its Trace, and the mode is chosen later by
which sweep runs. So:
  - `VJPNode.new_root()` / `JVPNode.new_root(g)` make a marker saying which
    sweep the client wants; `new_box(x, trace, root)` records a real root on the
    trace (autograd's integer trace t stands for a Trace at level t + 1);
  - `backward_pass(g, end_node)` collects the tape nodes end_node depends on
    (through `node.parents`) and runs one backward sweep over them, returning
    the cotangent of the root they start from;
  - `trace(JVPNode.new_root(g), fun, x)` sweeps the recording forward and
    returns an end node whose `.g` is the tangent;
  - `primitive_vjps[f]` / `primitive_jvps[f]` are views of the rules the
    primitive carries, in autograd's calling convention (unbatched).

Imports: the engine, linearization, extend, builtins, tree, util, vspace, NumPy.
"""

import sys
import threading
import warnings
import weakref
from collections.abc import Mapping, MutableMapping
from functools import reduce

import numpy as _np

from . import engine
from . import builtins
from .engine import Primitive, Trace, isbox, trace_stack
from .engine import Node as TapeNode
from .linearization import Linearization
from . import extend
from .extend import (SparseBox, SparseObject, client_primitives, def_linear, defjvp, defjvp_argnum,
                     defjvp_argnums, defvjp, defvjp_argnum, defvjp_argnums, densify, translate_jvp,
                     translate_vjp)
from .extend import notrace_primitive
from .extend import primitive as primitive_
from .tree import flatten, subvals
from .util import func, subval, toposort
from .tangents import add_tangents, fill_zeros
from .vspace import VSpace, vspace

__all__ = [
    "make_vjp", "make_jvp", "backward_pass", "trace", "new_box", "Node", "VJPNode", "JVPNode",
    "VSpace", "vspace", "defvjp", "defjvp", "defvjp_argnum", "defjvp_argnum", "defvjp_argnums",
    "defjvp_argnums", "def_linear", "translate_vjp", "translate_jvp", "primitive_vjps",
    "primitive_jvps", "trace_primitives_map", "find_top_boxed_args", "add_outgrads",
    "sum_outgrads", "sparse_add", "SparseObject", "SparseBox", "sparse_object_types",
    "identity_vjp", "identity_jvp", "primitive", "primitive_", "primitive_with_deprecation_warnings",
    "deprecated_defvjp", "deprecated_defvjp_is_zero", "deprecated_defgrad",
    "deprecated_defvjp_message", "func", "subval", "toposort",
]


# ---------------------------------------------------------------- batching single values

def _batch1(tree):
    """A single (unbatched) tangent or cotangent as a batch of one, leaf by leaf."""
    from . import numpy as fnp

    leaves, rebuild = flatten(tree)
    return rebuild([None if leaf is None else fnp.reshape(leaf, (1,) + _np.shape(leaf))
                    for leaf in leaves])


def _unbatch1(tree, like):
    """Row 0 of a batch of one, zeros where the sweep left a symbolic zero."""
    leaves, rebuild = flatten(fill_zeros(tree, like, 1))
    return rebuild([leaf[0] for leaf in leaves])


# ---------------------------------------------------------------- unary make_vjp / make_jvp

def _linearize(fun, x):
    # autograd's low-level make_vjp differentiates any output, a comparison's bool
    # included, as a constant (with the warning below); the operators check outputs.
    lin = Linearization(fun, (x,), {}, 0, check=False)
    if all(node is None for node in lin.out_nodes):
        warnings.warn("Output seems independent of input.")
    return lin


def make_vjp(fun, x):
    """autograd's unary make_vjp: (vjp, fun(x)); vjp(g) is g pulled back to x's space.
    The function is traced once; each vjp(g) is one backward sweep of the recording."""
    lin = _linearize(fun, x)
    return lin.pullback, lin.out


def make_jvp(fun, x):
    """autograd's unary make_jvp: jvp(g) -> (fun(x), J g). fastgrad traces fun on the
    first call and sweeps that recording forward on every call."""
    recorded = []

    def jvp(g):
        if not recorded:
            recorded.append(_linearize(fun, x))
        lin = recorded[0]
        return lin.out, lin.pushforward(g)

    return jvp


# ---------------------------------------------------------------- nodes, boxes and traces by hand

class Node:
    """autograd's node interface. A client makes the root of a trace with `new_root`
    and hands it to `new_box`; fastgrad then records its own tape nodes (engine.Node),
    so a root of this kind only says which sweep the client will want."""

    __slots__ = ()

    def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
        raise NotImplementedError("a Node subclass defines how a node is made from a primitive call")

    def initialize_root(self, *args, **kwargs):
        raise NotImplementedError

    @classmethod
    def new_root(cls, *args, **kwargs):
        root = cls.__new__(cls)
        root.initialize_root(*args, **kwargs)
        return root


class VJPNode(Node):
    """A reverse-mode node: `parents` and `vjp(g)` (the cotangents of the parents).
    Built from a primitive call it asks the primitive's rules (primitive_vjps)."""

    __slots__ = ("parents", "vjp")

    def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
        self.parents = parents
        self.vjp = primitive_vjps[fun](parent_argnums, value, args, kwargs)

    def initialize_root(self):
        self.parents = []
        self.vjp = lambda g: ()


class JVPNode(Node):
    """A forward-mode node: `g`, the tangent of its value."""

    __slots__ = ("g",)

    def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
        self.g = primitive_jvps[fun](parent_argnums, [p.g for p in parents], value, args, kwargs)

    def initialize_root(self, g):
        self.g = g


def new_box(value, trace, node):
    """A traced value. With a tape node and a fastgrad Trace this is engine.new_box; with a
    root made by `Node.new_root()` it records a new root on the trace (an integer trace,
    as autograd numbers them from 0, stands for a Trace one level deeper, shared by the
    boxes made with that number while any of them is alive)."""
    if isinstance(node, TapeNode):
        if not isinstance(trace, Trace):
            raise TypeError("a fastgrad tape node belongs to a fastgrad Trace, not to "
                            f"{type(trace).__name__} {trace!r}")
        return engine.new_box(value, trace, node)
    if isinstance(node, Node):
        if not isinstance(trace, Trace):
            trace = _numbered_trace(int(trace))
        return engine.new_box(value, trace, trace.root(value))
    raise TypeError(f"new_box needs a node made by VJPNode.new_root() (or a box's _node), "
                    f"not {type(node).__name__}")


# autograd's integer traces: boxes made by hand with the same number share a Trace (so
# they combine as one trace's values), for as long as any of them is alive.
_numbered_traces = weakref.WeakValueDictionary()


def _numbered_trace(number):
    key = (threading.get_ident(), number)
    trace = _numbered_traces.get(key)
    if trace is None:
        trace = _numbered_traces[key] = Trace(number + 1)
    return trace


def trace(start_node, fun, x):
    """autograd's trace: (fun(x), end node), or (fun(x), None) with a warning when the
    output does not depend on x. For a JVPNode root the end node carries the tangent `g`."""
    with trace_stack.new_trace() as t:
        start_box = new_box(x, t, start_node)
        end_box = fun(start_box)
    if not (isbox(end_box) and end_box._trace is start_box._trace):
        warnings.warn("Output seems independent of input.")
        return end_box, None
    end_node = end_box._node
    if isinstance(start_node, JVPNode):
        seeds = {start_box._node: _batch1(start_node.g)}
        (tangent,) = engine.forward_sweep(t.nodes, seeds, [end_node], add_tangents)
        end_node = JVPNode.__new__(JVPNode)
        end_node.g = _unbatch1(tangent, end_box._value)
    return end_box._value, end_node


def backward_pass(g, end_node):
    """The cotangent of the trace's input for cotangent g of end_node: one backward sweep
    over the tape nodes end_node depends on. `g` may itself be traced (then so is the
    result). With autograd-style VJPNodes built by hand it runs autograd's algorithm."""
    if not isinstance(end_node, TapeNode):
        return _backward_pass_vjpnodes(g, end_node)
    tape, roots, stack = {}, [], [end_node]
    while stack:
        node = stack.pop()
        if node.index in tape:
            continue
        tape[node.index] = node
        if node.prim is None:
            roots.append(node)
        stack.extend(parent for _, parent in node.parents)
    root = min(roots, key=lambda node: node.index)
    (out,) = engine.backward_sweep(tape, {end_node: _batch1(g)}, [root], add_tangents)
    return _unbatch1(out, root.value)


def _backward_pass_vjpnodes(g, end_node):
    outgrads = {end_node: (g, False)}
    outgrad = None
    for node in toposort(end_node):
        outgrad = outgrads.pop(node)
        for parent, ingrad in zip(node.parents, node.vjp(outgrad[0])):
            outgrads[parent] = add_outgrads(outgrads.get(parent), ingrad)
    return outgrad[0]


def find_top_boxed_args(args):
    """(boxes of the innermost trace as (argnum, box) pairs, that trace or -1, the type of
    their nodes, False): how autograd's primitives pick the trace to record on."""
    top, top_trace, level = [], -1, 0
    for argnum, arg in enumerate(args):
        if isbox(arg):
            arg_level = arg._trace.level
            if arg_level > level:
                top, top_trace, level = [(argnum, arg)], arg._trace, arg_level
            elif arg_level == level and arg._trace is top_trace:
                top.append((argnum, arg))
    node_type = type(top[0][1]._node) if top else None
    return top, top_trace, node_type, False


# ---------------------------------------------------------------- the rule registries

def known_primitives():
    """Every primitive fastgrad's loaded modules define, and those clients made."""
    seen = {}
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "fastgrad" or name.startswith("fastgrad.")):
            continue
        for value in list(vars(module).values()):
            if isinstance(value, Primitive):
                seen.setdefault(id(value), value)
    for prim in list(client_primitives):
        seen.setdefault(id(prim), prim)
    return list(seen.values())


def _has_rules(table):
    return len(table) > 0 or type(table) is not dict


def _rule(prim, argnum, mode):
    table = prim.vjps if mode == "vjp" else prim.jvps
    rule = table.get(argnum)
    if rule is None:
        rule = engine.derived_vjp(prim, argnum) if mode == "vjp" else engine.derived_jvp(prim, argnum)
    return rule


def _vjp_argnums(prim, argnums, ans, args, kwargs):
    def vjp(g):
        g1 = _batch1(g)
        return tuple(_unbatch1(_rule(prim, argnum, "vjp")(g1, ans, *args, **kwargs), args[argnum])
                     for argnum in argnums)
    return vjp


def _jvp_argnums(prim, argnums, gs, ans, args, kwargs):
    total = None
    for argnum, g in zip(argnums, gs):
        total = add_tangents(total, _rule(prim, argnum, "jvp")(_batch1(g), ans, *args, **kwargs))
    return _unbatch1(total, ans)


class _RuleTable(MutableMapping):
    """autograd's registry of rules keyed by primitive, as a view of the rules fastgrad's
    primitives carry. `table[f]` is autograd's maker:
      primitive_vjps[f](argnums, ans, args, kwargs) -> g -> tuple of cotangents
      primitive_jvps[f](argnums, gs, ans, args, kwargs) -> tangent of the output
    Writing `table[f] = maker` defines f's rules as defvjp_argnums / defjvp_argnums do."""

    def __init__(self, mode):
        self.mode = mode

    def _rules(self, prim):
        return prim.vjps if self.mode == "vjp" else prim.jvps

    def __contains__(self, prim):
        return isinstance(prim, Primitive) and (_has_rules(prim.vjps) or _has_rules(prim.jvps))

    def __getitem__(self, prim):
        if prim not in self:
            raise KeyError(prim)
        if self.mode == "vjp":
            return lambda argnums, ans, args, kwargs: _vjp_argnums(prim, argnums, ans, args, kwargs)
        return lambda argnums, gs, ans, args, kwargs: _jvp_argnums(prim, argnums, gs, ans, args, kwargs)

    def __setitem__(self, prim, maker):
        (defvjp_argnums if self.mode == "vjp" else defjvp_argnums)(prim, maker)

    def __delitem__(self, prim):
        if prim not in self:
            raise KeyError(prim)
        if self.mode == "vjp":
            prim.vjps, prim.seed_vjps = {}, {}
        else:
            prim.jvps, prim.seed_jvps, prim.joint_jvp = {}, {}, None
            prim.seed_joint_jvp = None

    def __iter__(self):
        return iter([prim for prim in known_primitives() if prim in self])

    def __len__(self):
        return len(list(iter(self)))

    def __repr__(self):
        return f"<fastgrad {self.mode} rules of {len(self)} primitives>"


primitive_vjps = _RuleTable("vjp")
primitive_jvps = _RuleTable("jvp")


class _PrimitivesByFunction(Mapping):
    """autograd's trace_primitives_map: the raw function -> the primitive wrapping it."""

    def _items(self):
        return {id(prim.fun): (prim.fun, prim) for prim in known_primitives()}

    def __getitem__(self, fun):
        try:
            return self._items()[id(fun)][1]
        except KeyError:
            raise KeyError(fun) from None

    def __iter__(self):
        return iter([fun for fun, _ in self._items().values()])

    def __len__(self):
        return len(self._items())


trace_primitives_map = _PrimitivesByFunction()


# ---------------------------------------------------------------- autograd's accumulation helpers

def add_outgrads(prev_g_flagged, g):
    """autograd's accumulator: (sum so far, whether it is a fresh value) plus g."""
    g = densify(g)
    if prev_g_flagged is None:
        return g, False
    return add_tangents(prev_g_flagged[0], g), True


def sum_outgrads(gs):
    return reduce(add_outgrads, gs, None)[0]


def sparse_add(vs, x_prev, x_new):
    """x_new (a SparseObject) added into x_prev (zeros of vs when None)."""
    x_prev = vs.zeros() if x_prev is None else x_prev
    return x_new.mut_add(x_prev)


sparse_object_types = {SparseObject, SparseBox}


def identity_vjp(argnums, *args):
    return lambda g: g


def identity_jvp(g, *args, **kwargs):
    return g


# ---------------------------------------------------------------- autograd's deprecated rule API

deprecated_defvjp_message = (
    "\nThe {} method is deprecated: define rules with fastgrad.extend.defvjp(fun, *vjpmakers),\n"
    "where each vjpmaker(ans, *args, **kwargs) returns the function g -> cotangent.")


def deprecated_defvjp(primitive_fun):
    """`f.defvjp(vjpmaker, argnum)` with vjpmaker(g, ans, vs, gvs, *args, **kwargs)."""
    def defvjp_unstaged(vjpmaker, argnum=0):
        warnings.warn(deprecated_defvjp_message.format("defvjp"))

        def staged(ans, *args, **kwargs):
            return lambda g: vjpmaker(g, ans, vspace(args[argnum]), vspace(g), *args, **kwargs)

        defvjp(primitive_fun, staged, argnums=[argnum])

    return defvjp_unstaged


def deprecated_defvjp_is_zero(primitive_fun):
    """`f.defvjp_is_zero(argnums)`: those arguments have zero cotangents."""
    def defvjp_is_zero(argnums=(0,)):
        warnings.warn(deprecated_defvjp_message.format("defvjp_is_zero"))
        defvjp(primitive_fun, *[None] * len(argnums), argnums=list(argnums))

    return defvjp_is_zero


def deprecated_defgrad(primitive_fun):
    """`f.defgrad(vjpmaker, argnum)` with vjpmaker(ans, *args, **kwargs) -> g -> cotangent."""
    def defgrad(gradfun, argnum=0):
        warnings.warn(deprecated_defvjp_message.format("defgrad"))
        defvjp(primitive_fun, gradfun, argnums=[argnum])

    return defgrad


def primitive_with_deprecation_warnings(f_raw):
    """fastgrad.extend.primitive, with autograd's old rule methods attached."""
    prim = primitive_(f_raw)
    prim.defvjp = deprecated_defvjp(prim)
    prim.defvjp_is_zero = deprecated_defvjp_is_zero(prim)
    prim.defgrad = deprecated_defgrad(prim)
    return prim


primitive = primitive_with_deprecation_warnings


# autograd.builtins re-exports autograd's extension API; so does fastgrad.builtins.
for _name, _value in (("SparseObject", SparseObject), ("primitive", primitive_), ("defvjp", defvjp),
                      ("defjvp", defjvp), ("defvjp_argnum", defvjp_argnum), ("defjvp_argnum", defjvp_argnum),
                      ("notrace_primitive", notrace_primitive), ("subvals", subvals)):
    setattr(builtins, _name, _value)
    builtins.__all__.append(_name)

# autograd's extend also exports its node classes.
extend.VJPNode, extend.JVPNode = VJPNode, JVPNode
