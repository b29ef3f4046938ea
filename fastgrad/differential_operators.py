"""Differential operators: autograd's names and signatures, plus jacfwd and jacrev.

Everything here is built on `Linearization` (linearization.py): the function traced once
at a point, whose tape can then be swept forward or backward with a batch of seeds. A
jacobian is one batched sweep (in chunks if memory asks for it) in the cheaper direction
(jacobians.py); a hessian is a forward sweep over the recorded reverse pass.

Arguments and results may be nested lists, tuples and dicts of arrays: the
operators work on their leaves.
Imports: the engine, the NumPy base and namespace, linearization, jacobians.
"""

import inspect
import warnings
from collections import OrderedDict

import numpy as _np

from . import numpy as fnp
from ._shapes import ndim_of, shape_of
from .base import RulesByArgnum
from .engine import Box, Primitive, getval
from .jacobians import OVER_A_GRADIENT, _check_chunk_size, _jacobian_blocks, choose_direction, config  # noqa: F401
from .linearization import (Linearization, _check_returned, _dense, _derivative_dtype, _nary, _unbatch1,  # noqa: F401
                            _wrap)
from .tree import flatten, only_leaf

__all__ = [
    "grad", "value_and_grad", "grad_and_aux", "elementwise_grad", "jacobian", "jacfwd", "jacrev",
    "hessian", "make_vjp", "make_jvp", "make_hvp", "hessian_tensor_product", "hessian_vector_product",
    "tensor_jacobian_product", "vector_jacobian_product", "make_ggnvp", "holomorphic_grad",
    "grad_named", "multigrad_dict", "checkpoint", "deriv", "make_jvp_reversemode", "config",
]


# ---------------------------------------------------------------- vjp, jvp and gradients

