"""Benchmark suite of fastgrad: ``python -m benchmarks`` (see README.md).

Importing the package pins BLAS, OpenMP and XLA to one thread, so it has to
happen before NumPy is imported for the pinning to take full effect.
"""

from ._threads import pin_env

pin_env()
