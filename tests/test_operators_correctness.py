"""Regression tests of the differential operators themselves: one complex convention in
every mode, what a differentiated function may return, the dtype, ownership and memory of
the results, the inputs accepted, and clear errors."""

import tracemalloc

import numpy as onp
import pytest

import fastgrad.numpy as np
from fastgrad import (config, deriv, elementwise_grad, grad, grad_and_aux, hessian, jacfwd, jacobian,
                      jacrev, make_jvp, make_vjp, value_and_grad)

autograd = pytest.importorskip("autograd")
import autograd.numpy as anp  # noqa: E402

rng = onp.random.default_rng(12)
Z = rng.normal(size=3) + 1j * rng.normal(size=3)
X = rng.normal(size=3)


# ---------------------------------------------------------------- complex inputs and outputs

def _convention_fd(f, v, h=1e-6):
    """The documented convention by central differences: for a complex input z = a + ib,
    column k is dRe(f)/da_k - i dRe(f)/db_k; for a real input, df/da_k (complex if f is)."""
    v = onp.asarray(v)
    f0 = onp.asarray(f(v))
    cols = []
    for k in range(v.size):
        e = onp.zeros(v.shape, v.dtype)
        e.flat[k] = 1
        da = (onp.asarray(f(v + h * e)) - onp.asarray(f(v - h * e))) / (2 * h)
        if onp.iscomplexobj(v):
            db = (onp.asarray(f(v + 1j * h * e)) - onp.asarray(f(v - 1j * h * e))) / (2 * h)
            cols.append(da.real - 1j * db.real)
        else:
            cols.append(da)
    return onp.moveaxis(onp.array(cols), 0, -1).reshape(f0.shape + v.shape)


COMPLEX_FUNS = {
    "abs": (np.abs, anp.abs),
    "conj": (np.conj, anp.conj),
    "real": (np.real, anp.real),
    "imag": (np.imag, anp.imag),
    "angle": (np.angle, anp.angle),
    "z_conj_z": (lambda z: z * np.conj(z), lambda z: z * anp.conj(z)),
    "square": (lambda z: z ** 2, lambda z: z ** 2),
    "exp": (np.exp, anp.exp),
    "mixed": (lambda z: np.sum(np.abs(z) ** 2) * np.sin(z), lambda z: anp.sum(anp.abs(z) ** 2) * anp.sin(z)),
    "to_complex": (lambda z: np.exp(1j * z) * z, lambda z: anp.exp(1j * z) * z),
}
MODES = [("auto", None), ("fwd", None), ("rev", None), ("fwd", 1), ("rev", 2)]


@pytest.mark.parametrize("mode,chunk", MODES, ids=[f"{m}-{c}" for m, c in MODES])
@pytest.mark.parametrize("kind", ["complex-in", "real-in"])
@pytest.mark.parametrize("name", sorted(COMPLEX_FUNS))
def test_complex_jacobian_one_convention(name, kind, mode, chunk):
    f, af = COMPLEX_FUNS[name]
    v = Z if kind == "complex-in" else X
    J = jacobian(f, mode=mode, chunk_size=chunk)(v)
    onp.testing.assert_allclose(J, _convention_fd(f, v), atol=1e-6)
    ans = onp.asarray(f(v))
    if not onp.iscomplexobj(ans):
        # autograd's own jacobian is defined for real outputs: the same numbers
        onp.testing.assert_allclose(J, autograd.jacobian(af)(v), atol=1e-12)
    onp.testing.assert_allclose(jacfwd(f)(v), jacrev(f)(v), atol=1e-12)


def test_complex_mixed_argnums_agree_in_every_mode():
    def f(z, x):
        return np.abs(z) * x + 1j * np.sin(x) * np.conj(z)

    ref_z = _convention_fd(lambda z: f(z, X), Z)
    ref_x = _convention_fd(lambda x: f(Z, x), X)
    for mode, chunk in MODES:
        Jz, Jx = jacobian(f, (0, 1), mode=mode, chunk_size=chunk)(Z, X)
        onp.testing.assert_allclose(Jz, ref_z, atol=1e-6)
        onp.testing.assert_allclose(Jx, ref_x, atol=1e-6)


