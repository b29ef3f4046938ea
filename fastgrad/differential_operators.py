"""Differential operators: autograd's names and signatures, plus jacfwd and jacrev.

Everything here is built on `Linearization`: the function traced once at a
point, whose tape can then be swept forward or backward with a batch of seeds.
A jacobian is one batched sweep (in chunks if memory asks for it) in the
cheaper direction; a hessian is a forward sweep over the recorded reverse pass.

Arguments and results may be nested lists, tuples and dicts of arrays: the
operators work on their leaves.
"""

import inspect
import warnings
from collections import OrderedDict
from math import prod

import numpy as _np

from . import numpy as fnp
from . import planning
from .engine import Box, Primitive, Structured, backward_sweep, forward_sweep, getval, new_box, trace_stack
from ._shapes import ndim_of, shape_of
from .base import Diagonal, RulesByArgnum
from .tree import only_leaf, flatten
from .builtins import DictBox, SequenceBox, unpack
from .tangents import add_tangents

__all__ = [
    "grad", "value_and_grad", "grad_and_aux", "elementwise_grad", "jacobian", "jacfwd", "jacrev",
    "hessian", "make_vjp", "make_jvp", "make_hvp", "hessian_tensor_product", "hessian_vector_product",
    "tensor_jacobian_product", "vector_jacobian_product", "make_ggnvp", "holomorphic_grad",
    "grad_named", "multigrad_dict", "checkpoint", "deriv", "make_jvp_reversemode", "config",
]


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


# ---------------------------------------------------------------- tracing once, sweeping often

def _differentiable(leaf):
    """The input leaf as the value to trace: floating and complex values as they are,
    integers as float64 (autograd differentiates with respect to them as if they were
    floats); booleans, object arrays and anything else refused."""
    value = getval(leaf)
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        if isinstance(value, bool) or not isinstance(value, (int, float, complex)):
            raise TypeError(
                f"fastgrad can only differentiate with respect to floating-point, complex or "
                f"integer arrays and scalars (and lists, tuples and dicts of them), not "
                f"{type(value).__name__}")
        dtype = _np.result_type(value)
    if dtype.kind in "fc":
        return leaf
    if dtype.kind in "iu" and not isinstance(leaf, Box):
        return _np.asarray(value, dtype=_np.float64) if isinstance(value, _np.ndarray) else _np.float64(value)
    if dtype.kind == "O":
        raise TypeError(
            "fastgrad cannot differentiate with respect to an input of dtype object (an array "
            "of Python objects): convert it to a floating-point array first, for example "
            "x.astype(float).")
    raise TypeError(
        f"fastgrad cannot differentiate with respect to an input of dtype {dtype}: the "
        f"derivative with respect to booleans or {dtype.name} values is not defined. Pass "
        f"floating-point values, for example x.astype(float).")


# A function's traced list, tuple or dict result (a client primitive's container result).
_CONTAINER_BOXES = (SequenceBox, DictBox)


def _check_returned(out):
    """The differentiated function's result must be arrays or numbers (or containers of
    them): a forgotten `return` (None), a string or a generator would otherwise be
    differentiated as a constant and give a zero derivative."""
    leaves = [out] if isinstance(out, Box) else flatten(out)[0]
    for leaf in leaves:
        if isinstance(leaf, (Box, _np.ndarray, _np.number, int, float, complex)) and not isinstance(leaf, bool):
            if type(leaf) is not _np.ndarray or leaf.dtype.kind in "biufc":
                continue
        what = "None" if leaf is None else (
            f"an array of dtype {leaf.dtype}" if isinstance(leaf, _np.ndarray)
            else f"a value of type {type(leaf).__name__}")
        where = "" if leaf is out else f" inside a {type(out).__name__}"
        raise TypeError(
            f"the function being differentiated returned {what}{where}; fastgrad differentiates "
            f"functions returning arrays or numbers (or lists, tuples and dicts of them). "
            f"Did the function forget to return its value?")


