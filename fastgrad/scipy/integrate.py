"""fastgrad.scipy.integrate: odeint, differentiable in the initial state, the time
points and the function's extra arguments, in both modes and to any order.

odeint(func, y0, t, args=()) solves dy/dt = func(y, t, *args) with SciPy's odeint;
y0 is 1-D and the result (len(t), len(y0)). One primitive, whose rules solve
augmented systems with odeint itself:
  forward (sensitivity equations): s = dy carries dy/dt = f, ds/dt = f_y s + f_p dp,
    s(t0) = dy0 - f(y0, t0) dt0, and the output tangent at t_i is s(t_i) + f(y_i, t_i) dt_i;
    one solve carries the whole batch of k tangents (the state is n (k + 1) long).
  reverse (adjoint method): from the last time point back to the first, y, the adjoint
    a and the parameter cotangent q are solved backward with dy/dt = f,
    da/dt = -f_y^T a, dq/dt = -f_p^T a, and a jumps by the output cotangent at each
    time point; then y0's cotangent is a(t0), the parameters' is q(t0), t_i's is
    <g_i, f(y_i, t_i)> and t0's is -<a(t0) - g_0, f(y0, t0)>.
The right-hand sides of the augmented systems differentiate `func` by tracing it with
fastgrad (f_y s and f_y^T a are its pushforward and pullback), so they are fastgrad
functions too and the augmented solves are again calls of the primitive: their own
derivatives come from the same rules, which gives every order.

Accuracy: the derivatives are those of the exact solution, computed with tolerances 100
times tighter than the solution's (rtol, atol; 1e-10 each when not given, tighter than
SciPy's default, see _DEFAULT_TOL); they are not the derivatives of the discretisation.

autograd's helpers in this module (grad_odeint, argnums_unpack, ...) are at the end,
outside __all__; grad_odeint is the reverse rule above in autograd's calling convention.

Imports SciPy; must not be imported by fastgrad/__init__.py.
"""

import builtins as _py
import threading

import numpy as _onp
import scipy.integrate as _si

from .. import numpy as np
from ..engine import Box, backward_sweep, forward_sweep, getval, new_box, trace_stack
from ..base import RulesByArgnum, defrules
from ..engine import Primitive
from ..tangents import add_tangents

__all__ = ["odeint"]


# ---------------------------------------------------------------- tracing the right-hand side

def _linearize(fun, xs):
    """fun(*xs) traced once: (value, pushforward(tangents), pullback(cotangent)), each
    batched; a zero (no dependence) comes back as None."""
    with trace_stack.new_trace() as trace:
        roots = [trace.root(x) for x in xs]
        out = fun(*[new_box(x, trace, r) for x, r in zip(xs, roots)])
    if isinstance(out, (list, _py.tuple)):
        out = np.array(out)
    if not (isinstance(out, Box) and out._trace is trace):
        return out, (lambda ts: None), (lambda g: [None] * len(xs))
    node = out._node

    def push(ts):
        seeds = {r: t for r, t in zip(roots, ts) if t is not None}
        return forward_sweep(trace.nodes, seeds, [node], add_tangents)[0]

    def pull(g):
        return backward_sweep(trace.nodes, {node: g}, roots, add_tangents)

    return out._value, push, pull


def _as_float(x):
    return x if isinstance(x, Box) else _onp.asarray(x, dtype=float)


def _dense(t, k, shape):
    if t is None:
        return _onp.zeros((k,) + _py.tuple(shape))
    return t.materialize() if hasattr(t, "materialize") else t


def _differentiable(arg):
    value = getval(arg)
    return isinstance(value, (float, _onp.floating, _onp.ndarray)) and _onp.result_type(value).kind == "f"


def _rhs(func, t, args, diff, y, p_diff):
    full = list(args)
    for j, v in zip(diff, p_diff):
        full[j] = v
    out = func(y, t, *full)
    return np.array(out) if isinstance(out, (list, _py.tuple)) else out


def _sensitivity_system(func, n, k, nargs, diff):
    """The forward sensitivity system in z = [y, s_1..s_k]; params = (*args, *dargs)."""
    def rhs(z, tt, *params):
        args, dargs = params[:nargs], params[nargs:]
        y = z[:n]
        s = np.reshape(z[n:], (k, n))
        p_diff = [_as_float(args[j]) for j in diff]
        fy, push, _ = _linearize(lambda yy, *pp: _rhs(func, tt, args, diff, yy, pp), [y] + p_diff)
        ds = push([s] + list(dargs))
        return np.concatenate([np.reshape(fy, (n,)), np.reshape(_dense(ds, k, (n,)), (k * n,))])
    return rhs


