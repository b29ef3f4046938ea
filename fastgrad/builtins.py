"""autograd's `builtins`: lists, tuples and dicts of traced values.

fastgrad's differential operators box the leaves of list, tuple and dict
arguments, so a differentiated function receives real containers of traced
arrays; `list`, `tuple` and `dict` here therefore build plain containers (they
exist because autograd's clients import them, and `isinstance` checks against
them behave as autograd's).

A container is traced as one value only where autograd's semantics need it:
  - passed to a primitive made with fastgrad.extend.primitive, a container
    holding traced values is packed into a SequenceBox or DictBox (`pack`), so
    the primitive's VJP receives the container and returns a container cotangent;
  - a container a primitive returns stays one traced value, as in autograd (the
    operators take a function's traced container result apart with `unpack`);
  - a container boxed by hand with fastgrad.tracer.new_box.
Such boxes index with `container_take` and lists concatenate with `+`, in
forward and reverse mode. The tangent or cotangent of a container is a
container of batched leaves, with None for an item that has none.

Imports: the engine, the NumPy base, rules and vspace.
"""

import builtins as _py

from .base import RulesByArgnum, defrules
from .engine import Box, Primitive, getval
from .rules import nondifferentiable
from .vspace import DictVSpace, SequenceVSpace, VSpace, vspace

isinstance_ = _py.isinstance
type_ = _py.type
tuple_, list_, dict_ = _py.tuple, _py.list, _py.dict

isinstance = nondifferentiable(isinstance_)
type = nondifferentiable(type_)

__all__ = [
    "list", "tuple", "dict", "isinstance", "type", "list_", "tuple_", "dict_", "isinstance_", "type_",
    "SequenceBox", "DictBox", "container_take", "container_untake", "make_sequence",
    "sequence_extend_right", "sequence_extend_left", "ContainerVSpace", "SequenceVSpace",
    "ListVSpace", "TupleVSpace", "DictVSpace", "NamedTupleVSpace", "TupleMeta", "ListMeta",
    "DictMeta", "grad_container_take", "grad_sequence_extend_right", "grad_sequence_extend_left",
    "fwd_grad_make_sequence", "pack", "unpack", "holds_box", "Box", "VSpace", "vspace",
]
# (autograd.builtins also re-exports its extension API: attached by the compatibility
# façade, _autograd_core.)


# ---------------------------------------------------------------- building containers of tangents

def _rebuild(kind, items):
    """A sequence of type `kind` from a list of items (namedtuples included)."""
    if hasattr(kind, "_make"):
        return kind._make(items)
    return kind(items)


def _put(like, idx, value):
    """A container shaped like `like`, None everywhere but at idx (a key, an index or
    a slice whose items come from the container `value`)."""
    like = getval(like)
    if isinstance_(like, dict_):
        out = type_(like)((key, None) for key in like)
        out[idx] = value
        return out
    items = [None] * len(like)
    if isinstance_(idx, slice):
        for position, item in zip(range(*idx.indices(len(like))), value):
            items[position] = item
    else:
        items[idx] = value
    return _rebuild(type_(like), items)


def _take(t, idx, ans):
    part = t[idx]
    if isinstance_(idx, slice):
        part = _rebuild(type_(getval(ans)), list_(part))
    return part


# ---------------------------------------------------------------- primitives on containers
# A rule whose result is a container takes a symbolic seed (seeds.py) densified:
# the seeds' own routes assume array results.

def _densified(rule):
    return lambda seed, ans, *args, **kwargs: rule(seed.materialize(), ans, *args, **kwargs)


def _container_take(A, idx):
    return A[idx]


def _container_take_vjp(g, ans, A, idx):
    return _put(A, idx, g)


container_take = defrules(
    Primitive(_container_take, "container_take"),
    jvp=[lambda t, ans, A, idx: _take(t, idx, ans)],
    vjp=[_container_take_vjp],
    seed_vjp=[_densified(_container_take_vjp)],
)
container_take.exempt_from_registry = True


def _container_untake(x, idx, vs):
    return _put_dense(vs.zeros(), idx, x)


def _put_dense(zeros, idx, x):
    if isinstance_(zeros, dict_):
        zeros[idx] = x
        return zeros
    items = list_(zeros)
    if isinstance_(idx, slice):
        items[idx] = list_(x)
    else:
        items[idx] = x
    return _rebuild(type_(zeros), items)


def _container_untake_jvp(t, ans, x, idx, vs):
    return _put(ans, idx, t)


