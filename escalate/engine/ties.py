"""What the compiler produces and every engine reads: a flare-up, its ties (arcs) and their strengths.

:mod:`~escalate.engine.compile` builds a :class:`Compiled` from a scenario; the cascade, the
exact enumeration, the numpy sampler and the chains only read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import NamedTuple

from escalate.model import Relation, Role

#: ``side`` of a mediator: on neither side.
NO_SIDE = -1
#: Roles that spread involvement: fighting parties, and an alliance that acts.
SPREADING = frozenset({Role.BELLIGERENT, Role.ALLY, Role.ALLIANCE})


class Strength(IntEnum):
    """How hard a tie pulls; the strongest pull in a round wins."""

    MEDIATION = 0
    ENTENTE = 1
    DIPLOMATIC = 2
    MATERIAL = 3
    VICINITY = 4  # a neighbour's neighbour: weaker than a border, still a call to fight
    PROXIMITY = 5
    HOSTILITY = 6
    MILITARY = 7
    OBLIGATION = 8


#: The longest chain of involvement any engine follows: no real chain comes near it, and a
#: chain's steps are kept for every party, so a ring of 30,000 certain ties would otherwise
#: keep 30,000 x 15,000 of them.
MAX_HOPS = 100


@dataclass(frozen=True)
class FlareUp:
    """A flare-up: the two belligerents (each leads a side), initiator, theatre and date.

    ``theatre`` holds territories: each actor id stands for the actor and every region located
    in it, directly or not; ``initiator`` is one of the
    belligerents or None (then both sides count as defending).
    """

    belligerents: tuple[str, str]
    initiator: str | None = None
    theatre: frozenset[str] = frozenset()
    as_of: object = None
    #: The longest chain followed; None for ``MAX_HOPS``, which also caps any value given.
    max_hops: int | None = None
    #: Further belligerents fighting from the start on each side (coalitions).
    coalitions: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

    @cached_property
    def fighting(self) -> tuple[tuple[str, int], ...]:
        """Every belligerent with its side: the two leaders first, then their coalitions."""
        leaders = tuple((b, side) for side, b in enumerate(self.belligerents))
        return leaders + tuple((c, side) for side in (0, 1) for c in self.coalitions[side])

    @cached_property
    def side_by_belligerent(self) -> dict[str, int]:
        """Each belligerent's side (the leaders' and their coalitions')."""
        return dict(self.fighting)

    @property
    def hop_limit(self) -> int:
        """How many steps a chain of involvement may take: ``max_hops``, at most ``MAX_HOPS``."""
        return MAX_HOPS if self.max_hops is None else min(self.max_hops, MAX_HOPS)

    def side_of(self, actor: str) -> int:
        """0 or 1: the side a belligerent leads."""
        return self.belligerents.index(actor)

    @cached_property
    def attacking_side(self) -> int | None:
        """The side that attacks, or None when both count as defending."""
        return None if self.initiator is None else self.side_of(self.initiator)

    def attacks(self, actor: str) -> bool:
        """Whether ``actor`` is a belligerent of the attacking side: the one partners may stand by."""
        attacking = self.attacking_side
        return attacking is not None and self.side_by_belligerent.get(actor) == attacking


