"""Run the scenarios S1..S9 for fastgrad and its peers.

    python -m benchmarks [--quick] [--only S1,S2] [--repeats N]
                         [--memory-limit GIB] [--out DIR]

Every method is first called once and its result checked against the
hand-written NumPy/SciPy derivative (a method whose result differs is
reported as "wrong" and never timed; one that raises is reported with the
exception's first line).  The checked methods are then timed round-robin in
one process (each round calls each method once), and the median of the
rounds is reported with its ratio to the hand-written derivative timed in the
same rounds.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import re
import signal
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from . import _threads

_threads.pin_env()

import numpy as np  # noqa: E402

from .scenarios import NumpyNorm, Scenario, select  # noqa: E402

GIB = 1024**3
RTOL = 1e-7
ATOL_REL = 1e-9  # absolute tolerance, relative to the largest entry of the reference

LIB_TITLES = {
    "numpy": "NumPy (context)",
    "fastgrad": "fastgrad",
    "autograd": "autograd",
    "jax": "JAX eager",
    "jax-jit": "JAX jit",
    "torch": "PyTorch",
}


# ---------------------------------------------------------------------------
# helpers


def sanitize(text: str) -> str:
    """Drop directories from file paths in a message (keep the file name)."""
    return re.sub(r"(?:[A-Za-z]:)?(?:[\\/][\w.\-+@]+)+[\\/]", "", text)


def first_line(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    text = type(exc).__name__ + (": " + msg[0] if msg else "")
    text = sanitize(text)
    return text if len(text) <= 200 else text[:197] + "..."


def fmt_time(seconds: Optional[float]) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def fmt_ratio(ratio: Optional[float]) -> str:
    if ratio is None or not math.isfinite(ratio):
        return "—"
    if ratio < 0.01:
        return f"{ratio:.2g}×"
    if ratio >= 1000:
        return f"{ratio:,.0f}×"
    if ratio >= 100:
        return f"{ratio:.0f}×"
    if ratio >= 10:
        return f"{ratio:.1f}×"
    return f"{ratio:.2f}×"


def fmt_bytes(n: Optional[float]) -> str:
    if n is None:
        return "—"
    for unit, size in (("GiB", GIB), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} B"


class CallTimeout(Exception):
    pass


class time_limit:
    """Raise CallTimeout in the main thread after ``seconds`` (Unix only)."""

    def __init__(self, seconds: Optional[float]):
        self.seconds = seconds
        self.active = bool(seconds) and hasattr(signal, "setitimer")

    def _handler(self, signum, frame):
        raise CallTimeout(f"call took longer than {self.seconds:.0f} s")

    def __enter__(self):
        if self.active:
            self.old = signal.signal(signal.SIGALRM, self._handler)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.old)
        return False


def check_result(result: Any, ref: np.ndarray) -> Optional[str]:
    """None if ``result`` matches the reference, else what is wrong."""
    res = np.asarray(result)
    if res.shape != ref.shape:
        return f"shape {res.shape}, expected {ref.shape}"
    if res.dtype != np.float64:
        return f"dtype {res.dtype}, expected float64"
    if not np.all(np.isfinite(res)):
        return "non-finite entries"
    scale = float(np.max(np.abs(ref))) if ref.size else 1.0
    if not np.allclose(res, ref, rtol=RTOL, atol=ATOL_REL * max(scale, 1e-300)):
        err = float(np.max(np.abs(res - ref))) / max(scale, 1e-300)
        return f"max error {err:.2e} (relative to max |reference|)"
    return None


# ---------------------------------------------------------------------------
# methods


@dataclass
class Method:
    lib: str  # numpy | fastgrad | autograd | jax | jax-jit | torch
    role: str  # the table column
    label: str  # what is called
    make: Callable[[], Callable[[], Any]]  # builds the zero-argument call
    convert: Callable[[Any], np.ndarray] = np.asarray
    batch_mode: Optional[str] = None  # fwd | rev | auto: batched sweep (memory guard)
    chunked: bool = False  # the library sweeps in chunks within its own memory budget
    check: bool = True
    jit: bool = False
    skip: Optional[str] = None
    # filled in while running
    status: str = "pending"  # ok | wrong | error | skipped
    note: str = ""
    first_call_s: Optional[float] = None
    number: int = 1
    n_samples: int = 0
    samples: List[float] = field(default_factory=list)
    single_run: bool = False
    call: Optional[Callable[[], Any]] = None

    @property
    def median(self) -> Optional[float]:
        return float(np.median(self.samples)) if self.samples else None


def fastgrad_version(fastgrad) -> str:
    """fastgrad's version, and its git commit when run from a checkout."""
    import subprocess

    version = str(getattr(fastgrad, "__version__", "") or "")
    try:
        where = Path(fastgrad.__file__).resolve().parent
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=where,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=where,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        if commit:
            version = (version + " " if version else "") + f"(commit {commit}" + (
                " + uncommitted changes)" if dirty else ")")
    except Exception:  # noqa: BLE001
        pass
    return version or "?"


