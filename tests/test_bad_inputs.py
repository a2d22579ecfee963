"""The corpus of malformed scenario files: one clear error each, file and place named."""

import re
import tomllib
from pathlib import Path

import pytest

from escalate import EscalateError, GraphFileError, load_scenario
from escalate.cli import app

BAD = Path(__file__).parent / "data" / "bad"
EXPECTED = tomllib.loads((BAD / "EXPECTED.toml").read_text(encoding="utf-8"))
CORPUS = sorted(p.name for p in BAD.iterdir() if p.name != "EXPECTED.toml")


def test_corpus_is_large_and_every_file_has_an_expectation():
    assert len(CORPUS) >= 40
    assert set(CORPUS) == set(EXPECTED)


#: Files with more than one problem, and how many: every other file has exactly one.
SEVERAL = {
    "located-in-cycle.toml": 2,  # each actor of the cycle A -> B -> A, at its own line
}
#: Files that report more problems than they have: a follow-on problem of the first one.
FOLLOW_ON: dict[str, str] = {}


def counted(names):
    """``names`` as parameters; those in FOLLOW_ON are strict xfails until the extra problem goes."""
    return [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=FOLLOW_ON[n])) if n in FOLLOW_ON else n
        for n in names
    ]


@pytest.mark.parametrize("name", CORPUS)
def test_bad_file_raises_one_clear_error(name):
    path = BAD / name
    with pytest.raises(GraphFileError, match=EXPECTED[name]) as info:
        load_scenario(path)
    assert isinstance(info.value, EscalateError)
    assert info.value.path == path
    assert len(info.value.problems) >= 1
    for problem in info.value.problems:
        assert problem.startswith(str(path)), problem
        assert "\n" not in problem


@pytest.mark.parametrize("name", counted(CORPUS))
def test_bad_file_reports_exactly_its_problems(name):
    with pytest.raises(GraphFileError) as info:
        load_scenario(BAD / name)
    assert len(info.value.problems) == SEVERAL.get(name, 1), info.value.problems


@pytest.mark.parametrize("name", counted(CORPUS))
def test_cli_prints_one_error_line_per_problem_and_exits_1(runner, name):
    path = BAD / name
    result = runner.invoke(app, ["paths", "A", "B", "--graph", str(path)])
    assert result.exit_code == 1, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == SEVERAL.get(name, 1), result.stderr
    assert all(line.startswith(f"Error: {path}") for line in lines), result.stderr
    assert re.search(EXPECTED[name], lines[0]), result.stderr
