"""Records for fastgrad/numpy/sorting.py. Random inputs have no ties. At a tie a sort has no
derivative, so the *_ties records repeat every value (twice(x) joins x with itself):
derivatives along directions that move the copies together exist, and the choice made
at ties (equal entries share the derivative) must reproduce them. The sharing itself
is checked in tests/test_numpy_values.py."""

import fastgrad.numpy as np

from . import OpSpec


def twice(x, axis=-1):
    return np.concatenate([x, x], axis=axis)


SPECS = [
    OpSpec("sort", np.sort, shapes=[((5,),), ((3, 4),)], kwargs=[{}, {"axis": 0}, {"axis": None}], complex=True,
           rejects={"0d": "NumPy: axis -1 is out of bounds for array of dimension 0"}),
    OpSpec("sort_ties", lambda x, axis=-1: np.sort(twice(x, axis), axis=axis), shapes=[((3, 4),)],
           kwargs=[{}, {"axis": 0}], complex=True,
           rejects={"0d": "NumPy: zero-dimensional arrays cannot be concatenated"}),
    OpSpec("partition", lambda x, **kw: np.partition(x, 2, **kw), shapes=[((6,),), ((3, 5),)],
           kwargs=[{}, {"axis": 0}],
           rejects={"size1@5": "NumPy: kth(=2) out of bounds (1)",
                    "size1@6": "NumPy: kth(=2) out of bounds (1)",
                    "0d": "NumPy: axis -1 is out of bounds for array of dimension 0"}),
    OpSpec("partition_ties", lambda x: np.partition(twice(x), [1, 4], axis=-1), shapes=[((3, 4),)],
           rejects={"size1@4": "NumPy: kth(=4) out of bounds (2)",
                    "0d": "NumPy: zero-dimensional arrays cannot be concatenated"}),
    OpSpec("sort_complex", np.sort_complex, shapes=[((5,),)], complex=True,
           rejects={"0d": "NumPy: axis -1 is out of bounds for array of dimension 0"}),
    OpSpec("unique", np.unique, shapes=[((2, 3),)], complex=True),
    OpSpec("unique_ties", lambda x: np.unique(twice(x)), shapes=[((5,),)],
           rejects={"0d": "NumPy: zero-dimensional arrays cannot be concatenated"}),
    OpSpec("unique_returns", lambda x: np.unique(twice(x, 0), return_index=True, return_counts=True)[0],
           shapes=[((3, 4),)],
           rejects={"0d": "NumPy: zero-dimensional arrays cannot be concatenated"}),
    OpSpec("unique_axis", lambda x: np.unique(np.concatenate([x, x[:1]]), axis=0), shapes=[((3, 2),)],
           rejects={"0d": "NumPy: invalid index to scalar variable"}),
    OpSpec("unique_all", lambda x: np.unique_all(twice(x)).values, shapes=[((4,),)],
           rejects={"0d": "NumPy: zero-dimensional arrays cannot be concatenated"}),
    OpSpec("unique_counts", lambda x: np.unique_counts(twice(x)).values, shapes=[((4,),)],
           rejects={"0d": "NumPy: zero-dimensional arrays cannot be concatenated"}),
    OpSpec("unique_inverse", lambda x: np.unique_inverse(twice(x)).values, shapes=[((2, 2),)],
           rejects={"0d": "NumPy: zero-dimensional arrays cannot be concatenated"}),
    OpSpec("unique_values", lambda x: np.unique_values(twice(x)), shapes=[((4,),)],
           rejects={"0d": "NumPy: zero-dimensional arrays cannot be concatenated"}),
    # Set operations of a with b = concatenate([x[:2], y]): the two shared values move together.
    OpSpec("union1d", lambda x, y: np.union1d(twice(x), np.concatenate([x[:2], y])), shapes=[((4,), (3,))]),
    OpSpec("intersect1d", lambda x, y: np.intersect1d(twice(x), np.concatenate([x[:2], y])),
           shapes=[((4,), (3,))]),
    OpSpec("setdiff1d", lambda x, y: np.setdiff1d(twice(x), np.concatenate([x[:2], y])), shapes=[((4,), (3,))]),
    OpSpec("setxor1d", lambda x, y: np.setxor1d(x, np.concatenate([x[:2], y])), shapes=[((4,), (3,))]),
]

NONDIFFERENTIABLE = {
    "argpartition": "an index: integer output",
    "lexsort": "an index: integer output",
    "searchsorted": "an index: integer output",
    "isin": "a membership test: boolean output",
    "in1d": "a membership test: boolean output",
}


# Arrays with no entries (along the sorted axis or another).
SPECS += [
    OpSpec("sort_empty", np.sort, shapes=[((0,),), ((0, 3),), ((3, 0),)], kwargs=[{}, {"axis": 0}, {"axis": None}],
           covers=("sort",),
           rejects={"0d": "NumPy: axis -1 is out of bounds for array of dimension 0"}),
    OpSpec("partition_empty", lambda x: np.partition(x, 1, axis=-1), shapes=[((0, 3),)], covers=("partition",),
           rejects={"0d": "NumPy: axis -1 is out of bounds for array of dimension 0"}),
    OpSpec("sort_complex_empty", np.sort_complex, shapes=[((0,),)], covers=("sort_complex",),
           rejects={"0d": "NumPy: axis -1 is out of bounds for array of dimension 0"}),
    OpSpec("unique_axis_empty", lambda x: np.unique(x, axis=0), shapes=[((0, 2),), ((0,),)], covers=("unique",),
           rejects={"0d": "NumPy: axis 0 is out of bounds for array of dimension 0"}),
]
