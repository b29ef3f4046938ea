"""Run autograd's own test suite, unedited, against fastgrad through install_as_autograd().

    python tests/external/run_autograd_suite.py [pytest arguments]

The suite ships in autograd's source distribution on PyPI; it is downloaded once into
`.cache/` (ignored by git) and its `tests/` folder is run by pytest with `autograd`
resolving to fastgrad. The tests are not edited: the differences fastgrad keeps on
purpose are deselected by the list below, each explained in docs/compat.md.
"""

import os
import subprocess
import sys
import tarfile
from pathlib import Path

VERSION = "1.9.1"
ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "autograd-sdist"

# test id -> why fastgrad differs on purpose (docs/compat.md has the longer reasons).
DELIBERATE = {
    "test_fft.py::test_rfftn_odd_not_implemented": "fastgrad differentiates rfftn over an odd last axis",
    "test_wrappers.py::test_custom_where_dtypes[int-True-1-2]": "where returns NumPy's result, not Python values",
    "test_wrappers.py::test_custom_where_dtypes[float-True-3.0-4.0]": "where returns NumPy's result, not Python values",
    "test_wrappers.py::test_custom_where_dtypes[float-False-1-2.0]": "where returns NumPy's result, not Python values",
    "test_wrappers.py::test_custom_where_dtypes[list-True-x3-y3]": "where returns NumPy's result, not Python values",
}


def sdist():
    """The path of autograd's source distribution, downloaded into the cache once."""
    tarball = CACHE / f"autograd-{VERSION}.tar.gz"
    if not tarball.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:",
                        "--no-deps", f"autograd=={VERSION}", "-d", str(CACHE)], check=True)
    return tarball


def _suite():
    tests = CACHE / f"autograd-{VERSION}" / "tests"
    if not tests.is_dir():
        with tarfile.open(sdist()) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith(f"autograd-{VERSION}/tests/")]
            tar.extractall(CACHE, members=members, filter="data")
    return tests


class _Deliberate:
    """Deselects the tests of DELIBERATE, and fails the run if one of them is not found
    (the list must not outlive the tests it names)."""

    def pytest_collection_modifyitems(self, config, items):
        names = {item.nodeid.split("/")[-1]: item for item in items}
        missing = sorted(set(DELIBERATE) - set(names))
        if missing:
            raise RuntimeError(f"deliberate differences name tests that do not exist: {missing}")
        config.hook.pytest_deselected(items=[names[n] for n in DELIBERATE])
        items[:] = [item for item in items if item.nodeid.split("/")[-1] not in DELIBERATE]


def main(argv):
    tests = _suite()
    import fastgrad

    fastgrad.install_as_autograd()
    import pytest

    # autograd's own pytest settings ask for coverage and xdist plugins; an empty
    # configuration file replaces them.
    ini = CACHE / "pytest.ini"
    ini.write_text("[pytest]\n")
    return pytest.main([str(tests), "-c", str(ini), "--rootdir", str(tests.parent), "-p", "no:cacheprovider",
                        "-q", *argv], plugins=[_Deliberate()])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
