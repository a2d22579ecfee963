"""Chances read from the ties tried (conditional Monte Carlo) against hand-computed and exact ones."""

import math

import pytest

from escalate import LikelihoodTable, build_scenario, load_scenario
from escalate.analysis.paths import make_flare_up
from escalate.engine.compile import compile_scenario
from escalate.engine.conditional import fighting_chances
from escalate.engine.exact import run_cascade
from escalate.engine.sampling import sample_cascade
from escalate.engine.ties import FlareUp
from escalate.model import Role


def compiled(relations):
    s = build_scenario(actors={a: {} for a in "ABCD"}, relations=relations)
    return compile_scenario(s, FlareUp(("A", "B"), theatre=frozenset({"A", "B"})))


def test_a_rare_tie_is_read_exactly_where_counting_reads_zero():
    c = compiled([{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.0003}])
    assert sample_cascade(c, samples=500, seed=0).roles.get(("C", 0, Role.ALLY), 0.0) == 0.0
    assert fighting_chances(c, samples=500, seed=0) == {("C", 0): pytest.approx(0.0003, rel=1e-9)}


def test_ties_to_both_sides_split_the_chance_as_they_pull():
    p, q = 0.002, 0.0005
    c = compiled(
        [
            {"type": "defense_pact", "between": ["A", "C"], "likelihood": p},
            {"type": "defense_pact", "between": ["B", "C"], "likelihood": q},
        ]
    )
    chances = fighting_chances(c, samples=300, seed=1)
    # Stays out with (1 - p)(1 - q); in, each side by its share of -log r.
    r = (1 - p) * (1 - q)
    assert chances[("C", 0)] == pytest.approx((1 - r) * math.log(1 - p) / math.log(r), rel=1e-9)
    assert chances[("C", 1)] == pytest.approx((1 - r) * math.log(1 - q) / math.log(r), rel=1e-9)


def test_a_promise_toward_a_fighting_partner_holds_the_pull_back():
    # C is bound to A (0.001) and has promised B not to fight it (0.8): 0.001 x 0.2.
    c = compiled(
        [
            {"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.001},
            {"type": "nonaggression_pact", "between": ["C", "B"], "likelihood": 0.8},
        ]
    )
    assert fighting_chances(c, samples=300, seed=0) == {("C", 0): pytest.approx(0.0002, rel=1e-9)}
    # Toward a partner that is not fighting, the promise does not apply.
    c = compiled(
        [
            {"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.001},
            {"type": "nonaggression_pact", "between": ["C", "D"], "likelihood": 0.8},
        ]
    )
    assert fighting_chances(c, samples=300, seed=0) == {("C", 0): pytest.approx(0.001, rel=1e-9)}


def test_a_chain_reads_the_second_step_where_the_first_fired():
    # C joins with 0.3, then D follows C with 0.004: 0.0012 in all. D's tie is tried only in
    # the samples where C fought, so the reading is C's share of samples times 0.004.
    c = compiled(
        [
            {"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.3},
            {"type": "backing", "from": "D", "to": "C", "level": "military", "likelihood": 0.004},
        ]
    )
    assert run_cascade(c, method="exact").roles[("D", 0, Role.ALLY)] == pytest.approx(0.0012)
    c_share = sample_cascade(c, samples=4000, seed=0).roles[("C", 0, Role.ALLY)]
    read = fighting_chances(c, samples=4000, seed=0)[("D", 0)]
    assert read == pytest.approx(c_share * 0.004, rel=0.005)
    assert read == pytest.approx(0.0012, rel=0.1)


def test_frequent_joiners_are_counted_as_the_sampler_counts_them():
    c = compiled([{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.4}])
    counted = sample_cascade(c, samples=2000, seed=3).roles[("C", 0, Role.ALLY)]
    assert fighting_chances(c, samples=2000, seed=3) == {("C", 0): counted}


@pytest.mark.parametrize(
    ("name", "a", "b"),
    [("caucasus-2020", "Turkey", "Russia"), ("nagorno-karabakh-2020", "Armenia", "Azerbaijan")],
)
def test_the_bundled_graphs_chances_agree_with_exact_enumeration(name, a, b):
    s = load_scenario(name)
    c = compile_scenario(s, make_flare_up(s, a, b))
    exact = run_cascade(c, method="exact", max_outcomes=2_000_000, max_work=200_000_000)
    fighting = {
        (actor, side): p for (actor, side, role), p in exact.roles.items() if role is Role.ALLY and side >= 0
    }
    read = fighting_chances(c, samples=20_000, seed=0)
    assert set(read) <= set(fighting)
    for key, p in fighting.items():
        assert read.get(key, 0.0) == pytest.approx(p, abs=0.01, rel=0.15), key


def test_a_decision_several_ties_share_counts_once():
    # A major power decides once per flare-up, whichever belligerent's tie asks: two ties,
    # one coin, so 0.001 (for the defended side) and not 1 - 0.999^2.
    s = build_scenario(actors={"A": {}, "B": {}, "M": {"major_power": True}}, relations=[])
    table = LikelihoodTable().updated({"major_power": 0.001})
    c = compile_scenario(s, FlareUp(("A", "B"), initiator="A", theatre=frozenset({"A", "B"})), table)
    assert [(arc.source, arc.coin) for arc in c.arcs if arc.target == "M"] == [("A", 0), ("B", 0)]
    assert run_cascade(c, method="exact").probability("M", 1) == pytest.approx(0.001)
    assert fighting_chances(c, samples=200, seed=0) == {("M", 1): pytest.approx(0.001, rel=1e-9)}


def test_the_ties_tried_on_a_counted_party_leave_the_others_readings_exactly_as_they_were():
    """A party counted (C, in most samples) has no reading kept; D's is the one read with C's kept."""
    c = compiled(
        [
            {"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.4},
            {"type": "defense_pact", "between": ["B", "C"], "likelihood": 0.3},
            {"type": "defense_pact", "between": ["A", "D"], "likelihood": 0.0004},
            {"type": "backing", "from": "D", "to": "C", "level": "military", "likelihood": 0.002},
        ]
    )
    # Batches of 256 and more: C is counted from the first one on.
    counted = fighting_chances(c, samples=3000, seed=2)
    every_one_read = fighting_chances(c, samples=3000, seed=2, counted_from=10**9)
    assert {key for key in counted if key[0] == "D"} == {key for key in every_one_read if key[0] == "D"}
    for key in (k for k in counted if k[0] == "D"):
        assert counted[key] == every_one_read[key]  # to the bit
    in_samples = sample_cascade(c, samples=3000, seed=2).roles[("C", 0, Role.ALLY)]
    assert counted[("C", 0)] == pytest.approx(in_samples, abs=1e-12)  # counted, as the sampler counts
    assert every_one_read[("C", 0)] != pytest.approx(in_samples, abs=1e-6)  # read
    assert 0 < counted[("D", 0)] < 0.01
