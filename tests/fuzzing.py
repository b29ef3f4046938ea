"""Random NumPy/SciPy programs and the differential checks run on them (used by test_fuzz.py).

A program is straight-line code over one input `x`: each step applies one operation of
the table OPS to earlier values (or to constants drawn with the program) and the last
value is returned. It is kept as source text, so the same program runs on NumPy/SciPy
(the reference values), on fastgrad and on autograd by changing the namespace it is
executed in, and a failing program is printed as code that reproduces it.

`check(program)` differentiates the program with every operator (jacobian in each mode
and chunked, grad, value_and_grad, hessian, make_jvp, make_vjp, two nested operators) and compares them
with each other, with central differences at two steps (where the two agree and no step
crosses a kink, a tie or a branch cut) and with autograd (where finite differences could
not decide, and autograd gives a finite answer); `shrink` reduces a failing program to a
minimal one.
"""

import functools
import math
import warnings
from dataclasses import dataclass, field, replace

import numpy as onp

# Sizes are kept small: every check builds dense jacobians and hessians.
MAX_SIZE = 48
MAX_MAGNITUDE = 1e4
# A point closer than this (relative) to a kink or tie skips the finite-difference and
# autograd comparisons: conventions at kinks differ and differences straddle them.
KINK_MARGIN = 1e-3
FD_STEPS = (1e-5, 2e-6)


# ----------------------------------------------------------------------- the table

@dataclass
class Op:
    """One operation of the pool.

    template: source text, formatted with the arguments `a`, `b` (value names), the
    sampled parameters by name (`{axis}`), and `{kw}` (", k=v" for every parameter whose
    name does not start with "_").
    sample(rng, shapes) -> dict of parameters, or None when the operation does not apply
    to arguments of these shapes. A parameter "_bshape" asks for a constant of that shape
    as the second argument.
    kink: a Kink, where the operation is not differentiable (a kink, a tie, a jump).
    complex / real: whether it takes complex / real first arguments.
    """

    name: str
    arity: int
    template: str
    sample: object = None
    kink: object = None
    complex: bool = False
    real: bool = True


def _shape_only(rng, shapes):
    return {}


def _axis(rng, shape, allow_tuple=True):
    n = len(shape)
    choices = [None] + list(range(-n, n))
    if allow_tuple and n >= 2:
        choices.append((0, n - 1))
    return choices[rng.integers(len(choices))]


def _reduce(keepdims=True, allow_tuple=True):
    def sample(rng, shapes):
        params = {"axis": _axis(rng, shapes[0], allow_tuple)}
        if keepdims and rng.random() < 0.4:
            params["keepdims"] = True
        return params
    return sample


def _int_axis(rng, shapes):
    n = len(shapes[0])
    return None if n == 0 else {"axis": int(rng.integers(-n, n))}


def _nonempty_axis(rng, shapes):
    """An axis for max/min-like reductions, which NumPy refuses over an empty axis."""
    params = _reduce()(rng, shapes)
    shape = shapes[0]
    axes = range(len(shape)) if params["axis"] is None else \
        [params["axis"]] if isinstance(params["axis"], int) else params["axis"]
    return None if any(shape[a] == 0 for a in axes) else params


def _square(rng, shapes):
    s = shapes[0]
    return {"n": s[-1]} if len(s) >= 2 and s[-1] == s[-2] else None


def _matrix(rng, shapes):
    return {} if len(shapes[0]) >= 2 else None


@dataclass
class Kink:
    """Where an operation is not differentiable: distance(values, params) is the distance
    of its arguments to the nearest such point (None when there is none); piece(values,
    params) names the smooth piece the arguments lie on (None: distance alone decides), so
    that a finite difference whose steps cross onto another piece is not used, however
    far the kink looked from x."""

    distance: object
    piece: object = None
    singular: bool = False  # the derivative is unbounded next to the kink (sqrt, angle at 0)


def _sides(points):
    return lambda values, params: [onp.sign(onp.real(onp.asarray(values[0])) - p) for p in points]


def _order(values, params):
    return [onp.argsort(onp.real(onp.asarray(values[0])).ravel(), kind="stable")]


def _pair_side(values, params):
    a, b = [onp.real(onp.asarray(v)) for v in values[:2]]
    return [onp.sign(a - b)]


def _cells(*periods):
    return lambda values, params: [onp.floor(onp.real(onp.asarray(values[0])) / p) for p in periods]


def _all_pieces(*pieces):
    return lambda values, params: [a for piece in pieces for a in piece(values, params)]


def _near(points):
    def kink(values, params):
        v = onp.asarray(values[0])
        if v.size == 0:
            return None
        return min(float(onp.min(onp.abs(v - p) / (1 + abs(p)))) for p in points)
    return kink


def _gap(values, params):
    """Distance between the two closest entries of the first argument (ties of max, sort...)."""
    v = onp.sort(onp.real(onp.asarray(values[0])).ravel())
    return None if v.size < 2 else float(onp.min(onp.diff(v)) / (1 + onp.max(onp.abs(v))))


def _pair_gap(values, params):
    a, b = onp.broadcast_arrays(*[onp.real(onp.asarray(v)) for v in values[:2]])
    return None if a.size == 0 else float(onp.min(onp.abs(a - b) / (1 + onp.abs(a))))


def _both(*kinks):
    def kink(values, params):
        found = [d for d in (k(values, params) for k in kinks) if d is not None]
        return min(found) if found else None
    return kink


def _origin(values, params):
    """Distance of the pair of arguments to (0, 0), where hypot is a cone."""
    a, b = onp.broadcast_arrays(*[onp.asarray(v) for v in values[:2]])
    return None if a.size == 0 else float(onp.min(onp.hypot(a, b)))


def _origin_side(values, params):
    a, b = onp.broadcast_arrays(*[onp.asarray(v) for v in values[:2]])
    return [onp.sign(a), onp.sign(b)]


def _zero_norm(values, params):
    v = onp.asarray(values[0])
    return None if v.size == 0 else float(onp.min(onp.abs(v)))


def _fractional(period):
    def kink(values, params):
        v = onp.real(onp.asarray(values[0])) / period
        if v.size == 0:
            return None
        return float(onp.min(onp.abs(v - onp.round(v))))
    return kink


def _spectral_gap(values, params):
    """Gaps between eigenvalues (singular values) and to zero, for eigh/svd/norm 2."""
    a = onp.asarray(values[0])
    if a.size == 0:
        return None
    if params.get("_sym"):
        a = a + onp.swapaxes(a, -1, -2)
        w = onp.linalg.eigvalsh(a)
    else:
        w = onp.linalg.svd(a, compute_uv=False)
        w = onp.concatenate([w, onp.zeros(w.shape[:-1] + (1,))], axis=-1)
    w = onp.sort(w, axis=-1)
    return None if w.shape[-1] < 2 else float(onp.min(onp.diff(w, axis=-1)) / (1 + onp.max(onp.abs(w))))


def _reshape(rng, shapes):
    s = shapes[0]
    size = math.prod(s)
    options = [(-1,), tuple(reversed(s)), (1,) + s, s + (1,)]
    if size and size % 2 == 0:
        options.append((2, -1))
    return {"_shape": options[rng.integers(len(options))]}


def _transpose(rng, shapes):
    n = len(shapes[0])
    return {"axes": tuple(int(i) for i in rng.permutation(n))} if n >= 2 else None


def _two_axes(rng, shapes):
    n = len(shapes[0])
    return {"_i": int(rng.integers(-n, n)), "_j": int(rng.integers(-n, n))} if n >= 1 else None


def _expand(rng, shapes):
    return {"axis": int(rng.integers(-len(shapes[0]) - 1, len(shapes[0]) + 1))}


def _squeeze(rng, shapes):
    ones = [i for i, d in enumerate(shapes[0]) if d == 1]
    return {"axis": ones[rng.integers(len(ones))]} if ones else None


def _roll(rng, shapes):
    params = _int_axis(rng, shapes) or {}
    params["_shift"] = int(rng.integers(-3, 4))
    return params


def _same_shape(rng, shapes):
    return {"_bshape": shapes[0]} if rng.random() < 0.5 else {}


def _concat(rng, shapes):
    n = len(shapes[0])
    return {"axis": int(rng.integers(-n, n)), "_bshape": shapes[0]} if n else None


def _broadcast(rng, shapes):
    return {"_shape": (2,) + tuple(shapes[0])}


def _tile(rng, shapes):
    return {"_reps": tuple(int(r) for r in rng.integers(1, 3, size=max(1, len(shapes[0]))))}


