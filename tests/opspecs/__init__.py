"""The table of operations: one record (OpSpec) per differentiable function.

Each family module here (same names as fastgrad's rule families) defines SPECS,
a list of records. tests/test_rules.py generates every derivative check from
them; tests/test_registry.py fails when a primitive is exercised by no record.

Besides the grid a record states, every record yields variants derived from its own
shapes (OpSpec.variants): each dimension size set to 0 and to 1, arguments made 0-d
where they broadcast, the arguments passed Fortran-ordered and as strided views, and
single precision. A variant NumPy itself rejects is named in the record's `rejects` with the
reason: where plain arrays raise, the traced call must raise too, and a rejection no
plain call needs fails, so the opt-out cannot go stale. A variant that does not apply
to a record (its inputs are built for its own sizes) is named in `skips` with the reason,
and a known defect in `xfails`, as a strict xfail that fails once the defect is fixed.
"""

import inspect
import itertools
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as onp

# Input domains: name -> sampler(rng, shape) for real inputs.
DOMAINS = {
    "real": lambda rng, shape: rng.standard_normal(shape),
    "positive": lambda rng, shape: rng.uniform(0.5, 2.0, shape),
    "unit": lambda rng, shape: rng.uniform(-0.9, 0.9, shape),
    "open01": lambda rng, shape: rng.uniform(0.1, 0.9, shape),
    "gt1": lambda rng, shape: rng.uniform(1.2, 3.0, shape),
    "nonzero": lambda rng, shape: rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape),
    "small": lambda rng, shape: rng.uniform(-2.0, 2.0, shape),
}

# Shapes that broadcast together, for elementwise functions of one and two arguments.
UNARY_SHAPES = [((),), ((3,),), ((3, 4),)]
BINARY_SHAPES = [((), ()), ((3,), (3,)), ((3, 4), (3, 4)), ((3, 1), (1, 4)), ((4,), (3, 4)), ((3, 4), ())]
TERNARY_SHAPES = [((3,), (3,), (3,)), ((3, 4), (4,), (3, 1))]


