"""Products along one axis: vecdot, matvec, vecmat (NumPy 2's array-API products) and
cross, composed from multiplication, sums and matmul.

vecdot and vecmat conjugate their first (vector) argument, as NumPy does; matvec
does not.
"""

import numpy as _np
import warnings

from ..engine import getval
from ._plain import numpy_when_plain
from .elementwise import conj
from .products import matmul
from .reductions import sum
from .shape import broadcast_to, expand_dims, moveaxis, stack


__all__ = [
    "vecdot",
    "matvec",
    "vecmat",
    "cross",
]


@numpy_when_plain(_np.vecdot)
def vecdot(x1, x2, /, *, axis=-1, **kwargs):
    """sum(conj(x1) * x2) along axis, with broadcasting of the other axes."""
    # NumPy's gufunc (n),(n)->() takes no 0-d operand and broadcasts no core dimension.
    for i, x in enumerate((x1, x2)):
        if _np.ndim(getval(x)) == 0:
            raise ValueError(f"vecdot: Input operand {i} does not have enough dimensions (has 0, gufunc core "
                             "with signature (n),(n)->() requires 1)")
    n1, n2 = _np.shape(getval(x1))[axis], _np.shape(getval(x2))[axis]
    if n1 != n2:
        raise ValueError("vecdot: Input operand 1 has a mismatch in its core dimension 0, with gufunc "
                         f"signature (n),(n)->() (size {n2} is different from {n1})")
    return sum(conj(x1) * x2, axis=axis)


# NumPy 2.2 added matvec and vecmat; on older NumPy the namespace leaves them out.
@numpy_when_plain(getattr(_np, "matvec", None))
def matvec(x1, x2, /, **kwargs):
    """The matrices x1 (..., m, n) applied to the vectors x2 (..., n): shape (..., m)."""
    return matmul(x1, expand_dims(x2, -1))[..., 0]


@numpy_when_plain(getattr(_np, "vecmat", None))
def vecmat(x1, x2, /, **kwargs):
    """The conjugated vectors x1 (..., n) times the matrices x2 (..., n, m): shape (..., m)."""
    return matmul(expand_dims(conj(x1), -2), x2)[..., 0, :]


def _takes_2_vectors():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            _np.cross([1.0, 0.0], [0.0, 1.0])
    except ValueError:
        return False
    return True


# NumPy 2.0 deprecated 2-vectors in cross and NumPy 2.5 rejects them; follow the installed one.
_CROSS_TAKES_2_VECTORS = _takes_2_vectors()


@numpy_when_plain(_np.cross)
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross products of the 3-vectors on axisa of a and axisb of b. Where the installed
    NumPy still takes 2-vectors (before 2.5), they are taken with a zero third component,
    and two 2-vectors give the scalar z component."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a = moveaxis(a, axisa, -1)
    b = moveaxis(b, axisb, -1)
    na, nb = _np.shape(getval(a))[-1], _np.shape(getval(b))[-1]
    if not _CROSS_TAKES_2_VECTORS and (na != 3 or nb != 3):
        raise ValueError("Both input arrays must be (arrays of) 3-dimensional vectors, "
                         f"but they are {na} and {nb} dimensional instead.")
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    if na == 2 or nb == 2:
        warnings.warn("Arrays of 2-dimensional vectors are deprecated. Use arrays of "
                      "3-dimensional vectors instead. (deprecated in NumPy 2.0)",
                      DeprecationWarning, stacklevel=2)
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    z = a0 * b1 - a1 * b0
    if na == 2 and nb == 2:
        return z
    a2 = a[..., 2] if na == 3 else None
    b2 = b[..., 2] if nb == 3 else None
    x = (a1 * b2 if b2 is not None else 0.0) - (a2 * b1 if a2 is not None else 0.0)
    y = (a2 * b0 if a2 is not None else 0.0) - (a0 * b2 if b2 is not None else 0.0)
    shape = _np.broadcast_shapes(_np.shape(getval(x)), _np.shape(getval(y)), _np.shape(getval(z)))
    c = stack([broadcast_to(x, shape), broadcast_to(y, shape), broadcast_to(z, shape)], axis=-1)
    return moveaxis(c, -1, axisc)


