"""autograd's `numpy.numpy_wrapper`, for the clients that import it: the functions of
fastgrad.numpy (every name it has is served from there), plus autograd's helpers
that live in this module (wrap_namespace, metadata, make_diagonal, concatenate_args,
array_from_args, r_class and c_class, ...).

Imports: the numpy namespace, extend.
"""

import builtins as _py

import numpy as _np

from .. import numpy as _fnp
from ..engine import Box, getval
from ..extend import notrace_primitive, primitive
from .shape import concatenate_args  # noqa: F401  (autograd's module exports it)

numpy_version = _np.__version__

# autograd's `from numpy_wrapper import *` namespace: fastgrad.numpy's public names (which
# shadow Python's any, all, sum, round, ... here: this module uses them as _py.any etc.).
for _name in _fnp.__all__:
    if _name not in _fnp._AUTOGRAD_STAR_EXTRAS:
        globals()[_name] = getattr(_fnp, _name)

notrace_functions = [_np.ndim, _np.shape, _np.iscomplexobj, _np.result_type]


def wrap_intdtype(cls):
    """An integer scalar type whose constructor takes plain values out of traced ones."""
    class IntdtypeSubclass(cls):
        __new__ = notrace_primitive(cls.__new__)
    return IntdtypeSubclass


def wrap_namespace(old, new):
    """Copy a namespace (a module's __dict__) into `new` with its functions made primitives,
    as autograd builds its numpy: shape queries untraced, integer types with untraced
    constructors, plain constants unchanged, other objects left out. Primitives made this
    way have no rules until the client defines them."""
    unchanged_types = {_py.float, _py.int, _py.type(None), _py.type}
    int_types = {_np.int8, _np.int16, _np.int32, _np.int64, _np.integer}
    wrapped_by_id = {}
    for name, obj in old.items():
        if _py.id(obj) in wrapped_by_id:
            new[name] = wrapped_by_id[_py.id(obj)]
            continue
        if _py.any(obj is f for f in notrace_functions):
            wrapped = notrace_primitive(obj)
        elif _py.callable(obj) and _py.type(obj) is not _py.type:
            wrapped = primitive(obj)
        elif _py.type(obj) is _py.type and obj in int_types:
            wrapped = wrap_intdtype(obj)
        elif _py.type(obj) in unchanged_types:
            new[name] = obj
            continue
        else:
            continue
        new[name] = wrapped
        wrapped_by_id[_py.id(obj)] = wrapped


def metadata(A):
    """(shape, ndim, dtype, iscomplex) of A, traced or not."""
    A = getval(A)
    return _np.shape(A), _np.ndim(A), _np.result_type(A), _np.iscomplexobj(A)


def parse_einsum_input(*args):
    """NumPy's parsing of einsum's arguments: (input subscripts, output subscripts, operands)."""
    try:
        from numpy._core.einsumfunc import _parse_einsum_input
    except ImportError:
        from numpy.core.einsumfunc import _parse_einsum_input
    return _parse_einsum_input(_py.tuple(getval(a) for a in args))


def array_from_args(array_args, array_kwargs, *args):
    """np.array(args, *array_args, **array_kwargs), traced through its items."""
    return _fnp.array(_py.list(args), *array_args, **array_kwargs)


# autograd's own box methods and some of its clients call the private `_astype`.
def _astype(A, dtype, *args, **kwargs):
    return _fnp.astype(A, dtype)


def wrap_if_boxes_inside(raw_array, slow_op_name=None):
    """An object array holding traced values as one traced array (others unchanged)."""
    if raw_array.dtype is _np.dtype("O"):
        return _fnp.reshape(array_from_args((), {}, *raw_array.ravel()), raw_array.shape)
    return raw_array


# autograd's np.r_ and np.c_ (and their classes) are fastgrad.numpy's, which take traced pieces.
r_ = _fnp.r_
c_ = _fnp.c_
r_class = type(r_)
c_class = type(c_)


def make_diagonal(D, offset=0, axis1=0, axis2=1):
    """Arrays with D on the diagonal of the last two axes (shape D.shape + D.shape[-1:]);
    autograd supports only offset=0, axis1=-1, axis2=-2, and so does fastgrad."""
    if not (offset == 0 and axis1 == -1 and axis2 == -2):
        raise NotImplementedError("make_diagonal supports only offset=0, axis1=-1, axis2=-2")
    n = _np.shape(D)[-1]
    return _fnp.expand_dims(D, -1) * _np.eye(n)


def __getattr__(name):
    value = getattr(_fnp, name, None)
    if value is None or name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return value
