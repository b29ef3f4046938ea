"""Order statistics and moments: median, quantile, percentile (and their NaN-ignoring
versions), average, cov, corrcoef, histograms and bincount; digitize carries no
derivative.

All composed. A quantile is a sorted slice (sorting.py) read at one order
statistic, or linearly interpolated between two adjacent ones: its derivative with
respect to the data is that of the selected entries (tied entries share it, as in
sort), and with respect to q it is the slope between the two order statistics
(zero for the methods that select a single one). Where q falls exactly on an order
statistic, the derivative in q is the one-sided slope towards the next one. The
weights of a weighted quantile only choose the order statistic, so they carry no
derivative. The median of an even count is the mean of the two middle values,
differentiable with weight 1/2 on each. A slice holding a NaN gives NaN (the NaN-ignoring versions
drop the NaNs first), and the derivative of that NaN output is zero.

Histograms: counts are locally constant, so only weights (hist is linear in them)
and the bin edges (which follow min(a) and max(a) when the bins are a number and no
range is given) carry derivatives; density=True divides by the edges' widths.
"""

import builtins as _builtins
import numpy as _np
import warnings

from ..engine import Box, getval
from ..rules import nondifferentiable
from ._plain import contains_box, numpy_when_plain, takes_array_like
from .calculus import diff
from .creation import astype, linspace
from .diagonals import diagonal
from .elementwise import clip, conj, imag, multiply, real, sqrt, where
from .indexing import untake
from .products import dot
from .reductions import max, mean, min, sum
from .shape import atleast_2d, broadcast_to, concatenate, ravel, reshape, squeeze, stack, transpose
from .sorting import sort


__all__ = [
    "median",
    "quantile",
    "percentile",
    "nanmedian",
    "nanquantile",
    "nanpercentile",
    "average",
    "cov",
    "corrcoef",
    "histogram",
    "histogram_bin_edges",
    "histogram2d",
    "histogramdd",
    "bincount",
    "digitize",
]


def _no_out(out, name):
    if out is not None:
        raise TypeError(f"fastgrad.numpy.{name} does not support out=: it cannot trace writes into an array")


def _reduced_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    for ax in axes:
        if not -ndim <= ax < ndim:
            raise _np.exceptions.AxisError(ax, ndim)
    axes = tuple(sorted(ax % ndim for ax in axes))
    if len(set(axes)) != len(axes):
        raise ValueError("repeated axis")
    return axes


# ---------------------------------------------------------------- quantiles
# Hyndman and Fan's continuous methods: the 0-based virtual index of quantile q in a
# sample of n is n q + alpha + q (1 - alpha - beta) - 1, interpolated linearly.
_CONTINUOUS = {
    "linear": (1.0, 1.0),
    "interpolated_inverted_cdf": (0.0, 1.0),
    "hazen": (0.5, 0.5),
    "weibull": (0.0, 0.0),
    "median_unbiased": (1.0 / 3, 1.0 / 3),
    "normal_unbiased": (3.0 / 8, 3.0 / 8),
}
_MEAN = "mean of the two"
_DISCRETE = ("lower", "higher", "nearest", "midpoint", "inverted_cdf", "averaged_inverted_cdf",
             "closest_observation")


def _lerp(a, b, t):
    """a + (b - a) t, computed from the nearer end so that t = 1 gives b exactly."""
    d = b - a
    if isinstance(t, Box) or _np.any(getval(t) != 0):
        return where(t >= 0.5, b - d * (1 - t), a + d * t)
    return a


# At a tie (g = 0) closest_observation takes the even one of x_(j) and x_(j+1), as Hyndman
# and Fan define it, from NumPy 2.1; NumPy 2.0 takes the odd one. 1 where ties go to odd.
_TIES_TO_ODD = int(_np.quantile([0.0, 1.0], 0.75, method="closest_observation") == 0.0)


