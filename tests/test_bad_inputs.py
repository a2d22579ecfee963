"""The corpus of malformed scenario files: one clear error each, file and place named."""

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


@pytest.mark.parametrize("name", CORPUS)
def test_bad_file_raises_one_clear_error(name):
    path = BAD / name
    with pytest.raises(GraphFileError, match=EXPECTED[name]) as info:
        load_scenario(path)
    assert isinstance(info.value, EscalateError)
    assert len(info.value.problems) >= 1
    for problem in info.value.problems:
        assert problem.startswith(str(path)), problem
        assert "\n" not in problem


@pytest.mark.parametrize("name", CORPUS[::7])
def test_cli_exits_1_without_traceback(runner, name):
    result = runner.invoke(app, ["paths", "A", "B", "--graph", str(BAD / name)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {BAD / name}")
    assert "Traceback" not in result.stderr
