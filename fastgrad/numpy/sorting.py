"""Sorting, selection and sets: sort, partition, sort_complex, unique (and NumPy 2's
unique_all, unique_counts, unique_inverse, unique_values), union1d, intersect1d,
setdiff1d, setxor1d; the index-valued argpartition, lexsort, searchsorted and isin
carry no derivative.

Each differentiable function is composed: the permutation or selection is computed
on plain values, then applied to the traced array by gathering (indexing.py), so it
needs no rule of its own.

Ties. Where entries are equal, a sort or a set operation has no derivative: moving
one tied entry up or down changes which output it lands in. The choice made here is
the one `max` makes: all the entries equal to an output value share its derivative
equally, so each output gets the mean of their tangents (and a cotangent is split
evenly among them). This keeps sort(x)[-1] consistent with max(x), and median and
quantile (statistics.py), built on sort, inherit it. NaNs are never equal, so each
NaN is its own group.
"""

import numpy as _np

from ..engine import getval
from ..rules import nondifferentiable
from ._plain import numpy_when_plain, takes_array_like
from .creation import astype
from .indexing import take, take_along_axis, untake
from .shape import concatenate, moveaxis, ravel, reshape


__all__ = [
    "sort",
    "partition",
    "sort_complex",
    "unique",
    "unique_all",
    "unique_counts",
    "unique_inverse",
    "unique_values",
    "union1d",
    "intersect1d",
    "setdiff1d",
    "setxor1d",
    "argpartition",
    "lexsort",
    "searchsorted",
    "isin",
    "in1d",
]


# ---------------------------------------------------------------- shared derivatives at ties
def _group_mean(x, first, group, counts):
    """Traced rows x[first[g]] (one per group g, along axis 0) whose derivative is the mean
    of the derivatives of x's rows in group g. `group[i]` is row i's group. The value is
    exactly x[first[g]]: the rows of a group are equal, so the deviations added are zeros."""
    base = take(x, first, axis=0)
    if _np.all(counts == 1):
        return base
    deviation = x - take(base, group, axis=0)
    shape = (len(first),) + _np.shape(x)[1:]
    real_dtype = _np.finfo(_np.result_type(getval(x), _np.float16)).dtype  # float32 stays float32
    scale = _np.reshape(counts, (-1,) + (1,) * (len(shape) - 1)).astype(real_dtype)
    return base + untake(deviation, (group,), shape) / scale


def _share_ties(y, axis):
    """y (a permutation of some array along `axis`) with the derivatives of the equal
    entries of each slice replaced by their mean."""
    value = getval(y)
    if _np.ndim(value) == 0 or _np.size(value) == 0:
        return y
    moved = _np.moveaxis(value, axis, -1)
    n = moved.shape[-1]
    rows = moved.reshape(-1, n)
    order = _np.argsort(rows, axis=-1, kind="stable")
    ranked = _np.take_along_axis(rows, order, axis=-1)
    starts = _np.ones(ranked.shape, dtype=bool)
    starts[:, 1:] = ranked[:, 1:] != ranked[:, :-1]
    if starts.all():
        return y
    starts = starts.ravel()
    group_ranked = _np.cumsum(starts) - 1
    flat_order = (order + n * _np.arange(rows.shape[0])[:, None]).ravel()
    group = _np.empty_like(group_ranked)
    group[flat_order] = group_ranked
    first = flat_order[starts]
    counts = _np.bincount(group)
    flat = ravel(moveaxis(y, axis, -1))
    shared = take(_group_mean(flat, first, group, counts), group)
    return moveaxis(reshape(shared, moved.shape), -1, axis)


def _values_of(x, targets):
    """Traced copies of the values `targets` (a 1-D plain array of values that occur in x),
    each carrying the mean derivative of the entries of x equal to it."""
    flat = ravel(x)
    uniq, first, group, counts = _np.unique(getval(flat), return_index=True, return_inverse=True,
                                            return_counts=True, equal_nan=True)
    means = _group_mean(flat, first, group.ravel(), counts)
    position = _np.searchsorted(uniq, targets)
    if len(targets) == len(uniq) and _np.all(position == _np.arange(len(uniq))):
        return means
    return take(means, position)


# ---------------------------------------------------------------- sorting and selection
@takes_array_like
@numpy_when_plain(_np.sort)
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """Sorted copy of a along axis (flattened if axis is None); tied entries share
    their derivative (see the module's note)."""
    if order is not None:
        raise TypeError("fastgrad.numpy.sort: order= applies to structured arrays, which are not differentiable")
    if axis is None:
        a, axis = ravel(a), -1
    perm = _np.argsort(getval(a), axis=axis, kind="stable")
    return _share_ties(take_along_axis(a, perm, axis), axis)


