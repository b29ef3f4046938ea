"""Third-party primitives, defined the autograd way with fastgrad.extend.

A primitive given a VJP only must work in every forward-mode operator (its JVP is
the transpose of its VJP), and one given a JVP only in every reverse-mode operator;
both to second order. The rule forms (defvjp, defjvp with None and 'same',
defvjp_argnum(s), defjvp_argnum(s), def_linear), containers in and out, sparse
cotangents and redefinitions are checked against closed forms and finite differences.
"""

import warnings

import numpy as onp
import pytest
import scipy.special as sps

import fastgrad.numpy as np
from fastgrad import (elementwise_grad, grad, hessian, jacfwd, jacobian, jacrev, make_jvp, make_vjp,
                      value_and_grad)
from fastgrad.extend import (SparseObject, def_linear, defjvp, defjvp_argnum, defjvp_argnums, defvjp,
                             defvjp_argnum, defvjp_argnums, notrace_primitive, primitive, vspace)
from fastgrad.numpy.numpy_vjps import unbroadcast_f
from fastgrad.test_util import check_grads
from compare import close

X = onp.array([0.3, -0.8, 1.7])


# ---------------------------------------------------------------- the lifelines-style safe exponential

MAX_EXP = 700.0


@primitive
def safe_exp(x):
    return onp.exp(onp.clip(x, -onp.inf, MAX_EXP))


defvjp(safe_exp, lambda ans, x: lambda g: g * ans)


def test_safe_exp_reverse_and_forward():
    f = lambda x: np.sum(safe_exp(x) * x)
    close(grad(f)(X), onp.exp(X) * (1 + X))
    close(jacfwd(lambda x: safe_exp(x) * x)(X), onp.diag(onp.exp(X) * (1 + X)))
    close(jacobian(lambda x: safe_exp(x) * x, mode="fwd")(X), onp.diag(onp.exp(X) * (1 + X)))
    # automatic direction: one input, three outputs -> forward
    close(jacobian(lambda s: safe_exp(s * X))(0.5), X * onp.exp(0.5 * X))
    ans, tangent = make_jvp(safe_exp)(X)(onp.ones(3))
    close(ans, onp.exp(X))
    close(tangent, onp.exp(X))
    close(hessian(f)(X), onp.diag(onp.exp(X) * (2 + X)))
    check_grads(safe_exp, modes=["fwd", "rev"], order=2)(X)


def test_safe_exp_clips_without_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert onp.isfinite(grad(lambda x: np.sum(safe_exp(x)))(onp.array([800.0])))[0]


# ---------------------------------------------------------------- an incomplete-gamma-style primitive

@primitive
def gammainc(a, x):
    return sps.gammainc(a, x)


def _gammainc_vjp_x(ans, a, x):
    return unbroadcast_f(x, lambda g: g * np.exp(-x + np.log(x) * (a - 1) - sps.gammaln(a)))


defvjp(gammainc, None, _gammainc_vjp_x)


def _density(a, x):
    return onp.exp(-x + onp.log(x) * (a - 1) - sps.gammaln(a))


def test_gammainc_all_modes():
    a, x = 2.5, onp.array([0.5, 1.0, 2.0])
    d = _density(a, x)
    close(jacrev(lambda x: gammainc(a, x))(x), onp.diag(d))
    close(jacfwd(lambda x: gammainc(a, x))(x), onp.diag(d))
    close(elementwise_grad(lambda x: gammainc(a, x))(x), d)
    close(hessian(lambda x: np.sum(gammainc(a, x)))(x), onp.diag(d * ((a - 1) / x - 1)))
    check_grads(lambda x: gammainc(a, x), modes=["fwd", "rev"], order=2)(x)


def test_gammainc_broadcast_argument():
    a = onp.array([1.5, 2.5, 4.0])
    close(grad(lambda x: np.sum(gammainc(a, x)))(1.3), onp.sum(_density(a, 1.3)))
    close(jacfwd(lambda x: gammainc(a, x))(1.3), _density(a, 1.3))


