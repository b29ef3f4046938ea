"""autograd's `numpy.numpy_vjps`, for third-party primitives that reuse its helpers.

fastgrad.numpy's rules live with their functions (elementwise.py, reductions.py, ...)
and are batched. What clients import from here are autograd-style, unbatched pieces
for their own `defvjp` rules: the broadcasting helpers (`unbroadcast_f`, `unbroadcast`,
`match_complex`, `replace_zero`, `balanced_eq`, `repeat_to_match_shape`) and the VJP
makers of NumPy functions (`matmul_vjp_0`, `grad_np_sum`, ...). A VJP maker here is
fastgrad's own derivative of that fastgrad.numpy function, in autograd's calling
convention: `maker(ans, *args, **kwargs)` returns `g -> cotangent` (one trace of the
function per call of the maker). All of them are written with fastgrad.numpy, so a
client's rule built from them can be differentiated again.

Imports: the numpy namespace, extend, differential_operators, _autograd_core, _autograd_helpers.
"""

import numpy as _np

from ..extend import SparseObject, defvjp, defvjp_argnum, primitive, register_notrace, vspace
from .._autograd_helpers import vjp_maker, vjp_maker_argnum
from ..differential_operators import make_vjp
from ..util import func
from .._autograd_core import VJPNode
from .. import numpy as _fnp
from .boxes import ArrayBox
from .shape import concatenate_args

__all__ = [
    "unbroadcast_f", "unbroadcast", "unbroadcast_einsum", "match_complex", "replace_zero",
    "balanced_eq", "repeat_to_match_shape", "reverse_axis", "unpermuter", "untake",
    "wrapped_reshape", "nograd_functions", "np_abs_vjp", "np_conj_vjp", "grad_rollaxis", "grad_diff",
    "grad_gradient", "grad_repeat", "grad_tile", "grad_kron", "grad_transpose", "grad_broadcast_to",
    "grad_np_sum", "grad_np_mean", "grad_np_prod", "grad_np_var", "grad_np_std", "grad_chooser",
    "grad_np_cumsum", "grad_inner", "matmul_adjoint_0", "matmul_adjoint_1", "matmul_vjp_0",
    "matmul_vjp_1", "dot_adjoint_0", "dot_adjoint_1", "dot_vjp_0", "dot_vjp_1",
    "tensordot_adjoint_0", "tensordot_adjoint_1", "tensordot_vjp_0", "tensordot_vjp_1",
    "grad_concatenate_args", "grad_sort", "grad_partition", "grad_reshape_list", "grad_einsum",
    "array_from_args_gradmaker", "array_from_scalar_or_array_gradmaker", "pad_vjp",
    "ArrayBox", "SparseObject", "VJPNode", "defvjp", "defvjp_argnum", "primitive",
    "register_notrace", "vspace", "func",
]


# ---------------------------------------------------------------- broadcasting helpers

def metadata(A):
    return _np.shape(A), _np.ndim(A), _np.result_type(A), _np.iscomplexobj(A)


def match_complex(target, x):
    """x made real or complex to match target."""
    if _np.iscomplexobj(x) and not _np.iscomplexobj(target):
        return _fnp.real(x)
    if not _np.iscomplexobj(x) and _np.iscomplexobj(target):
        return x + 0j
    return x


def unbroadcast(x, target_meta, broadcast_idx=0):
    """x summed down to the shape in target_meta (shape, ndim, dtype, iscomplex): over the
    axes broadcasting added (at broadcast_idx) and those it stretched from 1; real if the
    target is real."""
    target_shape, target_ndim, _, target_iscomplex = target_meta
    while _np.ndim(x) > target_ndim:
        x = _fnp.sum(x, axis=broadcast_idx)
    for axis, size in enumerate(target_shape):
        if size == 1 and _np.shape(x)[axis] != 1:
            x = _fnp.sum(x, axis=axis, keepdims=True)
    if _np.iscomplexobj(x) and not target_iscomplex:
        x = _fnp.real(x)
    return x


def unbroadcast_f(target, f):
    """g -> f(g) unbroadcast to target's shape: the usual tail of a VJP of an argument
    that was broadcast against others."""
    target_meta = metadata(target)
    return lambda g: unbroadcast(f(g), target_meta)


def unbroadcast_einsum(x, target_meta, subscript):
    if Ellipsis not in subscript:
        return x
    if subscript[0] == Ellipsis:
        return unbroadcast(x, target_meta, 0)
    if subscript[-1] == Ellipsis:
        return unbroadcast(x, target_meta, -1)
    return unbroadcast(x, target_meta, subscript.index(Ellipsis))


def balanced_eq(x, z, y):
    """Where x equals z, 1 (or 1/2 where x also equals y): how max and min share a tie."""
    return (x == z) / (1.0 + (x == y))


