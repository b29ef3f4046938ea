"""autograd's examples/ folder, run unedited with the real autograd and with fastgrad
through install_as_autograd(), prints the same numbers and ends at the same values.

The table, the lowered iteration counts and the tolerances are in
tests/external/autograd_examples.py. Each library runs the selected examples in its own
fresh interpreter (so the two never meet in one process); each example's wall time on
both is recorded as test properties (`python -m benchmarks.autograd_examples` prints
them as a table).
"""

import pytest

from external import autograd_examples as corpus

pytest.importorskip("autograd")


def _params(name):
    example = corpus.EXAMPLES[name]
    if example.skip:
        return pytest.param(name, marks=pytest.mark.skip(reason=example.skip))
    if example.defect:
        return pytest.param(name, marks=pytest.mark.xfail(reason=example.defect, strict=True))
    return name


@pytest.fixture(scope="module")
def runs(request):
    """{library: {example: result}} for the examples this session selected."""
    names = [item.callspec.params["name"] for item in request.session.items
             if item.path == request.path and hasattr(item, "callspec")]
    names = [name for name in dict.fromkeys(names) if not corpus.EXAMPLES[name].skip]
    return {library: corpus.run(names, library) for library in ("autograd", "fastgrad")}


@pytest.mark.parametrize("name", [_params(name) for name in corpus.EXAMPLES])
def test_example_agrees_with_autograd(name, runs, record_property):
    ref, got = runs["autograd"][name], runs["fastgrad"][name]
    record_property("autograd_seconds", ref["seconds"])
    record_property("fastgrad_seconds", got["seconds"])
    assert not ref.get("error"), ref["error"]
    problems = corpus.compare(name, got, ref)
    assert not problems, "\n".join(problems)


def test_table_names_every_example():
    on_disk = {str(path.relative_to(corpus.examples_dir())) for path in corpus.examples_dir().rglob("*.py")}
    assert on_disk == set(corpus.EXAMPLES) | set(corpus.HELPERS)
