"""The scenario: a graph of actors and relations, with the sources it cites.

A :class:`Scenario` is immutable; the ``with_*``/``without_*`` methods return a new
one, so a what-if never changes the original. Every scenario is built by
:func:`scenario_from_data`, which checks file-shaped data (:mod:`escalate.model.checks`).

Examples
--------
>>> s = build_scenario(
...     actors={"Armenia": {}, "Russia": {}},
...     relations=[{"type": "defense_pact", "between": ["Russia", "Armenia"]}],
... )
>>> s.resolve("armenia")
'Armenia'
>>> [r.type.value for r in s.relations]
['defense_pact']
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from escalate.errors import FlareUpError, GraphFileError, UnknownActorError, UnknownRelationError
from escalate.model.checks import Inherited, checked_fields
from escalate.model.elements import (
    _FILE_TYPES,
    Actor,
    NameIndex,
    Relation,
    RelationType,
    Source,
    drop_none,
    relation_to_data,
)
from escalate.model.graph import graph_of_data
from escalate.model.relation_checks import CheckedRelations
from escalate.model.tables import relations_frame, scenario_html


@dataclass(frozen=True)
class Scenario:
    """A graph of actors and relations, with the sources it cites.

    Build one with :func:`build_scenario` or :func:`escalate.load_scenario`.

    Examples
    --------
    >>> from escalate import load_scenario
    >>> s = load_scenario()
    >>> len(s), s.resolve("artsakh")
    (6, 'Nagorno-Karabakh')
    """

    name: str
    actors: Mapping[str, Actor]
    relations: tuple[Relation, ...] = ()
    sources: Mapping[str, Source] = field(default_factory=dict)
    title: str | None = None
    as_of: dt.date | None = None
    #: The file it was read from, if any (not part of equality).
    path: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # Immutable all the way down: read-only views of private copies of the tables.
        object.__setattr__(self, "actors", MappingProxyType(dict(self.actors)))
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))
        object.__setattr__(self, "relations", tuple(self.relations))

    def __iter__(self) -> Iterator[str]:
        return iter(self.actors)

    def __len__(self) -> int:
        return len(self.actors)

    def __contains__(self, name: object) -> bool:
        return name in self.actors

    def resolve(self, name: str, *, what: str = "actor") -> str:
        """Return the actor id that ``name`` means: an id, an alias, in any case.

        Raises :class:`~escalate.errors.UnknownActorError` with suggestions.
        """
        if name in self.actors:
            return name
        actor_id = self._names.find(name)
        if actor_id is None:
            raise UnknownActorError(name, self._names.suggest(name), what=what)
        return actor_id

    @functools.cached_property
    def _names(self) -> NameIndex:
        return NameIndex(self.actors.values())

    @functools.cached_property
    def _inside(self) -> dict[str, list[str]]:
        """``place -> regions located directly in it``, built once per scenario."""
        inside: dict[str, list[str]] = {}
        for actor in self.actors.values():
            if actor.located_in is not None:
                inside.setdefault(actor.located_in, []).append(actor.id)
        return inside

    def territory(self, actor_id: str) -> frozenset[str]:
        """The actor and every region located in it, directly or not."""
        inside = self._inside
        found = {actor_id}
        todo = [actor_id]
        while todo:
            for region in inside.get(todo.pop(), ()):
                if region not in found:
                    found.add(region)
                    todo.append(region)
        return frozenset(found)

    def source_of(self, relation: Relation) -> Source | None:
        """The :class:`Source` a relation cites, if any."""
        return self.sources.get(relation.source) if relation.source else None

    def with_relation(self, relation: Relation | Mapping[str, Any]) -> Scenario:
        """Return a copy with one more relation (a :class:`Relation` or a file-style dict).

        The relation is checked against the whole scenario: its actors (ids or aliases),
        sources and duplicates, as in a scenario file.
        """
        added = relation_to_data(relation) if isinstance(relation, Relation) else dict(relation)
        return self._rebuilt(lambda data: data["relations"].append(added))

    def without_relations(self, *, type: str | None = None, between: Iterable[str] = ()) -> Scenario:
        """Return a copy without the relations of ``type`` that name all of ``between``.

        Asking for no filter, or for relations there are none of, is a FlareUpError rather
        than a copy with every relation gone or none.

        Examples
        --------
        >>> from escalate import build_scenario
        >>> s = build_scenario(actors={"A": {}, "B": {}},
        ...     relations=[{"type": "hostility", "between": ["A", "B"]}])
        >>> len(s.without_relations(type="hostility", between=["B"]).relations)
        0
        """
        if type is not None and type not in _FILE_TYPES:
            raise UnknownRelationError(str(type), _FILE_TYPES)
        names = {self.resolve(n) for n in between}
        if type is None and not names:
            raise FlareUpError("say which relations to remove: a type, the actors they join, or both")
        kept = tuple(
            r for r in self.relations if not ((type is None or r.type == type) and names <= set(r.actors))
        )
        if len(kept) == len(self.relations):
            joining = f" joining {', '.join(sorted(names))}" if names else ""
            raise FlareUpError(f"no {type or 'relation'}{joining} to remove")
        return dataclasses.replace(self, relations=kept)

    def with_actor(self, name: str, **attributes: Any) -> Scenario:
        """Return a copy with one more actor (attributes as in a file: kind, aliases, ...).

        Examples
        --------
        >>> from escalate import build_scenario
        >>> s = build_scenario(actors={"A": {}}).with_actor("Gondor", kind="state")
        >>> "Gondor" in s
        True
        """
        if name in self.actors:
            raise GraphFileError(None, [f"{name!r} is already an actor; give the new one another name"])
        return self._rebuilt(lambda data: data["actors"].__setitem__(name, attributes))

    def _rebuilt(self, change: Callable[[dict[str, Any]], object]) -> Scenario:
        """Apply ``change`` to the scenario as file-shaped data and validate the result."""
        data = scenario_to_data(self)
        change(data)
        return dataclasses.replace(scenario_from_data(data, path=None), path=self.path)

    def without_actor(self, name: str) -> Scenario:
        """Return a copy without the actor ``name`` and every relation that names it.

        Regions located in it lose their ``located_in``; alliances drop it as a member.
        """
        actor_id = self.resolve(name)
        actors = {}
        for actor in self.actors.values():
            if actor.id == actor_id:
                continue
            located_in = None if actor.located_in == actor_id else actor.located_in
            members = tuple(m for m in actor.members if m != actor_id)
            actors[actor.id] = dataclasses.replace(actor, located_in=located_in, members=members)
        relations = []
        for r in self.relations:
            if r.origin == actor_id or r.covers == (actor_id,):
                continue
            targets = tuple(t for t in r.targets if t != actor_id)
            if not targets or (len(targets) < len(r.targets) and r.type is not RelationType.MEDIATION):
                continue
            covers = tuple(c for c in r.covers if c != actor_id)
            relations.append(dataclasses.replace(r, targets=targets, covers=covers))
        return dataclasses.replace(self, actors=actors, relations=tuple(relations))

    def to_networkx(self) -> Any:
        """A networkx MultiDiGraph of the scenario (see :func:`escalate.to_networkx`)."""
        return graph_of_data(scenario_to_data(self))

    def to_frame(self) -> Any:
        """The relations as a pandas DataFrame, one row per relation (needs pandas)."""
        return relations_frame(self.relations)

    def _repr_html_(self) -> str:
        return scenario_html(self.title or self.name, self.actors.values(), self.relations)


def scenario_from_data(
    data: Mapping[str, Any],
    *,
    path: Path | None,
    text: str | None = None,
    base: Scenario | None = None,
    checked: CheckedRelations | None = None,
) -> Scenario:
    """Check file-shaped scenario data and build the scenario; one GraphFileError lists every problem.

    ``text`` (the file's text) lets problems name their line; ``base`` is the scenario
    that the data ``extends``; ``checked`` holds relations checked before, to be taken again
    where the data repeat them (see :class:`~escalate.model.relation_checks.CheckedRelations`).

    Examples
    --------
    >>> sorted(scenario_from_data({"actors": {"A": {}, "B": {}}}, path=None).actors)
    ['A', 'B']
    """
    inherited = Inherited(base.actors, base.relations, base.sources, base.title, base.as_of) if base else None
    fields = checked_fields(data, path=path, text=text, base=inherited, checked=checked)
    return Scenario(**fields, path=str(path) if path is not None else None)


def build_scenario(
    *,
    actors: Mapping[str, Mapping[str, Any]],
    relations: Iterable[Mapping[str, Any]] = (),
    sources: Mapping[str, Mapping[str, Any]] | None = None,
    name: str = "scenario",
    title: str | None = None,
    as_of: dt.date | None = None,
) -> Scenario:
    """Build a validated scenario from plain data shaped like a scenario file.

    Raises :class:`~escalate.errors.GraphFileError` listing every problem.

    Examples
    --------
    >>> s = build_scenario(actors={"Turkey": {}, "Azerbaijan": {}},
    ...     relations=[{"type": "backing", "from": "Turkey", "to": "Azerbaijan",
    ...                 "level": "military"}])
    >>> s.relations[0].level.value
    'military'
    """
    data: dict[str, Any] = {"name": name, "actors": dict(actors), "relations": list(relations)}
    if sources:
        data["sources"] = dict(sources)
    if title is not None:
        data["title"] = title
    if as_of is not None:
        data["as_of"] = as_of
    return scenario_from_data(data, path=None)


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data shaped like a scenario file (what TOML holds).

    Examples
    --------
    >>> from escalate import build_scenario
    >>> scenario_to_data(build_scenario(actors={"A": {}}))["actors"]
    {'A': {'kind': 'state'}}
    """
    data: dict[str, Any] = {"name": scenario.name}
    if scenario.title:
        data["title"] = scenario.title
    if scenario.as_of:
        data["as_of"] = scenario.as_of
    data["relations"] = [relation_to_data(r) for r in scenario.relations]
    data["sources"] = {
        key: drop_none(
            {"title": s.title, "date": s.date, "url": s.url, "publisher": s.publisher, "note": s.note}
        )
        for key, s in scenario.sources.items()
    }
    data["actors"] = {
        a.id: drop_none(
            {
                "kind": a.kind.value,
                "aliases": list(a.aliases) or None,
                "located_in": a.located_in,
                "members": list(a.members) or None,
                "collective_defense": a.collective_defense or None,
                "major_power": a.major_power or None,
                "likelihood": a.likelihood,
                "source": a.source,
                "note": a.note,
            }
        )
        for a in scenario.actors.values()
    }
    return data