def _order_statistics(method, n, q):
    """(lo, hi, gamma) with the quantile = lerp(s[lo], s[hi], gamma) for the sorted sample s
    (0-based, before clipping to the sample). gamma is traced when q is and the method
    interpolates continuously."""
    qv = getval(q)
    if method in _CONTINUOUS:
        alpha, beta = _CONTINUOUS[method]
        virtual = n * q + (alpha + q * (1 - alpha - beta)) - 1
        lo = _np.floor(getval(virtual))
        return lo, lo + 1, virtual - lo
    linear = (n - 1) * qv
    if method == "lower":
        lo = _np.floor(linear)
        return lo, lo, 0.0
    if method == "higher":
        lo = _np.ceil(linear)
        return lo, lo, 0.0
    if method == "nearest":
        lo = _np.around(linear)
        return lo, lo, 0.0
    if method == "midpoint":
        lo = _np.floor(linear)
        return lo, lo + 1, _np.where(linear == lo, 0.0, 0.5)
    if method == "_median":
        # median and nanmedian: the mean of the two middle values, as NumPy computes it.
        return _np.floor(linear), _np.ceil(linear), _MEAN
    # H&F 1-3, 1-based order statistics x_(j): j = floor(n q + m), g = n q + m - j.
    m = -0.5 if method == "closest_observation" else 0.0
    j = _np.floor(n * qv + m)
    g = n * qv + m - j
    if method == "inverted_cdf":
        k = _np.where(g > 0, j + 1, j)
        return k - 1, k - 1, 0.0
    if method == "averaged_inverted_cdf":
        return j - 1, j, _np.where(g > 0, 1.0, 0.5)
    if method == "closest_observation":
        k = _np.where((g == 0) & (j % 2 == _TIES_TO_ODD), j, j + 1)
        return k - 1, k - 1, 0.0
    raise ValueError(f"'{method}' is not a valid method. Use one of: "
                     f"{sorted(list(_CONTINUOUS) + list(_DISCRETE))}")


def _quantile(a, q, axis, method, keepdims, ignore_nan, weights=None):
    q = _traced_q(q)
    value = getval(a)
    nd = _np.ndim(value)
    axes = _reduced_axes(axis, nd)
    kept = [i for i in range(nd) if i not in axes]
    shape = _np.shape(value)
    kept_shape = tuple(shape[i] for i in kept)
    n = int(_np.prod([shape[i] for i in axes], dtype=int))
    x = reshape(transpose(a, kept + list(axes)) if nd else a, kept_shape + (n,))
    qv = _np.asarray(getval(q), dtype=float)
    if qv.ndim > 2:
        raise ValueError("q must be a scalar or 1d")
    if _np.any((qv < 0) | (qv > 1)) or _np.any(_np.isnan(qv)):
        raise ValueError("Quantiles must be in the range [0, 1]")
    batch = int(_np.prod(kept_shape, dtype=int))
    if n == 0:
        return _empty_sample_quantile(x, method, ignore_nan, qv.shape, kept_shape, shape, axes, keepdims)
    sample = reshape(sort(x, axis=-1), (batch, n))
    ranked = getval(sample)
    nans = _np.isnan(ranked)
    count = (n - _np.sum(nans, axis=-1)) if ignore_nan else _np.full(batch, n)
    q_shape = qv.shape
    q_col = reshape(q, q_shape + (1,)) if isinstance(q, Box) else qv.reshape(q_shape + (1,))
    if weights is not None:
        lo = hi = _weighted_positions(value, weights, axes, kept, batch, n, qv, ignore_nan)
        gamma = 0.0
    else:
        lo, hi, gamma = _order_statistics(method, count, q_col)
    last = _np.maximum(count - 1, 0)
    lo = _np.clip(_np.broadcast_to(lo, q_shape + (batch,)), 0, last).astype(_np.intp)
    hi = _np.clip(_np.broadcast_to(hi, q_shape + (batch,)), 0, last).astype(_np.intp)
    rows = _np.arange(batch)
    below, above = sample[rows, lo], sample[rows, hi]
    if gamma is _MEAN:
        result = below * 0.5 + above * 0.5
        result = where(lo == hi, below, result)
    else:
        result = _lerp(below, above, gamma)
    undefined = (count == 0) if ignore_nan else _np.any(nans, axis=-1)
    if _np.any(undefined):
        result = where(undefined, _np.nan, result)
    # NumPy's dtype: the sample's, promoted with q's where q interpolates (a float32
    # sample with a Python float q stays float32; the counts must not promote it).
    dtype = ranked.dtype if method in _DISCRETE or method == "_median" or weights is not None \
        else _np.result_type(ranked.dtype, q if isinstance(q, (int, float)) else _np.asarray(getval(q)))
    if _np.result_type(getval(result), dtype) != dtype:
        result = astype(result, dtype)
    if keepdims:
        out_shape = q_shape + tuple(1 if i in axes else s for i, s in enumerate(shape))
    else:
        out_shape = q_shape + kept_shape
    return reshape(result, out_shape)


