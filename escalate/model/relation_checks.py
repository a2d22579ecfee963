"""Checking a scenario's relations: their types, ends, levels, sources and duplicates."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from escalate.errors import close_matches, did_you_mean, show_value
from escalate.model.elements import (
    FILE_RELATION_TYPES,
    Actor,
    BackingLevel,
    HostilityLevel,
    NameIndex,
    Relation,
    RelationType,
    Source,
)
from escalate.model.fields import RELATION_KEYS, FieldChecker, composed

#: The most ties between parties two land borders apart that a scenario's borders may make
#: (counted over every border: ``sum of n * (n - 1)`` over parties with ``n`` borders, a bound).
#: The world of 2014 counts 2,714 (its ties are 1,348); a party bordering 448 others, 200,256.
MAX_VICINITY_TIES = 200_000


class RelationChecker(FieldChecker):
    """Checks the ``relations`` list of a scenario's data."""

    def relations(
        self, items: Any, names: ActorNames, sources: Mapping[str, Source], checked: CheckedRelations | None
    ) -> list[Relation]:
        """The relations of the ``relations`` list; each bad one reported and left out.

        Those ``checked`` already holds are taken from it; the others are added to it.
        """
        if not isinstance(items, list):
            self.problem(
                self.lines.keys.get("relations"),
                f"'relations' must be a list of tables, not {show_value(composed(items))}",
            )
            return []
        found = []
        place = str(self.path) if self.path else "<scenario>"
        for index, item in enumerate(items):
            relation = None
            if checked is not None:
                relation = checked.find(item, names.ids, sources, (place, self.lines.relation(index)))
            if relation is None:
                item = composed(item)
                relation = self.relation(index, item, names, sources)
                if relation is not None and checked is not None:
                    checked.add(item, relation)
            if relation is not None:
                found.append(relation)
        return found

    def relation(
        self, index: int, item: Any, names: ActorNames, sources: Mapping[str, Source]
    ) -> Relation | None:
        """Relation number ``index`` (from 0), or None when it has a problem (reported)."""
        line = self.lines.relation(index)
        where = f"relation #{index + 1}"
        if not isinstance(item, dict):
            self.problem(
                line, f'{where} must be a table such as {{ type = "backing", ... }}, not {show_value(item)}'
            )
            return None
        before = len(self.problems)
        self.unknown_keys(item, RELATION_KEYS, f"key in {where}", line)
        kind = item.get("type")
        rtype = self._relation_type(kind, line, where)
        if rtype is None:
            return None
        ends = self._ends(item, rtype, line, f"{where} ({kind})")
        if ends is None:
            return None
        origin, targets = ends
        label = f"{where} ({origin} {'<->' if rtype.is_symmetric else '->'} {', '.join(targets)})"
        resolved = [names.resolve(n, self, line, label) for n in (origin, *targets)]
        if any(r is None for r in resolved):
            return None
        origin_id, *target_ids = [r for r in resolved if r is not None]
        if origin_id in target_ids or len(set(target_ids)) != len(target_ids):
            self.problem(line, f"{label}: an actor cannot have a relation with itself")
        level = self._level(item, rtype, line, label)
        covers: list[str] = []
        if "covers" in item:
            raw = self.name_list(item["covers"], line, label, "covers") or []
            covers = [c for c in (names.resolve(n, self, line, label) for n in raw) if c is not None]
        since = self.date(item.get("since"), line, label)
        until = self.date(item.get("until"), line, label)
        if since and until and until < since:
            self.problem(line, f"{label}: until {until} is before since {since}")
        source = item.get("source")
        self.check_source(source, sources, line, label)
        if len(self.problems) > before:
            return None
        return Relation(
            type=rtype,
            origin=origin_id,
            targets=tuple(target_ids),
            level=level,
            likelihood=self.likelihood(item.get("likelihood"), line, label),
            covers=tuple(covers),
            since=since,
            until=until,
            source=source,
            quote=self.text(item, "quote", line, label),
            note=self.text(item, "note", line, label),
            origin_line=(str(self.path) if self.path else "<scenario>", line),
        )

    def _relation_type(self, kind: Any, line: int | None, where: str) -> RelationType | None:
        """The relation's ``type``; None when it is missing or unknown (reported)."""
        if kind is None:
            self.problem(line, f"{where}: missing 'type'; one of {', '.join(FILE_RELATION_TYPES)}")
            return None
        if kind not in FILE_RELATION_TYPES:
            hint = (
                did_you_mean(close_matches(str(kind), FILE_RELATION_TYPES))
                or f"; one of {', '.join(FILE_RELATION_TYPES)}"
            )
            self.problem(line, f"{where}: unknown relation type {show_value(kind)}{hint}")
            return None
        return RelationType(kind)

    def _ends(
        self, item: dict[str, Any], rtype: RelationType, line: int | None, what: str
    ) -> tuple[str, list[str]] | None:
        """The names a relation joins, ``(origin, targets)``, as written; None when malformed (reported).

        A symmetric type is written ``between = [X, Y]``, any other ``from = X, to = Y``.
        """
        if rtype.is_symmetric:
            if "from" in item or "to" in item:
                self.problem(line, f"{what}: write between = [X, Y], not from/to")
                return None
            pair = item.get("between")
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
                self.problem(line, f"{what}: 'between' must list exactly two actors, not {show_value(pair)}")
                return None
            return pair[0], [pair[1]]
        if "between" in item:
            self.problem(line, f"{what}: write from = X, to = Y, not between")
            return None
        origin = item.get("from")
        target_value = item.get("to")
        if not isinstance(origin, str):
            self.problem(line, f"{what}: 'from' must name one actor, not {show_value(origin)}")
            return None
        if rtype is RelationType.MEDIATION:
            listed = self.name_list(target_value, line, what, "to")
            if listed is None:
                return None
            if len(listed) < 2:
                self.problem(line, f"{what}: a mediation is between two parties or more: to = [X, Y]")
            return origin, listed
        if isinstance(target_value, str):
            return origin, [target_value]
        self.problem(line, f"{what}: 'to' must name one actor, not {show_value(target_value)}")
        return None

    def _level(
        self, item: dict[str, Any], rtype: RelationType, line: int | None, label: str
    ) -> BackingLevel | HostilityLevel | None:
        """A backing's level (needed), a hostility's (optional); any other type has none."""
        if rtype is RelationType.BACKING:
            return self.level(item.get("level"), BackingLevel, line, f"{label}: backing needs level =")
        if rtype is RelationType.HOSTILITY and "level" in item:
            return self.level(item["level"], HostilityLevel, line, f"{label}: a hostility's level must be")
        if "level" in item:
            self.problem(line, f"{label}: only backing and hostility have a level")
        return None

    def check_vicinity(self, relations: list[Relation]) -> None:
        """Report land borders that would put too many pairs of parties two borders apart.

        The cascade draws in a neighbour's neighbour (``vicinity``), one tie each way per pair;
        a party bordering thousands would make millions. Counted over every border, whatever
        its dates (an upper bound), and reported at a border of the party with the most.
        """
        borders: dict[str, list[Relation]] = {}
        for r in relations:
            if r.type is RelationType.BORDER:
                for party in r.actors:
                    borders.setdefault(party, []).append(r)
        ties = sum(len(rs) * (len(rs) - 1) for rs in borders.values())
        if ties <= MAX_VICINITY_TIES:
            return
        hub, theirs = max(borders.items(), key=lambda item: len(item[1]))
        line = theirs[0].origin_line[1] if theirs[0].origin_line else None
        self.problem(
            line,
            f"{hub!r} borders {len(theirs):,} parties: with the other borders, up to {ties:,} ties would "
            f"join parties two borders apart (a neighbour's neighbour), more than {MAX_VICINITY_TIES:,}; "
            "a state has a few land borders, not thousands",
        )

    def check_duplicate_relations(self, relations: list[Relation]) -> None:
        """Report a relation written twice (same type, ends and covered territory)."""
        seen: dict[tuple[Any, ...], int] = {}
        for index, r in enumerate(relations):
            ends: tuple[Any, ...] = (r.origin, r.targets)
            if r.type.is_symmetric:  # two parties, either way round
                ends = (min(r.origin, r.targets[0]), max(r.origin, r.targets[0]))
            key = (r.type, r.level, *ends, r.since, r.until)
            if key in seen:
                line = r.origin_line[1] if r.origin_line else None
                self.problem(
                    line,
                    f"relation #{index + 1} ({r.label()}): duplicates relation #{seen[key] + 1}; remove one",
                )
            else:
                seen[key] = index