def make_vjp(fun, argnum=0):
    """make_vjp(fun, argnum)(*args) -> (vjp, ans); vjp(g) is g's pullback, shaped like args[argnum]."""
    _nary(fun, argnum)

    def vjp_maker(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        return lin.pullback, lin.value()

    return _wrap(vjp_maker, fun, argnum, "make_vjp")


def make_jvp(fun, argnum=0):
    """make_jvp(fun, argnum)(*args) -> jvp; jvp(v) -> (ans, J v). The function is traced
    once; each call of jvp is one forward sweep of the recording."""
    _nary(fun, argnum)

    def jvp_maker(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        return lambda v: (lin.value(), lin.pushforward(v))

    return _wrap(jvp_maker, fun, argnum, "make_jvp")


def _scalar_seed(lin, opname):
    leaves = lin.out_leaves
    if len(leaves) != 1 or _np.size(getval(leaves[0])) != 1:
        raise TypeError(
            f"{opname} only applies to functions with a real scalar output; this one returned "
            f"{_describe(lin.out)}. Try jacobian, elementwise_grad or holomorphic_grad.")
    if _np.iscomplexobj(getval(leaves[0])):
        raise TypeError(f"{opname} only applies to real scalar-output functions; this one is "
                        "complex. Try holomorphic_grad, or take np.real or np.abs of the output.")
    return [_np.ones((1,) + shape_of(getval(leaves[0])), dtype=float)]


def _describe(value):
    leaves, _ = flatten(value)
    if len(leaves) != 1:
        return f"a container of {len(leaves)} values"
    return f"a value of shape {shape_of(getval(leaves[0]))}"


def _gradient(lin, seed, ys=None):
    """The pullback of `seed`, shaped like the input; `ys` the outputs it differentiates
    (all of them unless given), which with the input set the result's dtype."""
    swept = lin.vjp(seed)
    ys = lin.out_leaves if ys is None else ys
    return lin.rebuild_in([_unbatch1(t, x, _derivative_dtype((x,), ys, "x"))
                           for t, x in zip(swept, lin.in_leaves)])


def grad(fun, argnum=0):
    """
    Returns a function which computes the gradient of the scalar-valued `fun` with
    respect to its positional argument number `argnum`, shaped like that argument (a
    tuple of them for a tuple of argnums). It takes the arguments `fun` takes."""
    _nary(fun, argnum)

    def gradfun(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        return _gradient(lin, _scalar_seed(lin, "grad"))

    return _wrap(gradfun, fun, argnum, "grad")


def value_and_grad(fun, argnum=0):
    """Returns a function that returns both the value and the gradient,
    (fun(*args), grad(fun)(*args)), from one trace: what scipy.optimize's jac=True wants."""
    _nary(fun, argnum)

    def value_and_gradfun(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        return lin.value(), _gradient(lin, _scalar_seed(lin, "value_and_grad"))

    return _wrap(value_and_gradfun, fun, argnum, "value_and_grad")


def grad_and_aux(fun, argnum=0):
    """For `fun` returning (scalar, aux): returns (gradient of the scalar, aux)."""
    _nary(fun, argnum)

    def grad_and_auxfun(*args, **kwargs):
        lin = Linearization(lambda *a, **k: _pair(fun(*a, **k)), args, kwargs, argnum, check=False)
        ans, aux = lin.out
        first = lin.out_leaves[0]
        if _np.size(getval(first)) != 1:
            raise TypeError("grad_and_aux needs the first output to be a scalar")
        seed = [_np.ones((1,) + shape_of(getval(first)))] + [None] * (len(lin.out_leaves) - 1)
        return _gradient(lin, seed, (first,)), aux

    return _wrap(grad_and_auxfun, fun, argnum, "grad_and_aux")


def _pair(out):
    ans, aux = out
    if not isinstance(ans, Box):
        _check_returned(ans)
    return (ans, aux)


def elementwise_grad(fun, argnum=0):
    """
    Returns a function that computes the sum of the jacobian's rows (one reverse sweep
    seeded with ones); for an elementwise function this is the diagonal of its jacobian."""
    _nary(fun, argnum)

    def elementwise_gradfun(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        if any(_np.iscomplexobj(getval(y)) for y in lin.out_leaves):
            raise TypeError("elementwise_grad only applies to real-output functions")
        seed = [_np.ones((1,) + shape_of(getval(y))) for y in lin.out_leaves]
        return _gradient(lin, seed)

    return _wrap(elementwise_gradfun, fun, argnum, "elementwise_grad")


def deriv(fun, argnum=0):
    """The JVP with a tangent of ones: the derivative of a scalar-input function."""
    _nary(fun, argnum)

    def derivfun(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        ones = [_np.ones((1,) + shape_of(getval(x)), dtype=_np.result_type(getval(x)))
                for x in lin.in_leaves]
        swept = lin.jvp(ones)
        return lin.rebuild_out([_unbatch1(t, y, _derivative_dtype(lin.in_leaves, (y,), "y"), ())
                                for t, y in zip(swept, lin.out_leaves)])

    return _wrap(derivfun, fun, argnum, "deriv")


def holomorphic_grad(fun, argnum=0):
    """f'(z) for a holomorphic `fun` of a complex argument."""
    _nary(fun, argnum)

    def holomorphic_gradfun(*args, **kwargs):
        x = args[argnum] if isinstance(argnum, int) else args[argnum[0]]
        if not _np.iscomplexobj(getval(x)):
            warnings.warn("Input to holomorphic_grad is not complex")
        return grad(lambda *a, **k: fnp.real(fun(*a, **k)), argnum)(*args, **kwargs)

    return _wrap(holomorphic_gradfun, fun, argnum, "holomorphic_grad")


def grad_named(fun, argname):
    """The gradient with respect to the argument called `argname` (not *args or **kwargs)."""
    params = list(inspect.signature(fun).parameters)
    return grad(fun, params.index(argname))


def multigrad_dict(fun):
    """Gradients with respect to all arguments at once, as an OrderedDict by argument name."""
    sig = inspect.signature(fun)
    params = sig.parameters

    def gradfun(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = OrderedDict(bound.arguments)

        def by_name(values):
            positional, keyword = [], {}
            for name, value in values.items():
                kind = params[name].kind
                if kind == params[name].VAR_POSITIONAL:
                    positional.extend(value)
                elif kind == params[name].VAR_KEYWORD:
                    keyword.update(value)
                elif kind == params[name].KEYWORD_ONLY:
                    keyword[name] = value
                else:
                    positional.append(value)
            return fun(*positional, **keyword)

        return grad(by_name)(arguments)

    return gradfun


def jacobian(fun, argnum=0, *, mode="auto", chunk_size=None):
    """
    Returns a function which computes the jacobian of `fun` with respect to its
    positional argument number `argnum`, shaped output.shape + input.shape (autograd's
    layout).

    The function is traced once; the jacobian is then one batched sweep of the
    recording in the cheaper direction (mode='auto'): for a small jacobian the one with
    fewer seeds (forward when the input has no more elements than the output); for a
    larger one, the one the plan of both sweeps finds cheaper (planning.py), since a
    symbolic seed can keep its structure far into a sweep. mode='fwd' or 'rev' forces a
    direction. A sweep whose batch would exceed `config.sweep_memory_bytes` runs in chunks
    of basis vectors; `chunk_size` sets their size directly. With a tuple of argnums the
    result is a tuple of blocks, one per argument; a function returning a list, tuple or dict
    gets one jacobian per output leaf in that structure.

    Complex values follow autograd's convention in every mode: for an input z = a + ib the
    entry of output f_i is dRe(f_i)/da - i dRe(f_i)/db (f'(z) for a holomorphic f,
    conj(z)/|z| for abs); for a real input it is df_i/da, complex if f_i is (see
    docs/complex.md). A block's dtype is NumPy's promotion of the input's and the output's
    (float32 stays float32), complex where either is.
    """
    _nary(fun, argnum)
    _check_chunk_size(chunk_size)

    def jacfun(*args, **kwargs):
        lin = Linearization(fun, args, kwargs, argnum)
        blocks = _jacobian_blocks(lin, mode, chunk_size)
        if lin.rebuild_in is only_leaf and lin.rebuild_out is only_leaf:
            return blocks[0][0]
        return lin.rebuild_out([lin.rebuild_in(row) for row in blocks])

    return _wrap(jacfun, fun, argnum, "jacobian")


def jacfwd(fun, argnum=0, *, chunk_size=None):
    """`jacobian` forced to one forward sweep (batched over the input's basis)."""
    return jacobian(fun, argnum, mode="fwd", chunk_size=chunk_size)


def jacrev(fun, argnum=0, *, chunk_size=None):
    """`jacobian` forced to one reverse sweep (batched over the output's basis)."""
    return jacobian(fun, argnum, mode="rev", chunk_size=chunk_size)


def hessian(fun, argnum=0, *, chunk_size=None):
    """Returns a function that computes the exact hessian, shaped output.shape +
    input.shape + input.shape: a forward sweep (batched over the input's basis) of the
    recorded reverse pass; or a reverse sweep of it where the pass holds a client's
    primitive known only by its VJP over more elements than that basis (its forward rule
    would cost a VJP call per element)."""
    inner = jacobian(fun, argnum, mode="rev")
    return _wrap(jacobian(inner, argnum, mode=OVER_A_GRADIENT, chunk_size=chunk_size), fun, argnum, "hessian")


def make_hvp(fun, argnum=0):
    """make_hvp(fun, argnum)(*args) -> (hvp, grad); hvp(v) is the hessian times v.
    The gradient is traced once; each hvp(v) is one sweep of that recording."""
    return make_vjp(grad(fun, argnum), argnum)


def hessian_tensor_product(fun, argnum=0):
    """A function of (*args, tensor) returning the hessian contracted with tensor."""
    fun_grad = grad(fun, argnum)

    def vector_dot_grad(*args, **kwargs):
        args, vector = args[:-1], args[-1]
        # With a tuple of argnums the gradient and the tensor are tuples: contract leaf by leaf.
        pairs = zip(flatten(fun_grad(*args, **kwargs))[0], flatten(vector)[0])
        return sum(fnp.tensordot(g, v, ndim_of(v)) for g, v in pairs)

    return grad(vector_dot_grad, argnum)


hessian_vector_product = hessian_tensor_product


def tensor_jacobian_product(fun, argnum=0):
    """A function of (*args, tensor) returning tensor contracted with the jacobian."""
    def vector_dot_fun(*args, **kwargs):
        args, vector = args[:-1], args[-1]
        return fnp.tensordot(vector, fun(*args, **kwargs), axes=ndim_of(vector))

    return jacobian(vector_dot_fun, argnum)


vector_jacobian_product = tensor_jacobian_product


def make_jvp_reversemode(fun, argnum=0):
    """make_jvp_reversemode(fun, argnum)(*args) -> jvp; jvp(v) is J v.

    autograd obtains it by transposing the VJP; fastgrad traces the function once
    and sweeps the recording forward, which gives the same numbers for less work."""
    _nary(fun, argnum)

    def maker(*args, **kwargs):
        return Linearization(fun, args, kwargs, argnum).pushforward

    return _wrap(maker, fun, argnum, "make_jvp_reversemode")


def make_ggnvp(f, g=lambda x: 1.0 / 2 * fnp.sum(x ** 2, axis=-1), f_argnum=0):
    """Generalised Gauss-Newton products: ggnvp(v) = J^T H_g J v, J the jacobian of f
    and H_g the hessian of g at f(x)."""
    def maker(*args, **kwargs):
        lin = Linearization(f, args, kwargs, f_argnum)
        g_hvp, _ = make_hvp(g)(lin.out)

        return lambda v: lin.pullback(g_hvp(lin.pushforward(v)))

    return maker


def checkpoint(fun):
    """`fun` as a primitive that keeps no intermediate values: each sweep through it
    traces `fun` again (trading time for memory)."""
    def jvp(argnum):
        def rule(t, ans, *args, **kwargs):
            lin = Linearization(fun, args, kwargs, argnum)
            (out,) = lin.jvp([t])
            return _dense(out, lin.out_leaves[0], shape_of(t)[0])
        return rule

    def vjp(argnum):
        def rule(g, ans, *args, **kwargs):
            lin = Linearization(fun, args, kwargs, argnum)
            (out,) = lin.vjp([g])
            return _dense(out, lin.in_leaves[0], shape_of(g)[0])
        return rule

    prim = Primitive(fun, getattr(fun, "__name__", "checkpointed"))
    prim.jvps = RulesByArgnum(jvp)
    prim.vjps = RulesByArgnum(vjp)
    return prim