def _repeat(rng, shapes):
    params = _int_axis(rng, shapes) or {}
    params["_n"] = int(rng.integers(1, 3))
    return params


def _pad(rng, shapes):
    mode = ["constant", "edge", "reflect", "wrap"][rng.integers(4)]
    if mode in ("reflect", "wrap") and 0 in shapes[0]:
        return None
    return {"_w": int(rng.integers(0, 3)), "mode": mode}


def _index(rng, shapes):
    s = shapes[0]
    if not s:
        return None
    n = s[0]
    options = ["[::-1]", "[..., :1]", "[1:]", "[None]", "[:, None]" if len(s) >= 1 else "[None]"]
    if n:
        options += [f"[{int(rng.integers(n))}]", f"[{[int(i) for i in rng.integers(n, size=3)]}]",
                    f"[{int(rng.integers(n))}, ...]"]
    if len(s) >= 2 and s[1]:
        options.append(f"[:, {int(rng.integers(s[1]))}]")
    return {"_idx": options[rng.integers(len(options))]}


def _take(rng, shapes):
    s = shapes[0]
    params = _int_axis(rng, shapes)
    if params is None or s[params["axis"]] == 0:
        return None
    params["_idx"] = [int(i) for i in rng.integers(s[params["axis"]], size=int(rng.integers(1, 4)))]
    return params


def _einsum_unary(rng, shapes):
    letters = "ijkl"[:len(shapes[0])]
    out = "".join(c for c in rng.permutation(list(letters)) if rng.random() < 0.6)
    return {"_sub": f"{letters}->{out}"}


def _einsum_binary(rng, shapes):
    """Subscripts for a and a constant b that shares some of a's axes and adds at most one."""
    s = shapes[0]
    letters = "ijkl"[:len(s)]
    shared = [c for c in letters if rng.random() < 0.6]
    extra = "m" if rng.random() < 0.5 else ""
    b_letters = "".join(rng.permutation(shared + list(extra))) if shared or extra else ""
    dims = dict(zip(letters, s), m=int(rng.integers(0, 4)) if rng.random() < 0.2 else 3)
    pool = sorted(set(letters + b_letters))
    out = "".join(c for c in rng.permutation(pool) if rng.random() < 0.5)
    return {"_sub": f"{letters},{b_letters}->{out}", "_bshape": tuple(dims[c] for c in b_letters)}


def _matmul_rhs(rng, shapes):
    s = shapes[0]
    if not s:
        return None
    return {"_bshape": (s[-1],) if rng.random() < 0.5 else (s[-1], int(rng.choice([0, 1, 2, 3])))}


def _tensordot(rng, shapes):
    s = shapes[0]
    if not s:
        return None
    return {"_bshape": (s[-1], 2), "axes": 1}


def _last3(rng, shapes):
    return {} if shapes[0] and shapes[0][-1] == 3 else None


def _mvn(rng, shapes):
    s = shapes[0]
    if not s or s[-1] == 0:
        return None
    d = s[-1]
    return {"_d": d}


def _norm(rng, shapes):
    n = len(shapes[0])
    if n == 0:
        return None
    if n == 2 and rng.random() < 0.5:
        return {"ord": [None, "fro", "nuc", 1, -1, 2, onp.inf][rng.integers(7)]}
    axis = int(rng.integers(-n, n))
    return {"ord": [None, 1, 2, 3, onp.inf][rng.integers(5)], "axis": axis}


def _norm_distance(values, params):
    """Where the norm is not differentiable: a zero vector, a zero entry or a tie of the
    entries (1- and inf-norms), a tie of column or row sums, a tie of singular values."""
    v = onp.asarray(values[0])
    if v.size == 0:
        return None
    order, axis = params.get("ord"), params.get("axis")
    if axis is None and v.ndim == 2 and order not in (None, "fro"):
        if order in (2, "nuc"):
            return _spectral_gap([v], {})
        sums = onp.sum(onp.abs(v), axis=0 if order in (1, -1) else 1)
        return _both(_zero_norm, lambda vals, p: _gap([sums], p))([v], params)
    if order in (1, onp.inf):
        return _both(_zero_norm, _gap)([onp.abs(v)], params)
    return float(onp.min(onp.linalg.norm(v, axis=axis))) if axis is not None or v.ndim <= 2 else None


U, B = 1, 2
E = "np.{0}({{a}})"
S = "special.{0}({{a}})"
BIN = "np.{0}({{a}}, {{b}})"
_norm_kink = Kink(_norm_distance, _all_pieces(_sides([0.0]), lambda v, p: _order([onp.abs(v[0])], p)), singular=True)
_ABS = Kink(_near([0.0]), _sides([0.0]))
_POLE = Kink(_near([0.0]), _sides([0.0]), singular=True)


def _branch_cut(shift=0.0, imaginary=False):
    """Complex arguments only: the branch cut of log, sqrt and angle (the negative real
    axis, once shift is added) or of arctan and arcsinh (the imaginary axis beyond +-i),
    where the value jumps, and the branch points, where the derivative is unbounded."""
    def on_cut(z):
        return onp.abs(z.imag) >= 1 if imaginary else z.real < 0

    def distance(values, params):
        z = onp.asarray(values[0])
        if not onp.iscomplexobj(z) or z.size == 0:
            return None
        z = z + shift
        across = onp.abs(z.real) if imaginary else onp.abs(z.imag)
        points = onp.minimum(onp.abs(z - 1j), onp.abs(z + 1j)) if imaginary else onp.abs(z)
        return float(min(onp.min(onp.where(on_cut(z), across, onp.inf)), onp.min(points)))

    def piece(values, params):
        z = onp.asarray(values[0]) + shift
        if not onp.iscomplexobj(z):
            return []
        return [onp.where(on_cut(z), onp.sign(z.real if imaginary else z.imag), 0.0)]

    return Kink(distance, piece, singular=True)


def _with_cut(kink, cut):
    return Kink(_both(kink.distance, cut.distance), _all_pieces(kink.piece, cut.piece), singular=True)


_LOG = _with_cut(_POLE, _branch_cut())
_SECOND_AT_ZERO = Kink(lambda v, p: _near([0.0])(v[1:], p), lambda v, p: _sides([0.0])(v[1:], p))
_EITHER_AT_ZERO = Kink(_both(_ABS.distance, _SECOND_AT_ZERO.distance), _all_pieces(_ABS.piece, _SECOND_AT_ZERO.piece))
_GAP = Kink(_gap, _order)
_PAIR = Kink(_pair_gap, _pair_side)
_SPECTRAL = Kink(_spectral_gap, singular=True)


def _leading_rank(values, params):
    """The smallest singular value of the leading square block of columns, which QR's
    factors need to be invertible to have a derivative."""
    a = onp.asarray(values[0])
    k = min(a.shape[-2:])
    return None if a.size == 0 else float(onp.min(onp.linalg.svd(a[..., :, :k], compute_uv=False)))


_LEADING_RANK = Kink(_leading_rank, singular=True)


def _at(*points, singular=False):
    return Kink(_near(points), _sides(points), singular)


def _steps(*periods):
    """Jumps at the multiples of each period (floor, round, mod)."""
    return Kink(_both(*[_fractional(p) for p in periods]), _cells(*periods))

