"""What the package says about itself: its version, and what it needs installed."""

import subprocess
import sys
from importlib import metadata

import fastgrad


def test_version_is_the_installed_distributions():
    assert fastgrad.__version__ == metadata.version("fastgrad")


def test_fastgrad_scipy_without_scipy_names_the_extra():
    # sys.modules[name] = None makes every import of that name fail, as if it were absent.
    code = ("import sys; sys.modules['scipy'] = None\n"
            "import fastgrad, fastgrad.numpy\n"
            "try:\n    import fastgrad.scipy\nexcept ImportError as e:\n    print(e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == 'fastgrad.scipy needs SciPy: pip install "fastgrad[scipy]"'


def test_importing_fastgrad_warns_of_nothing():
    code = "import fastgrad, fastgrad.numpy, fastgrad.scipy, fastgrad.scipy.stats"
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
