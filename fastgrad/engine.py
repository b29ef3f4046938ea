"""The tracing core: primitives, boxes, traces, the recorded tape and its two sweeps.

Owns: `Primitive`, `Box`, `Trace`, `Node`, `Structured` (the base of symbolic
seeds), `forward_sweep` and `backward_sweep`. Symbolic zeros are `None`.
Must not import NumPy or any other part of fastgrad: arrays reach the core only
as opaque values, and rules and vector spaces are plugged in from above.

How it works. Calling a differentiable function on boxed values records one
`Node` per primitive call on the innermost trace among its arguments; the box
returned carries the node. A finished recording (the tape) can then be swept
forward (pushing tangents from the inputs) or backward (pulling cotangents from
the outputs) as often as needed, each sweep carrying a leading batch axis so a
whole jacobian goes through at once.

Why traces need identities. In
    grad(lambda x: x * grad(lambda y: x + y)(1.0))(2.0)
the inner `x + y` sees a box of the outer trace (x) and one of the inner trace
(y). Only y is the inner derivative's variable; x is a constant to it. The
answer is 1.0; treating x as a variable of the inner trace would give 2.0.
Each box therefore names the trace it belongs to, and a primitive unboxes only
the boxes of the innermost trace present, so the outer boxes flow into the
recursive call and are traced there.

Traces are ordered by their nesting depth in the calling thread's context (a
thread-local stack), not by a global counter, so threads differentiating at
once never see each other's traces.
"""

import threading


class Node:
    """One recorded primitive call: `value = prim(*args, **kwargs)`.

    `args` holds the arguments with this trace's boxes removed (boxes of outer
    traces stay, so rules evaluated during a sweep are traced by those outer
    traces: that is what makes every order of derivative work).
    `parents` is a sequence of (argnum, parent node) for the traced arguments.
    A root node (an input of the trace) has `prim` None and no parents.
    """

    __slots__ = ("prim", "args", "kwargs", "value", "parents", "index")

    def __init__(self, prim, args, kwargs, value, parents, trace):
        self.prim = prim
        self.args = args
        self.kwargs = kwargs
        self.value = value
        self.parents = parents
        nodes = trace.nodes
        self.index = len(nodes)
        nodes.append(self)

    def __repr__(self):
        name = "root" if self.prim is None else self.prim.name
        return f"<Node {self.index} {name}>"


class Trace:
    """A recording: the tape of nodes in the order they ran (a topological order)."""

    __slots__ = ("level", "nodes", "active", "shares_nodes", "__weakref__")

    def __init__(self, level):
        self.level = level
        self.nodes = []
        self.active = True
        # Whether a step that passes its argument's derivative on unchanged (x + c: see
        # Primitive.passes_derivative) may give its result that argument's node rather than
        # a node of its own. True only where the tape is swept and nothing more; a tape that
        # is also replayed for values (autograd's const_graph) needs every step.
        self.shares_nodes = False

    def root(self, value):
        return Node(None, (), {}, value, (), self)

    def __repr__(self):
        return f"<Trace level={self.level} nodes={len(self.nodes)}>"


class TraceStack(threading.local):
    """The per-thread context of open traces; `depth` orders them."""

    def __init__(self):
        self.depth = 0

    @property
    def top(self):
        """The depth of the innermost open trace (autograd's name)."""
        return self.depth

    def new_trace(self):
        """`with trace_stack.new_trace() as trace:` opens a trace one level deeper."""
        return _OpenTrace(self)

    def open(self):
        """A new trace one level deeper; `close` it when done (`new_trace` as a context does
        both; the differential operators call these directly, a few calls fewer)."""
        # (an attribute of a thread-local costs a lookup of the thread's dict: read it once)
        depth = self.depth + 1
        self.depth = depth
        return Trace(depth)

    def close(self, trace):
        trace.active = False
        self.depth = trace.level - 1


class _OpenTrace:
    """The context of one open trace."""

    __slots__ = ("stack", "trace")

    def __init__(self, stack):
        self.stack = stack

    def __enter__(self):
        self.trace = self.stack.open()
        return self.trace

    def __exit__(self, *exc):
        self.stack.close(self.trace)
        return False


trace_stack = TraceStack()


class Box:
    """A value being traced: `_value` the plain value, `_trace` its trace, `_node` its node.

    Subclasses give each value type its operators; `type_mappings` maps a value
    type to its box class (clients may register their own types there).
    """

    __slots__ = ("_value", "_trace", "_node")
    type_mappings = {}
    types = set()

    def __init__(self, value, trace, node):
        self._value = value
        self._trace = trace
        self._node = node

    def __bool__(self):
        return bool(self._value)

    __nonzero__ = __bool__

    def __repr__(self):
        return f"{type(self).__name__}({self._value!r})"

    @classmethod
    def register(cls, value_type):
        Box.types.add(cls)
        Box.type_mappings[value_type] = cls
        Box.type_mappings[cls] = cls


