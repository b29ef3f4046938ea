"""Differential fuzzing: random NumPy/SciPy programs differentiated in every mode by
fastgrad, compared with autograd and with finite differences (tests/fuzzing.py).

CI runs a fixed seed and a fixed number of programs. FASTGRAD_FUZZ_EXAMPLES=N and
FASTGRAD_FUZZ_SEED=S run more programs or other ones; a failure is shrunk to a minimal
program and printed as code.
"""

import os
from dataclasses import dataclass

import numpy as onp
import pytest

pytest.importorskip("scipy")

import fuzzing  # noqa: E402

EXAMPLES = int(os.environ.get("FASTGRAD_FUZZ_EXAMPLES", "2000"))
SEED = int(os.environ.get("FASTGRAD_FUZZ_SEED", "20261206"))
REPORTED = 3


@dataclass
class Known:
    """A defect already filed, skipped so that the fuzzer reports only new ones: it
    matches a failure whose check starts with one of `checks` in a program that uses one
    of `ops` (any op when empty) and, if given, satisfies `when(program)`."""

    item: str
    checks: tuple
    ops: frozenset = frozenset()
    when: object = None
    message: str = ""

    def matches(self, program, failure):
        return (failure.check.startswith(self.checks) and (not self.ops or bool(self.ops & program.ops))
                and self.message in failure.message and (self.when is None or self.when(program)))


def _has_size_zero(program):
    values = fuzzing.evaluate(program)
    return values is not None and any(onp.size(v) == 0 for v in values.values())


def _float32(program):
    return program.x.dtype == onp.float32


def _complex_output(program):
    values = fuzzing.evaluate(program)
    return values is not None and onp.iscomplexobj(values[f"v{len(program.steps)}"])


def _reads_layout(program):
    return any(step.op == "ravel" and step.params.get("_order") in ("'K'", "'A'") for step in program.steps)


# Each entry names the item of issue 12 it stands for; remove it when that item is fixed.
# (Items 8, 9 and 16, which the fuzzer met, are fixed: the list is empty.)
KNOWN = []

# Defects this fuzzer found beyond issue 12, not fixed yet (numbered as in the issue's
# closing note); remove an entry with its fix.
FOUND = [
    Known("F13: d/da of gammainc and gammaincc is NaN for a >= 6.7e6 with x near a",
          ("",), frozenset({"special.gammainc", "special.gammaincc"}), message="nan"),
    Known("F7: take, einsum and scipy.stats functions return other memory layouts than NumPy's, which order='K' "
          "and 'A' then read", ("",), when=_reads_layout),
]


def _new_failures(program):
    return [f for f in fuzzing.check(program) if not any(k.matches(program, f) for k in KNOWN + FOUND)]


def test_random_programs():
    rng = onp.random.default_rng(SEED)
    found = {}
    checked = 0
    for _ in range(EXAMPLES):
        program = fuzzing.generate(rng)
        if program is None:
            continue
        checked += 1
        for failure in _new_failures(program):
            found.setdefault(failure.check, (program, failure))
    assert checked > EXAMPLES // 2, "the generator produced too few valid programs"
    reports = []
    for program, failure in list(found.values())[:REPORTED]:
        small, small_failure = fuzzing.shrink(program, failure)
        reports.append(fuzzing.report(small, small_failure))
    assert not found, (f"{len(found)} kinds of failure in {checked} programs: {sorted(found)}\n\n"
                       + "\n\n".join(reports))
