"""autograd's `wrap_util`: turning a unary operator into one with an `argnum`, and naming the result.

fastgrad's own operators take `argnum` directly (differential_operators.py);
this module serves clients that build their own operators the autograd way:

    @unary_to_nary
    def my_grad(fun, x):
        vjp, ans = make_vjp(fun, x)        # fastgrad.core.make_vjp, unary
        return vjp(vspace(ans).ones())

    my_grad(f, argnum=1)(a, b)

Imports: tree only.
"""

from .tree import subvals

__all__ = ["unary_to_nary", "wraps", "wrap_nary_f", "get_name", "get_doc", "subvals"]


def get_name(f):
    return getattr(f, "__name__", "[unknown name]")


def get_doc(f):
    return getattr(f, "__doc__", "")


def wraps(fun, namestr="{fun}", docstr="{doc}", **kwargs):
    """A decorator giving the decorated function a name and docstring made from `fun`'s
    (formatted with `fun`, `doc` and `kwargs`); objects that refuse new attributes are left as they are."""
    def decorate(f):
        try:
            f.__name__ = namestr.format(fun=get_name(fun), **kwargs)
            f.__doc__ = docstr.format(fun=get_name(fun), doc=get_doc(fun), **kwargs)
        except Exception:
            pass
        return f
    return decorate


def wrap_nary_f(fun, op, argnum):
    namestr = "{op}_of_{fun}_wrt_argnum_{argnum}"
    docstr = ("    {op} of function {fun} with respect to argument number {argnum}. Takes the\n"
              "    same arguments as {fun} but returns the {op}.\n")
    return wraps(fun, namestr, docstr, op=get_name(op), argnum=argnum)


def unary_to_nary(unary_operator):
    """From `unary_operator(fun, x, *op_args, **op_kwargs)` make
    `nary_operator(fun, argnum=0, *op_args, **op_kwargs)`, whose result takes fun's
    arguments and applies the unary operator to fun as a function of args[argnum]
    (a tuple of arguments when argnum is a tuple or list)."""
    @wraps(unary_operator)
    def nary_operator(fun, argnum=0, *nary_op_args, **nary_op_kwargs):
        if type(argnum) not in (int, tuple, list):
            raise TypeError(f"argnum must be an int, a tuple or a list of ints, not {argnum!r}")

        @wrap_nary_f(fun, unary_operator, argnum)
        def nary_f(*args, **kwargs):
            @wraps(fun)
            def unary_f(x):
                if isinstance(argnum, int):
                    call_args = subvals(args, [(argnum, x)])
                else:
                    call_args = subvals(args, zip(argnum, x))
                return fun(*call_args, **kwargs)

            if isinstance(argnum, int):
                x = args[argnum]
            else:
                x = tuple(args[i] for i in argnum)
            return unary_operator(unary_f, x, *nary_op_args, **nary_op_kwargs)

        return nary_f

    return nary_operator
