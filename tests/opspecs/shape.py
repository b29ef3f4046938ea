"""Records for fastgrad/numpy/shape.py."""

import fastgrad.numpy as np

from . import OpSpec


def _c_order(x):
    """x copied into a C-contiguous array (a C-order ravel copies any other layout)."""
    return np.reshape(np.ravel(x), np.shape(x))

SPECS = [
    OpSpec("reshape", lambda x: np.reshape(x, (4, 3)), shapes=[((3, 4),)], complex=True,
           rejects={"size0": "NumPy: cannot reshape array of size 0 into shape (4,3)",
                    "size1": "NumPy: cannot reshape array of size 4 into shape (4,3)"}),
    OpSpec("reshape_F", lambda x: np.reshape(x, (2, 6), order="F"), shapes=[((3, 4),)],
           rejects={"size0": "NumPy: cannot reshape array of size 0 into shape (2,6)",
                    "size1": "NumPy: cannot reshape array of size 4 into shape (2,6)"}),
    OpSpec("ravel", np.ravel, shapes=[((3, 4),), ((),)]),
    # order='A' and 'K' follow the memory layout of the value as NumPy does: a C-contiguous
    # input, a Fortran-contiguous view, and a permuted view with a reversed axis. The input
    # is first copied in C order, so each record is one function of its input whatever
    # layout the input comes in.
    OpSpec("reshape_A", lambda x: np.reshape(_c_order(x), (2, 6), order="A"), shapes=[((3, 4),)], covers=("reshape",),
           rejects={"size0": "NumPy: cannot reshape array of size 0 into shape (2,6)",
                    "size1": "NumPy: cannot reshape array of size 4 into shape (2,6)"}),
    OpSpec("reshape_A_fortran", lambda x: np.transpose(_c_order(x)).reshape((2, 6), order="A"), shapes=[((3, 4),)],
           covers=("reshape",),
           rejects={"size0": "NumPy: cannot reshape array of size 0 into shape (2,6)",
                    "size1": "NumPy: cannot reshape array of size 4 into shape (2,6)"}),
    OpSpec("ravel_order", lambda x, **kw: np.ravel(_c_order(x), **kw), shapes=[((3, 4),), ((),)],
           kwargs=[{"order": "A"}, {"order": "K"}], covers=("ravel",)),
    OpSpec("ravel_order_views", lambda x, **kw: np.ravel(np.transpose(_c_order(x), (2, 0, 1))[:, ::-1], **kw),
           shapes=[((2, 3, 4),)], kwargs=[{"order": o} for o in "CFAK"], covers=("ravel",)),
    OpSpec("flatten_order_fortran", lambda x, **kw: np.transpose(_c_order(x)).flatten(**kw), shapes=[((3, 4),)],
           kwargs=[{"order": "A"}, {"order": "K"}], covers=("ravel",)),
    OpSpec("squeeze", np.squeeze, shapes=[((3, 1, 4),), ((1,),)]),
    OpSpec("expand_dims", lambda x: np.expand_dims(x, 1), shapes=[((3, 4),), ((3,),)]),
    OpSpec("atleast_1d", np.atleast_1d, shapes=[((),), ((3,),)]),
    OpSpec("atleast_2d", np.atleast_2d, shapes=[((),), ((3,),)]),
    OpSpec("atleast_3d", np.atleast_3d, shapes=[((),), ((3,),), ((3, 4),)]),
    OpSpec("transpose", np.transpose, shapes=[((3, 4),), ((2, 3, 4),)], complex=True),
    OpSpec("transpose_axes", lambda x: np.transpose(x, (1, 2, 0)), shapes=[((2, 3, 4),)]),
    OpSpec("swapaxes", lambda x: np.swapaxes(x, 0, 2), shapes=[((2, 3, 4),)]),
    OpSpec("moveaxis", lambda x: np.moveaxis(x, 0, -1), shapes=[((2, 3, 4),)]),
    OpSpec("rollaxis", lambda x: np.rollaxis(x, 2), shapes=[((2, 3, 4),)]),
    OpSpec("broadcast_to", lambda x: np.broadcast_to(x, (2, 3, 4)), shapes=[((3, 1),), ((4,),), ((),)],
           rejects={"size0": "NumPy: operands could not be broadcast together with remapped shapes"}),
    OpSpec("broadcast_arrays", lambda x, y: np.broadcast_arrays(x, y), shapes=[((3, 1), (4,))]),
    OpSpec("concatenate", lambda x, y: np.concatenate([x, y], axis=0), shapes=[((2, 3), (4, 3))],
           complex=True),
    OpSpec("concatenate_axis1", lambda x, y, z: np.concatenate([x, y, z], axis=-1),
           shapes=[((2, 1), (2, 3), (2, 2))], diff_args=(0, 2)),
    OpSpec("concatenate_none", lambda x, y: np.concatenate([x, y], axis=None), shapes=[((2, 3), (4,))]),
    OpSpec("stack", lambda x, y: np.stack([x, y], axis=1), shapes=[((3, 4), (3, 4)), ((), ())],
           rejects={"0d": "NumPy: all input arrays must have the same shape"}),
    OpSpec("hstack", lambda x, y: np.hstack([x, y]), shapes=[((3,), (2,)), ((2, 3), (2, 1))],
           rejects={"0d": "NumPy: all the input arrays must have same number of dimensions"}),
    OpSpec("vstack", lambda x, y: np.vstack([x, y]), shapes=[((3,), (3,)), ((2, 3), (1, 3))],
           rejects={"0d": "NumPy: all the input array dimensions except for the concatenation axis"}),
    OpSpec("row_stack", lambda x, y: np.row_stack([x, y]), shapes=[((3,), (3,))],
           rejects={"0d": "NumPy: all the input array dimensions except for the concatenation axis"}),
    OpSpec("dstack", lambda x, y: np.dstack([x, y]), shapes=[((2, 3), (2, 3))],
           rejects={"0d": "NumPy: all the input array dimensions except for the concatenation axis"}),
    OpSpec("column_stack", lambda x, y: np.column_stack([x, y]), shapes=[((3,), (3, 2))]),
    OpSpec("append", lambda x, y: np.append(x, y), shapes=[((2, 3), (2,))]),
    OpSpec("array_of_boxes", lambda x, y: np.array([[x, y], [y, x]]), shapes=[((), ()), ((3,), (3,))],
           covers=("array", "asarray"),
           rejects={"0d": "NumPy: setting an array element with a sequence. The requested array has"}),
    OpSpec("tile", lambda x: np.tile(x, (2, 3)), shapes=[((3,),), ((2, 3),), ((2, 1, 3),)]),
    OpSpec("repeat", lambda x: np.repeat(x, 2, axis=0), shapes=[((3, 2),)]),
    OpSpec("repeat_flat", lambda x: np.repeat(x, [1, 0, 3]), shapes=[((3,),)],
           rejects={"size0": "NumPy: operands could not be broadcast together with shape (0,) (3,)",
                    "size1": "NumPy: operands could not be broadcast together with shape (1,) (3,)"}),
    OpSpec("flip", np.flip, shapes=[((3, 4),)], kwargs=[{}, {"axis": 1}]),
    OpSpec("fliplr", np.fliplr, shapes=[((3, 4),)]),
    OpSpec("flipud", np.flipud, shapes=[((3, 4),)]),
    OpSpec("roll", np.roll, shapes=[((3, 4),), ((5,),)], kwargs=[{"shift": 2}, {"shift": -1, "axis": 0}],
           complex=True),
    OpSpec("roll_axes", lambda x: np.roll(x, (1, -2), axis=(0, 1)), shapes=[((3, 4),)]),
    OpSpec("rot90", np.rot90, shapes=[((3, 4),), ((2, 3, 4),)], kwargs=[{}, {"k": 2}, {"k": 3}, {"k": -1, "axes": (1, 0)}]),
    OpSpec("split", lambda x: np.split(x, 2, axis=1), shapes=[((3, 4),)], complex=True,
           rejects={"size1@4": "NumPy: array split does not result in an equal division"}),
    OpSpec("split_indices", lambda x: np.split(x, [1, 3]), shapes=[((5, 2),)]),
    OpSpec("array_split", lambda x: np.array_split(x, 3), shapes=[((7,),), ((4, 2),)]),
    OpSpec("hsplit", lambda x: np.hsplit(x, 2), shapes=[((4,),), ((3, 4),)],
           rejects={"size1@4": "NumPy: array split does not result in an equal division"}),
    OpSpec("vsplit", lambda x: np.vsplit(x, [1]), shapes=[((3, 4),)]),
    OpSpec("dsplit", lambda x: np.dsplit(x, 2), shapes=[((2, 3, 4),)],
           rejects={"size1@4": "NumPy: array split does not result in an equal division"}),
    OpSpec("unstack", lambda x: np.unstack(x, axis=1), needs=("unstack",), shapes=[((3, 4),)]),
    OpSpec("block", lambda a, b, c: np.block([[a, b], [c]]), shapes=[((2, 2), (2, 3), (1, 5))], complex=True,
           rejects={"size0": "NumPy: all the input array dimensions except for the concatenation axis",
                    "size1": "NumPy: all the input array dimensions except for the concatenation axis"}),
    OpSpec("block_1d", lambda a, b: np.block([a, b, 1.0]), shapes=[((2,), ())]),
    OpSpec("resize", lambda x: np.resize(x, (3, 5)), shapes=[((2, 3),), ((),)]),
    OpSpec("concat", lambda x, y: np.concat([x, y], axis=1), shapes=[((2, 3), (2, 1))],
           rejects={"0d": "NumPy: zero-dimensional arrays cannot be concatenated"}),
    OpSpec("concatenate_args", lambda x, y: np.concatenate_args(0, x, y), shapes=[((2, 3), (1, 3))],
           rejects={"0d": "NumPy: zero-dimensional arrays cannot be concatenated"}),
    OpSpec("permute_dims", lambda x: np.permute_dims(x, (2, 0, 1)), shapes=[((2, 3, 4),)]),
    OpSpec("r_", lambda a, b: np.r_[a, 0:2, b, 5.0], shapes=[((3,), ()), ((2,), (1,))], complex=True),
    OpSpec("c_", lambda a, b: np.c_[a, b], shapes=[((3,), (3,)), ((3, 2), (3,))], complex=True,
           rejects={"0d": "NumPy: all the input array dimensions except for the concatenation axis"}),
    OpSpec("matrix_transpose", np.matrix_transpose, shapes=[((2, 3, 4),)], complex=True),
    OpSpec("astype", lambda x: np.astype(x, np.float32) * 1.0, shapes=[((3,),)], rtol=1e-3, eps=1e-3),
    OpSpec("astype_complex", lambda x: np.real(np.astype(x, complex) * (1 + 2j)), shapes=[((3,),)]),
]

NONDIFFERENTIABLE = {
    name: "builds an array from shapes or plain values; no differentiable input"
    for name in ("zeros", "ones", "empty", "eye", "identity", "arange", "indices", "tri", "zeros_like",
                 "ones_like", "empty_like")
}
NONDIFFERENTIABLE.update({
    name: "a query about an array's type, shape or dtype"
    for name in ("shape", "ndim", "size", "result_type", "iscomplexobj", "isrealobj", "isscalar")
})
