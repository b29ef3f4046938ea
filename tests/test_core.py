"""The tracing core and the differential operators: nesting, perturbation confusion,
closures, threads, containers, bad input, and the seed cases."""

import threading

import numpy as onp
import pytest

import fastgrad.numpy as np
from fastgrad import (
    deriv, elementwise_grad, grad, grad_and_aux, hessian, jacfwd, jacobian, jacrev, make_hvp,
    make_jvp, make_jvp_reversemode, make_vjp, value_and_grad, checkpoint, holomorphic_grad,
    hessian_tensor_product, tensor_jacobian_product, make_ggnvp, grad_named, multigrad_dict, config,
)

TIMELINE = onp.linspace(1, 100, 40000)


def seed(p):
    return TIMELINE * p[0] / p[1]


def seed_jacobian(p):
    return onp.stack([TIMELINE / p[1], -TIMELINE * p[0] / p[1] ** 2], axis=1)


# ---------------------------------------------------------------- nesting

def test_perturbation_confusion():
    assert grad(lambda x: x * grad(lambda y: x + y)(1.0))(2.0) == 1.0


def test_closure_over_outer_value():
    # d/dx [x * d/dy (x*y)^2 at y=1] = d/dx [x * 2x^2] = 6x^2
    f = lambda x: x * grad(lambda y: (x * y) ** 2)(1.0)
    assert onp.isclose(grad(f)(1.5), 6 * 1.5 ** 2)


def test_grad_of_grad_and_third_order():
    f = lambda x: np.sin(x) * x
    d3 = grad(grad(grad(f)))(0.7)
    # f''' = -3 sin x - x cos x
    assert onp.isclose(d3, -3 * onp.sin(0.7) - 0.7 * onp.cos(0.7))


def test_forward_over_reverse_and_reverse_over_forward():
    f = lambda x: np.sum(np.exp(x) * x ** 2)
    x = onp.array([0.3, -0.4])
    v = onp.array([1.0, 2.0])
    hv_true = (onp.exp(x) * (x ** 2 + 4 * x + 2)) * v
    _, hv_fwd = make_jvp(grad(f))(x)(v)
    hv_rev = grad(lambda y: make_jvp(f)(y)(v)[1])(x)
    onp.testing.assert_allclose(hv_fwd, hv_true)
    onp.testing.assert_allclose(hv_rev, hv_true)


def test_stale_box_is_a_constant():
    kept = []

    def f(x):
        kept.append(x)
        return x * 2.0

    grad(f)(1.0)
    # The kept box belongs to a finished trace: it acts as its value.
    assert grad(lambda y: y * kept[0])(3.0) == 1.0


def test_two_threads_differentiate_at_once():
    results, errors = {}, []

    def work(name, fun, x, expected):
        try:
            for _ in range(50):
                value = grad(fun)(x)
                if not onp.allclose(value, expected):
                    errors.append((name, value))
            results[name] = value
        except Exception as exc:  # pragma: no cover - reported below
            errors.append((name, exc))

    x = onp.array([0.1, 0.2, 0.3])
    threads = [
        threading.Thread(target=work, args=("sin", lambda y: np.sum(np.sin(y)), x, onp.cos(x))),
        threading.Thread(target=work, args=("sq", lambda y: np.sum(y ** 2 * grad(lambda z: z * y[0])(1.0)),
                                            x, None)),
    ]
    threads[1]._args = ("sq", lambda y: np.sum(y * y), x, 2 * x)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    onp.testing.assert_allclose(results["sin"], onp.cos(x))


# ---------------------------------------------------------------- the seed case

@pytest.mark.parametrize("how", ["auto", "fwd", "rev", "jacfwd", "jacrev", "make_jvp", "chunked"])
def test_seed_jacobian(how):
    p = onp.array([1.3, 0.7])
    if how in ("auto", "fwd", "rev"):
        J = jacobian(seed, mode=how)(p)
    elif how == "jacfwd":
        J = jacfwd(seed)(p)
    elif how == "jacrev":
        J = jacrev(seed, chunk_size=5000)(p)
    elif how == "chunked":
        J = jacobian(seed, chunk_size=1)(p)
    else:
        jvp = make_jvp(seed)(p)
        J = onp.stack([jvp(e)[1] for e in onp.eye(2)], axis=1)
    assert J.shape == (40000, 2)
    onp.testing.assert_allclose(J, seed_jacobian(p), rtol=1e-12)


