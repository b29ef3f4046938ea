"""Regression tests for specific defects: each compares fastgrad with a computed reference
(NumPy, SciPy, finite differences, autograd or mpmath) on the input that exposed it."""

import numpy as onp
import pytest


# ---------------------------------------------------------------- out= on plain arrays
def _takes_out(f):
    import inspect

    if isinstance(f, onp.ufunc):
        return True
    try:
        return "out" in inspect.signature(f).parameters
    except (TypeError, ValueError):
        return False


def _out_pairs():
    import fastgrad.numpy as fnp

    pairs = [(f"numpy.{name}", getattr(onp, name), getattr(fnp, name)) for name in fnp.__all__
             if callable(getattr(onp, name, None)) and not isinstance(getattr(onp, name), type)
             and _takes_out(getattr(onp, name))]
    for sub in ("linalg", "fft"):
        pairs += [(f"numpy.{sub}.{name}", getattr(getattr(onp, sub), name), getattr(getattr(fnp, sub), name))
                  for name in getattr(fnp, sub).__all__
                  if _takes_out(getattr(getattr(onp, sub), name, None))]
    return pairs


_OUT_CANDIDATES = [
    (onp.linspace(0.1, 0.9, 6).reshape(2, 3),),
    (onp.linspace(0.1, 0.9, 6).reshape(2, 3), onp.linspace(0.2, 0.8, 6).reshape(2, 3)),
    (onp.linspace(0.1, 0.9, 9).reshape(3, 3),),
    (onp.linspace(0.1, 0.9, 6).reshape(2, 3), onp.linspace(0.1, 0.9, 6).reshape(3, 2)),
    (onp.arange(1, 7).reshape(2, 3),),
    (onp.arange(1, 7).reshape(2, 3), onp.arange(1, 7).reshape(2, 3)),
    (onp.linspace(0.1, 0.9, 6).reshape(2, 3), onp.arange(1, 7).reshape(2, 3)),
    ("ij,jk->ik", onp.ones((2, 3)), onp.ones((3, 2))),
    (onp.array([0, 1]), [onp.ones(2), 2 * onp.ones(2)]),
    (onp.array([True, False]), onp.ones((2, 2))),
    (onp.linspace(0.1, 0.9, 6).reshape(2, 3), onp.array([0, 2])),
    ([onp.ones((2, 3)), onp.ones((3, 4)), onp.ones((4, 2))],),
    (onp.linspace(0.1, 0.9, 3),),
]


def _first_call(ref):
    import warnings

    for args in _OUT_CANDIDATES:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = ref(*args)
        except Exception:
            continue
        if isinstance(r, tuple) and not all(isinstance(x, onp.ndarray) for x in r):
            return None
        return args, r
    return None


def _buffers(r):
    return tuple(onp.full_like(x, 7) for x in r) if isinstance(r, tuple) else onp.full_like(onp.asarray(r), 7)


@pytest.mark.parametrize("name,ref,fun", _out_pairs(), ids=[p[0] for p in _out_pairs()])
def test_out_is_written_and_returned_as_numpy_does(name, ref, fun):
    import warnings

    found = _first_call(ref)
    if found is None:
        pytest.skip("no float or integer call of this function among the candidates")
    args, r = found
    ours, theirs = _buffers(r), _buffers(r)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = fun(*args, out=ours)
        want = ref(*args, out=theirs)
    for a, b in zip(ours if isinstance(ours, tuple) else (ours,), theirs if isinstance(theirs, tuple) else (theirs,)):
        assert a.dtype == b.dtype and onp.array_equal(a, b, equal_nan=True)
    if isinstance(theirs, tuple):
        assert all(x is y for x, y in zip(got, ours)) == all(x is y for x, y in zip(want, theirs))
    else:
        assert (got is ours) == (want is theirs)


def test_out_given_positionally_is_written():
    import fastgrad.numpy as fnp

    buf = onp.zeros(2)
    assert fnp.dot(onp.ones((2, 3)), onp.arange(3.0), buf) is buf
    assert onp.array_equal(buf, onp.dot(onp.ones((2, 3)), onp.arange(3.0)))
    buf = onp.zeros(3)
    assert fnp.sum(onp.arange(6.0).reshape(2, 3), 0, None, buf) is buf
    assert onp.array_equal(buf, [3.0, 5.0, 7.0])


def test_out_with_a_traced_value_raises():
    import fastgrad.numpy as fnp
    from fastgrad import grad

    for f in (lambda x: fnp.einsum("i,i->", x, x, out=onp.zeros(())), lambda x: fnp.sum(x, out=onp.zeros(())),
              lambda x: fnp.dot(x, x, onp.zeros(()))):
        with pytest.raises(TypeError, match="out="):
            grad(f)(onp.ones(2))


# ---------------------------------------------------------------- higher derivatives at kinks and removable singularities
def _nth_derivative(f, n, mode):
    """The n-th derivative of a scalar function, nesting reverse (grad) or forward (make_jvp)."""
    from fastgrad import grad, make_jvp

    for _ in range(n):
        if mode == "rev":
            f = grad(f)
        else:
            f = (lambda g: lambda x: make_jvp(g)(x)(1.0)[1])(f)
    return f


def _mp_sinc(t):
    import mpmath

    return mpmath.sin(mpmath.pi * t) / (mpmath.pi * t) if t != 0 else mpmath.mpf(1)


