"""How fastgrad's cost grows with the size of the problem.

    python -m benchmarks.scaling [--quick] [--repeats N] [--out DIR]

Three scenarios of the main suite, each at a range of sizes:

* S1, the seed jacobian ``timeline * p[0] / p[1]``, with the timeline from 10^2
  to 10^7 points (fastgrad's ``jacobian``);
* S5, ``tanh(W @ x)`` with W of n x n, n from 10 to 2000 (``jacobian``);
* S9, a chain of ``sin(x) * 1.01 + 0.1`` steps on R^3, from 10 to 10^4 steps,
  then ``sum`` (``grad``).

Each size times fastgrad beside the hand-written NumPy derivative and autograd's
best route (its one-call operator and, for the jacobians, ``make_jvp`` looped
over the input's basis; the faster is reported), round-robin in one process,
medians. An autograd route is left out at a size where its previous size,
scaled by the growth of that route's work, predicts more than a minute.

The fixed cost of a call is where the line through the two smallest sizes meets
zero work, fastgrad's less the hand-written derivative's; the asymptotic
ratio is fastgrad's over the hand-written time at the largest size. Writes
``results/scaling.md``, ``.json`` and ``.png`` (``results/partial/`` with
``--quick``).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from . import _threads

_threads.pin_env()

import numpy as np  # noqa: E402

from .run import (  # noqa: E402
    CallTimeout, check_result, first_line, fmt_ratio, fmt_time, load_average, run_sample, time_limit)
from .scenarios import s1_f, s1_ref, s5_f, s5_ref  # noqa: E402

AUTOGRAD_LIMIT = 60.0  # seconds: an autograd route predicted slower than this is left out


# ---------------------------------------------------------------------------- the scenarios


def chain_f(steps: int):
    def build(xp):
        def f(x):
            for _ in range(steps):
                x = xp.sin(x) * 1.01 + 0.1
            return xp.sum(x)
        return f
    return build


def chain_ref(steps: int):
    def ref(x):
        d = np.ones_like(x)
        for _ in range(steps):
            d = d * (np.cos(x) * 1.01)
            x = np.sin(x) * 1.01 + 0.1
        return d
    return ref


@dataclass
class Case:
    """One scenario at one size."""
    size: int  # the size on the plot's axis (points, n, steps)
    work: float  # what the cost grows with (points, n^2, steps)
    kind: str  # "jacobian" | "grad"
    build: Callable[[Any], Callable]  # f, given a NumPy-like module
    reference: Callable[[], np.ndarray]
    point: np.ndarray
    # how the work of autograd's one-call operator and of its make_jvp loop grows (one
    # reverse pass per output, one forward pass per input)
    ag_work: float = 0.0
    ag_loop_work: float = 0.0


def s1_case(points: int) -> Case:
    c = {"timeline": np.linspace(1.0, 100.0, points)}
    p = np.array([1.0, 1.0])
    return Case(points, float(points), "jacobian", lambda xp: s1_f(xp, None, c),
                lambda: s1_ref(p, c), p, float(points) ** 2, float(points))


def s5_case(n: int) -> Case:
    rng = np.random.default_rng(5)
    c = {"W": rng.standard_normal((n, n)) / math.sqrt(n)}
    x = rng.standard_normal(n)
    return Case(n, float(n * n), "jacobian", lambda xp: s5_f(xp, None, c), lambda: s5_ref(x, c), x,
                float(n) ** 3, float(n) ** 3)


def s9_case(steps: int) -> Case:
    x = np.ones(3)
    ref = chain_ref(steps)
    return Case(steps, float(steps), "grad", chain_f(steps), lambda: ref(x), x, float(steps), float(steps))


SCENARIOS = {
    "S1": ("S1 seed jacobian, timeline of N points", "points N", "points",
           s1_case, (10**2, 10**3, 10**4, 10**5, 10**6, 10**7), (10**2, 10**4, 10**6)),
    "S5": ("S5 tanh(W @ x), W n x n", "n", "n^2 entries",
           s5_case, (10, 30, 100, 300, 1000, 2000), (10, 100, 1000)),
    "S9": ("S9 chain of sin(x) * 1.01 + 0.1 on R^3, grad", "steps", "steps",
           s9_case, (10, 30, 100, 300, 1000, 3000, 10000), (10, 100, 1000)),
}


# ---------------------------------------------------------------------------- methods


@dataclass
class Route:
    lib: str  # numpy | fastgrad | autograd
    label: str
    make: Callable[[], Callable[[], Any]]
    call: Optional[Callable[[], Any]] = None
    number: int = 1
    work: float = 0.0  # how its cost grows (autograd's routes: to predict the next size)
    samples: List[float] = field(default_factory=list)
    first_call_s: Optional[float] = None
    status: str = "pending"  # ok | wrong | error | skipped
    note: str = ""

    @property
    def median(self) -> Optional[float]:
        return float(np.median(self.samples)) if self.samples else None


def routes(case: Case, fg, fnp, ag, anp) -> List[Route]:
    x = case.point
    out = [Route("numpy", "hand-written", lambda: case.reference)]
    f = case.build(fnp)
    op = fg.grad if case.kind == "grad" else fg.jacobian
    name = "grad(f)" if case.kind == "grad" else "jacobian(f)"
    out.append(Route("fastgrad", name, lambda: (lambda d: (lambda: d(x)))(op(f))))
    if ag is not None:
        af = case.build(anp)
        aop = ag.grad if case.kind == "grad" else ag.jacobian
        out.append(Route("autograd", name, lambda: (lambda d: (lambda: d(x)))(aop(af)), work=case.ag_work))
        if case.kind == "jacobian":
            basis = np.eye(x.size)

            def jvp_loop():
                jvp = ag.make_jvp(af)(x)
                return np.stack([jvp(e)[1] for e in basis], axis=-1)

            out.append(Route("autograd", "make_jvp(f)(x) over basis vectors", lambda: jvp_loop,
                             work=case.ag_loop_work))
    return out


def prepare(r: Route, ref: np.ndarray, target: float, timeout: float) -> None:
    try:
        with time_limit(timeout):
            r.call = r.make()
            t0 = time.perf_counter()
            result = r.call()
            r.first_call_s = time.perf_counter() - t0
        problem = check_result(result, ref)
        if problem:
            r.status, r.note, r.call = "wrong", problem, None
            return
        r.number = max(1, int(target / max(r.first_call_s, 1e-7)))
        r.status = "ok"
    except CallTimeout as exc:
        r.status, r.note, r.call = "skipped", str(exc), None
    except Exception as exc:  # noqa: BLE001
        r.status, r.note, r.call = "error", first_line(exc), None


def time_case(case: Case, rs: List[Route], opts) -> None:
    ref = case.reference()
    for r in rs:
        if r.status == "pending":
            prepare(r, ref, opts.target, AUTOGRAD_LIMIT if r.lib == "autograd" else 600.0)
    live = [r for r in rs if r.status == "ok"]
    for r in live:
        if r.first_call_s > opts.single_run_above:
            # too slow to repeat: its one checked call is the sample
            r.samples = [r.first_call_s]
    live = [r for r in live if not r.samples]
    spent = {id(r): 0.0 for r in live}
    for _ in range(opts.repeats):
        for r in live:
            if spent[id(r)] > opts.budget and len(r.samples) >= opts.min_samples:
                continue
            s = run_sample(r)
            r.samples.append(s)
            spent[id(r)] += s * r.number
    for r in rs:
        r.call = None


# ---------------------------------------------------------------------------- summary


def summary(scenario: Dict[str, Any]) -> Dict[str, Any]:
    """The fixed cost of a call (the intercept at zero work of the line through the two
    smallest sizes, fastgrad's less the hand-written derivative's), the asymptotic ratio
    (at the largest size, and between the two largest: the ratio of what the last step of
    size added), and the first size at which the fixed cost is under a tenth of fastgrad's
    time."""
    pairs = []
    for point in scenario["points"]:
        fg, hw = best_route(point, "fastgrad"), best_route(point, "numpy")
        if fg and hw:
            pairs.append((point["size"], point["work"], fg["median_s"], hw["median_s"]))
    out: Dict[str, Any] = {}
    if not pairs:
        return out
    size0, work0, fg0, hw0 = pairs[0]
    out["smallest_size"] = size0
    out["fastgrad_smallest_s"] = fg0
    if len(pairs) > 1:
        _, work1, fg1, hw1 = pairs[1]

        def intercept(t0, t1):
            return max(t0 - (t1 - t0) / (work1 - work0) * work0, 0.0)

        fixed = max(intercept(fg0, fg1) - intercept(hw0, hw1), 0.0)
    else:
        fixed = max(fg0 - hw0, 0.0)
    out["fixed_cost_s"] = fixed
    size_n, _, fg_n, hw_n = pairs[-1]
    out["largest_size"] = size_n
    out["asymptotic_ratio"] = fg_n / hw_n
    if len(pairs) > 1:
        _, _, fgp, hwp = pairs[-2]
        if hw_n > hwp and fg_n > fgp:
            out["incremental_ratio"] = (fg_n - fgp) / (hw_n - hwp)
    out["fixed_cost_under_tenth_from"] = next((size for size, _, fg, _ in pairs if fixed < 0.1 * fg), None)
    return out


def best_route(point: Dict[str, Any], lib: str) -> Optional[Dict[str, Any]]:
    ok = [r for r in point["routes"] if r["lib"] == lib and r["status"] == "ok" and r["median_s"]]
    return min(ok, key=lambda r: r["median_s"]) if ok else None


# ---------------------------------------------------------------------------- output


def write_markdown(data: Dict[str, Any], path: Path) -> None:
    meta = data["meta"]
    L = ["# How fastgrad's cost grows with size", ""]
    L.append(f"Run: {meta['date']}, mode `{meta['mode']}`, up to {meta['repeats']} rounds, "
             f"one thread, float64. Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
             + f". Load average {meta['load_start']} at the start, {meta['load_end']} at the end "
             f"({meta['cpu_count']} cores).")
    L.append("")
    L.append("Each cell: the median time of one call, and in parentheses its ratio to the "
             "hand-written NumPy derivative timed in the same rounds. autograd: the faster of "
             "its one-call operator and `make_jvp` looped over the input's basis (named in the "
             "notes); \"—\" where it was left out (predicted over a minute).")
    L.append("")
    L.append(f"| scenario | fixed cost per call | fastgrad at the smallest size | asymptotic ratio "
             f"(at the largest size) | ratio of the last increments | fixed cost under 10% from |")
    L.append("|---|---|---|---|---|---|")
    for key, sc in data["scenarios"].items():
        s = sc["summary"]
        if not s:
            L.append(f"| {key} | — | — | — | — | — |")
            continue
        L.append(
            f"| {key} | {_us(s.get('fixed_cost_s'))} | {_us(s.get('fastgrad_smallest_s'))} "
            f"({sc['axis']} = {s['smallest_size']:,}) | {fmt_ratio(s.get('asymptotic_ratio'))} "
            f"({sc['axis']} = {s['largest_size']:,}) | {fmt_ratio(s.get('incremental_ratio'))} "
            f"| {_size(s.get('fixed_cost_under_tenth_from'), sc['axis'])} |")
    L.append("")
    L.append("Fixed cost per call: where the line through the two smallest sizes meets zero work, "
             "fastgrad's less the hand-written derivative's. Asymptotic ratio: fastgrad over "
             "hand-written at the largest size; the ratio of the last increments divides what "
             "the last step of size added to each. Fixed cost under 10%: the first size measured "
             "at which the fixed cost is under a tenth of fastgrad's time.")
    L.append("")
    for key, sc in data["scenarios"].items():
        L.append(f"## {sc['title']}")
        L.append("")
        L.append(f"| {sc['axis']} | hand-written | fastgrad | autograd best |")
        L.append("|---|---|---|---|")
        notes = []
        for point in sc["points"]:
            hw = best_route(point, "numpy")
            cells = []
            for lib in ("numpy", "fastgrad", "autograd"):
                r = best_route(point, lib)
                if r is None:
                    bad = [x for x in point["routes"] if x["lib"] == lib and x["status"] != "ok"]
                    cells.append(bad[0]["status"] if bad and bad[0]["status"] in ("wrong", "error") else "—")
                    for x in bad:
                        notes.append(f"{sc['axis']} = {point['size']}: {lib} `{x['label']}`: "
                                     f"{x['status']} ({x['note']})")
                    continue
                ratio = r["median_s"] / hw["median_s"] if hw else None
                cells.append(f"{fmt_time(r['median_s'])} ({fmt_ratio(ratio)})"
                             + (f" `{_short(r['label'])}`" if lib == "autograd" else ""))
            L.append(f"| {point['size']:,} | " + " | ".join(cells) + " |")
        L.append("")
        if notes:
            L += [f"- {n}" for n in notes] + [""]
    path.write_text("\n".join(L) + "\n")


def _us(seconds):
    return "—" if seconds is None else f"{seconds * 1e6:,.1f} µs"


def _size(size, axis):
    return "—" if size is None else f"{axis} = {size:,}"


def _short(label):
    return "make_jvp loop" if label.startswith("make_jvp") else label


def write_plot(data: Dict[str, Any], path: Path) -> Optional[str]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as exc:  # noqa: BLE001
        return first_line(exc)
    scs = data["scenarios"]
    fig, axes = plt.subplots(2, len(scs), figsize=(4.6 * len(scs), 7.5), squeeze=False,
                             gridspec_kw={"height_ratios": [2, 1]})
    style = {"numpy": ("hand-written NumPy", "black", "o"), "fastgrad": ("fastgrad", "#d62728", "s"),
             "autograd": ("autograd (best route)", "#7f7f7f", "^")}
    for col, (key, sc) in enumerate(scs.items()):
        top, bottom = axes[0][col], axes[1][col]
        for lib, (label, color, marker) in style.items():
            xs, ys, rs = [], [], []
            for point in sc["points"]:
                r, hw = best_route(point, lib), best_route(point, "numpy")
                if r is None:
                    continue
                xs.append(point["size"])
                ys.append(r["median_s"])
                rs.append(r["median_s"] / hw["median_s"] if hw else float("nan"))
            if not xs:
                continue
            top.plot(xs, ys, marker=marker, color=color, label=label, linewidth=1.2, markersize=4)
            if lib != "numpy":
                bottom.plot(xs, rs, marker=marker, color=color, label=label, linewidth=1.2, markersize=4)
        fixed = sc["summary"].get("fixed_cost_s")
        if fixed:
            top.axhline(fixed, color="#d62728", linestyle=":", linewidth=0.8,
                        label=f"fastgrad fixed cost {fixed * 1e6:,.0f} µs")
        top.set_xscale("log")
        top.set_yscale("log")
        top.set_title(sc["title"], fontsize=9)
        top.set_ylabel("median time per call (s)")
        top.grid(True, which="both", linewidth=0.3, alpha=0.5)
        top.legend(fontsize=7)
        bottom.set_xscale("log")
        bottom.set_yscale("log")
        bottom.axhline(1.0, color="black", linestyle="--", linewidth=0.8)
        bottom.set_xlabel(sc["axis"])
        bottom.set_ylabel("time / hand-written")
        bottom.grid(True, which="both", linewidth=0.3, alpha=0.5)
    fig.suptitle("Cost against size (log-log; one thread, float64; lower is better)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None


# ---------------------------------------------------------------------------- main


@dataclass
class Options:
    repeats: int = 7
    target: float = 0.02  # seconds per sample (calls are looped up to this)
    budget: float = 2.0  # seconds of timing per route and size, at most
    min_samples: int = 3
    single_run_above: float = 3.0


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.scaling",
                                description=__doc__.strip().split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="three sizes per scenario, short samples")
    p.add_argument("--only", metavar="S1,S5", help="comma-separated scenario keys (S1, S5, S9)")
    p.add_argument("--repeats", type=int, metavar="N", help="rounds per size (default 7, 3 with --quick)")
    p.add_argument("--out", metavar="DIR",
                   help="output folder (default benchmarks/results, or results/partial with --quick/--only)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    opts = Options()
    if args.quick:
        opts.repeats, opts.target, opts.budget, opts.min_samples = 3, 0.005, 0.3, 1
        opts.single_run_above = 1.0
    if args.repeats:
        opts.repeats = max(1, args.repeats)
        opts.min_samples = min(opts.min_samples, opts.repeats)
    keys = [k.strip().upper() for k in args.only.split(",")] if args.only else list(SCENARIOS)
    unknown = [k for k in keys if k not in SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(unknown)}")
    partial = args.quick or bool(args.only)
    out = Path(args.out) if args.out else Path(__file__).resolve().parent / "results" / (
        "partial" if partial else "")
    out.mkdir(parents=True, exist_ok=True)

    t_start = time.perf_counter()
    load_start = load_average()
    import fastgrad as fg
    import fastgrad.numpy as fnp
    versions = {"numpy": np.__version__, "fastgrad": getattr(fg, "__version__", "?")}
    try:
        import autograd as ag
        import autograd.numpy as anp
        from importlib.metadata import version
        versions["autograd"] = version("autograd")
    except Exception as exc:  # noqa: BLE001
        ag = anp = None
        print(f"autograd unavailable: {first_line(exc)}")
    print(_threads.pin_runtime())

    scenarios: Dict[str, Any] = {}
    for key in keys:
        title, axis, unit, make_case, sizes, quick_sizes = SCENARIOS[key]
        sizes = quick_sizes if args.quick else sizes
        print(f"== {title}")
        points = []
        previous: Dict[str, tuple] = {}  # autograd route label -> (work, seconds)
        for size in sizes:
            case = make_case(size)
            rs = routes(case, fg, fnp, ag, anp)
            for r in rs:
                if r.lib == "autograd" and r.label in previous:
                    work, seconds = previous[r.label]
                    if seconds is None or seconds * r.work / work > AUTOGRAD_LIMIT:
                        r.status = "skipped"
                        r.note = "predicted over a minute from the previous size"
                        previous[r.label] = (r.work, None)
            time_case(case, rs, opts)
            for r in rs:
                if r.lib == "autograd" and r.status != "skipped":
                    previous[r.label] = (r.work, r.median if r.status == "ok" else None)
            hw = rs[0].median
            line = "   ".join(f"{r.lib} {fmt_time(r.median)} ({fmt_ratio(r.median / hw if r.median and hw else None)})"
                               if r.status == "ok" else f"{r.lib} {r.status}" for r in rs)
            print(f"   {axis} = {size:<9,} {line}")
            points.append({"size": size, "work": case.work, "routes": [
                {"lib": r.lib, "label": r.label, "status": r.status, "note": r.note,
                 "median_s": r.median, "samples": r.samples, "number": r.number,
                 "first_call_s": r.first_call_s} for r in rs]})
        sc = {"title": title, "axis": axis, "unit": unit, "points": points}
        sc["summary"] = summary(sc)
        scenarios[key] = sc
        s = sc["summary"]
        print(f"   fixed cost {_us(s.get('fixed_cost_s'))}, asymptotic ratio "
              f"{fmt_ratio(s.get('asymptotic_ratio'))}")

    data = {"meta": {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "mode": "quick" if args.quick else "full",
        "repeats": opts.repeats,
        "python": platform.python_version(),
        "cpu_count": __import__("os").cpu_count(),
        "versions": versions,
        "load_start": load_start,
        "load_end": load_average(),
        "seconds": round(time.perf_counter() - t_start, 1),
    }, "scenarios": scenarios}
    (out / "scaling.json").write_text(json.dumps(data, indent=1))
    write_markdown(data, out / "scaling.md")
    problem = write_plot(data, out / "scaling.png")
    print(f"wrote scaling.md, scaling.json{'' if problem else ', scaling.png'} in {out}"
          + (f"  (no plot: {problem})" if problem else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
