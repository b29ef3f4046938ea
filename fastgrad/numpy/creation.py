"""Array creation and conversion: `array` of traced values, `astype`; linspace,
logspace, geomspace, full, full_like, meshgrid and kaiser, differentiable in their
value arguments (start and stop, the fill value, the coordinates, beta); and the
constructors that take no traced input (zeros, arange, eye, windows, ...) and the
queries about types and memory, passed through.
"""

import numpy as _np

from ..base import defrules, traced_array
from ..engine import Box, getval, Primitive
from ..rules import nondifferentiable
from ._plain import contains_box
from .elementwise import i0, log10, power, real
from .shape import broadcast_arrays, broadcast_to, concatenate, expand_dims, moveaxis, reshape


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
    "asfortranarray",
    "asarray_chkfinite",
    "require",
    "asmatrix",
    "bmat",
    "bartlett",
    "blackman",
    "hamming",
    "hanning",
    "kaiser",
    "fromfile",
    "fromregex",
    "from_dlpack",
    "iterable",
    "isfortran",
    "may_share_memory",
    "shares_memory",
    "min_scalar_type",
    "mintypecode",
    "common_type",
    "typename",
]


def array(object, dtype=None, copy=True, order="K", ndmin=0, **kwargs):
    """Like numpy.array; a (nested) list of traced values becomes a traced array."""
    if isinstance(object, Box):
        out = object if dtype is None else astype(object, dtype)
    elif contains_box(object):
        out = traced_array(object)
        if dtype is not None:
            out = astype(out, dtype)
    else:
        return _np.array(object, dtype=dtype, copy=copy, order=order, ndmin=ndmin)
    if not isinstance(getval(out), _np.ndarray):
        # a traced NumPy scalar: numpy.array makes it a 0-d array
        out = _astype(out, _np.result_type(getval(out)))
    if _np.ndim(out) < ndmin:
        out = reshape(out, (1,) * (ndmin - _np.ndim(out)) + _np.shape(out))
    return out


def asarray(a, dtype=None, order=None, **kwargs):
    if isinstance(a, Box) or contains_box(a):
        return array(a, dtype=dtype)
    return _np.asarray(a, dtype=dtype, order=order)


asanyarray = asarray
ascontiguousarray = asarray


def _cast(x, dtype):
    return _np.asarray(x).astype(dtype)


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
eye = _np.eye
identity = _np.identity
arange = _np.arange
indices = _np.indices
tri = _np.tri
bartlett = _np.bartlett
blackman = _np.blackman
hamming = _np.hamming
hanning = _np.hanning
fromfile = _np.fromfile
fromregex = _np.fromregex
from_dlpack = _np.from_dlpack
zeros_like = nondifferentiable(_np.zeros_like)
ones_like = nondifferentiable(_np.ones_like)
empty_like = nondifferentiable(_np.empty_like)
copy = lambda a, **kwargs: a if isinstance(a, Box) else _np.copy(a, **kwargs)  # noqa: E731
result_type = nondifferentiable(_np.result_type)
iscomplexobj = nondifferentiable(_np.iscomplexobj)
isrealobj = nondifferentiable(_np.isrealobj)
isscalar = nondifferentiable(_np.isscalar)
iterable = nondifferentiable(_np.iterable)
isfortran = nondifferentiable(_np.isfortran)
may_share_memory = nondifferentiable(_np.may_share_memory)
shares_memory = nondifferentiable(_np.shares_memory)
min_scalar_type = nondifferentiable(_np.min_scalar_type)
mintypecode = nondifferentiable(_np.mintypecode)
common_type = nondifferentiable(_np.common_type)
typename = nondifferentiable(_np.typename)
# np.matrix is a subclass fastgrad does not trace; these build one from plain values.
asmatrix = nondifferentiable(_np.asmatrix)
bmat = nondifferentiable(_np.bmat)


def _traced(*values):
    return any(contains_box(v) for v in values)


def full(shape, fill_value, dtype=None, order="C", **kwargs):
    """An array of shape filled with fill_value (differentiable in fill_value)."""
    if not _traced(fill_value):
        return _np.full(shape, fill_value, dtype=dtype, order=order, **kwargs)
    shape = (shape,) if _np.ndim(shape) == 0 else tuple(shape)
    value = fill_value if dtype is None else astype(fill_value, dtype)
    return broadcast_to(value, shape)


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, **kwargs):
    """An array like a (its shape and dtype) filled with fill_value (differentiable in
    fill_value; a has no derivative)."""
    if not _traced(fill_value):
        return _np.full_like(getval(a), fill_value, dtype=dtype, order=order, subok=subok, shape=shape, **kwargs)
    dtype = _np.result_type(getval(a)) if dtype is None else dtype
    shape = _np.shape(getval(a)) if shape is None else shape
    return full(shape, fill_value, dtype=dtype)


