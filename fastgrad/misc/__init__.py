"""autograd's `misc`: flatten (containers of arrays as one vector), optimizers,
differentiable fixed points and replayable traces."""

from .flatten import flatten
from .tracers import const_graph

__all__ = ["flatten", "const_graph"]