def test_memory_budget_chunks_the_sweep(monkeypatch):
    monkeypatch.setattr(config, "sweep_memory_bytes", 1 << 16)
    x = onp.linspace(0.1, 1, 300)
    J = jacobian(lambda x: np.tanh(x) * 2.0, mode="rev")(x)
    onp.testing.assert_allclose(J, onp.diag(2 * (1 - onp.tanh(x) ** 2)))


def test_logistic_regression_hessian():
    rng = onp.random.default_rng(0)
    X = rng.standard_normal((50, 4))
    y = (rng.uniform(size=50) < 0.5).astype(float)
    w = rng.standard_normal(4) * 0.3

    def nll(w):
        z = X @ w
        return np.sum(np.logaddexp(0.0, z) - y * z)

    s = 1 / (1 + onp.exp(-(X @ w)))
    H_true = X.T @ (X * (s * (1 - s))[:, None])
    onp.testing.assert_allclose(hessian(nll)(w), H_true, rtol=1e-10)
    g_true = X.T @ (s - y)
    onp.testing.assert_allclose(grad(nll)(w), g_true, rtol=1e-10)
    hvp, g = make_hvp(nll)(w)
    v = onp.arange(4.0)
    onp.testing.assert_allclose(hvp(v), H_true @ v, rtol=1e-10)
    onp.testing.assert_allclose(hessian_tensor_product(nll)(w, v), H_true @ v, rtol=1e-10)


def test_square_jacobian_through_matmul():
    rng = onp.random.default_rng(1)
    W = rng.standard_normal((30, 30)) / 6
    x = rng.standard_normal(30)
    J_true = (1 - onp.tanh(W @ x) ** 2)[:, None] * W
    for mode in ("auto", "fwd", "rev"):
        onp.testing.assert_allclose(jacobian(lambda x: np.tanh(W @ x), mode=mode)(x), J_true, rtol=1e-12)
        onp.testing.assert_allclose(jacobian(lambda x: np.tanh(x @ W.T), mode=mode)(x), J_true, rtol=1e-12)


def test_elementwise_jacobian_is_diagonal():
    x = onp.linspace(-1, 1, 50)
    J = jacobian(lambda x: np.sin(x) * np.exp(-x ** 2))(x)
    d = onp.cos(x) * onp.exp(-x ** 2) - 2 * x * onp.sin(x) * onp.exp(-x ** 2)
    onp.testing.assert_allclose(J, onp.diag(d), atol=1e-14)


# ---------------------------------------------------------------- operators

def test_argnum_tuple_and_list():
    f = lambda a, b, c: np.sum(a * b) + c
    a, b = onp.array([1.0, 2.0]), onp.array([3.0, 4.0])
    ga, gb = grad(f, (0, 1))(a, b, 1.0)
    onp.testing.assert_allclose(ga, b)
    onp.testing.assert_allclose(gb, a)
    ga2, gb2 = grad(f, [0, 1])(a, b, 1.0)
    onp.testing.assert_allclose(ga2, b)
    Ja, Jb = jacobian(lambda a, b: a * b, (0, 1))(a, b)
    onp.testing.assert_allclose(Ja, onp.diag(b))
    onp.testing.assert_allclose(Jb, onp.diag(a))


def test_containers_in_and_out():
    params = {"w": onp.array([1.0, 2.0]), "b": 0.5, "layers": [onp.array([1.0]), (onp.array(2.0),)]}

    def loss(p):
        return np.sum(p["w"] ** 2) + p["b"] * p["layers"][0][0] * p["layers"][1][0]

    g = grad(loss)(params)
    assert set(g) == {"w", "b", "layers"}
    onp.testing.assert_allclose(g["w"], 2 * params["w"])
    assert onp.isclose(g["b"], 2.0)
    onp.testing.assert_allclose(g["layers"][0], [1.0])
    assert isinstance(g["layers"][1], tuple) and onp.isclose(g["layers"][1][0], 0.5)
    vjp, out = make_vjp(lambda x: (x * 2.0, [x ** 2]))(onp.array([1.0, 3.0]))
    onp.testing.assert_allclose(vjp((onp.ones(2), [onp.ones(2)])), [4.0, 8.0])


