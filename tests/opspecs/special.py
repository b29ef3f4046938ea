"""Records for fastgrad/scipy/special.py."""

from . import BINARY_SHAPES, OpSpec

try:
    from fastgrad.scipy import special as sp
except ImportError:  # SciPy is optional: without it this family has no records
    sp = None


def shape_param(rng, shape):
    """Shape parameters of the gamma and beta families."""
    return rng.uniform(0.6, 4.0, shape)


def incomplete_x(rng, shape):
    """Arguments of gammainc that cover both the series (x < a + 1) and the continued
    fraction (x >= a + 1) regions for shapes in shape_param's range."""
    return rng.uniform(0.2, 8.0, shape)


def erfc_range(rng, shape):
    return rng.uniform(0.1, 1.9, shape)


def df_param(rng, shape):
    return rng.uniform(1.5, 12.0, shape)


def signed_weights(rng, shape):
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.2, 1.0, shape)


def unary(name, domain="real", **kw):
    return OpSpec(name, getattr(sp, name), domain=domain, **kw)


def binary(name, domain="real", shapes=BINARY_SHAPES, **kw):
    return OpSpec(name, getattr(sp, name), domain=domain, shapes=shapes, **kw)


TERNARY = [((), (), ()), ((3,), (3,), (3,)), ((3, 1), (4,), (3, 4))]
LSE_AXES = [{}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": (0, 1)}]

SPECS = [] if sp is None else [
    # gamma family
    unary("gamma", "positive"),
    OpSpec("gamma_negative", sp.gamma, domain=lambda rng, s: -0.5 - rng.uniform(0.1, 0.4, s)),
    unary("gammaln", "positive"),
    unary("digamma", "positive", covers=("psi",)),
    OpSpec("polygamma", lambda x, n=1: sp.polygamma(n, x), domain="positive",
           kwargs=[{"n": 0}, {"n": 1}, {"n": 3}]),
    unary("rgamma", "real", special=[(0.0,), (-1.0,), (-2.0,), (3.0,)]),
    OpSpec("multigammaln", lambda a: sp.multigammaln(a, 3), domain="gt1"),
    binary("beta", "positive"),
    binary("betaln", "positive"),
    # psi^(n)(a + b) - psi^(n)(a), the digits of beta's derivatives: both of its branches
    # (|b| < a by the asymptotic series, else the direct difference)
    OpSpec("polygamma_step", lambda a, b, n=0: sp._polygamma_step(n, a, b), domain="positive",
           shapes=BINARY_SHAPES[:3], kwargs=[{"n": 0}, {"n": 1}],
           special=[(30.0, 0.5), (0.4, 0.1), (2.0, 7.0), (1e6, 2.0)]),
    # incomplete gamma: both arguments, both regions, and the shape-derivative primitive
    binary("gammainc", [shape_param, incomplete_x],
           special=[(2.0, 0.0), (2.0, 3.0), (0.5, 100.0), (50.0, 51.0)]),
    binary("gammaincc", [shape_param, incomplete_x], special=[(2.0, 0.0), (0.3, 60.0)]),
    OpSpec("gammainc_da", lambda a, x: sp._gammainc_da(1, a, x), domain=[shape_param, incomplete_x],
           shapes=BINARY_SHAPES[:3]),
    OpSpec("gammainc_da2", lambda a, x: sp._gammainc_da(2, a, x), domain=[shape_param, incomplete_x],
           shapes=[((4,), (4,))]),
    binary("gammaincinv", [shape_param, "open01"], shapes=BINARY_SHAPES[:4]),
    binary("gammainccinv", [shape_param, "open01"], shapes=BINARY_SHAPES[:4]),
    # incomplete beta
    OpSpec("betainc", sp.betainc, domain=[shape_param, shape_param, "open01"], shapes=TERNARY,
           special=[(2.0, 3.0, 0.0), (2.0, 3.0, 1.0), (0.5, 0.5, 0.5)]),
    OpSpec("betaincc", sp.betaincc, domain=[shape_param, shape_param, "open01"], shapes=TERNARY),
    OpSpec("betainc_dab", lambda a, b, x: sp._betainc_dab(1, 0, a, b, x),
           domain=[shape_param, shape_param, "open01"], shapes=TERNARY[:2]),
    OpSpec("betainc_dab_b", lambda a, b, x: sp._betainc_dab(0, 1, a, b, x),
           domain=[shape_param, shape_param, "open01"], shapes=[((3,), (3,), (3,))]),
    OpSpec("betaincinv", sp.betaincinv, domain=[shape_param, shape_param, "open01"], shapes=TERNARY[:2]),
    OpSpec("betainccinv", sp.betainccinv, domain=[shape_param, shape_param, "open01"], shapes=TERNARY[:2]),
    # error function and the normal distribution
    unary("erf"),
    unary("erfc"),
    unary("erfcx", special=[(-30.0,), (30.0,), (0.0,)]),
    unary("erfinv", "unit"),
    unary("erfcinv", erfc_range),
    unary("ndtr", special=[(-40.0,), (40.0,)]),
    unary("ndtri", "open01"),
    unary("log_ndtr", special=[(-40.0,), (40.0,), (-5.0,), (38.0,), (100.0,), (1e10,), (-1e10,), (-3.0,), (-1e300,),
                               (1e300,)]),
    # Student's t: df in both the shape term and the chain through w = df/(df+t^2)
    binary("stdtr", [df_param, "real"], shapes=BINARY_SHAPES[:4], special=[(3.0, 0.0), (5.0, -30.0)]),
    binary("stdtrit", [df_param, "open01"], shapes=BINARY_SHAPES[:3]),
    OpSpec("stdtr_ddf", lambda df, t: sp._stdtr_ddf(df, t), domain=[df_param, "real"], shapes=[((4,), (4,))]),
    # logistic and log-sum-exp
    unary("logit", "open01"),
    unary("expit"),
    unary("log_expit", special=[(-50.0,), (50.0,)]),
    OpSpec("logsumexp", sp.logsumexp, shapes=[((3, 4),)], kwargs=LSE_AXES,
           rejects={"0d": "NumPy: axis 1 is out of bounds for array of dimension 1"}),
    OpSpec("logsumexp_b", lambda a, b: sp.logsumexp(a, axis=1, b=b), domain=["real", "positive"],
           shapes=[((3, 4), (3, 4)), ((3, 4), (4,))],
           rejects={"0d@0": "NumPy: axis 1 is out of bounds for array of dimension 1"}),
    OpSpec("logsumexp_sign", lambda a, b: sp.logsumexp(a, b=b, return_sign=True)[0],
           domain=["real", signed_weights], shapes=[((5,), (5,))]),
    OpSpec("softmax", sp.softmax, shapes=[((3, 4),)], kwargs=[{}, {"axis": 0}, {"axis": -1}]),
    OpSpec("log_softmax", sp.log_softmax, shapes=[((3, 4),)], kwargs=[{}, {"axis": 1}],
           rejects={"0d": "NumPy: axis 1 is out of bounds for array of dimension 1"}),
    # information theory
    binary("xlogy", ["real", "positive"], special=[(0.0, 2.0), (0.0, 0.5)]),
    binary("xlog1py", ["real", "positive"], special=[(0.0, 1.0)]),
    unary("entr", "positive"),
    binary("rel_entr", "positive"),
    binary("kl_div", "positive"),
    # Bessel functions (orders fixed)
    unary("i0"),
    unary("i1"),
    unary("i0e", "nonzero"),
    unary("i1e", "nonzero"),
    OpSpec("iv", lambda x, v=1.5: sp.iv(v, x), domain="positive", kwargs=[{"v": 0.5}, {"v": 2.0}]),
    OpSpec("ive", lambda x, v=1.5: sp.ive(v, x), domain="positive", kwargs=[{"v": 0.5}, {"v": 2.0}]),
    OpSpec("ive_negative", lambda x: sp.ive(3, x), domain=lambda rng, s: -rng.uniform(0.5, 2.0, s)),
    unary("j0"),
    unary("j1"),
    OpSpec("jv", lambda x, v=1: sp.jv(v, x), domain="positive", kwargs=[{"v": 1.5}, {"v": 3}], covers=("jn",)),
    OpSpec("jn", lambda x: sp.jn(2, x)),
    unary("y0", "positive"),
    unary("y1", "positive"),
    OpSpec("yv", lambda x, v=1.5: sp.yv(v, x), domain="positive", kwargs=[{"v": 0.5}, {"v": 2.0}]),
    OpSpec("yn", lambda x, n=1: sp.yn(n, x), domain="positive", kwargs=[{"n": 0}, {"n": 2}]),
]

NONDIFFERENTIABLE = {
    "gammasgn": "the sign of the gamma function: piecewise constant, derivative 0 where defined",
}
