"""Ties changed by a conflict's first day: alliance places and obligations ended, or begun, since its treaty year."""

import datetime as dt

import pytest

from escalate.errors import GraphFileError
from escalate.world.readers import Membership
from escalate.world.turnover import NOTHING, Turnovers

from .conftest import SHARED, write

DATA = SHARED / "data"
DATED = (
    "atopid,member,yrent,moent,dayent,yrexit,moexit,dayexit,defense,offense,neutral,nonagg,consul,"
    "defcoadv,defcoloc,defcocon,defconum,defcodem\n"
)


def place(atopid, member, entered, left=None, duties=("defense",)):
    first, last = entered.year, left.year if left else 0
    return Membership(atopid, member, first, last, entered, left, frozenset(duties), ())


def turnovers(memberships, year):
    """Turnovers where ATOP 5.1 holds, in ``year`` and the year after, the obligations the memberships give then."""
    atop = {year: {}, year + 1: {}}
    for a in memberships:
        for b in memberships:
            if a.atopid == b.atopid and a.member != b.member:
                for y in (y for y in atop if a.in_force(y) and b.in_force(y)):
                    atop[y].setdefault((a.member, b.member), {}).update(dict.fromkeys(a.duties, 1))
    return Turnovers(memberships, atop)


def test_an_obligation_ends_when_every_alliance_giving_it_has_ended_unless_renewed_by_that_day():
    old = [place(1, 2, dt.date(1990, 1, 1), dt.date(1999, 6, 30)), place(1, 3, dt.date(1990, 1, 1))]
    renewed_before = [place(2, 2, dt.date(1999, 6, 30)), place(2, 3, dt.date(1999, 6, 30))]
    renewed_after = [place(3, 2, dt.date(2000, 5, 1)), place(3, 3, dt.date(2000, 5, 1))]
    day = dt.date(2000, 3, 1)  # a conflict of 2000, asked of the treaties of 1999
    assert turnovers(old, 1999)(1999, day).ended.duties == {(2, 3, "defense"), (3, 2, "defense")}
    # Renewed before the day: the obligation carries on, though the place in the old alliance is over.
    renewed = turnovers(old + renewed_before, 1999)(1999, day)
    assert renewed.ended.duties == frozenset() and renewed.ended.places == {(1, 2)}
    assert turnovers(old + renewed_after, 1999)(1999, day).ended.duties == {
        (2, 3, "defense"),
        (3, 2, "defense"),
    }
    # Still in force on the day: nothing is over.
    assert turnovers(old, 1999)(1999, dt.date(1999, 6, 1)) == NOTHING
    # An open alliance giving the same obligation keeps it, and an obligation ends for its holder only.
    other = [place(4, 2, dt.date(1980, 1, 1), duties=()), place(4, 3, dt.date(1980, 1, 1))]
    assert turnovers(old + other, 1999)(1999, day).ended.duties == {(2, 3, "defense")}


def test_an_exit_the_year_after_the_treaties_counts_from_its_day():
    """A conflict of 1919 asks the treaties of 1918; an alliance ended in March 1919 is over in April."""
    members = [place(7, c, dt.date(1914, 8, 2), dt.date(1919, 3, 31)) for c in (1, 2, 3)]
    assert turnovers(members, 1918)(1918, dt.date(1919, 3, 31)) == NOTHING
    ended = turnovers(members, 1918)(1918, dt.date(1919, 4, 1)).ended
    assert ended.places == {(7, 1), (7, 2), (7, 3)} and len(ended.duties) == 6


def test_a_place_in_a_defence_alliance_ends_with_its_defence_even_if_the_state_stays_on_otherwise():
    """A member that keeps only a promise to consult is no longer in the alliance that defends."""
    defends = place(5, 1, dt.date(1990, 1, 1), dt.date(1999, 6, 30))
    consults = place(5, 1, dt.date(1999, 6, 30), duties=("consul",))
    others = [place(5, c, dt.date(1990, 1, 1)) for c in (2, 3)]
    ended = turnovers([defends, consults, *others], 1999)(1999, dt.date(2000, 3, 1)).ended
    assert ended.places == {(5, 1)}
    assert (1, 2, "defense") in ended.duties and (1, 2, "consul") not in ended.duties


