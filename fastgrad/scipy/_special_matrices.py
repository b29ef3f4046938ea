"""SciPy's special matrices, part of fastgrad.scipy.linalg.

A matrix built from vectors (toeplitz, hankel, circulant, companion, convolution_matrix,
fiedler, fiedler_companion, leslie, khatri_rao, diagsvd, block_diag) is a gather of its
entries, or a product or quotient of them: each is composed from fastgrad.numpy
(take, concatenate, arithmetic) and needs no rule of its own. The ones SciPy builds from
a size alone (dft, hadamard, helmert, hilbert, invhilbert, pascal, invpascal) take no
differentiable input and pass plain values through.

Called with plain values only, each returns SciPy's own result (same values and
dtypes); traced values go through the composition.

Where SciPy batches (toeplitz, circulant, companion, leslie, fiedler, fiedler_companion,
convolution_matrix: leading axes of the vectors are a stack of matrices), so do these;
hankel ravels its arguments as SciPy does. On SciPy 1.13, which does not stack, they
follow it: toeplitz and circulant ravel, the others take 1-D vectors only.

Also holds `traced` and `plain_to_scipy`, the dispatch on plain values that linalg.py
uses as well. Imports SciPy, the core, rules and the numpy namespace.
"""

import functools

import numpy as _onp
import scipy.linalg as _sla

from .. import numpy as np
from ..engine import Box, getval
from ..rules import nondifferentiable
from ..tree import flatten

__all__ = [
    "toeplitz", "hankel", "circulant", "companion", "convolution_matrix", "fiedler", "fiedler_companion",
    "leslie", "khatri_rao", "diagsvd", "block_diag",
    "dft", "hadamard", "helmert", "hilbert", "invhilbert", "pascal", "invpascal",
]


def traced(*args, **kwargs):
    """Whether any argument (or an item of a list, tuple or dict argument) is traced."""
    return any(isinstance(leaf, Box) for leaf in flatten((args, kwargs))[0])


def plain_to_scipy(fun):
    """fun, except that a call with no traced argument is SciPy's function of the same name."""
    reference = getattr(_sla, fun.__name__)

    def wrapper(*args, **kwargs):
        if traced(*args, **kwargs):
            return fun(*args, **kwargs)
        return reference(*args, **kwargs)

    wrapper.__name__ = fun.__name__
    wrapper.__qualname__ = fun.__qualname__
    wrapper.__doc__ = fun.__doc__
    wrapper.__wrapped__ = fun
    return wrapper


# SciPy 1.13 ravels the vectors of toeplitz and circulant and takes only 1-D vectors in
# the other builders; later SciPy reads their leading axes as a stack of matrices.
_SCIPY_STACKS = _onp.shape(_sla.circulant(_onp.ones((2, 2)))) == (2, 2, 2)


def _as_installed_scipy(ravel):
    """fun, which stacks, made to follow a SciPy that does not: the vector arguments are
    raveled (ravel=True), or SciPy's own call on the plain values raises its error."""
    def decorate(fun):
        if _SCIPY_STACKS:
            return fun

        @functools.wraps(fun)
        def wrapper(*args, **kwargs):
            if any(_onp.ndim(getval(a)) > 1 for a in list(args) + list(kwargs.values())):
                if ravel:
                    args = [None if a is None else np.ravel(a) for a in args]
                    kwargs = {k: None if v is None else np.ravel(v) for k, v in kwargs.items()}
                else:
                    getattr(_sla, fun.__name__)(*map(getval, args), **{k: getval(v) for k, v in kwargs.items()})
            return fun(*args, **kwargs)
        return wrapper
    return decorate


def _shape(x):
    return _onp.shape(getval(x))


def _gather(values, index):
    """values[..., index]: entries picked along the last axis by an integer array (a
    constant); the matrix shape is index's, after values' leading (stack) axes."""
    return np.take(values, index, axis=-1)


def _with_constants(values, *constants):
    """values (..., m) with the constants appended along the last axis, as one vector to
    gather from: index m is the first constant, m + 1 the next, ..."""
    batch = _shape(values)[:-1]
    dtype = _onp.result_type(getval(values), 0.0)  # (a Python float keeps float32 values float32)
    extra = _onp.broadcast_to(_onp.array(constants, dtype=dtype), batch + (len(constants),))
    return np.concatenate([values, extra], axis=-1)


def _common_batch(*vectors):
    batch = _onp.broadcast_shapes(*[_shape(v)[:-1] for v in vectors])
    return [np.broadcast_to(v, batch + _shape(v)[-1:]) for v in vectors]


