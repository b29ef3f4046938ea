"""fastgrad.scipy: SciPy's special functions, distributions, linear algebra, signal
processing and ODE solver, differentiable in forward and reverse mode.

SciPy is a dependency of this subpackage only: `import fastgrad` never imports it.
"""

try:
    import scipy  # noqa: F401
except ImportError as error:
    raise ImportError('fastgrad.scipy needs SciPy: pip install "fastgrad[scipy]"') from error

from . import integrate, linalg, misc, signal, special, stats  # noqa: E402,F401
from . import _autograd_names  # noqa: E402,F401  (the compatibility façade, last)
