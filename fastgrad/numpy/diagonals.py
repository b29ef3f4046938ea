"""Diagonals and triangles: diagonal, trace, diag, diagflat, tril, triu; the index
helpers diag_indices_from, tril_indices_from, triu_indices_from carry no derivative,
and fill_diagonal writes in place (plain arrays only).

All composed from gathering (`x[..., rows, cols]`), its transpose the scatter
`untake`, and `where`, so none needs a rule of its own.
"""

import numpy as _np

from ..engine import getval
from ..rules import nondifferentiable
from ._plain import numpy_when_plain, writes_in_place
from .elementwise import where
from .indexing import untake
from .reductions import sum
from .shape import moveaxis, ravel


__all__ = [
    "diagonal",
    "trace",
    "diag",
    "diagflat",
    "tril",
    "triu",
    "diag_indices_from",
    "tril_indices_from",
    "triu_indices_from",
    "fill_diagonal",
]


def _diagonal_positions(n1, n2, offset):
    """Row and column indices of the offset diagonal of an n1 x n2 matrix."""
    if offset >= 0:
        length = max(0, min(n1, n2 - offset))
        rows = _np.arange(length)
        return rows, rows + offset
    length = max(0, min(n1 + offset, n2))
    cols = _np.arange(length)
    return cols - offset, cols


@numpy_when_plain(_np.diagonal)
def diagonal(a, offset=0, axis1=0, axis2=1):
    """The offset diagonal of the matrices on axes (axis1, axis2), as a last axis."""
    nd = _np.ndim(getval(a))
    if nd < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    axis1, axis2 = axis1 % nd, axis2 % nd
    if axis1 == axis2:
        raise ValueError("axis1 and axis2 cannot be the same")
    x = moveaxis(a, (axis1, axis2), (-2, -1))
    n1, n2 = _np.shape(getval(x))[-2:]
    rows, cols = _diagonal_positions(n1, n2, offset)
    return x[..., rows, cols]


@numpy_when_plain(_np.trace)
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    if out is not None:
        raise TypeError("fastgrad.numpy.trace does not support out=: it cannot trace writes into an array")
    return sum(diagonal(a, offset, axis1, axis2), axis=-1)


@numpy_when_plain(_np.diag)
def diag(v, k=0):
    """The k-th diagonal of a 2-D v, or a square matrix with the 1-D v on its k-th diagonal."""
    nd = _np.ndim(getval(v))
    if nd == 2:
        return diagonal(v, k)
    if nd != 1:
        raise ValueError("Input must be 1- or 2-d.")
    n = _np.shape(getval(v))[0] + abs(k)
    rows, cols = _diagonal_positions(n, n, k)
    return untake(v, (rows, cols), (n, n))


@numpy_when_plain(_np.diagflat)
def diagflat(v, k=0):
    return diag(ravel(v), k)


def _lower_mask(m, k):
    shape = _np.shape(getval(m))
    if len(shape) < 2:
        raise ValueError("input array must be at least 2-d")
    return _np.tri(shape[-2], shape[-1], k=k, dtype=bool)


@numpy_when_plain(_np.tril)
def tril(m, k=0):
    """m with the entries above the k-th diagonal set to zero."""
    return where(_lower_mask(m, k), m, 0.0)


@numpy_when_plain(_np.triu)
def triu(m, k=0):
    """m with the entries below the k-th diagonal set to zero."""
    return where(_lower_mask(m, k - 1), 0.0, m)


diag_indices_from = nondifferentiable(_np.diag_indices_from)
tril_indices_from = nondifferentiable(_np.tril_indices_from)
triu_indices_from = nondifferentiable(_np.triu_indices_from)
fill_diagonal = writes_in_place(_np.fill_diagonal)

