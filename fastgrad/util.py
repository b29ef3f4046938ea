"""autograd's `util`: small helpers its clients import (subvals, toposort, func) and the
deprecated quick_grad_check.

`toposort` walks fastgrad's tape nodes (whose `parents` are (argnum, node) pairs) as
well as any object with a `parents` list, as autograd's does.
Imports: core; test_util only inside quick_grad_check.
"""

import warnings

from .core import Node

__all__ = ["subvals", "subval", "func", "toposort", "quick_grad_check", "deprecation_msg"]


def subvals(x, ivs):
    """tuple(x) with x[i] replaced by v for each (i, v) in ivs."""
    out = list(x)
    for i, v in ivs:
        out[i] = v
    return tuple(out)


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


deprecation_msg = ("\nThe quick_grad_check function is deprecated: use "
                   "fastgrad.test_util.check_grads(fun, modes=['rev'], order=1)(x) instead.")


def quick_grad_check(fun, arg0, extra_args=(), kwargs={}, verbose=True, eps=1e-4, rtol=1e-4,
                     atol=1e-6, rs=None):
    """Deprecated (as in autograd): check fun's reverse-mode gradient with respect to arg0
    against finite differences; `eps`, `rtol`, `atol`, `rs` and `verbose` are accepted and
    ignored, as autograd ignores them."""
    warnings.warn(deprecation_msg)
    from .test_util import check_grads

    def unary(x):
        return fun(x, *extra_args, **kwargs)

    check_grads(unary, modes=["rev"], order=1)(arg0)