def test_complex_hessian_is_the_jacobian_of_the_gradient_in_the_convention():
    def f(z):
        return np.sum(np.abs(z) ** 3) + np.real(np.sum(z ** 2 * np.conj(z)))

    g = grad(f)
    ref = _convention_fd(g, Z)
    for H in (hessian(f)(Z), hessian(f, chunk_size=1)(Z),
              jacobian(g, mode="fwd")(Z), jacobian(g, mode="rev")(Z)):
        onp.testing.assert_allclose(H, ref, atol=1e-5)


def test_make_jvp_of_complex_input_is_the_directional_derivative():
    v = rng.normal(size=3) + 1j * rng.normal(size=3)
    h = 1e-6
    for f, _ in COMPLEX_FUNS.values():
        _, jv = make_jvp(f)(Z)(v)
        fd = (onp.asarray(f(Z + h * v)) - onp.asarray(f(Z - h * v))) / (2 * h)
        onp.testing.assert_allclose(jv, fd, atol=1e-6)


def test_grad_of_complex_input_is_autograds():
    for name in ("abs", "real", "imag", "angle"):
        f, af = COMPLEX_FUNS[name]
        onp.testing.assert_allclose(grad(lambda z: np.sum(f(z)))(Z),
                                    autograd.grad(lambda z: anp.sum(af(z)))(Z), atol=1e-12)


# ---------------------------------------------------------------- what the function returns

class _Thing:
    pass


def _generator(x):
    yield x


BAD_RETURNS = {
    "NoneType": lambda x: None,
    "str": lambda x: "a",
    "_Thing": lambda x: _Thing(),
    "generator": _generator,
}
OPERATORS = {
    "grad": lambda f, x: grad(f)(x),
    "value_and_grad": lambda f, x: value_and_grad(f)(x),
    "jacobian": lambda f, x: jacobian(f)(x),
    "jacobian_fwd": lambda f, x: jacobian(f, mode="fwd")(x),
    "jacobian_rev": lambda f, x: jacobian(f, mode="rev")(x),
    "hessian": lambda f, x: hessian(f)(x),
    "elementwise_grad": lambda f, x: elementwise_grad(f)(x),
    "make_vjp": lambda f, x: make_vjp(f)(x),
    "make_jvp": lambda f, x: make_jvp(f)(x)(x),
    "deriv": lambda f, x: deriv(f)(x),
    "grad_and_aux": lambda f, x: grad_and_aux(lambda x: (f(x), 1.0))(x),
}


@pytest.mark.parametrize("op", sorted(OPERATORS))
@pytest.mark.parametrize("returned", sorted(BAD_RETURNS))
def test_a_function_returning_no_array_is_refused(op, returned):
    with pytest.raises(TypeError, match="returned .*" + ("None" if returned == "NoneType" else returned)):
        OPERATORS[op](BAD_RETURNS[returned], onp.ones(2))


def test_a_container_holding_none_is_refused_but_aux_may_be_anything():
    with pytest.raises(TypeError, match="None inside a tuple"):
        jacobian(lambda x: (x, None))(onp.ones(2))
    g, aux = grad_and_aux(lambda x: (np.sum(x ** 2), "note"))(onp.ones(2))
    assert aux == "note"
    onp.testing.assert_allclose(g, 2 * onp.ones(2))


# ---------------------------------------------------------------- dtypes

DTYPE_OPERATORS = {
    "grad": lambda x: grad(lambda x: np.sum(np.sin(x) * x))(x),
    "value_and_grad": lambda x: value_and_grad(lambda x: np.sum(np.sin(x) * x))(x)[1],
    "elementwise_grad": lambda x: elementwise_grad(lambda x: np.sin(x) * x)(x),
    "hessian": lambda x: hessian(lambda x: np.sum(np.sin(x) * x))(x),
    "jacobian_auto": lambda x: jacobian(lambda x: np.sin(x) * x)(x),
    "jacobian_fwd": lambda x: jacobian(lambda x: np.sin(x) * x, mode="fwd")(x),
    "jacobian_rev": lambda x: jacobian(lambda x: np.sin(x) * x, mode="rev")(x),
    "jacobian_chunked": lambda x: jacobian(lambda x: np.sin(x) * x, mode="rev", chunk_size=1)(x),
    "make_vjp": lambda x: make_vjp(lambda x: np.sin(x) * x)(x)[0](onp.ones_like(x)),
    "make_jvp": lambda x: make_jvp(lambda x: np.sin(x) * x)(x)(onp.ones_like(x))[1],
}


