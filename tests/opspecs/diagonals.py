"""Records for fastgrad/numpy/diagonals.py."""

import fastgrad.numpy as np

from . import OpSpec

SPECS = [
    OpSpec("diagonal", np.diagonal, shapes=[((3, 4),), ((4, 3),)], kwargs=[{}, {"offset": 1}, {"offset": -2}],
           complex=True,
           rejects={"0d": "NumPy: diag requires an array of at least two dimensions"}),
    OpSpec("diagonal_axes", lambda x: np.diagonal(x, 1, axis1=2, axis2=0), shapes=[((3, 2, 4),)],
           rejects={"0d": "NumPy: diag requires an array of at least two dimensions"}),
    OpSpec("diagonal_method", lambda x: x.diagonal(), shapes=[((3, 3),)],
           rejects={"0d": "NumPy: diag requires an array of at least two dimensions"}),
    OpSpec("trace", np.trace, shapes=[((3, 4),), ((2, 3, 3),)], kwargs=[{}, {"offset": -1}], complex=True,
           rejects={"0d": "NumPy: diag requires an array of at least two dimensions"}),
    OpSpec("trace_method", lambda x: x.trace(axis1=1, axis2=2), shapes=[((2, 3, 3),)],
           rejects={"0d": "NumPy: diag requires an array of at least two dimensions"}),
    OpSpec("diag", np.diag, shapes=[((3,),), ((3, 4),)], kwargs=[{}, {"k": 1}, {"k": -2}], complex=True,
           rejects={"0d": "NumPy: Input must be 1- or 2-d"}),
    OpSpec("diagflat", np.diagflat, shapes=[((2, 2),)], kwargs=[{}, {"k": -1}]),
    OpSpec("tril", np.tril, shapes=[((3, 4),), ((2, 3, 3),)], kwargs=[{}, {"k": 1}, {"k": -1}], complex=True,
           rejects={"0d": "NumPy: tri() missing 1 required positional argument: 'N'"}),
    OpSpec("triu", np.triu, shapes=[((3, 4),), ((2, 3, 3),)], kwargs=[{}, {"k": 1}, {"k": -1}], complex=True,
           rejects={"0d": "NumPy: tri() missing 1 required positional argument: 'N'"}),
]

NONDIFFERENTIABLE = {
    "diag_indices_from": "indices: integer output",
    "tril_indices_from": "indices: integer output",
    "triu_indices_from": "indices: integer output",
    "fill_diagonal": "writes into an array in place; plain arrays only (traced values are immutable)",
}
