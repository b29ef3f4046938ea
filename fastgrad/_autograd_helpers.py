"""Builders of autograd's helper names (grad_* makers, partial-derivative formulas), on
fastgrad's own rules. Part of the compatibility façade.

autograd's numpy and scipy modules define their derivative rules next to the functions
and leave the helpers in the module namespace, where some clients import them. fastgrad's rules
live in its primitives; these builders give each helper autograd's calling convention
on top of them, so a helper always agrees with the derivative fastgrad computes:
  vjp_maker(fun, argnum)   maker(ans, *args, **kwargs) -> (g -> cotangent of args[argnum])
  vjp_maker_argnum(fun)    maker(argnum, ans, *args, **kwargs), autograd's argnum-first form
  jvp_rule(fun, argnum)    jvp(g, ans, *args, **kwargs) -> tangent of the output
  elementwise_partial(fun, argnum)
                           for an elementwise fun: (*args) -> d fun / d args[argnum], one
                           entry per output element (autograd's grad_*_logpdf formulas)
Each maker traces `fun` once per call; the result can be differentiated again.

Imports the engine and the differential operators.
"""

import numpy as _onp

from .engine import isbox
from .differential_operators import make_jvp, make_vjp


def vjp_maker(fun, argnum, name=None):
    def maker(ans, *args, **kwargs):
        return make_vjp(fun, argnum)(*args, **kwargs)[0]

    maker.__name__ = name or f"grad_{getattr(fun, '__name__', 'function')}"
    return maker


def vjp_maker_argnum(fun, name=None):
    def maker(argnum, ans, *args, **kwargs):
        return make_vjp(fun, argnum)(*args, **kwargs)[0]

    maker.__name__ = name or f"grad_{getattr(fun, '__name__', 'function')}"
    return maker


def jvp_rule(fun, argnum, name=None):
    def jvp(g, ans, *args, **kwargs):
        return make_jvp(fun, argnum)(*args, **kwargs)(g)[1]

    jvp.__name__ = name or f"fwd_grad_{getattr(fun, '__name__', 'function')}"
    return jvp


def elementwise_partial(fun, argnum, name=None):
    def partial(*args, **kwargs):
        args = list(args)
        args[argnum] = _as_float(args[argnum])
        ones = _onp.ones(_onp.shape(args[argnum]))
        return make_jvp(fun, argnum)(*args, **kwargs)(ones)[1]

    partial.__name__ = name or f"partial_{getattr(fun, '__name__', 'function')}_{argnum}"
    partial.__doc__ = (f"The partial derivative of {getattr(fun, '__name__', 'the function')} with respect "
                       f"to argument {argnum}, elementwise (the shape of the output).")
    return partial


def _as_float(x):
    if isbox(x):
        return x
    x = _onp.asarray(x)
    return x if x.dtype.kind in "fc" else x.astype(float)