def test_value_and_grad_grad_and_aux_elementwise_deriv():
    f = lambda x: np.sum(x ** 3)
    x = onp.array([1.0, 2.0])
    v, g = value_and_grad(f)(x)
    assert v == 9.0
    onp.testing.assert_allclose(g, 3 * x ** 2)
    g2, aux = grad_and_aux(lambda x: (np.sum(x ** 2), "aux"))(x)
    onp.testing.assert_allclose(g2, 2 * x)
    assert aux == "aux"
    onp.testing.assert_allclose(elementwise_grad(np.tanh)(x), 1 - onp.tanh(x) ** 2)
    assert onp.isclose(deriv(np.sin)(0.3), onp.cos(0.3))
    jvp = make_jvp_reversemode(lambda x: x ** 2)(x)
    onp.testing.assert_allclose(jvp(onp.array([1.0, 0.0])), [2.0, 0.0])


def test_holomorphic_grad_named_multigrad_dict_checkpoint_ggnvp_tjp():
    assert onp.isclose(holomorphic_grad(lambda z: z ** 2)(1.0 + 2.0j), 2 * (1.0 + 2.0j))

    def f(a, b=2.0):
        return a * b ** 2

    assert grad_named(f, "b")(3.0, 2.0) == 12.0
    d = multigrad_dict(f)(3.0, b=2.0)
    assert list(d) == ["a", "b"] and d["a"] == 4.0 and d["b"] == 12.0
    g = checkpoint(lambda x: np.sin(x) * x)
    x = onp.array([0.3, 0.9])
    onp.testing.assert_allclose(grad(lambda x: np.sum(g(x)))(x), onp.cos(x) * x + onp.sin(x))
    onp.testing.assert_allclose(jacfwd(g)(x), onp.diag(onp.cos(x) * x + onp.sin(x)))
    A = onp.array([[1.0, 2.0], [3.0, 4.0]])
    ggnvp = make_ggnvp(lambda x: A @ x)(onp.array([1.0, 1.0]))
    onp.testing.assert_allclose(ggnvp(onp.array([1.0, 0.0])), A.T @ A @ [1.0, 0.0])
    tjp = tensor_jacobian_product(lambda x: A @ x)
    onp.testing.assert_allclose(tjp(onp.array([1.0, 1.0]), onp.array([1.0, -1.0])), [-2.0, -2.0])


# ---------------------------------------------------------------- bad input

def test_grad_of_nonscalar_output_says_what_to_do():
    with pytest.raises(TypeError, match="jacobian"):
        grad(lambda x: x * 2)(onp.ones(3))


def test_boolean_input_is_refused():
    # (integers are differentiated as floats, as autograd does: see test_operators_correctness)
    with pytest.raises(TypeError, match="bool"):
        grad(lambda x: x * 2.0)(True)
    with pytest.raises(TypeError, match="dtype bool"):
        jacobian(lambda x: x * 2.0)(onp.arange(3) > 0)


def test_argnum_out_of_range():
    with pytest.raises(IndexError, match="argnum"):
        grad(lambda x: x, 2)(1.0)


def test_assignment_into_traced_array_is_refused():
    def f(x):
        x[0] = 1.0
        return np.sum(x)

    with pytest.raises(TypeError, match="assignment"):
        grad(f)(onp.ones(3))


def test_traced_value_into_plain_numpy_array_is_refused():
    def f(x):
        out = onp.zeros(3)
        out[0] = x[0]
        return np.sum(out)

    # NumPy replaces the box's own message by its generic one here; what matters is
    # that the derivative is never silently dropped.
    with pytest.raises((TypeError, ValueError)):
        grad(f)(onp.ones(3))
    with pytest.raises(TypeError, match="derivative"):
        grad(lambda x: np.sum(onp.asarray(x)))(onp.ones(3))


def test_plain_numpy_function_dispatches_to_fastgrad():
    f = lambda x: onp.sum(onp.sin(x) * onp.exp(x))
    x = onp.array([0.1, 0.5])
    onp.testing.assert_allclose(grad(f)(x), onp.cos(x) * onp.exp(x) + onp.sin(x) * onp.exp(x))
    onp.testing.assert_allclose(jacfwd(lambda x: onp.tanh(x))(x), onp.diag(1 - onp.tanh(x) ** 2))


