"""Bad input. Outside a function's domain fastgrad returns SciPy's value (nan or inf) and
a derivative consistent with it: nan wherever the value is nan (never a finite
number, never an exception from inside a rule), and the derivative of the constant
SciPy returns outside a distribution's support (zero). Where SciPy raises, so does
fastgrad, before anything is traced."""

import warnings

import numpy as onp
import pytest

pytest.importorskip("scipy")

import scipy.special as ssp  # noqa: E402
import scipy.stats as sst  # noqa: E402

from fastgrad import grad  # noqa: E402
from fastgrad.scipy import special, stats  # noqa: E402

NAN, INF = onp.nan, onp.inf

# (name, fastgrad function, SciPy function, arguments, what every derivative must be)
#   "nan": nan; "zero": 0; "nonfinite": inf or nan (the value is infinite there).
CASES = [
    ("gammainc-negative-shape", special.gammainc, ssp.gammainc, (-1.0, 1.0), "nan"),
    ("gammainc-negative-x", special.gammainc, ssp.gammainc, (1.5, -1.0), "nan"),
    ("gammaincc-negative-shape", special.gammaincc, ssp.gammaincc, (-0.5, 2.0), "nan"),
    ("gammaincinv-p-above-1", special.gammaincinv, ssp.gammaincinv, (2.0, 1.5), "nan"),
    ("gammainccinv-negative-shape", special.gammainccinv, ssp.gammainccinv, (-2.0, 0.5), "nan"),
    ("betainc-negative-shape", special.betainc, ssp.betainc, (-1.0, 1.0, 0.5), "nan"),
    ("betainc-x-above-1", special.betainc, ssp.betainc, (1.0, 2.0, 1.5), "nan"),
    ("betaincinv-y-above-1", special.betaincinv, ssp.betaincinv, (1.0, 2.0, 1.5), "nan"),
    ("gamma-pole", special.gamma, ssp.gamma, (-1.0,), "nan"),
    ("digamma-pole", special.digamma, ssp.digamma, (-2.0,), "nan"),
    ("polygamma-pole", lambda x: special.polygamma(1, x), lambda x: ssp.polygamma(1, x), (-1.0,), "nonfinite"),
    ("erfinv-outside", special.erfinv, ssp.erfinv, (2.0,), "nan"),
    ("erfinv-at-1", special.erfinv, ssp.erfinv, (1.0,), "nonfinite"),
    ("erfcinv-outside", special.erfcinv, ssp.erfcinv, (-0.5,), "nan"),
    ("ndtri-outside", special.ndtri, ssp.ndtri, (1.5,), "nan"),
    ("ndtri-at-0", special.ndtri, ssp.ndtri, (0.0,), "nonfinite"),
    ("logit-outside", special.logit, ssp.logit, (-1.0,), "nan"),
    ("logit-above-1", special.logit, ssp.logit, (1.5,), "nan"),
    ("xlogy-negative", special.xlogy, ssp.xlogy, (1.0, -1.0), "nan"),
    ("xlog1py-below-minus-1", special.xlog1py, ssp.xlog1py, (1.0, -2.0), "nan"),
    ("entr-negative", special.entr, ssp.entr, (-1.0,), "nan"),
    ("rel_entr-negative", special.rel_entr, ssp.rel_entr, (-1.0, -2.0), "nan"),
    ("kl_div-negative", special.kl_div, ssp.kl_div, (-1.0, -2.0), "nan"),
    ("stdtr-negative-df", special.stdtr, ssp.stdtr, (-1.0, 0.5), "nan"),
    ("stdtrit-p-outside", special.stdtrit, ssp.stdtrit, (3.0, 1.5), "nan"),
    ("iv-negative-x-fractional-order", lambda x: special.iv(0.5, x), lambda x: ssp.iv(0.5, x), (-1.0,), "nan"),
    ("yn-negative-x", lambda x: special.yn(1, x), lambda x: ssp.yn(1, x), (-1.0,), "nan"),
    ("log_ndtr-nan", special.log_ndtr, ssp.log_ndtr, (NAN,), "nan"),
    ("norm.cdf-negative-scale", stats.norm.cdf, sst.norm.cdf, (0.3, 0.0, -1.0), "nan"),
    ("norm.logpdf-zero-scale", stats.norm.logpdf, sst.norm.logpdf, (0.3, 0.0, 0.0), "nan"),
    ("t.cdf-negative-df", stats.t.cdf, sst.t.cdf, (0.3, -2.0), "nan"),
    ("gamma.cdf-negative-shape", stats.gamma.cdf, sst.gamma.cdf, (1.0, -1.0), "nan"),
    ("gamma.logpdf-below-support", stats.gamma.logpdf, sst.gamma.logpdf, (-1.0, 2.0), "zero"),
    ("gamma.sf-below-support", stats.gamma.sf, sst.gamma.sf, (-1.0, 2.0, 0.0, 1.5), "zero"),
    ("beta.pdf-negative-shape", stats.beta.pdf, sst.beta.pdf, (0.5, -1.0, 1.0), "nan"),
    ("beta.cdf-above-support", stats.beta.cdf, sst.beta.cdf, (1.5, 2.0, 3.0), "zero"),
    ("chi2.logsf-negative-df", stats.chi2.logsf, sst.chi2.logsf, (1.0, -3.0), "nan"),
    ("weibull_min.sf-negative-shape", stats.weibull_min.sf, sst.weibull_min.sf, (1.0, -1.0), "nan"),
    ("weibull_min.logpdf-below-support", stats.weibull_min.logpdf, sst.weibull_min.logpdf, (-1.0, 1.5), "zero"),
    ("lognorm.cdf-below-support", stats.lognorm.cdf, sst.lognorm.cdf, (-1.0, 0.5), "zero"),
    ("lognorm.cdf-negative-shape", stats.lognorm.cdf, sst.lognorm.cdf, (1.0, -0.5), "nan"),
    ("expon.logcdf-below-support", stats.expon.logcdf, sst.expon.logcdf, (-1.0,), "zero"),
    ("expon.pdf-negative-scale", stats.expon.pdf, sst.expon.pdf, (1.0, 0.0, -2.0), "nan"),
    ("logistic.sf-negative-scale", stats.logistic.sf, sst.logistic.sf, (1.0, 0.0, -2.0), "nan"),
    ("cauchy.logpdf-negative-scale", stats.cauchy.logpdf, sst.cauchy.logpdf, (1.0, 0.0, -2.0), "nan"),
    ("laplace.cdf-negative-scale", stats.laplace.cdf, sst.laplace.cdf, (1.0, 0.0, -2.0), "nan"),
    ("poisson.pmf-negative-mu", lambda mu: stats.poisson.pmf(1.0, mu), lambda mu: sst.poisson.pmf(1, mu),
     (-1.0,), "nan"),
    ("poisson.logpmf-non-integer", lambda mu: stats.poisson.logpmf(1.5, mu), lambda mu: sst.poisson.logpmf(1.5, mu),
     (2.0,), "zero"),
]


