"""autograd's `tracer` module, for the clients that import it: aliases onto fastgrad.core
and the translations in fastgrad._autograd_core.

`trace_stack.new_trace()` yields a fastgrad Trace (autograd yields an integer); a box's
`_trace` is that Trace and its `_node` a tape node. `new_box` also accepts autograd's
integer traces and roots made by `VJPNode.new_root()`.
"""

from ._autograd_core import Node, find_top_boxed_args, new_box, trace, trace_primitives_map
from .engine import Box, TraceStack, getval, isbox, trace_stack
from .extend import notrace_primitive, notrace_primitives, primitive, register_notrace
from .util import subvals, toposort
from .wrap_util import wraps

box_type_mappings = Box.type_mappings
box_types = Box.types

__all__ = [
    "Box", "Node", "TraceStack", "trace_stack", "new_box", "isbox", "getval", "trace", "primitive",
    "notrace_primitive", "register_notrace", "notrace_primitives", "find_top_boxed_args",
    "trace_primitives_map", "box_type_mappings", "box_types", "subvals", "toposort", "wraps",
]