def test_ties_signed_in_the_conflicts_year_before_its_first_day_have_begun():
    """A conflict of 2000 asks the treaties of 1999; an alliance signed in February 2000 holds in March."""
    day = dt.date(2000, 3, 1)
    signed = [place(1, 2, dt.date(2000, 2, 1)), place(1, 3, dt.date(2000, 2, 1))]
    begun = turnovers(signed, 1999)(1999, day).begun
    assert begun.duties == {(2, 3, "defense"), (3, 2, "defense")} and begun.places == {(1, 2), (1, 3)}
    # Signed on the day, or over before it: not begun.
    assert turnovers([place(1, c, day) for c in (2, 3)], 1999)(1999, day) == NOTHING
    lapsed = [place(1, c, dt.date(2000, 1, 1), dt.date(2000, 2, 1)) for c in (2, 3)]
    assert turnovers(lapsed, 1999)(1999, day) == NOTHING
    # An obligation the treaty year already holds stands as it was; only the new alliance's places begin.
    held = [place(4, c, dt.date(1990, 1, 1)) for c in (2, 3)]
    again = turnovers(held + signed, 1999)(1999, day)
    assert again.begun.duties == frozenset() and again.begun.places == {(1, 2), (1, 3)}


def test_a_pairs_obligations_on_the_day_lose_the_ended_kinds_and_gain_the_begun():
    """Consultation ends in February, defence begins in March: the pair still holds an obligation."""
    consults = [place(1, c, dt.date(1990, 1, 1), dt.date(2000, 2, 1), ("consul",)) for c in (2, 3)]
    defends = [place(2, c, dt.date(2000, 3, 1)) for c in (2, 3)]
    turnover = turnovers(consults + defends, 1999)(1999, dt.date(2000, 4, 1))
    assert turnover.of(2, {3: frozenset({"consul"})}) == {3: frozenset({"defense"})}
    assert turnover.toward(3, {2: frozenset({"consul"}), 4: frozenset({"nonagg"})}) == {
        2: frozenset({"defense"}),
        4: frozenset({"nonagg"}),
    }
    # Only the consultation, ended: no obligation is left toward anyone.
    assert turnovers(consults, 1999)(1999, dt.date(2000, 4, 1)).of(2, {3: frozenset({"consul"})}) == {}


@pytest.fixture
def dated(disputes):
    """The disputes fixture with dated ATOP 4.01 places.

    Alliance 9000 (Alpha, Beta, Gamma, Delta) from 1995; Delta leaves it on 1 February 2001.
    Alliance 9500: Gamma promises Alpha defence and offence from 1990 to the last day of 2000.
    MID 9 (1 March 2001: Alpha against Delta, Gamma joins Alpha) is asked of 2000's treaties.
    """
    rows = [
        "9000,1,1995,1,1,0,0,0,1,0,0,0,0",
        "9000,2,1995,1,1,0,0,0,1,0,0,0,0",
        "9000,3,1995,1,1,0,0,0,1,0,0,0,0",
        "9000,4,1995,1,1,2001,2,1,1,0,0,0,0",
        "9500,3,1990,1,1,2000,12,31,1,1,0,0,0",
        "9500,1,1990,1,1,2000,12,,0,0,0,0,0",  # no day: the month's last
    ]
    write(disputes, "atop_v4.01/atop-member-level.csv", DATED + "".join(f"{r},0,0,0,0,0\n" for r in rows))
    return disputes


def test_a_conflicts_graph_leaves_out_the_places_and_obligations_over_by_its_first_day(dated):
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import conflicts, war_graph
    from escalate.world.features import FEATURES, ConflictFeatures

    data = WorldData(dated)
    first, second = sorted(conflicts(dated, "mids"), key=lambda c: c.start)
    graphs = {}
    for conflict, members, offence in ((first, 4, True), (second, 3, False)):
        graph, _ = war_graph(data, conflict, graphs)
        (alliance,) = [a for a in graph.actors.values() if a.kind == "alliance"]
        assert len(alliance.members) == members and ("Delta" in alliance.members) == (members == 4)
        ties = {(r.type.value, *r.actors) for r in graph.relations}
        assert (("offense_pact", "Gamma", "Alpha") in ties) is offence
        # ATOP 5.1's neutrality between Alpha and Delta: no dated alliance accounts for it, it stands.
        assert ("neutrality_pact", "Alpha", "Delta") in ties
    # The rules and peers read the same: Gamma's offence toward Alpha (side A of MID 9) is over,
    # its defence stands (alliance 9000 still gives it).
    states, rows = ConflictFeatures(data)(second)
    gamma = rows[states.index(3)]
    assert gamma[FEATURES.index("offence toward side A")] == 0
    assert gamma[FEATURES.index("defence toward side A")] == 1
    assert gamma[FEATURES.index("obligations")] == 1  # still toward Alpha: not every obligation ended


