"""Vector spaces of differentiable values: `VSpace` and its subclasses for arrays and
containers (autograd's interface: zeros, ones, standard_basis, add, inner products,
flatten, covector), and the `vspace` lookup.

Their inner products and flattening are written with fastgrad's operators, so they
are differentiable; this module therefore sits above the operator families and imports
them directly. The arithmetic the sweeps need (adding and zeroing tangents) is in
`tangents`, below the NumPy base.
Imports: engine, tangents, the numpy families. Must not import the operators.
"""

import numpy as _np

from .engine import Box
from .numpy.elementwise import conj, imag, real
from .numpy.products import dot
from .numpy.reductions import sum as fsum
from .numpy.shape import concatenate, ravel, reshape
from .tangents import add_tangents


class VSpace:
    mappings = {}
    iscomplex = False

    def __init__(self, value):
        pass

    def zeros(self):
        raise NotImplementedError

    def ones(self):
        raise NotImplementedError

    def standard_basis(self):
        raise NotImplementedError

    def randn(self):
        raise NotImplementedError

    def add(self, x, y):
        return add_tangents(x, y)

    def mut_add(self, x, y):
        return add_tangents(x, y)

    def scalar_mul(self, x, a):
        return _scale(x, a)

    def inner_prod(self, x, y):
        leaves_x, leaves_y = _leaves(x), _leaves(y)
        return sum(fsum(real(conj(a) * b)) for a, b in zip(leaves_x, leaves_y))

    def norm(self, x):
        return self.inner_prod(x, x) ** 0.5

    def covector(self, x):
        return x

    def examples(self):
        return [self.zeros(), self.ones()]

    def __eq__(self, other):
        return type(self) == type(other) and self.__dict__ == other.__dict__

    def __repr__(self):
        return f"{type(self).__name__}({self.__dict__})"

    @classmethod
    def register(cls, value_type, vspace_maker=None):
        VSpace.mappings[value_type] = vspace_maker or cls


def vspace(value):
    try:
        return VSpace.mappings[type(value)](value)
    except KeyError:
        if isinstance(value, Box):
            return vspace(value._value)
        raise TypeError(
            f"fastgrad has no vector space for a value of type {type(value).__name__}: "
            "differentiable values are floating or complex arrays and scalars, and "
            "lists, tuples and dicts of them"
        ) from None


class ArrayVSpace(VSpace):

    def __init__(self, value):
        value = _np.asarray(value)
        self.shape = value.shape
        self.dtype = value.dtype


    @property
    def size(self):
        return int(_np.prod(self.shape, dtype=int))

    @property
    def ndim(self):
        return len(self.shape)

    def zeros(self):
        return _np.zeros(self.shape, dtype=self.dtype)

    def ones(self):
        return _np.ones(self.shape, dtype=self.dtype)

    def standard_basis(self):
        for idx in _np.ndindex(*self.shape):
            vect = _np.zeros(self.shape, dtype=self.dtype)
            vect[idx] = 1
            yield vect

    def randn(self):
        return _np.array(_np.random.randn(*self.shape)).astype(self.dtype)

    def flatten(self, value, covector=False):
        return ravel(value)

    def unflatten(self, value, covector=False):
        return reshape(value, self.shape)

    def inner_prod(self, x, y):
        return dot(ravel(x), ravel(y))

    def _inner_prod(self, x, y):
        return self.inner_prod(x, y)

    def _add(self, x, y):
        return x + y

    def _scalar_mul(self, x, a):
        return x * a

    def _covector(self, x):
        return x


class ComplexArrayVSpace(ArrayVSpace):
    iscomplex = True

    @property
    def size(self):
        return 2 * int(_np.prod(self.shape, dtype=int))

    def ones(self):
        return _np.full(self.shape, 1.0 + 1.0j, dtype=self.dtype)

    def standard_basis(self):
        for idx in _np.ndindex(*self.shape):
            for v in (1.0, 1.0j):
                vect = _np.zeros(self.shape, dtype=self.dtype)
                vect[idx] = v
                yield vect

    def randn(self):
        return (_np.random.randn(*self.shape) + 1j * _np.random.randn(*self.shape)).astype(self.dtype)

    def flatten(self, value, covector=False):
        return concatenate([real(ravel(value)), imag(ravel(value))])

    def unflatten(self, value, covector=False):
        half = len(value) // 2
        return reshape(value[:half] + 1j * value[half:], self.shape)

    def inner_prod(self, x, y):
        return real(dot(conj(ravel(x)), ravel(y)))

    def covector(self, x):
        return conj(x)


