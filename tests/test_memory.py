"""The allocator setting of fastgrad/_memory.py: the process's allocator is left alone
unless FASTGRAD_MALLOC_TUNING=1 asks for the setting (on Linux with glibc)."""

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


@pytest.mark.parametrize("setting", [None, "0"])
def test_the_allocator_is_left_alone_by_default(setting):
    assert _tuned_after_import(setting) == "False"


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="the setting exists for glibc on Linux only")
def test_the_setting_applies_when_asked_for():
    assert _tuned_after_import("1") == "True"
