"""Products: matmul and einsum are the primitives; dot, tensordot, inner, outer,
vdot and kron are composed from them and elementwise operations.

Both primitives are linear in each operand: the JVP puts the tangent in the
operand's place, the VJP contracts the cotangent with the other operands.
matmul also absorbs a symbolic diagonal seed (`W @ diag(d)` is `W * d`), which
is what makes the jacobian of `f(W @ x)` cost no matrix product.
"""

import numpy as _np
import string

from .._shapes import ndim_of, shape_of
from ..base import DENSE, MATERIALISES, Diagonal, defrules, lift, RulesByArgnum, sum_to_shape, unbroadcast
from ..engine import Primitive
from ._plain import contains_box, numpy_when_plain
from .creation import array
from .elementwise import conj, multiply
from .shape import broadcast_to, ravel, reshape, swapaxes, transpose


__all__ = [
    "matmul",
    "einsum",
    "tensordot",
    "dot",
    "inner",
    "outer",
    "vdot",
    "kron",
]


# ---------------------------------------------------------------- matmul
def _as_matrices(a, b):
    """Shapes with 1-D operands promoted as matmul promotes them (row, column)."""
    sa, sb = shape_of(a), shape_of(b)
    return (((1,) + sa) if len(sa) == 1 else sa), ((sb + (1,)) if len(sb) == 1 else sb)


def _matmul(a, b):
    return _np.matmul(a, b)


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _product(left, right):
    """left @ right where one side carries batch (and stack) axes and the other is one
    matrix: folded into a single matrix product rather than a loop over the batch of
    matrix-vector products, which is what a batch of tangents of a vector would be."""
    ls, rs = shape_of(left), shape_of(right)
    # (sizes spelled out rather than -1, which an empty stack would leave undetermined)
    if len(rs) == 2 and len(ls) > 2:
        out = matmul(reshape(left, (_prod(ls[:-1]), ls[-1])), right)
        return reshape(out, ls[:-1] + (rs[-1],))
    if len(ls) == 2 and len(rs) > 2:
        # left @ right = (right^T @ left^T)^T, with right^T folded the same way.
        flipped = matmul(reshape(swapaxes(right, -1, -2), (_prod(rs[:-2]) * rs[-1], rs[-2])), transpose(left))
        return swapaxes(reshape(flipped, rs[:-2] + (rs[-1], ls[0])), -1, -2)
    return matmul(left, right)


def _matmul_jvp_a(t, ans, a, b):
    k = shape_of(t)[0]
    sa, sb = _as_matrices(a, b)
    out = _product(lift(reshape(t, (k,) + sa), len(_np.broadcast_shapes(sa[:-2], sb[:-2])) + 2),
                  reshape(b, sb))
    return reshape(out, (k,) + shape_of(ans))


def _matmul_jvp_b(t, ans, a, b):
    k = shape_of(t)[0]
    sa, sb = _as_matrices(a, b)
    out = _product(reshape(a, sa),
                   lift(reshape(t, (k,) + sb), len(_np.broadcast_shapes(sa[:-2], sb[:-2])) + 2))
    return reshape(out, (k,) + shape_of(ans))


def _cotangent_as_matrix(g, a, b):
    k = shape_of(g)[0]
    sa, sb = _as_matrices(a, b)
    return reshape(g, (k,) + _np.broadcast_shapes(sa[:-2], sb[:-2]) + (sa[-2], sb[-1]))


def _matmul_vjp_a(g, ans, a, b):
    sa, sb = _as_matrices(a, b)
    ga = _product(_cotangent_as_matrix(g, a, b), swapaxes(reshape(b, sb), -1, -2))
    ga = sum_to_shape(ga, sa, to_real=not _np.iscomplexobj(a))
    return reshape(ga, (shape_of(g)[0],) + shape_of(a))


