"""The disputes backtest: the MID protocol on fixtures, the measures by hand, peers, the plot."""

import datetime as dt
import json
import os

import numpy as np
import pytest

from escalate.cli import app

from .conftest import MID_HEADER, SHARED, add_system_year, mid, write

DATA = SHARED / "data"


def test_the_protocol_candidates_joiners_sides_and_no_leakage(disputes):
    from escalate.world.backtest import predict

    predictions = {(p.war - 100_000, p.ccode): p for p in predict(disputes, kind="mids", samples=200)}
    # Candidates: every system member of the start year but the originators.
    assert set(predictions) == {(7, 1), (7, 3), (9, 2), (9, 3)}
    assert predictions[(7, 3)].joined and predictions[(7, 3)].actual_side == 1  # with Delta, side B
    assert predictions[(9, 3)].joined and predictions[(9, 3)].actual_side == 0  # with Alpha, side A
    assert not predictions[(7, 1)].joined and not predictions[(9, 2)].joined
    # MID 7 is not in its own graph: nobody had a dispute before 2000 inside the window...
    assert predictions[(7, 3)].baselines["recent dispute"] == 0.0
    # ... but it is in the graph of MID 9, a year later: Gamma and Beta fought Delta in 2000.
    assert predictions[(9, 3)].baselines["recent dispute"] == 1.0
    assert predictions[(9, 2)].baselines["recent dispute"] == 1.0


def test_features_say_toward_which_side(disputes):
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import disputes as read_disputes
    from escalate.world.features import FEATURES, Facts, pair_features

    data = WorldData(disputes)
    second = read_disputes(disputes)[1]  # MID 9: Alpha (A) against Delta (B)
    rows = pair_features(Facts(data)(2001), second, [2, 3])
    beta, gamma = (dict(zip(FEATURES, row, strict=True)) for row in rows)
    # ATOP of 2000: Beta and Alpha defend each other; Gamma promised Alpha defence and offence.
    assert beta["defence toward side A"] == 1 and beta["defence toward side B"] == 0
    assert gamma["offence toward side A"] == 1 and gamma["defence toward side A"] == 1
    # Contiguity: Beta borders Delta (side B); Gamma and Alpha only by sea.
    assert beta["border with side B"] == 1 and gamma["border with side A"] == 0
    # MID 7 of 2000: Beta against Delta (rival of side B); Gamma beside Delta (comrade of side B).
    assert beta["rival of side B"] == 1 and gamma["comrade of side B"] == 1 and gamma["rival of side B"] == 0
    assert beta["obligations"] == 1 and gamma["obligations"] == 1


