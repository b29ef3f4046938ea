"""autograd's `numpy.numpy_vspaces`, for the clients that import it: the vector spaces of
arrays are fastgrad.vspace's ArrayVSpace and ComplexArrayVSpace.

A client registering an ndarray subclass writes, as with autograd,
    VSpace.mappings[MyArray] = lambda x: ComplexArrayVSpace(x) if np.iscomplexobj(x) else ArrayVSpace(x)
NumPy's linear-algebra result namedtuples get namedtuple spaces, as in autograd.
"""

from ..builtins import NamedTupleVSpace
from ..vspace import ArrayVSpace, ComplexArrayVSpace, VSpace
from .numpy_boxes import RESULT_TYPES


def _result_space(result_type):
    return type(f"{result_type.__name__}VSpace", (NamedTupleVSpace,), {"seq_type": result_type})


_spaces = {result.__name__: _result_space(result) for result in RESULT_TYPES}
EigResultVSpace = _spaces.get("EigResult")
EighResultVSpace = _spaces.get("EighResult")
QRResultVSpace = _spaces.get("QRResult")
SlogdetResultVSpace = _spaces.get("SlogdetResult")
SVDResultVSpace = _spaces.get("SVDResult")
for _result in RESULT_TYPES:
    if _result not in VSpace.mappings:
        VSpace.mappings[_result] = _spaces[_result.__name__]

__all__ = ["ArrayVSpace", "ComplexArrayVSpace", "VSpace", "NamedTupleVSpace", "EigResultVSpace",
           "EighResultVSpace", "QRResultVSpace", "SlogdetResultVSpace", "SVDResultVSpace"]
