"""Values and documented choices of fastgrad.numpy beyond what the derivative table checks:

  - a traced call returns NumPy's value (every record of the NumPy families);
  - the choices where a derivative is undefined: ties in sort, partition, unique and the
    set functions (equal entries share it), the median of an even count (1/2 on each
    middle value), quantile's q on an order statistic and interp's x on a knot (the
    slope to the right), an all-NaN slice (NaN value, zero derivative);
  - the clear errors: writing in place, sampling with a traced parameter;
  - ndarray methods and properties on traced values, and np.random passed through.
"""

import warnings

import numpy as onp
import pytest

import fastgrad.numpy as np
from fastgrad import grad, jacobian, make_jvp
from fastgrad.engine import getval
from fastgrad.tree import flatten

from opspecs import (available, calculus, creation, diagonals, elementwise, functional, indexing, nanfunctions,
                     padding, polynomials, products, reductions, shape, sorting, statistics, vectors)
from test_rules import _problem, _random_like

FAMILIES = (elementwise, reductions, nanfunctions, shape, padding, indexing, diagonals, sorting, statistics,
            calculus, polynomials, vectors, products, functional, creation)
CASES = [case for family in FAMILIES for spec in family.SPECS if available(spec) for case in spec.cases()]


def _leaves(tree):
    return [onp.asarray(getval(leaf)) for leaf in flatten(tree)[0]]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_traced_value_matches_numpy(case):
    F, x = _problem(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = F(x)
        traced, _ = make_jvp(F)(x)(_random_like(x, onp.random.default_rng(0)))
    a, b = _leaves(traced), _leaves(plain)
    assert len(a) == len(b)
    for u, v in zip(a, b):
        assert u.shape == v.shape, f"{case.id}: shape {u.shape} traced, {v.shape} plain"
        onp.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-14, equal_nan=True, err_msg=case.id)


def _both_jacobians(f, x):
    """The jacobian by forward and by reverse mode; asserts they agree and returns it."""
    j_fwd = onp.asarray(jacobian(f, mode="fwd")(x))
    j_rev = onp.asarray(jacobian(f, mode="rev")(x))
    onp.testing.assert_allclose(j_fwd, j_rev, rtol=1e-12, atol=1e-14)
    return j_fwd


# ---------------------------------------------------------------- ties share the derivative
def test_sort_ties_share():
    x = onp.array([2.0, 1.0, 2.0, 3.0])
    j = _both_jacobians(np.sort, x)
    onp.testing.assert_allclose(j, [[0, 1, 0, 0], [0.5, 0, 0.5, 0], [0.5, 0, 0.5, 0], [0, 0, 0, 1]])
    # sort(x)[-1] and max(x) agree at ties.
    y = onp.array([1.0, 3.0, 3.0])
    onp.testing.assert_allclose(grad(lambda v: np.sort(v)[-1])(y), grad(np.max)(y))


def test_partition_ties_share():
    x = onp.array([5.0, 1.0, 5.0, 0.0, 7.0])
    j = _both_jacobians(lambda v: np.partition(v, 2), x)
    out = np.partition(x, 2)
    for row, value in zip(j, out):
        tied = (x == value) / onp.sum(x == value)
        onp.testing.assert_allclose(row, tied)


def test_unique_and_sets_share():
    x = onp.array([1.0, 2.0, 1.0])
    onp.testing.assert_allclose(_both_jacobians(np.unique, x), [[0.5, 0, 0.5], [0, 1, 0]])
    a, b = onp.array([1.0, 2.0]), onp.array([2.0, 3.0])
    onp.testing.assert_allclose(grad(lambda a: np.sum(np.intersect1d(a, b)))(a), [0, 0.5])
    onp.testing.assert_allclose(grad(lambda b: np.sum(np.intersect1d(a, b)))(b), [0.5, 0])


def test_median_even_count_and_ties():
    onp.testing.assert_allclose(_both_jacobians(np.median, onp.array([3.0, 1.0, 4.0, 2.0])), [0.5, 0, 0, 0.5])
    onp.testing.assert_allclose(_both_jacobians(np.median, onp.array([1.0, 2.0, 2.0, 5.0])), [0, 0.5, 0.5, 0])
    onp.testing.assert_allclose(_both_jacobians(np.median, onp.array([4.0, 1.0, 2.0])), [0, 0, 1])


