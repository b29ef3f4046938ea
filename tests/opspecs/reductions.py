"""Records for fastgrad/numpy/reductions.py."""

import numpy as onp

import fastgrad.numpy as np

from . import OpSpec

AXES = [{}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": (0, 1)}]
SHAPES = [((3, 4),)]


def _with_zeros(rng, shapes, dtype):
    """Inputs holding exact zeros: one zero in some slices, two in others, none in the rest,
    so that perturbing the zero itself is part of every check (second order included)."""
    x = rng.standard_normal(shapes[0])
    if dtype == "c128":
        x = x + 0.5j * rng.standard_normal(shapes[0])
    flat = x.reshape(-1)
    flat[[0, 5, 6, 9]] = 0
    return (x,)


def reduction(name, domain="real", complex=False, kwargs=AXES, **kw):
    return OpSpec(name, getattr(np, name), domain=domain, shapes=SHAPES + [((5,),)] * 0, kwargs=kwargs,
                  complex=complex, **kw)


SPECS = [
    reduction("sum", complex=True,
              rejects={"0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
    OpSpec("sum_1d", np.sum, shapes=[((5,),), ((),)]),
    reduction("mean", complex=True,
              rejects={"0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
    reduction("prod", "nonzero", complex=True,
              rejects={"0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
    OpSpec("prod_with_zeros", lambda x: np.prod(x * (np.arange(4) != 1), axis=1), shapes=[((3, 4),)],
           rejects={"size0@4": "NumPy: operands could not be broadcast together with shapes (3,0) (4,) ",
                    "0d": "NumPy: axis 1 is out of bounds for array of dimension 1"}),
    OpSpec("prod_two_zeros", lambda x: np.prod(x * (np.arange(4) > 1), axis=1), shapes=[((3, 4),)],
           rejects={"size0@4": "NumPy: operands could not be broadcast together with shapes (3,0) (4,) ",
                    "0d": "NumPy: axis 1 is out of bounds for array of dimension 1"}),
    OpSpec("prod_exact_zeros", np.prod, shapes=[((3, 4),)], make_args=_with_zeros, complex=True,
           kwargs=AXES + [{"axis": (1, 0)}], covers=("prod",),
           skips={"size0": "its inputs are built for the stated sizes",
                  "size1": "its inputs are built for the stated sizes",
                  "0d": "its inputs are built for the stated sizes"}),
    OpSpec("prod_exact_zeros_3d", np.prod, shapes=[((2, 3, 4),)], make_args=_with_zeros,
           kwargs=[{"axis": (0, 2)}, {"axis": 1, "keepdims": True}], covers=("prod",),
           skips={"size0": "its inputs are built for the stated sizes",
                  "size1@3": "its inputs are built for the stated sizes",
                  "size1@4": "its inputs are built for the stated sizes",
                  "0d": "its inputs are built for the stated sizes"}),
    reduction("max",
              rejects={"size0": "NumPy: zero-size array to reduction operation maximum which has no identity",
                       "0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
    reduction("min",
              rejects={"size0": "NumPy: zero-size array to reduction operation minimum which has no identity",
                       "0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
    reduction("amax",
              rejects={"size0": "NumPy: zero-size array to reduction operation maximum which has no identity",
                       "0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
    reduction("amin",
              rejects={"size0": "NumPy: zero-size array to reduction operation minimum which has no identity",
                       "0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
    OpSpec("max_ties", lambda x: np.max(np.minimum(x, 0.5)), domain="positive", shapes=[((6,),)],
           make_args=lambda rng, shapes, dtype: (rng.uniform(0.6, 2.0, 6),)),
    OpSpec("cumsum", np.cumsum, shapes=[((3, 4),)], kwargs=[{}, {"axis": 0}, {"axis": -1}], complex=True),
    OpSpec("cumprod", np.cumprod, domain="nonzero", shapes=[((3, 4),)], kwargs=[{}, {"axis": 0}, {"axis": 1}],
           rejects={"0d": "NumPy: axis 1 is out of bounds for array of dimension 1"}),
    OpSpec("cumprod_zero", lambda x: np.cumprod(x * (np.arange(4) != 1), axis=1), shapes=[((3, 4),)],
           rejects={"size0@4": "NumPy: operands could not be broadcast together with shapes (3,0) (4,) ",
                    "0d": "NumPy: axis 1 is out of bounds for array of dimension 1"}),
    OpSpec("cumprod_exact_zeros", np.cumprod, shapes=[((3, 4),)], make_args=_with_zeros, complex=True,
           kwargs=[{}, {"axis": 0}, {"axis": -1}], covers=("cumprod",),
           skips={"size0": "its inputs are built for the stated sizes",
                  "size1": "its inputs are built for the stated sizes",
                  "0d": "its inputs are built for the stated sizes"}),
    reduction("var", kwargs=AXES + [{"ddof": 1}],
              rejects={"0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
    reduction("std", kwargs=AXES + [{"ddof": 1}],
              rejects={"0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
    OpSpec("var_complex", np.var, shapes=SHAPES, complex=True),
    OpSpec("max_initial_where", lambda x, **kw: np.max(x, initial=0.3, **kw), shapes=[((3, 4),)],
           kwargs=[{}, {"axis": 1, "where": onp.array([True, False, True, True])}], covers=("max",),
           rejects={"size0@4": "NumPy: operands could not be broadcast together with remapped shapes",
                    "0d": "NumPy: axis 1 is out of bounds for array of dimension 0"}),
    OpSpec("min_initial_where", lambda x: np.min(x, axis=0, initial=-0.2, where=onp.arange(4) % 2 == 0),
           shapes=[((3, 4),)], covers=("min",),
           rejects={"size0@4": "NumPy: operands could not be broadcast together with remapped shapes",
                    "size1@4": "NumPy: non-broadcastable operand with shape",
                    "0d": "NumPy: input operand has more dimensions than allowed by the axis remapping"}),
    reduction("ptp",
              rejects={"size0": "NumPy: zero-size array to reduction operation maximum which has no identity",
                       "0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
    OpSpec("ptp_ties", lambda x: np.ptp(np.clip(x, -0.5, 0.5), axis=1), shapes=[((3, 5),)], domain="real",
           rejects={"size0@5": "NumPy: zero-size array to reduction operation maximum which has no identity",
                    "0d": "NumPy: axis 1 is out of bounds for array of dimension 0"}),
    OpSpec("cumulative_sum", lambda x, **kw: np.cumulative_sum(x, **kw), needs=("cumulative_sum",),
           shapes=[((3, 4),)],
           kwargs=[{"axis": 0}, {"axis": -1, "include_initial": True}], complex=True),
    OpSpec("cumulative_sum_1d", lambda x: np.cumulative_sum(x, include_initial=True), needs=("cumulative_sum",),
           shapes=[((4,),)]),
    OpSpec("cumulative_prod", lambda x, **kw: np.cumulative_prod(x, **kw), needs=("cumulative_prod",),
           domain="nonzero", shapes=[((3, 4),)],
           kwargs=[{"axis": 1}, {"axis": 0, "include_initial": True}],
           rejects={"0d": "NumPy scans a 0-d input as a 1-vector, which has no axis 1"}),
]


# NumPy's where= and initial= (on the functions and on the array methods), and axis 0 or
# -1 of a 0-d array, which NumPy's reductions and scans accept.
_SELECTED = onp.array([[1, 0, 1, 1], [1, 1, 0, 1], [0, 1, 1, 1]], dtype=bool)  # two or more per slice
_COLUMNS = onp.array([True, False, True, True])
# The masks are made for the (3, 4) input: resized, it no longer broadcasts against them.
_MASK_SIZES = {key: "NumPy: the where= mask (or mean=) of shape (3, 4) or (4,) does not broadcast to the "
                    "resized input" for key in ("size0", "size1", "0d")}

SPECS += [
    OpSpec("sum_where_initial", np.sum, shapes=[((3, 4),)], complex=True, covers=("sum",), rejects=_MASK_SIZES,
           kwargs=[{"where": _SELECTED}, {"axis": 0, "where": _COLUMNS}, {"initial": 2.0},
                   {"axis": 1, "keepdims": True, "initial": -1.0, "where": _SELECTED}]),
    OpSpec("mean_where", np.mean, shapes=[((3, 4),)], complex=True, covers=("mean",), rejects=_MASK_SIZES,
           kwargs=[{"where": _SELECTED}, {"axis": 0, "where": _SELECTED},
                   {"axis": -1, "keepdims": True, "where": _COLUMNS}]),
    OpSpec("prod_where_initial", np.prod, domain="nonzero", shapes=[((3, 4),)], covers=("prod",),
           rejects=_MASK_SIZES,
           kwargs=[{"where": _SELECTED}, {"axis": 0, "initial": 2.0},
                   {"axis": 1, "where": _SELECTED, "initial": -1.5}]),
    OpSpec("var_keywords", np.var, shapes=[((3, 4),)], complex=True, covers=("var",), rejects=_MASK_SIZES,
           kwargs=[{"where": _SELECTED}, {"axis": 0, "where": _SELECTED, "ddof": 1},
                   {"axis": 1, "keepdims": True, "where": _COLUMNS}, {"axis": 1, "correction": 1},
                   {"axis": 0, "keepdims": True, "mean": onp.full((1, 4), 0.25)}]),
    OpSpec("std_keywords", np.std, shapes=[((3, 4),)], covers=("std",), rejects=_MASK_SIZES,
           kwargs=[{"where": _SELECTED}, {"axis": 0, "where": _SELECTED, "ddof": 1}, {"correction": 1}]),
    OpSpec("max_min_initial_empty", lambda x: np.max(x, axis=0, initial=0.3) + np.min(x, axis=0, initial=-0.2),
           shapes=[((0, 4),)], covers=("max", "min")),
    OpSpec("reduction_methods_keywords",
           lambda x: (x.sum(axis=0, where=_SELECTED) + x.mean(axis=0, where=_SELECTED)
                      + x.prod(axis=0, where=_SELECTED, initial=2.0) + x.max(axis=0, where=_SELECTED, initial=-5.0)
                      + x.min(axis=0, where=_SELECTED, initial=5.0) + x.var(axis=0, where=_SELECTED)
                      + x.std(axis=0, where=_SELECTED)),
           shapes=[((3, 4),)], covers=("sum", "mean", "prod", "max", "min", "var", "std"), rejects=_MASK_SIZES),
] + [
    OpSpec(f"{name}_0d_axis", getattr(np, name), shapes=[((),)], covers=(name,),
           kwargs=[{"axis": 0}, {"axis": -1}] + ([{"axis": 0, "keepdims": True}] if keepdims else []))
    for name, keepdims in [("sum", True), ("prod", True), ("max", True), ("min", True), ("ptp", True),
                           ("cumsum", False), ("cumprod", False)]
] + [
    OpSpec("max_method_0d_axis", lambda x: (x * x).max(axis=0), shapes=[((),)], covers=("max",)),
]