def test_hessian_over_a_primitive_known_by_its_vjp_pulls_rows_rather_than_calling_per_element():
    """A model of two parameters over 200 data points through a primitive given only a VJP
    (lifelines' fits through autograd-gamma): a forward sweep over its recorded gradient
    would form the primitive's forward rule from one VJP call per data point; the hessian
    (and an automatic jacobian of the gradient) sweeps in reverse instead, as autograd does,
    with the same result."""
    calls = []
    maker = gammainc.vjps[1].client_rule
    x = onp.linspace(0.2, 3.0, 200)

    def counted(ans, a, x):
        row = maker(ans, a, x)
        return lambda g: calls.append(1) or row(g)

    defvjp(gammainc, None, counted)
    try:
        def nll(p):
            return -np.sum(np.log(gammainc(2.5, x * np.exp(p[0]) + p[1] ** 2 + 0.1)))

        p = onp.array([0.2, 0.4])
        expected = jacfwd(jacrev(nll))(p)
        forward_calls = len(calls)
        for operator in (hessian, lambda f: jacobian(grad(f))):
            del calls[:]
            close(operator(nll)(p), expected)
            assert len(calls) < forward_calls / 10
    finally:
        defvjp(gammainc, None, _gammainc_vjp_x)


def test_none_vjp_is_zero_in_both_modes():
    a, x = onp.array([2.0, 3.0]), onp.array([1.0, 2.0])
    close(grad(lambda a: np.sum(gammainc(a, x)))(a), onp.zeros(2))
    close(jacfwd(lambda a: gammainc(a, x))(a), onp.zeros((2, 2)))


# ---------------------------------------------------------------- JVP only, used in reverse mode

@primitive
def cube(x):
    return x ** 3


defjvp(cube, lambda g, ans, x: 3 * x ** 2 * g)


def test_jvp_only_primitive_in_reverse_mode():
    close(grad(lambda x: np.sum(cube(x)))(X), 3 * X ** 2)
    close(jacrev(cube)(X), onp.diag(3 * X ** 2))
    vjp, _ = make_vjp(cube)(X)
    close(vjp(onp.ones(3)), 3 * X ** 2)
    close(hessian(lambda x: np.sum(cube(x)))(X), onp.diag(6 * X))
    check_grads(cube, modes=["fwd", "rev"], order=2)(X)


def test_same_and_linear():
    @primitive
    def scale(x, c):
        return c * x

    defjvp(scale, "same", None)
    close(jacrev(lambda x: scale(x, 3.0))(X), 3 * onp.eye(3))
    close(jacfwd(lambda x: scale(x, 3.0))(X), 3 * onp.eye(3))

    @primitive
    def bilinear(x, y):
        return x[:, None] * y[None, :]

    def_linear(bilinear)
    y = onp.array([1.0, 2.0])
    for jac in (jacfwd, jacrev):
        close(jac(lambda x: bilinear(x, y))(X), onp.einsum("ik,j->ijk", onp.eye(3), y))
        close(jac(lambda y: bilinear(X, y))(y), onp.einsum("i,jk->ijk", X, onp.eye(2)))
    close(hessian(lambda v: np.sum(bilinear(v[:3], v[3:]) ** 2))(onp.concatenate([X, y])),
          hessian(lambda v: np.sum((v[:3, None] * v[None, 3:]) ** 2))(onp.concatenate([X, y])))


def test_linear_primitive_written_with_plain_numpy():
    # Its reverse rule traces the raw function: plain NumPy calls on traced values are
    # dispatched to fastgrad.numpy (NumPy's __array_function__ protocol).
    @primitive
    def outer(x, y):
        return onp.outer(x, y)

    def_linear(outer)
    y = onp.array([1.0, 2.0])
    for jac in (jacfwd, jacrev):
        close(jac(lambda x: outer(x, y))(X), onp.einsum("ik,j->ijk", onp.eye(3), y))
    defvjp(outer, lambda ans, x, y: lambda g: np.dot(g, y), lambda ans, x, y: lambda g: np.dot(x, g))
    close(jacrev(lambda x: outer(x, y))(X), onp.einsum("ik,j->ijk", onp.eye(3), y))


# ---------------------------------------------------------------- the argnum forms

