"""The COW, ATOP and MID tables of a data folder, each read and checked into plain structures.

:class:`~escalate.world.atop.WorldData` holds what these return; each reader names the file
and line of a value it cannot use.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from escalate.errors import GraphFileError
from escalate.world.data import checked_start, columns_of, data_file, rows, text_rows

#: ATOP 4.01 defence conditions kept in an alliance's note: specific adversary, location,
#: conflict, non-provocation, demand.
CONDITIONS = ("defcoadv", "defcoloc", "defcocon", "defconum", "defcodem")

#: ATOP 5.1 directed dyad-year obligation columns, after the two states and the year.
OBLIGATION_COLUMNS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")


def read_states(folder: str | os.PathLike[str]) -> tuple[dict[int, tuple[str, str]], dict[int, set[int]]]:
    """``(name and abbreviation by COW code, members by year)``; a member with no name is an error."""
    names: dict[int, tuple[str, str]] = {}
    for state in text_rows(folder, "states", ("ccode", "statenme", "stateabb"), whole=("ccode",)):
        names[int(state["ccode"])] = (state["statenme"], state["stateabb"])
    system: dict[int, set[int]] = defaultdict(set)
    for _, member in rows(folder, "system", ("ccode", "year")):
        system[member["year"]].add(member["ccode"])
    unnamed = sorted(set().union(*system.values()) - set(names)) if system else []
    if unnamed:  # a states file cut short would silently drop states from every year
        path = data_file(folder, "states")
        codes = ", ".join(map(str, unnamed[:5])) + (
            f" and {len(unnamed) - 5} more" if len(unnamed) > 5 else ""
        )
        raise GraphFileError(path, [f"{path}: no name for the system members {codes}; is the file complete?"])
    return names, system


#: The columns of a COW state-list row that date its spell of membership.
SPELL_COLUMNS = ("ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday")


def read_spells(folder: str | os.PathLike[str]) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Each state's spells of system membership, ``ccode -> [(first day, last day), ...]``.

    Empty when the state list has no dates (a list of names only): every member of a year
    then counts as a member all year. A date that is not a day is an error at its line.
    """
    if not set(SPELL_COLUMNS) <= set(columns_of(folder, "states")):
        return {}
    spells: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for line, r in rows(folder, "states", SPELL_COLUMNS):
        try:
            first = dt.date(r["styear"], r["stmonth"], r["stday"])
            last = dt.date(r["endyear"], r["endmonth"], r["endday"])
        except ValueError as exc:
            path = data_file(folder, "states")
            raise GraphFileError(path, [f"{path}:{line}: a spell's dates must be days ({exc})"]) from exc
        spells[r["ccode"]].append((first, last))
    return dict(spells)


def gone_by(
    spells: Mapping[int, list[tuple[dt.date, dt.date]]], day: dt.date, states: Iterable[int]
) -> frozenset[int]:
    """The ``states`` out of the system from ``day`` to the end of its year, by their ``spells``.

    Czechoslovakia is a member in 1939 until March: a war of September 1939 cannot draw it
    in. A state that enters later in the year is not gone (it may still join); a state with
    no spells is never gone.

    >>> czechoslovakia = [(dt.date(1918, 11, 18), dt.date(1939, 3, 14))]
    >>> germany = [(dt.date(1990, 10, 3), dt.date(2016, 12, 31))]
    >>> spells = {315: czechoslovakia, 255: germany}
    >>> sorted(gone_by(spells, dt.date(1939, 9, 1), [315, 2]))  # 2 has no spells
    [315]
    >>> sorted(gone_by(spells, dt.date(1990, 8, 2), [255]))  # united Germany comes in October
    []
    """
    end = dt.date(day.year, 12, 31)
    return frozenset(
        c
        for c in states
        if c in spells and not any(first <= end and last >= day for first, last in spells[c])
    )


def read_obligations(folder: str | os.PathLike[str]) -> dict[int, dict[tuple[int, int], dict[str, int]]]:
    """ATOP's obligations by year and directed pair: ``{"defense": 0 or 1, "offense": ..., ...}``."""
    atop: dict[int, dict[tuple[int, int], dict[str, int]]] = defaultdict(dict)
    for _, row in rows(folder, "atop", ("ccode1", "ccode2", "year", *OBLIGATION_COLUMNS)):
        atop[row["year"]][(row["ccode1"], row["ccode2"])] = {
            k.removeprefix("atop_"): row[k] for k in OBLIGATION_COLUMNS
        }
    return atop