def test_unknown_numpy_function_is_named():
    # A NumPy function fastgrad does not know, made with NumPy's own dispatch decorator.
    try:
        from numpy._core.overrides import array_function_dispatch
    except ImportError:  # NumPy 1.x
        from numpy.core.overrides import array_function_dispatch

    @array_function_dispatch(lambda x: (x,), module="numpy")
    def obscure_transform(x):
        return x

    with pytest.raises(TypeError, match="obscure_transform"):
        grad(lambda x: np.sum(obscure_transform(x)))(onp.ones(3))
    with pytest.raises(TypeError, match="add.reduceat"):
        grad(lambda x: onp.sum(onp.add.reduceat(x, [0, 1])))(onp.ones(3))


def test_float_of_traced_value_is_refused():
    with pytest.raises(TypeError, match="derivative"):
        grad(lambda x: float(x) * x)(1.0)


def test_control_flow_at_the_traced_point():
    def f(x):
        return x ** 2 if x > 0 else -x

    assert grad(f)(3.0) == 6.0
    assert grad(f)(-3.0) == -1.0


def test_output_independent_of_input_gives_zeros_and_warns_as_autograd():
    with pytest.warns(UserWarning, match="Output seems independent of input"):
        assert grad(lambda x: 3.0)(1.0) == 0.0
    with pytest.warns(UserWarning, match="Output seems independent of input"):
        onp.testing.assert_array_equal(jacobian(lambda x: onp.ones(3))(onp.ones(2)), onp.zeros((3, 2)))


# ---------------------------------------------------------------- symbolic seeds under nesting

def test_hessian_of_unpacked_parameters():
    t = onp.linspace(0.5, 3.0, 7)

    def loglik(p):
        mu, log_sigma = p[0], p[1]
        z = (np.log(t) - mu) / np.exp(log_sigma)
        return -np.sum(0.5 * z ** 2) - t.size * log_sigma

    p = onp.array([0.2, -0.3])
    s2 = onp.exp(2 * p[1])
    r = onp.log(t) - p[0]
    H_true = onp.array([[-t.size / s2, -2 * onp.sum(r) / s2],
                        [-2 * onp.sum(r) / s2, -2 * onp.sum(r ** 2) / s2]])
    onp.testing.assert_allclose(hessian(loglik)(p), H_true, rtol=1e-10)
    onp.testing.assert_allclose(jacobian(grad(loglik), mode="rev")(p), H_true, rtol=1e-10)
    onp.testing.assert_allclose(jacobian(jacobian(loglik, mode="fwd"), mode="fwd")(p), H_true, rtol=1e-10)


def test_jacobian_inside_grad():
    W = onp.array([[1.0, 2.0], [0.5, -1.0], [0.3, 0.2]])

    def frob_of_jacobian(x):
        J = jacobian(lambda y: np.tanh(W @ y))(x)
        return np.sum(J ** 2)

    x = onp.array([0.1, -0.2])
    eps = 1e-6
    numeric = onp.array([(frob_of_jacobian(x + eps * e) - frob_of_jacobian(x - eps * e)) / (2 * eps)
                         for e in onp.eye(2)])
    onp.testing.assert_allclose(grad(frob_of_jacobian)(x), numeric, rtol=1e-6)


def test_third_order_tensor_through_structured_seeds():
    f = lambda x: np.sum(np.sin(x[0]) * x ** 3)
    x = onp.array([0.4, 0.7])
    T = jacobian(hessian(f))(x)
    eps = 1e-5
    numeric = onp.stack([(hessian(f)(x + eps * e) - hessian(f)(x - eps * e)) / (2 * eps) for e in onp.eye(2)],
                        axis=-1)
    onp.testing.assert_allclose(T, numeric, rtol=1e-6, atol=1e-8)


def test_complex_python_scalars_keep_their_imaginary_part_in_seeds():
    x = onp.array([1.0, 2.0])
    for mode in ("fwd", "rev"):
        onp.testing.assert_allclose(jacobian(lambda x: np.imag(1j * x), mode=mode)(x), onp.eye(2))
        onp.testing.assert_allclose(jacobian(lambda x: np.real(np.exp(1j * x)), mode=mode)(x),
                                    onp.diag(-onp.sin(x)), atol=1e-15)


def test_jacobian_never_aliases_the_callers_arrays():
    W = onp.arange(6.0).reshape(2, 3)
    W_view = onp.arange(12.0).reshape(2, 6)[:, ::2]
    for M in (W, W_view):
        for mode in ("fwd", "rev"):
            J = jacobian(lambda x: M @ x, mode=mode)(onp.ones(3))
            onp.testing.assert_array_equal(J, M)
            assert not onp.may_share_memory(J, M)