def test_out_of_time_backtest_fits_before_and_scores_after(disputes, runner, tmp_path):
    result = runner.invoke(app, ["backtest", "--data", str(disputes), "--conflicts", "mids",
                                 "--calibrate-before", "2001", "--samples", "300", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["conflicts"] == "mids" and "before 2001" in figures["likelihoods"]
    assert figures["model"]["pairs"] == 2 and figures["model"]["joiners"] == 1
    assert [w["war"] for w in figures["wars"]] == [100_009]
    for name in ("logistic regression", "gradient-boosted trees", "sum of the three"):
        found = figures["baselines"][name]
        assert {"auc", "average_precision", "brier", "auc_90", "model_minus_baseline_auc"} <= set(found)
    assert len(figures["model"]["expected_over_actual_90"]) == 2
    text = runner.invoke(app, ["backtest", "--data", str(disputes), "--conflicts", "mids",
                               "--calibrate-before", "2001", "--samples", "300"]).stdout  # fmt: skip
    assert "average precision" in text.lower() and "logistic regression" in text
    assert text.startswith("2 (dispute, state) pairs in 1 disputes, 1 joiners")


def test_a_fit_before_a_year_weighs_the_earlier_disputes_by_era_unless_told_not_to(disputes, runner):
    def likelihoods(*options):
        result = runner.invoke(app, ["backtest", "--data", str(disputes), "--conflicts", "mids", "--samples", "50",
                                     "--calibrate-before", "2001", "--json", *options])  # fmt: skip
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)["likelihoods"]

    assert "each counting half as much every 40 years away" in likelihoods()
    assert "every 10 years away" in likelihoods("--half-life", "10")
    assert "half as much" not in likelihoods("--half-life", "0")


@pytest.fixture
def three_years(disputes):
    """The two disputes, and MID 11 (2002): Alpha (side A) against Delta again; Gamma joins Alpha.

    ATOP of 2001 repeats that of 2000, so that Gamma's promise of offence to Alpha stands.
    """
    with open(disputes / "cow_mid_v5.0/MIDB 5.0.csv", "a", encoding="latin-1") as handle:
        handle.write(
            mid(11, 1, 1, 3, 2002, 1, 1) + mid(11, 4, 1, 3, 2002, 0, 1) + mid(11, 3, 2, 5, 2002, 1, 0)
        )
    with open(disputes / "atop_v5.1/atop5_1_ddyr_obligations.csv", "a", encoding="latin-1") as handle:
        handle.write("1,2,2001,1,0,0,0,0\n2,1,2001,1,0,0,0,0\n3,1,2001,1,1,0,0,0\n")
    add_system_year(disputes, 2002)
    return disputes


def test_rolling_fits_each_year_on_the_years_before_it_only(three_years, runner):
    from escalate.world.calibrate import rolling

    tables = rolling(three_years, 2001, samples=300, jobs=1)
    assert set(tables) == {100_009, 100_011}  # the disputes of 2001 and 2002, each scored once
    assert tables[100_009].origin == "fitted on the disputes before 2001"
    assert tables[100_011].origin == "fitted on the disputes before 2002"
    result = runner.invoke(app, ["backtest", "--data", str(three_years), "--conflicts", "mids", "--rolling",
                                 "--calibrate-before", "2001", "--samples", "300", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    figures = json.loads(result.stdout)
    assert "(rolling)" in figures["likelihoods"] and "from 2001" in figures["likelihoods"]
    assert [w["war"] for w in figures["wars"]] == [100_009, 100_011]
    assert figures["model"]["joiners"] == 2 and "logistic regression" in figures["baselines"]
    both = ["backtest", "--data", str(three_years), "--rolling", "--likelihoods", "wars"]
    result = runner.invoke(app, both)
    assert result.exit_code == 2 and "use --likelihoods or --rolling, not both" in result.stderr
    # Rewrite history in 2001: Gamma no longer joins Alpha in MID 9. The table of 2001, fitted on
    # MID 7 alone, must not change; that of 2002, fitted on MID 7 and MID 9, must.
    midb = three_years / "cow_mid_v5.0/MIDB 5.0.csv"
    midb.write_text(
        midb.read_text(encoding="latin-1").replace(mid(9, 3, 2, 5, 2001, 1, 0), ""), encoding="latin-1"
    )
    rewritten = rolling(three_years, 2001, samples=300, jobs=1)
    assert rewritten[100_009].values == tables[100_009].values
    assert rewritten[100_011].values != tables[100_011].values


def test_the_same_figures_whatever_the_number_of_processes(disputes):
    from escalate.world.backtest import backtest

    one = backtest(disputes, kind="mids", calibrate_before=2001, samples=300, jobs=1, peers=False)
    two = backtest(disputes, kind="mids", calibrate_before=2001, samples=300, jobs=2, peers=False)
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)


def test_disputes_default_to_the_1990_split_and_say_when_none_is_later(disputes, runner):
    # The fixture's disputes are of 2000 and 2001: the default split leaves nothing to fit on.
    result = runner.invoke(app, ["backtest", "--data", str(disputes), "--conflicts", "mids"])
    assert result.exit_code == 2 and "no disputes to fit on: choose a later year" in result.stderr
    result = runner.invoke(
        app, ["backtest", "--data", str(disputes), "--conflicts", "mids", "--calibrate-before", "2002"]
    )
    assert result.exit_code == 2 and "no dispute began in 2002 or later to score" in result.stderr


def test_without_scikit_learn_the_peers_are_skipped_with_a_note(disputes, runner, monkeypatch):
    from escalate.world import peers

    monkeypatch.setattr(peers, "available", lambda: False)
    result = runner.invoke(app, ["backtest", "--data", str(disputes), "--conflicts", "mids",
                                 "--calibrate-before", "2001", "--samples", "100", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (
        "Note: peers skipped: scikit-learn is not installed (pip install 'escalate[research]')"
        in result.stderr
    )
    assert "logistic regression" not in json.loads(result.stdout)["baselines"]


def test_the_peers_score_alike_on_one_thread_and_say_the_training_rate_when_it_teaches_nothing():
    pytest.importorskip("sklearn")
    from escalate.world.peers import PEERS, fit_and_score

    rng = np.random.default_rng(4)
    train_x, test_x = rng.integers(0, 2, (3000, 5)).astype(float), rng.integers(0, 2, (200, 5)).astype(float)
    train_y = rng.random(3000) < 0.05 + 0.4 * train_x[:, 0]  # the first feature draws joiners in
    found, alone = fit_and_score(train_x, train_y, test_x), fit_and_score(train_x, train_y, test_x, threads=1)
    assert set(found) == set(PEERS)
    for name in PEERS:
        assert np.array_equal(found[name], alone[name])
        assert found[name][test_x[:, 0] == 1].mean() > found[name][test_x[:, 0] == 0].mean() + 0.2
    flat = fit_and_score(train_x, np.zeros(3000, dtype=bool), test_x, threads=1)
    assert all(np.array_equal(flat[name], np.zeros(200)) for name in PEERS)


def test_average_precision_and_auc_by_hand():
    from escalate.world.scores import auc, average_precision, brier

    # Ranked T, F, T, F: precision 1 at recall 1/2, 2/3 at recall 1.
    assert average_precision([0.9, 0.8, 0.3, 0.1], [True, False, True, False]) == pytest.approx(5 / 6)
    # A tie is one threshold: precision 1/2 at recall 1/2, then 2/3 at recall 1.
    assert average_precision([1, 1, 0], [True, False, True]) == pytest.approx(0.5 * 0.5 + 0.5 * 2 / 3)
    # Weights count a pair that many times: the same as repeating it.
    assert auc([3, 2, 1], [True, False, True], [1, 1, 2]) == auc([3, 2, 1, 1], [True, False, True, True])
    assert brier([1.0, 0.0], [True, True], [3, 1]) == pytest.approx(0.25)


def test_curves_keep_a_steep_start_among_many_distinct_scores():
    import numpy as np

    from escalate.world.scores import curves

    # 100,000 distinct scores; the 10 highest are the only joiners bar 10 at the bottom.
    scores = np.linspace(1.0, 0.0, 100_000)
    labels = np.zeros(100_000, dtype=bool)
    labels[:10] = labels[-10:] = True
    found = curves(scores, labels, points=200)
    assert len(found["roc"]) <= 203 and len(found["pr"]) <= 202
    # The plot shows precision 1 up to recall 1/2, then its fall: not a straight line from the top.
    assert [0.5, 1.0] in found["pr"]
    assert any(0.5 < recall < 1 and precision < 0.01 for recall, precision in found["pr"])
    assert [0.0, 0.5] in found["roc"]


def test_cluster_intervals_resample_whole_conflicts():
    from escalate.world.scores import cluster_intervals

    # Two conflicts; a draw takes each 0, 1 or 2 times. The share of pairs from conflict "a"
    # is then 0, 1/2 or 1 (never a share of pairs within a conflict).
    values = np.array([1.0, 1.0, 0.0])
    (low, high) = cluster_intervals(["a", "a", "b"], {"mean": lambda w: (w * values).sum() / w.sum()})["mean"]
    assert 0.0 <= low <= high <= 1.0 and {low, high} <= {0.0, 0.5, 2 / 3, 1.0}


def test_the_bootstrap_measured_in_threads_gives_the_intervals_it_gives_in_one():
    from escalate.world.scores import Ranked, cluster_intervals

    rng = np.random.default_rng(5)
    clusters = rng.integers(0, 40, 2000)
    labels = rng.random(2000) < 0.1
    ranked = Ranked(rng.random(2000) + labels * 0.3, labels)
    measures = {"auc": ranked.auc, "average_precision": ranked.average_precision}
    one = cluster_intervals(clusters, measures, resamples=200, seed=3)
    assert cluster_intervals(clusters, measures, resamples=200, seed=3, jobs=3) == one
    assert one["auc"][0] < one["auc"][1] and one["auc"][0] > 0.5


def test_a_draw_measured_by_its_counts_per_conflict_equals_the_pairs_weighed_to_the_bit():
    from escalate.world.scores import (
        ClusterRanked,
        Ranked,
        brier,
        cluster_index,
        cluster_intervals,
        score_intervals,
    )

    rng = np.random.default_rng(11)
    for share in (0.0, 0.05, 0.4):  # no joiner at all, few, many
        clusters = rng.integers(0, 30, 1500) * 3  # labels, not places: 0, 3, 6, ...
        labels = rng.random(1500) < share
        scores = np.round(rng.random(1500), 2)  # many ties, joiners' among them
        ranked = Ranked(scores, labels)
        names, cluster = cluster_index(clusters)
        drawn = ClusterRanked(ranked, cluster, len(names))
        for _ in range(25):
            taken = np.bincount(rng.integers(0, len(names), len(names)), minlength=len(names))
            weights = taken[cluster].astype(float)
            for mine, theirs in (
                (drawn.auc, ranked.auc),
                (drawn.average_precision, ranked.average_precision),
            ):
                got, expected = mine(taken), theirs(weights)
                assert got == expected or (np.isnan(got) and np.isnan(expected))
    # The summary's intervals: the same as measuring every pair's weight.
    labels = rng.random(1500) < 0.1
    model, rule = Ranked(rng.random(1500) + labels * 0.2, labels), Ranked(rng.integers(0, 4, 1500), labels)
    found = score_intervals(
        clusters, {"model": (model, model.scores), "rule": (rule, rule.scores / 3)}, lead_over="model", seed=2
    )
    by_pairs = cluster_intervals(clusters, {
        "model/auc": model.auc, "rule/average_precision": rule.average_precision,
        "rule/lead": lambda w: model.auc(w) - rule.auc(w),
        "rule/brier": lambda w: brier(rule.scores / 3, labels, w),
    }, seed=2)  # fmt: skip
    assert {name: found[name] for name in by_pairs} == by_pairs
    assert set(found) == {
        f"{n}/{m}" for n in ("model", "rule") for m in ("auc", "average_precision", "brier")
    } | {"rule/lead"}


def test_the_plot_has_three_panels_with_every_score_and_a_legend(disputes, runner, tmp_path):
    from matplotlib.image import imread

    from escalate.render.backtest_plot import MODEL_COLOUR, PEER_COLOURS, backtest_figure
    from escalate.world.backtest import backtest

    figures = backtest(disputes, kind="mids", calibrate_before=2001, samples=300, jobs=1)
    figure = backtest_figure(figures)
    roc, pr, reliability = figure.axes
    assert [ax.get_title() for ax in figure.axes] == [
        "ROC (AUC)", "precision-recall (average precision)", "reliability (empty bins left out)"]  # fmt: skip
    legend = [t.get_text() for t in roc.get_legend().get_texts()]
    assert legend[0].startswith("escalate (") and any(t.startswith("logistic regression (") for t in legend)
    assert any(t.startswith("sum of the three (") for t in legend) and legend[-1] == "chance"
    reliability_legend = [t.get_text() for t in reliability.get_legend().get_texts()]
    assert "escalate" in reliability_legend and "gradient-boosted trees" in reliability_legend

    out = tmp_path / "backtest.png"
    result = runner.invoke(app, ["backtest", "--data", str(disputes), "--conflicts", "mids",
                                 "--calibrate-before", "2001", "--samples", "300", "--plot", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.stderr and f"Wrote {out}" in result.stderr
    image = imread(out)
    assert image.shape[:2] == (600, 1800)  # 15 x 5 inches at 120 dpi
    pixels = {tuple(round(c * 255) for c in px[:3]) for px in image.reshape(-1, image.shape[2])}

    def present(colour):
        rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return any(max(abs(a - b) for a, b in zip(rgb, px, strict=True)) <= 8 for px in pixels)

    assert present(MODEL_COLOUR) and all(present(c) for c in PEER_COLOURS.values())
    bad = runner.invoke(app, ["backtest", "--data", str(disputes), "--conflicts", "mids",
                              "--calibrate-before", "2001", "--plot", str(tmp_path / "b.gif")])  # fmt: skip
    # A command-line mistake, refused before any work is done.
    assert bad.exit_code == 2 and "unknown image format '.gif'" in bad.stderr
    assert not (tmp_path / "b.gif").exists()


@pytest.mark.skipif(not DATA.is_dir(), reason="shared/data is not present")
def test_real_disputes_match_the_protocol():
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import candidates
    from escalate.world.conflicts import disputes as read_disputes

    found = read_disputes(DATA)
    data = WorldData(DATA, with_disputes=False)
    assert len(found) == 2436
    scored = {d.number: candidates(data, d) for d in found}
    pairs = sum(len(scored[d.number]) for d in found)
    joiners = sum(len(set(d.joiners) & set(scored[d.number])) for d in found)
    later = [d for d in found if d.start.year >= 1990]
    later_pairs = sum(len(scored[d.number]) for d in later)
    later_joiners = sum(len(set(d.joiners) & set(scored[d.number])) for d in later)
    assert len(later) == 711
    # The protocol: about 297,900 pairs with about 654 joiners; 133,600 and 209 from 1990
    # (less 443 pairs of states gone from the system before the dispute began; a 444th, Syria in
    # the United Arab Republic in November 1958, joined all the same and stays).
    assert abs(pairs - 297_900) < 1_000 and abs(joiners - 654) < 10
    assert abs(later_pairs - 133_600) < 1_000 and abs(later_joiners - 209) < 10
    everyone = sum(len(data.system[d.start.year] - set(d.originators)) for d in found)
    assert everyone - pairs == 443


@pytest.mark.skipif(not DATA.is_dir(), reason="shared/data is not present")
def test_real_wars_leave_out_the_states_gone_before_they_began():
    """Czechoslovakia left the system in March 1939: not a candidate of the Second World War, nor in its graph."""
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import candidates, war_graph, wars

    data = WorldData(DATA)
    (ww2,) = [w for w in wars(DATA) if w.name == "World War II"]
    gone = {305, 315, 339}  # Austria, Czechoslovakia, Albania
    assert not gone & set(candidates(data, ww2)) and 315 in data.system[1939]
    graph, names = war_graph(data, ww2)
    assert not gone & set(names) and {200, 220, 290, 365} <= set(names)
    (gulf,) = [w for w in wars(DATA) if w.name == "Gulf War"]
    # The two Yemens united in May 1990: in August only Yemen is left, with both their ties.
    assert {678, 680} & set(war_graph(data, gulf)[1]) == set() and 679 in war_graph(data, gulf)[1]


@pytest.mark.skipif(not DATA.is_dir(), reason="shared/data is not present")
def test_real_korean_war_graph_holds_the_comrades_of_the_second_world_war():
    """The Second World War began in 1939, before the Korean War's ten years, and ended in them."""
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import war_graph, wars

    data = WorldData(DATA)
    (korea,) = [w for w in wars(DATA) if w.name == "Korean"]
    graph, names = war_graph(data, korea)
    comrades = {frozenset(r.actors) for r in graph.relations if r.type == "co_belligerence"}
    for a, b in ((900, 2), (900, 200), (920, 200), (20, 2)):  # Australia, New Zealand, Canada, US, UK
        assert frozenset((names[a], names[b])) in comrades
    assert frozenset((names[2], names[365])) in comrades  # the US and the USSR, allies until 1945
    assert all("begun or ended 1940-1949" in r.note for r in graph.relations if r.type == "co_belligerence")


@pytest.mark.skipif(not DATA.is_dir(), reason="shared/data is not present")
def test_real_graphs_of_a_year_checking_the_relations_they_share_once_are_those_checked_in_full():
    """The disputes of 1939, on graphs that differ by the ties ended and begun before each day."""
    from escalate.model import scenario_from_data
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import _war_graph, disputes, war_graph

    data = WorldData(DATA)
    graphs: dict = {}
    for dispute in [d for d in disputes(DATA) if d.start.year == 1939]:
        war_graph(data, dispute, graphs)
    assert len(graphs) >= 3
    for key, (graph, _) in graphs.items():
        assert graph == scenario_from_data(_war_graph(data, *key), path=None)
    shared = set.intersection(*({id(r) for r in graph.relations} for graph, _ in graphs.values()))
    smallest = min(len(graph.relations) for graph, _ in graphs.values())
    assert len(shared) > 0.8 * smallest  # most are the same objects: checked once


@pytest.mark.skipif(not DATA.is_dir(), reason="shared/data is not present")
def test_real_features_read_from_the_originators_agree_with_each_candidates_own_ties():
    """The features are read from the originators' ties outward; read candidate by candidate instead."""
    import numpy as np

    from escalate.world.atop import WorldData
    from escalate.world.conflicts import disputes as read_disputes
    from escalate.world.features import OBLIGATIONS, Facts, candidates, pair_features

    data = WorldData(DATA)
    facts = Facts(data)
    for dispute in read_disputes(DATA)[::60]:  # 41 disputes from 1816 to 2014
        known, states = facts(dispute.start.year), candidates(data, dispute)
        sides = [{o for o, s in dispute.originators.items() if s == side} for side in (0, 1)]
        expected = []
        for state in states:
            ties = known.obligations.get(state, {})
            row = [
                float(any(kind in ties.get(o, ()) for o in side)) for kind in OBLIGATIONS for side in sides
            ]
            for near in (known.borders, known.vicinity, known.rivals, known.comrades):
                row += [float(bool(near.get(state, frozenset()) & side)) for side in sides]
            expected.append([*row, float(state in known.majors), float(len(ties))])
        assert np.array_equal(
            pair_features(known, dispute, states), np.array(expected).reshape(len(states), -1)
        )


@pytest.mark.skipif(not DATA.is_dir(), reason="shared/data is not present")
def test_real_disputes_arrays_say_which_table_key_each_coin_takes_as_the_compiled_ties_say():
    """Calibration counts chance events by the arrays' key codes: on real graphs (promises, restated
    coalitions, strikes) they name exactly the keys the compiled flare-up names."""
    from escalate.engine.arrays import TieArrays
    from escalate.engine.compile import compile_scenario
    from escalate.likelihoods import KEYS
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import disputes as read_disputes
    from escalate.world.conflicts import war_flare_up, war_graph

    data, graphs, promises = WorldData(DATA), {}, 0
    for dispute in read_disputes(DATA)[::120]:  # 21 disputes from 1816 to 2014
        graph, names = war_graph(data, dispute, graphs)
        if (flare := war_flare_up(graph, dispute, names)) is None:
            continue
        compiled = compile_scenario(graph, flare)
        arrays = TieArrays(compiled)
        codes = arrays.key_of_coin()
        assert {coin: KEYS[code] for coin, code in enumerate(codes) if code >= 0} == compiled.coin_keys()
        promises += len(arrays.damp_coin)
    assert promises  # some graph held neutrality or non-aggression promises


def test_long_work_shows_progress_on_a_terminal_and_nothing_otherwise(disputes, monkeypatch):
    import io

    from escalate.world.backtest import backtest

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    backtest(disputes, kind="mids", calibrate_before=2001, samples=100, jobs=1, peers=False)
    shown = terminal.getvalue()
    assert "\rbacktest: sampling 1/1 conflicts" in shown and "round 3/3: fitting the table" in shown
    assert "\rbacktest: scoring 1/1 conflicts" in shown and shown.endswith("\n")
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    backtest(disputes, kind="mids", calibrate_before=2001, samples=100, jobs=1, peers=False)
    assert pipe.getvalue() == ""


def test_world_files_with_a_word_for_a_number_are_an_error_at_their_line(data, runner):
    states = data / "cow_state_system_v2016/states2016.csv"
    states.write_text(states.read_text().replace("BBB,2,Beta", "BBB,two,Beta"))
    result = runner.invoke(
        app, ["import", "atop", "--data", str(data), "--year", "2000", "-o", str(data / "w.toml")]
    )
    assert (
        result.exit_code == 1 and "states2016.csv:3: ccode must be a whole number, not 'two'" in result.stderr
    )
    assert "Traceback" not in result.output and not (data / "w.toml").exists()


def test_the_disputes_replayed_are_checked_by_the_same_rule_as_the_world_read(data):
    # The backtest's list of disputes reads the MIDB file too: an end year before the start
    # is the same error at the same line.
    from escalate.errors import GraphFileError
    from escalate.world.conflicts import conflicts

    write(data, "cow_mid_v5.0/MIDB 5.0.csv", MID_HEADER + mid(7, 2, 1, 3, 2000, 1, 1, end=1999))
    with pytest.raises(GraphFileError, match="MIDB 5.0.csv:2: endyear 1999 is before styear 2000"):
        conflicts(data, "mids")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (mid(7, 2, 1, 3, 2000, 3, 1), "MIDB 5.0.csv:2: sidea 3 is not one of 0 or 1"),
        (mid(7, 2, 1, 3, 0, 1, 1), "MIDB 5.0.csv:2: styear 0 is not a year of the data (1816 on)"),
        (
            mid(7, 2, 1, 3, 2000, 1, 1, end=1999),
            "MIDB 5.0.csv:2: endyear 1999 is before styear 2000",
        ),
        ("", "MIDB 5.0.csv: the file holds no dispute (only a header?)"),
    ],
)
def test_a_bad_dispute_row_stops_the_import_at_its_line(data, runner, row, message):
    write(data, "cow_mid_v5.0/MIDB 5.0.csv", MID_HEADER + row)
    out = data / "w.toml"
    result = runner.invoke(app, ["import", "atop", "--data", str(data), "--year", "2000", "--rivalry-years", "10",
                                 "-o", str(out)])  # fmt: skip
    assert result.exit_code == 1 and message in result.stderr and not out.exists()


def test_a_day_or_month_out_of_range_in_disputes_or_borders_stops_the_import(data, runner):
    write(data, "cow_mid_v5.0/MIDB 5.0.csv", MID_HEADER + mid(7, 2, 99, 3, 2000, 1, 1))
    out = data / "w.toml"
    command = [
        "import",
        "atop",
        "--data",
        str(data),
        "--year",
        "2000",
        "--rivalry-years",
        "10",
        "-o",
        str(out),
    ]
    result = runner.invoke(app, command)
    assert result.exit_code == 1 and "MIDB 5.0.csv:2: stday 99 is not a day of that month" in result.stderr
    write(data, "cow_mid_v5.0/MIDB 5.0.csv", MID_HEADER + mid(7, 2, 1, 3, 2000, 1, 1))
    write(data, "cow_contiguity_v3.2/contdir_v3.2_master_records.csv",
          "statelno,statehno,conttype,begin,end\n2,4,1,192099,201612\n")  # fmt: skip
    result = runner.invoke(app, command)
    assert (
        result.exit_code == 1
        and "contdir_v3.2_master_records.csv:2: begin 192099 is not a year and month" in result.stderr
    )
    assert not out.exists()
    write(
        data, "cow_contiguity_v3.2/contdir_v3.2_master_records.csv", "statelno,statehno,conttype,begin,end\n"
    )
    states = (data / "cow_state_system_v2016/states2016.csv").read_text()
    write(data, "cow_state_system_v2016/states2016.csv", states + "NEW,6,Newland,2001,2,30,2016,12,31,2016\n")
    result = runner.invoke(app, command)
    assert result.exit_code == 1 and "states2016.csv:7: a spell's dates must be days" in result.stderr
    assert not out.exists()


def test_a_state_list_without_dates_counts_each_member_all_year(data):
    from escalate.world.atop import WorldData

    write(data, "cow_state_system_v2016/states2016.csv", "stateabb,ccode,statenme\nAAA,1,Alpha\nBBB,2,Beta\n"
          "CCC,3,Gamma\nDDD,4,Delta\nOLD,5,Oldland\n")  # fmt: skip
    world = WorldData(data)
    assert world.spells == {} and world.gone_by(dt.date(2000, 6, 1), [1, 5]) == frozenset()


def _folder_of(data, graphs, conflict):
    return str(data.folder)


def test_two_worker_pools_alive_at_once_each_work_on_their_own_data(disputes, tmp_path):
    import shutil

    from escalate.world.atop import WorldData
    from escalate.world.conflicts import conflicts
    from escalate.world.parallel import Workers

    other = tmp_path / "other"
    shutil.copytree(disputes, other)
    found = conflicts(disputes, "mids")
    with Workers(WorldData(disputes), jobs=2) as first, Workers(WorldData(other), jobs=2) as second:
        assert set(first.map(_folder_of, found).values()) == {str(disputes)}
        assert set(second.map(_folder_of, found).values()) == {str(other)}


def _worker(data, graphs, conflict):
    return os.getpid()


def test_a_years_conflicts_go_to_the_same_worker_every_time_so_its_graphs_are_built_once(disputes):
    """Calibration samples the same conflicts round after round: a year's graphs stay with one worker."""
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import conflicts
    from escalate.world.parallel import Workers

    found = conflicts(disputes, "mids")
    with Workers(WorldData(disputes), jobs=2) as workers:
        rounds = [workers.map(_worker, found) for _ in range(4)]
        rounds.append(workers.map(_worker, found[1:]))  # a subset keeps its homes too
    assert all(r == {n: rounds[0][n] for n in r} for r in rounds)
    # The two years went to two workers (the least loaded takes a new year).
    assert len(set(rounds[0].values())) == 2


def _freeze_count(data, graphs, conflict):
    import gc

    return gc.get_freeze_count()


def _build_graph(data, graphs, conflict):
    from escalate.world.conflicts import war_graph

    war_graph(data, conflict, graphs)


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_graphs_a_pool_keeps_are_frozen_out_of_the_collectors_sight_and_thawed_at_close(disputes, jobs):
    """A full collection walks every tracked object: kept graphs made them slow (see parallel.py)."""
    import gc

    from escalate.world.atop import WorldData
    from escalate.world.conflicts import conflicts
    from escalate.world.parallel import Workers

    found = conflicts(disputes, "mids")
    assert gc.get_freeze_count() == 0
    with Workers(WorldData(disputes), jobs=jobs) as workers:
        before = workers.map(_freeze_count, found)
        workers.map(_build_graph, found)
        after = workers.map(_freeze_count, found)
        assert all(after[n] > before[n] > 0 for n in before)  # the world data, then the graphs too
    assert gc.get_freeze_count() == 0  # this process's objects are collected again
    # What someone else froze stays frozen.
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with Workers(WorldData(disputes), jobs=1) as workers:
            workers.map(_build_graph, found)
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


def _blocks_mapped_for(size):
    """How many blocks glibc's malloc maps on their own to give ``size`` bytes (0: from its heap)."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                                                         "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]  # fmt: skip

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype, libc.malloc.restype = MallInfo2, ctypes.c_void_p
    libc.malloc.argtypes, libc.free.argtypes = [ctypes.c_size_t], [ctypes.c_void_p]
    before = libc.mallinfo2().hblks
    block = libc.malloc(size)
    try:
        return libc.mallinfo2().hblks - before
    finally:
        libc.free(block)


def _mapped_in_worker(data, graphs, conflict):
    return _blocks_mapped_for(16 << 20)


def _has_glibc_mallinfo2():
    import ctypes

    try:
        return hasattr(ctypes.CDLL(None), "mallinfo2")
    except (OSError, TypeError):
        return False


@pytest.mark.skipif(not _has_glibc_mallinfo2(), reason="glibc's malloc (2.33 or later) only")
def test_while_a_pool_is_open_malloc_keeps_blocks_of_megabytes_in_its_heap_in_it_and_its_workers(disputes):
    """Mapped afresh, every page of a freed and remade array is faulted in again (see parallel.py)."""
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import conflicts
    from escalate.world.parallel import Workers

    found = conflicts(disputes, "mids")
    with Workers(WorldData(disputes), jobs=2) as workers:
        assert _blocks_mapped_for(16 << 20) == 0
        with Workers(WorldData(disputes), jobs=1):  # a pool within: closed, the outer one still keeps
            pass
        assert _blocks_mapped_for(16 << 20) == 0
        assert set(workers.map(_mapped_in_worker, found).values()) == {0}  # forked, they keep it too


def _young_threshold(data, graphs, conflict):
    import gc

    return gc.get_threshold()[0]


def test_while_a_pool_is_open_young_collections_are_rarer_in_it_and_its_workers(disputes):
    """The graphs and ties are made by the million: a young collection every 700 walked them over and over."""
    import gc

    from escalate.world import parallel
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import conflicts

    before = gc.get_threshold()
    with parallel.Workers(WorldData(disputes), jobs=2) as workers:
        assert gc.get_threshold() == (parallel.YOUNG_COLLECTION_EVERY, *before[1:])
        with parallel.Workers(WorldData(disputes), jobs=1):
            pass
        assert gc.get_threshold()[0] == parallel.YOUNG_COLLECTION_EVERY  # the outer pool is still open
        found = workers.map(_young_threshold, conflicts(disputes, "mids"))
        assert set(found.values()) == {parallel.YOUNG_COLLECTION_EVERY}
    assert gc.get_threshold() == before


def test_a_collector_switched_off_stays_off_while_a_pool_is_open(disputes):
    import gc

    from escalate.world import parallel
    from escalate.world.atop import WorldData

    before = gc.get_threshold()
    gc.set_threshold(0)
    try:
        with parallel.Workers(WorldData(disputes), jobs=1):
            assert gc.get_threshold()[0] == 0
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)


def _blas_threads(data=None, graphs=None, conflict=None):
    import numpy  # noqa: F401  (loads its BLAS)
    from threadpoolctl import threadpool_info

    return sorted({library["num_threads"] for library in threadpool_info() if library["user_api"] == "blas"})


def test_while_a_pool_is_open_blas_runs_on_one_thread_in_it_and_its_workers(disputes):
    """The pool's processes and the fits' threads use every core: BLAS's own threads would spin beside them."""
    from escalate.world import parallel
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import conflicts

    before = _blas_threads()
    if not before:
        pytest.skip("numpy found no BLAS library threadpoolctl knows")
    with parallel.Workers(WorldData(disputes), jobs=2) as workers:
        assert _blas_threads() == [1]
        assert set(map(tuple, workers.map(_blas_threads, conflicts(disputes, "mids")).values())) == {(1,)}
    assert _blas_threads() == before


def test_freed_memory_is_kept_from_the_first_pool_opened_to_the_last_closed(disputes, monkeypatch):
    from escalate.world import parallel
    from escalate.world.atop import WorldData

    asked = []
    monkeypatch.setattr(parallel, "keep_freed_memory", asked.append)
    with parallel.Workers(WorldData(disputes), jobs=1):
        with parallel.Workers(WorldData(disputes), jobs=1):
            assert asked == [True]
        assert asked == [True]
    assert asked == [True, False]  # given back (glibc's first thresholds, the free memory returned)


def test_without_glibc_keeping_freed_memory_changes_nothing(monkeypatch):
    import ctypes

    from escalate.world import parallel

    def no_libc(name):
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    assert parallel.keep_freed_memory(True) is False


@pytest.mark.parametrize(
    "error",
    [
        __import__("escalate.errors", fromlist=["x"]).GraphFileError("data/x.csv", ["data/x.csv:3: bad"]),
        __import__("escalate.errors", fromlist=["x"]).UnknownActorError("Narnia", ["Nauru"], what="scenario"),
        __import__("escalate.errors", fromlist=["x"]).UnknownRelationError("hug", ["hostility"]),
        __import__("escalate.errors", fromlist=["x"]).NotDrawnInError("Georgia", "Armenia"),
        __import__("escalate.errors", fromlist=["x"]).FlareUpError("no war began in 3000"),
    ],
)
def test_errors_cross_from_a_worker_process_intact(error):
    import pickle

    # A worker's error comes back pickled: it must rebuild as itself, message and all.
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == str(error) and vars(again) == vars(error)


@pytest.fixture
def unification(data):
    """The fixture world with a Federal Republic (260) that united Germany (255) carries on in 1990.

    In 1989 the Federal Republic and Alpha defend each other, it sits in alliance 9200 with
    Beta and Gamma, and it fought Gamma in 1985; the data start Germany's own rows in 1990.
    """
    states = (data / "cow_state_system_v2016/states2016.csv").read_text()
    write(data, "cow_state_system_v2016/states2016.csv", states + "GFR,260,Westland,1955,5,5,1990,10,2,2016\n"
          "GMY,255,Unionland,1990,10,3,2016,12,31,2016\n")  # fmt: skip
    system = (data / "cow_state_system_v2016/system2016.csv").read_text()
    years = ((1989, (1, 2, 3, 260)), (1990, (1, 2, 3, 260, 255)), (1991, (1, 2, 3, 255)))
    write(data, "cow_state_system_v2016/system2016.csv", system + "".join(
        f"X,{c},{year},2016\n" for year, codes in years for c in codes))  # fmt: skip
    atop = (data / "atop_v5.1/atop5_1_ddyr_obligations.csv").read_text()
    write(
        data, "atop_v5.1/atop5_1_ddyr_obligations.csv", atop + "260,1,1989,1,0,0,0,0\n1,260,1989,1,0,0,0,0\n"
    )
    members = (data / "atop_v4.01/atop-member-level.csv").read_text()
    write(data, "atop_v4.01/atop-member-level.csv", members + "".join(
        f"9200,{c},1980,{last},1,0,0,0,0,0\n" for c, last in ((2, 0), (3, 0), (260, 1990))))  # fmt: skip
    mids = (data / "cow_mid_v5.0/MIDB 5.0.csv").read_text()
    write(data, "cow_mid_v5.0/MIDB 5.0.csv", mids + "".join(
        mid(11, c, 1, 1, 1985, side, 1) + mid(12, c, 1, 6, 1990, side, 1) for c, side in ((260, 1), (3, 0))))  # fmt: skip
    return data


def test_united_germany_carries_on_the_federal_republics_ties_in_1990(unification):
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import conflicts, war_graph
    from escalate.world.features import Facts

    data = WorldData(unification)
    assert data.heirs(1990) == {255: (260,)} and data.heirs(1991) == {}
    dispute = next(c for c in conflicts(unification, "mids") if c.start.year == 1990)
    graph, names = war_graph(data, dispute)
    ties = {(r.type.value, *sorted(r.actors)) for r in graph.relations if names[255] in r.actors}
    # The Federal Republic's pact of 1989 and its dispute of 1985, now Germany's too.
    assert ("defense_pact", "Alpha", "Unionland") in ties and ("hostility", "Gamma", "Unionland") in ties
    assert not any("Westland" in t for t in ties)  # no tie between a state and its own heir
    # It shares the alliance: both stand in 1990, and COW lists both as candidates that year.
    (alliance,) = [a for a in graph.actors.values() if a.kind == "alliance" and "Beta" in a.members]
    assert {"Westland", "Unionland"} <= set(alliance.members)
    # The peers and the rules read the same facts.
    facts = Facts(data)(1990)
    assert "defense" in facts.obligations[255][1] and "defense" in facts.obligations[1][255]
    assert 3 in facts.rivals[255] and 255 in facts.rivals[3]


def test_a_state_gone_before_a_conflict_began_is_neither_in_its_graph_nor_a_candidate(unification):
    """The Federal Republic leaves the system on 2 October 1990: a dispute of November cannot draw it in."""
    from escalate.world.atop import WorldData
    from escalate.world.backtest import predict
    from escalate.world.conflicts import candidates, conflicts, war_graph

    mids = (unification / "cow_mid_v5.0/MIDB 5.0.csv").read_text()
    write(
        unification,
        "cow_mid_v5.0/MIDB 5.0.csv",
        mids + mid(13, 1, 1, 11, 1990, 1, 1) + mid(13, 2, 1, 11, 1990, 0, 1),
    )
    data = WorldData(unification)
    june, november = sorted(
        (c for c in conflicts(unification, "mids") if c.start.year == 1990), key=lambda c: c.start
    )
    graphs = {}
    graph, names = war_graph(data, november, graphs)
    assert 260 not in names and "Westland" not in graph.actors
    assert not any("Westland" in r.actors for r in graph.relations)
    # Its heir has taken its ties over first: the pact with Alpha and its place in the alliance.
    assert any(
        r.type.value == "defense_pact" and set(r.actors) == {"Alpha", "Unionland"} for r in graph.relations
    )
    (alliance,) = [a for a in graph.actors.values() if a.kind == "alliance"]
    assert set(alliance.members) == {"Beta", "Gamma", "Unionland"}
    assert 260 not in candidates(data, november) and 255 in candidates(data, november)
    # In June it was still a member, and began a dispute: its graph has it (one graph per such set).
    assert 260 in war_graph(data, june, graphs)[1] and len(graphs) == 2
    scored = {
        (p.war, p.ccode)
        for p in predict(unification, kind="mids", samples=50, data=data, only=lambda c: c.start.year == 1990)
    }
    assert (november.number, 260) not in scored and (november.number, 255) in scored


def test_a_gone_state_the_data_have_join_stays_a_candidate_with_no_chance(unification):
    """MID has Syria join a dispute of 1958 after it entered the United Arab Republic: its pair is scored."""
    from escalate.world.backtest import predict
    from escalate.world.conflicts import conflicts

    mids = (unification / "cow_mid_v5.0/MIDB 5.0.csv").read_text()
    write(unification, "cow_mid_v5.0/MIDB 5.0.csv", mids + mid(13, 1, 1, 11, 1990, 1, 1)
          + mid(13, 2, 1, 11, 1990, 0, 1) + mid(13, 260, 5, 11, 1990, 0, 0))  # fmt: skip
    (november,) = [c for c in conflicts(unification, "mids") if c.start.month == 11]
    (westland,) = [
        p
        for p in predict(unification, kind="mids", samples=50, only=lambda c: c.start.year == 1990)
        if (p.war, p.ccode) == (november.number, 260)
    ]
    assert westland.joined and westland.probability == 0.0


@pytest.mark.parametrize("how", [["--calibrate-before", "2001"], ["--calibrate-before", "2001", "--rolling"]])
def test_the_seed_draws_the_fits_as_well_as_the_scoring(disputes, runner, monkeypatch, how):
    """Rerunning with other seeds shows the whole Monte Carlo spread, the fits' included."""
    import escalate.world.backtest as backtest

    seen = []
    for name in ("calibrate", "rolling_tables"):
        fit = getattr(backtest, name)
        monkeypatch.setattr(backtest, name, lambda *a, _fit=fit, **k: seen.append(k["seed"]) or _fit(*a, **k))
    result = runner.invoke(app, ["backtest", "--data", str(disputes), "--conflicts", "mids", *how,
                                 "--samples", "50", "--seed", "7", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert seen == [7]


def test_an_heir_of_two_takes_both_ties_the_worse_grade_and_none_between_them(data):
    """United Yemen: two predecessors that defend each other, both in disputes with Gamma."""
    from escalate.model import scenario_from_data
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import _war_graph
    from escalate.world.features import Facts

    states = (data / "cow_state_system_v2016/states2016.csv").read_text()
    write(data, "cow_state_system_v2016/states2016.csv", states + "".join(
        f"{abbreviation},{c},{name},1960,1,1,2016,12,31,2016\n"
        for abbreviation, c, name in (("YAR", 678, "Northland"), ("YPR", 680, "Southland"), ("YEM", 679, "Unity"))))  # fmt: skip
    system = (data / "cow_state_system_v2016/system2016.csv").read_text()
    write(data, "cow_state_system_v2016/system2016.csv", system + "".join(
        f"X,{c},{year},2016\n" for year, codes in ((1989, (1, 2, 3, 678, 680)), (1990, (1, 2, 3, 679)))
        for c in codes))  # fmt: skip
    atop = (data / "atop_v5.1/atop5_1_ddyr_obligations.csv").read_text()
    write(data, "atop_v5.1/atop5_1_ddyr_obligations.csv", atop
          + "678,680,1989,1,0,0,0,0\n680,678,1989,1,0,0,0,0\n"  # the two defend each other
          + "2,678,1989,1,0,0,0,0\n")  # Beta guarantees the north  # fmt: skip
    mids = (data / "cow_mid_v5.0/MIDB 5.0.csv").read_text()
    write(data, "cow_mid_v5.0/MIDB 5.0.csv", mids
          + mid(21, 678, 1, 1, 1985, 1, 1, hostility=3) + mid(21, 3, 1, 1, 1985, 0, 1, hostility=3)
          + mid(22, 680, 1, 1, 1986, 1, 1, hostility=5) + mid(22, 3, 1, 1, 1986, 0, 1, hostility=5))  # fmt: skip
    data_ = WorldData(data)
    assert data_.heirs(1990) == {679: (678, 680)}
    graph = scenario_from_data(_war_graph(data_, 1990), path=None)  # loads: no tie of Unity with itself
    ties = {(r.type.value, r.origin, *r.targets): r.level for r in graph.relations if "Unity" in r.actors}
    assert ties == {("guarantee", "Beta", "Unity"): None, ("hostility", "Gamma", "Unity"): "war"}
    facts = Facts(data_)(1990)
    assert facts.obligations[2][679] == {"defense"} and 679 not in facts.obligations.get(679, {})
    assert facts.rivals[679] == {3} and 679 not in facts.rivals.get(678, set())


def test_a_state_new_in_the_start_year_has_its_borders_of_that_year(data):
    """Borders are those in force in the start year, a newcomer's as every state's (the features' too)."""
    from escalate.model import scenario_from_data
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import _war_graph
    from escalate.world.features import Facts

    states = (data / "cow_state_system_v2016/states2016.csv").read_text()
    write(data, "cow_state_system_v2016/states2016.csv", states + "NEW,6,Newland,2001,1,1,2016,12,31,2016\n")
    add_system_year(data, 2001)
    system = (data / "cow_state_system_v2016/system2016.csv").read_text()
    write(data, "cow_state_system_v2016/system2016.csv", system + "NEW,6,2001,2016\n")
    borders = (data / "cow_contiguity_v3.2/contdir_v3.2_master_records.csv").read_text()
    write(data, "cow_contiguity_v3.2/contdir_v3.2_master_records.csv", borders + "2,6,1,200101,201612\n")
    world = WorldData(data)
    graph = scenario_from_data(_war_graph(world, 2001), path=None)  # the obligations of 2000, before Newland
    assert {tuple(sorted(r.actors)) for r in graph.relations if r.type.value == "border"} == {
        ("Beta", "Delta"), ("Beta", "Newland")}  # fmt: skip
    assert 6 in Facts(world)(2001).borders[2]
