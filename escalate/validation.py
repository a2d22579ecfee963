"""Validate scenario data (parsed TOML or any file-shaped dict) into a :class:`Scenario`.

Every problem is collected in one pass and raised together as a
:class:`~escalate.errors.GraphFileError`, each as ``file:line: what; fix``; the line comes
from a scan of the file's text, since tomllib gives none for values.

Examples
--------
>>> s = scenario_from_data({"actors": {"A": {}, "B": {}}}, path=None)
>>> sorted(s.actors)
['A', 'B']
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from escalate.errors import GraphFileError, close_matches, did_you_mean
from escalate.model import (
    FILE_RELATION_TYPES,
    Actor,
    ActorKind,
    BackingLevel,
    HostilityLevel,
    Relation,
    RelationType,
    Scenario,
    Source,
)
from escalate.names import folded, has_invisible, look_alike_characters, prints_blank, shown, skeleton

_Level = TypeVar("_Level", BackingLevel, HostilityLevel)

TOP_KEYS = ("name", "title", "as_of", "description", "extends", "relations", "sources", "actors")
ACTOR_KEYS = (
    "kind", "aliases", "located_in", "members", "collective_defense", "major_power", "likelihood", "source",
    "note",
)  # fmt: skip
SOURCE_KEYS = ("title", "date", "url", "publisher", "note")
RELATION_KEYS = (
    "type", "from", "to", "between", "level", "likelihood", "covers",
    "since", "until", "source", "quote", "note",
)  # fmt: skip


def scenario_from_data(
    data: Mapping[str, Any],
    *,
    path: Path | None,
    text: str | None = None,
    base: Scenario | None = None,
) -> Scenario:
    """Validate parsed scenario data; raise one GraphFileError listing every problem."""
    checker = _Checker(path, LineIndex(text or ""))
    return checker.scenario(data, base)


class LineIndex:
    """Finds the line of a top-level key, an actor or the n-th relation by scanning the text."""

    def __init__(self, text: str) -> None:
        self.keys: dict[str, int] = {}
        self.actors: dict[str, int] = {}
        self.relations: list[int] = []
        self.sources: dict[str, int] = {}
        table: str | None = None
        in_relation_array = False
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if in_relation_array:
                if stripped.startswith("]"):
                    in_relation_array = False
                elif stripped.startswith("{"):
                    self.relations.extend([number] * max(1, stripped.count("}, {") + 1))
                elif stripped and not stripped.startswith("#"):
                    self.relations.append(number)
                continue
            if stripped.startswith("[[relations]]"):
                table = "relations"
                self.relations.append(number)
                continue
            header = re.match(r"\[\s*([A-Za-z_]+)(?:\s*\.\s*(\"[^\"]*\"|'[^']*'|[^\]\s]+))?\s*\]", stripped)
            if header and not stripped.startswith("[["):
                table, sub = header.group(1), header.group(2)
                if sub:
                    name = _key_name(sub)
                    target = self.actors if table == "actors" else self.sources
                    target.setdefault(name, number)
                continue
            key = re.match(r"(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)\s*=", stripped)
            if not key:
                continue
            name = _key_name(key.group(1))
            if table is None:
                self.keys.setdefault(name, number)
                if name == "relations" and stripped.rstrip().endswith("["):
                    in_relation_array = True
                elif name == "relations" and "{" in stripped:
                    self.relations.extend([number] * stripped.count("{"))
            elif table == "actors":
                self.actors.setdefault(name, number)
            elif table == "sources":
                self.sources.setdefault(name, number)

    def relation(self, index: int) -> int | None:
        """The line of relation number ``index`` (from 0), when the scan found it."""
        return self.relations[index] if index < len(self.relations) else None


class _Checker:
    """Collects every problem of one file while building the scenario."""

    def __init__(self, path: Path | None, lines: LineIndex) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[str] = []
        self.inherited: frozenset[str] = frozenset()  # actor ids from the scenario extended

    def problem(self, line: int | None, message: str) -> None:
        where = str(self.path) if self.path is not None else "<scenario>"
        self.problems.append(f"{where}:{line}: {message}" if line else f"{where}: {message}")

    def scenario(self, data: Mapping[str, Any], base: Scenario | None) -> Scenario:
        self.unknown_keys(data, TOP_KEYS, "top-level key", self.lines.keys.get)
        name = self.text(data, "name", self.lines.keys.get("name"), "the scenario")
        if name is None:
            name = self.path.stem if self.path is not None else "scenario"
        title = self.text(data, "title", self.lines.keys.get("title"), "the scenario")
        as_of = self.date(data.get("as_of"), self.lines.keys.get("as_of"), "as_of")
        sources = dict(base.sources) if base else {}
        sources.update(self.sources(data.get("sources", {})))
        actors = dict(base.actors) if base else {}
        self.inherited = frozenset(actors)
        for actor in self.actors(data.get("actors", {}), known=set(actors), sources=sources):
            actors[actor.id] = actor
        if not actors:
            self.problem(self.lines.keys.get("actors"), "the scenario has no actors; add an [actors] table")
        self.check_actor_links(actors)
        names = _NameTable(actors)
        relations = list(base.relations) if base else []
        relations.extend(self.relations(data.get("relations", []), names, sources))
        self.check_duplicate_relations(relations)
        if self.problems:
            raise GraphFileError(self.path, self.problems)
        return Scenario(
            name=name,
            title=title if title is not None else (base.title if base else None),
            as_of=as_of if as_of is not None else (base.as_of if base else None),
            actors=actors,
            relations=tuple(relations),
            sources=sources,
            path=str(self.path) if self.path is not None else None,
        )

    # -- fields ---------------------------------------------------------------
    def unknown_keys(self, table: Mapping[str, Any], allowed: Iterable[str], what: str, line: Any) -> None:
        allowed = list(allowed)
        for key in table:
            if key not in allowed:
                hint = did_you_mean(close_matches(key, allowed)) or f"; allowed: {', '.join(allowed)}"
                self.problem(line(key) if callable(line) else line, f"unknown {what} {key!r}{hint}")

    def text(self, table: Mapping[str, Any], key: str, line: int | None, where: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(line, f"{where}: '{key}' must be a non-empty string, not {show_value(value)}")
            return None
        return value

    def date(self, value: Any, line: int | None, where: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(line, f"{where}: bad date {show_value(value)}; write a date as 2020-09-28")
        return None

    def likelihood(self, value: Any, line: int | None, where: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(line, f"{where}: likelihood must be a number from 0 to 1, not {show_value(value)}")
            return None
        if not 0 <= value <= 1:  # compared as it is: a 400-digit integer is no float
            text = str(value) if len(str(value)) <= 24 else f"{str(value)[:20]}..."
            self.problem(line, f"{where}: likelihood {text} is outside 0..1; use a probability such as 0.75")
            return None
        return float(value)

    def name_list(self, value: Any, line: int | None, where: str, key: str) -> list[str] | None:
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        self.problem(line, f"{where}: '{key}' must be a name or a list of names, not {show_value(value)}")
        return None

    # -- sources ----------------------------------------------------------------
    def sources(self, table: Any) -> dict[str, Source]:
        if not isinstance(table, dict):
            self.problem(
                self.lines.keys.get("sources"), f"'sources' must be a table, not {show_value(table)}"
            )
            return {}
        found = {}
        for key, entry in table.items():
            line = self.lines.sources.get(key)
            where = f"source {key!r}"
            if not isinstance(entry, dict):
                self.problem(line, f"{where} must be a table with a title, not {show_value(entry)}")
                continue
            self.unknown_keys(entry, SOURCE_KEYS, f"key in {where}", line)
            title = self.text(entry, "title", line, where)
            if title is None and "title" not in entry:
                self.problem(line, f"{where} needs a title")
            found[key] = Source(
                key=key,
                title=title or key,
                date=self.date(entry.get("date"), line, where),
                url=self.text(entry, "url", line, where),
                publisher=self.text(entry, "publisher", line, where),
                note=self.text(entry, "note", line, where),
            )
        return found

    # -- actors -----------------------------------------------------------------
    def actors(self, table: Any, *, known: set[str], sources: Mapping[str, Source]) -> list[Actor]:
        if not isinstance(table, dict):
            self.problem(self.lines.keys.get("actors"), f"'actors' must be a table, not {show_value(table)}")
            return []
        found = []
        for actor_id, entry in table.items():
            line = self.lines.actors.get(actor_id)
            where = f"actor {actor_id!r}"
            if actor_id in known:
                self.problem(line, f"{where} is defined twice (also in the scenario it extends)")
                continue
            if not actor_id.strip():
                self.problem(line, "an actor needs a non-empty name")
                continue
            if not isinstance(entry, dict):
                self.problem(
                    line, f'{where} must be a table such as {{ kind = "state" }}, not {show_value(entry)}'
                )
                continue
            self.unknown_keys(entry, ACTOR_KEYS, f"key in {where}", line)
            kind = entry.get("kind", "state")
            if kind not in ActorKind.__members__.values():
                allowed = [k.value for k in ActorKind]
                hint = did_you_mean(close_matches(str(kind), allowed))
                self.problem(line, f"{where}: unknown kind {show_value(kind)}{hint}")
                kind = "state"
            aliases = self.name_list(entry.get("aliases", []), line, where, "aliases") or []
            members = self.name_list(entry.get("members", []), line, where, "members") or []
            located_in = entry.get("located_in")
            if located_in is not None and not isinstance(located_in, str):
                self.problem(
                    line, f"{where}: 'located_in' must be an actor name, not {show_value(located_in)}"
                )
                located_in = None
            collective = entry.get("collective_defense", False)
            if not isinstance(collective, bool):
                self.problem(
                    line, f"{where}: 'collective_defense' must be true or false, not {show_value(collective)}"
                )
                collective = False
            major = entry.get("major_power", False)
            if not isinstance(major, bool):
                self.problem(line, f"{where}: 'major_power' must be true or false, not {show_value(major)}")
                major = False
            if kind != "alliance" and (members or collective):
                self.problem(
                    line,
                    f'{where}: only an alliance has members or collective_defense; add kind = "alliance"',
                )
            if kind != "region" and located_in is not None:
                self.problem(line, f'{where}: only a region has located_in; add kind = "region"')
            elif kind == "region" and located_in is None and "located_in" not in entry:
                # Its territory would be its own: a strike on it would reach no state.
                self.problem(line, f"{where}: a region needs located_in, the actor it lies in")
            source = entry.get("source")
            self.check_source(source, sources, line, where)
            found.append(
                Actor(
                    id=actor_id,
                    kind=ActorKind(kind),
                    aliases=tuple(aliases),
                    located_in=located_in,
                    members=tuple(members),
                    collective_defense=collective,
                    major_power=major,
                    likelihood=self.likelihood(entry.get("likelihood"), line, where),
                    source=source if isinstance(source, str) else None,
                    note=self.text(entry, "note", line, where),
                )
            )
        return found

    def check_actor_links(self, actors: Mapping[str, Actor]) -> None:
        owner: dict[str, str] = {}  # folded name -> actor id
        looks: dict[str, tuple[str, str]] = {}  # skeleton -> (name, actor id)
        for actor in actors.values():
            first = owner.setdefault(folded(actor.id), actor.id)
            if first != actor.id:
                self.problem(
                    self.lines.actors.get(actor.id),
                    f"actor {actor.id!r}: the same name as {first!r} but for case or Unicode form; "
                    "a relation written for one would attach to the other",
                )
            else:
                self.check_look_alike(actor.id, actor.id, looks)
        for actor in actors.values():
            line = self.lines.actors.get(actor.id)
            for name in (actor.id, *actor.aliases):
                if not name.strip():
                    self.problem(line, f"actor {actor.id!r}: an empty name or alias")
                elif prints_blank(name):
                    self.problem(
                        line, f"actor {shown(actor.id)}: {shown(name)} prints as blank (only marks or spaces)"
                    )
                elif has_invisible(name):
                    self.problem(
                        line, f"actor {shown(actor.id)}: {shown(name)} holds control or invisible characters"
                    )
            for alias in actor.aliases:
                other = owner.get(folded(alias))
                if other is not None and other != actor.id:
                    self.problem(
                        line,
                        f"actor {actor.id!r}: alias {alias!r} is already the name or an alias of {other!r}",
                    )
                elif other is None:
                    self.check_look_alike(alias, actor.id, looks)
                owner.setdefault(folded(alias), actor.id)
            if actor.located_in is not None and actor.located_in not in actors:
                hint = did_you_mean(close_matches(actor.located_in, actors))
                self.problem(
                    line, f"actor {actor.id!r}: located_in names unknown actor {actor.located_in!r}{hint}"
                )
            for member in actor.members:
                if member not in actors:
                    hint = did_you_mean(close_matches(member, actors))
                    self.problem(line, f"alliance {actor.id!r}: unknown member {member!r}{hint}")
                elif actors[member].kind is ActorKind.ALLIANCE:
                    self.problem(
                        line,
                        f"alliance {actor.id!r}: member {member!r} is itself an alliance; "
                        "list its members instead",
                    )
                elif actors[member].kind is ActorKind.REGION:
                    self.problem(
                        line, f"alliance {actor.id!r}: member {member!r} is a region; list the state it is in"
                    )
            repeated = sorted({m for m in actor.members if actor.members.count(m) > 1})
            if repeated:
                self.problem(line, f"alliance {actor.id!r}: {', '.join(map(repr, repeated))} listed twice")
        self.check_located_in_cycles(actors)

    def check_look_alike(self, name: str, actor_id: str, looks: dict[str, tuple[str, str]]) -> None:
        """A name that prints like another actor's name or alias is an error naming both places."""
        first, first_id = looks.setdefault(skeleton(name), (name, actor_id))
        if first_id == actor_id:
            return
        line = self.lines.actors.get(first_id)
        where = f" ({self.path or '<scenario>'}:{line})" if line else ""
        if not line and first_id in self.inherited:
            where = " (in the scenario it extends)"
        label = f"alias {name!r} of {actor_id!r}" if name != actor_id else f"actor {name!r}"
        self.problem(
            self.lines.actors.get(actor_id),
            f"{label} looks like {first!r} of actor {first_id!r}{where} but is written with "
            f"other characters ({', '.join(look_alike_characters(name + first)) or 'white space'}); "
            "rename one",
        )

    def check_located_in_cycles(self, actors: Mapping[str, Actor]) -> None:
        """Report each region on a located_in cycle, once; linear in the number of actors."""
        settled: set[str] = set()  # known to end outside any cycle, or already reported
        for actor in actors.values():
            path: dict[str, int] = {}
            place: str | None = actor.id
            while place is not None and place in actors and place not in settled and place not in path:
                path[place] = len(path)
                place = actors[place].located_in
            if place is not None and place in path:  # a new cycle, from ``place`` back to it
                cycle = list(path)[path[place] :]
                chain = " -> ".join([*cycle, place])
                for member in cycle:
                    self.problem(
                        self.lines.actors.get(member), f"actor {member!r}: located_in makes a cycle ({chain})"
                    )
            settled.update(path)

    # -- relations --------------------------------------------------------------
    def relations(self, items: Any, names: _NameTable, sources: Mapping[str, Source]) -> list[Relation]:
        if not isinstance(items, list):
            self.problem(
                self.lines.keys.get("relations"),
                f"'relations' must be a list of tables, not {show_value(items)}",
            )
            return []
        found = []
        for index, item in enumerate(items):
            relation = self.relation(index, item, names, sources)
            if relation is not None:
                found.append(relation)
        return found

    def relation(
        self, index: int, item: Any, names: _NameTable, sources: Mapping[str, Source]
    ) -> Relation | None:
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
        rtype = RelationType(kind)
        if rtype.is_symmetric:
            if "from" in item or "to" in item:
                self.problem(line, f"{where} ({kind}): write between = [X, Y], not from/to")
                return None
            pair = item.get("between")
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
                self.problem(
                    line, f"{where} ({kind}): 'between' must list exactly two actors, not {show_value(pair)}"
                )
                return None
            origin, targets = pair[0], [pair[1]]
        else:
            if "between" in item:
                self.problem(line, f"{where} ({kind}): write from = X, to = Y, not between")
                return None
            origin = item.get("from")
            target_value = item.get("to")
            if not isinstance(origin, str):
                self.problem(line, f"{where} ({kind}): 'from' must name one actor, not {show_value(origin)}")
                return None
            if rtype is RelationType.MEDIATION:
                listed = self.name_list(target_value, line, f"{where} ({kind})", "to")
                if listed is None:
                    return None
                if len(listed) < 2:
                    self.problem(
                        line, f"{where} ({kind}): a mediation is between two parties or more: to = [X, Y]"
                    )
                targets = listed
            elif isinstance(target_value, str):
                targets = [target_value]
            else:
                self.problem(
                    line, f"{where} ({kind}): 'to' must name one actor, not {show_value(target_value)}"
                )
                return None
        label = f"{where} ({origin} {'<->' if rtype.is_symmetric else '->'} {', '.join(targets)})"
        resolved = [names.resolve(n, self, line, label) for n in (origin, *targets)]
        if any(r is None for r in resolved):
            return None
        origin_id, *target_ids = [r for r in resolved if r is not None]
        if origin_id in target_ids or len(set(target_ids)) != len(target_ids):
            self.problem(line, f"{label}: an actor cannot have a relation with itself")
        level: BackingLevel | HostilityLevel | None = None
        if rtype is RelationType.BACKING:
            level = self.level(item.get("level"), BackingLevel, line, f"{label}: backing needs level =")
        elif rtype is RelationType.HOSTILITY and "level" in item:
            level = self.level(item["level"], HostilityLevel, line, f"{label}: a hostility's level must be")
        elif "level" in item:
            self.problem(line, f"{label}: only backing and hostility have a level")
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

    def level(self, raw: Any, kind: type[_Level], line: int | None, lead: str) -> _Level | None:
        """The level ``raw`` names among ``kind``'s values; else a problem with a did-you-mean."""
        allowed = [lv.value for lv in kind]
        if raw in allowed:
            return kind(raw)
        hint = did_you_mean(close_matches(str(raw), allowed))
        self.problem(line, f"{lead} one of {', '.join(allowed)}, not {show_value(raw)}{hint}")
        return None

    def check_source(self, source: Any, sources: Mapping[str, Source], line: int | None, where: str) -> None:
        """A ``source`` must be the key of a source defined under ``[sources]``."""
        if source is None:
            return
        if not isinstance(source, str):
            self.problem(line, f"{where}: 'source' must be the key of a source, not {show_value(source)}")
        elif source not in sources:
            hint = did_you_mean(close_matches(source, sources)) or "; define it under [sources]"
            self.problem(line, f"{where}: unknown source {show_value(source)}{hint}")

    def check_duplicate_relations(self, relations: list[Relation]) -> None:
        seen: dict[tuple[Any, ...], int] = {}
        for index, r in enumerate(relations):
            ends: tuple[Any, ...] = (frozenset(r.actors),) if r.type.is_symmetric else (r.origin, r.targets)
            key = (r.type, r.level, *ends, r.since, r.until)
            if key in seen:
                line = r.origin_line[1] if r.origin_line else None
                self.problem(
                    line,
                    f"relation #{index + 1} ({r.label()}): duplicates relation #{seen[key] + 1}; remove one",
                )
            else:
                seen[key] = index