def test_plain_lists_among_elementwise_arguments_in_both_modes():
    # NumPy turns a list into an array; the local derivatives (1 / y, log(x) x**y) must see
    # that array, not the list, in every mode.
    y = onp.array([1.0, 2.0])
    expected = {
        "divide_by_list": onp.diag([1.0, 0.5]),
        "list_divided": onp.diag(-onp.array([1.0, 2.0]) / y ** 2),
        "list_power": onp.diag(onp.log([3.0, 2.0]) * onp.array([3.0, 2.0]) ** y),
    }
    funs = {
        "divide_by_list": lambda y: np.divide(y, [1.0, 2.0]),
        "list_divided": lambda y: np.divide([1.0, 2.0], y),
        "list_power": lambda y: np.power([3.0, 2.0], y),
    }
    for name, fun in funs.items():
        for mode in ("fwd", "rev"):
            onp.testing.assert_allclose(jacobian(fun, mode=mode)(y), expected[name], rtol=1e-12,
                                        err_msg=f"{name} ({mode})")


def test_a_parameters_own_direction_is_never_the_callers_array():
    # The tangent of t * p[0] along p[0] is t itself, kept as a view during the sweep: the
    # jacobian must still be a writable array of its own, in double precision as p is.
    for t in (onp.linspace(1.0, 2.0, 5), onp.linspace(1.0, 2.0, 5).astype(onp.float32)):
        for p in (onp.array([3.0]), onp.array([3.0, 2.0])):
            for mode in ("fwd", "rev"):
                J = jacobian(lambda p: t * p[0], mode=mode)(p)
                expected = onp.zeros((5, p.size))
                expected[:, 0] = t
                onp.testing.assert_array_equal(J, expected)
                assert J.dtype == onp.float64 and J.flags.writeable
                assert not onp.may_share_memory(J, t)


def test_division_by_zero_follows_numpy_in_derivatives_too():
    # The value of x / 0.0 or log(0.0) is NumPy's inf; the derivative there is inf as well,
    # for a Python float input or divisor, in every mode, never a ZeroDivisionError.
    with onp.errstate(divide="ignore"):
        assert grad(np.log)(0.0) == onp.inf
        assert grad(lambda x: x / 0.0)(1.0) == onp.inf
        assert make_jvp(lambda x: x / 0.0)(1.0)(1.0)[1] == onp.inf
        for mode in ("fwd", "rev"):
            J = jacobian(lambda p: p[0] / 0.0 + p[1], mode=mode)(onp.array([1.0, 2.0]))
            onp.testing.assert_array_equal(J, [onp.inf, 1.0])


@pytest.mark.parametrize("divisor", [3.0, -7.5, 1e-310, -1e-310, 1e305, 0.0])
def test_a_scalar_divisor_gives_numpys_quotient_in_the_forward_rules(divisor):
    # The forward rules of x / y multiply by 1 / y where y is a scalar; where that
    # reciprocal would overflow or lose precision (a subnormal or huge y, or zero) they
    # divide as NumPy does, so the derivative never becomes inf or loses digits.
    # (A reverse sweep forms 1 / y itself, as the cotangent of x for a unit cotangent of
    # x / y, so with a subnormal y it overflows before c scales it: it is checked at
    # normal divisors only.)
    c = onp.array([1e-10, 2.0, 5.0])
    p = onp.array([1.5, divisor])
    ops = (jacfwd, jacobian, jacrev) if divisor == 0 or 1e-300 < abs(divisor) else (jacfwd, jacobian)
    with onp.errstate(divide="ignore", over="ignore", invalid="ignore"):
        expected = onp.divide(c, divisor)
        for op in ops:
            J = op(lambda p: c * p[0] / p[1])(p)
            onp.testing.assert_allclose(J[:, 0], expected, rtol=1e-15)
            J_const = op(lambda x: x / divisor)(c)
            onp.testing.assert_allclose(onp.diag(J_const), onp.full(3, 1.0 / onp.float64(divisor))
                                        if divisor else onp.full(3, onp.inf), rtol=1e-15)


# ---------------------------------------------------------------- a constant added: no step of its own

