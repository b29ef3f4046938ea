"""Products: matmul and einsum are the primitives; dot, tensordot, inner, outer,
vdot and kron are composed from them and elementwise operations.

Both primitives are linear in each operand: the JVP puts the tangent in the
operand's place, the VJP contracts the cotangent with the other operands.
matmul also absorbs a symbolic diagonal seed (`W @ diag(d)` is `W * d`), which
is what makes the jacobian of `f(W @ x)` cost no matrix product.
"""

import string

import numpy as _np

from ..rules import Primitive, RulesByArgnum, lift, ndim_of, shape_of, sum_to_shape, unbroadcast
from ..seeds import Diagonal

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


def _product(left, right):
    """left @ right where one side carries batch (and stack) axes and the other is one
    matrix: folded into a single matrix product rather than a loop over the batch of
    matrix-vector products, which is what a batch of tangents of a vector would be."""
    ls, rs = shape_of(left), shape_of(right)
    if len(rs) == 2 and len(ls) > 2:
        out = matmul(reshape(left, (-1, ls[-1])), right)
        return reshape(out, ls[:-1] + (rs[-1],))
    if len(ls) == 2 and len(rs) > 2:
        # left @ right = (right^T @ left^T)^T, with right^T folded the same way.
        flipped = matmul(reshape(swapaxes(right, -1, -2), (-1, rs[-2])), transpose(left))
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
    ga = sum_to_shape(ga, sa, real=not _np.iscomplexobj(a))
    return reshape(ga, (shape_of(g)[0],) + shape_of(a))


def _matmul_vjp_b(g, ans, a, b):
    sa, sb = _as_matrices(a, b)
    gb = _product(swapaxes(reshape(a, sa), -1, -2), _cotangent_as_matrix(g, a, b))
    gb = sum_to_shape(gb, sb, real=not _np.iscomplexobj(b))
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
    if type(seed) is not Diagonal or ndim_of(b) != 1 or ndim_of(a) != 2:
        return NotImplemented
    return _scale_rows(transpose(a[:, seed.start:seed.stop]), seed)


def _matmul_structured_jvp_a(seed, ans, a, b):
    if type(seed) is not Diagonal or ndim_of(a) != 1 or ndim_of(b) != 2:
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


matmul = Primitive(_matmul, "matmul")
matmul.jvps.update({0: _matmul_jvp_a, 1: _matmul_jvp_b})
matmul.vjps.update({0: _matmul_vjp_a, 1: _matmul_vjp_b})
matmul.structured_jvps.update({0: _matmul_structured_jvp_a, 1: _matmul_structured_jvp_b})
matmul.structured_vjps.update({0: _matmul_structured_vjp_a, 1: _matmul_structured_vjp_b})


# ---------------------------------------------------------------- einsum
_LETTERS = string.ascii_letters


def _tokens(subs):
    """'ab...c' -> ['a', 'b', '...', 'c']."""
    out, i = [], 0
    while i < len(subs):
        if subs.startswith("...", i):
            out.append("...")
            i += 3
        else:
            out.append(subs[i])
            i += 1
    return out


def _explicit(subscripts):
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        ins, out = subscripts.split("->")
        return ins.split(","), out
    ins = subscripts.split(",")
    counts = {}
    for s in ins:
        for tok in _tokens(s):
            counts[tok] = counts.get(tok, 0) + 1
    out = ("..." if "..." in counts else "") + "".join(
        sorted(c for c, n in counts.items() if n == 1 and c != "..."))
    return ins, out


def _fresh(used):
    for c in _LETTERS:
        if c not in used:
            used.add(c)
            return c
    raise ValueError("einsum: no free subscript letter left for the batch axis")


def _join(ins, out):
    return ",".join(ins) + "->" + out


def _einsum(subscripts, *operands):
    return _np.einsum(subscripts, *operands, optimize=len(operands) > 2)


