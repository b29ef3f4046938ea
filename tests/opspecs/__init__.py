"""The table of operations: one record (OpSpec) per differentiable function.

Each family module here (same names as fastgrad's rule families) defines SPECS,
a list of records. tests/test_rules.py generates every derivative check from
them; tests/test_registry.py fails when a primitive is exercised by no record.
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

    def cases(self):
        dtypes = ["f64"] + (["c128"] if self.complex else [])
        for dtype, shapes, kwargs in itertools.product(dtypes, self.shapes, self.kwargs):
            yield Case(self, dtype, tuple(shapes), kwargs)


@dataclass
class Case:
    spec: OpSpec
    dtype: str
    shapes: tuple
    kwargs: dict

    @property
    def id(self):
        shapes = "x".join(str(tuple(s)).replace(" ", "") for s in self.shapes)
        kw = ",".join(f"{k}={v}" for k, v in self.kwargs.items())
        return f"{self.spec.name}-{self.dtype}-{shapes}" + (f"-{kw}" if kw else "")

    def args(self, seed=0):
        rng = onp.random.default_rng(seed)
        spec = self.spec
        if spec.make_args is not None:
            return tuple(spec.make_args(rng, self.shapes, self.dtype))
        domains = spec.domain if isinstance(spec.domain, (list, tuple)) else [spec.domain] * len(self.shapes)
        out = []
        for dom, shape in zip(domains, self.shapes):
            sampler = DOMAINS[dom] if isinstance(dom, str) else dom
            value = sampler(rng, shape)
            if self.dtype == "c128":
                cdom = spec.complex_domain or dom
                csampler = DOMAINS[cdom] if isinstance(cdom, str) else cdom
                value = value + 0.5j * csampler(rng, shape)
            out.append(onp.asarray(value) if shape != () else onp.float64(value) if self.dtype == "f64"
                       else onp.complex128(value))
        return tuple(out)

    @property
    def diff_args(self):
        n = len(self.shapes)
        return tuple(range(n)) if self.spec.diff_args is None else tuple(self.spec.diff_args)


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
