"""Truncated Taylor series ("jets") in one or two variables, and the shape-parameter
derivatives of the regularized incomplete gamma and beta functions computed with them.

A jet is a nested list `J[p][q]` of arrays: the coefficient of eps**p * delta**q in
the expansion of a function of (a + eps, b + delta). The same operations serve two
callers:
  * the numerical kernels below (plain NumPy values, inside primitives), which sum a
    series or a continued fraction in jet arithmetic, so that every derivative order
    is the term-by-term derivative of a convergent expansion;
  * the rules in fastgrad.scipy.special, which call `exp_jet` and `jet_mul` on traced
    values (fastgrad's operators) to build the closed-form x-derivatives, so those are
    differentiable again.
The jet functions only use +, -, * and / on their entries (and the `exp` passed to
exp_jet), so they work on either.

Why jets. d^n/da^n of gammainc(a, x) for every n is needed (each derivative is a
primitive whose derivative with respect to a is the next one). Differentiating the
series and the continued fraction symbolically would need a new formula per order;
evaluating them in truncated-Taylor arithmetic gives all orders from one code path,
with the same convergence test as the value.

Imports NumPy and SciPy only: no fastgrad module (the rules import this).
"""

import warnings
from math import factorial

import numpy as _np
import scipy.special as _sc

# Relative change below which a series or continued fraction has converged; a little
# above the double-precision epsilon, so that rounding noise does not keep it running.
_TOL = 4e-16
_MAX_TERMS = 20000


# ---------------------------------------------------------------- jet arithmetic

def zeros_jet(P, Q, like):
    return [[like * 0.0 for _ in range(Q + 1)] for _ in range(P + 1)]


def jet_mul(A, B):
    """The product of two jets of the same orders."""
    P, Q = len(A) - 1, len(A[0]) - 1
    out = []
    for p in range(P + 1):
        row = []
        for q in range(Q + 1):
            acc = None
            for k in range(p + 1):
                for l in range(q + 1):
                    term = A[k][l] * B[p - k][q - l]
                    acc = term if acc is None else acc + term
            row.append(acc)
        out.append(row)
    return out


def jet_recip(A):
    """1 / A, by solving A * R = 1 order by order."""
    P, Q = len(A) - 1, len(A[0]) - 1
    inv0 = 1.0 / A[0][0]
    R = [[None] * (Q + 1) for _ in range(P + 1)]
    for p in range(P + 1):
        for q in range(Q + 1):
            if p == 0 and q == 0:
                R[0][0] = inv0
                continue
            acc = None
            for k in range(p + 1):
                for l in range(q + 1):
                    if k == 0 and l == 0:
                        continue
                    term = A[k][l] * R[p - k][q - l]
                    acc = term if acc is None else acc + term
            R[p][q] = -acc * inv0
    return R


def exp_jet(G, exp=_np.exp):
    """exp(G) for a jet G (G[0][0] the value of the exponent), by E' = G' E:
    p E[p][q] = sum k G[k][l] E[p-k][q-l] (k >= 1), and the same in the second
    variable along the first row. `exp` is NumPy's, or fastgrad's for traced jets."""
    P, Q = len(G) - 1, len(G[0]) - 1
    E = [[None] * (Q + 1) for _ in range(P + 1)]
    E[0][0] = exp(G[0][0])
    for q in range(1, Q + 1):
        acc = None
        for l in range(1, q + 1):
            term = (l * G[0][l]) * E[0][q - l]
            acc = term if acc is None else acc + term
        E[0][q] = acc / q
    for p in range(1, P + 1):
        for q in range(Q + 1):
            acc = None
            for k in range(1, p + 1):
                for l in range(q + 1):
                    term = (k * G[k][l]) * E[p - k][q - l]
                    acc = term if acc is None else acc + term
            E[p][q] = acc / p
    return E


def derivative(J, p, q=0):
    """d^p/da^p d^q/db^q from the jet's coefficient."""
    return J[p][q] * float(factorial(p) * factorial(q))


def lgamma_coeffs(z, n, polygamma):
    """Taylor coefficients c[m] (m = 1..n) of lgamma(z + eps): psi^(m-1)(z) / m!."""
    return [None] + [polygamma(m - 1, z) / float(factorial(m)) for m in range(1, n + 1)]


# ---------------------------------------------------------------- series and continued fractions

