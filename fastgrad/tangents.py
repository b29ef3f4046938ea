"""The arithmetic the sweeps need on tangents and cotangents: adding them
(`add_tangents`) and turning symbolic zeros into dense ones (`fill_zeros`,
`batch_zeros`). A zero is None, also inside containers; a structured seed
(`core.Structured`) adds itself where it can keep its structure.
Batched values carry one leading batch axis.
Imports: the engine and NumPy only.
"""

import numpy as _np

from .engine import Structured, getval


def add_tangents(x, y):
    """x + y for tangents or cotangents of any kind; None is a symbolic zero."""
    if x is None:
        return y
    if y is None:
        return x
    if isinstance(x, Structured) or isinstance(y, Structured):
        return _add_structured(x, y)
    tx = type(x)
    if tx is list or tx is tuple:
        return tx(add_tangents(a, b) for a, b in zip(x, y))
    if isinstance(x, tuple):
        # a namedtuple: rebuilt field by field
        return tx._make(add_tangents(a, b) for a, b in zip(x, y))
    if isinstance(x, dict):
        return tx((k, add_tangents(x[k], y[k])) for k in x)
    return x + y


def _add_structured(x, y):
    if isinstance(x, Structured) and isinstance(y, Structured):
        combined = x.add_structured(y)
        if combined is not NotImplemented:
            return combined
    if isinstance(y, Structured) and not isinstance(x, Structured):
        x, y = y, x
    if not isinstance(y, Structured) and hasattr(x, "add_dense"):
        return x.add_dense(y)
    if isinstance(x, Structured):
        x = x.materialize()
    if isinstance(y, Structured):
        y = y.materialize()
    return x + y


def batch_zeros(value, k):
    """A zero tangent for `value` with a leading batch axis of size k."""
    value = getval(value)
    if isinstance(value, (list, tuple)):
        return type(value)(batch_zeros(v, k) for v in value)
    if isinstance(value, dict):
        return type(value)((key, batch_zeros(v, k)) for key, v in value.items())
    value = _np.asarray(value)
    return _np.zeros((k,) + value.shape, dtype=value.dtype)


def fill_zeros(t, value, k):
    """Replace symbolic zeros (None, also inside containers) by dense batched zeros."""
    if t is None:
        return batch_zeros(value, k)
    if isinstance(t, Structured):
        return t.materialize()
    value = getval(value)
    if isinstance(value, (list, tuple)):
        return type(value)(fill_zeros(a, v, k) for a, v in zip(t, value))
    if isinstance(value, dict):
        return type(value)((key, fill_zeros(t[key], v, k)) for key, v in value.items())
    return t
