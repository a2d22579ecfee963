"""The escalation model's rules and probabilities, on graphs small enough to compute by hand."""

import pytest

from escalate import LikelihoodTable, Role, build_scenario, escalation_paths
from escalate.analysis.paths import make_flare_up
from escalate.engine.compile import compile_scenario
from escalate.engine.sampling import ROLES, sample_outcomes
from escalate.errors import FlareUpError
from escalate.render.text import flare_up_line

#: No partner follows a joiner in (tested on its own): the chains below are the casus foederis'.
NO_FOLLOWING = {"follow.pact": 0.0, "follow.alliance": 0.0}

#: Strikes on a joiner's territory as a test sets them: every one lands.
STRUCK = LikelihoodTable().updated({"struck.bordering": 1.0, "struck.distant": 1.0, **NO_FOLLOWING})


def scenario(relations, actors=None):
    names = {n for r in relations for key in ("from", "between", "to") for n in _names(r.get(key))}
    base = {n: {} for n in sorted(names | {"A", "B"})}
    base.update(actors or {})
    return build_scenario(actors=base, relations=relations)


def _names(value):
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def prob(result, actor, side):
    return result.probability(actor, side)


def test_defense_pact_draws_ally_to_partner_side():
    s = scenario([{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.6}])
    r = escalation_paths(s, "A", "B")
    assert prob(r, "C", "A") == pytest.approx(0.6)
    assert r.party("C").role == "ally"
    assert r.method == "exact"


