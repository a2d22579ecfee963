"""Interchange: every format round-trips the bundled and generated scenarios."""

import re
import warnings

import pytest
from hypothesis import HealthCheck, given, settings

from escalate import (
    EscalateWarning,
    GraphFileError,
    escalation_paths,
    from_networkx,
    load_scenario,
    read_scenario,
    to_networkx,
    write_scenario,
)
from escalate.cli import app
from escalate.io.toml import to_toml

from .test_properties import scenarios

LOSSLESS = ["toml", "json", "graphml"]
LOSSY = {"gexf": "GEXF cannot hold", "csv": "CSV cannot hold"}


def answers(scenario):
    return {(p.actor, p.side): p.probability for p in escalation_paths(scenario, "Armenia", "Azerbaijan")}


@pytest.mark.parametrize("name", ["nagorno-karabakh-2020", "caucasus-2020"])
@pytest.mark.parametrize("fmt", LOSSLESS)
def test_lossless_formats_round_trip_the_bundled_scenarios(tmp_path, name, fmt):
    s = load_scenario(name)
    path = write_scenario(s, tmp_path / f"s.{fmt}")
    back = read_scenario(path)
    assert (back.actors, back.relations) == (s.actors, s.relations)


@pytest.mark.parametrize("name", ["nagorno-karabakh-2020", "caucasus-2020"])
@pytest.mark.parametrize("fmt", sorted(LOSSY))
def test_lossy_formats_warn_and_keep_the_answers(tmp_path, name, fmt):
    s = load_scenario(name)
    with pytest.warns(EscalateWarning, match=LOSSY[fmt]):
        path = write_scenario(s, tmp_path / f"s.{fmt}")
    back = read_scenario(path)
    assert back.actors == s.actors and back.relations == s.relations
    assert answers(back) == pytest.approx(answers(s))


def test_networkx_round_trip_and_attributes():
    s = load_scenario("caucasus-2020")
    G = to_networkx(s)
    assert G.is_multigraph() and G.is_directed()
    assert G.nodes["Nagorno-Karabakh"]["located_in"] == "Azerbaijan"
    pact = [d for _, _, d in G.edges("Russia", data=True) if d["relation"] == "defense_pact"]
    assert pact[0]["covers"] == ["Armenia"] and pact[0]["source_key"] == "seed"
    assert G.has_edge("Armenia", "Russia")  # a pact is two directed edges
    assert G.graph["sources"]["nato"]["title"].startswith("The North Atlantic Treaty")
    assert from_networkx(G) == s


def test_same_scenario_same_bytes(tmp_path):
    s = load_scenario("caucasus-2020")
    for fmt in ["toml", "json", "graphml", "gexf"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EscalateWarning)
            one = write_scenario(s, tmp_path / f"one.{fmt}").read_bytes()
            two = write_scenario(s, tmp_path / f"two.{fmt}").read_bytes()
        assert one == two, fmt


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenarios(majors=True))
def test_generated_scenarios_round_trip_every_format(tmp_path, s):
    for fmt in [*LOSSLESS, *LOSSY]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EscalateWarning)
            back = read_scenario(write_scenario(s, tmp_path / f"g.{fmt}"))
        assert back.relations == s.relations and back.actors == s.actors, fmt
        assert (
            escalation_paths(back, "A", "B").to_dict()["parties"]
            == escalation_paths(s, "A", "B").to_dict()["parties"]
        )


def test_toml_writer_escapes_awkward_text(tmp_path):
    from escalate import build_scenario

    s = build_scenario(
        actors={
            'Côte "d\'Ivoire"': {"aliases": ["CIV", "back\\slash"]},
            "B": {"kind": "region", "located_in": 'Côte "d\'Ivoire"'},
        },
        relations=[{"type": "hostility", "between": ['Côte "d\'Ivoire"', "B"], "note": "line\nbreak\ttab"}],
    )
    path = tmp_path / "awkward.toml"
    path.write_text(to_toml(s), encoding="utf-8")
    assert load_scenario(path) == s


def test_cli_convert(runner, tmp_path):
    out = tmp_path / "c.graphml"
    result = runner.invoke(app, ["convert", "graphs/caucasus-2020.toml", str(out)])
    assert result.exit_code == 0, result.stderr
    assert read_scenario(out) == load_scenario("caucasus-2020")
    result = runner.invoke(
        app, ["convert", "graphs/caucasus-2020.toml", str(tmp_path / "c.out"), "--to", "gexf"]
    )
    assert result.exit_code == 0 and "Warning: GEXF cannot hold" in result.stderr
    assert (
        runner.invoke(app, ["convert", "graphs/caucasus-2020.toml", str(tmp_path / "c.xlsx")]).exit_code == 2
    )
    missing = runner.invoke(app, ["convert", str(tmp_path / "missing.csv"), str(tmp_path / "x.toml")])
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    assert not (tmp_path / "x.toml").exists()


