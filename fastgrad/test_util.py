"""Derivative checks for users' own functions and primitives (autograd's test_util).

check_grads compares forward mode (J v) with central finite differences in a
random direction, and reverse mode through the identity <u, J v> = <J^T u, v>
with J v by finite differences; with order > 1 it checks the derivative
functions themselves, recursively. Unlike autograd's, the forward checks apply to
every fastgrad primitive and every client primitive (one given only a VJP gets
its JVP by transposition), so `modes=['fwd', 'rev']` can always be asked for.
The random directions come from a fixed seed, so a check is reproducible.

`make_vjp` and `make_jvp` here are autograd's unary forms (fastgrad.core's).
Imports: _autograd_core, util, tree, vspace, wrap_util, NumPy.
"""

import warnings
from itertools import product

import numpy as _np

from ._autograd_core import make_jvp, make_vjp
from .engine import getval
from . import util
from .tree import flatten
from .vspace import vspace
from .wrap_util import get_name, unary_to_nary

__all__ = ["check_grads", "check_equivalent", "combo_check", "scalar_close", "check_jvp", "check_vjp",
           "make_numerical_jvp", "TOL", "RTOL", "EPS", "make_jvp", "make_vjp", "vspace", "get_name",
           "unary_to_nary", "product"]

TOL = 1e-6
RTOL = 1e-6
EPS = 1e-6


def scalar_close(a, b):
    """|a - b| within an absolute 1e-6 or a relative 1e-6."""
    a, b = getval(a), getval(b)
    return abs(a - b) < TOL or abs(a - b) / abs(a + b) < RTOL


def _axpy(alpha, v, x):
    """x + alpha * v over nested containers."""
    xs, rebuild = flatten(x)
    vs, _ = flatten(v)
    return rebuild([xi + alpha * vi for xi, vi in zip(xs, vs)])


def _random_like(x, rng):
    leaves, rebuild = flatten(x)
    out = []
    for leaf in leaves:
        shape = _np.shape(leaf)
        if _np.iscomplexobj(leaf):
            out.append(rng.standard_normal(shape) + 1j * rng.standard_normal(shape))
        else:
            out.append(rng.standard_normal(shape) * 1.0)
    return rebuild(out)


def _pair(a, b):
    """The real pairing Re(sum(a * b)) over matching containers (fastgrad's convention:
    no conjugate, so a VJP is the plain transpose)."""
    la, _ = flatten(a)
    lb, _ = flatten(b)
    return sum(float(_np.real(_np.sum(_np.asarray(getval(x)) * _np.asarray(getval(y))))) for x, y in zip(la, lb))


def _numerical_jvp(f, x, v):
    return _axpy(-1.0, f(_axpy(-EPS / 2, v, x)), f(_axpy(EPS / 2, v, x)))


def make_numerical_jvp(f, x):
    """v -> (f(x + v eps/2) - f(x - v eps/2)) / eps, over nested containers."""
    return lambda v: _scale(_numerical_jvp(f, x, v), 1.0 / EPS)


def _scale(tree, alpha):
    leaves, rebuild = flatten(tree)
    return rebuild([leaf * alpha for leaf in leaves])


def check_equivalent(x, y):
    """Assert that two values (or containers of them) have the same space and agree."""
    assert vspace(x) == vspace(y), f"VSpace mismatch:\nx: {vspace(x)}\ny: {vspace(y)}"
    v = _random_like(x, _np.random.default_rng(0))
    assert scalar_close(_pair(x, v), _pair(y, v)), f"Value mismatch:\nx: {x}\ny: {y}"


def _check_jvp(f, x, rng):
    v = _random_like(x, rng)
    _, exact = make_jvp(f, x)(v)
    numeric = _scale(_numerical_jvp(f, x, v), 1.0 / EPS)
    w = _random_like(exact, rng)
    assert scalar_close(_pair(exact, w), _pair(numeric, w)), (
        f"Forward-mode (JVP) check of {getattr(f, '__name__', f)} failed at {x}:\n"
        f"analytic: {exact}\nnumeric:  {numeric}")