OPS = [
    # domain maps: applied before functions defined on part of the line
    Op("positive_map", U, "{a} * {a} + 0.5", _shape_only, complex=True),
    Op("unit_map", U, "np.tanh({a}) * 0.9", _shape_only),
    Op("to_complex", U, "{a} * (0.6 - 0.8j)", _shape_only),
    # elementwise, one argument
    *[Op(n, U, E.format(n), _shape_only, complex=c) for n, c in [
        ("negative", True), ("positive", False), ("square", True), ("exp", True), ("expm1", True),
        ("sin", True), ("cos", True), ("sinh", True), ("cosh", True), ("tanh", True), ("deg2rad", False),
        ("rad2deg", False), ("exp2", False), ("sinc", False),
        ("conj", True), ("real", True), ("imag", True), ("i0", False), ("nan_to_num", False)]],
    Op("arctan", U, "np.arctan({a})", _shape_only, kink=_branch_cut(imaginary=True), complex=True),
    Op("arcsinh", U, "np.arcsinh({a})", _shape_only, kink=_branch_cut(imaginary=True), complex=True),
    # generated only where NumPy gives a finite value; the derivative is infinite at 0
    *[Op(n, U, E.format(n), _shape_only, kink=_LOG, complex=c) for n, c in [
        ("sqrt", True), ("log", True), ("log2", False), ("log10", False)]],
    Op("reciprocal", U, "np.reciprocal({a})", _shape_only, kink=_POLE, complex=True),
    Op("log1p", U, "np.log1p({a})", _shape_only, kink=_with_cut(_at(-1.0, singular=True), _branch_cut(1.0)),
       complex=True),
    Op("tan", U, "np.tan(np.tanh({a}))", _shape_only),
    Op("arcsin", U, "np.arcsin({a})", _shape_only, kink=_at(-1.0, 1.0, singular=True)),
    Op("arccos", U, "np.arccos({a})", _shape_only, kink=_at(-1.0, 1.0, singular=True)),
    Op("arctanh", U, "np.arctanh({a})", _shape_only),
    Op("arccosh", U, "np.arccosh({a} + 1.0)", _shape_only, kink=_POLE),
    Op("cbrt", U, "np.cbrt({a})", _shape_only, kink=_POLE),
    Op("abs", U, "np.abs({a})", _shape_only, kink=_ABS, complex=True),
    Op("abs_builtin", U, "abs({a})", _shape_only, kink=_ABS, complex=True),
    Op("fabs", U, "np.fabs({a})", _shape_only, kink=_ABS),
    Op("sign", U, "np.sign({a})", _shape_only, kink=_ABS),
    Op("floor", U, "np.floor({a})", _shape_only, kink=_steps(1.0)),
    Op("round", U, "np.round({a}, 1)", _shape_only, kink=_steps(0.1, 0.05)),
    Op("clip", U, "np.clip({a}, -0.5, 0.7)", _shape_only, kink=_at(-0.5, 0.7)),
    Op("angle", U, "np.angle({a})", _shape_only, kink=_LOG, complex=True, real=False),
    Op("power_int", U, "{a} ** 3", _shape_only, complex=True),
    Op("power_half", U, "({a} * {a} + 0.5) ** 0.5", _shape_only),
    Op("rpow", U, "2.0 ** {a}", _shape_only),
    Op("neg_operator", U, "-{a}", _shape_only, complex=True),
    # elementwise, two arguments
    *[Op(n, B, BIN.format(n), _same_shape, complex=c) for n, c in [
        ("add", True), ("subtract", True), ("multiply", True), ("logaddexp", False),
        ("logaddexp2", False)]],
    Op("hypot", B, "np.hypot({a}, {b})", _same_shape, kink=Kink(_origin, _origin_side, singular=True)),
    Op("divide", B, "np.divide({a}, {b} * {b} + 0.5)", _same_shape, complex=True),
    Op("true_divide_operator", B, "{a} / ({b} * {b} + 0.5)", _same_shape, complex=True),
    Op("power", B, "np.power({a} * {a} + 0.5, {b})", _same_shape),
    Op("float_power", B, "np.float_power({a} * {a} + 0.5, {b})", _same_shape),
    Op("arctan2", B, "np.arctan2({a}, {b} * {b} + 0.5)", _same_shape),
    Op("maximum", B, "np.maximum({a}, {b})", _same_shape, kink=_PAIR),
    Op("minimum", B, "np.minimum({a}, {b})", _same_shape, kink=_PAIR),
    Op("fmax", B, "np.fmax({a}, {b})", _same_shape, kink=_PAIR),
    Op("fmin", B, "np.fmin({a}, {b})", _same_shape, kink=_PAIR),
    Op("mod", U, "np.mod({a}, 1.5)", _shape_only, kink=_steps(1.5)),
    Op("fmod", U, "np.fmod({a}, 1.25)", _shape_only, kink=_steps(1.25)),
    Op("copysign", B, "np.copysign({a}, {b})", _same_shape, kink=_EITHER_AT_ZERO),
    Op("where", B, "np.where({a} > 0, {a}, {b})", _same_shape, kink=_ABS),
    Op("mul_operator", B, "{a} * {b}", _same_shape, complex=True),
    Op("sub_operator", B, "{a} - {b}", _same_shape, complex=True),
    # scipy.special, elementwise
    *[Op("special." + n, U, S.format(n), _shape_only) for n in [
        "erf", "erfc", "ndtr", "log_ndtr", "expit", "log_expit", "i1", "j0", "j1", "erfcx", "rgamma"]],
    # exp(-|x|) I(x): i0e has a kink at 0, i1e's second derivative a jump
    *[Op("special." + n, U, S.format(n), _shape_only, kink=_ABS) for n in ["i0e", "i1e"]],
    *[Op("special." + n, U, f"special.{n}({{a}} * {{a}} + 0.5)", _shape_only) for n in [
        "gamma", "gammaln", "digamma", "entr", "y0", "y1"]],
    Op("special.erfinv", U, "special.erfinv(np.tanh({a}) * 0.9)", _shape_only),
    Op("special.ndtri", U, "special.ndtri(0.5 + 0.45 * np.tanh({a}))", _shape_only),
    Op("special.logit", U, "special.logit(0.5 + 0.45 * np.tanh({a}))", _shape_only),
    Op("special.polygamma", U, "special.polygamma(1, {a} * {a} + 0.5)", _shape_only),
    Op("special.iv", U, "special.iv(1.5, {a} * {a} + 0.5)", _shape_only),
    Op("special.jv", U, "special.jv(2.0, {a})", _shape_only),
    Op("special.xlogy", B, "special.xlogy({a}, {b} * {b} + 0.5)", _same_shape),
    Op("special.beta", B, "special.beta({a} * {a} + 0.5, {b} * {b} + 0.5)", _same_shape),
    Op("special.gammainc", B, "special.gammainc({a} * {a} + 0.5, {b} * {b} + 0.1)", _same_shape),
    Op("special.rel_entr", B, "special.rel_entr({a} * {a} + 0.5, {b} * {b} + 0.5)", _same_shape),
    # scipy.stats
    *[Op("stats.norm." + n, U, f"stats.norm.{n}({{a}}, 0.3, 1.5)", _shape_only) for n in [
        "pdf", "cdf", "logpdf", "logcdf", "sf", "logsf"]],
    Op("stats.t.logpdf", U, "stats.t.logpdf({a}, 3.5)", _shape_only),
    Op("stats.t.cdf", U, "stats.t.cdf({a}, 3.5)", _shape_only),
    Op("stats.gamma.logpdf", U, "stats.gamma.logpdf({a} * {a} + 0.5, 2.0)", _shape_only),
    Op("stats.beta.logpdf", U, "stats.beta.logpdf(0.5 + 0.45 * np.tanh({a}), 2.0, 3.0)", _shape_only),
    Op("stats.poisson.logpmf", U, "stats.poisson.logpmf(3, {a} * {a} + 0.5)", _shape_only),
    Op("stats.chi2.logpdf", U, "stats.chi2.logpdf({a} * {a} + 0.5, 3.0)", _shape_only),
    Op("stats.multivariate_normal.logpdf", U,
       "stats.multivariate_normal.logpdf({a}, np.zeros({_d}), np.eye({_d}) + 0.5)", _mvn),
    # reductions
    *[Op(n, U, f"np.{n}({{a}}{{kw}})", _reduce(), complex=c) for n, c in [
        ("sum", True), ("mean", True), ("prod", True), ("nansum", False)]],
    *[Op(n, U, f"np.{n}({{a}}{{kw}})", _nonempty_axis, kink=_GAP) for n in ["max", "min", "amax", "ptp"]],
    Op("median", U, "np.median({a}{kw})", _nonempty_axis, kink=_GAP),
    Op("std", U, "np.std({a}{kw})", _reduce(), kink=_GAP),
    Op("var", U, "np.var({a}{kw})", _reduce()),
    Op("sum_method", U, "{a}.sum({kw_pos})", _reduce(), complex=True),
    Op("max_method", U, "{a}.max({kw_pos})", _nonempty_axis, kink=_GAP),
    Op("cumsum", U, "np.cumsum({a}{kw})", _int_axis, complex=True),
    Op("cumprod", U, "np.cumprod({a}{kw})", _int_axis),
    Op("logsumexp", U, "special.logsumexp({a}{kw})", _reduce()),
    Op("softmax", U, "special.softmax({a}{kw})", _int_axis),
    Op("average", U, "np.average({a}{kw})", _reduce(keepdims=False, allow_tuple=False)),
    Op("norm", U, "np.linalg.norm({a}{kw})", _norm, kink=_norm_kink),
    Op("sort", U, "np.sort({a}{kw})", _int_axis, kink=_GAP),
    Op("diff", U, "np.diff({a}{kw})", _int_axis),
    Op("trapezoid", U, "np.trapezoid({a})", lambda rng, s: {} if s[0] else None),
    # shape and indexing
    Op("reshape", U, "np.reshape({a}, {_shape})", _reshape, complex=True),
    Op("reshape_method", U, "{a}.reshape({_shape})", _reshape),
    Op("ravel", U, "np.ravel({a}, order={_order})",
       lambda rng, s: {"_order": repr("CFAK"[rng.integers(4)])}),
    Op("transpose", U, "np.transpose({a}{kw})", _transpose, complex=True),
    Op("T", U, "{a}.T", _shape_only),
    Op("swapaxes", U, "np.swapaxes({a}, {_i}, {_j})", _two_axes),
    Op("moveaxis", U, "np.moveaxis({a}, {_i}, {_j})", _two_axes),
    Op("expand_dims", U, "np.expand_dims({a}{kw})", _expand),
    Op("squeeze", U, "np.squeeze({a}{kw})", _squeeze),
    Op("flip", U, "np.flip({a}{kw})", _int_axis),
    Op("roll", U, "np.roll({a}, {_shift}{kw})", _roll),
    Op("tile", U, "np.tile({a}, {_reps})", _tile),
    Op("repeat", U, "np.repeat({a}, {_n}{kw})", _repeat),
    Op("broadcast_to", U, "np.broadcast_to({a}, {_shape})", _broadcast),
    Op("concatenate", B, "np.concatenate([{a}, {b}]{kw})", _concat),
    Op("stack", B, "np.stack([{a}, {b}])", lambda rng, s: {"_bshape": s[0]}, complex=True),
    Op("pad", U, "np.pad({a}, {_w}{kw})", _pad),
    Op("triu", U, "np.triu({a})", _matrix),
    Op("tril", U, "np.tril({a}, -1)", _matrix),
    Op("diagonal", U, "np.diagonal({a})", _matrix),
    Op("trace", U, "np.trace({a})", _matrix),
    Op("diag", U, "np.diag({a})", lambda rng, s: {} if len(s[0]) in (1, 2) else None),
    Op("index", U, "{a}{_idx}", _index, complex=True),
    Op("take", U, "np.take({a}, {_idx}{kw})", _take),
    Op("mask", U, "{a}[{a} > 0.1]", _shape_only, kink=_at(0.1)),
    Op("atleast_2d", U, "np.atleast_2d({a})", _shape_only),
    # products
    Op("dot", B, "np.dot({a}, {b})", _matmul_rhs),
    Op("matmul", B, "{a} @ {b}", _matmul_rhs, complex=True),
    Op("matmul_self", U, "{a} @ np.swapaxes({a}, -1, -2)", _matrix),
    Op("inner", B, "np.inner({a}, {b})", lambda rng, s: {"_bshape": s[0][-1:]} if s[0] else None),
    Op("outer", B, "np.outer({a}, {b})", lambda rng, s: {"_bshape": (int(rng.integers(0, 3)),)}),
    Op("tensordot", B, "np.tensordot({a}, {b}{kw})", _tensordot),
    Op("kron", B, "np.kron({a}, {b})", lambda rng, s: {"_bshape": (2,)} if len(s[0]) == 1 else None),
    Op("cross", B, "np.cross({a}, {b})", _last3),
    Op("einsum", U, "np.einsum('{_sub}', {a})", _einsum_unary),
    Op("einsum2", B, "np.einsum('{_sub}', {a}, {b})", _einsum_binary),
    # linear algebra, on square matrices made well conditioned
    Op("inv", U, "np.linalg.inv({a} + 3 * np.eye({n}))", _square),
    Op("det", U, "np.linalg.det({a})", _square),
    Op("slogdet", U, "np.linalg.slogdet({a} + 3 * np.eye({n}))[1]", _square),
    Op("solve", B, "np.linalg.solve({a} + 3 * np.eye({n}), {b})", lambda rng, s: _square(rng, s) and
       {"n": s[0][-1], "_bshape": s[0][:-1]}),
    Op("cholesky", U, "np.linalg.cholesky({a} @ np.swapaxes({a}, -1, -2) + np.eye({n}))", _square),
    Op("eigvalsh", U, "np.linalg.eigh({a} + np.swapaxes({a}, -1, -2))[0]",
       lambda rng, s: _square(rng, s) and {"_sym": True}, kink=_SPECTRAL),
    Op("eigh_vectors", U, "np.linalg.eigh({a} + np.swapaxes({a}, -1, -2))[1] ** 2",
       lambda rng, s: _square(rng, s) and {"_sym": True}, kink=_SPECTRAL),
    Op("svdvals", U, "np.linalg.svd({a}, compute_uv=False)", _matrix, kink=_SPECTRAL),
    Op("pinv", U, "np.linalg.pinv({a})", _matrix, kink=_SPECTRAL),
    Op("matrix_power", U, "np.linalg.matrix_power({a}, 3)", _square),
    Op("expm", U, "linalg.expm({a})", _square),
    # fft (complex results from real input)
    Op("fft", U, "np.fft.fft({a})", lambda rng, s: {} if s[0] and s[0][-1] else None, complex=True),
    Op("rfft", U, "np.fft.rfft({a})", lambda rng, s: {} if s[0] and s[0][-1] else None),
    Op("ifft", U, "np.fft.ifft({a})", lambda rng, s: {} if s[0] and s[0][-1] else None, complex=True),
    Op("irfft", U, "np.fft.irfft({a})", lambda rng, s: {} if s[0] and s[0][-1] > 1 else None, complex=True,
       real=False),
    # more of the namespace: statistics, nan-functions, calculus, polynomials, joins
    Op("var_ddof", U, "np.var({a}, ddof=1{kw})", _reduce(keepdims=False, allow_tuple=False)),
    Op("nanmean", U, "np.nanmean({a}{kw})", _reduce()),
    Op("nanstd", U, "np.nanstd({a}{kw})", _reduce(), kink=_GAP),
    Op("nanmax", U, "np.nanmax({a}{kw})", _nonempty_axis, kink=_GAP),
    Op("percentile", U, "np.percentile({a}, 30.0{kw})", _nonempty_axis, kink=_GAP),
    Op("quantile", U, "np.quantile({a}, 0.5{kw})", _nonempty_axis, kink=_GAP),
    Op("sum_initial", U, "np.sum({a}, initial=1.0{kw})", _reduce()),
    Op("diff2", U, "np.diff({a}, n=2{kw})", _int_axis),
    Op("gradient", U, "np.gradient({a})", lambda rng, s: {} if len(s[0]) == 1 and s[0][0] >= 2 else None),
    Op("convolve", B, "np.convolve({a}, {b})",
       lambda rng, s: {"_bshape": (3,)} if len(s[0]) == 1 and s[0][0] else None),
    Op("correlate", B, "np.correlate({a}, {b}, mode='full')",
       lambda rng, s: {"_bshape": (2,)} if len(s[0]) == 1 and s[0][0] else None),
    Op("polyval", B, "np.polyval({b}, {a})", lambda rng, s: {"_bshape": (3,)}),
    Op("interp", U, "np.interp({a}, [-1.0, 0.0, 1.0], [0.0, 1.0, 3.0])", _shape_only, kink=_at(-1.0, 0.0, 1.0)),
    Op("vstack", B, "np.vstack([{a}, {b}])", lambda rng, s: {"_bshape": s[0]}),
    Op("append", B, "np.append({a}, {b})", _same_shape),
    Op("delete", U, "np.delete({a}, 0{kw})", lambda rng, s: _int_axis(rng, s) if s[0] and min(s[0]) else None),
    Op("insert", U, "np.insert({a}, 1, 0.5{kw})", lambda rng, s: _int_axis(rng, s) if s[0] and min(s[0]) else None),
    Op("rot90", U, "np.rot90({a})", _matrix),
    Op("argmax_index", U, "{a}.ravel()[np.argmax({a})]", lambda rng, s: {} if math.prod(s[0]) else None, kink=_GAP),
    Op("where_other", B, "np.where({b} > 0, {a}, 2.0 * {a})", _same_shape,
       kink=_SECOND_AT_ZERO),
    Op("array_of_list", U, "np.array([{a}, 2.0 * {a}])", _shape_only),
    Op("vdot", B, "np.vdot({a}, {b})", lambda rng, s: {"_bshape": s[0]}),
    Op("outer_self", U, "np.outer({a}, {a})", _shape_only),
    Op("qr_r", U, "np.linalg.qr({a})[1] ** 2", _matrix, kink=_LEADING_RANK),
    Op("solve_triangular", B, "linalg.solve_triangular(np.triu({a}) + 3 * np.eye({n}), {b})",
       lambda rng, s: _square(rng, s) and len(s[0]) == 2 and {"n": s[0][-1], "_bshape": s[0][-1:]}),
    Op("sqrtm", U, "linalg.sqrtm({a} @ {a}.T + np.eye({n}))", lambda rng, s: len(s[0]) == 2 and _square(rng, s)),
    # scipy.special and scipy.stats, more of them
    Op("special.log_softmax", U, "special.log_softmax({a}{kw})", _int_axis),
    Op("special.logsumexp_b", B, "special.logsumexp({a}, b={b} * {b} + 0.1{kw})",
       lambda rng, s: {"_bshape": s[0], **_reduce(allow_tuple=False)(rng, s)}),
    Op("special.gammaincc", B, "special.gammaincc({a} * {a} + 0.5, {b} * {b} + 0.1)", _same_shape),
    Op("special.betainc", U, "special.betainc(2.0, 3.0, 0.5 + 0.45 * np.tanh({a}))", _shape_only),
    Op("special.gammaincinv", U, "special.gammaincinv(2.0, 0.5 + 0.45 * np.tanh({a}))", _shape_only),
    Op("special.stdtr", U, "special.stdtr(3.5, {a})", _shape_only),
    Op("special.multigammaln", U, "special.multigammaln({a} * {a} + 2.0, 2)", lambda rng, s: {} if not s[0] else None),
    Op("special.xlog1py", B, "special.xlog1py({a}, {b} * {b})", _same_shape),
    Op("special.kl_div", B, "special.kl_div({a} * {a} + 0.5, {b} * {b} + 0.5)", _same_shape),
    Op("stats.laplace.logpdf", U, "stats.laplace.logpdf({a}, 0.0, 1.0)", _shape_only, kink=_ABS),
    Op("stats.cauchy.logpdf", U, "stats.cauchy.logpdf({a}, 0.5, 2.0)", _shape_only),
    Op("stats.logistic.logpdf", U, "stats.logistic.logpdf({a})", _shape_only),
    Op("stats.expon.logpdf", U, "stats.expon.logpdf({a} * {a} + 0.5)", _shape_only),
    Op("stats.weibull_min.logpdf", U, "stats.weibull_min.logpdf({a} * {a} + 0.5, 1.5)", _shape_only),
    Op("stats.t.pdf", U, "stats.t.pdf({a}, 4.0)", _shape_only),
    # the simplex is formed in float64: SciPy's check of its sum is tighter than float32 rounding
    Op("stats.dirichlet.logpdf", U, "stats.dirichlet.logpdf(special.softmax(np.float64(1.0) * {a}), np.full({n}, 1.5))",
       lambda rng, s: {"n": s[0][0]} if len(s[0]) == 1 and s[0][0] >= 2 else None),
]
OPS_BY_NAME = {op.name: op for op in OPS}


