"""The package's layering (docs/architecture.md), checked on its source: every import
statement counts (module level, inside functions, `importlib.import_module` and
`__import__` with a literal name), the modules form no cycle, the engine imports no
other fastgrad module, and each module imports only modules of its own layer or below."""

import ast
import fnmatch
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fastgrad"

# Lowest first. A module belongs to the first layer with a pattern that matches its name.
LAYERS = [
    ("utilities", ["fastgrad._shapes", "fastgrad.tree", "fastgrad._memory"]),
    ("engine", ["fastgrad.engine"]),
    ("tangents", ["fastgrad.tangents"]),
    ("NumPy base", ["fastgrad.base", "fastgrad.scaled", "fastgrad.rules"]),
    ("NumPy families", ["fastgrad.numpy._plain", "fastgrad.numpy.elementwise", "fastgrad.numpy.shape",
                        "fastgrad.numpy.indexing", "fastgrad.numpy.reductions", "fastgrad.numpy.creation",
                        "fastgrad.numpy.products", "fastgrad.numpy.sorting", "fastgrad.numpy.calculus",
                        "fastgrad.numpy.diagonals", "fastgrad.numpy.statistics", "fastgrad.numpy.nanfunctions",
                        "fastgrad.numpy.vectors", "fastgrad.numpy.functional", "fastgrad.numpy.padding",
                        "fastgrad.numpy.linalg", "fastgrad.numpy.polynomials", "fastgrad.numpy.fft",
                        "fastgrad.numpy.random"]),
    ("NumPy namespace", ["fastgrad.vspace", "fastgrad.numpy.boxes", "fastgrad.numpy", "fastgrad.builtins"]),
    ("SciPy families", ["fastgrad.scipy._jets", "fastgrad.scipy._special_matrices", "fastgrad.scipy.integrate", "fastgrad.scipy.linalg",
                        "fastgrad.scipy.signal", "fastgrad.scipy.special", "fastgrad.scipy.misc",
                        "fastgrad.scipy.stats", "fastgrad.scipy.stats.*"]),
    ("operators", ["fastgrad.planning", "fastgrad.linearization", "fastgrad.jacobians",
                   "fastgrad.differential_operators", "fastgrad.sparsity", "fastgrad.sparsity.*",
                   "fastgrad.misc.flatten"]),
    ("compatibility façade", ["fastgrad.core", "fastgrad._autograd_core", "fastgrad._autograd_helpers",
                              "fastgrad.extend",
                              "fastgrad.util", "fastgrad.wrap_util", "fastgrad.test_util", "fastgrad.tracer",
                              "fastgrad.install", "fastgrad.numpy.numpy_*", "fastgrad.numpy._autograd_names",
                              "fastgrad.scipy._autograd_names", "fastgrad.misc.tracers",
                              "fastgrad.misc.fixed_points", "fastgrad.misc.optimizers"]),
    # The packages that gather the layers, importing the façade last.
    ("packages", ["fastgrad", "fastgrad.scipy", "fastgrad.misc"]),
]


def _modules():
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _imported(name, is_package, level, target):
    """The absolute module name of an import of `target` (level dots) from module `name`."""
    if not level:
        return target
    base = name.split(".") if is_package else name.split(".")[:-1]
    if level > 1:
        base = base[:len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def _known(target):
    """target, or the nearest enclosing module of fastgrad that exists, or None."""
    while target and target not in MODULES:
        if "." not in target:
            return None
        target = target.rsplit(".", 1)[0]
    return target


def _imports():
    graph = {}
    for name, path in MODULES.items():
        is_package = path.name == "__init__.py"
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            found = []
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = _imported(name, is_package, node.level, node.module)
                # `from . import x` imports the module x where there is one
                found = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module
                         for alias in node.names]
            elif (isinstance(node, ast.Call)
                  and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")
                  and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                literal = node.args[0].value
                stripped = literal.lstrip(".")
                found = [_imported(name, is_package, len(literal) - len(stripped), stripped)]
            for target in found:
                target = _known(target)
                if target is not None and target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


GRAPH = _imports()


def _layer(name):
    for number, (_, patterns) in enumerate(LAYERS):
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
            return number
    return None


def test_the_import_graph_is_read():
    # (so that the checks below cannot pass on an empty graph)
    assert "fastgrad.base" in GRAPH["fastgrad.numpy.elementwise"]
    assert "fastgrad.numpy.shape" in GRAPH["fastgrad.numpy.reductions"]
    assert len(GRAPH) > 60


def test_every_module_has_a_layer():
    assert [name for name in MODULES if _layer(name) is None] == []


def test_the_engine_imports_no_fastgrad_module():
    assert GRAPH["fastgrad.engine"] == set()


def test_no_module_imports_a_higher_layer():
    upward = sorted(f"{name} ({LAYERS[_layer(name)][0]}) imports {target} ({LAYERS[_layer(target)][0]})"
                    for name, targets in GRAPH.items() for target in targets if _layer(target) > _layer(name))
    assert upward == []


def _cycles(graph):
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return components


def test_the_modules_form_no_import_cycle():
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
])
def test_cycles_are_found(graph, expected):
    assert _cycles(graph) == expected