class Libraries:
    """The differentiation libraries, imported once; each entry is either a
    namespace or the reason it is unavailable."""

    def __init__(self):
        self.errors: Dict[str, str] = {}
        self.versions: Dict[str, str] = {}
        self.fg = self._load_fastgrad()
        self.ag = self._load_autograd()
        self.jax = self._load_jax()
        self.torch = self._load_torch()

    def _load_fastgrad(self):
        try:
            import fastgrad
            import fastgrad.numpy as fnp

            ns = {"mod": fastgrad, "np": fnp, "norm": None, "norm_error": None}
            self.versions["fastgrad"] = fastgrad_version(fastgrad)
            try:
                from fastgrad.scipy.stats import norm

                ns["norm"] = norm
            except Exception as exc:  # noqa: BLE001
                ns["norm_error"] = first_line(exc)
            return ns
        except Exception as exc:  # noqa: BLE001
            self.errors["fastgrad"] = first_line(exc)
            return None

    def _load_autograd(self):
        try:
            import autograd
            import autograd.numpy as anp
            from autograd.scipy.stats import norm

            from importlib.metadata import version

            self.versions["autograd"] = version("autograd")
            return {"mod": autograd, "np": anp, "norm": norm}
        except Exception as exc:  # noqa: BLE001
            self.errors["autograd"] = first_line(exc)
            return None

    def _load_jax(self):
        try:
            import jax

            jax.config.update("jax_enable_x64", True)
            import jax.numpy as jnp
            from jax.scipy.stats import norm

            self.versions["jax"] = jax.__version__
            # warm up the runtime so the first scenario is not charged for it
            w = jnp.ones(3)
            jax.block_until_ready(jax.jit(jax.jacfwd(jnp.sin))(w))
            jax.block_until_ready(jax.jacrev(jnp.sin)(w))
            return {"mod": jax, "np": jnp, "norm": norm}
        except Exception as exc:  # noqa: BLE001
            self.errors["jax"] = first_line(exc)
            return None

    def _load_torch(self):
        try:
            import torch

            _threads.pin_torch(torch)
            self.versions["torch"] = torch.__version__
            w = torch.ones(3, dtype=torch.float64)
            torch.func.jacfwd(torch.sin)(w)
            torch.func.jacrev(torch.sin)(w)
            return {"mod": torch}
        except Exception as exc:  # noqa: BLE001
            self.errors["torch"] = first_line(exc)
            return None


def _unavailable(lib: str, reason: str, roles: List[str]) -> List[Method]:
    return [
        Method(lib, role, role, make=lambda: None, skip=f"not available ({reason})")
        for role in roles
    ]


def _stack_columns(cols, out_shape):
    """Columns J[..., j] (one per input direction) -> jacobian array."""
    return np.stack(cols, axis=-1).reshape(tuple(out_shape) + (len(cols),))


def numpy_methods(s: Scenario) -> List[Method]:
    c, x = s.consts, s.point
    f_np = s.f(np, NumpyNorm, c)
    shape = s.deriv_shape
    ref = s.reference

    def floor():
        out = np.empty(shape)
        out.fill(0.0)
        return out

    return [
        Method("numpy", "hand-written", "hand-written NumPy/SciPy derivative",
               make=lambda: (lambda: ref(x, c))),
        Method("numpy", "f(x)", "f(x) with NumPy", make=lambda: (lambda: f_np(x)), check=False),
        # what any tool that returns the value as well must spend at least (see value_floor_lines)
        Method("numpy", "value floor", "f(x) + hand-written derivative",
               make=lambda: (lambda: (f_np(x), ref(x, c))), check=False),
        Method("numpy", "memory floor", f"np.empty({shape}).fill(0)", make=lambda: floor,
               check=False),
    ]


def fastgrad_methods(s: Scenario, libs: Libraries) -> List[Method]:
    roles = ["jacobian", "jacfwd", "jacrev", "hessian / grad"]
    if libs.fg is None:
        return _unavailable("fastgrad", libs.errors["fastgrad"], roles)
    fg, x = libs.fg["mod"], s.point
    if s.uses_cdf and libs.fg["norm"] is None:
        return _unavailable("fastgrad", "fastgrad.scipy.stats: " + libs.fg["norm_error"], roles)

    def f():
        return s.f(libs.fg["np"], libs.fg["norm"], s.consts)

    def mk(build):
        return lambda: (lambda d: (lambda: d(x)))(build())

    if s.kind == "jacobian":
        return [
            Method("fastgrad", "jacobian", "jacobian(f)", mk(lambda: fg.jacobian(f())),
                   batch_mode="auto", chunked=True),
            Method("fastgrad", "jacfwd", "jacfwd(f)", mk(lambda: fg.jacfwd(f())),
                   batch_mode="fwd", chunked=True),
            Method("fastgrad", "jacrev", "jacrev(f)", mk(lambda: fg.jacrev(f())),
                   batch_mode="rev", chunked=True),
        ]
    if s.kind == "hessian":
        return [
            Method("fastgrad", "jacobian", "jacobian(grad(f))",
                   mk(lambda: fg.jacobian(fg.grad(f()))), batch_mode="auto", chunked=True),
            Method("fastgrad", "jacfwd", "jacfwd(grad(f))",
                   mk(lambda: fg.jacfwd(fg.grad(f()))), batch_mode="fwd", chunked=True),
            Method("fastgrad", "jacrev", "jacrev(grad(f))",
                   mk(lambda: fg.jacrev(fg.grad(f()))), batch_mode="rev", chunked=True),
            Method("fastgrad", "hessian / grad", "hessian(f)", mk(lambda: fg.hessian(f())),
                   batch_mode="auto", chunked=True),
        ]
    return [
        Method("fastgrad", "jacobian", "jacobian(f)", mk(lambda: fg.jacobian(f())),
               batch_mode="auto", chunked=True),
        Method("fastgrad", "jacfwd", "jacfwd(f)", mk(lambda: fg.jacfwd(f())),
               batch_mode="fwd", chunked=True),
        Method("fastgrad", "jacrev", "jacrev(f)", mk(lambda: fg.jacrev(f())),
               batch_mode="rev", chunked=True),
        Method("fastgrad", "hessian / grad", "grad(f)", mk(lambda: fg.grad(f()))),
    ]