class Linearization:
    """`fun` traced once at the arguments `args[argnum]`; the tape can be swept many times.

    in_leaves / out_leaves: the plain values of the input and output leaves.
    jvp(tangents) and vjp(cotangents) take and return lists of batched leaves
    (leading batch axis k); None stands for a zero.
    """

    __slots__ = ("multi", "in_leaves", "rebuild_in", "roots", "trace", "_widest", "rebuild_out",
                 "out_nodes", "out_leaves", "out")

    def __init__(self, fun, args, kwargs, argnum, check=True):
        self.multi = isinstance(argnum, (tuple, list))
        argnums = tuple(argnum) if self.multi else (argnum,)
        for i in argnums:
            if not -len(args) <= i < len(args):
                raise IndexError(
                    f"argnum {i} is out of range: the function was called with {len(args)} "
                    f"positional argument(s)")
        x = tuple(args[i] for i in argnums) if self.multi else args[argnum]
        if type(x) is _np.ndarray:
            # the common case, one array: no container to take apart
            self.in_leaves, self.rebuild_in = [x], only_leaf
        else:
            self.in_leaves, self.rebuild_in = flatten(x)
            # A Python float traced as a NumPy one (a subclass of float): arithmetic on it
            # then follows NumPy's rules, so 1 / x at 0 is inf, as the function's own value
            # is, rather than a ZeroDivisionError inside a derivative rule.
            self.in_leaves = [_np.float64(leaf) if type(leaf) is float else
                              _np.complex128(leaf) if type(leaf) is complex else leaf
                              for leaf in self.in_leaves]
        for i, leaf in enumerate(self.in_leaves):
            if type(leaf) is not _np.ndarray or leaf.dtype.kind not in "fc":
                self.in_leaves[i] = _differentiable(leaf)
        call_args = list(args)
        trace = trace_stack.open()
        try:
            self.roots = roots = []
            boxed = []
            for leaf in self.in_leaves:
                root = trace.root(leaf)
                roots.append(root)
                boxed.append(new_box(leaf, trace, root))
            if self.multi:
                for i, value in zip(argnums, self.rebuild_in(boxed)):
                    call_args[i] = value
            else:
                call_args[argnum] = boxed[0] if self.rebuild_in is only_leaf else self.rebuild_in(boxed)
            out = fun(*call_args, **kwargs)
            if type(out) in _CONTAINER_BOXES:
                # a traced container (a client primitive's tuple result): its items are the
                # outputs, taken out while the trace is open
                out = unpack(out)
        finally:
            trace_stack.close(trace)
        self.trace = trace
        self._widest = None
        if isinstance(out, Box):
            leaves, self.rebuild_out = [out], only_leaf
        else:
            if check:
                _check_returned(out)
            leaves, self.rebuild_out = flatten(out)
        self.out_nodes = []
        self.out_leaves = []
        for leaf in leaves:
            if isinstance(leaf, Box) and leaf._trace is trace:
                self.out_nodes.append(leaf._node)
                self.out_leaves.append(leaf._value)
            else:
                self.out_nodes.append(None)
                self.out_leaves.append(leaf)
        self.out = self.out_leaves[0] if self.rebuild_out is only_leaf else self.rebuild_out(self.out_leaves)
        if check and self.out_nodes.count(None) == len(self.out_nodes):
            # autograd's warning, which clients filter by its text: a derivative of zero is
            # more often a mistake (a constant returned, the input unused) than intended.
            warnings.warn("Output seems independent of input.")

    def jvp(self, tangents):
        # (loops rather than comprehensions: this runs once per sweep, and each
        # comprehension is a function call of its own)
        seeds = {}
        for root, t in zip(self.roots, tangents):
            if t is not None:
                seeds[root] = t
        out_nodes = self.out_nodes
        ends = [node for node in out_nodes if node is not None] if None in out_nodes else out_nodes
        swept = forward_sweep(self.trace.nodes, seeds, ends, add_tangents)
        if ends is out_nodes:
            return swept
        swept = iter(swept)
        return [None if node is None else next(swept) for node in out_nodes]

    def vjp(self, cotangents):
        seeds = {}
        for node, g in zip(self.out_nodes, cotangents):
            if node is not None and g is not None:
                seeds[node] = add_tangents(seeds.get(node), g)
        return backward_sweep(self.trace.nodes, seeds, self.roots, add_tangents)

    def pushforward(self, v):
        """J v for one tangent `v` shaped like the input; returns a value shaped like the output.
        For a complex input this is the true directional derivative (not autograd's convention,
        which holds for make_vjp and the jacobians)."""
        v_leaves, _ = flatten(v)
        swept = self.jvp([_batch1(leaf) for leaf in v_leaves])
        return self.rebuild_out([_unbatch1(t, y, _derivative_dtype(self.in_leaves, (y,), "y"), v_leaves)
                                 for t, y in zip(swept, self.out_leaves)])

    def pullback(self, g):
        """J^T g for one cotangent `g` shaped like the output; returns a value shaped like the input."""
        g_leaves, _ = flatten(g)
        swept = self.vjp([_batch1(leaf) for leaf in g_leaves])
        return self.rebuild_in([_unbatch1(t, x, _derivative_dtype((x,), self.out_leaves, "x"), g_leaves)
                                for t, x in zip(swept, self.in_leaves)])

    def value(self):
        """The function's value, for handing to the caller: an array that is read-only (a
        broadcast view, say) or shares memory with an input (the identity) is copied, so
        the caller may write into it."""
        if self.rebuild_out is only_leaf:
            return self._owned(self.out)
        return self.rebuild_out([self._owned(leaf) for leaf in self.out_leaves])

    def _owned(self, leaf):
        if type(leaf) is not _np.ndarray:
            return leaf
        if not leaf.flags.writeable:
            return leaf.copy()
        for x in self.in_leaves:
            if type(x) is _np.ndarray and _np.may_share_memory(leaf, x):
                return leaf.copy()
        return leaf

    def widest(self):
        """Size of the largest value on the tape (at least that of the inputs and outputs)."""
        if self._widest is None:
            size = 1
            for node in self.trace.nodes:
                value = node.value
                n = value.size if type(value) is _np.ndarray else getattr(value, "size", 1)
                if n > size:
                    size = n
            self._widest = size
        return self._widest