def test_defvjp_argnum_and_argnums():
    @primitive
    def prod3(x, y, z):
        return x * y * z

    defvjp_argnum(prod3, lambda argnum, ans, args, kwargs: lambda g: g * ans / args[argnum])
    x, y, z = 1.5, -2.0, 0.5
    close(grad(prod3, (0, 1, 2))(x, y, z), (y * z, x * z, x * y))
    close(jacfwd(lambda v: prod3(v[0], v[1], v[2]))(onp.array([x, y, z])), onp.array([y * z, x * z, x * y]))

    @primitive
    def prod2(x, y):
        return x * y

    defvjp_argnums(prod2, lambda argnums, ans, args, kwargs: lambda g: tuple(
        g * args[1 - i] for i in argnums))
    close(grad(prod2, [0, 1])(x, y), (y, x))
    close(hessian(lambda v: prod2(v[0], v[1]))(onp.array([x, y])), onp.array([[0.0, 1.0], [1.0, 0.0]]))


def test_defjvp_argnum_and_argnums():
    @primitive
    def prod2(x, y):
        return x * y

    defjvp_argnum(prod2, lambda argnum, g, ans, args, kwargs: g * args[1 - argnum])
    close(grad(prod2, (0, 1))(2.0, 3.0), (3.0, 2.0))

    @primitive
    def sum2(x, y):
        return x + y

    defjvp_argnums(sum2, lambda argnums, gs, ans, args, kwargs: sum(gs))
    close(jacrev(lambda x: sum2(x, 2 * x))(X), 3 * onp.eye(3))


def test_keyword_arguments_reach_the_rules():
    @primitive
    def power(x, p=2.0):
        return x ** p

    defvjp(power, lambda ans, x, p=2.0: lambda g: g * p * x ** (p - 1))
    close(grad(lambda x: np.sum(power(x, p=3.0)))(X), 3 * X ** 2)
    close(jacfwd(lambda x: power(x, p=3.0))(X), onp.diag(3 * X ** 2))


# ---------------------------------------------------------------- containers in and out

@primitive
def polar(x):
    return (onp.sin(x), x ** 2)


defvjp(polar, lambda ans, x: lambda g: g[0] * np.cos(x) + 2 * x * g[1])


def test_primitive_returning_a_tuple():
    out = grad(lambda x: np.sum(polar(x)[0] * polar(x)[1]))(X)
    close(out, onp.cos(X) * X ** 2 + onp.sin(X) * 2 * X)
    expected = onp.stack([onp.diag(onp.cos(X)), onp.diag(2 * X)])
    for jac in (jacfwd, jacrev):
        close(jac(lambda x: np.stack(polar(x)))(X), expected)
    blocks = jacobian(polar)(X)
    assert isinstance(blocks, tuple)
    close(onp.stack(blocks), expected)
    # the first item alone: the second's cotangent is a zero the VJP receives densely
    close(grad(lambda x: np.sum(polar(x)[0]))(X), onp.cos(X))
    # one element picked out of a parameter vector (a sparse forward seed)
    p = onp.array([0.4, 1.3])
    close(jacfwd(lambda p: np.stack(polar(p[0] * p[1])))(p),
          onp.array([[onp.cos(0.52) * 1.3, onp.cos(0.52) * 0.4], [2 * 0.52 * 1.3, 2 * 0.52 * 0.4]]))


@primitive
def affine(params, x):
    w, b = params
    return w * x + b ** 2


defvjp(affine, lambda ans, params, x: lambda g: (np.sum(g * x), 2 * g * params[1]),
       lambda ans, params, x: lambda g: g * params[0])


def test_primitive_taking_a_tuple():
    x = onp.array([1.0, 2.0])
    w, b = 1.5, onp.array([0.5, -1.0])
    f = lambda w, b: np.sum(affine((w, b), x))
    close(grad(f, (0, 1))(w, b), (3.0, 2 * b))
    close(jacfwd(lambda b: affine([w, b], x))(b), onp.diag(2 * b))
    close(hessian(lambda b: np.sum(affine((w, b), x)))(b), 2 * onp.eye(2))
    close(affine((w, b), x), w * x + b ** 2)
    # a traced argument beside a container of traced values
    close(grad(lambda w, b, x: np.sum(affine((w, b), x)), (0, 1, 2))(w, b, x), (3.0, 2 * b, w * onp.ones(2)))


def test_sparse_object_cotangent_is_densified():
    @primitive
    def first(x):
        return x[0]

    def vjp(ans, x):
        def pull(g):
            def mut_add(A):
                A[0] += g
                return A
            return SparseObject(vspace(x), mut_add)
        return pull

    defvjp(first, vjp)
    close(grad(first)(X), onp.array([1.0, 0.0, 0.0]))


