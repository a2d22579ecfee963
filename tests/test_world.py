"""The world from data: COW states and ATOP obligations, on fixtures and on the real files."""

import pytest

from escalate import GraphFileError, LikelihoodTable, escalation_paths, load_scenario
from escalate.cli import app
from escalate.world.atop import WorldData, world_scenario

from .conftest import MID_HEADER, SHARED, add_system_year, mid, write

DATA = SHARED / "data"


def kinds(scenario):
    return sorted((r.type.value, r.origin, *r.targets) for r in scenario.relations)


def test_obligations_map_to_relations(data):
    world = world_scenario(data, 2000)
    label = "ATOP 9000 of 1995: Beta, Gamma and Delta"  # the data gives a number: year and members
    assert set(world.actors) == {"Alpha", "Beta", "Gamma", "Delta", label}
    assert world.resolve("ATOP alliance 9000") == world.resolve("atop9000") == label
    assert world.resolve("AAA") == "Alpha" and world.resolve("3") == "Gamma"
    assert kinds(world) == [
        ("border", "Beta", "Delta"),  # land only: Alpha and Gamma are 12 miles apart by sea
        ("consultation_pact", "Alpha", "Delta"),  # ATOP's consultation: a promise to talk
        ("defense_pact", "Alpha", "Beta"),
        ("guarantee", "Gamma", "Alpha"),
        ("neutrality_pact", "Alpha", "Delta"),
        ("nonaggression_pact", "Alpha", "Delta"),
        ("offense_pact", "Gamma", "Alpha"),  # ATOP's offence obligation: its own likelihood
    ]
    assert {r.source for r in world.relations} == {"atop", "cow_contiguity"}
    assert world.sources["atop"].title.startswith("Alliance Treaty Obligations and Provisions")
    assert [a.id for a in world.actors.values() if a.major_power] == ["Delta"]


def test_a_multilateral_alliance_is_one_actor_not_a_clique_of_pacts(data):
    write(data, "atop_v5.1/atop5_1_ddyr_obligations.csv",
          "ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"
          + "".join(f"{a},{b},2000,1,0,0,0,0\n" for a in (2, 3, 4) for b in (2, 3, 4) if a != b)
          + "1,2,2000,1,0,0,0,0\n2,1,2000,1,0,0,0,0\n")  # fmt: skip
    world = world_scenario(data, 2000)
    alliance = world.actors[world.resolve("atop9000")]
    assert alliance.kind == "alliance" and alliance.collective_defense
    assert alliance.members == ("Beta", "Gamma", "Delta") and world.resolve("atop9000") == alliance.id
    assert "defconum" in alliance.note  # the non-provocation condition is kept
    # The members' pairwise pacts are left to the alliance; Alpha-Beta stays a pact.
    assert [k for k in kinds(world) if k[0] == "defense_pact"] == [("defense_pact", "Alpha", "Beta")]
    # Attacked Beta calls the alliance once; each other member honours it once.
    table = (
        __import__("escalate")
        .LikelihoodTable()
        .updated(
            {
                "collective_defense.acts": 1.0,
                "collective_defense.member": 0.5,
                "major_power": 0.0,
                "border": 0.0,
            }
        )
    )
    result = escalation_paths(world, "Alpha", "Beta", initiator="Alpha", likelihoods=table)
    assert result.probability("Gamma", "Beta") == pytest.approx(0.5)
    assert result.probability("Delta", "Beta") == pytest.approx(0.5)


def test_rivalry_from_disputes_in_the_years_before(data):
    assert ("hostility", "Beta", "Delta") in kinds(world_scenario(data, 2000, rivalry_years=10))
    assert not [k for k in kinds(world_scenario(data, 2000, rivalry_years=3)) if k[0] == "hostility"]


def test_rivalries_are_graded_and_dispute_partners_become_co_belligerents(data):
    write(data, "cow_mid_v5.0/MIDB 5.0.csv",
          "dispnum,stabb,ccode,stday,stmon,styear,endday,endmon,endyear,sidea,revstate,revtype1,revtype2,fatality,fatalpre,hiact,hostlev,orig,version\n"
          "7,BBB,2,1,1,1995,1,2,1995,1,1,1,0,0,0,0,4,1,5\n7,DDD,4,1,1,1995,1,2,1995,0,0,0,0,2,0,0,4,1,5\n"
          "9,BBB,2,1,1,1997,1,2,1997,1,1,1,0,0,0,0,2,1,5\n9,AAA,1,1,1,1997,1,2,1997,1,0,0,0,0,0,0,3,0,5\n"
          "9,DDD,4,1,1,1997,1,2,1997,0,0,0,0,0,0,0,2,1,5\n")  # fmt: skip
    world = world_scenario(data, 2000, rivalry_years=10)
    (rivalry,) = [r for r in world.relations if r.type == "hostility" and set(r.actors) == {"Beta", "Delta"}]
    assert rivalry.level == "fatal"  # force with deaths in 1995, threats in 1997: the worst counts
    assert (
        rivalry.note == "2 disputes begun 1990-1999, the latest in 1997; the worst: force used, with deaths"
    )
    (comrades,) = [r for r in world.relations if r.type == "co_belligerence"]
    assert set(comrades.actors) == {"Alpha", "Beta"}  # side A of dispute 9
    # In a flare-up Beta fights, its partner may join it: the same side, as an ally.
    table = __import__("escalate").LikelihoodTable().updated({"co_belligerence": 0.4})
    only = world.without_relations(type="hostility").without_relations(type="defense_pact")
    result = escalation_paths(only, "Beta", "Gamma", initiator="Gamma", likelihoods=table, method="exact")
    assert result.party("Alpha", "Beta").roles["ally"] == pytest.approx(0.4)


