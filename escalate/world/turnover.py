"""Alliance ties that changed between a conflict's treaty year and its first day.

ATOP 5.1 gives obligations by year, and a conflict begun in year Y is asked of those of
Y-1 (its *treaty year*); some of them were over by its first day, and some alliances were
signed in Y before it. The Central Powers' alliance ended in November 1918, yet it stood in
the graphs of the wars of 1919; Britain's guarantee to Poland, signed in April 1939, was
missing from the graph of the war that began on 1 September. ATOP 4.01 dates the days each
member entered and left each alliance (to 2016), so, on a day:

- a member's place in a defence alliance of Y-1 is over if it held no place with a defence
  obligation in it that day;
- an obligation of Y-1 held by one state toward another is over if every ATOP 4.01
  alliance that gave it in Y-1 (both states members, the holder with that obligation) had
  ended for one of the two, and no alliance gave it that day (a renewal signed before the
  day carries it on). An obligation no dated alliance of Y-1 accounts for stands all year;
- a place in a defence alliance entered in Y before the day, and held on the day, has begun;
- an obligation ATOP 5.1 holds in Y and not in Y-1 has begun if an ATOP 4.01 alliance that
  gives it was entered by both states before the day and held on the day. An obligation no
  dated alliance accounts for waits for the year after.

Examples
--------
>>> import datetime as dt
>>> from escalate.world.readers import Membership
>>> powers = (255, 300, 355, 640)
>>> central = [Membership(1475, state, 1914, 1918, dt.date(1914, 8, 2), dt.date(1918, 11, 11),
...                       frozenset({"defense"}), ()) for state in powers]
>>> atop = {1918: {(a, b): {"defense": 1} for a in powers for b in powers if a != b}}
>>> over = Turnovers(central, atop)(1918, dt.date(1919, 4, 16)).ended
>>> sorted(over.places)[:2], (355, 640, "defense") in over.duties
([(1475, 255), (1475, 300)], True)
>>> Turnovers(central, atop)(1918, dt.date(1918, 6, 1)) == NOTHING
True
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from escalate.world.readers import DUTIES, Membership


@dataclass(frozen=True)
class Ties:
    """``(atopid, member)`` places in defence alliances and ``(holder, partner, obligation)`` duties."""

    places: frozenset[tuple[int, int]] = frozenset()
    duties: frozenset[tuple[int, int, str]] = frozenset()


@dataclass(frozen=True)
class Turnover:
    """The ties of a treaty year ``ended`` by a day, and those ``begun`` after the year and before the day."""

    ended: Ties = field(default_factory=Ties)
    begun: Ties = field(default_factory=Ties)

    def obligations(self, table: Mapping[tuple[int, int], Mapping[str, int]]) -> dict[tuple[int, int], Any]:
        """A treaty year's ``(holder, partner) -> {obligation: 0/1}``, 0 where ended, 1 where begun.

        The rows of the pairs with no change are the table's own (shared, not copied).
        """
        found = dict(table)
        for holder, partner, duty in sorted(self.ended.duties | self.begun.duties):
            pair = (holder, partner)
            row = found[pair] = dict(found[pair] if pair in found else dict.fromkeys(DUTIES, 0))
            row[duty] = int((holder, partner, duty) in self.begun.duties)
        return found

    def toward(self, partner: int, holders: Mapping[int, frozenset[str]]) -> Mapping[int, frozenset[str]]:
        """Each state's obligations toward ``partner`` on the day, from the treaty year's ``holders``.

        ``holders`` maps each state to the kinds it held toward ``partner`` in the treaty year; the
        same rule as :meth:`obligations`: those ended are left out, those begun added.
        """
        ended_toward, _, begun_toward, _ = self._index
        return _changed(holders, ended_toward.get(partner, {}), begun_toward.get(partner, {}))

    def of(self, holder: int, partners: Mapping[int, frozenset[str]]) -> Mapping[int, frozenset[str]]:
        """``holder``'s obligations toward each state on the day, from the treaty year's ``partners``."""
        _, ended_of, _, begun_of = self._index
        return _changed(partners, ended_of.get(holder, {}), begun_of.get(holder, {}))

    @functools.cached_property
    def _index(self) -> tuple[_ByState, _ByState, _ByState, _ByState]:
        """The ended duties by partner, then holder, and the reverse; the begun alike."""
        indices: tuple[_ByState, ...] = tuple(defaultdict(lambda: defaultdict(set)) for _ in range(4))
        ended_toward, ended_of, begun_toward, begun_of = indices
        for holder, partner, duty in self.ended.duties:
            ended_toward[partner][holder].add(duty)
            ended_of[holder][partner].add(duty)
        for holder, partner, duty in self.begun.duties:
            begun_toward[partner][holder].add(duty)
            begun_of[holder][partner].add(duty)
        return ended_toward, ended_of, begun_toward, begun_of


#: ``state -> other state -> obligation kinds``.
_ByState = dict[int, dict[int, set[str]]]


def _changed(
    known: Mapping[int, frozenset[str]], ended: Mapping[int, set[str]], begun: Mapping[int, set[str]]
) -> Mapping[int, frozenset[str]]:
    """``known`` (state -> kinds) less the kinds ``ended`` for each state, with those ``begun``."""
    touched = [state for state in ended if state in known]
    if not begun and not touched:
        return known
    found = dict(known)  # in the same order; only the states touched change
    for state in touched:
        found[state] = found[state] - ended[state]
    for state, kinds in begun.items():
        found[state] = found.get(state, frozenset()) | kinds
    for state in [state for state in touched if not found[state]]:
        del found[state]
    return found


#: Nothing changed: every tie of the treaty year stands, and none begun since.
NOTHING = Turnover()


#: When a tie held: ``(first day, last day or None while in force)`` spells.
Spells = list[tuple[dt.date, dt.date | None]]
#: A tie ending or beginning in a year: ``(the day it last held, or first held, tie, spells)``.
_Dated = tuple[dt.date, Any, Spells]


class Turnovers:
    """The ties that changed between a treaty year and a day, each year's worked out once.

    ``obligations`` are ATOP 5.1's by year (:meth:`~escalate.world.atop.WorldData.obligations`):
    only the obligations a year holds, and the places of defence alliances, can end in it, and
    only those the next year holds and it does not can begin.
    """

    def __init__(
        self, memberships: Sequence[Membership], obligations: Mapping[int, Mapping[tuple[int, int], Any]]
    ) -> None:
        self.memberships, self.obligations = memberships, obligations
        #: ``member -> atopid -> its places there`` (more than one where it left and came back).
        self._places: dict[int, dict[int, list[Membership]]] = defaultdict(lambda: defaultdict(list))
        for m in memberships:
            self._places[m.member][m.atopid].append(m)
        self._years: dict[int, tuple[list[_Dated], ...]] = {}
        self._defence_places: dict[tuple[int, int], Spells] | None = None
        #: When each obligation ``(holder, partner, duty)`` was given, whatever the year (asked year by year).
        self._given: dict[tuple[int, int, str], Spells] = {}
        self._days: dict[tuple[int, dt.date], Turnover] = {}  # each asked once (its index made once)

    def __call__(self, year: int, day: dt.date) -> Turnover:
        """The places and obligations of ``year`` over by ``day``, and those begun after it before ``day``."""
        if (year, day) not in self._days:
            self._days[year, day] = self._on(year, day)
        return self._days[year, day]

    def _on(self, year: int, day: dt.date) -> Turnover:
        if year not in self._years:
            places, duties = self._place_spells(), self._duty_spells(year)
            new = self._duty_spells(year + 1, without=self.obligations.get(year, {}))
            self._years[year] = (
                _closing(places, year), _closing(duties, year), _opening(places, year), _opening(new)
            )  # fmt: skip
        closing, opening = self._years[year][:2], self._years[year][2:]
        ended = [frozenset(key for _, key, spells in dated[: bisect.bisect_left(dated, (day,))]
                           if not _held(spells, day)) for dated in closing]  # fmt: skip
        begun = [frozenset(key for _, key, spells in dated[: bisect.bisect_left(dated, (day,))]
                           if _held(spells, day)) for dated in opening]  # fmt: skip
        return Turnover(Ties(*ended), Ties(*begun)) if any(ended) or any(begun) else NOTHING

    def _place_spells(self) -> dict[tuple[int, int], Spells]:
        """When each state held its place ``(atopid, member)`` in a defence alliance (worked out once)."""
        if self._defence_places is None:
            spells: dict[tuple[int, int], Spells] = defaultdict(list)
            for m in self.memberships:
                if "defense" in m.duties:
                    spells[m.atopid, m.member].append((m.entered, m.left))
            self._defence_places = dict(spells)
        return self._defence_places

    def _duty_spells(
        self, year: int, without: Mapping[tuple[int, int], Mapping[str, int]] | None = None
    ) -> dict[tuple[int, int, str], Spells]:
        """When each obligation ``(holder, partner, duty)`` of ``year`` (not ``without``) was given.

        Read pair by pair from the alliances both states were in (never every pair of every
        alliance, which a file with one huge alliance would make unbounded).
        """
        spells: dict[tuple[int, int, str], Spells] = {}
        for (holder, partner), duties in self.obligations.get(year, {}).items():
            held_before = (without or {}).get((holder, partner), {})
            for duty in (d for d, held in duties.items() if held and not held_before.get(d)):
                if found := self._given_spells(holder, partner, duty):
                    spells[holder, partner, duty] = found
        return spells

    def _given_spells(self, holder: int, partner: int, duty: str) -> Spells:
        """The spells in which the alliances both were in gave ``holder`` ``duty`` toward ``partner``."""
        key = (holder, partner, duty)
        if key not in self._given:
            theirs, ours = self._places.get(holder, {}), self._places.get(partner, {})
            self._given[key] = [
                _shared(h, p)
                for atopid in theirs.keys() & ours.keys()
                for h in theirs[atopid]
                if duty in h.duties
                for p in ours[atopid]
            ]
        return self._given[key]


def _shared(a: Membership, b: Membership) -> tuple[dt.date, dt.date | None]:
    """The spell in which both held their places."""
    ends = [e for e in (a.left, b.left) if e is not None]
    return max(a.entered, b.entered), min(ends) if ends else None


def _closing(spells: Mapping[Any, Spells], year: int) -> list[_Dated]:
    """``(last day, tie, spells)`` of the ties held in ``year`` whose every spell that year ends, by last day.

    Any other tie holds on every later day. On a day after its last, a tie may hold again
    by a spell begun later (a renewal).
    """
    found = []
    for key, spans in spells.items():
        ends = [last for first, last in spans if first.year <= year and (last is None or last.year >= year)]
        if ends and None not in ends:
            found.append((max(e for e in ends if e is not None), key, spans))
    return sorted(found)


def _opening(spells: Mapping[Any, Spells], year: int | None = None) -> list[_Dated]:
    """``(first day, tie, spells)`` of the ties not held in ``year`` (if given), by first day.

    On a day after its first, such a tie holds if a spell holds that day (it may have ended already).
    """
    found = []
    for key, spans in spells.items():
        if year is not None and any(first.year <= year and (last is None or last.year >= year)
                                    for first, last in spans):  # fmt: skip
            continue
        starts = [first for first, _ in spans if year is None or first.year > year]
        if starts:
            found.append((min(starts), key, spans))
    return sorted(found)


def _held(spells: Spells, day: dt.date) -> bool:
    return any(first <= day and (last is None or last >= day) for first, last in spells)