# ----------------------------------------------------------------------- programs

@dataclass
class Step:
    op: str
    args: tuple  # value names: "x", "v1", ..., "c0", ...
    params: dict


@dataclass
class Program:
    x: onp.ndarray
    consts: dict = field(default_factory=dict)
    steps: list = field(default_factory=list)
    weights: tuple = ()  # (real part, imaginary part) of the random linear functional, or ()
    layout: str = "C"  # how the input is laid out in memory: "C", "F" or "strided" (a view)

    @property
    def input(self):
        """x laid out as the program receives it (a fresh array at every call)."""
        x = onp.array(self.x)
        if self.layout == "F":
            return onp.asfortranarray(x)
        if self.layout == "strided":
            return onp.repeat(x, 2, axis=-1)[..., ::2] if x.ndim else x
        return x

    @property
    def ops(self):
        return {step.op for step in self.steps}

    def line(self, i):
        step = self.steps[i]
        op = OPS_BY_NAME[step.op]
        kw = "".join(f", {k}={_literal(v)}" for k, v in step.params.items() if not k.startswith("_"))
        # string parameters are source fragments (an index expression, a quoted order)
        named = {k: v if isinstance(v, str) else _literal(v) for k, v in step.params.items()}
        return op.template.format(a=step.args[0], b=step.args[1] if len(step.args) > 1 else None,
                                  kw=kw, kw_pos=kw[2:], **named)

    def source(self):
        """The program as a function f(x) of the namespaces np, special, stats, linalg."""
        lines = ["def f(x):"]
        for i in range(len(self.steps)):
            lines.append(f"    v{i + 1} = {self.line(i)}")
        lines.append(f"    return {'v%d' % len(self.steps) if self.steps else 'x'}")
        return "\n".join(lines)

    def repro(self, check=""):
        consts = "".join(f"{name} = {_array_literal(c)}\n" for name, c in self.consts.items())
        return ("import numpy as onp\nimport fastgrad\nimport fastgrad.numpy as np\n"
                "from fastgrad.scipy import special, stats, linalg\n\n"
                f"{consts}x = {_layout_literal(_array_literal(self.x), self.layout)}\n" + self.source() + "\n" + check)