def _steps(f, x):
    from fastgrad.linearization import Linearization

    lin = Linearization(f, (x,), {}, 0)
    return [node.prim.name for node in lin.trace.nodes if node.prim is not None]


_X = onp.array([[0.3, -1.2, 2.0], [0.7, 1.1, -0.4]])


@pytest.mark.parametrize("f, steps", [
    (lambda x: np.sin(x) + 1.0, ["sin"]),
    (lambda x: 2 + np.sin(x), ["sin"]),
    (lambda x: np.sin(x) - onp.arange(3.0), ["sin"]),      # a constant row broadcast along x
    (lambda x: np.add(np.sin(x), 0.5), ["sin"]),
    (lambda x: 1.0 - np.sin(x), ["sin", "subtract"]),      # -sin(x) + 1: a derivative of its own
    (lambda x: np.sin(x) + onp.ones((4, 2, 3)), ["sin", "add"]),   # a wider result
    (lambda x: np.sin(x) + 1j, ["sin", "add"]),            # a complex result of a real value
    (lambda x: np.add(np.sin(x), 1.0, dtype=onp.float64), ["sin", "add"]),   # a keyword
    (lambda x: np.sin(x) + np.cos(x), ["sin", "cos", "add"]),
])
def test_a_constant_added_records_no_step_and_keeps_every_derivative(f, steps):
    assert _steps(lambda x: f(x), _X) == steps
    # the derivatives of the whole, in every mode, against the value's own differences
    h = 1e-6
    J = onp.stack([(onp.asarray(f(_X + h * e), dtype=complex) - onp.asarray(f(_X - h * e), dtype=complex)) / (2 * h)
                   for e in onp.eye(_X.size).reshape((_X.size,) + _X.shape)], axis=-1)
    J = J.reshape(onp.shape(f(_X)) + _X.shape)
    if onp.iscomplexobj(f(_X)):
        J = J.real  # autograd's convention for a real input: the real part's derivative
        g = lambda x: np.real(f(x))
    else:
        g = f
    for how in (jacfwd, jacrev, jacobian):
        onp.testing.assert_allclose(how(g)(_X), J, rtol=1e-7, atol=1e-8)
    # second order: the hessian of a scalar reduction
    w = onp.linspace(0.5, 1.5, onp.size(f(_X)))
    scalar = lambda x: np.sum(np.real(f(x)) ** 3 * w.reshape(onp.shape(f(_X))))
    H = hessian(scalar)(_X)
    eps = 1e-5
    flat = onp.eye(_X.size).reshape((_X.size,) + _X.shape)
    H_fd = onp.stack([(grad(scalar)(_X + eps * e) - grad(scalar)(_X - eps * e)) / (2 * eps) for e in flat], axis=-1)
    onp.testing.assert_allclose(H, H_fd.reshape(H.shape), rtol=1e-6, atol=1e-6)


def test_a_constant_added_to_the_input_gives_the_identity_and_the_value():
    x = onp.array([1.0, 2.0, 3.0])
    assert _steps(lambda x: x + 1.0, x) == []
    onp.testing.assert_array_equal(jacobian(lambda x: x + 1.0)(x), onp.eye(3))
    onp.testing.assert_array_equal(jacrev(lambda x: x - 1.0)(x), onp.eye(3))
    pullback, value = make_vjp(lambda x: x + 1.0)(x)
    onp.testing.assert_array_equal(value, x + 1.0)
    onp.testing.assert_array_equal(pullback(onp.array([1.0, 2.0, 3.0])), [1.0, 2.0, 3.0])
    assert grad(lambda x: np.sum((x + 2.0) ** 2))(x).tolist() == (2 * (x + 2.0)).tolist()
    # a float32 value stays float32 and so does its derivative
    x32 = x.astype(onp.float32)
    assert _steps(lambda x: x * x + 1.0, x32) == ["multiply"]
    assert grad(lambda x: np.sum(x * x + 1.0))(x32).dtype == onp.float32
    # ... and a float64 constant makes a float64 result: a step of its own
    assert _steps(lambda x: x * x + onp.ones(3), x32) == ["multiply", "add"]
    J = jacobian(lambda x: x * x + onp.ones(3))(x32)
    assert J.dtype == onp.float64
    onp.testing.assert_array_equal(J, onp.diag(2 * x))


