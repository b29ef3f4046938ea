"""Run lifelines' own test suite, unedited, against fastgrad through install_as_autograd().

    python tests/external/run_lifelines_suite.py [pytest arguments]

lifelines (survival analysis) is built on autograd. Its tests ship in its source
distribution on PyPI, downloaded once into `.cache/`. lifelines pins pandas below 3, so it
is installed into a virtual environment of its own there, which sees this environment's
packages (fastgrad among them) and keeps its own pandas. Not part of CI: the suite takes
several minutes and some of its fits start from random data. The tests that need dill
or joblib are left out unless those are installed.
"""

import os
import subprocess
import sys
import tarfile
from pathlib import Path

VERSION = "0.30.3"
ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "lifelines"
ENV = CACHE / "env"

# Runs in the environment's Python: autograd is fastgrad from the first import on.
BOOTSTRAP = "import sys, fastgrad; fastgrad.install_as_autograd(); import pytest; sys.exit(pytest.main(sys.argv[1:]))"


def _python():
    return ENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _environment():
    if not _python().is_file():
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(ENV)], check=True)
        subprocess.run([str(_python()), "-m", "pip", "install", "--quiet", f"lifelines=={VERSION}", "flaky"],
                       check=True)
    return _python()


def _suite():
    tests = CACHE / f"lifelines-{VERSION}" / "lifelines" / "tests"
    if not tests.is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps",
                        f"lifelines=={VERSION}", "-d", str(CACHE)], check=True)
        with tarfile.open(CACHE / f"lifelines-{VERSION}.tar.gz") as tar:
            members = [m for m in tar.getmembers() if m.name.startswith(f"lifelines-{VERSION}/lifelines/tests/")]
            tar.extractall(CACHE, members=members, filter="data")
    return tests


def main(argv):
    tests = _suite()
    python = _environment()
    missing = [name for name in ("dill", "joblib")
               if subprocess.run([str(python), "-c", f"import {name}"], capture_output=True).returncode]
    deselect = ["-k", " and ".join(f"not {name}" for name in missing)] if missing else []
    # lifelines' pytest settings are not shipped with its tests: an empty configuration file
    # stands in, and the tests import the installed lifelines.
    ini = CACHE / "pytest.ini"
    ini.write_text("[pytest]\n")
    return subprocess.run([str(python), "-c", BOOTSTRAP, str(tests), "-c", str(ini), "--rootdir", str(CACHE),
                           "-p", "no:cacheprovider", "-q", *deselect, *argv], cwd=CACHE).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
