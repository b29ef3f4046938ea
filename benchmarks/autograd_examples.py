"""autograd's examples as a benchmark: each runs on autograd and on fastgrad (through
`install_as_autograd()`), with the lowered iteration counts of the corpus test.

    python -m benchmarks.autograd_examples [--only NAME,NAME] [--repeats N]

Each library runs the examples in its own fresh interpreter, one thread; an example's
time is the wall time of its own run (interpreter start and the import of the library
excluded), the best of --repeats runs. The table gives both times and their ratio
(fastgrad / autograd; lower is better for fastgrad), and whether the two runs agree
(tests/test_autograd_examples.py asserts it). The total sums the examples that ran on
both and agree; one that fastgrad does not yet run as autograd does is listed with its
error and left out of it.
"""

import argparse

from tests.external import autograd_examples as corpus


def _best(runs, name):
    times = [run[name]["seconds"] for run in runs if run[name]["seconds"] is not None]
    return min(times) if times else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated example names (default: all that can run)")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else corpus.RUNNABLE
    runs = {library: [corpus.run(names, library) for _ in range(args.repeats)]
            for library in ("autograd", "fastgrad")}
    width = max(len(name) for name in names) + 2
    print(f"| {'example':{width}} | autograd s | fastgrad s | ratio | agrees |")
    print(f"|{'-' * (width + 2)}|-----------:|-----------:|------:|--------|")
    total_ref = total_got = 0.0
    for name in names:
        ref, got = _best(runs["autograd"], name), _best(runs["fastgrad"], name)
        problems = corpus.compare(name, runs["fastgrad"][0][name], runs["autograd"][0][name])
        # A failed run's message is a traceback: its last line names the error.
        verdict = "yes" if not problems else "no: " + problems[0].strip().splitlines()[-1][:100]
        if ref is None or got is None or problems:
            shown = [f"{t:10.3f}" if t is not None else f"{'failed':>10}" for t in (ref, got)]
            print(f"| {name:{width}} | {shown[0]} | {shown[1]} |       | {verdict} |")
            continue
        total_ref, total_got = total_ref + ref, total_got + got
        print(f"| {name:{width}} | {ref:10.3f} | {got:10.3f} | {got / ref:5.2f} | {verdict} |")
    ratio = total_got / total_ref if total_ref else float("nan")
    print(f"| {'total':{width}} | {total_ref:10.3f} | {total_got:10.3f} | {ratio:5.2f} |        |")


if __name__ == "__main__":
    main()
