"""autograd's `core` module path: `from autograd.core import make_vjp, VJPNode, ...` (and
fastgrad.core, from which code written for earlier fastgrad imports the engine's names).

Part of the compatibility façade. The engine is fastgrad.engine; this module re-exports
its names and autograd's core interface built on it (_autograd_core), where the engine
has no name of its own.
"""

from . import _autograd_core
from .engine import (Box, Node, Primitive, Structured, Trace, TraceStack, backward_sweep, forward_sweep, getval,
                     isbox, missing_rule, new_box, trace_stack)

__all__ = ["Box", "Node", "Primitive", "Structured", "Trace", "TraceStack", "backward_sweep", "forward_sweep",
           "getval", "isbox", "missing_rule", "new_box", "trace_stack"]
for _name in _autograd_core.__all__:
    if _name not in __all__:
        globals()[_name] = getattr(_autograd_core, _name)
        __all__.append(_name)
