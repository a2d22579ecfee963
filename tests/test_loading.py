"""Scenario files: the format, the bundled scenarios, and every validation error."""

import datetime as dt

import pytest

from escalate import GraphFileError, UnknownActorError, UnknownScenarioError, bundled_scenarios, load_scenario
from escalate.io.files import MAX_FILE_BYTES, read_text

HEADER = """\
name = "test"
relations = [
{relations}
]

[sources.seed]
title = "A source"
date = 2020-09-28

[actors]
Armenia = {{ kind = "state", aliases = ["ARM"] }}
Azerbaijan = {{ kind = "state" }}
Russia = {{ kind = "state" }}
"Nagorno-Karabakh" = {{ kind = "region", located_in = "Azerbaijan" }}
"""


def with_relations(*lines):
    return HEADER.format(relations="\n".join(f"  {line}," for line in lines))


def test_bundled_default_holds_the_articles_six_actors():
    s = load_scenario()
    assert s.name == "nagorno-karabakh-2020"
    assert set(s.actors) == {"Armenia", "Azerbaijan", "Nagorno-Karabakh", "Turkey", "Russia", "United States"}
    assert s.as_of == dt.date(2020, 9, 28)
    for relation in s.relations:
        assert relation.source == "seed" and relation.quote
    article = (
        __import__("pathlib").Path(__file__).resolve().parents[2]
        / "shared/sources/nagorno-karabakh-2020-09-28.txt"
    )
    if article.exists():
        text = article.read_text(encoding="utf-8")
        for relation in s.relations:
            assert relation.quote in text, relation.quote


def test_bundled_list_names_titles():
    names = dict(bundled_scenarios())
    assert "nagorno-karabakh-2020" in names and names["nagorno-karabakh-2020"].startswith("Nagorno-Karabakh")
    assert "caucasus-2020" in names


def test_background_scenario_extends_the_default():
    s = load_scenario("caucasus-2020")
    assert {"NATO", "CSTO", "Iran", "France", "Georgia", "Armenia"} <= set(s.actors)
    assert all(r.source for r in s.relations)
    assert len(s.relations) > len(load_scenario().relations)


def test_names_resolve_through_aliases_and_case():
    s = load_scenario()
    assert s.resolve("artsakh") == "Nagorno-Karabakh"
    assert s.resolve("USA") == "United States"
    with pytest.raises(UnknownActorError, match="did you mean 'Russia'"):
        s.resolve("Rusia")


def test_names_resolve_in_either_unicode_form_on_the_command_line_and_in_files():
    from escalate import build_scenario

    nfc, nfd = "Cura\u00e7ao", "Curac\u0327ao"
    s = build_scenario(actors={nfc: {}, "B": {}}, relations=[{"type": "hostility", "between": [nfd, "B"]}])
    assert s.resolve(nfd) == nfc and s.relations[0].actors == (nfc, "B")


def test_array_of_tables_form_is_accepted(graph_file):
    path = graph_file('[actors]\nA = {}\nB = {}\n\n[[relations]]\ntype = "hostility"\nbetween = ["A", "B"]\n')
    assert load_scenario(path).relations[0].type == "hostility"


def test_bom_and_crlf_load(graph_file, tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + with_relations('{ type = "hostility", between = ["Armenia", "Russia"] }')
        .replace("\n", "\r\n")
        .encode()
    )
    assert len(load_scenario(path).relations) == 1


def test_territory_includes_regions():
    assert load_scenario().territory("Azerbaijan") == {"Azerbaijan", "Nagorno-Karabakh"}


