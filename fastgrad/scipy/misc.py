"""fastgrad.scipy.misc: where autograd's older releases kept logsumexp (SciPy moved it
to scipy.special; autograd 1.9 has it only there). An alias, no logic of its own."""

from .special import logsumexp

__all__ = ["logsumexp"]
