"""fastgrad: differentiate NumPy and SciPy code, with autograd's API and fast,
complete jacobians, hessians and forward mode.

    import fastgrad.numpy as np
    from fastgrad import grad, jacobian, hessian
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("fastgrad")
except _metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

from ._memory import tune_allocator

tune_allocator()

from . import numpy  # noqa: E402,F401  (registers the array box before anything is traced)
from .differential_operators import (
    checkpoint, config, deriv, elementwise_grad, grad, grad_and_aux, grad_named, hessian,
    hessian_tensor_product, hessian_vector_product, holomorphic_grad, jacfwd, jacobian, jacrev,
    make_ggnvp, make_hvp, make_jvp, make_jvp_reversemode, make_vjp, multigrad_dict,
    tensor_jacobian_product, value_and_grad, vector_jacobian_product,
)
from .sparsity import hessian_sparsity, jacobian_sparsity, sparse_hessian, sparse_jacobian  # noqa: E402,F401
from .builtins import dict, isinstance, list, tuple, type  # noqa: E402,F401,A004  (autograd's top-level names)
from .extend import primitive  # noqa: E402,F401
from .install import install_as_autograd  # noqa: E402,F401
# The compatibility façade, last: it attaches autograd's names to the modules above.
from . import _autograd_core, core, test_util  # noqa: E402,F401
from .numpy import _autograd_names  # noqa: E402,F401
