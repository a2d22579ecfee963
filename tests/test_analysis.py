"""The answer on the bundled scenarios, and the shape of results."""

import pytest

from escalate import FlareUpError, LikelihoodTable, UnknownActorError, escalation_paths, load_scenario

PACT = LikelihoodTable().get("defense_pact")  # the default scenario's pact sets no likelihood of its own


def sided(result):
    return [p for p in result.parties if p.side is not None]


def test_default_scenario_turkey_and_russia_on_opposite_sides_us_mediates():
    r = escalation_paths(None, "Armenia", "Azerbaijan")
    top3 = [(p.actor, p.side) for p in sided(r)[:3]]
    assert ("Turkey", "Azerbaijan") in top3
    assert ("Russia", "Armenia") in top3
    us = r.party("United States")
    assert us.side is None and us.role == "mediator"
    assert r.method == "exact"
    # By hand: Turkey = 1 - (1 - 0.5 military backing)(1 - 0.25 hostility).
    assert r.probability("Turkey", "Azerbaijan") == pytest.approx(0.625)
    assert r.probability("Russia", "Armenia") == pytest.approx(PACT)


def test_default_fighting_confined_to_karabakh_does_not_trigger_russias_pact():
    r = escalation_paths(None, "Armenia", "Azerbaijan", theatre=["Nagorno-Karabakh"])
    assert r.probability("Russia", "Armenia") == 0.0
    assert r.theatre == ("Nagorno-Karabakh",)


def test_background_scenario_has_two_paths_to_russia():
    r = escalation_paths("caucasus-2020", "Armenia", "Azerbaijan")
    russia = r.party("Russia", "Armenia")
    assert russia.cross_pressured  # arms for Azerbaijan, a pact with Armenia
    relations = {tuple(s.relation for s in p.steps) for p in russia.paths}
    assert ("defense_pact",) in relations
    assert ("collective_defense", "collective_defense") in relations


def test_parties_sorted_and_exclude_belligerents():
    r = escalation_paths("caucasus-2020", "Armenia", "Azerbaijan")
    probabilities = [p.probability for p in r.parties]
    assert probabilities == sorted(probabilities, reverse=True)
    assert not {"Armenia", "Azerbaijan"} & {p.actor for p in r.parties}
    assert all(0 < p.probability <= 1 for p in r.parties)


def test_explanations_cite_sources():
    r = escalation_paths(None, "Armenia", "Azerbaijan")
    text = r.party("Russia", "Armenia").paths[0].explanation
    assert text.startswith("Russia has a mutual defense pact with Armenia covering Armenia (source: ")


def test_json_shape():
    data = escalation_paths(None, "Armenia", "Azerbaijan").to_dict()
    assert {"graph", "belligerents", "initiator", "theatre", "as_of", "method", "samples", "parties"} <= set(
        data
    )
    assert data["graph"] == "nagorno-karabakh-2020"
    assert data["belligerents"] == ["Armenia", "Azerbaijan"]
    assert data["theatre"] == ["Armenia", "Azerbaijan"]
    assert data["method"] == "exact" and data["samples"] is None
    russia = next(p for p in data["parties"] if p["actor"] == "Russia" and p["side"] == "Armenia")
    assert {"actor", "side", "role", "probability", "stderr", "cross_pressured", "paths"} <= set(russia)
    assert russia["paths"][0]["steps"][0] == {
        "source": "Armenia", "target": "Russia", "relation": "defense_pact", "likelihood": PACT,
        "citation": "Azerbaijan and Armenia report more casualties (news report), 2020-09-28",
        "quote": "Russia (which has a mutual defense agreement with Armenia)",
    }  # fmt: skip
    us = next(p for p in data["parties"] if p["actor"] == "United States")
    assert us["side"] is None


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"a": "Armenia", "b": "armenia"}, FlareUpError, "same actor"),
        ({"a": "Armenia", "b": "Azerbaijan", "initiator": "Russia"}, FlareUpError, "initiator must be"),
        ({"a": "Armenia", "b": "Azerbaijan", "as_of": "28/9/2020"}, FlareUpError, "bad date"),
        ({"a": "Armenia", "b": "Azerbajan"}, UnknownActorError, "did you mean 'Azerbaijan'"),
        (
            {"a": "Armenia", "b": "Azerbaijan", "theatre": ["Karabah"]},
            UnknownActorError,
            "did you mean .Nagorno-Karabakh.",
        ),
    ],
)
def test_bad_questions(kwargs, error, message):
    with pytest.raises(error, match=message):
        escalation_paths(load_scenario(), **kwargs)


