"""Helpers shared by the composed families: finding traced values inside arguments,
and handing calls with no traced value (or with `out=`) to NumPy unchanged."""

import functools

import numpy as _np

from ..base import traced_array
from ..engine import Box


def contains_box(obj):
    """True if obj is a traced value or a list, tuple or dict holding one."""
    if isinstance(obj, Box):
        return True
    if isinstance(obj, (list, tuple)):
        return any(contains_box(item) for item in obj)
    if isinstance(obj, dict):
        return any(contains_box(item) for item in obj.values())
    return False


def numpy_when_plain(np_fun):
    """Decorate a composed function so a call with no traced argument is NumPy's own
    (same values, dtypes and views); a traced call runs the composition."""
    def decorate(fun):
        @functools.wraps(fun)
        def wrapper(*args, **kwargs):
            if contains_box(args) or contains_box(kwargs):
                return fun(*args, **kwargs)
            return np_fun(*args, **kwargs)
        return wrapper
    return decorate


def refusing_traced(fun, message, name=None):
    """`fun` for plain values; a call with a traced argument raises TypeError(message), so a
    function without a derivative never drops one silently. Marked non-differentiable."""
    @functools.wraps(fun)
    def wrapper(*args, **kwargs):
        if contains_box(args) or contains_box(kwargs):
            raise TypeError(message)
        return fun(*args, **kwargs)

    if name is not None:
        wrapper.__name__ = name
    wrapper.nondifferentiable = True
    return wrapper


def writes_in_place(np_fun):
    """NumPy's function that writes into its first argument, for plain arrays only: a
    traced value is immutable, so a traced argument raises a TypeError naming a
    functional alternative."""
    return refusing_traced(np_fun, (
        f"numpy.{np_fun.__name__} writes into an array in place, which fastgrad cannot differentiate "
        "(traced values are immutable). Build the new array instead, for example with "
        "np.where(mask, values, x), np.concatenate or np.stack."))


def _parameters(np_fun):
    """NumPy's function's parameters as inspect.Parameter objects, or None if unknown.
    NumPy's C functions carry a signature object from NumPy 2.1; on NumPy 2.0 the first
    line of their docstring, `dot(a, b, out=None)`, is the only statement of it."""
    import ast
    import inspect
    import re

    try:
        return list(inspect.signature(np_fun).parameters.values())
    except (TypeError, ValueError):
        pass
    head = re.match(r"\w+\(", (getattr(np_fun, "__doc__", None) or "").lstrip())
    if head is None:
        return None
    text, depth = head.string[head.end():], 1
    for end, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            break
    # `concatenate((a1, a2, ...), axis=0, out=None)`: a tuple stands for one argument.
    inner = re.sub(r"\([^()]*\)", "_", text[:end])
    try:
        args = ast.parse(f"def f({inner}): pass").body[0].args
    except SyntaxError:
        return None
    P = inspect.Parameter
    return ([P(a.arg, P.POSITIONAL_ONLY) for a in args.posonlyargs]
            + [P(a.arg, P.POSITIONAL_OR_KEYWORD) for a in args.args]
            + [P(a.arg, P.KEYWORD_ONLY) for a in args.kwonlyargs])


def _out_position(np_fun):
    """The index at which np_fun takes `out` positionally, or None (keyword only)."""
    if isinstance(np_fun, _np.ufunc):
        return np_fun.nin
    params = _parameters(np_fun) or []
    for i, p in enumerate(params):
        if p.name == "out":
            return i if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) else None
    return None


def takes_out(np_fun):
    """True if NumPy's function has an `out` parameter."""
    if isinstance(np_fun, _np.ufunc):
        return True
    return any(p.name == "out" for p in _parameters(np_fun) or ())


def writing_out(fun, np_fun, name):
    """fun, except that a call given `out` is NumPy's own on plain values (it writes `out`
    and returns what NumPy returns), and raises TypeError on traced ones: a traced value
    cannot be written into an array."""
    pos = _out_position(np_fun)

    @functools.wraps(fun, assigned=("__module__", "__name__", "__qualname__", "__doc__"), updated=())
    def wrapper(*args, **kwargs):
        if kwargs.get("out") is None and (pos is None or len(args) <= pos or args[pos] is None):
            return fun(*args, **kwargs)
        if contains_box(args) or contains_box(kwargs):
            raise TypeError(f"{name} with out= on a traced value: fastgrad cannot trace writes into an array; "
                            "use the returned value instead")
        return np_fun(*args, **kwargs)

    wrapper.__wrapped__ = fun
    if getattr(fun, "nondifferentiable", False):
        wrapper.nondifferentiable = True
    return wrapper


def as_traced_array(a):
    """a, or, where a is a list or tuple holding traced values, the one traced array NumPy
    would make of it (as np.asarray makes an array_like into an array)."""
    if (type(a) is list or type(a) is tuple) and contains_box(a):
        return traced_array(a)
    return a


def takes_array_like(fun):
    """A composed function whose list and tuple arguments are all array_like: each one that
    holds traced values is made one traced array before fun sees it, as primitives do
    (core.Primitive.array_from_list), so np.std([x, x + 2]) is differentiated."""
    @functools.wraps(fun)
    def wrapper(*args, **kwargs):
        for arg in args:
            if type(arg) is list or type(arg) is tuple:
                args = tuple(as_traced_array(a) for a in args)
                break
        if kwargs:
            kwargs = {k: as_traced_array(v) for k, v in kwargs.items()}
        return fun(*args, **kwargs)

    return wrapper
