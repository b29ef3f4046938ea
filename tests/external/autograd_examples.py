"""autograd's `examples/` folder as a corpus of real programs, run on autograd and on fastgrad.

The examples ship in autograd's source distribution (downloaded once by
run_autograd_suite.py into `.cache/`). Each runs unedited on disk: its source text is
read, a few literal iteration counts in it are lowered by the substitutions of EXAMPLES
(each must match exactly once, so the table cannot outlive the text it edits), and it is
executed as `__main__`, once in a fresh interpreter with the real autograd and once in
another after `fastgrad.install_as_autograd()` (the examples of one run share its
interpreter; each imports its sibling modules afresh). What it prints and the values
named in its record (its optimised parameters, say) are collected; `compare` says where
the two runs disagree.

Plotting is replaced by a stand-in `matplotlib` that accepts every call, whether or not
matplotlib is installed: drawing is not what is compared, and it would cost more than
the differentiation does. Its `imread` reads the PNG files one example loads. The
examples that train on MNIST get a stand-in `data_mnist` whose `mnist()` returns a few
hundred random images and labels of MNIST's shapes and types instead of downloading it.
Shell commands (`os.system`, used to assemble GIFs) are not run. NumPy's global random
state is seeded before each example; the examples seed their own `RandomState`s.

tests/test_autograd_examples.py asserts that the two agree;
`python -m benchmarks.autograd_examples` prints their times.
"""

import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Files of examples/ that other examples import and that run nothing of their own.
HELPERS = {"data.py": "helper: toy data sets and image plotting for the other examples",
           "data_mnist.py": "helper: downloads MNIST for the other examples",
           "__init__.py": "package marker"}

_CLIENT_NODES = ("it subclasses autograd.tracer.Node to watch a trace; fastgrad records its own "
                 "tape nodes and never calls a client's node class (docs/compat.md, fastgrad.core.Node)")


def _cg(call, iters):
    """A substitution capping an un-capped `scipy.optimize.minimize(..., method="CG", ...)`."""
    return call, call.replace('method="CG"', f'method="CG", options={{"maxiter": {iters}}}')


@dataclass(frozen=True)
class Example:
    """How one example is run and compared.

    subs: (old, new) texts replaced in the source, each occurring exactly once.
    extract: expressions evaluated in the example's namespace once it has run; their
        floats are compared as well as the numbers it printed.
    renumber: a regular expression for tokens that differ between any two runs (object
        ids); each is renamed by its order of first appearance before comparing.
    alike: (fastgrad's, autograd's) fragments of printed text that mean the same.
    rtol, atol: the tolerance of every compared number, |a - b| <= atol + rtol |b|.
    skip: why it cannot run here (empty if it can).
    defect: why fastgrad does not yet run it as autograd does (empty if it does); the
        test expects it to disagree until the defect is fixed.
    """
    subs: tuple = ()
    extract: tuple = ()
    renumber: str = ""
    alike: tuple = ()
    rtol: float = 1e-6
    atol: float = 1e-9
    skip: str = ""
    defect: str = ""


