"""Records for fastgrad/scipy/signal.py."""

from . import OpSpec

try:
    from fastgrad.scipy import signal
except ImportError:  # SciPy is optional: without it this family has no records
    signal = None


def conv(name, shapes, **kwargs):
    return OpSpec("signal.convolve_" + name, lambda a, b: signal.convolve(a, b, **kwargs), shapes=shapes,
                  covers=("convolve",))


SPECS = [] if signal is None else [
    conv("full_1d", [((5,), (3,)), ((3,), (5,))]),
    conv("valid_1d", [((5,), (3,)), ((3,), (5,))], mode="valid"),
    conv("same_1d", [((5,), (2,)), ((3,), (4,))], mode="same"),
    conv("full_2d", [((3, 4), (2, 3))]),
    conv("same_2d", [((3, 4), (2, 3))], mode="same"),
    conv("axes_dot", [((2, 4, 3), (2, 3, 3))], axes=([1], [2]), dot_axes=([2], [1]), mode="valid"),
    conv("axes_outer", [((2, 4), (3, 2))], axes=([1], [1])),
    conv("two_axes_two_dots", [((3, 4, 2, 2), (2, 2, 3, 2))], axes=([1, 0], [2, 3]), dot_axes=([3, 2], [1, 0])),
]