@pytest.mark.parametrize("dtype", ["float32", "float16", "complex64"])
@pytest.mark.parametrize("op", sorted(DTYPE_OPERATORS))
def test_derivative_keeps_the_input_dtype(op, dtype):
    x = (onp.linspace(0.5, 1.5, 3) * (1 + 0.5j if dtype == "complex64" else 1)).astype(dtype)
    if dtype == "complex64" and op in ("grad", "value_and_grad", "elementwise_grad", "hessian"):
        pytest.skip("the function's output is complex: these operators need a real output")
    out = DTYPE_OPERATORS[op](x)
    assert out.dtype == x.dtype
    exact = DTYPE_OPERATORS[op](x.astype(onp.complex128 if dtype == "complex64" else onp.float64))
    onp.testing.assert_allclose(out, exact, rtol=1e-2 if dtype == "float16" else 1e-5)


def test_float32_gradient_dtype_matches_autograd():
    x = onp.linspace(0.5, 1.5, 3).astype(onp.float32)
    ours = grad(lambda x: np.sum(x ** 2))(x)
    theirs = autograd.grad(lambda x: anp.sum(x ** 2))(x)
    assert ours.dtype == theirs.dtype


# ---------------------------------------------------------------- ownership of results

def _assert_owned(result, *others):
    assert isinstance(result, onp.ndarray)
    assert result.flags.writeable
    for other in others:
        assert not onp.may_share_memory(result, other)


def test_results_are_writable_and_share_no_memory():
    x = onp.ones(3)
    g = grad(lambda x: np.sum(x))(x)
    _assert_owned(g, x)
    g *= 0.1  # the optimiser's step, in place
    _assert_owned(value_and_grad(lambda x: np.sum(x))(x)[1], x)
    _assert_owned(elementwise_grad(lambda x: x)(x), x)
    ans, jv = make_jvp(lambda x: np.broadcast_to(x, (3, 3)))(x)(x)
    _assert_owned(jv, x)
    _assert_owned(ans, x)
    v = onp.arange(3.0)
    ans, jv = make_jvp(lambda x: x)(x)(v)
    _assert_owned(jv, x, v)
    _assert_owned(ans, x, v)
    vjp, _ = make_vjp(lambda x: x)(x)
    _assert_owned(vjp(v), x, v)
    W = rng.normal(size=(4, 3))
    for mode in ("fwd", "rev", "auto"):
        _assert_owned(jacobian(lambda x: W @ x, mode=mode)(x), x, W)


# ---------------------------------------------------------------- inputs accepted and refused

def test_integer_inputs_are_differentiated_as_floats():
    for x in (3, onp.arange(3), onp.arange(3, dtype=onp.int32), onp.arange(3, dtype=onp.uint8)):
        f, af = (lambda x: np.sum(x ** 3)), (lambda x: anp.sum(x ** 3))
        g = grad(f)(x)
        assert onp.asarray(g).dtype == onp.float64
        onp.testing.assert_allclose(g, autograd.grad(af)(onp.asarray(x, dtype=float)))
    e = elementwise_grad(lambda t: np.exp(-0.5 * t))(onp.arange(4))
    onp.testing.assert_allclose(e, -0.5 * onp.exp(-0.5 * onp.arange(4)))
    onp.testing.assert_allclose(jacobian(lambda x: x * 2.0)(onp.arange(2)), 2 * onp.eye(2))


@pytest.mark.parametrize("value,words", [
    (onp.array([1.0, 2.0], dtype=object), "dtype object"),
    (onp.array([True, False]), "dtype bool"),
    (True, "bool"),
    ("1.0", "str"),
])
def test_unsupported_inputs_name_their_type(value, words):
    with pytest.raises(TypeError, match=words) as info:
        grad(lambda x: np.sum(x))(value)
    if "object" in words:
        assert "integer" not in str(info.value)


def test_chunk_size_is_checked():
    with pytest.raises(TypeError, match="chunk_size"):
        jacobian(lambda x: x, chunk_size="a")(onp.ones(2))
    with pytest.raises(ValueError, match="chunk_size"):
        jacobian(lambda x: x, chunk_size=0)(onp.ones(2))


