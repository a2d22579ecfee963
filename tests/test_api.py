"""The notebook API: what-ifs without mutation, DataFrames, rich display, JSON parity."""

import json

import pytest

import escalate
from escalate import EscalateError, build_scenario, escalation_paths, load_scenario
from escalate.cli import app


def test_what_ifs_never_mutate_the_original():
    s = load_scenario()
    before = escalate.escalation_paths(s, "Armenia", "Azerbaijan").to_json()
    no_pact = s.without_relations(type="defense_pact", between=["Russia", "Armenia"])
    assert escalation_paths(no_pact, "Armenia", "Azerbaijan").probability("Russia", "Armenia") == 0.0
    with_georgia = s.with_actor("Georgia", kind="state").with_relation(
        {"type": "mediation", "from": "Georgia", "to": ["Armenia", "Azerbaijan"], "likelihood": 0.5}
    )
    assert escalation_paths(with_georgia, "Armenia", "Azerbaijan").probability("Georgia", None) == 0.5
    assert escalation_paths(s, "Armenia", "Azerbaijan").to_json() == before
    assert "Georgia" not in s


def test_without_actor_drops_its_relations_and_links():
    s = load_scenario("caucasus-2020").without_actor("Azerbaijan")
    assert "Azerbaijan" not in s and s.actors["Nagorno-Karabakh"].located_in is None
    assert all("Azerbaijan" not in r.actors for r in s.relations)
    mediations = [r for r in s.relations if r.type == "mediation"]
    assert mediations and all(r.targets == ("Armenia",) for r in mediations)
    assert "Azerbaijan" in load_scenario("caucasus-2020")


def test_with_actor_rejects_duplicates_and_validates():
    s = load_scenario()
    with pytest.raises(EscalateError, match="already an actor"):  # a user's mistake, not a bug
        s.with_actor("Russia")
    with pytest.raises(
        EscalateError, match="unknown relation type 'defence_pact'; did you mean 'defense_pact'"
    ):
        s.without_relations(type="defence_pact")  # a typo used to remove nothing, silently
    with pytest.raises(EscalateError, match="say which relations to remove"):
        s.without_relations()  # once removed every relation
    with pytest.raises(EscalateError, match="no guarantee joining Armenia, Russia to remove"):
        s.without_relations(type="guarantee", between=["Russia", "Armenia"])
    with pytest.raises(EscalateError, match="unknown kind 'nation'"):
        s.with_actor("Gondor", kind="nation")


def test_to_dict_matches_cli_json_exactly(runner):
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "--json", "-g", "caucasus-2020"])
    assert json.loads(result.stdout) == escalation_paths("caucasus-2020", "Armenia", "Azerbaijan").to_dict()


def test_to_frame():
    pytest.importorskip("pandas")
    frame = escalation_paths(None, "Armenia", "Azerbaijan").to_frame()
    assert list(frame.columns[:4]) == ["actor", "side", "role", "probability"]
    assert frame.loc[frame.actor == "Turkey", "probability"].item() == pytest.approx(0.625)
    relations = load_scenario().to_frame()
    assert len(relations) == 6 and set(relations["type"]) >= {"backing", "defense_pact"}


def test_to_frame_without_pandas_names_the_extra(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(EscalateError, match=r"pip install 'escalate\[pandas\]'"):
        load_scenario().to_frame()


def test_rich_display():
    result = escalation_paths(None, "Armenia", "Azerbaijan")
    html = result._repr_html_()
    assert html.startswith("<div>") and html.count("<tr>") == 1 + len(result.parties)
    assert "<td>Turkey</td><td>Azerbaijan</td>" in html
    import matplotlib  # noqa: F401  (the notebook has asked for matplotlib)

    png = result._repr_png_()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    scenario_html = load_scenario()._repr_html_()
    assert "6 actors, 6 relations" in scenario_html


def test_html_is_escaped():
    s = build_scenario(
        actors={"<A>": {}, "B": {}, "C&D": {}}, relations=[{"type": "hostility", "between": ["C&D", "B"]}]
    )
    html = escalation_paths(s, "<A>", "B")._repr_html_()
    assert "&lt;A&gt;" in html and "C&amp;D" in html and "<A>" not in html


def test_result_draws_itself():
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    assert escalation_paths(None, "Armenia", "Azerbaijan").draw(ax=ax) is ax


def test_with_relation_checks_against_the_whole_scenario():
    s = load_scenario()
    added = s.with_relation({"type": "hostility", "between": ["RUS", "Turkey"], "source": "seed"})
    assert added.relations[-1].actors == ("Russia", "Turkey") and added.relations[-1].source == "seed"
    with pytest.raises(EscalateError, match="duplicates relation #2"):
        s.with_relation(
            {
                "type": "defense_pact",
                "between": ["Armenia", "Russia"],
                "covers": ["Armenia"],
                "source": "seed",
            }
        )
    with pytest.raises(EscalateError, match="did you mean 'Russia'"):
        s.with_relation({"type": "hostility", "between": ["Rusia", "Turkey"]})


def test_no_png_until_matplotlib_is_in_use():
    import subprocess
    import sys

    code = "import escalate, sys; r = escalate.escalation_paths(None, 'Armenia', 'Azerbaijan'); print(r._repr_png_(), 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "None False"


def test_a_scenario_cannot_be_changed_in_place_and_a_missing_party_is_an_escalate_error():
    from escalate import NotDrawnInError

    s = load_scenario()
    with pytest.raises((TypeError, AttributeError)):
        s.actors.pop("Russia")  # a read-only view: later analyses cannot see a change
    with pytest.raises(TypeError):
        s.actors["Gondor"] = s.actors["Russia"]
    with pytest.raises((TypeError, AttributeError)):
        s.sources.clear()
    assert (
        "Russia" in s and escalation_paths(s, "Armenia", "Azerbaijan").probability("Turkey", "Azerbaijan") > 0
    )
    result = escalation_paths(s, "Armenia", "Azerbaijan")
    with pytest.raises(NotDrawnInError, match="Armenia is not drawn in") as info:
        result.party("Armenia")
    assert isinstance(info.value, EscalateError) and isinstance(info.value, KeyError)


def test_as_of_must_be_a_date():
    from escalate import FlareUpError

    with pytest.raises(FlareUpError, match="as_of must be a date such as '2020-09-28', not 2020"):
        escalation_paths(None, "Armenia", "Azerbaijan", as_of=2020)
    assert escalation_paths(None, "Armenia", "Azerbaijan", as_of="2020-09-28").to_json()