class Arc(NamedTuple):
    """One directed way a tie can draw ``target`` in once ``source`` is fighting.

    A named tuple, not a frozen dataclass: as immutable, and made in a third of the time (a
    world graph compiles thousands of arcs, again for every flare-up's day and table; a
    frozen dataclass sets each of its fields through ``object.__setattr__``).
    """

    index: int  # type: ignore[assignment]  # its place among the arcs (tuple.index is not used)
    source: str
    target: str
    relation: Relation
    #: The chance event deciding whether the tie fires; arcs of one mediation share it.
    coin: int
    likelihood: float
    strength: Strength
    role: Role
    same_side: bool
    #: The territories the theatre must reach (defence obligations only): each id stands
    #: for its whole territory, the regions located in it included.
    covers: tuple[str, ...] | None = None
    #: The arc needs ``source`` to be on a defending side.
    defensive: bool = False
    #: The arc needs ``source`` to be a belligerent of the attacking side (a defence partner
    #: standing by an attacker, where no casus foederis arises).
    offensive: bool = False
    #: The arc needs ``source`` to have joined the fighting rather than begun it (a defence
    #: partner following a party that joined, by whatever tie, where no casus foederis arises).
    follows: bool = False
    #: A tie with no side of its own (a border, a major power's reach): it draws ``target``
    #: to the side it leans to (see :attr:`Compiled.leaning`), or else to the defending
    #: side, which is ``source``'s own unless ``source`` attacked.
    toward_defender: bool = False
    #: The likelihood table's key behind ``likelihood`` (None when the relation sets its own).
    key: str | None = None

    def idle_in(self, flare_up: FlareUp) -> bool:
        """Whether the arc can never fire in ``flare_up``.

        It stands by a source that did not attack, follows a source that began the fighting, or
        binds the partner of a belligerent that attacked (no casus foederis arises for it).
        """
        if self.offensive:
            return not flare_up.attacks(self.source)
        if self.defensive and flare_up.attacks(self.source):
            return True
        return self.follows and self.source in flare_up.side_by_belligerent

    @property
    def cost(self) -> int:
        """The work of examining the arc: once, and once more for each territory it covers."""
        return 1 + len(self.covers or ())

    def pulls_to(self, source_side: int, attacking: int | None, leaning: int | None = None) -> int:
        """The side the arc draws ``target`` to when ``source`` fights on ``source_side``.

        ``leaning`` is the side ``target`` leans to, if one (:attr:`Compiled.leaning`).
        """
        if self.role is Role.MEDIATOR:
            return NO_SIDE
        if self.toward_defender and leaning is not None:
            return leaning
        if not self.same_side or (self.toward_defender and source_side == attacking):
            return 1 - source_side
        return source_side


class Arcs(list[Arc]):
    """The arcs being compiled, each numbered by its place (its coin unless it shares one)."""

    def add(self, source: str, target: str, relation: Relation, p: float, strength: Strength,
            role: Role, same_side: bool = True, covers: tuple[str, ...] | None = None,
            coin: int | None = None, toward_defender: bool = False,
            key: str | None = None, offensive: bool = False, follows: bool = False) -> None:  # fmt: skip
        """Add an arc numbered by its place; its coin is that number unless ``coin`` shares one."""
        index = len(self)
        coin = index if coin is None else coin
        self.append(Arc(index, source, target, relation, coin, p, strength, role, same_side, covers,
                        covers is not None, offensive, follows, toward_defender, key))  # fmt: skip


class Promise(NamedTuple):
    """A neutrality or non-aggression promise toward ``partner``, as one party holds it."""

    partner: str
    coin: int
    likelihood: float
    key: str | None  # the table's key; None when the relation gives its own likelihood
    #: A non-aggression promise binds against a partner that attacked as well; a neutrality
    #: promise (not to aid whoever attacks the partner) protects an attacked partner only.
    binds_against_attacker: bool


