"""Reductions and scans: sum, mean, prod, max/min, cumsum, cumprod; var, std, ptp and
NumPy 2's cumulative_sum and cumulative_prod composed from them.

Batched tangents have their batch axis first, so every `axis` argument is
shifted by one (rules.batch_axis) when a rule applies the op to a tangent, and a
cotangent is expanded back over the reduced axes before it is broadcast.
"""

import numpy as _np
import operator as _operator
import warnings

from .._shapes import ndim_of, shape_of
from ..base import DENSE, MATERIALISES, Diagonal, batch_axis, defrules, expand_reduced, normalize_axis, spread, tangent_axis, sum as sum_prim
from ..engine import Primitive, getval
from ..rules import nondifferentiable
from ._plain import as_traced_array, contains_box, takes_array_like
from .elementwise import conj, maximum, minimum, real, sqrt, where
from .shape import concatenate, flip, moveaxis, reshape, transpose


__all__ = [
    "sum",
    "mean",
    "prod",
    "max",
    "min",
    "amax",
    "amin",
    "cumsum",
    "cumprod",
    "var",
    "std",
    "ptp",
    "cumulative_sum",
    "cumulative_prod",
    "argmax",
    "argmin",
    "argsort",
    "all",
    "any",
    "count_nonzero",
]


def _masked(a, where_, fill):
    """a with the entries NumPy's where= leaves out of a reduction set to its identity; the
    mask has no derivative, and the entries it leaves out get none."""
    if where_ is _np._NoValue:
        return a
    return where(_np.broadcast_to(getval(where_), shape_of(a)), a, fill)


def _reduction(prim, np_fun, identity, combine, name, a, axis, dtype, out, keepdims, initial, where):
    """prim over axis with NumPy's where= (entries left out count as `identity`) and
    initial= (combined into every result)."""
    if initial is _np._NoValue and where is _np._NoValue and out is None:
        return prim(a, axis=axis, dtype=dtype, keepdims=keepdims)
    _no_out(out, name)
    if not contains_box((a, initial, where)):
        return np_fun(a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)
    a = as_traced_array(a)
    result = prim(_masked(a, where, identity), axis=_axis_arg(axis), dtype=dtype, keepdims=keepdims)
    return result if initial is _np._NoValue else combine(result, initial)


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_np._NoValue, where=_np._NoValue):
    """Sum over axis; where= leaves entries out and initial= is added to every result."""
    if initial is _np._NoValue and where is _np._NoValue and out is None:
        # (the common call, straight to the primitive: sum runs in most traced functions)
        return sum_prim(a, axis=axis, dtype=dtype, keepdims=keepdims)
    return _reduction(sum_prim, _np.sum, 0, _operator.add, "sum", a, axis, dtype, out, keepdims, initial, where)


def _count(x, axis):
    shape = shape_of(x)
    n = 1
    for a in normalize_axis(axis, len(shape)):
        n *= shape[a]
    return n


def _mean(x, axis=None, dtype=None, keepdims=False):
    return _np.mean(x, axis=axis, dtype=dtype, keepdims=keepdims)


# A reduction over every axis of a diagonal seed: row j of the tangent is the seed's one
# entry (times the weight of the element it sits on), one number per row, where the plain
# rule would reduce the seed's n x n dense form.
def _mean_seed_jvp(seed, ans, x, axis=None, dtype=None, keepdims=False):
    if type(seed) is not Diagonal or axis is not None or keepdims:
        return NotImplemented
    return seed.row_values() / _count(x, None)


_mean_seed_jvp.plan = lambda ans, x, axis=None, dtype=None, keepdims=False: (
    DENSE if axis is None and not keepdims else MATERIALISES)

_mean_prim = defrules(
    Primitive(_mean, "mean"),
    jvp=[lambda t, ans, x, axis=None, dtype=None, keepdims=False:
         _mean(t, axis=tangent_axis(axis, x), keepdims=keepdims)],
    vjp=[lambda g, ans, x, axis=None, dtype=None, keepdims=False:
         spread(g, x, axis, keepdims) / _count(x, axis)],
    seed_jvp=[_mean_seed_jvp],
)


