"""fastgrad.scipy.signal: n-dimensional convolution with autograd's signature.

convolve(A, B, axes=None, dot_axes=[(), ()], mode='full') convolves A and B along the
paired `axes`, contracts the paired `dot_axes`, and takes the outer product over the
rest; the result's axes are A's other axes, then B's, then the convolved ones.

One primitive, the full convolution, optionally cut to a window of its positions
along each convolved axis (only those are computed), which is bilinear: its JVPs are
itself applied to a tangent (the tangent's batch axis rides along as one more outer
axis), and its VJPs are correlations, that is full convolutions with the other operand
flipped, cut to the input's extent. 'valid' and 'same' are such cuts. Computing only
the cut matters for the VJPs: a kernel's cotangent is its few positions of a
correlation as long as the image, which in full would cost the image's size squared.

autograd's helpers in this module (grad_convolve, parse_axes, compute_conv_size, ...)
are at the end, outside __all__; grad_convolve is the VJP of the rules here.

Imports SciPy only indirectly (through fastgrad.scipy); the value is computed with
NumPy's sliding windows and tensordot.
"""

import numpy as _onp
from numpy.lib.stride_tricks import sliding_window_view as _windows

from .. import numpy as np
from ..engine import getval
from ..base import defrules
from ..engine import Primitive

__all__ = ["convolve"]


def _layout(ndim, conv, dot):
    """A's (or B's) axes that are neither convolved nor contracted, in order."""
    return [i for i in range(ndim) if i not in conv and i not in dot]


def _conv_full(A, B, conv_a=(), conv_b=(), dot_a=(), dot_b=(), cut=None):
    """out[a_rest, b_rest, n] = sum_{d, m} A[a_rest, d, m] B[b_rest, d, n - m] over the
    convolved multi-index m and the contracted d; n spans nA + nB - 1 per axis, or with
    cut = ((start, size), ...), one pair per convolved axis, start <= n < start + size."""
    A, B = _onp.asarray(A), _onp.asarray(B)
    nb = [B.shape[i] for i in conv_b]
    pad = [(0, 0)] * A.ndim
    for ax, m in zip(conv_a, nb):
        pad[ax] = (m - 1, m - 1)
    padded = _onp.pad(A, pad)
    if cut is not None:
        keep = [slice(None)] * A.ndim
        for ax, m, (start, size) in zip(conv_a, nb, cut):
            keep[ax] = slice(start, start + size + m - 1)
        padded = padded[tuple(keep)]
    # full[n] = sum_m padded[n + m] * B[nB - 1 - m]: windows of B's size over the padded A.
    win = _windows(padded, nb, axis=conv_a) if conv_a else padded
    flipped = _onp.flip(B, axis=conv_b) if conv_b else B
    win_axes = list(range(A.ndim, A.ndim + len(conv_a)))
    out = _onp.tensordot(win, flipped, axes=(list(dot_a) + win_axes, list(dot_b) + list(conv_b)))
    # tensordot leaves win's free axes (A's rest and the full conv axes, in A's order), then B's rest.
    a_free = [i for i in range(A.ndim) if i not in dot_a]
    a_rest = [k for k, i in enumerate(a_free) if i not in conv_a]
    a_conv = [a_free.index(i) for i in conv_a]
    b_rest = list(range(len(a_free), out.ndim))
    return _onp.transpose(out, a_rest + b_rest + a_conv)


def _shift(axes, by=1):
    return tuple(a + by for a in axes)


def _conv_jvp_a(t, ans, A, B, conv_a=(), conv_b=(), dot_a=(), dot_b=(), cut=None):
    # The tangent's batch axis is one more of A's outer axes, and the first of them.
    return _conv_prim(t, B, conv_a=_shift(conv_a), conv_b=conv_b, dot_a=_shift(dot_a), dot_b=dot_b, cut=cut)


def _conv_jvp_b(t, ans, A, B, conv_a=(), conv_b=(), dot_a=(), dot_b=(), cut=None):
    out = _conv_prim(A, t, conv_a=conv_a, conv_b=_shift(conv_b), dot_a=dot_a, dot_b=_shift(dot_b), cut=cut)
    n_a_rest = len(_layout(_onp.ndim(A), conv_a, dot_a))
    return np.moveaxis(out, n_a_rest, 0)


