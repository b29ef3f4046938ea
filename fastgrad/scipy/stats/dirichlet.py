"""The Dirichlet distribution: logpdf and pdf in closed form (gammaln, xlogy),
differentiable in x and alpha. x has the categories on its first axis, as in SciPy;
SciPy's checks of x and alpha are applied (and raise as they do) before anything is
computed. rvs draws samples (no derivative)."""

import scipy.stats as _st

from ... import numpy as np
from ...engine import getval
from ...rules import nondifferentiable
from .. import special as sc

__all__ = ["logpdf", "pdf", "rvs"]


def logpdf(x, alpha):
    _st.dirichlet.logpdf(getval(x), getval(alpha))
    alpha_col = np.reshape(alpha, (-1,) + (1,) * (len(getval(x).shape) - 1))
    norm = sc.gammaln(np.sum(alpha)) - np.sum(sc.gammaln(alpha))
    return norm + np.sum(sc.xlogy(alpha_col - 1, x), axis=0)


def pdf(x, alpha):
    return np.exp(logpdf(x, alpha))


rvs = nondifferentiable(_st.dirichlet.rvs, "rvs")


# ---------------------------------------------------------------- autograd's helper names
# autograd's module also holds the extension API it imports and its rule helpers (not in
# __all__); fastgrad.scipy._autograd_names attaches them to this module.

from ..special import digamma  # noqa: E402,F401