container_untake = defrules(
    Primitive(_container_untake, "container_untake"),
    jvp=[_container_untake_jvp],
    vjp=[lambda g, ans, x, idx, vs: _take(g, idx, x) if isinstance_(idx, slice) else g[idx]],
    seed_jvp=[_densified(_container_untake_jvp)],
)
container_untake.exempt_from_registry = True


def _make_sequence(seq_type, *args):
    return _rebuild(seq_type, list_(args))


def _make_sequence_jvp(argnum):
    return lambda t, ans, seq_type, *args: _put(ans, argnum - 1, t)


make_sequence = defrules(
    Primitive(_make_sequence, "make_sequence"),
    jvp=RulesByArgnum(_make_sequence_jvp),
    vjp=RulesByArgnum(lambda argnum: lambda g, ans, seq_type, *args: g[argnum - 1]),
    seed_jvp=RulesByArgnum(lambda argnum: _densified(_make_sequence_jvp(argnum))),
)
make_sequence.exempt_from_registry = True


def _make_dict(keys, *values):
    return dict_(zip(keys, values))


def _make_dict_jvp(argnum):
    return lambda t, ans, keys, *values: _put(ans, keys[argnum - 1], t)


make_dict = defrules(
    Primitive(_make_dict, "make_dict"),
    jvp=RulesByArgnum(_make_dict_jvp),
    vjp=RulesByArgnum(lambda argnum: lambda g, ans, keys, *values: g[keys[argnum - 1]]),
    seed_jvp=RulesByArgnum(lambda argnum: _densified(_make_dict_jvp(argnum))),
)
make_dict.exempt_from_registry = True


def _sequence_extend_right(seq, *elts):
    return seq + type_(seq)(elts)


def _extend_right_jvp(argnum):
    def jvp(t, ans, seq, *elts):
        if argnum == 0:
            return _rebuild(type_(getval(ans)), list_(t) + [None] * len(elts))
        return _put(ans, len(seq) + argnum - 1, t)
    return jvp


def _extend_right_vjp(argnum):
    def vjp(g, ans, seq, *elts):
        if argnum == 0:
            return _rebuild(type_(getval(seq)), list_(g[:len(seq)]))
        return g[len(seq) + argnum - 1]
    return vjp


sequence_extend_right = defrules(
    Primitive(_sequence_extend_right, "sequence_extend_right"),
    jvp=RulesByArgnum(_extend_right_jvp),
    vjp=RulesByArgnum(_extend_right_vjp),
    seed_jvp=RulesByArgnum(lambda argnum: _densified(_extend_right_jvp(argnum))),
)
sequence_extend_right.exempt_from_registry = True


def _sequence_extend_left(seq, *elts):
    return type_(seq)(elts) + seq


def _extend_left_jvp(argnum):
    def jvp(t, ans, seq, *elts):
        if argnum == 0:
            return _rebuild(type_(getval(ans)), [None] * len(elts) + list_(t))
        return _put(ans, argnum - 1, t)
    return jvp


def _extend_left_vjp(argnum):
    def vjp(g, ans, seq, *elts):
        if argnum == 0:
            return _rebuild(type_(getval(seq)), list_(g[len(elts):]))
        return g[argnum - 1]
    return vjp


sequence_extend_left = defrules(
    Primitive(_sequence_extend_left, "sequence_extend_left"),
    jvp=RulesByArgnum(_extend_left_jvp),
    vjp=RulesByArgnum(_extend_left_vjp),
    seed_jvp=RulesByArgnum(lambda argnum: _densified(_extend_left_jvp(argnum))),
)
sequence_extend_left.exempt_from_registry = True


# ---------------------------------------------------------------- autograd's rule makers, unbatched

def grad_container_take(ans, A, idx):
    return lambda g: container_untake(g, idx, vspace(A))


def grad_sequence_extend_right(argnum, ans, args, kwargs):
    seq = args[0]
    return lambda g: g[:len(seq)] if argnum == 0 else g[len(seq) + argnum - 1]


def grad_sequence_extend_left(argnum, ans, args, kwargs):
    elts = args[1:]
    return lambda g: g[len(elts):] if argnum == 0 else g[argnum - 1]


def fwd_grad_make_sequence(argnum, g, ans, seq_type, *args, **kwargs):
    return container_untake(g, argnum - 1, vspace(ans))


# ---------------------------------------------------------------- boxes

class SequenceBox(Box):
    """A traced list or tuple."""

    __slots__ = ()
    __getitem__ = container_take

    def __len__(self):
        return len(getval(self))

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __add__(self, other):
        return sequence_extend_right(self, *other)

    def __radd__(self, other):
        return sequence_extend_left(self, *other)

    def __contains__(self, elt):
        return elt in self._value

    def index(self, elt):
        return self._value.index(elt)