def autograd_methods(s: Scenario, libs: Libraries, quick: bool) -> List[Method]:
    roles = ["jacobian / hessian / grad"]
    if libs.ag is None:
        return _unavailable("autograd", libs.errors["autograd"], roles)
    ag, anp, x = libs.ag["mod"], libs.ag["np"], s.point
    from autograd.differential_operators import make_jvp_reversemode

    f = s.f(anp, libs.ag["norm"], s.consts)
    n = s.n_in
    basis = np.eye(n)
    out = []
    if s.kind == "jacobian":
        m = s.n_out
        jac = Method("autograd", "jacobian / hessian / grad", "jacobian(f)",
                     make=lambda: (lambda d: (lambda: d(x)))(ag.jacobian(f)))
        if quick and m > 1000:
            jac.skip = f"skipped under --quick (one reverse pass per output: {m} passes)"
        out.append(jac)
        if n <= m:
            out_shape = s.out_shape

            def jvp_loop():
                jvp = ag.make_jvp(f)(x)
                return _stack_columns([jvp(e)[1] for e in basis], out_shape)

            def jvp_rev_loop():
                jvp = make_jvp_reversemode(f)(x)
                return _stack_columns([jvp(e) for e in basis], out_shape)

            out.append(Method("autograd", "make_jvp loop", "make_jvp(f)(x) over basis vectors",
                              make=lambda: jvp_loop))
            out.append(Method("autograd", "make_jvp_reversemode loop",
                              "make_jvp_reversemode(f)(x) over basis vectors",
                              make=lambda: jvp_rev_loop))
        if s.diagonal:
            ew = ag.elementwise_grad(f)
            out.append(Method("autograd", "elementwise_grad", "np.diag(elementwise_grad(f)(x))",
                              make=lambda: (lambda: np.diag(ew(x)))))
    elif s.kind == "hessian":
        out.append(Method("autograd", "jacobian / hessian / grad", "hessian(f)",
                          make=lambda: (lambda d: (lambda: d(x)))(ag.hessian(f))))

        def hvp_loop():
            hvp, _ = ag.make_hvp(f)(x)
            return np.stack([hvp(e) for e in basis])

        out.append(Method("autograd", "make_hvp loop", "make_hvp(f)(x) over basis vectors",
                          make=lambda: hvp_loop))
    else:
        out.append(Method("autograd", "jacobian / hessian / grad", "grad(f)",
                          make=lambda: (lambda d: (lambda: d(x)))(ag.grad(f))))
    return out


def jax_methods(s: Scenario, libs: Libraries) -> List[Method]:
    roles = ["jacfwd", "jacrev"]
    if libs.jax is None:
        return _unavailable("jax", libs.errors["jax"], roles) + _unavailable(
            "jax-jit", libs.errors["jax"], roles)
    jax, jnp = libs.jax["mod"], libs.jax["np"]
    f = s.f(jnp, libs.jax["norm"], s.consts)
    xj = jnp.asarray(s.point)
    if s.kind == "jacobian":
        variants = [("jacfwd", "jacfwd(f)", jax.jacfwd, "fwd"),
                    ("jacrev", "jacrev(f)", jax.jacrev, "rev")]
    elif s.kind == "hessian":
        variants = [("jacfwd", "hessian(f) = jacfwd(jacrev(f))", jax.hessian, "fwd"),
                    ("jacrev", "jacrev(grad(f))", lambda g: jax.jacrev(jax.grad(g)), "rev")]
    else:
        variants = [("jacfwd", "jacfwd(f)", jax.jacfwd, "fwd"),
                    ("jacrev", "grad(f)", jax.grad, None)]

    def mk(op, jit):
        def make():
            d = op(f)
            if jit:
                d = jax.jit(d)
            return lambda: jax.block_until_ready(d(xj))

        return make

    out = []
    for jit in (False, True):
        lib = "jax-jit" if jit else "jax"
        for role, label, op, mode in variants:
            out.append(Method(lib, role, ("jit(" + label + ")") if jit else label, mk(op, jit),
                              batch_mode=mode, jit=jit))
    return out