def _literal(v):
    return "np.inf" if isinstance(v, float) and v == onp.inf else repr(v)


def _layout_literal(text, layout):
    if layout == "F":
        return f"onp.asfortranarray({text})"
    if layout == "strided":
        return f"onp.repeat({text}, 2, axis=-1)[..., ::2]  # a strided view"
    return text


def _array_literal(a):
    a = onp.asarray(a)
    dtype = {"float64": "", "float32": ", dtype=onp.float32", "complex128": ", dtype=complex",
             "complex64": ", dtype=onp.complex64"}[a.dtype.name]
    if a.size == 0:
        return f"onp.zeros({a.shape}{dtype})"
    return f"onp.array({a.tolist()!r}{dtype})"


@functools.lru_cache(maxsize=None)
def namespaces():
    """The modules a program's names np, special, stats and linalg stand for, by library
    (autograd's only where it is installed)."""
    import scipy.linalg
    import scipy.special
    import scipy.stats

    import fastgrad.numpy
    import fastgrad.scipy.linalg
    import fastgrad.scipy.special
    import fastgrad.scipy.stats
    out = {"numpy": dict(np=onp, special=scipy.special, stats=scipy.stats, linalg=scipy.linalg),
           "fastgrad": dict(np=fastgrad.numpy, special=fastgrad.scipy.special, stats=fastgrad.scipy.stats,
                            linalg=fastgrad.scipy.linalg)}
    try:
        import autograd.numpy
        import autograd.scipy.linalg
        import autograd.scipy.special
        import autograd.scipy.stats
        out["autograd"] = dict(np=autograd.numpy, special=autograd.scipy.special, stats=autograd.scipy.stats,
                               linalg=autograd.scipy.linalg)
    except ImportError:
        pass
    return out


def compile_program(program, ns):
    """The program's f on the library ns ("numpy", "fastgrad" or "autograd")."""
    scope = dict(namespaces()[ns], onp=onp, **program.consts)
    exec(program.source(), scope)
    return scope["f"]


def evaluate(program):
    """Every intermediate value on NumPy/SciPy (the reference), or None if the program is
    invalid there (an error, a non-finite or very large value, a value too big to check)."""
    values = {"x": program.input, **program.consts}
    ns = dict(namespaces()["numpy"], onp=onp, **program.consts)
    with warnings.catch_warnings(), onp.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for i in range(len(program.steps)):
            step = program.steps[i]
            op = OPS_BY_NAME[step.op]
            if any(onp.iscomplexobj(values[a]) for a in step.args) and not op.complex or \
                    not onp.iscomplexobj(values[step.args[0]]) and not op.real:
                return None
            try:
                value = eval(_compiled(program.line(i)), ns, values)
            except Exception:
                return None
            value = onp.asarray(value)
            if value.dtype.kind not in "fc" or value.size > MAX_SIZE or not onp.all(onp.isfinite(value)) \
                    or (value.size and onp.max(onp.abs(value)) > MAX_MAGNITUDE):
                return None
            values[f"v{i + 1}"] = value
    return values


@functools.lru_cache(maxsize=4096)
def _compiled(line):
    return compile(line, "<program>", "eval")


def kink_distance(program, values, singular_only=False):
    """The smallest distance of any step's arguments to that step's kinks (inf if none);
    with singular_only, to the kinks next to which the derivative is unbounded."""
    d = math.inf
    for step in program.steps:
        op = OPS_BY_NAME[step.op]
        if op.kink is not None and (op.kink.singular or not singular_only):
            found = op.kink.distance([values[a] for a in step.args], step.params)
            if found is not None:
                d = min(d, found)
    return d