def _contfrac(next_coeffs, P, Q, size, max_terms=_MAX_TERMS):
    """Evaluate the jet of K = a_1 / (b_1 + a_2 / (b_2 + ...)) for `size` elements by the
    forward recurrence of its convergents A_n / B_n (A_n = b_n A_{n-1} + a_n A_{n-2}, the
    same for B), rescaled each step so they neither overflow nor underflow (the ratio is
    unchanged). `next_coeffs(n, idx)` gives the jets (a_n, b_n) of the elements `idx`;
    an element leaves the iteration once every coefficient of its jet has converged."""
    idx = _np.arange(size)
    one = _np.ones(size)
    A_prev = zeros_jet(P, Q, one)
    A_prev[0][0] = one.copy()        # A_{-1}
    A = zeros_jet(P, Q, one)         # A_0
    B_prev = zeros_jet(P, Q, one)    # B_{-1}
    B = zeros_jet(P, Q, one)
    B[0][0] = one.copy()             # B_0
    result = zeros_jet(P, Q, _np.full(size, _np.nan))
    value = None
    for n in range(1, max_terms):
        an, bn = next_coeffs(n, idx)
        A_new = _add(jet_mul(bn, A), jet_mul(an, A_prev))
        B_new = _add(jet_mul(bn, B), jet_mul(an, B_prev))
        scale = _np.abs(B_new[0][0])
        scale = _np.where((scale > 0) & _np.isfinite(scale), scale, 1.0)
        A_prev, A = _scale(A, scale), _scale(A_new, scale)
        B_prev, B = _scale(B, scale), _scale(B_new, scale)
        new = jet_mul(A, jet_recip(B))
        if value is not None:
            done = _converged(new, value)
            if _np.any(done):
                _store(result, new, idx, done)
                keep = ~done
                idx = idx[keep]
                if idx.size == 0:
                    return result
                A, A_prev, B, B_prev, new = (_take(J, keep) for J in (A, A_prev, B, B_prev, new))
        value = new
    _not_converged(idx.size)
    return result


def _not_converged(count):
    """Elements still moving after _MAX_TERMS terms keep the nan they started with, with a
    warning (an inaccurate derivative would pass unnoticed). The terms needed grow like
    sqrt(a) near x = a, so this happens only for shapes beyond about 5e6."""
    warnings.warn(f"{count} shape derivative(s) of an incomplete gamma or beta function did not "
                  f"converge in {_MAX_TERMS} terms and are nan", RuntimeWarning, stacklevel=4)


def _take(J, keep):
    return [[c[keep] for c in row] for row in J]


def _store(result, J, idx, mask):
    for rr, rj in zip(result, J):
        for q, c in enumerate(rj):
            rr[q][idx[mask]] = c[mask]


def _add(A, B):
    return [[a + b for a, b in zip(ra, rb)] for ra, rb in zip(A, B)]


def _scale(A, s):
    return [[a / s for a in row] for row in A]


# A change of the order-m jet coefficient below _CONVERGED * 10**m, relative to its size,
# ends the iteration. The derivative coefficients of the convergents carry rounding
# noise that grows with the order (they are differences of growing recurrences: a few
# units in the 14th digit at order 1, the 12th at order 4), so a tighter test would not
# terminate. Measured against mpmath: ~1e-13 relative at order 1, ~1e-12 at order 2.
_CONVERGED = 2e-14


def _converged(new, old):
    """Per element: has every coefficient stopped changing (or is not finite)?"""
    done = None
    for p, (rn, ro) in enumerate(zip(new, old)):
        for q, (n, o) in enumerate(zip(rn, ro)):
            tol = _CONVERGED * 10.0 ** (p + q)
            ok = (_np.abs(n - o) <= tol * _np.abs(n)) | ~_np.isfinite(n)
            done = ok if done is None else done & ok
    return done


# ---------------------------------------------------------------- incomplete gamma

def _linear_recip_jet(c, P):
    """1 / (c + eps) as a one-variable jet: (-1)**m / c**(m+1)."""
    inv = 1.0 / c
    out, power = [], inv
    for m in range(P + 1):
        out.append([power if m % 2 == 0 else -power])
        power = power * inv
    return out


def _gamma_prefactor(a, x, P, shift):
    """The jet in a of exp(a log x - x - lgamma(a + shift))."""
    logx = _np.log(x)
    c = lgamma_coeffs(a + shift, P, _sc.polygamma)
    G = [[a * logx - x - _sc.gammaln(a + shift)]]
    for m in range(1, P + 1):
        G.append([(logx if m == 1 else 0.0) - c[m]])
    return exp_jet(G)