def _empty_sample_quantile(x, method, ignore_nan, q_shape, kept_shape, shape, axes, keepdims):
    """Quantiles of slices with no entries (x has them on its last axis): the medians and
    the NaN-ignoring functions are NumPy's mean of the empty slice (NaN, with its warning
    and its NaN derivative), the others raise NumPy's IndexError."""
    if method != "_median" and not ignore_nan:
        raise IndexError("index -1 is out of bounds for axis 0 with size 0")
    if keepdims:
        out_shape = q_shape + tuple(1 if i in axes else s for i, s in enumerate(shape))
    else:
        out_shape = q_shape + kept_shape
    empty = mean(x, axis=-1)
    return reshape(broadcast_to(empty, q_shape + kept_shape), out_shape)


def _weighted_positions(value, weights, axes, kept, batch, n, qv, ignore_nan):
    """0-based sorted positions of the weighted inverted-CDF quantiles: the first order
    statistic at which the cumulative weight reaches q times the total weight."""
    w = _np.asarray(getval(weights), dtype=float)
    shape = _np.shape(value)
    if w.shape != shape:
        if w.ndim != 1 or len(axes) != 1 or w.shape[0] != shape[axes[0]]:
            raise ValueError("Shape of weights must be consistent with shape of a along specified axis.")
        full = [1] * len(shape)
        full[axes[0]] = w.shape[0]
        w = _np.broadcast_to(w.reshape(full), shape)
    if _np.any(w < 0):
        raise ValueError("Weights must be non-negative.")
    rows = _np.transpose(value, kept + list(axes)).reshape(batch, n)
    w = _np.transpose(w, kept + list(axes)).reshape(batch, n)
    order = _np.argsort(rows, axis=-1, kind="stable")
    w_sorted = _np.take_along_axis(w, order, axis=-1)
    if ignore_nan:
        w_sorted = _np.where(_np.isnan(_np.take_along_axis(rows, order, axis=-1)), 0.0, w_sorted)
    cdf = _np.cumsum(w_sorted, axis=-1)
    target = qv.reshape(qv.shape + (1,)) * cdf[:, -1]
    pos = _np.empty(qv.shape + (batch,), dtype=_np.intp)
    for b in _builtins.range(batch):
        pos[..., b] = _np.searchsorted(cdf[b], target[..., b], side="left")
    return pos


def _traced_q(q):
    """q as one array: a list holding traced values is stacked, so they stay traced."""
    if isinstance(q, (list, tuple)) and contains_box(q):
        return stack(list(q))
    return q


def _percent(q, a):
    """q / 100, traced if q is; divided by 100 in the sample's floating type, as NumPy does,
    so a Python q keeps a float32 sample's percentiles float32."""
    q = _traced_q(q)
    dtype = _np.result_type(getval(a))
    hundred = dtype.type(100) if dtype.kind == "f" else 100
    return q / hundred if isinstance(q, Box) else _np.true_divide(q, hundred)


def _check_weights(method, weights):
    if weights is not None and method != "inverted_cdf":
        raise ValueError("Only method 'inverted_cdf' supports weights")


@takes_array_like
@numpy_when_plain(_np.quantile)
def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
             weights=None, interpolation=None):
    """q-th quantiles of a along axis; shape q.shape + the shape of a without axis."""
    _no_out(out, "quantile")
    _check_weights(method, weights)
    return _quantile(a, q, axis, interpolation or method, keepdims, ignore_nan=False, weights=weights)


@takes_array_like
@numpy_when_plain(_np.percentile)
def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
               weights=None, interpolation=None):
    _no_out(out, "percentile")
    _check_weights(method, weights)
    return _quantile(a, _percent(q, a), axis, interpolation or method, keepdims, ignore_nan=False, weights=weights)


