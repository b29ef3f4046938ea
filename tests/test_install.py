"""install_as_autograd(): autograd's module paths give fastgrad's modules.

Each check runs in a fresh interpreter, since installing changes the process's imports
(and the tests elsewhere import the real autograd to compare with it)."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

autograd = pytest.importorskip("autograd")


def _run(code, tmp_path=None):
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _autograd_module_paths():
    """Every module of the real autograd package, by dotted path."""
    root = Path(autograd.__file__).parent
    paths = []
    for file in sorted(root.rglob("*.py")):
        parts = list(file.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        paths.append(".".join(parts))
    return paths


def test_every_autograd_module_path_is_the_fastgrad_module():
    paths = _autograd_module_paths()
    out = _run(f"""
        import importlib, json, fastgrad
        fastgrad.install_as_autograd()
        result = {{}}
        for path in {paths!r}:
            module = importlib.import_module(path)
            result[path] = module.__name__
        print(json.dumps(result))
    """)
    result = json.loads(out)
    assert set(result) == set(paths)
    assert {path: name for path, name in result.items()} == {
        path: "fastgrad" + path[len("autograd"):] for path in paths}


def test_library_code_runs_on_fastgrad_unchanged(tmp_path):
    (tmp_path / "somelib.py").write_text(textwrap.dedent("""
        import autograd.numpy as np
        from autograd import grad, jacobian
        from autograd.extend import primitive, defvjp

        @primitive
        def cube(x):
            return x ** 3
        defvjp(cube, lambda ans, x: lambda g: 3 * g * x ** 2)

        def slope(x):
            return grad(lambda x: np.sum(cube(x) * np.sin(x)))(x)

        def traced_is_autograd(x):
            seen = []
            grad(lambda x: seen.append(type(x).__module__.split('.')[0]) or np.sum(x))(x)
            return seen[0]
    """))
    out = _run("""
        import numpy, fastgrad
        fastgrad.install_as_autograd()
        import somelib, autograd
        x = numpy.array([0.5, -1.0, 2.0])
        expected = 3 * x ** 2 * numpy.sin(x) + x ** 3 * numpy.cos(x)
        print(numpy.allclose(somelib.slope(x), expected), somelib.np is fastgrad.numpy,
              autograd is fastgrad, somelib.traced_is_autograd(x))
    """, tmp_path)
    assert out.split() == ["True", "True", "True", "autograd"]


def test_star_import_gives_what_autograds_does():
    code = textwrap.dedent("""
        import json
        {install}
        namespace = {{}}
        exec("from autograd.numpy import *", namespace)
        print(json.dumps(sorted(k for k in namespace if k != "__builtins__")))
    """)
    real = set(json.loads(_run(code.format(install=""))))
    ours = json.loads(_run(code.format(install="import fastgrad; fastgrad.install_as_autograd()")))
    assert {"fft", "linalg", "random"} <= real
    assert real - set(ours) == set()


def test_calling_twice_is_harmless_and_after_the_real_autograd_is_an_error():
    out = _run("""
        import fastgrad
        fastgrad.install_as_autograd()
        fastgrad.install_as_autograd()
        import autograd.numpy
        print(autograd.numpy is fastgrad.numpy)
    """)
    assert out.split() == ["True"]
    out = _run("""
        import autograd, fastgrad
        try:
            fastgrad.install_as_autograd()
        except ImportError as error:
            print(str(error))
    """)
    assert "after the real autograd was imported" in out and "before importing anything" in out


def test_installing_leaves_fastgrads_own_modules_where_they_are():
    out = _run("""
        import fastgrad
        fastgrad.install_as_autograd()
        import autograd.scipy.stats.norm, fastgrad.scipy.stats.norm as norm
        print(norm.__spec__.name, norm.__name__)
    """)
    assert out.split() == ["fastgrad.scipy.stats.norm", "fastgrad.scipy.stats.norm"]


def test_importing_a_submodule_leaves_its_packages_name_alone():
    # autograd.misc binds `flatten` to the function of its submodule autograd.misc.flatten;
    # importing that submodule by its autograd path afterwards (as one of autograd's
    # examples does before another uses `from autograd.misc import flatten`) must not
    # rebind the package's name to the module.
    paths = _autograd_module_paths()
    code = textwrap.dedent("""
        import importlib, json, types
        {install}
        for path in {paths!r}:
            importlib.import_module(path)
        kinds = {{}}
        for path in {paths!r}:
            module = importlib.import_module(path)
            for name in dir(module):
                kinds[path + "." + name] = isinstance(getattr(module, name, None), types.ModuleType)
        print(json.dumps(kinds))
    """)
    real = json.loads(_run(code.format(install="", paths=paths)))
    ours = json.loads(_run(code.format(install="import fastgrad; fastgrad.install_as_autograd()", paths=paths)))
    assert "autograd.misc.flatten" in real and not real["autograd.misc.flatten"]
    assert sorted(name for name, is_module in real.items() if not is_module and ours.get(name)) == []
