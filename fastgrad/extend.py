"""autograd's extension API, translated onto fastgrad's rules.

autograd's rules are unbatched closures: `defvjp(f, lambda ans, x: lambda g: ...)`
and `defjvp(f, lambda g, ans, x: ...)`. fastgrad's sweeps carry a batch axis, so
a rule given here is applied to each batch row in turn and the rows are stacked
(fastgrad's own primitives have natively batched rules; see rules.py). A
primitive given rules in one mode only gets the other by transposition, so a
client's `defvjp`-only primitive works in forward mode too (each forward use
costs one extra small reverse trace of its VJP).
"""

import numpy as _np

from .core import Box, Primitive, getval
from .rules import nondifferentiable, zero_rule
from .vspace import VSpace, vspace

__all__ = [
    "primitive", "defvjp", "defjvp", "defvjp_argnum", "defjvp_argnum", "defvjp_argnums",
    "defjvp_argnums", "def_linear", "notrace_primitive", "register_notrace", "VSpace", "vspace",
    "Box", "SparseObject",
]


def primitive(f_raw):
    """Wrap `f_raw` so fastgrad records calls to it instead of tracing inside it."""
    if isinstance(f_raw, Primitive):
        return f_raw
    return Primitive(f_raw)


def notrace_primitive(f_raw):
    """Wrap `f_raw` so it always sees plain values and its output carries no derivative."""
    return nondifferentiable(f_raw)


def register_notrace(trace_type, primitive_fun):
    """autograd registers per-trace exceptions; fastgrad's traces are all of one kind,
    so this is a no-op kept for clients that call it."""


def _fit(out, like):
    """A rule's output for one batch row, shaped like `like` (a Python scalar or a
    broadcastable result, as autograd tolerates, is broadcast)."""
    shape = _np.shape(like)
    if out is None:
        return None
    if _np.shape(out) != shape:
        from . import numpy as fnp

        out = fnp.broadcast_to(out, shape)
    return out


def _stack_rows(rows, like):
    from . import numpy as fnp

    if any(row is None for row in rows):
        if all(row is None for row in rows):
            return None
        zero = _np.zeros(_np.shape(like), dtype=_np.result_type(getval(like), float))
        rows = [zero if row is None else row for row in rows]
    if len(rows) == 1:
        return fnp.reshape(rows[0], (1,) + _np.shape(rows[0]))
    return fnp.stack(rows)


def _batched_vjp(vjpmaker, argnum):
    def vjp(g, ans, *args, **kwargs):
        row_vjp = vjpmaker(ans, *args, **kwargs)
        x = args[argnum]
        return _stack_rows([_fit(row_vjp(g[i]), x) for i in range(_np.shape(g)[0])], x)
    return vjp


def _batched_jvp(jvpfun, argnum):
    def jvp(t, ans, *args, **kwargs):
        return _stack_rows([_fit(jvpfun(t[i], ans, *args, **kwargs), ans)
                            for i in range(_np.shape(t)[0])], ans)
    return jvp


def defvjp(fun, *vjpmakers, **kwargs):
    """autograd's defvjp: vjpmakers[i](ans, *args, **kwargs) returns g -> cotangent of
    argument argnums[i] (argnums defaults to 0, 1, ...); None means zero."""
    argnums = kwargs.get("argnums", range(len(vjpmakers)))
    for argnum, maker in zip(argnums, vjpmakers):
        fun.vjps[argnum] = zero_rule if maker is None else _batched_vjp(maker, argnum)


def defjvp(fun, *jvpfuns, **kwargs):
    """autograd's defjvp: jvpfuns[i](g, ans, *args, **kwargs) is the output tangent for
    tangent g of argument argnums[i]; None means zero."""
    argnums = kwargs.get("argnums", range(len(jvpfuns)))
    for argnum, jvpfun in zip(argnums, jvpfuns):
        fun.jvps[argnum] = zero_rule if jvpfun is None else _batched_jvp(jvpfun, argnum)


class _ByArgnum(dict):
    """Rules for any argument number, made on first use from one maker."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def get(self, argnum, default=None):
        if argnum not in self:
            self[argnum] = self.make(argnum)
        return dict.get(self, argnum)


def defvjp_argnum(fun, vjpmaker):
    """vjpmaker(argnum, ans, args, kwargs) returns g -> cotangent of argument argnum."""
    fun.vjps = _ByArgnum(lambda argnum: _batched_vjp(
        lambda ans, *args, **kwargs: vjpmaker(argnum, ans, args, kwargs), argnum))


def defjvp_argnum(fun, jvpmaker):
    """jvpmaker(argnum, g, ans, args, kwargs) is the output tangent for tangent g of argument argnum."""
    fun.jvps = _ByArgnum(lambda argnum: _batched_jvp(
        lambda g, ans, *args, **kwargs: jvpmaker(argnum, g, ans, args, kwargs), argnum))


def defvjp_argnums(fun, vjpmaker):
    """vjpmaker(argnums, ans, args, kwargs) returns g -> tuple of cotangents, one per argnum."""
    def make(argnum):
        def maker(ans, *args, **kwargs):
            vjp_all = vjpmaker((argnum,), ans, args, kwargs)
            return lambda g: vjp_all(g)[0]
        return _batched_vjp(maker, argnum)
    fun.vjps = _ByArgnum(make)


def defjvp_argnums(fun, jvpmaker):
    """jvpmaker(argnums, gs, ans, args, kwargs) is the output tangent for tangents gs."""
    def make(argnum):
        return _batched_jvp(lambda g, ans, *args, **kwargs: jvpmaker((argnum,), (g,), ans, args, kwargs),
                            argnum)
    fun.jvps = _ByArgnum(make)


def def_linear(fun):
    """Declare `fun` linear in each argument: its JVP is `fun` with the tangent in that
    argument's place (applied natively to the batch when `fun` broadcasts over a
    leading axis is not assumed, so rows are taken one at a time)."""
    def make(argnum):
        def jvpfun(g, ans, *args, **kwargs):
            args = list(args)
            args[argnum] = g
            return fun(*args, **kwargs)
        return _batched_jvp(jvpfun, argnum)
    fun.jvps = _ByArgnum(make)


class SparseObject:
    """autograd's sparse cotangent (a VSpace and a function that adds it into a dense
    value). fastgrad's cotangents are always dense; this exists for clients that
    construct one, and is densified on arrival."""

    __slots__ = ("vs", "mut_add")

    def __init__(self, vs, mut_add):
        self.vs = vs
        self.mut_add = mut_add

