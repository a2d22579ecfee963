"""What a scenario is made of: actors, typed relations between them, and their sources.

Examples
--------
>>> RelationType("defense_pact").is_symmetric
True
>>> Relation(RelationType.BACKING, "Turkey", ("Azerbaijan",)).label()
'Turkey -> Azerbaijan'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from escalate.errors import close_matches
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
    #: Not written in files: two land borders make it (a neighbour's neighbour, no side of its own).
    VICINITY = "vicinity"

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

#: Relation types the compiler derives: from an alliance, a major power, two land borders.
_DERIVED = frozenset({RelationType.COLLECTIVE_DEFENSE, RelationType.MAJOR_POWER, RelationType.VICINITY})

#: Relation types a scenario file may name (collective defence comes from alliances).
FILE_RELATION_TYPES = tuple(t.value for t in RelationType if t not in _DERIVED)
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
    #: A major power (COW's list): it may intervene in any war, on the side its ties bind it to
    #: (if only one) or else the defending side.
    major_power: bool = False
    #: Overrides the table's ``collective_defense`` (an alliance) or ``major_power`` (a state).
    likelihood: float | None = None
    source: str | None = None
    note: str | None = None

    def collective_defense_relation(self) -> Relation | None:
        """An alliance's collective defence as one relation from it to its members; None for others.

        Examples
        --------
        >>> Actor("NATO", ActorKind.ALLIANCE, members=("Poland", "Germany"),
        ...       collective_defense=True).collective_defense_relation().label()
        'NATO -> Poland, Germany'
        """
        if self.kind is not ActorKind.ALLIANCE or not self.collective_defense:
            return None
        return Relation(RelationType.COLLECTIVE_DEFENSE, self.id, self.members, source=self.source)


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


class NameIndex:
    """Looks up actors by id or alias in any case (Unicode case folding), as files and users name them.

    Examples
    --------
    >>> index = NameIndex([Actor("Nagorno-Karabakh", aliases=("Artsakh",))])
    >>> index.find("ARTSAKH"), index.find("Karabakh")
    ('Nagorno-Karabakh', None)
    >>> index.suggest("Artsak")
    ['Nagorno-Karabakh']
    """

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.table: dict[str, str] = {}
        self.names: list[str] = []
        for actor in actors:
            for name in (actor.id, *actor.aliases):
                self.table.setdefault(folded(name), actor.id)
                self.names.append(name)

    def find(self, name: str) -> str | None:
        """The id of the actor ``name`` means, or None."""
        return self.table.get(folded(name))

    def suggest(self, name: str) -> list[str]:
        """Ids of the actors whose names are close to ``name``, best first (each once)."""
        return list(dict.fromkeys(self.table[folded(n)] for n in close_matches(name, self.names)))


def relation_to_data(r: Relation) -> dict[str, Any]:
    """One relation as a scenario file writes it."""
    data: dict[str, Any] = {"type": r.type.value}
    if r.type.is_symmetric:
        data["between"] = [r.origin, *r.targets]
    else:
        data["from"] = r.origin
        data["to"] = list(r.targets) if r.type == "mediation" else r.targets[0]
    extra = {
        "level": r.level.value if r.level else None,
        "likelihood": r.likelihood,
        "covers": list(r.covers) or None,
        "since": r.since,
        "until": r.until,
        "source": r.source,
        "quote": r.quote,
        "note": r.note,
    }
    return data | drop_none(extra)


def drop_none(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping without its None values."""
    return {k: v for k, v in mapping.items() if v is not None}
