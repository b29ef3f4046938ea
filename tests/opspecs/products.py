"""Records for fastgrad/numpy/products.py."""

import fastgrad.numpy as np

from . import OpSpec

SPECS = [
    OpSpec("matmul", np.matmul, shapes=[((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
                                        ((2, 3, 4), (4, 2)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (3, 4, 2))],
           complex=True),
    OpSpec("matmul_operator", lambda a, b: a @ b, shapes=[((3, 4), (4,))]),
    OpSpec("dot", np.dot, shapes=[((3, 4), (4, 2)), ((4,), (4,)), ((), (3,)), ((2, 3, 4), (4,)),
                                  ((3, 4), (2, 4, 5))], complex=True),
    OpSpec("tensordot", lambda a, b: np.tensordot(a, b, axes=([1, 0], [0, 2])), shapes=[((3, 4, 2), (4, 5, 3))]),
    OpSpec("tensordot_int", lambda a, b: np.tensordot(a, b, 1), shapes=[((3, 4), (4, 2))]),
    OpSpec("einsum_matmul", lambda a, b: np.einsum("ij,jk->ik", a, b), shapes=[((3, 4), (4, 2))], complex=True,
           covers=("einsum",)),
    OpSpec("einsum_implicit", lambda a, b: np.einsum("ij,jk", a, b), shapes=[((3, 4), (4, 2))]),
    OpSpec("einsum_trace", lambda a: np.einsum("ii->", a), shapes=[((3, 3),)]),
    OpSpec("einsum_diag", lambda a: np.einsum("ii->i", a), shapes=[((3, 3),)]),
    OpSpec("einsum_sum_out", lambda a, b: np.einsum("ij,j->i", a, b), shapes=[((3, 4), (4,))]),
    OpSpec("einsum_reduce_only", lambda a: np.einsum("ij->i", a), shapes=[((3, 4),)]),
    OpSpec("einsum_ellipsis", lambda a, b: np.einsum("...ij,...jk->...ik", a, b),
           shapes=[((2, 3, 4), (2, 4, 2)), ((2, 3, 4), (4, 2))]),
    OpSpec("einsum_three", lambda a, b, c: np.einsum("i,ij,j->", a, b, c), shapes=[((3,), (3, 4), (4,))]),
    OpSpec("outer", np.outer, shapes=[((3,), (4,)), ((2, 2), (3,))]),
    OpSpec("inner", np.inner, shapes=[((3,), (3,)), ((2, 3), (4, 3))]),
    OpSpec("vdot", np.vdot, shapes=[((3,), (3,)), ((2, 2), (4,))], complex=True),
    OpSpec("kron", np.kron, shapes=[((2, 3), (3, 2)), ((2,), (3,))]),
]
