"""S1 (the seed jacobian) timed with and without fastgrad's allocator setting.

    python -m benchmarks.allocator [--quick] [--processes N]

fastgrad can keep freed blocks of up to 32 MiB in glibc's heap (`mallopt`, see
fastgrad/_memory.py; FASTGRAD_MALLOC_TUNING=1 in the environment before importing
fastgrad). The setting is process-wide, and glibc's own thresholds move with what a
process has allocated before, so each variant runs in fresh processes of its own,
alternating: in each, fastgrad's `jacobian` and the hand-written derivative are timed
round-robin (medians) and their ratio taken. Reported: per variant, the median over
processes of the ratio and of the two times, and the range of the ratio.
`python -m benchmarks` runs this too when S1 is among its scenarios.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from . import _threads

_threads.pin_env()

import numpy as np  # noqa: E402

VARIANTS = (("untuned", "0"), ("tuned", "1"))


def probe(repeats: int, target: float) -> dict:
    """In this process: S1's jacobian and hand-written derivative timed two ways, medians:
    in turn (every call of one, then every call of the other, as a user timing either in a
    loop sees it) and round-robin (rounds alternating between the two)."""
    import fastgrad
    import fastgrad.numpy as fnp

    from .scenarios import get_scenarios

    s = next(sc for sc in get_scenarios() if sc.key == "S1")
    jac = fastgrad.jacobian(s.f(fnp, None, s.consts))
    x, c = s.point, s.consts
    ref = s.reference(x, c)
    if not np.allclose(jac(x), ref, rtol=1e-7, atol=1e-9 * float(np.max(np.abs(ref)))):
        raise AssertionError("fastgrad's S1 jacobian differs from the hand-written derivative")
    calls = {"jacobian": lambda: jac(x), "hand-written": lambda: s.reference(x, c)}
    number = {}
    for name, call in calls.items():
        call()
        t0 = time.perf_counter()
        call()
        number[name] = max(1, int(target / max(time.perf_counter() - t0, 1e-9)))
    in_turn = {}
    for name, call in calls.items():
        samples = []
        for _ in range(repeats * number[name]):
            t0 = time.perf_counter()
            call()
            samples.append(time.perf_counter() - t0)
        in_turn[name] = float(np.median(samples))
    samples = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            t0 = time.perf_counter()
            for _ in range(number[name]):
                call()
            samples[name].append((time.perf_counter() - t0) / number[name])
    medians = {name: float(np.median(v)) for name, v in samples.items()}
    from fastgrad import _memory

    return {"tuned": bool(_memory.tuned), "jacobian_s": medians["jacobian"],
            "hand_written_s": medians["hand-written"],
            "ratio": medians["jacobian"] / medians["hand-written"],
            "in_turn_ratio": in_turn["jacobian"] / in_turn["hand-written"]}


def compare(quick: bool = False, processes: int = 0) -> dict:
    """Both variants, each in `processes` fresh processes (alternating)."""
    processes = processes or (2 if quick else 5)
    repeats, target = (5, 0.005) if quick else (9, 0.02)
    runs = {name: [] for name, _ in VARIANTS}
    errors = {}
    for _ in range(processes):
        for name, setting in VARIANTS:
            env = dict(os.environ, FASTGRAD_MALLOC_TUNING=setting)
            cmd = [sys.executable, "-m", "benchmarks.allocator", "--probe",
                   "--repeats", str(repeats), "--target", str(target)]
            done = subprocess.run(cmd, env=env, capture_output=True, text=True,
                                  cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
            if done.returncode != 0:
                errors[name] = (done.stderr.strip().splitlines() or ["failed"])[-1]
                continue
            runs[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    out = {"processes": processes, "variants": {}}
    for name, rs in runs.items():
        if not rs:
            out["variants"][name] = {"error": errors.get(name, "no run")}
            continue
        ratios = [r["ratio"] for r in rs]
        in_turn = [r["in_turn_ratio"] for r in rs]
        out["variants"][name] = {
            "tuned": rs[0]["tuned"],
            "ratio": float(np.median(ratios)),
            "ratio_range": [float(min(ratios)), float(max(ratios))],
            "in_turn_ratio": float(np.median(in_turn)),
            "in_turn_range": [float(min(in_turn)), float(max(in_turn))],
            "jacobian_s": float(np.median([r["jacobian_s"] for r in rs])),
            "hand_written_s": float(np.median([r["hand_written_s"] for r in rs])),
            "runs": rs,
        }
    return out


def markdown(result: dict) -> list:
    from .run import fmt_time

    L = ["## S1 with and without the allocator setting", ""]
    L.append(f"Each variant in {result['processes']} fresh processes, alternating; in each, "
             "fastgrad's `jacobian` and the hand-written derivative timed round-robin and in turn "
             "(every call of one, then every call of the other; per-call medians). "
             "Median over processes, and the range of the ratio. `tuned` = "
             "`FASTGRAD_MALLOC_TUNING=1` (glibc keeps freed blocks up to 32 MiB in its heap).")
    L.append("")
    L.append("| variant | fastgrad `jacobian` | hand-written | ratio, round-robin | range | ratio, in turn | range |")
    L.append("|---|---|---|---|---|---|---|")
    for name, v in result["variants"].items():
        if "error" in v:
            L.append(f"| {name} | error: {v['error']} | | | | | |")
            continue
        lo, hi = v["ratio_range"]
        lo2, hi2 = v["in_turn_range"]
        L.append(f"| {name} | {fmt_time(v['jacobian_s'])} | {fmt_time(v['hand_written_s'])} | "
                 f"{v['ratio']:.2f}× | {lo:.2f}–{hi:.2f}× | {v['in_turn_ratio']:.2f}× | {lo2:.2f}–{hi2:.2f}× |")
    L.append("")
    return L


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.allocator", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer processes and samples")
    p.add_argument("--processes", type=int, default=0, metavar="N", help="processes per variant")
    p.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--repeats", type=int, default=9, help=argparse.SUPPRESS)
    p.add_argument("--target", type=float, default=0.02, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.probe:
        _threads.pin_runtime()
        print(json.dumps(probe(args.repeats, args.target)))
        return 0
    result = compare(args.quick, args.processes)
    print("\n".join(markdown(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
