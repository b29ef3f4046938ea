"""fastgrad.numpy.fft: NumPy's discrete Fourier transforms, differentiable in both modes.

Every transform is linear, so each primitive states its transpose and its JVP
is the transform applied to the batched tangent (its axes shifted by one for
the batch axis). Three primitives cover the family, each over any set of axes:
  _c2c   fftn / ifftn (complex to complex); fft, fft2, ifft, ifft2 are one or two axes of it
  _r2c   rfftn (real to half spectrum); rfft, rfft2
  _c2r   irfftn (half spectrum to real); irfft, irfft2
hfft and ihfft are irfft and rfft of a conjugate; fftshift and ifftshift are
permutations (take); fftfreq and rfftfreq take no differentiable input.

Transposes, under the pairing Re(sum(g * t)) (no conjugate):
  - The DFT matrix is symmetric, so the transpose of a c2c transform is the same
    transform with the same norm. Cropping or zero-padding the input to length
    `s` transposes to zero-padding or cropping back to the input length.
  - rfftn keeps the first s//2 + 1 outputs of the full transform along the last
    axis: its transpose zero-pads the cotangent back to s there, applies fftn,
    and keeps the real part (the input is real).
  - irfftn reads the half spectrum c as the Hermitian spectrum it stands for,
    x_j = (1/s) [Re c_0 + sum_{0<k<s/2} 2 Re(c_k w^jk) + Re(c_{s/2}) (-1)^j],
    so it is real-linear, not the transpose of rfftn: its transpose is
    weights * ifftn(g)[..., :s//2 + 1] with weights 1 at k = 0 (and at s/2 for
    even s) and 2 elsewhere.
Imports: the NumPy base and the families before it (elementwise, shape, indexing); never
the package namespace or a layer above. autograd's helper names for this module
(fft_grad, ...) are attached by numpy/_autograd_names.py.
"""

import numpy as _np

from ..engine import getval
from ..base import defrules
from ..engine import Primitive
from ..rules import nondifferentiable

__all__ = [
    "fft",
    "ifft",
    "rfft",
    "irfft",
    "fft2",
    "ifft2",
    "rfft2",
    "irfft2",
    "fftn",
    "ifftn",
    "rfftn",
    "irfftn",
    "hfft",
    "ihfft",
    "fftshift",
    "ifftshift",
    "fftfreq",
    "rfftfreq",
]


# ---------------------------------------------------------------- helpers
def _batched(axes):
    return tuple(ax + 1 for ax in axes)


def truncate_pad(x, shape):
    """x cropped or zero-padded at the end of each axis to `shape`."""
    for ax, n in enumerate(shape):
        have = _np.shape(x)[ax]
        if have > n:
            x = x[(slice(None),) * ax + (slice(0, n),)]
        elif have < n:
            pad = list(_np.shape(x))
            pad[ax] = n - have
            x = concatenate([x, _np.zeros(pad, dtype=_np.result_type(getval(x)))], axis=ax)
    return x


def _fit(x, axes, lengths):
    """x cropped or zero-padded to the given length along each of `axes`."""
    shape = list(_np.shape(x))
    for ax, n in zip(axes, lengths):
        shape[ax] = n
    return truncate_pad(x, shape)


def _real_if(x, like):
    return x if _np.iscomplexobj(like) else real(x)