def replace_zero(x, val):
    """x with its zeros replaced by val."""
    return _fnp.where(x, x, val)


def repeat_to_match_shape(g, shape, dtype, axis, keepdims):
    """(g broadcast back over the reduced `axis` to `shape`, the number of repetitions)."""
    if shape == ():
        return g, 1
    axes = list(axis) if isinstance(axis, tuple) else axis
    new_shape = _np.array(shape)
    new_shape[axes] = 1
    num_reps = _np.prod(_np.array(shape)[axes])
    return _fnp.reshape(g, tuple(int(s) for s in new_shape)) + _np.zeros(shape, dtype=dtype), num_reps


def reverse_axis(x, axis):
    return _fnp.flip(x, axis)


def unpermuter(g, permutation):
    """g[inverse of permutation]."""
    unsort = _np.zeros(len(permutation), dtype=int)
    unsort[permutation] = _np.arange(len(permutation))
    return g[unsort]


def untake(x, idx, vs):
    """Zeros of the space vs with x added at idx (repeated indices accumulate): the VJP of
    indexing. autograd returns a sparse object; fastgrad returns the dense array."""
    if isinstance(idx, list) and (len(idx) == 0 or not isinstance(idx[0], slice)):
        idx = _np.array(idx, dtype="int64")
    return make_vjp(lambda A: A[idx], 0)(vs.zeros())[0](x)


def wrapped_reshape(x, *args, **kwargs):
    """x.reshape(5, 4) as well as x.reshape((5, 4))."""
    if isinstance(args[0], int):
        return _fnp.reshape(x, args, **kwargs)
    return _fnp.reshape(x, *args, **kwargs)


_NOGRAD_NAMES = (
    "floor", "ceil", "round", "rint", "around", "fix", "trunc", "all", "any", "argmax", "argmin",
    "argpartition", "argsort", "argwhere", "nonzero", "flatnonzero", "count_nonzero", "searchsorted",
    "sign", "ndim", "shape", "floor_divide", "logical_and", "logical_or", "logical_not",
    "logical_xor", "isfinite", "isinf", "isnan", "isneginf", "isposinf", "allclose", "isclose",
    "array_equal", "array_equiv", "greater", "greater_equal", "less", "less_equal", "equal",
    "not_equal", "iscomplexobj", "iscomplex", "size", "isscalar", "isreal", "zeros_like",
    "ones_like", "empty_like", "full_like", "result_type",
)
# The functions whose output carries no derivative (those fastgrad.numpy has).
nograd_functions = [getattr(_fnp, name) for name in _NOGRAD_NAMES if hasattr(_fnp, name)]


# ---------------------------------------------------------------- VJP makers of NumPy functions

np_abs_vjp = vjp_maker(_fnp.abs, 0, "abs_vjp_0")
np_conj_vjp = vjp_maker(_fnp.conj, 0, "conj_vjp_0")
grad_rollaxis = vjp_maker(_fnp.rollaxis, 0, "rollaxis_vjp_0")
grad_diff = vjp_maker(_fnp.diff, 0, "diff_vjp_0")
grad_gradient = vjp_maker(_fnp.gradient, 0, "gradient_vjp_0")
grad_repeat = vjp_maker(_fnp.repeat, 0, "repeat_vjp_0")
grad_tile = vjp_maker(_fnp.tile, 0, "tile_vjp_0")
grad_kron = vjp_maker_argnum(_fnp.kron, "kron_vjp")
grad_transpose = vjp_maker(_fnp.transpose, 0, "transpose_vjp_0")
grad_broadcast_to = vjp_maker(_fnp.broadcast_to, 0, "broadcast_to_vjp_0")
grad_np_sum = vjp_maker(_fnp.sum, 0, "sum_vjp_0")
grad_np_mean = vjp_maker(_fnp.mean, 0, "mean_vjp_0")
grad_np_prod = vjp_maker(_fnp.prod, 0, "prod_vjp_0")
grad_np_var = vjp_maker(_fnp.var, 0, "var_vjp_0")
grad_np_std = vjp_maker(_fnp.std, 0, "std_vjp_0")
grad_np_cumsum = vjp_maker(_fnp.cumsum, 0, "cumsum_vjp_0")
grad_inner = vjp_maker_argnum(_fnp.inner, "inner_vjp")
matmul_vjp_0 = vjp_maker(_fnp.matmul, 0, "matmul_vjp_0")
matmul_vjp_1 = vjp_maker(_fnp.matmul, 1, "matmul_vjp_1")
dot_vjp_0 = vjp_maker(_fnp.dot, 0, "dot_vjp_0")
dot_vjp_1 = vjp_maker(_fnp.dot, 1, "dot_vjp_1")
tensordot_vjp_0 = vjp_maker(_fnp.tensordot, 0, "tensordot_vjp_0")
tensordot_vjp_1 = vjp_maker(_fnp.tensordot, 1, "tensordot_vjp_1")
grad_sort = vjp_maker(_fnp.sort, 0, "sort_vjp_0")
grad_partition = vjp_maker(_fnp.partition, 0, "partition_vjp_0")
pad_vjp = vjp_maker(_fnp.pad, 0, "pad_vjp_0")


