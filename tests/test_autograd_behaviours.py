"""Behaviours that libraries built on autograd rely on, each compared with autograd where
autograd computes it."""

import warnings

import numpy as onp
import pytest

import fastgrad.numpy as np
from fastgrad import elementwise_grad, grad
from fastgrad.core import make_vjp as core_make_vjp

autograd = pytest.importorskip("autograd")
import autograd.core  # noqa: E402
import autograd.numpy as anp  # noqa: E402


@pytest.mark.parametrize("returns_bool", [
    lambda x: np.allclose(x, x * 3.0 / 3.0),   # a Python bool
    lambda x: np.all(x > 0),                   # a NumPy bool
])
def test_grad_of_a_boolean_output_is_a_type_error(returns_bool):
    with pytest.raises(TypeError, match="bool"):
        grad(returns_bool)(onp.array([1.0, 2.0]))


def test_core_make_vjp_treats_a_comparison_as_a_constant_as_autograd_does():
    x = 0.7
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        vjp, ans = core_make_vjp(lambda x: x == 1.8, x)
        ours = vjp(1.0)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        theirs_vjp, theirs_ans = autograd.core.make_vjp(lambda x: anp.equal(x, 1.8), x)
    assert ans == theirs_ans == False  # noqa: E712
    assert ours == theirs_vjp(1.0) == 0.0
    assert any("independent" in str(w.message) for w in caught)


@pytest.mark.parametrize("name", ["grad", "jacobian", "elementwise_grad", "hessian", "value_and_grad",
                                  "make_vjp", "make_jvp", "holomorphic_grad"])
def test_operators_are_named_and_documented_as_autograds(name):
    import fastgrad

    def foo(x, y):
        return x * y

    ours, theirs = getattr(fastgrad, name), getattr(autograd, name)
    assert ours(foo, 1).__name__ == theirs(foo, 1).__name__
    if " of function " in (theirs(foo, 1).__doc__ or ""):
        assert ours(foo, 1).__doc__.split(" with ")[0] == theirs(foo, 1).__doc__.split(" with ")[0]
    # Their own documentation opens as autograd's does, where autograd's has any.
    if theirs.__doc__ not in (None, "None"):  # autograd documents some with the text "None"
        assert ours.__doc__.split()[:3] == theirs.__doc__.split()[:3]


def _tuple_primitive(lib):
    @lib.extend.primitive
    def polar(x):
        return (onp.sin(x), x ** 2)

    lib.extend.defvjp(polar, lambda ans, x: lambda g: g[0] * lib.numpy.cos(x) + 2 * x * g[1])
    return polar


def test_a_primitive_returning_a_tuple_gives_a_traced_tuple_as_autograds():
    import autograd.extend  # noqa: F401
    import fastgrad
    import fastgrad.extend  # noqa: F401

    x = onp.array([0.3, 0.9])
    seen = {}
    for lib in (fastgrad, autograd):
        polar = _tuple_primitive(lib)

        def f(x):
            out = polar(x)
            seen[lib.__name__] = (isinstance(out, tuple), len(out))
            return lib.numpy.sum(out[0] * out[1])

        seen[lib.__name__ + " grad"] = lib.grad(f)(x)
    assert seen["fastgrad"] == seen["autograd"] == (False, 2)
    onp.testing.assert_allclose(seen["fastgrad grad"], seen["autograd grad"], rtol=1e-12)
    polar = _tuple_primitive(fastgrad)
    for jac in (fastgrad.jacfwd, fastgrad.jacrev):
        blocks = jac(polar)(x)
        onp.testing.assert_allclose(blocks[0], onp.diag(onp.cos(x)), rtol=1e-12)
        onp.testing.assert_allclose(blocks[1], onp.diag(2 * x), rtol=1e-12)


def test_pandas_objects_meet_traced_values_as_constants():
    pd = pytest.importorskip("pandas")
    series = pd.Series([1.0, 2.0, 3.0])
    frame = pd.DataFrame(onp.arange(6.0).reshape(2, 3))
    x = onp.array([0.5, -1.0, 2.0])
    cases = [
        (lambda x: np.sum(series + x), onp.ones(3)),
        (lambda x: np.sum(x * series), series.to_numpy()),
        (lambda x: np.sum(series * x ** 2), 2 * x * series.to_numpy()),
        (lambda x: np.sum(np.exp(series * x)), series.to_numpy() * onp.exp(series.to_numpy() * x)),
        (lambda x: np.sum(np.dot(frame, x)), frame.to_numpy().sum(axis=0)),
    ]
    for f, expected in cases:
        onp.testing.assert_allclose(grad(f)(x), expected, rtol=1e-12)


@pytest.mark.parametrize("name", ["dot", "inner", "outer", "vdot", "kron"])
def test_products_of_plain_pandas_objects_are_numpys(name):
    """Untraced, the products are NumPy's own: np.dot of a one-row DataFrame and a vector is
    an array of one element, as NumPy gives it, not the Series that a matrix product through
    pandas' ufunc protocol makes. lifelines multiplies such a value by a traced vector, which
    a Series of one row cannot broadcast with."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([[2.0, 0.5]])
    vector = onp.array([3.0, -1.0])
    ours, numpys = getattr(np, name)(frame, vector), getattr(onp, name)(frame, vector)
    assert type(ours) is type(numpys)
    onp.testing.assert_array_equal(ours, numpys)
    if name == "dot":
        t = onp.linspace(1.0, 2.0, 4)
        slope = elementwise_grad(lambda t: np.exp(np.dot(frame, vector)) * t ** 2)(t)
        onp.testing.assert_allclose(slope, onp.exp(5.5) * 2 * t, rtol=1e-12)


def test_xarray_containers_hold_traced_values():
    xr = pytest.importorskip("xarray")
    base = onp.array([1.0, 2.0, 3.0])

    def f(x):
        out = x * xr.DataArray(base)     # the box hands the ufunc to the DataArray
        return np.sum(np.sin(out).data)

    assert isinstance(xr.DataArray(base) * 2.0, xr.DataArray)
    onp.testing.assert_allclose(grad(f)(0.7), onp.sum(base * onp.cos(0.7 * base)), rtol=1e-12)


@pytest.mark.parametrize("name, fun", [
    ("atleast_1d of a tuple", lambda lib, x: lib.numpy.sum(lib.numpy.atleast_1d((x, x * 2.0))[0])),
    ("hstack of nested tuples", lambda lib, x: lib.numpy.sum(lib.numpy.hstack(((x, x), (x * 2.0,))))),
    ("norm of a list", lambda lib, x: lib.numpy.linalg.norm([x, x + 2.0])),
    ("std of a list", lambda lib, x: lib.numpy.std([x, x * 2.0, 1.0])),
])
def test_containers_of_traced_scalars_are_array_likes_as_in_autograd(name, fun):
    import fastgrad

    ours = fastgrad.grad(lambda x: fun(fastgrad, x))(0.7)
    theirs = autograd.grad(lambda x: fun(autograd, x))(0.7)
    onp.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_traced_values_kept_from_a_finished_trace_are_constants_later():
    import fastgrad
    import fastgrad.builtins

    kept = fastgrad.builtins.list()

    def f(x):
        kept.append(x)
        return x * 2.0

    grad(f)(1.5)
    # passed to a primitive after their trace closed, they are the values they held
    assert np.sin(kept[0]) == onp.sin(1.5)
    assert grad(lambda y: y * np.sin(kept[0]))(2.0) == onp.sin(1.5)