def read_borders(folder: str | os.PathLike[str]) -> list[tuple[int, int, int, int, int]]:
    """COW contiguity: ``(state, state, type, begin YYYYMM, end YYYYMM)``; a bad month is an error."""
    borders: list[tuple[int, int, int, int, int]] = []
    for line, r in rows(folder, "contiguity", ("statelno", "statehno", "conttype", "begin", "end")):
        for column in ("begin", "end"):
            if not 1 <= r[column] % 100 <= 12:  # YYYYMM
                path = data_file(folder, "contiguity")
                message = f"{path}:{line}: {column} {r[column]} is not a year and month (YYYYMM)"
                raise GraphFileError(path, [message])
        borders.append((r["statelno"], r["statehno"], r["conttype"], r["begin"], r["end"]))
    return borders


class Membership(NamedTuple):
    """One state's place in one ATOP 4.01 alliance."""

    atopid: int
    member: int
    first: int  # the year it entered
    last: int  # the year it left, 0 while in force
    entered: dt.date  # the day it entered (the year's or month's first if the file has none)
    left: dt.date | None  # the day it left (the month's last if no day is given); None: in force or undated
    duties: frozenset[str]  # its obligations: defense, offense, neutral, nonagg, consul
    conditions: tuple[str, ...]  # its defence conditions (:data:`CONDITIONS`)

    def in_force(self, year: int) -> bool:
        """Whether the place was held at some time in ``year``."""
        return self.first <= year and (self.last == 0 or self.last >= year)


#: ATOP 4.01 member-level obligation columns; a file without them is read for defence only.
DUTIES = ("defense", "offense", "neutral", "nonagg", "consul")
#: The month and day a member entered and left; a file without them dates by the year only.
DAYS = ("moent", "dayent", "moexit", "dayexit")


def read_memberships(folder: str | os.PathLike[str]) -> list[Membership]:
    """ATOP 4.01 members, with the days each entered and left where the file dates them.

    A month or day of 0 or blank is unknown: an entry counts from the earliest day it may
    have been, an exit to the latest. A date that is not a day is an error at its line.
    """
    header = set(columns_of(folder, "atop_members"))
    duties = tuple(d for d in DUTIES if d in header)
    dated = set(DAYS) <= header
    found = []
    columns = ("atopid", "member", "yrent", "yrexit", "defense", *duties[1:], *CONDITIONS)
    for line, r in rows(folder, "atop_members", columns, blank=DAYS if dated else ()):
        try:
            entered = dt.date(r["yrent"], max(r.get("moent", 1), 1), max(r.get("dayent", 1), 1))
            left = None
            if dated and r["yrexit"] > 0:
                month = r["moexit"] if r["moexit"] > 0 else 12
                last_day = calendar.monthrange(r["yrexit"], month)[1]
                left = dt.date(r["yrexit"], month, r["dayexit"] if r["dayexit"] > 0 else last_day)
        except (ValueError, calendar.IllegalMonthError) as exc:
            path = data_file(folder, "atop_members")
            raise GraphFileError(path, [f"{path}:{line}: entry and exit must be days ({exc})"]) from exc
        kept = frozenset(d for d in duties if r[d]), tuple(c for c in CONDITIONS if r[c])
        found.append(Membership(r["atopid"], r["member"], r["yrent"], r["yrexit"], entered, left, *kept))
    return found


class Dispute(NamedTuple):
    """One MID dispute: the year it began, the year its last participant left it, its two sides."""

    start: int
    end: int
    sides: dict[int, set[int]]  # 1: side A (the first militarized action), 0: side B


def read_disputes(
    folder: str | os.PathLike[str],
) -> tuple[dict[int, Dispute], dict[tuple[int, int], tuple[int, int]]]:
    """MID 5.0: ``(dispute -> Dispute, (dispute, state) -> (hostility, fatality))``.

    A start out of range, an end before it or a side other than 0 or 1 is an error; so is a
    file with no dispute.
    """
    disputes: dict[int, Dispute] = {}
    actions: dict[tuple[int, int], tuple[int, int]] = {}
    fields = ("dispnum", "ccode", "styear", "stmon", "stday", "endyear", "sidea", "hostlev", "fatality")
    path = data_file(folder, "mids")
    for line, party in rows(folder, "mids", fields):
        checked_start(path, line, party, ("styear", "stmon", "stday"), ("sidea", (0, 1)), end="endyear")
        number = party["dispnum"]
        known = disputes.get(number) or Dispute(party["styear"], party["endyear"], {0: set(), 1: set()})
        known.sides[1 if party["sidea"] == 1 else 0].add(party["ccode"])
        disputes[number] = known._replace(end=max(known.end, party["endyear"]))
        actions[(number, party["ccode"])] = (party["hostlev"], party["fatality"])
    if not disputes:
        raise GraphFileError(path, [f"{path}: the file holds no dispute (only a header?)"])
    return disputes, actions