@takes_array_like
@numpy_when_plain(_np.median)
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    _no_out(out, "median")
    return _quantile(a, 0.5, axis, "_median", keepdims, ignore_nan=False)


def _warn_all_nan(a, axis):
    value = getval(a)
    valid = _np.sum(~_np.isnan(value), axis=axis)
    if _np.any(valid == 0):
        warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)


@takes_array_like
@numpy_when_plain(_np.nanquantile)
def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
                weights=None, interpolation=None):
    _no_out(out, "nanquantile")
    _check_weights(method, weights)
    _warn_all_nan(a, axis)
    return _quantile(a, q, axis, interpolation or method, keepdims, ignore_nan=True, weights=weights)


@takes_array_like
@numpy_when_plain(_np.nanpercentile)
def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
                  weights=None, interpolation=None):
    _no_out(out, "nanpercentile")
    _check_weights(method, weights)
    _warn_all_nan(a, axis)
    return _quantile(a, _percent(q, a), axis, interpolation or method, keepdims, ignore_nan=True, weights=weights)


@takes_array_like
@numpy_when_plain(_np.nanmedian)
def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    _no_out(out, "nanmedian")
    _warn_all_nan(a, axis)
    return _quantile(a, 0.5, axis, "_median", keepdims, ignore_nan=True)


# ---------------------------------------------------------------- moments
@takes_array_like
@numpy_when_plain(_np.average)
def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """sum(a * weights) / sum(weights) along axis (the mean without weights); with
    returned=True also the sum of the weights, broadcast to the result's shape."""
    if isinstance(axis, list):
        axis = tuple(axis)
    if weights is None:
        avg = mean(a, axis=axis, keepdims=keepdims)
        if _np.size(getval(avg)) == 0:
            # NumPy divides the sizes, 0 / 0 here, and raises.
            raise ZeroDivisionError("division by zero")
        scale = _np.size(getval(a)) / _np.size(getval(avg))
        scale = _np.broadcast_to(_np.asarray(scale, dtype=_np.result_type(getval(avg), float)),
                                 _np.shape(getval(avg)))
    else:
        shape_a, shape_w = _np.shape(getval(a)), _np.shape(getval(weights))
        w = weights
        if shape_a != shape_w:
            if axis is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            axes = _reduced_axes(axis, len(shape_a))
            if shape_w != tuple(shape_a[ax] for ax in axes):
                raise ValueError("Shape of weights must be consistent with shape of a along specified axis.")
            full = [1] * len(shape_a)
            for ax in axes:
                full[ax] = shape_a[ax]
            w = broadcast_to(reshape(weights, tuple(full)), shape_a)
        scale = sum(w, axis=axis, keepdims=keepdims)
        if _np.any(getval(scale) == 0.0):
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = sum(multiply(a, w), axis=axis, keepdims=keepdims) / scale
    if returned:
        if _np.shape(getval(scale)) != _np.shape(getval(avg)):
            scale = broadcast_to(scale, _np.shape(getval(avg)))
        return avg, scale
    return avg