def _gammainc_series(a, x, P):
    """Jet in a of P(a, x) = x^a e^-x / Gamma(a+1) * sum_j x^j / ((a+1)...(a+j)).
    The terms decrease from the first when x < a + 1, so the sum converges without
    cancellation; its a-derivatives are summed term by term with it (each term's
    derivatives all have one sign, so neither do they cancel)."""
    size = x.size
    idx = _np.arange(size)
    term = zeros_jet(P, 0, _np.zeros(size))
    term[0][0] = _np.ones(size)
    total = [[t[0].copy()] for t in term]
    result = zeros_jet(P, 0, _np.full(size, _np.nan))
    aa, xx = a, x
    for j in range(1, _MAX_TERMS):
        factor = [[f[0] * xx] for f in _linear_recip_jet(aa + j, P)]
        term = jet_mul(term, factor)
        done = None
        for m in range(P + 1):
            total[m][0] = total[m][0] + term[m][0]
            small = (_np.abs(term[m][0]) <= _TOL * _np.abs(total[m][0])) | ~_np.isfinite(total[m][0])
            done = small if done is None else done & small
        if _np.any(done):
            _store(result, total, idx, done)
            keep = ~done
            idx, aa, xx = idx[keep], aa[keep], xx[keep]
            if idx.size == 0:
                break
            term, total = _take(term, keep), _take(total, keep)
    else:
        _not_converged(idx.size)
    return jet_mul(_gamma_prefactor(a, x, P, 1.0), result)


def _gammaincc_contfrac(a, x, P):
    """Jet in a of Q(a, x) = x^a e^-x / Gamma(a) * 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...)))
    (Legendre's continued fraction), fast and free of cancellation for x >= a + 1. Its
    partial numerators and denominators are linear in a, so their jets are exact."""

    def coeffs(n, idx):
        ai, xi = a[idx], x[idx]
        zero = _np.zeros(idx.size)
        an = zeros_jet(P, 0, zero)
        bn = zeros_jet(P, 0, zero)
        if n == 1:
            an[0][0] = zero + 1.0
        else:
            j = n - 1
            an[0][0] = -j * (j - ai)
            if P >= 1:
                an[1][0] = zero + j
        bn[0][0] = xi + 2 * n - 1 - ai
        if P >= 1:
            bn[1][0] = zero - 1.0
        return an, bn

    K = _contfrac(coeffs, P, 0, x.size)
    return jet_mul(_gamma_prefactor(a, x, P, 0.0), K)


def gammainc_derivative(n, a, x):
    """d^n/da^n gammainc(a, x) for n >= 1.

    Method: the power series of P for x < a + 1, and minus the n-th derivative of
    Legendre's continued fraction of Q = 1 - P otherwise (NR's split), each summed in
    jet arithmetic, i.e. differentiated term by term. Why: in its own region each
    expansion converges geometrically (tens of terms for a <= 50, x <= 100) and its
    terms' derivatives do not cancel, while P' = -Q' exactly, so the derivative of the
    tiny tail (Q ~ 1e-45 at a = 0.1, x = 100, or P ~ 1e-215 at a = 50, x = 0.001) keeps
    full relative accuracy. A quadrature of the integral representation would need
    endpoint-adapted rules and integrands of changing sign for n >= 2.
    Measured against mpmath (50 digits) over a in [0.1, 50], x in [0.001, 100]: worst
    relative error ~5e-14 for n = 1 and ~5e-12 for n = 2.
    nan outside a > 0, x >= 0 (where gammainc itself is nan or a limit); 0 at x = 0
    and x = inf, where gammainc is constant in a."""
    a, x = _np.broadcast_arrays(_np.asarray(a, dtype=float), _np.asarray(x, dtype=float))
    shape = a.shape
    a, x = a.ravel(), x.ravel()
    out = _np.full(a.shape, _np.nan)
    valid = (a > 0) & (x >= 0) & ~_np.isnan(x)
    edge = valid & ((x == 0) | _np.isinf(x))
    out[edge] = 0.0
    inner = valid & ~edge
    series = inner & (x < a + 1)
    cf = inner & ~series
    with _np.errstate(all="ignore"):
        if _np.any(series):
            out[series] = derivative(_gammainc_series(a[series], x[series], n), n)
        if _np.any(cf):
            out[cf] = -derivative(_gammaincc_contfrac(a[cf], x[cf], n), n)
    return out.reshape(shape)


