"""The linearization: a function traced once at a point, whose recorded tape is then swept
forward (`jvp`, `pushforward`) or backward (`vjp`, `pullback`) as often as needed, each
sweep carrying a batch of seeds on a leading axis; and the helpers the operators share
to read arguments and deliver results (argnum, dtypes, batches of one).

Arguments and results may be nested lists, tuples and dicts of arrays: the
linearization works on their leaves.
Imports: the engine, tangents, the NumPy namespace, builtins (traced containers), tree.
"""

import warnings

import numpy as _np

from . import numpy as fnp
from ._shapes import shape_of
from .builtins import DictBox, SequenceBox, unpack
from .engine import Box, Structured, backward_sweep, forward_sweep, getval, new_box, trace_stack
from .tangents import add_tangents
from .tree import flatten, only_leaf


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
    (leading batch axis k); None stands for a zero. `replayed`: the tape will also be replayed
    for values (const_graph), so every step keeps a node of its own.
    """

    __slots__ = ("multi", "in_leaves", "rebuild_in", "roots", "trace", "_widest", "rebuild_out",
                 "out_nodes", "out_leaves", "out")

    def __init__(self, fun, args, kwargs, argnum, check=True, replayed=False):
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
        # a tape that is only swept lets x + c carry x's node; one replayed for values keeps
        # every step
        trace.shares_nodes = not replayed
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

    def free_output_values(self):
        """For a caller that never hands out the function's value (a jacobian): each large
        output whose forward rules do not read it (Primitive.forward_reads_value) is replaced,
        on the tape and among the output leaves, by a read-only stand-in of its shape and
        dtype. Its memory is then free for the sweep's result: for x / p[1] with x = t * p[0],
        the tape's x and the result fit in the memory the C heap already holds, where x, the
        value and the result together would go past glibc's default threshold for handing
        memory back to the system, to be taken back (and faulted in page by page) at the
        next call."""
        freed = False
        for node in self.out_nodes:
            stand_in = _stand_in_if_unread(node)
            if stand_in is not None:
                for j, leaf in enumerate(self.out_leaves):
                    if leaf is node.value:
                        self.out_leaves[j] = stand_in
                node.value = stand_in
                freed = True
        if freed:
            leaves = self.out_leaves
            self.out = leaves[0] if self.rebuild_out is only_leaf else self.rebuild_out(leaves)

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


def _stand_in_if_unread(node):
    """A read-only array of the shape and dtype of the node's value, where the value is large
    and its forward rules do not read it; else None."""
    if node is None or node.prim is None:
        return None
    value = node.value
    if type(value) is not _np.ndarray or value.nbytes < _FREED_ABOVE_BYTES:
        return None
    reads = node.prim.forward_reads_value
    if reads is True or (reads is not False and reads(*node.args, **node.kwargs)):
        return None
    # One zero seen through strides of 0: what broadcast_to gives, built directly (broadcast_to
    # goes through an iterator and costs several microseconds, on every jacobian).
    stand_in = _np.ndarray(value.shape, value.dtype, _np.zeros(1, value.dtype), 0, (0,) * value.ndim)
    stand_in.flags.writeable = False
    return stand_in


# Smaller values are not worth a stand-in: the C heap reuses their blocks as they are.
_FREED_ABOVE_BYTES = 1 << 16


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