def _masked_mean(a, axis, dtype, keepdims, where_):
    """The mean of the entries where_ selects: their sum over their count. A slice with
    none selected is NaN, as in NumPy, with no derivative."""
    mask = _np.broadcast_to(getval(where_), shape_of(a))
    total = sum_prim(where(mask, a, 0), axis=axis, dtype=dtype, keepdims=keepdims)
    count = _np.sum(mask, axis=axis, keepdims=keepdims)
    if _np.any(count == 0):
        warnings.warn("Mean of empty slice.", RuntimeWarning, stacklevel=3)
    count = _counts_like(count, total)
    return where(count > 0, total / _np.maximum(count, 1), _np.nan)


def _counts_like(count, x):
    """Integer counts as x's real floating dtype, so dividing by them keeps float32 float32."""
    return _np.asarray(count, dtype=_np.finfo(_np.result_type(getval(x), _np.float16)).dtype)


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=_np._NoValue):
    """Mean over axis; where= averages the selected entries only."""
    if where is _np._NoValue and out is None:
        return _mean_prim(a, axis=axis, dtype=dtype, keepdims=keepdims)
    _no_out(out, "mean")
    if not contains_box((a, where)):
        return _np.mean(a, axis=axis, dtype=dtype, keepdims=keepdims, where=where)
    return _masked_mean(as_traced_array(a), _axis_arg(axis), dtype, keepdims, where)


def _prod_partials(ans, x, axis, keepdims):
    """d prod / d x_i, the product of the other entries in x_i's slice. With no zero in x
    it is prod / x_i; with a zero, the quotient is 0/0, and the products of the entries
    before and after x_i (exclusive scans from both ends) are multiplied instead. Both
    forms are traced, so every higher derivative is exact too."""
    if not _np.any(getval(x) == 0):
        return _expand_plain(ans, ndim_of(x), axis, keepdims) / x
    nd = ndim_of(x)
    axes = normalize_axis(axis, nd)
    rest = tuple(a for a in range(nd) if a not in axes)
    moved = transpose(x, rest + axes)
    shape = shape_of(moved)
    flat = reshape(moved, shape[:len(rest)] + (-1,))
    others = _exclusive_cumprod(flat) * flip(_exclusive_cumprod(flip(flat, -1)), -1)
    inverse = tuple(_np.argsort(rest + axes))
    return transpose(reshape(others, shape), inverse)


def _exclusive_cumprod(x):
    """[1, x_0, x_0 x_1, ...] along the last axis: the product of the entries before each."""
    return _shift_right(_cumprod(x, axis=-1))


def _prod(x, axis=None, dtype=None, keepdims=False):
    return _np.prod(x, axis=axis, dtype=dtype, keepdims=keepdims)


_prod_prim = defrules(
    Primitive(_prod, "prod"),
    jvp=[lambda t, ans, x, axis=None, dtype=None, keepdims=False:
         sum_prim(t * _prod_partials(ans, x, axis, keepdims), axis=tangent_axis(axis, x), keepdims=keepdims)],
    vjp=[lambda g, ans, x, axis=None, dtype=None, keepdims=False:
         expand_reduced(g, ndim_of(x), axis, keepdims) * _prod_partials(ans, x, axis, keepdims)],
)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_np._NoValue, where=_np._NoValue):
    """Product over axis; where= leaves entries out and every result is multiplied by initial=."""
    return _reduction(_prod_prim, _np.prod, 1, _operator.mul, "prod", a, axis, dtype, out, keepdims, initial, where)


def _extremum_weights(ans, x, axis, keepdims):
    """Where several entries attain the max (or min), they share its derivative equally."""
    hit = x == _expand_plain(ans, ndim_of(x), axis, keepdims)
    return hit / _np.sum(hit, axis=axis, keepdims=True)


