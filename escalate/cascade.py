"""The escalation model: an independent cascade over typed, conditional ties.

When an actor starts fighting, each of its ties that is *triggered* fires once,
independently, with its likelihood, and draws the other actor in on the side the tie
implies (Kempe, Kleinberg and Tardos 2003). The rules:

- A defence obligation (``defense_pact``, ``guarantee``, an alliance's collective
  defence) applies only when the party it protects is attacked (the *casus foederis*):
  a belligerent on a *defending* side (every side, when there is no initiator), or a
  party whose own territory the other side strikes; and only once the theatre reaches
  the territory it covers. A party that joins a defending side of its own accord does
  not by that alone invoke its allies: whether its territory is struck is a chance event
  of its own (likelier when it borders a belligerent of the other side), and only then
  does its territory enter the theatre.
- An alliance with collective defence decides as one: when a member's casus foederis
  arises, the alliance acts or not with one chance per flare-up, and each other member
  then fights with its own chance given that the alliance acts.
- ``backing`` draws the backer to its client's side (as an ally when military, else as a
  supporter); ``entente`` pulls weakly (supporter); ``hostility`` draws a rival to the
  side opposite its enemy (ally); ``mediation`` involves the mediator on no side.
- Only fighting parties (belligerents and allies) spread involvement; supporters and
  mediators do not. A supporter that a later tie calls to fight on its own side becomes
  an ally (so that a weak early tie never keeps a party out of the fighting).
- A ``border`` and a major power's reach (``major_power = true`` on an actor: it may
  enter any war) have no side of their own: they draw a party to the defending side,
  that of the fighting party unless it attacked. They are the weakest pulls to fight,
  but a call to fight outranks a call to support.
- ``neutrality_pact`` and ``nonaggression_pact`` keep a party from joining the side
  opposite its partner: when that would happen the promise holds with its likelihood.
  It binds toward a partner already in the fight before the round; two partners who
  join opposite sides in the same round were not yet facing each other.
- Propagation runs in rounds. A party pulled several ways in one round follows its
  strongest tie (obligation > military backing > hostility > border or major power >
  material backing > diplomatic backing > entente > mediation): every call to fight
  outranks every call to support. Pulled equally hard to both sides, it sides with the
  attacked side when there is an initiator; with none it is torn and stays out that
  round (ties that fire later may still bring it in). Once in, a party never changes side.

Every chance event has a *coin*, a number shared by the ties it decides: the arcs' own,
then the promises', then one per actor and side for a strike on its territory. The engines ask
each coin at most once per outcome, so a shared coin is one decision.

Probabilities come from :mod:`escalate.outcomes`, which runs :func:`propagate` over the
outcomes of the chance events (exactly, or by sampling).

Examples
--------
>>> from escalate import build_scenario
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}},
...     relations=[{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5}])
>>> compiled = compile_scenario(s, FlareUp(("A", "B"), theatre=frozenset({"A", "B"})))
>>> sorted(propagate(compiled, lambda index, p: True))
['A', 'B', 'C']
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum

from escalate.likelihoods import LikelihoodTable, key_of
from escalate.model import ActorKind, BackingLevel, Relation, RelationType, Role, Scenario

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
    PROXIMITY = 4
    HOSTILITY = 5
    MILITARY = 6
    OBLIGATION = 7


@dataclass(frozen=True)
class FlareUp:
    """A flare-up: the two belligerents (each leads a side), initiator, theatre and date.

    ``theatre`` holds territories (actor ids, regions included); ``initiator`` is one of the
    belligerents or None (then both sides count as defending).
    """

    belligerents: tuple[str, str]
    initiator: str | None = None
    theatre: frozenset[str] = frozenset()
    as_of: object = None
    max_hops: int | None = None
    #: Further belligerents fighting from the start on each side (coalitions).
    coalitions: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

    @property
    def fighting(self) -> tuple[tuple[str, int], ...]:
        """Every belligerent with its side: the two leaders first, then their coalitions."""
        leaders = tuple((b, side) for side, b in enumerate(self.belligerents))
        return leaders + tuple((c, side) for side in (0, 1) for c in self.coalitions[side])

    def side_of(self, actor: str) -> int:
        """0 or 1: the side a belligerent leads."""
        return self.belligerents.index(actor)

    @property
    def attacking_side(self) -> int | None:
        """The side that attacks, or None when both count as defending."""
        return None if self.initiator is None else self.side_of(self.initiator)


@dataclass(frozen=True)
class Arc:
    """One directed way a tie can draw ``target`` in once ``source`` is fighting."""

    index: int
    source: str
    target: str
    relation: Relation
    #: The chance event deciding whether the tie fires; arcs of one mediation share it.
    coin: int
    likelihood: float
    strength: Strength
    role: Role
    same_side: bool
    #: Territories the theatre must reach (defence obligations only).
    covers: frozenset[str] | None = None
    #: The arc needs ``source`` to be on a defending side.
    defensive: bool = False
    #: A tie with no side of its own (a border, a major power's reach): it draws ``target``
    #: to the defending side, which is ``source``'s own unless ``source`` attacked.
    toward_defender: bool = False
    #: The likelihood table's key behind ``likelihood`` (None when the relation sets its own).
    key: str | None = None

    def pulls_to(self, source_side: int, attacking: int | None) -> int:
        """The side the arc draws ``target`` to when ``source`` fights on ``source_side``."""
        if self.role is Role.MEDIATOR:
            return NO_SIDE
        if not self.same_side or (self.toward_defender and source_side == attacking):
            return 1 - source_side
        return source_side


@dataclass(frozen=True)
class Compiled:
    """A scenario turned into arcs for one flare-up: what the cascade runs on."""

    flare_up: FlareUp
    arcs_from: dict[str, tuple[Arc, ...]]
    arcs: tuple[Arc, ...]
    arcs_into: dict[str, tuple[Arc, ...]]
    #: Neutrality and non-aggression promises: ``actor -> ((partner, coin, likelihood, key), ...)``.
    damping: dict[str, tuple[tuple[str, int, float, str | None], ...]]
    territory: dict[str, frozenset[str]]
    actors: tuple[str, ...]
    #: Each party's chance that its own territory is struck once it joins a defending side:
    #: ``(actor, side) -> (coin, likelihood, key)``; side 0 or 1, the side it joins.
    strikes: dict[tuple[str, int], tuple[int, float, str]] = field(default_factory=dict)

    def coin_keys(self) -> dict[int, str]:
        """The likelihood table key behind each coin that takes its likelihood from the table."""
        keys = {arc.coin: arc.key for arc in self.arcs if arc.key is not None}
        for promises in self.damping.values():
            keys.update({coin: key for _, coin, _, key in promises if key is not None})
        keys.update({coin: key for coin, _, key in self.strikes.values()})
        return keys

    def strike(self, actor: str, side: int) -> tuple[int, float, str]:
        """The coin, likelihood and key of a strike on ``actor``'s territory when it joins ``side``."""
        return self.strikes.get((actor, side), (-1, 0.0, "struck.distant"))