def _adjoint_system(func, n, k, nargs, diff, sizes):
    """The adjoint system in [y, a_1..a_k, q_1..q_k], solved backward in time."""
    total = sum(sizes)

    def rhs(state, tt, *args):
        y = state[:n]
        a = np.reshape(state[n:n + k * n], (k, n))
        p_diff = [_as_float(args[j]) for j in diff]
        fy, _, pull = _linearize(lambda yy, *pp: _rhs(func, tt, args, diff, yy, pp), [y] + p_diff)
        cots = pull(a)
        ay = _dense(cots[0], k, (n,))
        parts = [np.reshape(_dense(c, k, _onp.shape(getval(p))), (k, -1)) for c, p in zip(cots[1:], p_diff)]
        ap = np.concatenate(parts, axis=1) if parts else _onp.zeros((k, 0))
        return np.concatenate([np.reshape(fy, (n,)), np.reshape(-ay, (k * n,)), np.reshape(-ap, (k * total,))])
    return rhs


# ---------------------------------------------------------------- the primitive and its rules

def _odeint_value(func, y0, t, *args, **solver):
    return _si.odeint(func, y0, t, args=_py.tuple(args), **solver)


def _f_at(func, y, t, args):
    out = func(y, t, *args)
    return np.array(out) if isinstance(out, (list, _py.tuple)) else out


def _augmented(solver):
    """The solver options of an augmented solve: tolerances 100 times tighter than the
    solution's (down to 1e-13, about the solver's limit), so that the derivatives' own
    error stays well below the solution's instead of adding a second solve's error to it.
    (An array tolerance, one per component of y, gives its smallest entry: the augmented
    state is longer than y.)"""
    out = dict(solver)
    for key in ("rtol", "atol"):
        out[key] = _py.max(float(_onp.min(out.get(key, _DEFAULT_TOL))) / 100, 1e-13)
    return out


def _odeint_jvp(tangents, ans, func, y0, t, *args, **solver):
    solver = _augmented(solver)
    dy0, dt, dargs = tangents[1], tangents[2], tangents[3:]
    k = next(_onp.shape(d)[0] for d in tangents if d is not None)
    n, T = _onp.shape(y0)[0], _onp.shape(t)[0]
    if n == 0 or T == 0:
        return _onp.zeros((k, T, n))
    diff = [j for j, d in enumerate(dargs) if d is not None]
    s0 = _dense(dy0, k, (n,))
    if dt is not None:
        s0 = s0 - dt[:, :1] * _f_at(func, y0, t[0], args)
    z0 = np.concatenate([y0 * 1.0, np.reshape(s0, (k * n,))])
    system = _sensitivity_system(func, n, k, len(args), diff)
    z = _odeint_prim(system, z0, t, *args, *[dargs[j] for j in diff], **solver)
    s = np.moveaxis(np.reshape(z[:, n:], (T, k, n)), 1, 0)
    if dt is not None:
        f = np.stack([_f_at(func, ans[i], t[i], args) for i in range(T)])
        s = s + dt[:, :, None] * f
    return s


class _LastPullback(threading.local):
    """The reverse rule computes every argument's cotangent in one backward solve; the
    sweep asks for them one argument at a time with the same cotangent, so the last
    result is kept (per thread) and reused."""

    key = None
    value = None


_last = _LastPullback()


def _odeint_pullback(g, ans, func, y0, t, *args, **solver):
    if _last.key is not None and _last.key[0] is g and _last.key[1] is ans:
        return _last.value
    k, T, n = _onp.shape(g)
    solver = _augmented(solver)
    diff = [j for j, a in enumerate(args) if _differentiable(a)]
    shapes = [_onp.shape(getval(args[j])) for j in diff]
    if n == 0 or T == 0:
        # no state or no time point: nothing depends on anything
        cot_args = [None] * len(args)
        for j, shape in zip(diff, shapes):
            cot_args[j] = _onp.zeros((k,) + shape)
        return [None, _onp.zeros((k, n)), _onp.zeros((k, T))] + cot_args
    sizes = [int(_onp.prod(s)) for s in shapes]
    system = _adjoint_system(func, n, k, len(args), diff, sizes)
    a = g[:, T - 1]
    q = _onp.zeros((k, sum(sizes)))
    gt = [None] * T
    for i in range(T - 1, 0, -1):
        gt[i] = np.sum(g[:, i] * _f_at(func, ans[i], t[i], args), axis=-1)
        state = np.concatenate([ans[i], np.reshape(a, (k * n,)), np.reshape(q, (k * sum(sizes),))])
        out = _odeint_prim(system, state, np.stack([t[i], t[i - 1]]), *args, **solver)[-1]
        a = np.reshape(out[n:n + k * n], (k, n)) + g[:, i - 1]
        q = np.reshape(out[n + k * n:], (k, sum(sizes)))
    gt[0] = np.sum((g[:, 0] - a) * _f_at(func, y0, t[0], args), axis=-1) if T > 1 else _onp.zeros(k)
    cot_args = [None] * len(args)
    start = 0
    for j, shape, size in zip(diff, shapes, sizes):
        cot_args[j] = np.reshape(q[:, start:start + size], (k,) + shape)
        start += size
    result = [None, a, np.stack(gt, axis=1)] + cot_args
    _last.key, _last.value = (g, ans), result
    return result


