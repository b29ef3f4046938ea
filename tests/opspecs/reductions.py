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
    reduction("sum", complex=True),
    OpSpec("sum_1d", np.sum, shapes=[((5,),), ((),)]),
    reduction("mean", complex=True),
    reduction("prod", "nonzero", complex=True),
    OpSpec("prod_with_zeros", lambda x: np.prod(x * (np.arange(4) != 1), axis=1), shapes=[((3, 4),)]),
    OpSpec("prod_two_zeros", lambda x: np.prod(x * (np.arange(4) > 1), axis=1), shapes=[((3, 4),)]),
    OpSpec("prod_exact_zeros", np.prod, shapes=[((3, 4),)], make_args=_with_zeros, complex=True,
           kwargs=AXES + [{"axis": (1, 0)}], covers=("prod",)),
    OpSpec("prod_exact_zeros_3d", np.prod, shapes=[((2, 3, 4),)], make_args=_with_zeros,
           kwargs=[{"axis": (0, 2)}, {"axis": 1, "keepdims": True}], covers=("prod",)),
    reduction("max"),
    reduction("min"),
    reduction("amax"),
    reduction("amin"),
    OpSpec("max_ties", lambda x: np.max(np.minimum(x, 0.5)), domain="positive", shapes=[((6,),)],
           make_args=lambda rng, shapes, dtype: (rng.uniform(0.6, 2.0, 6),)),
    OpSpec("cumsum", np.cumsum, shapes=[((3, 4),)], kwargs=[{}, {"axis": 0}, {"axis": -1}], complex=True),
    OpSpec("cumprod", np.cumprod, domain="nonzero", shapes=[((3, 4),)], kwargs=[{}, {"axis": 0}, {"axis": 1}]),
    OpSpec("cumprod_zero", lambda x: np.cumprod(x * (np.arange(4) != 1), axis=1), shapes=[((3, 4),)]),
    OpSpec("cumprod_exact_zeros", np.cumprod, shapes=[((3, 4),)], make_args=_with_zeros, complex=True,
           kwargs=[{}, {"axis": 0}, {"axis": -1}], covers=("cumprod",)),
    reduction("var", kwargs=AXES + [{"ddof": 1}]),
    reduction("std", kwargs=AXES + [{"ddof": 1}]),
    OpSpec("var_complex", np.var, shapes=SHAPES, complex=True),
    OpSpec("max_initial_where", lambda x, **kw: np.max(x, initial=0.3, **kw), shapes=[((3, 4),)],
           kwargs=[{}, {"axis": 1, "where": onp.array([True, False, True, True])}], covers=("max",)),
    OpSpec("min_initial_where", lambda x: np.min(x, axis=0, initial=-0.2, where=onp.arange(4) % 2 == 0),
           shapes=[((3, 4),)], covers=("min",)),
    reduction("ptp"),
    OpSpec("ptp_ties", lambda x: np.ptp(np.clip(x, -0.5, 0.5), axis=1), shapes=[((3, 5),)], domain="real"),
    OpSpec("cumulative_sum", lambda x, **kw: np.cumulative_sum(x, **kw), needs=("cumulative_sum",),
           shapes=[((3, 4),)],
           kwargs=[{"axis": 0}, {"axis": -1, "include_initial": True}], complex=True),
    OpSpec("cumulative_sum_1d", lambda x: np.cumulative_sum(x, include_initial=True), needs=("cumulative_sum",),
           shapes=[((4,),)]),
    OpSpec("cumulative_prod", lambda x, **kw: np.cumulative_prod(x, **kw), needs=("cumulative_prod",),
           domain="nonzero", shapes=[((3, 4),)],
           kwargs=[{"axis": 1}, {"axis": 0, "include_initial": True}]),
]