@plain_to_scipy
@_as_installed_scipy(ravel=True)
def toeplitz(c, r=None):
    """The Toeplitz matrix with first column c and first row r (r[0] is ignored; r is
    conj(c) when omitted); (..., len(c), len(r)), leading axes a stack."""
    c = np.atleast_1d(c)
    r = np.conj(c) if r is None else np.atleast_1d(r)
    c, r = _common_batch(c, r)
    m, n = _shape(c)[-1], _shape(r)[-1]
    # T[i, j] = c[i - j] on and below the diagonal, r[j - i] above: both read from the
    # line (c reversed, then r past its first entry) at position m - 1 - i + j.
    line = np.concatenate([np.flip(c, axis=-1), r[..., 1:]], axis=-1)
    i, j = _onp.indices((m, n))
    return _gather(line, m - 1 - i + j)


@plain_to_scipy
def hankel(c, r=None):
    """The Hankel matrix with first column c and last row r (r[0] is ignored; zeros when
    r is omitted); (len(c), len(r)). Both are raveled, as SciPy does."""
    c = np.ravel(c)
    m = _shape(c)[0]
    if r is None:
        line = _with_constants(c, *([0.0] * (m - 1)))
        n = m
    else:
        r = np.ravel(r)
        n = _shape(r)[0]
        line = np.concatenate([c, r[1:]])
    i, j = _onp.indices((m, n))
    return _gather(line, i + j)


@plain_to_scipy
@_as_installed_scipy(ravel=True)
def circulant(c):
    """The circulant matrix with first column c, C[i, j] = c[(i - j) mod n]; (..., n, n)."""
    c = np.atleast_1d(c)
    n = _shape(c)[-1]
    i, j = _onp.indices((n, n))
    return _gather(c, (i - j) % n)


@plain_to_scipy
@_as_installed_scipy(ravel=False)
def companion(a):
    """The companion matrix of the polynomial with coefficients a (highest power first,
    a[0] != 0): first row -a[1:] / a[0], ones below the diagonal; (..., n-1, n-1)."""
    a = np.atleast_1d(a)
    n = _shape(a)[-1]
    if n < 2:
        raise ValueError("The length of `a` must be at least 2.")
    if _onp.any(getval(a)[..., 0] == 0):
        raise ValueError("The first coefficient in `a` must not be zero.")
    row = -a[..., 1:] / a[..., :1]
    # index n - 1 is the constant 0 and n the constant 1 in _with_constants(row, 0, 1).
    index = _onp.full((n - 1, n - 1), n - 1)
    index[0] = _onp.arange(n - 1)
    index[_onp.arange(1, n - 1), _onp.arange(n - 2)] = n
    return _gather(_with_constants(row, 0.0, 1.0), index)