def _matmul_vjp_b(g, ans, a, b):
    sa, sb = _as_matrices(a, b)
    gb = _product(swapaxes(reshape(a, sa), -1, -2), _cotangent_as_matrix(g, a, b))
    gb = sum_to_shape(gb, sb, to_real=not _np.iscomplexobj(b))
    return reshape(gb, (shape_of(g)[0],) + shape_of(b))


# A diagonal seed on a vector operand: row j of the batch is d_j e_j, so the
# product keeps one column (or row) of the matrix per batch row, scaled by d_j
# (an identity seed scales nothing: the rows are a view of the matrix).
def _scale_rows(rows, seed):
    d = seed.d
    if isinstance(d, (int, float)) and d == 1:
        return rows
    return rows * reshape(seed.row_values(), (-1,) + (1,) * (ndim_of(rows) - 1))


def _matmul_structured_jvp_b(seed, ans, a, b):
    if type(seed) is not Diagonal or not _keeps_columns(ans, b, a):
        return NotImplemented
    columns = a[seed.start:seed.stop] if ndim_of(a) == 1 else transpose(a[:, seed.start:seed.stop])
    return _scale_rows(columns, seed)


def _matmul_structured_jvp_a(seed, ans, a, b):
    if type(seed) is not Diagonal or not _keeps_columns(ans, a, b):
        return NotImplemented
    return _scale_rows(b[seed.start:seed.stop], seed)


def _matmul_structured_vjp_b(seed, ans, a, b):
    if type(seed) is not Diagonal or ndim_of(b) != 1 or ndim_of(a) != 2:
        return NotImplemented
    return _scale_rows(a[seed.start:seed.stop], seed)


def _matmul_structured_vjp_a(seed, ans, a, b):
    if type(seed) is not Diagonal or ndim_of(a) != 1 or ndim_of(b) != 2:
        return NotImplemented
    return _scale_rows(transpose(b[:, seed.start:seed.stop]), seed)


def _keeps_columns(ans, vector, other):
    """Whether a diagonal seed on the vector operand of a product with a vector or a matrix
    gives the product's tangent as rows of the other operand (x @ w: one entry per row)."""
    return ndim_of(vector) == 1 and ndim_of(other) in (1, 2)


# What each rule above does with a diagonal seed, for the sweep planner (base.KEEPS_DIAGONAL).
_matmul_structured_jvp_a.plan = lambda ans, a, b: DENSE if _keeps_columns(ans, a, b) else MATERIALISES
_matmul_structured_jvp_b.plan = lambda ans, a, b: DENSE if _keeps_columns(ans, b, a) else MATERIALISES
_matmul_structured_vjp_a.plan = lambda ans, a, b: (
    DENSE if ndim_of(a) == 1 and ndim_of(b) == 2 else MATERIALISES)
_matmul_structured_vjp_b.plan = lambda ans, a, b: (
    DENSE if ndim_of(b) == 1 and ndim_of(a) == 2 else MATERIALISES)


matmul = defrules(
    Primitive(_matmul, "matmul"),
    jvp=[_matmul_jvp_a, _matmul_jvp_b],
    vjp=[_matmul_vjp_a, _matmul_vjp_b],
    seed_jvp=[_matmul_structured_jvp_a, _matmul_structured_jvp_b],
    seed_vjp=[_matmul_structured_vjp_a, _matmul_structured_vjp_b],
)


# ---------------------------------------------------------------- einsum
# The primitive takes explicit subscripts of letters only ('ij,jk->ik'): the public
# einsum spells out '...', the implicit output and the sublist form first, so the rules
# below never meet an ellipsis.
_LETTERS = string.ascii_letters


def _fresh(used):
    for c in _LETTERS:
        if c not in used:
            used.add(c)
            return c
    raise ValueError("einsum: no free subscript letter left for the batch axis")


def _split(subscripts):
    ins, out = subscripts.split("->")
    return ins.split(","), out


def _join(ins, out):
    return ",".join(ins) + "->" + out