def _nary(fun, argnum):
    if not isinstance(argnum, (int, tuple, list)) or isinstance(argnum, bool):
        raise TypeError(f"argnum must be an int, a tuple or a list of ints, not {argnum!r}")
    return fun, argnum


def _batch1(leaf):
    """A single tangent as a batch of one."""
    return None if leaf is None else fnp.reshape(leaf, (1,) + shape_of(leaf))


def _dense(t, value, k):
    """A swept leaf as a dense batched array: symbolic seeds materialised, zeros filled in."""
    if t is None:
        return _np.zeros((k,) + shape_of(getval(value)), dtype=_np.result_type(getval(value), float))
    if isinstance(t, Structured):
        return t.materialize()
    return t


def _derivative_dtype(xs, ys, kind_of=None):
    """The dtype of a derivative of the outputs `ys` with respect to the inputs `xs`: their
    precision promoted together, so a float32 computation gives float32 (as autograd's rules
    keep it, whatever dtype the sweep's seeds had) and one that promotes to float64 gives
    float64 (for a pullback, `kind_of` "x", the input's precision alone). Complex where an
    input or an output is (a jacobian), or, with `kind_of` "x", where an input is (a
    pullback: autograd's VJP of a real input is real), or with "y",
    where an output is (a directional derivative: the change of a real output is real).
    Integer and boolean outputs (constants) do not take part."""
    precision = None
    is_complex = {"x": False, "y": False}
    # A pullback is in its input's precision, as autograd's VJPs cast to their input's
    # vector space: grad of a float32 x is float32 even where f computes in float64.
    sides = (("x", xs),) if kind_of == "x" else (("x", xs), ("y", ys))
    for side, values in sides:
        for value in values:
            dtype = _np.result_type(getval(value))
            if dtype.kind not in "fc":
                continue
            if dtype.kind == "c":
                is_complex[side] = True
                dtype = _np.finfo(dtype).dtype
            precision = dtype if precision is None else _np.promote_types(precision, dtype)
    if precision is None:
        precision = _np.dtype(_np.float64)
    wanted = is_complex["x"] or is_complex["y"] if kind_of is None else is_complex[kind_of]
    return _np.result_type(precision, _np.complex64) if wanted else precision


