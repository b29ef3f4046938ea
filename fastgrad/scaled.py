"""`Scaled`: a wide batch of tangents kept as a dense base times one factor per entry,
`d * base`, the factor shared by every batch row, until a rule needs the batch whole.

Why. The forward sweep of a hessian pushes n tangents (a k x n batch) through the
recorded gradient, whose steps are mostly elementwise: in logistic regression
z = X @ w, then the sigmoid, its complement, the cotangent's product, each of which
would multiply the whole k x n batch once. Their local derivatives are values of
size n, so the chain of them can be multiplied at that size and applied to the
batch once, where a product or a reduction reads it: the sweep then ends in one
weighted matrix product, `(X.T * (s * (1 - s))) @ X`, as one would write it by hand.

Only plain real arrays are kept this way (a traced factor, a complex one, a small
batch take the eager product), and a rule that does not know `Scaled` gets the
dense batch from `materialize()`, formed once and kept.
Imports: the engine and NumPy only.
"""

import numpy as _np

from .engine import Structured

# Below this many entries the batch is multiplied at once: keeping it symbolic would
# cost more in bookkeeping than the product it saves.
MIN_ENTRIES = 1 << 14


class Scaled(Structured):
    """The batch `base * d`: base of shape (k,) + vshape, d a real array that
    broadcasts to vshape (no batch axis)."""

    __slots__ = ("base", "d", "_dense")

    def __init__(self, base, d):
        self.base = base
        self.d = d
        self._dense = None

    @property
    def shape(self):
        return self.base.shape

    @property
    def ndim(self):
        return self.base.ndim

    @property
    def dtype(self):
        return _np.result_type(self.base, self.d)

    def materialize(self):
        if self._dense is None:
            self._dense = self.base * self.d
        return self._dense

    def add_structured(self, other):
        if type(other) is Scaled and other.base is self.base:
            return Scaled(self.base, self.d + other.d)
        return NotImplemented

    def add_dense(self, dense):
        """dense + self: where dense is the base itself (z - sigmoid(z) with the tangent
        of z), one more factor of one."""
        if dense is self.base:
            return Scaled(self.base, self.d + 1.0)
        return dense + self.materialize()

    def __repr__(self):
        return f"Scaled(shape={self.shape})"


def scaled(t, d, vshape):
    """The batch t * d for a tangent t of shape (k,) + vshape and a local derivative d
    broadcasting to vshape (an array or a number), kept symbolic where that saves work;
    None where it does not (the caller multiplies)."""
    if type(t) is not _np.ndarray or t.shape[0] <= 1 or t.size < MIN_ENTRIES or t.dtype.kind != "f":
        return None
    if type(d) is _np.ndarray:
        if d.dtype.kind != "f" or d.ndim > len(vshape):
            return None
    elif not isinstance(d, (int, float)) or isinstance(d, bool):
        return None
    if t.shape[1:] != vshape:
        return None
    return Scaled(t, d)


def rescaled(seed, d, x_shape, vshape):
    """The Scaled batch `seed` (over x_shape) times the local derivative d (over vshape,
    the output's shape), still symbolic; NotImplemented where the output broadcasts
    beyond x (its batch would grow) or d is not a plain real value."""
    if type(d) is _np.ndarray:
        if d.dtype.kind != "f" or d.ndim > len(vshape):
            return NotImplemented
    elif not isinstance(d, (int, float)) or isinstance(d, bool):
        return NotImplemented
    base = seed.base
    if x_shape != vshape:
        # x * y with y's shape adding leading ones only (the same number of entries): the
        # batch is the same, seen with the output's shape (the factor broadcasts as it is)
        if _size(x_shape) != _size(vshape):
            return NotImplemented
        base = base.reshape(base.shape[:1] + vshape)
    return Scaled(base, seed.d if type(d) is int and d == 1 else seed.d * d)


def _size(shape):
    n = 1
    for s in shape:
        n *= s
    return n
