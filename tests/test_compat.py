"""The module paths autograd's clients import, used the way they use them.

Each test imports one path under fastgrad's name and exercises it as a client
(survival-analysis libraries, PennyLane, pymanopt, ceviche, pymoo, ssm, pyerrors)
does; where autograd is installed the same code runs with autograd and the
results are compared.
"""

import warnings

import numpy as onp
import pytest

import fastgrad
import fastgrad.numpy as np
from compare import close

R = onp.random.RandomState(0)


def autograd_or_skip():
    return pytest.importorskip("autograd")


# ---------------------------------------------------------------- numpy.numpy_boxes, numpy.numpy_vspaces

def test_arraybox_type_checks():
    from fastgrad.numpy.numpy_boxes import ArrayBox

    seen = []

    def f(x):
        seen.append((isinstance(x, ArrayBox), type(x) == ArrayBox))
        y = np.sin(x)
        seen.append((isinstance(y, ArrayBox), type(y) == ArrayBox))
        # the usual client unwrap
        plain = y._value if isinstance(y, ArrayBox) else y
        assert type(plain) is onp.ndarray
        return np.sum(y)

    fastgrad.grad(f)(onp.ones(2))
    assert seen == [(True, True), (True, True)]
    f(onp.ones(2))
    assert seen[-1] == (False, False)


class _Tensor(onp.ndarray):
    """An ndarray subclass with a flag, registered as PennyLane registers its tensor."""

    def __new__(cls, values, requires_grad=True):
        obj = onp.asarray(values, dtype=float).view(cls)
        obj.requires_grad = requires_grad
        return obj

    def __array_finalize__(self, obj):
        self.requires_grad = getattr(obj, "requires_grad", True)


def test_submodules_reachable_as_attributes():
    # pymoo writes `autograd.numpy.numpy_boxes.ArrayBox` after a bare `import autograd`.
    import subprocess
    import sys

    code = ("import fastgrad; fastgrad.numpy.numpy_boxes.ArrayBox; fastgrad.numpy.numpy_vspaces.ArrayVSpace; "
            "fastgrad.numpy.numpy_vjps.unbroadcast_f; fastgrad.numpy.numpy_jvps.broadcast")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_ndarray_subclass_registered_through_the_mappings():
    from fastgrad.core import VSpace
    from fastgrad.numpy.numpy_boxes import ArrayBox
    from fastgrad.numpy.numpy_vspaces import ArrayVSpace, ComplexArrayVSpace
    from fastgrad.tracer import Box

    def to_box(x, *args):
        if isinstance(x, _Tensor) and not x.requires_grad:
            raise ValueError("not trainable")
        return ArrayBox(x, *args)

    Box.type_mappings[_Tensor] = to_box
    VSpace.mappings[_Tensor] = lambda x: ComplexArrayVSpace(x) if onp.iscomplexobj(x) else ArrayVSpace(x)
    x = _Tensor([0.2, 0.4, 0.9])
    f = lambda x: np.sum(np.sin(x) * x ** 2)
    expected = onp.cos(x) * x ** 2 + 2 * x * onp.sin(x)
    close(fastgrad.grad(f)(x), expected)
    close(fastgrad.jacfwd(lambda x: np.sin(x) * x)(x), onp.diag(onp.sin(x) + x * onp.cos(x)))
    close(fastgrad.hessian(f)(x), fastgrad.hessian(f)(onp.asarray(x)))
    with pytest.raises(ValueError, match="not trainable"):
        fastgrad.grad(f)(_Tensor([1.0], requires_grad=False))


def test_box_and_vspace_register():
    from fastgrad.extend import VSpace, vspace
    from fastgrad.numpy.numpy_boxes import ArrayBox
    from fastgrad.numpy.numpy_vspaces import ArrayVSpace

    class Marked(onp.ndarray):
        pass

    ArrayBox.register(Marked)
    VSpace.register(Marked, lambda x: ArrayVSpace(x))
    y = onp.array([1.0, 2.0]).view(Marked)
    assert isinstance(vspace(y), ArrayVSpace)
    close(fastgrad.grad(lambda y: np.sum(y ** 3))(y), 3 * onp.asarray(y) ** 2)
    close(fastgrad.jacfwd(lambda y: y ** 3)(y), onp.diag(3 * onp.asarray(y) ** 2))


