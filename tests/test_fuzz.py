"""Fuzz the loaders with generated text and bytes: only escalate's own errors come out."""

import json
import os
import random
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from escalate import (
    EscalateError,
    GraphFileError,
    load_likelihoods,
    load_scenario,
    read_scenario,
    write_scenario,
)
from escalate.cli import app

FUZZ = settings(
    max_examples=int(os.environ.get("ESCALATE_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

TOML_PIECES = st.sampled_from(
    [
        "[actors]\n", "A = {}\n", 'B = { kind = "region", located_in = "A" }\n', "[[relations]]\n",
        'type = "hostility"\n', 'between = ["A", "B"]\n', "relations = [\n", "]\n", "likelihood = 2\n",
        'from = "A"\n', 'to = ["B"]\n', "[sources.s]\n", 'title = "t"\n', "since = 2020-01-01\n",
        'extends = "nagorno-karabakh-2020"\n', 'extends = "./self.toml"\n', "as_of = 1979-05-27T07:32:00Z\n",
        "{ type = \"backing\" },\n", "x = [1, 'a', {a = 1}]\n", "\ufeff", "\r\n", "\x00",
    ]
)  # fmt: skip


def check(path, loader):
    """``loader(path)`` works or raises an EscalateError that names the file on each problem.

    Any other exception propagates and fails the test. A GraphFileError's message is its
    problems, one per line, each starting with the file's path; any other EscalateError is
    one line naming the file.
    """
    try:
        loader(path)
    except EscalateError as exc:
        if isinstance(exc, GraphFileError):
            assert exc.path == path and exc.problems, str(exc)
            assert str(exc) == "\n".join(exc.problems)
            assert all(problem.startswith(f"{path}") for problem in exc.problems), str(exc)
        else:
            assert len(str(exc).splitlines()) == 1 and str(path) in str(exc), f"{type(exc).__name__}: {exc}"


@FUZZ
@given(st.lists(TOML_PIECES, max_size=12).map("".join))
def test_scenario_loader_on_toml_like_text(tmp_path, text):
    path = tmp_path / "self.toml"
    path.write_text(text, encoding="utf-8")
    check(path, load_scenario)


@FUZZ
@given(st.binary(max_size=300))
def test_scenario_loader_on_bytes(tmp_path, data):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    check(path, load_scenario)


@FUZZ
@given(st.text(max_size=200))
def test_scenario_loader_on_text(tmp_path, text):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    check(path, load_scenario)


@FUZZ
@given(st.text(max_size=200))
def test_likelihood_loader_on_text(tmp_path, text):
    path = tmp_path / "table.toml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    check(path, load_likelihoods)


@pytest.mark.parametrize(
    "text", ["backing = 0.5\n", "[backing]\nmilitary = 2\n", "defense_pact = [1]\n", "[x]\n[x.y]\nz=1\n"]
)
def test_likelihood_file_errors(tmp_path, text):
    path = tmp_path / "table.toml"
    path.write_text(text)
    with pytest.raises(EscalateError, match=str(path)):
        load_likelihoods(path)


def test_a_csv_header_with_a_quoted_newline_is_one_problem_on_one_line(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text('"From\nTo",Type\nA,B\n', encoding="utf-8")
    with pytest.raises(GraphFileError) as raised:
        read_scenario(path)
    assert [len(p.splitlines()) for p in raised.value.problems] == [1]


INTERCHANGE_PIECES = st.sampled_from(
    [
        '{"nodes": [', '{"id": "A"}', ", ", "]", '"edges": [', '{"source": "A", "target": "B", "relation": "hostility"}',
        "}", '<?xml version="1.0"?>', "<graphml>", "<graph>", '<node id="A"/>', '<edge source="A" target="B"/>',
        "</graph>", "</graphml>", "<gexf>", "From,To,Type\n", "A,B,hostility\n", "A,B\n", '"', "\n", "x",
    ]
)  # fmt: skip


@FUZZ
@given(
    st.sampled_from(["json", "graphml", "gexf", "csv"]),
    st.lists(INTERCHANGE_PIECES, max_size=15).map("".join),
)
def test_interchange_loaders_on_structured_text(tmp_path, fmt, text):
    path = tmp_path / f"fuzz.{fmt}"
    path.write_text(text, encoding="utf-8")
    check(path, read_scenario)


@FUZZ
@given(st.sampled_from(["json", "graphml", "gexf", "csv"]), st.binary(max_size=200))
def test_interchange_loaders_on_bytes(tmp_path, fmt, data):
    path = tmp_path / f"fuzz.{fmt}"
    path.write_bytes(data)
    check(path, read_scenario)


# -- structure-aware: a valid scenario with one field broken, through the CLI ----------------

GRAPHS = Path(__file__).resolve().parents[1] / "graphs"
DEEP = "\0deep\0"  # stands for 100,000 nested lists, written as text (no serialiser recurses that far)
BREAKS = {
    "wrong type": lambda v: [v] if isinstance(v, str) else ({"x": v} if isinstance(v, list) else "text"),
    "huge number": lambda v: 10**30 if isinstance(v, str) else 1e308 * 10,
    "deep nesting": lambda v: DEEP,
    "empty": lambda v: "" if isinstance(v, str | int | float) else type(v)(),
    "control character": lambda v: f"{v}\x1b[2J\u202e" if isinstance(v, str) else "\x00",
    "special file": lambda v: "/dev/zero",
}


PER_BREAK = int(os.environ.get("ESCALATE_BREAKS", "12"))  # fields broken each way in each file
FAST = ["--method", "monte-carlo", "--samples", "200", "--seed", "0"]  # exact on caucasus takes 1 s


def _places(value, where=()):
    """Every field of parsed scenario data: a path of keys and indices, containers included."""
    if where:
        yield where
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        yield from _places(inner, (*where, key))


def _broken(data, where, make):
    data = json.loads(json.dumps(data, default=str))  # a deep copy; dates become text
    *parents, last = where
    holder = data
    for key in parents:
        holder = holder[key]
    holder[last] = make(holder[last])
    return data


def _toml(value):
    if value == DEEP:
        return "[" * 100_000 + "]" * 100_000
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return "inf" if value == float("inf") else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml, value)) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


def _as_toml(data):
    return "".join(f"{json.dumps(k)} = {_toml(v)}\n" for k, v in data.items())


def _as_json(data):
    return json.dumps(data, ensure_ascii=False).replace(json.dumps(DEEP), "[" * 100_000 + "]" * 100_000)


def _valid_scenarios(tmp_path):
    """Each bundled scenario file as TOML data, and as node-link JSON data."""
    for toml_path in sorted(GRAPHS.glob("*.toml")):
        yield "toml", toml_path.stem, tomllib.loads(toml_path.read_text(encoding="utf-8"))
        out = tmp_path / f"{toml_path.stem}.json"
        write_scenario(load_scenario(toml_path), out)
        yield "json", toml_path.stem, json.loads(out.read_text(encoding="utf-8"))


def test_a_valid_file_with_one_field_broken_is_one_clear_error_or_still_works(tmp_path):
    runner, rng = CliRunner(), random.Random(12)
    tried = 0
    for fmt, stem, data in _valid_scenarios(tmp_path):
        places = list(_places(data))
        for kind, make in BREAKS.items():
            for where in rng.sample(places, PER_BREAK):
                broken = _broken(data, where, make)
                path = tmp_path / f"{stem}-{tried}.{fmt}"
                path.write_text(_as_toml(broken) if fmt == "toml" else _as_json(broken), encoding="utf-8")
                command = ["paths", "Armenia", "Azerbaijan", "-g", str(path), *FAST]
                result = runner.invoke(app, command)
                case = f"{fmt} {stem}: {kind} at {where}: exit {result.exit_code}\n{result.stderr}"
                assert result.exception is None or isinstance(result.exception, SystemExit), case
                assert result.exit_code in (0, 1, 2), case
                if result.exit_code == 0:  # the break was harmless: the usual report, no error
                    assert result.stdout.startswith("Flare-up: Armenia vs Azerbaijan"), case
                    assert "Error" not in result.stderr, case
                else:
                    assert result.stdout == "", case
                if result.exit_code == 1:  # the file's problems, one "Error: file: ..." line each
                    with pytest.raises(GraphFileError) as raised:
                        load_scenario(path)
                    lines = result.stderr.splitlines()
                    assert len(lines) == len(raised.value.problems), case
                    assert all(line.startswith(f"Error: {path}") for line in lines), case
                if result.exit_code == 2:  # a question that does not fit the file: one line
                    assert len(result.stderr.splitlines()) == 1, case
                    assert result.stderr.startswith("Error: "), case
                tried += 1
    assert tried == 2 * 2 * len(BREAKS) * PER_BREAK