@takes_array_like
@numpy_when_plain(_np.cov)
def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    """Covariance of the rows (variables) of m (and y), observations along the columns;
    (X - mean) W (X - mean)^H / (sum of weights - ddof ...), squeezed like NumPy's."""
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    if _np.ndim(getval(m)) > 2:
        raise ValueError("m has more than 2 dimensions")
    X = atleast_2d(m)
    if not rowvar and (_np.ndim(getval(m)) != 1 if _COV_TRANSPOSES_BY_NDIM else _np.shape(getval(X))[0] != 1):
        X = transpose(X)
    if _np.shape(getval(X))[0] == 0:
        return _np.array([]).reshape(0, 0)
    if y is not None:
        Y = atleast_2d(y)
        if not rowvar and _np.shape(getval(Y))[0] != 1:
            Y = transpose(Y)
        X = concatenate([X, Y], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    for name, given in (("fweights", fweights), ("aweights", aweights)):
        if given is not None:
            _check_sample_weights(name, given, _np.shape(getval(X))[1])
    weights = None
    if fweights is not None:
        fw = _np.asarray(getval(fweights))
        if not _np.all(fw == _np.around(fw)):
            raise TypeError("fweights must be integer")
        if _np.any(fw < 0):
            raise ValueError("fweights cannot be negative")
        weights = _np.asarray(fw, dtype=float)
    if aweights is not None:
        if _np.any(getval(aweights) < 0):
            raise ValueError("aweights cannot be negative")
        weights = aweights if weights is None else multiply(weights, aweights)
    avg, w_sum = average(X, axis=1, weights=weights, returned=True)
    w_sum = w_sum[0]
    if weights is None:
        fact = _np.shape(getval(X))[1] - ddof
    elif ddof == 0:
        fact = w_sum
    elif aweights is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * sum(multiply(weights, aweights)) / w_sum
    if _np.any(getval(fact) <= 0):
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
        fact = 0.0
    X = X - reshape(avg, (-1, 1))
    X_T = transpose(X if weights is None else multiply(X, weights))
    with _np.errstate(divide="ignore", invalid="ignore"):
        c = dot(X, conj(X_T)) * (1.0 / fact if isinstance(fact, Box) else _np.true_divide(1.0, fact))
    return squeeze(c)


# With rowvar=False, newer NumPy transposes every 2-d m, a single observation (1, n)
# included; older NumPy left a single row as one variable. The installed one decides.
with warnings.catch_warnings(), _np.errstate(all="ignore"):
    # (one observation: NumPy warns of zero degrees of freedom, which is not the question)
    warnings.simplefilter("ignore")
    _COV_TRANSPOSES_BY_NDIM = _np.cov(_np.ones((1, 2)), rowvar=False).shape == (2, 2)


def _check_sample_weights(name, w, n):
    shape = _np.shape(getval(w))
    if len(shape) > 1:
        raise RuntimeError(f"cannot handle multidimensional {name}")
    if len(shape) == 0 or shape[0] != n:
        raise RuntimeError(f"incompatible numbers of samples and {name}")


@takes_array_like
@numpy_when_plain(_np.corrcoef)
def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients cov_ij / sqrt(cov_ii cov_jj), clipped to [-1, 1]
    (real and imaginary parts separately); the clip passes the derivative at the bound."""
    c = cov(x, y, rowvar)
    if _np.ndim(getval(c)) == 0:
        return c / c
    d = real(diagonal(c))
    stddev = sqrt(d)
    c = c / reshape(stddev, (-1, 1))
    c = c / reshape(stddev, (1, -1))
    if _np.iscomplexobj(getval(c)):
        return clip(real(c), -1, 1) + 1j * clip(imag(c), -1, 1)
    return clip(c, -1, 1)


# ---------------------------------------------------------------- histograms
def _outer_edges(a, value_range):
    """The first and last edges of equal-width bins: range if given, else min(a) and max(a)
    (widened by 1/2 each way when they coincide), traced when a is."""
    if value_range is not None:
        first, last = value_range
        if getval(first) > getval(last):
            raise ValueError("max must be larger than min in range parameter.")
        return first, last
    if _np.size(getval(a)) == 0:
        return 0.0, 1.0
    first, last = min(a), max(a)
    if getval(first) == getval(last):
        first, last = first - 0.5, last + 0.5
    return first, last


def _traced_edges(a, bins, value_range, plain_edges):
    """The bin edges NumPy chose, traced where they depend on traced values."""
    if isinstance(bins, Box):
        return bins
    if _np.ndim(getval(bins)) == 1 and not isinstance(bins, str):
        return plain_edges
    if not (isinstance(a, Box) or contains_box(value_range)):
        return plain_edges
    first, last = _outer_edges(a, value_range)
    return linspace(first, last, len(plain_edges))


def _bin_index(x, edges):
    """0-based bin of each sample (the last bin closed on the right), -1 outside the edges."""
    edges = _np.asarray(edges)
    nbins = len(edges) - 1
    index = _np.searchsorted(edges, x, side="right") - 1
    index = _np.where(x == edges[-1], nbins - 1, index)
    return _np.where((index >= 0) & (index < nbins), index, -1)


def _weighted_counts(index, weights, shape):
    """sum of weights per bin (a scatter-add, linear in the weights)."""
    keep = _np.all(_np.stack([i >= 0 for i in index]), axis=0)
    w = ravel(weights)
    return untake(w[_np.nonzero(keep)[0]], tuple(i[keep] for i in index), shape)


def _plain_range(value_range):
    if value_range is None:
        return None
    return tuple(getval(r) for r in value_range)


@numpy_when_plain(_np.histogram_bin_edges)
def histogram_bin_edges(a, bins=10, range=None, weights=None):
    plain = _np.histogram_bin_edges(getval(a), getval(bins), _plain_range(range), getval(weights))
    return _traced_edges(a, bins, range, plain)


@numpy_when_plain(_np.histogram)
def histogram(a, bins=10, range=None, density=None, weights=None):
    """(hist, bin_edges); hist is traced through the weights and, with density, the edges."""
    av = getval(a)
    counts, plain_edges = _np.histogram(av, getval(bins), _plain_range(range), weights=getval(weights))
    edges = _traced_edges(a, bins, range, plain_edges)
    hist = counts
    if isinstance(weights, Box):
        hist = _weighted_counts((_bin_index(_np.ravel(av), plain_edges),), weights, (len(plain_edges) - 1,))
    if density:
        hist = hist / diff(edges) / sum(hist)
    return hist, edges


@numpy_when_plain(_np.histogramdd)
def histogramdd(sample, bins=10, range=None, density=None, weights=None):
    """(hist, [edges per dimension]) for samples of shape (N, D) (or D arrays of N)."""
    if isinstance(sample, (list, tuple)):
        sample = stack([ravel(s) for s in sample], axis=1) if contains_box(sample) else \
            _np.atleast_2d(_np.asarray(sample)).T
    elif _np.ndim(getval(sample)) == 1:
        sample = reshape(sample, (-1, 1))
    sv = getval(sample)
    D = _np.shape(sv)[1]
    plain_range = None if range is None else [None if r is None else _plain_range(r) for r in range]
    plain_bins = [getval(b) for b in bins] if isinstance(bins, (list, tuple)) else getval(bins)
    counts, plain_edges = _np.histogramdd(sv, plain_bins, plain_range, weights=getval(weights))
    bins_per_dim = list(bins) if isinstance(bins, (list, tuple)) and len(bins) == D else [bins] * D
    ranges = [None] * D if range is None else list(range)
    edges = [_traced_edges(sample[:, i], bins_per_dim[i], ranges[i], plain_edges[i]) for i in _builtins.range(D)]
    hist = counts
    if isinstance(weights, Box):
        index = tuple(_bin_index(sv[:, i], plain_edges[i]) for i in _builtins.range(D))
        hist = _weighted_counts(index, weights, counts.shape)
    if density:
        total = sum(hist)
        for i in _builtins.range(D):
            shape = [1] * D
            shape[i] = len(plain_edges[i]) - 1
            hist = hist / reshape(diff(edges[i]), tuple(shape))
        hist = hist / total
    return hist, edges


@numpy_when_plain(_np.histogram2d)
def histogram2d(x, y, bins=10, range=None, density=None, weights=None):
    """(hist, xedges, yedges), the two-dimensional case of histogramdd."""
    try:
        n = len(bins)
    except TypeError:
        n = 1
    if n != 1 and n != 2:
        bins = [bins, bins]
    hist, edges = histogramdd([x, y], bins, range, density, weights)
    return hist, edges[0], edges[1]


@numpy_when_plain(_np.bincount)
def bincount(x, weights=None, minlength=0):
    """Per-value sum of the weights (a scatter-add, linear in them); x carries no derivative."""
    xv = _np.asarray(getval(x))
    if weights is None:
        return _np.bincount(xv, minlength=minlength)
    if _np.shape(getval(weights)) != xv.shape:
        raise ValueError("The weights and list don't have the same length.")
    length = _builtins.max(int(xv.max()) + 1 if xv.size else 0, minlength)
    return untake(ravel(weights), (xv.ravel(),), (length,))


digitize = nondifferentiable(_np.digitize)

