"""A differentiable fixed point: x* = f(a)(x*), found by iteration, differentiated by
the implicit function theorem in both modes.

With F(a, x) = f(a)(x) and J_a, J_x its partial jacobians at (a, x*):
  reverse: the adjoint w solves w = J_x^T w + g, and the cotangent of a is J_a^T w;
  forward: the tangent d solves d = J_x d + J_a t for a tangent t of a.
Both are again fixed points, found with `fixed_point` itself (so they can be
differentiated again), stopping by the same `distance` and `tol`.

Imports: differential_operators, extend, vspace.
"""

from ..builtins import tuple  # noqa: F401  (autograd's module exports it)
from ..differential_operators import make_jvp, make_vjp
from ..extend import defjvp, defvjp, primitive
from ..vspace import vspace

__all__ = ["fixed_point", "fixed_point_vjp", "fixed_point_jvp"]


@primitive
def fixed_point(f, a, x0, distance, tol):
    """Iterate x <- f(a)(x) from x0 until distance(x, x_prev) <= tol; returns x.
    Differentiable with respect to `a` (any value or container of values)."""
    step = f(a)
    x, x_prev = step(x0), x0
    while distance(x, x_prev) > tol:
        x, x_prev = step(x), x
    return x


def fixed_point_vjp(ans, f, a, x0, distance, tol):
    def adjoint_step(params):
        a, x_star, x_star_bar = params
        vjp_x, _ = make_vjp(f(a))(x_star)
        vs = vspace(x_star)
        return lambda w: vs.add(vjp_x(w), x_star_bar)

    vjp_a, _ = make_vjp(lambda a, x: f(a)(x))(a, ans)
    return lambda g: vjp_a(fixed_point(adjoint_step, (a, ans, g), vspace(x0).zeros(), distance, tol))


def fixed_point_jvp(g, ans, f, a, x0, distance, tol):
    def tangent_step(params):
        a, x_star, a_dot = params
        jvp_ax = make_jvp(lambda a, x: f(a)(x), (0, 1))(a, x_star)
        return lambda d: jvp_ax((a_dot, d))[1]

    return fixed_point(tangent_step, (a, ans, g), vspace(ans).zeros(), distance, tol)


defvjp(fixed_point, None, fixed_point_vjp, None)
defjvp(fixed_point, None, fixed_point_jvp, None)
