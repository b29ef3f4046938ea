"""autograd's extension API, translated onto fastgrad's rules.

autograd's rules are unbatched closures: `defvjp(f, lambda ans, x: lambda g: ...)`
and `defjvp(f, lambda g, ans, x: ...)`. fastgrad's sweeps carry a batch axis, so
a rule given here is applied to each batch row in turn and the rows are stacked
(fastgrad's own primitives have natively batched rules; see rules.py): a
jacobian of width k costs k calls of the client's rule closure, which is what
autograd pays as well, but within one sweep.

A primitive given rules in one mode only gets the other derived from it
(rules._jvp_from_vjp / _vjp_from_jvp), so a client's `defvjp`-only primitive
works in forward mode too. A client's VJP is never traced with respect to its
cotangent (client code may strip boxes with getval): its forward rule is the
local jacobian formed from VJP calls with plain basis cotangents, one call per
output element, so first-order derivatives always call it with plain arrays,
as autograd does. A `defjvp`-only primitive gets its VJP by transposing the JVP.

Containers follow autograd's semantics: a list, tuple or dict holding traced
values that is passed to a primitive made here is traced as one value (its
VJP receives the container's values and returns a container cotangent), and
a container the primitive returns comes back as a plain container of traced
items (see fastgrad.builtins).

Imports: the engine, the NumPy base, rules, the NumPy namespace, vspace, builtins, differential_operators, tree, util
and the numpy namespace only inside functions (they import this module).
"""

import weakref
from collections import defaultdict

import numpy as _np

from . import engine
from .engine import Box, Primitive, getval
from .base import RulesByArgnum, sum_to_shape, zero_rule
from .rules import nondifferentiable
from .tree import flatten
from .util import subval
from .tangents import fill_zeros
from .vspace import VSpace, vspace

__all__ = [
    "primitive", "defvjp", "defjvp", "defvjp_argnum", "defjvp_argnum", "defvjp_argnums",
    "defjvp_argnums", "def_linear", "notrace_primitive", "register_notrace", "VSpace", "vspace",
    "Box", "SparseObject", "SparseBox", "VJPNode", "JVPNode", "translate_vjp", "translate_jvp",
    "notrace_primitives",
]

_CONTAINERS = (list, tuple, dict)

# Primitives made by `primitive`, so the rule registries (fastgrad.core.primitive_vjps)
# can list them.
client_primitives = weakref.WeakSet()


def _builtins():
    from . import builtins

    return builtins


class _ClientPrimitive(Primitive):
    """A primitive made by `primitive(f)`: a Primitive with autograd's handling of
    containers of traced values in its arguments and its result."""

    exempt_from_registry = True
    # A client's VJP is called with plain cotangents, as autograd calls it.
    vjps_traceable = False

    def __call__(self, *args, **kwargs):
        traced = False
        for arg in args:
            if isinstance(arg, Box):
                traced = True
            elif type(arg) in _CONTAINERS and _builtins().holds_box(arg):
                return self.bind(tuple(_builtins().pack(a) for a in args), kwargs)
        if traced:
            return self.bind(args, kwargs)
        return self.fun(*args, **kwargs)

def primitive(f_raw):
    """Wrap `f_raw` so fastgrad records calls to it instead of tracing inside it; give
    its rules with defvjp / defjvp."""
    if isinstance(f_raw, Primitive):
        return f_raw
    _builtins()  # box types for containers a primitive may take or return
    prim = _ClientPrimitive(f_raw)
    prim.seed_vjps = RulesByArgnum(lambda argnum: _seed_rule(prim, argnum, "vjp"))
    prim.seed_jvps = RulesByArgnum(lambda argnum: _seed_rule(prim, argnum, "jvp"))
    prim._is_autograd_primitive = True
    client_primitives.add(prim)
    return prim


def notrace_primitive(f_raw):
    """Wrap `f_raw` so it always sees plain values and its output carries no derivative."""
    wrapped = nondifferentiable(f_raw)
    wrapped._is_primitive = True
    return wrapped


# autograd records, per kind of trace, primitives to run untraced; fastgrad's traces are
# all of one kind, so the record is kept for clients that read it and has no effect.
notrace_primitives = defaultdict(set)