def _expand_plain(ans, x_ndim, axis, keepdims):
    if keepdims:
        return ans
    shape = list(shape_of(ans))
    for a in normalize_axis(axis, x_ndim):
        shape.insert(a, 1)
    return reshape(ans, tuple(shape))


def _make_extremum(np_fun, name):
    def fun(x, axis=None, keepdims=False):
        return np_fun(x, axis=axis, keepdims=keepdims)

    fun.__name__ = name

    def seed_jvp(seed, ans, x, axis=None, keepdims=False):
        if type(seed) is not Diagonal or axis is not None or keepdims:
            return NotImplemented
        return seed.scaled(_extremum_weights(ans, x, None, False)).row_values()

    seed_jvp.plan = lambda ans, x, axis=None, keepdims=False: (
        DENSE if axis is None and not keepdims else MATERIALISES)
    return defrules(
        Primitive(fun, name),
        jvp=[lambda t, ans, x, axis=None, keepdims=False:
             sum_prim(t * _extremum_weights(ans, x, axis, keepdims),
                  axis=tangent_axis(axis, x), keepdims=keepdims)],
        vjp=[lambda g, ans, x, axis=None, keepdims=False:
             expand_reduced(g, ndim_of(x), axis, keepdims) * _extremum_weights(ans, x, axis, keepdims)],
        seed_jvp=[seed_jvp],
    )


_max = _make_extremum(_np.max, "max")
_min = _make_extremum(_np.min, "min")


def _masked_extremum(reduce, pick, fill, name, a, axis, out, keepdims, initial, where_):
    """max or min with NumPy's initial= and where=: masked-out entries are replaced by
    -inf (inf) and the initial value joins through maximum (minimum), which splits the
    derivative evenly when it ties with the result."""
    _no_out(out, name)
    axis = _axis_arg(axis)
    if where_ is not _np._NoValue:
        a = as_traced_array(a)
        mask = _np.broadcast_to(getval(where_), shape_of(getval(a)))
        if initial is _np._NoValue and _np.any(~_np.any(mask, axis=axis)):
            raise ValueError(f"reduction operation '{pick.__name__}' does not have an identity, "
                             "so to use a where mask one has to specify 'initial'")
        a = where(mask, a, fill)
    if initial is not _np._NoValue and _count(a, axis) == 0:
        # Slices with no entries: NumPy's max and min raise, and initial is the result.
        shape = _np.sum(_np.empty(shape_of(a)), axis=axis, keepdims=keepdims).shape
        return initial + _np.zeros(shape, _np.result_type(getval(a), getval(initial)))
    result = reduce(a, axis=axis, keepdims=keepdims)
    if initial is not _np._NoValue:
        result = pick(result, initial)
    return result


def max(a, axis=None, out=None, keepdims=False, initial=_np._NoValue, where=_np._NoValue):
    """Largest entries along axis; tied entries share the derivative equally."""
    return _masked_extremum(_max, maximum, -_np.inf, "max", a, axis, out, keepdims, initial, where)


def min(a, axis=None, out=None, keepdims=False, initial=_np._NoValue, where=_np._NoValue):
    """Smallest entries along axis; tied entries share the derivative equally."""
    return _masked_extremum(_min, minimum, _np.inf, "min", a, axis, out, keepdims, initial, where)


amax = max
amin = min


