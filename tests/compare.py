"""Comparison of results that may be nested lists, tuples and dicts of arrays."""

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
