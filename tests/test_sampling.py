"""The vectorised Monte Carlo against the plain Python cascade and against exact answers.

The property test over generated scenarios is in test_properties.py.
"""

import subprocess
import sys

import numpy as np
import pytest

from escalate import LikelihoodTable, build_scenario, load_scenario
from escalate.analysis.paths import make_flare_up
from escalate.engine.coins import python_sample, uniform
from escalate.engine.compile import compile_scenario
from escalate.engine.exact import run_cascade
from escalate.engine.sampling import sample_cascade

NAMES = ["A", "B", "C", "D", "E", "F"]


def same_outcomes(vectorised, reference):
    keys = set(vectorised.probabilities) | set(reference.probabilities)
    for key in keys:
        assert abs(vectorised.probability(*key) - reference.probability(*key)) < 1e-9, key
    for key in set(vectorised.roles) | set(reference.roles):
        assert abs(vectorised.roles.get(key, 0.0) - reference.roles.get(key, 0.0)) < 1e-9, key
    for key in keys:
        left = {chain: round(p, 9) for chain, p in vectorised.chains[key].items()}
        right = {chain: round(p, 9) for chain, p in reference.chains[key].items()}
        assert left == right, key


def test_same_outcomes_on_the_bundled_graphs_with_regions_and_alliances():
    for name, a, b, initiator in [
        ("nagorno-karabakh-2020", "Armenia", "Azerbaijan", None),
        ("caucasus-2020", "Armenia", "Azerbaijan", "Azerbaijan"),
        ("caucasus-2020", "Turkey", "Russia", None),
    ]:
        s = load_scenario(name)
        compiled = compile_scenario(s, make_flare_up(s, a, b, initiator=initiator))
        same_outcomes(sample_cascade(compiled, samples=500, seed=5), python_sample(compiled, 500, 5))


def test_defence_obligations_wait_until_the_theatre_reaches_what_they_cover():
    # C guarantees D's territory; D is drawn in by backing, then (once D is struck, here
    # with 0.4) the theatre reaches D and C's guarantee can fire a round later.
    s = build_scenario(
        actors={n: {} for n in NAMES},
        relations=[
            {"type": "guarantee", "from": "C", "to": "A", "covers": ["D"], "likelihood": 0.5},
            {"type": "backing", "from": "D", "to": "A", "level": "military", "likelihood": 0.5},
        ],
    )
    strike = LikelihoodTable().updated({"struck.distant": 0.4})
    compiled = compile_scenario(s, make_flare_up(s, "A", "B"), strike)
    vectorised = sample_cascade(compiled, samples=20_000, seed=1)
    exact = run_cascade(compiled, method="exact")
    assert exact.probability("C", 0) == pytest.approx(0.5 * 0.4 * 0.5)
    assert abs(vectorised.probability("C", 0) - 0.1) < 4 * (0.1 * 0.9 / 20_000) ** 0.5
    same_outcomes(sample_cascade(compiled, samples=300, seed=2), python_sample(compiled, 300, 2))


def test_batches_do_not_change_the_answer(monkeypatch):
    s = load_scenario("caucasus-2020")
    compiled = compile_scenario(s, make_flare_up(s, "Armenia", "Azerbaijan"))
    whole = sample_cascade(compiled, samples=1000, seed=9)
    monkeypatch.setattr("escalate.engine.sampling.FIRST_BATCH", 7)
    monkeypatch.setattr("escalate.engine.sampling.BATCH_CHECKS", 50)
    same_outcomes(sample_cascade(compiled, samples=1000, seed=9), whole)


def test_hashed_coins_are_uniform_and_independent_across_coins_and_samples():
    n = 200_000
    samples = list(range(n))
    first = uniform(3, [1] * n, samples)
    second = uniform(3, [2] * n, samples)
    other_seed = uniform(4, [1] * n, samples)
    assert 0.0 <= first.min() and first.max() < 1.0
    assert abs(first.mean() - 0.5) < 0.005 and abs(first.var() - 1 / 12) < 0.002
    for other in (second, other_seed):
        correlation = ((first - 0.5) * (other - 0.5)).mean() * 12
        assert abs(correlation) < 0.01
    assert uniform(3, [1], [5])[0] == first[5]


