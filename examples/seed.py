"""The jacobian that autograd takes seconds to compute, in one batched sweep.

    python examples/seed.py            # fastgrad, and autograd beside it if installed
    python examples/seed.py --quick    # skip autograd's jacobian (it takes 15-30 s)
"""

import sys
import time

import numpy

import fastgrad.numpy as np
from fastgrad import jacobian

timeline = np.linspace(1, 100, 40000)


def f(p):
    return timeline * p[0] / p[1]


def median_time(fun, repeats=50):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fun()
        times.append(time.perf_counter() - start)
    return float(numpy.median(times))


def main():
    p = numpy.array([1.0, 1.0])
    J = jacobian(f)(p)
    print(f"jacobian shape {J.shape}")
    print(f"first rows\n{J[:3]}")
    print(f"fastgrad.jacobian: {median_time(lambda: jacobian(f)(p)) * 1e6:9.0f} us (median)")

    def by_hand():
        out = numpy.empty((timeline.size, 2))
        out[:, 0] = timeline / p[1]
        out[:, 1] = -timeline * p[0] / p[1] ** 2
        return out

    print(f"hand-written NumPy: {median_time(by_hand) * 1e6:9.0f} us (median)")
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        print("autograd is not installed: pip install autograd==1.9.1 to compare")
        return
    af = lambda p: timeline * p[0] / p[1]  # noqa: E731
    jvp = autograd.make_jvp(af)
    looped = median_time(lambda: anp.stack([jvp(p)(e)[1] for e in numpy.eye(2)], axis=1), repeats=20)
    print(f"autograd make_jvp looped over the basis: {looped * 1e6:9.0f} us (median)")
    if "--quick" in sys.argv:
        return
    start = time.perf_counter()
    autograd.jacobian(af)(p)
    print(f"autograd.jacobian: {time.perf_counter() - start:9.1f} s (one call)")


if __name__ == "__main__":
    main()
