"""autograd's `numpy.numpy_jvps`, for third-party primitives that reuse its helpers.

`broadcast(x, target)` (a tangent broadcast up to target's shape, for a client's own
`defjvp` rule) and autograd-style, unbatched JVPs of NumPy functions: each is
fastgrad's own forward derivative of that fastgrad.numpy function in autograd's
calling convention, `jvp(g, ans, *args, **kwargs)`.

Imports: the numpy namespace, numpy_vjps, extend, differential_operators, _autograd_core.
"""

import numpy as _np

from ..engine import getval
from ..extend import def_linear, defjvp, defjvp_argnum, register_notrace, vspace
from ..util import func
from .._autograd_core import JVPNode
from .. import numpy as _fnp
from .boxes import ArrayBox
from .numpy_vjps import (balanced_eq, dot_adjoint_0, dot_adjoint_1, match_complex, metadata,
                         nograd_functions, replace_zero, tensordot_adjoint_0, tensordot_adjoint_1, untake)
from .shape import concatenate_args

__all__ = [
    "broadcast", "atleast_jvpmaker", "np_abs_jvp", "np_conj_jvp", "forward_grad_np_var",
    "forward_grad_np_std", "fwd_grad_chooser", "fwd_grad_concatenate_args", "fwd_grad_sort",
    "fwd_grad_partition", "balanced_eq", "match_complex", "replace_zero", "untake",
    "dot_adjoint_0", "dot_adjoint_1", "tensordot_adjoint_0", "tensordot_adjoint_1",
    "nograd_functions", "ArrayBox", "JVPNode", "def_linear", "defjvp", "defjvp_argnum",
    "register_notrace", "vspace", "func",
]


def broadcast(x, target):
    """x broadcast to target's shape (complex if target is)."""
    target_shape, _, _, target_iscomplex = metadata(target)
    x = _fnp.broadcast_to(x, target_shape)
    if target_iscomplex and not _np.iscomplexobj(x):
        x = x + 0j
    return x


def _jvp_of(name, argnum):
    """autograd's JVP for argument `argnum` of fastgrad.numpy.<name>."""
    def jvp(g, ans, *args, **kwargs):
        from ..differential_operators import make_jvp

        return make_jvp(getattr(_fnp, name), argnum)(*args, **kwargs)(g)[1]
    jvp.__name__ = f"{name}_jvp_{argnum}"
    return jvp


np_abs_jvp = _jvp_of("abs", 0)
np_conj_jvp = _jvp_of("conj", 0)
forward_grad_np_var = _jvp_of("var", 0)
forward_grad_np_std = _jvp_of("std", 0)
fwd_grad_sort = _jvp_of("sort", 0)
fwd_grad_partition = _jvp_of("partition", 0)


def atleast_jvpmaker(fun):
    def jvp(g, ans, *arys):
        if len(arys) > 1:
            raise NotImplementedError("Can't handle multiple arguments yet.")
        return fun(g)
    return jvp


def fwd_grad_chooser(g, ans, x, axis=None, keepdims=False, **kwargs):
    """The JVP of max and min: the mean of g over the positions that attain ans."""
    if _np.isscalar(x):
        return g
    if not keepdims:
        for ax in sorted((axis,) if isinstance(axis, int) else axis or ()):
            ans = _fnp.expand_dims(ans, ax)
    chosen = x == ans
    return (_fnp.sum(g * chosen, axis=axis, keepdims=keepdims)
            / _np.sum(chosen, axis=axis, keepdims=keepdims))


def fwd_grad_concatenate_args(argnum, g, ans, axis_args, kwargs):
    parts = [g if i == argnum else _np.zeros_like(_np.asarray(getval(axis_args[i])))
             for i in range(1, len(axis_args))]
    return concatenate_args(axis_args[0], *parts)