EXAMPLES = {
    "bayesian_neural_net.py": Example(subs=(("num_iters=1000", "num_iters=8"),),
                                      extract=("variational_params",)),
    "bayesian_optimization.py": Example(subs=(("num_iters=20", "num_iters=3"),),
                                        extract=("best_x", "best_y")),
    "black_box_svi.py": Example(subs=(("num_iters=2000", "num_iters=10"),),
                                extract=("variational_params",)),
    "convnet.py": Example(subs=(("num_epochs = 50", "num_epochs = 1"), ("npr.RandomState()", "npr.RandomState(0)"),
                                ("batch_size = 256", "batch_size = 32"),
                                ("for idxs in batch_idxs:", "for idxs in batch_idxs[:3]:")),
                          extract=("W",)),
    "deep_gaussian_process.py": Example(
        subs=(_cg('method="CG", callback=callback)', 5),), extract=("cov_params.x", "cov_params.fun")),
    "define_gradient.py": Example(),
    "dot_graph.py": Example(renumber=r"node_\d+", defect=_CLIENT_NODES),
    "fixed_points.py": Example(),
    "gaussian_process.py": Example(
        subs=(_cg('method="CG", callback=callback)', 8),), extract=("cov_params.x", "cov_params.fun")),
    "generative_adversarial_net.py": Example(subs=(("num_epochs = 50", "num_epochs = 1"),),
                                             extract=("optimized_params",)),
    "gmm.py": Example(subs=(('method="Newton-CG",', 'method="Newton-CG", options={"maxiter": 3},'),)),
    "gplvm.py": Example(subs=(_cg('method="CG", callback=callback)', 3),)),
    # EM runs until the parameters move less than its tolerance: a looser one stops it sooner.
    "hmm_em.py": Example(subs=(("max_lines=60", "max_lines=4"), ("num_states = 20", "num_states = 6"),
                               ("atol=1e-3, rtol=1e-3", "atol=2e-2, rtol=2e-2")),
                         extract=("pi", "A", "B")),
    "ica.py": Example(subs=(_cg('method="CG", callback=callback)', 5),)),
    "logistic_regression.py": Example(extract=("weights",)),
    "lstm.py": Example(subs=(("num_iters=1000", "num_iters=3"), ("for t in range(20):", "for t in range(2):")),
                       extract=("trained_params",)),
    "mixture_variational_inference.py": Example(subs=(("num_iters=2000", "num_iters=5"),),
                                                extract=("variational_params",)),
    "natural_gradient_black_box_svi.py": Example(subs=(("num_iters = 200", "num_iters = 5"),),
                                                 extract=("elbo_lists",)),
    # Its last line prints grad(loglike, argnum=(0, 1)) of two NumPy scalars: autograd gives
    # a tuple of 0-d arrays (from its tuple vector space), fastgrad a tuple of NumPy scalars.
    "negative_binomial_maxlike.py": Example(extract=("r", "p"), alike=(("np.float64(", "array("),)),
    "neural_net.py": Example(subs=(("num_epochs = 5", "num_epochs = 2"),), extract=("optimized_params",)),
    "neural_net_regression.py": Example(subs=(("num_iters=1000", "num_iters=20"),),
                                        extract=("optimized_params",)),
    "ode_net.py": Example(subs=(("num_iters=1000", "num_iters=2"),), extract=("optimized_params",),
                          defect="odeint's args holding a list of (W, b) tuples of traced arrays "
                                 "(autograd.builtins.tuple((params,))) reach SciPy as traced values: "
                                 "fastgrad's odeint differentiates only top-level array arguments"),
    "print_trace.py": Example(defect=_CLIENT_NODES),
    "rkhs.py": Example(subs=(("for i in range(100):", "for i in range(20):"),),
                       defect="grad with respect to a value of a client's own vector space (a class "
                              "registered with VSpace.register, with its Box subclass) raises "
                              "TypeError: fastgrad differentiates arrays, scalars and containers only"),
    "rnn.py": Example(subs=(("num_iters=1000", "num_iters=3"), ("for t in range(20):", "for t in range(2):")),
                      extract=("trained_params",)),
    "rosenbrock.py": Example(extract=("result.x",)),
    "sinusoid.py": Example(extract=("list(map(dd_fun, x))",)),
    "tanh.py": Example(extract=("egrad(egrad(egrad(egrad(tanh))))(x)",)),
    "variational_autoencoder.py": Example(subs=(("num_epochs = 15", "num_epochs = 1"),),
                                          extract=("optimized_params",)),
    "fluidsim/fluidsim.py": Example(subs=(("simulation_timesteps = 100", "simulation_timesteps = 4"),
                                          ('"maxiter": 25', '"maxiter": 2')), extract=("result.x",)),
    "fluidsim/wing.py": Example(subs=(("rows, cols = 40, 60", "rows, cols = 20, 30"),
                                      ("simulation_timesteps = 20", "simulation_timesteps = 2"),
                                      ('"maxiter": 50', '"maxiter": 1')), extract=("result.x",)),
}

RUNNABLE = [name for name, example in EXAMPLES.items() if not example.skip]


def examples_dir():
    """autograd's examples/ folder, extracted from the cached source distribution."""
    try:
        from . import run_autograd_suite
    except ImportError:  # run as a script: its folder is on sys.path
        import run_autograd_suite
    top = run_autograd_suite.CACHE / f"autograd-{run_autograd_suite.VERSION}"
    examples = top / "examples"
    if not (examples / "fluidsim" / "wing.py").is_file():
        with tarfile.open(run_autograd_suite.sdist()) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith(f"{top.name}/examples/")]
            tar.extractall(top.parent, members=members, filter="data")
    return examples


def run(names, backend, timeout=900):
    """Runs the named examples, in order, in one fresh interpreter on `backend`
    ('autograd' or 'fastgrad'). Returns {name: {"stdout", "values", "seconds", "error"}};
    "seconds" is the wall time of the example's own run, interpreter start and the
    import of autograd (or fastgrad) excluded."""
    examples = examples_dir()
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONHASHSEED="0", PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    with tempfile.TemporaryDirectory() as cwd:
        out = Path(cwd) / "results.json"
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), backend, str(examples),
                               str(out), *names], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout)
        if not out.is_file():
            raise RuntimeError(f"the {backend} run of {names} died:\n{proc.stderr[-3000:]}")
        return json.loads(out.read_text())