@dataclass
class OpSpec:
    """One operation under test.

    fun: called as fun(*args, **kwargs) with the args drawn from `domain`.
    domain: one domain name (or sampler) for all args, or a list with one per arg.
    shapes: list of tuples of argument shapes.
    kwargs: list of keyword-argument dicts to cross with the shapes.
    diff_args: which positional args are differentiated (default all).
    complex: also check with complex inputs (complex_domain for those).
    missing: {"fwd" | "rev" | "second": reason}; such a check asserts the mode raises.
    order2: run the second-order checks (False only with a reason in `missing`).
    make_args: optional (rng, shapes, dtype) -> args, for structured inputs (SPD matrices...).
    rtol: tolerance of the finite-difference comparisons.
    special: list of argument tuples at special values (0, poles, large) where
             forward and reverse must agree and be finite where the value is.
    covers: public names this record exercises besides `name` (aliases, wrappers).
    needs: NumPy functions the record calls that not every supported NumPy has
           (matvec before 2.2, say), or behaviours named in FEATURES; the record is
           left out where one is missing.
    rejects: {variant key: reason} for variants NumPy rejects. Keys: "size0", "size1",
             "0d", "F", "strided", "f32", or narrowed to one size or argument: "size0@3"
             (the dimensions of size 3 set to 0), "0d@1" (argument 1 made 0-d).
    skips: {variant key: reason} for variants that do not apply to this record.
    xfails: {"<variant key or case id>/<check>": reason} for known defects, each a strict
            xfail (check: fwd, rev, jacobian or rejected), so it fails once fixed.
    rtol32: tolerance of the float32 derivatives against the float64 ones.
    """

    name: str
    fun: Callable
    domain: Any = "real"
    shapes: list = field(default_factory=lambda: list(UNARY_SHAPES))
    kwargs: list = field(default_factory=lambda: [{}])
    diff_args: Optional[tuple] = None
    complex: bool = False
    complex_domain: Any = None
    missing: dict = field(default_factory=dict)
    make_args: Optional[Callable] = None
    rtol: float = 1e-5
    special: list = field(default_factory=list)
    eps: float = 1e-6
    covers: tuple = ()
    needs: tuple = ()
    rejects: dict = field(default_factory=dict)
    skips: dict = field(default_factory=dict)
    xfails: dict = field(default_factory=dict)
    rtol32: float = 2e-3

    def cases(self):
        dtypes = ["f64"] + (["c128"] if self.complex else [])
        for dtype, shapes, kwargs in itertools.product(dtypes, self.shapes, self.kwargs):
            yield Case(self, dtype, tuple(shapes), kwargs)

    def variants(self):
        """The odd inputs real code passes, derived from this record's shapes: every
        dimension size in turn set to 0 and to 1 (all dimensions of that size at once, so
        arguments that share a dimension keep sharing it), each argument 0-d where the
        arguments broadcast (a lone argument always), the arguments Fortran-ordered and as
        strided views, and single precision (float32, and complex64 for complex records).
        Each (variant, shapes, kwargs) is yielded once and none repeats a case of the grid."""
        grid = [tuple(tuple(s) for s in shapes) for shapes in self.shapes]
        seen = set(grid)
        for shapes in grid:
            for n in sorted({d for s in shapes for d in s if d > 1}):
                for new in (0, 1):
                    resized = tuple(tuple(new if d == n else d for d in s) for s in shapes)
                    if resized not in seen:
                        seen.add(resized)
                        # Size 1 rarely depends on the keywords; size 0 (axis= over nothing) does.
                        yield from self._variant(f"size{new}", resized, (f"size{new}@{n}",),
                                                 kwargs=self.kwargs if new == 0 else self.kwargs[:1])
            if len(shapes) == 1 or _broadcasts(shapes):
                for i, s in enumerate(shapes):
                    scalar = shapes[:i] + ((),) + shapes[i + 1:]
                    if s and scalar not in seen:
                        seen.add(scalar)
                        yield from self._variant("0d", scalar, (f"0d@{i}",))
        # Layouts and float32 on the record's largest shapes, where they have the most to show.
        largest = max(grid, key=lambda shapes: (max(len(s) for s in shapes), sum(map(len, shapes))))
        for dtype in ["f64"] + (["c128"] if self.complex else []):
            if any(len(s) >= 2 for s in largest):
                yield from self._variant("F", largest, (), layout="F", dtype=dtype)
            if any(len(s) >= 1 for s in largest):
                yield from self._variant("strided", largest, (), layout="strided", dtype=dtype)
        for dtype in ["f32"] + (["c64"] if self.complex else []):
            yield from self._variant("f32", largest, (), dtype=dtype)

    def _variant(self, kind, shapes, narrower, layout="C", dtype="f64", kwargs=None):
        keys = (kind, *narrower)
        if any(k in self.skips for k in keys):
            return
        key = next((k for k in keys if k in self.rejects), None)
        for kwargs in self.kwargs if kwargs is None else kwargs:
            yield Case(self, dtype, shapes, kwargs, layout=layout, variant=kind, rejected=key, keys=keys)


def _broadcasts(shapes):
    try:
        onp.broadcast_shapes(*shapes)
    except ValueError:
        return False
    return True