@dataclass(frozen=True)
class _Standing:
    """What a scenario compiles to whoever fights: the ties of relations and alliances."""

    arcs: tuple[Arc, ...]
    #: Neutrality and non-aggression promises: ``(party, partner, likelihood, key)``.
    pacts: tuple[tuple[str, str, float, str | None], ...]
    neighbours: dict[str, frozenset[str]]
    territory: dict[str, frozenset[str]]


class _Arcs(list[Arc]):
    """The arcs being compiled, each numbered by its place (its coin unless it shares one)."""

    def add(self, source: str, target: str, relation: Relation, p: float, strength: Strength,
            role: Role, same_side: bool = True, covers: frozenset[str] | None = None,
            coin: int | None = None, toward_defender: bool = False,
            key: str | None = None) -> None:  # fmt: skip
        index = len(self)
        coin = index if coin is None else coin
        self.append(Arc(index, source, target, relation, coin, p, strength, role, same_side, covers,
                        defensive=covers is not None, toward_defender=toward_defender, key=key))  # fmt: skip


#: The last scenario compiled, with its date and table (calibration and the backtest compile
#: one graph for many flare-ups): ``(scenario, as_of, table values, standing ties)``.
_last_standing: list[tuple[Scenario, object, dict[str, float], _Standing]] = []


