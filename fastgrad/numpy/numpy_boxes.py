"""autograd's `numpy.numpy_boxes`, for the clients that import it: `ArrayBox` is
fastgrad.numpy.boxes.ArrayBox, the box of every traced array and scalar.

Clients test `isinstance(x, ArrayBox)` or `type(x) == ArrayBox`, read `x._value`, and
register their ndarray subclasses with `ArrayBox.register(MyArray)` or
`Box.type_mappings[MyArray] = ...` (with a vector space: `VSpace.mappings[MyArray] = ...`).
NumPy's linear-algebra result namedtuples are registered as sequences, as in autograd.
"""

import numpy as _np

from ..builtins import SequenceBox
from ..engine import Box
from ..extend import primitive
from .._autograd_core import trace_primitives_map
from .boxes import ArrayBox

# The ndarray methods autograd's ArrayBox takes from the numpy namespace (fastgrad's
# ArrayBox defines its methods itself; these lists are kept for clients that read them).
nondiff_methods = ["all", "any", "argmax", "argmin", "argpartition", "argsort", "nonzero",
                   "searchsorted", "round"]
diff_methods = ["clip", "compress", "cumprod", "cumsum", "diagonal", "max", "mean", "min", "prod",
                "ptp", "ravel", "repeat", "reshape", "squeeze", "std", "sum", "swapaxes", "take",
                "trace", "transpose", "var"]

_linalg = getattr(_np.linalg, "_linalg", None) or getattr(_np.linalg, "linalg", None)
RESULT_TYPES = [getattr(_linalg, name) for name in
                ("EigResult", "EighResult", "QRResult", "SlogdetResult", "SVDResult")
                if hasattr(_linalg, name)]
for _result in RESULT_TYPES:
    if _result not in Box.type_mappings:
        SequenceBox.register(_result)

__all__ = ["ArrayBox", "Box", "SequenceBox", "primitive", "trace_primitives_map", "nondiff_methods",
           "diff_methods"]