_NUMBER = re.compile(r"(?<![A-Za-z_\d.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|\b-?(?:nan|inf)\b")


def _numbers(text):
    return [float(m) for m in _NUMBER.findall(text)]


def _shape_of_text(text):
    """The printed text with its numbers masked and runs of spaces collapsed (NumPy pads
    columns to the widest entry, which moves with the last digits)."""
    return re.sub(r"[ \t]+", " ", _NUMBER.sub("#", text)).strip()


def _first_mismatch(label, got, ref, example):
    if len(got) != len(ref):
        return f"{label}: {len(got)} numbers on fastgrad, {len(ref)} on autograd"
    for i, (a, b) in enumerate(zip(got, ref)):
        if a == b or (a != a and b != b):
            continue
        if not abs(a - b) <= example.atol + example.rtol * abs(b):
            return f"{label}[{i}]: fastgrad {a!r}, autograd {b!r} (of {len(ref)} numbers)"
    return None


def compare(name, got, ref):
    """The disagreements of a fastgrad run `got` with the autograd run `ref` of example
    `name`, as a list of messages (empty when they agree)."""
    example = EXAMPLES[name]
    if ref.get("error"):
        return [f"the autograd run failed: {ref['error']}"]
    if got.get("error"):
        return [f"the fastgrad run failed: {got['error']}"]
    problems = []
    printed = got["stdout"]
    for ours, theirs in example.alike:
        printed = printed.replace(ours, theirs)
    if _shape_of_text(printed) != _shape_of_text(ref["stdout"]):
        got_lines = _shape_of_text(printed).splitlines()
        ref_lines = _shape_of_text(ref["stdout"]).splitlines()
        line = next((i for i, (a, b) in enumerate(zip(got_lines, ref_lines)) if a != b),
                    min(len(got_lines), len(ref_lines)))
        problems.append(f"printed text differs from line {line}: fastgrad "
                        f"{got_lines[line:line + 1]}, autograd {ref_lines[line:line + 1]}")
    mismatch = _first_mismatch("printed", _numbers(printed), _numbers(ref["stdout"]), example)
    if mismatch:
        problems.append(mismatch)
    for expr in example.extract:
        mismatch = _first_mismatch(expr, got["values"][expr], ref["values"][expr], example)
        if mismatch:
            problems.append(mismatch)
    return problems


# ---------------------------------------------------------------------------------------
# The child interpreter: everything below runs in the fresh process `run` starts.