def register_notrace(trace_type, primitive_fun):
    notrace_primitives[trace_type].add(primitive_fun)


# ---------------------------------------------------------------- sparse cotangents

class SparseObject:
    """autograd's sparse cotangent: a VSpace and a function adding it into a dense value.
    fastgrad's cotangents are dense; a rule returning one of these is densified on arrival."""

    __slots__ = ("vs", "mut_add")

    def __init__(self, vs, mut_add):
        self.vs = vs
        self.mut_add = mut_add


class SparseBox(Box):
    __slots__ = ()


VSpace.register(SparseObject, lambda x: x.vs)
SparseBox.register(SparseObject)


def densify(value):
    """A SparseObject as the dense value it stands for (anything else unchanged)."""
    if isinstance(value, SparseObject):
        return value.mut_add(value.vs.zeros())
    return value


# ---------------------------------------------------------------- batch rows

def _leading(tree):
    leaves, _ = flatten(tree)
    for leaf in leaves:
        if leaf is not None:
            return _np.shape(leaf)[0]
    return 0


def _row(tree, i):
    leaves, rebuild = flatten(tree)
    return rebuild([_writable(leaf[i]) for leaf in leaves])


def _writable(row):
    """A row a client rule may write into, as autograd's rules could: a sweep may hold a
    read-only view (of the caller's own array, say), which the rule gets a copy of."""
    if type(row) is _np.ndarray and not row.flags.writeable:
        return row.copy()
    return row


def _fit_leaf(out, like):
    """One row of a client rule's result, shaped like `like`: summed over axes it was
    broadcast along, or broadcast up from a scalar, real where `like` is real."""
    from . import numpy as fnp

    value = getval(like)
    shape = _np.shape(value)
    if not isinstance(out, Box):
        out = _np.asarray(out)
        if out.dtype.kind not in "fc":
            out = out.astype(_np.result_type(value, float))
    if _np.iscomplexobj(out) and not _np.iscomplexobj(value):
        out = fnp.real(out)
    out_shape = _np.shape(out)
    if out_shape == shape:
        return out
    if len(out_shape) >= len(shape) and _np.broadcast_shapes(out_shape, shape) == out_shape:
        return sum_to_shape(fnp.reshape(out, (1,) + out_shape), shape)[0]
    return fnp.broadcast_to(out, shape)


def _fit(out, like):
    """A client rule's result for one row, in the structure of `like`. As in autograd, a
    container's cotangent may come as any indexable value (an array for a list of scalars)."""
    out = densify(out)
    if out is None:
        return None
    like = getval(like) if isinstance(like, Box) else like
    if isinstance(like, dict):
        return type(like)((key, _fit(out[key], item)) for key, item in like.items())
    if isinstance(like, (list, tuple)):
        items = [_fit(out[i], item) for i, item in enumerate(like)]
        return type(like)._make(items) if hasattr(type(like), "_make") else type(like)(items)
    return _fit_leaf(out, like)


def _stack_rows(rows, like):
    """Stack per-row results into one batched value shaped (k,) + like (leaf-wise)."""
    from . import numpy as fnp

    if all(row is None for row in rows):
        return None
    like_leaves, rebuild = flatten(getval(like) if isinstance(like, Box) else like)
    columns = [[] for _ in like_leaves]
    for row in rows:
        row_leaves = [None] * len(like_leaves) if row is None else flatten(row)[0]
        for column, leaf, like_leaf in zip(columns, row_leaves, like_leaves):
            column.append(leaf)
    stacked = []
    for column, like_leaf in zip(columns, like_leaves):
        if all(leaf is None for leaf in column):
            stacked.append(None)
            continue
        zero = _np.zeros(_np.shape(like_leaf), dtype=_np.result_type(getval(like_leaf), float))
        column = [zero if leaf is None else leaf for leaf in column]
        if len(column) == 1:
            stacked.append(fnp.reshape(column[0], (1,) + _np.shape(column[0])))
        else:
            stacked.append(fnp.stack(column))
    return rebuild(stacked)