def _einsum_jvp(argnum):
    def jvp(t, ans, subscripts, *operands):
        ins, out = _explicit(subscripts)
        batch = _fresh(set(subscripts))
        ins = list(ins)
        ins[argnum - 1] = batch + ins[argnum - 1]
        args = list(operands)
        args[argnum - 1] = t
        return einsum_args(_join(ins, batch + out), *args)
    return jvp


def _token_sizes(subs, shape):
    toks = _tokens(subs)
    sizes = {}
    if "..." in toks:
        e = toks.index("...")
        n_ell = len(shape) - (len(toks) - 1)
        for tok, n in zip(toks[:e], shape[:e]):
            sizes[tok] = n
        for tok, n in zip(toks[e + 1:], shape[e + n_ell:]):
            sizes[tok] = n
    else:
        sizes.update(zip(toks, shape))
    return sizes


def _einsum_vjp(argnum):
    def vjp(g, ans, subscripts, *operands):
        i = argnum - 1
        ins, out = _explicit(subscripts)
        used = set(subscripts)
        batch = _fresh(used)
        x = operands[i]
        sizes = _token_sizes(ins[i], shape_of(x))
        # A letter repeated in this operand (a diagonal, as in 'ii->i') gets a fresh
        # name for each repeat, tied to the first by an identity matrix.
        seen, target, ties, tie_subs = set(), [], [], []
        for tok in _tokens(ins[i]):
            if tok != "..." and tok in seen:
                new = _fresh(used)
                ties.append(_np.eye(sizes[tok]))
                tie_subs.append(tok + new)
                target.append(new)
            else:
                seen.add(tok)
                target.append(tok)
        other_subs = [s for j, s in enumerate(ins) if j != i]
        present = set("".join([out] + other_subs + tie_subs)) | ({"..."} if "..." in out else set())
        kept = [tok for tok in target if tok in present]
        result = einsum_args(_join([batch + out] + other_subs + tie_subs, batch + "".join(kept)),
                             g, *[o for j, o in enumerate(operands) if j != i], *ties)
        if len(kept) < len(target):
            # Letters summed only within this operand: the cotangent is constant along them.
            rshape = list(shape_of(result))
            n_ell = len(rshape) - len(kept) if "..." in kept else 0
            shape, full, pos = rshape[:1], rshape[:1], 1
            for tok in target:
                if tok == "...":
                    shape += rshape[pos:pos + n_ell]
                    full += rshape[pos:pos + n_ell]
                    pos += n_ell
                elif tok in kept:
                    shape.append(rshape[pos])
                    full.append(rshape[pos])
                    pos += 1
                else:
                    shape.append(1)
                    full.append(sizes[tok])
            result = broadcast_to(reshape(result, tuple(shape)), tuple(full))
        return unbroadcast(result, x)
    return vjp


einsum_args = Primitive(_einsum, "einsum")
einsum_args.jvps = RulesByArgnum(_einsum_jvp, first=1)
einsum_args.vjps = RulesByArgnum(_einsum_vjp, first=1)


def einsum(subscripts, *operands, optimize=False, **kwargs):
    if not isinstance(subscripts, str):
        raise TypeError("fastgrad.numpy.einsum takes its subscripts as a string")
    ins, out = _explicit(subscripts)
    return einsum_args(_join(ins, out), *operands)


# ---------------------------------------------------------------- composed products
def tensordot(a, b, axes=2):
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


def dot(a, b, out=None):
    if out is not None:
        raise TypeError("fastgrad.numpy.dot does not support out=: it cannot trace writes into an array")
    na, nb = ndim_of(a), ndim_of(b)
    if na == 0 or nb == 0:
        return multiply(a, b)
    if nb <= 2:
        return matmul(a, b)
    return tensordot(a, b, ([-1], [-2]))


def inner(a, b):
    if ndim_of(a) == 0 or ndim_of(b) == 0:
        return multiply(a, b)
    return tensordot(a, b, ([-1], [-1]))


def outer(a, b, out=None):
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


def vdot(a, b):
    return matmul(conj(ravel(a)), ravel(b))


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


from .elementwise import conj, multiply  # noqa: E402
from .shape import broadcast_to, ravel, reshape, swapaxes, transpose  # noqa: E402