def test_array_vspaces():
    from fastgrad.extend import vspace
    from fastgrad.numpy.numpy_vspaces import ArrayVSpace, ComplexArrayVSpace

    real, cplx = vspace(onp.ones((2, 3))), vspace(onp.ones(2) + 1j)
    assert type(real) is ArrayVSpace and type(cplx) is ComplexArrayVSpace
    assert real.size == 6 and cplx.size == 4 and real.shape == (2, 3) and cplx.iscomplex
    close(real.zeros(), onp.zeros((2, 3)))
    assert len(list(real.standard_basis())) == 6 and len(list(cplx.standard_basis())) == 4
    close(cplx.ones(), onp.full(2, 1 + 1j))
    assert real == vspace(onp.zeros((2, 3))) and real != vspace(onp.zeros(3))
    close(real.inner_prod(onp.ones((2, 3)), 2 * onp.ones((2, 3))), 12.0)
    close(cplx.inner_prod(onp.array([1j, 1.0]), onp.array([1j, 2.0])), 3.0)
    autograd_or_skip()
    from autograd.numpy.numpy_vspaces import ArrayVSpace as AgSpace

    assert AgSpace(onp.ones((2, 3))).size == real.size


# ---------------------------------------------------------------- tracer

def test_tracer_names():
    from fastgrad.tracer import Box, getval, isbox, notrace_primitive, primitive, trace_stack

    seen = []

    def f(x):
        seen.append((isbox(x), isinstance(x, Box), type(getval(x))))
        return np.sum(x * x)

    fastgrad.grad(f)(onp.ones(2))
    assert seen == [(True, True, onp.ndarray)]
    assert not isbox(1.0) and getval(2.0) == 2.0

    @primitive
    def double(x):
        return 2 * x

    assert double(3.0) == 6.0

    @notrace_primitive
    def shape_of(x):
        return onp.shape(x)

    fastgrad.grad(lambda x: np.sum(x) * shape_of(x)[0])(onp.ones(3))
    with trace_stack.new_trace() as t:
        assert t is not None


def _output_is_independent(func, *args):
    """PennyLane's check: send a box through and see whether the output is on its trace."""
    from fastgrad.core import VJPNode
    from fastgrad.tracer import isbox, new_box, trace_stack

    node = VJPNode.new_root()
    with trace_stack.new_trace() as t:
        start_box = new_box(args, t, node)
        end_box = func(*start_box)
    if isinstance(end_box, (tuple, list)):
        return not any(isbox(e) and e._trace == start_box._trace for e in end_box)
    return not (isbox(end_box) and end_box._trace == start_box._trace)


def test_independence_check_by_hand():
    assert not _output_is_independent(lambda x, y: np.sin(x) * y, 1.0, 2.0)
    assert _output_is_independent(lambda x, y: 3.0, 1.0, 2.0)
    assert not _output_is_independent(lambda x, y: (x, 2.0), onp.ones(2), 2.0)


# ---------------------------------------------------------------- core

