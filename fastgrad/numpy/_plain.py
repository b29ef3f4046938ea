"""Helpers shared by the composed families: finding traced values inside arguments,
and handing calls with no traced value to NumPy unchanged."""

import functools

from ..core import Box


def contains_box(obj):
    """True if obj is a traced value or a list, tuple or dict holding one."""
    if isinstance(obj, Box):
        return True
    if isinstance(obj, (list, tuple)):
        return any(contains_box(item) for item in obj)
    if isinstance(obj, dict):
        return any(contains_box(item) for item in obj.values())
    return False


def numpy_when_plain(np_fun):
    """Decorate a composed function so a call with no traced argument is NumPy's own
    (same values, dtypes and views); a traced call runs the composition."""
    def decorate(fun):
        @functools.wraps(fun)
        def wrapper(*args, **kwargs):
            if contains_box(args) or contains_box(kwargs):
                return fun(*args, **kwargs)
            return np_fun(*args, **kwargs)
        return wrapper
    return decorate