def test_comrades_are_of_disputes_begun_or_ended_in_the_years_before(data):
    # The window of 2000 is 1990-1999. Dispute 3 (1985-1992) ended in it: its side A are comrades,
    # as the allies of 1945 were in 1950. Dispute 4 (1980-2003) neither began nor ended in it;
    # dispute 5 began in 2000, the year asked about. Neither makes comrades.
    def row(number, ccode, start, end, side_a):
        return mid(number, ccode, 1, 1, start, side_a, 1, end=end)

    write(data, "cow_mid_v5.0/MIDB 5.0.csv", MID_HEADER
          + row(3, 1, 1985, 1992, 1) + row(3, 2, 1985, 1990, 1) + row(3, 4, 1985, 1992, 0)
          + row(4, 3, 1980, 2003, 1) + row(4, 4, 1980, 2003, 1) + row(4, 2, 1980, 2003, 0)
          + row(5, 1, 2000, 2000, 1) + row(5, 3, 2000, 2000, 1) + row(5, 2, 2000, 2000, 0))  # fmt: skip
    world = world_scenario(data, 2000, rivalry_years=10)
    (comrades,) = [r for r in world.relations if r.type == "co_belligerence"]
    assert set(comrades.actors) == {"Alpha", "Beta"}
    assert comrades.note == "1 dispute begun or ended 1990-1999 on the same side, the latest going in 1992"
    # Hostility stays with the disputes begun in the window: none here.
    assert not [r for r in world.relations if r.type == "hostility"]
    # In 1995 (1985-1994) dispute 4 is still going but began in 1980: only dispute 3 counts.
    assert WorldData(data).comrades(1985, 1994) == {frozenset((1, 2)): (1, 1992)}


@pytest.mark.parametrize(
    "relative",
    [
        "cow_state_system_v2016/majors2016.csv",
        "cow_contiguity_v3.2/contdir_v3.2_master_records.csv",
        "atop_v4.01/atop-member-level.csv",
    ],
)
def test_each_file_the_import_reads_is_named_when_missing(runner, data, tmp_path, relative):
    (data / relative).unlink()
    out = tmp_path / "w.toml"
    result = runner.invoke(app, ["import", "atop", "--data", str(data), "--year", "2000", "-o", str(out)])
    assert result.exit_code == 1 and f"{relative}: no such file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


def test_missing_and_malformed_files(data):
    (data / "atop_v5.1/atop5_1_ddyr_obligations.csv").unlink()
    with pytest.raises(GraphFileError, match=r"atop5_1_ddyr_obligations.csv: no such file"):
        world_scenario(data, 2000)
    write(data, "atop_v5.1/atop5_1_ddyr_obligations.csv", "ccode1,ccode2,year\n1,2,2000\n")
    with pytest.raises(GraphFileError, match=r":1: missing column 'atop_defense'"):
        world_scenario(data, 2000)
    write(data, "atop_v5.1/atop5_1_ddyr_obligations.csv",
          "ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n1,two,2000,1,0,0,0,0\n")  # fmt: skip
    with pytest.raises(GraphFileError, match=r":2: .*must be whole numbers"):
        world_scenario(data, 2000)