_box_types = Box.type_mappings
_new_node = object.__new__
_box_init = Box.__init__


def new_box(value, trace, node):
    try:
        box_type = Box.type_mappings[type(value)]
    except KeyError:
        raise TypeError(
            f"fastgrad cannot trace a value of type {type(value).__name__}: "
            "differentiable values are floating or complex arrays and scalars, "
            "and lists, tuples and dicts of them"
        ) from None
    return box_type(value, trace, node)


def _holds_box(seq):
    for item in seq:
        if isinstance(item, Box) or ((type(item) is list or type(item) is tuple) and _holds_box(item)):
            return True
    return False


def isbox(x):
    return isinstance(x, Box)


def getval(x):
    """The plain value under any number of boxes."""
    while isinstance(x, Box):
        x = x._value
    return x


class Primitive:
    """A function whose derivatives are given by rules rather than traced through.

    Rules, keyed by argument number, all batched (see rules.py):
      jvps[i](t, ans, *args, **kwargs)  tangent of the output for tangent `t` of argument i
      vjps[i](g, ans, *args, **kwargs)  cotangent of argument i for cotangent `g` of the output
    `seed_jvps` / `seed_vjps` optionally handle a `Structured` seed
    without materialising it; they return NotImplemented to decline.
    """

    # Whether the VJP rules may be traced with respect to their cotangent (fastgrad's own
    # are written with fastgrad's operators; a client's may strip boxes with getval), which
    # decides how a missing forward rule is derived from them (rules._jvp_from_vjp).
    vjps_traceable = True

    # Whether the forward rules read the primitive's own output (`ans`) beyond its shape
    # and dtype: True, False, or a predicate of the call's arguments. Where they do not,
    # a sweep whose caller never sees the function's value (a jacobian) may free an
    # output's value before sweeping, leaving memory for the result (linearization.py).
    forward_reads_value = True

    # foreign_operands(prim, args, kwargs): set by the layer above that knows array types
    # other than its own; called when a traced call's result is of a type no box holds,
    # returns the call's result, or NotImplemented to let that be an error.
    foreign_operands = None

    # The argument numbers whose derivative the output is, unchanged, where that argument is
    # the only traced one and the output is a value of its space (add's two, subtract's
    # first: x + c has the derivative of x). On a trace that allows it (Trace.shares_nodes)
    # such a step records no node: its result carries its argument's node, so no sweep
    # runs a step that would only pass a tangent or cotangent on. `same_space` (installed
    # from above) says whether the output is of the argument's space.
    passes_derivative = ()

    def __init__(self, fun, name=None):
        self.fun = fun
        self.name = name or getattr(fun, "__name__", repr(fun))
        self.jvps = {}
        self.vjps = {}
        self.seed_jvps = {}
        self.seed_vjps = {}
        # Optional: one rule for all arguments at once, joint_jvp(tangents, ans, *args,
        # **kwargs) with tangents[i] None where argument i has none; n-ary primitives
        # (concatenate) use it to build their output tangent once rather than per argument,
        # and add and subtract to combine two dense tangents in one pass.
        self.joint_jvp = None
        # Elementwise primitives record a plain list among their arguments as the array
        # NumPy makes of it (with array_like), so their local derivatives (1.0 / y, say)
        # meet arrays only.
        self.reads_lists_as_arrays = False
        # Optional: the same for symbolic tangents, seed_joint_jvp(tangents, ans, *args,
        # **kwargs), returning NotImplemented to decline; elementwise primitives use it to
        # write the compact rows of several parameters (x / p[1] with x from p[0]) into one
        # array rather than computing each and stacking them.
        self.seed_joint_jvp = None
        # For NumPy's array_like arguments: a callable turning a list or tuple holding
        # boxes into one traced array (set by the numpy namespace for its primitives).
        self.array_from_list = None
        self.__name__ = self.name
        self.__qualname__ = self.name
        self.__doc__ = getattr(fun, "__doc__", None)
        self.__wrapped__ = fun

    def __call__(self, *args, **kwargs):
        for arg in args:
            if isinstance(arg, Box):
                return self.bind(args, kwargs)
            if (type(arg) is list or type(arg) is tuple) and self.array_from_list is not None and _holds_box(arg):
                # np.sum([a, b]) with traced a, b: the list is the array NumPy would make of it.
                args = tuple(self.array_from_list(a) if type(a) in (list, tuple) and _holds_box(a) else a
                             for a in args)
                return self.bind(args, kwargs)
        return self.fun(*args, **kwargs) if kwargs else self.fun(*args)

    def bind(self, args, kwargs):
        # The hot path of tracing, taken by every primitive call of a one-level trace: the
        # boxes all of one open trace, each holding a plain value. Anything else goes to
        # _bind_nested, which this pass leaves untouched.
        trace = None
        parents = []
        argvals = list(args)
        i = 0
        for arg in args:
            if isinstance(arg, Box):
                if arg._trace is not trace:
                    if trace is not None:
                        return self._bind_nested(args, kwargs)
                    trace = arg._trace
                value = argvals[i] = arg._value
                if isinstance(value, Box):
                    return self._bind_nested(args, kwargs)
                parents.append((i, arg._node))
            elif (type(arg) is list or type(arg) is tuple) and self.reads_lists_as_arrays:
                return self._bind_nested(args, kwargs)
            i += 1
        if not trace.active:
            return self._bind_nested(args, kwargs)
        ans = self.fun(*argvals, **kwargs) if kwargs else self.fun(*argvals)
        box_type = _box_types.get(type(ans))
        if box_type is None:
            return self._foreign(ans, args, argvals, kwargs, parents, trace)
        # (one attribute read for every primitive but add and subtract)
        if not self.passes_derivative or (node := self._passed_node(argvals, kwargs, ans, parents, trace)) is None:
            # Node(...) written out: slot stores cost less than a call of its __init__
            node = _new_node(Node)
            node.prim = self
            node.args = argvals
            node.kwargs = kwargs
            node.value = ans
            node.parents = parents
            nodes = trace.nodes
            node.index = len(nodes)
            nodes.append(node)
        if box_type.__init__ is not _box_init:
            return box_type(ans, trace, node)
        # (the same for the box, whose type keeps Box's __init__)
        box = _new_node(box_type)
        box._value = ans
        box._trace = trace
        box._node = node
        return box

    def _passed_node(self, argvals, kwargs, ans, parents, trace):
        """The node of the one traced argument whose derivative this step passes on unchanged,
        where the result may carry it (see passes_derivative); else None."""
        if len(parents) != 1 or kwargs or not trace.shares_nodes:
            return None
        argnum, parent = parents[0]
        if argnum in self.passes_derivative and same_space(ans, argvals[argnum]):
            return parent
        return None

    def _bind_nested(self, args, kwargs):
        # Boxes of several traces, a box holding a box, a list to read as an array or a
        # trace already closed: one pass to find the boxes and the innermost trace among
        # them, one over the boxes alone.
        trace = None
        mixed = lists = False
        boxed = []
        i = -1
        for arg in args:
            i += 1
            if isinstance(arg, Box):
                boxed.append(i)
                if arg._trace is not trace:
                    if trace is None:
                        trace = arg._trace
                    else:
                        mixed = True
                        other = arg._trace
                        if other.level > trace.level or (other.level == trace.level and other.active):
                            trace = other
            elif type(arg) is list or type(arg) is tuple:
                lists = True
        argvals = list(args)
        if lists and self.reads_lists_as_arrays:
            for i, arg in enumerate(args):
                if type(arg) is list or type(arg) is tuple:
                    argvals[i] = self.array_from_list(arg)
        parents = []
        for i in boxed:
            arg = args[i]
            if arg._trace is trace:
                value = argvals[i] = arg._value
                parents.append((i, arg._node))
                if isinstance(value, Box):
                    mixed = True
        # Boxes of outer traces are still in argvals: go round again so they are traced.
        ans = self(*argvals, **kwargs) if mixed or not trace.active else self.fun(*argvals, **kwargs)
        if not trace.active:
            # A box that outlived its trace (kept in a closure, say) is a constant now.
            return ans
        box_type = _box_types.get(type(ans))
        if box_type is None:
            return self._foreign(ans, args, argvals, kwargs, parents, trace)
        return box_type(ans, trace, Node(self, argvals, kwargs, ans, tuple(parents), trace))

    def _foreign(self, ans, args, argvals, kwargs, parents, trace):
        # A result no box type holds: an operand of a foreign array type (a pandas or
        # xarray object) made it. The layer that knows that type decides what happens.
        if Primitive.foreign_operands is not None:
            handled = Primitive.foreign_operands(self, args, kwargs)
            if handled is not NotImplemented:
                return handled
        return new_box(ans, trace, Node(self, argvals, kwargs, ans, tuple(parents), trace))

    def __get__(self, obj, objtype=None):
        # Primitives stored as class attributes behave like functions (become methods).
        if obj is None:
            return self
        return _BoundPrimitive(self, obj)

    def __repr__(self):
        return f"<fastgrad primitive {self.name}>"


