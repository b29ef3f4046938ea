"""Does ``jacobian(f, mode='auto')`` pick the right direction?

    python -m benchmarks.direction [--quick] [--repeats N] [--memory-limit GIB]

Two grids.  The first is of shapes, n inputs x m outputs with n, m in {1, 10,
100, 1000, 10000} (the 10^4 x 10^4 cell, an 800 MB jacobian, is left out), for
the function family

    f(x) = tanh(c * sum(a * sin(x)) + d) + e * sum(x * x) / n

(a in R^n; c, d, e in R^m): its cost is linear in n + m and its jacobian
(rank two) is dense.  The second is of small outputs (one to three) from large
inputs (n in {10^3, 10^4, 10^5}) through products (matmul, dot, einsum, a
product with an n x 3 matrix), reductions (sum, mean, max, norm) and stacks of
them: where a forward sweep's identity seed, met by a rule that cannot keep its
structure, becomes an n x n array.

Each cell times fastgrad's ``jacobian`` with ``mode='fwd'``, ``mode='rev'`` and
``mode='auto'`` (round-robin, medians) and asks whether auto is within 1.25x of
the better forced mode.  fastgrad sweeps in chunks within its own memory budget,
so the memory guard (result plus that budget above the limit) rarely applies; a
forced mode it stops, or one whose first call takes longer than the slow-call
limit (a forced sweep of 10^5 dense rows), is not timed, and auto is then
compared with the mode that ran.  Results go to benchmarks/results/direction.md
(and .json).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys
import time
from pathlib import Path

from . import _threads

_threads.pin_env()

import numpy as np  # noqa: E402

from .run import (  # noqa: E402
    GIB, CallTimeout, check_result, first_line, fmt_bytes, fmt_time, load_average, time_limit)

SIZES = (1, 10, 100, 1000, 10000)
MAX_ENTRIES = 10**7  # jacobians larger than this (only 10^4 x 10^4) are left out
SMALL_OUTPUT_SIZES = (1000, 10000, 100000)
TOLERANCE = 1.25
TARGET = 1.0  # every cell
MODES = ("fwd", "rev", "auto")


def constants(n: int, m: int):
    rng = np.random.default_rng(1000 * n + m)
    return {
        "a": rng.uniform(0.5, 1.5, n),
        "c": rng.uniform(-1.0, 1.0, m) / math.sqrt(n),
        "d": rng.uniform(-0.5, 0.5, m),
        "e": rng.uniform(-1.0, 1.0, m),
        "x": rng.standard_normal(n),
    }


def make_f(xp, k):
    a, c, d, e = k["a"], k["c"], k["d"], k["e"]
    inv_n = 1.0 / a.size

    def f(x):
        s = xp.sum(a * xp.sin(x))
        t = xp.sum(x * x) * inv_n
        return xp.tanh(c * s + d) + e * t

    return f


def reference(k):
    a, c, d, e, x = k["a"], k["c"], k["d"], k["e"], k["x"]
    y0 = np.tanh(c * np.sum(a * np.sin(x)) + d)
    return np.outer(c * (1.0 - y0 * y0), a * np.cos(x)) + np.outer(e, x * (2.0 / x.size))


# ---------------------------------------------------------------- small outputs from large inputs
# name: (f(xp, c) for the constants c, the hand-written jacobian, outputs)


def small_constants(n: int):
    rng = np.random.default_rng(n + 7)
    return {"x": rng.standard_normal(n), "w": rng.standard_normal(n), "W": rng.standard_normal((n, 3))}


def _one_hot(x):
    e = np.zeros_like(x)
    e[np.argmax(x)] = 1.0
    return e


SMALL_OUTPUTS = {
    "x @ w": (lambda xp, c: (lambda x: x @ c["w"]), lambda c: c["w"].copy()),
    "dot(x, w)": (lambda xp, c: (lambda x: xp.dot(x, c["w"])), lambda c: c["w"].copy()),
    "einsum('i,i->', x, w)": (lambda xp, c: (lambda x: xp.einsum("i,i->", x, c["w"])),
                              lambda c: c["w"].copy()),
    "x @ W (n x 3)": (lambda xp, c: (lambda x: x @ c["W"]), lambda c: c["W"].T.copy()),
    "sum(x)": (lambda xp, c: (lambda x: xp.sum(x)), lambda c: np.ones_like(c["x"])),
    "mean(x)": (lambda xp, c: (lambda x: xp.mean(x)), lambda c: np.full_like(c["x"], 1.0 / c["x"].size)),
    "max(x)": (lambda xp, c: (lambda x: xp.max(x)), lambda c: _one_hot(c["x"])),
    "norm(x)": (lambda xp, c: (lambda x: xp.linalg.norm(x)), lambda c: c["x"] / np.linalg.norm(c["x"])),
    "stack(sum, mean, max)": (
        lambda xp, c: (lambda x: xp.stack([xp.sum(x), xp.mean(x), xp.max(x)])),
        lambda c: np.stack([np.ones_like(c["x"]), np.full_like(c["x"], 1.0 / c["x"].size), _one_hot(c["x"])])),
    "stack(x @ w, norm, mean(x**2))": (
        lambda xp, c: (lambda x: xp.stack([x @ c["w"], xp.linalg.norm(x), xp.mean(x ** 2)])),
        lambda c: np.stack([c["w"], c["x"] / np.linalg.norm(c["x"]), 2.0 * c["x"] / c["x"].size])),
}


def sweep_bytes(n: int, m: int, chunk_budget: int) -> int:
    """fastgrad sweeps in chunks within config.sweep_memory_bytes; the result and
    its assembly come on top."""
    return int(3 * 8 * n * m) + chunk_budget


def sample(call, number):
    gc.disable()
    try:
        t0 = time.perf_counter()
        for _ in range(number):
            call()
        return (time.perf_counter() - t0) / number
    finally:
        gc.enable()


def run_cell(fg, n, m, opts):
    k = constants(n, m)
    return time_cell({"n": n, "m": m}, make_f(fg["np"], k), k["x"], lambda: reference(k), fg, opts)


def run_small_output_cell(fg, name, n, opts):
    build, hand = SMALL_OUTPUTS[name]
    c = small_constants(n)
    f = build(fg["np"], c)
    m = int(np.size(build(np, c)(c["x"])))
    return time_cell({"function": name, "n": n, "m": m}, f, c["x"], lambda: hand(c), fg, opts,
                     slow=opts.slow_call)


def time_cell(cell, f, x, hand_written, fg, opts, slow=None):
    """Times the three modes and the hand-written jacobian round-robin; a forced mode
    whose checked call takes longer than `slow` seconds is not timed."""
    n, m = cell["n"], cell["m"]
    ref = hand_written()
    calls = {}
    for mode in MODES:
        rec = {"status": "ok", "note": "", "samples": [], "median_s": None}
        cell[mode] = rec
        est = sweep_bytes(n, m, opts.chunk_budget)
        if mode != "auto" and est > opts.memory_limit:
            rec["status"] = "skipped"
            rec["note"] = f"skipped (memory): estimated {fmt_bytes(est)}"
            continue
        try:
            with time_limit(slow if slow and mode != "auto" else opts.call_timeout):
                jac = fg["jacobian"](f, mode=mode)
                problem = check_result(jac(x), ref)
                if problem:
                    rec["status"], rec["note"] = "wrong", problem
                    continue
                t0 = time.perf_counter()
                jac(x)
                t = time.perf_counter() - t0
        except KeyboardInterrupt:
            raise
        except CallTimeout:
            rec["status"], rec["note"] = "slow", f"not timed: one call takes more than {slow:.0f} s"
            continue
        except BaseException as exc:  # noqa: BLE001
            rec["status"], rec["note"] = "error", first_line(exc)
            continue
        number = int(min(10000, max(1, math.ceil(opts.target / max(t, 1e-9)))))
        rec["n_samples"] = int(min(opts.repeats, max(1 if t > opts.budget else 2,
                                                     opts.budget // max(t * number, 1e-9))))
        rec["calls_per_sample"] = number
        calls[mode] = (lambda j: (lambda: j(x)))(jac)
    # hand-written, for scale
    t0 = time.perf_counter()
    hand_written()
    t = time.perf_counter() - t0
    hand = {"status": "ok", "samples": [], "n_samples": opts.repeats,
            "calls_per_sample": int(min(10000, max(1, math.ceil(opts.target / max(t, 1e-9)))))}
    cell["hand-written"] = hand
    calls["hand-written"] = hand_written
    rounds = max(cell[key]["n_samples"] for key in calls)
    for _ in range(rounds):
        for key, call in calls.items():
            rec = cell[key]
            if rec["status"] == "ok" and len(rec["samples"]) < rec["n_samples"]:
                try:
                    with time_limit(opts.call_timeout * rec["calls_per_sample"]):
                        rec["samples"].append(sample(call, rec["calls_per_sample"]))
                except KeyboardInterrupt:
                    raise
                except BaseException as exc:  # noqa: BLE001
                    rec["status"], rec["note"], rec["samples"] = "error", first_line(exc), []
    for key in calls:
        rec = cell[key]
        rec["median_s"] = float(np.median(rec["samples"])) if rec["samples"] else None
        rec["min_s"] = float(np.min(rec["samples"])) if rec["samples"] else None
    forced = [(cell[md]["median_s"], md) for md in ("fwd", "rev") if cell[md]["median_s"]]
    auto = cell["auto"]["median_s"]
    if forced and auto:
        best_t, best_mode = min(forced)
        cell["best_forced"] = best_mode
        cell["auto_over_best"] = auto / best_t
        cell["ok"] = auto <= TOLERANCE * best_t
        if len(forced) == 2:
            # which forced mode auto's time is closer to (on a log scale)
            cell["auto_like"] = min(forced, key=lambda p: abs(math.log(auto / p[0])))[1]
    else:
        cell["ok"] = None
    forced_min = [cell[md]["min_s"] for md in ("fwd", "rev") if cell[md].get("min_s")]
    if forced_min and cell["auto"].get("min_s"):
        cell["auto_over_best_min"] = cell["auto"]["min_s"] / min(forced_min)
    del calls
    gc.collect()
    return cell


def _cell(c, missing):
    """One cell of a grid: auto over the better forced mode, which that was, and a mark
    where it is over the line; or why it was not timed."""
    if c is None:
        return missing
    if c.get("ok") is None:
        return c["auto"]["status"]
    return f"{c['auto_over_best']:.2f} ({c['best_forced']})" + ("" if c["ok"] else " ✗")


def write_markdown(data, path: Path):
    cells = data["cells"]
    judged = [c for c in cells if c.get("ok") is not None]
    good = [c for c in judged if c["ok"]]
    frac = len(good) / len(judged) if judged else float("nan")
    L = ["# Direction choice of `jacobian(f, mode='auto')`", ""]
    L.append("Function family (cost linear in n + m, dense rank-two jacobian): "
             "`f(x) = tanh(c * sum(a * sin(x)) + d) + e * sum(x * x) / n`, "
             "x in R^n, a in R^n, c, d, e in R^m. Median time of one jacobian, "
             "float64, one thread.")
    L.append("")
    L.append(f"**auto within {TOLERANCE}× of the better forced mode in {len(good)} of {len(judged)} "
             f"cells ({100 * frac:.0f}%; target ≥ {100 * TARGET:.0f}%).**")
    L.append("")
    by_min = [c for c in cells if c.get("auto_over_best_min")]
    if by_min:
        good_min = [c for c in by_min if c["auto_over_best_min"] <= TOLERANCE]
        L.append(f"Judged on each mode's fastest sample instead of its median (less sensitive to other "
                 f"processes competing for the cores): {len(good_min)} of {len(by_min)} cells "
                 f"({100 * len(good_min) / len(by_min):.0f}%).")
        L.append("")
    skipped = [c for c in data["skipped_cells"]]
    if skipped:
        L.append("Left out: " + ", ".join(f"n={n} × m={m} ({n * m:,} entries)" for n, m in skipped)
                 + f" (jacobian above {MAX_ENTRIES:,} entries).")
        L.append("")
    bad = [c for c in judged if not c["ok"]]
    if bad:
        L.append("Cells where auto is not within the tolerance:")
        L.append("")
        for c in bad:
            L.append(f"- n={c['n']}, m={c['m']}: auto {fmt_time(c['auto']['median_s'])}, "
                     f"fwd {fmt_time(c['fwd']['median_s'])}, rev {fmt_time(c['rev']['median_s'])} "
                     f"(auto / best = {c['auto_over_best']:.2f})")
        L.append("")
    problems = [(c, md) for c in cells for md in MODES if c[md]["status"] in ("wrong", "error")]
    if problems:
        L.append("Failures:")
        L.append("")
        for c, md in problems:
            L.append(f"- n={c['n']}, m={c['m']}, mode='{md}': {c[md]['status']}: {c[md]['note']}")
        L.append("")
    L.append("## auto / best forced mode (rows n inputs, columns m outputs)")
    L.append("")
    sizes = data["sizes"]
    by = {(c["n"], c["m"]): c for c in cells}
    L.append("| n \\ m | " + " | ".join(str(m) for m in sizes) + " |")
    L.append("|---|" + "---|" * len(sizes))
    for n in sizes:
        row = []
        for m in sizes:
            row.append(_cell(by.get((n, m)), "left out"))
        L.append(f"| {n} | " + " | ".join(row) + " |")
    L.append("")
    L.append("Cell: median time of auto divided by the faster of fwd and rev (in parentheses); "
             "✗ = above the tolerance.")
    L.append("")
    L.append("## All timings")
    L.append("")
    L.append("| n | m | fwd | rev | auto | auto / best | auto / best (fastest samples) "
             "| auto behaves like | hand-written |")
    L.append("|---|---|---|---|---|---|---|---|---|")

    def t(rec):
        if rec["status"] == "ok":
            return fmt_time(rec["median_s"])
        return "skipped (memory)" if rec["status"] == "skipped" else rec["status"]

    for c in cells:
        ratio = f"{c['auto_over_best']:.2f}" if c.get("auto_over_best") else "—"
        rmin = f"{c['auto_over_best_min']:.2f}" if c.get("auto_over_best_min") else "—"
        L.append(f"| {c['n']} | {c['m']} | {t(c['fwd'])} | {t(c['rev'])} | {t(c['auto'])} | {ratio} | "
                 f"{rmin} | {c.get('auto_like', '—')} | {t(c['hand-written'])} |")
    L.append("")
    meta = data["meta"]
    la = meta.get("load_average") or {}
    L.append(f"Run: {meta['date']}, mode `{meta['mode']}`, memory limit for forced modes "
             f"{fmt_bytes(meta['memory_limit'])}, {meta['seconds']:.0f} s; 1-minute load average "
             f"{la.get('start')} at the start, {la.get('end')} at the end. "
             f"Versions: numpy {meta['numpy']}, fastgrad {meta['fastgrad']}.")
    L.append("")
    L.extend(small_output_markdown(data.get("small_output_cells", [])))
    path.write_text("\n".join(L))
    return frac, bad


def _status(rec):
    if rec["status"] == "ok":
        return fmt_time(rec["median_s"])
    return {"skipped": "skipped (memory)", "slow": "not timed (slow)"}.get(rec["status"], rec["status"])


def small_output_markdown(cells):
    if not cells:
        return []
    judged = [c for c in cells if c.get("ok") is not None]
    good = [c for c in judged if c["ok"]]
    L = ["## Small outputs from large inputs", ""]
    L.append(f"**auto within {TOLERANCE}× of the better forced mode in {len(good)} of {len(judged)} "
             f"cells.** A forced mode whose first call took longer than the slow-call limit is not "
             f"timed (a forward sweep of n dense rows where a rule cannot keep the seed's structure).")
    L.append("")
    sizes = sorted({c["n"] for c in cells})
    names = list(dict.fromkeys(c["function"] for c in cells))
    by = {(c["function"], c["n"]): c for c in cells}
    L.append("| function (outputs) \\ n | " + " | ".join(f"{n:,}" for n in sizes) + " |")
    L.append("|---|" + "---|" * len(sizes))
    for name in names:
        row = []
        for n in sizes:
            row.append(_cell(by.get((name, n)), "—"))
        m = next(c["m"] for c in cells if c["function"] == name)
        L.append(f"| `{name}` ({m}) | " + " | ".join(row) + " |")
    L.append("")
    L.append("| function | n | fwd | rev | auto | auto / best | hand-written |")
    L.append("|---|---|---|---|---|---|---|")
    for c in cells:
        ratio = f"{c['auto_over_best']:.2f}" if c.get("auto_over_best") else "—"
        L.append(f"| `{c['function']}` | {c['n']:,} | {_status(c['fwd'])} | {_status(c['rev'])} | "
                 f"{_status(c['auto'])} | {ratio} | {_status(c['hand-written'])} |")
    L.append("")
    return L


class Opts:
    pass


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.direction",
                                description="Direction choice of jacobian(mode='auto') on a shape grid.")
    p.add_argument("--quick", action="store_true", help="fewer, shorter samples")
    p.add_argument("--repeats", type=int, metavar="N", help="samples per mode (default 7, 3 with --quick)")
    p.add_argument("--memory-limit", type=float, default=4.0, metavar="GIB",
                   help="do not run a forced mode estimated above this many GiB (default 4)")
    p.add_argument("--address-space-limit", type=float, default=12.0, metavar="GIB",
                   help="cap the process's address space (a runaway sweep raises MemoryError "
                        "instead of exhausting the machine); 0 = no cap (default 12)")
    p.add_argument("--out", metavar="DIR", help="output folder (default benchmarks/results, "
                   "benchmarks/results/partial with --quick)")
    p.add_argument("--grid", choices=("both", "shapes", "small-outputs"), default="both",
                   help="which grid to run (default both)")
    args = p.parse_args(argv)

    opts = Opts()
    opts.repeats = args.repeats or (3 if args.quick else 7)
    opts.target = 0.002 if args.quick else 0.01
    opts.budget = 0.3 if args.quick else 2.0
    opts.memory_limit = args.memory_limit * GIB
    opts.call_timeout = 120.0
    opts.slow_call = 3.0 if args.quick else 10.0

    if args.address_space_limit > 0:
        try:
            import resource

            cap = int(args.address_space_limit * GIB)
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard == resource.RLIM_INFINITY or hard > cap:
                resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        except (ImportError, ValueError, OSError):
            pass

    threads = _threads.pin_runtime()
    try:
        import fastgrad
        import fastgrad.numpy as fnp

        fg = {"jacobian": fastgrad.jacobian, "np": fnp}
        opts.chunk_budget = int(getattr(getattr(fastgrad, "config", None), "sweep_memory_bytes", GIB))
        from .run import fastgrad_version

        version = fastgrad_version(fastgrad)
    except Exception as exc:  # noqa: BLE001
        print("fastgrad is not available: " + first_line(exc))
        return 1

    t0 = time.perf_counter()
    load_start = load_average()
    cells, skipped, small = [], [], []
    for n in SIZES if args.grid != "small-outputs" else ():
        for m in SIZES:
            if n * m > MAX_ENTRIES:
                skipped.append((n, m))
                continue
            c = run_cell(fg, n, m, opts)
            cells.append(c)
            parts = []
            for md in MODES + ("hand-written",):
                rec = c[md]
                parts.append(f"{md} " + (fmt_time(rec["median_s"]) if rec["status"] == "ok"
                                         else rec["status"]))
            verdict = "" if c.get("ok") is None else (
                f"  auto/best {c['auto_over_best']:.2f}" + ("" if c["ok"] else "  <-- not within"))
            print(f"n={n:<6d} m={m:<6d} " + ", ".join(parts) + verdict, flush=True)
            for md in MODES:
                if c[md]["status"] in ("wrong", "error"):
                    print(f"    {md}: {c[md]['status']}: {c[md]['note']}")
    for name in SMALL_OUTPUTS if args.grid != "shapes" else ():
        for n in SMALL_OUTPUT_SIZES:
            c = run_small_output_cell(fg, name, n, opts)
            small.append(c)
            parts = [f"{md} " + _status(c[md]) for md in MODES + ("hand-written",)]
            verdict = "" if c.get("ok") is None else (
                f"  auto/best {c['auto_over_best']:.2f}" + ("" if c["ok"] else "  <-- not within"))
            print(f"{name:<32s} n={n:<7d} " + ", ".join(parts) + verdict, flush=True)
            for md in MODES:
                if c[md]["status"] in ("wrong", "error"):
                    print(f"    {md}: {c[md]['status']}: {c[md]['note']}")
    out = Path(args.out) if args.out else Path(__file__).resolve().parent / "results" / (
        "partial" if args.quick else "")
    out.mkdir(parents=True, exist_ok=True)
    data = {
        "meta": {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "mode": "quick" if args.quick else "full",
            "memory_limit": opts.memory_limit,
            "seconds": time.perf_counter() - t0,
            "load_average": {"start": load_start, "end": load_average()},
            "numpy": np.__version__,
            "fastgrad": version,
            "threads": threads,
            "tolerance": TOLERANCE,
        },
        "sizes": list(SIZES),
        "skipped_cells": skipped,
        "cells": cells,
        "small_output_sizes": list(SMALL_OUTPUT_SIZES),
        "small_output_cells": small,
    }
    (out / "direction.json").write_text(json.dumps(data, indent=1))
    frac, bad = write_markdown(data, out / "direction.md")
    by_min = [c["auto_over_best_min"] for c in cells if c.get("auto_over_best_min")]
    frac_min = sum(r <= TOLERANCE for r in by_min) / len(by_min) if by_min else float("nan")
    judged_small = [c for c in small if c.get("ok") is not None]
    print(f"\nauto within {TOLERANCE}x of the better forced mode in {100 * frac:.0f}% of the shape grid's "
          f"cells (medians; {100 * frac_min:.0f}% on fastest samples; target {100 * TARGET:.0f}%) and in "
          f"{sum(c['ok'] for c in judged_small)} of {len(judged_small)} small-output cells; "
          f"wrote direction.md, direction.json in {out.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