def torch_methods(s: Scenario, libs: Libraries) -> List[Method]:
    roles = ["jacfwd", "jacrev"]
    if libs.torch is None:
        return _unavailable("torch", libs.errors["torch"], roles)
    torch = libs.torch["mod"]
    tc = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in s.consts.items()}
    f = s.torch_f(torch, tc)
    xt = torch.from_numpy(s.point.copy())
    tf = torch.func

    def conv(r):
        return r.detach().numpy()

    def mk(build):
        return lambda: (lambda d: (lambda: d(xt)))(build())

    if s.kind == "jacobian":
        return [
            Method("torch", "jacfwd", "torch.func.jacfwd(f)", mk(lambda: tf.jacfwd(f)), conv, "fwd"),
            Method("torch", "jacrev", "torch.func.jacrev(f)", mk(lambda: tf.jacrev(f)), conv, "rev"),
        ]
    if s.kind == "hessian":
        return [
            Method("torch", "jacfwd", "torch.func.hessian(f) = jacfwd(jacrev(f))",
                   mk(lambda: tf.hessian(f)), conv, "fwd"),
            Method("torch", "jacrev", "torch.func.jacrev(torch.func.grad(f))",
                   mk(lambda: tf.jacrev(tf.grad(f))), conv, "rev"),
        ]

    def tape():
        xx = xt.detach().requires_grad_(True)
        f(xx).backward()
        return xx.grad

    return [
        Method("torch", "jacfwd", "torch.func.jacfwd(f)", mk(lambda: tf.jacfwd(f)), conv, "fwd"),
        Method("torch", "jacrev", "torch.func.grad(f)", mk(lambda: tf.grad(f)), conv),
        Method("torch", "tape backward", "f(x).backward(); x.grad", lambda: tape, conv),
    ]


def build_methods(s: Scenario, libs: Libraries, opts) -> List[Method]:
    methods = numpy_methods(s)
    for builder in (
        lambda: fastgrad_methods(s, libs),
        lambda: autograd_methods(s, libs, opts.quick),
        lambda: jax_methods(s, libs),
        lambda: torch_methods(s, libs),
    ):
        methods.extend(builder())
    return methods


# ---------------------------------------------------------------------------
# running


@dataclass
class Options:
    quick: bool = False
    repeats: int = 7
    target: float = 0.02  # seconds per sample (calls are looped up to this)
    budget: float = 4.0  # seconds of timing per method at most
    min_samples: int = 3
    memory_limit: float = 4 * GIB
    chunk_budget: int = GIB  # fastgrad's config.sweep_memory_bytes, read at start
    call_timeout: float = 180.0
    jit_timeout: float = 180.0
    single_run_above: float = 3.0  # a method slower than this is reported from one call


