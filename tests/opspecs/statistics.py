"""Records for fastgrad/numpy/statistics.py. Ties (twice(x) repeats each value) as in
sorting; the choices at ties, even counts and NaN slices are also checked in
tests/test_numpy_values.py."""

import warnings

import numpy as onp

import fastgrad.numpy as np

from . import OpSpec
from .nanfunctions import with_nans

METHODS = ["linear", "lower", "higher", "nearest", "midpoint", "inverted_cdf", "averaged_inverted_cdf",
           "closest_observation", "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased",
           "normal_unbiased"]
AXES = [{}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": (0, 1)}]


def twice(x, axis=-1):
    return np.concatenate([x, x], axis=axis)


def positive_weights(rng, shapes, dtype):
    x = rng.standard_normal(shapes[0])
    w = rng.uniform(0.5, 2.0, shapes[1])
    if dtype == "c128":
        x = x + 0.5j * rng.standard_normal(shapes[0])
    return x, w


def histogram_args(rng, shapes, dtype):
    return rng.standard_normal(shapes[0]), rng.uniform(0.5, 2.0, shapes[1])


def _cov_joins_one_observation():
    """Whether NumPy's cov joins x (1, n) and y (1,) of one observation (rowvar=False);
    NumPy 2.0 refuses them."""
    with onp.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            onp.cov(onp.ones((1, 2)), onp.ones(1), rowvar=False)
        except ValueError:
            return False
    return True


SPECS = [
    OpSpec("median", np.median, shapes=[((5,),), ((4,),), ((3, 4),)], kwargs=[{}, {"axis": 0}],
           rejects={"0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
    OpSpec("median_axes", np.median, shapes=[((3, 4),)], kwargs=AXES[2:],
           rejects={"0d": "NumPy: axis -1 is out of bounds for array of dimension 0"}),
    OpSpec("median_ties", lambda x: np.median(twice(x)), shapes=[((3,),), ((4,),)],
           rejects={"0d": "NumPy: zero-dimensional arrays cannot be concatenated"}),
    OpSpec("quantile", lambda x, q, **kw: np.quantile(x, q, **kw), domain=["real", "open01"],
           shapes=[((7,), ()), ((6,), (2,))], kwargs=[{"method": m} for m in METHODS],
           rejects={"size0@6": "NumPy: index -1 is out of bounds for axis 0 with size 0",
                    "size0@7": "NumPy: index -1 is out of bounds for axis 0 with size 0"}),
    OpSpec("quantile_axis", lambda x, q, **kw: np.quantile(x, q, **kw), domain=["real", "open01"],
           shapes=[((3, 5), (2,))], kwargs=AXES,
           rejects={"size0@3": "NumPy: index -1 is out of bounds for axis 0 with size 0",
                    "size0@5": "NumPy: index -1 is out of bounds for axis 0 with size 0"}),
    OpSpec("quantile_weights", lambda x, w: np.quantile(x, [0.3, 0.8], method="inverted_cdf", weights=w, axis=1),
           make_args=positive_weights, shapes=[((2, 5), (2, 5))], diff_args=(0,),
           rejects={"size0@5": "NumPy: index -1 is out of bounds for axis 0 with size 0",
                    "0d": "NumPy: axis: axis 1 is out of bounds for array of dimension 0"}),
    OpSpec("percentile", lambda x, q, **kw: np.percentile(x, q * 100, **kw), domain=["real", "open01"],
           shapes=[((6,), ()), ((3, 4), (2,))], kwargs=[{}, {"method": "hazen"}, {"method": "nearest"}],
           rejects={"size0@3": "NumPy: index -1 is out of bounds for axis 0 with size 0",
                    "size0@4": "NumPy: index -1 is out of bounds for axis 0 with size 0",
                    "size0@6": "NumPy: index -1 is out of bounds for axis 0 with size 0"}),
    OpSpec("nanmedian", np.nanmedian, shapes=[((3, 4),)], kwargs=AXES, make_args=with_nans()),
    OpSpec("nanquantile", lambda x, **kw: np.nanquantile(x, [0.25, 0.6], **kw), shapes=[((3, 4),)],
           kwargs=[{}, {"axis": 1}, {"axis": 0, "method": "weibull"}], make_args=with_nans()),
    OpSpec("nanpercentile", lambda x, **kw: np.nanpercentile(x, 70.0, **kw), shapes=[((3, 4),)],
           kwargs=[{}, {"axis": 1, "keepdims": True}], make_args=with_nans()),
    OpSpec("average", np.average, shapes=[((3, 4),)], kwargs=[{}, {"axis": 1}], complex=True,
           rejects={"size0@3": "NumPy: division by zero",
                    "0d": "NumPy: axis: axis 1 is out of bounds for array of dimension 0"}),
    OpSpec("average_weights", lambda x, w, **kw: np.average(x, weights=w, **kw), domain=["real", "positive"],
           shapes=[((3, 4), (3, 4))], kwargs=[{}, {"axis": 0}, {"axis": (0, 1), "keepdims": True}], complex=True,
           covers=("average",),
           rejects={"size0": "NumPy: Weights sum to zero, can't be normalized",
                    "0d": "NumPy: Axis must be specified when shapes of a and weights differ."}),
    OpSpec("average_weights_1d", lambda x, w: np.average(x, axis=1, weights=w, returned=True),
           domain=["real", "positive"], shapes=[((3, 4), (4,))],
           rejects={"size0@4": "NumPy: Weights sum to zero, can't be normalized",
                    "0d": "NumPy: axis: axis 1 is out of bounds for array of dimension 0"}),
    OpSpec("cov", np.cov, shapes=[((3, 5),), ((5,),)], kwargs=[{}, {"bias": True}, {"ddof": 2}], complex=True),
    OpSpec("cov_y", lambda x, y: np.cov(x, y, rowvar=False), shapes=[((5, 2), (5,))],
           rejects={} if _cov_joins_one_observation() else {
               "size1@5": "NumPy before 2.1: the arrays of one observation do not join"}),
    OpSpec("cov_weights", lambda x, aw: np.cov(x, aweights=aw, fweights=onp.array([1, 2, 1, 3, 1])),
           make_args=positive_weights, shapes=[((2, 5), (5,))], complex=True,
           rejects={"size0@5": "NumPy: incompatible numbers of samples and fweights",
                    "size1@5": "NumPy: incompatible numbers of samples and fweights",
                    "0d": "NumPy: incompatible numbers of samples and fweights"}),
    OpSpec("corrcoef", np.corrcoef, shapes=[((3, 5),)], complex=True),
    OpSpec("corrcoef_xy", lambda x, y: np.corrcoef(x, y), shapes=[((4,), (4,))],
           rejects={"0d": "NumPy: all the input array dimensions except for the concatenation axis"}),
    OpSpec("histogram_weights", lambda a, w: np.histogram(a, bins=4, weights=w)[0], make_args=histogram_args,
           shapes=[((20,), (20,))], diff_args=(1,), covers=("histogram",),
           rejects={"0d": "NumPy: weights should have the same shape as a."}),
    OpSpec("histogram_density", lambda a, w: np.histogram(a, bins=3, weights=w, density=True),
           make_args=histogram_args, shapes=[((20,), (20,))],
           rejects={"0d": "NumPy: weights should have the same shape as a."},
           xfails={"f32/fwd": "issue 12: traced value is float32, NumPy's float64",
                   "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
    OpSpec("histogram_edges", lambda a: np.histogram(a, bins=5)[1], shapes=[((10,),)]),
    OpSpec("histogram_bin_edges", lambda a: np.histogram_bin_edges(a, bins="auto"), shapes=[((10,),)]),
    OpSpec("histogramdd", lambda s, w: np.histogramdd(s, bins=(2, 3), weights=w, density=True),
           make_args=histogram_args, shapes=[((12, 2), (12,))],
           rejects={"size0@2": "NumPy: The dimension of bins must be equal to the dimension of the sample x.",
                    "size1@2": "NumPy: The dimension of bins must be equal to the dimension of the sample x."},
           xfails={"f32/fwd": "issue 12: traced value is float32, NumPy's float64",
                   "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
    OpSpec("histogram2d", lambda x, y, w: np.histogram2d(x, y, bins=3, weights=w),
           make_args=lambda rng, shapes, dtype: (rng.standard_normal(10), rng.standard_normal(10),
                                                 rng.uniform(0.5, 2.0, 10)),
           shapes=[((10,), (10,), (10,))],
           xfails={"f32/fwd": "issue 12: traced value is float32, NumPy's float64",
                   "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
    OpSpec("bincount", lambda w: np.bincount(onp.array([0, 2, 2, 5, 1, 0]), weights=w, minlength=7),
           shapes=[((6,),)],
           rejects={"size0": "NumPy: The weights and list don't have the same length.",
                    "size1": "NumPy: The weights and list don't have the same length.",
                    "0d": "NumPy: object of too small depth for desired array"},
           xfails={"f32/fwd": "issue 12: traced value is float32, NumPy's float64",
                   "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
]

NONDIFFERENTIABLE = {
    "digitize": "an index: integer output",
}
