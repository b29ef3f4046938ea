"""np.shape and np.ndim without their Python-level overhead for arrays and boxes (an
attribute read), falling back to NumPy for lists and scalars. Rules ask for shapes at
every node of every sweep. Imports NumPy only."""

import numpy as _np


def shape_of(x):
    try:
        return x.shape
    except AttributeError:
        return _np.shape(x)


def ndim_of(x):
    try:
        return x.ndim
    except AttributeError:
        return _np.ndim(x)
