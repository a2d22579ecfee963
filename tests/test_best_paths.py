"""Best-path search: the most likely chains of commitments, by hand and at scale."""

import pytest

from escalate import LikelihoodTable, build_scenario, escalation_paths
from escalate.analysis.paths import make_flare_up
from escalate.engine.chains import best_chains, chain_side, most_likely_chains
from escalate.engine.compile import compile_scenario

#: Every strike on a joiner's territory lands, so that a chain is the product of its ties.
#: Every strike on a joiner lands, and no partner follows a joiner in: chains by casus foederis.
STRUCK = LikelihoodTable().updated(
    {"struck.bordering": 1.0, "struck.distant": 1.0, "follow.pact": 0.0, "follow.alliance": 0.0}
)


def compiled(relations, names="ABCDE", initiator=None, likelihoods=STRUCK):
    s = build_scenario(actors={n: {} for n in names}, relations=relations)
    return compile_scenario(s, make_flare_up(s, "A", "B", initiator=initiator), likelihoods)


def sources(c, chain):
    return [c.arcs[i].source for i in chain] + [c.arcs[chain[-1]].target]


def test_chains_come_best_first_with_their_probabilities():
    c = compiled(
        [
            {"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.9},
            {"type": "defense_pact", "between": ["C", "D"], "likelihood": 0.5},
            {"type": "guarantee", "from": "D", "to": "A", "likelihood": 0.4},
            {"type": "backing", "from": "D", "to": "B", "level": "military", "likelihood": 0.3},
        ]
    )
    found = best_chains(c, "D", 3)
    assert [round(p, 6) for p, _ in found] == [0.45, 0.4, 0.3]
    assert [sources(c, chain) for _, chain in found] == [["A", "C", "D"], ["A", "D"], ["B", "D"]]
    assert [chain_side(c, chain) for _, chain in found] == [0, 0, 1]
    assert [sources(c, chain) for _, chain in best_chains(c, "D", 3, side=1)] == [["B", "D"]]
    probability, chain = most_likely_chains(c)["D"]
    assert (probability, chain) == (pytest.approx(found[0][0]), found[0][1])


def test_supporters_do_not_relay_and_chains_avoid_the_belligerents():
    c = compiled(
        [
            {"type": "entente", "between": ["A", "C"], "likelihood": 0.9},  # C only supports
            {"type": "defense_pact", "between": ["C", "D"], "likelihood": 0.9},
            {"type": "hostility", "between": ["B", "D"], "likelihood": 0.1},
        ]
    )
    assert [sources(c, chain) for _, chain in best_chains(c, "D", 5)] == [["B", "D"]]
    assert best_chains(c, "E", 3) == []


def test_a_dense_graph_is_searched_without_listing_every_path():
    # 40 states, a pact between every pair: about 10**46 simple paths from A to Z.
    names = [f"S{i:02d}" for i in range(38)] + ["A", "B"]
    relations = [
        {"type": "defense_pact", "between": [x, y], "likelihood": 0.5}
        for i, x in enumerate(names)
        for y in names[i + 1 :]
    ]
    c = compiled(relations, names=names)
    found = best_chains(c, "S07", 5)  # listing every path would never finish
    assert [round(p, 6) for p, _ in found] == [0.5, 0.5, 0.25, 0.25, 0.25]
    assert {sources(c, chain)[0] for _, chain in found[:2]} == {"A", "B"}


def test_sampled_results_also_show_the_most_likely_chain_no_sample_took():
    s = build_scenario(
        actors={n: {} for n in "ABCD"},
        relations=[
            {"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.9},
            {"type": "defense_pact", "between": ["A", "D"], "likelihood": 0.002},
            {"type": "defense_pact", "between": ["C", "D"], "likelihood": 0.0025},
        ],
    )
    r = escalation_paths(s, "A", "B", method="monte-carlo", samples=1000, seed=0, likelihoods=STRUCK)
    best, sampled = r.party("D").paths  # with this seed D came in only directly from A
    assert (best.probability, best.share) == (pytest.approx(0.9 * 0.0025), 0.0)
    assert [step.target for step in best.steps if step.relation != "strike"] == ["C", "D"]
    assert (sampled.probability, sampled.share) == (0.002, 0.002)


def test_most_likely_chains_spells_out_only_the_parties_asked_for_and_agrees_with_the_full_search():
    n = 3000  # a ring of defence pacts: the chain to the far side is 1,500 ties long
    names = [f"S{i}" for i in range(n)]
    s = build_scenario(
        actors={x: {} for x in names},
        relations=[{"type": "defense_pact", "between": [names[i], names[(i + 1) % n]]} for i in range(n)],
    )
    c = compile_scenario(s, make_flare_up(s, "S0", "S1"), STRUCK)
    every = most_likely_chains(c)
    assert len(every) == n - 2 and len(every["S1500"][1]) == 1499
    asked = most_likely_chains(c, {"S5", "S1500", "S2998", "nobody"})
    assert asked == {k: every[k] for k in ("S5", "S1500", "S2998")}


def test_equal_chains_are_explained_alike_whatever_the_hash_seed():
    import os
    import subprocess
    import sys

    # A major power may intervene for either belligerent alike (one decision, two equal ties);
    # Ruritania consults it. Which of the equal chains explains Ruritania must not follow the
    # order of a set, which changes with Python's hash seed from one run to the next.
    code = (
        "from escalate import build_scenario, escalation_paths\n"
        "s = build_scenario(actors={'Westland': {}, 'Eastland': {}, 'Bigpower': {'major_power': True},"
        " 'Ruritania': {}}, relations=[{'type': 'consultation_pact', 'between': ['Ruritania', 'Bigpower'],"
        " 'likelihood': 0.5}])\n"
        "r = escalation_paths(s, 'Westland', 'Eastland', initiator='Westland', method='monte-carlo',"
        " samples=2000)\n"
        "print([(p.actor, p.side, [s.explanation for path in p.paths for s in path.steps]) for p in r.parties])\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env=dict(os.environ, PYTHONHASHSEED=str(seed)),
        ).stdout  # fmt: skip
        for seed in range(6)
    }
    assert len(outputs) == 1 and "Bigpower" in outputs.pop()


def test_an_attackers_pact_never_makes_a_chain_only_its_standing_by_does():
    # A attacks B; A's pact with C cannot bind C (A is not attacked): C's only way in is standing
    # by A (0.2). The chains once offered the pact (0.5), which sampled results then showed.
    relations = [
        {"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5},
        {"type": "defense_pact", "between": ["B", "E"], "likelihood": 0.5},
    ]
    table = STRUCK.updated({"stand_by.pact": 0.2})
    c = compiled(relations, initiator="A", likelihoods=table)
    ((bound, (arc,)),) = best_chains(c, "C", 3)
    assert bound == pytest.approx(0.2) and c.arcs[arc].key == "stand_by.pact"
    s = build_scenario(actors={n: {} for n in "ABCDE"}, relations=relations)
    sampled = escalation_paths(
        s, "A", "B", initiator="A", method="monte-carlo", samples=2000, likelihoods=table
    )
    assert all("stands by A" in path.explanation for path in sampled.party("C").paths)
