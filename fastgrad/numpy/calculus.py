"""Finite differences, integration and interpolation: diff, ediff1d, gradient,
trapezoid, interp, unwrap.

diff, ediff1d, gradient and trapezoid are composed from slicing and arithmetic, so
they are differentiable in every array argument (the data and the sample
coordinates). interp is composed too; unwrap is a primitive whose derivative is the
identity (it adds a locally constant multiple of the period).
"""

import numpy as _np

from ..base import defrules, unbroadcast
from ..engine import Box, getval, Primitive
from ._plain import numpy_when_plain
from .creation import astype
from .elementwise import mod, where
from .indexing import take
from .reductions import sum
from .shape import broadcast_to, concatenate, ravel, reshape


__all__ = [
    "diff",
    "ediff1d",
    "gradient",
    "trapezoid",
    "trapz",
    "interp",
    "unwrap",
]


def _along(ndim, axis, index):
    """An index selecting `index` (a slice or integer) on `axis` of an ndim-dim array."""
    return (slice(None),) * axis + (index,)


@numpy_when_plain(_np.diff)
def diff(a, n=1, axis=-1, prepend=_np._NoValue, append=_np._NoValue):
    """The n-th forward difference along axis, after joining prepend and append."""
    if n == 0:
        return a
    if n < 0:
        raise ValueError("order must be non-negative but got " + repr(n))
    nd = _np.ndim(getval(a))
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis %= nd
    pieces = []
    for extra, where_ in ((prepend, "before"), (append, "after")):
        if extra is _np._NoValue:
            continue
        if _np.ndim(getval(extra)) == 0:
            shape = list(_np.shape(getval(a)))
            shape[axis] = 1
            extra = broadcast_to(extra, tuple(shape))
        pieces.append((where_, extra))
    if pieces:
        a = concatenate([p for w, p in pieces if w == "before"] + [a] + [p for w, p in pieces if w == "after"],
                        axis=axis)
    for _ in range(n):
        a = a[_along(nd, axis, slice(1, None))] - a[_along(nd, axis, slice(None, -1))]
    return a


@numpy_when_plain(_np.ediff1d)
def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of consecutive entries of the flattened ary, with to_begin and to_end joined."""
    flat = ravel(ary)
    pieces = [flat[1:] - flat[:-1]]
    dtype = _np.result_type(getval(flat))

    def joined(values):  # NumPy casts to_begin and to_end to ary's dtype
        values = ravel(values)
        return values if _np.result_type(getval(values)) == dtype else astype(values, dtype)

    if to_begin is not None:
        pieces.insert(0, joined(to_begin))
    if to_end is not None:
        pieces.append(joined(to_end))
    return concatenate(pieces) if len(pieces) > 1 else pieces[0]


def _gradient_axis(f, axis, nd, spacing, edge_order):
    """np.gradient of f along one axis: second-order central differences inside (on
    non-uniform coordinates, the weights of the quadratic through three neighbours),
    first- or second-order one-sided differences at the two ends."""
    n = _np.shape(getval(f))[axis]
    if n < edge_order + 1:
        raise ValueError("Shape of array too small to calculate a numerical gradient, "
                         "at least (edge_order + 1) elements are required.")

    def at(index):
        return f[_along(nd, axis, index)]

    def along(h):
        """A 1-D array of per-position weights, shaped to broadcast along axis."""
        if _np.ndim(getval(h)) == 0:
            return h
        shape = [1] * nd
        shape[axis] = -1
        return reshape(h, tuple(shape))

    uniform = _np.ndim(getval(spacing)) == 0
    if uniform:
        h = spacing
        inner = (at(slice(2, None)) - at(slice(None, -2))) / (2.0 * h)
        if edge_order == 1:
            first = (at(slice(1, 2)) - at(slice(0, 1))) / h
            last = (at(slice(-1, None)) - at(slice(-2, -1))) / h
        else:
            first = (-1.5 * at(slice(0, 1)) + 2.0 * at(slice(1, 2)) - 0.5 * at(slice(2, 3))) / h
            last = (0.5 * at(slice(-3, -2)) - 2.0 * at(slice(-2, -1)) + 1.5 * at(slice(-1, None))) / h
    else:
        dx = spacing[1:] - spacing[:-1]
        # The derivative at x_i of the quadratic through (x_{i-1}, x_i, x_{i+1}).
        h_s, h_d = dx[:-1], dx[1:]
        a = -h_d / (h_s * (h_s + h_d))
        b = (h_d - h_s) / (h_s * h_d)
        c = h_s / (h_d * (h_s + h_d))
        inner = (along(a) * at(slice(None, -2)) + along(b) * at(slice(1, -1))
                 + along(c) * at(slice(2, None)))
        if edge_order == 1:
            first = (at(slice(1, 2)) - at(slice(0, 1))) / along(dx[0:1])
            last = (at(slice(-1, None)) - at(slice(-2, -1))) / along(dx[-1:])
        else:
            d1, d2 = dx[0:1], dx[1:2]
            a = -(2.0 * d1 + d2) / (d1 * (d1 + d2))
            b = (d1 + d2) / (d1 * d2)
            c = -d1 / (d2 * (d1 + d2))
            first = along(a) * at(slice(0, 1)) + along(b) * at(slice(1, 2)) + along(c) * at(slice(2, 3))
            d1, d2 = dx[-2:-1], dx[-1:]
            a = d2 / (d1 * (d1 + d2))
            b = -(d2 + d1) / (d1 * d2)
            c = (2.0 * d2 + d1) / (d2 * (d1 + d2))
            last = along(a) * at(slice(-3, -2)) + along(b) * at(slice(-2, -1)) + along(c) * at(slice(-1, None))
    return concatenate([first, inner, last], axis=axis)


@numpy_when_plain(_np.gradient)
def gradient(f, *varargs, axis=None, edge_order=1):
    """np.gradient: one array per axis (a tuple when there are several), differentiable in
    f and in the spacings or coordinates."""
    nd = _np.ndim(getval(f))
    if axis is None:
        axes = tuple(range(nd))
    else:
        axes = tuple(ax % nd for ax in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    if len(varargs) == 0:
        spacings = [1.0] * len(axes)
    elif len(varargs) == 1 and _np.ndim(getval(varargs[0])) == 0:
        spacings = [varargs[0]] * len(axes)
    elif len(varargs) == len(axes):
        spacings = list(varargs)
        for i, (h, ax) in enumerate(zip(spacings, axes)):
            if _np.ndim(getval(h)) == 1 and len(getval(h)) != _np.shape(getval(f))[ax]:
                raise ValueError("when 1d, distances must match the length of the corresponding dimension")
            if _np.ndim(getval(h)) > 1:
                raise ValueError("distances must be either scalars or 1d")
            if _np.ndim(getval(h)) == 1:
                d = _np.diff(getval(h))
                if _np.all(d == d[0]) and not isinstance(h, Box):
                    spacings[i] = d[0]
    else:
        raise TypeError("invalid number of arguments")
    if _np.issubdtype(_np.asarray(getval(f)).dtype, _np.integer):
        f = astype(f, float)
    out = tuple(_gradient_axis(f, ax, nd, h, edge_order) for ax, h in zip(axes, spacings))
    return out[0] if len(out) == 1 else out


@numpy_when_plain(_np.trapezoid)
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The trapezoidal rule along axis: sum of (y_i + y_{i+1}) / 2 times the step."""
    nd = _np.ndim(getval(y))
    axis %= nd
    if x is None:
        d = dx
    else:
        if _np.ndim(getval(x)) == 1:
            d = x[1:] - x[:-1]
            shape = [1] * nd
            shape[axis] = -1
            d = reshape(d, tuple(shape))
        else:
            d = diff(x, axis=axis)
    upper = y[_along(nd, axis, slice(1, None))]
    lower = y[_along(nd, axis, slice(None, -1))]
    return sum(d * (upper + lower) / 2.0, axis=axis)