@pytest.mark.parametrize("mode", ["rev", "fwd"])
@pytest.mark.parametrize("x", [0.0, 1e-8, 1e-6, 1e-3, 0.3, 0.4999, 0.5, 0.7, 1.0, -2.5, 10.0])
def test_sinc_derivatives_match_mpmath(x, mode):
    """sinc's first four derivatives, at 0 (sinc''(0) = -pi^2/3) and near it, where the
    closed form of sinc' cancels, against mpmath's at 40 digits."""
    import mpmath

    import fastgrad.numpy as fnp

    mpmath.mp.dps = 40
    for n in (1, 2, 3, 4):
        if x == 0:
            # sinc(x) = sum (-1)^k (pi x)^(2k) / (2k+1)!, so the n-th derivative at 0 is
            # n! times the coefficient of x^n.
            ref = 0.0 if n % 2 else float((-1) ** (n // 2) * mpmath.pi ** n * mpmath.factorial(n)
                                          / mpmath.factorial(n + 1))
        else:
            ref = float(mpmath.diff(_mp_sinc, mpmath.mpf(x), n))
        got = _nth_derivative(fnp.sinc, n, mode)(x)
        assert abs(got - ref) <= 1e-12 * max(1.0, abs(ref)), (n, got, ref)


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_abs_higher_derivatives_at_zero_match_autograd(mode):
    """|x| at 0: the first derivative is taken as 0 and every higher one is 0 (autograd's
    answer), not the 1 that differentiating x / |x| with 0 replaced by 1 gives."""
    import autograd
    import autograd.numpy as anp

    import fastgrad.numpy as fnp

    for x in (0.0, -1.5, 2.0):
        for n in (1, 2, 3):
            ref_f = anp.abs
            for _ in range(n):
                ref_f = autograd.grad(ref_f)
            assert _nth_derivative(fnp.abs, n, mode)(x) == ref_f(x), (x, n)


# ---------------------------------------------------------------- 0-d results: arrays where NumPy gives arrays
def _value_and_tangent_types(f, *args):
    from fastgrad import make_jvp

    value, tangent = make_jvp(f)(*args)(args[0])
    return value, tangent


@pytest.mark.parametrize("axes,shapes", [(1, ((3,), (3,))), (2, ((2, 3), (2, 3))), (0, ((), ())),
                                         (([0], [0]), ((0,), (0,)))])
def test_tensordot_to_a_scalar_is_a_0d_array(axes, shapes):
    import fastgrad.numpy as fnp

    rng = onp.random.default_rng(0)
    a, b = (onp.asarray(rng.standard_normal(s)) for s in shapes)
    want = onp.tensordot(a, b, axes)
    got = fnp.tensordot(a, b, axes)
    assert type(got) is type(want) and got.shape == want.shape and onp.allclose(got, want)
    value, tangent = _value_and_tangent_types(lambda x: fnp.tensordot(x, b, axes), a)
    assert type(value) is type(want) and onp.allclose(value, want)
    assert onp.shape(tangent) == () and onp.allclose(tangent, onp.tensordot(a, b, axes))


@pytest.mark.parametrize("name", ["array", "asarray"])
def test_array_of_a_traced_scalar_is_a_0d_array(name):
    import fastgrad.numpy as fnp
    from fastgrad import grad

    x = onp.float64(1.5)
    value, tangent = _value_and_tangent_types(lambda x: getattr(fnp, name)(x), x)
    want = getattr(onp, name)(x)
    assert type(value) is type(want) is onp.ndarray and value.shape == () and value == x
    assert onp.shape(tangent) == () and tangent == x
    assert grad(lambda x: getattr(fnp, name)(x * x))(x) == 2 * x


def test_products_return_what_numpy_returns_for_0d_results():
    import fastgrad.numpy as fnp

    v, s, z = onp.array([1.0, 2.0, 3.0]), onp.float64(2.0), onp.array(2.0)
    calls = [(lambda m: m.dot, (v, v)), (lambda m: m.dot, (z, z)), (lambda m: m.inner, (v, v)),
             (lambda m: m.inner, (s, s)), (lambda m: m.vdot, (v, v)), (lambda m: m.matmul, (v, v)),
             (lambda m: (lambda a, b: m.einsum("i,i", a, b)), (v, v)),
             (lambda m: (lambda a, b: m.einsum("i,i->", a, b)), (v, v)),
             (lambda m: (lambda a, b: m.einsum(a, [0], b, [0], [])), (v, v)),
             (lambda m: (lambda a, b: m.tensordot(a, b, 1)), (v, v)), (lambda m: m.kron, (z, z))]
    for get, args in calls:
        want = get(onp)(*args)
        got = get(fnp)(*args)
        value, _ = _value_and_tangent_types(get(fnp), *args)
        for ours in (got, value):
            assert type(ours) is type(want) and onp.shape(ours) == onp.shape(want) and onp.allclose(ours, want)


@pytest.mark.parametrize("kwargs", [dict(keepdims=True), dict(), dict(axis=0, keepdims=True), dict(axis=-1),
                                    dict(keepdims=True, return_sign=True), dict(b=onp.ones(2), keepdims=True),
                                    dict(b=onp.array(2.0), keepdims=True)])
def test_logsumexp_of_0d_has_scipys_shape(kwargs):
    scipy_special = pytest.importorskip("scipy.special")
    import fastgrad.scipy.special as fsp

    for a in (onp.array(0.5), onp.float64(0.5)):
        want, got = scipy_special.logsumexp(a, **kwargs), fsp.logsumexp(a, **kwargs)
        want, got = (want, got) if isinstance(want, tuple) else ((want,), (got,))
        for w, g in zip(want, got):
            assert type(g) is type(w) and onp.shape(g) == onp.shape(w) and onp.allclose(g, w)
        value, _ = _value_and_tangent_types(lambda x: fsp.logsumexp(x, **kwargs), a)
        value = value if isinstance(value, tuple) else (value,)
        assert all(onp.shape(v) == onp.shape(w) for v, w in zip(value, want))


# ---------------------------------------------------------------- log_ndtr's higher derivatives in both tails
_LOG_NDTR_POINTS = [-1e10, -1e6, -1e3, -100.0, -40.0, -38.0, -20.0, -10.0, -5.0, -3.0, -2.5, -1.0, 0.0, 0.7, 2.0,
                    5.0, 10.0, 20.0, 30.0, 37.0, 38.0, 40.0, 100.0, 1e3, 1e10]


def _log_ndtr_derivatives_mpmath(x):
    """(f', f'', f''') of f = log ndtr at x, in 120-digit arithmetic from h = phi/Phi, where
    h' = -h (x + h) (the cancellation in x + h is harmless at that precision)."""
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(120):
        x = mpmath.mpf(x)
        h = mpmath.npdf(x) / mpmath.ncdf(x)
        f2 = -h * (x + h)
        f3 = -(f2 * (x + h) + h * (1 + f2))
        return float(h), float(f2), float(f3)


def _assert_matches(got, want, what):
    # below 1e-290 the true value is a subnormal number or underflows to 0
    assert onp.isfinite(got) and abs(got - want) <= 1e-11 * abs(want) + 1e-290, f"{what}: {got} != {want}"


@pytest.mark.parametrize("x", _LOG_NDTR_POINTS)
def test_log_ndtr_second_and_third_derivatives_against_mpmath(x):
    import fastgrad.scipy.special as fsp
    import fastgrad.scipy.stats as fst
    from fastgrad import grad, hessian, jacobian, make_jvp

    f1, f2, f3 = _log_ndtr_derivatives_mpmath(x)
    x = onp.float64(x)
    _assert_matches(grad(fsp.log_ndtr)(x), f1, "grad")
    _assert_matches(grad(grad(fsp.log_ndtr))(x), f2, "grad of grad")
    _assert_matches(hessian(fsp.log_ndtr)(x), f2, "hessian")
    _assert_matches(jacobian(jacobian(fsp.log_ndtr, mode="fwd"), mode="fwd")(x), f2, "fwd over fwd")
    _assert_matches(jacobian(grad(fsp.log_ndtr), mode="fwd")(x), f2, "fwd over rev")
    _assert_matches(make_jvp(grad(fsp.log_ndtr))(x)(1.0)[1], f2, "jvp of grad")
    _assert_matches(grad(grad(grad(fsp.log_ndtr)))(x), f3, "third, reverse")
    _assert_matches(jacobian(jacobian(grad(fsp.log_ndtr), mode="fwd"), mode="rev")(x), f3, "third, mixed")
    _assert_matches(grad(grad(fst.norm.logcdf))(x), f2, "norm.logcdf''")
    _assert_matches(grad(grad(fst.norm.logsf))(-x), f2, "norm.logsf''")
    _assert_matches(grad(grad(grad(fst.norm.logsf)))(-x), -f3, "norm.logsf'''")
    # loc and scale: logcdf(x, loc, scale) = log_ndtr((x - loc) / scale)
    hess = hessian(lambda p: fst.norm.logcdf(2 * x, p[0], p[1]))(onp.array([x, 2.0]))
    z = x / 2
    f1z, f2z, _ = _log_ndtr_derivatives_mpmath(z)
    want = onp.array([[f2z / 4, f2z * z / 4 + f1z / 4], [f2z * z / 4 + f1z / 4, f2z * z * z / 4 + 2 * f1z * z / 4]])
    onp.testing.assert_allclose(hess, want, rtol=1e-10, atol=1e-290)


def test_log_ndtr_second_derivative_on_an_array_spanning_the_float_range():
    import fastgrad.scipy.special as fsp
    from fastgrad import elementwise_grad

    xs = onp.array(_LOG_NDTR_POINTS)
    got = elementwise_grad(elementwise_grad(fsp.log_ndtr))(xs)
    want = [_log_ndtr_derivatives_mpmath(x)[1] for x in xs]
    for g, w, x in zip(got, want, xs):
        _assert_matches(g, w, f"at {x}")


# ---------------------------------------------------------------- multivariate_normal with a singular covariance
def _singular_mvn_cases():
    rng = onp.random.default_rng(3)
    out = []
    for d, r in ((2, 1), (3, 2), (4, 2)):
        B = rng.standard_normal((d, r))
        out.append((B @ rng.standard_normal(r), B @ rng.standard_normal(r), B @ B.T, B))
        out.append((rng.standard_normal((3, r)) @ B.T, B @ rng.standard_normal(r), B @ B.T, B))  # several points
    B = onp.eye(3)[:, :2]
    out.append((onp.array([0.5, -0.2, 0.0]), onp.array([0.1, 0.3, 0.0]), onp.array([1.5, 0.7, 0.0]), B))  # a diagonal
    return out


@pytest.mark.parametrize("case", range(len(_singular_mvn_cases())))
@pytest.mark.parametrize("name", ["logpdf", "pdf"])
def test_multivariate_normal_allow_singular_matches_scipy_and_differences(case, name):
    sst = pytest.importorskip("scipy.stats")
    import fastgrad.scipy.stats as fst
    from fastgrad import make_jvp, make_vjp

    x, m, c, B = _singular_mvn_cases()[case]
    ours, theirs = getattr(fst.multivariate_normal, name), getattr(sst.multivariate_normal, name)
    want = theirs(x, m, c, allow_singular=True)
    got = ours(x, m, c, allow_singular=True)
    assert onp.shape(got) == onp.shape(want)
    onp.testing.assert_allclose(got, want, rtol=1e-10)
    # off the support (a component along the null space) the density is 0, as in SciPy
    if c.ndim == 2:
        null = onp.linalg.svd(B.T)[2][-1]
        assert onp.array_equal(ours(x + null, m, c, allow_singular=True), theirs(x + null, m, c, allow_singular=True))
    # directions that keep the support: x and the mean move in the range, the covariance
    # by B S B^T with S symmetric
    rng = onp.random.default_rng(4)
    r = B.shape[1]
    S = rng.standard_normal((r, r))
    dc = B @ (S + S.T) @ B.T
    if c.ndim == 1:
        dc = onp.diag(dc)
    v = (rng.standard_normal(onp.shape(x)[:-1] + (r,)) @ B.T, B @ rng.standard_normal(r), dc)

    def F(p):
        return ours(p[0], p[1], p[2], allow_singular=True)

    def along(eps):
        return onp.asarray(F(tuple(a + eps * b for a, b in zip((x, m, c), v))))

    eps = 1e-5
    numeric = (along(eps) - along(-eps)) / (2 * eps)
    _, jv = make_jvp(F)((x, m, c))(v)
    onp.testing.assert_allclose(jv, numeric, rtol=1e-6, atol=1e-9)
    vjp, y = make_vjp(F)((x, m, c))
    u = onp.ones(onp.shape(y))
    pairing = sum(onp.sum(g * w) for g, w in zip(vjp(u), v))
    onp.testing.assert_allclose(pairing, onp.sum(numeric), rtol=1e-6, atol=1e-9)
    # second order along the same direction
    second = (along(eps * 100) - 2 * along(0.0) + along(-eps * 100)) / (eps * 100) ** 2
    _, jjv = make_jvp(lambda p: make_jvp(F)(p)(v)[1])((x, m, c))(v)
    onp.testing.assert_allclose(jjv, second, rtol=1e-4, atol=1e-7)


# ---------------------------------------------------------------- odeint at its default tolerances
def _odeint_rhs(y, t, arg1, arg2):
    import fastgrad.numpy as fnp

    return -fnp.sqrt(t) - y + arg1 - fnp.mean((y + arg2) ** 2)


@pytest.mark.parametrize("seed", [3, 10, 17, 19, 24])
def test_odeint_passes_check_grads_at_default_tolerances(seed):
    pytest.importorskip("scipy")
    from fastgrad.scipy.integrate import odeint
    from fastgrad.test_util import combo_check

    rng = onp.random.RandomState(seed)
    y0, a1, a2 = rng.randn(3), rng.randn(3), rng.randn(3)
    combo_check(odeint, [1, 2, 3])([_odeint_rhs], [y0], [onp.linspace(0.1, 0.2, 4)], [(a1, a2)])


def test_odeint_reverse_derivative_against_autograd_and_a_tight_solve():
    pytest.importorskip("scipy")
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp
    from autograd.scipy.integrate import odeint as autograd_odeint

    import fastgrad.numpy as fnp
    from fastgrad import grad, jacobian
    from fastgrad.scipy.integrate import odeint

    def rhs_autograd(y, t, arg1, arg2):
        return -anp.sqrt(t) - y + arg1 - anp.mean((y + arg2) ** 2)

    rng = onp.random.RandomState(17)
    y0, a1, a2 = rng.randn(3), rng.randn(3), rng.randn(3)
    t = onp.linspace(0.1, 0.2, 4)
    u = rng.randn(4, 3)
    ours = grad(lambda y: fnp.sum(u * odeint(_odeint_rhs, y, t, args=(a1, a2))))(y0)
    theirs = autograd.grad(lambda y: anp.sum(u * autograd_odeint(rhs_autograd, y, t, (a1, a2))))(y0)
    exact = jacobian(lambda y: fnp.sum(u * odeint(_odeint_rhs, y, t, args=(a1, a2), rtol=1e-13, atol=1e-13)),
                     mode="fwd")(y0)
    onp.testing.assert_allclose(ours, theirs, rtol=1e-6)
    # autograd's, solved at SciPy's default tolerances, is about 1e-8 off; ours is closer
    onp.testing.assert_allclose(ours, exact, rtol=1e-9, atol=1e-10)


# ---------------------------------------------------------------- einsum: ellipsis and sublists, one operand traced
_EINSUM_ONE_TRACED = [
    (("...ij,...jk",), (2, 3, 4), (2, 4, 5)), (("...ij,...jk",), (1, 3, 4), (2, 4, 5)),
    (("...j,j->...",), (2, 3, 4), (4,)), (("i...,i->...",), (2, 3, 4), (2,)), (("i...,i",), (2, 3, 4), (2,)),
    (("...,...->...",), (2, 1), (1, 3)), (("ij,j->i",), (2, 1), (3,)),
    (([0, 1], [1, 2], [0, 2]), (2, 3), (3, 4)), (([Ellipsis, 0, 1], [1, 2]), (5, 2, 3), (3, 4)),
    (([Ellipsis, 1], [1], [Ellipsis]), (4, 3), (3,)),
]


def _einsum_call(module, form, a, b):
    if isinstance(form[0], str):
        return module.einsum(form[0], a, b)
    return module.einsum(a, form[0], b, form[1], *form[2:])


@pytest.mark.parametrize("form,sa,sb", _EINSUM_ONE_TRACED, ids=[str(c[0]) + str(c[1]) for c in _EINSUM_ONE_TRACED])
@pytest.mark.parametrize("traced", [0, 1])
def test_einsum_with_one_operand_traced_matches_numpy(form, sa, sb, traced):
    import fastgrad.numpy as fnp
    from fastgrad import hessian, jacobian

    rng = onp.random.default_rng(0)
    ops = [rng.standard_normal(sa), rng.standard_normal(sb)]
    want = _einsum_call(onp, form, *ops)
    got = _einsum_call(fnp, form, *ops)
    assert got.shape == want.shape and onp.allclose(got, want)
    x = ops[traced]

    def f(x):
        call = list(ops)
        call[traced] = x
        return _einsum_call(fnp, form, *call)

    basis = []
    for e in onp.eye(x.size):
        call = list(ops)
        call[traced] = e.reshape(x.shape)
        basis.append(_einsum_call(onp, form, *call))
    expected = onp.stack(basis, -1).reshape(want.shape + x.shape)
    for mode in ("fwd", "rev"):
        onp.testing.assert_allclose(jacobian(f, mode=mode)(x), expected, atol=1e-12)
    # second order: the hessian of sum(f(x)**2) is 2 J^T J
    J = expected.reshape(want.size, x.size)
    onp.testing.assert_allclose(hessian(lambda x: fnp.sum(f(x) ** 2))(x).reshape(x.size, x.size), 2 * J.T @ J,
                                atol=1e-10)


@pytest.mark.parametrize("n,T", [(0, 4), (2, 0), (0, 0)])
def test_odeint_with_no_state_or_no_time_points(n, T):
    si = pytest.importorskip("scipy.integrate")
    import fastgrad.numpy as fnp
    from fastgrad import make_jvp, make_vjp
    from fastgrad.scipy.integrate import odeint

    def rhs(y, t, k):
        return -k * y * fnp.cos(t)

    y0, t, k = onp.ones(n), onp.linspace(0.0, 1.0, T), 0.7
    want = si.odeint(lambda y, t, k: -k * y * onp.cos(t), y0, t, args=(k,))
    assert odeint(rhs, y0, t, args=(k,)).shape == want.shape
    def F(p):
        return odeint(rhs, p[0], p[1], args=(p[2],))

    _, tangent = make_jvp(F)((y0, t, k))((onp.ones(n), onp.ones(T), 1.0))
    assert tangent.shape == want.shape
    cotangents = make_vjp(F)((y0, t, k))[0](onp.ones(want.shape))
    assert [onp.shape(c) for c in cotangents] == [(n,), (T,), ()] and not any(onp.any(c) for c in cotangents)


def test_signal_convolve_with_an_empty_operand_has_zero_derivatives():
    pytest.importorskip("scipy")
    from fastgrad import make_jvp, make_vjp
    from fastgrad.scipy import signal

    A, B = onp.ones((2, 0)), onp.arange(6.0).reshape(3, 2)

    def F(p):
        return signal.convolve(p[0], p[1], axes=([1], [1]))

    y = F((A, B))
    assert y.shape == (2, 3, 1) and not onp.any(y)
    _, tangent = make_jvp(F)((A, B))((A, onp.ones_like(B)))
    assert tangent.shape == y.shape and not onp.any(tangent)
    cotangents = make_vjp(F)((A, B))[0](onp.ones(y.shape))
    assert [c.shape for c in cotangents] == [A.shape, B.shape] and not any(onp.any(c) for c in cotangents)


# ---------------------------------------------------------------- array_like lists of traced values
_LIST_FUNCTIONS = {
    "linalg.norm": lambda v, np: np.linalg.norm(v),
    "linalg.norm-ord1": lambda v, np: np.linalg.norm(v, 1),
    "linalg.vector_norm": lambda v, np: np.linalg.vector_norm(v, ord=3),
    "std": lambda v, np: np.std(v),
    "var": lambda v, np: np.var(v, ddof=1),
    "ptp": lambda v, np: np.ptp(v),
    "median": lambda v, np: np.median(v),
    "quantile": lambda v, np: np.quantile(v, 0.3),
    "average": lambda v, np: np.average(v, weights=[1.0, 2.0, 3.0]),
    "nansum": lambda v, np: np.nansum(v),
    "nanstd": lambda v, np: np.nanstd(v),
    "sort": lambda v, np: np.sort(v)[0],
    "mean-where": lambda v, np: np.mean(v, where=onp.array([True, False, True])),
    "sum-initial": lambda v, np: np.sum(v, initial=1.0),
    "max-where": lambda v, np: np.max(v, where=onp.array([True, True, False]), initial=-9.0),
    "squeeze": lambda v, np: np.sum(np.squeeze(v) ** 2),
    "cumulative_sum": lambda v, np: np.sum(np.cumulative_sum(v) ** 2),
}


# cumulative_sum is NumPy 2.1's.
@pytest.mark.parametrize("name", [n for n in _LIST_FUNCTIONS if n != "cumulative_sum" or hasattr(onp, n)])
def test_list_of_traced_scalars_is_an_array_like(name):
    """A list of traced scalars where NumPy takes array_like is differentiated as the array
    NumPy would make of it (autograd's behaviour): the same gradient as for np.array(list)."""
    import fastgrad.numpy as fnp
    from fastgrad import grad

    f = _LIST_FUNCTIONS[name]
    x = 0.7
    as_list = grad(lambda x: f([x, x * x + 2.0, 3.0 - x], fnp))(x)
    as_array = grad(lambda x: f(fnp.array([x, x * x + 2.0, 3.0 - x]), fnp))(x)
    eps = 1e-6
    numeric = (f(onp.array([x + eps, (x + eps) ** 2 + 2.0, 3.0 - x - eps]), onp)
               - f(onp.array([x - eps, (x - eps) ** 2 + 2.0, 3.0 - x + eps]), onp)) / (2 * eps)
    assert as_list == as_array
    assert abs(as_list - numeric) < 1e-6 * max(1.0, abs(numeric))


def test_norm_of_a_list_matches_autograd():
    import autograd
    import autograd.numpy as anp

    import fastgrad.numpy as fnp
    from fastgrad import grad

    for f, af in [(lambda x: fnp.linalg.norm([x, x + 2]), lambda x: anp.linalg.norm(anp.array([x, x + 2]))),
                  (lambda x: fnp.std([x, x * 2]), lambda x: anp.std(anp.array([x, x * 2]))),
                  (lambda x: fnp.var((x, 3.0, x * x)), lambda x: anp.var(anp.array([x, 3.0, x * x])))]:
        for x in (0.5, 1.5):
            assert onp.isclose(grad(f)(x), autograd.grad(af)(x), rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- integer casts and index functions of traced values
def test_integer_cast_of_a_traced_array_is_plain_as_in_autograd():
    """np.int64(x) (to index with it) gives the plain integer array autograd gives."""
    import autograd
    import autograd.numpy as anp

    import fastgrad.numpy as fnp
    from fastgrad import grad

    x = onp.array([0.2, 1.9, 1.2])
    ours = grad(lambda x: fnp.sum(x[fnp.int64(x)] * x))(x)
    theirs = autograd.grad(lambda x: anp.sum(x[anp.int64(x)] * x))(x)
    onp.testing.assert_allclose(ours, theirs, rtol=1e-15)
    seen = []
    grad(lambda x: seen.extend([fnp.int64(x), fnp.asarray(x, dtype=onp.int32), fnp.array(x, dtype=bool)]) or fnp.sum(x))(x)
    for got, want in zip(seen, [onp.int64(x), x.astype(onp.int32), x.astype(bool)]):
        assert type(got) is onp.ndarray and got.dtype == want.dtype and onp.array_equal(got, want)


def test_lexsort_of_traced_keys_matches_numpy():
    import fastgrad.numpy as fnp
    from fastgrad import grad

    a, b = onp.array([2.0, 1.0, 2.0, 0.5]), onp.array([1.0, 3.0, 0.0, 3.0])
    order = onp.lexsort((a, b))
    g = grad(lambda a: fnp.sum(a[fnp.lexsort((a, b))] * onp.arange(4.0)))(a)
    onp.testing.assert_array_equal(g[order], onp.arange(4.0))


@pytest.mark.parametrize("value", [1 + 0j, 1 + 1j, [1 + 0j, 2 + 1e-20j], onp.complex64(3 + 0j)])
def test_real_if_close_of_plain_values_is_numpy_s(value):
    import fastgrad.numpy as fnp

    got, want = fnp.real_if_close(value), onp.real_if_close(value)
    assert type(got) is type(want) and got.dtype == want.dtype and onp.array_equal(got, want)


# ---------------------------------------------------------------- medians of empty slices
@pytest.mark.parametrize("shape,axis", [((0,), None), ((3, 0), -1), ((0, 4), 0), ((3, 0), 0)])
def test_median_of_empty_slices_is_numpy_s(shape, axis):
    """The median of a slice with no entries is NumPy's (NaN, the mean of nothing); the
    jacobian has no entries to give, and its shape is the output's and the input's."""
    import warnings

    import fastgrad.numpy as fnp
    from fastgrad import jacobian

    x = onp.ones(shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = onp.median(x, axis=axis)
        got = fnp.median(fnp.array(x), axis=axis)
        J = jacobian(lambda x: fnp.median(x, axis=axis))(x)
    onp.testing.assert_array_equal(got, want)
    assert onp.shape(J) == onp.shape(want) + shape


# ---------------------------------------------------------------- float32 through a scatter
def test_diag_of_a_float32_vector_has_float32_derivatives():
    """diag of a vector scatters it into zeros; the zeros take the vector's dtype, so
    float32 stays float32 in every mode, as the value does in NumPy and autograd."""
    ag = pytest.importorskip("autograd")
    import autograd.numpy as anp

    import fastgrad.numpy as fnp
    from fastgrad import grad, jacobian

    x = onp.array([0.3, 0.5, 0.7], dtype=onp.float32)
    want = ag.grad(lambda z: anp.sum(anp.diag(z) * 2.0))(x)
    got = grad(lambda z: fnp.sum(fnp.diag(z) * 2.0))(x)
    assert got.dtype == want.dtype == onp.float32
    onp.testing.assert_array_equal(got, want)
    for mode in ("fwd", "rev"):
        J = jacobian(fnp.diag, mode=mode)(x)
        assert J.dtype == onp.float32
        onp.testing.assert_array_equal(J, jacobian(fnp.diag, mode=mode)(x.astype(onp.float64)))


@pytest.mark.parametrize("x", [onp.array([3.0, -4.0]), onp.arange(6.0).reshape(2, 3) - 2, onp.float64(2.5)])
def test_norms_of_plain_arrays_are_numpys_and_scipys(x):
    sla = pytest.importorskip("scipy.linalg")
    import fastgrad.numpy as fnp
    import fastgrad.scipy.linalg as fsla

    calls = [(onp.linalg.norm, fnp.linalg.norm, {}), (sla.norm, fsla.norm, {})]
    if onp.ndim(x):
        calls += [(onp.linalg.norm, fnp.linalg.norm, {"ord": 1}), (onp.linalg.norm, fnp.linalg.norm, {"axis": -1}),
                  (onp.linalg.vector_norm, fnp.linalg.vector_norm, {}),
                  (onp.linalg.norm, fnp.linalg.norm, {"keepdims": True})]
    if onp.ndim(x) == 2:
        calls += [(onp.linalg.matrix_norm, fnp.linalg.matrix_norm, {}), (onp.linalg.norm, fnp.linalg.norm, {"ord": 2}),
                  (sla.norm, fsla.norm, {"ord": "nuc"})]
    for theirs, ours, kwargs in calls:
        want, got = theirs(x, **kwargs), ours(x, **kwargs)
        assert type(got) is type(want) and onp.shape(got) == onp.shape(want) and onp.allclose(got, want), (ours,
                                                                                                           kwargs)


# ---------------------------------------------------------------- prod and cumprod at exact zeros, to third order
def _products_of_others(x, order):
    """d^order prod(x) / dx_i dx_j ...: the product of the entries other than i, j, ... when
    those are distinct, 0 otherwise (prod is linear in each entry)."""
    import itertools

    n = len(x)
    out = onp.zeros((n,) * order)
    for index in itertools.product(range(n), repeat=order):
        if len(set(index)) == order:
            out[index] = onp.prod([x[k] for k in range(n) if k not in index])
    return out


@pytest.mark.parametrize("mode", ["fwd", "rev"])
@pytest.mark.parametrize("x", [[2.0, 0.0, 3.0, 0.5], [0.0, 0.0, 3.0, 2.0], [1.5, 2.0, 0.0, -1.0], [0.0, 0.0, 0.0, 2.0]])
def test_prod_derivatives_are_exact_at_zeros(x, mode):
    """prod's first three derivatives, with one, two and three entries exactly 0, against
    the products of the other entries (no division by the product anywhere)."""
    import fastgrad.numpy as fnp
    from fastgrad import jacobian

    x = onp.array(x)
    f = fnp.prod
    for order in (1, 2, 3):
        f = jacobian(f, mode=mode)
        onp.testing.assert_array_equal(f(x), _products_of_others(x, order))
    # The same through an axis, one slice per column.
    X = onp.stack([x, x[::-1]], axis=1)
    H = jacobian(jacobian(lambda X: fnp.prod(X, axis=0), mode=mode), mode=mode)(X)
    for c in range(2):
        onp.testing.assert_array_equal(H[c][:, c][:, :, c], _products_of_others(X[:, c], 2))


@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_cumprod_second_derivatives_are_exact_at_zeros(mode):
    import fastgrad.numpy as fnp
    from fastgrad import jacobian

    for x in ([2.0, 0.0, 3.0, 0.5], [0.0, 0.0, 3.0, 2.0], [1.5, 2.0, 0.0, -1.0]):
        x = onp.array(x)
        H = jacobian(jacobian(fnp.cumprod, mode=mode), mode=mode)(x)
        for i in range(len(x)):
            want = onp.zeros((len(x), len(x)))
            want[:i + 1, :i + 1] = _products_of_others(x[:i + 1], 2)
            onp.testing.assert_array_equal(H[i], want)


@pytest.mark.parametrize("shape", [(3,), (1, 3), (4, 3), (4, 1, 3), (1, 1, 3), (2, 1, 4, 3), (0, 3)])
def test_multivariate_normal_squeezes_its_result_as_scipy(shape):
    import scipy.stats
    import fastgrad.scipy.stats as fstats

    x = onp.random.default_rng(1).standard_normal(shape)
    mean, cov = onp.full(shape[-1], 0.3), onp.diag(onp.arange(1.0, shape[-1] + 1))
    ours = fstats.multivariate_normal.logpdf(x, mean, cov)
    theirs = scipy.stats.multivariate_normal.logpdf(x, mean, cov)
    assert onp.shape(ours) == onp.shape(theirs)
    onp.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_pinv_of_an_invertible_matrix_has_the_inverse_s_second_derivatives():
    # The terms of pinv's derivative that vanish at full rank are left out rather than
    # computed as rounding errors, which the conditioning (170 here) amplifies: with them
    # this hessian was asymmetric by 1e-9.
    import fastgrad.numpy as np
    from fastgrad import hessian
    from fastgrad.scipy import linalg as fsl

    x = onp.array([[-2.0, -1.0, 1.0], [-2.0, 2.0, 1.0], [1.0, -2.0, -1.0]])
    H = hessian(lambda x: np.linalg.det(np.linalg.pinv(fsl.expm(x))))(x).reshape(9, 9)
    H_inv = hessian(lambda x: np.linalg.det(np.linalg.inv(fsl.expm(x))))(x).reshape(9, 9)
    onp.testing.assert_allclose(H, H.T, rtol=0, atol=1e-12)
    onp.testing.assert_allclose(H, H_inv, rtol=0, atol=1e-11)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_pinv_of_a_full_rank_rectangle_matches_its_normal_equations(shape):
    # Full column rank: P = (A^T A)^-1 A^T; full row rank: P = A^T (A A^T)^-1.
    import fastgrad.numpy as np
    from fastgrad import hessian, jacobian

    a = onp.random.default_rng(47).standard_normal(shape)
    if shape[0] > shape[1]:
        normal = lambda a: np.linalg.solve(a.T @ a, a.T)  # noqa: E731
    else:
        normal = lambda a: np.linalg.solve(a @ a.T, a).T  # noqa: E731
    for op in (jacobian, hessian):
        onp.testing.assert_allclose(op(lambda a: np.linalg.pinv(a)[1, 2])(a), op(lambda a: normal(a)[1, 2])(a),
                                    rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("name", ["logsumexp", "softmax", "log_softmax"])
@pytest.mark.parametrize("shape, axis", [((0, 1), -1), ((1, 0), 0), ((2, 0), 0), ((0, 3), 1)])
def test_logsumexp_family_of_empty_float32_values_is_float32(name, shape, axis):
    import scipy.special as ss

    import fastgrad
    from fastgrad.scipy import special

    x = onp.zeros(shape, dtype=onp.float32)
    expected = getattr(ss, name)(x, axis=axis)
    got = getattr(special, name)(x, axis=axis)
    assert got.dtype == expected.dtype == onp.float32 and got.shape == expected.shape
    assert fastgrad.jacobian(lambda x: getattr(special, name)(x, axis=axis))(x).dtype == onp.float32


@pytest.mark.parametrize("name, argnum, args", [
    ("gammainc", 1, (64.5, 64.1)), ("gammaincc", 1, (64.5, 64.1)),
    ("betainc", 2, (30.0, 40.0, 0.43)), ("betaincinv", 2, (30.0, 40.0, 0.3)),
])
def test_incomplete_gamma_and_beta_densities_of_float32_values_keep_their_digits(name, argnum, args):
    # The densities are exp of a sum of large logarithms; formed in single precision the
    # sum cancelled five of float32's seven digits (2.4e-5 for gammainc here).
    import fastgrad
    from fastgrad.scipy import special

    f = getattr(special, name)
    single = fastgrad.grad(f, argnum)(*[onp.float32(a) for a in args])
    double = fastgrad.grad(f, argnum)(*args)
    assert single.dtype == onp.float32
    assert abs(float(single) - double) <= 3e-7 * abs(double)


@pytest.mark.parametrize("a", [onp.float32(6.0), onp.array([3.3, 7.1], onp.float32), 5.5, onp.array([[2.5, 9.0]])])
@pytest.mark.parametrize("d", [1, 2, 3])
def test_multigammaln_is_scipys_to_the_bit(a, d):
    # SciPy sums the log-gamma terms in a's precision, then adds the constant: in float32
    # another order differed by 1e-7, which a chain of steps after it amplified to 1e-4.
    import scipy.special as ss

    from fastgrad.scipy import special

    expected = ss.multigammaln(a, d)
    got = special.multigammaln(a, d)
    assert onp.asarray(got).dtype == onp.asarray(expected).dtype
    onp.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("n", range(-5, 9))
def test_matrix_power_of_a_traced_matrix_is_numpys_to_the_bit(n):
    # NumPy multiplies a cube as (a a) a; the binary powers give a (a a), a rounding apart.
    from fastgrad.linearization import Linearization
    import fastgrad.numpy as np

    a = onp.random.default_rng(49).standard_normal((2, 4, 4))
    traced = Linearization(lambda a: np.linalg.matrix_power(a, n) + 0.0, (a,), {}, 0).out_leaves[0]
    onp.testing.assert_array_equal(traced, onp.linalg.matrix_power(a, n))


@pytest.mark.parametrize("a, b", [(1e7, 3.0), (1e5, 0.5), (50.0, 1e-3), (0.5, 1e-6), (2.0, 1e7), (3.0, 4.0)])
def test_betaln_derivatives_keep_their_digits_where_digammas_cancel(a, b):
    # psi(a) - psi(a + b) for b small beside a shares most digits of its two terms: as a
    # difference of digammas d/da betaln(1e7, 3) kept 1e-8 of its own.
    import mpmath

    import fastgrad
    from fastgrad.scipy import special

    mpmath.mp.dps = 40
    A, B = mpmath.mpf(a), mpmath.mpf(b)
    da = fastgrad.grad(special.betaln, 0)(a, b)
    daa = fastgrad.hessian(special.betaln, 0)(a, b)
    dab = fastgrad.jacobian(fastgrad.grad(special.betaln, 0), 1)(a, b)
    db = fastgrad.grad(special.betaln, 1)(a, b)
    for got, exact in [(da, mpmath.digamma(A) - mpmath.digamma(A + B)),
                       (daa, mpmath.polygamma(1, A) - mpmath.polygamma(1, A + B)),
                       (dab, -mpmath.polygamma(1, A + B)),
                       (db, mpmath.digamma(B) - mpmath.digamma(A + B))]:
        assert abs(float(got) - float(exact)) <= 1e-14 * abs(float(exact))