def _axis_arg(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _no_out(out, name):
    if out is not None:
        raise TypeError(f"fastgrad.numpy.{name} does not support out=: it cannot trace writes into an array")


def _reverse_cumsum(g, axis):
    return flip(_cumsum(flip(g, axis), axis), axis)


def _cumsum(x, axis=None, dtype=None):
    return _np.cumsum(x, axis=axis, dtype=dtype)


def _flattens(x, axis):
    """cumsum and cumprod scan the flattened input when axis is None, and a 0-d input (which
    NumPy scans along axis 0 or -1) as the 1-vector that flattening makes of it."""
    return axis is None or ndim_of(x) == 0


def _cumsum_jvp(t, ans, x, axis=None, dtype=None):
    if _flattens(x, axis):
        t = reshape(t, (shape_of(t)[0], -1))
        return _cumsum(t, axis=1)
    return _cumsum(t, axis=batch_axis(axis, ndim_of(x)))


def _cumsum_vjp(g, ans, x, axis=None, dtype=None):
    out = _reverse_cumsum(g, 1 if _flattens(x, axis) else batch_axis(axis, ndim_of(x)))
    return reshape(out, (shape_of(g)[0],) + shape_of(x))


cumsum = defrules(Primitive(_cumsum, "cumsum"), jvp=[_cumsum_jvp], vjp=[_cumsum_vjp])


def _cumprod(x, axis=None, dtype=None):
    return _np.cumprod(x, axis=axis, dtype=dtype)


def _linear_scan(a, b):
    """s along the last axis with s_i = a_i s_(i-1) + b_i and s_(-1) = 0, by doubling
    (log2 n rounds of products and sums): no division, so exact where a has zeros, and
    written with traced operations, so its own derivatives follow. b may carry more
    leading axes than a."""
    n = shape_of(b)[-1]
    d = 1
    while d < n:
        b = concatenate([b[..., :d], b[..., d:] + a[..., d:] * b[..., :-d]], axis=-1)
        a = concatenate([a[..., :d], a[..., d:] * a[..., :-d]], axis=-1)
        d *= 2
    return b


# y_i = y_(i-1) x_i, so dy_i = x_i dy_(i-1) + y_(i-1) t_i. With no zero along the axis
# this is y_i * sum_(j<=i) t_j / x_j (a cumsum); with a zero that quotient is 0/0, and
# the recurrence itself is scanned instead.
def _cumprod_jvp(t, ans, x, axis=None, dtype=None):
    k = shape_of(t)[0]
    flat = _flattens(x, axis)
    ax = -1 if flat else axis % ndim_of(x) - ndim_of(x)
    xs = moveaxis(reshape(x, (-1,)) if flat else x, ax, -1)
    ts = moveaxis(reshape(t, (k, -1)) if flat else t, ax, -1)
    ys = moveaxis(reshape(ans, (-1,)) if flat else ans, ax, -1)
    if not _np.any(getval(xs) == 0):
        out = ys * _cumsum(ts / xs, axis=-1)
    else:
        out = _linear_scan(xs, ts * _shift_right(ys))
    return moveaxis(out, -1, ax)


# The transpose of that recurrence: xbar_j = y_(j-1) r_j with r_j = g_j + x_(j+1) r_(j+1),
# the same scan run from the end.
def _cumprod_vjp(g, ans, x, axis=None, dtype=None):
    k = shape_of(g)[0]
    flat = _flattens(x, axis)
    ax = -1 if flat else axis % ndim_of(x) - ndim_of(x)
    xs = moveaxis(reshape(x, (-1,)) if flat else x, ax, -1)
    ys = moveaxis(reshape(ans, (-1,)) if flat else ans, ax, -1)
    gs = moveaxis(g, ax, -1)
    if not _np.any(getval(xs) == 0):
        out = _reverse_cumsum(gs * ys, -1) / xs
    else:
        following = concatenate([xs[..., 1:], _ones_column(xs)], axis=-1)
        out = _shift_right(ys) * flip(_linear_scan(flip(following, -1), flip(gs, -1)), -1)
    out = moveaxis(out, -1, ax)
    return reshape(out, (k,) + shape_of(x))


def _shift_right(y):
    """[1, y_0, ..., y_(n-2)] along the last axis: cumprod's value before each entry."""
    return concatenate([_ones_column(y), y[..., :-1]], axis=-1)


def _ones_column(y):
    """Ones of y's floating dtype, shaped as one entry along y's last axis."""
    return _np.ones(shape_of(y)[:-1] + (1,), dtype=_np.result_type(getval(y), _np.float16))


cumprod = defrules(Primitive(_cumprod, "cumprod"), jvp=[_cumprod_jvp], vjp=[_cumprod_vjp])


@takes_array_like
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_np._NoValue,
        mean=_np._NoValue, correction=_np._NoValue):
    """Variance over axis, with NumPy's where= (selected entries only), mean= (the mean,
    with keepdims, already computed) and correction= (ddof's other name)."""
    _no_out(out, "var")
    if correction is not _np._NoValue:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    return _variance(a, _axis_arg(axis), ddof, keepdims, where, mean)


