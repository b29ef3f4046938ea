"""Records for fastgrad/numpy/nanfunctions.py: inputs with NaNs in some entries (never a
whole slice: an all-NaN slice gives NaN, checked in tests/test_numpy_values.py)."""

import numpy as onp

import fastgrad.numpy as np

from . import OpSpec

AXES = [{}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": (0, 1)}]
NAN_AT = (onp.array([0, 1, 2, 2]), onp.array([1, 3, 0, 2]))


def with_nans(sampler="real", shape=(3, 4), positions=NAN_AT):
    def make(rng, shapes, dtype):
        x = rng.standard_normal(shape) if sampler == "real" else rng.uniform(0.5, 2.0, shape)
        if dtype == "c128":
            x = x + 0.5j * rng.standard_normal(shape)
        x[positions] = onp.nan
        return (x,)
    return make


def nan_reduction(name, sampler="real", complex=False, kwargs=AXES, **kw):
    return OpSpec(name, getattr(np, name), shapes=[((3, 4),)], kwargs=kwargs, complex=complex,
                  make_args=with_nans(sampler), **kw)


SPECS = [
    nan_reduction("nansum", complex=True),
    nan_reduction("nanmean", complex=True),
    nan_reduction("nanvar", complex=True, kwargs=AXES + [{"ddof": 1}]),
    nan_reduction("nanstd", kwargs=AXES + [{"ddof": 1}]),
    nan_reduction("nanmax"),
    nan_reduction("nanmin"),
    nan_reduction("nanprod", "positive", complex=True),
    OpSpec("nancumsum", np.nancumsum, shapes=[((3, 4),)], kwargs=[{}, {"axis": 1}], complex=True,
           make_args=with_nans()),
    OpSpec("nancumprod", np.nancumprod, shapes=[((3, 4),)], kwargs=[{}, {"axis": 0}],
           make_args=with_nans("positive")),
    OpSpec("nanmax_ties", lambda x: np.nanmax(np.minimum(x, 0.5), axis=1), shapes=[((3, 4),)],
           make_args=lambda rng, shapes, dtype: (onp.array([[0.9, onp.nan, 0.7, 0.1], [1.0, 2.0, 0.6, onp.nan],
                                                           [onp.nan, 0.2, 0.3, 0.4]]),)),
]

NONDIFFERENTIABLE = {
    "nanargmax": "an index: integer output",
    "nanargmin": "an index: integer output",
}


# NumPy's where= and initial=, and axis 0 or -1 of a 0-d array.
_SELECTED = onp.array([[1, 1, 1, 0], [1, 1, 0, 1], [0, 1, 1, 1]], dtype=bool)  # two or more non-NaN per slice

SPECS += [
    OpSpec(f"{name}_keywords", getattr(np, name), shapes=[((3, 4),)], make_args=with_nans(sampler),
           covers=(name,), kwargs=kwargs)
    for name, sampler, kwargs in [
        ("nansum", "real", [{"where": _SELECTED}, {"axis": 0, "initial": 3.0},
                            {"axis": 1, "keepdims": True, "where": _SELECTED, "initial": -1.0}]),
        ("nanmean", "real", [{"where": _SELECTED}, {"axis": 1, "where": _SELECTED}]),
        ("nanprod", "positive", [{"where": _SELECTED}, {"axis": 0, "where": _SELECTED, "initial": 2.0}]),
        ("nanmax", "real", [{"axis": 1, "where": _SELECTED, "initial": -9.0}, {"initial": 9.0}]),
        ("nanmin", "real", [{"axis": 0, "where": _SELECTED, "initial": 9.0}]),
        ("nanvar", "real", [{"where": _SELECTED}, {"axis": 1, "where": _SELECTED, "ddof": 1},
                            {"axis": 0, "correction": 1}]),
        ("nanstd", "real", [{"axis": 0, "where": _SELECTED}]),
    ]
] + [
    OpSpec(f"{name}_0d_axis", getattr(np, name), shapes=[((),)], covers=(name,), kwargs=[{"axis": 0}, {"axis": -1}])
    for name in ("nansum", "nanmean", "nanmax", "nanmin", "nanprod", "nancumsum", "nancumprod")
]
