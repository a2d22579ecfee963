"""Alliance places and obligations over on a given day: what a conflict's graph leaves out.

ATOP 5.1 gives obligations by year, and a conflict begun in year Y is asked of those of
Y-1; some of them were over by its first day. The Central Powers' alliance ended in
November 1918, yet it stood in the graphs of the wars of 1919; the alliances of the Second
World War stood in those of the disputes of 1946. ATOP 4.01 dates the days each member
entered and left each alliance (to 2016), so, on a day:

- a member's place in a defence alliance of Y-1 is over if it held no place with a defence
  obligation in it that day;
- an obligation of Y-1 held by one state toward another is over if every ATOP 4.01
  alliance that gave it in Y-1 (both states members, the holder with that obligation) had
  ended for one of the two, and no alliance gave it that day (a renewal signed before the
  day carries it on). An obligation no dated alliance of Y-1 accounts for stands all year.

Examples
--------
>>> import datetime as dt
>>> from escalate.world.readers import Membership
>>> powers = (255, 300, 355, 640)
>>> central = [Membership(1475, state, 1914, 1918, dt.date(1914, 8, 2), dt.date(1918, 11, 11),
...                       frozenset({"defense"}), ()) for state in powers]
>>> atop = {1918: {(a, b): {"defense": 1} for a in powers for b in powers if a != b}}
>>> ended = Endings(central, atop)(1918, dt.date(1919, 4, 16))
>>> sorted(ended.places)[:2], (355, 640, "defense") in ended.duties
([(1475, 255), (1475, 300)], True)
>>> Endings(central, atop)(1918, dt.date(1918, 6, 1)) == NOTHING
True
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from escalate.world.readers import Membership


@dataclass(frozen=True)
class Ended:
    """What is over by a day: ``(atopid, member)`` places and ``(holder, partner, obligation)`` duties."""

    places: frozenset[tuple[int, int]]
    duties: frozenset[tuple[int, int, str]]


#: Nothing over: every tie of the year stands.
NOTHING = Ended(frozenset(), frozenset())


#: When a tie held: ``(first day, last day or None while in force)`` spells.
Spells = list[tuple[dt.date, dt.date | None]]
#: A tie whose spells in a year all end: ``(the last day it held that year, tie, spells)``.
_Closing = tuple[dt.date, Any, Spells]


class Endings:
    """The ties of a year that are over on a day, each year's worked out once.

    ``obligations`` are ATOP 5.1's by year (:meth:`~escalate.world.atop.WorldData.obligations`):
    only the obligations a year holds, and the places of defence alliances, can end in it.
    """

    def __init__(
        self, memberships: Sequence[Membership], obligations: Mapping[int, Mapping[tuple[int, int], Any]]
    ) -> None:
        self.memberships, self.obligations = memberships, obligations
        #: ``member -> atopid -> its places there`` (more than one where it left and came back).
        self._places: dict[int, dict[int, list[Membership]]] = defaultdict(lambda: defaultdict(list))
        for m in memberships:
            self._places[m.member][m.atopid].append(m)
        self._years: dict[int, tuple[list[_Closing], list[_Closing]]] = {}
        self._defence_places: dict[tuple[int, int], Spells] | None = None

    def __call__(self, year: int, day: dt.date) -> Ended:
        """The places and obligations in force in ``year`` that were over on ``day``."""
        if year not in self._years:
            self._years[year] = (
                _closing(self._place_spells(), year),
                _closing(self._duty_spells(year), year),
            )
        over = [frozenset(key for last, key, spells in closing[: bisect.bisect_left(closing, (day,))]
                          if not _held(spells, day)) for closing in self._years[year]]  # fmt: skip
        return Ended(*over) if any(over) else NOTHING

    def _place_spells(self) -> dict[tuple[int, int], Spells]:
        """When each state held its place ``(atopid, member)`` in a defence alliance (worked out once)."""
        if self._defence_places is None:
            spells: dict[tuple[int, int], Spells] = defaultdict(list)
            for m in self.memberships:
                if "defense" in m.duties:
                    spells[m.atopid, m.member].append((m.entered, m.left))
            self._defence_places = dict(spells)
        return self._defence_places

    def _duty_spells(self, year: int) -> dict[tuple[int, int, str], Spells]:
        """When each obligation ``(holder, partner, obligation)`` ATOP 5.1 holds in ``year`` was given.

        Read pair by pair from the alliances both states were in (never every pair of every
        alliance, which a file with one huge alliance would make unbounded).
        """
        spells: dict[tuple[int, int, str], Spells] = {}
        for (holder, partner), duties in self.obligations.get(year, {}).items():
            theirs, ours = self._places.get(holder, {}), self._places.get(partner, {})
            for duty in (d for d, held in duties.items() if held):
                found = [_shared(h, p) for atopid in theirs.keys() & ours.keys()
                         for h in theirs[atopid] if duty in h.duties for p in ours[atopid]]  # fmt: skip
                if found:
                    spells[holder, partner, duty] = found
        return spells


def _shared(a: Membership, b: Membership) -> tuple[dt.date, dt.date | None]:
    """The spell in which both held their places."""
    ends = [e for e in (a.left, b.left) if e is not None]
    return max(a.entered, b.entered), min(ends) if ends else None


def _closing(spells: Mapping[Any, Spells], year: int) -> list[_Closing]:
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


def _held(spells: Spells, day: dt.date) -> bool:
    return any(first <= day and (last is None or last >= day) for first, last in spells)