def _variance(a, axis, ddof, keepdims, where_, mean_):
    if mean_ is _np._NoValue:
        mean_ = (_mean_prim(a, axis=axis, keepdims=True) if where_ is _np._NoValue
                 else _masked_mean(a, axis, None, True, where_))
    centered = a - mean_
    if _np.iscomplexobj(getval(a)):
        squares = real(centered * conj(centered))
    else:
        squares = centered * centered
    if where_ is _np._NoValue:
        n = _count(a, axis)
    else:
        mask = _np.broadcast_to(getval(where_), shape_of(a))
        squares = where(mask, squares, 0)
        n = _counts_like(_np.sum(mask, axis=axis, keepdims=keepdims), a)
    return sum_prim(squares, axis=axis, keepdims=keepdims) / (n - ddof)


def _sqrt_of_variance(v):
    """sqrt(v), whose derivative at v == 0 (a constant slice, where std has a kink like |x|
    at 0) is taken as 0, and at a NaN variance (no data) is 0 too."""
    value = getval(v)
    flat = (value == 0) | _np.isnan(value)
    if not _np.any(flat):
        return sqrt(v)
    return where(flat, value, sqrt(where(flat, 1.0, v)))


@takes_array_like
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_np._NoValue,
        mean=_np._NoValue, correction=_np._NoValue):
    """sqrt(var); where the variance is 0 its derivative is taken as 0."""
    return _sqrt_of_variance(var(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims,
                                 where=where, mean=mean, correction=correction))


@takes_array_like
def ptp(a, axis=None, out=None, keepdims=False):
    """max - min; where several entries attain either, they share its derivative."""
    _no_out(out, "ptp")
    axis = _axis_arg(axis)
    return max(a, axis=axis, keepdims=keepdims) - min(a, axis=axis, keepdims=keepdims)


def _cumulative(scan, initial, x, axis, dtype, out, include_initial, name):
    _no_out(out, name)
    if axis is None or ndim_of(x) == 0:
        # NumPy scans a 0-d input as the 1-vector it makes of it.
        if ndim_of(x) > 1:
            raise ValueError(f"{name}: axis must be given for arrays of more than one dimension")
        x, axis = reshape(x, (-1,)), 0 if axis is None else axis
    if not -ndim_of(x) <= axis < ndim_of(x):
        raise _np.exceptions.AxisError(axis, ndim_of(x))
    result = scan(x, axis=axis)
    if include_initial:
        axis %= ndim_of(x)
        shape = list(shape_of(x))
        shape[axis] = 1
        start = _np.full(shape, initial, dtype=_np.result_type(getval(x), float))
        result = concatenate([start, result], axis=axis)
    return result


@takes_array_like
def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """cumsum with NumPy 2's array-API signature (include_initial prepends a 0)."""
    return _cumulative(cumsum, 0, x, axis, dtype, out, include_initial, "cumulative_sum")


@takes_array_like
def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """cumprod with NumPy 2's array-API signature (include_initial prepends a 1)."""
    return _cumulative(cumprod, 1, x, axis, dtype, out, include_initial, "cumulative_prod")


argmax = nondifferentiable(_np.argmax)
argmin = nondifferentiable(_np.argmin)
argsort = nondifferentiable(_np.argsort)
all = nondifferentiable(_np.all)
any = nondifferentiable(_np.any)
count_nonzero = nondifferentiable(_np.count_nonzero)


