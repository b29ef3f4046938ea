"""autograd's `util`: small helpers its clients import (subvals, toposort, func) and the
deprecated quick_grad_check.

`toposort` walks fastgrad's tape nodes (whose `parents` are (argnum, node) pairs) as
well as any object with a `parents` list, as autograd's does.
Imports: the engine and tree (test_util, above it, attaches quick_grad_check).
"""

from .engine import Node
from .tree import subvals

__all__ = ["subvals", "subval", "func", "toposort"]


def subval(x, i, v):
    """tuple(x) with x[i] replaced by v."""
    out = list(x)
    out[i] = v
    return tuple(out)


def func(f):
    """Identity: autograd uses it to name an unbound method as a function."""
    return f


def _parents(node):
    if isinstance(node, Node):
        return [parent for _, parent in node.parents]
    return node.parents


def toposort(end_node, parents=None):
    """The nodes end_node depends on (itself included), each after every node that
    depends on it: the order of a backward pass."""
    parents = _parents if parents is None else parents
    child_counts = {}
    stack = [end_node]
    while stack:
        node = stack.pop()
        if node in child_counts:
            child_counts[node] += 1
        else:
            child_counts[node] = 1
            stack.extend(parents(node))
    ready = [end_node]
    while ready:
        node = ready.pop()
        yield node
        for parent in parents(node):
            if child_counts[parent] == 1:
                ready.append(parent)
            else:
                child_counts[parent] -= 1

