"""fastgrad.numpy: NumPy's functions, each differentiable in forward and reverse mode.

`import fastgrad.numpy as np` and write NumPy code as usual. Each family of
functions lives in its own module (elementwise, reductions, shape, indexing,
products, creation, linalg, fft, random); this module gathers their public
names, and NumPy's constants and types, into one namespace.
"""

import numpy as _np

from . import creation, elementwise, indexing, nan, products, reductions, shape, sorting

_FAMILIES = (elementwise, reductions, nan, shape, indexing, sorting, products, creation)


__all__ = []
for _family in _FAMILIES:
    for _name in _family.__all__:
        globals()[_name] = getattr(_family, _name)
    __all__.extend(_family.__all__)

# Passed through from NumPy: constants, scalar types, dtypes and plain-value helpers.
_PASSTHROUGH = (
    "pi", "e", "inf", "nan", "newaxis", "euler_gamma",
    "ndarray", "dtype", "float16", "float32", "float64", "longdouble", "complex64", "complex128",
    "clongdouble", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp",
    "bool_", "number", "integer", "floating", "complexfloating", "inexact", "signedinteger",
    "unsignedinteger", "generic", "finfo", "iinfo", "errstate", "seterr", "geterr",
    "broadcast_shapes", "ndindex", "ndenumerate", "set_printoptions", "get_printoptions",
    "printoptions", "issubdtype", "can_cast", "promote_types", "ravel_multi_index",
    "unravel_index", "diag_indices", "tril_indices", "triu_indices", "mask_indices",
    "load", "save", "savez", "loadtxt", "savetxt", "genfromtxt", "fromfunction", "frombuffer",
    "fromiter", "fromstring", "array_repr", "array_str", "array2string",
)
for _name in _PASSTHROUGH:
    if hasattr(_np, _name):
        globals()[_name] = getattr(_np, _name)
        __all__.append(_name)

from .boxes import ArrayBox  # noqa: E402  (registers the box type)
from . import fft, linalg, random  # noqa: E402,F401