class _BoundPrimitive:
    __slots__ = ("prim", "obj")

    def __init__(self, prim, obj):
        self.prim = prim
        self.obj = obj

    def __call__(self, *args, **kwargs):
        return self.prim(self.obj, *args, **kwargs)


class Structured:
    """Base of symbolic seeds: a batched tangent or cotangent that keeps a known
    structure (an identity, a diagonal, a few nonzero batch rows) until a rule needs
    the dense array. Subclasses define `shape` (batch axis first), `materialize()`,
    and `apply(rule, ans, args, kwargs)`: what the batched linear rule
    rule(t, ans, *args, **kwargs) gives for this seed as t, which may materialise it or
    keep a structure (see seeds.py)."""

    __slots__ = ()
    # Whether primitives' structured rules may know this kind of seed; a kind that no
    # rule handles says False, so its rules are applied without asking.
    has_structured_rules = True

    def apply(self, rule, ans, args, kwargs):
        return rule(self.materialize(), ans, *args, **kwargs)


def missing_rule(prim, argnum, mode):
    kind = "forward (JVP)" if mode == "jvp" else "reverse (VJP)"
    return NotImplementedError(
        f"{kind} rule of {prim.name} with respect to argument {argnum} is not defined"
    )


def forward_sweep(nodes, seeds, ends, add):
    """Push batched tangents through the tape.

    seeds: {node: tangent}, usually the roots; ends: the nodes whose tangents are wanted.
    Returns the tangents of `ends` (None where the end does not depend on a seed).
    A tangent is freed once its last consumer has run, so memory follows the
    widest live set rather than the whole tape.
    """
    if not seeds or not ends:
        return [None] * len(ends)
    stop = 0
    for node in ends:
        if node.index >= stop:
            stop = node.index + 1
    start = stop
    tangents = [None] * stop
    for node, t in seeds.items():
        if node.index < stop:
            tangents[node.index] = t
            if node.index < start:
                start = node.index
    # Only the values the wanted outputs depend on need a tangent: in a hessian (a forward
    # sweep over a recorded reverse pass) the tangent of the function's own value is never
    # used, and neither is any step that only led to it. Walking back from the ends finds
    # them, and for each step the tangents it is the last to read (dropped after it runs;
    # an end's tangent is kept). A seeded step is not run: its tangent is given (a sparse
    # jacobian seeds the values its affine part ends in, sparsity/affine.py).
    last_use = [-1] * stop
    for node in ends:
        last_use[node.index] = stop
    schedule = []
    for node in reversed(nodes[start:stop]):
        i = node.index
        if last_use[i] < 0 or node.prim is None or tangents[i] is not None:
            continue
        done = []
        for _, parent in node.parents:
            j = parent.index
            if last_use[j] < 0:
                last_use[j] = i
                done.append(j)
        schedule.append((node, done))
    for node, done in reversed(schedule):
        prim = node.prim
        out = NotImplemented
        several = len(node.parents) > 1
        if prim.joint_jvp is not None and (several or not prim.jvps) and _joint_applies(prim, node, tangents):
            out = _joint_jvp(prim, node, tangents)
        elif several and prim.seed_joint_jvp is not None:
            out = _structured_joint_jvp(prim, node, tangents)
        if out is NotImplemented:
            out = None
            for argnum, parent in node.parents:
                t = tangents[parent.index]
                if t is None:
                    continue
                rule = prim.jvps.get(argnum) or derived_jvp(prim, argnum)
                if isinstance(t, Structured):
                    contrib = _structured(rule, prim.seed_jvps, argnum, t, node)
                else:
                    contrib = rule(t, node.value, *node.args, **node.kwargs) if node.kwargs else \
                        rule(t, node.value, *node.args)
                out = contrib if out is None else add(out, contrib)
        if out is not None:
            tangents[node.index] = fit_to_value(out, node.value)
        for j in done:
            tangents[j] = None
    if len(ends) == 1:
        return [tangents[ends[0].index]]
    return [tangents[node.index] for node in ends]


