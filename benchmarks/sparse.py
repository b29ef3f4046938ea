"""Sparse jacobians and hessians against their targets.

    python -m benchmarks.sparse [--quick] [--repeats N]

Cases (the targets of the sparse-jacobian work, each reported beside its figure):

- the 2-D Brusselator right-hand side written with ``np.roll`` (periodic, two
  species on an N x N grid, 2 N^2 states, 6 nonzeros per jacobian row), at
  N = 32 (n = 2048) and N = 224 (n = 100352): the colours, the first call
  (trace, pattern detection, colouring and the compressed sweep, with every
  cache cleared), a repeated call at a new point, f(x) alone with NumPy, the
  dense ``jacobian`` (N = 32 only: at N = 224 it is 80 GB), and SciPy's finite
  differences given the true pattern and its column groups
  (``scipy.optimize._numdiff.approx_derivative(..., sparsity=)``, what
  ``least_squares(jac_sparsity=)`` runs), and the colouring of 10^5 columns alone;
- the arrowhead + tridiagonal hessian of
  ``sum(x**4) + x[0]*sum(x) + sum((x[1:] - x[:-1]**2)**2)`` at n = 10^4 (colours,
  exact symmetry, first and repeated calls, SciPy's differences of the gradient
  with the pattern) and at n = 1500 against the dense ``hessian``;
- the tracemalloc peak of a first call at N = 224 beside the n x n array it
  never builds.

Times are medians of rounds in one process; asdex (JAX) is compared where it is
installed. Writes benchmarks/results/sparse.md and sparse.json, and a picture of
detected patterns, benchmarks/results/sparsity_pattern.png (matplotlib); a --quick run
writes them to benchmarks/results/partial/.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from . import _threads

_threads.pin_env()

import numpy as onp  # noqa: E402

import fastgrad  # noqa: E402
import fastgrad.numpy as fnp  # noqa: E402
from fastgrad import hessian, jacobian, sparse_hessian, sparse_jacobian, sparsity  # noqa: E402

from .run import fmt_bytes, fmt_time, load_average  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def brusselator(N, xp, alpha=0.02):
    """The Brusselator's right-hand side on a periodic N x N grid, written once against
    a NumPy-like module `xp` (NumPy itself or fastgrad.numpy)."""
    def f(y):
        u = xp.reshape(y[:N * N], (N, N))
        v = xp.reshape(y[N * N:], (N, N))

        def laplacian(w):
            return xp.roll(w, 1, 0) + xp.roll(w, -1, 0) + xp.roll(w, 1, 1) + xp.roll(w, -1, 1) - 4 * w

        du = 1.0 + u * u * v - 4.4 * u + alpha * laplacian(u)
        dv = 3.4 * u - u * u * v + alpha * laplacian(v)
        return xp.concatenate([xp.ravel(du), xp.ravel(dv)])
    return f


def arrowhead(xp):
    def f(x):
        return xp.sum(x ** 4) + x[0] * xp.sum(x) + xp.sum((x[1:] - x[:-1] ** 2) ** 2)
    return f


def arrowhead_grad(x):
    """The gradient by hand, for SciPy's differences."""
    g = 4 * x ** 3
    g = g + x[0]
    g[0] += onp.sum(x)
    r = x[1:] - x[:-1] ** 2
    g[1:] += 2 * r
    g[:-1] += -4 * x[:-1] * r
    return g


def median_time(call, repeats, budget=0.02):
    """Median seconds per call over `repeats` samples, each looping calls up to `budget` s."""
    samples = []
    for _ in range(repeats):
        count, start = 0, time.perf_counter()
        while True:
            call()
            count += 1
            elapsed = time.perf_counter() - start
            if elapsed >= budget:
                break
        samples.append(elapsed / count)
    return statistics.median(samples)


def first_call_time(make, x, repeats):
    """Median of first calls: every pattern and colouring cache cleared before each."""
    samples = []
    for _ in range(repeats):
        sparsity._jacobian_plans.clear()
        sparsity._hessian_plans.clear()
        op = make()
        start = time.perf_counter()
        op(x)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def scipy_fd(fun, x, pattern):
    """SciPy's sparse finite differences with the true pattern, column groups computed
    once outside the timing (as least_squares does once per solve)."""
    from scipy.optimize._numdiff import approx_derivative, group_columns

    groups = group_columns(pattern)
    return (lambda: approx_derivative(fun, x, method="2-point", sparsity=(pattern, groups))), int(groups.max()) + 1


