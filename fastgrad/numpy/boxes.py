"""ArrayBox: a traced array or scalar, with NumPy's operators, methods and properties.

It also answers NumPy's dispatch protocols, so a plain `numpy` function applied
to a traced value runs fastgrad's version of it, and one fastgrad does not know
raises an error that names it, rather than dropping the derivative or building
an object array.
"""

import numpy as _np

from ..engine import Box, Primitive
from ..base import getitem, index as index_array
from ..vspace import ARRAY_TYPES
from .reductions import _axis_arg


# The fastgrad.numpy namespace, whose functions the operators and methods call: handed
# over by the namespace once it is assembled (it imports this module).
fnp = None


def use_namespace(namespace):
    global fnp
    fnp = namespace


class ArrayBox(Box):
    __slots__ = ()
    __array_priority__ = 100.0
    # Above pandas' own (DataFrame's is 4000), so that `series + box` is handed to the box.
    __pandas_priority__ = 5000

    # -- properties
    shape = property(lambda self: _np.shape(self._value))
    ndim = property(lambda self: _np.ndim(self._value))
    size = property(lambda self: _np.size(self._value))
    dtype = property(lambda self: getattr(self._value, "dtype", None) or _np.result_type(self._value))
    T = property(lambda self: fnp.transpose(self))
    real = property(lambda self: fnp.real(self))
    imag = property(lambda self: fnp.imag(self))
    mT = property(lambda self: fnp.swapaxes(self, -1, -2))
    itemsize = property(lambda self: _np.asarray(self._value).itemsize)
    nbytes = property(lambda self: _np.asarray(self._value).nbytes)
    # x.flat reads the flattened entries (x.flat[i], iteration); writing through it is refused.
    flat = property(lambda self: fnp.ravel(self))

    def __len__(self):
        return len(self._value)

    def __iter__(self):
        for i in range(len(self._value)):
            yield self[i]

    def __hash__(self):
        return id(self)

    def __getitem__(self, index):
        if type(index) is int:
            # p[0], the way a model unpacks its parameters: straight to the primitive
            return getitem.bind((self, (index,)), {})
        return index_array(self, index)

    def __setitem__(self, index, value):
        raise TypeError(
            "fastgrad cannot differentiate through assignment into an array (x[...] = v). "
            "Build the new array instead, for example with np.where(mask, v, x), "
            "np.concatenate, or np.stack."
        )

    # -- arithmetic
    def __neg__(self): return fnp.negative(self)
    def __pos__(self): return self
    def __abs__(self): return fnp.absolute(self)
    # The four operators of every model go straight to the primitive's bind: a box is
    # among the arguments, which is all Primitive.__call__ would check.
    def __add__(self, other): return fnp.add.bind((self, other), _NO_KWARGS)
    def __radd__(self, other): return fnp.add.bind((other, self), _NO_KWARGS)
    def __sub__(self, other): return fnp.subtract.bind((self, other), _NO_KWARGS)
    def __rsub__(self, other): return fnp.subtract.bind((other, self), _NO_KWARGS)
    def __mul__(self, other): return fnp.multiply.bind((self, other), _NO_KWARGS)
    def __rmul__(self, other): return fnp.multiply.bind((other, self), _NO_KWARGS)
    def __truediv__(self, other): return fnp.divide.bind((self, other), _NO_KWARGS)
    def __rtruediv__(self, other): return fnp.divide.bind((other, self), _NO_KWARGS)
    def __pow__(self, other): return fnp.power(self, other)
    def __rpow__(self, other): return fnp.power(other, self)
    def __mod__(self, other): return fnp.mod(self, other)
    def __rmod__(self, other): return fnp.mod(other, self)
    def __floordiv__(self, other): return fnp.floor_divide(self, other)
    def __rfloordiv__(self, other): return fnp.floor_divide(other, self)
    def __matmul__(self, other): return fnp.matmul(self, other)
    def __rmatmul__(self, other): return fnp.matmul(other, self)
    def __divmod__(self, other): return fnp.divmod(self, other)
    def __rdivmod__(self, other): return fnp.divmod(other, self)
    def __round__(self, ndigits=None): return fnp.round(self, ndigits or 0)

    # -- comparisons carry no derivative
    def __eq__(self, other): return fnp.equal(self, other)
    def __ne__(self, other): return fnp.not_equal(self, other)
    def __gt__(self, other): return fnp.greater(self, other)
    def __ge__(self, other): return fnp.greater_equal(self, other)
    def __lt__(self, other): return fnp.less(self, other)
    def __le__(self, other): return fnp.less_equal(self, other)

    # -- conversions that would drop the derivative
    def __float__(self):
        # NumPy calls this for `a[i] = x` too, and reports its failure as "setting an array
        # element with a sequence" with this error as the cause: say both.
        raise TypeError(_dropped("float() or assignment into an element of a NumPy array (a[i] = x)"))

    def __int__(self):
        raise TypeError(_dropped("int()"))

    def __complex__(self):
        raise TypeError(_dropped("complex() or assignment into an element of a NumPy array (a[i] = x)"))

    def __index__(self):
        raise TypeError(_dropped("use as an index"))

    def __array__(self, dtype=None, copy=None):
        # A cast to integers or booleans (np.int64(x), to index with it) has no derivative
        # to drop: it gives the plain array, as it does in autograd.
        if dtype is not None and _np.dtype(dtype).kind in "biu":
            return _np.array(self._value, dtype=dtype)
        raise TypeError(_dropped("conversion to a plain NumPy array (np.asarray, np.array, or assignment "
                                 "into a NumPy array)"))

    def item(self, *args):
        raise TypeError(_dropped(".item()"))

    def tolist(self):
        raise TypeError(_dropped(".tolist()"))

    # -- NumPy's protocols
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs:
            # `array * box`: NumPy hands the operator to the box; answer it at once
            bind = _UFUNCS_SEEN.get(ufunc)
            if bind is not None:
                return bind(inputs, _NO_KWARGS)
        name = getattr(ufunc, "__name__", str(ufunc))
        if method != "__call__":
            raise TypeError(f"numpy.{name}.{method} on a traced value: fastgrad has no rule for it; "
                            f"use the functions of fastgrad.numpy (for example np.sum for add.reduce)")
        if kwargs.get("out") is not None:
            raise TypeError(f"numpy.{name} with out= on a traced value: fastgrad cannot trace writes "
                            "into an array")
        fun = getattr(fnp, _UFUNC_ALIASES.get(name, name), None)
        if fun is None:
            raise TypeError(f"numpy.{name} was applied to a traced value, and fastgrad.numpy has no "
                            f"{name}: its derivative would be lost")
        kwargs.pop("out", None)
        if isinstance(ufunc, _np.ufunc) and isinstance(fun, Primitive) and fun.reads_lists_as_arrays:
            # (an elementwise primitive: its bind takes lists among the inputs as arrays)
            _UFUNCS_SEEN[ufunc] = fun.bind
        return fun(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        fun = _lookup(func)
        if fun is None:
            module = getattr(func, "__module__", "numpy")
            raise TypeError(
                f"{module}.{func.__name__} was applied to a traced value, and fastgrad has no "
                f"{func.__name__}: its derivative would be lost. Use fastgrad.numpy "
                "(import fastgrad.numpy as np) and only the functions it provides."
            )
        return fun(*args, **kwargs)

    # -- methods
    # The methods take NumPy's keywords (where=, initial=, dtype=, ...) and hand every one on,
    # so none is dropped silently.
    def sum(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        return fnp.sum(self, axis=_axis_arg(axis), dtype=dtype, out=out, keepdims=keepdims, **kw)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        return fnp.mean(self, axis=_axis_arg(axis), dtype=dtype, out=out, keepdims=keepdims, **kw)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        return fnp.prod(self, axis=_axis_arg(axis), dtype=dtype, out=out, keepdims=keepdims, **kw)

    def max(self, axis=None, out=None, keepdims=False, **kw):
        return fnp.max(self, axis=axis, out=out, keepdims=keepdims, **kw)

    def min(self, axis=None, out=None, keepdims=False, **kw):
        return fnp.min(self, axis=axis, out=out, keepdims=keepdims, **kw)

    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
        return fnp.var(self, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, **kw)

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
        return fnp.std(self, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, **kw)

    def cumsum(self, axis=None, dtype=None, out=None):
        return fnp.cumsum(self, axis=axis)

    def cumprod(self, axis=None, dtype=None, out=None):
        return fnp.cumprod(self, axis=axis)

    def reshape(self, *shape, order="C"):
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = shape[0]
        return fnp.reshape(self, tuple(shape) if isinstance(shape, list) else shape, order=order)

    def transpose(self, *axes):
        if len(axes) == 1 and not isinstance(axes[0], int):
            axes = axes[0]
        return fnp.transpose(self, tuple(axes) if axes else None)

    def ravel(self, order="C"): return fnp.ravel(self, order)
    def flatten(self, order="C"): return fnp.ravel(self, order)
    def squeeze(self, axis=None): return fnp.squeeze(self, axis)
    def swapaxes(self, axis1, axis2): return fnp.swapaxes(self, axis1, axis2)
    def dot(self, other): return fnp.dot(self, other)
    def clip(self, min=None, max=None, **kw): return fnp.clip(self, min, max)
    def conj(self): return fnp.conj(self)
    conjugate = conj
    def take(self, indices, axis=None): return fnp.take(self, indices, axis)
    def repeat(self, repeats, axis=None): return fnp.repeat(self, repeats, axis)
    def diagonal(self, offset=0, axis1=0, axis2=1): return fnp.diagonal(self, offset, axis1, axis2)
    def trace(self, offset=0, axis1=0, axis2=1): return fnp.trace(self, offset, axis1, axis2)
    def round(self, decimals=0): return fnp.round(self, decimals)
    def copy(self): return self
    def astype(self, dtype, *args, **kwargs): return fnp.astype(self, dtype)
    def argmax(self, axis=None, **kw): return fnp.argmax(self, axis)
    def argmin(self, axis=None, **kw): return fnp.argmin(self, axis)
    def argsort(self, axis=-1, **kw): return fnp.argsort(self, axis)
    def nonzero(self): return fnp.nonzero(self)
    def all(self, axis=None, **kw): return fnp.all(self, axis)
    def any(self, axis=None, **kw): return fnp.any(self, axis)
    def argpartition(self, kth, axis=-1, **kw): return fnp.argpartition(self, kth, axis)
    def searchsorted(self, v, side="left", sorter=None): return fnp.searchsorted(self, v, side, sorter)
    def compress(self, condition, axis=None, out=None): return fnp.compress(condition, self, axis, out)
    def choose(self, choices, out=None, mode="raise"): return fnp.choose(self, choices, out, mode)
    def view(self, dtype=None, type=None):
        if dtype is not None or type is not None:
            raise TypeError("x.view(dtype) reinterprets the bytes of a traced value, which has no derivative; "
                            "use np.astype for a conversion")
        return self

    def to_device(self, device, /, *, stream=None):
        if device != "cpu":
            raise ValueError(f"fastgrad values live on the cpu, not {device!r}")
        return self

    device = property(lambda self: "cpu")

    def partition(self, *args, **kwargs):
        raise TypeError(_inplace("partition()", "np.partition(x, kth)"))

    def put(self, *args, **kwargs):
        raise TypeError(_inplace("put()", "np.where or np.concatenate"))

    def resize(self, *args, **kwargs):
        raise TypeError(_inplace("resize()", "np.resize(x, shape)"))

    def tobytes(self, *args, **kwargs):
        raise TypeError(_dropped(".tobytes()"))

    def ptp(self, axis=None, keepdims=False): return fnp.ptp(self, axis=axis, keepdims=keepdims)

    def __array_namespace__(self, api_version=None):
        return fnp

    def sort(self, *args, **kwargs):
        raise TypeError(_inplace("sort()", "np.sort(x)"))

    def fill(self, value):
        raise TypeError(_inplace("fill()", "np.full_like(x, value)"))


def _dropped(what):
    return (f"{what} on a traced value would drop its derivative. Keep the computation in "
            "fastgrad.numpy functions, or take the plain value outside the function being "
            "differentiated.")


def _inplace(what, instead):
    return f"x.{what} changes an array in place, which fastgrad cannot differentiate: use {instead}."


_UFUNC_ALIASES = {"absolute": "absolute", "conjugate": "conj", "true_divide": "divide"}
# The bind of the fastgrad primitive each NumPy ufunc met so far dispatched to.
_UFUNCS_SEEN = {}
# Keyword arguments of a primitive called with none (recorded on its node, never written).
_NO_KWARGS = {}


def _lookup(func):
    """fastgrad's counterpart of a NumPy function, by module and name, or None."""
    module = getattr(func, "__module__", "") or ""
    name = getattr(func, "__name__", "")
    namespace = fnp
    for sub in ("linalg", "fft"):
        if module.endswith(sub):
            namespace = getattr(fnp, sub, None)
            break
    return getattr(namespace, name, None) if namespace is not None else None


for _t in ARRAY_TYPES:
    Box.type_mappings[_t] = ArrayBox
Box.type_mappings[ArrayBox] = ArrayBox
Box.types.add(ArrayBox)


def _foreign_operands(prim, args, kwargs):
    """A traced call one of whose operands is an array container of another library.

    pandas objects cannot hold traced values: the traced value takes the operation and
    the pandas object enters it as the plain array it holds. Other containers that answer
    NumPy's ufunc protocol (xarray's DataArray) can: a ufunc is handed to the container,
    which applies it to the arrays it holds, the traced value among them, and wraps the
    traced result."""
    foreign = [a for a in args if not isinstance(a, Box) and type(a) not in ARRAY_TYPES
               and getattr(type(a), "__array_ufunc__", None) is not None]
    if not foreign:
        return NotImplemented
    if any(hasattr(a, "__pandas_priority__") for a in foreign):
        return prim(*[_np.asarray(a) if any(a is f for f in foreign) else a for a in args], **kwargs)
    if isinstance(prim.fun, _np.ufunc):
        return type(foreign[0]).__array_ufunc__(foreign[0], prim.fun, "__call__", *args, **kwargs)
    return NotImplemented


Primitive.foreign_operands = _foreign_operands
