"""Records for the differentiable constructors of fastgrad/numpy/creation.py (the
non-differentiable ones are listed in shape.py's NONDIFFERENTIABLE with astype)."""

import numpy as onp

import fastgrad.numpy as np

from . import OpSpec

SPECS = [
    OpSpec("linspace", lambda a, b, **kw: np.linspace(a, b, **kw), shapes=[((), ()), ((2,), ())],
           kwargs=[{"num": 5}, {"num": 4, "endpoint": False}, {"num": 3, "axis": -1}], complex=True),
    OpSpec("linspace_retstep", lambda a, b: np.linspace(a, b, 4, retstep=True), shapes=[((), ())]),
    OpSpec("logspace", lambda a, b, base: np.logspace(a, b, 4, base=base), domain=["small", "small", "positive"],
           shapes=[((), (), ()), ((2,), (), ())]),
    OpSpec("geomspace", lambda a, b: np.geomspace(a, b, 5), domain="positive", shapes=[((), ()), ((2,), (2,))],
           complex=True, complex_domain="positive",
           xfails={"geomspace-f32-(2,)x(2,)/fwd": "issue 12: traced value is float32, NumPy's float64",
                   "geomspace-c64-(2,)x(2,)/fwd": "issue 12: traced value is complex64, NumPy's complex128",
                   "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
    OpSpec("geomspace_negative", lambda a, b: np.geomspace(-a, -b, 4, endpoint=False), domain="positive",
           shapes=[((), ())],
           xfails={"f32/fwd": "issue 12: traced value is float32, NumPy's float64",
                   "f32/jacobian": "issue 12: the jacobian's dtype is not NumPy's promotion"}),
    OpSpec("full", lambda c: np.full((2, 3), c), shapes=[((),), ((3,),)], complex=True,
           rejects={"size0": "NumPy: could not broadcast input array from shape (0,) into shape (2,3)"}),
    OpSpec("full_like", lambda c: np.full_like(onp.zeros((2, 3)), c), shapes=[((),), ((3,),)],
           rejects={"size0": "NumPy: could not broadcast input array from shape (0,) into shape (2,3)"}),
    OpSpec("meshgrid", lambda x, y: np.meshgrid(x, y), shapes=[((3,), (4,))], complex=True),
    OpSpec("meshgrid_ij", lambda x, y, z: np.meshgrid(x, y, z, indexing="ij", sparse=True),
           shapes=[((2,), (3,), (2,))]),
    OpSpec("kaiser", lambda beta: np.kaiser(5, beta), domain="positive", shapes=[((),)]),
    OpSpec("copy", lambda x: np.copy(x) * 2.0, shapes=[((2, 3),)], complex=True),
    OpSpec("asarray_forms", lambda x: np.asanyarray(x) + np.ascontiguousarray(x) + np.asarray(x, dtype=float),
           shapes=[((2, 3),)], covers=("asanyarray", "ascontiguousarray", "asarray")),
    OpSpec("asfortranarray", lambda x: np.asfortranarray(x) * 2.0, shapes=[((2, 3),)]),
    OpSpec("asarray_chkfinite", lambda x: np.asarray_chkfinite(x) * 2.0, shapes=[((2, 3),)]),
    OpSpec("require", lambda x: np.require(x, float) * 2.0, shapes=[((2, 3),)]),
]

NONDIFFERENTIABLE = {
    name: "builds an array from shapes or plain values; no differentiable input"
    for name in ("bartlett", "blackman", "hamming", "hanning", "fromfile", "fromregex", "from_dlpack")
}
NONDIFFERENTIABLE.update({
    name: "a query about an array's type, memory or dtype"
    for name in ("iterable", "isfortran", "may_share_memory", "shares_memory", "min_scalar_type", "mintypecode",
                 "common_type", "typename")
})
NONDIFFERENTIABLE.update({
    "asmatrix": "builds numpy.matrix, a subclass fastgrad does not trace; use 2-D arrays",
    "bmat": "builds numpy.matrix, a subclass fastgrad does not trace; use np.block",
})