def test_importing_the_cli_loads_neither_numpy_nor_networkx():
    code = "import sys, escalate.cli; print('numpy' in sys.modules, 'networkx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


@pytest.mark.skipif(sys.platform != "linux", reason="address-space limits as Linux sets them")
def test_a_dense_web_of_promises_runs_in_bounded_memory(tmp_path):
    # 50 states, a pact or a rivalry and a neutrality promise between every pair: the promise
    # check once took 3.4 GB here. Now it must finish under a 1 GiB address-space limit.
    script = tmp_path / "dense.py"
    script.write_text(
        "import resource\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))\n"
        "import escalate\n"
        "names = [f'S{i}' for i in range(50)]\n"
        "rels = []\n"
        "for i in range(50):\n"
        "    for j in range(i + 1, 50):\n"
        "        kind = 'hostility' if (i + j) % 2 else 'defense_pact'\n"
        "        rels.append({'type': kind, 'between': [names[i], names[j]], 'likelihood': 0.5})\n"
        "        rels.append({'type': 'neutrality_pact', 'between': [names[i], names[j]], 'likelihood': 0.5})\n"
        "s = escalate.build_scenario(actors={a: {} for a in names}, relations=rels)\n"
        "r = escalate.escalation_paths(s, 'S0', 'S1')  # 10,000 samples, as reported\n"
        "print(r.method, len(r.parties))\n"
    )
    env = {**__import__("os").environ, "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.startswith("monte-carlo")


def test_a_huge_sample_count_on_a_graph_without_ties_stops_at_the_work_bound():
    from escalate import escalation_paths
    from escalate.engine.exact import MAX_SAMPLED_WORK

    s = build_scenario(actors={"A": {}, "B": {}})
    r = escalation_paths(s, "A", "B", method="monte-carlo", samples=2_000_000_000)
    assert r.samples_requested == 2_000_000_000
    assert MAX_SAMPLED_WORK <= r.samples <= MAX_SAMPLED_WORK + 300_000  # each sample counts as work


def test_flare_ups_on_one_graph_reuse_its_standing_tie_arrays_and_get_the_arrays_made_afresh():
    import dataclasses

    import numpy as np

    from escalate.engine import arrays
    from escalate.engine.arrays import TieArrays

    # One graph, flare-ups in turn: a coalition (the alliance's standing-by ties restated),
    # a lone attacker, a split alliance and others fighting. Each flare-up's arrays, made
    # with the graph's standing columns reused, must equal those made from nothing.
    s = build_scenario(
        actors={name: {} for name in ["A", "A2", "B", "D", "M", "N"]}
        | {"Pact": {"kind": "alliance", "members": ["A", "A2", "M", "N"], "collective_defense": True}},
        relations=[{"type": "defense_pact", "between": ["B", "D"]}, {"type": "border", "between": ["A", "B"]},
                   {"type": "hostility", "between": ["N", "D"]}, {"type": "guarantee", "from": "M", "to": "A2"}],
    )  # fmt: skip
    questions = [("A", "B", ["A2"], []), ("A", "B", [], []), ("A", "B", [], ["A2"]), ("B", "A", [], ["D"])]
    standing, restated = None, 0
    for a, b, with_a, with_b in questions:
        flare = make_flare_up(s, a, b, initiator=a, with_a=with_a, with_b=with_b)
        compiled = compile_scenario(s, flare)
        assert standing is None or compiled.standing is standing  # one graph, one table: one tuple
        standing = compiled.standing
        restated += sum(arc is not same for arc, same in zip(compiled.arcs, standing, strict=False))
        reused = vars(TieArrays(compiled))
        assert arrays._last_standing[0].arcs is standing
        fresh = vars(TieArrays(dataclasses.replace(compiled, standing=())))
        assert reused.keys() == fresh.keys()
        for name, value in reused.items():
            if isinstance(value, np.ndarray):
                assert value.dtype == fresh[name].dtype and np.array_equal(value, fresh[name]), name
            else:
                assert value == fresh[name], name
    assert restated  # some flare-up restated standing ties


@pytest.mark.parametrize("two_answers", [False, True])
@pytest.mark.parametrize("first_sample", [0, 2**21])  # keys of 32 bits, and of 64
def test_draws_keep_one_row_per_coin_asked_in_a_sample_the_first_answer_given(two_answers, first_sample):
    # The reference: the first time each (sample, coin) was asked, in (sample, coin) order.
    from escalate.engine.coins import Draws

    rng = np.random.default_rng(7)
    draws, rows = Draws(), []
    for _ in range(5):
        samples, coins = rng.integers(0, 40, 300) + first_sample, rng.integers(0, 25, 300) * 1000
        # A coin answers the same each time it is asked in a sample, unless two ties of
        # different likelihoods share it (then the first answer asked is the one kept).
        fired = (samples * 31 + coins * 17) % 3 == 0
        if two_answers:
            fired = fired ^ (rng.random(300) < 0.1)
        draws.add(samples, coins, fired)
        rows += list(zip(samples.tolist(), coins.tolist(), fired.tolist(), strict=True))
    first: dict[tuple[int, int], bool] = {}
    for sample, coin, answer in rows:
        first.setdefault((sample, coin), answer)
    expected = sorted((sample, coin, answer) for (sample, coin), answer in first.items())
    sample, coin, fired = draws.distinct()
    assert list(zip(sample.tolist(), coin.tolist(), fired.tolist(), strict=True)) == expected
    assert fired.dtype == bool
    # Counted by column (coins of 3,000 and up in column 1, of 20,000 and up in none), the same rows.
    column_of_coin = np.full(25_000, -1)
    column_of_coin[:3000], column_of_coin[3000:20_000] = 0, 1
    hand = np.zeros((2, first_sample + 40, 2), dtype=np.int64)
    for sample_, coin_, answer in expected:
        if column_of_coin[coin_] >= 0:
            hand[int(answer), sample_, column_of_coin[coin_]] += 1
    assert np.array_equal(draws.counts(column_of_coin, 2, first_sample + 40), hand)


@pytest.mark.parametrize("graph", ["caucasus-2020", "nagorno-karabakh-2020"])
def test_the_arrays_say_which_table_key_each_coin_takes_as_the_compiled_ties_say(graph):
    # Calibration counts each sample's chance events by key from the arrays' codes: they must
    # name the key of every tie, promise and strike that the compiled flare-up names, and no other.
    from escalate.engine.arrays import TieArrays
    from escalate.likelihoods import KEYS

    s = load_scenario(graph)
    states = sorted(a.id for a in s.actors.values() if a.kind == "state")
    for a, b in [("Armenia", "Azerbaijan"), ("Azerbaijan", "Armenia"), (states[0], states[-1])]:
        for initiator in (a, None):
            compiled = compile_scenario(s, make_flare_up(s, a, b, initiator=initiator))
            codes = TieArrays(compiled).key_of_coin()
            assert {coin: KEYS[code] for coin, code in enumerate(codes) if code >= 0} == compiled.coin_keys()


def test_draws_of_rounds_that_asked_no_uncertain_coin_are_empty():
    # Every tie certain (likelihood 0 or 1): each round records an empty set of coins asked.
    from escalate.engine.coins import Draws

    draws = Draws()
    for _ in range(3):
        draws.add(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool))
    sample, coin, fired = draws.distinct()
    assert len(sample) == len(coin) == len(fired) == 0 and fired.dtype == bool
    assert np.array_equal(draws.counts(np.zeros(0, dtype=np.int64), 3, 4), np.zeros((2, 4, 3)))


def test_calibration_draws_a_flare_up_whose_ties_are_all_certain():
    from escalate.engine.sampling import sample_outcomes

    s = build_scenario(
        actors={"A": {}, "B": {}, "C": {}},
        relations=[{"type": "defense_pact", "between": ["B", "C"], "likelihood": 1.0}],
    )
    table = LikelihoodTable().updated({"struck.bordering": 0.0, "struck.distant": 0.0})
    compiled = compile_scenario(s, make_flare_up(s, "A", "B", initiator="A"), table)
    names, _, role, draws = sample_outcomes(compiled, samples=50, seed=1)
    assert (role[:, names.index("C")] == 1).all()  # C fights (as an ally) in every sample
    assert [len(column) for column in draws.distinct()] == [0, 0, 0]