def test_a_replayed_tape_keeps_every_step():
    from fastgrad.misc import const_graph

    calls = []

    def f(x):
        calls.append(None)
        return np.sin(x) + 1.0

    replayed = const_graph(f)
    x = onp.array([0.1, 0.2])
    onp.testing.assert_array_equal(replayed(x), onp.sin(x) + 1.0)
    onp.testing.assert_array_equal(replayed(x + 1), onp.sin(x + 1) + 1.0)
    assert len(calls) == 1


@pytest.mark.parametrize("dtype, shape", [(onp.float64, (40000,)), (onp.float32, (150, 200)),
                                          (onp.complex128, (3, 2000))])
def test_a_jacobian_frees_an_unread_output_for_a_stand_in(dtype, shape):
    """Before a forward sweep a jacobian replaces a large output that no forward rule reads
    (x / p[1]) by a read-only zero of its shape and dtype holding one element, and the
    jacobian is the same."""
    from fastgrad.linearization import Linearization

    t = onp.linspace(1, 2, int(onp.prod(shape))).reshape(shape).astype(dtype)
    if onp.iscomplexobj(t):
        t = t * (1 + 0.5j)
    p = onp.array([1.5, 2.0])

    def f(p):
        return t * p[0] / p[1]

    lin = Linearization(f, (p,), {}, 0)
    kept = lin.out
    lin.free_output_values()
    stand_in = lin.out_nodes[0].value
    assert stand_in is lin.out and stand_in is not kept
    assert stand_in.shape == shape and stand_in.dtype == kept.dtype
    assert not stand_in.flags.writeable and stand_in.strides == (0,) * len(shape)
    assert stand_in.base.nbytes == kept.itemsize and not stand_in.any()
    expected = onp.stack([t / p[1], -t * p[0] / p[1] ** 2], axis=-1)
    onp.testing.assert_allclose(jacfwd(f)(p), expected, rtol=1e-6 if dtype == onp.float32 else 1e-13)


# ---------------------------------------------------------------- one rules block per primitive

_RULE_SLOTS = ("jvps", "vjps", "seed_jvps", "seed_vjps", "joint_jvp", "seed_joint_jvp")


def _rules_changed_after_their_block(prim):
    """What about prim's rules differs from what its defrules block declared: a rule
    replaced or added later (rules derived from the other mode, marked `derived`, aside)."""
    from fastgrad.base import RulesByArgnum

    declared = getattr(prim, "declared_rules", {})
    changes = []
    for slot in _RULE_SLOTS:
        current = getattr(prim, slot)
        given = declared.get(slot)
        if "joint" in slot:
            if current is not given:
                changes.append(slot)
        elif isinstance(given, RulesByArgnum) or isinstance(current, RulesByArgnum):
            if current is not given:
                changes.append(slot)
        else:
            given = given or {}
            for argnum, rule in current.items():
                if given.get(argnum) is not rule and not getattr(rule, "derived", False):
                    changes.append(f"{slot}[{argnum}]")
    return changes


def _fastgrad_primitives():
    import sys

    import fastgrad.scipy  # noqa: F401  (its primitives too)
    from fastgrad.engine import Primitive
    from fastgrad.extend import client_primitives

    found = {}
    for name, module in list(sys.modules.items()):
        if module is not None and (name == "fastgrad" or name.startswith("fastgrad.")):
            for value in vars(module).values():
                if isinstance(value, Primitive) and value not in client_primitives:
                    found[id(value)] = value
    return list(found.values())


def test_every_primitive_keeps_the_rules_of_its_block():
    primitives = _fastgrad_primitives()
    assert len(primitives) > 150
    changed = {prim.name: changes for prim in primitives if (changes := _rules_changed_after_their_block(prim))}
    assert changed == {}


def test_a_rule_replaced_after_its_block_is_found():
    from fastgrad.base import defrules
    from fastgrad.engine import Primitive

    def jvp(t, ans, x):
        return t

    def vjp(g, ans, x):
        return g

    prim = defrules(Primitive(lambda x: x, "identity"), jvp=[jvp], vjp=[vjp])
    assert _rules_changed_after_their_block(prim) == []
    prim.jvps[0] = lambda t, ans, x: 2 * t
    prim.seed_vjps[0] = vjp
    prim.joint_jvp = lambda tangents, ans, x: tangents[0]
    assert _rules_changed_after_their_block(prim) == ["jvps[0]", "seed_vjps[0]", "joint_jvp"]