def asfortranarray(a, dtype=None, **kwargs):
    """a itself when traced (memory layout does not change values), at least 1-D as NumPy
    makes it."""
    if _traced(a):
        return array(a, dtype=dtype, ndmin=1)
    return _np.asfortranarray(a, dtype=dtype, **kwargs)


def asarray_chkfinite(a, dtype=None, order=None):
    """asarray, raising ValueError if a holds infinities or NaNs."""
    if _traced(a):
        out = asarray(a, dtype=dtype)
        if not _np.isfinite(getval(out)).all():
            raise ValueError("array must not contain infs or NaNs")
        return out
    return _np.asarray_chkfinite(a, dtype=dtype, order=order)


def require(a, dtype=None, requirements=None, *, like=None):
    """a with the dtype asked for; memory requirements do not apply to a traced value."""
    if _traced(a):
        return asarray(a, dtype=dtype)
    return _np.require(a, dtype=dtype, requirements=requirements)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, **kwargs):
    """num evenly spaced samples from start to stop: start + i * step, differentiable in
    start and stop (the last sample is stop itself when endpoint is true)."""
    if not _traced(start, stop):
        return _np.linspace(start, stop, num=num, endpoint=endpoint, retstep=retstep, dtype=dtype,
                            axis=axis, **kwargs)
    num = int(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    div = (num - 1) if endpoint else num
    delta = stop - start
    extra = _np.ndim(getval(delta))
    # NumPy's dtype for the samples: float32 ends give float32 samples
    grid = _np.arange(0, num, dtype=_np.result_type(getval(start), getval(stop), float(num)))
    grid = grid.reshape((-1,) + (1,) * extra)
    step = delta / div if div > 0 else _np.nan
    y = grid * step + start if div > 0 else grid * delta + start
    if endpoint and num > 1:
        y = concatenate([y[:-1], reshape(broadcast_to(stop, _np.shape(getval(y))[1:]), (1,) + _np.shape(getval(y))[1:])])
    if axis != 0:
        y = moveaxis(y, 0, axis)
    if dtype is not None:
        y = astype(y, dtype)
    return (y, step) if retstep else y


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """base ** linspace(start, stop): differentiable in start, stop and base."""
    if not _traced(start, stop, base):
        return _np.logspace(start, stop, num=num, endpoint=endpoint, base=base, dtype=dtype, axis=axis)
    y = linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
    if _np.ndim(getval(base)):
        base = expand_dims(base, axis)
    out = power(base, y)
    return out if dtype is None else astype(out, dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Samples evenly spaced on a log scale from start to stop (both ends exact), through
    the unit factor sign(start) of start; differentiable in start and stop."""
    if not _traced(start, stop):
        return _np.geomspace(start, stop, num=num, endpoint=endpoint, dtype=dtype, axis=axis)
    if _np.any(getval(start) == 0) or _np.any(getval(stop) == 0):
        raise ValueError("Geometric sequence cannot include zero")
    sign = _np.sign(getval(start))
    start, stop = start / sign, stop / sign
    y = logspace(log10(start), log10(stop), num=num, endpoint=endpoint, base=10.0)
    count = _np.shape(getval(y))[0]
    if count > 0:
        pieces = [reshape(start, (1,) + _np.shape(getval(start))) + 0 * y[:1]]
        if count > 1 and endpoint:
            pieces += [y[1:-1], reshape(stop, (1,) + _np.shape(getval(stop))) + 0 * y[-1:]]
        else:
            pieces += [y[1:]]
        y = concatenate(pieces)
    y = y * sign
    if axis != 0:
        y = moveaxis(y, 0, axis)
    return y if dtype is None else astype(y, dtype)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate arrays from 1-D coordinate vectors: each a broadcast (or, sparse, a
    reshape) of its vector, so linear in it."""
    if not _traced(*xi):
        return _np.meshgrid(*xi, copy=copy, sparse=sparse, indexing=indexing)
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    ndim = len(xi)
    shapes = [(1,) * i + (-1,) + (1,) * (ndim - i - 1) for i in range(ndim)]
    if indexing == "xy" and ndim > 1:
        shapes[0] = (1, -1) + (1,) * (ndim - 2)
        shapes[1] = (-1, 1) + (1,) * (ndim - 2)
    output = [reshape(x, shape) for x, shape in zip(xi, shapes)]
    if not sparse:
        output = broadcast_arrays(*output)
    return tuple(output)


def kaiser(M, beta):
    """The Kaiser window I0(beta sqrt(1 - (2n/(M-1) - 1)^2)) / I0(beta), differentiable in beta."""
    if not _traced(beta):
        return _np.kaiser(M, beta)
    if M == 1:
        return _np.ones(1)
    n = _np.arange(0, M)
    alpha = (M - 1) / 2.0
    return i0(beta * _np.sqrt(1 - ((n - alpha) / alpha) ** 2.0)) / i0(beta)