BAD = [
    (
        '{ type = "defence_pact", between = ["Armenia", "Russia"] }',
        r":3: relation #1: unknown relation type 'defence_pact'; did you mean 'defense_pact'",
    ),
    (
        '{ type = "backing", from = "Rusia", to = "Armenia", level = "military" }',
        r":3: relation #1 \(Rusia -> Armenia\): unknown actor 'Rusia'; did you mean 'Russia'\?",
    ),
    (
        '{ type = "backing", from = "Russia", to = "Armenia", level = "militray" }',
        r"backing needs level.*did you mean 'military'",
    ),
    ('{ type = "backing", from = "Russia", to = "Armenia" }', r"backing needs level"),
    (
        '{ type = "hostility", between = ["Russia", "Armenia"], likelyhood = 0.3 }',
        r"unknown key in relation #1 'likelyhood'; did you mean 'likelihood'\?",
    ),
    (
        '{ type = "hostility", between = ["Russia", "Armenia"], likelihood = 1.5 }',
        r"likelihood 1.5 is outside 0..1",
    ),
    (
        '{ type = "hostility", between = ["Russia", "Armenia"], likelihood = "high" }',
        r"likelihood must be a number",
    ),
    (
        '{ type = "hostility", between = ["Russia", "Armenia"], since = "2020-13-01" }',
        r"bad date '2020-13-01'",
    ),
    (
        '{ type = "hostility", between = ["Russia", "Armenia"], since = 2020-01-01, until = 2019-01-01 }',
        r"until 2019-01-01 is before since 2020-01-01",
    ),
    ('{ type = "hostility", between = ["Russia", "Russia"] }', r"cannot have a relation with itself"),
    ('{ type = "hostility", between = ["Russia"] }', r"'between' must list exactly two actors"),
    ('{ type = "hostility", from = "Russia", to = "Armenia" }', r"write between = \[X, Y\]"),
    ('{ type = "guarantee", between = ["Russia", "Armenia"] }', r"write from = X, to = Y"),
    (
        '{ type = "hostility", between = ["Russia", "Armenia"], source = "sead" }',
        r"unknown source 'sead'; did you mean 'seed'\?",
    ),
    (
        '{ type = "hostility", between = ["Russia", "Armenia"], level = "military" }',
        r"a hostility's level must be one of threat, force, fatal, war, not 'military'",
    ),
    (
        '{ type = "entente", between = ["Russia", "Armenia"], level = "military" }',
        r"only backing and hostility have a level",
    ),
    (
        '{ type = "defense_pact", between = ["Russia", "Armenia"], covers = ["Armnia"] }',
        r"unknown actor 'Armnia'",
    ),
    ('{ between = ["Russia", "Armenia"] }', r"missing 'type'"),
    ('"hostility"', r"relation #1 must be a table"),
]


@pytest.mark.parametrize(("relation", "message"), BAD)
def test_bad_relation_is_reported_with_file_line_and_fix(graph_file, relation, message):
    path = graph_file(with_relations(relation))
    with pytest.raises(GraphFileError, match=message) as info:
        load_scenario(path)
    assert str(info.value).startswith(str(path))
    assert info.value.path == path


def test_duplicate_relation(graph_file):
    path = graph_file(with_relations(
        '{ type = "hostility", between = ["Russia", "Armenia"] }',
        '{ type = "hostility", between = ["Armenia", "Russia"] }',
    ))  # fmt: skip
    with pytest.raises(GraphFileError, match=r":4: relation #2 .*duplicates relation #1"):
        load_scenario(path)


def test_every_problem_of_a_file_is_reported_at_once(graph_file):
    path = graph_file(with_relations(
        '{ type = "defence_pact", between = ["Armenia", "Russia"] }',
        '{ type = "backing", from = "Turky", to = "Armenia", level = "military" }',
        '{ type = "hostility", between = ["Russia", "Armenia"], likelihood = 2 }',
    ))  # fmt: skip
    with pytest.raises(GraphFileError) as info:
        load_scenario(path)
    assert len(info.value.problems) == 3
    assert [p.split(":")[1] for p in info.value.problems] == ["3", "4", "5"]


