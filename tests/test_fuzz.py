"""Fuzz the loaders with generated text and bytes: only escalate's own errors come out."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalate import EscalateError, load_likelihoods, load_scenario, read_scenario

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
    try:
        loader(path)
    except EscalateError as exc:
        assert str(exc).strip()
        assert "Traceback" not in str(exc)


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