def compile_scenario(
    scenario: Scenario, flare_up: FlareUp, likelihoods: LikelihoodTable | None = None
) -> Compiled:
    """Turn the relations in force on ``flare_up.as_of`` into the cascade's arcs."""
    table = likelihoods or LikelihoodTable()
    standing = _standing(scenario, flare_up.as_of, table)
    arcs = _Arcs(standing.arcs)
    fighting = [b for b, _ in flare_up.fighting]
    for power in scenario.actors.values():
        if not power.major_power or power.id in fighting:
            continue
        own = power.likelihood is not None
        p = power.likelihood if power.likelihood is not None else table.get("major_power")
        shared = len(arcs)  # one decision to intervene, whichever belligerent it sees
        for b in fighting:
            reach = Relation(RelationType.MAJOR_POWER, power.id, (b,), source=power.source)
            arcs.add(b, power.id, reach, p, Strength.PROXIMITY, Role.ALLY, coin=shared,
                     toward_defender=True, key=None if own else "major_power")  # fmt: skip
    # Promise coins are numbered after the arcs, strike coins after those: one index each.
    damping: dict[str, list[tuple[str, int, float, str | None]]] = defaultdict(list)
    for number, (x, y, p, key) in enumerate(standing.pacts, start=len(arcs)):
        damping[x].append((y, number, p, key))
        damping[y].append((x, number, p, key))
    first_strike = len(arcs) + len(standing.pacts)
    strikes = _strikes(scenario.actors, flare_up, standing.neighbours, table, first=first_strike)
    arcs_from: dict[str, list[Arc]] = defaultdict(list)
    arcs_into: dict[str, list[Arc]] = defaultdict(list)
    for arc in arcs:
        arcs_from[arc.source].append(arc)
        arcs_into[arc.target].append(arc)
    return Compiled(
        flare_up=flare_up,
        arcs_from={k: tuple(v) for k, v in arcs_from.items()},
        arcs=tuple(arcs),
        arcs_into={k: tuple(v) for k, v in arcs_into.items()},
        damping={k: tuple(v) for k, v in damping.items()},
        territory=standing.territory,
        actors=tuple(scenario.actors),
        strikes=strikes,
    )


def _standing(scenario: Scenario, as_of: object, table: LikelihoodTable) -> _Standing:
    """The standing ties of ``scenario`` on ``as_of`` under ``table``, reusing the last when the same."""
    values = dict(table.values)
    if _last_standing:
        last, last_as_of, last_values, found = _last_standing[0]
        if last is scenario and last_as_of == as_of and last_values == values:
            return found
    found = _compile_standing(scenario, as_of, table)
    _last_standing[:] = [(scenario, as_of, values, found)]
    return found


