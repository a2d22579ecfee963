"""The scenario model: actors, typed relations between them, and their sources.

A :class:`Scenario` is immutable; the ``with_*``/``without_*`` methods return a new
one, so a what-if never changes the original.

Examples
--------
>>> from escalate import build_scenario
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
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from escalate.errors import GraphFileError, UnknownActorError, UnknownRelationError, close_matches
from escalate.names import folded


class ActorKind(StrEnum):
    """What an actor is.

    Examples
    --------
    >>> ActorKind("region") is ActorKind.REGION
    True
    """

    STATE = "state"
    REGION = "region"
    ALLIANCE = "alliance"
    GROUP = "group"


class RelationType(StrEnum):
    """The kinds of tie between two actors, named as in scenario files.

    Examples
    --------
    >>> RelationType.DEFENSE_PACT.is_symmetric, RelationType.GUARANTEE.is_symmetric
    (True, False)
    """

    DEFENSE_PACT = "defense_pact"
    GUARANTEE = "guarantee"
    ENTENTE = "entente"
    #: A treaty promise to consult in a crisis (ATOP's consultation obligation): weaker than an entente.
    CONSULTATION_PACT = "consultation_pact"
    BACKING = "backing"
    HOSTILITY = "hostility"
    #: Fought on the same side of a militarized dispute: coalitions recur.
    CO_BELLIGERENCE = "co_belligerence"
    MEDIATION = "mediation"
    NEUTRALITY_PACT = "neutrality_pact"
    NONAGGRESSION_PACT = "nonaggression_pact"
    #: A land border: a war next door can spill over (no side of its own).
    BORDER = "border"
    #: A promise to join the partner's attack (ATOP's offence obligation); one way, like a guarantee.
    OFFENSE_PACT = "offense_pact"
    #: Not written in files: an alliance's ``collective_defense = true`` creates it.
    COLLECTIVE_DEFENSE = "collective_defense"
    #: Not written in files: an actor's ``major_power = true`` creates it.
    MAJOR_POWER = "major_power"

    @property
    def is_symmetric(self) -> bool:
        """True for relations written as ``between = [X, Y]``."""
        return self in _SYMMETRIC

    @property
    def is_damping(self) -> bool:
        """True for promises that keep partners from fighting each other."""
        return self in (RelationType.NEUTRALITY_PACT, RelationType.NONAGGRESSION_PACT)


_SYMMETRIC = frozenset(
    {
        RelationType.DEFENSE_PACT,
        RelationType.ENTENTE,
        RelationType.CONSULTATION_PACT,
        RelationType.HOSTILITY,
        RelationType.CO_BELLIGERENCE,
        RelationType.NEUTRALITY_PACT,
        RelationType.NONAGGRESSION_PACT,
        RelationType.BORDER,
    }
)

#: Names of the symmetric types, for readers that see a type before validating it.
SYMMETRIC_TYPE_NAMES = frozenset(t.value for t in _SYMMETRIC)

#: Relation types a scenario file may name (collective defence comes from alliances).
FILE_RELATION_TYPES = tuple(
    t.value for t in RelationType if t not in (RelationType.COLLECTIVE_DEFENSE, RelationType.MAJOR_POWER)
)
_FILE_TYPES = list(FILE_RELATION_TYPES)


class BackingLevel(StrEnum):
    """How far a backer supports its client.

    Examples
    --------
    >>> [level.value for level in BackingLevel]
    ['diplomatic', 'material', 'military']
    """

    DIPLOMATIC = "diplomatic"
    MATERIAL = "material"
    MILITARY = "military"


class HostilityLevel(StrEnum):
    """How grave a rivalry is: the worst that the disputes between the two came to.

    The grades follow the hostility levels of the Militarized Interstate Dispute data:
    ``war`` (a dispute became a war), ``fatal`` (force used, with deaths), ``force``
    (force used, no deaths) and ``threat`` (threats and displays of force). A hostility
    written without a level is an analyst's judgement and has its own likelihood.

    Examples
    --------
    >>> [level.value for level in HostilityLevel]
    ['threat', 'force', 'fatal', 'war']
    """

    THREAT = "threat"
    FORCE = "force"
    FATAL = "fatal"
    WAR = "war"


class Role(StrEnum):
    """How a party is drawn in.

    ``ally`` fights on a side (a combatant: through a defence obligation, military
    backing or hostility); ``alliance`` is an alliance that acts as one for a side (its
    members then decide each whether to fight); ``supporter`` helps a side without
    fighting; ``mediator`` works for peace on no side.

    Examples
    --------
    >>> Role.ALLY.value
    'ally'
    """

    BELLIGERENT = "belligerent"
    ALLY = "ally"
    ALLIANCE = "alliance"
    SUPPORTER = "supporter"
    MEDIATOR = "mediator"


@dataclass(frozen=True)
class Source:
    """Where a relation comes from: an article, a treaty, a data set.

    Examples
    --------
    >>> Source("nato", "The North Atlantic Treaty", dt.date(1949, 4, 4)).cite()
    'The North Atlantic Treaty, 1949-04-04'
    """

    key: str
    title: str
    date: dt.date | None = None
    url: str | None = None
    publisher: str | None = None
    note: str | None = None

    def cite(self) -> str:
        """Return a short citation such as ``"Treaty title, 1949-04-04"``."""
        return f"{self.title}, {self.date.isoformat()}" if self.date else self.title


@dataclass(frozen=True)
class Actor:
    """A state, breakaway region, alliance or non-state group.

    Examples
    --------
    >>> from escalate import load_scenario
    >>> load_scenario().actors["Nagorno-Karabakh"].located_in
    'Azerbaijan'
    """

    id: str
    kind: ActorKind = ActorKind.STATE
    aliases: tuple[str, ...] = ()
    located_in: str | None = None
    members: tuple[str, ...] = ()
    collective_defense: bool = False
    #: A major power (COW's list): it may intervene in any war, on the defending side.
    major_power: bool = False
    #: Overrides the table's ``collective_defense`` (an alliance) or ``major_power`` (a state).
    likelihood: float | None = None
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Relation:
    """A dated, sourced tie from ``origin`` to ``targets``.

    Symmetric types (``between = [X, Y]``) have ``origin = X`` and ``targets = (Y,)``;
    a mediation has one target per party it mediates between.

    Examples
    --------
    >>> from escalate import load_scenario
    >>> pact = load_scenario().relations[1]
    >>> pact.label(), pact.covers
    ('Russia <-> Armenia', ('Armenia',))
    """

    type: RelationType
    origin: str
    targets: tuple[str, ...]
    #: How far a backing goes, or how grave a hostility is.
    level: BackingLevel | HostilityLevel | None = None
    likelihood: float | None = None
    covers: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    source: str | None = None
    quote: str | None = None
    note: str | None = None
    #: Where the relation was read from, for messages: ``(file, line)``.
    origin_line: tuple[str, int | None] | None = field(default=None, compare=False, repr=False)

    @property
    def actors(self) -> tuple[str, ...]:
        """Every actor the relation names."""
        return (self.origin, *self.targets)

    def in_force(self, on: dt.date | None) -> bool:
        """Whether the relation holds on ``on`` (always, when ``on`` is None)."""
        if on is None:
            return True
        if self.since is not None and on < self.since:
            return False
        return not (self.until is not None and on > self.until)

    def label(self) -> str:
        """A short name such as ``"Russia <-> Armenia"`` for messages."""
        arrow = " <-> " if self.type.is_symmetric else " -> "
        return self.origin + arrow + ", ".join(self.targets)


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
        lookup = self._lookup()
        actor_id = lookup.get(folded(name))
        if actor_id is None:
            near = close_matches(name, self._lookup_names())
            suggestions = list(dict.fromkeys(lookup[folded(n)] for n in near))
            raise UnknownActorError(name, suggestions, what=what)
        return actor_id

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
        from escalate.interchange import relation_to_data

        added = relation_to_data(relation) if isinstance(relation, Relation) else dict(relation)
        return self._rebuilt(lambda data: data["relations"].append(added))

    def without_relations(self, *, type: str | None = None, between: Iterable[str] = ()) -> Scenario:
        """Return a copy without the relations of ``type`` that name all of ``between``.

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
        kept = tuple(
            r for r in self.relations if not ((type is None or r.type == type) and names <= set(r.actors))
        )
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
        from escalate.interchange import scenario_to_data
        from escalate.loading import scenario_from_data

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
        """A networkx MultiDiGraph of the scenario (see :func:`escalate.interchange.to_networkx`)."""
        from escalate.interchange import to_networkx

        return to_networkx(self)

    def to_frame(self) -> Any:
        """The relations as a pandas DataFrame, one row per relation (needs pandas)."""
        from escalate.frames import relations_frame

        return relations_frame(self)

    def _repr_html_(self) -> str:
        from escalate.frames import scenario_html

        return scenario_html(self)

    def _lookup(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for actor in self.actors.values():
            for name in (actor.id, *actor.aliases):
                table.setdefault(folded(name), actor.id)
        return table

    def _lookup_names(self) -> list[str]:
        return [n for a in self.actors.values() for n in (a.id, *a.aliases)]
