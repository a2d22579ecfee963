"""Ties over by a conflict's first day: alliance places and obligations that ended after the year began."""

import datetime as dt

import pytest

from escalate.errors import GraphFileError
from escalate.world.endings import NOTHING, Endings
from escalate.world.readers import Membership

from .conftest import SHARED, write

DATA = SHARED / "data"
DATED = (
    "atopid,member,yrent,moent,dayent,yrexit,moexit,dayexit,defense,offense,neutral,nonagg,consul,"
    "defcoadv,defcoloc,defcocon,defconum,defcodem\n"
)


def place(atopid, member, entered, left=None, duties=("defense",)):
    first, last = entered.year, left.year if left else 0
    return Membership(atopid, member, first, last, entered, left, frozenset(duties), ())


def endings(memberships, year):
    """Endings where ATOP 5.1 holds, in ``year``, every obligation the memberships give."""
    atop = {year: {}}
    for a in memberships:
        for b in memberships:
            if a.atopid == b.atopid and a.member != b.member:
                atop[year].setdefault((a.member, b.member), {}).update(dict.fromkeys(a.duties, 1))
    return Endings(memberships, atop)


def test_an_obligation_ends_when_every_alliance_giving_it_has_ended_unless_renewed_by_that_day():
    old = [place(1, 2, dt.date(1990, 1, 1), dt.date(1999, 6, 30)), place(1, 3, dt.date(1990, 1, 1))]
    renewed_before = [place(2, 2, dt.date(1999, 6, 30)), place(2, 3, dt.date(1999, 6, 30))]
    renewed_after = [place(3, 2, dt.date(2000, 5, 1)), place(3, 3, dt.date(2000, 5, 1))]
    day = dt.date(2000, 3, 1)  # a conflict of 2000, asked of the treaties of 1999
    assert endings(old, 1999)(1999, day).duties == {(2, 3, "defense"), (3, 2, "defense")}
    # Renewed before the day: the obligation carries on, though the place in the old alliance is over.
    renewed = endings(old + renewed_before, 1999)(1999, day)
    assert renewed.duties == frozenset() and renewed.places == {(1, 2)}
    assert endings(old + renewed_after, 1999)(1999, day).duties == {(2, 3, "defense"), (3, 2, "defense")}
    # Still in force on the day: nothing is over.
    assert endings(old, 1999)(1999, dt.date(1999, 6, 1)) == NOTHING
    # An open alliance giving the same obligation keeps it, and an obligation ends for its holder only.
    other = [place(4, 2, dt.date(1980, 1, 1), duties=()), place(4, 3, dt.date(1980, 1, 1))]
    assert endings(old + other, 1999)(1999, day).duties == {(2, 3, "defense")}


def test_an_exit_the_year_after_the_treaties_counts_from_its_day():
    """A conflict of 1919 asks the treaties of 1918; an alliance ended in March 1919 is over in April."""
    members = [place(7, c, dt.date(1914, 8, 2), dt.date(1919, 3, 31)) for c in (1, 2, 3)]
    assert endings(members, 1918)(1918, dt.date(1919, 3, 31)) == NOTHING
    ended = endings(members, 1918)(1918, dt.date(1919, 4, 1))
    assert ended.places == {(7, 1), (7, 2), (7, 3)} and len(ended.duties) == 6


def test_a_place_in_a_defence_alliance_ends_with_its_defence_even_if_the_state_stays_on_otherwise():
    """A member that keeps only a promise to consult is no longer in the alliance that defends."""
    defends = place(5, 1, dt.date(1990, 1, 1), dt.date(1999, 6, 30))
    consults = place(5, 1, dt.date(1999, 6, 30), duties=("consul",))
    others = [place(5, c, dt.date(1990, 1, 1)) for c in (2, 3)]
    ended = endings([defends, consults, *others], 1999)(1999, dt.date(2000, 3, 1))
    assert ended.places == {(5, 1)}
    assert (1, 2, "defense") in ended.duties and (1, 2, "consul") not in ended.duties


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


def test_a_member_file_without_days_ends_nothing_before_its_year(data):
    from escalate.world.atop import WorldData

    assert WorldData(data).ended_by(1999, dt.date(2000, 6, 1)) == NOTHING


def test_an_exit_that_is_not_a_day_is_an_error_at_its_line(dated):
    from escalate.world.atop import WorldData

    members = (dated / "atop_v4.01/atop-member-level.csv").read_text()
    write(
        dated, "atop_v4.01/atop-member-level.csv", members + "9600,2,1990,1,1,2000,13,1,1,0,0,0,0,0,0,0,0,0\n"
    )
    with pytest.raises(GraphFileError, match=r"atop-member-level.csv:8: entry and exit must be days"):
        WorldData(dated)


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