def pieces(program, x):
    """The smooth piece every kinked step lies on when the program runs at x (None if it
    is invalid there)."""
    values = evaluate(replace(program, x=onp.asarray(x, dtype=program.x.dtype)))
    if values is None:
        return None
    out = []
    for step in program.steps:
        op = OPS_BY_NAME[step.op]
        if op.kink is not None and op.kink.piece is not None:
            out.extend(op.kink.piece([values[a] for a in step.args], step.params))
    return out


def same_pieces(a, b):
    return a is not None and b is not None and len(a) == len(b) and all(
        onp.shape(u) == onp.shape(v) and onp.array_equal(u, v) for u, v in zip(a, b))


# ----------------------------------------------------------------------- generation

SHAPES = [(), (), (0,), (1,), (3,), (4,), (2, 3), (3, 3), (3, 1), (1, 3), (0, 3), (2, 0), (2, 1, 3), (2, 2, 2)]
DTYPES = ["float64"] * 6 + ["float32"] * 2 + ["complex128"]


def _values(rng, shape, dtype):
    """Normal values, sometimes with exact zeros, ties or small integers among them."""
    v = rng.standard_normal(shape)
    kind = rng.random()
    if kind < 0.15:
        v = onp.where(rng.random(shape) < 0.4, 0.0, v)
    elif kind < 0.3 and v.size > 1:
        v.ravel()[1::2] = v.ravel()[0]
    elif kind < 0.4:
        v = rng.integers(-2, 3, shape).astype(float)
    if dtype == "complex128":
        v = v + 1j * rng.standard_normal(shape)
    return onp.asarray(v, dtype=dtype)


def generate(rng):
    """A random program of 3 to 8 steps with a random input, valid on NumPy/SciPy."""
    dtype = DTYPES[rng.integers(len(DTYPES))]
    x = _values(rng, SHAPES[rng.integers(len(SHAPES))], dtype)
    layout = ["C"] * 6 + ["F", "strided"]
    program = Program(x, layout=layout[rng.integers(len(layout))] if x.ndim >= 2 else "C")
    values = {"x": x}
    length = int(rng.integers(3, 9))
    attempts = 0
    while len(program.steps) < length and attempts < 200:
        attempts += 1
        op = OPS[rng.integers(len(OPS))]
        names = [n for n in values if n.startswith(("x", "v"))]
        first = names[-1] if rng.random() < 0.75 else names[rng.integers(len(names))]
        a = values[first]
        if onp.iscomplexobj(a) and not op.complex or not onp.iscomplexobj(a) and not op.real:
            continue
        params = op.sample(rng, [a.shape])
        if not isinstance(params, dict):  # None (or False from a chained test): does not apply
            continue
        params = dict(params)
        args = [first]
        consts = dict(program.consts)
        if op.arity == 2:
            bshape = params.pop("_bshape", None)
            if bshape is None and rng.random() < 0.5:
                args.append(names[rng.integers(len(names))])
            else:
                if bshape is None:
                    bshape = [(), a.shape, a.shape[-1:], tuple(1 if rng.random() < 0.5 else d for d in a.shape)][
                        rng.integers(4)]
                name = f"c{len(consts)}"
                consts[name] = _values(rng, bshape, "float64" if dtype == "complex128" else dtype)
                args.append(name)
        candidate = replace(program, consts=consts, steps=program.steps + [Step(op.name, tuple(args), params)])
        new = evaluate(candidate)
        if new is None:
            continue
        program, values = candidate, new
    y = values[f"v{len(program.steps)}"] if program.steps else x
    w = rng.standard_normal(y.shape)
    # weights of the output's real dtype, so that scalarising does not promote float32
    real = onp.real(y).dtype
    program.weights = (w.astype(real), rng.standard_normal(y.shape).astype(real)) if onp.iscomplexobj(y) \
        else (w.astype(real),)
    return program if program.steps else None


# ----------------------------------------------------------------------- checks

@dataclass
class Failure:
    check: str
    message: str