def test_outputs_go_to_regular_files_through_links_never_onto_devices(tmp_path, runner):
    import os

    target = tmp_path / "real.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_scenario(load_scenario(), link)
    assert link.is_symlink() and read_scenario(target) == load_scenario()  # written through
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["convert", str(target), str(fifo)])
    assert result.exit_code == 1
    assert "it is not a regular file (a device, FIFO or socket)" in result.stderr
    assert fifo.exists() and not fifo.is_file()  # the FIFO is left as it was, not replaced
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_csv_export_neutralises_formulas_and_reads_them_back_unchanged(tmp_path):
    from escalate import build_scenario

    s = build_scenario(
        actors={'=HYPERLINK("http://x")': {}, "B": {"aliases": ["@SUM(1)"], "note": "+cmd|' /C calc'!A0"}},
        relations=[{"type": "hostility", "between": ['=HYPERLINK("http://x")', "B"], "note": "-2+3"}],
    )
    path = write_scenario(s, tmp_path / "c.csv")
    written = "".join(p.read_text() for p in tmp_path.iterdir())
    for formula in ("=HYPERLINK", "@SUM", "+cmd", "-2+3"):
        assert f",{formula}" not in written and f"\n{formula}" not in written  # never a cell's first char
        assert f"'{formula}" in written
    back = read_scenario(path)
    assert (back.actors, back.relations) == (s.actors, s.relations)