def test_two_paths_to_one_actor_combine_as_independent_events():
    s = scenario(
        [
            {"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.6},
            {"type": "guarantee", "from": "C", "to": "A", "likelihood": 0.3},
        ]
    )
    r = escalation_paths(s, "A", "B")
    assert prob(r, "C", "A") == pytest.approx(1 - (1 - 0.6) * (1 - 0.3))
    assert [p.probability for p in r.party("C").paths] == pytest.approx([0.6, 0.3])


def test_chain_probability_is_product_of_steps():
    s = scenario(
        [
            {"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5},
            {"type": "backing", "from": "D", "to": "C", "level": "military", "likelihood": 0.4},
        ]
    )
    r = escalation_paths(s, "A", "B")
    assert prob(r, "D", "A") == pytest.approx(0.2)
    path = r.party("D").paths[0]
    assert [(st.source, st.target) for st in path.steps] == [("A", "C"), ("C", "D")]
    assert path.probability == pytest.approx(0.2)


def test_pact_scope_theatre_must_reach_covered_territory():
    s = scenario(
        [{"type": "defense_pact", "between": ["A", "C"], "covers": ["A"], "likelihood": 0.75}],
        actors={"Enclave": {"kind": "region", "located_in": "B"}},
    )
    assert prob(escalation_paths(s, "A", "B"), "C", "A") == pytest.approx(0.75)
    assert prob(escalation_paths(s, "A", "B", theatre=["Enclave"]), "C", "A") == 0.0


def test_region_counts_as_its_states_territory():
    s = scenario(
        [{"type": "defense_pact", "between": ["B", "C"], "likelihood": 0.5}],
        actors={"Enclave": {"kind": "region", "located_in": "B"}},
    )
    assert prob(escalation_paths(s, "A", "B", theatre=["Enclave"]), "C", "B") == pytest.approx(0.5)


@pytest.mark.parametrize("method", ["exact", "monte-carlo"])
def test_the_theatre_reaches_a_territory_through_regions_nested_either_way(method):
    # B holds Province, which holds District. A pact covering District fires when the fighting is
    # on B (District lies in it); one covering B fires when the fighting is only in District.
    regions = {"Province": {"kind": "region", "located_in": "B"},
               "District": {"kind": "region", "located_in": "Province"}}  # fmt: skip
    inner = scenario([{"type": "defense_pact", "between": ["B", "C"], "covers": ["District"],
                       "likelihood": 0.5}], actors=regions)  # fmt: skip
    outer = scenario([{"type": "defense_pact", "between": ["B", "C"], "likelihood": 0.5}], actors=regions)
    options = {"method": method, "samples": 20_000, "seed": 3}
    assert prob(escalation_paths(inner, "A", "B", **options), "C", "B") == pytest.approx(0.5, abs=0.02)
    assert prob(
        escalation_paths(outer, "A", "B", theatre=["District"], **options), "C", "B"
    ) == pytest.approx(0.5, abs=0.02)
    # Fighting in Province alone does not reach a pact covering only A's territory.
    elsewhere = scenario([{"type": "defense_pact", "between": ["B", "C"], "covers": ["A"], "likelihood": 0.5}],
                         actors=regions)  # fmt: skip
    assert prob(escalation_paths(elsewhere, "A", "B", theatre=["Province"], **options), "C", "B") == 0.0


def test_a_strike_on_a_joiner_reaches_a_pact_covering_a_region_of_it():
    # A attacks B; D backs B (0.8) and joins, its territory is struck (1.0 here), and E's
    # guarantee covering D's region Port then fires (0.5): 0.8 x 0.5 = 0.4, by hand.
    s = scenario(
        [{"type": "backing", "from": "D", "to": "B", "level": "military", "likelihood": 0.8},
         {"type": "guarantee", "from": "E", "to": "D", "covers": ["Port"], "likelihood": 0.5}],
        actors={"Port": {"kind": "region", "located_in": "D"}},
    )  # fmt: skip
    for method in ("exact", "monte-carlo"):
        r = escalation_paths(s, "A", "B", initiator="A", likelihoods=STRUCK, method=method, samples=40_000)
        assert prob(r, "E", "B") == pytest.approx(0.4, abs=0.01)


def test_a_defence_pact_binds_only_toward_the_attacked_and_a_partner_of_the_attacker_may_stand_by_it():
    s = scenario([{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.8}])
    table = LikelihoodTable().updated({"stand_by.pact": 0.1})
    # A attacks: no casus foederis; C stands by A with the table's 0.1, not the pact's 0.8.
    attacked = escalation_paths(s, "A", "B", initiator="A", likelihoods=table)
    assert prob(attacked, "C", "A") == pytest.approx(0.1)
    assert (
        "stands by A, its defense pact partner, although A attacked"
        in attacked.party("C").paths[0].explanation
    )
    assert (
        prob(
            escalation_paths(s, "A", "B", initiator="A", likelihoods=table.updated({"stand_by.pact": 0})),
            "C",
            "A",
        )
        == 0.0
    )
    # B attacks: A is attacked, the pact binds: 0.8 (standing by B is not C's to do).
    assert prob(escalation_paths(s, "A", "B", initiator="B", likelihoods=table), "C", "A") == pytest.approx(
        0.8
    )
    # No initiator: both sides defend, so only the obligation applies.
    assert prob(escalation_paths(s, "A", "B", likelihoods=table), "C", "A") == pytest.approx(0.8)


def test_a_joiner_is_followed_by_its_partner_not_stood_by():
    # D backs A militarily (0.5) and has a pact with E; A attacks B. D joins A's side, but D is
    # not a belligerent and not attacked: E neither stands by it nor is bound. E may follow it
    # in, one decision per pact (follow.pact 0.3): 0.5 x 0.3, on A's side.
    s = scenario(
        [{"type": "backing", "from": "D", "to": "A", "level": "military", "likelihood": 0.5},
         {"type": "defense_pact", "between": ["D", "E"], "likelihood": 0.9}],
        actors={"D": {}, "E": {}},
    )  # fmt: skip
    table = LikelihoodTable().updated({"stand_by.pact": 0.5, "struck.bordering": 0, "struck.distant": 0})
    for follows, expected in ((0.3, 0.15), (0.0, 0.0)):
        result = escalation_paths(
            s, "A", "B", initiator="A", likelihoods=table.updated({"follow.pact": follows})
        )
        assert prob(result, "D", "A") == pytest.approx(0.5)
        assert prob(result, "E", "A") == pytest.approx(expected)
    following = escalation_paths(s, "A", "B", initiator="A", likelihoods=table.updated({"follow.pact": 0.3}))
    assert following.party("E").paths[0].steps[-1].explanation == (
        "E follows D, its defense pact partner, into the fighting D joined (no casus foederis)"
    )


def test_a_partner_of_a_belligerent_never_follows_it():
    # A attacks B. A's partner C may stand by it (0.2), B's partner E is bound (0.6): following
    # (0.9 here) is for joiners only, so neither number moves.
    s = scenario(
        [{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5},
         {"type": "defense_pact", "between": ["B", "E"], "likelihood": 0.6}],
    )  # fmt: skip
    table = LikelihoodTable().updated({"stand_by.pact": 0.2, "follow.pact": 0.9, "follow.alliance": 0.9})
    for method in ("exact", "monte-carlo"):
        r = escalation_paths(s, "A", "B", initiator="A", likelihoods=table, method=method, samples=20_000)
        assert prob(r, "C", "A") == pytest.approx(0.2, abs=0.01)
        assert prob(r, "E", "B") == pytest.approx(0.6, abs=0.01)


def test_an_alliance_may_follow_a_member_that_joined_as_one_decision():
    # D backs A militarily (always) and is in Pact with M and N; A attacks B. Pact follows D in
    # once (0.2), then each other member fights with 0.5: 0.1 each, both together 0.2 x 0.25.
    s = scenario(
        [{"type": "backing", "from": "D", "to": "A", "level": "military", "likelihood": 1.0}],
        actors={"M": {}, "N": {}, "Pact": {"kind": "alliance", "members": ["D", "M", "N"],
                                           "collective_defense": True}},
    )  # fmt: skip
    table = LikelihoodTable().updated(
        {"follow.alliance": 0.2, "follow.pact": 0.0, "collective_defense.member": 0.5, "struck.distant": 0}
    )
    r = escalation_paths(s, "A", "B", initiator="A", likelihoods=table)
    assert [prob(r, m, "A") for m in ("Pact", "M", "N")] == pytest.approx([0.2, 0.1, 0.1])
    assert "Pact follows its member D into the fighting D joined (no casus foederis)" in (
        r.party("M").paths[0].explanation
    )
    compiled = compile_scenario(s, make_flare_up(s, "A", "B", initiator="A"), table)
    names, _, role, _ = sample_outcomes(compiled, samples=40_000, seed=5)
    members = [names.index(m) for m in ("M", "N")]
    together = (role[:, members] == ROLES.index(Role.ALLY)).all(axis=1).mean()
    assert together == pytest.approx(0.2 * 0.25, abs=0.004)


def test_an_alliance_may_act_for_a_member_that_attacked_as_one_decision():
    s = build_scenario(
        actors={"A": {}, "B": {}, "M": {}, "N": {},
                "Pact": {"kind": "alliance", "members": ["A", "M", "N"], "collective_defense": True}},
    )  # fmt: skip
    table = LikelihoodTable().updated({"stand_by.alliance": 0.2, "collective_defense.member": 0.5})
    result = escalation_paths(s, "A", "B", initiator="A", likelihoods=table)
    # The alliance acts once (0.2), then each other member with 0.5: 0.1 each; both 0.2 x 0.25 = 0.05.
    assert prob(result, "M", "A") == pytest.approx(0.1)
    assert prob(result, "N", "A") == pytest.approx(0.1)


def test_an_alliance_with_members_on_both_sides_never_follows_a_member_that_joined():
    # I attacks K, both in AL; J, in AL too, backs I and joins its side. AL would follow J
    # (0.5) and bring M in against its own member K: split, it neither follows nor stands by.
    s = scenario(
        [{"type": "backing", "from": "J", "to": "I", "level": "military", "likelihood": 1.0}],
        actors={"I": {}, "K": {}, "J": {}, "M": {},
                "AL": {"kind": "alliance", "members": ["I", "K", "J", "M"], "collective_defense": True}},
    )  # fmt: skip
    table = LikelihoodTable().updated(
        {"follow.alliance": 0.5, "stand_by.alliance": 0.5, "collective_defense.member": 1.0,
         "collective_defense.acts": 0.0, "struck.bordering": 0, "struck.distant": 0}
    )  # fmt: skip
    for method in ("exact", "monte-carlo"):
        r = escalation_paths(s, "I", "K", initiator="I", likelihoods=table, method=method, samples=5000)
        assert prob(r, "J", "I") == pytest.approx(1.0)
        assert prob(r, "AL", "I") == 0.0 and prob(r, "M", "I") == 0.0


def test_an_alliance_two_of_whose_members_attacked_together_acts_as_a_coalition():
    s = build_scenario(
        actors={"A": {}, "A2": {}, "B": {}, "M": {}, "N": {},
                "Pact": {"kind": "alliance", "members": ["A", "A2", "M", "N"], "collective_defense": True}},
    )  # fmt: skip
    table = LikelihoodTable().updated(
        {"stand_by.alliance": 0.2, "stand_by.coalition": 0.6, "collective_defense.member": 0.5,
         "stand_by.coalition_member": 0.4, "struck.bordering": 0, "struck.distant": 0}
    )  # fmt: skip
    together = escalation_paths(s, "A", "B", initiator="A", with_a=["A2"], likelihoods=table)
    # A and A2 attack together: the alliance acts once with 0.6, then each other member, as a
    # coalition's, with 0.4.
    assert prob(together, "M", "A") == pytest.approx(0.24)
    assert prob(together, "N", "A") == pytest.approx(0.24)
    sampled = escalation_paths(s, "A", "B", initiator="A", with_a=["A2"], likelihoods=table,
                               method="monte-carlo", samples=8000)  # fmt: skip
    assert prob(sampled, "M", "A") == pytest.approx(0.24, abs=0.02)
    # Calibration reads each coin's key: the members' chances count under the coalition's key.
    compiled = compile_scenario(s, make_flare_up(s, "A", "B", initiator="A", with_a=["A2"]), table)
    member_keys = {compiled.coin_keys()[arc.coin] for arc in compiled.arcs if arc.source == "Pact"}
    assert member_keys == {"stand_by.coalition_member"}
    alone_compiled = compile_scenario(s, make_flare_up(s, "A", "B", initiator="A"), table)
    alone_keys = {alone_compiled.coin_keys()[arc.coin] for arc in alone_compiled.arcs if arc.source == "Pact"}
    assert alone_keys == {"collective_defense.member"}
    assert together.party("Pact").paths[0].probability == pytest.approx(0.6)
    assert "as a coalition" in together.party("M").paths[0].explanation
    # A alone attacks: the lone member's chance, 0.2 x 0.5.
    alone = escalation_paths(s, "A", "B", initiator="A", likelihoods=table)
    assert prob(alone, "M", "A") == pytest.approx(0.1)
    # A2 fights on the other side: the alliance is split and stands by neither.
    split = escalation_paths(s, "A", "B", initiator="A", with_b=["A2"], likelihoods=table)
    assert prob(split, "M", "A") == 0.0


def test_further_belligerents_fight_from_the_start_and_are_named_in_the_question():
    s = scenario([{"type": "defense_pact", "between": ["C", "D"], "likelihood": 0.5}])
    result = escalation_paths(s, "A", "B", with_b=["C"], likelihoods={"struck.distant": 0})
    # C fights from the start on B's side, is attacked, and D honours their pact: 0.5.
    assert prob(result, "D", "B") == pytest.approx(0.5)
    assert all(p.actor != "C" for p in result.parties)
    assert result.coalitions == ((), ("C",))
    assert result.theatre == ("A", "B", "C")
    assert result.to_dict()["coalitions"] == [[], ["C"]]
    assert flare_up_line(result).startswith("A vs B with C (no initiator)")
    with pytest.raises(FlareUpError, match="named twice"):
        escalation_paths(s, "A", "B", with_a=["C"], with_b=["C"])
    with pytest.raises(FlareUpError, match="with_a must be a list"):
        escalation_paths(s, "A", "B", with_a="C")
    with pytest.raises(FlareUpError, match="with_b must be a list"):
        escalation_paths(s, "A", "B", with_b={"C": 1})
    # Any list-like of names will do, a generator too (read once); None is no one.
    assert escalation_paths(s, "A", "B", with_b=(n for n in ["C"])).coalitions == ((), ("C",))
    assert escalation_paths(s, "A", "B", with_a=None, theatre=iter(["B"])).theatre == ("B",)
    # A coalition member names its side as well as its leader does.
    assert result.probability("D", "C") == result.probability("D", "B") == pytest.approx(0.5)


def test_an_alliance_fighting_from_the_start_is_not_a_territory_of_the_theatre():
    s = build_scenario(
        actors={"A": {}, "B": {}, "M": {}, "Pact": {"kind": "alliance", "members": ["B", "M"], "collective_defense": True}},
    )  # fmt: skip
    result = escalation_paths(s, "A", "B", with_b=["Pact"])
    assert result.theatre == ("A", "B")


def test_backing_joins_regardless_of_initiator():
    s = scenario([{"type": "backing", "from": "C", "to": "A", "level": "material", "likelihood": 0.4}])
    r = escalation_paths(s, "A", "B", initiator="A")
    assert prob(r, "C", "A") == pytest.approx(0.4)
    assert r.party("C").role == "supporter"


def test_as_of_ignores_relations_not_in_force():
    s = scenario(
        [{"type": "defense_pact", "between": ["A", "C"], "since": "2000-01-01", "until": "2010-12-31"}]
    )
    pact = LikelihoodTable().get("defense_pact")  # the table's value: the relation sets none
    assert prob(escalation_paths(s, "A", "B", as_of="2005-06-01"), "C", "A") == pytest.approx(pact)
    assert prob(escalation_paths(s, "A", "B", as_of="1999-12-31"), "C", "A") == 0.0
    assert prob(escalation_paths(s, "A", "B", as_of="2011-01-01"), "C", "A") == 0.0


def test_collective_defense_covers_members_not_partners():
    actors = {
        "Alliance": {
            "kind": "alliance",
            "members": ["A", "M"],
            "collective_defense": True,
            "likelihood": 0.7,
        },
        "Partner": {},
    }
    s = scenario([{"type": "entente", "between": ["Partner", "M"], "likelihood": 0.0}], actors=actors)
    table = LikelihoodTable().updated({"collective_defense.member": 0.5})
    r = escalation_paths(s, "A", "B", likelihoods=table)
    # The alliance's own likelihood is its chance to act; a member then fights with 0.5.
    assert prob(r, "Alliance", "A") == pytest.approx(0.7)
    assert r.party("Alliance").role == "alliance"
    assert prob(r, "M", "A") == pytest.approx(0.7 * 0.5)
    # The partner is not a member: a war on its soil does not invoke the alliance.
    r = escalation_paths(s, "Partner", "B")
    assert prob(r, "M", "Partner") == 0.0
    assert prob(r, "Alliance", "Partner") == 0.0


JOINER_AND_PACT = [
    {"type": "backing", "from": "C", "to": "A", "level": "military", "likelihood": 0.5},
    {"type": "defense_pact", "between": ["C", "D"], "covers": ["C"], "likelihood": 0.6},
]


def test_a_joiners_allies_are_bound_only_once_its_own_territory_is_struck():
    # C joins A through backing; C's own pact with D covers only C. Joining of its own
    # accord does not invoke D: only a strike on C's territory (a chance of its own) does.
    s = scenario(JOINER_AND_PACT)
    table = LikelihoodTable().updated({"struck.bordering": 0.9, "struck.distant": 0.4, **NO_FOLLOWING})
    assert prob(escalation_paths(s, "A", "B", likelihoods=table), "D", "A") == pytest.approx(0.5 * 0.4 * 0.6)
    # C borders B (a border with no pull of its own): a strike is likelier.
    near = scenario([*JOINER_AND_PACT, {"type": "border", "between": ["C", "B"], "likelihood": 0.0}])
    assert prob(escalation_paths(near, "A", "B", likelihoods=table), "D", "A") == pytest.approx(
        0.5 * 0.9 * 0.6
    )
    # When A's side attacks, C is not the attacked party and D's pact never applies.
    assert prob(escalation_paths(s, "A", "B", initiator="A", likelihoods=table), "D", "A") == 0.0
    # D may also follow C in (0.25), a chance of its own beside the strike and the pact.
    following = table.updated({"follow.pact": 0.25})
    assert prob(escalation_paths(s, "A", "B", likelihoods=following), "D", "A") == pytest.approx(
        0.5 * (1 - (1 - 0.4 * 0.6) * (1 - 0.25))
    )
    assert prob(escalation_paths(s, "A", "B", initiator="A", likelihoods=following), "D", "A") == (
        pytest.approx(0.5 * 0.25)
    )


def test_july_1914_russia_backs_serbia_germany_strikes_russia_france_is_bound():
    # Austria-Hungary attacks Serbia; Russia backs Serbia and borders Austria-Hungary; France
    # has a defence pact with Russia. France is drawn in only through the strike on Russia.
    s = scenario(
        [
            {"type": "backing", "from": "Russia", "to": "Serbia", "level": "military", "likelihood": 0.8},
            {"type": "border", "between": ["Russia", "Austria"], "likelihood": 0.0},
            {"type": "defense_pact", "between": ["Russia", "France"], "likelihood": 0.5},
        ],
        actors={"Serbia": {}, "Austria": {}},
    )
    table = LikelihoodTable().updated({"struck.bordering": 0.6, "struck.distant": 0.1, **NO_FOLLOWING})
    r = escalation_paths(s, "Serbia", "Austria", initiator="Austria", likelihoods=table)
    assert r.probability("Russia", "Serbia") == pytest.approx(0.8)
    assert r.probability("France", "Serbia") == pytest.approx(0.8 * 0.6 * 0.5)
    (path,) = r.party("France").paths
    assert [step.relation for step in path.steps] == ["backing", "strike", "defense_pact"]
    assert path.probability == pytest.approx(0.24)
    assert "strikes Russia's own territory" in path.explanation


def test_an_alliance_decides_as_one_and_its_members_then_each_decide():
    actors = {"Pact": {"kind": "alliance", "members": ["A", "M1", "M2", "M3"], "collective_defense": True}}
    s = scenario([], actors=actors | {"M1": {}, "M2": {}, "M3": {}})
    table = LikelihoodTable().updated({"collective_defense.acts": 0.5, "collective_defense.member": 0.4})
    r = escalation_paths(s, "A", "B", likelihoods=table)
    assert r.probability("Pact", "A") == pytest.approx(0.5)
    assert r.party("Pact").role == "alliance"
    assert [r.probability(m, "A") for m in ("M1", "M2", "M3")] == pytest.approx([0.2] * 3)
    path = r.party("M2").paths[0]
    assert "Pact acts as one for its member A" in path.explanation and "M2 honours" in path.explanation
    # One decision: all three fight together with 0.5 * 0.4**3, not (0.5 * 0.4)**3.
    compiled = compile_scenario(s, make_flare_up(s, "A", "B"), table)
    names, _, role, _ = sample_outcomes(compiled, samples=40_000, seed=3)
    members = [names.index(m) for m in ("M1", "M2", "M3")]
    together = (role[:, members] == ROLES.index(Role.ALLY)).all(axis=1).mean()
    assert together == pytest.approx(0.5 * 0.4**3, abs=0.004)


def test_an_alliance_never_stands_by_a_member_that_attacked_another_member():
    # B attacks A, both in Split. Split may act for attacked A (0.5), and N then fights with 0.4:
    # 0.2 by hand. It never stands by B, however likely standing by is (0.9 here). Pact, with A
    # alone of the two, acts for A as well.
    actors = {
        "Split": {"kind": "alliance", "members": ["A", "B", "N"], "collective_defense": True},
        "Pact": {"kind": "alliance", "members": ["B", "M"], "collective_defense": True},
        "M": {}, "N": {},
    }  # fmt: skip
    table = LikelihoodTable().updated(
        {"collective_defense.acts": 0.5, "collective_defense.member": 0.4, "stand_by.alliance": 0.9}
    )
    for method in ("exact", "monte-carlo"):
        r = escalation_paths(scenario([], actors=actors), "A", "B", initiator="B", likelihoods=table,
                             method=method, samples=20_000)  # fmt: skip
        assert r.probability("Split", "B") == 0.0
        assert r.probability("Split", "A") == pytest.approx(0.5, abs=0.01)
        assert r.probability("N", "A") == pytest.approx(0.2, abs=0.01)
        # Pact has only B of the two: it stands by its attacking member with 0.9.
        assert r.probability("Pact", "B") == pytest.approx(0.9, abs=0.01)


def test_hostility_joins_opposite_side():
    s = scenario([{"type": "hostility", "between": ["A", "C"], "likelihood": 0.25}])
    r = escalation_paths(s, "A", "B")
    assert prob(r, "C", "B") == pytest.approx(0.25)
    assert r.party("C").role == "ally"


def test_mediation_involves_on_no_side_and_spreads_no_further():
    s = scenario(
        [
            {"type": "mediation", "from": "M", "to": ["A", "B"], "likelihood": 0.9},
            {"type": "defense_pact", "between": ["M", "D"], "likelihood": 1.0},
        ]
    )
    r = escalation_paths(s, "A", "B")
    # One decision to mediate, not one per party mediated between.
    assert prob(r, "M", None) == pytest.approx(0.9)
    assert r.party("M").side is None and r.party("M").role == "mediator"
    assert prob(r, "D", "A") == 0.0 and prob(r, "D", "B") == 0.0


def test_neutrality_pact_damps_joining_against_partner():
    relations = [
        {"type": "hostility", "between": ["A", "C"], "likelihood": 1.0},
        {"type": "neutrality_pact", "between": ["C", "B"], "likelihood": 0.8},
    ]
    # C would join B's side: the pact does not stop that.
    assert prob(escalation_paths(scenario(relations), "A", "B"), "C", "B") == pytest.approx(1.0)
    relations[1] = {"type": "nonaggression_pact", "between": ["C", "A"], "likelihood": 0.8}
    # C would join against its partner A: the promise holds with 0.8.
    assert prob(escalation_paths(scenario(relations), "A", "B"), "C", "B") == pytest.approx(0.2)


@pytest.mark.parametrize("kind", ["neutrality_pact", "nonaggression_pact"])
@pytest.mark.parametrize("method", ["exact", "monte-carlo"])
def test_a_neutrality_promise_protects_a_partner_that_is_attacked_not_one_that_attacks(kind, method):
    # Neutrality is a promise not to aid whoever attacks the partner; non-aggression binds either way.
    against_attacker = 1.0 if kind == "neutrality_pact" else 0.2
    relations = [
        {"type": "hostility", "between": ["A", "C"], "likelihood": 1.0},
        {"type": kind, "between": ["C", "A"], "likelihood": 0.8},
    ]
    s = scenario(relations)
    attacks = escalation_paths(s, "A", "B", initiator="A", method=method, samples=4000)
    assert prob(attacks, "C", "B") == pytest.approx(against_attacker, abs=0.03)  # A attacked
    attacked = escalation_paths(s, "A", "B", initiator="B", method=method, samples=4000)
    assert prob(attacked, "C", "B") == pytest.approx(0.2, abs=0.03)  # A is attacked: it holds
    # A partner that joined the attacked side is protected; one that joined the attack is not (neutrality).
    relations.append({"type": "defense_pact", "between": ["A", "D"], "likelihood": 1.0})
    relations[0] = {"type": "hostility", "between": ["D", "C"], "likelihood": 1.0}
    relations[1] = {"type": kind, "between": ["C", "D"], "likelihood": 0.8}
    s = scenario(relations)
    joined_attacked = escalation_paths(s, "A", "B", initiator="B", method=method, samples=4000,
                                       likelihoods={"struck.distant": 0})  # fmt: skip
    assert prob(joined_attacked, "D", "A") == pytest.approx(1.0)
    assert prob(joined_attacked, "C", "B") == pytest.approx(0.2, abs=0.03)
    relations[-1] = {"type": "backing", "from": "D", "to": "A", "level": "military", "likelihood": 1.0}
    joined_attack = escalation_paths(scenario(relations), "A", "B", initiator="A", method=method,
                                     samples=4000)  # fmt: skip
    assert prob(joined_attack, "D", "A") == pytest.approx(1.0)
    assert prob(joined_attack, "C", "B") == pytest.approx(against_attacker, abs=0.03)


def test_cross_pressured_strongest_pull_wins():
    s = scenario(
        [
            {"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5},
            {"type": "backing", "from": "C", "to": "B", "level": "material", "likelihood": 0.5},
        ]
    )
    r = escalation_paths(s, "A", "B")
    # The pact (an obligation) beats material backing whenever it fires.
    assert prob(r, "C", "A") == pytest.approx(0.5)
    assert prob(r, "C", "B") == pytest.approx(0.25)
    assert r.party("C", "A").cross_pressured and r.party("C", "B").cross_pressured


def test_cross_pressured_equal_pulls_leave_the_party_torn():
    s = scenario(
        [
            {"type": "backing", "from": "C", "to": "A", "level": "military", "likelihood": 0.5},
            {"type": "backing", "from": "C", "to": "B", "level": "military", "likelihood": 0.5},
        ]
    )
    r = escalation_paths(s, "A", "B")
    # Both fire (0.25): torn, stays out. Exactly one fires: joins that side (0.25 each).
    assert prob(r, "C", "A") == pytest.approx(0.25)
    assert prob(r, "C", "B") == pytest.approx(0.25)


def test_equal_pulls_with_an_initiator_side_with_the_attacked():
    s = scenario(
        [
            {"type": "backing", "from": "C", "to": "A", "level": "military", "likelihood": 0.5},
            {"type": "backing", "from": "C", "to": "B", "level": "military", "likelihood": 0.5},
        ]
    )
    r = escalation_paths(s, "A", "B", initiator="A")
    # Only A's backing fires (0.25): side A. B's fires, alone or with A's (0.5): side B.
    assert prob(r, "C", "A") == pytest.approx(0.25)
    assert prob(r, "C", "B") == pytest.approx(0.5)


def test_cross_pressure_flagged_even_when_a_tie_cannot_trigger():
    s = scenario(
        [
            {"type": "defense_pact", "between": ["A", "C"], "covers": ["A"], "likelihood": 0.5},
            {"type": "hostility", "between": ["C", "A"], "likelihood": 0.5},
        ]
    )
    r = escalation_paths(s, "A", "B", initiator="A")  # the pact cannot trigger
    assert r.party("C").side == "B"
    assert r.party("C").cross_pressured


def test_max_hops_bounds_the_chain():
    s = scenario(
        [
            {"type": "defense_pact", "between": ["A", "C"], "likelihood": 1.0},
            {"type": "defense_pact", "between": ["C", "D"], "likelihood": 1.0},
        ]
    )
    assert prob(escalation_paths(s, "A", "B", likelihoods=STRUCK), "D", "A") == 1.0
    assert prob(escalation_paths(s, "A", "B", max_hops=1, likelihoods=STRUCK), "D", "A") == 0.0


def test_monte_carlo_agrees_with_exact_within_its_error(G):
    exact = escalation_paths(G, "Ruritania", "Freedonia", method="exact")
    sampled = escalation_paths(G, "Ruritania", "Freedonia", method="monte-carlo", samples=20_000, seed=7)
    assert sampled.method == "monte-carlo" and sampled.samples == 20_000
    assert {(p.actor, p.side) for p in exact} == {(p.actor, p.side) for p in sampled}
    for party in exact:
        estimate = sampled.party(party.actor, party.side)
        assert estimate.stderr > 0 or party.probability in (0.0, 1.0)
        assert abs(estimate.probability - party.probability) <= 4 * estimate.stderr + 1e-9


def test_monte_carlo_is_deterministic_for_a_seed(G):
    one = escalation_paths(G, "Ruritania", "Freedonia", method="monte-carlo", samples=2000, seed=3)
    two = escalation_paths(G, "Ruritania", "Freedonia", method="monte-carlo", samples=2000, seed=3)
    three = escalation_paths(G, "Ruritania", "Freedonia", method="monte-carlo", samples=2000, seed=4)
    assert one.to_json() == two.to_json()
    assert one.to_json() != three.to_json()


def test_large_graph_falls_back_to_monte_carlo():
    relations = [{"type": "backing", "from": f"S{i}", "to": "A", "level": "military"} for i in range(20)]
    r = escalation_paths(scenario(relations), "A", "B", samples=500)
    assert r.method == "monte-carlo" and r.samples == 500
    assert all(0.3 < p.probability < 0.7 for p in r)


def test_dense_graph_work_is_bounded():
    # 200 actors, a defence pact between every pair: 39,800 ties. The answer comes from a
    # bounded number of samples, with top paths, instead of an endless enumeration.
    names = [f"S{i:03d}" for i in range(200)]
    relations = [
        {"type": "defense_pact", "between": [a, b]} for i, a in enumerate(names) for b in names[i + 1 :]
    ]
    s = build_scenario(actors={n: {} for n in names}, relations=relations)
    r = escalation_paths(s, "S000", "S001", samples=10_000, top=2)
    assert r.method == "monte-carlo"
    assert 100 <= r.samples < r.samples_requested == 10_000
    assert len(r.parties) == 2 * 198  # everyone can end up on either side
    assert all(1 <= len(p.paths) <= 2 for p in r.parties)


def test_supporter_called_to_fight_on_its_side_becomes_an_ally():
    # C backs A diplomatically (round 1, supporter); C's pact partner D fights for A and
    # calls C in (round 2). C must not be kept out of the fighting by its weak early tie.
    s = scenario(
        [
            {"type": "backing", "from": "C", "to": "A", "level": "diplomatic", "likelihood": 1.0},
            {"type": "defense_pact", "between": ["A", "D"], "likelihood": 1.0},
            {"type": "defense_pact", "between": ["D", "C"], "likelihood": 0.5},
            {"type": "defense_pact", "between": ["C", "E"], "likelihood": 1.0},
        ]
    )
    r = escalation_paths(s, "A", "B", likelihoods=STRUCK)
    assert r.party("C").roles == pytest.approx({"ally": 0.5, "supporter": 0.5})
    assert r.probability("E", "A") == pytest.approx(0.5)


# -- ties with no side of their own: borders and major powers --------------------------------


def test_a_border_draws_the_neighbour_to_the_defending_side():
    s = scenario([{"type": "border", "between": ["A", "C"], "likelihood": 0.5}])
    attacked = escalation_paths(s, "A", "B", initiator="A")
    assert prob(attacked, "C", "B") == pytest.approx(0.5) and prob(attacked, "C", "A") == 0.0
    defending = escalation_paths(s, "A", "B", initiator="B")
    assert prob(defending, "C", "A") == pytest.approx(0.5) and prob(defending, "C", "B") == 0.0
    explanation = defending.party("C").paths[0].explanation
    assert "C borders A, and the fighting can spill over" in explanation
    assert not attacked.party("C").cross_pressured  # the border pulls to B's side only
    torn = scenario(
        [
            {"type": "border", "between": ["A", "C"], "likelihood": 0.5},
            {"type": "hostility", "between": ["B", "C"], "likelihood": 0.5},
        ]
    )
    assert escalation_paths(torn, "A", "B", initiator="A").party("C", "B").cross_pressured


def test_a_neighbours_neighbour_is_drawn_to_the_defending_side_with_the_vicinity_likelihood():
    # B borders C, C borders D: D is two borders from B (and from no other fighter).
    s = scenario(
        [
            {"type": "border", "between": ["B", "C"], "likelihood": 0.0},
            {"type": "border", "between": ["C", "D"], "likelihood": 0.0},
        ]
    )
    table = LikelihoodTable().updated({"vicinity": 0.2})
    attacked = escalation_paths(s, "A", "B", initiator="A", likelihoods=table)
    assert prob(attacked, "D", "B") == pytest.approx(0.2) and prob(attacked, "D", "A") == 0.0
    explanation = attacked.party("D").paths[0].explanation
    assert "D borders a neighbour of B, and the fighting can spread to it" in explanation
    # B attacking, the pull goes to the defender's side; with no pull, nothing.
    assert prob(escalation_paths(s, "A", "B", initiator="B", likelihoods=table), "D", "A") == pytest.approx(
        0.2
    )
    none = LikelihoodTable().updated({"vicinity": 0.0})
    assert escalation_paths(s, "A", "B", initiator="A", likelihoods=none).probability("D", "B") == 0.0


def test_a_neighbours_neighbour_pulls_less_hard_than_a_border():
    # No initiator: D borders A (0.5) and is two borders from B (through C). Were the two pulls
    # equally strong, D would be torn when both fire and stay out; the border wins instead.
    s = scenario(
        [
            {"type": "border", "between": ["A", "D"], "likelihood": 0.5},
            {"type": "border", "between": ["B", "C"], "likelihood": 0.0},
            {"type": "border", "between": ["C", "D"], "likelihood": 0.0},
        ]
    )
    r = escalation_paths(s, "A", "B", likelihoods=LikelihoodTable().updated({"vicinity": 1.0}))
    assert prob(r, "D", "A") == pytest.approx(0.5)  # the border fired: A's side
    assert prob(r, "D", "B") == pytest.approx(0.5)  # only the vicinity fired: B's side


def test_vicinity_makes_one_tie_each_way_per_pair_two_borders_apart_and_none_between_neighbours():
    s = scenario(
        [
            {"type": "border", "between": ["A", "C"]},
            {"type": "border", "between": ["A", "E"]},
            {"type": "border", "between": ["C", "D"]},
            {"type": "border", "between": ["E", "D"]},  # D is two borders from A twice over
            {"type": "border", "between": ["C", "E"]},  # C and E border: no vicinity between them
        ]
    )
    compiled = compile_scenario(s, make_flare_up(s, "A", "B"))
    pairs = sorted((arc.source, arc.target) for arc in compiled.arcs if arc.key == "vicinity")
    assert pairs == [("A", "D"), ("D", "A")]


def test_a_state_bordering_both_belligerents_with_no_initiator_is_torn_when_both_fire():
    s = scenario(
        [
            {"type": "border", "between": ["A", "C"], "likelihood": 0.5},
            {"type": "border", "between": ["B", "C"], "likelihood": 0.5},
        ]
    )
    r = escalation_paths(s, "A", "B")
    # Only A's border fires (1/4): side A; only B's (1/4): side B; both: torn, stays out.
    assert prob(r, "C", "A") == pytest.approx(0.25) and prob(r, "C", "B") == pytest.approx(0.25)
    # With A attacking both pulls lead to B's side: 1 - 0.5 * 0.5.
    assert prob(escalation_paths(s, "A", "B", initiator="A"), "C", "B") == pytest.approx(0.75)


def test_a_tie_to_fight_with_a_side_outranks_a_border_and_a_border_outranks_support():
    hostile = scenario(
        [
            {"type": "border", "between": ["B", "C"], "likelihood": 1.0},
            {"type": "hostility", "between": ["B", "C"], "likelihood": 1.0},
        ]
    )
    r = escalation_paths(hostile, "A", "B", initiator="A")
    assert prob(r, "C", "A") == 1.0 and r.party("C").role == "ally"
    friendly = scenario(
        [
            {"type": "border", "between": ["B", "C"], "likelihood": 1.0},
            {"type": "entente", "between": ["A", "C"], "likelihood": 1.0},
        ]
    )
    # Bound to the attacker by the entente, the neighbour fights on the attacker's side.
    r = escalation_paths(friendly, "A", "B", initiator="A")
    assert prob(r, "C", "A") == 1.0 and r.party("C").role == "ally"


def test_a_border_or_a_major_power_draws_a_party_to_the_side_it_is_bound_to():
    # C borders the defender B and has promised A, the attacker, to consult: its pulls are
    # a border (to fight, 0.3) and the consultation (to support, 0.2). Bound to A, the
    # border brings it to A's side: 0.3 as an ally, and support when only the promise fires.
    s = scenario(
        [
            {"type": "border", "between": ["B", "C"], "likelihood": 0.3},
            {"type": "consultation_pact", "between": ["A", "C"], "likelihood": 0.2},
        ]
    )
    r = escalation_paths(s, "A", "B", initiator="A")
    assert prob(r, "C", "A") == pytest.approx(0.3 + 0.7 * 0.2) and prob(r, "C", "B") == 0.0
    assert r.party("C", "A").roles["ally"] == pytest.approx(0.3)
    # A major power in one alliance with the attacker intervenes for it, not for the attacked.
    allied = scenario(
        [],
        actors={
            "M": {"major_power": True, "likelihood": 0.4},
            "N": {"kind": "alliance", "members": ["A", "M"]},
        },
    )
    r = escalation_paths(allied, "A", "B", initiator="A")
    assert prob(r, "M", "A") == pytest.approx(0.4) and prob(r, "M", "B") == 0.0
    assert "; its ties bind it to A's side" in r.party("M").paths[0].explanation
    # With no initiator the bound side holds too (unbound, it would have no side).
    assert prob(escalation_paths(allied, "A", "B"), "M", "A") == pytest.approx(0.4)
    # Bound to both sides, it leans to neither: the defending side, as for the unbound.
    both = scenario(
        [{"type": "entente", "between": ["M", "B"], "likelihood": 0.0}],
        actors={
            "M": {"major_power": True, "likelihood": 0.4},
            "N": {"kind": "alliance", "members": ["A", "M"]},
        },
    )
    r = escalation_paths(both, "A", "B", initiator="A")
    assert prob(r, "M", "B") == pytest.approx(0.4) and prob(r, "M", "A") == 0.0
    # The sampler follows the same rule.
    sampled = escalation_paths(s, "A", "B", initiator="A", method="monte-carlo", samples=4000, seed=1)
    assert prob(sampled, "C", "A") == pytest.approx(0.44, abs=0.03) and prob(sampled, "C", "B") == 0.0


def test_a_major_power_decides_once_and_joins_the_defender():
    s = scenario([], actors={"M": {"major_power": True, "likelihood": 0.4}, "C": {}})
    r = escalation_paths(s, "A", "B", initiator="A")
    # One decision, not one per belligerent: 0.4, not 1 - 0.6 ** 2.
    assert prob(r, "M", "B") == pytest.approx(0.4) and prob(r, "M", "A") == 0.0
    assert "M is a major power and may intervene in a war involving" in r.party("M").paths[0].explanation
    # With no initiator both sides defend: a major power with no other tie has no side.
    assert prob(escalation_paths(s, "A", "B"), "M", "A") == 0.0
    # A belligerent major power does not reach into its own war.
    s2 = scenario([], actors={"A": {"major_power": True}})
    assert escalation_paths(s2, "A", "B", initiator="A").parties == ()


def test_major_power_uses_the_table_unless_the_actor_overrides_it():
    from escalate.likelihoods import LikelihoodTable

    s = scenario([], actors={"M": {"major_power": True}})
    r = escalation_paths(
        s, "A", "B", initiator="B", likelihoods=LikelihoodTable().updated({"major_power": 0.2})
    )
    assert prob(r, "M", "A") == pytest.approx(0.2)
    assert prob(escalation_paths(s, "A", "B", initiator="B"), "M", "A") == pytest.approx(
        LikelihoodTable().get("major_power")
    )


def test_a_chain_of_involvement_stops_at_max_hops_whatever_the_ties():
    from escalate.engine.ties import MAX_HOPS

    # A line of certain hostilities from A: each state joins the side against the one before,
    # 1 step, 2 steps, ... The engines follow MAX_HOPS steps and no more, so that a long ring of
    # certain ties cannot keep a chain of thousands of steps for each of thousands of parties.
    names = [f"S{i}" for i in range(1, MAX_HOPS + 3)]
    line = ["A", *names]
    relations = [
        {"type": "hostility", "between": [x, y], "likelihood": 1.0}
        for x, y in zip(line, line[1:], strict=False)
    ]
    s = scenario(relations)
    certain = LikelihoodTable().updated({"struck.bordering": 0.0, "struck.distant": 0.0})  # no coin at all
    for method in ("exact", "monte-carlo"):
        r = escalation_paths(s, "A", "B", method=method, samples=100, likelihoods=certain)
        assert r.probability(f"S{MAX_HOPS}", "A" if MAX_HOPS % 2 == 0 else "B") == 1.0
        assert not any(p.actor == f"S{MAX_HOPS + 1}" for p in r)
    assert not any(p.actor == "S3" for p in escalation_paths(s, "A", "B", max_hops=2))