def _einsum(subscripts, *operands):
    return _np.einsum(subscripts, *operands, optimize=len(operands) > 2)


def _einsum_jvp(argnum):
    def jvp(t, ans, subscripts, *operands):
        ins, out = _split(subscripts)
        batch = _fresh(set(subscripts))
        ins[argnum - 1] = batch + ins[argnum - 1]
        args = list(operands)
        args[argnum - 1] = t
        return einsum_args(_join(ins, batch + out), *args)
    return jvp


def _einsum_vjp(argnum):
    def vjp(g, ans, subscripts, *operands):
        i = argnum - 1
        ins, out = _split(subscripts)
        used = set(subscripts)
        batch = _fresh(used)
        x = operands[i]
        sizes = dict(zip(ins[i], shape_of(x)))
        # A letter repeated in this operand (a diagonal, as in 'ii->i') gets a fresh
        # name for each repeat, tied to the first by an identity matrix.
        seen, target, ties, tie_subs = set(), [], [], []
        for tok in ins[i]:
            if tok in seen:
                new = _fresh(used)
                ties.append(_np.eye(sizes[tok]))
                tie_subs.append(tok + new)
                target.append(new)
            else:
                seen.add(tok)
                target.append(tok)
        other_subs = [s for j, s in enumerate(ins) if j != i]
        present = set("".join([out] + other_subs + tie_subs))
        kept = [tok for tok in target if tok in present]
        result = einsum_args(_join([batch + out] + other_subs + tie_subs, batch + "".join(kept)),
                             g, *[o for j, o in enumerate(operands) if j != i], *ties)
        if len(kept) < len(target):
            # Letters summed only within this operand: the cotangent is constant along them.
            rsizes = dict(zip(kept, shape_of(result)[1:]))
            k = shape_of(result)[:1]
            shape = k + tuple(rsizes[tok] if tok in present else 1 for tok in target)
            full = k + tuple(rsizes[tok] if tok in present else sizes[tok] for tok in target)
            result = broadcast_to(reshape(result, shape), full)
        if shape_of(result)[1:] != shape_of(x):
            # a letter of size 1 in the other operands that x has at full size (NumPy
            # broadcasts labelled axes of size 1): the cotangent is constant along it
            result = broadcast_to(result, shape_of(result)[:1] + _np.broadcast_shapes(shape_of(result)[1:],
                                                                                      shape_of(x)))
        return unbroadcast(result, x)
    return vjp


einsum_args = defrules(
    Primitive(_einsum, "einsum"),
    jvp=RulesByArgnum(_einsum_jvp, first=1),
    vjp=RulesByArgnum(_einsum_vjp, first=1),
)


def _from_sublists(args):
    """NumPy's sublist form, einsum(a, [0, 1], b, [1, 2], [0, 2]): (subscripts, operands)."""
    def letters(sub):
        for v in sub:
            if v is not Ellipsis and not 0 <= int(v) < len(_LETTERS):
                raise ValueError(f"einsum: subscript {v} is outside [0, {len(_LETTERS)})")
        return "".join("..." if v is Ellipsis else _LETTERS[int(v)] for v in sub)
    operands = args[0:len(args) - len(args) % 2:2]
    ins = [letters(sub) for sub in args[1::2][:len(operands)]]
    out = letters(args[-1]) if len(args) % 2 else None
    return ",".join(ins) + ("" if out is None else "->" + out), operands


def _canonical(subscripts, shapes):
    """The subscripts with the output explicit and '...' spelled out in letters of its own,
    aligned on the right across operands as NumPy broadcasts them."""
    subscripts = subscripts.replace(" ", "")
    ins, _, out = subscripts.partition("->")
    ins = ins.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: {len(ins)} operand subscripts for {len(shapes)} operands")
    n_ell = [len(shape) - (len(sub) - 3) if "..." in sub else 0 for sub, shape in zip(ins, shapes)]
    used = set(subscripts)
    ell = [_fresh(used) for _ in range(max(n_ell, default=0))]
    if "->" not in subscripts:
        letters = "".join(ins).replace(".", "")
        out = "..." * ("..." in subscripts) + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    elif ell and "..." not in out:
        raise ValueError("output has more dimensions than subscripts given in einstein sum, but no '...' "
                         "ellipsis provided to broadcast the extra dimensions.")
    ins = [sub.replace("...", "".join(ell[len(ell) - n:]) if n else "") for sub, n in zip(ins, n_ell)]
    return _join(ins, out.replace("...", "".join(ell)))