class CheckedRelations:
    """Relations checked once, by the data they were read from, for scenarios built from much the same data.

    The world's graph of each day of a year shares most of its relations with the others of
    that year: a relation written as one checked before (the same table, equal in every
    field), naming actors that are actors here by those very names, citing a source there is
    here and read from the same place, is the relation checked before; only the others are
    checked. What concerns relations together (duplicates, borders) is checked every time.

    Examples
    --------
    >>> from escalate.model import scenario_from_data
    >>> checked = CheckedRelations()
    >>> pact = {"type": "defense_pact", "between": ["A", "B"]}
    >>> first = scenario_from_data({"actors": {"A": {}, "B": {}}, "relations": [pact]}, path=None,
    ...                            checked=checked)
    >>> again = scenario_from_data({"actors": {"A": {}, "B": {}, "C": {}}, "relations": [dict(pact)]},
    ...                            path=None, checked=checked)
    >>> again.relations[0] is first.relations[0]
    True
    """

    def __init__(self) -> None:
        #: ``(type, from, to, between) -> [(the data as checked, the relation)]``.
        self._found: dict[Any, list[tuple[dict[str, Any], Relation]]] = {}

    def find(
        self,
        item: Any,
        actors: AbstractSet[str],
        sources: Mapping[str, Source],
        origin: tuple[str, int | None],
    ) -> Relation | None:
        """The relation checked before from data equal to ``item``, if it stands as it did; else None."""
        try:
            found = self._found.get(_written(item), ())
        except TypeError:  # a value no relation checked before had (a table, say)
            return None
        for data, relation in found:
            if (
                item == data
                and relation.origin_line == origin
                and all(map(actors.__contains__, relation.actors))
                and all(map(actors.__contains__, relation.covers))
                and (relation.source is None or relation.source in sources)
            ):
                return relation
        return None

    def add(self, item: dict[str, Any], relation: Relation) -> None:
        """Keep ``relation``, checked from ``item`` (composed; never changed), if it names actors by id."""
        names = [*_names(item.get("between")), *_names(item.get("from")), *_names(item.get("to"))]
        names += _names(item.get("covers"))
        if names == [*relation.actors, *relation.covers]:  # then its ends are hashable text
            self._found.setdefault(_written(item), []).append((item, relation))