def test_quantile_q_on_an_order_statistic_takes_the_right_slope():
    x = onp.array([0.0, 1.0, 3.0, 6.0])
    # q = 1/3 puts the linear virtual index exactly on x_(1); the slope to x_(2) is (3 - 1) * 3.
    dq = grad(lambda q: np.quantile(x, q))(1.0 / 3)
    onp.testing.assert_allclose(dq, 6.0)
    onp.testing.assert_allclose(grad(lambda q: np.quantile(x, q, method="lower"))(0.4), 0.0)


def test_quantile_methods_match_numpy_at_boundaries():
    rng = onp.random.default_rng(0)
    for n in (1, 2, 5, 8):
        x = rng.standard_normal(n)
        qs = onp.concatenate([onp.arange(n + 1) / n, onp.arange(2 * n + 1) / (2 * n), [0.0, 1.0, 0.37]])
        for method in statistics.METHODS:
            traced = make_jvp(lambda v: np.quantile(v, qs, method=method))(x)(onp.ones(n))[0]
            onp.testing.assert_allclose(getval(traced), onp.quantile(x, qs, method=method), rtol=1e-13,
                                        err_msg=f"{method}, n={n}")


def test_weighted_quantile_matches_numpy():
    rng = onp.random.default_rng(1)
    x, w = rng.standard_normal((3, 6)), rng.integers(0, 4, (3, 6)).astype(float)
    w[:, 0] += 1
    qs = onp.array([0.0, 0.1, 0.5, 0.77, 1.0])
    traced = make_jvp(lambda v: np.quantile(v, qs, axis=1, weights=w, method="inverted_cdf"))(x)(onp.ones_like(x))[0]
    onp.testing.assert_allclose(getval(traced), onp.quantile(x, qs, axis=1, weights=w, method="inverted_cdf"))


def test_interp_at_a_knot_takes_the_right_slope():
    xp, fp = onp.array([0.0, 1.0, 2.0]), onp.array([0.0, 2.0, 3.0])
    onp.testing.assert_allclose(grad(lambda x: np.interp(x, xp, fp))(1.0), 1.0)
    onp.testing.assert_allclose(grad(lambda x: np.interp(x, xp, fp))(2.0), 1.0)
    onp.testing.assert_allclose(grad(lambda x: np.interp(x, xp, fp))(3.0), 0.0)


# ---------------------------------------------------------------- NaN slices
@pytest.mark.parametrize("name", ["nanmean", "nanmax", "nanmin", "nanvar", "nanstd", "nanmedian"])
def test_all_nan_slice_is_nan_with_zero_derivative(name):
    x = onp.array([[onp.nan, onp.nan], [1.0, 2.5]])
    f = lambda v: getattr(np, name)(v, axis=1)  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = getval(f(x))
        expected = getattr(onp, name)(x, axis=1)
        j = _both_jacobians(f, x)
    onp.testing.assert_allclose(value, expected, equal_nan=True)
    assert onp.isnan(value[0]) and onp.all(j[0] == 0) and onp.all(onp.isfinite(j))


def test_quantile_of_a_slice_with_nan_is_nan_with_zero_derivative():
    x = onp.array([[1.0, onp.nan, 3.0], [1.0, 2.0, 4.0]])
    value = getval(np.quantile(x, 0.5, axis=1))
    onp.testing.assert_allclose(value, onp.quantile(x, 0.5, axis=1), equal_nan=True)
    j = _both_jacobians(lambda v: np.quantile(v, 0.5, axis=1), x)
    assert onp.all(j[0] == 0) and onp.all(onp.isfinite(j))


# ---------------------------------------------------------------- clear errors
@pytest.mark.parametrize("call", [
    lambda x: np.put(x, [0], 1.0),
    lambda x: np.place(x, x > 0, [1.0]),
    lambda x: np.putmask(x, x > 0, 1.0),
    lambda x: np.copyto(x, 1.0),
    lambda x: np.fill_diagonal(x, 1.0),
    lambda x: np.put_along_axis(x, onp.zeros((2, 1), int), 1.0, axis=1),
    lambda x: np.random.shuffle(x),
    lambda x: x.partition(1),
    lambda x: x.sort(),
])
def test_in_place_writes_on_traced_values_raise(call):
    with pytest.raises(TypeError, match="in place"):
        grad(lambda x: np.sum(call(x) or x))(onp.ones((2, 2)))