@dataclass(frozen=True)
class Compiled:
    """A scenario turned into arcs for one flare-up: what the cascade runs on."""

    flare_up: FlareUp
    arcs: tuple[Arc, ...]
    #: Neutrality and non-aggression promises: ``actor -> (promise, ...)``.
    damping: dict[str, tuple[Promise, ...]]
    #: Each region's ``located_in``: what a strike on a territory reaches is read from it.
    located_in: dict[str, str]
    actors: tuple[str, ...]
    #: Each party's chance that its own territory is struck once it joins a defending side:
    #: ``(actor, side) -> (coin, likelihood, key)``; side 0 or 1, the side it joins.
    strikes: dict[tuple[str, int], tuple[int, float, str]] = field(default_factory=dict)
    #: The ties of the graph whoever fights, with which ``arcs`` begins (a few restated for
    #: this flare-up): the same tuple for every flare-up compiled on one graph and table.
    standing: tuple[Arc, ...] = ()
    #: The parties bound to the belligerents of one side only, by that side: a tie with no
    #: side of its own draws such a party there (see :func:`~escalate.engine.compile.leaning`).
    leaning: dict[str, int] = field(default_factory=dict)

    def pull_side(self, arc: Arc, source_side: int) -> int:
        """The side ``arc`` draws its target to when its source fights on ``source_side``."""
        return arc.pulls_to(source_side, self.flare_up.attacking_side, self.leaning.get(arc.target))

    @cached_property
    def arcs_from(self) -> dict[str, tuple[Arc, ...]]:
        """The arcs leaving each actor, in order (made when first asked: the sampler never asks)."""
        return _by(self.arcs, lambda arc: arc.source)

    @cached_property
    def arcs_into(self) -> dict[str, tuple[Arc, ...]]:
        """The arcs reaching each actor, in order."""
        return _by(self.arcs, lambda arc: arc.target)

    def coin_keys(self) -> dict[int, str]:
        """The likelihood table key behind each coin that takes its likelihood from the table."""
        keys = {arc.coin: arc.key for arc in self.arcs if arc.key is not None}
        for promises in self.damping.values():
            keys.update({p.coin: p.key for p in promises if p.key is not None})
        keys.update({coin: key for coin, _, key in self.strikes.values()})
        return keys

    def strike(self, actor: str, side: int) -> tuple[int, float, str]:
        """The coin, likelihood and key of a strike on ``actor``'s territory when it joins ``side``."""
        return self.strikes.get((actor, side), (-1, 0.0, "struck.distant"))


def _by(arcs: Iterable[Arc], end: Callable[[Arc], str]) -> dict[str, tuple[Arc, ...]]:
    found: dict[str, list[Arc]] = defaultdict(list)
    for arc in arcs:
        found[end(arc)].append(arc)
    return {k: tuple(v) for k, v in found.items()}


class Theatre:
    """Where the fighting is, for one run of the cascade: whole territories, and what they reach.

    Kept as the territories fought on (each with every region located in it) and every place
    that holds one of them, so that whether the theatre reaches a territory costs the depth of
    the regions above it, never the size of a territory (the model caps that depth).

    Examples
    --------
    >>> t = Theatre({"Syunik": "Armenia", "Karabakh": "Azerbaijan"}, ["Syunik"])
    >>> t.reaches("Armenia"), t.reaches("Syunik"), t.reaches("Azerbaijan")
    (True, True, False)
    >>> t.strike("Azerbaijan"), t.reaches("Karabakh"), t.strike("Karabakh")
    (True, True, False)
    """

    def __init__(self, located_in: dict[str, str], territories: Iterable[str]) -> None:
        self.located_in = located_in
        self.fought_on: set[str] = set()
        self.holding: set[str] = set()  # the places that hold a territory fought on
        for territory in territories:
            self.strike(territory)

    def strike(self, territory: str) -> bool:
        """Fight on ``territory`` (regions in it included); whether the theatre grew."""
        if self._inside(territory):
            return False
        self.fought_on.add(territory)
        self.holding.update(places_above(self.located_in, territory))
        return True

    def reaches(self, territory: str) -> bool:
        """Whether the fighting is on ``territory`` or on a region located in it."""
        return territory in self.holding or self._inside(territory)

    def _inside(self, territory: str) -> bool:
        return any(place in self.fought_on for place in places_above(self.located_in, territory))


def places_above(located_in: dict[str, str], place: str) -> list[str]:
    """``place`` and every actor it lies in, innermost first (regions nest a bounded depth)."""
    chain = [place]
    while chain[-1] in located_in:
        chain.append(located_in[chain[-1]])
    return chain