def _names(value: Any) -> list[Any]:
    """The names a field of a relation's data writes: one, a list, or none."""
    return [] if value is None else list(value) if isinstance(value, list) else [value]


def _written(item: Any) -> tuple[Any, ...]:
    """What a relation's data is found by: its type and ends as written (not hashable if they are odd)."""
    if not isinstance(item, dict):
        return ()
    to, between = item.get("to"), item.get("between")
    return (item.get("type"), item.get("from"), tuple(to) if isinstance(to, list) else to,
            tuple(between) if isinstance(between, list) else between)  # fmt: skip


class ActorNames:
    """Resolves the actor names a file's relations use, with a bounded number of did-you-means."""

    def __init__(self, actors: Mapping[str, Actor]) -> None:
        self.ids = actors.keys()
        self.index = NameIndex(actors.values())
        self.suggestions_left = SUGGESTIONS

    def resolve(self, name: str, checker: FieldChecker, line: int | None, where: str) -> str | None:
        """The id ``name`` means; else a problem reported to ``checker`` and None."""
        found = self.index.find(name)
        if found is None:
            hint = ""
            if self.suggestions_left > 0:  # each costs a pass over every name: a bounded number
                self.suggestions_left -= 1
                hint = did_you_mean(self.index.suggest(name))
            checker.problem(line, f"{where}: unknown actor {name!r}{hint}")
        return found


#: Unknown names of one file that get a did-you-mean (3,000 misspelt names once took 44 s).
SUGGESTIONS = 50
