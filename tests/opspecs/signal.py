"""Records for fastgrad/scipy/signal.py."""

from . import OpSpec

try:
    from fastgrad.scipy import signal
except ImportError:  # SciPy is optional: without it this family has no records
    signal = None


def conv(name, shapes, rejects=None, **kwargs):
    return OpSpec("signal.convolve_" + name, lambda a, b: signal.convolve(a, b, **kwargs), shapes=shapes,
                  covers=("convolve",), rejects=rejects or {})


SPECS = [] if signal is None else [
    conv("full_1d", [((5,), (3,)), ((3,), (5,))],
         rejects={"size0": "SciPy: v cannot be empty"}),
    conv("valid_1d", [((5,), (3,)), ((3,), (5,))], mode="valid",
         rejects={"size0": "SciPy: v cannot be empty"}),
    conv("same_1d", [((5,), (2,)), ((3,), (4,))], mode="same",
         rejects={"size0@2": "SciPy: v cannot be empty", "size0@4": "SciPy: v cannot be empty"}),
    conv("full_2d", [((3, 4), (2, 3))],
         rejects={"size0@2": "SciPy: could not broadcast input array from shape (3,4) into shape (2,4)",
                  "size0@3": "SciPy: could not broadcast input array from shape (0,4) into shape (0,3)"}),
    conv("same_2d", [((3, 4), (2, 3))], mode="same",
         rejects={"size0@2": "SciPy: could not broadcast input array from shape (3,4) into shape (2,4)",
                  "size0@3": "SciPy: could not broadcast input array from shape (0,4) into shape (0,3)"}),
    conv("axes_dot", [((2, 4, 3), (2, 3, 3))], axes=([1], [2]), dot_axes=([2], [1]), mode="valid",
         rejects={"size0@3": "as SciPy's convolve, an empty convolved axis is rejected"}),
    conv("axes_outer", [((2, 4), (3, 2))], axes=([1], [1]),
         rejects={"size0@2": "as SciPy's convolve, an empty convolved axis is rejected"}),
    conv("two_axes_two_dots", [((3, 4, 2, 2), (2, 2, 3, 2))], axes=([1, 0], [2, 3]), dot_axes=([3, 2], [1, 0]),
         rejects={"size0@2": "as SciPy's convolve, an empty convolved axis is rejected",
                  "size0@3": "as SciPy's convolve, an empty convolved axis is rejected"}),
]