def _read_png(path):
    """An 8-bit, non-interlaced, non-palette PNG as matplotlib's imread gives it: float32
    in [0, 1], shape (rows, cols) or (rows, cols, channels)."""
    import struct
    import zlib

    import numpy

    data = Path(path).read_bytes()
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    cols, rows, depth, color, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(color)
    if depth != 8 or channels is None or interlace:
        raise NotImplementedError(f"{path}: only 8-bit non-interlaced grey/RGB(A) PNGs are read")
    raw = numpy.frombuffer(zlib.decompress(b"".join(idat)), numpy.uint8).reshape(rows, 1 + cols * channels)
    out = numpy.zeros((rows, cols * channels), numpy.int64)
    prev = numpy.zeros(cols * channels, numpy.int64)
    for r in range(rows):
        kind, line = raw[r, 0], raw[r, 1:].astype(numpy.int64)
        if kind == 0:
            cur = line
        elif kind == 2:
            cur = (line + prev) % 256
        else:
            cur = line.copy()
            for i in range(len(cur)):
                left = cur[i - channels] if i >= channels else 0
                if kind == 1:
                    cur[i] = (cur[i] + left) % 256
                elif kind == 3:
                    cur[i] = (cur[i] + (left + prev[i]) // 2) % 256
                else:
                    up_left = prev[i - channels] if i >= channels else 0
                    p = left + prev[i] - up_left
                    pa, pb, pc = abs(p - left), abs(p - prev[i]), abs(p - up_left)
                    pred = left if pa <= pb and pa <= pc else prev[i] if pb <= pc else up_left
                    cur[i] = (cur[i] + pred) % 256
        out[r] = prev = cur
    image = (out / 255.0).astype(numpy.float32).reshape(rows, cols, channels)
    return image[:, :, 0] if channels == 1 else image


def _stand_in_mnist():
    """A module like examples/data_mnist.py whose mnist() makes random data of MNIST's
    shapes and types (uint8 images 28 x 28, uint8 labels 0..9) instead of downloading."""
    import types

    import numpy

    def mnist():
        rs = numpy.random.RandomState(0)
        images = lambda n: rs.randint(0, 256, size=(n, 28, 28)).astype(numpy.uint8)
        labels = lambda n: rs.randint(0, 10, size=n).astype(numpy.uint8)
        return images(512), labels(512), images(128), labels(128)

    module = types.ModuleType("data_mnist")
    module.mnist = mnist
    return module


class _Anything:
    """Stands in for every matplotlib object: any attribute, call or index gives another,
    iterating gives nothing, and it is true (so `if ax:` draws, into nothing)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Anything()

    def __call__(self, *args, **kwargs):
        return _Anything()

    def __getitem__(self, key):
        return _Anything()

    def __iter__(self):
        return iter(())


def _stub_matplotlib():
    import types

    for name in ("matplotlib", "matplotlib.pyplot", "matplotlib.cm", "matplotlib.image", "matplotlib.colors"):
        module = types.ModuleType(name)
        module.__getattr__ = lambda attr: _Anything()
        module.imread = _read_png
        sys.modules[name] = module
    for name in ("pyplot", "cm", "image", "colors"):
        setattr(sys.modules["matplotlib"], name, sys.modules[f"matplotlib.{name}"])


def _floats(value):
    import numpy

    if isinstance(value, dict):
        return [f for item in value.values() for f in _floats(item)]
    if isinstance(value, (list, tuple)):
        return [f for item in value for f in _floats(item)]
    array = numpy.asarray(value)
    if array.dtype.kind not in "biufc":
        return []
    if array.dtype.kind == "c":
        array = numpy.stack([array.real, array.imag])
    return [float(f) for f in array.astype(float).ravel()]


def _renumber(text, pattern):
    seen = {}
    return re.sub(pattern, lambda m: seen.setdefault(m.group(0), f"<{len(seen)}>"), text)


def _run_one(name, examples):
    import builtins
    import contextlib
    import io
    import time
    import traceback

    import numpy

    example = EXAMPLES[name]
    path = examples / name
    source = path.read_text()
    for old, new in example.subs:
        if source.count(old) != 1:
            return {"error": f"substitution {old!r} occurs {source.count(old)} times in {name}"}
        source = source.replace(old, new)
    # Each example imports its siblings afresh, so their module-level random states restart.
    for module in [m for m, mod in sys.modules.items()
                   if str(getattr(mod, "__file__", None) or "").startswith(str(examples))]:
        del sys.modules[module]
    sys.path.insert(0, str(path.parent))
    sys.modules["data_mnist"] = _stand_in_mnist()
    namespace = {"__name__": "__main__", "__file__": str(path), "__builtins__": builtins}
    settings = numpy.geterr()
    numpy.random.seed(0)
    printed = io.StringIO()
    result = {"stdout": "", "values": {}, "seconds": None, "error": None}
    try:
        code = compile(source, str(path), "exec")
        start = time.perf_counter()
        with contextlib.redirect_stdout(printed):
            exec(code, namespace)
        result["seconds"] = time.perf_counter() - start
        with contextlib.redirect_stdout(io.StringIO()):
            result["values"] = {expr: _floats(eval(expr, namespace)) for expr in example.extract}
    except BaseException:
        result["error"] = traceback.format_exc(limit=-6)
    finally:
        numpy.seterr(**settings)
        sys.path.remove(str(path.parent))
    text = printed.getvalue()
    result["stdout"] = _renumber(text, example.renumber) if example.renumber else text
    return result


def _child(backend, examples, out, names):
    if backend == "fastgrad":
        import fastgrad

        fastgrad.install_as_autograd()
    elif backend != "autograd":
        raise ValueError(backend)
    _stub_matplotlib()
    os.system = lambda command: 0
    # Imported before the clocks start: what is timed is the examples' own work.
    import autograd.misc.optimizers  # noqa: F401
    import autograd.numpy  # noqa: F401
    import autograd.scipy.integrate  # noqa: F401
    import autograd.scipy.signal  # noqa: F401
    import autograd.scipy.stats  # noqa: F401
    import scipy.optimize  # noqa: F401

    results = {}
    for name in names:
        results[name] = _run_one(name, Path(examples))
        Path(out).write_text(json.dumps(results))


if __name__ == "__main__":
    _child(*sys.argv[1:4], sys.argv[4:])