class DictBox(Box):
    """A traced dict."""

    __slots__ = ()
    __getitem__ = container_take

    def __len__(self):
        return len(self._value)

    def __iter__(self):
        return iter(self._value)

    def __contains__(self, elt):
        return elt in self._value

    def items(self):
        return list_(self.iteritems())

    def keys(self):
        return list_(self.iterkeys())

    def values(self):
        return list_(self.itervalues())

    def iteritems(self):
        return ((key, self[key]) for key in self)

    def iterkeys(self):
        return iter(self)

    def itervalues(self):
        return (self[key] for key in self)

    def get(self, key, default=None):
        return self[key] if key in self else default


SequenceBox.register(tuple_)
SequenceBox.register(list_)
DictBox.register(dict_)


# ---------------------------------------------------------------- packing and unpacking

def holds_box(x):
    """Whether a (nested) list, tuple or dict holds a traced value."""
    items = x.values() if type_(x) is dict_ else x
    for item in items:
        if isinstance_(item, Box):
            return True
        if type_(item) in (list_, tuple_, dict_) and holds_box(item):
            return True
    return False


def pack(x):
    """A list, tuple or dict holding traced values as one traced container (others unchanged)."""
    kind = type_(x)
    if kind not in (list_, tuple_, dict_):
        return x
    if kind is dict_:
        keys = list_(x)
        values = [pack(x[key]) for key in keys]
        if any(isinstance_(v, Box) for v in values):
            return make_dict(keys, *values)
        return x
    items = [pack(item) for item in x]
    if any(isinstance_(item, Box) for item in items):
        return make_sequence(kind, *items)
    return x


def unpack(box):
    """A traced container as a plain container of its traced items (nested ones too)."""
    value = getval(box)
    if isinstance_(value, dict_):
        return type_(value)((key, _unpack_item(container_take(box, key))) for key in value)
    return _rebuild(type_(value), [_unpack_item(container_take(box, i)) for i in range(len(value))])


def _unpack_item(item):
    if isinstance_(item, (SequenceBox, DictBox)):
        return unpack(item)
    return item


# ---------------------------------------------------------------- the container types

class TupleMeta(type_):
    def __instancecheck__(cls, instance):
        return isinstance_(instance, tuple_)


class tuple(tuple_, metaclass=TupleMeta):
    """`tuple(xs)`: a plain tuple (fastgrad traces the items, not the container)."""

    def __new__(cls, xs=()):
        return tuple_(xs)


class ListMeta(type_):
    def __instancecheck__(cls, instance):
        return isinstance_(instance, list_)


class list(list_, metaclass=ListMeta):
    """`list(xs)`: a plain list (fastgrad traces the items, not the container)."""

    def __new__(cls, xs=()):
        return list_(xs)


class DictMeta(type_):
    def __instancecheck__(cls, instance):
        return isinstance_(instance, dict_)


class dict(dict_, metaclass=DictMeta):
    """`dict(...)`: a plain dict (fastgrad traces the values, not the container)."""

    def __new__(cls, *args, **kwargs):
        return dict_(*args, **kwargs)


# ---------------------------------------------------------------- vector spaces of containers

class _ContainerSpaceMeta(type_):
    def __instancecheck__(cls, instance):
        return isinstance_(instance, (SequenceVSpace, DictVSpace))

    def __subclasscheck__(cls, subclass):
        return issubclass(subclass, (SequenceVSpace, DictVSpace))


class ContainerVSpace(VSpace, metaclass=_ContainerSpaceMeta):
    """What autograd's container spaces share: fastgrad's SequenceVSpace and DictVSpace
    (vspace.py) are its instances."""


# fastgrad has one space for lists and tuples; it records the sequence type of its value.
ListVSpace = TupleVSpace = SequenceVSpace


class NamedTupleVSpace(SequenceVSpace):
    """The space of a namedtuple (NumPy's EighResult and friends): a sequence space that
    rebuilds its values with the namedtuple's `_make`."""

    seq_type = tuple_

    def __init__(self, value):
        super().__init__(tuple_(value))
        self.named_type = type_(value)

    def _named(self, value):
        return self.named_type._make(value)

    def zeros(self):
        return self._named(super().zeros())

    def ones(self):
        return self._named(super().ones())

    def randn(self):
        return self._named(super().randn())

    def standard_basis(self):
        for basis in super().standard_basis():
            yield self._named(basis)

    def unflatten(self, value, covector=False):
        return self._named(super().unflatten(value, covector))