# ---------------------------------------------------------------- incomplete beta

def _betainc_contfrac(a, b, x, P, Q):
    """Jet in (a, b) of I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * 1/(1+ d1/(1+ d2/(1+ ...))),
    d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)), d_{2m} = m(b-m) x / ((a+2m-1)(a+2m)),
    the continued fraction that converges fast for x < (a+1)/(a+b+2); the d_n are
    rational in a and b and are formed in jet arithmetic."""

    def coeffs(n, idx):
        ai, bi, xi = a[idx], b[idx], x[idx]
        zero = _np.zeros(idx.size)

        def lin(c0, ca, cb):
            J = zeros_jet(P, Q, zero)
            J[0][0] = c0 + zero
            if P >= 1:
                J[1][0] = ca + zero
            if Q >= 1:
                J[0][1] = cb + zero
            return J

        bn = lin(1.0, 0.0, 0.0)
        if n == 1:
            return lin(1.0, 0.0, 0.0), bn
        k = n - 1
        if k % 2:
            m = (k - 1) // 2
            num = jet_mul(lin(ai + m, 1.0, 0.0), lin(ai + bi + m, 1.0, 1.0))
            den = jet_mul(lin(ai + 2 * m, 1.0, 0.0), lin(ai + 2 * m + 1, 1.0, 0.0))
            an = [[-v * xi for v in row] for row in jet_mul(num, jet_recip(den))]
        else:
            m = k // 2
            num = lin(m * (bi - m), 0.0, float(m))
            den = jet_mul(lin(ai + 2 * m - 1, 1.0, 0.0), lin(ai + 2 * m, 1.0, 0.0))
            an = [[v * xi for v in row] for row in jet_mul(num, jet_recip(den))]
        return an, bn

    K = _contfrac(coeffs, P, Q, x.size)
    # log of the prefactor: a log x + b log1p(-x) - lgamma(a + 1) - lgamma(b) + lgamma(a + b)
    ca = lgamma_coeffs(a + 1, P, _sc.polygamma)
    cb = lgamma_coeffs(b, Q, _sc.polygamma)
    logx, log1mx = _np.log(x), _np.log1p(-x)
    G = zeros_jet(P, Q, x)
    G[0][0] = a * logx + b * log1mx - _sc.gammaln(a + 1) - _sc.gammaln(b) + _sc.gammaln(a + b)
    for p in range(P + 1):
        for q in range(Q + 1):
            if p + q == 0:
                continue
            if p + q == 1:
                c = _sc.digamma(a + b)
            else:
                c = _sc.polygamma(p + q - 1, a + b) / float(factorial(p) * factorial(q))
            if q == 0:
                c = c - ca[p] + (logx if p == 1 else 0.0)
            if p == 0:
                c = c - cb[q] + (log1mx if q == 1 else 0.0)
            G[p][q] = c + 0.0 * x
    return jet_mul(exp_jet(G), K)


def betainc_derivative(i, j, a, b, x):
    """d^i/da^i d^j/db^j betainc(a, b, x) for i + j >= 1.

    Method: the continued fraction of I_x(a, b) (NR's betacf) differentiated term by
    term in two-variable jets, for x < (a+1)/(a+b+2); beyond, the symmetry
    I_x(a, b) = 1 - I_{1-x}(b, a), whose derivatives are exact negatives (with a and b
    exchanged), so neither tail cancels. Measured against mpmath over a, b in
    [0.1, 50], x in [0.001, 0.999]: worst relative error ~1e-13 at first order.
    nan outside a > 0, b > 0, 0 <= x <= 1; 0 at x = 0 and x = 1."""
    a, b, x = _np.broadcast_arrays(*(_np.asarray(v, dtype=float) for v in (a, b, x)))
    shape = a.shape
    a, b, x = a.ravel(), b.ravel(), x.ravel()
    out = _np.full(a.shape, _np.nan)
    valid = (a > 0) & (b > 0) & (x >= 0) & (x <= 1)
    edge = valid & ((x == 0) | (x == 1))
    out[edge] = 0.0
    inner = valid & ~edge
    direct = inner & (x < (a + 1) / (a + b + 2))
    swapped = inner & ~direct
    with _np.errstate(all="ignore"):
        if _np.any(direct):
            J = _betainc_contfrac(a[direct], b[direct], x[direct], i, j)
            out[direct] = derivative(J, i, j)
        if _np.any(swapped):
            J = _betainc_contfrac(b[swapped], a[swapped], 1 - x[swapped], j, i)
            out[swapped] = -derivative(J, j, i)
    return out.reshape(shape)


