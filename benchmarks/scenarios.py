"""The benchmark scenarios S1..S9, as data.

Each scenario holds

* ``f(xp, norm, c)``: builds the function once against a NumPy-like module
  ``xp`` (``fastgrad.numpy``, ``autograd.numpy``, ``jax.numpy`` or plain
  ``numpy``) and a ``norm`` object with a ``cdf`` method; ``c`` is the dict of
  constant NumPy arrays of the scenario;
* ``torch_f(torch, c)``: the same function written for PyTorch (``c`` holds
  the constants as float64 tensors);
* ``point``: the float64 point the derivative is taken at;
* ``reference(x, c)``: the hand-written NumPy/SciPy derivative, the yardstick
  every method is checked against and timed against.

``kind`` says what is differentiated: ``"jacobian"`` (the derivative is the
jacobian of ``f``), ``"hessian"`` (``f`` is scalar, the derivative is its
hessian) or ``"grad"`` (``f`` is scalar, the derivative is its gradient).

Nothing here imports a differentiation library, so the module can be used on
its own, e.g. ``get_scenarios()[0].reference(...)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@dataclass
class Scenario:
    key: str
    title: str
    kind: str  # "jacobian" | "hessian" | "grad"
    f: Callable[[Any, Any, Dict[str, np.ndarray]], Callable]
    torch_f: Callable[[Any, Dict[str, Any]], Callable]
    reference: Callable[[np.ndarray, Dict[str, np.ndarray]], np.ndarray]
    point: np.ndarray
    consts: Dict[str, np.ndarray] = field(default_factory=dict)
    # Rough number of array entries one evaluation of f creates (its tape):
    # used to estimate the memory of batched sweeps.
    work_entries: int = 0
    uses_cdf: bool = False
    diagonal: bool = False  # jacobian is diagonal (elementwise function)

    @property
    def n_in(self) -> int:
        return int(self.point.size)

    @property
    def deriv_shape(self) -> Tuple[int, ...]:
        if self.kind == "jacobian":
            return tuple(self.out_shape) + tuple(self.point.shape)
        if self.kind == "hessian":
            return tuple(self.point.shape) * 2
        return tuple(self.point.shape)

    @property
    def out_shape(self) -> Tuple[int, ...]:
        y = self.f(np, NumpyNorm, self.consts)(self.point)
        return tuple(np.shape(y))

    @property
    def n_out(self) -> int:
        return int(np.prod(self.out_shape, dtype=np.int64))

    def sweep_batches(self) -> Dict[str, int]:
        """Batch size of a batched forward / reverse sweep for this derivative."""
        n = self.n_in
        if self.kind == "jacobian":
            m = self.n_out
            return {"fwd": n, "rev": m, "auto": min(n, m)}
        if self.kind == "hessian":
            return {"fwd": n, "rev": n, "auto": n}
        return {"fwd": n, "rev": 1, "auto": 1}

    def sweep_bytes(self, mode: str, factor: float = 2.0) -> int:
        """Estimated peak bytes of a batched sweep in ``mode`` (fwd/rev/auto):
        every intermediate of the tape carried for each of the batch's
        directions, times a safety factor, plus the result."""
        batch = self.sweep_batches()[mode]
        result = int(np.prod(self.deriv_shape, dtype=np.int64))
        return int(8 * (factor * batch * self.work_entries + result))


class NumpyNorm:
    """``norm.cdf`` for plain NumPy: SciPy's ``ndtr`` (what scipy.stats.norm.cdf
    computes, without scipy.stats' argument handling)."""

    @staticmethod
    def cdf(x):
        from scipy.special import ndtr

        return ndtr(x)


def _pdf(z):
    return np.exp(-0.5 * z * z) * _INV_SQRT_2PI


# --------------------------------------------------------------------------
# S1 seed: timeline * p[0] / p[1]


def s1_f(xp, norm, c):
    timeline = c["timeline"]

    def f(p):
        return timeline * p[0] / p[1]

    return f


def s1_torch(torch, c):
    timeline = c["timeline"]

    def f(p):
        return timeline * p[0] / p[1]

    return f


def s1_ref(p, c):
    t = c["timeline"]
    p0, p1 = float(p[0]), float(p[1])
    return np.stack([t * (1.0 / p1), t * (-p0 / (p1 * p1))], axis=-1)


# --------------------------------------------------------------------------
# S2 seed with cdf: timeline * norm.cdf(p[0] / p[1])


def s2_f(xp, norm, c):
    timeline = c["timeline"]

    def f(p):
        return timeline * norm.cdf(p[0] / p[1])

    return f


def s2_torch(torch, c):
    timeline = c["timeline"]

    def f(p):
        return timeline * torch.special.ndtr(p[0] / p[1])

    return f