# ---------------------------------------------------------------- memory of a chunked jacobian

W_MEM = rng.normal(size=(2000, 500))
MEMORY_FUNS = {
    "tanh_matvec": lambda x: np.tanh(W_MEM @ x),
    "cumsum_tile": lambda x: np.cumsum(np.tile(np.sin(x), 4)),
}


@pytest.mark.parametrize("mode", ["fwd", "rev"])
@pytest.mark.parametrize("name", sorted(MEMORY_FUNS))
def test_chunked_jacobian_peaks_at_result_plus_budget(name, mode, monkeypatch):
    f = MEMORY_FUNS[name]
    x = rng.normal(size=500)
    monkeypatch.setattr(config, "sweep_memory_bytes", 1 << 20)
    jacobian(f, mode=mode)(x)  # first call: anything cached is cached
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        J = jacobian(f, mode=mode)(x)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert J.shape == (2000, 500)
    assert peak <= J.nbytes + config.sweep_memory_bytes


# ---------------------------------------------------------------- a client's VJP-only primitive

def _client_cube(seen):
    from fastgrad.extend import defvjp, primitive
    from fastgrad.engine import getval

    @primitive
    def cube(x):
        return x ** 3

    def cube_vjp(ans, x):
        def vjp(g):
            seen.append(type(g))
            # client code often strips boxes from the cotangent
            return getval(g) * 3 * x ** 2
        return vjp

    defvjp(cube, cube_vjp)
    return cube


def _autograd_cube():
    from autograd.extend import defvjp, primitive
    from autograd.tracer import getval

    @primitive
    def cube(x):
        return x ** 3

    defvjp(cube, lambda ans, x: lambda g: getval(g) * 3 * x ** 2)
    return cube


def test_client_vjp_that_strips_boxes_gives_forward_derivatives():
    seen = []
    cube, acube = _client_cube(seen), _autograd_cube()
    x = onp.array([0.5, -1.0, 2.0])
    expected = onp.diag(onp.cos(x ** 3) * 3 * x ** 2)
    for J in (jacobian(lambda x: np.sin(cube(x)), mode="fwd")(x), jacfwd(lambda x: np.sin(cube(x)))(x),
              jacobian(lambda x: np.sin(cube(x)), mode="rev")(x)):
        onp.testing.assert_allclose(J, expected, atol=1e-12)
    _, jv = make_jvp(cube)(x)(onp.ones(3))
    onp.testing.assert_allclose(jv, 3 * x ** 2)
    # first order: the client's rule only ever sees plain cotangents
    assert seen and all(kind is onp.ndarray for kind in seen)
    # As in autograd, a cotangent stripped at second order loses its own derivative: the
    # same numbers as autograd's.
    H = hessian(lambda x: np.sum(np.sin(cube(x))))(x)
    onp.testing.assert_allclose(H, autograd.hessian(lambda x: anp.sum(anp.sin(acube(x))))(x), atol=1e-12)


def test_hessian_through_a_client_vjp_written_with_the_primitives_value():
    from fastgrad.extend import defvjp, primitive
    from fastgrad.engine import getval

    @primitive
    def cube(x):
        return x ** 3

    # the gradient 3 ans / x depends on the primitive's value, so the hessian's forward
    # sweep needs the primitive's forward rule, derived from this VJP
    defvjp(cube, lambda ans, x: lambda g: getval(g) * 3 * ans / x)
    x = onp.array([0.5, -1.0, 2.0])
    H = hessian(lambda x: np.sum(cube(x)))(x)
    onp.testing.assert_allclose(H, onp.diag(6 * x), atol=1e-12)
    onp.testing.assert_allclose(jacobian(lambda x: cube(x) * x, mode="fwd")(x), onp.diag(4 * x ** 3),
                                atol=1e-12)