def _compile_standing(scenario: Scenario, as_of: object, table: LikelihoodTable) -> _Standing:
    arcs = _Arcs()
    pacts: list[tuple[str, str, float, str | None]] = []
    territory = {a: scenario.territory(a) for a in scenario.actors}
    neighbours: dict[str, set[str]] = defaultdict(set)

    def covered(relation: Relation, protected: str) -> frozenset[str]:
        if relation.covers:
            return frozenset().union(*(territory[c] for c in relation.covers))
        return territory[protected]

    for r in scenario.relations:
        if not r.in_force(as_of):  # type: ignore[arg-type]
            continue
        key: str | None = None
        if r.likelihood is None:  # the table's value, by the key calibration fits
            key = key_of(r.type, r.level)
            p = table.values[key]
        else:
            p = r.likelihood
        tie = functools.partial(arcs.add, relation=r, p=p, key=key)
        match r.type:
            case RelationType.DEFENSE_PACT:
                (other,) = r.targets
                tie(
                    r.origin, other, strength=Strength.OBLIGATION, role=Role.ALLY, covers=covered(r, r.origin)
                )
                tie(other, r.origin, strength=Strength.OBLIGATION, role=Role.ALLY, covers=covered(r, other))
            case RelationType.GUARANTEE:
                (client,) = r.targets
                tie(client, r.origin, strength=Strength.OBLIGATION, role=Role.ALLY, covers=covered(r, client))
            case RelationType.OFFENSE_PACT:
                (partner,) = r.targets
                tie(partner, r.origin, strength=Strength.MILITARY, role=Role.ALLY)
            case RelationType.BACKING:
                (client,) = r.targets
                strength = {
                    BackingLevel.MILITARY: Strength.MILITARY,
                    BackingLevel.MATERIAL: Strength.MATERIAL,
                    BackingLevel.DIPLOMATIC: Strength.DIPLOMATIC,
                }[r.level if isinstance(r.level, BackingLevel) else BackingLevel.DIPLOMATIC]
                role = Role.ALLY if r.level is BackingLevel.MILITARY else Role.SUPPORTER
                tie(client, r.origin, strength=strength, role=role)
            case RelationType.ENTENTE | RelationType.CONSULTATION_PACT:
                (other,) = r.targets
                tie(r.origin, other, strength=Strength.ENTENTE, role=Role.SUPPORTER)
                tie(other, r.origin, strength=Strength.ENTENTE, role=Role.SUPPORTER)
            case RelationType.HOSTILITY:
                (other,) = r.targets
                tie(r.origin, other, strength=Strength.HOSTILITY, role=Role.ALLY, same_side=False)
                tie(other, r.origin, strength=Strength.HOSTILITY, role=Role.ALLY, same_side=False)
            case RelationType.CO_BELLIGERENCE:
                (other,) = r.targets
                tie(r.origin, other, strength=Strength.HOSTILITY, role=Role.ALLY)
                tie(other, r.origin, strength=Strength.HOSTILITY, role=Role.ALLY)
            case RelationType.MEDIATION:
                shared = len(arcs)  # one decision to mediate, whichever party triggers it
                for party in r.targets:
                    tie(party, r.origin, strength=Strength.MEDIATION, role=Role.MEDIATOR, coin=shared)
            case RelationType.BORDER:
                (other,) = r.targets
                tie(r.origin, other, strength=Strength.PROXIMITY, role=Role.ALLY, toward_defender=True)
                tie(other, r.origin, strength=Strength.PROXIMITY, role=Role.ALLY, toward_defender=True)
                neighbours[r.origin].add(other)
                neighbours[other].add(r.origin)
            case RelationType.NEUTRALITY_PACT | RelationType.NONAGGRESSION_PACT:
                pacts.append((r.origin, r.targets[0], p, key))
    for alliance in scenario.actors.values():
        if alliance.kind is not ActorKind.ALLIANCE or not alliance.collective_defense:
            continue
        own = alliance.likelihood is not None
        acts = (
            alliance.likelihood
            if alliance.likelihood is not None
            else table.get("collective_defense", "acts")
        )
        each = table.get("collective_defense", "member")
        call = Relation(
            RelationType.COLLECTIVE_DEFENSE, alliance.id, alliance.members, source=alliance.source
        )
        shared = len(arcs)  # the alliance acts or not once, whichever member is attacked
        for member in alliance.members:
            arcs.add(member, alliance.id, call, acts, Strength.OBLIGATION, Role.ALLIANCE,
                covers=territory[member], coin=shared,
                key=None if own else "collective_defense.acts")  # fmt: skip
        for member in alliance.members:
            arcs.add(alliance.id, member, call, each, Strength.OBLIGATION, Role.ALLY,
                key="collective_defense.member")  # fmt: skip
    return _Standing(tuple(arcs), tuple(pacts), {a: frozenset(n) for a, n in neighbours.items()}, territory)


def _strikes(
    actors: Iterable[str], flare_up: FlareUp, neighbours: Mapping[str, frozenset[str]],
    table: LikelihoodTable,
    *, first: int,
) -> dict[tuple[str, int], tuple[int, float, str]]:  # fmt: skip
    """Each actor's strike coin per side it may join, numbered from ``first``: one rule for all engines.

    A strike is likelier (``struck.bordering``) when the actor borders a belligerent of the other side.
    """
    strikes: dict[tuple[str, int], tuple[int, float, str]] = {}
    enemies = [{b for b, s in flare_up.fighting if s != side} for side in (0, 1)]
    for number, actor in enumerate(actors):
        for side in (0, 1):
            key = (
                "struck.bordering" if neighbours.get(actor, frozenset()) & enemies[side] else "struck.distant"
            )
            strikes[(actor, side)] = (first + 2 * number + side, table.values[key], key)
    return strikes


@dataclass(frozen=True)
class Joined:
    """How one party ended up in one outcome of the cascade."""

    side: int
    role: Role
    hops: int
    chain: tuple[int, ...]


Coin = Callable[[int, float], bool]


class Work:
    """Counts the ties the cascade examines, so that callers can bound the effort."""

    def __init__(self) -> None:
        self.checks = 0