def s2_ref(p, c):
    t = c["timeline"]
    p0, p1 = float(p[0]), float(p[1])
    phi = _pdf(p0 / p1)
    return np.stack([t * (phi / p1), t * (-phi * p0 / (p1 * p1))], axis=-1)


# --------------------------------------------------------------------------
# S3 log-normal survival function 1 - norm.cdf((log t - mu) / exp(log_sigma))


def s3_f(xp, norm, c):
    times = c["times"]

    def f(p):
        return 1.0 - norm.cdf((xp.log(times) - p[0]) / xp.exp(p[1]))

    return f


def s3_torch(torch, c):
    times = c["times"]

    def f(p):
        return 1.0 - torch.special.ndtr((torch.log(times) - p[0]) / torch.exp(p[1]))

    return f


def s3_ref(p, c):
    mu, log_sigma = float(p[0]), float(p[1])
    sigma = math.exp(log_sigma)
    z = (np.log(c["times"]) - mu) / sigma
    phi = _pdf(z)
    return np.stack([phi / sigma, phi * z], axis=-1)


# --------------------------------------------------------------------------
# S4 wide: three reductions of a 10000-vector


def s4_f(xp, norm, c):
    def f(x):
        return xp.stack(
            [
                xp.sum(xp.tanh(x) ** 2),
                xp.sum(xp.sin(x) * x),
                xp.log(xp.sum(xp.exp(x))),
            ]
        )

    return f


def s4_torch(torch, c):
    def f(x):
        return torch.stack(
            [
                torch.sum(torch.tanh(x) ** 2),
                torch.sum(torch.sin(x) * x),
                torch.log(torch.sum(torch.exp(x))),
            ]
        )

    return f


def s4_ref(x, c):
    th = np.tanh(x)
    e = np.exp(x)
    return np.stack(
        [2.0 * th * (1.0 - th * th), np.sin(x) + x * np.cos(x), e / e.sum()]
    )


# --------------------------------------------------------------------------
# S5 square dense: tanh(W @ x)


def s5_f(xp, norm, c):
    W = c["W"]

    def f(x):
        return xp.tanh(xp.dot(W, x))

    return f


def s5_torch(torch, c):
    W = c["W"]

    def f(x):
        return torch.tanh(W @ x)

    return f


def s5_ref(x, c):
    W = c["W"]
    y = np.tanh(W @ x)
    return (1.0 - y * y)[:, None] * W


# --------------------------------------------------------------------------
# S6 elementwise: sin(x) * exp(-x**2), dense (diagonal) jacobian


def s6_f(xp, norm, c):
    def f(x):
        return xp.sin(x) * xp.exp(-(x**2))

    return f


def s6_torch(torch, c):
    def f(x):
        return torch.sin(x) * torch.exp(-(x**2))

    return f


def s6_ref(x, c):
    e = np.exp(-x * x)
    return np.diag(e * (np.cos(x) - 2.0 * x * np.sin(x)))


# --------------------------------------------------------------------------
# S7 logistic-regression negative log-likelihood, hessian


def s7_f(xp, norm, c):
    X, y = c["X"], c["y"]

    def f(w):
        z = xp.dot(X, w)
        return xp.sum(xp.logaddexp(0.0, z) - y * z)

    return f


def s7_torch(torch, c):
    X, y = c["X"], c["y"]

    def f(w):
        z = X @ w
        return torch.sum(torch.logaddexp(torch.zeros_like(z), z) - y * z)

    return f


def s7_ref(w, c):
    X = c["X"]
    s = 1.0 / (1.0 + np.exp(-(X @ w)))
    return (X.T * (s * (1.0 - s))) @ X


# --------------------------------------------------------------------------
# S8 MLP input jacobian: 784 -> 256 (tanh) -> 10


def s8_f(xp, norm, c):
    W1, b1, W2, b2 = c["W1"], c["b1"], c["W2"], c["b2"]

    def f(x):
        return xp.dot(W2, xp.tanh(xp.dot(W1, x) + b1)) + b2

    return f


def s8_torch(torch, c):
    W1, b1, W2, b2 = c["W1"], c["b1"], c["W2"], c["b2"]

    def f(x):
        return W2 @ torch.tanh(W1 @ x + b1) + b2

    return f


def s8_ref(x, c):
    h = np.tanh(c["W1"] @ x + c["b1"])
    return c["W2"] @ ((1.0 - h * h)[:, None] * c["W1"])


# --------------------------------------------------------------------------
# S9 per-operation overhead: 200 chained elementwise steps on 3 numbers

S9_STEPS = 200


