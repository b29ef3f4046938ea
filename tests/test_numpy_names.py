"""fastgrad.numpy has every public name of autograd.numpy, and fastgrad.numpy.random every
name of autograd.numpy.random, except those in REASONS (each with its reason); the
differentiable ones have records in tests/opspecs (tests/test_registry.py checks that).
autograd's implementation modules (numpy_boxes, numpy_wrapper, ...) count as present
when fastgrad has an importable module of that name. Skipped where autograd is not
installed."""

import importlib

import pytest

autograd_numpy = pytest.importorskip("autograd.numpy")
autograd_random = pytest.importorskip("autograd.numpy.random")

import fastgrad.numpy as fnp  # noqa: E402
import fastgrad.numpy.random as frandom  # noqa: E402

# name -> why fastgrad.numpy does not have it.
REASONS = {}
RANDOM_REASONS = {
    "npr": "autograd's alias of numpy.random, imported for its own use",
}
# Names fastgrad.numpy and fastgrad.numpy.random serve from the alias module numpy_wrapper.
AUTOGRAD_HELPERS = {
    "numpy": ["Box", "array_from_args", "c_class", "r_class", "make_diagonal", "metadata", "notrace_functions",
              "notrace_primitive", "numpy_version", "parse_einsum_input", "primitive", "wrap_if_boxes_inside",
              "wrap_intdtype", "wrap_namespace"],
    "numpy.random": ["wrap_namespace"],
}


def _public(module):
    return {name for name in dir(module) if not name.startswith("_")}


def _has(module, name):
    if hasattr(module, name):
        return True
    try:
        importlib.import_module(f"{module.__name__}.{name}")
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("source,target,reasons", [
    (autograd_numpy, fnp, REASONS),
    (autograd_random, frandom, RANDOM_REASONS),
], ids=["numpy", "numpy.random"])
def test_every_autograd_name_is_present_or_has_a_reason(source, target, reasons):
    # A submodule (autograd's numpy_boxes, numpy_wrapper, ...) counts when it can be imported.
    missing = sorted(name for name in _public(source) if not _has(target, name) and name not in reasons)
    assert not missing, f"{target.__name__} lacks these names of {source.__name__}, with no recorded reason: {missing}"


@pytest.mark.parametrize("target,reasons", [(fnp, REASONS), (frandom, RANDOM_REASONS)], ids=["numpy", "numpy.random"])
def test_reasons_are_not_stale(target, reasons):
    present = sorted(name for name in reasons if _has(target, name))
    assert not present, f"these names now exist in {target.__name__}; remove their reasons: {present}"


def test_autograd_helpers_come_from_numpy_wrapper():
    wrapper = importlib.import_module("fastgrad.numpy.numpy_wrapper")
    for module, names in ((fnp, AUTOGRAD_HELPERS["numpy"]), (frandom, AUTOGRAD_HELPERS["numpy.random"])):
        for name in names:
            assert getattr(module, name) is getattr(wrapper, name), f"{module.__name__}.{name}"
    assert fnp.custom_where is fnp.where


def test_exported_names_exist():
    for module in (fnp, frandom):
        absent = [name for name in module.__all__ if not hasattr(module, name)]
        assert not absent, f"{module.__name__}.__all__ names missing attributes: {absent}"