class Checker:
    """Runs one program through every operator and records disagreements."""

    def __init__(self, program):
        import fastgrad

        self.fastgrad = fastgrad
        self.program = program
        self.failures = []
        self.counts = {}  # how often each comparison with a reference could be made
        self.smooth = False
        self.fd_noise = 0.0
        self.values = evaluate(program)

    def fail(self, check, message):
        self.failures.append(Failure(check, message))

    def compare(self, check, got, want, tol, scale=None, atol=0.0):
        """got agrees with want entrywise, relative to the entry and to the largest entry
        (scale). Outside smooth programs an infinite derivative meets zeros and
        propagates as NaN in one mode and 0 in another: non-finite entries are skipped."""
        got, want = onp.asarray(got), onp.asarray(want)
        if got.shape != want.shape:
            return self.fail(check, f"shape {got.shape}, expected {want.shape}")
        if got.size == 0:
            return
        finite = onp.isfinite(want)
        if not self.smooth:
            finite &= onp.isfinite(got)
        scale = _scale(want) if scale is None else scale
        with onp.errstate(all="ignore"):
            err = onp.where(finite, onp.abs(got - want), 0.0)
            err = onp.where(onp.isnan(err) & finite, onp.inf, err)
        if self.program.x.dtype == onp.float32:
            # float32 rounding of sums that cancel (a softmax summed to 1) leaves about
            # 1e-7 of the terms' size where the exact derivative is 0
            atol = max(atol, 1e-5 * max(1.0, scale))
        bound = tol * (onp.abs(onp.where(finite, want, 0)) + 1e-3 * scale + 1e-5) + atol
        bad = ~(err <= bound)
        if onp.any(bad):
            i = onp.unravel_index(onp.argmax(onp.where(bad, err / bound, 0)), err.shape)
            self.fail(check, f"at {tuple(int(k) for k in i)}: got {got[i]!r}, expected {want[i]!r} "
                             f"(max |error| {onp.max(err):.3g}, scale {scale:.3g})")

    def owned(self, check, result, others=()):
        """The result is a writable array of its own: no alias of the input or of other results."""
        arr = result
        if not isinstance(arr, onp.ndarray):
            return
        if not arr.flags.writeable:
            self.fail(check + " writable", f"read-only result of shape {arr.shape}")
        for name, other in [("x", self.x), *others]:
            if isinstance(other, onp.ndarray) and arr.size and onp.shares_memory(arr, other):
                self.fail(check + " aliasing", f"result shares memory with {name}")

    def guarded(self, check, fn):
        try:
            with warnings.catch_warnings(), onp.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                return fn()
        except Exception as e:  # a crash is a failure of that check
            # except at a kink where the derivative does not exist and the error says so
            # (eigenvectors of a repeated eigenvalue)
            if self.smooth or type(e).__name__ != "LinAlgError":
                self.fail(check + " raises", f"{type(e).__name__}: {e}"[:300])
            return None

    def run(self):
        p = self.program
        if self.values is None:
            return self.failures
        fg = self.fastgrad
        f = compile_program(p, "fastgrad")
        x = self.x = p.input
        y_ref = self.values[f"v{len(p.steps)}"]
        single = x.dtype == onp.float32
        tol = 2e-3 if single else 1e-7
        smooth = self.smooth = kink_distance(p, self.values) > KINK_MARGIN
        # Next to a pole of the derivative (sqrt, angle, a rank drop of pinv) even the
        # modes' agreement with each other is lost to rounding: nothing is compared.
        if kink_distance(p, self.values, singular_only=True) <= KINK_MARGIN:
            return self.failures

        y = self.guarded("value", lambda: f(x))
        if y is None:
            return self.failures
        self.compare("value", y, y_ref, 1e-12 if not single else 1e-4)
        if onp.asarray(y).dtype != onp.asarray(y_ref).dtype:
            self.fail("value dtype", f"{onp.asarray(y).dtype}, NumPy gives {y_ref.dtype}")

        weights = p.weights
        np_ = namespaces()["fastgrad"]["np"]

        def scalar(fun, ns):
            def s(z):
                out = fun(z)
                total = ns.sum(weights[0] * ns.real(out))
                return total + ns.sum(weights[1] * ns.imag(out)) if len(weights) > 1 else total
            return s

        if onp.iscomplexobj(x):
            return self.run_complex(f, scalar, smooth)

        # the jacobian in every mode, chunked too: all agree
        jac = {}
        for label, kw in [("auto", {}), ("fwd", {"mode": "fwd"}), ("rev", {"mode": "rev"}),
                          ("fwd chunk 2", {"mode": "fwd", "chunk_size": 2}),
                          ("rev chunk 1", {"mode": "rev", "chunk_size": 1})]:
            J = self.guarded(f"jacobian {label}", lambda: fg.jacobian(f, **kw)(x))
            if J is None:
                continue
            J = onp.asarray(J)
            want_shape = onp.shape(y_ref) + x.shape
            if J.shape != want_shape:
                self.fail(f"jacobian {label} shape", f"{J.shape}, expected {want_shape}")
                continue
            if single and y_ref.dtype == onp.float32 and J.dtype != onp.float32:
                self.fail(f"jacobian {label} dtype", f"{J.dtype} from float32")
            self.owned(f"jacobian {label}", J, [(k, v) for k, v in jac.items()])
            jac[label] = J
        if not jac:
            return self.failures
        J = jac.get("rev", next(iter(jac.values())))
        for label, other in jac.items():
            self.compare(f"jacobian {label} vs rev", other, J, 1e-3 if single else 1e-8)
        jscale = _scale(J)
        n_out = J.size // max(x.size, 1) if x.size else onp.size(y_ref)
        J2 = J.reshape(n_out, x.size)

        x64 = x.astype(onp.float64)
        fd = None
        if smooth and (not single or self.resolved_in_single(f, y, x64)):
            # differences of fastgrad's own values: SciPy's are not always smooth at the
            # 1e-9 level (beta(65000, 0.5) switches between approximations)
            fd = self.finite_differences(lambda z: onp.asarray(f(z), dtype=complex if onp.iscomplexobj(y_ref)
                                                              else float), x64)
            unchecked = onp.ones(J2.shape, bool)
            if fd is not None:
                fd_J, agree = fd[0].reshape(J2.shape), fd[1].reshape(J2.shape)
                self.compare_masked("jacobian vs finite differences", J2, fd_J, agree, 1e-2 if single else 1e-5)
                unchecked = ~agree
            ag = self.autograd(lambda agmod, f_ag: agmod.jacobian(f_ag)(x64))
            if ag is not None and onp.shape(ag) == J.shape:
                self.compare_masked("jacobian vs autograd", J2, ag.reshape(J2.shape), unchecked,
                                    1e-2 if single else 1e-7, scale=jscale)

        # grad of the scalarised program
        s = scalar(f, np_)
        g = self.guarded("grad", lambda: fg.grad(s)(x))
        w_flat = weights[0].ravel().astype(complex) + (1j * weights[1].ravel() if len(weights) > 1 else 0)
        want_g = onp.real(w_flat.conj() @ J2.astype(complex)).reshape(x.shape) if x.size else onp.zeros(x.shape)
        if g is not None:
            g_arr = onp.asarray(g)
            # the input's dtype, whatever the program computed in (docs/complex.md)
            want_dtype = x.dtype
            if g_arr.dtype != want_dtype:
                self.fail("grad dtype", f"{g_arr.dtype} from {x.dtype} (output {y_ref.dtype})")
            self.compare("grad vs jacobian", g_arr, want_g, tol, scale=jscale)
            self.owned("grad", g)
            g2 = self.guarded("grad", lambda: fg.grad(s)(x))
            if isinstance(g2, onp.ndarray) and isinstance(g, onp.ndarray) and g.size and onp.shares_memory(g, g2):
                self.fail("grad aliasing", "two calls return the same memory")
            vg = self.guarded("value_and_grad", lambda: fg.value_and_grad(s)(x))
            if vg is not None:
                if onp.asarray(vg[1]).dtype != g_arr.dtype:
                    self.fail("value_and_grad dtype", f"{onp.asarray(vg[1]).dtype}, grad gives {g_arr.dtype}")
                self.compare("value_and_grad vs grad", vg[1], g_arr, 1e-12 if not single else 1e-6)
                self.owned("value_and_grad", vg[1], [("grad", g)])

        # make_jvp and make_vjp against the jacobian
        rng = onp.random.default_rng(len(p.steps))
        v = rng.standard_normal(x.shape).astype(x.dtype)
        out = self.guarded("make_jvp", lambda: fg.make_jvp(f)(x)(v))
        if out is not None:
            self.compare("make_jvp vs jacobian", out[1], (J2 @ v.ravel()).reshape(onp.shape(y_ref)), tol,
                         scale=jscale * (onp.max(onp.abs(v)) if v.size else 1) * max(x.size, 1))
            self.owned("make_jvp", out[1], [("v", v)])
        u = rng.standard_normal(onp.shape(y_ref)).astype(y_ref.dtype)
        out = self.guarded("make_vjp", lambda: fg.make_vjp(f)(x))
        if out is not None:
            vjp = self.guarded("make_vjp", lambda: out[0](u))
            if vjp is not None:
                want = onp.real(u.ravel().conj() @ J2.astype(complex)).reshape(x.shape) \
                    if onp.iscomplexobj(y_ref) else (u.ravel() @ J2).reshape(x.shape)
                self.compare("make_vjp vs jacobian", vjp, want, tol, scale=jscale * max(u.size, 1))
                self.owned("make_vjp", vjp, [("u", u)])

        if single:
            return self.failures  # second order in float32 is too noisy to compare
        # hessian, and the nested operators against it
        H = self.guarded("hessian", lambda: fg.hessian(s)(x))
        if H is None:
            return self.failures
        H = onp.asarray(H)
        if H.shape != x.shape * 2:
            self.fail("hessian shape", f"{H.shape}, expected {x.shape * 2}")
            return self.failures
        self.owned("hessian", H)
        H2 = H.reshape(x.size, x.size)
        hscale = _scale(H2)
        self.compare("hessian symmetric", H2, H2.T, 1e-8, scale=hscale)
        H_chunked = self.guarded("hessian chunk 1", lambda: fg.hessian(s, chunk_size=1)(x))
        if H_chunked is not None:
            self.compare("hessian chunk 1 vs hessian", H_chunked, H, 1e-9, scale=hscale)
        if smooth and x.size:
            grad_fd = self.finite_differences(lambda z: onp.asarray(fg.grad(s)(z), dtype=float), x64)
            unchecked = onp.ones(H2.shape, bool)
            if grad_fd is not None:
                agree = grad_fd[1].reshape(x.size, x.size).T
                self.compare_masked("hessian vs finite differences of grad", H2,
                                    grad_fd[0].reshape(x.size, x.size).T, agree, 1e-5)
                unchecked = ~agree
            ag = self.autograd(lambda agmod, f_ag: agmod.hessian(scalar(f_ag, namespaces()["autograd"]["np"]))(x64))
            if ag is not None and onp.shape(ag) == H.shape:
                self.compare_masked("hessian vs autograd", H2, ag.reshape(H2.shape), unchecked, 1e-6, scale=hscale)
        hv = (H2 @ v.ravel()).reshape(x.shape)
        hvscale = hscale * (onp.max(onp.abs(v)) if v.size else 1) * max(x.size, 1)
        rev_fwd = self.guarded("grad of make_jvp", lambda: fg.grad(lambda z: fg.make_jvp(s)(z)(v)[1])(x))
        if rev_fwd is not None:
            self.compare("grad of make_jvp vs hessian", rev_fwd, hv, 1e-7, scale=hvscale)
        fwd_rev = self.guarded("make_jvp of grad", lambda: fg.make_jvp(fg.grad(s))(x)(v)[1])
        if fwd_rev is not None:
            self.compare("make_jvp of grad vs hessian", fwd_rev, hv, 1e-7, scale=hvscale)
        return self.failures

    def run_complex(self, f, scalar, smooth):
        """Complex input: the gradient of a real scalar is df/da - i df/db (autograd's convention)."""
        fg = self.fastgrad
        x = self.x = self.program.input
        # one convention in every mode: the jacobians agree with each other
        jac = {}
        for label, kw in [("fwd", {"mode": "fwd"}), ("rev", {"mode": "rev"}), ("auto", {}),
                          ("rev chunk 1", {"mode": "rev", "chunk_size": 1})]:
            J = self.guarded(f"complex jacobian {label}", lambda: fg.jacobian(f, **kw)(x))
            if J is not None:
                jac[label] = onp.asarray(J)
        if "rev" in jac:
            for label, J in jac.items():
                self.compare(f"complex jacobian {label} vs rev", J, jac["rev"], 1e-8)
        s = scalar(f, namespaces()["fastgrad"]["np"])
        g = self.guarded("complex grad", lambda: fg.grad(s)(x))
        if g is None:
            return self.failures
        if onp.asarray(g).dtype != x.dtype or onp.shape(g) != x.shape:
            self.fail("complex grad dtype", f"{onp.asarray(g).dtype}{onp.shape(g)} from {x.dtype}{x.shape}")
        self.owned("complex grad", g)
        if not smooth:
            return self.failures
        s_plain = scalar(f, onp)
        re = self.finite_differences(lambda z: onp.asarray(s_plain(z), dtype=float), x.real.copy(),
                                     shift=lambda z, d: z + d + 1j * x.imag)
        im = self.finite_differences(lambda z: onp.asarray(s_plain(z), dtype=float), x.imag.copy(),
                                     shift=lambda z, d: x.real + 1j * (z + d))
        unchecked = onp.ones(x.size, bool)
        if re is not None and im is not None:
            want = (re[0] - 1j * im[0]).reshape(x.shape)
            agree = (re[1] & im[1]).ravel()
            self.compare_masked("complex grad vs finite differences", onp.asarray(g).ravel(), want.ravel(), agree, 1e-5)
            unchecked = ~agree
        ag = self.autograd(lambda agmod, f_ag: agmod.grad(scalar(f_ag, namespaces()["autograd"]["np"]))(x))
        if ag is not None and onp.shape(ag) == x.shape:
            self.compare_masked("complex grad vs autograd", onp.asarray(g).ravel(), ag.ravel(), unchecked, 1e-7)
        return self.failures

    def resolved_in_single(self, f, y, x64):
        """Whether the float32 program computes its value to float32's precision, so that its
        derivative may be held to the float64 one at the same point: where rounding an
        intermediate to float32 moves the value itself (arctanh(cos(v)) for v = 4e-4, whose
        cosine float32 rounds to 1 - 6e-8), the derivative moves with it, and only the modes'
        agreement with each other is compared."""
        try:
            with warnings.catch_warnings(), onp.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                y64 = onp.asarray(f(x64))
        except Exception:
            return False
        y = onp.asarray(y)
        if y64.shape != y.shape:
            return False
        bound = 1e-4 * (onp.abs(y64) + _scale(y64))
        return bool(onp.all(onp.abs(y - y64) <= bound))

    def finite_differences(self, fun, x, shift=None):
        """Central differences at two steps: (jacobian with inputs last, mask of entries where
        the two steps agree), or None if the function fails near x."""
        plain_shift = shift or (lambda z, d: z + d)

        def shift(z, d):
            # the perturbed input keeps the program's memory layout (order='K' reads it)
            return replace(self.program, x=plain_shift(z, d)).input
        cols, crossed = [], []
        try:
            with warnings.catch_warnings(), onp.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                base = fun(shift(x, onp.zeros_like(x)))
                base_pieces = pieces(self.program, shift(x, onp.zeros_like(x)))
                for j in range(x.size):
                    col, same = [], True
                    for h in FD_STEPS:
                        step = h * max(1.0, abs(float(x.ravel()[j])))
                        d = onp.zeros(x.size)
                        d[j] = step
                        d = d.reshape(x.shape)
                        hi, lo = fun(shift(x, d)), fun(shift(x, -d))
                        if hi.shape != base.shape or lo.shape != base.shape:
                            return None
                        col.append(((hi - lo) / (2 * step)).ravel())
                        same = same and all(same_pieces(base_pieces, pieces(self.program, shift(x, sign * d)))
                                            for sign in (1, -1))
                    cols.append(col)
                    crossed.append(not same)
        except Exception:
            return None
        if not cols:
            return None
        first = onp.stack([c[0] for c in cols], axis=-1)
        second = onp.stack([c[1] for c in cols], axis=-1)
        first[..., onp.array(crossed)] = onp.nan
        # rounding in f(x + h) - f(x - h) leaves about err |f| / h in every entry, where err
        # is the relative error of f's evaluation: 1e-14 for special functions, about 1e-7
        # per operation in float32
        noise = 1e-5 if self.program.x.dtype == onp.float32 else 1e-8
        self.fd_noise = noise * (1.0 + float(onp.max(onp.abs(base), initial=0.0)))
        agree = onp.abs(first - second) <= 1e-6 * onp.abs(second) + self.fd_noise
        return second, agree & onp.isfinite(second)

    def compare_masked(self, check, got, want, mask, tol, scale=None):
        """compare() on the entries where mask holds (finite differences that two steps
        agree on; autograd where finite differences could not decide)."""
        if not onp.any(mask):
            return
        self.counts[check] = self.counts.get(check, 0) + 1
        got = onp.where(mask, got, 0)
        want = onp.where(mask, want, 0)
        self.compare(check, got, want, tol, scale=scale, atol=self.fd_noise)

    def autograd(self, fn):
        """autograd's answer, or None where autograd raises or gives a non-finite value."""
        if "autograd" not in namespaces():
            return None
        import autograd as agmod
        try:
            f_ag = compile_program(self.program, "autograd")
            with warnings.catch_warnings(), onp.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                out = onp.asarray(fn(agmod, f_ag))
        except Exception:
            return None
        return out if out.dtype.kind in "fc" and onp.all(onp.isfinite(out)) else None


