"""Where NumPy or SciPy changed an API or a behaviour within the supported range, a traced
call does what the installed version does: it raises where that version raises, and
otherwise gives that version's value. Each check runs the installed NumPy or SciPy on
plain values as its reference, so the same assertion holds on every version."""

import warnings

import numpy as onp
import pytest

import fastgrad.numpy as np
from fastgrad import make_jvp
from fastgrad.engine import getval

RNG = onp.random.default_rng(0)


def _traced_value(fun, *args):
    """fun's value with every argument traced (a forward sweep along ones)."""
    return make_jvp(lambda *xs: fun(*xs), argnum=tuple(range(len(args))))(*args)(
        tuple(onp.ones_like(a) for a in args))[0]


def _outcome(fun, *args):
    """('raises', exception type) or ('value', array) of fun(*args)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return "value", fun(*args)
        except (TypeError, ValueError) as error:
            return "raises", type(error)


def _assert_follows(ours, theirs, *args):
    """ours on traced args behaves as theirs (the installed library) on plain ones."""
    want = _outcome(theirs, *args)
    got = _outcome(lambda *xs: _traced_value(ours, *xs), *args)
    assert got[0] == want[0], (got, want)
    if want[0] == "raises":
        assert got[1] is want[1]
    else:
        onp.testing.assert_allclose(onp.asarray(getval(got[1])), want[1], rtol=1e-12, atol=1e-12)


# NumPy 2.3 added unique's sorted=.
@pytest.mark.parametrize("sorted_", [True, False])
def test_unique_takes_sorted_where_numpy_does(sorted_):
    x = onp.array([3.0, 1.0, 3.0, 2.0])
    _assert_follows(lambda a: np.unique(a, sorted=sorted_), lambda a: onp.unique(a, sorted=sorted_), x)


# NumPy 2.2 made trim_zeros n-dimensional with axis=.
@pytest.mark.parametrize("kwargs", [{}, {"axis": 0}, {"trim": "b", "axis": -1}])
@pytest.mark.parametrize("shape", [(5,), (3, 3)])
def test_trim_zeros_follows_numpy(shape, kwargs):
    x = RNG.standard_normal(shape) * (onp.arange(onp.prod(shape)).reshape(shape) % 4 != 0)
    _assert_follows(lambda a: np.trim_zeros(a, **kwargs), lambda a: onp.trim_zeros(a, **kwargs), x)


# NumPy 2.5 refuses the 2-vectors that NumPy 2.0 to 2.4 deprecate.
@pytest.mark.parametrize("shapes", [((2,), (2,)), ((3,), (2,)), ((4, 2), (3,)), ((3,), (3,))])
def test_cross_of_2_vectors_follows_numpy(shapes):
    a, b = (RNG.standard_normal(s) for s in shapes)
    _assert_follows(np.cross, onp.cross, a, b)


# NumPy 2.1 moved closest_observation's ties to the even order statistic.
def test_quantile_closest_observation_ties_follow_numpy():
    x = onp.array([0.4, -1.0])
    q = onp.array([0.25, 0.75])
    _assert_follows(lambda a: np.quantile(a, q, method="closest_observation"),
                    lambda a: onp.quantile(a, q, method="closest_observation"), x)


scipy_linalg = pytest.importorskip("scipy.linalg")


# SciPy after 1.13 reads leading axes of the vectors as a stack; 1.13 ravels (toeplitz,
# circulant) or refuses them.
@pytest.mark.parametrize("name", ["toeplitz", "circulant", "companion", "fiedler", "fiedler_companion"])
def test_special_matrices_of_stacked_vectors_follow_scipy(name):
    import fastgrad.scipy.linalg as fsl

    x = RNG.uniform(0.5, 2.0, (2, 4))
    _assert_follows(getattr(fsl, name), getattr(scipy_linalg, name), x)


# SciPy 1.15 renamed clarkson_woodruff_transform's seed to rng.
@pytest.mark.parametrize("keyword", ["rng", "seed"])
def test_clarkson_woodruff_keywords_follow_scipy(keyword):
    import fastgrad.scipy.linalg as fsl

    x = RNG.standard_normal((5, 2))
    _assert_follows(lambda a: fsl.clarkson_woodruff_transform(a, 3, **{keyword: 4}),
                    lambda a: scipy_linalg.clarkson_woodruff_transform(a, 3, **{keyword: 4}), x)


# SciPy 1.18 zeroes the triangle of cho_factor's c the factor leaves unused.
@pytest.mark.parametrize("lower", [False, True])
def test_cho_factor_other_triangle_follows_scipy(lower):
    import fastgrad.scipy.linalg as fsl

    m = RNG.standard_normal((3, 3))
    spd = m @ m.T + 3 * onp.eye(3)
    _assert_follows(lambda a: fsl.cho_factor(a, lower=lower)[0], lambda a: scipy_linalg.cho_factor(a, lower=lower)[0],
                    spd)


# SciPy 1.15 reads a 0-d input of logsumexp as shape (1,), so keepdims=True keeps one axis.
@pytest.mark.parametrize("kwargs", [{"keepdims": True}, {}, {"axis": 0, "keepdims": True}])
def test_logsumexp_of_0d_follows_scipy(kwargs):
    import scipy.special

    import fastgrad.scipy.special as fsp

    a = onp.array(0.5)
    want = scipy.special.logsumexp(a, **kwargs)
    got = _traced_value(lambda x: fsp.logsumexp(x, **kwargs), a)
    assert onp.shape(getval(got)) == onp.shape(want)
    onp.testing.assert_allclose(getval(got), want)


# SciPy 1.13 still has kron, which later SciPy removed.
def test_scipy_linalg_kron_where_scipy_has_it():
    import fastgrad.scipy.linalg as fsl

    assert hasattr(fsl, "kron") == hasattr(scipy_linalg, "kron")
    if hasattr(scipy_linalg, "kron"):
        a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((3, 2))
        _assert_follows(fsl.kron, scipy_linalg.kron, a, b)