def load_average() -> Optional[float]:
    """The 1-minute load average (other processes competing for the cores)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def timed_call(call):
    t0 = time.perf_counter()
    result = call()
    return time.perf_counter() - t0, result


def run_sample(m: Method) -> float:
    call, number = m.call, m.number
    gc_was = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        for _ in range(number):
            call()
        return (time.perf_counter() - t0) / number
    finally:
        if gc_was:
            gc.enable()


def prepare(s: Scenario, m: Method, ref: np.ndarray, opts: Options) -> None:
    """Build, guard, first call, check and calibrate one method."""
    if m.skip:
        m.status, m.note = "skipped", m.skip
        return
    if m.batch_mode:
        if m.chunked:
            # fastgrad chunks a sweep to config.sweep_memory_bytes; the result and
            # its assembly (concatenate, moveaxis) come on top
            est = int(3 * 8 * np.prod(s.deriv_shape, dtype=np.int64)) + opts.chunk_budget
        else:
            est = s.sweep_bytes(m.batch_mode)
        if est > opts.memory_limit:
            m.status = "skipped"
            m.note = (f"skipped (memory): batched {m.batch_mode} sweep estimated at "
                      f"{fmt_bytes(est)} > {fmt_bytes(opts.memory_limit)}")
            return
    timeout = opts.jit_timeout if m.jit else opts.call_timeout
    try:
        with time_limit(timeout):
            m.call = m.make()
            m.first_call_s, result = timed_call(m.call)
        if m.check:
            problem = check_result(m.convert(result), ref)
            if problem:
                m.status, m.note, m.call = "wrong", problem, None
                return
        del result
        if m.first_call_s > opts.single_run_above and m.lib in ("autograd", "fastgrad"):
            m.status, m.single_run = "ok", True
            m.samples = [m.first_call_s]
            m.note = "timed from one call only (slow)"
            return
        with time_limit(timeout):
            t, _ = timed_call(m.call)
        m.number = int(min(10000, max(1, math.ceil(opts.target / max(t, 1e-9)))))
        per_sample = max(t * m.number, 1e-9)
        m.n_samples = int(min(opts.repeats, max(opts.min_samples, opts.budget // per_sample)))
        m.status = "ok"
    except KeyboardInterrupt:
        raise
    except CallTimeout:
        m.call = None
        if opts.quick:
            m.status, m.note = "skipped", f"skipped under --quick: a call took more than {timeout:g} s"
        else:
            m.status, m.note = "error", f"a call took more than {timeout:g} s"
    except BaseException as exc:  # noqa: BLE001
        m.status, m.note, m.call = "error", first_line(exc), None


def peak_memory(call) -> Optional[int]:
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = call()
        _, peak = tracemalloc.get_traced_memory()
        del result
        return int(peak)
    except Exception:  # noqa: BLE001
        return None
    finally:
        tracemalloc.stop()


def run_scenario(s: Scenario, libs: Libraries, opts: Options, log=print) -> Dict[str, Any]:
    t_start = time.perf_counter()
    ref = s.reference(s.point, s.consts)
    methods = build_methods(s, libs, opts)
    log(f"\n== {s.key}: {s.title}  (derivative {s.deriv_shape})")
    for m in methods:
        prepare(s, m, ref, opts)
        first = f" first call {fmt_time(m.first_call_s)}" if m.first_call_s is not None else ""
        log(f"   {m.lib:8s} {m.label:45s} {m.status}{first}" + (f"  [{m.note}]" if m.note else ""))

    timed = [m for m in methods if m.status == "ok" and not m.single_run]
    rounds = max((m.n_samples for m in timed), default=0)
    for r in range(rounds):
        for m in timed:
            if len(m.samples) < m.n_samples:
                try:
                    m.samples.append(run_sample(m))
                except KeyboardInterrupt:
                    raise
                except BaseException as exc:  # noqa: BLE001
                    m.status, m.note, m.samples = "error", "while timing: " + first_line(exc), []
                    m.n_samples = 0
        gc.collect()

    hand = next(m for m in methods if m.role == "hand-written")
    base = hand.median
    peaks = {}
    for m in methods:
        if m.status == "ok" and m.call is not None and (
            (m.lib == "fastgrad" and m.role in ("jacobian", "hessian / grad")) or m.role == "hand-written"
        ):
            peaks[(m.lib, m.role)] = peak_memory(m.call)

    records = []
    for m in methods:
        med = m.median
        rec = {
            "lib": m.lib,
            "role": m.role,
            "label": m.label,
            "status": m.status,
            "note": m.note,
            "median_s": med,
            "ratio": (med / base) if (med is not None and base) else None,
            "samples_s": m.samples,
            "calls_per_sample": m.number,
            "first_call_s": m.first_call_s,
            "single_run": m.single_run,
            "jit": m.jit,
            "peak_bytes": peaks.get((m.lib, m.role)),
        }
        # (the peak as a multiple of the derivative's size, float64)
        rec["peak_over_result"] = (rec["peak_bytes"] / (8 * math.prod(s.deriv_shape))
                                   if rec["peak_bytes"] else None)
        records.append(rec)
        if m.status == "ok":
            log(f"   {m.lib:8s} {m.label:45s} {fmt_time(med):>10s}  {fmt_ratio(rec['ratio']):>10s}"
                + (f"  peak {fmt_bytes(rec['peak_bytes'])} ({rec['peak_over_result']:.2f}× the result)"
                   if rec["peak_bytes"] else ""))
        m.call = None
    gc.collect()
    log(f"   ({time.perf_counter() - t_start:.1f} s)")
    return {
        "key": s.key,
        "title": s.title,
        "kind": s.kind,
        "n_in": s.n_in,
        "out_shape": list(s.out_shape),
        "deriv_shape": list(s.deriv_shape),
        "hand_written_s": base,
        "methods": records,
        "seconds": time.perf_counter() - t_start,
    }


# ---------------------------------------------------------------------------
# reporting

FASTGRAD_COLS = ["jacobian", "jacfwd", "jacrev", "hessian / grad"]
AUTOGRAD_COLS = ["jacobian / hessian / grad", "make_jvp loop", "make_jvp_reversemode loop",
                 "elementwise_grad", "make_hvp loop"]
JAX_COLS = ["jacfwd", "jacrev"]
TORCH_COLS = ["jacfwd", "jacrev", "tape backward"]
PLOT_LIBS = ["fastgrad", "autograd", "jax", "jax-jit", "torch"]


def find(sc: Dict[str, Any], lib: str, role: str) -> Optional[Dict[str, Any]]:
    for rec in sc["methods"]:
        if rec["lib"] == lib and rec["role"] == role:
            return rec
    return None


def best(sc: Dict[str, Any], lib: str) -> Optional[Dict[str, Any]]:
    ok = [r for r in sc["methods"] if r["lib"] == lib and r["status"] == "ok" and r["median_s"]]
    return min(ok, key=lambda r: r["median_s"]) if ok else None


def short_label(rec: Dict[str, Any]) -> str:
    if rec["role"] in ("make_jvp loop", "make_jvp_reversemode loop", "make_hvp loop",
                       "tape backward"):
        return rec["role"]
    return rec["label"].split(" = ")[0].replace("torch.func.", "")


def cell(rec: Optional[Dict[str, Any]], with_label: bool = False) -> str:
    if rec is None:
        return "—"
    if rec["status"] == "ok":
        text = f"{fmt_time(rec['median_s'])} ({fmt_ratio(rec['ratio'])})"
        if rec["single_run"]:
            text += " †"
        if with_label:
            text += f" `{short_label(rec)}`"
        return text
    if rec["status"] == "skipped":
        note = rec["note"]
        if note.startswith("skipped (memory)"):
            return "skipped (memory)"
        if "--quick" in note:
            return "skipped (--quick)"
        return "n/a"
    return rec["status"]


def first_call_cell(rec: Optional[Dict[str, Any]]) -> str:
    if rec is None or rec["status"] != "ok" or rec["first_call_s"] is None:
        return cell(rec) if rec is not None and rec["status"] != "ok" else "—"
    return fmt_time(rec["first_call_s"])


def value_floor_lines(scs: List[Dict[str, Any]]) -> List[str]:
    """fastgrad's best beside f(x) + the hand-written derivative, timed in the same rounds: a
    jacobian comes with the function's value, which the hand-written derivative never
    computes (S3's ndtr is most of its cost), so this is the floor for any tool."""
    rows = []
    for sc in scs:
        fg, floor = best(sc, "fastgrad"), find(sc, "numpy", "value floor")
        if fg is None or floor is None or floor["status"] != "ok" or not floor["median_s"]:
            continue
        rows.append([sc["key"], fmt_time(floor["median_s"]), fmt_time(fg["median_s"]),
                     fmt_ratio(fg["median_s"] / floor["median_s"])])
    if not rows:
        return []
    return (["Against the value floor, f(x) + hand-written derivative (what a tool that also "
             "returns f(x) spends at least):", ""]
            + table(["scenario", "f(x) + hand-written", "fastgrad best", "ratio"], rows) + [""])


def table(header: List[str], rows: List[List[str]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def write_markdown(data: Dict[str, Any], path: Path) -> None:
    meta, scs = data["meta"], data["scenarios"]
    L = ["# fastgrad benchmark results", ""]
    L.append(
        "Median wall time of one call (float64, one thread per library), and in parentheses the "
        "ratio to the hand-written NumPy/SciPy derivative timed in the same rounds. "
        "† = timed from a single call (too slow to repeat). "
        "\"wrong\" = result differs from the hand-written derivative (never timed); "
        "\"error\" = raised (see the notes below); \"skipped (memory)\" = the batched sweep "
        f"was estimated above the memory limit ({fmt_bytes(meta['options']['memory_limit'])}); "
        "\"n/a\" = not available; \"—\" = not applicable to the scenario."
    )
    L.append("")
    L.append(f"Run: {meta['date']}, mode `{meta['mode']}`, up to {meta['options']['repeats']} rounds. "
             "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".")
    L.append("")
    L.append("## Summary: best method per library")
    L.append("")
    hdr = ["scenario", "hand-written", "f(x) NumPy", "memory floor", "fastgrad best",
           "autograd best", "JAX eager best", "JAX jit best", "JAX jit first call", "PyTorch best"]
    rows = []
    for sc in scs:
        jb = best(sc, "jax-jit")
        rows.append([
            sc["key"],
            fmt_time(sc["hand_written_s"]),
            cell(find(sc, "numpy", "f(x)")),
            cell(find(sc, "numpy", "memory floor")),
            cell(best(sc, "fastgrad"), True),
            cell(best(sc, "autograd"), True),
            cell(best(sc, "jax"), True),
            cell(jb, True),
            fmt_time(jb["first_call_s"]) if jb else "—",
            cell(best(sc, "torch"), True),
        ])
    L += table(hdr, rows)
    L.append("")
    L += value_floor_lines(scs)

    L.append("## fastgrad")
    L.append("")
    L.append("Peak memory: tracemalloc peak of one call of `jacobian` (S7: `hessian`; S9: `grad`), "
             "as a multiple of the result's size, beside the hand-written derivative's peak and the "
             "result's size.")
    L.append("")
    rows = []
    for sc in scs:
        r = find(sc, "fastgrad", "jacobian" if sc["kind"] == "jacobian" else "hessian / grad")
        peak = r.get("peak_bytes") if r else None
        hw = find(sc, "numpy", "hand-written")
        result_bytes = 8 * int(np.prod(sc["deriv_shape"]))
        rows.append([sc["key"]] + [cell(find(sc, "fastgrad", c)) for c in FASTGRAD_COLS] + [
            (f"{peak / result_bytes:.2f}× the result: " if peak else "")
            + f"{fmt_bytes(peak)} (hand-written {fmt_bytes(hw.get('peak_bytes') if hw else None)}, "
            f"result {fmt_bytes(result_bytes)})"
        ])
    L += table(["scenario", "jacobian (auto)", "jacfwd", "jacrev", "hessian (S7) / grad (S9)",
                "peak memory"], rows)
    L.append("")
    if data.get("allocator"):
        from . import allocator

        L += allocator.markdown(data["allocator"])
    L.append("S7 differentiates `grad(f)`: `jacobian(grad(f))`, `jacfwd(grad(f))`, `jacrev(grad(f))`; "
             "S9 (scalar f) reports `jacobian(f)`, `jacfwd(f)`, `jacrev(f)` beside `grad(f)`.")
    L.append("")

    L.append("## autograd")
    L.append("")
    rows = [[sc["key"]] + [cell(find(sc, "autograd", c)) for c in AUTOGRAD_COLS] for sc in scs]
    L += table(["scenario"] + AUTOGRAD_COLS, rows)
    L.append("")
    L.append("The loops call `make_jvp` / `make_jvp_reversemode` / `make_hvp` once per basis vector "
             "of the input (only where the input is no larger than the output, where forward "
             "directions are the better route); `elementwise_grad` (S6 only) is followed by "
             "`np.diag` to give the dense jacobian.")
    L.append("")

    L.append("## JAX")
    L.append("")
    rows = []
    for sc in scs:
        rows.append([sc["key"]]
                    + [cell(find(sc, "jax", c)) for c in JAX_COLS]
                    + [cell(find(sc, "jax-jit", c)) for c in JAX_COLS]
                    + [first_call_cell(find(sc, "jax-jit", c)) for c in JAX_COLS])
    L += table(["scenario", "jacfwd eager", "jacrev eager", "jacfwd jit", "jacrev jit",
                "jacfwd jit first call (compile)", "jacrev jit first call (compile)"], rows)
    L.append("")
    L.append("S7: jacfwd = `jax.hessian` (`jacfwd(jacrev(f))`), jacrev = `jacrev(grad(f))`; "
             "S9: jacrev = `grad(f)`. Jitted medians exclude the first call, shown on its own.")
    L.append("")

    L.append("## PyTorch (torch.func)")
    L.append("")
    rows = [[sc["key"]] + [cell(find(sc, "torch", c)) for c in TORCH_COLS] for sc in scs]
    L += table(["scenario"] + TORCH_COLS, rows)
    L.append("")
    L.append("S7: jacfwd = `torch.func.hessian` (`jacfwd(jacrev(f))`), jacrev = "
             "`jacrev(grad(f))`; S9: jacrev = `torch.func.grad(f)`, tape backward = plain "
             "`f(x).backward()`.")
    L.append("")

    notes = []
    unavailable: Dict[tuple, List[str]] = {}
    for sc in scs:
        for r in sc["methods"]:
            if r["status"] == "skipped" and r["note"].startswith("not available"):
                unavailable.setdefault((r["lib"], r["note"]), [])
                if sc["key"] not in unavailable[(r["lib"], r["note"])]:
                    unavailable[(r["lib"], r["note"])].append(sc["key"])
            elif r["status"] in ("wrong", "error", "skipped") or r["single_run"]:
                what = r["note"] if r["note"].startswith(r["status"]) else f"{r['status']}: {r['note']}"
                if r["single_run"]:
                    what = r["note"]
                notes.append(f"- {sc['key']} {LIB_TITLES[r['lib']]} `{r['label']}`: {what}")
    if notes or unavailable:
        L.append("## Notes")
        L.append("")
        for (lib, note), keys in unavailable.items():
            L.append(f"- {LIB_TITLES[lib]} ({', '.join(keys)}): {note}")
        L += notes
        L.append("")

    L.append("## Setup")
    L.append("")
    L.append(f"- Python {meta['python']}, {meta['system']}, {meta['cpu_count']} CPUs; {meta['threads']}.")
    L.append("- Environment: " + ", ".join(f"{k}={v}" for k, v in meta["thread_env"].items()) + ".")
    L.append(f"- Check: `np.allclose(result, reference, rtol={RTOL:g}, atol={ATOL_REL:g} * max|reference|)`"
             ", shape and float64 dtype.")
    o = meta["options"]
    L.append(f"- Timing: each sample loops calls for at least {fmt_time(o['target'])}; at most "
             f"{o['repeats']} samples and about {o['budget']:g} s per method, at least "
             f"{o['min_samples']}; methods slower than {o['single_run_above']:g} s are reported from "
             "their first (checked) call.")
    la = meta.get("load_average") or {}
    L.append(f"- Total run time {meta['total_seconds']:.0f} s; 1-minute load average "
             f"{la.get('start')} at the start, {la.get('end')} at the end (above "
             f"{meta['cpu_count']} means other processes competed for the cores: absolute times "
             "are then inflated; ratios, timed in the same rounds, less so).")
    L.append("")
    path.write_text("\n".join(L))


def write_plot(data: Dict[str, Any], path: Path) -> Optional[str]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as exc:  # noqa: BLE001
        return first_line(exc)
    scs = data["scenarios"]
    libs = PLOT_LIBS
    colors = {"fastgrad": "#d62728", "autograd": "#7f7f7f", "jax": "#1f77b4",
              "jax-jit": "#aec7e8", "torch": "#ff7f0e"}
    width = 0.8 / len(libs)
    fig, ax = plt.subplots(figsize=(max(8, 1.6 * len(scs) + 2), 5.5))
    ymin, ymax = 1.0, 1.0
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    missing = []
    for i, lib in enumerate(libs):
        xs, ys = [], []
        for j, sc in enumerate(scs):
            xpos = j + (i - (len(libs) - 1) / 2) * width
            b = best(sc, lib)
            if b and b["ratio"]:
                xs.append(xpos)
                ys.append(b["ratio"])
            else:
                missing.append(xpos)
        if ys:
            ymin, ymax = min(ymin, min(ys)), max(ymax, max(ys))
            ax.bar(xs, ys, width=width, color=colors[lib], edgecolor="black", linewidth=0.4)
        for xv, yv in zip(xs, ys):
            ax.text(xv, yv * 1.08, fmt_ratio(yv).rstrip("×"), ha="center", va="bottom",
                    fontsize=6, rotation=90)
    for xv in missing:
        ax.text(xv, ymin / 1.6, "n/a", ha="center", va="bottom", fontsize=5, rotation=90,
                color="#555555")
    handles = [Patch(facecolor=colors[lib], edgecolor="black", linewidth=0.4,
                     label=LIB_TITLES[lib] + " (best method)") for lib in libs]
    handles.append(Line2D([0], [0], color="black", linewidth=0.8, linestyle="--",
                          label="hand-written NumPy/SciPy = 1"))
    ax.set_yscale("log")
    ax.set_ylim(ymin / 2, ymax * 8)
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_xticks(range(len(scs)))
    ax.set_xticklabels([sc["key"] for sc in scs])
    ax.set_ylabel("time / hand-written NumPy derivative (log scale)")
    ax.set_title("Derivative time relative to hand-written NumPy (lower is better; one thread, float64)")
    ax.legend(handles=handles, fontsize=8, ncol=3, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return None


# ---------------------------------------------------------------------------


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="fewer and shorter samples; skips autograd's 40000-pass jacobians")
    p.add_argument("--only", metavar="S1,S2", help="comma-separated scenario keys")
    p.add_argument("--repeats", type=int, metavar="N",
                   help="rounds (samples per method), default 7 (3 with --quick)")
    p.add_argument("--memory-limit", type=float, default=4.0, metavar="GIB",
                   help="skip batched sweeps estimated above this many GiB (default 4)")
    p.add_argument("--out", metavar="DIR",
                   help="output folder (default: benchmarks/results, or benchmarks/results/partial "
                        "for --quick/--only runs)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    opts = Options()
    if args.quick:
        opts.repeats, opts.target, opts.budget, opts.min_samples = 3, 0.005, 0.5, 1
        opts.single_run_above, opts.call_timeout, opts.jit_timeout = 1.0, 3.0, 30.0
    if args.repeats:
        opts.repeats = max(1, args.repeats)
        opts.min_samples = min(opts.min_samples, opts.repeats)
    opts.quick = args.quick
    opts.memory_limit = args.memory_limit * GIB
    scenarios = select(args.only)
    partial = args.quick or bool(args.only)
    out = Path(args.out) if args.out else Path(__file__).resolve().parent / "results" / (
        "partial" if partial else "")
    out.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    load_start = load_average()
    libs = Libraries()
    threads = _threads.pin_runtime()
    if libs.fg is not None:
        cfg = getattr(libs.fg["mod"], "config", None)
        opts.chunk_budget = int(getattr(cfg, "sweep_memory_bytes", GIB))
    print("libraries: " + ", ".join(f"{k} {v}" for k, v in libs.versions.items()))
    for k, v in libs.errors.items():
        print(f"unavailable: {k}: {v}")
    print(threads)

    results = [run_scenario(s, libs, opts) for s in scenarios]
    allocator_runs = None
    if libs.fg is not None and any(s.key == "S1" for s in scenarios):
        from . import allocator

        print("\n== S1 in fresh processes, without and with FASTGRAD_MALLOC_TUNING=1")
        allocator_runs = allocator.compare(args.quick)
        print("\n".join(allocator.markdown(allocator_runs)[4:]))

    import scipy

    data = {
        "meta": {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "mode": ("quick" if args.quick else "full") + (f", only {args.only}" if args.only else ""),
            "python": platform.python_version(),
            "system": f"{platform.system()} {platform.machine()}",
            "cpu_count": os.cpu_count(),
            "versions": {"numpy": np.__version__, "scipy": scipy.__version__, **libs.versions},
            "unavailable": libs.errors,
            "threads": threads,
            "thread_env": {k: os.environ.get(k, "") for k in _threads.THREAD_VARS + ("XLA_FLAGS",)},
            "options": {k: getattr(opts, k) for k in opts.__dataclass_fields__},
            "total_seconds": time.perf_counter() - t0,
            "load_average": {"start": load_start, "end": load_average()},
        },
        "scenarios": results,
        "allocator": allocator_runs,
    }
    (out / "results.json").write_text(json.dumps(data, indent=1, default=float))
    write_markdown(data, out / "results.md")
    plot_error = write_plot(data, out / "results.png")
    print("\nwrote results.md, results.json" + ("" if plot_error else ", results.png")
          + f" in {out.name}/  ({data['meta']['total_seconds']:.0f} s)")
    if plot_error:
        print("no plot: " + plot_error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