class _NameTable:
    def __init__(self, actors: Mapping[str, Actor]) -> None:
        self.table: dict[str, str] = {}
        for actor in actors.values():
            for name in (actor.id, *actor.aliases):
                self.table.setdefault(folded(name), actor.id)
        self.names = [n for a in actors.values() for n in (a.id, *a.aliases)]
        self.suggestions_left = SUGGESTIONS

    def resolve(self, name: str, checker: _Checker, line: int | None, where: str) -> str | None:
        found = self.table.get(folded(name))
        if found is None:
            hint = ""
            if self.suggestions_left > 0:  # each costs a pass over every name: a bounded number
                self.suggestions_left -= 1
                hint = did_you_mean(close_matches(name, self.names))
            checker.problem(line, f"{where}: unknown actor {name!r}{hint}")
        return found


#: Unknown names of one file that get a did-you-mean (3,000 misspelt names once took 44 s).
SUGGESTIONS = 50


def _key_name(raw: str) -> str:
    """A key as TOML reads it: quotes off, and the escapes of a basic string decoded."""
    if raw.startswith('"') and "\\" in raw:
        try:
            return str(tomllib.loads(f"k = {raw}")["k"])
        except tomllib.TOMLDecodeError:
            pass
    return raw.strip("\"'")


def show_value(value: Any) -> str:
    """A short description of a bad value for messages: ``'text'``, ``nothing``, ``int 5``."""
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "nothing"
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}"
