"""Records for fastgrad/scipy/stats: every function of every distribution, differentiated
in x (or q) and in every parameter SciPy lets vary (shapes, loc, scale). Records are
named `<distribution>.<function>`."""

import numpy as onp

from . import OpSpec

try:
    from fastgrad.scipy import special as stats_special, stats
except ImportError:  # SciPy is optional: without it this family has no records
    stats = None


def interval(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


LOC = interval(-0.5, 0.5)
SCALE = interval(0.7, 1.6)
SHAPE = interval(0.8, 3.0)
PROB = interval(0.05, 0.95)
REAL = interval(-2.0, 2.0)
ABOVE = interval(0.8, 3.5)        # above loc (at most 0.5) for supports [loc, inf)
UNIT = interval(0.55, 1.2)        # inside [loc, loc + scale] for beta with loc in [0, 0.5], scale >= 1.6
X = (4,)

# distribution: (x domain, shape parameter domains, loc domain, scale domain)
CONTINUOUS = {
    "norm": (REAL, [], LOC, SCALE),
    "t": (REAL, [interval(1.5, 8.0)], LOC, SCALE),
    "gamma": (ABOVE, [SHAPE], LOC, SCALE),
    "chi2": (ABOVE, [interval(1.5, 6.0)], LOC, SCALE),
    "beta": (UNIT, [SHAPE, SHAPE], interval(0.0, 0.5), interval(1.6, 2.0)),
    "expon": (ABOVE, [], LOC, SCALE),
    "logistic": (REAL, [], LOC, SCALE),
    "cauchy": (REAL, [], LOC, SCALE),
    "laplace": (lambda rng, s: rng.choice([-1.0, 1.0], s) * rng.uniform(0.8, 2.0, s), [], LOC, interval(0.7, 1.0)),
    "weibull_min": (ABOVE, [SHAPE], LOC, SCALE),
    "lognorm": (ABOVE, [interval(0.4, 1.5)], LOC, SCALE),
}
FUNCTIONS = ["pdf", "logpdf", "cdf", "logcdf", "sf", "logsf"]

# Far-tail points where value and derivative must be finite and forward and reverse agree.
TAILS = {
    "norm.cdf": [(-40.0, 0.0, 1.0), (40.0, 0.0, 1.0)],
    "norm.logcdf": [(-40.0, 0.0, 1.0), (40.0, 0.0, 1.0), (-10.0, 1.0, 2.0), (38.0, 0.0, 1.0), (1e10, 0.0, 1.0),
                    (-1e10, 0.0, 1.0), (90.0, 1.0, 2.0)],
    "norm.sf": [(40.0, 0.0, 1.0), (-40.0, 0.0, 1.0)],
    "norm.logsf": [(40.0, 0.0, 1.0), (-40.0, 0.0, 1.0), (-38.0, 0.0, 1.0), (-1e10, 0.0, 1.0), (1e10, 0.0, 1.0),
                   (-90.0, 1.0, 2.0)],
    "lognorm.logsf": [(1e8, 0.5, 0.0, 1.0)],
    "weibull_min.logsf": [(50.0, 2.0, 0.0, 1.0)],
    "t.logcdf": [(-1e4, 3.0, 0.0, 1.0)],
}


def record(dist, fun, x_domain, shape_domains, loc, scale):
    n = len(shape_domains)
    domain = [x_domain] + list(shape_domains) + [loc, scale]
    shapes = [(X,) + ((),) * (n + 2)]
    return OpSpec(f"{dist}.{fun}", getattr(getattr(stats, dist), fun), domain=domain, shapes=shapes,
                  special=TAILS.get(f"{dist}.{fun}", []))


def ppf_record(dist, shape_domains, loc, scale):
    domain = [PROB] + list(shape_domains) + [loc, scale]
    shapes = [(X,) + ((),) * (len(shape_domains) + 2)]
    return OpSpec(f"{dist}.ppf", getattr(stats, dist).ppf, domain=domain, shapes=shapes)


def poisson_record(fun):
    counts = onp.array([0.0, 1.0, 3.0, 7.0])
    mu = interval(0.5, 4.0)
    return OpSpec(f"poisson.{fun}", lambda mu_: getattr(stats.poisson, fun)(counts, mu_), domain=[mu],
                  shapes=[((),), (X,)], rejects={"size0": "SciPy: four counts do not broadcast against no means"})


def spd(rng, d):
    a = rng.standard_normal((d, d))
    return a @ a.T + d * onp.eye(d)


def mvn_args(rng, shapes, dtype):
    return rng.standard_normal((3, 2)), rng.standard_normal(2), spd(rng, 2)


def dirichlet_args(rng, shapes, dtype):
    return rng.standard_normal((3, 2)), rng.uniform(0.8, 3.0, 3)


def on_simplex(u):
    """Points of the simplex from unconstrained ones, so perturbations stay on it (SciPy,
    and so fastgrad, rejects x off the simplex)."""
    return stats_special.softmax(u, axis=0)


def _build():
    specs = []
    for dist, (x_domain, shape_domains, loc, scale) in CONTINUOUS.items():
        for fun in FUNCTIONS:
            specs.append(record(dist, fun, x_domain, shape_domains, loc, scale))
        specs.append(ppf_record(dist, shape_domains, loc, scale))
    specs += [poisson_record(fun) for fun in ("pmf", "logpmf", "cdf", "logcdf", "sf", "logsf")]
    specs += [
        OpSpec("multivariate_normal.logpdf", lambda x, m, c: stats.multivariate_normal.logpdf(x, m, c),
               shapes=[((3, 2), (2,), (2, 2))], make_args=mvn_args),
        OpSpec("multivariate_normal.pdf", lambda x, m, c: stats.multivariate_normal.pdf(x[0], m, c),
               shapes=[((3, 2), (2,), (2, 2))], make_args=mvn_args),
        OpSpec("multivariate_normal.logpdf_diagonal",
               lambda x, m, c: stats.multivariate_normal.logpdf(x, m, c), domain=[REAL, REAL, SCALE],
               shapes=[((3, 2), (2,), (2,))],
               rejects={"size0@2": "SciPy: zero-size array to reduction operation maximum which has no identity"}),
        OpSpec("multivariate_normal.entropy", lambda m, c: stats.multivariate_normal.entropy(m, c),
               shapes=[((2,), (2, 2))], make_args=lambda rng, s, d: mvn_args(rng, s, d)[1:]),
        OpSpec("dirichlet.logpdf", lambda u, a: stats.dirichlet.logpdf(on_simplex(u), a), shapes=[((3, 2), (3,))],
               make_args=dirichlet_args,
               xfails={"f32/fwd": "issue 12: the simplex check refuses float32 rounding that SciPy accepts",
                       "f32/rev": "issue 12: the simplex check refuses float32 rounding that SciPy accepts",
                       "f32/jacobian": "issue 12: the simplex check refuses float32 rounding that SciPy accepts"}),
        OpSpec("dirichlet.pdf", lambda u, a: stats.dirichlet.pdf(on_simplex(u)[:, 0], a), shapes=[((3, 2), (3,))],
               make_args=dirichlet_args),
    ]
    return specs


SPECS = [] if stats is None else _build()

NONDIFFERENTIABLE = {
    "poisson.ppf": "integer-valued, so piecewise constant in q and mu",
    "dirichlet.rvs": "random samples",
}