BAD_ACTORS = [
    ('Georgia = { kind = "country" }', r"unknown kind 'country'"),
    (
        'Georgia = { kind = "state", alias = ["GEO"] }',
        r"unknown key in actor 'Georgia' 'alias'; did you mean 'aliases'\?",
    ),
    (
        'Georgia = { kind = "state", aliases = ["ARM"] }',
        r"alias 'ARM' is already the name or an alias of 'Armenia'",
    ),
    ('Georgia = { kind = "state", aliases = ["armenia"] }', r"alias 'armenia' is already"),
    ('Georgia = { kind = "region", located_in = "Abkhazia" }', r"located_in names unknown actor 'Abkhazia'"),
    ('Georgia = { kind = "state", located_in = "Russia" }', r"only a region has located_in"),
    (
        'Georgia = { kind = "alliance", members = ["Armenia", "Gondor"], collective_defense = true }',
        r"unknown member 'Gondor'",
    ),
    ('Georgia = { kind = "state", members = ["Armenia"] }', r"only an alliance has members"),
    (
        'Georgia = { kind = "alliance", members = ["Armenia"], collective_defense = "yes" }',
        r"'collective_defense' must be true or false",
    ),
    ('Georgia = "state"', r"actor 'Georgia' must be a table"),
    ('Georgia = { kind = "state", source = "nowhere" }', r"unknown source 'nowhere'"),
]


@pytest.mark.parametrize(("actor", "message"), BAD_ACTORS)
def test_bad_actor_is_reported(graph_file, actor, message):
    path = graph_file(with_relations() + actor + "\n")
    with pytest.raises(GraphFileError, match=message) as info:
        load_scenario(path)
    assert f"{path}:15:" in str(info.value)


def test_located_in_cycle(graph_file):
    text = '[actors]\nA = { kind = "region", located_in = "B" }\nB = { kind = "region", located_in = "A" }\n'
    with pytest.raises(GraphFileError, match=r"located_in makes a cycle \(A -> B -> A\)"):
        load_scenario(graph_file(text))


def test_duplicate_actor_is_a_toml_error_with_line(graph_file):
    with pytest.raises(GraphFileError, match=r":3: invalid TOML"):
        load_scenario(graph_file("[actors]\nA = {}\nA = {}\n"))


def test_toml_syntax_error_names_line(graph_file):
    with pytest.raises(GraphFileError, match=r":2: invalid TOML"):
        load_scenario(graph_file('name = "x"\ntitle = \n'))


