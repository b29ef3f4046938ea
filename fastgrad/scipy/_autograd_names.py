"""autograd's helper names in its scipy modules, attached to fastgrad's modules of the
same path. Part of the compatibility façade: nothing in fastgrad uses these names; they
exist because autograd's scipy modules hold the extension API they import and their rule
helpers (grad_* makers, partial derivatives), and clients import them from there.

Each helper is built on fastgrad's own rules (`_autograd_helpers`), so it agrees with
the derivative fastgrad computes. fastgrad.scipy's `__init__` imports this module last.
Imports: the scipy families, the operators and the other façade modules.
"""

from numpy.lib.stride_tricks import as_strided

from .. import extend
from .._autograd_helpers import elementwise_partial, jvp_rule, vjp_maker, vjp_maker_argnum
from ..differential_operators import make_vjp
from ..misc import flatten
from ..numpy.numpy_vjps import repeat_to_match_shape, unbroadcast_f
from ..numpy.numpy_wrapper import wrap_namespace
from . import integrate, linalg, signal, special
from .special import _gamma_density
from .stats import beta, chi2, dirichlet, gamma, multivariate_normal, norm, poisson, t


def _attach(module, **names):
    for name, value in names.items():
        setattr(module, name, value)


def make_gammainc_vjp_arg1(sign):
    """autograd's VJP maker for the x argument of gammainc (sign 1) and gammaincc (sign -1):
    maker(ans, a, x) -> g -> sign * g * x^(a-1) e^-x / Gamma(a), summed to x's shape."""
    def gammainc_vjp_arg1(ans, a, x):
        return unbroadcast_f(x, lambda g: g * (sign * _gamma_density(a, x)))

    return gammainc_vjp_arg1


_attach(integrate, make_vjp=make_vjp, defvjp_argnums=extend.defvjp_argnums, primitive=extend.primitive,
        flatten=flatten)
_attach(linalg, defjvp=extend.defjvp, defjvp_argnums=extend.defjvp_argnums, defvjp=extend.defvjp,
        defvjp_argnums=extend.defvjp_argnums, wrap_namespace=wrap_namespace,
        grad_solve_triangular=vjp_maker(linalg.solve_triangular, 0, "grad_solve_triangular"),
        grad_solve_banded=vjp_maker_argnum(linalg.solve_banded, "grad_solve_banded"))
# grad_convolve(argnum, ans, A, B, axes=None, dot_axes=((), ()), mode="full") -> g -> cotangent
_attach(signal, as_strided=as_strided, defvjp=extend.defvjp, primitive=extend.primitive,
        grad_convolve=vjp_maker_argnum(signal.convolve, "grad_convolve"))
_attach(special, defjvp=extend.defjvp, defvjp=extend.defvjp, primitive=extend.primitive,
        repeat_to_match_shape=repeat_to_match_shape, unbroadcast_f=unbroadcast_f,
        # maker(ans, x, axis=None, b=None, keepdims=False) -> g -> cotangent of x
        make_grad_logsumexp=vjp_maker(special.logsumexp, 0, "make_grad_logsumexp"),
        # fwd_grad_logsumexp(g, ans, x, axis=None, b=None, keepdims=False) -> tangent of the output
        fwd_grad_logsumexp=jvp_rule(special.logsumexp, 0, "fwd_grad_logsumexp"),
        make_gammainc_vjp_arg1=make_gammainc_vjp_arg1)

for _module in (beta, chi2, dirichlet, gamma, multivariate_normal, norm, poisson, t):
    _attach(_module, defvjp=extend.defvjp, primitive=extend.primitive)
    if _module is not dirichlet:
        _attach(_module, unbroadcast_f=unbroadcast_f)

# Partial derivatives of the log densities, elementwise (autograd's formulas, here
# fastgrad's forward sweep through the density itself).
_attach(beta, **{f"grad_beta_logpdf_arg{i}": elementwise_partial(beta.logpdf, i, f"grad_beta_logpdf_arg{i}")
                 for i in range(3)})
_attach(chi2, grad_chi2_logpdf=elementwise_partial(chi2.logpdf, 0, "grad_chi2_logpdf"))
_attach(gamma, **{f"grad_gamma_logpdf_arg{i}": elementwise_partial(gamma.logpdf, i, f"grad_gamma_logpdf_arg{i}")
                  for i in range(2)})
_attach(poisson, grad_poisson_logpmf=elementwise_partial(poisson.logpmf, 1, "grad_poisson_logpmf"))
# grad_tlogpdf_diff(y, df) is d/dy of the standard density's logarithm (loc 0, scale 1).
_attach(t, **{f"grad_tlogpdf_{name}": elementwise_partial(t.logpdf, i, f"grad_tlogpdf_{name}")
              for i, name in enumerate(("x", "df", "loc", "scale"))},
        grad_tlogpdf_diff=elementwise_partial(t.logpdf, 0, "grad_tlogpdf_diff"))