def backward_sweep(nodes, cotangents, roots, add):
    """Pull batched cotangents back through the tape.

    cotangents: {end node: cotangent}; roots: the nodes whose cotangents are wanted.
    Returns the cotangents of `roots` (None where no output depends on a root).
    """
    if not cotangents:
        return [None] * len(roots)
    stop = max(node.index for node in cotangents) + 1
    floor = min(node.index for node in roots) if roots else stop
    grads = [None] * stop
    for node, g in cotangents.items():
        i = node.index
        grads[i] = g if grads[i] is None else add(grads[i], g)
    fitted = fitted_vjps
    for i in range(stop - 1, floor - 1, -1):
        g = grads[i]
        if g is None:
            continue
        node = nodes[i]
        prim = node.prim
        if prim is None:
            continue
        grads[i] = None
        vjps = prim.vjps
        structured = isinstance(g, Structured)
        for argnum, parent in node.parents:
            rule = vjps.get(argnum) or derived_vjp(prim, argnum)
            if structured:
                contrib = _structured(rule, prim.seed_vjps, argnum, g, node)
                if contrib is not None:
                    contrib = fit_to_value(contrib, parent.value)
            else:
                contrib = rule(g, node.value, *node.args, **node.kwargs) if node.kwargs else \
                    rule(g, node.value, *node.args)
                if contrib is None:
                    continue
                if rule not in fitted:
                    contrib = fit_to_value(contrib, parent.value)
            j = parent.index
            grads[j] = contrib if grads[j] is None else add(grads[j], contrib)
    return [grads[node.index] if node.index < stop else None for node in roots]


