"""Pin every numerical library to one thread.

``pin_env`` must run before NumPy, JAX or PyTorch are imported (the package's
``__init__`` calls it); ``pin_runtime`` runs after the imports and limits the
thread pools that are already loaded (BLAS, OpenMP) and PyTorch's own pools.
"""

import os

THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
XLA_THREAD_FLAGS = ("--xla_cpu_multi_thread_eigen=false", "intra_op_parallelism_threads=1")

_limits = None


def pin_env():
    for var in THREAD_VARS:
        os.environ[var] = "1"
    flags = os.environ.get("XLA_FLAGS", "").split()
    for flag in XLA_THREAD_FLAGS:
        if flag not in flags:
            flags.append(flag)
    os.environ["XLA_FLAGS"] = " ".join(flags)
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pin_torch(torch):
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set, or parallel work already started
        pass


def pin_runtime():
    """Limit the thread pools loaded so far; returns a description."""
    global _limits
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return "threadpoolctl not installed (environment variables only)"
    _limits = threadpool_limits(limits=1)
    pools = sorted({f"{p['internal_api']}={p['num_threads']}" for p in threadpool_info()})
    return "threadpoolctl: " + ", ".join(pools)
