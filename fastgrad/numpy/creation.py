"""Array creation and conversion: `array` of traced values, `astype`, and the
constructors that take no traced input (zeros, linspace, ...), passed through.
"""

import numpy as _np

from ..core import Box, getval
from ..rules import Primitive, defrules, nondifferentiable

__all__ = [
    "array",
    "asarray",
    "asanyarray",
    "ascontiguousarray",
    "astype",
    "zeros",
    "ones",
    "empty",
    "full",
    "eye",
    "identity",
    "arange",
    "linspace",
    "logspace",
    "geomspace",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "meshgrid",
    "indices",
    "tri",
    "copy",
    "result_type",
    "iscomplexobj",
    "isrealobj",
    "isscalar",
]



def _contains_box(obj):
    if isinstance(obj, Box):
        return True
    if isinstance(obj, (list, tuple)):
        return any(_contains_box(item) for item in obj)
    return False


def _array_from(obj):
    if isinstance(obj, (list, tuple)):
        return stack([_array_from(item) for item in obj])
    return obj


def array(object, dtype=None, copy=True, order="K", ndmin=0, **kwargs):
    """Like numpy.array; a (nested) list of traced values becomes a traced array."""
    if isinstance(object, Box):
        out = object if dtype is None else astype(object, dtype)
    elif _contains_box(object):
        out = _array_from(object)
        if dtype is not None:
            out = astype(out, dtype)
    else:
        return _np.array(object, dtype=dtype, copy=copy, order=order, ndmin=ndmin)
    if _np.ndim(out) < ndmin:
        out = reshape(out, (1,) * (ndmin - _np.ndim(out)) + _np.shape(out))
    return out


def asarray(a, dtype=None, order=None, **kwargs):
    if isinstance(a, Box) or _contains_box(a):
        return array(a, dtype=dtype)
    return _np.asarray(a, dtype=dtype, order=order)


asanyarray = asarray
ascontiguousarray = asarray


def _cast(x, dtype):
    return _np.asarray(x).astype(dtype)


def _cast_back(g, x):
    out = _cast(g, _np.result_type(getval(x)))
    return out


_astype = defrules(
    Primitive(_cast, "astype"),
    jvp=[lambda t, ans, x, dtype: _astype(t, dtype)],
    vjp=[lambda g, ans, x, dtype: _astype(real(g) if not _np.iscomplexobj(x) else g, _np.result_type(getval(x)))],
)


def astype(x, dtype, **kwargs):
    """x cast to dtype; a cast to an integer or boolean type carries no derivative."""
    if _np.dtype(dtype).kind not in "fc":
        return _np.asarray(getval(x)).astype(dtype)
    return _astype(x, dtype)


zeros = _np.zeros
ones = _np.ones
empty = _np.empty
full = _np.full
eye = _np.eye
identity = _np.identity
arange = _np.arange
linspace = _np.linspace
logspace = _np.logspace
geomspace = _np.geomspace
zeros_like = nondifferentiable(_np.zeros_like)
ones_like = nondifferentiable(_np.ones_like)
empty_like = nondifferentiable(_np.empty_like)
full_like = nondifferentiable(_np.full_like)
meshgrid = nondifferentiable(_np.meshgrid)
indices = _np.indices
tri = _np.tri
copy = lambda a, **kwargs: a if isinstance(a, Box) else _np.copy(a, **kwargs)  # noqa: E731
result_type = nondifferentiable(_np.result_type)
iscomplexobj = nondifferentiable(_np.iscomplexobj)
isrealobj = nondifferentiable(_np.isrealobj)
isscalar = nondifferentiable(_np.isscalar)

from .elementwise import real  # noqa: E402
from .shape import reshape, stack  # noqa: E402