def test_a_csv_export_is_all_or_nothing_and_never_overwrites_what_it_read(tmp_path, runner):
    (tmp_path / "x.csv").mkdir()  # the relations file cannot be written: nor may the other two
    with (
        warnings.catch_warnings(),
        pytest.raises(__import__("escalate").EscalateError, match="x.csv: it is a folder"),
    ):
        warnings.simplefilter("ignore", EscalateWarning)
        write_scenario(load_scenario(), tmp_path / "x.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EscalateWarning)
        write_scenario(load_scenario(), tmp_path / "c.csv")
    before = (tmp_path / "c-actors.csv").read_bytes()
    result = runner.invoke(app, ["convert", str(tmp_path / "c.csv"), str(tmp_path / "c-actors.csv")])
    assert result.exit_code == 1 and "the scenario was read from it" in result.stderr
    assert (tmp_path / "c-actors.csv").read_bytes() == before  # the input is untouched
    assert runner.invoke(app, ["convert", str(tmp_path / "c.csv"), str(tmp_path / "c.csv")]).exit_code == 0


@pytest.mark.parametrize(
    ("actors", "named"),
    [
        ({"A;B": {}, "C": {}}, "actor 'A;B'"),
        ({"A": {"aliases": ["x;y"]}, "C": {}}, "alias 'x;y' of 'A'"),
        ({"A ": {}, "C": {}}, "actor 'A '"),
    ],
    ids=["semicolon-name", "semicolon-alias", "trailing-space"],
)
def test_a_name_csv_would_read_back_as_another_is_refused_at_write_time(tmp_path, runner, actors, named):
    from escalate import OutputError, build_scenario

    s = build_scenario(actors=actors, relations=[{"type": "hostility", "between": [next(iter(actors)), "C"]}])
    with pytest.raises(OutputError, match=re.escape(named) + ".* would read back as another name"):
        write_scenario(s, tmp_path / "c.csv")
    assert list(tmp_path.iterdir()) == []
    write_scenario(s, tmp_path / "c.toml")  # formats that keep the name still take it
    result = runner.invoke(app, ["convert", str(tmp_path / "c.toml"), str(tmp_path / "c.csv")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot write {tmp_path / 'c.csv'}: CSV separates names")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.toml"]


def test_csv_round_trips_separators_and_quotes_that_are_not_name_lists_or_formulas(tmp_path):
    from escalate import build_scenario

    s = build_scenario(
        actors={
            'Bosnia, "and" Herzegovina': {"aliases": ["B'H"], "note": "a; b, c"},
            "C": {},
            "'=x": {},
            "''+1": {},
        },
        relations=[
            {"type": "hostility", "between": ['Bosnia, "and" Herzegovina', "C"], "quote": 'said; "no", then'},
            {"type": "hostility", "between": ["'=x", "''+1"], "note": "'-1"},
        ],
    )
    back = read_scenario(write_scenario(s, tmp_path / "c.csv"))
    assert (back.actors, back.relations) == (s.actors, s.relations)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "invalid JSON: nested too deeply"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "invalid JSON: nested too deeply"),
        (
            '{"nodes": [], "edges": [], "graph": {"sources": "' + "[" * 100_000 + '"}}',
            "invalid JSON in the graph's 'sources' attribute: nested too deeply",
        ),
        ('{"nodes": [], "edges": [], "graph": {"x": ' + "9" * 5000 + "}}", "invalid JSON: Exceeds the limit"),
    ],
    ids=["lists", "objects", "sources", "digits"],
)
def test_node_link_json_nested_or_long_past_json_limits_is_a_one_line_error(tmp_path, runner, text, message):
    path = tmp_path / "deep.json"
    path.write_text(text)
    result = runner.invoke(app, ["paths", "A", "B", "-g", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: {message}" + result.stderr.split(message, 1)[1]
    assert result.stderr.count("\n") == 1 and result.stdout == ""


@pytest.mark.parametrize("fmt", ["toml", "json", "graphml", "gexf"])
def test_convert_never_writes_a_file_escalate_would_refuse_to_read(tmp_path, runner, monkeypatch, fmt):
    import escalate.io.files

    # A scenario written tersely (2,879 bytes) that every format writes out at more than 4,000.
    relations = ",".join(f'{{type="hostility",between=["A{i}","A{i + 1}"]}}' for i in range(60))
    terse = tmp_path / "in" / "terse.toml"
    terse.parent.mkdir()
    terse.write_text(f"relations=[{relations}]\n[actors]\n" + "".join(f"A{i}={{}}\n" for i in range(61)))
    monkeypatch.setattr(escalate.io.files, "MAX_FILE_BYTES", 4000)
    out = tmp_path / "out" / f"c.{fmt}"
    out.parent.mkdir()
    result = runner.invoke(app, ["convert", str(terse), str(out)])
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    assert re.match(
        rf"Error: cannot write {re.escape(str(out))}: it would be [\d,]+ bytes, and escalate reads files "
        r"of at most 4,000 bytes \(MAX_FILE_BYTES\)",
        result.stderr,
    )
    assert list(out.parent.iterdir()) == []
    monkeypatch.setattr(escalate.io.files, "MAX_FILE_BYTES", 20 * 1024 * 1024)
    assert runner.invoke(app, ["convert", str(terse), str(out)]).exit_code == 0
    monkeypatch.setattr(escalate.io.files, "MAX_FILE_BYTES", 4000)
    with pytest.raises(
        __import__("escalate").GraphFileError, match="the limit is 4,000"
    ):  # what the refusal spares the reader
        read_scenario(out)


def test_a_csv_export_too_large_to_read_back_writes_none_of_its_files(tmp_path, monkeypatch):
    import escalate.io.files
    from escalate import OutputError

    s = load_scenario("caucasus-2020")
    monkeypatch.setattr(escalate.io.files, "MAX_FILE_BYTES", 1400)  # only the relations (1,614 bytes) is over
    with warnings.catch_warnings(), pytest.raises(OutputError, match=r"c.csv: it would be 1,614 bytes"):
        warnings.simplefilter("ignore", EscalateWarning)
        write_scenario(s, tmp_path / "c.csv")
    assert list(tmp_path.iterdir()) == []


def test_an_actor_row_with_an_empty_label_is_an_error_at_its_line(runner, tmp_path):
    import csv
    from pathlib import Path

    source = Path(__file__).resolve().parents[1] / "graphs" / "caucasus-2020.toml"
    result = runner.invoke(app, ["convert", str(source), str(tmp_path / "c.csv")])
    assert result.exit_code == 0, result.stderr
    actors = tmp_path / "c-actors.csv"
    with actors.open(newline="") as handle:
        header = next(csv.reader(handle))
    with actors.open("a", newline="") as handle:
        csv.writer(handle).writerow(["state" if column == "Kind" else "" for column in header])
    line = len(actors.read_text().splitlines())
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "-g", str(tmp_path / "c.csv")])
    assert result.exit_code == 1 and f"c-actors.csv:{line}: Label is empty" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["nodes"][0].update(id=7), "node 1: its id int 7 must be text (the actor's name)"),
        (lambda d: d["nodes"][1].update(id=["a"]), "node 2: its id list ['a'] must be text"),
        (lambda d: d["nodes"].append(dict(d["nodes"][0])), "is listed twice; merge the two or rename one"),
        (lambda d: d["edges"][0].update(source="Narnia"), "edge 1: its source 'Narnia' is not a listed node"),
        (
            lambda d: next(e for e in d["edges"] if e.get("reverse")).update(relation="hug"),
            "different types: ",
        ),
    ],
)
def test_node_link_json_that_networkx_would_quietly_change_is_an_error(runner, tmp_path, change, message):
    import json
    from pathlib import Path

    source = Path(__file__).resolve().parents[1] / "graphs" / "caucasus-2020.toml"
    assert runner.invoke(app, ["convert", str(source), str(tmp_path / "g.json")]).exit_code == 0
    data = json.loads((tmp_path / "g.json").read_text())
    change(data)
    (tmp_path / "g.json").write_text(json.dumps(data))
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "-g", str(tmp_path / "g.json")])
    assert result.exit_code == 1 and message in result.stderr and "Traceback" not in result.output


