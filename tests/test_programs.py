"""Small realistic programs of the kind autograd's clients write, run with fastgrad and,
where autograd is installed, with autograd, and compared to 1e-8.

  - a parametric survival fit: a censored Weibull likelihood maximised with
    scipy.optimize.minimize(value_and_grad(...), jac=True), its hessian for standard
    errors, and a delta-method band for the survival curve with make_jvp_reversemode;
  - a variational circuit: a two-qubit simulator wrapped as a primitive whose VJP is
    the parameter-shift rule, fitted to target expectation values;
  - a Riemannian hessian-vector product on a product of spheres, built the way manifold
    optimisation libraries build it (gradients with argnum as a list).

Each program is written once against a namespace (`ns`) so the same code runs with
both libraries.
"""

import functools
import types

import numpy as onp
import pytest
import scipy.optimize

import fastgrad
import fastgrad.extend
import fastgrad.numpy
from compare import close as _close

TOL = 1e-8


close = functools.partial(_close, tol=TOL)


def fastgrad_ns():
    from fastgrad.differential_operators import make_jvp_reversemode

    return types.SimpleNamespace(np=fastgrad.numpy, grad=fastgrad.grad, value_and_grad=fastgrad.value_and_grad,
                                 hessian=fastgrad.hessian, jacobian=fastgrad.jacobian, primitive=fastgrad.extend.primitive,
                                 defvjp=fastgrad.extend.defvjp, make_jvp_reversemode=make_jvp_reversemode)


def autograd_ns():
    ag = pytest.importorskip("autograd")
    import autograd.extend
    import autograd.numpy
    from autograd.differential_operators import make_jvp_reversemode

    return types.SimpleNamespace(np=autograd.numpy, grad=ag.grad, value_and_grad=ag.value_and_grad,
                                 hessian=ag.hessian, jacobian=ag.jacobian, primitive=autograd.extend.primitive,
                                 defvjp=autograd.extend.defvjp, make_jvp_reversemode=make_jvp_reversemode)


# ---------------------------------------------------------------- a censored Weibull fit

def _survival_data():
    rng = onp.random.default_rng(42)
    n = 200
    times = 3.0 * rng.weibull(1.7, n)
    censor = rng.uniform(0.5, 6.0, n)
    observed = (times <= censor).astype(float)
    return onp.minimum(times, censor), observed


def weibull_program(ns):
    """(fitted log-parameters, their standard errors, survival band) for the Weibull model."""
    np = ns.np
    durations, events = _survival_data()

    def negative_log_likelihood(params):
        log_scale, log_shape = params[0], params[1]
        shape = np.exp(log_shape)
        log_ratio = np.log(durations) - log_scale
        cumulative_hazard = np.exp(shape * log_ratio)
        log_hazard = log_shape - log_scale + (shape - 1.0) * log_ratio
        return -(np.sum(events * log_hazard) - np.sum(cumulative_hazard)) / len(durations)

    fit = scipy.optimize.minimize(ns.value_and_grad(negative_log_likelihood), onp.array([0.0, 0.0]),
                                  jac=True, method="BFGS", options={"gtol": 1e-9})
    params = fit.x
    hess = ns.hessian(negative_log_likelihood)(params) * len(durations)
    covariance = onp.linalg.inv(hess)
    std_errors = onp.sqrt(onp.diag(covariance))

    grid = onp.linspace(0.1, 6.0, 25)

    def survival(params):
        scale, shape = np.exp(params[0]), np.exp(params[1])
        return np.exp(-(grid / scale) ** shape)

    jvp = ns.make_jvp_reversemode(survival)(params)
    jac = onp.stack([jvp(e) for e in onp.eye(2)], axis=1)
    variance = onp.sum((jac @ covariance) * jac, axis=1)
    centre = survival(params)
    band = (centre - 1.96 * onp.sqrt(variance), centre + 1.96 * onp.sqrt(variance))
    return dict(fit=fit, params=params, hess=hess, std_errors=std_errors, band=band,
                objective=negative_log_likelihood, survival=survival)