def asdex_available():
    try:
        import asdex  # noqa: F401
        import jax  # noqa: F401
    except ImportError:
        return False
    return True


def asdex_case(N, repeats):
    """asdex's sparse jacobian of the same right-hand side written with jax.numpy: the
    preparation (detection and colouring) with the first jitted call, then repeated calls."""
    import asdex
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    f = brusselator(N, jnp)
    rng = onp.random.default_rng(N)
    x, x_new = jnp.asarray(rng.uniform(0.5, 1.5, 2 * N * N)), jnp.asarray(rng.uniform(0.5, 1.5, 2 * N * N))
    start = time.perf_counter()
    try:
        prepared = asdex.jacobian(f, x)
    except TypeError:  # releases before 0.5 take the input's shape
        prepared = asdex.jacobian(f, input_shape=x.size)
    jac = jax.jit(prepared)
    jax.block_until_ready(jac(x))
    first = time.perf_counter() - start
    repeated = median_time(lambda: jax.block_until_ready(jac(x_new)), repeats)
    return {"first": first, "repeated": repeated}


def brusselator_case(N, repeats, dense):
    out = {"case": f"Brusselator N = {N}", "n": 2 * N * N}
    n = 2 * N * N
    f_np, f_fg = brusselator(N, onp), brusselator(N, fnp)
    rng = onp.random.default_rng(N)
    x, x_new = rng.uniform(0.5, 1.5, n), rng.uniform(0.5, 1.5, n)
    out["first"] = first_call_time(lambda: sparse_jacobian(f_fg), x, max(3, repeats))
    jac = sparse_jacobian(f_fg)
    J = jac(x)
    out["colors"], out["direction"], out["nnz"] = jac.colors, jac.direction, int(J.nnz)
    out["repeated"] = median_time(lambda: jac(x_new), repeats)
    out["f"] = median_time(lambda: f_np(x_new), repeats)
    out["f_fastgrad"] = median_time(lambda: f_fg(x_new), repeats)
    P = fastgrad.jacobian_sparsity(f_fg)(x)
    start = time.perf_counter()
    color, count = sparsity.column_coloring(P)
    out["coloring"] = time.perf_counter() - start
    call, groups = scipy_fd(f_np, x_new, P)
    out["scipy_fd"], out["scipy_groups"] = median_time(call, repeats), groups
    fd = call()
    ref = jac(x_new)
    out["scipy_fd_max_error"] = float(abs(fd - ref).max())
    if dense:
        D = onp.asarray(jacobian(f_fg)(x_new))
        out["dense_max_error"] = float(onp.max(onp.abs(ref.toarray() - D)))
        out["dense"] = median_time(lambda: jacobian(f_fg)(x_new), max(1, repeats // 2), budget=0.0)
    if asdex_available():
        try:
            out["asdex"] = asdex_case(N, repeats)
        except Exception as exc:  # an optional peer: its failure is reported, not fatal
            out["asdex"] = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
    tracemalloc.start()
    sparsity._jacobian_plans.clear()
    sparse_jacobian(f_fg)(x)
    out["peak_bytes"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out["dense_bytes"] = 8 * n * n
    return out


def arrowhead_case(n, repeats, dense):
    out = {"case": f"arrowhead + tridiagonal hessian, n = {n}", "n": n}
    f_fg = arrowhead(fnp)
    rng = onp.random.default_rng(n)
    x, x_new = rng.standard_normal(n), rng.standard_normal(n)
    out["first"] = first_call_time(lambda: sparse_hessian(f_fg), x, max(3, repeats))
    hess = sparse_hessian(f_fg)
    H = hess(x_new)
    out["colors"], out["nnz"] = hess.colors, int(H.nnz)
    out["symmetric"] = bool((H != H.T).nnz == 0)
    out["repeated"] = median_time(lambda: hess(x_new), repeats)
    out["f"] = median_time(lambda: arrowhead(onp)(x_new), repeats)
    P = fastgrad.hessian_sparsity(f_fg)(x)
    call, groups = scipy_fd(arrowhead_grad, x_new, P)
    out["scipy_fd"], out["scipy_groups"] = median_time(call, repeats), groups
    if dense:
        D = onp.asarray(hessian(f_fg)(x_new))
        out["dense_max_error"] = float(onp.max(onp.abs(H.toarray() - D)))
        out["dense"] = median_time(lambda: hessian(f_fg)(x_new), max(1, repeats // 2), budget=0.0)
    return out


def write_picture(path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    N = 8
    f = brusselator(N, fnp)
    x = onp.random.default_rng(0).uniform(0.5, 1.5, 2 * N * N)
    P = fastgrad.jacobian_sparsity(f)(x).tocoo()
    color, count = sparsity.column_coloring(P)
    h = arrowhead(fnp)
    Hp = fastgrad.hessian_sparsity(h)(onp.ones(40)).tocoo()
    hcolor, hcount = sparsity.star_coloring(Hp)
    fig, axes = plt.subplots(1, 2, figsize=(10, 5))
    cmap = plt.get_cmap("tab20")
    for ax, p, c, k, title in (
            (axes[0], P, color, count, f"Brusselator N = {N}: jacobian {P.shape[0]} × {P.shape[1]}, "
                                       f"{P.nnz} nonzeros, {count} colours"),
            (axes[1], Hp, hcolor, hcount, f"arrowhead + tridiagonal: hessian 40 × 40, {Hp.nnz} nonzeros, "
                                          f"{hcount} colours")):
        ax.scatter(p.col, p.row, c=[cmap(int(c[j]) % 20) for j in p.col], s=6 if p.shape[0] > 64 else 18,
                   marker="s", linewidths=0)
        ax.set_xlim(-0.5, p.shape[1] - 0.5)
        ax.set_ylim(p.shape[0] - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("column (input), coloured by the seed it is swept in")
        ax.set_ylabel("row (output)")
    fig.suptitle("Sparsity patterns detected on the recorded tape (fastgrad.jacobian_sparsity, hessian_sparsity)",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)


def verdict(ok):
    return "met" if ok else "**not met**"


def asdex_line(*cases):
    parts = []
    for c in cases:
        a = c.get("asdex", {})
        if "error" in a:
            parts.append(f"{c['case']}: error ({a['error']})")
        elif a:
            parts.append(f"{c['case']}: first call (preparation, jit) {fmt_time(a['first'])}, "
                         f"repeated {fmt_time(a['repeated'])}")
    return "; ".join(parts) + "."


def write_markdown(data, path):
    b32, b224, h10k, h1500 = data["brusselator_32"], data["brusselator_224"], data["arrowhead_10000"], \
        data["arrowhead_1500"]
    lines = ["# Sparse jacobians and hessians", "",
             f"`python -m benchmarks.sparse{' --quick' if data['quick'] else ''}` — fastgrad {data['fastgrad']}, "
             f"NumPy {data['numpy']}, SciPy {data['scipy']}, Python {data['python']}; "
             f"load average {data['load_start']} at the start, {data['load_end']} at the end "
             f"(2 cores shared: absolute times are inflated when it is above 2). Medians in one process.", "",
             "## Targets", "",
             "| case | target | measured | |", "|---|---|---|---|"]

    def row(case, target, measured, ok):
        lines.append(f"| {case} | {target} | {measured} | {verdict(ok)} |")

    row("N = 32 (n = 2,048): colours", "≤ 12", f"{b32['colors']} ({b32['direction']})", b32["colors"] <= 12)
    row("N = 32: first call (trace + detection + colouring + sweep)", "≤ 25 ms", fmt_time(b32["first"]),
        b32["first"] <= 0.025)
    r32 = b32["repeated"] / b32["f"]
    row("N = 32: repeated call at a new point", "≤ 12× f(x)",
        f"{fmt_time(b32['repeated'])} = {r32:.1f}× f(x) ({fmt_time(b32['f'])})", r32 <= 12)
    s32 = b32["dense"] / b32["repeated"]
    row("N = 32: against the dense `jacobian`", "≥ 50× faster",
        f"{s32:.0f}× ({fmt_time(b32['dense'])} dense)", s32 >= 50)
    row(f"N = 224 (n = {b224['n']:,}): first call", "≤ 2 s", fmt_time(b224["first"]), b224["first"] <= 2)
    r224 = b224["repeated"] / b224["f"]
    row("N = 224: repeated call", "≤ 20× f(x)",
        f"{fmt_time(b224['repeated'])} = {r224:.1f}× f(x) ({fmt_time(b224['f'])})", r224 <= 20)
    row("N = 224: colouring 10^5 columns", "well under 1 s", fmt_time(b224["coloring"]), b224["coloring"] < 0.5)
    row("arrowhead hessian, n = 10^4: colours", "≤ 4", str(h10k["colors"]), h10k["colors"] <= 4)
    row("arrowhead hessian: exact symmetry", "yes", "yes" if h10k["symmetric"] else "no", h10k["symmetric"])
    row("arrowhead hessian, n = 1,500: against the dense `hessian`", "matches",
        f"max |difference| {h1500['dense_max_error']:.1e}", h1500["dense_max_error"] < 1e-8)
    row("memory: never a dense n × n array", f"peak ≪ {fmt_bytes(b224['dense_bytes'])} (n × n at N = 224)",
        f"peak {fmt_bytes(b224['peak_bytes'])} in a first call", b224["peak_bytes"] < b224["dense_bytes"] / 100)
    lines += ["", "## Every figure", "",
              "| case | colours | first call | repeated | f(x) NumPy | dense | SciPy FD with the pattern "
              "(groups) | peak (first call) |",
              "|---|---|---|---|---|---|---|---|"]
    for c in (b32, b224, h1500, h10k):
        dense = fmt_time(c.get("dense")) if "dense" in c else "not run (n × n)"
        peak = fmt_bytes(c["peak_bytes"]) if "peak_bytes" in c else "—"
        lines.append(f"| {c['case']} | {c['colors']} | {fmt_time(c['first'])} | {fmt_time(c['repeated'])} | "
                     f"{fmt_time(c['f'])} | {dense} | {fmt_time(c['scipy_fd'])} ({c['scipy_groups']}) | {peak} |")
    lines += ["",
              f"SciPy's differences against the sparse jacobian (N = 32): max |difference| "
              f"{b32['scipy_fd_max_error']:.1e} (forward differences, step √ε); the sparse jacobian "
              f"against the dense one: {b32['dense_max_error']:.1e}.",
              f"f(x) with fastgrad.numpy on plain arrays: {fmt_time(b32['f_fastgrad'])} (N = 32), "
              f"{fmt_time(b224['f_fastgrad'])} (N = 224).",
              "",
              "asdex (JAX): " + (asdex_line(b32, b224) if data["asdex"] else
                                 "not installed; the comparison is skipped."),
              "",
              "![patterns](sparsity_pattern.png)" if data.get("picture") else "(matplotlib missing: no picture)",
              ""]
    path.write_text("\n".join(lines))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    parser.add_argument("--repeats", type=int, default=None)
    opts = parser.parse_args(argv)
    repeats = opts.repeats or (3 if opts.quick else 9)
    _threads.pin_runtime()
    import scipy

    data = {"quick": opts.quick, "fastgrad": fastgrad.__version__, "numpy": onp.__version__,
            "scipy": scipy.__version__, "python": platform.python_version(), "load_start": load_average(),
            "asdex": asdex_available()}
    for key, run in (("brusselator_32", lambda: brusselator_case(32, repeats, dense=True)),
                     ("brusselator_224", lambda: brusselator_case(224, repeats, dense=False)),
                     ("arrowhead_1500", lambda: arrowhead_case(1500, repeats, dense=True)),
                     ("arrowhead_10000", lambda: arrowhead_case(10_000, repeats, dense=False))):
        print(f"{key} ...", file=sys.stderr, flush=True)
        data[key] = run()
        print(json.dumps(data[key]), file=sys.stderr, flush=True)
    data["load_end"] = load_average()
    # (a --quick run never overwrites the full results, as the other benchmarks do)
    out = RESULTS / "partial" if opts.quick else RESULTS
    out.mkdir(parents=True, exist_ok=True)
    data["picture"] = write_picture(out / "sparsity_pattern.png")
    (out / "sparse.json").write_text(json.dumps(data, indent=1))
    write_markdown(data, out / "sparse.md")
    print((out / "sparse.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
