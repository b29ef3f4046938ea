"""Every public differentiable name has a record in the table of operations, and every
primitive fastgrad defines appears on the tape of some record (in its function or in
its derivative rules), so adding a primitive without a record fails here. A record's
opt-outs of the generated variants name variants it has."""

import dataclasses
import importlib
import pkgutil

import numpy as onp
import pytest

import fastgrad
from fastgrad import make_jvp, make_vjp
from fastgrad.engine import Primitive, getval
from fastgrad.linearization import Linearization

from opspecs import all_specs, nondifferentiable_names
from test_rules import _problem, _random_like

NAMESPACES = ["fastgrad.numpy", "fastgrad.numpy.linalg", "fastgrad.numpy.fft",
              "fastgrad.scipy.special", "fastgrad.scipy.linalg", "fastgrad.scipy.signal",
              "fastgrad.scipy.integrate", "fastgrad.scipy.stats"]

SPECS = all_specs()


def _namespace_modules():
    out = []
    for name in NAMESPACES:
        try:
            out.append(importlib.import_module(name))
        except ImportError:
            if name.startswith("fastgrad.scipy"):
                continue
            raise
    return out


def _public_functions(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    for name in names:
        value = getattr(module, name)
        if isinstance(value, type) or not callable(value) or isinstance(value, type(onp)):
            continue
        yield name, value


def test_every_public_function_has_a_record():
    covered = {spec.name for spec in SPECS} | {c for spec in SPECS for c in spec.covers}
    exempt = nondifferentiable_names()
    missing = []
    for module in _namespace_modules():
        # NumPy's constants and types, and autograd's helpers that its star import brings.
        passthrough = set(getattr(module, "_PASSTHROUGH", ())) | set(getattr(module, "_AUTOGRAD_STAR_EXTRAS", ()))
        for name, value in _public_functions(module):
            if name in passthrough:
                continue
            if getattr(value, "nondifferentiable", False) or name in exempt or name in covered:
                continue
            missing.append(f"{module.__name__}.{name}")
    assert not missing, ("public functions with no record in tests/opspecs (add an OpSpec, or list "
                         f"them in a family's NONDIFFERENTIABLE with a reason): {missing}")


def _all_primitives():
    prims = {}
    for info in pkgutil.walk_packages(fastgrad.__path__, "fastgrad."):
        try:
            module = importlib.import_module(info.name)
        except ImportError:
            continue
        for value in vars(module).values():
            if isinstance(value, Primitive):
                prims[id(value)] = (info.name, value)
    return prims


def _prims_on_tapes(spec):
    seen = set()
    for case in spec.cases():
        F, x = _problem(case)
        rng = onp.random.default_rng(0)
        lin = Linearization(F, (x,), {}, 0)
        seen.update(id(node.prim) for node in lin.trace.nodes if node.prim is not None)
        if spec.missing.get("fwd") or spec.missing.get("rev"):
            continue
        u = _random_like(lin.out, rng)
        v = _random_like(x, rng)
        # The seeds are traced too, so primitives that rules apply to them are recorded.
        for G, seed in ((lambda xs: make_vjp(F)(xs[0])[0](xs[1]), u), (lambda xs: make_jvp(F)(xs[0])(xs[1])[1], v)):
            outer = Linearization(G, ((x, seed),), {}, 0)
            seen.update(id(node.prim) for node in outer.trace.nodes if node.prim is not None)
    return seen


def test_every_primitive_is_exercised():
    seen = set()
    for spec in SPECS:
        seen |= _prims_on_tapes(spec)
    unexercised = [f"{module}.{prim.name}" for pid, (module, prim) in _all_primitives().items()
                   if pid not in seen and not getattr(prim, "exempt_from_registry", False)]
    assert not unexercised, f"primitives that no record in tests/opspecs exercises: {unexercised}"


def test_every_opt_out_names_a_variant():
    """Each key of a record's `rejects`, `skips` and `xfails` names variants it has (a typo,
    or a key left behind when the record's shapes change, fails here)."""
    stale = []
    for spec in SPECS:
        named = (*spec.rejects, *spec.skips, *(k.rsplit("/", 1)[0] for k in spec.xfails))
        if not named:
            continue
        cases = list(dataclasses.replace(spec, rejects={}, skips={}).variants())
        keys = {k for case in cases for k in case.keys} | {case.id for case in cases}
        stale += [f"{spec.name}: {k}" for k in named if k not in keys]
    assert not stale, f"opt-outs that name no variant: {stale}"