def test_unknown_top_level_key(graph_file):
    with pytest.raises(GraphFileError, match=r":1: unknown top-level key 'titel'; did you mean 'title'\?"):
        load_scenario(graph_file('titel = "x"\n[actors]\nA = {}\n'))


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('[actors]\n"Côte" = {}\n'.encode("latin-1"))
    with pytest.raises(GraphFileError, match=r":2: not UTF-8 text"):
        load_scenario(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(GraphFileError, match="no such file"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(GraphFileError, match="is a folder"):
        (tmp_path / "sub.d").mkdir()
        load_scenario(tmp_path / "sub.d")


def test_file_too_large(tmp_path):
    path = tmp_path / "big.toml"
    path.write_bytes(b"# x\n" * 10)
    with pytest.raises(GraphFileError, match="the limit is 8"):
        read_text(path, limit=8)
    assert MAX_FILE_BYTES >= 10 * 1024 * 1024


def test_unknown_bundled_name_suggests():
    with pytest.raises(
        UnknownScenarioError, match="unknown scenario 'caucasus'; did you mean 'caucasus-2020'"
    ):
        load_scenario("caucasus")


def test_bundled_name_never_reads_outside_the_bundled_folder(tmp_path, monkeypatch):
    (tmp_path / "evil.toml").write_text("[actors]\nA = {}\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UnknownScenarioError):
        load_scenario("evil")
    assert load_scenario("evil.toml").name == "evil"  # a path is read as given


def test_extends_cycle_is_reported(graph_file, tmp_path):
    graph_file('extends = "./b.toml"\n[actors]\nA = {}\n', name="a.toml")
    graph_file('extends = "./a.toml"\n[actors]\nB = {}\n', name="b.toml")
    with pytest.raises(GraphFileError, match="cycle"):
        load_scenario(tmp_path / "a.toml")


@pytest.mark.skipif(not __import__("os").path.exists("/dev/zero"), reason="no /dev/zero here")
def test_only_regular_files_are_read_never_a_device_or_fifo(tmp_path, graph_file):
    import os

    with pytest.raises(GraphFileError, match="/dev/zero: not a regular file"):
        load_scenario("/dev/zero")  # reported at once: a device reports size 0 and never ends
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)  # opening must not wait for a writer
    with pytest.raises(GraphFileError, match="pipe.toml: not a regular file"):
        load_scenario(fifo)
    child = graph_file('name = "child"\nextends = "/dev/zero"\n[actors]\nA = {}\n')
    with pytest.raises(GraphFileError, match=r"extends: /dev/zero: not a regular file"):
        load_scenario(child)


def test_a_file_growing_past_the_limit_is_not_read_past_it(tmp_path):
    path = tmp_path / "big.toml"
    path.write_bytes(b"# x\n" * 10)
    with pytest.raises(GraphFileError, match=r"big.toml: file is 40 bytes; the limit is 8"):
        read_text(path, limit=8)


@pytest.mark.parametrize(
    ("actors", "message"),
    [
        ({"Foo": {}, "foo": {}}, "actor 'foo': the same name as 'Foo' but for case or Unicode form"),
        (
            {"Cura\u00e7ao": {}, "Curac\u0327ao": {}},
            "the same name as 'Cura\u00e7ao' but for case or Unicode form",
        ),
        ({"A": {"aliases": [""]}}, "actor 'A': an empty name or alias"),
        ({"A\u200b": {}}, "holds control or invisible characters"),
        ({"A\x1b[31m": {}}, "holds control or invisible characters"),
    ],
    ids=["case", "nfc-nfd", "empty-alias", "zero-width", "escape"],
)
def test_names_that_look_alike_or_hide_characters_are_refused(actors, message):
    from escalate import build_scenario

    with pytest.raises(GraphFileError, match=__import__("re").escape(message)):
        build_scenario(actors=actors)


@pytest.mark.parametrize(
    ("actors", "message"),
    [
        ({"Armenia": {}, "\u0410rmenia": {}}, "actor '\u0410rmenia' looks like 'Armenia' of actor 'Armenia'"),
        ({"Aa": {}, "Bb": {"aliases": ["\u0391\u03b1"]}}, "alias '\u0391\u03b1' of 'Bb' looks like 'Aa'"),
        ({"Pop": {}, "\u0420\u043e\u0440": {}}, "CYRILLIC CAPITAL LETTER ER, CYRILLIC SMALL LETTER O"),
        (
            {"A B": {}, "A  B": {}},
            "looks like 'A B' of actor 'A B' but is written with other characters (white space)",
        ),
        ({"x": {}, "\U0001d431": {}}, "MATHEMATICAL BOLD SMALL X"),
    ],
    ids=["cyrillic", "greek-alias", "mixed-word", "double-space", "math-bold"],
)
def test_names_that_print_alike_are_an_error_naming_both(actors, message):
    from escalate import build_scenario

    with pytest.raises(GraphFileError, match=__import__("re").escape(message)):
        build_scenario(actors=actors)


def test_names_that_look_alike_name_the_other_place_in_an_extended_scenario(graph_file):
    assert load_scenario(graph_file('extends = "nagorno-karabakh-2020"\n[actors]\nX = {}\n'))
    path = graph_file('extends = "nagorno-karabakh-2020"\n[actors]\nX = { aliases = ["\u0422urkey"] }\n')
    with pytest.raises(
        GraphFileError, match=r":3: alias '\S+' of 'X' looks like 'Turkey' .*\(in the scenario it extends\)"
    ):
        load_scenario(path)


@pytest.mark.parametrize(
    "names",
    [
        ["Group1", "Groupl"],
        ["Cura\u00e7ao", "Curacao"],
        ["Ch\u00e1d", "Chad"],
        ["\u0391\u03b8\u03ae\u03bd\u03b1", "Athena"],
    ],
)
def test_names_that_differ_to_the_eye_are_kept_apart(names):
    from escalate import build_scenario

    assert sorted(build_scenario(actors={n: {} for n in names}).actors) == sorted(names)


def test_thousands_of_misspelt_names_are_each_reported_but_only_the_first_get_suggestions():
    from escalate import build_scenario
    from escalate.model.relation_checks import SUGGESTIONS

    names = [f"State{i:04d}" for i in range(1000)]
    relations = [
        {"type": "hostility", "between": [f"Stat{i:04d}x", names[(i + 1) % 1000]]} for i in range(1000)
    ]
    with pytest.raises(GraphFileError) as info:
        build_scenario(actors={n: {} for n in names}, relations=relations)
    problems = info.value.problems
    assert len(problems) == 1000  # every one, in one pass
    assert sum("did you mean" in p for p in problems) == SUGGESTIONS
    assert "unknown actor 'Stat0000x'; did you mean 'State0000'" in problems[0]


def test_a_located_in_cycle_is_reported_once_per_region_on_it_however_long_the_chain():
    from escalate import build_scenario

    actors = {"C0": {"kind": "region", "located_in": "C2"}, "C1": {"kind": "region", "located_in": "C0"},
              "C2": {"kind": "region", "located_in": "C1"}}  # fmt: skip
    previous = "C0"
    for i in range(2000):  # a long chain of regions leading into the cycle: linear, not cubic
        actors[f"R{i}"] = {"kind": "region", "located_in": previous}
        previous = f"R{i}"
    with pytest.raises(GraphFileError) as info:
        build_scenario(actors=actors)
    assert sorted(info.value.problems) == [
        f"<scenario>: actor {name!r}: located_in makes a cycle (C0 -> C2 -> C1 -> C0)"
        for name in ("C0", "C1", "C2")
    ]


@pytest.mark.parametrize("source", ['["s"]', "{ a = 1 }"], ids=["list", "table"])
def test_a_source_that_is_not_a_key_is_an_error_not_a_crash(graph_file, source):
    path = graph_file(
        f'name = "x"\nrelations = [{{ type = "hostility", between = ["A", "B"], source = {source} }}]\n'
        "[actors]\nA = {}\nB = {}\n"
    )
    with pytest.raises(
        GraphFileError, match=r":2: relation #1 \(A <-> B\): 'source' must be the key of a source"
    ):
        load_scenario(path)


def test_an_extends_chain_deeper_than_the_limit_is_an_error(tmp_path):
    from escalate.io.toml import MAX_EXTENDS

    for i in range(MAX_EXTENDS + 10):
        (tmp_path / f"f{i}.toml").write_text(
            f'name = "f{i}"\nextends = "f{i + 1}.toml"\n[actors]\nA{i} = {{}}\n'
        )
    (tmp_path / f"f{MAX_EXTENDS + 10}.toml").write_text('name = "end"\n[actors]\nB = {}\n')
    with pytest.raises(GraphFileError, match=f"'extends' goes more than {MAX_EXTENDS} files deep"):
        load_scenario(tmp_path / "f0.toml")
    assert load_scenario(tmp_path / f"f{MAX_EXTENDS + 10 - MAX_EXTENDS + 2}.toml")  # a shorter chain is fine


@pytest.mark.parametrize(
    ("actors", "relations", "message"),
    [
        ({"P": {"kind": "alliance", "members": ["A", "B", "A"]}, "A": {}, "B": {}}, [], "'A' listed twice"),
        ({"P": {"kind": "alliance", "members": ["A", "R"]}, "A": {}, "R": {"kind": "region", "located_in": "A"}},
         [], "member 'R' is a region"),
        ({"A": {}, "B": {}, "M": {}}, [{"type": "mediation", "from": "M", "to": ["A"]}],
         "a mediation is between two parties or more"),
    ],
    ids=["duplicate-member", "region-member", "lone-mediation"],
)  # fmt: skip
def test_alliances_and_mediations_that_cannot_mean_anything_are_errors(actors, relations, message):
    from escalate import build_scenario

    with pytest.raises(GraphFileError, match=message):
        build_scenario(actors=actors, relations=relations)


def test_a_region_that_lies_nowhere_is_an_error(runner, tmp_path):
    from escalate.cli import app

    scenario = tmp_path / "s.toml"
    scenario.write_text('[actors]\nA = {}\nB = {}\nEnclave = { kind = "region" }\n')
    result = runner.invoke(app, ["paths", "A", "B", "-g", str(scenario)])
    assert result.exit_code == 1
    assert "s.toml:4: actor 'Enclave': a region needs located_in, the actor it lies in" in result.stderr


def test_regions_nest_at_most_sixteen_deep_and_deeper_is_an_error_at_the_first_too_deep(graph_file):
    from escalate.model.checks import MAX_REGION_DEPTH

    from .adversarial import nested_regions

    load_scenario(graph_file(nested_regions(MAX_REGION_DEPTH)))  # R15 is 16 deep: fine
    path = graph_file(nested_regions(100))
    with pytest.raises(GraphFileError) as info:
        load_scenario(path)
    # R16 is on line 21 (four lines before R0): reported once, not once per deeper region.
    assert info.value.problems == [
        f"{path}:21: actor 'R16': regions nested 17 deep, more than 16; locate it in an actor higher up"
    ]


def test_the_file_limit_holds_for_an_extends_chain_as_a_whole(tmp_path):
    from escalate.io.files import MAX_FILE_BYTES

    padding = "# " + "x" * 1000 + "\n"
    half = padding * (MAX_FILE_BYTES // 2 // len(padding) + 1)  # each file alone is within the limit
    (tmp_path / "base.toml").write_text(half + "[actors]\nA = {}\nB = {}\n")
    top = tmp_path / "top.toml"
    top.write_text(half + 'extends = "base.toml"\n')
    with pytest.raises(GraphFileError) as info:
        load_scenario(top)
    (problem,) = info.value.problems
    assert problem.startswith(f"{top}:")
    assert "base.toml: file is" in problem
    assert "what MAX_FILE_BYTES leaves after the files extending it" in problem
    (tmp_path / "small.toml").write_text('extends = "base.toml"\n')
    assert set(load_scenario(tmp_path / "small.toml").actors) == {"A", "B"}


def test_a_name_written_with_a_combining_accent_is_stored_composed(graph_file):
    import unicodedata

    decomposed = "Tu\u0308rkiye"
    s = load_scenario(graph_file(f'[actors]\n"{decomposed}" = {{ aliases = ["Tu\u0308rk"] }}\nB = {{}}\n'))
    composed = unicodedata.normalize("NFC", decomposed)
    assert composed != decomposed and list(s.actors) == [composed, "B"]
    assert s.actors[composed].aliases == (unicodedata.normalize("NFC", "Tu\u0308rk"),)
    assert s.resolve(decomposed) == composed


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x85", "\x9f"])
def test_a_text_with_a_control_character_is_refused_naming_it(character):
    from escalate import build_scenario

    with pytest.raises(
        GraphFileError, match=f"'note' holds a control character \\(U\\+{ord(character):04X}\\)"
    ):
        build_scenario(actors={"A": {"note": f"fine{character}text"}})


def test_a_text_may_hold_tabs_newlines_and_any_printing_character():
    import unicodedata

    from escalate import build_scenario

    printing = "".join(chr(c) for c in range(0x20, 0x3000) if unicodedata.category(chr(c)) != "Cc")
    scenario = build_scenario(actors={"A": {"note": f"line\tone\n{printing}"}})
    assert scenario.actors["A"].note.endswith(unicodedata.normalize("NFC", printing)[-20:])


def _two_builds(first, second):
    """``second`` built after ``first`` with relations checked once, and built on its own."""
    from escalate.model import scenario_from_data
    from escalate.model.relation_checks import CheckedRelations

    checked = CheckedRelations()
    built = scenario_from_data(first, path=None, checked=checked)
    return (
        (lambda: scenario_from_data(second, path=None, checked=checked)),
        (lambda: scenario_from_data(second, path=None)),
        built,
    )


def test_relations_checked_once_make_the_same_scenario_as_checking_all():
    actors = {"A": {}, "B": {}, "C": {}, "M": {}}
    relations = [
        {"type": "defense_pact", "between": ["A", "B"], "source": "s"},
        {"type": "hostility", "between": ["B", "C"], "level": "war"},
        {"type": "mediation", "from": "M", "to": ["A", "C"]},
        {"type": "backing", "from": "C", "to": "B", "level": "military", "likelihood": 0.4},
    ]
    first = {"actors": actors, "relations": relations, "sources": {"s": {"title": "S"}}}
    second = first | {"relations": [*relations[1:], {"type": "border", "between": ["A", "C"]}]}
    reused, afresh, built = _two_builds(first, second)
    assert reused() == afresh()
    # The three relations of both are the first's own objects, not checked again; the border is new.
    assert [r in built.relations for r in reused().relations] == [True, True, True, False]
    assert all(r is b for r, b in zip(reused().relations[:3], built.relations[1:], strict=True))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["actors"].pop("C"), "relation #1 (B <-> C): unknown actor 'C'"),
        (lambda d: d.pop("sources"), "relation #2 (A <-> B): unknown source 's'"),
        (lambda d: d["relations"][0].update(level="skirmish"), "a hostility's level must be one of"),
        (lambda d: d["actors"]["C"].update(kind="region"), "a region needs located_in"),
    ],
    ids=["actor-gone", "source-gone", "changed-level", "actor-changed"],
)
def test_a_relation_checked_before_is_checked_again_where_what_it_rests_on_changed(change, message):
    import copy

    first = {
        "actors": {"A": {}, "B": {}, "C": {}},
        "relations": [
            {"type": "hostility", "between": ["B", "C"], "level": "war"},
            {"type": "defense_pact", "between": ["A", "B"], "source": "s"},
        ],
        "sources": {"s": {"title": "S"}},
    }
    second = copy.deepcopy(first)
    change(second)
    reused, afresh, _ = _two_builds(first, second)
    for build in (reused, afresh):
        with pytest.raises(GraphFileError, match=__import__("re").escape(message)):
            build()


def test_relations_given_as_tuples_from_python_are_read_as_lists():
    from escalate.model import scenario_from_data

    relations = ({"type": "border", "between": ("A", "B")},)
    scenario = scenario_from_data({"actors": {"A": {}, "B": {}}, "relations": relations}, path=None)
    assert [(r.origin, r.targets) for r in scenario.relations] == [("A", ("B",))]


def test_where_the_actors_have_a_problem_every_relation_is_checked_and_named():
    """An alias that is another actor's name makes that name find the first: the pact is with itself."""
    first = {"actors": {"A": {}, "B": {}}, "relations": [{"type": "defense_pact", "between": ["A", "B"]}]}
    second = first | {"actors": {"A": {"aliases": ["B"]}, "B": {}}}
    reused, afresh, _ = _two_builds(first, second)
    with pytest.raises(GraphFileError) as fresh_error:
        afresh()
    with pytest.raises(GraphFileError) as reused_error:
        reused()
    assert "cannot have a relation with itself" in str(fresh_error.value)
    assert str(reused_error.value) == str(fresh_error.value)