def test_an_actor_listed_twice_in_csv_and_a_json_key_given_twice_are_errors(runner, tmp_path):
    import csv
    from pathlib import Path

    source = Path(__file__).resolve().parents[1] / "graphs" / "caucasus-2020.toml"
    assert runner.invoke(app, ["convert", str(source), str(tmp_path / "c.csv")]).exit_code == 0
    actors = tmp_path / "c-actors.csv"
    with actors.open(newline="") as handle:
        rows = list(csv.reader(handle))
    with actors.open("a", newline="") as handle:
        csv.writer(handle).writerow(rows[1])  # the first actor again
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "-g", str(tmp_path / "c.csv")])
    assert result.exit_code == 1
    assert f"c-actors.csv:{len(rows) + 1}: {rows[1][0]!r} is listed again (first at line 2)" in result.stderr

    assert runner.invoke(app, ["convert", str(source), str(tmp_path / "g.json")]).exit_code == 0
    text = (tmp_path / "g.json").read_text()
    (tmp_path / "g.json").write_text(
        text.replace('"directed": true', '"directed": true, "directed": false', 1)
    )
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "-g", str(tmp_path / "g.json")])
    assert result.exit_code == 1 and "the key 'directed' appears twice in one object" in result.stderr


def test_a_name_that_prints_blank_is_an_error(runner, tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text('[actors]\nA = {}\nB = {}\n"\\u0301" = {}\n')
    result = runner.invoke(app, ["paths", "A", "B", "-g", str(scenario)])
    assert result.exit_code == 1 and "prints as blank (only marks or spaces)" in result.stderr


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_an_edge_to_a_node_the_file_does_not_declare_is_an_error_not_a_new_actor(tmp_path, fmt):
    good = tmp_path / f"nk.{fmt}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EscalateWarning)  # GEXF cannot hold the title
        write_scenario(load_scenario(), good)
    bad = tmp_path / f"bad.{fmt}"
    bad.write_text(good.read_text().replace('source="Turkey"', 'source="Atlantis"', 1))
    with pytest.raises(GraphFileError) as info:
        read_scenario(bad)
    assert info.value.problems == [
        f"{bad}: an edge names 'Atlantis', which the file does not declare as a node"
    ]


@pytest.mark.parametrize("column", ["Major Power", "Collective Defense"])
def test_a_csv_yes_or_no_column_takes_true_or_false_not_anything(tmp_path, column):
    (tmp_path / "w.csv").write_text("From,To,Type\nA,B,hostility\n")
    header = "Label,Kind,Members,Collective Defense,Major Power"
    members = "A;B" if column == "Collective Defense" else ""
    for value, major in (("true", True), ("FALSE", None), ("", None)):
        row = f"X,alliance,{members},{value},\n" if column == "Collective Defense" else f"X,state,,,{value}\n"
        (tmp_path / "w-actors.csv").write_text(f"{header}\nA,state,,,\nB,state,,,\n{row}")
        actor = read_scenario(tmp_path / "w.csv").actors["X"]
        flag = actor.collective_defense if column == "Collective Defense" else actor.major_power
        assert bool(flag) is bool(major)
    row = f"X,alliance,{members},yes,\n" if column == "Collective Defense" else "X,state,,,yes\n"
    (tmp_path / "w-actors.csv").write_text(f"{header}\nA,state,,,\nB,state,,,\n{row}")
    with pytest.raises(GraphFileError) as info:
        read_scenario(tmp_path / "w.csv")
    assert info.value.problems == [
        f"{tmp_path / 'w-actors.csv'}:4: {column} must be true or false, not 'yes'"
    ]