def einsum(*operands, out=None, optimize=False, **kwargs):
    """NumPy's einsum (subscript string or sublist form); the output is the same shape."""
    if not contains_box(operands):
        return _np.einsum(*operands, out=out, optimize=optimize, **kwargs)
    if isinstance(operands[0], str):
        subscripts, operands = operands[0], operands[1:]
    else:
        subscripts, operands = _from_sublists(operands)
    operands = [array(op) if isinstance(op, (list, tuple)) else op for op in operands]
    return einsum_args(_canonical(subscripts, [shape_of(op) for op in operands]), *operands)


# ---------------------------------------------------------------- composed products
def tensordot(a, b, axes=2):
    """NumPy's tensordot: the axes of a not summed, then those of b; always an array
    (0-d when every axis is summed), as NumPy returns it."""
    if not contains_box((a, b)):
        return _np.tensordot(a, b, axes)
    ans = _tensordot(a, b, axes)
    return ans if ndim_of(ans) else array(ans)


def _tensordot(a, b, axes):
    na, nb = ndim_of(a), ndim_of(b)
    if isinstance(axes, int):
        axes_a, axes_b = list(range(na - axes, na)), list(range(axes))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, int) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, int) else list(axes_b)
    axes_a = [ax % na for ax in axes_a]
    axes_b = [ax % nb for ax in axes_b]
    letters = iter(_LETTERS)
    sa = [next(letters) for _ in range(na)]
    sb = [next(letters) for _ in range(nb)]
    for ia, ib in zip(axes_a, axes_b):
        sb[ib] = sa[ia]
    out = [c for n, c in enumerate(sa) if n not in axes_a] + [c for n, c in enumerate(sb) if n not in axes_b]
    return einsum_args("".join(sa) + "," + "".join(sb) + "->" + "".join(out), a, b)


@numpy_when_plain(_np.dot)
def dot(a, b, out=None):
    if out is not None:
        raise TypeError("fastgrad.numpy.dot does not support out=: it cannot trace writes into an array")
    na, nb = ndim_of(a), ndim_of(b)
    if na == 0 or nb == 0:
        return multiply(a, b)
    if nb <= 2:
        return matmul(a, b)
    return _tensordot(a, b, ([-1], [-2]))


@numpy_when_plain(_np.inner)
def inner(a, b):
    if ndim_of(a) == 0 or ndim_of(b) == 0:
        return multiply(a, b)
    return _tensordot(a, b, ([-1], [-1]))


@numpy_when_plain(_np.outer)
def outer(a, b, out=None):
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


@numpy_when_plain(_np.vdot)
def vdot(a, b):
    return matmul(conj(ravel(a)), ravel(b))


@numpy_when_plain(_np.kron)
def kron(a, b):
    na, nb = ndim_of(a), ndim_of(b)
    nd = max(na, nb)
    a = reshape(a, (1,) * (nd - na) + shape_of(a))
    b = reshape(b, (1,) * (nd - nb) + shape_of(b))
    sa, sb = shape_of(a), shape_of(b)
    # kron(a, b)[i*nb + j] = a[i] b[j] along each axis: an outer product with axes interleaved.
    a_exp = reshape(a, tuple(n for s in sa for n in (s, 1)))
    b_exp = reshape(b, tuple(n for s in sb for n in (1, s)))
    return reshape(a_exp * b_exp, tuple(x * y for x, y in zip(sa, sb)))