def s9_f(xp, norm, c):
    def f(x):
        for _ in range(S9_STEPS):
            x = xp.sin(x) * 1.01 + 0.1
        return xp.sum(x)

    return f


def s9_torch(torch, c):
    def f(x):
        for _ in range(S9_STEPS):
            x = torch.sin(x) * 1.01 + 0.1
        return torch.sum(x)

    return f


def s9_ref(x, c):
    # forward-mode chain rule, carried along the loop
    d = np.ones_like(x)
    for _ in range(S9_STEPS):
        d = d * (np.cos(x) * 1.01)
        x = np.sin(x) * 1.01 + 0.1
    return d


# --------------------------------------------------------------------------


def get_scenarios() -> List[Scenario]:
    """Build the nine scenarios (seeded, deterministic)."""
    timeline = np.linspace(1.0, 100.0, 40000)
    rng4 = np.random.default_rng(4)
    rng5 = np.random.default_rng(5)
    rng6 = np.random.default_rng(6)
    rng7 = np.random.default_rng(7)
    rng8 = np.random.default_rng(8)

    W5 = rng5.standard_normal((500, 500)) / math.sqrt(500.0)
    x5 = rng5.standard_normal(500)

    X7 = rng7.standard_normal((5000, 100))
    w_true = rng7.standard_normal(100) * 0.3
    y7 = (rng7.random(5000) < 1.0 / (1.0 + np.exp(-(X7 @ w_true)))).astype(np.float64)
    w7 = rng7.standard_normal(100) * 0.1

    W1 = rng8.standard_normal((256, 784)) / math.sqrt(784.0)
    b1 = rng8.standard_normal(256) * 0.1
    W2 = rng8.standard_normal((10, 256)) / math.sqrt(256.0)
    b2 = rng8.standard_normal(10) * 0.1
    x8 = rng8.random(784)

    return [
        Scenario(
            "S1", "seed: timeline * p[0] / p[1]", "jacobian",
            s1_f, s1_torch, s1_ref, np.array([1.0, 1.0]),
            {"timeline": timeline}, work_entries=2 * 40000,
        ),
        Scenario(
            "S2", "seed with cdf: timeline * norm.cdf(p[0] / p[1])", "jacobian",
            s2_f, s2_torch, s2_ref, np.array([1.0, 1.0]),
            {"timeline": timeline}, work_entries=40000, uses_cdf=True,
        ),
        Scenario(
            "S3", "log-normal survival 1 - norm.cdf((log t - mu) / exp(log_sigma))", "jacobian",
            s3_f, s3_torch, s3_ref, np.array([3.5, math.log(1.2)]),
            {"times": np.linspace(1.0, 100.0, 40000)}, work_entries=4 * 40000, uses_cdf=True,
        ),
        Scenario(
            "S4", "wide: [sum(tanh(x)**2), sum(sin(x)*x), log(sum(exp(x)))], x in R^10000", "jacobian",
            s4_f, s4_torch, s4_ref, rng4.standard_normal(10000),
            {}, work_entries=7 * 10000,
        ),
        Scenario(
            "S5", "square dense: tanh(W @ x), W 500 x 500", "jacobian",
            s5_f, s5_torch, s5_ref, x5, {"W": W5}, work_entries=3 * 500,
        ),
        Scenario(
            "S6", "elementwise: sin(x) * exp(-x**2), x in R^2000 (dense jacobian)", "jacobian",
            s6_f, s6_torch, s6_ref, rng6.standard_normal(2000),
            {}, work_entries=6 * 2000, diagonal=True,
        ),
        Scenario(
            "S7", "hessian of logistic-regression NLL, 5000 x 100", "hessian",
            s7_f, s7_torch, s7_ref, w7, {"X": X7, "y": y7}, work_entries=10 * 5000,
        ),
        Scenario(
            "S8", "MLP input jacobian 784 -> 256 (tanh) -> 10", "jacobian",
            s8_f, s8_torch, s8_ref, x8,
            {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, work_entries=4 * 256 + 2 * 10,
        ),
        Scenario(
            "S9", "per-operation overhead: 200 x (sin(x) * 1.01 + 0.1) on R^3, then sum", "grad",
            s9_f, s9_torch, s9_ref, np.ones(3), {}, work_entries=3 * 3 * S9_STEPS,
        ),
    ]


def select(keys: Optional[str]) -> List[Scenario]:
    """Scenarios whose key is in the comma-separated ``keys`` (all if None)."""
    scenarios = get_scenarios()
    if not keys:
        return scenarios
    wanted = [k.strip().upper() for k in keys.split(",") if k.strip()]
    unknown = [k for k in wanted if k not in {s.key for s in scenarios}]
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(unknown)}")
    return [s for s in scenarios if s.key in wanted]