def make_rfft_factors(axes, resshape, facshape, normshape, norm):
    """How often each entry of a half spectrum occurs in the full Hermitian spectrum it
    stands for, along the last of `axes`: 1 at frequency 0 (and at the last entry when the
    full length normshape[-1] is even), 2 elsewhere; shaped `facshape`. (resshape and
    norm are accepted in autograd's argument order; the weights do not depend on them.)"""
    n = normshape[-1]
    w = _np.full(n // 2 + 1, 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    return w.reshape(facshape)


# ---------------------------------------------------------------- the three primitives
def _c2c_fun(a, s, axes, norm, inverse):
    return (_np.fft.ifftn if inverse else _np.fft.fftn)(a, s=s, axes=axes, norm=norm)


def _c2c_vjp(g, ans, a, s, axes, norm, inverse):
    baxes = _batched(axes)
    out = _c2c(g, s=s, axes=baxes, norm=norm, inverse=inverse)
    return _real_if(_fit(out, baxes, [_np.shape(a)[ax] for ax in axes]), a)


_c2c = defrules(
    Primitive(_c2c_fun, "fftn"),
    jvp=[lambda t, ans, a, s, axes, norm, inverse:
         _c2c(t, s=s, axes=_batched(axes), norm=norm, inverse=inverse)],
    vjp=[_c2c_vjp],
)


def _r2c_fun(a, s, axes, norm):
    return _np.fft.rfftn(a, s=s, axes=axes, norm=norm)


def _r2c_vjp(g, ans, a, s, axes, norm):
    baxes = _batched(axes)
    full = _fit(g, baxes[-1:], s[-1:])
    out = _c2c(full, s=s, axes=baxes, norm=norm, inverse=False)
    return real(_fit(out, baxes, [_np.shape(a)[ax] for ax in axes]))


_r2c = defrules(
    Primitive(_r2c_fun, "rfftn"),
    jvp=[lambda t, ans, a, s, axes, norm: _r2c(t, s=s, axes=_batched(axes), norm=norm)],
    vjp=[_r2c_vjp],
)


def _c2r_fun(a, s, axes, norm):
    return _np.fft.irfftn(a, s=s, axes=axes, norm=norm)


def _c2r_vjp(g, ans, a, s, axes, norm):
    baxes = _batched(axes)
    if _np.iscomplexobj(g):
        g = real(g)
    out = _c2c(g, s=s, axes=baxes, norm=norm, inverse=True)
    half = s[-1] // 2 + 1
    facshape = [1] * _np.ndim(out)
    facshape[baxes[-1]] = half
    out = _fit(out, baxes[-1:], (half,)) * make_rfft_factors(baxes, None, facshape, s, norm)
    lengths = [_np.shape(a)[ax] for ax in axes]
    return _real_if(_fit(out, baxes, lengths), a)


_c2r = defrules(
    Primitive(_c2r_fun, "irfftn"),
    jvp=[lambda t, ans, a, s, axes, norm: _c2r(t, s=s, axes=_batched(axes), norm=norm)],
    vjp=[_c2r_vjp],
)


# ---------------------------------------------------------------- argument normalisation
def _check_norm(norm):
    if norm not in (None, "backward", "ortho", "forward"):
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or "forward".')
    return norm


def _no_out(out, name):
    if out is not None:
        raise TypeError(f"fastgrad.numpy.fft.{name} does not support out=: it cannot trace writes into an array")


def _axes_and_lengths(a, s, axes, half_input=False):
    """Explicit (s, axes) as fftn takes them: axes non-negative and distinct, one length
    per axis; with `half_input` (irfftn) the last default length is 2 (m - 1)."""
    shape, ndim = _np.shape(a), _np.ndim(a)
    if axes is None:
        axes = tuple(range(ndim)) if s is None else tuple(range(ndim - len(s), ndim))
    axes = tuple(ax % ndim if ndim else ax for ax in (axes if isinstance(axes, (tuple, list)) else (axes,)))
    check_no_repeated_axes(axes)
    if s is None:
        s = [None] * len(axes)
    if len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    lengths = []
    for i, (ax, n) in enumerate(zip(axes, s)):
        if n is None or n == -1:
            n = 2 * (shape[ax] - 1) if half_input and i == len(axes) - 1 else shape[ax]
        if n < 1:
            raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
        lengths.append(int(n))
    return tuple(lengths), axes


def check_no_repeated_axes(axes):
    """fastgrad's transforms take each axis once (NumPy would transform a repeated one twice)."""
    if len(set(axes)) != len(axes):
        raise NotImplementedError("fastgrad.numpy.fft: an axis repeated in `axes` is not supported")


def check_even_shape(shape):
    """Raise unless the last length is even, for clients whose own rules need it (fastgrad's
    rules take odd lengths too)."""
    if shape[-1] % 2:
        raise NotImplementedError(f"the last axis has odd length {shape[-1]}")


def _one_axis(n, axis):
    return (None if n is None else [n]), (axis,)


# ---------------------------------------------------------------- public transforms
def fftn(a, s=None, axes=None, norm=None, out=None):
    """The n-dimensional DFT over `axes`, each cropped or zero-padded to `s`."""
    _no_out(out, "fftn")
    s, axes = _axes_and_lengths(a, s, axes)
    return _c2c(a, s=s, axes=axes, norm=_check_norm(norm), inverse=False)


def ifftn(a, s=None, axes=None, norm=None, out=None):
    """The n-dimensional inverse DFT over `axes`."""
    _no_out(out, "ifftn")
    s, axes = _axes_and_lengths(a, s, axes)
    return _c2c(a, s=s, axes=axes, norm=_check_norm(norm), inverse=True)


def rfftn(a, s=None, axes=None, norm=None, out=None):
    """The n-dimensional DFT of a real array, keeping s[-1]//2 + 1 entries on the last axis."""
    _no_out(out, "rfftn")
    s, axes = _axes_and_lengths(a, s, axes)
    return _r2c(a, s=s, axes=axes, norm=_check_norm(norm))


def irfftn(a, s=None, axes=None, norm=None, out=None):
    """The real array whose rfftn is `a`; last axis of length s[-1] (default 2 (m - 1))."""
    _no_out(out, "irfftn")
    s, axes = _axes_and_lengths(a, s, axes, half_input=True)
    return _c2r(a, s=s, axes=axes, norm=_check_norm(norm))


def fft(a, n=None, axis=-1, norm=None, out=None):
    """The DFT along `axis`, cropped or zero-padded to n; shape of a with n on that axis."""
    _no_out(out, "fft")
    return fftn(a, *_one_axis(n, axis), norm=norm)


def ifft(a, n=None, axis=-1, norm=None, out=None):
    """The inverse DFT along `axis`; shape of a with n on that axis."""
    _no_out(out, "ifft")
    return ifftn(a, *_one_axis(n, axis), norm=norm)


def rfft(a, n=None, axis=-1, norm=None, out=None):
    """The DFT of real a along `axis`, its first n//2 + 1 entries (n = a.shape[axis] by default)."""
    _no_out(out, "rfft")
    return rfftn(a, *_one_axis(n, axis), norm=norm)


def irfft(a, n=None, axis=-1, norm=None, out=None):
    """The real signal of length n (default 2 (m - 1)) whose rfft is a, along `axis`."""
    _no_out(out, "irfft")
    return irfftn(a, *_one_axis(n, axis), norm=norm)


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """fftn over the last two axes (or `axes`)."""
    return fftn(a, s, axes, norm, out)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """ifftn over the last two axes (or `axes`)."""
    return ifftn(a, s, axes, norm, out)


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """rfftn over the last two axes (or `axes`)."""
    return rfftn(a, s, axes, norm, out)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """irfftn over the last two axes (or `axes`)."""
    return irfftn(a, s, axes, norm, out)


_SWAPPED_NORM = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def hfft(a, n=None, axis=-1, norm=None, out=None):
    """The real spectrum of a signal with Hermitian symmetry given by its first half:
    irfft(conj(a)) with the opposite normalisation."""
    _no_out(out, "hfft")
    if n is None:
        n = 2 * (_np.shape(a)[axis] - 1)
    return irfft(conj(a), n, axis, norm=_SWAPPED_NORM[_check_norm(norm)])


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """The inverse of hfft: conj(rfft(a)) with the opposite normalisation."""
    _no_out(out, "ihfft")
    return conj(rfft(a, n, axis, norm=_SWAPPED_NORM[_check_norm(norm)]))


def _shift(x, axes, sign):
    ndim = _np.ndim(x)
    if axes is None:
        axes = tuple(range(ndim))
    elif not isinstance(axes, (tuple, list)):
        axes = (axes,)
    for ax in axes:
        n = _np.shape(x)[ax]
        x = take(x, (_np.arange(n) - sign * (n // 2)) % n, axis=ax)
    return x


def fftshift(x, axes=None):
    """x with the zero frequency moved to the centre of each axis in `axes` (all by default)."""
    return _shift(x, axes, 1)


def ifftshift(x, axes=None):
    """The inverse of fftshift."""
    return _shift(x, axes, -1)


fftfreq = nondifferentiable(_np.fft.fftfreq)
rfftfreq = nondifferentiable(_np.fft.rfftfreq)


# ---------------------------------------------------------------- autograd's helper names
# autograd's fft module exposes its helpers, and fastgrad keeps their names for clients
# that import them (they stay out of __all__). get_*_args return a transform's explicit
# (axes, s, norm); *_grad are VJP makers in autograd's convention, maker(ans, x, *args,
# **kwargs) -> (g -> cotangent), here fastgrad's own derivative (one trace per call):
# fft_grad of the complex transform fft_fun (its own transpose), rfft_grad of the real
# transform whose inverse is irfft_fun, irfft_grad of the inverse of rfft_fun.
def get_fft_args(a, n=None, axis=-1, norm=None, out=None):
    s, axes = _axes_and_lengths(a, *_one_axis(n, axis))
    return axes, s, _check_norm(norm)


def get_fft2_args(a, s=None, axes=(-2, -1), norm=None, out=None):
    s, axes = _axes_and_lengths(a, s, axes)
    return axes, s, _check_norm(norm)


def get_fftn_args(a, s=None, axes=None, norm=None, out=None):
    s, axes = _axes_and_lengths(a, s, axes)
    return axes, s, _check_norm(norm)


test = _np.fft.test



from .elementwise import conj, real  # noqa: E402
from .indexing import take  # noqa: E402
from .shape import concatenate  # noqa: E402