def _seed_rule(fun, argnum, mode):
    """How a client rule meets a symbolic seed (seeds.py): by the seed's own route, unless
    the rule's result is a container, which those routes do not build; then the seed is
    densified. The rule is looked up when used, so later definitions are honoured."""
    def structured(seed, ans, *args, **kwargs):
        like = args[argnum] if mode == "vjp" else ans
        if type(getval(like)) not in _CONTAINERS:
            return NotImplemented
        if mode == "vjp":
            rule = fun.vjps.get(argnum) or engine.derived_vjp(fun, argnum)
        else:
            rule = fun.jvps.get(argnum) or engine.derived_jvp(fun, argnum)
        return rule(seed.materialize(), ans, *args, **kwargs)
    return structured


def _batched_vjp(vjpmaker, argnum):
    def vjp(g, ans, *args, **kwargs):
        row_vjp = vjpmaker(ans, *args, **kwargs)
        k = _leading(g)
        g = fill_zeros(g, ans, k)
        x = args[argnum]
        return _stack_rows([_fit(row_vjp(_row(g, i)), x) for i in range(k)], x)
    vjp.client_rule = vjpmaker
    return vjp


def _batched_jvp(jvpfun, argnum):
    def jvp(t, ans, *args, **kwargs):
        k = _leading(t)
        t = fill_zeros(t, args[argnum], k)
        return _stack_rows([_fit(jvpfun(_row(t, i), ans, *args, **kwargs), ans) for i in range(k)], ans)
    jvp.client_rule = jvpfun
    return jvp


# ---------------------------------------------------------------- autograd's rule forms

def translate_vjp(vjpfun, fun, argnum):
    """An autograd VJP maker from what defvjp was given: None means a zero cotangent."""
    if vjpfun is None:
        return lambda ans, *args, **kwargs: lambda g: vspace(args[argnum]).zeros()
    if callable(vjpfun):
        return vjpfun
    raise TypeError(f"Bad VJP {vjpfun!r} for {getattr(fun, '__name__', fun)}")


def translate_jvp(jvpfun, fun, argnum):
    """An autograd JVP from what defjvp was given: None means zero, 'same' means the
    function is linear in that argument (its JVP is the function applied to the tangent)."""
    if jvpfun is None:
        return lambda g, ans, *args, **kwargs: vspace(ans).zeros()
    if isinstance(jvpfun, str) and jvpfun == "same":
        return lambda g, ans, *args, **kwargs: fun(*subval(args, argnum, g), **kwargs)
    if callable(jvpfun):
        return jvpfun
    raise TypeError(f"Bad JVP {jvpfun!r} for {getattr(fun, '__name__', fun)}")


def _check_primitive(fun, what):
    if not isinstance(fun, Primitive):
        raise TypeError(
            f"{what} needs a primitive (made with fastgrad.extend.primitive, or one of "
            f"fastgrad.numpy's primitives); {getattr(fun, '__name__', fun)!r} is a "
            f"{type(fun).__name__}: fastgrad differentiates it through the primitives it calls")


def _is_derived(rule):
    return getattr(rule, "derived", False)


def _forget_derived(table, argnums=None):
    """Drop rules that rules.py derived from the other mode's rules, now stale."""
    keys = list(dict.keys(table)) if argnums is None else list(argnums)
    for argnum in keys:
        if _is_derived(dict.get(table, argnum)):
            dict.pop(table, argnum)


def defvjp(fun, *vjpmakers, **kwargs):
    """autograd's defvjp: vjpmakers[i](ans, *args, **kwargs) returns g -> cotangent of
    argument argnums[i] (argnums defaults to 0, 1, ...); None means zero."""
    _check_primitive(fun, "defvjp")
    argnums = list(kwargs.get("argnums", range(len(vjpmakers))))
    for argnum, maker in zip(argnums, vjpmakers):
        fun.vjps[argnum] = zero_rule if maker is None else _batched_vjp(translate_vjp(maker, fun, argnum), argnum)
        fun.seed_vjps[argnum] = _seed_rule(fun, argnum, "vjp")
    _forget_derived(fun.jvps, argnums)