@pytest.fixture
def signed(dated):
    """The dated fixture with alliances signed in 2001, the year of MID 9 (1 March 2001).

    Alliance 9700 (1 February 2001): Beta promises Alpha offence. Alliance 9800 (15 March
    2001, after the day): Beta and Delta consult. Alliance 9900 (15 February 2001): Alpha,
    Beta and Gamma defend one another.
    """
    members = (dated / "atop_v4.01/atop-member-level.csv").read_text()
    rows = ["9700,2,2001,2,1,0,0,0,0,1,0,0,0", "9700,1,2001,2,1,0,0,0,0,0,0,0,0",
            "9800,2,2001,3,15,0,0,0,0,0,0,0,1", "9800,4,2001,3,15,0,0,0,0,0,0,0,1",
            *(f"9900,{c},2001,2,15,0,0,0,1,0,0,0,0" for c in (1, 2, 3))]  # fmt: skip
    write(dated, "atop_v4.01/atop-member-level.csv", members + "".join(f"{r},0,0,0,0,0\n" for r in rows))
    obligations = (dated / "atop_v5.1/atop5_1_ddyr_obligations.csv").read_text()
    defence = "".join(
        f"{a},{b},2001,1,{int((a, b) == (2, 1))},0,0,0\n" for a in (1, 2, 3) for b in (1, 2, 3) if a != b
    )
    write(dated, "atop_v5.1/atop5_1_ddyr_obligations.csv",
          obligations + "2,4,2001,0,0,0,0,1\n4,2,2001,0,0,0,0,1\n" + defence)  # fmt: skip
    return dated


def test_a_conflicts_graph_has_the_alliances_signed_in_its_year_before_its_first_day(signed):
    """MID 9 (1 March 2001) is asked of 2000's treaties, with those signed in 2001 before its day."""
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import conflicts, war_graph
    from escalate.world.features import FEATURES, ConflictFeatures

    dated = signed
    data = WorldData(dated)
    first, second = sorted(conflicts(dated, "mids"), key=lambda c: c.start)
    for conflict, signed in ((first, False), (second, True)):
        graph, _ = war_graph(data, conflict)
        ties = {(r.type.value, *r.actors) for r in graph.relations}
        assert (("offense_pact", "Beta", "Alpha") in ties) is signed
        assert not any(r.type.value == "consultation_pact" and "Beta" in r.actors for r in graph.relations)
        alliances = sorted(sorted(a.members) for a in graph.actors.values() if a.kind == "alliance")
        assert (["Alpha", "Beta", "Gamma"] in alliances) is signed
    states, rows_ = ConflictFeatures(data)(second)
    beta = rows_[states.index(2)]
    assert beta[FEATURES.index("offence toward side A")] == 1
    assert beta[FEATURES.index("obligations")] == 2  # Alpha, and Gamma since February


