r"""Build the international system of one year from COW and ATOP data.

States are the COW state-system members of the year (id: the COW name; aliases: the COW
abbreviation and code). ATOP 5.1 directed obligations become relations: a row reads
"ccode1 holds this obligation toward ccode2", so

- defense both ways -> ``defense_pact``; one way -> ``guarantee`` from ccode1 to ccode2;
- offense -> ``offense_pact`` from ccode1 to ccode2 (a promise to join its attack);
- consultation -> ``consultation_pact``; neutrality and non-aggression -> their pacts.

Multilateral defence alliances (three or more members with a defence obligation, from the
ATOP 4.01 member-level file) become one ``alliance`` actor each, with collective defence,
instead of a clique of pacts: a pact between two members of such an alliance is left to
the alliance. Places and obligations ATOP 4.01 dates as over before the year's last day,
the scenario's date, are left out (:mod:`~escalate.world.turnover`). Land borders in force
that year (COW Direct Contiguity, land or river) become ``border`` relations, and COW's
major powers of the year are marked ``major_power``. With ``rivalry_years = N``, states on
opposite sides of a dispute (MID) begun in the N years before become ``hostility``, graded
by the worst it came to (``war``, ``fatal``, ``force``, ``threat``; see
:class:`~escalate.model.HostilityLevel`), with the count and the latest year in its note; states
on the same side of a dispute begun or ended in those years, ``co_belligerence``.

Examples
--------
A two-state world of 2000 with a defence obligation each way, from files written here
(``tests/test_world.py`` reads the real ``shared/data`` when it is present):

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> files = {
...     "states": "stateabb,ccode,statenme\nARM,371,Armenia\nRUS,365,Russia\n",
...     "system": "stateabb,ccode,year\nARM,371,2000\nRUS,365,2000\n",
...     "atop": "ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"
...     "365,371,2000,1,0,0,0,0\n371,365,2000,1,0,0,0,0\n",
...     "contiguity": "statelno,statehno,conttype,begin,end\n",
...     "majors": "ccode,styear,endyear\n365,1992,2016\n",
...     "atop_members": "atopid,member,yrent,yrexit,defense,defcoadv,defcoloc,defcocon,defconum,defcodem\n",
... }
>>> from escalate.world.data import SOURCES, FILES
>>> for role, text in files.items():
...     (folder / FILES[role]).parent.mkdir(parents=True, exist_ok=True)
...     _ = (folder / FILES[role]).write_text(text, encoding="latin-1")
>>> world = world_scenario(folder, 2000)
>>> world.resolve("RUS"), world.resolve("371"), world.actors["Russia"].major_power
('Russia', 'Armenia', True)
>>> [(r.type.value, *sorted(r.actors)) for r in world.relations]
[('defense_pact', 'Armenia', 'Russia')]
>>> import shutil; shutil.rmtree(folder)
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from escalate.errors import GraphFileError
from escalate.model import Scenario, scenario_from_data
from escalate.world.data import SOURCES, data_file, rows
from escalate.world.naming import GRADE_WORDS, GRADES, alliance_name, dispute_grade, unique_names
from escalate.world.readers import (
    Dispute,
    gone_by,
    read_borders,
    read_disputes,
    read_memberships,
    read_obligations,
    read_spells,
    read_states,
)
from escalate.world.turnover import NOTHING, Turnover, Turnovers

#: States that COW lists anew but that carried on the treaties of states it ends the same
#: year: united Germany (255) the Federal Republic's (260) in October 1990, united Yemen (679)
#: both Yemens' (678, 680) in May 1990. ATOP starts the heir's rows in its first year, so in
#: the year before, read for a conflict of that year, the heir would have no ties at all. COW
#: lists heir and predecessors alike in that year, so a conflict of the year asks both.
CONTINUATIONS: dict[int, tuple[int, ...]] = {255: (260,), 679: (678, 680)}


def carried_over(a: int, b: int, heir: int, predecessors: tuple[int, ...]) -> tuple[int, int] | None:
    """The tie between ``a`` and ``b`` as ``heir`` takes it over, each predecessor renamed to it.

    None when neither is a predecessor, or when the tie would join the heir to itself (a tie
    between two predecessors, or between a predecessor and the heir).

    >>> carried_over(260, 2, 255, (260,)), carried_over(678, 680, 679, (678, 680))
    ((255, 2), None)
    >>> carried_over(2, 3, 255, (260,)) is None
    True
    """
    if not {a, b} & set(predecessors) or {a, b} <= {heir, *predecessors}:
        return None
    return (heir if a in predecessors else a, heir if b in predecessors else b)


class WorldData:
    """The COW and ATOP tables of a data folder, read once (what a backtest reuses).

    Reading takes about a second for the full data sets; everything after is in memory.
    """

    def __init__(self, folder: str | os.PathLike[str], *, with_disputes: bool = True) -> None:
        self.folder = folder
        self.names, self.system = read_states(folder)
        #: Each state's spells of membership, by day (empty for a state list without dates).
        self.spells = read_spells(folder)
        self.atop = read_obligations(folder)
        self.borders = read_borders(folder)
        self.majors = [
            (r["ccode"], r["styear"], r["endyear"])
            for _, r in rows(folder, "majors", ("ccode", "styear", "endyear"))
        ]
        self.memberships = read_memberships(folder)
        #: ``(year, day) -> Turnover``: the year's alliance places and obligations over by the day,
        #: and those begun after the year and before the day.
        self.turnover = Turnovers(self.memberships, self.atop)
        self.disputes: dict[int, Dispute] = {}
        #: ``(dispute, ccode) -> (hostility level 1-5, fatality code)`` of each participant.
        self.actions: dict[tuple[int, int], tuple[int, int]] = {}
        if with_disputes:
            self.disputes, self.actions = read_disputes(folder)

    def states_year(self, year: int) -> int:
        """The year whose COW state list describes ``year``: itself, or the list's last year after it.

        A year before the list, or in a gap of it, is an error that says what the list covers.
        """
        if self.members(year):
            return year
        first, last = (min(self.system), max(self.system)) if self.system else (0, 0)
        if self.system and year > last:
            return last
        path = data_file(self.folder, "system")
        covers = f"it covers {first}-{last}" if self.system else "it lists no state"
        raise GraphFileError(path, [f"{path}: no COW state-system members in {year}; {covers}"])

    def gone_by(self, day: dt.date, states: Iterable[int]) -> frozenset[int]:
        """The ``states`` out of the system from ``day`` to the end of its year (see :func:`gone_by`)."""
        return gone_by(self.spells, day, states)

    def members(self, year: int) -> dict[int, tuple[str, str]]:
        """COW system members in ``year``: ``ccode -> (name, abbreviation)``."""
        return {c: self.names[c] for c in sorted(self.system.get(year, ())) if c in self.names}

    def obligations(self, year: int, turnover: Turnover = NOTHING) -> dict[tuple[int, int], dict[str, int]]:
        """ATOP 5.1's ``(ccode1, ccode2) -> {defense: 0/1, ...}`` of ``year``, changed by the ``turnover``."""
        table = self.atop.get(year, {})
        return table if turnover == NOTHING else turnover.obligations(table)

    def alliances(self, year: int, turnover: Turnover = NOTHING) -> dict[int, tuple[set[int], set[str]]]:
        """Multilateral defence alliances in force in ``year``: ``atopid -> (members, conditions)``.

        Members are the system members of the year with a defence obligation, but for the
        places the ``turnover`` ended, and with those it began; an alliance with fewer than
        three of them is left to its pacts.
        """
        states = self.members(year) or (self.members(max(self.system)) if year > max(self.system) else {})
        found: dict[int, tuple[set[int], set[str]]] = defaultdict(lambda: (set(), set()))
        for m in self.memberships:
            place = (m.atopid, m.member)
            held = m.in_force(year) and place not in turnover.ended.places
            if "defense" in m.duties and m.member in states and (held or place in turnover.begun.places):
                found[m.atopid][0].add(m.member)
                found[m.atopid][1].update(m.conditions)
        return {a: found[a] for a in sorted(found) if len(found[a][0]) >= 3}

    def allied(self, year: int, turnover: Turnover = NOTHING) -> dict[int, set[int]]:
        """Each member's alliances of ``year`` (a pact between two that share one is left to it)."""
        found: dict[int, set[int]] = defaultdict(set)
        for atopid, (members, _) in self.alliances(year, turnover).items():
            for member in members:
                found[member].add(atopid)
        return found

    def signed(self, atopid: int) -> int:
        """The year an alliance began: the first year any member entered it."""
        return min(m.first for m in self.memberships if m.atopid == atopid)

    def land_borders(self, year: int) -> set[frozenset[int]]:
        """Pairs of states sharing a land or river border at some time in ``year``."""
        return {
            frozenset((low, high))
            for low, high, kind, begin, end in self.borders
            if kind == 1 and begin <= year * 100 + 12 and end >= year * 100 + 1
        }

    def heirs(self, year: int) -> dict[int, tuple[int, ...]]:
        """States new in ``year`` that carry on states of the year before (:data:`CONTINUATIONS`)."""
        before = self.system.get(year - 1, set())
        found = {}
        for heir, predecessors in CONTINUATIONS.items():
            carried = tuple(p for p in predecessors if p in before)
            if heir in self.system.get(year, set()) and heir not in before and carried:
                found[heir] = carried
        return found

    def major_powers(self, year: int) -> set[int]:
        """COW major powers at some time in ``year``."""
        return {c for c, first, last in self.majors if first <= year <= last}

    def rivalry_grades(self, first: int, last: int) -> dict[frozenset[int], tuple[str, int, int]]:
        """Rivals of disputes begun in ``first..last``: ``pair -> (grade, disputes, latest year)``.

        A dispute's grade for a pair is the worst either of the two did in it: ``war`` (MID
        hostility level 5), ``fatal`` (level 4 with deaths), ``force`` (level 4), else
        ``threat``; the pair's grade is the worst over its disputes.
        """
        found: dict[frozenset[int], tuple[str, int, int]] = {}
        for number, (year, _, sides) in self.disputes.items():
            if not first <= year <= last:
                continue
            for a in sides[1]:
                for b in sides[0]:
                    if a == b:
                        continue
                    grade = dispute_grade(
                        self.actions.get((number, a), (0, 0)), self.actions.get((number, b), (0, 0))
                    )
                    pair = frozenset((a, b))
                    worst, count, latest = found.get(pair, ("threat", 0, year))
                    worst = max(worst, grade, key=GRADES.index)
                    found[pair] = (worst, count + 1, max(latest, year))
        return found

    def comrades(self, first: int, last: int) -> dict[frozenset[int], tuple[int, int]]:
        """States on the same side of a dispute of ``first..last``: ``pair -> (disputes, latest year)``.

        A dispute counts when it began in those years or ended in them: the states that fought
        side by side until 1945 are comrades in 1950, though their war began in 1939. One begun
        before ``first`` and still going after ``last`` does not, nor one begun after ``last``
        (never the conflict asked about). The latest year is the last of ``first..last`` in
        which one of the pair's disputes was going.
        """
        found: dict[frozenset[int], tuple[int, int]] = {}
        for start, end, sides in self.disputes.values():
            if not (first <= start <= last or first <= end <= last):
                continue
            going = min(end, last)
            for side in sides.values():
                for a in side:
                    for b in side:
                        if a < b:
                            count, latest = found.get(pair := frozenset((a, b)), (0, going))
                            found[pair] = (count + 1, max(latest, going))
        return found

    def scenario_data(
        self,
        year: int,
        *,
        rivalries: tuple[int, int] | None = None,
        borders_in: int | None = None,
        label: str | None = None,
        states_in: int | None = None,
        turnover: Turnover = NOTHING,
    ) -> dict[str, Any]:
        """File-shaped data of the system in ``year``; hostility from disputes begun in ``rivalries``.

        Borders are those of ``borders_in`` (default: ``states_in``, else ``year``); states and
        major powers those of ``states_in`` (default: ``year``), for years past the COW lists.
        Alliance places and obligations change by the ``turnover`` (see :mod:`~escalate.world.turnover`).
        """
        states_year = year if states_in is None else states_in
        borders_in = states_year if borders_in is None else borders_in
        states = self.members(states_year)
        name = unique_names(states)
        relations = self._treaty_relations(year, states, name, turnover)
        sources = {key: SOURCES[key] for key in ("atop", "cow_states", "cow_contiguity")}
        for pair in sorted(self.land_borders(borders_in), key=sorted):
            a, b = sorted(pair)
            if a in states and b in states:
                relations.append(
                    {"type": "border", "between": [name[a], name[b]], "source": "cow_contiguity"}
                )
        if rivalries is not None:
            sources["mid"] = SOURCES["mid"]
            relations += self._dispute_relations(rivalries, states, name)
        majors = self.major_powers(states_year)
        actors: dict[str, Any] = {
            name[c]: {"kind": "state", "aliases": [abbreviation, str(c)], "source": "cow_states"}
            | ({"major_power": True} if c in majors else {})
            for c, (_, abbreviation) in states.items()
        }
        alliances = self._alliance_actors(year, name, turnover)
        if alliances:
            sources["atop_members"] = SOURCES["atop_members"]
        return {
            "name": f"world-{year}",
            "title": label or f"The international system in {year}: COW states, ATOP 5.1 obligations",
            "relations": relations,
            "sources": sources,
            "actors": actors | alliances,
        }

    def _treaty_relations(
        self, year: int, states: Mapping[int, Any], name: dict[int, str], turnover: Turnover
    ) -> list[dict[str, Any]]:
        """The ATOP obligations of ``year`` between states, as relations (defence in an alliance left out)."""
        relations: list[dict[str, Any]] = []
        symmetric: set[tuple[str, int, int]] = set()
        table = self.obligations(year, turnover)
        allied = self.allied(year, turnover)
        for (a, b), duties in sorted(table.items()):
            if a not in states or b not in states or a == b:
                continue
            if duties["defense"] and not allied.get(a, set()) & allied.get(b, set()):
                if table.get((b, a), {}).get("defense"):
                    _once(relations, symmetric, "defense_pact", a, b, name)
                else:
                    relations.append({"type": "guarantee", "from": name[a], "to": name[b], "source": "atop"})
            if duties["offense"]:
                relations.append({"type": "offense_pact", "from": name[a], "to": name[b], "source": "atop"})
            for duty, kind in (
                ("consul", "consultation_pact"),
                ("neutral", "neutrality_pact"),
                ("nonagg", "nonaggression_pact"),
            ):
                if duties[duty]:
                    _once(relations, symmetric, kind, a, b, name)
        return relations

    def _dispute_relations(
        self, rivalries: tuple[int, int], states: Mapping[int, Any], name: dict[int, str]
    ) -> list[dict[str, Any]]:
        """Hostility (graded) from the disputes begun in ``rivalries``; co-belligerence (:meth:`comrades`)."""
        relations: list[dict[str, Any]] = []
        years = f"{rivalries[0]}-{rivalries[1]}"
        grades = self.rivalry_grades(*rivalries)
        for pair in sorted(grades, key=sorted):
            a, b = sorted(pair)
            if a in states and b in states:
                grade, count, latest = grades[pair]
                note = f"{count} dispute{'s' if count > 1 else ''} begun {years}"
                note += f", the latest in {latest}; the worst: {GRADE_WORDS[grade]}"
                relations.append({"type": "hostility", "between": [name[a], name[b]], "level": grade,
                                  "source": "mid", "note": note})  # fmt: skip
        comrades = self.comrades(*rivalries)
        for pair in sorted(comrades, key=sorted):
            a, b = sorted(pair)
            if a in states and b in states:
                count, latest = comrades[pair]
                note = f"{count} dispute{'s' if count > 1 else ''} begun or ended {years}"
                note += f" on the same side, the latest going in {latest}"
                relations.append({"type": "co_belligerence", "between": [name[a], name[b]],
                                  "source": "mid", "note": note})  # fmt: skip
        return relations

    def _alliance_actors(self, year: int, name: dict[int, str], turnover: Turnover) -> dict[str, Any]:
        """The multilateral defence alliances of ``year``, each an actor with collective defence."""
        actors: dict[str, Any] = {}
        for atopid, (members, conditions) in self.alliances(year, turnover).items():
            names = [name[m] for m in sorted(members)]
            called = alliance_name(atopid, names, self.signed(atopid))
            actors[called] = {
                "kind": "alliance",
                "aliases": [f"atop{atopid}", f"ATOP alliance {atopid}"],
                "members": names,
                "collective_defense": True,
                "source": "atop_members",
            } | ({"note": "defence conditions: " + ", ".join(sorted(conditions))} if conditions else {})
        return actors


