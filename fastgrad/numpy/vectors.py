"""Products along one axis: vecdot, matvec, vecmat (NumPy 2's array-API products) and
cross, composed from multiplication, sums and matmul.

vecdot and vecmat conjugate their first (vector) argument, as NumPy does; matvec
does not.
"""

import warnings

import numpy as _np

from ..core import getval
from ._plain import numpy_when_plain

__all__ = [
    "vecdot",
    "matvec",
    "vecmat",
    "cross",
]


@numpy_when_plain(_np.vecdot)
def vecdot(x1, x2, /, *, axis=-1, **kwargs):
    """sum(conj(x1) * x2) along axis, with broadcasting of the other axes."""
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


@numpy_when_plain(_np.cross)
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross products of the 2- or 3-vectors on axisa of a and axisb of b (2-vectors are
    taken with a zero third component; two 2-vectors give the scalar z component)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a = moveaxis(a, axisa, -1)
    b = moveaxis(b, axisb, -1)
    na, nb = _np.shape(getval(a))[-1], _np.shape(getval(b))[-1]
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


from .elementwise import conj  # noqa: E402
from .products import matmul  # noqa: E402
from .reductions import sum  # noqa: E402
from .shape import broadcast_to, expand_dims, moveaxis, stack  # noqa: E402
