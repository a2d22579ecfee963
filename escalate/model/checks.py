"""Check scenario data (parsed TOML or any file-shaped dict): the fields a Scenario is built from.

Every problem is collected in one pass and raised together as a
:class:`~escalate.errors.GraphFileError`, each as ``file:line: what; fix``.
:func:`escalate.model.scenario_from_data` builds the scenario from what this returns.

Examples
--------
>>> sorted(checked_fields({"actors": {"A": {}, "B": {}}}, path=None)["actors"])
['A', 'B']
>>> checked_fields({"actors": {"A": {"kind": "country"}}}, path=None)
Traceback (most recent call last):
...
escalate.errors.GraphFileError: <scenario>: actor 'A': unknown kind 'country'
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from escalate.errors import GraphFileError, close_matches, did_you_mean, show_value
from escalate.model.elements import (
    Actor,
    ActorKind,
    Relation,
    Source,
)
from escalate.model.fields import ACTOR_KEYS, SOURCE_KEYS, LineIndex, composed
from escalate.model.relation_checks import ActorNames, CheckedRelations, RelationChecker
from escalate.names import folded, has_invisible, look_alike_characters, prints_blank, shown, skeleton

#: How deep regions may nest (a region in a region in ... an actor): the engine walks up this
#: far to see whether the fighting reaches a territory, so deeper nesting is an error.
MAX_REGION_DEPTH = 16

TOP_KEYS = ("name", "title", "as_of", "description", "extends", "relations", "sources", "actors")


class Inherited(NamedTuple):
    """What a scenario file's data starts from when it ``extends`` another scenario."""

    actors: Mapping[str, Actor]
    relations: tuple[Relation, ...]
    sources: Mapping[str, Source]
    title: str | None
    as_of: dt.date | None


def checked_fields(
    data: Mapping[str, Any],
    *,
    path: Path | None,
    text: str | None = None,
    base: Inherited | None = None,
    checked: CheckedRelations | None = None,
) -> dict[str, Any]:
    """The checked fields of a :class:`~escalate.model.Scenario`; one GraphFileError lists every problem.

    Every text is read in Unicode's composed form (NFC), so that a name typed with a combining
    accent is the same name as one typed with the accented letter, and is stored that way.
    Relations found in ``checked`` are taken from it, the others checked and added to it.
    """
    checker = _Checker(path, LineIndex(unicodedata.normalize("NFC", text or "")))
    shaped = composed({key: value for key, value in data.items() if key != "relations"})
    if "relations" in data:  # composed one by one as they are checked (see CheckedRelations)
        relations = data["relations"]
        shaped["relations"] = list(relations) if isinstance(relations, tuple) else relations
    return checker.scenario(shaped, base, checked)


class _Checker(RelationChecker):
    """Checks a whole scenario's data: its sources, actors and relations."""

    def scenario(
        self, data: Mapping[str, Any], base: Inherited | None, checked: CheckedRelations | None
    ) -> dict[str, Any]:
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
        if not actors and isinstance(data.get("actors", {}), Mapping):  # a malformed table is reported
            self.problem(self.lines.keys.get("actors"), "the scenario has no actors; add an [actors] table")
        self.check_actor_links(actors)
        names = ActorNames(actors)
        relations = list(base.relations) if base else []
        # Only where the actors are sound does every id name its own actor, as a relation taken
        # again from ``checked`` assumes; else each is checked, and every problem named.
        relations.extend(self.relations(data.get("relations", []), names, sources,
                                        None if self.problems else checked))  # fmt: skip
        self.check_duplicate_relations(relations)
        self.check_vicinity(relations)
        if self.problems:
            raise GraphFileError(self.path, self.problems)
        return {
            "name": name,
            "title": title if title is not None else (base.title if base else None),
            "as_of": as_of if as_of is not None else (base.as_of if base else None),
            "actors": actors,
            "relations": tuple(relations),
            "sources": sources,
        }

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
            found.append(self._actor(actor_id, entry, line, where, sources))
        return found

    def _actor(
        self,
        actor_id: str,
        entry: dict[str, Any],
        line: int | None,
        where: str,
        sources: Mapping[str, Source],
    ) -> Actor:
        """One actor's table, checked field by field (each problem reported, a safe value kept)."""
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
            self.problem(line, f"{where}: 'located_in' must be an actor name, not {show_value(located_in)}")
            located_in = None
        collective = self._true_or_false(entry, "collective_defense", line, where)
        major = self._true_or_false(entry, "major_power", line, where)
        self._check_kind_fields(entry, kind, bool(members or collective), located_in, line, where)
        source = entry.get("source")
        self.check_source(source, sources, line, where)
        return Actor(
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

    def _true_or_false(self, entry: dict[str, Any], key: str, line: int | None, where: str) -> bool:
        """An actor's flag (default false); anything but true or false is reported and taken as false."""
        value = entry.get(key, False)
        if not isinstance(value, bool):
            self.problem(line, f"{where}: '{key}' must be true or false, not {show_value(value)}")
            return False
        return value

    def _check_kind_fields(
        self,
        entry: dict[str, Any],
        kind: str,
        alliance_fields: bool,
        located_in: str | None,
        line: int | None,
        where: str,
    ) -> None:
        """Members and collective defence only on an alliance; located_in only, and always, on a region."""
        if kind != "alliance" and alliance_fields:
            self.problem(
                line,
                f'{where}: only an alliance has members or collective_defense; add kind = "alliance"',
            )
        if kind != "region" and located_in is not None:
            self.problem(line, f'{where}: only a region has located_in; add kind = "region"')
        elif kind == "region" and located_in is None and "located_in" not in entry:
            # Its territory would be its own: a strike on it would reach no state.
            self.problem(line, f"{where}: a region needs located_in, the actor it lies in")

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
        self.check_region_depth(actors)

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

    def check_region_depth(self, actors: Mapping[str, Actor]) -> None:
        """Report each region nested one level past ``MAX_REGION_DEPTH``; linear in the number of actors."""
        depth: dict[str, int | None] = {}  # None: on or above a cycle, reported elsewhere
        for actor in actors.values():
            path: dict[str, None] = {}
            place: str | None = actor.id
            while place is not None and place in actors and place not in depth and place not in path:
                path[place] = None
                place = actors[place].located_in
            below = None if place in path else depth.get(place, 0) if place is not None else 0
            for region in reversed(path):
                if below is not None:
                    below = below + 1 if actors[region].located_in is not None else 0
                depth[region] = below
                if below == MAX_REGION_DEPTH + 1:
                    self.problem(
                        self.lines.actors.get(region),
                        f"actor {region!r}: regions nested {below} deep, more than {MAX_REGION_DEPTH}; "
                        f"locate it in an actor higher up",
                    )

    # -- relations --------------------------------------------------------------