def test_import_as_of_a_day_is_the_graph_a_flare_up_begun_that_day_meets(runner, signed, tmp_path):
    """``--as-of``: the treaties of the year before, less those over by the day, with those signed before it."""
    from escalate import load_scenario
    from escalate.cli import app

    def imported(day):
        out = tmp_path / f"world-{day}.toml"
        result = runner.invoke(app, ["import", "atop", "--data", str(signed), "--as-of", day, "-o", str(out)])
        assert result.exit_code == 0, result.output
        return load_scenario(out)

    before, on_the_eve = imported("2001-01-15"), imported("2001-03-01")
    assert on_the_eve.as_of == dt.date(2001, 3, 1) and "eve of 2001-03-01" in on_the_eve.title
    for world, signed_by_then in ((before, False), (on_the_eve, True)):
        ties = {(r.type.value, *r.actors) for r in world.relations}
        assert (("offense_pact", "Beta", "Alpha") in ties) is signed_by_then
        assert ("offense_pact", "Gamma", "Alpha") not in ties  # over on the last day of 2000
        members = sorted(sorted(a.members) for a in world.actors.values() if a.kind == "alliance")
        assert (["Alpha", "Beta", "Gamma"] in members) is signed_by_then


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--year", "2000", "--as-of", "2001-03-01"], "give one of --year and --as-of"),
        ([], "give one of --year and --as-of"),
        (["--as-of", "2001-02-30"], "bad --as-of '2001-02-30'; write a day such as 1939-09-01"),
        (["--as-of", "1990-06-01"], "no COW state list for 1989, the year before 1990-06-01"),
        (["--as-of", "2002-06-01"], "no COW state list for 2002: the data cover 1990-2001"),
    ],
)
def test_import_wants_one_date_and_a_day_the_state_list_reaches(runner, signed, tmp_path, arguments, message):
    from escalate.cli import app

    out = tmp_path / "w.toml"
    result = runner.invoke(app, ["import", "atop", "--data", str(signed), *arguments, "-o", str(out)])
    assert result.exit_code == 2 and message in " ".join(result.output.split()) and not out.exists()


def test_a_member_file_without_days_ends_nothing_before_its_year(data):
    from escalate.world.atop import WorldData

    assert WorldData(data).turnover(1999, dt.date(2000, 6, 1)) == NOTHING


def test_an_exit_that_is_not_a_day_is_an_error_at_its_line(dated):
    from escalate.world.atop import WorldData

    members = (dated / "atop_v4.01/atop-member-level.csv").read_text()
    write(
        dated, "atop_v4.01/atop-member-level.csv", members + "9600,2,1990,1,1,2000,13,1,1,0,0,0,0,0,0,0,0,0\n"
    )
    with pytest.raises(GraphFileError, match=r"atop-member-level.csv:8: entry and exit must be days"):
        WorldData(dated)


@pytest.mark.skipif(not DATA.exists(), reason="needs ../shared/data")
def test_real_world_on_the_eve_of_the_second_world_war_has_britains_guarantee_to_poland():
    """Signed in April 1939: not in the world of 1 March, in that of 1 September (Czechoslovakia gone)."""
    from escalate.world.conflicts import world_on

    def pact(world):
        return any(r.type.value == "defense_pact" and set(r.actors) == {"United Kingdom", "Poland"}
                   for r in world.relations)  # fmt: skip

    march, september = world_on(DATA, dt.date(1939, 3, 1)), world_on(DATA, dt.date(1939, 9, 1))
    assert not pact(march) and pact(september)
    assert "Czechoslovakia" in march.actors and "Czechoslovakia" not in september.actors
    # With the backtest's ten years of disputes it is the very graph the war is scored on.
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import RIVALRY_YEARS, conflicts, war_graph

    ww2 = next(w for w in conflicts(DATA, "wars") if w.name == "World War II")
    scored, _ = war_graph(WorldData(DATA), ww2)
    imported = world_on(DATA, ww2.start, rivalry_years=RIVALRY_YEARS)
    assert imported.relations == scored.relations and imported.actors == scored.actors


@pytest.mark.skipif(not DATA.exists(), reason="needs ../shared/data")
def test_real_wars_of_1919_no_longer_have_the_central_powers():
    """The Central Powers' alliance ended in November 1918; the wars of 1919 asked the treaties of 1918."""
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import conflicts, war_graph

    data = WorldData(DATA)
    war = next(w for w in conflicts(DATA, "wars") if w.start.year == 1919)
    graph, names = war_graph(data, war)
    central = {names[c] for c in (255, 300, 355, 640) if c in names}  # Germany, Austria, Bulgaria, Turkey
    for alliance in (a for a in graph.actors.values() if a.kind == "alliance"):
        assert len(central & set(alliance.members)) < 2, alliance.id
    assert not any(r.type.value == "defense_pact" and set(r.actors) <= central for r in graph.relations)