@plain_to_scipy
@_as_installed_scipy(ravel=False)
def convolution_matrix(a, n, mode="full"):
    """The matrix A with A @ v = numpy.convolve(a, v, mode) for v of length n: rows
    of the full (len(a) + n - 1, n) Toeplitz matrix of a, trimmed for 'same' and 'valid'
    as SciPy does; leading axes of a are a stack."""
    if n <= 0:
        raise ValueError("n must be a positive integer.")
    if mode not in ("full", "valid", "same"):
        raise ValueError("'mode' argument must be one of ('full', 'valid', 'same')")
    a = np.atleast_1d(a)
    m = _shape(a)[-1]
    if m == 0:
        raise ValueError("len(a) must be at least 1.")
    rows = m + n - 1
    i, j = _onp.indices((rows, n))
    k = i - j
    # Entry a[i - j] inside the band, else the appended 0 (index m).
    full = _gather(_with_constants(a, 0.0), _onp.where((k >= 0) & (k < m), k, m))
    if mode == "full":
        return full
    trim = min(n, m) - 1
    start = trim // 2 if mode == "same" else trim
    stop = rows - (trim - trim // 2 if mode == "same" else trim)
    return full[..., start:stop, :]


@plain_to_scipy
@_as_installed_scipy(ravel=False)
def fiedler(a):
    """The symmetric Fiedler matrix F[i, j] = |a[i] - a[j]|; (..., n, n). Its derivative
    on the diagonal is 0 (the kink of |.| at 0, where it sits for every a)."""
    a = np.atleast_1d(a)
    if _shape(a)[-1] == 0:
        # no entries and no derivative; its shape is the installed SciPy's ((0,) before 1.18)
        return _sla.fiedler(getval(a))
    return np.abs(a[..., :, None] - a[..., None, :])


@plain_to_scipy
@_as_installed_scipy(ravel=False)
def fiedler_companion(a):
    """Fiedler's pentadiagonal companion matrix of the polynomial with coefficients a
    (highest power first, a[0] != 0); (..., n-1, n-1). Its entries are -a[k] / a[0],
    ones and zeros, at the places SciPy puts them."""
    a = np.atleast_1d(a)
    size = _shape(a)[-1]
    if size <= 2:
        if size == 2:
            return np.reshape(-a[..., 1:] / a[..., :1], _shape(a)[:-1] + (1, 1))
        # no entries and no derivative; its shape is the installed SciPy's ((0,) before 1.18)
        return _sla.fiedler_companion(getval(a))
    if _onp.any(getval(a)[..., 0] == 0.0):
        raise ValueError("Leading coefficient is zero.")
    n = size - 1
    coeffs = -a[..., 1:] / a[..., :1]            # coeffs[k - 1] = -a[k] / a[0]
    zero, one = n, n + 1                           # the appended constants
    index = _onp.full((n, n), zero)
    index[0, 0], index[1, 0] = 0, one
    for i in range(0, n - 1, 2):                   # even rows: -a[i+2] right of the diagonal
        index[i, i + 1] = i + 1
        if i + 2 < n:
            index[i, i + 2] = one
    for i in range(2, n, 2):                       # even rows: -a[i+1] left of the diagonal
        index[i, i - 1] = i
    for i in range(3, n, 2):                       # odd rows: a one two places left
        index[i, i - 2] = one
    return _gather(_with_constants(coeffs, 0.0, 1.0), index)


@plain_to_scipy
@_as_installed_scipy(ravel=False)
def leslie(f, s):
    """The Leslie matrix: fecundities f in the first row, survival rates s below the
    diagonal; (..., n, n) for f of length n and s of length n - 1."""
    f, s = np.atleast_1d(f), np.atleast_1d(s)
    n = _shape(f)[-1]
    if n < 1 or _shape(s)[-1] != n - 1:
        raise ValueError("Incorrect lengths for f and s. The length of s must be one less than the length of f.")
    f, s = _common_batch(f, s)
    values = _with_constants(np.concatenate([f, s], axis=-1), 0.0)
    index = _onp.full((n, n), 2 * n - 1)
    index[0] = _onp.arange(n)
    index[_onp.arange(1, n), _onp.arange(n - 1)] = n + _onp.arange(n - 1)
    return _gather(values, index)


@plain_to_scipy
def khatri_rao(a, b):
    """The column-wise Kronecker product of a (n, k) and b (m, k); (n * m, k)."""
    na, ka = _shape(a)
    nb, kb = _shape(b)
    if ka != kb:
        raise ValueError("The number of columns for both arrays should be equal.")
    return np.reshape(a[:, None, :] * b[None, :, :], (na * nb, ka))


@plain_to_scipy
def diagsvd(s, M, N):
    """The (M, N) matrix with s on its diagonal (len(s) is M or N), the Sigma of an SVD."""
    s = np.atleast_1d(s)
    k = _shape(s)[-1]
    dtype = _onp.result_type(getval(s), 0.0)
    part = s[:, None] * _onp.eye(k, dtype=bool)
    if k == M:
        return np.concatenate([part, _onp.zeros((M, N - M), dtype=dtype)], axis=1)
    if k == N:
        return np.concatenate([part, _onp.zeros((M - N, N), dtype=dtype)], axis=0)
    raise ValueError("Length of s must be M or N.")


@plain_to_scipy
def block_diag(*arrs):
    """The block diagonal matrix of the arguments (each made 2-D as SciPy does: a
    scalar or a 1-D array is one row); composed from concatenate."""
    if not arrs:
        return _onp.zeros((1, 0))
    blocks = [np.atleast_2d(a) for a in arrs]
    cols = [_shape(b)[1] for b in blocks]
    total = sum(cols)
    dtype = _onp.result_type(*[getval(b) for b in blocks])
    rows, start = [], 0
    for b, c in zip(blocks, cols):
        r = _shape(b)[0]
        left = _onp.zeros((r, start), dtype=dtype)
        right = _onp.zeros((r, total - start - c), dtype=dtype)
        rows.append(np.concatenate([left, b, right], axis=1))
        start += c
    return np.concatenate(rows, axis=0)


# Built from a size alone: no differentiable input.
dft = nondifferentiable(_sla.dft)
hadamard = nondifferentiable(_sla.hadamard)
helmert = nondifferentiable(_sla.helmert)
hilbert = nondifferentiable(_sla.hilbert)
invhilbert = nondifferentiable(_sla.invhilbert)
pascal = nondifferentiable(_sla.pascal)
invpascal = nondifferentiable(_sla.invpascal)
