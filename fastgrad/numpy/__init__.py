"""fastgrad.numpy: NumPy's functions, each differentiable in forward and reverse mode.

`import fastgrad.numpy as np` and write NumPy code as usual. Each family of
functions lives in its own module (elementwise, reductions, nanfunctions, shape,
padding, indexing, diagonals, sorting, statistics, calculus, polynomials, vectors,
products, functional, creation; linalg, fft and random are subpackages as in
NumPy); this module gathers their public names, and NumPy's constants and types,
into one namespace.
"""

import sys
import warnings  # noqa: F401  (autograd.numpy's namespace holds it)

import numpy as _np

from ..engine import Primitive
# The families, each importing only those before it in this order.
from . import elementwise, shape, indexing, reductions, creation, products, sorting, calculus, diagonals  # noqa: I001
from . import statistics, nanfunctions, vectors, functional, padding, linalg, polynomials, fft, random  # noqa: F401,I001
from ._plain import takes_out, writing_out
from .boxes import ArrayBox, use_namespace  # noqa: F401  (registers the box type)

_FAMILIES = (elementwise, reductions, nanfunctions, shape, padding, indexing, diagonals, sorting, statistics,
             calculus, polynomials, vectors, products, functional, creation)


__all__ = []
# The installed NumPy decides the namespace: a function it does not have (matvec before
# NumPy 2.2, unstack before 2.1, trapz from 2.4) is not offered either. autograd.numpy
# defines row_stack itself, so it stays where NumPy 2.5 removed it.
_AUTOGRAD_OWN = ("row_stack",)
for _family in _FAMILIES:
    for _name in _family.__all__:
        if hasattr(_np, _name) or _name in _AUTOGRAD_OWN:
            globals()[_name] = getattr(_family, _name)
            __all__.append(_name)

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
    # more scalar types and NumPy's classes
    "bool", "byte", "short", "intc", "int_", "long", "longlong", "ubyte", "ushort", "uintc", "uint",
    "ulong", "ulonglong", "uintp", "half", "single", "double", "float128", "csingle", "cdouble",
    "complex256", "object_", "bytes_", "str_", "void", "character", "flexible", "datetime64",
    "timedelta64", "busdaycalendar", "recarray", "record", "matrix", "memmap", "flatiter", "nditer",
    "nested_iters", "broadcast", "ufunc", "poly1d", "s_", "index_exp",
    # plain-value helpers (strings, dates, files, configuration)
    "base_repr", "binary_repr", "busday_count", "busday_offset", "is_busday", "datetime_as_string",
    "datetime_data", "format_float_positional", "format_float_scientific", "get_include", "getbufsize",
    "setbufsize", "geterrcall", "seterrcall", "info", "savez_compressed", "show_config", "show_runtime",
    "einsum_path", "isdtype", "test",
)
# autograd.numpy.__version__ is NumPy's; clients compare it with numpy.__version__.
__version__ = _np.__version__

for _name in _PASSTHROUGH:
    if hasattr(_np, _name):
        globals()[_name] = getattr(_np, _name)
        __all__.append(_name)

# autograd.numpy also carries autograd's own helpers (Box, primitive, make_diagonal,
# wrap_namespace, ...) and its alias modules (numpy_boxes, ...). They are built on the
# extension API, a layer above this namespace, which attaches them here
# (numpy/_autograd_names.py). custom_where is autograd's name for its where.
ALIAS_MODULES = ("numpy_boxes", "numpy_vspaces", "numpy_vjps", "numpy_jvps", "numpy_wrapper")
AUTOGRAD_HELPERS = (
    "Box", "array_from_args", "c_class", "concatenate_args", "r_class", "make_diagonal", "metadata",
    "notrace_functions", "notrace_primitive", "numpy_version", "parse_einsum_input", "primitive",
    "wrap_if_boxes_inside", "wrap_intdtype", "wrap_namespace",
)
custom_where = elementwise.where




def _accept_array_like():
    """Let every primitive of this namespace take a (nested) list of traced values where
    NumPy takes array_like, as np.sum([a, b]): the list becomes one traced array."""
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith(__name__ + ".") and module is not None:
            for value in vars(module).values():
                if isinstance(value, Primitive) and value.array_from_list is None:
                    value.array_from_list = creation.array


_accept_array_like()


def _write_out():
    """Every function whose NumPy counterpart takes `out=`: a call passing it on plain values
    is NumPy's own, so `out` is written and returned as NumPy does."""
    for module, np_module, prefix in ((sys.modules[__name__], _np, "numpy"), (linalg, _np.linalg, "numpy.linalg"),
                                      (fft, _np.fft, "numpy.fft")):
        for name in module.__all__:
            fun, np_fun = getattr(module, name), getattr(np_module, name, None)
            if (np_fun is None or fun is np_fun or isinstance(np_fun, type) or not callable(np_fun)
                    or (isinstance(fun, Primitive) and fun.fun is np_fun) or not takes_out(np_fun)):
                continue
            setattr(module, name, writing_out(fun, np_fun, f"{prefix}.{name}"))


_write_out()

# Last, since the loops above walk the functions of __all__. autograd.numpy has no
# __all__, so `from autograd.numpy import *` also gives its submodules, its helpers and
# the modules it imported; clients rely on some of them (one deletes `fft` right after
# the star import).
_AUTOGRAD_STAR_EXTRAS = ("fft", "linalg", "random", "warnings", "builtins", "custom_where",
                         *ALIAS_MODULES, *AUTOGRAD_HELPERS)
__all__ += _AUTOGRAD_STAR_EXTRAS
use_namespace(sys.modules[__name__])