def _delivered(a, dtype, given=()):
    """A dense derivative as handed to the caller: of `dtype`, writable, and sharing memory
    with nothing else (not a read-only broadcast the sweep kept, not a view of the
    arrays in `given` that the caller passed in). Copies only when it must."""
    if type(a) is not _np.ndarray:
        if isinstance(a, Box) and getattr(getval(a), "dtype", dtype) != dtype:
            # under an outer trace (a nested operator): cast as a traced step, so the outer
            # derivative has the dtype too
            return fnp.astype(fnp.real(a) if dtype.kind != "c" else a, dtype)
        return a
    if a.dtype != dtype:
        if a.dtype.kind == "c" and dtype.kind != "c":
            a = a.real
        return a.astype(dtype)
    if not a.flags.writeable:
        return a.copy()
    for leaf in given:
        if type(leaf) is _np.ndarray and _np.may_share_memory(a, leaf):
            return a.copy()
    return a


def _unbatch1(t, value, dtype, given=()):
    return _delivered(_dense(t, value, 1), dtype, given)[0]


def _wrap(op, fun, argnum, name):
    # Named as autograd names its operators' results: clients and autograd's tests read them.
    fun_name = getattr(fun, "__name__", "[unknown name]")
    try:
        op.__name__ = f"{name}_of_{fun_name}_wrt_argnum_{argnum}"
        op.__doc__ = (f"    {name} of function {fun_name} with respect to argument number {argnum}: "
                      f"called with {fun_name}'s arguments, it returns the {name}.")
        op.__wrapped__ = fun
    except (AttributeError, TypeError):
        pass
    return op


# ---------------------------------------------------------------- vjp, jvp and gradients

