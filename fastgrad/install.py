"""`install_as_autograd()`: every `autograd` module path resolves to fastgrad's module.

Libraries built on autograd import it by name, and their users cannot edit those
imports. After `fastgrad.install_as_autograd()`, `import autograd.numpy as np`,
`from autograd.extend import primitive` and every other autograd path give the module
objects of fastgrad of the same path (`autograd.X` is `fastgrad.X`), so such a library
runs on fastgrad unchanged.

Libraries also recognise autograd's traced values by the module their class was
defined in (`type(x).__module__.split('.')[0] == 'autograd'`). In the installed mode
fastgrad's box classes therefore report the autograd module they stand for
(`autograd.tracer` for `Box`, `autograd.numpy.numpy_boxes` for `ArrayBox`, ...).

This is a façade: it imports the rest of fastgrad and nothing imports it but the
package `__init__`.
"""

import importlib
import importlib.abc
import importlib.util
import sys

__all__ = ["install_as_autograd"]

_PREFIX = "autograd"


class _AutogradAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds `autograd.X` as the already imported (or importable) `fastgrad.X`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _PREFIX and not fullname.startswith(_PREFIX + "."):
            return None
        real = "fastgrad" + fullname[len(_PREFIX):]
        if importlib.util.find_spec(real) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=True)

    def create_module(self, spec):
        module = importlib.import_module("fastgrad" + spec.name[len(_PREFIX):])
        _alias_loaded_modules()
        # The import system writes the alias's spec onto the module it gets back; keep the
        # module's own so that it still knows where it lives (reload, inspect).
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module):
        module.__spec__ = module.__spec__.loader_state


def _alias_loaded_modules():
    """Enter each imported `fastgrad.X` in sys.modules as `autograd.X` too.

    The import system sets a newly loaded submodule as an attribute of its package. A
    package that binds a submodule's function under the submodule's own name
    (`fastgrad.misc.flatten` is the function of the module `fastgrad.misc.flatten`, as in
    autograd) would lose it when `import autograd.misc.flatten` first loads the alias;
    an alias already in sys.modules is not loaded again, so the name stays.
    """
    for name, module in list(sys.modules.items()):
        if name.startswith("fastgrad."):
            sys.modules.setdefault(_PREFIX + name[len("fastgrad"):], module)


def _box_classes():
    from .builtins import DictBox, SequenceBox
    from .engine import Box
    from .numpy.numpy_boxes import ArrayBox
    return {Box: "autograd.tracer", ArrayBox: "autograd.numpy.numpy_boxes",
            SequenceBox: "autograd.builtins", DictBox: "autograd.builtins"}


def install_as_autograd():
    """Make `import autograd...` give fastgrad's modules, for code you cannot edit.

    Call it once, before anything imports autograd (at the top of your program); calling
    it again does nothing. It raises ImportError if the real autograd was imported
    already, since modules holding the real one would then mix the two libraries.
    """
    current = sys.modules.get(_PREFIX)
    if current is not None:
        if current is sys.modules[__package__]:
            return
        raise ImportError(
            "fastgrad.install_as_autograd() was called after the real autograd was imported "
            f"(from {getattr(current, '__file__', '?')}); modules that imported it keep it. "
            "Call fastgrad.install_as_autograd() first, before importing anything that imports "
            "autograd, or start a new Python process.")
    if not any(isinstance(finder, _AutogradAlias) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AutogradAlias())
    for cls, module in _box_classes().items():
        cls.__module__ = module
    importlib.import_module(_PREFIX)
    # `from autograd.numpy import *` brings in the submodules autograd.numpy's does.
    for sub in ("numpy.linalg", "numpy.fft", "numpy.random"):
        importlib.import_module(f"{_PREFIX}.{sub}")