def _correlate_back(g, other, self_shape, self_conv, self_dot, other_conv, other_dot, cut=None):
    """The cotangent of one operand ("self"), from g laid out as (k, self's outer axes,
    other's outer axes, convolved axes): g correlated with the other operand over the
    convolved axes (a full convolution with it flipped, cut to self's extent, starting
    at the other's size - 1), contracting the other operand's outer axes; then the axes
    put back in self's order (batch axis first). With the forward's `cut`, g holds those
    positions of the full convolution, zero elsewhere."""
    if any(_onp.shape(other)[ax] == 0 for ax in other_conv):
        # the other operand is empty along a convolved axis: no product reaches the output
        return _onp.zeros((_onp.shape(g)[0],) + tuple(self_shape))
    if any(self_shape[ax] == 0 for ax in self_conv):
        return _onp.zeros((_onp.shape(g)[0],) + tuple(self_shape))  # nothing to fill
    ndim_self = len(self_shape)
    self_rest = _layout(ndim_self, self_conv, self_dot)
    other_rest = tuple(_layout(_onp.ndim(other), other_conv, other_dot))
    n_conv = len(self_conv)
    gnd = _onp.ndim(g)
    g_other = tuple(range(1 + len(self_rest), 1 + len(self_rest) + len(other_rest)))
    g_conv = tuple(range(gnd - n_conv, gnd))
    sizes = [_onp.shape(other)[ax] for ax in other_conv]
    if cut is not None:
        widths = [(0, 0)] * gnd
        for j, (ax_self, m, (start, size)) in enumerate(zip(self_conv, sizes, cut)):
            widths[gnd - n_conv + j] = (start, self_shape[ax_self] + m - 1 - start - size)
        g = np.pad(g, widths)
    flipped = np.flip(other, axis=tuple(other_conv)) if other_conv else other
    # Self's extent of the correlation, from the other's size - 1 on, and only that.
    own = tuple((m - 1, self_shape[ax]) for ax, m in zip(self_conv, sizes)) if n_conv else None
    part = _conv_prim(g, flipped, conv_a=g_conv, conv_b=tuple(other_conv), dot_a=g_other, dot_b=other_rest,
                      cut=own)
    # part's axes: k, self's outer axes, the other's dot axes (in its own axis order), conv.
    paired = [self_dot[list(other_dot).index(b)] for b in sorted(other_dot)]
    order = self_rest + paired + list(self_conv)
    perm = [0] + [1 + order.index(i) for i in range(ndim_self)]
    return np.transpose(part, perm)


def _conv_vjp_a(g, ans, A, B, conv_a=(), conv_b=(), dot_a=(), dot_b=(), cut=None):
    return _correlate_back(g, B, _onp.shape(A), conv_a, dot_a, conv_b, dot_b, cut)


def _conv_vjp_b(g, ans, A, B, conv_a=(), conv_b=(), dot_a=(), dot_b=(), cut=None):
    return _correlate_back(_swap_rest(g, A, B, conv_a, dot_a, conv_b, dot_b), A, _onp.shape(B),
                           conv_b, dot_b, conv_a, dot_a, cut)


def _swap_rest(g, A, B, conv_a, dot_a, conv_b, dot_b):
    """g with its A-outer and B-outer blocks exchanged, so B's cotangent reads like A's."""
    na = len(_layout(_onp.ndim(A), conv_a, dot_a))
    nb = len(_layout(_onp.ndim(B), conv_b, dot_b))
    nc = len(conv_a)
    perm = [0] + list(range(1 + na, 1 + na + nb)) + list(range(1, 1 + na)) + \
        list(range(1 + na + nb, 1 + na + nb + nc))
    return np.transpose(g, perm)


_conv_prim = defrules(
    Primitive(_conv_full, "convolve"),
    jvp=[_conv_jvp_a, _conv_jvp_b],
    vjp=[_conv_vjp_a, _conv_vjp_b],
)