def _scale(a):
    """The largest finite magnitude in a (0 if none)."""
    a = onp.abs(onp.asarray(a))
    return float(onp.max(a[onp.isfinite(a)], initial=0.0))


def check(program):
    return Checker(program).run()


# ----------------------------------------------------------------------- shrinking

def _without_step(program, i):
    """Drop step i; later uses of its value use its first argument instead."""
    removed = f"v{i + 1}"
    rename = {removed: program.steps[i].args[0]}
    for k in range(i + 1, len(program.steps)):
        rename[f"v{k + 1}"] = f"v{k}"
    steps = [replace(s, args=tuple(rename.get(a, a) for a in s.args))
             for k, s in enumerate(program.steps) if k != i]
    return replace(program, steps=steps)


def _truncated(program, n):
    return replace(program, steps=program.steps[:n])


def _candidates(program):
    for n in range(1, len(program.steps)):
        yield _truncated(program, n)
    for i in range(len(program.steps)):
        yield _without_step(program, i)
    x = program.x
    for axis in range(x.ndim):
        if x.shape[axis] > 1:
            yield replace(program, x=onp.take(x, range(x.shape[axis] - 1), axis=axis))
            yield replace(program, x=onp.take(x, [0], axis=axis))
    for simple in (onp.round(x, 1), onp.round(x), onp.ones_like(x), onp.zeros_like(x)):
        if not onp.array_equal(simple, x):
            yield replace(program, x=simple.astype(x.dtype))
    for name, c in program.consts.items():
        for simple in (onp.round(c, 1), onp.ones_like(c)):
            if not onp.array_equal(simple, c):
                yield replace(program, consts={**program.consts, name: simple.astype(c.dtype)})


def _with_weights(program, ones=False):
    """The program with weights fitting its output (shrinking may change the output):
    its own when they fit and ones are not asked for, else ones."""
    values = evaluate(program)
    if values is None or not program.steps:
        return None
    y = values[f"v{len(program.steps)}"]
    real = onp.real(y).dtype
    w = (onp.ones(y.shape, real),) + ((onp.ones(y.shape, real),) if onp.iscomplexobj(y) else ())
    if not ones and len(program.weights) == len(w) and program.weights[0].shape == y.shape:
        return program
    return replace(program, weights=w)


def _unused_constants(program):
    used = {a for step in program.steps for a in step.args}
    return replace(program, consts={k: v for k, v in program.consts.items() if k in used})


def shrink(program, failure, budget=150):
    """The smallest variant of program that still fails the same check."""
    best = _with_weights(program, ones=True)
    if best is None or not any(f.check == failure.check for f in check(best)):
        best = program
    improved = True
    while improved and budget > 0:
        improved = False
        for candidate in _candidates(best):
            budget -= 1
            if budget <= 0:
                break
            candidate = _with_weights(candidate)
            if candidate is None:
                continue
            found = [f for f in check(candidate) if f.check == failure.check]
            if found:
                best, failure, improved = candidate, found[0], True
                break
    return _unused_constants(best), failure


def report(program, failure):
    """A failure as a runnable reproduction."""
    w = program.weights
    weights = f"w = {_array_literal(w[0])}\n" + (f"w_imag = {_array_literal(w[1])}\n" if len(w) > 1 else "")
    return (f"{failure.check}: {failure.message}\n\n" + program.repro(weights) +
            "\n# scalarised as np.sum(w * np.real(f(x)))" + (" + np.sum(w_imag * np.imag(f(x)))" if len(w) > 1 else "")
            + "\n")