def defjvp(fun, *jvpfuns, **kwargs):
    """autograd's defjvp: jvpfuns[i](g, ans, *args, **kwargs) is the output tangent for
    tangent g of argument argnums[i]; None means zero, 'same' means linear."""
    _check_primitive(fun, "defjvp")
    argnums = list(kwargs.get("argnums", range(len(jvpfuns))))
    for argnum, jvpfun in zip(argnums, jvpfuns):
        fun.jvps[argnum] = zero_rule if jvpfun is None else _batched_jvp(translate_jvp(jvpfun, fun, argnum), argnum)
        fun.seed_jvps[argnum] = _seed_rule(fun, argnum, "jvp")
    fun.joint_jvp = fun.seed_joint_jvp = None
    _forget_derived(fun.vjps, argnums)
    for argnum, jvpfun in zip(argnums, jvpfuns):
        if isinstance(jvpfun, str) and jvpfun == "same" and dict.get(fun.vjps, argnum) is None:
            fun.vjps[argnum] = _linear_vjp(fun, argnum)


def _linear_vjp(fun, argnum):
    """The VJP of a primitive linear in argument argnum and given no VJP: that of its raw
    function, traced by fastgrad (so the raw function must be written with fastgrad.numpy).
    Transposing the JVP would not do: the JVP of a linear primitive is the primitive itself."""
    def maker(ans, *args, **kwargs):
        from .differential_operators import make_vjp

        return make_vjp(fun.fun, argnum)(*args, **kwargs)[0]

    rule = _batched_vjp(maker, argnum)
    rule.derived = True
    return rule


def _set_all_vjps(fun, make):
    fun.vjps = RulesByArgnum(make)
    fun.seed_vjps = RulesByArgnum(lambda argnum: _seed_rule(fun, argnum, "vjp"))
    _forget_derived(fun.jvps)


def _set_all_jvps(fun, make):
    fun.jvps = RulesByArgnum(make)
    fun.seed_jvps = RulesByArgnum(lambda argnum: _seed_rule(fun, argnum, "jvp"))
    fun.joint_jvp = fun.seed_joint_jvp = None
    _forget_derived(fun.vjps)


def defvjp_argnum(fun, vjpmaker):
    """vjpmaker(argnum, ans, args, kwargs) returns g -> cotangent of argument argnum."""
    _check_primitive(fun, "defvjp_argnum")
    _set_all_vjps(fun, lambda argnum: _batched_vjp(
        lambda ans, *args, **kwargs: vjpmaker(argnum, ans, args, kwargs), argnum))


def defjvp_argnum(fun, jvpmaker):
    """jvpmaker(argnum, g, ans, args, kwargs) is the output tangent for tangent g of argument argnum."""
    _check_primitive(fun, "defjvp_argnum")
    _set_all_jvps(fun, lambda argnum: _batched_jvp(
        lambda g, ans, *args, **kwargs: jvpmaker(argnum, g, ans, args, kwargs), argnum))


def defvjp_argnums(fun, vjpmaker):
    """vjpmaker(argnums, ans, args, kwargs) returns g -> the cotangents of those arguments."""
    _check_primitive(fun, "defvjp_argnums")

    def make(argnum):
        def maker(ans, *args, **kwargs):
            vjp_all = vjpmaker((argnum,), ans, args, kwargs)
            return lambda g: next(iter(vjp_all(g)))
        return _batched_vjp(maker, argnum)

    _set_all_vjps(fun, make)


def defjvp_argnums(fun, jvpmaker):
    """jvpmaker(argnums, gs, ans, args, kwargs) is the output tangent for tangents gs
    (fastgrad asks one argument at a time; the sum over arguments follows by linearity)."""
    _check_primitive(fun, "defjvp_argnums")
    _set_all_jvps(fun, lambda argnum: _batched_jvp(
        lambda g, ans, *args, **kwargs: jvpmaker((argnum,), (g,), ans, args, kwargs), argnum))


def def_linear(fun):
    """Declare `fun` linear in each argument: its JVP is `fun` with the tangent in that
    argument's place. Arguments given no VJP get the VJP of the raw function."""
    _check_primitive(fun, "def_linear")
    _set_all_jvps(fun, lambda argnum: _batched_jvp(translate_jvp("same", fun, argnum), argnum))
    if type(fun.vjps) is dict and not fun.vjps:
        fun.vjps = RulesByArgnum(lambda argnum: _linear_vjp(fun, argnum))