def make_vjp(fun, argnum=0):
    """make_vjp(fun, argnum)(*args) -> (vjp, ans); vjp(g) is g's pullback, shaped like args[argnum]."""
    _nary(fun, argnum)

    def vjp_maker(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        return lin.pullback, lin.value()

    return _wrap(vjp_maker, fun, argnum, "make_vjp")


def make_jvp(fun, argnum=0):
    """make_jvp(fun, argnum)(*args) -> jvp; jvp(v) -> (ans, J v). The function is traced
    once; each call of jvp is one forward sweep of the recording."""
    _nary(fun, argnum)

    def jvp_maker(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        return lambda v: (lin.value(), lin.pushforward(v))

    return _wrap(jvp_maker, fun, argnum, "make_jvp")


def _scalar_seed(lin, opname):
    leaves = lin.out_leaves
    if len(leaves) != 1 or _np.size(getval(leaves[0])) != 1:
        raise TypeError(
            f"{opname} only applies to functions with a real scalar output; this one returned "
            f"{_describe(lin.out)}. Try jacobian, elementwise_grad or holomorphic_grad.")
    if _np.iscomplexobj(getval(leaves[0])):
        raise TypeError(f"{opname} only applies to real scalar-output functions; this one is "
                        "complex. Try holomorphic_grad, or take np.real or np.abs of the output.")
    return [_np.ones((1,) + shape_of(getval(leaves[0])), dtype=float)]


def _describe(value):
    leaves, _ = flatten(value)
    if len(leaves) != 1:
        return f"a container of {len(leaves)} values"
    return f"a value of shape {shape_of(getval(leaves[0]))}"


def _gradient(lin, seed, ys=None):
    """The pullback of `seed`, shaped like the input; `ys` the outputs it differentiates
    (all of them unless given), which with the input set the result's dtype."""
    swept = lin.vjp(seed)
    ys = lin.out_leaves if ys is None else ys
    return lin.rebuild_in([_unbatch1(t, x, _derivative_dtype((x,), ys, "x"))
                           for t, x in zip(swept, lin.in_leaves)])


def grad(fun, argnum=0):
    """
    Returns a function which computes the gradient of the scalar-valued `fun` with
    respect to its positional argument number `argnum`, shaped like that argument (a
    tuple of them for a tuple of argnums). It takes the arguments `fun` takes."""
    _nary(fun, argnum)

    def gradfun(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        return _gradient(lin, _scalar_seed(lin, "grad"))

    return _wrap(gradfun, fun, argnum, "grad")


def value_and_grad(fun, argnum=0):
    """Returns a function that returns both the value and the gradient,
    (fun(*args), grad(fun)(*args)), from one trace: what scipy.optimize's jac=True wants."""
    _nary(fun, argnum)

    def value_and_gradfun(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        return lin.value(), _gradient(lin, _scalar_seed(lin, "value_and_grad"))

    return _wrap(value_and_gradfun, fun, argnum, "value_and_grad")


def grad_and_aux(fun, argnum=0):
    """For `fun` returning (scalar, aux): returns (gradient of the scalar, aux)."""
    _nary(fun, argnum)

    def grad_and_auxfun(*args, **kwargs):
        lin = Linearization(lambda *a, **k: _pair(fun(*a, **k)), args, kwargs, argnum, check=False)
        ans, aux = lin.out
        first = lin.out_leaves[0]
        if _np.size(getval(first)) != 1:
            raise TypeError("grad_and_aux needs the first output to be a scalar")
        seed = [_np.ones((1,) + shape_of(getval(first)))] + [None] * (len(lin.out_leaves) - 1)
        return _gradient(lin, seed, (first,)), aux

    return _wrap(grad_and_auxfun, fun, argnum, "grad_and_aux")


def _pair(out):
    ans, aux = out
    if not isinstance(ans, Box):
        _check_returned(ans)
    return (ans, aux)


def elementwise_grad(fun, argnum=0):
    """
    Returns a function that computes the sum of the jacobian's rows (one reverse sweep
    seeded with ones); for an elementwise function this is the diagonal of its jacobian."""
    _nary(fun, argnum)

    def elementwise_gradfun(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        if any(_np.iscomplexobj(getval(y)) for y in lin.out_leaves):
            raise TypeError("elementwise_grad only applies to real-output functions")
        seed = [_np.ones((1,) + shape_of(getval(y))) for y in lin.out_leaves]
        return _gradient(lin, seed)

    return _wrap(elementwise_gradfun, fun, argnum, "elementwise_grad")


def deriv(fun, argnum=0):
    """The JVP with a tangent of ones: the derivative of a scalar-input function."""
    _nary(fun, argnum)

    def derivfun(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        ones = [_np.ones((1,) + shape_of(getval(x)), dtype=_np.result_type(getval(x)))
                for x in lin.in_leaves]
        swept = lin.jvp(ones)
        return lin.rebuild_out([_unbatch1(t, y, _derivative_dtype(lin.in_leaves, (y,), "y"), ())
                                for t, y in zip(swept, lin.out_leaves)])

    return _wrap(derivfun, fun, argnum, "deriv")


def holomorphic_grad(fun, argnum=0):
    """f'(z) for a holomorphic `fun` of a complex argument."""
    _nary(fun, argnum)

    def holomorphic_gradfun(*args, **kwargs):
        x = args[argnum] if isinstance(argnum, int) else args[argnum[0]]
        if not _np.iscomplexobj(getval(x)):
            warnings.warn("Input to holomorphic_grad is not complex")
        return grad(lambda *a, **k: fnp.real(fun(*a, **k)), argnum)(*args, **kwargs)

    return _wrap(holomorphic_gradfun, fun, argnum, "holomorphic_grad")


def grad_named(fun, argname):
    """The gradient with respect to the argument called `argname` (not *args or **kwargs)."""
    params = list(inspect.signature(fun).parameters)
    return grad(fun, params.index(argname))


def multigrad_dict(fun):
    """Gradients with respect to all arguments at once, as an OrderedDict by argument name."""
    sig = inspect.signature(fun)
    params = sig.parameters

    def gradfun(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = OrderedDict(bound.arguments)

        def by_name(values):
            positional, keyword = [], {}
            for name, value in values.items():
                kind = params[name].kind
                if kind == params[name].VAR_POSITIONAL:
                    positional.extend(value)
                elif kind == params[name].VAR_KEYWORD:
                    keyword.update(value)
                elif kind == params[name].KEYWORD_ONLY:
                    keyword[name] = value
                else:
                    positional.append(value)
            return fun(*positional, **keyword)

        return grad(by_name)(arguments)

    return gradfun


# ---------------------------------------------------------------- jacobians

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
    in_shapes, out_shapes, complex_in, complex_out = [], [], [], []
    n = m = 0
    for x in lin.in_leaves:
        shape = shape_of(x)
        in_shapes.append(shape)
        is_complex = _is_complex(x)
        complex_in.append(is_complex)
        n += prod(shape) * (2 if is_complex else 1)
    all_complex_in = all(complex_in)
    for node, y in zip(lin.out_nodes, lin.out_leaves):
        shape = shape_of(y)
        out_shapes.append(shape)
        is_complex = _is_complex(y)
        complex_out.append(is_complex)
        if node is not None:
            m += prod(shape) * (2 if is_complex and not all_complex_in else 1)
    if mode not in ("auto", "fwd", "rev"):
        raise ValueError(f"mode must be 'auto', 'fwd' or 'rev', not {mode!r}")
    fwd_plans = rev_plans = None
    if mode == "auto":
        if _obvious(n, m, lin):
            mode = choose_direction(n, m)
        else:
            mode, fwd_plans, rev_plans = _planned_direction(lin, n, m, in_shapes, out_shapes, chunk_size)
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


def jacobian(fun, argnum=0, *, mode="auto", chunk_size=None):
    """
    Returns a function which computes the jacobian of `fun` with respect to its
    positional argument number `argnum`, shaped output.shape + input.shape (autograd's
    layout).

    The function is traced once; the jacobian is then one batched sweep of the
    recording in the cheaper direction (mode='auto'): for a small jacobian the one with
    fewer seeds (forward when the input has no more elements than the output); for a
    larger one, the one the plan of both sweeps finds cheaper (planning.py), since a
    symbolic seed can keep its structure far into a sweep. mode='fwd' or 'rev' forces a
    direction. A sweep whose batch would exceed `config.sweep_memory_bytes` runs in chunks
    of basis vectors; `chunk_size` sets their size directly. With a tuple of argnums the
    result is a tuple of blocks, one per argument; a function returning a list, tuple or dict
    gets one jacobian per output leaf in that structure.

    Complex values follow autograd's convention in every mode: for an input z = a + ib the
    entry of output f_i is dRe(f_i)/da - i dRe(f_i)/db (f'(z) for a holomorphic f,
    conj(z)/|z| for abs); for a real input it is df_i/da, complex if f_i is (see
    docs/complex.md). A block's dtype is NumPy's promotion of the input's and the output's
    (float32 stays float32), complex where either is.
    """
    _nary(fun, argnum)
    _check_chunk_size(chunk_size)

    def jacfun(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        blocks = _jacobian_blocks(lin, mode, chunk_size)
        if lin.rebuild_in is only_leaf and lin.rebuild_out is only_leaf:
            return blocks[0][0]
        return lin.rebuild_out([lin.rebuild_in(row) for row in blocks])

    return _wrap(jacfun, fun, argnum, "jacobian")


def jacfwd(fun, argnum=0, *, chunk_size=None):
    """`jacobian` forced to one forward sweep (batched over the input's basis)."""
    return jacobian(fun, argnum, mode="fwd", chunk_size=chunk_size)


def jacrev(fun, argnum=0, *, chunk_size=None):
    """`jacobian` forced to one reverse sweep (batched over the output's basis)."""
    return jacobian(fun, argnum, mode="rev", chunk_size=chunk_size)


def hessian(fun, argnum=0, *, chunk_size=None):
    """Returns a function that computes the exact hessian, shaped output.shape +
    input.shape + input.shape: a forward sweep (batched over the input's basis) of the
    recorded reverse pass."""
    inner = jacobian(fun, argnum, mode="rev")
    return _wrap(jacobian(inner, argnum, mode="fwd", chunk_size=chunk_size), fun, argnum, "hessian")


def make_hvp(fun, argnum=0):
    """make_hvp(fun, argnum)(*args) -> (hvp, grad); hvp(v) is the hessian times v.
    The gradient is traced once; each hvp(v) is one sweep of that recording."""
    return make_vjp(grad(fun, argnum), argnum)


def hessian_tensor_product(fun, argnum=0):
    """A function of (*args, tensor) returning the hessian contracted with tensor."""
    fun_grad = grad(fun, argnum)

    def vector_dot_grad(*args, **kwargs):
        args, vector = args[:-1], args[-1]
        # With a tuple of argnums the gradient and the tensor are tuples: contract leaf by leaf.
        pairs = zip(flatten(fun_grad(*args, **kwargs))[0], flatten(vector)[0])
        return sum(fnp.tensordot(g, v, ndim_of(v)) for g, v in pairs)

    return grad(vector_dot_grad, argnum)


hessian_vector_product = hessian_tensor_product


def tensor_jacobian_product(fun, argnum=0):
    """A function of (*args, tensor) returning tensor contracted with the jacobian."""
    def vector_dot_fun(*args, **kwargs):
        args, vector = args[:-1], args[-1]
        return fnp.tensordot(vector, fun(*args, **kwargs), axes=ndim_of(vector))

    return jacobian(vector_dot_fun, argnum)


vector_jacobian_product = tensor_jacobian_product


def make_jvp_reversemode(fun, argnum=0):
    """make_jvp_reversemode(fun, argnum)(*args) -> jvp; jvp(v) is J v.

    autograd obtains it by transposing the VJP; fastgrad traces the function once
    and sweeps the recording forward, which gives the same numbers for less work."""
    _nary(fun, argnum)

    def maker(*args, **kwargs):
        return Linearization(fun, args, kwargs, argnum).pushforward

    return _wrap(maker, fun, argnum, "make_jvp_reversemode")


def make_ggnvp(f, g=lambda x: 1.0 / 2 * fnp.sum(x ** 2, axis=-1), f_argnum=0):
    """Generalised Gauss-Newton products: ggnvp(v) = J^T H_g J v, J the jacobian of f
    and H_g the hessian of g at f(x)."""
    def maker(*args, **kwargs):
        lin = Linearization(f, args, kwargs, f_argnum)
        g_hvp, _ = make_hvp(g)(lin.out)

        return lambda v: lin.pullback(g_hvp(lin.pushforward(v)))

    return maker


def checkpoint(fun):
    """`fun` as a primitive that keeps no intermediate values: each sweep through it
    traces `fun` again (trading time for memory)."""
    def jvp(argnum):
        def rule(t, ans, *args, **kwargs):
            lin = Linearization(fun, args, kwargs, argnum)
            (out,) = lin.jvp([t])
            return _dense(out, lin.out_leaves[0], shape_of(t)[0])
        return rule

    def vjp(argnum):
        def rule(g, ans, *args, **kwargs):
            lin = Linearization(fun, args, kwargs, argnum)
            (out,) = lin.vjp([g])
            return _dense(out, lin.in_leaves[0], shape_of(g)[0])
        return rule

    prim = Primitive(fun, getattr(fun, "__name__", "checkpointed"))
    prim.jvps = RulesByArgnum(jvp)
    prim.vjps = RulesByArgnum(vjp)
    return prim