# ---------------------------------------------------------------- redefinitions and errors

def test_redefining_a_vjp_replaces_the_derived_jvp():
    @primitive
    def f(x):
        return 2.0 * x

    defvjp(f, lambda ans, x: lambda g: 2.0 * g)
    close(jacfwd(f)(X), 2 * onp.eye(3))
    defvjp(f, lambda ans, x: lambda g: 5.0 * g)
    close(jacfwd(f)(X), 5 * onp.eye(3))


def test_overriding_a_fastgrad_primitive_rule():
    eps = 1e-3
    saved = dict(np.sqrt.vjps), dict(np.sqrt.seed_vjps)
    try:
        defvjp(np.sqrt, lambda ans, x: lambda g: g * 0.5 * np.where(x == 0, eps, x) ** -0.5)
        close(grad(lambda x: np.sum(np.sqrt(x)))(onp.array([0.0, 4.0])), [0.5 * eps ** -0.5, 0.25])
        close(jacrev(np.sqrt)(onp.array([0.0, 4.0])), onp.diag([0.5 * eps ** -0.5, 0.25]))
    finally:
        np.sqrt.vjps.clear()
        np.sqrt.vjps.update(saved[0])
        np.sqrt.seed_vjps.clear()
        np.sqrt.seed_vjps.update(saved[1])
    close(grad(lambda x: np.sum(np.sqrt(x)))(onp.array([4.0])), [0.25])


def test_rules_need_a_primitive():
    with pytest.raises(TypeError, match="primitive"):
        defvjp(lambda x: x, lambda ans, x: lambda g: g)


def test_missing_rule_is_reported():
    @primitive
    def opaque(x):
        return 2 * x

    with pytest.raises(NotImplementedError):
        grad(lambda x: np.sum(opaque(x)))(X)
    with pytest.raises(NotImplementedError):
        jacfwd(opaque)(X)


def test_notrace_primitive_sees_plain_values():
    seen = []

    @notrace_primitive
    def record(x):
        seen.append(type(x))
        return x.shape[0]

    value_and_grad(lambda x: np.sum(x) * record(x))(X)
    assert seen == [onp.ndarray]


def test_container_cotangent_given_as_an_array():
    # PennyLane's pattern: parameters passed as a tuple of lists of scalars, one array of
    # cotangents returned per list, results returned as a tuple of arrays.
    from fastgrad import builtins

    @primitive
    def execute(parameters):
        return tuple(onp.array([onp.sin(p) for p in tape]) for tape in parameters)

    def execute_vjp(ans, parameters):
        def grad_fn(dy):
            return tuple(onp.cos(onp.array(tape)) * d for tape, d in zip(parameters, dy))
        return grad_fn

    defvjp(execute, execute_vjp, argnums=[0])

    def cost(a, b, c):
        parameters = builtins.tuple([builtins.list([a, b]), builtins.list([c])])
        first, second = execute(parameters)
        return np.sum(first ** 2) + 3.0 * second[0]

    a, b, c = 0.2, -0.5, 1.1
    expected = (2 * onp.sin(a) * onp.cos(a), 2 * onp.sin(b) * onp.cos(b), 3 * onp.cos(c))
    close(grad(cost, (0, 1, 2))(a, b, c), expected)
    close(jacfwd(lambda v: cost(v[0], v[1], v[2]))(onp.array([a, b, c])), onp.array(expected))


def test_a_client_rule_that_writes_into_its_tangent_never_reaches_the_callers_data():
    # autograd's rules may write into the tangent they are given. The tangent of t * p[0]
    # along p[0] is t itself to fastgrad's sweep; a client rule must get a copy it can write.
    @primitive
    def doubled(x):
        return 2.0 * x

    def jvp_in_place(g, ans, x):
        g *= 2.0
        return g

    defjvp(doubled, jvp_in_place)
    t = onp.linspace(1.0, 2.0, 4)
    kept = t.copy()
    J = jacfwd(lambda p: doubled(t * p[0]))(onp.array([1.0, 3.0]))
    onp.testing.assert_array_equal(t, kept)
    onp.testing.assert_allclose(J[:, 0], 2.0 * kept)
    onp.testing.assert_allclose(J[:, 1], 0.0)