def _check_vjp(f, x, rng):
    vjp, y = make_vjp(f, x)
    u = _random_like(y, rng)
    v = _random_like(x, rng)
    exact = _pair(vjp(u), v)
    numeric = _pair(u, _numerical_jvp(f, x, v)) / EPS
    assert scalar_close(exact, numeric), (
        f"Reverse-mode (VJP) check of {getattr(f, '__name__', f)} failed at {x}:\n"
        f"analytic: {exact}\nnumeric:  {numeric}")


def check_jvp(f, x):
    """Assert that f's forward derivative at x agrees with finite differences."""
    _check_jvp(f, x, _np.random.default_rng(0))


def check_vjp(f, x):
    """Assert that f's reverse derivative at x agrees with finite differences."""
    _check_vjp(f, x, _np.random.default_rng(0))


def check_grads(f, argnum=0, modes=("fwd", "rev"), order=2):
    """check_grads(f, modes=['fwd', 'rev'], order=2)(*args): assert f's derivatives
    with respect to args[argnum], in the modes given and to the order given, agree
    with finite differences. Raises AssertionError naming the mode that failed."""
    modes = list(modes)
    if not all(m in ("fwd", "rev") for m in modes):
        raise ValueError(f"modes must be drawn from 'fwd' and 'rev', not {modes}")

    def checker(*args, **kwargs):
        rng = _np.random.default_rng(0)
        if isinstance(argnum, (tuple, list)):
            x = tuple(args[i] for i in argnum)

            def unary(xs):
                call = list(args)
                for i, xi in zip(argnum, xs):
                    call[i] = xi
                return f(*call, **kwargs)
        else:
            x = args[argnum]

            def unary(xi):
                call = list(args)
                call[argnum] = xi
                return f(*call, **kwargs)
        unary.__name__ = getattr(f, "__name__", "function")
        _check_all(unary, x, modes, order, rng)

    return checker


def _check_all(f, x, modes, order, rng):
    if "fwd" in modes:
        _check_jvp(f, x, rng)
        if order > 1:
            v = _random_like(x, rng)

            def jvp_f(xv):
                return make_jvp(f, xv[0])(xv[1])[1]
            # Named as autograd names it, so that a failure says which order failed.
            jvp_f.__name__ = f"jvp_{getattr(f, '__name__', 'f')}"
            _check_all(jvp_f, (x, v), modes, order - 1, rng)
    if "rev" in modes:
        _check_vjp(f, x, rng)
        if order > 1:
            u = _random_like(f(x), rng)

            def vjp_f(xu):
                return make_vjp(f, xu[0])[0](xu[1])
            vjp_f.__name__ = f"vjp_{getattr(f, '__name__', 'f')}"
            _check_all(vjp_f, (x, u), modes, order - 1, rng)


def combo_check(fun, *args, **kwargs):
    """combo_check(fun, argnum, modes=..., order=...)(arg_values..., kw=values...): run
    check_grads on every combination of the candidate values given for each argument."""
    def checker(*arg_options, **kwarg_options):
        kw_items = [[(key, value) for value in values] for key, values in kwarg_options.items()]
        for combo in product(*arg_options):
            for kw_combo in product(*kw_items):
                check_grads(fun, *args, **kwargs)(*combo, **dict(kw_combo))

    return checker


deprecation_msg = ("\nThe quick_grad_check function is deprecated: use "
                   "fastgrad.test_util.check_grads(fun, modes=['rev'], order=1)(x) instead.")


def quick_grad_check(fun, arg0, extra_args=(), kwargs={}, verbose=True, eps=1e-4, rtol=1e-4,
                     atol=1e-6, rs=None):
    """Deprecated (as in autograd): check fun's reverse-mode gradient with respect to arg0
    against finite differences; `eps`, `rtol`, `atol`, `rs` and `verbose` are accepted and
    ignored, as autograd ignores them."""
    warnings.warn(deprecation_msg)
    def unary(x):
        return fun(x, *extra_args, **kwargs)

    check_grads(unary, modes=["rev"], order=1)(arg0)


# autograd's util holds quick_grad_check; util sits below this module, which attaches it.
util.deprecation_msg = deprecation_msg
util.quick_grad_check = quick_grad_check
util.__all__ += ["quick_grad_check", "deprecation_msg"]