@pytest.mark.parametrize("name,fun,reference,args,derivative", CASES, ids=[c[0] for c in CASES])
def test_bad_input(name, fun, reference, args, derivative):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = fun(*args)
        onp.testing.assert_equal(onp.asarray(value), onp.asarray(reference(*args)), err_msg=name)
        for i in range(len(args)):
            d = grad(fun, i)(*args)
            if derivative == "nan":
                assert onp.isnan(d), f"{name}: d/darg{i} = {d}, the value is {value}"
            elif derivative == "zero":
                assert d == 0, f"{name}: d/darg{i} = {d} outside the support"
            else:
                assert not onp.isfinite(d), f"{name}: d/darg{i} = {d} where the value is {value}"


def test_multigammaln_raises_like_scipy():
    with pytest.raises(ValueError):
        ssp.multigammaln(0.2, 3)
    with pytest.raises(ValueError):
        grad(lambda a: special.multigammaln(a, 3))(0.2)


def test_dirichlet_raises_like_scipy():
    x = onp.array([0.5, 0.6])
    alpha = onp.array([1.0, 2.0])
    with pytest.raises(ValueError):
        sst.dirichlet.logpdf(x, alpha)
    with pytest.raises(ValueError):
        grad(stats.dirichlet.logpdf, 1)(x, alpha)


def test_boundary_shape_derivatives_are_zero():
    # gammainc(a, 0) = 0 and gammainc(a, inf) = 1 for every a > 0; betainc at x = 0 and 1 likewise.
    assert grad(special.gammainc)(2.0, 0.0) == 0.0
    assert grad(special.gammainc)(2.0, onp.inf) == 0.0
    assert grad(special.betainc, 0)(2.0, 3.0, 1.0) == 0.0
    assert grad(special.betainc, 1)(2.0, 3.0, 0.0) == 0.0
    assert grad(grad(special.gammainc))(2.0, 0.0) == 0.0