def test_unary_make_vjp_and_make_jvp():
    from fastgrad.core import make_jvp, make_vjp, vspace

    f = lambda x: np.sin(x) * x
    x = onp.array([0.3, 1.2])
    vjp, ans = make_vjp(f, x)
    close(ans, f(x))
    close(vjp(vspace(ans).ones()), onp.cos(x) * x + onp.sin(x))
    value, tangent = make_jvp(f, x)(onp.array([1.0, 0.0]))
    close(tangent, [onp.cos(0.3) * 0.3 + onp.sin(0.3), 0.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        vjp, _ = make_vjp(lambda x: 3.0, x)
    assert any("independent" in str(w.message) for w in caught)
    close(vjp(1.0), onp.zeros(2))


def _pymoo_jacobian(np_, VJPNode, backward_pass, new_box, fun, x):
    """pymoo's automatic differentiation: trace once, one backward pass per output column."""
    start = new_box(x, 0, VJPNode.new_root())
    end = fun(start)
    jac = []
    for j in range(end.shape[1]):
        b = onp.zeros(end.shape)
        b[:, j] = 1
        seed = new_box(b, 0, VJPNode.new_root())
        jac.append(backward_pass(seed, end._node))
    return np_.stack(jac, axis=1)._value


def _problem(np_):
    def fun(x):
        f1 = np_.sum(x ** 2, axis=1)
        f2 = np_.sin(x[:, 0]) * x[:, 1] + x[:, 2]
        return np_.column_stack([f1, f2])
    return fun


def test_backward_pass_by_hand():
    from fastgrad.core import VJPNode, backward_pass
    from fastgrad.tracer import new_box

    x = R.rand(4, 3)
    jac = _pymoo_jacobian(np, VJPNode, backward_pass, new_box, _problem(np), x)
    assert jac.shape == (4, 2, 3)
    close(jac[:, 0, :], 2 * x)
    close(jac[:, 1, 0], onp.cos(x[:, 0]) * x[:, 1])
    autograd_or_skip()
    import autograd.numpy as anp
    from autograd.core import VJPNode as AgNode, backward_pass as ag_backward
    from autograd.tracer import new_box as ag_new_box

    expected = _pymoo_jacobian(anp, AgNode, ag_backward, ag_new_box, _problem(anp), x)
    close(jac, expected)


def test_trace_with_jvp_root():
    from fastgrad.core import JVPNode
    from fastgrad.tracer import trace

    value, end = trace(JVPNode.new_root(onp.array([1.0, 2.0])), lambda x: np.sin(x) * 3, onp.array([0.5, 1.0]))
    close(value, onp.sin([0.5, 1.0]) * 3)
    close(end.g, 3 * onp.cos([0.5, 1.0]) * [1.0, 2.0])


def test_rule_registries_read_as_dicts():
    from fastgrad.core import primitive_jvps, primitive_vjps
    from fastgrad.extend import defvjp, primitive

    assert np.sin in primitive_vjps and np.sin in primitive_jvps
    x = onp.array([0.2, 0.7])
    vjp = primitive_vjps[np.sin]((0,), np.sin(x), (x,), {})
    (g,) = vjp(onp.ones(2))
    close(g, onp.cos(x))
    close(primitive_jvps[np.multiply]((0, 1), (onp.ones(2), onp.ones(2)), x * x, (x, x), {}), 2 * x)
    assert np.sin in set(primitive_vjps) and len(primitive_vjps) > 10
    assert primitive_vjps.get(len) is None

    @primitive
    def halve(x):
        return x / 2

    primitive_vjps[halve] = lambda argnums, ans, args, kwargs: lambda g: (g / 2,)
    assert halve in primitive_vjps
    close(fastgrad.grad(lambda x: np.sum(halve(x)))(x), [0.5, 0.5])
    close(fastgrad.jacfwd(halve)(x), 0.5 * onp.eye(2))
    defvjp(halve, lambda ans, x: lambda g: g / 2)
    (g,) = primitive_vjps[halve]((0,), None, (x,), {})(onp.ones(2))
    close(g, [0.5, 0.5])


def test_core_reexports():
    from fastgrad.core import (Box, JVPNode, Node, VJPNode, VSpace, def_linear, defjvp, defvjp, getval, isbox,
                               primitive, sum_outgrads, toposort, vspace)

    assert all(callable(f) for f in (def_linear, defjvp, defvjp, getval, isbox, primitive, vspace))
    assert issubclass(VJPNode, Node) or VJPNode.new_root() is not None
    assert close(sum_outgrads([onp.ones(2), onp.ones(2)]), 2 * onp.ones(2)) is None
    assert issubclass(VSpace, object) and Box is fastgrad.tracer.Box and JVPNode.new_root(1.0).g == 1.0
    fastgrad.grad(lambda x: [node for node in toposort(x._node)] and np.sum(x))(onp.ones(1))


def test_deprecated_rule_methods():
    from fastgrad.core import primitive

    @primitive
    def logsumexp(x):
        return onp.log(onp.sum(onp.exp(x)))

    def make_grad_logsumexp(g, ans, vs, gvs, x):
        return g * np.exp(x - ans)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        logsumexp.defvjp(make_grad_logsumexp)
    assert caught
    x = onp.array([0.1, 0.5, -0.3])
    close(fastgrad.grad(logsumexp)(x), onp.exp(x) / onp.sum(onp.exp(x)))
    close(fastgrad.jacfwd(logsumexp)(x), onp.exp(x) / onp.sum(onp.exp(x)))


# ---------------------------------------------------------------- numpy_vjps.unbroadcast_f, numpy_jvps.broadcast

def _norm_pdf():
    import scipy.stats

    from fastgrad.extend import defjvp, defvjp, primitive
    from fastgrad.numpy.numpy_jvps import broadcast
    from fastgrad.numpy.numpy_vjps import unbroadcast_f

    pdf = primitive(scipy.stats.norm.pdf)
    defvjp(pdf,
           lambda ans, x, loc=0.0, scale=1.0: unbroadcast_f(x, lambda g: -g * ans * (x - loc) / scale ** 2),
           lambda ans, x, loc=0.0, scale=1.0: unbroadcast_f(loc, lambda g: g * ans * (x - loc) / scale ** 2))
    defjvp(pdf, lambda g, ans, x, loc=0.0, scale=1.0: broadcast(g, ans) * ans * (((x - loc) / scale) ** 2 - 1.0) / scale,
           argnums=[2])
    return pdf


def test_third_party_rules_with_broadcasting():
    pdf = _norm_pdf()
    x, loc, scale = onp.array([[0.1, 0.5], [1.0, -2.0]]), onp.array([0.2, -0.1]), 1.3
    z = (x - loc) / scale
    density = onp.exp(-z ** 2 / 2) / onp.sqrt(2 * onp.pi) / scale
    for jac in (fastgrad.jacrev, fastgrad.jacfwd):
        close(jac(lambda loc: pdf(x, loc, scale))(loc),
              onp.einsum("ij,jk->ijk", density * z / scale, onp.eye(2)))
        close(jac(lambda s: pdf(x, loc, s))(scale), density * (z ** 2 - 1) / scale)
    close(fastgrad.grad(lambda x: np.sum(pdf(x, loc, scale)))(x), -density * z / scale)


def test_vjp_helpers_match_autograd():
    from fastgrad.numpy import numpy_vjps as fv

    g = R.randn(3, 4)
    meta = ((1, 4), 2, onp.dtype(float), False)
    close(fv.unbroadcast(g, meta), g.sum(axis=0, keepdims=True))
    close(fv.replace_zero(onp.array([0.0, 2.0]), 5.0), [5.0, 2.0])
    close(fv.balanced_eq(onp.array([1.0, 2.0]), onp.array([1.0, 3.0]), onp.array([1.0, 2.0])), [0.5, 0.0])
    close(fv.match_complex(onp.ones(2), onp.ones(2) + 1j), onp.ones(2))
    A, B = R.randn(3, 4), R.randn(4, 2)
    close(fv.matmul_vjp_0(A @ B, A, B)(onp.ones((3, 2))), onp.ones((3, 2)) @ B.T)
    close(fv.grad_np_sum(None, A, axis=1)(onp.ones(3)), onp.ones((3, 4)))
    close(fv.tensordot_adjoint_0(B, onp.ones((3, 2)), 1, 2, 2), onp.ones((3, 2)) @ B.T)
    close(fv.tensordot_adjoint_1(A, onp.ones((3, 2)), 1, 2, 2), A.T @ onp.ones((3, 2)))
    close(fv.dot_adjoint_0(B, onp.ones((3, 2)), ((3, 4), 2, float, False), ((4, 2), 2, float, False)),
          onp.ones((3, 2)) @ B.T)
    rep, n = fv.repeat_to_match_shape(onp.ones(3), (3, 4), float, 1, False)
    assert rep.shape == (3, 4) and n == 4
    close(fv.grad_chooser(onp.max(A, axis=1), A, axis=1)(onp.ones(3)), (A == A.max(axis=1, keepdims=True)) * 1.0)
    close(fv.untake(onp.ones(2), [0, 0], fastgrad.extend.vspace(onp.zeros(3))), [2.0, 0.0, 0.0])
    autograd_or_skip()
    from autograd.numpy import numpy_vjps as av

    close(fv.unbroadcast(g, meta), av.unbroadcast(g, meta))
    close(fv.grad_chooser(onp.max(A), A)(1.0), av.grad_chooser(onp.max(A), A)(1.0))


def test_jvp_helpers():
    from fastgrad.numpy import numpy_jvps as fj

    close(fj.broadcast(onp.ones(3), onp.zeros((2, 3))), onp.ones((2, 3)))
    assert onp.iscomplexobj(fj.broadcast(1.0, onp.zeros(2) + 0j))
    A = R.randn(3, 4)
    close(fj.fwd_grad_chooser(onp.ones((3, 4)), onp.max(A, axis=1), A, axis=1), onp.ones(3))
    close(fj.forward_grad_np_var(onp.ones(4), onp.var(A[0]), A[0]), 0.0)


def test_numpy_wrapper_helpers():
    from fastgrad.extend import defvjp
    from fastgrad.numpy import numpy_wrapper as w

    assert w.sin is np.sin and w.numpy_version == onp.__version__
    assert w.metadata(onp.ones((2, 3))) == ((2, 3), 2, onp.dtype(float), False)
    x = onp.array([1.0, 2.0])
    close(w.make_diagonal(x, 0, -1, -2), onp.diag(x))
    close(fastgrad.jacobian(lambda x: w.make_diagonal(x, 0, -1, -2))(x).sum(axis=(0, 1)), onp.ones(2))
    close(fastgrad.grad(lambda x: np.sum(w.array_from_args((), {}, x[0], x[1] ** 2)))(x), [1.0, 4.0])
    close(fastgrad.grad(lambda x: np.sum(w.r_[x, x ** 2]))(x), 1 + 2 * x)
    close(fastgrad.jacobian(lambda x: w.c_[x, 3 * x])(x)[:, 1, :], 3 * onp.eye(2))
    close(w.concatenate_args(0, x, x), onp.concatenate([x, x]))
    namespace = {}
    w.wrap_namespace({"hypot": onp.hypot, "pi": onp.pi, "shape": onp.shape}, namespace)
    assert namespace["pi"] == onp.pi and namespace["shape"](x) == (2,)
    defvjp(namespace["hypot"], lambda ans, a, b: lambda g: g * a / ans, lambda ans, a, b: lambda g: g * b / ans)
    close(fastgrad.grad(namespace["hypot"])(3.0, 4.0), 0.6)
    close(fastgrad.deriv(lambda a: namespace["hypot"](a, 4.0))(3.0), 0.6)


# ---------------------------------------------------------------- builtins

def test_builtins_containers_and_isinstance():
    from fastgrad import builtins as fb

    t, l, d = fb.tuple([1.0, 2.0]), fb.list((1.0, 2.0)), fb.dict(a=1.0)
    assert type(t) is tuple and type(l) is list and type(d) is dict
    assert isinstance(t, fb.tuple) and isinstance(l, fb.list) and isinstance(d, fb.dict)
    assert not isinstance(l, fb.tuple)

    def f(params):
        assert fb.isinstance(params, fb.dict) and fb.type(params["w"]) is onp.ndarray
        return np.sum(params["w"] ** 2) * params["b"]

    g = fastgrad.grad(f)({"w": onp.array([1.0, 2.0]), "b": 3.0})
    close(g, {"w": [6.0, 12.0], "b": 5.0})


def _concat_jacobian(mode):
    from fastgrad.extend import defvjp, primitive

    @primitive
    def pair(x):
        return [x * 2.0, x ** 2]

    defvjp(pair, lambda ans, x: lambda g: 2.0 * g[0] + 2 * x * g[1])

    def f(x):
        items = pair(x)
        # a traced list, as autograd's: not a list itself, a list to autograd's isinstance
        assert not isinstance(items, list) and fastgrad.builtins.isinstance(items, fastgrad.builtins.list)
        joined = items + [np.sin(x)]
        return np.stack(joined)

    return fastgrad.jacobian(f, mode=mode)


@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_list_concatenation(mode):
    x = onp.array([0.3, 0.9])
    expected = onp.stack([2 * onp.eye(2), onp.diag(2 * x), onp.diag(onp.cos(x))])
    close(_concat_jacobian(mode)(x), expected)


def _boxed_list_program(items):
    """Concatenations and indexing of a traced list (a SequenceBox), on both sides."""
    from fastgrad.builtins import SequenceBox, container_take

    assert isinstance(items, SequenceBox) and len(items) == 2
    right = items + [np.ones(2)]
    left = [np.full(2, 3.0)] + items
    assert isinstance(right, SequenceBox) and isinstance(left, SequenceBox) and len(left) == 3
    a, b = right[0:2]
    return np.sum(container_take(right, 0) * left[2]) + np.sum(left[0] * b ** 2) + np.sum(right[2] * a)


def test_sequence_box_concatenation_reverse():
    from fastgrad.core import VJPNode, backward_pass
    from fastgrad.tracer import new_box

    a, b = onp.array([0.5, 1.0]), onp.array([2.0, -1.0])
    out = _boxed_list_program(new_box([a, b], 0, VJPNode.new_root()))
    grads = backward_pass(1.0, out._node)
    assert isinstance(grads, list)
    close(grads, [b + 1.0, a + 6 * b])


def test_sequence_box_concatenation_forward():
    from fastgrad.core import JVPNode
    from fastgrad.tracer import trace

    a, b = onp.array([0.5, 1.0]), onp.array([2.0, -1.0])
    ta, tb = onp.array([1.0, 0.0]), onp.array([0.0, 1.0])
    value, end = trace(JVPNode.new_root([ta, tb]), _boxed_list_program, [a, b])
    close(value, onp.sum(a * b) + onp.sum(3 * b ** 2) + onp.sum(a))
    close(end.g, onp.dot(b + 1.0, ta) + onp.dot(a + 6 * b, tb))


def test_dict_box_and_dict_vspace():
    from fastgrad.builtins import DictBox, DictVSpace
    from fastgrad.core import VJPNode, backward_pass
    from fastgrad.extend import vspace
    from fastgrad.tracer import new_box

    value = {"a": onp.array([1.0, 2.0]), "b": 3.0}
    assert isinstance(vspace(value), DictVSpace)
    assert vspace(value).size == 3
    close(vspace(value).zeros(), {"a": onp.zeros(2), "b": 0.0})
    boxed = new_box(value, 0, VJPNode.new_root())
    assert isinstance(boxed, DictBox) and sorted(boxed.keys()) == ["a", "b"] and "a" in boxed
    out = np.sum(boxed["a"] ** 2) * boxed.get("b")
    grads = backward_pass(1.0, out._node)
    close(grads, {"a": [6.0, 12.0], "b": 5.0})


# ---------------------------------------------------------------- wrap_util

def test_unary_to_nary_grad_with_forward():
    from fastgrad.core import make_vjp
    from fastgrad.extend import vspace
    from fastgrad.wrap_util import unary_to_nary

    @unary_to_nary
    def grad_with_forward(fun, x):
        vjp, ans = make_vjp(fun, x)
        if vspace(ans).size != 1:
            raise TypeError("scalar output only")
        return vjp(vspace(ans).ones()), ans

    f = lambda a, b: np.sum(np.sin(a) * b)
    a, b = onp.array([0.1, 0.2]), onp.array([1.0, 3.0])
    grads, ans = grad_with_forward(f, argnum=[0, 1])(a, b)
    close(grads, (onp.cos(a) * b, onp.sin(a)))
    close(ans, f(a, b))
    assert "grad_with_forward" in grad_with_forward(f, 1).__name__


def test_unary_to_nary_jacobians_ceviche_style():
    from fastgrad.core import make_jvp, make_vjp
    from fastgrad.extend import vspace
    from fastgrad.wrap_util import unary_to_nary

    @unary_to_nary
    def jacobian_reverse(fun, x):
        vjp, ans = make_vjp(fun, x)
        ans_vspace = vspace(ans)
        grads = map(vjp, ans_vspace.standard_basis())
        return np.reshape(np.stack(grads), ans_vspace.shape + vspace(x).shape)

    @unary_to_nary
    def jacobian_forward(fun, x):
        jvp = make_jvp(fun, x)
        grads = [jvp(b)[1] for b in vspace(x).standard_basis()]
        return np.reshape(np.stack(grads, axis=-1), onp.shape(fun(x)) + vspace(x).shape)

    f = lambda c, x: np.tanh(x * c)
    x = onp.array([0.2, -0.5, 1.0])
    expected = fastgrad.jacobian(f, 1)(2.0, x)
    close(jacobian_reverse(f, 1)(2.0, x), expected)
    close(jacobian_forward(f, 1)(2.0, x), expected)


# ---------------------------------------------------------------- util

def test_util_names():
    from fastgrad.util import func, quick_grad_check, subval, subvals, toposort

    assert subvals((1, 2, 3), [(0, 9), (2, 7)]) == (9, 2, 7) and subval((1, 2), 1, 5) == (1, 5)
    assert func(len) is len
    with pytest.warns(UserWarning):
        quick_grad_check(lambda x, a: np.sum(np.sin(x) * a), R.randn(3), extra_args=(2.0,))
    lin = fastgrad.differential_operators.Linearization(lambda x: np.sin(x) * x, (onp.ones(2),), {}, 0)
    order = list(toposort(lin.out_nodes[0]))
    assert order[0] is lin.out_nodes[0] and order[-1] is lin.roots[0]


# ---------------------------------------------------------------- misc

def test_flatten_round_trip_and_autograd():
    from fastgrad.misc import flatten
    from fastgrad.misc.flatten import flatten_func

    value = {"b": 1.0, "a": [onp.ones(2), (onp.float32(2.0), onp.arange(4.0).reshape(2, 2))]}
    flat, unflatten = flatten(value)
    assert flat.shape == (8,)
    again = unflatten(flat * 2)
    close(again["a"][1][1], 2 * value["a"][1][1])
    assert again["a"][1][0].dtype == onp.float32 and isinstance(again["a"][1], tuple)
    close(flatten([])[0], onp.zeros(0))
    # differentiable both ways
    close(fastgrad.grad(lambda v: np.sum(flatten(v)[0] ** 2))(value), {
        "b": 2.0, "a": [2 * onp.ones(2), (4.0, 2 * value["a"][1][1])]})
    close(fastgrad.grad(lambda f: np.sum(unflatten(f)["a"][0]))(flat), [1, 1, 0, 0, 0, 0, 0, 0])
    flat_func, unflatten2, flat_example = flatten_func(lambda v: {"s": v["b"] * v["a"][0]}, value)
    close(flat_func(flat_example), [1.0, 1.0])
    autograd_or_skip()
    from autograd.misc import flatten as ag_flatten

    close(flat, ag_flatten(value)[0])
    close(unflatten(flat * 3), ag_flatten(value)[1](flat * 3))


@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adam"])
def test_optimizers_match_autograd(name):
    from fastgrad.misc import optimizers

    target = {"w": onp.array([1.0, -2.0]), "b": 0.5}

    def objective(params, i):
        return np.sum((params["w"] - target["w"]) ** 2) + (params["b"] - target["b"]) ** 2

    seen = []
    init = {"w": onp.zeros(2), "b": 0.0}
    result = getattr(optimizers, name)(fastgrad.grad(objective), init, num_iters=50, step_size=0.1,
                                       callback=lambda x, i, g: seen.append((i, sorted(x), sorted(g))))
    assert len(seen) == 50 and seen[0] == (0, ["b", "w"], ["b", "w"])
    assert objective(result, 0) < objective(init, 0)
    ag = autograd_or_skip()
    import autograd.numpy as anp
    from autograd.misc import optimizers as ag_opt

    def ag_objective(params, i):
        return anp.sum((params["w"] - target["w"]) ** 2) + (params["b"] - target["b"]) ** 2

    expected = getattr(ag_opt, name)(ag.grad(ag_objective), init, num_iters=50, step_size=0.1)
    close(result, expected)


def _newton_sqrt(np_, fixed_point):
    def step(a):
        return lambda x: 0.5 * (x + a / x)

    def distance(x, y):
        return np_.abs(x - y)

    return lambda a: fixed_point(step, a, 1.0, distance, 1e-10)


def test_fixed_point_all_modes():
    from fastgrad.misc.fixed_points import fixed_point

    sqrt = _newton_sqrt(np, fixed_point)
    close(sqrt(2.0), onp.sqrt(2.0))
    close(fastgrad.grad(sqrt)(2.0), 0.5 / onp.sqrt(2.0))
    close(fastgrad.jacfwd(sqrt)(2.0), 0.5 / onp.sqrt(2.0))
    close(fastgrad.deriv(sqrt)(2.0), 0.5 / onp.sqrt(2.0))
    close(fastgrad.hessian(sqrt)(2.0), -0.25 * 2.0 ** -1.5, tol=1e-8)
    close(fastgrad.grad(fastgrad.grad(sqrt))(2.0), -0.25 * 2.0 ** -1.5, tol=1e-8)
    ag = autograd_or_skip()
    import autograd.numpy as anp
    from autograd.misc.fixed_points import fixed_point as ag_fixed_point

    close(fastgrad.grad(sqrt)(3.0), ag.grad(_newton_sqrt(anp, ag_fixed_point))(3.0))


def test_const_graph_replays_and_differentiates():
    from fastgrad.misc.tracers import const_graph, full_graph

    calls = []

    def f(x, y):
        calls.append(1)
        return np.sin(x) * y + x ** 2

    cached = const_graph(f)
    close(cached(1.0, 2.0), f(1.0, 2.0))
    close(cached(0.5, 3.0), f(0.5, 3.0))
    assert len(calls) == 3  # one trace, then replays (the other two are direct calls)
    close(fastgrad.grad(lambda x: cached(x, 3.0))(0.5), onp.cos(0.5) * 3 + 1.0)
    close(fastgrad.jacfwd(lambda x: cached(x, 3.0))(0.5), onp.cos(0.5) * 3 + 1.0)
    graph = full_graph(f, 1.0, 2.0)
    close(graph.value, f(1.0, 2.0))
    fun, args, kwargs, parents = graph.recipe
    assert callable(fun) and len(parents) == 2


def test_make_jvp_reversemode():
    from fastgrad.differential_operators import make_jvp_reversemode

    f = lambda x: np.tanh(x) * x[::-1]
    x, v = onp.array([0.1, 0.7, -0.4]), onp.array([1.0, -1.0, 2.0])
    close(make_jvp_reversemode(f)(x)(v), fastgrad.jacobian(f)(x) @ v)
    autograd_or_skip()
    import autograd.numpy as anp
    from autograd.differential_operators import make_jvp_reversemode as ag_jvp

    close(make_jvp_reversemode(f)(x)(v), ag_jvp(lambda x: anp.tanh(x) * x[::-1])(x)(v))


# ---------------------------------------------------------------- argnum forms

def _operators(fg):
    ones = lambda an: (onp.ones(2), onp.ones(2)) if not isinstance(an, int) else onp.ones(2)
    return {
        "grad": lambda f, v, an, a, b: fg.grad(f, an)(a, b),
        "value_and_grad": lambda f, v, an, a, b: fg.value_and_grad(f, an)(a, b)[1],
        "elementwise_grad": lambda f, v, an, a, b: fg.elementwise_grad(v, an)(a, b),
        "hessian": lambda f, v, an, a, b: fg.hessian(f, an)(a, b),
        "make_vjp": lambda f, v, an, a, b: fg.make_vjp(v, an)(a, b)[0](onp.ones(2)),
        "make_jvp": lambda f, v, an, a, b: fg.make_jvp(v, an)(a, b)(ones(an))[1],
        "make_hvp": lambda f, v, an, a, b: fg.make_hvp(f, an)(a, b)[0](ones(an)),
        "hessian_vector_product": lambda f, v, an, a, b: fg.hessian_vector_product(f, an)(a, b, ones(an)),
        "tensor_jacobian_product": lambda f, v, an, a, b: fg.tensor_jacobian_product(v, an)(a, b, onp.ones(2)),
        "grad_and_aux": lambda f, v, an, a, b: fg.grad_and_aux(lambda a, b: (f(a, b), 3.0), an)(a, b)[0],
        "jacobian_of_scalar": lambda f, v, an, a, b: fg.jacobian(f, an)(a, b),
    }


@pytest.mark.parametrize("argnum", [1, (0, 1), [0, 1]], ids=["int", "tuple", "list"])
@pytest.mark.parametrize("op", sorted(_operators(fastgrad)))
def test_argnum_forms(op, argnum):
    a, b = onp.array([0.3, 0.5]), onp.array([1.2, -0.4])
    out = _operators(fastgrad)[op](lambda a, b: np.sum(np.sin(a) * b ** 2), lambda a, b: np.sin(a) * b ** 2,
                                   argnum, a, b)
    if not isinstance(argnum, int) and op != "make_jvp":
        assert isinstance(out, tuple) and len(out) == 2
    ag = autograd_or_skip()
    import autograd.numpy as anp

    try:
        expected = _operators(ag)[op](lambda a, b: anp.sum(anp.sin(a) * b ** 2), lambda a, b: anp.sin(a) * b ** 2,
                                      argnum, a, b)
    except (TypeError, ValueError):
        # autograd's jacobian and hessian take a single array argument; fastgrad's take tuples.
        assert op in ("hessian", "jacobian_of_scalar", "tensor_jacobian_product") and not isinstance(argnum, int)
        return
    close(out, expected)


@pytest.mark.parametrize("argnum", [(0, 1), [0, 1]])
def test_jacobian_with_several_arguments_and_outputs(argnum):
    a, b = onp.array([0.3, 0.5]), 1.5
    out = fastgrad.jacobian(lambda a, b: (np.sin(a) * b, b ** 2), argnum)(a, b)
    (da0, db0), (da1, db1) = out
    close(da0, onp.diag(onp.sin(a) * 0 + onp.cos(a) * b))
    close(db0, onp.sin(a))
    close(da1, onp.zeros(2))
    close(db1, 2 * b)


# ---------------------------------------------------------------- test_util

def test_combo_check_both_modes_on_fastgrad_primitives():
    from fastgrad.test_util import check_equivalent, combo_check, scalar_close

    A = R.randn(3, 4)
    combo_check(np.sum, [0], modes=["fwd", "rev"])([A], axis=[None, 0, 1], keepdims=[True, False])
    combo_check(np.dot, [0, 1], modes=["fwd", "rev"])([A], [R.randn(4), R.randn(4, 2)])
    combo_check(np.power, [0, 1], modes=["fwd", "rev"])([R.rand(3) + 0.5], [R.rand(3) + 0.5, 2.0])
    for f in (np.sin, np.exp, np.tanh, np.abs, np.cumsum, np.transpose, np.conj, np.real):
        combo_check(f, [0], modes=["fwd", "rev"])([R.randn(2, 3), R.randn(3) + 1j * R.randn(3)])
    check_equivalent(onp.ones(3), onp.ones(3) * (1 + 1e-9))
    with pytest.raises(AssertionError):
        check_equivalent(onp.ones(3), onp.zeros(3))
    assert scalar_close(1.0, 1.0 + 1e-8) and not scalar_close(1.0, 1.1)


def test_check_grads_catches_a_wrong_rule():
    from fastgrad.extend import defvjp, primitive
    from fastgrad.test_util import check_grads, check_jvp, check_vjp

    @primitive
    def wrong(x):
        return x ** 2

    defvjp(wrong, lambda ans, x: lambda g: 3 * x * g)
    x = onp.array([0.5, 1.5])
    with pytest.raises(AssertionError):
        check_vjp(wrong, x)
    with pytest.raises(AssertionError):
        check_jvp(wrong, x)
    with pytest.raises(AssertionError):
        check_grads(wrong, modes=["rev"], order=1)(x)


def test_unflatten_keeps_the_dict_key_order():
    # Flattening sorts a dict's keys; unflatten (and so the optimizers) must still hand
    # back the keys in the caller's order, as autograd does.
    autograd_or_skip()
    from autograd.misc import flatten as ag_flatten
    from fastgrad.misc import flatten, optimizers

    value = {"b": onp.ones(2), "a": {"z": 1.0, "y": onp.zeros(3)}}
    flat, unflatten = flatten(value)
    rebuilt, expected = unflatten(flat), ag_flatten(value)[1](flat)
    assert list(rebuilt) == list(expected) == ["b", "a"]
    assert list(rebuilt["a"]) == list(expected["a"]) == ["z", "y"]
    assert list(optimizers.adam(lambda p, i: p, value, num_iters=1)) == ["b", "a"]