def grad_chooser(ans, x, axis=None, keepdims=None, **kwargs):
    """The VJP of max and min: g shared equally among the positions that attain ans."""
    shape, dtype = _np.shape(x), _np.result_type(x)

    def vjp(g):
        g_repeated, _ = repeat_to_match_shape(g, shape, dtype, axis, keepdims)
        chosen = x == repeat_to_match_shape(ans, shape, dtype, axis, keepdims)[0]
        return g_repeated * chosen / _np.sum(chosen, axis=axis, keepdims=True)

    return vjp


def grad_concatenate_args(argnum, ans, axis_args, kwargs):
    return make_vjp(concatenate_args, argnum)(*axis_args)[0]


def grad_einsum(argnum, ans, operands_, kwargs):
    return make_vjp(_fnp.einsum, argnum)(*operands_, **kwargs)[0]


def grad_reshape_list(ans, *arys):
    if len(arys) > 1:
        raise NotImplementedError("Can't handle multiple arguments yet.")
    return lambda g: _fnp.reshape(g, _np.shape(arys[0]))


def array_from_args_gradmaker(argnum, ans, args, kwargs):
    return lambda g: g[argnum - 2]


def array_from_scalar_or_array_gradmaker(ans, array_args, array_kwargs, scarray):
    ndmin = array_kwargs.get("ndmin", 0)
    scarray_ndim = _np.ndim(scarray)
    if ndmin > scarray_ndim:
        return lambda g: _fnp.squeeze(g, axis=tuple(range(ndmin - scarray_ndim)))
    return lambda g: g


# ---------------------------------------------------------------- adjoints of the products
# adjoint_0(B, G, ...) is the cotangent of A in A . B for the output cotangent G (and
# adjoint_1 that of B): the products are linear, so it is their VJP at any A.

def _linear_vjp(fun, argnum, args, shape, dtype, G):
    args = list(args)
    args[argnum] = _np.zeros(shape, dtype=_np.result_type(dtype, float))
    return make_vjp(fun, argnum)(*args)[0](G)


def matmul_adjoint_0(B, G, A_meta, B_ndim):
    return _linear_vjp(_fnp.matmul, 0, (None, B), A_meta[0], A_meta[2], G)


def matmul_adjoint_1(A, G, A_ndim, B_meta):
    return _linear_vjp(_fnp.matmul, 1, (A, None), B_meta[0], B_meta[2], G)


def dot_adjoint_0(B, G, A_meta, B_meta):
    return _linear_vjp(_fnp.dot, 0, (None, B), A_meta[0], A_meta[2], G)


def dot_adjoint_1(A, G, A_meta, B_meta):
    return _linear_vjp(_fnp.dot, 1, (A, None), B_meta[0], B_meta[2], G)


def _tensordot_axes(axes, A_ndim, B_ndim):
    if isinstance(axes, int):
        return list(range(A_ndim - axes, A_ndim)), list(range(axes))
    a_axes, b_axes = axes
    a_axes = [a_axes] if isinstance(a_axes, int) else list(a_axes)
    b_axes = [b_axes] if isinstance(b_axes, int) else list(b_axes)
    return [a % A_ndim for a in a_axes], [b % B_ndim for b in b_axes]


def _operand_shape(ndim, summed, free_dims, other_shape, other_summed):
    shape, free = [None] * ndim, iter(free_dims)
    for axis, other_axis in zip(summed, other_summed):
        shape[axis] = other_shape[other_axis]
    return tuple(next(free) if s is None else s for s in shape)


def tensordot_adjoint_0(B, G, axes, A_ndim, B_ndim):
    a_axes, b_axes = _tensordot_axes(axes, A_ndim, B_ndim)
    free = _np.shape(G)[:A_ndim - len(a_axes)]
    shape = _operand_shape(A_ndim, a_axes, free, _np.shape(B), b_axes)
    return _linear_vjp(lambda A, B: _fnp.tensordot(A, B, axes), 0, (None, B), shape,
                       _np.result_type(B, G), G)


def tensordot_adjoint_1(A, G, axes, A_ndim, B_ndim):
    a_axes, b_axes = _tensordot_axes(axes, A_ndim, B_ndim)
    free = _np.shape(G)[A_ndim - len(a_axes):]
    shape = _operand_shape(B_ndim, b_axes, free, _np.shape(A), a_axes)
    return _linear_vjp(lambda A, B: _fnp.tensordot(A, B, axes), 1, (A, None), shape,
                       _np.result_type(A, G), G)