def test_cli_import_writes_a_loadable_scenario(runner, data, tmp_path):
    out = tmp_path / "world-2000.toml"
    result = runner.invoke(app, ["import", "atop", "--data", str(data), "--year", "2000", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert load_scenario(out) == world_scenario(data, 2000)
    bad = runner.invoke(
        app, ["import", "atop", "--data", str(tmp_path / "none"), "--year", "2000", "-o", str(out)]
    )
    assert bad.exit_code == 1 and "no such file" in bad.stderr


@pytest.mark.skipif(not DATA.is_dir(), reason="shared/data is not present")
def test_real_world_of_2014():
    world = world_scenario(DATA, 2014, rivalry_years=10)
    assert world.resolve("RUS") == "Russia" and world.resolve("371") == "Armenia"  # COW abbreviation, code
    states = [a for a in world.actors.values() if a.kind == "state"]
    assert 190 <= len(states) <= 200
    nato, csto = world.actors["NATO"], world.actors["Collective Security Treaty (CSTO)"]
    assert len(nato.members) == 28 and {"United States of America", "Turkey"} <= set(nato.members)
    assert {"Russia", "Armenia"} <= set(csto.members)
    assert sorted(a.id for a in states if a.major_power) == [
        "China",
        "France",
        "Germany",
        "Japan",
        "Russia",
        "United Kingdom",
        "United States of America",
    ]
    assert frozenset({"Armenia", "Azerbaijan"}) in {
        frozenset(r.actors) for r in world.relations if r.type == "border"
    }
    # Attacked Armenia invokes the CSTO and the CIS alliance (ATOP 4400; Azerbaijan is in it too,
    # so it never stands by Azerbaijan). With Russia's promises and consultation toward Azerbaijan
    # set aside, Russia honours one of them with 1 - 0.25 ** 2 or more.
    from escalate import LikelihoodTable

    table = LikelihoodTable().updated(
        {
            "nonaggression_pact": 0.0,
            "neutrality_pact": 0.0,
            "entente": 0.0,
            "consultation_pact": 0.0,
            "collective_defense.acts": 1.0,
            "collective_defense.member": 0.75,
            "co_belligerence": 0.0,  # dispute partners of Azerbaijan's set aside as well
        }
    )
    result = escalation_paths(
        world, "Azerbaijan", "Armenia", initiator="Azerbaijan", samples=5000, likelihoods=table
    )
    assert result.method == "monte-carlo"
    assert 0.92 < result.probability("Russia", "Armenia") < 0.97
    assert result.probability("atop4400", "Azerbaijan") == 0.0
    assert "CSTO" in result.party("Russia", "Armenia").paths[0].explanation
    # With the default promises (0.8) Russia's non-aggression pact with Azerbaijan mostly holds.
    default = escalation_paths(world, "Azerbaijan", "Armenia", initiator="Azerbaijan", samples=5000)
    assert default.probability("Russia", "Armenia") < 0.3


#: A major power's chance to intervene in a war, from the default table.
REACH = LikelihoodTable().get("major_power")


@pytest.mark.skipif(not DATA.is_dir(), reason="shared/data is not present")
def test_a_major_power_bound_to_the_attacker_is_not_drawn_to_the_attacked():
    # "The United States attacks Iraq" on the world of 1991: France, Germany, the United Kingdom
    # and Japan reach any war as major powers; bound to the United States (NATO, consultation),
    # the reach brings them to its side, never to Iraq's (before the side rule: 1.4-1.6% each).
    world = world_scenario(DATA, 1991)
    result = escalation_paths(world, "United States of America", "Iraq", initiator="United States of America",
                              samples=4000)  # fmt: skip
    for power in ("France", "Germany", "United Kingdom", "Japan"):
        assert result.probability(power, "Iraq") < 0.002
        # The reach alone (one decision, the table's major_power) brings it to that side.
        assert result.party(power, "United States of America").roles["ally"] > 0.5 * REACH
        chains = [path.explanation for path in result.party(power, "United States of America").paths]
        assert any("its ties bind it to United States of America's side" in c for c in chains)
    # China is bound to neither: its reach brings it to the attacked side, as before.
    assert result.party("China", "Iraq").roles["ally"] > 0.5 * REACH


WAR_HEADER = "WarNum,WarName,WarType,ccode,StateName,Side,StartMonth1,StartDay1,StartYear1,EndMonth1,EndDay1,EndYear1,StartMonth2,StartDay2,StartYear2,EndMonth2,EndDay2,EndYear2,TransFrom,WhereFought,Initiator,Outcome,TransTo,BatDeath,Version"


def war_row(number, ccode, side, month, day, year, initiator):
    return f"{number},War {number},1,{ccode},S{ccode},{side},{month},{day},{year},12,31,{year},-8,-8,-8,-8,-8,-8,-8,1,{initiator},1,-8,1000,4"


@pytest.fixture
def history(data):
    # War 1 (2001): Alpha attacks Beta; Gamma (guarantees Alpha) joins later on Alpha's side.
    lines = [
        WAR_HEADER,
        war_row(1, 1, 1, 3, 1, 2001, 1),
        war_row(1, 2, 2, 3, 1, 2001, 2),
        war_row(1, 3, 1, 5, 1, 2001, 2),
    ]
    write(
        data, "cow_interstate_war_v4.0/Inter-StateWarData_v4.0.csv", "\r".join(lines) + "\r"
    )  # CR-only, as COW ships it
    add_system_year(data, 2001)
    return data


def test_backtest_protocol_on_a_fixture(history):
    from escalate.world.backtest import predict, summary
    from escalate.world.conflicts import wars

    (war,) = wars(history)
    assert war.originators == {1: 0, 2: 1} and war.joiners == {3: 0} and war.initiators == {1}
    # Every likelihood is set here, none from the default table: all ties are off but two.
    # Gamma promised to join Alpha's attack (an ATOP offence obligation): 0.75. Delta, in a
    # threat-level dispute with Beta in 1995, may join Beta's enemies: 0.4. Nothing else
    # draws either in, so by hand Gamma fights on Alpha's side (0) with 0.75, Delta with 0.4.
    LikelihoodTable = __import__("escalate").LikelihoodTable
    off = dict.fromkeys(LikelihoodTable().values, 0.0)
    table = LikelihoodTable().updated(off | {"offense_pact": 0.75, "hostility.threat": 0.4})
    predictions = {p.ccode: p for p in predict(history, samples=2000, likelihoods=table)}
    assert set(predictions) == {3, 4}  # every member but the originators
    assert predictions[3].joined and predictions[3].baselines["defence obligation"] == 1.0
    assert (
        predictions[4].baselines["land contiguity"] == 1.0
        and predictions[4].baselines["recent dispute"] == 1.0
    )
    # Monte Carlo, 2000 samples: a standard error of at most 0.011 on each.
    assert predictions[3].probability == pytest.approx(0.75, abs=0.05) and predictions[3].side == 0
    assert predictions[4].probability == pytest.approx(0.4, abs=0.05) and predictions[4].side == 0
    figures = summary(list(predictions.values()))
    assert figures["model"]["pairs"] == 2 and figures["model"]["joiners"] == 1
    assert figures["baselines"]["defence obligation"]["auc"] == 1.0
    assert figures["model"]["auc"] == 1.0  # the joiner, Gamma, ranked above Delta
    # Expected joiners 0.75 + 0.4 = 1.15; only Gamma is at 0.5 or more, and it joined.
    # Brier: ((1 - 0.75) ** 2 + (0 - 0.4) ** 2) / 2 = (0.0625 + 0.16) / 2 = 0.11125.
    (row,) = figures["wars"]
    assert row["war"] == 1 and row["predicted"] == [3] and row["actual"] == [3]
    assert row["expected_joiners"] == pytest.approx(1.15, abs=0.07)
    assert figures["model"]["expected_joiners"] == pytest.approx(1.15, abs=0.07)
    assert figures["model"]["brier"] == pytest.approx(0.11125, abs=0.02)
    assert "joiners: " in __import__("escalate.render.text", fromlist=["backtest_text"]).backtest_text(
        figures
    )


def test_auc_and_brier_by_hand():
    from escalate.world.backtest import auc, brier, top_k

    assert auc([3, 2, 1], [True, False, False]) == 1.0
    assert auc([1, 1, 1, 1], [True, False, True, False]) == 0.5
    assert auc([0.9, 0.8, 0.3, 0.1], [True, False, True, False]) == 0.75
    assert brier([1.0, 0.0, 0.5], [True, False, True]) == pytest.approx(0.25 / 3)
    assert top_k([0.9, 0.8, 0.1], [False, True, True], 2) == (0.5, 0.5)
    # Ties are taken in their order: the first of three equal scores, then the second.
    assert top_k([0.5, 0.5, 0.5], [False, True, False], 1) == (0.0, 0.0)
    assert top_k([0.5, 0.5, 0.5], [False, True, False], 2) == (1.0, 0.5)


def test_cli_backtest(runner, history):
    result = runner.invoke(app, ["backtest", "--data", str(history), "--samples", "100"])
    assert result.exit_code == 0, result.stderr
    assert "ROC AUC" in result.stdout and "land contiguity" in result.stdout
    data = __import__("json").loads(runner.invoke(app, ["backtest", "--data", str(history), "--json"]).stdout)
    assert data["model"]["out_of_sample"] is True and set(data["baselines"]) == {
        "defence obligation",
        "land contiguity",
        "recent dispute",
        "sum of the three",
        "logistic regression",
        "gradient-boosted trees",
    }


@pytest.mark.skipif(not DATA.is_dir(), reason="shared/data is not present")
def test_real_war_list_matches_the_protocol():
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import wars

    found = wars(DATA)
    system = WorldData(DATA, with_disputes=False).system
    assert len(found) == 95
    pairs = sum(len(system[w.start.year] - set(w.originators)) for w in found)
    joiners = sum(len(set(w.joiners) & system[w.start.year]) for w in found)
    assert (pairs, joiners) == (7739, 97)


def test_calibrate_fits_and_writes_a_table_that_loads(runner, history, tmp_path):
    from escalate import load_likelihoods
    from escalate.likelihoods import reasoned_values
    from escalate.world.calibrate import calibrate

    table = calibrate(history, samples=300)
    # The one joiner came in through its offence pact: the fit raises the key above its reasoned
    # value (0.05), which weighs as ten events against that one (see test_the_prior_...); without
    # the prior the one joiner runs it to the top of the grid (0.99).
    reasoned = reasoned_values()["offense_pact"]
    assert reasoned < table.get("offense_pact") < 0.3
    assert table.origin == "fitted"
    out = tmp_path / "fitted.toml"
    result = runner.invoke(app, ["calibrate", "--data", str(history), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert reasoned < load_likelihoods(out).get("offense_pact") < 0.3
    assert "fitted_on" in out.read_text()
    # The fixture's one war began in 2001: nothing before it to fit on.
    result = runner.invoke(app, ["backtest", "--data", str(history), "--calibrate-before", "2001", "--json"])
    assert result.exit_code == 2 and "no wars to fit on" in result.stderr


def test_the_fit_reweights_samples_to_the_likelihood_history_makes_likeliest():
    import numpy as np

    from escalate.world.ascent import fit_draws
    from escalate.world.reweighting import WarDraws

    # Ten wars; in each, one candidate that fights exactly when one chance event (key 0)
    # fires, sampled at 0.5. Three of the ten joined: the fit must find about 0.3.
    rng = np.random.default_rng(1)
    wars_ = []
    for joined in [True] * 3 + [False] * 7:
        fired = rng.random(4000) < 0.5
        wars_.append(WarDraws(keys=("border",), proposal=np.array([0.5]),
                              fired=fired[:, None].astype(float), unfired=(~fired)[:, None].astype(float),
                              joins=fired[:, None].astype(float), joined=np.array([joined])))  # fmt: skip
    (fitted,) = fit_draws(wars_, [0.5])
    assert fitted == pytest.approx(0.3, abs=0.03)


def test_the_prior_keeps_a_key_that_history_hardly_informs_near_its_reasoned_value():
    import numpy as np

    from escalate.world.ascent import GRID, fit_draws
    from escalate.world.calibrate import log_prior
    from escalate.world.reweighting import WarDraws

    # One war, one candidate that joined and fights exactly when the key's event fires: alone,
    # the likelihood is v and the fit runs to the top of the grid. With a prior of 10 events
    # centred on 0.3 the posterior is v^4 (1 - v)^7, whose mode is 4/11.
    war = WarDraws(keys=("border",), proposal=np.array([0.5]), fired=np.array([[1.0], [0.0]]),
                   unfired=np.array([[0.0], [1.0]]), joins=np.array([[True], [False]]),
                   joined=np.array([True]))  # fmt: skip
    assert fit_draws([war], [0.5]).tolist() == [GRID[-1]]

    def prior(key, values):
        return 10 * (0.3 * np.log(values) + 0.7 * np.log1p(-values))

    (fitted,) = fit_draws([war], [0.5], prior=prior)
    assert fitted == GRID[np.argmax(4 * np.log(GRID) + 7 * np.log1p(-GRID))]
    assert 0.3 < fitted < 0.45
    # The shipped prior is one of ten events, each key's centred on its own reasoned value.
    from escalate.likelihoods import FITTED_KEYS, reasoned_values

    fine = np.linspace(0.0005, 0.9995, 2000)
    for index, key in enumerate(FITTED_KEYS):
        center = reasoned_values()[key]
        assert abs(fine[np.argmax(log_prior(index, fine))] - center) < 0.001, key
        # Halving the value costs ten events' worth: 10 (c log 2 + (1 - c) log((1 - c) / (1 - c/2))).
        at, half = log_prior(index, np.array([center, 0.5 * center]))
        cost = 10 * (center * np.log(2) + (1 - center) * np.log((1 - center) / (1 - 0.5 * center)))
        assert at - half == pytest.approx(cost, rel=1e-9)


def test_the_fit_scores_a_table_as_reweighting_each_sample_one_by_one_would():
    import numpy as np

    from escalate.world.reweighting import FLOOR, Stack, WarDraws

    # Wars with repeated records (copies), rows that never asked a key, a candidate that
    # fought in no sample and a joiner none reached: the grouped computation must give what
    # weighing every sample on its own gives.
    rng = np.random.default_rng(3)
    proposal = np.array([0.3, 0.05, 0.6])
    wars_ = []
    for number in range(6):
        n = 50 + 10 * number
        fired = rng.integers(0, 3, (n, 3)) * (rng.random((n, 1)) < 0.7)
        unfired = rng.integers(0, 4, (n, 3)) * (rng.random((n, 1)) < 0.7)
        joins = rng.random((n, 4)) < 0.3
        if number == 0:
            joins[:, 3] = False  # a candidate that fought in no sample
        if number == 5:
            fired[:, 1] = unfired[:, 1] = 0  # a war that never asked key 1
        wars_.append(WarDraws(keys=("a", "b", "c"), proposal=proposal, fired=fired.astype(float),
                              unfired=unfired.astype(float), joins=joins, joined=rng.random(4) < 0.4,
                              missed=int(number == 2), copies=rng.integers(1, 5, n).astype(float)))  # fmt: skip

    def one_by_one(table):
        total = 0.0
        for war in wars_:
            ratio = (table / proposal) ** war.fired * ((1 - table) / (1 - proposal)) ** war.unfired
            weight = war.copies * ratio.prod(axis=1)
            p = np.clip(weight @ war.joins / weight.sum(), FLOOR, 1 - 1e-9)
            total += np.where(war.joined, np.log(p), np.log1p(-p)).sum() + war.missed * np.log(FLOOR)
        return total

    stack, table = Stack(wars_), np.array([0.2, 0.1, 0.5])
    assert stack.log_likelihood(table) == pytest.approx(one_by_one(table), rel=1e-12)
    values = np.array([0.001, 0.2, 0.7, 0.99])
    by_value = stack.log_likelihood(table, 1, values)
    expected = [one_by_one(np.array([0.2, v, 0.5])) for v in values]
    # Wars whose samples never asked the key are left out: differences across values agree.
    assert np.allclose(by_value - by_value[0], np.array(expected) - expected[0], rtol=0, atol=1e-9)
    # Two keys moved together (as along a ridge): each row of values in their places.
    moves = np.array([[0.001, 0.1], [0.2, 0.9], [0.7, 0.5], [0.2, 0.5]])
    together = stack.log_likelihood(table, (0, 2), moves)
    expected = [one_by_one(np.array([a, 0.1, c])) for a, c in moves]
    assert np.allclose(together - together[-1], np.array(expected) - expected[-1], rtol=0, atol=1e-9)
    # Groups made ahead, two threads at a time (as a fit makes them), score exactly the same.
    from concurrent.futures import ThreadPoolExecutor

    ahead = Stack(wars_)
    with ThreadPoolExecutor(2) as threads:
        ahead.make_groups([0, 1, 2, (0, 2), 1], threads)
    assert sorted(ahead._groups, key=str) == [(0, 2), 0, 1, 2]
    assert np.array_equal(ahead.log_likelihood(table, 1, values), by_value)
    assert np.array_equal(ahead.log_likelihood(table, (0, 2), moves), together)
    # The arrays each scoring thread keeps from call to call (made for a longer grid, then
    # reused for shorter ones, on one thread or two) change no score.
    stack.log_likelihood(table, 1, np.linspace(0.001, 0.99, 41))
    assert np.array_equal(stack.log_likelihood(table, 1, values), by_value)
    with ThreadPoolExecutor(2) as threads:
        assert np.array_equal(stack.log_likelihood(table, 1, values, threads=threads, jobs=2), by_value)
        assert np.array_equal(stack.log_likelihood(table, (0, 2), moves, threads=threads, jobs=2), together)


def test_rows_of_counts_are_numbered_in_the_order_of_their_counts_with_room_or_without():
    import numpy as np

    from escalate.world.reweighting import _joint_codes

    columns = [np.array([2, 0, 2, 1]), np.array([5, 3, 5, 0])]  # rows (2, 5), (0, 3), (2, 5), (1, 0)
    for wars in (1, 2**61):  # a number in mixed radix; too many wars for it: the distinct rows numbered
        code, span, decode = _joint_codes(columns, wars)
        assert code[0] == code[2] and code[1] < code[3] < code[0] and max(code) < span
        assert decode(code).T.tolist() == [[2, 5], [0, 3], [2, 5], [1, 0]]
    assert span == 3  # (the last: numbered)


def test_a_fit_moves_along_a_ridge_to_the_most_probable_split_of_a_product(monkeypatch):
    import numpy as np

    from escalate.world import ascent
    from escalate.world.ascent import GRID, fit_draws
    from escalate.world.reweighting import Stack, WarDraws

    # A candidate fights when its alliance acts (key 0) and it then honours that (key 1): the
    # data tell the product (6 joined of 100), the prior the split. Key by key, the ascent
    # stops short of the best split; moving along the product finds it (by brute force).
    fired = np.array([[1, 1], [1, 0], [0, 0]], dtype=float)  # acted and honoured; acted; did not act
    unfired = np.array([[0, 0], [0, 1], [1, 0]], dtype=float)
    wars_ = [WarDraws(keys=("acts", "member"), proposal=np.array([0.5, 0.5]), fired=fired, unfired=unfired,
                      joins=np.array([[True], [False], [False]]), joined=np.array([n < 6]),
                      copies=np.array([1.0, 1.0, 2.0])) for n in range(100)]  # fmt: skip
    center = np.array([0.3, 0.5])

    def prior(key, values):
        return 10 * (center[key] * np.log(values) + (1 - center[key]) * np.log1p(-values))

    def posterior(table):
        return float(Stack(wars_).log_likelihood(np.asarray(table)) + prior(0, table[0]) + prior(1, table[1]))

    best = max(((a, m) for a in GRID for m in GRID), key=posterior)
    key_by_key = fit_draws(wars_, [0.9, 0.9], prior=prior)
    along = fit_draws(wars_, [0.9, 0.9], prior=prior, ridges=[(1, (0,))])
    assert posterior(key_by_key) < posterior(best) - 0.01
    assert along.tolist() == list(best)
    # From a warm start the ridge is searched near the members' value, widened at the window's edge.
    monkeypatch.setattr(ascent, "WINDOW", 1)
    warm = fit_draws(wars_, key_by_key, prior=prior, ridges=[(1, (0,))], window_from=0)
    assert warm.tolist() == list(best)


def test_a_war_weighing_a_quarter_adds_a_quarter_of_its_log_likelihood_floors_included():
    import numpy as np

    from escalate.world.reweighting import FLOOR, Stack, WarDraws

    # War a: candidate 0 fights when the key fires (it joined), candidate 1 never fought in
    # a sample (it joined: the floor), and a joiner no sample reached (missed: the floor).
    # War b: one candidate that fights when the key fires and did not join.
    a = WarDraws(keys=("border",), proposal=np.array([0.5]), fired=np.array([[1.0], [0.0]]),
                 unfired=np.array([[0.0], [1.0]]), joins=np.array([[True, False], [False, False]]),
                 joined=np.array([True, True]), missed=1)  # fmt: skip
    b = WarDraws(keys=("border",), proposal=np.array([0.5]), fired=np.array([[1.0], [0.0]]),
                 unfired=np.array([[0.0], [1.0]]), joins=np.array([[True], [False]]),
                 joined=np.array([False]))  # fmt: skip
    for value in (0.1, 0.6):
        a_alone = np.log(value) + 2 * np.log(FLOOR)
        b_alone = np.log1p(-value)
        table = np.array([value])
        assert Stack([a]).log_likelihood(table) == pytest.approx(a_alone)
        assert Stack([a, b], [0.25, 1]).log_likelihood(table) == pytest.approx(0.25 * a_alone + b_alone)
    # Scored by value (as the fit scores a key), the same sums.
    values = np.array([0.1, 0.6])
    by_value = Stack([a, b], [0.25, 1]).log_likelihood(np.array([0.3]), 0, values)
    expected = 0.25 * (np.log(values) + 2 * np.log(FLOOR)) + np.log1p(-values)
    assert by_value == pytest.approx(expected)


def test_a_fit_with_a_half_life_weighs_each_war_by_its_distance_in_years_from_the_era(monkeypatch):
    from types import SimpleNamespace

    import numpy as np

    from escalate.likelihoods import LikelihoodTable
    from escalate.world import calibrate
    from escalate.world.reweighting import WarDraws

    seen = []
    fitted_on = []
    monkeypatch.setattr(calibrate, "fit_draws", lambda drawn, start, war_weights, **_: seen.append(
        list(war_weights)) or fitted_on.append(drawn) or np.array(start))  # fmt: skip
    wars_ = [SimpleNamespace(number=n, start=SimpleNamespace(year=y)) for n, y in
             [(1, 1910), (2, 1950), (3, 1990), (4, 2010)]]  # fmt: skip
    draws = WarDraws(keys=("border",), proposal=np.array([0.5]), fired=np.ones((1, 1)),
                     unfired=np.zeros((1, 1)), joins=np.ones((1, 1), dtype=bool), joined=np.array([True]))  # fmt: skip
    workers = SimpleNamespace(jobs=1, progress=None)
    for half_life, expected in [(None, [1, 1, 1]), (40, [0.25, 0.5, 1])]:
        history = calibrate.History(workers, wars_, half_life=half_life)
        history.draws = dict.fromkeys((1, 2, 3, 4), draws)
        # By default the era is the latest war fitted on (1990 here: 4 is not chosen).
        history.fit(LikelihoodTable(), chosen=lambda w: w.number != 4)
        assert seen.pop() == expected
    # Around a war left out (as leave one out fits), on both sides of it.
    history.fit(LikelihoodTable(), chosen=lambda w: w.number != 2, era=1950)
    assert seen.pop() == pytest.approx([0.5, 0.5, 0.5**1.5])  # 40, 40 and 60 years away
    assert all(d is draws for d in fitted_on[-1])  # the draws kept are fitted on as they are


def test_backtest_and_calibrate_weigh_conflicts_by_era_unless_the_half_life_is_zero(
    runner, history, tmp_path
):
    import json

    def backtest(folder, *options):
        result = runner.invoke(
            app, ["backtest", "--data", str(folder), "--samples", "50", "--json", *options]
        )
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)["likelihoods"]

    # By default leaving one war out weighs all alike (a split weighs by era: test_disputes).
    assert "half as much" not in backtest(history)
    assert "every 15 years away" in backtest(history, "--half-life", "15")
    for half_life, note in [(None, "every 40 years before the latest"), ("25", "every 25 years before the latest"),
                            ("0", None)]:  # fmt: skip
        out = tmp_path / "t.toml"
        options = ["--half-life", half_life] if half_life else []
        result = runner.invoke(app, ["calibrate", "--data", str(history), "-o", str(out), *options])
        assert result.exit_code == 0, result.stderr
        assert (note in out.read_text()) if note else ("half as much" not in out.read_text())
    for bad in ("-3", "soon"):
        result = runner.invoke(app, ["backtest", "--data", str(history), "--half-life", bad])
        assert result.exit_code == 2 and "--half-life" in result.stderr, bad


@pytest.mark.parametrize(
    "options, fitter, expected",
    [
        ((), "leave_one_out", None),  # leaving one war out weighs all alike
        (("--half-life", "15"), "leave_one_out", 15),
        (("--calibrate-before", "2001"), "calibrate", 40),
        (("--calibrate-before", "2001", "--half-life", "0"), "calibrate", None),
        (("--rolling", "--calibrate-before", "2001"), "rolling_tables", 40),
    ],
)
def test_a_backtest_passes_its_half_life_to_the_fit_by_protocol(runner, history, monkeypatch, options, fitter,
                                                                  expected):  # fmt: skip
    import escalate.world.backtest as backtest

    seen = []

    def recorded(*args, **kwargs):
        seen.append(kwargs["half_life"])
        raise backtest.FlareUpError("stop here")  # the fit's half-life is all this test needs

    monkeypatch.setattr(backtest, fitter, recorded)
    result = runner.invoke(app, ["backtest", "--data", str(history), "--samples", "50", *options])
    assert "stop here" in result.stderr, result.stderr
    assert seen == [expected]
    # A given table is not fitted: a half-life with it is refused.
    table = history / "t.toml"
    table.write_text("guarantee = 0.5\n")
    result = runner.invoke(
        app, ["backtest", "--data", str(history), "--likelihoods", str(table), "--half-life", "9"]
    )
    assert result.exit_code == 2 and "--half-life" in result.stderr


def test_a_half_life_below_zero_is_refused_and_zero_weighs_all_alike():
    from escalate.world.calibrate import era_weight

    assert era_weight(1816, 2014, 0) == era_weight(1816, 2014, None) == 1.0
    with pytest.raises(ValueError, match="0 or more"):
        era_weight(1816, 2014, -40)


def test_the_fit_scores_keys_no_sample_moves_and_wars_where_no_candidate_fought():
    import numpy as np

    from escalate.world.ascent import GRID
    from escalate.world.reweighting import FLOOR, Stack, WarDraws

    # Key 0 fired twice in every sample: it moves no sample against another, so the score is
    # the same (exactly) at every value. Key 1 no sample asked: no war depends on it.
    rng = np.random.default_rng(0)
    fired = np.c_[np.full(30, 2.0), np.zeros(30)]
    unfired = np.c_[np.ones(30), np.zeros(30)]
    war = WarDraws(keys=("a", "b"), proposal=np.array([0.1, 0.2]), fired=fired, unfired=unfired,
                   joins=rng.random((30, 3)) < 0.4, joined=np.array([True, False, True]))  # fmt: skip
    stack = Stack([war])
    assert np.ptp(stack.log_likelihood(np.array([0.1, 0.2]), 0, GRID)) == 0.0
    assert stack.log_likelihood(np.array([0.1, 0.2]), 1, GRID[:3]).tolist() == [0.0, 0.0, 0.0]
    # A war in which no candidate fought in any sample: each gets the floor.
    nobody = WarDraws(keys=("a",), proposal=np.array([0.5]), fired=np.array([[1.0]]), unfired=np.array([[0.0]]),
                      joins=np.array([[False]]), joined=np.array([True]))  # fmt: skip
    assert Stack([nobody]).log_likelihood(np.array([0.3])) == pytest.approx(np.log(FLOOR))
    assert Stack([nobody]).log_likelihood(np.array([0.3]), 0, np.array([0.2, 0.4])) == pytest.approx(
        [np.log(FLOOR)] * 2
    )


@pytest.mark.parametrize("window", [1, 4])
def test_the_fit_searches_the_whole_grid_and_a_warm_start_its_window_widened_at_the_edge(monkeypatch, window):
    import numpy as np

    from escalate.world import ascent
    from escalate.world.ascent import GRID, fit_draws
    from escalate.world.reweighting import Stack, WarDraws

    monkeypatch.setattr(ascent, "WINDOW", window)  # a narrow window must widen at its edge

    # Three keys whose chance events mix in each candidate's joining: the fit must end where
    # coordinate ascent over the whole grid at every sweep ends, and so must a warm start from
    # that first sweep's result searching windows from then on.
    rng = np.random.default_rng(7)
    wars_ = []
    for _ in range(12):
        fired = rng.integers(0, 3, (600, 3)).astype(float)
        unfired = rng.integers(0, 3, (600, 3)).astype(float)
        joins = (fired[:, :2] > 0) & (rng.random((600, 2)) < 0.5)
        wars_.append(WarDraws(keys=("a", "b", "c"), proposal=np.array([0.3, 0.2, 0.1]), fired=fired,
                              unfired=unfired, joins=joins, joined=rng.random(2) < 0.3))  # fmt: skip
    stack = Stack(wars_)
    table = np.array([0.3, 0.2, 0.1])
    for sweep in range(3):
        for key in range(3):
            table[key] = GRID[int(np.argmax(stack.log_likelihood(table, key, GRID)))]
        if sweep == 0:
            after_one = table.copy()
    assert fit_draws(wars_, [0.3, 0.2, 0.1]).tolist() == table.tolist()
    assert fit_draws(wars_, after_one, sweeps=2, window_from=0).tolist() == table.tolist()
    assert fit_draws(wars_, [0.3, 0.2, 0.1], jobs=3).tolist() == table.tolist()  # threads change nothing


@pytest.mark.parametrize("wars, first", [(95, 2000), (1725, 289)])
def test_calibration_takes_a_first_look_with_fewer_samples_only_when_there_are_many_wars(wars, first):
    from escalate.likelihoods import FITTED_KEYS
    from escalate.world.calibrate import FIRST_LOOK_CASCADES, SAMPLES, fit_history

    class Recorded:
        """A history that records the samples each round asks and fits nothing."""

        workers = type("Quiet", (), {"progress": None})()

        def __init__(self):
            self.wars, self.samples, self.asked = [None] * wars, SAMPLES, []

        def sample(self, table, *, samples=None):
            self.asked.append(samples or self.samples)

        def fit(self, table):
            return table.updated({FITTED_KEYS[0]: 0.5})

    history = Recorded()
    table = fit_history(history, rounds=3)
    # The 95 wars keep all 2,000 samples (190,000 cascades); 1,725 disputes take 289 each at first.
    assert (SAMPLES, FIRST_LOOK_CASCADES) == (2000, 500_000)
    assert history.asked == [first, 2000, 2000]
    assert table.origin == "fitted" and table.get(FITTED_KEYS[0]) == 0.5


def test_each_rounds_proposal_moves_toward_the_fit_by_at_most_the_step_in_odds():
    """A first look far from the fit must not set the next round's draws at its extremes."""
    from escalate.likelihoods import reasoned_values
    from escalate.world.calibrate import PROPOSAL_STEP, fit_history

    def odds(p):
        return p / (1 - p)

    class Recorded:
        """A history whose every fit says members fight with 0.99 and pacts hold with 0.0002."""

        workers = type("Quiet", (), {"progress": None})()
        wars, samples = [None] * 95, 2000

        def __init__(self):
            self.proposals = []

        def sample(self, table, *, samples=None):
            self.proposals.append(dict(table.values))

        def fit(self, table):
            return table.updated({"collective_defense.member": 0.99, "defense_pact": 0.0002})

    history = Recorded()
    table = fit_history(history, rounds=3)
    member = [p["collective_defense.member"] for p in history.proposals]
    pact = [p["defense_pact"] for p in history.proposals]
    start = reasoned_values()
    assert (member[0], pact[0]) == (start["collective_defense.member"], start["defense_pact"])
    # Each round's proposal is the last one's times the step in odds (up) or over it (down)...
    for before, after in zip(member, member[1:], strict=False):
        assert odds(after) == pytest.approx(odds(before) * PROPOSAL_STEP)
    for before, after in zip(pact, pact[1:], strict=False):
        assert odds(after) == pytest.approx(odds(before) / PROPOSAL_STEP)
    # ... while the table returned is the fit itself, wherever the proposals stood.
    assert table.get("collective_defense.member") == 0.99 and table.get("defense_pact") == 0.0002


def test_backtest_options_conflict_and_a_given_table_is_not_out_of_sample(runner, history, tmp_path):
    table = tmp_path / "t.toml"
    table.write_text("guarantee = 0.5\n")
    both = ["--likelihoods", str(table), "--calibrate-before", "2001"]
    result = runner.invoke(app, ["backtest", "--data", str(history), *both])
    assert result.exit_code == 2 and "not both" in result.stderr
    result = runner.invoke(app, ["backtest", "--data", str(history), "--likelihoods", str(table), "--json"])
    assert result.exit_code == 0, result.stderr
    figures = __import__("json").loads(result.stdout)
    assert figures["model"]["out_of_sample"] is False and "one table" in figures["likelihoods"]


def test_leave_one_out_never_fits_a_war_on_itself(history):
    from escalate.world.calibrate import leave_one_out

    # One war: the table fitted without it has seen no joiner, so nothing is fitted up.
    (table,) = leave_one_out(history).values()
    assert table.origin == "fitted without war 1"
    assert table.get("guarantee") == __import__("escalate").LikelihoodTable().get("guarantee")


def test_auc_lead_over_a_baseline_has_a_cluster_bootstrap_interval():
    from escalate.world.backtest import Prediction, auc_difference

    predictions = []
    for war in range(20):
        for c in range(10):
            joined = c == 0
            baseline = {"rule": float(c % 3 == 0)}  # catches the joiner, and 3 others
            predictions.append(
                Prediction(war, c, joined, 0 if joined else None, 1.0 if joined else 0.1, 0, baseline)
            )
    lead = auc_difference(predictions, "rule", resamples=200)
    # The model ranks every joiner first (AUC 1); the rule ties the joiner with 3 of 9.
    assert lead["difference"] == pytest.approx(1 - (6 / 9 + 3 / 9 / 2))
    assert lead["low_90"] == pytest.approx(lead["difference"]) == pytest.approx(lead["high_90"])
    predictions[0].probability = 0.0  # one war's joiner now ranked last: the interval opens
    lead = auc_difference(predictions, "rule", resamples=200)
    assert lead["low_90"] < lead["high_90"]
    assert lead["low_90"] <= lead["difference"] <= lead["high_90"]


def test_an_alliance_with_fewer_than_three_members_in_the_system_is_left_to_its_pacts(data):
    members = "atopid,member,yrent,yrexit,defense,defcoadv,defcoloc,defcocon,defconum,defcodem\n"
    rows = "".join(f"9200,{c},1980,0,1,0,0,0,0,0\n" for c in (1, 2, 5))  # Oldland left in 1990
    write(data, "atop_v4.01/atop-member-level.csv", members + rows)
    world = world_scenario(data, 2000)
    assert not [a for a in world.actors.values() if "atop9200" in a.aliases]
    assert ("defense_pact", "Alpha", "Beta") in kinds(world)


def test_disputes_read_as_conflicts_originators_joiners_and_sides(data):
    from escalate.world.conflicts import DISPUTE_NUMBERS, conflicts, disputes, war_graph

    write(data, "cow_mid_v5.0/MIDB 5.0.csv",
          "dispnum,stabb,ccode,stday,stmon,styear,endday,endmon,endyear,sidea,revstate,revtype1,revtype2,fatality,fatalpre,hiact,hostlev,orig,version\n"
          "7,BBB,2,-9,3,2000,1,2,2000,1,1,1,0,0,0,0,4,1,5\n"  # side A, there from the start: initiator
          "7,DDD,4,5,3,2000,1,2,2000,0,0,0,0,1,0,0,4,1,5\n"
          "7,CCC,3,9,4,2000,1,2,2000,0,0,0,0,0,0,0,3,0,5\n"  # joined later, on side B
          "8,AAA,1,1,1,1999,1,2,1999,1,1,1,0,0,0,0,3,1,5\n8,BBB,2,1,1,1999,1,2,1999,0,0,0,0,0,0,0,3,1,5\n")  # fmt: skip
    found = {d.number - DISPUTE_NUMBERS: d for d in disputes(data)}
    dispute = found[7]
    assert dispute.originators == {2: 0, 4: 1} and dispute.joiners == {3: 1}
    assert dispute.initiators == {2} and dispute.start.isoformat() == "2000-03-01"
    assert [c.name for c in conflicts(data, "mids")] == ["MID 7", "MID 8"]
    # The graph a dispute is asked of holds disputes of the years before, never the dispute itself.
    graph, _ = war_graph(__import__("escalate.world.atop", fromlist=["WorldData"]).WorldData(data), dispute)
    hostile = {frozenset(r.actors) for r in graph.relations if r.type == "hostility"}
    assert hostile == {frozenset({"Alpha", "Beta"})}  # dispute 8, of 1999; not 7
    with pytest.raises(ValueError, match="wars, mids or all"):
        conflicts(data, "battles")


def test_a_year_past_the_state_list_takes_its_last_year_and_a_year_before_it_is_an_error(data, runner):
    write(data, "atop_v5.1/atop5_1_ddyr_obligations.csv",
          "ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"
          "1,2,2002,1,0,0,0,0\n2,1,2002,1,0,0,0,0\n")  # fmt: skip
    world = world_scenario(data, 2002)  # the state list of the fixture ends in 2000
    assert "states, borders and major powers of 2000, COW's last year" in world.title
    assert {"Alpha", "Beta", "Gamma", "Delta"} <= set(world.actors)
    assert ("defense_pact", "Alpha", "Beta") in kinds(world)  # obligations of 2002 itself
    with pytest.raises(GraphFileError, match=r"no COW state-system members in 1985; it covers 1990-2000"):
        world_scenario(data, 1985)
    result = runner.invoke(
        app, ["import", "atop", "--data", str(data), "--year", "1985", "-o", str(data / "w.toml")]
    )
    assert result.exit_code == 1 and "no COW state-system members in 1985" in result.stderr
    assert not (data / "w.toml").exists()


def test_a_fit_on_no_war_and_a_score_of_no_war_are_errors_not_tables(runner, history, tmp_path):
    out = tmp_path / "t.toml"
    result = runner.invoke(app, ["calibrate", "--data", str(history), "--before", "1700", "-o", str(out)])
    assert result.exit_code == 2 and "no wars to fit on" in result.stderr and not out.exists()
    result = runner.invoke(app, ["backtest", "--data", str(history), "--calibrate-before", "3000"])
    assert result.exit_code == 2 and "no war began in 3000 or later" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1,1,1,13,1,2001,1", "StartMonth1 13 is not a month"),
        ("1,1,1,2,30,2001,1", "StartDay1 30 is not a day of that month"),
        ("1,1,1,3,1,0,1", "StartYear1 0 is not a year of the data"),
        ("1,1,3,3,1,2001,1", "Side 3 is not one of 1 or 2"),
    ],
    ids=["month-13", "february-30", "year-0", "side-3"],
)
def test_a_bad_war_row_is_an_error_at_its_line(history, row, message):
    from escalate.world.conflicts import wars

    number, ccode, side, month, day, year, initiator = row.split(",")
    lines = [
        WAR_HEADER,
        war_row(int(number), int(ccode), int(side), int(month), int(day), int(year), int(initiator)),
    ]
    write(history, "cow_interstate_war_v4.0/Inter-StateWarData_v4.0.csv", "\n".join(lines) + "\n")
    with pytest.raises(GraphFileError, match=f"Inter-StateWarData_v4.0.csv:2: {message}"):
        wars(history)


def test_a_header_only_war_file_and_a_states_file_cut_short_are_errors(history, runner):
    from escalate.world.conflicts import wars

    write(history, "cow_interstate_war_v4.0/Inter-StateWarData_v4.0.csv", WAR_HEADER + "\n")
    with pytest.raises(GraphFileError, match="holds no conflict"):
        wars(history)
    states = (history / "cow_state_system_v2016/states2016.csv").read_text().splitlines()
    write(history, "cow_state_system_v2016/states2016.csv", "\n".join(states[:-2]) + "\n")  # two states lost
    result = runner.invoke(
        app, ["import", "atop", "--data", str(history), "--year", "2000", "-o", str(history / "w.toml")]
    )
    assert result.exit_code == 1 and "no name for the system members" in result.stderr
    assert not (history / "w.toml").exists()


def test_leave_one_out_fits_draw_with_the_backtests_seed(history, runner, monkeypatch):
    import escalate.world.backtest as backtest

    seen = []
    fit = backtest.leave_one_out
    monkeypatch.setattr(backtest, "leave_one_out", lambda *a, **k: seen.append(k["seed"]) or fit(*a, **k))
    result = runner.invoke(
        app, ["backtest", "--data", str(history), "--samples", "50", "--seed", "7", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    assert seen == [7]