def test_client_vjp_only_primitive_of_complex_values_follows_the_convention():
    from fastgrad.extend import defvjp, primitive
    from fastgrad.engine import getval

    @primitive
    def half_square(z):
        # u + iv = 2a^2 + 2iab, not holomorphic
        return z * onp.conj(z) + z ** 2

    def half_square_vjp(ans, z):
        a, b = z.real, z.imag

        def vjp(g):
            g = getval(g)
            # the cotangent g stands for dL/du - i dL/dv; the result is dL/da - i dL/db
            du, dv = g.real, -g.imag
            return (du * 4 * a + dv * 2 * b) - 1j * (dv * 2 * a)
        return vjp

    defvjp(half_square, half_square_vjp)
    plain = lambda z: z * onp.conj(z) + z ** 2
    ref = _convention_fd(plain, Z)
    for mode, chunk in MODES:
        onp.testing.assert_allclose(jacobian(half_square, mode=mode, chunk_size=chunk)(Z), ref, atol=1e-6)
    v = rng.normal(size=3) + 1j * rng.normal(size=3)
    _, jv = make_jvp(half_square)(Z)(v)
    onp.testing.assert_allclose(jv, (plain(Z + 1e-6 * v) - plain(Z - 1e-6 * v)) / 2e-6, atol=1e-6)


def test_derivative_dtype_is_the_inputs_for_pullbacks_and_the_promotion_for_jacobians():
    x32 = onp.linspace(0.5, 1.5, 3).astype(onp.float32)
    w64 = onp.arange(3.0)
    # a gradient is in its input's dtype, even where the function computes in float64
    # (autograd gives float64 here, but float32 through astype; JAX and PyTorch float32)
    assert grad(lambda x: np.sum(x * w64))(x32).dtype == onp.float32
    assert grad(lambda x: np.sum(np.sin(x.astype("float64"))))(x32).dtype == onp.float32
    assert autograd.grad(lambda x: anp.sum(anp.sin(x.astype("float64"))))(x32).dtype == onp.float32
    # a real input's pullback is real (autograd's VJP), a jacobian block complex
    to_complex = lambda x: np.exp(1j * x.astype(onp.complex64))
    vjp, y = make_vjp(to_complex)(x32)
    assert y.dtype == onp.complex64 and vjp(onp.ones(3, onp.complex64)).dtype == onp.float32
    for mode in ("fwd", "rev"):
        assert jacobian(to_complex, mode=mode)(x32).dtype == onp.complex64
    # the directional derivative of a real output of a complex input is real
    z64 = Z.astype(onp.complex64)
    _, jv = make_jvp(np.abs)(z64)(onp.ones(3, onp.complex64))
    assert jv.dtype == onp.float32
    onp.testing.assert_allclose(jv, Z.real / onp.abs(Z), rtol=1e-5)


def test_assigning_a_traced_scalar_into_a_numpy_array_says_why_it_fails():
    real, cplx = onp.zeros(2), onp.zeros(2, complex)

    def f(x):
        # NumPy reports a failed element assignment into a float array as its own ValueError
        # for any object that can be indexed; fastgrad's reason is that error's cause
        with pytest.raises(ValueError) as info:
            real[0] = x
        assert isinstance(info.value.__cause__, TypeError)
        assert "a[i] = x" in str(info.value.__cause__) and "derivative" in str(info.value.__cause__)
        with pytest.raises(TypeError, match=r"a\[i\] = x"):
            cplx[0] = x
        return x * 2.0

    assert grad(f)(1.0) == 2.0


# ---------------------------------------------------------------- real values inside complex programs

def _stacked_single_sweeps(f, v):
    """The convention's jacobian twice over from single calls: rows from make_vjp with the
    real unit cotangents (and i e_i, taken with -i, where a real input has a complex output),
    columns from make_jvp along e_k and i e_k combined as Re(J e_k) - i Re(J i e_k)."""
    v = onp.asarray(v)
    pull, ans = make_vjp(f)(v)
    ans = onp.asarray(ans)
    rows = []
    for i in range(ans.size):
        e = onp.zeros(ans.shape, ans.dtype)
        e.flat[i] = 1
        row = onp.asarray(pull(e)).astype(complex)
        if onp.iscomplexobj(ans) and not onp.iscomplexobj(v):
            row = row - 1j * onp.asarray(pull(1j * e))
        rows.append(row)
    by_rows = onp.array(rows).reshape(ans.shape + v.shape)
    push = make_jvp(f)(v)
    cols = []
    for k in range(v.size):
        e = onp.zeros(v.shape, v.dtype)
        e.flat[k] = 1
        col = onp.asarray(push(e)[1]).astype(complex)
        if onp.iscomplexobj(v):
            col = col.real - 1j * onp.asarray(push(1j * e)[1]).real
        cols.append(col)
    by_cols = onp.moveaxis(onp.array(cols), 0, -1).reshape(ans.shape + v.shape)
    return by_rows, by_cols