def test_exact_on_a_dense_graph_gives_up_at_the_work_bound_with_advice():
    from escalate import build_scenario

    names = [f"S{i}" for i in range(25)]
    pacts = [{"type": "defense_pact", "between": [x, y], "likelihood": 0.5}
             for i, x in enumerate(names) for y in names[i + 1 :]]  # fmt: skip
    s = build_scenario(actors={n: {} for n in names}, relations=pacts)
    with pytest.raises(FlareUpError, match="too many outcomes to enumerate .*use --method monte-carlo"):
        escalation_paths(s, "S0", "S1", method="exact")


def test_an_alliance_does_not_fight_its_own_member(runner):
    with pytest.raises(FlareUpError, match="Turkey is a member of NATO"):
        escalation_paths("caucasus-2020", "NATO", "Turkey")
    from escalate.cli import app

    result = runner.invoke(app, ["paths", "Turkey", "NATO", "-g", "caucasus-2020"])
    assert result.exit_code == 2 and "an alliance does not fight its own member" in result.stderr


def test_a_side_is_named_as_an_actor_is_and_must_be_a_belligerent():
    from escalate import FlareUpError, UnknownActorError

    r = escalation_paths(None, "Armenia", "Azerbaijan")
    assert r.probability("russia", "armenia") == r.probability("Russia", "Armenia") > 0
    assert r.probability("Russia", "ARM") == r.probability("Russia", "Armenia")  # an alias
    assert r.probability("Russia", None) == r.party("Russia", None).probability  # as a mediator
    with pytest.raises(FlareUpError, match="the sides are Armenia and Azerbaijan"):
        r.probability("Russia", "Turkey")
    with pytest.raises(UnknownActorError):
        r.probability("Russia", "Nowhere")


def test_likelihoods_may_be_given_as_the_command_line_gives_them(tmp_path):
    from escalate import FlareUpError

    wars = escalation_paths(None, "Armenia", "Azerbaijan", likelihoods="wars")
    assert wars.likelihoods == "wars" and wars.probability("Russia", "Armenia") > 0.3
    path = tmp_path / "t.toml"
    path.write_text("defense_pact = 0.5\n")
    from_file = escalation_paths(None, "Armenia", "Azerbaijan", likelihoods=path)
    changed = escalation_paths(None, "Armenia", "Azerbaijan", likelihoods={"defense_pact": 0.5})
    assert from_file.probability("Russia", "Armenia") == changed.probability("Russia", "Armenia") == 0.5
    with pytest.raises(FlareUpError, match="must be a number from 0 to 1"):
        escalation_paths(None, "Armenia", "Azerbaijan", likelihoods={"defense_pact": 2})
    with pytest.raises(FlareUpError, match="likelihoods must be a table"):
        escalation_paths(None, "Armenia", "Azerbaijan", likelihoods=3)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"samples": True}, "samples must be a whole number, not True"),
        ({"samples": "100"}, "samples must be a whole number, not '100'"),
        ({"top": 2.5}, "top must be a whole number, not 2.5"),
        ({"seed": "abc"}, "seed must be a whole number, not 'abc'"),
        ({"max_hops": 1.5}, "max_hops must be a whole number, not 1.5"),
        ({"samples": 0}, "samples must be at least 1, not 0"),
        ({"theatre": 5}, "theatre must be a list of territories' names, not 5"),
        ({"theatre": "Armenia"}, "theatre must be a list of territories' names, not 'Armenia'"),
        ({"initiator": 1}, "initiator must be an actor's name, not 1"),
        ({"method": "fast"}, "method must be auto, exact or monte-carlo, not 'fast'"),
    ],
)
def test_an_option_of_the_wrong_type_is_a_flare_up_error_naming_it(options, message):
    from escalate import FlareUpError

    with pytest.raises(FlareUpError) as info:
        escalation_paths(None, "Armenia", "Azerbaijan", **options)
    assert str(info.value) == message
