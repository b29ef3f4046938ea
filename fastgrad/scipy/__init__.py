"""fastgrad.scipy: SciPy's special functions, distributions, linear algebra, signal
processing and ODE solver, differentiable in forward and reverse mode.

SciPy is a dependency of this subpackage only: `import fastgrad` never imports it.
"""

from . import integrate, linalg, misc, signal, special, stats  # noqa: F401