@dataclass
class Case:
    spec: OpSpec
    dtype: str
    shapes: tuple
    kwargs: dict
    layout: str = "C"       # "C", "F" (Fortran copies) or "strided" (views of every other element)
    variant: str = ""       # the kind of variant (see OpSpec.variants), "" for the grid
    rejected: Optional[str] = None  # the key of spec.rejects this variant falls under, if any
    keys: tuple = ()        # the keys of rejects and skips that would name this variant

    def xfail(self, check):
        """The reason this case's `check` is a known defect, or None."""
        xfails = self.spec.xfails
        return next((xfails[k] for key in (self.id, *self.keys) if (k := f"{key}/{check}") in xfails), None)

    @property
    def id(self):
        shapes = "x".join(str(tuple(s)).replace(" ", "") for s in self.shapes)
        kw = ",".join(f"{k}={v}" for k, v in self.kwargs.items())
        layout = "" if self.layout == "C" else f"-{self.layout}"
        return f"{self.spec.name}-{self.dtype}-{shapes}{layout}" + (f"-{kw}" if kw else "")

    def args(self, seed=0):
        rng = onp.random.default_rng(seed)
        spec = self.spec
        # Single precision is drawn in double and rounded, so it is the double case's point.
        dtype = {"f32": "f64", "c64": "c128"}.get(self.dtype, self.dtype)
        if spec.make_args is not None:
            return tuple(_arrange(a, self.layout, self.dtype) for a in spec.make_args(rng, self.shapes, dtype))
        domains = spec.domain if isinstance(spec.domain, (list, tuple)) else [spec.domain] * len(self.shapes)
        out = []
        for dom, shape in zip(domains, self.shapes):
            sampler = DOMAINS[dom] if isinstance(dom, str) else dom
            value = sampler(rng, shape)
            if dtype == "c128":
                cdom = spec.complex_domain or dom
                csampler = DOMAINS[cdom] if isinstance(cdom, str) else cdom
                value = value + 0.5j * csampler(rng, shape)
            out.append(_arrange(onp.asarray(value) if shape != () else onp.float64(value) if dtype != "c128"
                                else onp.complex128(value), self.layout, self.dtype))
        return tuple(out)

    @property
    def diff_args(self):
        n = len(self.shapes)
        return tuple(range(n)) if self.spec.diff_args is None else tuple(self.spec.diff_args)


def _arrange(value, layout, dtype):
    """value in the case's dtype (inexact arguments only: indices stay integers) and layout."""
    single = {onp.dtype(onp.float64): onp.float32, onp.dtype(onp.complex128): onp.complex64}
    if dtype in ("f32", "c64") and onp.asarray(value).dtype in single:
        to = single[onp.asarray(value).dtype]
        value = to(value) if onp.ndim(value) == 0 else value.astype(to)
    if not isinstance(value, onp.ndarray) or value.ndim == 0:
        return value
    if layout == "F":
        return onp.asfortranarray(value)
    if layout == "strided":
        # Every other element of a buffer twice as long in the last axis, walked backwards.
        buffer = onp.zeros(value.shape[:-1] + (2 * value.shape[-1],), value.dtype)
        view = buffer[..., ::-2]
        view[...] = value
        return view
    return value


def families():
    """Every family module of this package (each has SPECS and may have NONDIFFERENTIABLE)."""
    import importlib
    import pkgutil

    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)]


def _scipy_stacks():
    try:
        import scipy.linalg
    except ImportError:
        return False
    return onp.shape(scipy.linalg.circulant(onp.ones((2, 2)))) == (2, 2, 2)


def _scipy_takes_empty_matrices():
    try:
        import scipy.linalg
        scipy.linalg.rq(onp.zeros((0, 0)))
    except ImportError:
        return False
    except ValueError:
        return False
    return True


def _norms_of_empty_arrays():
    try:
        onp.linalg.norm(onp.zeros((0, 3)), onp.inf)
    except ValueError:
        return False
    return True


def _cross_takes_2_vectors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            onp.cross([1.0, 0.0], [0.0, 1.0])
        except ValueError:
            return False
    return True


# Behaviours not every supported NumPy and SciPy has, for a record's `needs`, each
# asked of the installed version itself.
FEATURES = {
    "trim_zeros(axis=)": "axis" in inspect.signature(onp.trim_zeros).parameters,   # NumPy 2.2
    "cross of 2-vectors": _cross_takes_2_vectors(),                                 # until NumPy 2.5
    "scipy.linalg stacks of vectors": _scipy_stacks(),                              # after SciPy 1.13
    "scipy.linalg takes empty matrices": _scipy_takes_empty_matrices(),             # after SciPy 1.13
    "inf- and 2-norms of empty arrays": _norms_of_empty_arrays(),                   # after NumPy 2.0
}


def available(spec):
    """Whether the installed NumPy and SciPy have all that the record needs."""
    return all(FEATURES[name] if name in FEATURES else hasattr(onp, name) for name in spec.needs)


def all_specs():
    """Every record of every family module in this package."""
    return [spec for family in families() for spec in family.SPECS if available(spec)]


def nondifferentiable_names():
    """{public name: reason} for functions whose output carries no derivative (constructors
    that take no differentiable input, shape queries, ...), gathered from the families."""
    names = {}
    for family in families():
        names.update(getattr(family, "NONDIFFERENTIABLE", {}))
    return names