# ---------------------------------------------------------------- d^n/dx^n log ndtr(x)
# Jets in one variable here: plain lists of coefficients c[k] of eps**k.

def _jet1_mul(a, b):
    return [sum(a[j] * b[k - j] for j in range(k + 1)) for k in range(len(a))]


def _jet1_recip(a):
    r = [1.0 / a[0]]
    for k in range(1, len(a)):
        r.append(-sum(a[j] * r[k - j] for j in range(1, k + 1)) * r[0])
    return r


def _jet1_log_of_one_plus(u):
    """log(1 + u) for a jet u (its constant term small or not): k L_k (1 + u_0) =
    k u_k - sum_{j<k} j L_j u_{k-j}, which never subtracts 1 from anything."""
    out = [_np.log1p(u[0])]
    for k in range(1, len(u)):
        acc = k * u[k] - sum(j * out[j] * u[k - j] for j in range(1, k))
        out.append(acc / (k * (1.0 + u[0])))
    return out


def _log_ndtr_right(n, x):
    """Near and right of the centre (x > -3): log ndtr(x + eps) - log ndtr(x) =
    log(1 + h sum_k (-1)^(k-1) He_{k-1}(x) eps^k / k!), h = phi(x) / ndtr(x), since the
    k-th derivative of ndtr is phi(x) (-1)^(k-1) He_{k-1}(x)."""
    with _np.errstate(over="ignore"):
        h = _np.sqrt(2 / _np.pi) / _sc.erfcx(-x / _np.sqrt(2))
    tiny = h == 0  # far right: phi(x) underflows, and every derivative with it
    xs = _np.where(tiny, 0.0, x)
    he = [_np.ones_like(xs), xs]
    for k in range(1, n):
        he.append(xs * he[k] - k * he[k - 1])
    u = [_np.zeros_like(xs)] + [h * (-1) ** (k - 1) * he[k - 1] / factorial(k) for k in range(1, n + 1)]
    return _np.where(tiny, 0.0, _jet1_log_of_one_plus(u)[n] * factorial(n))


def _log_ndtr_left(n, t):
    """The left tail, x = -t <= -3: log ndtr(-t) = -t^2/2 - log(sqrt(2 pi)) - log t + log S(t),
    with S = t R(t) and R Mills' ratio, R = 1/(t + 1/(t + 2/(t + 3/(t + ...)))) (Laplace's
    continued fraction, all terms positive, summed backward in jet arithmetic). Then
    log S = -log(1 + 1/(t D_1)), D_k = t + (k+1)/D_{k+1}: a small correction with no
    cancellation, added to the exact derivatives of -t^2/2 - log t."""
    terms = int(20 + 600 / _np.min(t) ** 2) if t.size else 0
    T = [t, _np.ones_like(t)] + [_np.zeros_like(t)] * (n - 1)
    D = list(T)
    for k in range(terms, 1, -1):
        D = [a + k * b for a, b in zip(T, _jet1_recip(D))]
    y = _jet1_log_of_one_plus(_jet1_recip(_jet1_mul(T, D)))
    # eps-coefficients of -t^2/2 - log t at t + eps, from the first on
    c = {1: -t - 1.0 / t, 2: -0.5 + 0.5 / (t * t)}.get(n, (-1.0) ** n / (n * t ** n))
    return (-1) ** n * factorial(n) * (c - y[n])


def log_ndtr_derivative(n, x):
    """d^n/dx^n log ndtr(x) for an integer n >= 1, to a few ulps over the whole float
    range: its limits at -inf are inf, -1 and 0 for n = 1, 2 and beyond."""
    x = _np.asarray(x, dtype=float)
    flat = x.reshape(-1)
    out = _np.full(flat.shape, _np.nan)
    right = flat > -3
    out[right] = _log_ndtr_right(n, flat[right])
    left = (flat <= -3) & (flat > -_np.inf)
    out[left] = _log_ndtr_left(n, -flat[left])
    out[flat == -_np.inf] = _np.inf if n == 1 else -1.0 if n == 2 else 0.0
    return out.reshape(x.shape) if x.ndim else out[0]