def convolve(A, B, axes=None, dot_axes=((), ()), mode="full"):
    """Convolve A and B along axes = (A's axes, B's axes) (all of them, paired in order,
    by default), contract dot_axes = (A's, B's), outer product over the rest. The result
    has A's remaining axes, then B's, then one per convolved pair, of size nA + nB - 1
    ('full'), |nA - nB| + 1 ('valid') or nA ('same', centred as SciPy's)."""
    if mode not in ("full", "valid", "same"):
        raise ValueError(f"mode {mode!r} is not one of 'full', 'valid', 'same'")
    shape_a, shape_b = _onp.shape(getval(A)), _onp.shape(getval(B))
    if axes is None:
        if len(shape_a) != len(shape_b):
            raise ValueError("convolve with axes=None needs A and B of the same number of dimensions")
        axes = (tuple(range(len(shape_a))), tuple(range(len(shape_b))))
    conv_a = tuple(a % len(shape_a) for a in axes[0])
    conv_b = tuple(b % len(shape_b) for b in axes[1])
    dot_a = tuple(a % len(shape_a) for a in dot_axes[0])
    dot_b = tuple(b % len(shape_b) for b in dot_axes[1])
    if len(conv_a) != len(conv_b) or len(dot_a) != len(dot_b):
        raise ValueError("axes and dot_axes must pair as many axes of A as of B")
    na = [shape_a[i] for i in conv_a]
    nb = [shape_b[i] for i in conv_b]
    if mode == "valid" and not (all(x >= y for x, y in zip(na, nb)) or all(y >= x for x, y in zip(na, nb))):
        raise ValueError("in 'valid' mode one array must be at least as large as the other "
                         "along every convolved axis")
    if mode != "full" and conv_a and min(na + nb) > 0:
        if mode == "valid":
            cut = tuple((min(x, y) - 1, abs(x - y) + 1) for x, y in zip(na, nb))
        else:
            cut = tuple(((y - 1) // 2, x) for x, y in zip(na, nb))
        return _conv_prim(A, B, conv_a=conv_a, conv_b=conv_b, dot_a=dot_a, dot_b=dot_b, cut=cut)
    out = _conv_prim(A, B, conv_a=conv_a, conv_b=conv_b, dot_a=dot_a, dot_b=dot_b)
    if mode == "full" or not conv_a:
        return out
    index = [slice(None)] * (_onp.ndim(getval(out)) - len(conv_a))
    for x, y in zip(na, nb):
        if mode == "valid":
            index.append(slice(min(x, y) - 1, min(x, y) - 1 + abs(x - y) + 1))
        else:
            index.append(slice((y - 1) // 2, (y - 1) // 2 + x))
    return out[tuple(index)]


# ---------------------------------------------------------------- autograd's helper names
# autograd's module also holds the extension API it imports and its rule helpers (not in
# __all__); fastgrad.scipy._autograd_names attaches them to this module.

from numpy.lib.stride_tricks import as_strided  # noqa: E402,F401



def compute_conv_size(A_size, B_size, mode):
    """The length of the convolution of lengths A_size and B_size in `mode`."""
    if mode == "full":
        return A_size + B_size - 1
    if mode == "same":
        return A_size
    if mode == "valid":
        return abs(A_size - B_size) + 1
    raise ValueError(f"mode {mode!r} is not one of 'full', 'valid', 'same'")


def flipped_idxs(ndim, axes):
    """The index that reverses `axes` of an ndim-dimensional array."""
    return tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(ndim))


def einsum_tensordot(A, B, axes, reverse=False):
    """tensordot of A and B over the paired axes (axes[0] of A with axes[1] of B): A's other
    axes, then B's. `reverse` is accepted and ignored, as in autograd."""
    return np.tensordot(A, B, axes=(list(axes[0]), list(axes[1])))


def parse_axes(A_shape, B_shape, conv_axes, dot_axes, mode):
    """autograd's bookkeeping of convolve's axes: (axes, shapes), dicts keyed "A", "B"
    (each with "conv", "dot" and "ignore", the remaining axes) and "out" (with
    "ignore_A", "ignore_B" and "conv", the result's axes in that order); shapes holds the
    sizes along each, the convolved ones by compute_conv_size."""
    if conv_axes is None:
        conv_axes = (tuple(range(len(A_shape))), tuple(range(len(A_shape))))
    axes = {}
    for key, shape, conv, dot in (("A", A_shape, conv_axes[0], dot_axes[0]), ("B", B_shape, conv_axes[1], dot_axes[1])):
        axes[key] = {"conv": tuple(conv), "dot": tuple(dot), "ignore": tuple(_layout(len(shape), conv, dot))}
    if len(axes["A"]["conv"]) != len(axes["B"]["conv"]) or len(axes["A"]["dot"]) != len(axes["B"]["dot"]):
        raise ValueError("axes and dot_axes must pair as many axes of A as of B")
    n_a, n_b, n_conv = len(axes["A"]["ignore"]), len(axes["B"]["ignore"]), len(axes["A"]["conv"])
    axes["out"] = {"ignore_A": tuple(range(n_a)), "ignore_B": tuple(range(n_a, n_a + n_b)),
                   "conv": tuple(range(n_a + n_b, n_a + n_b + n_conv))}
    shapes = {key: {part: tuple(shape[i] for i in idx) for part, idx in axes[key].items()}
              for key, shape in (("A", A_shape), ("B", B_shape))}
    shapes["out"] = {"ignore_A": shapes["A"]["ignore"], "ignore_B": shapes["B"]["ignore"],
                     "conv": tuple(compute_conv_size(A_shape[i], B_shape[j], mode)
                                   for i, j in zip(axes["A"]["conv"], axes["B"]["conv"]))}
    return axes, shapes