def _array_vspace(value):
    value = _np.asarray(value)
    if value.dtype.kind == "c":
        return ComplexArrayVSpace(value)
    if value.dtype.kind != "f":
        raise TypeError(
            f"fastgrad cannot differentiate with respect to a value of dtype {value.dtype}: "
            "pass floating-point values (for example 1.0 rather than 1, or x.astype(float))"
        )
    return ArrayVSpace(value)


ARRAY_TYPES = [_np.ndarray, float, complex, _np.float64, _np.float32, _np.float16,
               _np.complex64, _np.complex128, _np.longdouble, _np.clongdouble]
for _t in ARRAY_TYPES:
    VSpace.mappings[_t] = _array_vspace


class SequenceVSpace(VSpace):

    def __init__(self, value):
        self.seq_type = type(value)
        self.shape = [vspace(x) for x in value]


    @property
    def size(self):
        return sum(vs.size for vs in self.shape)

    @property
    def iscomplex(self):
        return any(vs.iscomplex for vs in self.shape)

    def zeros(self):
        return self.seq_type(vs.zeros() for vs in self.shape)

    def ones(self):
        return self.seq_type(vs.ones() for vs in self.shape)

    def randn(self):
        return self.seq_type(vs.randn() for vs in self.shape)

    def standard_basis(self):
        zeros = list(self.zeros())
        for i, vs in enumerate(self.shape):
            for basis in vs.standard_basis():
                out = list(zeros)
                out[i] = basis
                yield self.seq_type(out)

    def flatten(self, value, covector=False):
        if not self.shape:
            return _np.zeros(0)
        return concatenate([vs.flatten(v) for vs, v in zip(self.shape, value)])

    def unflatten(self, value, covector=False):
        out, start = [], 0
        for vs in self.shape:
            out.append(vs.unflatten(value[start:start + vs.size]))
            start += vs.size
        return self.seq_type(out)


class DictVSpace(VSpace):

    def __init__(self, value):
        self.dict_type = type(value)
        self.shape = {k: vspace(v) for k, v in value.items()}


    @property
    def size(self):
        return sum(vs.size for vs in self.shape.values())

    @property
    def iscomplex(self):
        return any(vs.iscomplex for vs in self.shape.values())

    def zeros(self):
        return self.dict_type((k, vs.zeros()) for k, vs in self.shape.items())

    def ones(self):
        return self.dict_type((k, vs.ones()) for k, vs in self.shape.items())

    def randn(self):
        return self.dict_type((k, vs.randn()) for k, vs in self.shape.items())

    def standard_basis(self):
        zeros = self.zeros()
        for key, vs in self.shape.items():
            for basis in vs.standard_basis():
                out = self.dict_type(zeros)
                out[key] = basis
                yield out

    def flatten(self, value, covector=False):
        if not self.shape:
            return _np.zeros(0)
        return concatenate([vs.flatten(value[k]) for k, vs in self.shape.items()])

    def unflatten(self, value, covector=False):
        out, start = self.dict_type(), 0
        for k, vs in self.shape.items():
            out[k] = vs.unflatten(value[start:start + vs.size])
            start += vs.size
        return out


for _t in (list, tuple):
    VSpace.mappings[_t] = SequenceVSpace
VSpace.mappings[dict] = DictVSpace


def _leaves(x):
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _leaves(item)]
    if isinstance(x, dict):
        return [leaf for item in x.values() for leaf in _leaves(item)]
    return [x]


def _scale(x, a):
    if isinstance(x, (list, tuple)):
        return type(x)(_scale(v, a) for v in x)
    if isinstance(x, dict):
        return type(x)((k, _scale(v, a)) for k, v in x.items())
    return x * a