_C = 0.6 - 0.8j
_M = onp.array([[1.0, 2.0], [3.0, -4.0]])
# Programs in which a real value (abs, real, irfft) sits between complex ones: its tangents
# and cotangents must stay real in every sweep, also where a symbolic seed meets it.
REAL_INSIDE_COMPLEX = {
    # a batch of complex seeds indexed to a scalar after irfft
    "irfft_scalar": (lambda x: np.fft.irfft(x)[0, 3], onp.array([[1 + 1j, -2j, -1j], [-1 + 1j, 1 - 1j, -2 - 1j]])),
    # the imaginary cotangent of a complex output reaching np.real's real result
    "real_plus_0j": (lambda x: np.real(x * _C) + 0j, onp.array([0.5])),
    "real_minus_fft": (lambda x: np.real(x * _C) - np.fft.fft(x), onp.array([0.5, -1.2])),
    "matvec_of_real": (lambda x: np.dot(_M, np.real(x * _C)) * _C, onp.array([0.5, 0.7])),
    # a non-holomorphic step followed by a holomorphic one
    "minus_abs_cubed": (lambda z: (z - np.abs(z)) ** 3, onp.array([1 + 3j])),
    "log_minus_abs": (lambda z: np.log(z - np.abs(z)), onp.array([-0.8 - 0.4j])),
    "abs_times_c": (lambda z: np.abs(z) * _C, onp.array([1 + 2j, -0.5 + 0.3j])),
    "imag_times_c": (lambda z: np.imag(z) * _C + np.conj(z) ** 2, onp.array([1 + 2j, -0.5 + 0.3j])),
    "abs_matvec": (lambda z: np.dot(np.abs(z), _M) * _C, onp.array([0.5 + 1j, 0.7 - 2j])),
    "abs_concatenated": (lambda z: np.concatenate([np.abs(z), z]) * _C, onp.array([0.5 + 1j, 0.7 - 2j])),
    "abs_indexed": (lambda z: np.abs(z)[1] * _C, onp.array([0.5 + 1j, 0.7 - 2j])),
    "abs_reversed": (lambda z: np.abs(z)[::-1] * _C, onp.array([0.5 + 1j, 0.7 - 2j, 1j])),
    "abs_reshaped": (lambda z: np.reshape(np.abs(z), (2, 2)) * _C, onp.array([0.5 + 1j, 0.7 - 2j, 1j, 2.0])),
    "abs_summed": (lambda z: np.sum(np.abs(z)) * _C, onp.array([0.5 + 1j, 0.7 - 2j])),
    "angle_plus_z": (lambda z: np.angle(z) * _C + z, onp.array([0.5 + 1j, 0.7 - 2j])),
    "real_in_abs": (lambda x: np.exp(1j * x) * np.abs(x * _C), onp.array([0.5, -0.7])),
}
CHUNKED_MODES = [(m, c) for m in ("auto", "fwd", "rev") for c in (None, 1, 2)]


@pytest.mark.parametrize("mode,chunk", CHUNKED_MODES, ids=[f"{m}-{c}" for m, c in CHUNKED_MODES])
@pytest.mark.parametrize("name", sorted(REAL_INSIDE_COMPLEX))
def test_real_values_inside_complex_programs_follow_the_convention(name, mode, chunk):
    f, v = REAL_INSIDE_COMPLEX[name]
    ref = _convention_fd(f, v)
    J = jacobian(f, mode=mode, chunk_size=chunk)(v)
    onp.testing.assert_allclose(J, ref, atol=1e-6)
    by_rows, by_cols = _stacked_single_sweeps(f, v)
    onp.testing.assert_allclose(J, by_rows, atol=1e-12)
    onp.testing.assert_allclose(J, by_cols, atol=1e-12)


@pytest.mark.parametrize("name", sorted(REAL_INSIDE_COMPLEX))
def test_real_values_inside_complex_programs_single_sweeps(name):
    f, v = REAL_INSIDE_COMPLEX[name]
    ref = _convention_fd(f, v)
    for single in _stacked_single_sweeps(f, v):
        onp.testing.assert_allclose(single, ref, atol=1e-6)
