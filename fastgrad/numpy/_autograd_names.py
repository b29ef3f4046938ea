"""autograd's helper names in its numpy modules, attached to fastgrad's modules of the
same path. Part of the compatibility façade: nothing in fastgrad uses these names; they
exist because autograd's clients import them (`from autograd.numpy.linalg import
grad_solve`, `autograd.numpy.numpy_boxes`, `from autograd.numpy import *`).

Each helper is built on fastgrad's own rules, so it agrees with the derivative fastgrad
computes. fastgrad's package `__init__` imports this module last, after every module
it attaches to.
Imports: the numpy families, the operators and the other façade modules.
"""

from .. import builtins, extend
from .._autograd_helpers import jvp_rule, vjp_maker, vjp_maker_argnum
from ..differential_operators import make_vjp
from . import fft, linalg, random
from . import numpy_boxes, numpy_jvps, numpy_vjps, numpy_vspaces, numpy_wrapper
from .. import numpy as _namespace


def _attach(module, **names):
    for name, value in names.items():
        setattr(module, name, value)


# ---------------------------------------------------------------- numpy.linalg

_attach(
    linalg,
    grad_inv=vjp_maker(linalg.inv, 0),
    grad_pinv=vjp_maker(linalg.pinv, 0),
    grad_cholesky=vjp_maker(linalg.cholesky, 0),
    grad_eig=vjp_maker(linalg.eig, 0),
    grad_eigh=vjp_maker(linalg.eigh, 0),
    grad_svd=vjp_maker(linalg.svd, 0),
    norm_vjp=vjp_maker(linalg.norm, 0, name="norm_vjp"),
    grad_solve=vjp_maker_argnum(linalg.solve, name="grad_solve"),
    norm_jvp=jvp_rule(linalg.norm, 0, name="norm_jvp"),
    defjvp=extend.defjvp,
    defvjp=extend.defvjp,
    wrap_namespace=numpy_wrapper.wrap_namespace,
)


# ---------------------------------------------------------------- numpy.fft

def _vjp_at(fun, x, *args, **kwargs):
    return make_vjp(fun)(x, *args, **kwargs)[0]


def fft_grad(get_args, fft_fun, ans, x, *args, **kwargs):
    get_args(x, *args, **kwargs)
    return _vjp_at(fft_fun, x, *args, **kwargs)


# The transform whose VJP autograd's rfft_grad and irfft_grad stand for.
_FORWARD_OF = {"irfft": fft.rfft, "irfft2": fft.rfft2, "irfftn": fft.rfftn,
               "rfft": fft.irfft, "rfft2": fft.irfft2, "rfftn": fft.irfftn}


def rfft_grad(get_args, irfft_fun, ans, x, *args, **kwargs):
    get_args(x, *args, **kwargs)
    return _vjp_at(_FORWARD_OF[irfft_fun.__name__], x, *args, **kwargs)


def irfft_grad(get_args, rfft_fun, ans, x, *args, **kwargs):
    get_args(x, *args, **kwargs)
    return _vjp_at(_FORWARD_OF[rfft_fun.__name__], x, *args, **kwargs)


_attach(
    fft,
    fft_grad=fft_grad,
    rfft_grad=rfft_grad,
    irfft_grad=irfft_grad,
    defvjp=extend.defvjp,
    primitive=extend.primitive,
    vspace=extend.vspace,
    wrap_namespace=numpy_wrapper.wrap_namespace,
    match_complex=numpy_vjps.match_complex,
)


# ---------------------------------------------------------------- numpy.random and numpy

_attach(random, wrap_namespace=numpy_wrapper.wrap_namespace)

# autograd.numpy also holds autograd's own helpers (Box, primitive, make_diagonal,
# wrap_namespace, ...), defined in its numpy_wrapper, and `builtins`.
_attach(_namespace, builtins=builtins,
        **{name: getattr(numpy_wrapper, name) for name in _namespace.AUTOGRAD_HELPERS})
del numpy_boxes, numpy_jvps, numpy_vspaces  # (imported so that they are attributes of the namespace)
