"""Records for fastgrad/scipy/integrate.py: a damped nonlinear oscillator and a
logistic growth model, differentiated in the initial state, the time points and the
parameters. Tight solver tolerances make finite differences (step 1e-4) meaningful;
forward (sensitivities) and reverse (adjoint) agree to about the solver's tolerance."""

import numpy as onp

from . import OpSpec

try:
    import fastgrad.numpy as np
    from fastgrad.scipy import integrate
except ImportError:  # SciPy is optional: without it this family has no records
    integrate = None

TIGHT = {"rtol": 1e-13, "atol": 1e-13}
TIMES = onp.array([0.0, 0.3, 0.7, 1.0])


def oscillator(y, t, damping, stiffness):
    return np.array([y[1], -damping * y[1] - stiffness * np.sin(y[0]) + 0.1 * np.cos(t)])


def logistic(y, t, rate):
    return rate * y * (1 - y)


def times(rng, shape):
    return onp.sort(rng.uniform(0.0, 1.0, shape))


def state(rng, shape):
    return rng.uniform(0.2, 0.8, shape)


def rate(rng, shape):
    return rng.uniform(0.5, 1.5, shape)


def solve(y0, t, damping, stiffness):
    return integrate.odeint(oscillator, y0, t, args=(damping, stiffness), **TIGHT)


ODE = dict(rtol=1e-4, eps=1e-4)

SPECS = [] if integrate is None else [
    OpSpec("odeint", solve, domain=[state, times, rate, rate], shapes=[((2,), (4,), (), ())], **ODE,
           rejects={"size1@2": "NumPy: index 1 is out of bounds for axis 0 with size 1"}),
    OpSpec("odeint_params", lambda y0, k: integrate.odeint(logistic, y0, TIMES, args=(k,), **TIGHT),
           domain=[state, rate], shapes=[((3,), (3,))], **ODE,
           rejects={"0d@0": "NumPy: The size of the array returned by func"}),
    OpSpec("odeint_tfirst", lambda y0: integrate.odeint(lambda t, y: -y * t, y0, TIMES, tfirst=True, **TIGHT),
           domain=state, shapes=[((2,),)], **ODE),
]
