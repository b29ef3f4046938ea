"""Records for fastgrad/numpy/fft.py: every transform with cropping and zero-padding
(`n`, `s`), other axes, and the three normalisations; even and odd lengths, since the
half spectra of rfft / irfft treat the last frequency differently for even lengths."""

import numpy as onp

import fastgrad.numpy as np

from . import OpSpec

fft = np.fft

ONE_AXIS = [{}, {"n": 6}, {"n": 11}, {"axis": 0}, {"norm": "ortho"}, {"norm": "forward"},
            {"n": 4, "axis": 0, "norm": "ortho"}]
# NumPy's irfft, hfft, irfft2 and irfftn of an empty axis padded to n points read memory they
# never wrote: the value is arbitrary (it differs from run to run), nothing to compare with.
_EMPTY_PADDED = "NumPy pads an empty axis to n points from uninitialized memory: its value is arbitrary"

HALF_INPUT = [{}, {"n": 7}, {"n": 10}, {"n": 3}, {"axis": 0}, {"norm": "ortho"}, {"norm": "forward"},
              {"n": 5, "axis": 0, "norm": "forward"}]
TWO_AXES = [{}, {"s": (3, 8)}, {"axes": (0, -1)}, {"axes": (-1, -2), "s": (5, 3)}, {"norm": "ortho"},
            {"norm": "forward", "s": (2, 7)}]
N_AXES = [{}, {"axes": (0, 2)}, {"s": (4, 6), "axes": (1, 0)}, {"norm": "forward"}, {"s": (2, 3, 4)},
          {"axes": (2, 0), "norm": "ortho"}, {"axes": (1,)}]
SHIFTS = [{}, {"axes": 0}, {"axes": (1,)}, {"axes": (-1, 0)}]

SPECS = [
    OpSpec("fft", fft.fft, shapes=[((8,),), ((3, 5),)], kwargs=ONE_AXIS, complex=True,
           rejects={"size0": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("ifft", fft.ifft, shapes=[((8,),), ((3, 5),)], kwargs=ONE_AXIS, complex=True,
           rejects={"size0": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("rfft", fft.rfft, shapes=[((8,),), ((3, 5),)], kwargs=ONE_AXIS,
           rejects={"size0": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("irfft", fft.irfft, shapes=[((5,),), ((4, 5),)], kwargs=HALF_INPUT, complex=True,
           skips={"size0": _EMPTY_PADDED},
           rejects={"size1@5": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("hfft", fft.hfft, shapes=[((5,),), ((4, 5),)], kwargs=HALF_INPUT, complex=True,
           skips={"size0": _EMPTY_PADDED},
           rejects={"size1@5": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("ihfft", fft.ihfft, shapes=[((8,),), ((3, 5),)], kwargs=ONE_AXIS,
           rejects={"size0": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("fft2", fft.fft2, shapes=[((4, 6),), ((2, 4, 5),)], kwargs=TWO_AXES, complex=True,
           rejects={"size0": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("ifft2", fft.ifft2, shapes=[((4, 6),), ((2, 4, 5),)], kwargs=TWO_AXES, complex=True,
           rejects={"size0": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("rfft2", fft.rfft2, shapes=[((4, 6),), ((2, 4, 5),)], kwargs=TWO_AXES,
           rejects={"size0": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("irfft2", fft.irfft2, shapes=[((4, 4),), ((2, 4, 5),)], kwargs=TWO_AXES, complex=True,
           skips={"size0": _EMPTY_PADDED},
           rejects={"size1@4": "NumPy: Invalid number of FFT data points (0) specified.",
                    "size1@5": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("fftn", fft.fftn, shapes=[((3, 4, 5),)], kwargs=N_AXES, complex=True,
           rejects={"size0": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("ifftn", fft.ifftn, shapes=[((3, 4, 5),)], kwargs=N_AXES, complex=True,
           rejects={"size0": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("rfftn", fft.rfftn, shapes=[((3, 4, 5),)], kwargs=N_AXES,
           rejects={"size0": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: list index out of range"}),
    OpSpec("irfftn", fft.irfftn, shapes=[((3, 4, 5),)], kwargs=N_AXES, complex=True,
           skips={"size0": _EMPTY_PADDED},
           rejects={"size1@5": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: list index out of range"}),
    OpSpec("fft_roundtrip", lambda x: fft.irfft(fft.rfft(x) * onp.arange(1.0, 6.0), 8), shapes=[((8,),)],
           rejects={"size0": "NumPy: Invalid number of FFT data points (0) specified.",
                    "0d": "NumPy: tuple index out of range"}),
    OpSpec("fftshift", fft.fftshift, shapes=[((5,),), ((4, 5),)], kwargs=[{}, {"axes": 0}], complex=True,
           rejects={"0d": "NumPy: tuple index out of range"}),
    OpSpec("fftshift_axes", fft.fftshift, shapes=[((4, 5),)], kwargs=SHIFTS,
           rejects={"0d": "NumPy: tuple index out of range"}),
    OpSpec("ifftshift", fft.ifftshift, shapes=[((5,),), ((4, 5),)], kwargs=[{}, {"axes": 0}], complex=True,
           rejects={"0d": "NumPy: tuple index out of range"}),
    OpSpec("ifftshift_axes", fft.ifftshift, shapes=[((4, 5),)], kwargs=SHIFTS,
           rejects={"0d": "NumPy: tuple index out of range"}),
]

NONDIFFERENTIABLE = {
    "fftfreq": "the sample frequencies of a given length: no differentiable input",
    "rfftfreq": "the sample frequencies of a given length: no differentiable input",
}
