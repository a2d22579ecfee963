"""The conflicts escalate replays: COW inter-state wars and MID disputes, and the graph of each.

A conflict has *originators* (who fought from its first day, on two sides), *initiators* (the
originators of the side that attacked) and *joiners* (who came in later). Each is asked of a
graph built only from data before it (see :func:`war_graph`), as the backtest and calibration
both need; they read them from here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from escalate.engine.ties import FlareUp
from escalate.errors import FlareUpError, GraphFileError
from escalate.model import Scenario, scenario_from_data
from escalate.model.relation_checks import CheckedRelations
from escalate.world.atop import WorldData, carried_over
from escalate.world.data import checked_start, data_file, rows, text_rows
from escalate.world.naming import GRADES
from escalate.world.turnover import NOTHING, Turnover

#: Disputes of the years before a conflict that make its rivalries and co-belligerents.
RIVALRY_YEARS = 10

#: Graphs already built, by start year, the states gone and the ties changed by the first day
#: (see :func:`war_graph`).
GraphCache = dict[tuple[int, frozenset[int], Turnover], tuple[Scenario, dict[int, str]]]


@dataclass(frozen=True)
class War:
    """One COW inter-state war: who started it on which side, and who joined later."""

    number: int
    name: str
    start: dt.date
    originators: dict[int, int]  # ccode -> side (0 or 1)
    initiators: frozenset[int]
    joiners: dict[int, int]


def wars(folder: str | os.PathLike[str]) -> list[War]:
    """Every war of the COW Inter-State War data, in order."""
    columns = ("WarNum", "ccode", "Side", "StartYear1", "StartMonth1", "StartDay1", "Initiator")
    by_war = _grouped(folder, "wars", columns, ("StartYear1", "StartMonth1", "StartDay1"), ("Side", (1, 2)))
    names = {
        int(r["WarNum"]): r["WarName"]
        for r in text_rows(folder, "wars", ("WarNum", "WarName"), whole=("WarNum",))
    }
    found = []
    for number in sorted(by_war):
        rows_ = by_war[number]

        def began(r: dict[str, int]) -> dt.date:
            return dt.date(r["StartYear1"], max(r["StartMonth1"], 1), max(r["StartDay1"], 1))

        start = min(began(r) for r in rows_)
        originators = {r["ccode"]: r["Side"] - 1 for r in rows_ if began(r) == start}
        joiners = {r["ccode"]: r["Side"] - 1 for r in rows_ if r["ccode"] not in originators}
        initiators = frozenset(r["ccode"] for r in rows_ if r["Initiator"] == 1 and r["ccode"] in originators)
        found.append(War(number, names.get(number, str(number)), start, originators, initiators, joiners))
    return found


def disputes(folder: str | os.PathLike[str]) -> list[War]:
    """Every Militarized Interstate Dispute of MID 5.0, in the shape of a war.

    Originators are the participants with ``orig = 1``; joiners the others. Side A took the
    first militarized action: its originators are the initiators. ``number`` is the MID
    dispute number plus :data:`DISPUTE_NUMBERS` (so that it never clashes with a war's).
    """
    columns = ("dispnum", "ccode", "stday", "stmon", "styear", "endyear", "sidea", "orig")
    by_dispute = _grouped(folder, "mids", columns, ("styear", "stmon", "stday"), ("sidea", (0, 1)), "endyear")
    found = []
    for number in sorted(by_dispute):
        parties = by_dispute[number]
        first = min(parties, key=lambda r: (r["styear"], max(r["stmon"], 1), max(r["stday"], 1)))
        start = dt.date(first["styear"], max(first["stmon"], 1), max(first["stday"], 1))
        originators = {r["ccode"]: 0 if r["sidea"] == 1 else 1 for r in parties if r["orig"] == 1}
        joiners = {r["ccode"]: 0 if r["sidea"] == 1 else 1 for r in parties if r["orig"] != 1}
        initiators = frozenset(c for c, side in originators.items() if side == 0)
        found.append(War(DISPUTE_NUMBERS + number, f"MID {number}", start, originators, initiators, joiners))
    return found


def _grouped(
    folder: str | os.PathLike[str], role: str, columns: tuple[str, ...], date: tuple[str, str, str],
    side: tuple[str, tuple[int, int]], end: str | None = None,
) -> dict[int, list[dict[str, int]]]:  # fmt: skip
    """The checked rows of a conflict file by conflict number (its first column); none is an error."""
    path = data_file(folder, role)
    grouped: dict[int, list[dict[str, int]]] = defaultdict(list)
    for line, row in rows(folder, role, columns):
        checked_start(path, line, row, date, side, end)
        grouped[row[columns[0]]].append(row)
    if not grouped:
        raise GraphFileError(path, [f"{path}: the file holds no conflict (only a header?)"])
    return grouped


#: Added to a MID dispute number to make a conflict number.
DISPUTE_NUMBERS = 100_000


#: What each kind of history calls one conflict, and several.
KIND_NOUNS = {"wars": ("war", "wars"), "mids": ("dispute", "disputes"), "all": ("conflict", "conflicts")}


def conflicts(folder: str | os.PathLike[str], kind: str = "wars") -> list[War]:
    """The conflicts of ``kind``: ``"wars"`` (COW), ``"mids"`` (MID 5.0) or ``"all"``."""
    if kind not in ("wars", "mids", "all"):
        raise ValueError(f"conflicts must be wars, mids or all, not {kind!r}")
    return (wars(folder) if kind != "mids" else []) + (disputes(folder) if kind != "wars" else [])


def candidates(data: WorldData, conflict: War) -> list[int]:
    """Every COW system member of the conflict's start year that did not start it.

    Not one gone from the system by the conflict's first day (see
    :meth:`~escalate.world.atop.WorldData.gone_by`), unless the data have it join.
    """
    members = data.system.get(conflict.start.year, set())
    gone = data.gone_by(conflict.start, members) - set(conflict.joiners)
    return sorted(members - set(conflict.originators) - gone)


def _war_graph(
    data: WorldData,
    year: int,
    gone: frozenset[int] = frozenset(),
    turnover: Turnover = NOTHING,
    *,
    rivalry_years: int = RIVALRY_YEARS,
) -> dict[str, Any]:
    """The system before a war of ``year`` as file data: last year's obligations, this year's states, borders.

    A state new in ``year`` has no ties of the year before, but its land borders of ``year``
    (in force in the start year, as every state's) and, if it carries on another, that one's ties.
    The states ``gone`` (out of the system by the war's first day) are left out, with their ties,
    once their heirs have taken them over. The alliance places and obligations change by the
    ``turnover`` to the war's first day (:mod:`~escalate.world.turnover`): those over by then
    are left out, those begun in ``year`` before it are in. Hostility comes from the disputes
    begun in the ``rivalry_years`` before ``year`` (none with 0), co-belligerence from those
    begun or ended in them.
    """
    graph = data.scenario_data(
        treaty_year(data, year),
        rivalries=(year - rivalry_years, year - 1) if rivalry_years > 0 else None,
        borders_in=year,
        turnover=turnover,
    )
    name = {int(a["aliases"][1]): n for n, a in graph["actors"].items() if a["kind"] == "state"}
    newcomers = set()
    for c, (title, abbreviation) in data.members(year).items():
        if c not in name and title not in graph["actors"]:
            graph["actors"][title] = {
                "kind": "state",
                "aliases": [abbreviation, str(c)],
                "source": "cow_states",
            }
            name[c] = title
            newcomers.add(c)
    for a, b in sorted(
        sorted(pair) for pair in data.land_borders(year) if pair & newcomers and pair <= name.keys()
    ):
        graph["relations"].append(
            {"type": "border", "between": [name[a], name[b]], "source": "cow_contiguity"}
        )
    _carry_on(graph, name, data.heirs(year))
    _leave_out(graph, {name[c] for c in gone if c in name})
    return graph


def world_on(folder: str | os.PathLike[str], day: dt.date, *, rivalry_years: int = 0) -> Scenario:
    """The international system on the eve of ``day``: the graph a conflict begun that day is asked of.

    ATOP's obligations and COW's major powers of the year before, less the alliance places and
    obligations over by ``day`` and with those signed in its year before it
    (:mod:`~escalate.world.turnover`); the states of its year, less those gone by ``day``; the
    land borders in force in its year; with ``rivalry_years``, hostility from the disputes begun
    in the N years before its year.
    """
    data = WorldData(folder, with_disputes=rivalry_years > 0)
    year = day.year
    if year - 1 not in data.system or year not in data.system:  # the states of both, and who left by then
        first, last = (min(data.system), max(data.system)) if data.system else (0, 0)
        which = f"{year - 1}, the year before {day}" if year - 1 not in data.system else str(year)
        raise FlareUpError(
            f"no COW state list for {which}: the data cover {first}-{last}, "
            f"so a day from {first + 1}-01-01 to {last}-12-31"
        )
    shaped = _war_graph(data, *_eve(data, day), rivalry_years=rivalry_years)
    title = f"The international system on the eve of {day}: COW states and borders of {year}, ATOP 5.1"
    title += f" obligations of {year - 1} with the alliances ended and signed by then"
    if rivalry_years:
        title += f", disputes of the {rivalry_years} years before"
    return scenario_from_data(shaped | {"name": f"world-{day}", "title": title, "as_of": day}, path=None)


def _leave_out(graph: dict[str, Any], states: set[str]) -> None:
    """Take ``states`` out of file-shaped ``graph``: their ties, and their places in alliances.

    An alliance left with fewer than two members goes too.
    """
    for actor in graph["actors"].values():
        if actor["kind"] == "alliance":
            actor["members"] = [m for m in actor["members"] if m not in states]
    out = states | {
        n for n, a in graph["actors"].items() if a["kind"] == "alliance" and len(a["members"]) < 2
    }
    graph["actors"] = {n: a for n, a in graph["actors"].items() if n not in out}
    graph["relations"] = [r for r in graph["relations"] if not out & set(_ends(r)[1])]


def _carry_on(graph: dict[str, Any], name: dict[int, str], heirs: dict[int, tuple[int, ...]]) -> None:
    """Give each heir of the year its predecessors' treaties, alliances and disputes (:func:`carried_over`).

    See :data:`~escalate.world.atop.CONTINUATIONS`: in 1990 united Germany is new, and the
    year before holds only the Federal Republic's ties. Where two predecessors hold the same
    kind of tie with one party (the two Yemens), the heir takes one, a hostility at the worse
    grade. No tie joins an heir and its predecessors, but they share their alliances.
    """
    code = {n: c for c, n in name.items()}
    for heir, predecessors in heirs.items():
        if heir not in name:
            continue
        kept: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {_ends(r): r for r in graph["relations"]}
        for relation in list(graph["relations"]):
            if relation.get("source") not in ("atop", "mid"):  # treaties and disputes, not borders
                continue
            ends = relation.get("between") or [relation["from"], relation["to"]]
            if (pair := carried_over(code[ends[0]], code[ends[1]], heir, predecessors)) is None:
                continue
            copy = dict(relation)
            if "between" in copy:
                copy["between"] = [name[c] for c in pair]
            else:
                copy["from"], copy["to"] = (name[c] for c in pair)
            if _ends(copy) not in kept:
                kept[_ends(copy)] = copy
                graph["relations"].append(copy)
            elif copy["type"] == "hostility" and GRADES.index(copy["level"]) > GRADES.index(
                kept[_ends(copy)]["level"]
            ):
                kept[_ends(copy)].update(copy)
        for actor in graph["actors"].values():
            if actor["kind"] == "alliance" and any(code.get(m) in predecessors for m in actor["members"]):
                actor["members"] = [*actor["members"], name[heir]]


def _ends(relation: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """A relation's type and ends (``between`` sorted, ``from`` then ``to`` as they are)."""
    if "between" in relation:
        return relation["type"], tuple(sorted(relation["between"]))
    return relation["type"], (relation["from"], relation["to"])


def war_flare_up(graph: Any, war: War, names: dict[int, str]) -> FlareUp | None:
    """The flare-up a war began as: its originators on their sides, the initiator's side attacking.

    None when one side has no originator in the graph.
    """
    sides: list[list[str]] = [[], []]
    for c, side in sorted(war.originators.items()):
        if c in names:
            sides[side].append(names[c])
    if not sides[0] or not sides[1]:
        return None
    attacking = {side for c, side in war.originators.items() if c in war.initiators}
    leaders = (sides[0][0], sides[1][0])
    initiator = leaders[attacking.pop()] if len(attacking) == 1 else None
    area = frozenset(sides[0] + sides[1])  # each with the regions in it
    return FlareUp(leaders, initiator, area, None, None, (tuple(sides[0][1:]), tuple(sides[1][1:])))


def war_graph(data: WorldData, war: War, cache: GraphCache | None = None) -> tuple[Any, dict[int, str]]:
    """The graph a war is scored on, and its states by COW code.

    ``cache`` keeps one graph per start year, set of states gone by the start (see
    :meth:`~escalate.world.atop.WorldData.gone_by`) and ties changed by then: a few per year.
    """
    key = _eve(data, war.start)
    if cache is not None and key in cache:
        return cache[key]
    if not _year_checked or _year_checked[0][0] != key[0]:
        _year_checked[:] = [(key[0], CheckedRelations())]
    graph = scenario_from_data(_war_graph(data, *key), path=None, checked=_year_checked[0][1])
    found = graph, {int(a.aliases[1]): a.id for a in graph.actors.values() if a.kind == "state"}
    if cache is not None:
        cache[key] = found
    return found


#: The relations checked in the graphs of the last start year built, which its other graphs share.
_year_checked: list[tuple[int, CheckedRelations]] = []


def treaty_year(data: WorldData, year: int) -> int:
    """The year whose treaties a conflict of ``year`` is asked of: the year before, where the data have it."""
    return year - 1 if year - 1 in data.system else year


def ties_changed(data: WorldData, conflict: War) -> Turnover:
    """The alliance ties of the conflict's treaty year over by its first day, and those begun before it."""
    return _ties_changed_by(data, conflict.start)


def _ties_changed_by(data: WorldData, day: dt.date) -> Turnover:
    return data.turnover(treaty_year(data, day.year), day)


def _eve(data: WorldData, day: dt.date) -> tuple[int, frozenset[int], Turnover]:
    """What the world on the eve of ``day`` rests on: its year, the states gone by then, the ties changed."""
    year = day.year
    gone = data.gone_by(day, data.system.get(year - 1, set()) | data.system.get(year, set()))
    return year, gone, _ties_changed_by(data, day)
