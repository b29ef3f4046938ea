"""The allocator setting of fastgrad/_memory.py: applied on import, on Linux with glibc,
unless FASTGRAD_MALLOC_TUNING=0 asks to leave the process's allocator alone."""

import os
import platform
import subprocess
import sys

import pytest

_PROBE = "import fastgrad, fastgrad._memory as m; print(m.tuned)"


def _tuned_after_import(setting):
    env = {k: v for k, v in os.environ.items() if k != "FASTGRAD_MALLOC_TUNING"}
    if setting is not None:
        env["FASTGRAD_MALLOC_TUNING"] = setting
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_the_setting_can_be_turned_off():
    assert _tuned_after_import("0") == "False"


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="the setting exists for glibc on Linux only")
@pytest.mark.parametrize("setting", [None, "1"])
def test_the_setting_applies_by_default(setting):
    assert _tuned_after_import(setting) == "True"