# trapezoid's name before NumPy 2.0 renamed it, kept while the installed NumPy has it
# (NumPy 2.4 removed it; the namespace offers it only where NumPy does).
trapz = numpy_when_plain(getattr(_np, "trapz", None))(trapezoid.__wrapped__)


def _double(v):
    dtype = _np.result_type(_np.asarray(getval(v)), _np.float64)
    if not isinstance(v, Box):
        return _np.asarray(v, dtype=dtype)
    return v if _np.result_type(getval(v)) == dtype else astype(v, dtype)


@numpy_when_plain(_np.interp)
def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation of the points (xp, fp) at x. Differentiable in x, xp
    and fp (fp may be complex). At a knot the derivative in x is the slope of the interval
    to its right (of the last interval at the right end); outside [xp[0], xp[-1]] the value
    is left/right (fp[0]/fp[-1] by default) and its derivative in x is zero."""
    # NumPy interpolates in double precision whatever the inputs' precision.
    x, xp, fp = (_double(v) for v in (x, xp, fp))
    xv, xpv = _np.asarray(getval(x), dtype=float), _np.asarray(getval(xp), dtype=float)
    if _np.ndim(xpv) != 1 or _np.ndim(getval(fp)) != 1:
        raise ValueError("data points must be 1-D sequences")
    if len(xpv) != len(getval(fp)):
        raise ValueError("fp and xp are not of the same length")
    if len(xpv) == 0:
        raise ValueError("array of sample points is empty")
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(period)
        left = right = None
        x = mod(x, period)
        xp = mod(xp, period)
        order = _np.argsort(getval(xp), kind="stable")
        xp, fp = take(xp, order), take(fp, order)
        xp = concatenate([xp[-1:] - period, xp, xp[0:1] + period])
        fp = concatenate([fp[-1:], fp, fp[0:1]])
        xv, xpv = _np.asarray(getval(x), dtype=float), _np.asarray(getval(xp), dtype=float)
    n = len(xpv)
    if n == 1:
        inside = fp[_np.zeros(_np.shape(xv), dtype=_np.intp)]
    else:
        j = _np.clip(_np.searchsorted(xpv, xv, side="right") - 1, 0, n - 2)
        x0, x1 = take(xp, j), take(xp, j + 1)
        f0, f1 = take(fp, j), take(fp, j + 1)
        slope = (f1 - f0) / (x1 - x0)
        # At the right end x == xp[-1] the value is fp[-1] exactly, with the last slope.
        inside = where(xv == getval(x1), f1 + slope * (x - x1), slope * (x - x0) + f0)
    first, last = xpv[0], xpv[-1]
    below = fp[0] if left is None else left
    above = fp[-1] if right is None else right
    out = where(xv < first, below, where(xv > last, above, inside))
    return out


def _unwrap(p, discont=None, axis=-1, *, period=2 * _np.pi):
    return _np.unwrap(p, discont=discont, axis=axis, period=period)


# unwrap adds to p a multiple of the period that is constant between jumps: derivative 1.
unwrap = defrules(
    Primitive(_unwrap, "unwrap"),
    jvp=[lambda t, ans, p, discont=None, axis=-1, period=2 * _np.pi: t],
    vjp=[lambda g, ans, p, discont=None, axis=-1, period=2 * _np.pi: unbroadcast(g, p)],
)