def _structured(rule, structured_rules, argnum, seed, node):
    """Apply a rule to a symbolic seed: the primitive's own structured rule if it has one
    that accepts this seed, else the seed's generic route (Structured.apply)."""
    if seed.has_structured_rules:
        special = structured_rules.get(argnum)
        if special is not None:
            out = special(seed, node.value, *node.args, **node.kwargs)
            if out is not NotImplemented:
                return out
    return seed.apply(rule, node.value, node.args, node.kwargs)


def _joint_applies(prim, node, tangents):
    """A primitive with per-argument rules as well uses its joint rule only where several
    dense tangents meet (add's t_x + t_y in one pass); a single or symbolic tangent goes
    through the per-argument rules, which keep its structure."""
    if not prim.jvps:
        return True
    count = 0
    for _, parent in node.parents:
        t = tangents[parent.index]
        if t is not None:
            if isinstance(t, Structured):
                return False
            count += 1
    return count > 1


def _joint_jvp(prim, node, tangents):
    per_arg = [None] * len(node.args)
    for argnum, parent in node.parents:
        t = tangents[parent.index]
        if isinstance(t, Structured):
            t = t.materialize()
        per_arg[argnum] = t
    if all(t is None for t in per_arg):
        return None
    return prim.joint_jvp(per_arg, node.value, *node.args, **node.kwargs)


def _structured_joint_jvp(prim, node, tangents):
    """The primitive's joint rule where several symbolic tangents meet and no dense one."""
    per_arg = [None] * len(node.args)
    count = 0
    for argnum, parent in node.parents:
        t = tangents[parent.index]
        if t is not None:
            if not isinstance(t, Structured):
                return NotImplemented
            per_arg[argnum] = t
            count += 1
    if count < 2:
        return NotImplemented
    return prim.seed_joint_jvp(per_arg, node.value, *node.args, **node.kwargs)


def derived_jvp(prim, argnum):
    """Hook for a rule derived from the other mode (installed by rules.py)."""
    raise missing_rule(prim, argnum, "jvp")


def derived_vjp(prim, argnum):
    raise missing_rule(prim, argnum, "vjp")


def fit_to_value(t, value):
    """Hook: the batched tangent or cotangent `t` of `value`, kept in value's space
    (installed by rules.py). A real value has real tangents and cotangents whatever the
    rules that produced them multiplied by: in
        f(x) = real(x * c) + 0j
    with a real x, the cotangent 1j of the complex output reaches real(x * c) as 1j, and
    only its real part, 0, may go on to x * c."""
    return t


# VJP rules that return their cotangent already in the argument's space (they project onto
# it themselves, as elementwise rules do when they undo broadcasting): the sweep skips
# fit_to_value for them, a call saved per node of every reverse sweep. Filled from above.
fitted_vjps = set()


def same_space(ans, value):
    """Hook: whether `ans` is a value of `value`'s space (type, shape, dtype); installed by
    rules.py. Until then no step shares a node."""
    return False


def set_same_space_hook(same):
    global same_space
    same_space = same


def set_fit_hook(fit):
    global fit_to_value
    fit_to_value = fit


def set_derivation_hooks(jvp_from_vjp, vjp_from_jvp):
    global derived_jvp, derived_vjp
    derived_jvp = jvp_from_vjp
    derived_vjp = vjp_from_jvp
