"""fastgrad.scipy.stats: SciPy's distributions as autograd exposes them, one module per
distribution (`from fastgrad.scipy.stats import norm; norm.cdf(x, loc, scale)`), with
the location, the scale and the shape parameters differentiable.

Every function is composed from fastgrad.scipy.special and fastgrad.numpy, so none
has rules of its own. SciPy's conventions hold: parameters out of range give nan
(and nan derivatives), points outside the support give the constant value there
(density 0, cdf 0 or 1) with zero derivatives.
"""

from . import (  # noqa: F401
    beta, cauchy, chi2, dirichlet, expon, gamma, laplace, logistic, lognorm, multivariate_normal, norm,
    poisson, t, weibull_min,
)

DISTRIBUTIONS = ("beta", "cauchy", "chi2", "dirichlet", "expon", "gamma", "laplace", "logistic", "lognorm",
                 "multivariate_normal", "norm", "poisson", "t", "weibull_min")

__all__ = list(DISTRIBUTIONS)