@takes_array_like
@numpy_when_plain(_np.partition)
def partition(a, kth, axis=-1, kind="introselect", order=None):
    """NumPy's partition (the same arrangement), each output entry carrying the derivative
    of the input entry placed there; tied entries share their derivative."""
    if order is not None:
        raise TypeError("fastgrad.numpy.partition: order= applies to structured arrays")
    if axis is None:
        a, axis = ravel(a), -1
    value = getval(a)
    target = _np.partition(value, kth, axis=axis, kind=kind)
    # The permutation taking a to target: match the k-th smallest of each to each other.
    order_in = _np.argsort(value, axis=axis, kind="stable")
    order_out = _np.argsort(target, axis=axis, kind="stable")
    perm = _np.empty_like(order_in)
    _np.put_along_axis(perm, order_out, order_in, axis=axis)
    return _share_ties(take_along_axis(a, perm, axis), axis)


@takes_array_like
@numpy_when_plain(_np.sort_complex)
def sort_complex(a):
    """a sorted lexicographically (real part, then imaginary part), as a complex array."""
    out = sort(a)
    if _np.iscomplexobj(getval(out)):
        return out
    char = _np.asarray(getval(a)).dtype.char
    dtype = "F" if char in "bhBH" else "G" if char == "g" else "D"
    return astype(out, dtype)


# ---------------------------------------------------------------- unique values and sets
@takes_array_like
@numpy_when_plain(_np.unique)
def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *,
           equal_nan=True, **kwargs):
    """NumPy's unique; each unique value (or slice, with axis) carries the mean
    derivative of the entries equal to it. The other outputs are plain integer arrays."""
    # NumPy 2.3 added `sorted=`: the installed NumPy's own call accepts or refuses it.
    value = getval(ar)
    plain = _np.unique(value, return_index=return_index, return_inverse=return_inverse,
                       return_counts=return_counts, axis=axis, equal_nan=equal_nan, **kwargs)
    values = plain[0] if isinstance(plain, tuple) else plain
    if axis is None:
        traced = _values_of(ar, values)
    else:
        axis %= _np.ndim(value)
        moved = moveaxis(ar, axis, 0)
        rows = reshape(moved, (_np.shape(moved)[0], int(_np.prod(_np.shape(moved)[1:], dtype=int))))
        _, first, group, counts = _np.unique(getval(rows), return_index=True, return_inverse=True,
                                             return_counts=True, axis=0, equal_nan=equal_nan)
        means = _group_mean(rows, first, group.ravel(), counts)
        traced = moveaxis(reshape(means, (len(first),) + _np.shape(moved)[1:]), 0, axis)
    if isinstance(plain, tuple):
        return (traced,) + tuple(plain[1:])
    return traced


def _array_api_unique(np_fun):
    @takes_array_like
    @numpy_when_plain(np_fun)
    def fun(x):
        plain = np_fun(getval(x))
        if isinstance(plain, tuple):
            return type(plain)(_values_of(x, plain[0]), *plain[1:])
        return _values_of(x, plain)

    fun.__name__ = np_fun.__name__
    fun.__doc__ = (f"NumPy's {np_fun.__name__}; each unique value carries the mean derivative "
                   "of the entries equal to it.")
    return fun


unique_all = _array_api_unique(_np.unique_all)
unique_counts = _array_api_unique(_np.unique_counts)
unique_inverse = _array_api_unique(_np.unique_inverse)
unique_values = _array_api_unique(_np.unique_values)


def _both(ar1, ar2):
    return concatenate([ravel(ar1), ravel(ar2)])


@takes_array_like
@numpy_when_plain(_np.union1d)
def union1d(ar1, ar2):
    """Sorted unique values of both arrays; each carries the mean derivative of the entries
    (of either array) equal to it."""
    return _values_of(_both(ar1, ar2), _np.union1d(getval(ar1), getval(ar2)))


@takes_array_like
@numpy_when_plain(_np.intersect1d)
def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    """Sorted values found in both arrays; each carries the mean derivative of the entries
    (of both arrays) equal to it."""
    plain = _np.intersect1d(getval(ar1), getval(ar2), assume_unique=assume_unique,
                            return_indices=return_indices)
    values = plain[0] if return_indices else plain
    traced = _values_of(_both(ar1, ar2), values)
    return (traced,) + tuple(plain[1:]) if return_indices else traced


@takes_array_like
@numpy_when_plain(_np.setdiff1d)
def setdiff1d(ar1, ar2, assume_unique=False):
    """Values of ar1 not in ar2; each carries the mean derivative of ar1's entries equal to it."""
    return _values_of(ar1, _np.setdiff1d(getval(ar1), getval(ar2), assume_unique=assume_unique))


@takes_array_like
@numpy_when_plain(_np.setxor1d)
def setxor1d(ar1, ar2, assume_unique=False):
    """Values in exactly one of the arrays; each carries the mean derivative of the entries
    equal to it."""
    return _values_of(_both(ar1, ar2), _np.setxor1d(getval(ar1), getval(ar2), assume_unique=assume_unique))


argpartition = nondifferentiable(_np.argpartition)
lexsort = nondifferentiable(_np.lexsort)
searchsorted = nondifferentiable(_np.searchsorted)
isin = nondifferentiable(_np.isin)
# isin's one-dimensional form, while the installed NumPy has it (removed in NumPy 2.4).
in1d = nondifferentiable(getattr(_np, "in1d", _np.isin))