def propagate(compiled: Compiled, coin: Coin, work: Work | None = None) -> dict[str, Joined]:
    """Run the cascade once, asking ``coin(index, p)`` for each tie that triggers.

    Returns who joined, on which side and how; belligerents are included with hops 0.
    The result depends only on the coins' answers, never on chance inside; each coin
    is asked at most once. ``work.checks`` grows by the number of ties examined.
    """
    answers: dict[int, bool] = {}

    def ask(index: int, p: float) -> bool:
        if p >= 1.0:
            return True
        if p <= 0.0:
            return False
        if index not in answers:
            answers[index] = coin(index, p)
        return answers[index]

    flare = compiled.flare_up
    attacking = flare.attacking_side
    state: dict[str, Joined] = {b: Joined(side, Role.BELLIGERENT, 0, ()) for b, side in flare.fighting}
    theatre = set(flare.theatre)
    frontier = list(state)
    waiting: list[Arc] = []  # defence obligations whose territory the theatre has not reached
    max_hops = flare.max_hops
    theatre_grew = False
    while frontier or (theatre_grew and waiting):
        candidates: dict[str, list[tuple[Arc, int]]] = defaultdict(list)
        to_check: list[Arc] = []
        if theatre_grew:
            to_check.extend(waiting)
            waiting = []
        for actor in frontier:
            joined = state[actor]
            if joined.role not in SPREADING:
                continue
            if max_hops is not None and joined.hops >= max_hops:
                continue
            to_check.extend(compiled.arcs_from.get(actor, ()))
        if work is not None:
            work.checks += len(to_check)
        for arc in to_check:
            current = state.get(arc.target)
            if current is not None and not (current.role is Role.SUPPORTER and arc.role is Role.ALLY):
                continue  # in already; only a supporter can still be called to fight
            source = state[arc.source]
            if arc.defensive:
                if source.side == attacking:
                    continue
                if arc.covers is not None and theatre.isdisjoint(arc.covers):
                    waiting.append(arc)
                    continue
            side = arc.pulls_to(source.side, attacking)
            if current is not None and current.side != side:
                continue
            if ask(arc.coin, arc.likelihood):
                candidates[arc.target].append((arc, side))
        frontier = []
        theatre_grew = False
        settled = dict(state)  # promises bind toward partners in before this round
        for target in sorted(candidates):
            if target in state:  # a supporter called to fight on its side
                choice: tuple[Arc, int] | None = max(candidates[target], key=_pull_rank)
            else:
                choice = _choose(compiled, settled, candidates[target], target, ask)
            if choice is None:
                continue
            arc, side = choice
            parent = state[arc.source]
            state[target] = Joined(side, arc.role, parent.hops + 1, (*parent.chain, arc.index))
            frontier.append(target)
            if arc.role is Role.ALLY and side != attacking:
                strike, p, _ = compiled.strike(target, side)
                if ask(strike, p):  # the other side strikes its territory: now it is attacked
                    before = len(theatre)
                    theatre |= compiled.territory.get(target, frozenset({target}))
                    theatre_grew = theatre_grew or len(theatre) > before
    return state


def _choose(
    compiled: Compiled,
    state: dict[str, Joined],
    pulls: list[tuple[Arc, int]],
    target: str,
    ask: Coin,
) -> tuple[Arc, int] | None:
    """Pick the pull a party follows, after its neutrality promises have had their say."""
    ordered = pulls if len(pulls) == 1 else sorted(pulls, key=lambda pull: (-pull[0].strength, pull[0].index))
    allowed = [
        (arc, side)
        for arc, side in ordered
        if side == NO_SIDE or not _held_back(compiled, state, target, side, ask)
    ]
    if len(allowed) <= 1:
        return allowed[0] if allowed else None
    top = allowed[0][0].strength
    strongest = [(a, s) for a, s in allowed if a.strength == top]
    if len({s for _, s in strongest}) > 1:
        attacking = compiled.flare_up.attacking_side
        if attacking is None:
            return None  # torn between the two sides this round
        strongest = [(a, s) for a, s in strongest if s != attacking]  # it sides with the attacked
    return max(strongest, key=_pull_rank)


def _pull_rank(pull: tuple[Arc, int]) -> tuple[int, float, int]:
    """Order of pulls: strongest tie, then most likely, then first written."""
    arc = pull[0]
    return (arc.strength, arc.likelihood, -arc.index)


def _held_back(
    compiled: Compiled,
    state: dict[str, Joined],
    target: str,
    side: int,
    ask: Coin,
) -> bool:
    """Whether a neutrality or non-aggression promise keeps ``target`` off ``side``."""
    for partner, index, p, _ in compiled.damping.get(target, ()):
        joined = state.get(partner)
        if joined is None or joined.side in (NO_SIDE, side):
            continue
        if joined.role in (Role.BELLIGERENT, Role.ALLY) and ask(index, p):
            return True
    return False