_odeint_prim = defrules(
    Primitive(_odeint_value, "odeint"),
    vjp=RulesByArgnum(lambda argnum: lambda g, ans, *args, **solver: _odeint_pullback(g, ans, *args, **solver)[argnum],
                      first=1),
    joint_jvp=_odeint_jvp,
)

# SciPy's default tolerances (1.49e-8) leave an error in the solution that jumps by about
# 1e-11 between inputs 1e-6 apart (the solver changes its steps), which is 1e-5 relative in
# a difference quotient: finite differences then disagree with the exact derivatives.
# Without tolerances from the caller the solution is computed to 1e-10.
_DEFAULT_TOL = 1e-10
_SOLVER_OPTIONS = ("rtol", "atol", "tcrit", "h0", "hmax", "hmin", "ixpr", "mxstep", "mxhord", "mxordn",
                   "printmessg", "ml", "mu")


def odeint(func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, tfirst=False, **options):
    """The solution of dy/dt = func(y, t, *args) at the times t, y(t[0]) = y0; shape
    (len(t), len(y0)). Differentiable in y0, t and every floating-point array in args.
    `func` must be written with fastgrad.numpy (it is traced to differentiate it).
    Dfun is not used (the solver estimates its own jacobian); full_output is not supported.
    rtol and atol default to 1e-10 (SciPy's to 1.49e-8), so that the solution is smooth
    enough in its inputs for finite differences to confirm its derivatives."""
    if full_output:
        raise NotImplementedError("fastgrad's odeint does not return full_output: differentiate the "
                                  "solution alone, or call scipy.integrate.odeint for diagnostics")
    unknown = set(options) - set(_SOLVER_OPTIONS)
    if unknown:
        raise TypeError(f"odeint got unexpected keyword arguments {sorted(unknown)}")
    if tfirst:
        user = func

        def func(y, tt, *a):
            return user(tt, y, *a)
    if not isinstance(args, _py.tuple):
        args = (args,)
    y0 = y0 if isinstance(y0, Box) else _onp.asarray(y0, dtype=float)
    t = t if isinstance(t, Box) else _onp.asarray(t, dtype=float)
    if _onp.ndim(getval(y0)) == 0:
        # SciPy solves a scalar initial state as a state of length 1
        y0 = np.reshape(y0, (1,))
    if _onp.ndim(getval(y0)) != 1:
        raise ValueError("odeint needs a 1-D initial state y0")
    options.setdefault("rtol", _DEFAULT_TOL)
    options.setdefault("atol", _DEFAULT_TOL)
    return _odeint_prim(func, y0, t, *args, **options)


# ---------------------------------------------------------------- autograd's helper names
# autograd's module also holds the extension API it imports and its rule helpers (not in
# __all__); fastgrad.scipy._autograd_names attaches them to this module.

from ..builtins import tuple  # noqa: E402,F401,A004


def grad_odeint(yt, func, y0, t, func_args, **kwargs):
    """autograd's VJP maker of odeint: the solution yt (len(t), len(y0)) at y0, t and the
    tuple func_args gives vjp(g) -> (None, cotangent of y0, of t, tuple of those of
    func_args (None for an argument that is not a floating-point array)), by one adjoint
    solve (the reverse rule above)."""
    y0 = _onp.asarray(y0, dtype=float)
    t = _onp.asarray(t, dtype=float)
    func_args = _py.tuple(func_args)

    def vjp_all(g):
        g = _onp.asarray(g)[None]
        cotangents = _odeint_pullback(g, _onp.asarray(yt), func, y0, t, *func_args, **kwargs)
        rows = [None if c is None else c[0] for c in cotangents]
        return None, rows[1], rows[2], _py.tuple(rows[3:])

    return vjp_all


def argnums_unpack(all_vjp_builder):
    """autograd's adapter from a maker of every argument's VJP, all_vjp_builder(ans, *args,
    **kwargs) -> (g -> cotangents of all arguments), to defvjp_argnums's form: a maker
    (argnums, ans, args, kwargs) -> (g -> the cotangents of the arguments in argnums)."""
    def build(argnums, ans, args, kwargs):
        vjp_all = all_vjp_builder(ans, *args, **kwargs)
        return lambda g: [vjp_all(g)[argnum] for argnum in argnums]

    return build