def world_data(folder: str | os.PathLike[str], year: int, *, rivalry_years: int = 0) -> dict[str, Any]:
    """The scenario of ``year`` as file-shaped data (see :func:`world_scenario`)."""
    data = WorldData(folder, with_disputes=rivalry_years > 0)
    states_year = data.states_year(year)
    title = f"The international system in {year}: COW states and borders, ATOP 5.1 obligations"
    if states_year != year:
        title += f" (states, borders and major powers of {states_year}, COW's last year)"
    if rivalry_years:
        title += f", disputes of the {rivalry_years} years before"
    window = (year - rivalry_years, year - 1) if rivalry_years > 0 else None
    last_day = dt.date(year, 12, 31)  # the scenario's date
    scenario = data.scenario_data(year, rivalries=window, label=title, states_in=states_year,
                                  turnover=data.turnover(year, last_day))  # fmt: skip
    return scenario | {"as_of": last_day}


def world_scenario(folder: str | os.PathLike[str], year: int, *, rivalry_years: int = 0) -> Scenario:
    """The international system of ``year`` from the data sets in ``folder``."""
    return scenario_from_data(world_data(folder, year, rivalry_years=rivalry_years), path=None)


def _once(
    relations: list[dict[str, Any]],
    seen: set[tuple[str, int, int]],
    kind: str,
    a: int,
    b: int,
    name: dict[int, str],
) -> None:
    key = (kind, a, b) if a < b else (kind, b, a)
    if key not in seen:
        seen.add(key)
        relations.append({"type": kind, "between": [name[a], name[b]], "source": "atop"})