def test_in_place_writes_on_plain_arrays_are_numpy():
    a = onp.zeros(3)
    np.put(a, [1], 5.0)
    np.copyto(a, a + 1)
    onp.testing.assert_array_equal(a, [1.0, 6.0, 1.0])


@pytest.mark.parametrize("call", [
    lambda mu: np.random.normal(mu, 1.0),
    lambda mu: np.random.uniform(low=mu),
    lambda mu: np.random.choice(3, p=np.stack([mu, mu, 1 - 2 * mu])),
])
def test_sampling_with_a_traced_parameter_raises(call):
    with pytest.raises(TypeError, match="sampl"):
        grad(lambda mu: np.sum(call(mu)))(0.25)


def test_vectorize_with_signature_and_traced_input_raises():
    f = np.vectorize(lambda v: v * 2, signature="(n)->(n)")
    with pytest.raises(NotImplementedError):
        grad(lambda x: np.sum(f(x)))(onp.ones(3))


# ---------------------------------------------------------------- random passes through
def test_random_passes_numpy_through():
    np.random.seed(3)
    a = np.random.randn(3)
    onp.random.seed(3)
    onp.testing.assert_array_equal(a, onp.random.randn(3))
    assert np.random.default_rng(0).standard_normal(2).shape == (2,)
    assert isinstance(np.random.RandomState(1), onp.random.RandomState)
    assert np.random.randint(0, 5, size=4).dtype.kind == "i"


def test_random_permutation_and_choice_gather_traced_arrays():
    x = onp.arange(5.0)
    np.random.seed(0)
    perm = np.random.permutation(x)
    np.random.seed(0)
    g = grad(lambda v: np.sum(np.random.permutation(v) * onp.arange(5.0)))(x)
    onp.testing.assert_allclose(g, onp.argsort(perm).astype(float))
    np.random.seed(1)
    picks = onp.random.choice(5, size=3)
    np.random.seed(1)
    g = grad(lambda v: np.sum(np.random.choice(v, size=3)))(x)
    onp.testing.assert_allclose(g, onp.bincount(picks, minlength=5))


# ---------------------------------------------------------------- ndarray methods on traced values
def test_array_methods_and_properties():
    x = onp.arange(6.0).reshape(2, 3) + 1

    def f(v):
        parts = [
            v.T.sum(), v.sum(axis=0).sum(), v.reshape(3, 2)[0, 1], v.reshape((6,))[4], v.flatten()[2],
            v.ravel()[1], v.dot(onp.ones(3)).sum(), v.mean(), v.prod(), v.max(), v.min(), v.var(), v.std(),
            v.cumsum()[-1], v.cumprod()[2], v.squeeze().sum(), v.swapaxes(0, 1)[2, 1], v.clip(2, 5).sum(),
            v.conj().sum(), v.take([0, 4]).sum(), v.repeat(2).sum(), v.diagonal().sum(), v.trace(),
            v.astype(float).sum(), v.flat[3], v.mT[0, 1], v.real.sum(), v.imag.sum() + 1.0,
            v.compress([True, False, True], axis=1).sum(), divmod(v, 4.0)[1].sum(), v.copy().sum(),
            v.transpose(1, 0)[0, 1], v.view()[0, 0],
        ]
        return np.stack(parts)

    j_fwd = onp.asarray(jacobian(f, mode="fwd")(x))
    j_rev = onp.asarray(jacobian(f, mode="rev")(x))
    onp.testing.assert_allclose(j_fwd, j_rev, rtol=1e-12)
    onp.testing.assert_allclose(getval(f(x)), f(x))

    def plain_queries(v):
        assert v.shape == (2, 3) and v.ndim == 2 and v.size == 6 and v.dtype == onp.float64
        assert v.itemsize == 8 and v.nbytes == 48 and v.device == "cpu"
        onp.testing.assert_array_equal(v.argsort(), onp.argsort(x))
        onp.testing.assert_array_equal(v.argpartition(1, axis=1), onp.argpartition(x, 1, axis=1))
        onp.testing.assert_array_equal(v[0].searchsorted(2.5), 2)
        return np.sum(v)

    grad(plain_queries)(x)
