"""fastgrad.scipy.signal.convolve against scipy.signal.convolve and a direct sum, with
autograd's axes / dot_axes layout."""

import numpy as onp
import pytest

pytest.importorskip("scipy")

import scipy.signal as sss  # noqa: E402

from fastgrad import grad, jacobian  # noqa: E402
from fastgrad.scipy import signal  # noqa: E402

RNG = onp.random.default_rng(0)


@pytest.mark.parametrize("mode", ["full", "valid", "same"])
@pytest.mark.parametrize("shapes", [((7,), (3,)), ((3,), (6,)), ((5, 6), (2, 3)), ((2, 3), (4, 5))])
def test_matches_scipy(mode, shapes):
    a, b = RNG.standard_normal(shapes[0]), RNG.standard_normal(shapes[1])
    onp.testing.assert_allclose(signal.convolve(a, b, mode=mode), sss.convolve(a, b, mode=mode, method="direct"),
                                rtol=1e-12, atol=1e-12)


def test_axes_and_dot_axes_layout():
    # out[i, j, n] = sum_{d, m} A[i, m, d] B[j, d, n - m]: A's outer axis, B's, then the convolved one.
    A, B = RNG.standard_normal((2, 5, 3)), RNG.standard_normal((4, 3, 2))
    out = signal.convolve(A, B, axes=([1], [2]), dot_axes=([2], [1]))
    direct = onp.zeros((2, 4, 6))
    for n in range(6):
        for m in range(5):
            if 0 <= n - m < 2:
                direct[:, :, n] += onp.einsum("id,jd->ij", A[:, m, :], B[:, :, n - m])
    onp.testing.assert_allclose(out, direct, rtol=1e-12)


def test_gradients_are_correlations():
    a, b = RNG.standard_normal(6), RNG.standard_normal(3)
    w = RNG.standard_normal(8)
    # d/da sum(w * (a * b)) = correlate(w, b, 'valid'); likewise for b.
    onp.testing.assert_allclose(grad(lambda x: onp.sum(w * signal.convolve(x, b)))(a),
                                sss.correlate(w, b, mode="valid"), rtol=1e-12)
    onp.testing.assert_allclose(grad(lambda y: onp.sum(w * signal.convolve(a, y)))(b),
                                sss.correlate(w, a, mode="valid"), rtol=1e-12)
    f = lambda x: signal.convolve(x, b, mode="same")  # noqa: E731
    onp.testing.assert_allclose(jacobian(f, mode="fwd")(a), jacobian(f, mode="rev")(a), rtol=1e-12)


def test_valid_needs_one_larger_array():
    with pytest.raises(ValueError):
        signal.convolve(onp.ones((3, 5)), onp.ones((4, 2)), mode="valid")


def test_autograd_helper_names():
    from fastgrad import extend, make_vjp

    assert signal.defvjp is extend.defvjp and signal.primitive is extend.primitive
    assert [signal.compute_conv_size(5, 3, mode) for mode in ("full", "same", "valid")] == [7, 5, 3]
    assert signal.flipped_idxs(3, (0, 2)) == (slice(None, None, -1), slice(None), slice(None, None, -1))
    a, b = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((4, 3, 5))
    onp.testing.assert_allclose(signal.einsum_tensordot(a, b, ([1, 2], [1, 0])),
                                onp.tensordot(a, b, ([1, 2], [1, 0])), rtol=1e-13)
    axes, shapes = signal.parse_axes((2, 4, 3), (2, 3, 3), ([1], [2]), ([2], [1]), "valid")
    assert axes["A"] == {"conv": (1,), "dot": (2,), "ignore": (0,)}
    assert axes["B"] == {"conv": (2,), "dot": (1,), "ignore": (0,)}
    assert axes["out"] == {"ignore_A": (0,), "ignore_B": (1,), "conv": (2,)}
    assert shapes["out"] == {"ignore_A": (2,), "ignore_B": (2,), "conv": (2,)}
    x, y = RNG.standard_normal(6), RNG.standard_normal(3)
    g = RNG.standard_normal(4)
    for argnum in (0, 1):
        expected = make_vjp(signal.convolve, argnum)(x, y, mode="valid")[0](g)
        onp.testing.assert_allclose(signal.grad_convolve(argnum, None, x, y, mode="valid")(g), expected)


def test_kernel_cotangent_of_a_valid_convolution_computes_only_the_kernels_positions():
    # A convnet layer: the kernel's cotangent is its 5 x 5 positions of a correlation as
    # long as the image; computing the whole correlation first (59 x 59 positions of
    # 28 x 28 windows per image and filter) took 250 MB here and grows with the batch.
    import tracemalloc

    import fastgrad.numpy as fnp

    images, kernel = RNG.standard_normal((2, 1, 28, 28)), RNG.standard_normal((1, 6, 5, 5))
    weights = RNG.standard_normal((2, 6, 24, 24))

    def loss(k):
        out = signal.convolve(images, k, axes=([2, 3], [2, 3]), dot_axes=([1], [0]), mode="valid")
        return fnp.sum(weights * out)

    tracemalloc.start()
    try:
        got = grad(loss)(kernel)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # d/dk[c, f, i, j] = sum_{n, y, x} weights[n, f, y, x] images[n, c, y + 4 - i, x + 4 - j]
    want = onp.zeros_like(kernel)
    for i in range(5):
        for j in range(5):
            want[:, :, i, j] = onp.einsum("nfyx,ncyx->cf", weights, images[:, :, 4 - i:28 - i, 4 - j:28 - j])
    onp.testing.assert_allclose(got, want, rtol=1e-10)
    assert peak < 20e6, f"the kernel's cotangent took {peak / 1e6:.0f} MB"
