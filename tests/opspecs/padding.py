"""Records for fastgrad/numpy/padding.py: every mode, one and two padded axes."""

import fastgrad.numpy as np

from . import OpSpec

WIDTHS = [2, ((1, 2), (0, 3))]


def padded(mode, **kw):
    return lambda x, pad_width: np.pad(x, pad_width, mode, **kw)


SPECS = [
    OpSpec("pad", lambda x, **kw: np.pad(x, **kw), shapes=[((3, 4),), ((4,),)],
           kwargs=[{"pad_width": 2}, {"pad_width": (1, 3)}, {"pad_width": 1, "mode": "edge"}], complex=True,
           rejects={"size0": "NumPy: can't extend an empty axis with modes other than 'constant'"}),
    OpSpec("pad_constant", lambda x, c: np.pad(x, ((1, 2), (2, 0)), constant_values=c), shapes=[((3, 4), ())],
           complex=True,
           rejects={"0d": "NumPy: operands could not be broadcast together with remapped shapes"}),
    OpSpec("pad_constant_pairs", lambda x, c: np.pad(x, 1, constant_values=((c, 2.0), (-c, c * c))),
           shapes=[((2, 3), ())],
           rejects={"0d": "NumPy: operands could not be broadcast together with remapped shapes"}),
    OpSpec("pad_empty", lambda x: np.pad(x, 1, mode="empty") * 0.0 + np.pad(x, 1), shapes=[((2, 3),)]),
]
for mode, extra in [("edge", {}), ("reflect", {}), ("reflect", {"reflect_type": "odd"}), ("symmetric", {}),
                    ("symmetric", {"reflect_type": "odd"}), ("wrap", {}), ("linear_ramp", {}),
                    ("linear_ramp", {"end_values": (1.0, -2.0)}), ("mean", {}), ("mean", {"stat_length": 2}),
                    ("maximum", {}), ("minimum", {"stat_length": (1, 2)}), ("median", {}),
                    ("median", {"stat_length": 2})]:
    label = "pad_" + mode + "".join(f"_{k}" for k in extra)
    SPECS.append(OpSpec(label, lambda x, mode=mode, extra=extra: np.pad(x, ((1, 5), (0, 2)), mode, **extra),
                        shapes=[((3, 4),)], complex=mode not in ("maximum", "minimum", "median"),
                        rejects={"size0": "NumPy: can't extend empty axis using modes other than 'constant'",
                                 "0d": "NumPy: pad widths for two axes do not broadcast against none"}))
SPECS.append(OpSpec("pad_linear_ramp_traced_ends", lambda x, e: np.pad(x, (2, 1), "linear_ramp", end_values=(e, 3.0)),
                    shapes=[((4,), ())],
                    rejects={"size0": "NumPy: can't extend an empty axis with modes other than 'constant'"}))