def test_weibull_fit():
    out = weibull_program(fastgrad_ns())
    assert onp.linalg.norm(out["fit"].jac) < 1e-7
    scale, shape = onp.exp(out["params"])
    assert 2.2 < scale < 3.8 and 1.3 < shape < 2.2
    assert onp.all(out["std_errors"] > 0) and onp.all(out["std_errors"] < 0.2)
    # the hessian agrees with central differences of the gradient
    grad = fastgrad.grad(out["objective"])
    eps = 1e-5
    numeric = onp.stack([(grad(out["params"] + eps * e) - grad(out["params"] - eps * e)) / (2 * eps)
                         for e in onp.eye(2)]) * 200
    close(out["hess"], numeric, tol=1e-5)
    low, high = out["band"]
    assert onp.all(low <= out["survival"](out["params"])) and onp.all(high >= out["survival"](out["params"]))


def test_weibull_fit_matches_autograd():
    ns_fg, ns_ag = fastgrad_ns(), autograd_ns()
    mine = weibull_program(ns_fg)
    theirs = weibull_program(ns_ag)
    close(mine["params"], theirs["params"], tol=1e-6)
    # at one common point every derivative agrees tightly
    point = mine["params"]
    close(ns_fg.value_and_grad(mine["objective"])(point), ns_ag.value_and_grad(theirs["objective"])(point))
    close(ns_fg.hessian(mine["objective"])(point), ns_ag.hessian(theirs["objective"])(point))
    for v in onp.eye(2):
        close(ns_fg.make_jvp_reversemode(mine["survival"])(point)(v),
              ns_ag.make_jvp_reversemode(theirs["survival"])(point)(v))


# ---------------------------------------------------------------- a variational circuit

def _ry(theta):
    c, s = onp.cos(theta / 2), onp.sin(theta / 2)
    return onp.array([[c, -s], [s, c]])


def _rx(theta):
    c, s = onp.cos(theta / 2), onp.sin(theta / 2)
    return onp.array([[c, -1j * s], [-1j * s, c]])


_CNOT = onp.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=complex)
_Z = onp.diag([1.0, -1.0])
_OBSERVABLES = [onp.kron(_Z, onp.eye(2)), onp.kron(onp.eye(2), _Z), onp.kron(_Z, _Z)]


def simulate(theta):
    """<Z0>, <Z1>, <Z0 Z1> after RY(t0) x RY(t1), CNOT, RY(t2) x RX(t3) on |00> (plain NumPy)."""
    state = onp.zeros(4, dtype=complex)
    state[0] = 1.0
    state = onp.kron(_ry(theta[0]), _ry(theta[1])) @ state
    state = _CNOT @ state
    state = onp.kron(_ry(theta[2]), _rx(theta[3])) @ state
    return onp.array([onp.real(onp.conj(state) @ obs @ state) for obs in _OBSERVABLES])


def circuit_program(ns):
    np = ns.np
    expvals = ns.primitive(simulate)

    def expvals_vjp(ans, theta):
        # parameter-shift rule: exact for rotations, and itself differentiable (it calls expvals)
        shifts = onp.eye(len(theta)) * (onp.pi / 2)

        def vjp(g):
            columns = [(expvals(theta + s) - expvals(theta - s)) / 2 for s in shifts]
            return np.stack([np.sum(g * c) for c in columns])

        return vjp

    ns.defvjp(expvals, expvals_vjp)
    target = onp.array([0.2, -0.4, 0.5])

    def cost(theta):
        return np.sum((expvals(theta) - target) ** 2)

    return expvals, cost


THETA = onp.array([0.3, -0.7, 1.1, 0.4])


def _finite_jacobian(f, x, eps=1e-6):
    return onp.stack([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in onp.eye(len(x))], axis=-1)


