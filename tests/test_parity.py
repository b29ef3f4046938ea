"""Name-for-name parity with every public module of the installed autograd.

Every module `autograd.X` of the installed package (found with pkgutil) must exist
as `fastgrad.X` and have each of autograd's public names, plus the few private names
clients are known to use (PRIVATE_NAMES), unless the name is recorded in LEFT_OUT
with the reason it is left out. A public name is one not starting with "_"; a
module's imports of other modules (`np`, `warnings`, `autograd`) and of the standard
library's helpers (`partial`, `reduce`, `OrderedDict`, ...) are not part of its
interface and are not counted. A table entry for a name fastgrad now has, or that
autograd no longer has, fails too, so the table cannot go stale.

The names of fastgrad.numpy, fastgrad.numpy.linalg, .fft, .random and fastgrad.scipy
are checked here like any other; none of them is in LEFT_OUT.
"""

import importlib
import inspect
import pkgutil

import pytest

autograd = pytest.importorskip("autograd")

STDLIB_HELPER_MODULES = {"functools", "itertools", "collections", "contextlib", "operator",
                         "warnings", "inspect", "typing", "abc"}

# Private names that clients import from autograd's modules.
PRIVATE_NAMES = {
    "autograd.numpy.linalg": ["_dot"],
    "autograd.numpy.numpy_wrapper": ["_astype"],
}

# (module, name): why fastgrad does not provide it.
LEFT_OUT = {
    ("autograd.numpy.numpy_boxes", "method_name"):
        "a loop variable autograd's module leaves behind, not an interface",
    ("autograd.numpy.numpy_boxes", "type_"):
        "a loop variable autograd's module leaves behind, not an interface",
    ("autograd.numpy.numpy_vspaces", "type_"):
        "a loop variable autograd's module leaves behind, not an interface",
    ("autograd.numpy.numpy_vjps", "fun"):
        "a loop variable autograd's module leaves behind, not an interface",
    ("autograd.numpy.numpy_jvps", "fun"):
        "a loop variable autograd's module leaves behind, not an interface",
    ("autograd.differential_operators", "atuple"):
        "autograd's private import of builtins.tuple; it is fastgrad.builtins.tuple",
    ("autograd.differential_operators", "defvjp_argnum"):
        "autograd's import for its checkpoint; it is fastgrad.extend.defvjp_argnum",
    ("autograd.differential_operators", "primitive"):
        "autograd's import for its checkpoint; it is fastgrad.extend.primitive",
    ("autograd.differential_operators", "unary_to_nary"):
        "autograd's import for building its operators; it is fastgrad.wrap_util.unary_to_nary "
        "(fastgrad's operators take argnum themselves)",
    ("autograd.differential_operators", "vspace"):
        "autograd's import for its operators' shape logic; it is fastgrad.extend.vspace",
}


def _autograd_module_names():
    names = ["autograd"]
    for info in pkgutil.walk_packages(autograd.__path__, "autograd."):
        names.append(info.name)
    return sorted(names)


def _is_interface(module, name, value):
    """Whether `name` in autograd's `module` is part of its interface (see the docstring)."""
    if inspect.ismodule(value):
        return value.__name__ == f"{module.__name__}.{name}"
    owner = getattr(value, "__module__", None)
    if isinstance(owner, str) and owner.split(".")[0].lstrip("_") in STDLIB_HELPER_MODULES:
        return False
    return True


def _expected_names(module_name):
    module = importlib.import_module(module_name)
    names = [name for name, value in vars(module).items()
             if not name.startswith("_") and _is_interface(module, name, value)]
    names += [name for name in PRIVATE_NAMES.get(module_name, []) if hasattr(module, name)]
    return sorted(set(names))


def _fastgrad_name(module_name):
    return "fastgrad" + module_name[len("autograd"):]


def _import_all_fastgrad_modules():
    # Submodules are attributes of their package once imported, as autograd's are.
    for module_name in _autograd_module_names():
        try:
            importlib.import_module(_fastgrad_name(module_name))
        except ImportError:
            pass


MODULES = _autograd_module_names()


@pytest.mark.parametrize("module_name", MODULES)
def test_module_has_every_name(module_name):
    _import_all_fastgrad_modules()
    target = _fastgrad_name(module_name)
    expected = [name for name in _expected_names(module_name) if (module_name, name) not in LEFT_OUT]
    try:
        module = importlib.import_module(target)
    except ImportError as error:
        pytest.fail(f"{target} does not import ({error}); autograd's {module_name} has "
                    f"{len(expected)} names: {expected}")
    missing = [name for name in expected if not hasattr(module, name)]
    note = ""
    if target == "fastgrad.numpy.numpy_wrapper":
        note = " (numpy_wrapper serves fastgrad.numpy's names: those are missing there)"
    assert not missing, f"{target} lacks {len(missing)} of autograd's names{note}: {missing}"


def test_left_out_table_is_current():
    _import_all_fastgrad_modules()
    stale = []
    for (module_name, name), reason in LEFT_OUT.items():
        assert reason, f"{module_name}.{name} needs a reason"
        if module_name not in MODULES or name not in _expected_names(module_name):
            stale.append(f"{module_name}.{name} (autograd has no such name)")
            continue
        try:
            module = importlib.import_module(_fastgrad_name(module_name))
        except ImportError:
            continue
        if hasattr(module, name):
            stale.append(f"{_fastgrad_name(module_name)}.{name} (fastgrad has it now)")
    assert not stale, f"LEFT_OUT entries to remove: {stale}"


def test_other_namespaces_are_not_in_the_table():
    owned_elsewhere = ("autograd.numpy.linalg", "autograd.numpy.fft", "autograd.numpy.random",
                       "autograd.scipy")
    listed = [f"{m}.{n}" for m, n in LEFT_OUT
              if m == "autograd.numpy" or m.startswith(owned_elsewhere)]
    assert not listed, f"names of the NumPy/SciPy namespaces do not belong in LEFT_OUT: {listed}"
