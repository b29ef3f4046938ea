"""Helpers the tests share: comparing results that may be nested lists, tuples and dicts of
arrays, and the peak memory of a call."""

import tracemalloc

import numpy as onp


def close(a, b, tol=1e-10):
    """a and b have the same structure and agree leaf by leaf to `tol` (relative and absolute)."""
    if isinstance(a, dict):
        assert sorted(a) == sorted(b)
        for key in a:
            close(a[key], b[key], tol)
        return
    if isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            close(x, y, tol)
        return
    onp.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def with_peak(call):
    """(call(), the tracemalloc peak in bytes while it ran)."""
    tracemalloc.start()
    try:
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak
