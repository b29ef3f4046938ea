"""fastgrad.numpy.random: NumPy's random module, so that `import fastgrad.numpy as np`
gives `np.random.randn`, `np.random.seed`, `np.random.default_rng`, ... unchanged.

Samples carry no derivative. A sampler called with a traced parameter
(np.random.normal(mu, ...) with mu traced) raises a TypeError rather than dropping
the derivative in silence: write the sample as a differentiable function of a
parameter-free draw instead (mu + sigma * np.random.standard_normal(shape)).
`permutation` and `choice` of a traced array are gathers of its entries and carry
their derivative; `shuffle` writes in place and takes plain arrays only. The
generator classes (Generator, RandomState and the bit generators) are NumPy's own.
"""


import numpy as _np
import numpy.random as _npr

from ..engine import Box, getval
from ._plain import contains_box, refusing_traced, writes_in_place

__all__ = [
    # generators and their state
    "Generator", "RandomState", "SeedSequence", "BitGenerator", "MT19937", "PCG64", "PCG64DXSM",
    "Philox", "SFC64", "default_rng", "seed", "get_state", "set_state", "get_bit_generator",
    "set_bit_generator", "test",
    # draws without parameters
    "rand", "randn", "random", "random_sample", "ranf", "sample", "bytes", "randint", "random_integers",
    "standard_normal", "standard_cauchy", "standard_exponential",
    # draws from parametrised distributions
    "beta", "binomial", "chisquare", "dirichlet", "exponential", "f", "gamma", "geometric", "gumbel",
    "hypergeometric", "laplace", "logistic", "lognormal", "logseries", "multinomial",
    "multivariate_normal", "negative_binomial", "noncentral_chisquare", "noncentral_f", "normal",
    "pareto", "poisson", "power", "rayleigh", "standard_gamma", "standard_t", "triangular", "uniform",
    "vonmises", "wald", "weibull", "zipf",
    # rearranging arrays
    "permutation", "choice", "shuffle",
]

Generator = _npr.Generator
RandomState = _npr.RandomState
SeedSequence = _npr.SeedSequence
BitGenerator = _npr.BitGenerator
MT19937 = _npr.MT19937
PCG64 = _npr.PCG64
PCG64DXSM = _npr.PCG64DXSM
Philox = _npr.Philox
SFC64 = _npr.SFC64
default_rng = _npr.default_rng
seed = _npr.seed
get_state = _npr.get_state
set_state = _npr.set_state
get_bit_generator = _npr.get_bit_generator
set_bit_generator = _npr.set_bit_generator
test = _npr.test


def _sampler(np_fun):
    """NumPy's sampler, refusing traced parameters (their derivative would be lost)."""
    return refusing_traced(np_fun, (
        f"numpy.random.{np_fun.__name__} was called with a traced parameter: fastgrad does not "
        "differentiate sampling. Draw parameter-free noise and transform it with "
        "fastgrad.numpy (for example mu + sigma * np.random.standard_normal(shape)), "
        "or pass plain values."))


rand = _sampler(_npr.rand)
randn = _sampler(_npr.randn)
random = _sampler(_npr.random)
random_sample = _sampler(_npr.random_sample)
ranf = _sampler(_npr.ranf)
sample = _sampler(_npr.sample)
bytes = _sampler(_npr.bytes)
randint = _sampler(_npr.randint)
random_integers = _sampler(_npr.random_integers)
standard_normal = _sampler(_npr.standard_normal)
standard_cauchy = _sampler(_npr.standard_cauchy)
standard_exponential = _sampler(_npr.standard_exponential)
beta = _sampler(_npr.beta)
binomial = _sampler(_npr.binomial)
chisquare = _sampler(_npr.chisquare)
dirichlet = _sampler(_npr.dirichlet)
exponential = _sampler(_npr.exponential)
f = _sampler(_npr.f)
gamma = _sampler(_npr.gamma)
geometric = _sampler(_npr.geometric)
gumbel = _sampler(_npr.gumbel)
hypergeometric = _sampler(_npr.hypergeometric)
laplace = _sampler(_npr.laplace)
logistic = _sampler(_npr.logistic)
lognormal = _sampler(_npr.lognormal)
logseries = _sampler(_npr.logseries)
multinomial = _sampler(_npr.multinomial)
multivariate_normal = _sampler(_npr.multivariate_normal)
negative_binomial = _sampler(_npr.negative_binomial)
noncentral_chisquare = _sampler(_npr.noncentral_chisquare)
noncentral_f = _sampler(_npr.noncentral_f)
normal = _sampler(_npr.normal)
pareto = _sampler(_npr.pareto)
poisson = _sampler(_npr.poisson)
power = _sampler(_npr.power)
rayleigh = _sampler(_npr.rayleigh)
standard_gamma = _sampler(_npr.standard_gamma)
standard_t = _sampler(_npr.standard_t)
triangular = _sampler(_npr.triangular)
uniform = _sampler(_npr.uniform)
vonmises = _sampler(_npr.vonmises)
wald = _sampler(_npr.wald)
weibull = _sampler(_npr.weibull)
zipf = _sampler(_npr.zipf)


def permutation(x):
    """A random permutation of range(x), or a shuffled copy of x along its first axis
    (for a traced x, a gather of its rows carrying their derivative)."""
    if not isinstance(x, Box):
        return _npr.permutation(x)
    value = getval(x)
    if _np.ndim(value) == 0:
        raise TypeError("a traced scalar has no entries to permute")
    return take(x, _npr.permutation(_np.shape(value)[0]), axis=0)


def choice(a, size=None, replace=True, p=None):
    """Samples from the entries of a 1-D a (or from range(a)); for a traced a, a gather of
    the chosen entries carrying their derivative. The probabilities p must be plain."""
    if isinstance(p, Box) or contains_box(p):
        raise TypeError("numpy.random.choice: the probabilities p must be plain values; "
                        "fastgrad does not differentiate sampling")
    if not isinstance(a, Box):
        return _npr.choice(a, size=size, replace=replace, p=p)
    value = getval(a)
    if _np.ndim(value) != 1:
        raise ValueError("a must be 1-dimensional or an integer")
    return take(a, _npr.choice(_np.shape(value)[0], size=size, replace=replace, p=p))


shuffle = writes_in_place(_npr.shuffle)


from .indexing import take  # noqa: E402
