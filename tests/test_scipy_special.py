"""fastgrad.scipy.special against scipy.special (values, logsumexp's options), the import
paths autograd users rely on, and `import fastgrad` without SciPy."""

import subprocess
import sys
import warnings

import numpy as onp
import pytest

pytest.importorskip("scipy")

import scipy.special as ssp  # noqa: E402

from fastgrad import grad, hessian, jacobian  # noqa: E402
from fastgrad.scipy import special  # noqa: E402

X = onp.array([-3.5, -1.0, -0.5, 0.0, 0.2, 0.5, 1.0, 2.5, 7.0, 30.0])
P = onp.array([-0.5, 0.0, 1e-10, 0.2, 0.5, 0.9, 1.0, 1.5])

UNARY = ["gamma", "gammaln", "digamma", "psi", "rgamma", "erf", "erfc", "erfcx", "ndtr", "log_ndtr", "expit",
         "log_expit", "entr", "i0", "i0e", "i1", "i1e", "j0", "j1", "y0", "y1", "sinc"]
UNIT = ["erfinv", "erfcinv", "ndtri", "logit"]


def _same(ours, theirs, what):
    ours, theirs = onp.asarray(ours, dtype=float), onp.asarray(theirs, dtype=float)
    onp.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=0, equal_nan=True, err_msg=what)


@pytest.mark.parametrize("name", UNARY + UNIT)
def test_unary_values(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grid = P if name in UNIT else X
        _same(getattr(special, name)(grid), getattr(ssp, name)(grid), name)


def test_functions_with_orders_and_pairs():
    a = onp.array([0.3, 1.0, 2.5, 9.0])
    x = onp.array([0.1, 1.5, 3.0, 20.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ("beta", "betaln", "gammainc", "gammaincc", "xlogy", "xlog1py", "rel_entr", "kl_div"):
            _same(getattr(special, name)(a, x), getattr(ssp, name)(a, x), name)
        for name in ("polygamma", "jv", "jn", "yv", "yn", "iv", "ive"):
            _same(getattr(special, name)(2, x), getattr(ssp, name)(2, x), name)
        q = onp.array([0.01, 0.3, 0.5, 0.99])
        for name in ("gammaincinv", "gammainccinv", "stdtrit", "stdtr"):
            _same(getattr(special, name)(a, q), getattr(ssp, name)(a, q), name)
        for name in ("betainc", "betaincc", "betaincinv", "betainccinv"):
            _same(getattr(special, name)(a, x, q), getattr(ssp, name)(a, x, q), name)
        _same(special.multigammaln(3.5, 4), ssp.multigammaln(3.5, 4), "multigammaln")


@pytest.mark.parametrize("kwargs", [{}, {"axis": 0}, {"axis": 1, "keepdims": True}, {"axis": (0, 1)},
                                    {"axis": -1, "b": onp.array([1.0, 0.5, 2.0, 0.0])},
                                    {"axis": 0, "b": onp.array([[1.0], [-0.5], [2.0]]), "return_sign": True},
                                    {"return_sign": True, "b": -1.0}])
def test_logsumexp_matches_scipy(kwargs):
    a = onp.array([[0.5, -1.0, 3.0, 700.0], [2.0, -onp.inf, 1.0, 0.3], [-2.0, 1.5, 0.0, -700.0]])
    ours, theirs = special.logsumexp(a, **kwargs), ssp.logsumexp(a, **kwargs)
    if kwargs.get("return_sign"):
        _same(ours[0], theirs[0], "logsumexp value")
        _same(ours[1], theirs[1], "logsumexp sign")
    else:
        _same(ours, theirs, f"logsumexp {kwargs}")


def test_logsumexp_derivatives():
    # d/da logsumexp(a, b) = b exp(a - lse) (the softmax weights); d/db = exp(a - lse).
    a = onp.array([0.3, -1.0, 2.0])
    b = onp.array([1.0, 2.0, 0.5])
    lse = ssp.logsumexp(a, b=b)
    onp.testing.assert_allclose(grad(special.logsumexp)(a, b=b), b * onp.exp(a - lse), rtol=1e-14)
    onp.testing.assert_allclose(grad(lambda bb: special.logsumexp(a, b=bb))(b), onp.exp(a - lse), rtol=1e-14)
    weights = ssp.softmax(a)
    onp.testing.assert_allclose(hessian(special.logsumexp)(a), onp.diag(weights) - onp.outer(weights, weights),
                                rtol=1e-13, atol=1e-15)
    onp.testing.assert_allclose(jacobian(special.log_softmax)(a), onp.eye(3) - weights, rtol=1e-13, atol=1e-15)


def test_misc_path_is_an_alias():
    from fastgrad.scipy import misc
    from fastgrad.scipy.misc import logsumexp

    assert logsumexp is special.logsumexp is misc.logsumexp


def test_every_namespace_has_an_explicit_export_list():
    import fastgrad.scipy as fs

    for module in (fs.special, fs.linalg, fs.signal, fs.integrate, fs.misc):
        assert module.__all__ and all(hasattr(module, name) for name in module.__all__)
    for dist in fs.stats.DISTRIBUTIONS:
        module = getattr(fs.stats, dist)
        assert module.__all__ and all(callable(getattr(module, name)) for name in module.__all__)


def test_fastgrad_imports_without_scipy():
    # SciPy is a dependency of fastgrad.scipy only: hide it and import fastgrad.
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'scipy' or name.startswith('scipy.'):\n"
        "            raise ImportError('no scipy')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import fastgrad, fastgrad.numpy as np\n"
        "assert fastgrad.grad(lambda x: np.sin(x) * x)(1.0) != 0\n"
        "assert not any(m.startswith('scipy') or m.startswith('fastgrad.scipy') for m in sys.modules)\n"
        "try:\n"
        "    import fastgrad.scipy\n"
        "except ImportError:\n"
        "    pass\n"
        "else:\n"
        "    raise AssertionError('fastgrad.scipy imported without SciPy')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_autograd_helper_names():
    # autograd's rule helpers, outside __all__, with autograd's calling convention.
    from fastgrad import extend
    from fastgrad.numpy import numpy_vjps

    assert special.defvjp is extend.defvjp and special.primitive is extend.primitive
    assert special.unbroadcast_f is numpy_vjps.unbroadcast_f
    assert special.root_pi ** 2 == pytest.approx(onp.pi) and special.root_pi * special.inv_root_pi == pytest.approx(1)
    x = onp.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])
    ans = ssp.logsumexp(x, axis=1)
    weights = onp.exp(x - ans[:, None])
    g = onp.array([1.0, -2.0])
    onp.testing.assert_allclose(special.make_grad_logsumexp(ans, x, axis=1)(g), g[:, None] * weights, rtol=1e-13)
    t = onp.ones_like(x)
    onp.testing.assert_allclose(special.fwd_grad_logsumexp(t, ans, x, axis=1), onp.ones(2), rtol=1e-13)
    a, y = 2.5, onp.array([0.5, 1.5, 4.0])
    density = y ** (a - 1) * onp.exp(-y) / ssp.gamma(a)
    for sign, fun in ((1, special.gammainc), (-1, special.gammaincc)):
        vjp = special.make_gammainc_vjp_arg1(sign)(fun(a, y), a, y)
        onp.testing.assert_allclose(vjp(onp.ones(3)), sign * density, rtol=1e-12)
        onp.testing.assert_allclose(vjp(onp.ones(3)), grad(lambda z: fun(a, z).sum())(y), rtol=1e-12)
    assert not any(name in special.__all__ for name in ("defvjp", "make_grad_logsumexp", "root_pi"))