def test_circuit_primitive_every_mode():
    expvals, cost = circuit_program(fastgrad_ns())
    jac_rev = fastgrad.jacrev(expvals)(THETA)
    close(jac_rev, _finite_jacobian(simulate, THETA), tol=1e-7)
    close(fastgrad.jacfwd(expvals)(THETA), jac_rev)
    close(fastgrad.jacobian(expvals)(THETA), jac_rev)
    hess = fastgrad.hessian(cost)(THETA)
    close(hess, hess.T)
    close(hess, _finite_jacobian(fastgrad.grad(cost), THETA), tol=1e-6)
    fit = scipy.optimize.minimize(fastgrad.value_and_grad(cost), THETA, jac=True, method="BFGS")
    assert fit.success and fit.fun < cost(THETA) and onp.linalg.norm(fit.jac) < 1e-5


def test_circuit_matches_autograd():
    ns_ag = autograd_ns()
    expvals, cost = circuit_program(fastgrad_ns())
    ag_expvals, ag_cost = circuit_program(ns_ag)
    close(fastgrad.grad(cost)(THETA), ns_ag.grad(ag_cost)(THETA))
    close(fastgrad.jacfwd(expvals)(THETA), ns_ag.jacobian(ag_expvals)(THETA))
    close(fastgrad.hessian(cost)(THETA), ns_ag.hessian(ag_cost)(THETA))


# ---------------------------------------------------------------- a Riemannian hessian-vector product

def manifold_operators(ns, num_arguments):
    """Euclidean gradient and hessian-vector product as a manifold optimisation library
    builds them: gradients with respect to every argument (argnum a list), and the
    hessian-vector product as the gradient of <gradient, vector>."""
    np = ns.np
    argnums = list(range(num_arguments))

    def gradient(cost):
        return ns.grad(cost, argnums)

    def hessian_vector_product(cost):
        grad = ns.grad(cost, argnums)

        def vector_dot_gradient(*args):
            arguments, vectors = args[:-1], args[-1]
            return np.sum(np.array([np.real(np.sum(np.conj(g) * v)) for g, v in zip(grad(*arguments), vectors)]))

        hvp = ns.grad(vector_dot_gradient, argnums)
        return lambda *args: hvp(*args[:num_arguments], args[num_arguments:])

    return gradient, hessian_vector_product


def riemannian_program(ns):
    np = ns.np
    rng = onp.random.default_rng(3)
    A = rng.standard_normal((4, 4))
    A = A + A.T
    B = rng.standard_normal((3, 3))
    B = B @ B.T

    def cost(x, y):
        return np.dot(x, np.dot(A, x)) + np.dot(y, np.dot(B, y)) * np.dot(x, x)

    gradient, hvp = manifold_operators(ns, 2)
    x = rng.standard_normal(4)
    x /= onp.linalg.norm(x)
    y = rng.standard_normal(3)
    y /= onp.linalg.norm(y)
    u, w = rng.standard_normal(4), rng.standard_normal(3)
    u -= x.dot(u) * x
    w -= y.dot(w) * y

    egrad = gradient(cost)(x, y)
    ehess = hvp(cost)(x, y, u, w)

    def sphere_hess(p, grad, hess, v):
        # projection of the euclidean hessian, minus the Weingarten term
        projected = hess - p.dot(hess) * p
        return projected - p.dot(grad) * v

    rhess = (sphere_hess(x, egrad[0], ehess[0], u), sphere_hess(y, egrad[1], ehess[1], w))
    return dict(A=A, B=B, x=x, y=y, u=u, w=w, egrad=egrad, ehess=ehess, rhess=rhess)


def test_riemannian_hessian_vector_product():
    out = riemannian_program(fastgrad_ns())
    A, B, x, y, u, w = (out[k] for k in "ABxyuw")
    close(out["egrad"], (2 * A @ x + 2 * (y @ B @ y) * x, 2 * (x @ x) * B @ y))
    close(out["ehess"], (2 * A @ u + 2 * (y @ B @ y) * u + 4 * (y @ B @ w) * x,
                         4 * (x @ u) * B @ y + 2 * (x @ x) * B @ w))
    assert abs(x @ out["rhess"][0]) < 1e-12 and abs(y @ out["rhess"][1]) < 1e-12


def test_riemannian_matches_autograd():
    mine, theirs = riemannian_program(fastgrad_ns()), riemannian_program(autograd_ns())
    for key in ("egrad", "ehess", "rhess"):
        close(mine[key], theirs[key])
