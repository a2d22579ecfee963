"""Compile a scenario for one flare-up into typed ties (arcs), numbered coins and strikes.

Every engine (:mod:`~escalate.engine.cascade`, the numpy sampler, the chains, calibration)
reads the rules' inputs from :class:`Compiled`, so what a tie means is decided here once.

Examples
--------
>>> from escalate import build_scenario
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}},
...     relations=[{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5}])
>>> compiled = compile_scenario(s, FlareUp(("A", "B"), theatre=frozenset({"A", "B"})))
>>> [(arc.source, arc.target, arc.likelihood) for arc in compiled.arcs if arc.defensive]
[('A', 'C', 0.5), ('C', 'A', 0.5)]
>>> [(arc.source, arc.target, arc.key) for arc in compiled.arcs if arc.offensive or arc.follows][::2]
[('A', 'C', 'stand_by.pact'), ('A', 'C', 'follow.pact')]
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TypeVar

from escalate.engine.standing_by import how_alliances_stand_by, standing_by_arcs
from escalate.engine.ties import Arc, Arcs, Compiled, FlareUp, Promise, Strength
from escalate.likelihoods import LikelihoodTable, key_of
from escalate.model import Actor, BackingLevel, Relation, RelationType, Role, Scenario

_Promises = dict[str, tuple[Promise, ...]]  # as Compiled.damping
_Party = TypeVar("_Party")  # an actor's id, or a state's COW code
#: A promise between two parties, as a relation makes it: ``(x, y, likelihood, key, binds_against_attacker)``.
_Pact = tuple[str, str, float, str | None, bool]


@dataclass(frozen=True)
class _Standing:
    """What a scenario compiles to whoever fights: the ties of relations and alliances."""

    arcs: tuple[Arc, ...]
    #: Neutrality and non-aggression promises: ``(party, partner, likelihood, key, binds_against_attacker)``.
    pacts: tuple[_Pact, ...]
    neighbours: dict[str, frozenset[str]]
    located_in: dict[str, str]
    #: Each party's partners by a binding tie (see :data:`BINDING`) or a shared alliance.
    partners: dict[str, frozenset[str]]
    promises: dict[int, _Promises] = dataclasses.field(default_factory=dict, compare=False)  # by first coin


#: The last scenario compiled, with its date and table (calibration and the backtest compile
#: one graph for many flare-ups): ``(scenario, as_of, table values, standing ties)``.
_last_standing: list[tuple[Scenario, object, dict[str, float], _Standing]] = []


def compile_scenario(
    scenario: Scenario, flare_up: FlareUp, likelihoods: LikelihoodTable | None = None
) -> Compiled:
    """Turn the relations in force on ``flare_up.as_of`` into the cascade's arcs."""
    table = likelihoods or LikelihoodTable()
    standing = _standing(scenario, flare_up.as_of, table)
    arcs = Arcs(how_alliances_stand_by(scenario, flare_up, standing.arcs, table))
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
    first_strike = len(arcs) + len(standing.pacts)
    strikes = _strikes(scenario.actors, flare_up, standing.neighbours, table, first=first_strike)
    return Compiled(
        flare_up=flare_up,
        arcs=tuple(arcs),
        damping=_promises(standing, first=len(arcs)),
        located_in=standing.located_in,
        actors=tuple(scenario.actors),
        strikes=strikes,
        standing=standing.arcs,
        leaning=leaning(standing.partners, flare_up),
    )


#: The ties that bind a party to its partner's side: obligations to act (defence, guarantee,
#: offence, consultation), backing, entente and fighting side by side, besides membership in
#: one alliance (a neutrality or non-aggression promise binds it only not to fight the
#: partner). In MID 5.0, of the 654 joiners of disputes one side began, 323 were bound (by
#: ATOP obligations or past fighting) to one side's originators only, and 278 of them joined
#: that side (174 of the 206 bound to the attacking side); the defending side alone gets 301
#: of the 654 right, the side they lean to 443.
BINDING = frozenset(
    {
        RelationType.DEFENSE_PACT,
        RelationType.GUARANTEE,
        RelationType.OFFENSE_PACT,
        RelationType.BACKING,
        RelationType.ENTENTE,
        RelationType.CONSULTATION_PACT,
        RelationType.CO_BELLIGERENCE,
    }
)


def _promises(standing: _Standing, *, first: int) -> _Promises:
    """Each party's pacts, coins numbered from ``first``: made once a ``first`` (flare-ups share them)."""
    if first not in standing.promises:
        damping: dict[str, list[Promise]] = defaultdict(list)
        for number, (x, y, p, key, binds) in enumerate(standing.pacts, start=first):
            damping[x].append(Promise(y, number, p, key, binds))
            damping[y].append(Promise(x, number, p, key, binds))
        standing.promises[first] = {k: tuple(v) for k, v in damping.items()}
    return standing.promises[first]


def leaning(partners: Mapping[str, frozenset[str]], flare_up: FlareUp) -> dict[str, int]:
    """The parties bound to the belligerents of one side only, by that side.

    A tie with no side of its own (a border, a major power's reach) draws such a party to
    the side it is bound to, and others to the defending side.

    >>> flare = FlareUp(("A", "B"), "A", frozenset({"A", "B"}))
    >>> partners = {"A": {"C", "D"}, "B": {"D", "E"}, "C": {"A"}, "D": {"A", "B"}, "E": {"B"}}
    >>> leaning({party: frozenset(others) for party, others in partners.items()}, flare)
    {'C': 0, 'E': 1}
    """
    bound: tuple[set[str], set[str]] = (set(), set())
    for belligerent, side in flare_up.fighting:
        bound[side].update(partners.get(belligerent, ()))
    fighting = flare_up.side_by_belligerent
    return {
        party: side
        for side in (0, 1)
        for party in sorted(bound[side] - bound[1 - side])
        if party not in fighting
    }


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
    arcs = Arcs()
    pacts: list[_Pact] = []
    neighbours: dict[str, set[str]] = defaultdict(set)
    for r in scenario.relations:
        if r.in_force(as_of):  # type: ignore[arg-type]
            _relation_arcs(r, arcs, pacts, neighbours, table)
    for actor in scenario.actors.values():
        _alliance_arcs(actor, arcs, table)
    # Last, so that the coins of every other tie keep their numbers (and samples their draws).
    standing_by_arcs(scenario, as_of, arcs, table)
    _vicinity_arcs(neighbours, arcs, table)  # (added after these, for the same reason)
    located_in = {a.id: a.located_in for a in scenario.actors.values() if a.located_in is not None}
    neighbours_ = {a: frozenset(n) for a, n in neighbours.items()}
    return _Standing(tuple(arcs), tuple(pacts), neighbours_, located_in, _partners(scenario, as_of))


def _partners(scenario: Scenario, as_of: object) -> dict[str, frozenset[str]]:
    """Each party's partners on ``as_of``: by a :data:`BINDING` tie, or in one alliance."""
    found: dict[str, set[str]] = defaultdict(set)
    for r in scenario.relations:
        if r.type in BINDING and r.in_force(as_of):  # type: ignore[arg-type]
            for other in r.targets:
                found[r.origin].add(other)
                found[other].add(r.origin)
    for alliance in scenario.actors.values():
        for member in alliance.members:
            found[member].update(m for m in alliance.members if m != member)
    return {party: frozenset(others) for party, others in found.items()}


def _relation_arcs(
    r: Relation,
    arcs: Arcs,
    pacts: list[_Pact],
    neighbours: dict[str, set[str]],
    table: LikelihoodTable,
) -> None:
    """The arcs one relation in force makes (its promises go to ``pacts``): the rule of each type."""
    key: str | None = None
    if r.likelihood is None:  # the table's value, by the key calibration fits
        key = key_of(r.type, r.level)
        p = table.values[key]
    else:
        p = r.likelihood
    tie = functools.partial(arcs.add, relation=r, p=p, key=key)
    match r.type:
        case RelationType.DEFENSE_PACT | RelationType.GUARANTEE:
            _obligation_arcs(r, tie)
        case RelationType.OFFENSE_PACT | RelationType.BACKING:
            _one_way_arcs(r, tie)
        case (
            RelationType.ENTENTE
            | RelationType.CONSULTATION_PACT
            | RelationType.HOSTILITY
            | RelationType.CO_BELLIGERENCE
            | RelationType.BORDER
        ):
            _mutual_arcs(r, tie, neighbours)
        case RelationType.MEDIATION:
            shared = len(arcs)  # one decision to mediate, whichever party triggers it
            for party in r.targets:
                tie(party, r.origin, strength=Strength.MEDIATION, role=Role.MEDIATOR, coin=shared)
        case RelationType.NEUTRALITY_PACT | RelationType.NONAGGRESSION_PACT:
            pacts.append((r.origin, r.targets[0], p, key, r.type is RelationType.NONAGGRESSION_PACT))


#: ``Arcs.add`` with the relation, its likelihood and its key already given.
_Tie = Callable[..., None]


def _obligation_arcs(r: Relation, tie: _Tie) -> None:
    """A defence pact (both ways) or a guarantee (to the client): each covers the protected territory.

    The territory covered is the relation's ``covers`` if it names one, else the protected party's own.
    """

    def covered(protected: str) -> tuple[str, ...]:
        return r.covers or (protected,)

    if r.type is RelationType.DEFENSE_PACT:
        (other,) = r.targets
        tie(r.origin, other, strength=Strength.OBLIGATION, role=Role.ALLY, covers=covered(r.origin))
        tie(other, r.origin, strength=Strength.OBLIGATION, role=Role.ALLY, covers=covered(other))
    else:
        (client,) = r.targets
        tie(client, r.origin, strength=Strength.OBLIGATION, role=Role.ALLY, covers=covered(client))


def _one_way_arcs(r: Relation, tie: _Tie) -> None:
    """An offence pact or a backing: the partner or client draws the relation's origin in."""
    (client,) = r.targets
    if r.type is RelationType.OFFENSE_PACT:
        tie(client, r.origin, strength=Strength.MILITARY, role=Role.ALLY)
        return
    strength = {
        BackingLevel.MILITARY: Strength.MILITARY,
        BackingLevel.MATERIAL: Strength.MATERIAL,
        BackingLevel.DIPLOMATIC: Strength.DIPLOMATIC,
    }[r.level if isinstance(r.level, BackingLevel) else BackingLevel.DIPLOMATIC]
    role = Role.ALLY if r.level is BackingLevel.MILITARY else Role.SUPPORTER
    tie(client, r.origin, strength=strength, role=role)


def _mutual_arcs(r: Relation, tie: _Tie, neighbours: dict[str, set[str]]) -> None:
    """A tie that pulls both ways alike: entente or consultation, hostility, co-belligerence, border."""
    (other,) = r.targets
    match r.type:
        case RelationType.ENTENTE | RelationType.CONSULTATION_PACT:
            tie(r.origin, other, strength=Strength.ENTENTE, role=Role.SUPPORTER)
            tie(other, r.origin, strength=Strength.ENTENTE, role=Role.SUPPORTER)
        case RelationType.HOSTILITY:
            tie(r.origin, other, strength=Strength.HOSTILITY, role=Role.ALLY, same_side=False)
            tie(other, r.origin, strength=Strength.HOSTILITY, role=Role.ALLY, same_side=False)
        case RelationType.CO_BELLIGERENCE:
            tie(r.origin, other, strength=Strength.HOSTILITY, role=Role.ALLY)
            tie(other, r.origin, strength=Strength.HOSTILITY, role=Role.ALLY)
        case RelationType.BORDER:
            tie(r.origin, other, strength=Strength.PROXIMITY, role=Role.ALLY, toward_defender=True)
            tie(other, r.origin, strength=Strength.PROXIMITY, role=Role.ALLY, toward_defender=True)
            neighbours[r.origin].add(other)
            neighbours[other].add(r.origin)


def two_borders_away(neighbours: Mapping[_Party, AbstractSet[_Party]]) -> dict[_Party, frozenset[_Party]]:
    """Each party's neighbours' neighbours that are not its neighbours (nor itself).

    >>> two_borders_away({"A": {"B"}, "B": {"A", "C"}, "C": {"B"}})["A"]
    frozenset({'C'})
    """
    return {
        party: frozenset().union(*(neighbours[n] for n in near)) - near - {party}
        for party, near in neighbours.items()
    }


def _vicinity_arcs(neighbours: Mapping[str, set[str]], arcs: Arcs, table: LikelihoodTable) -> None:
    """A neighbour's neighbour (not itself a neighbour) may be drawn in, as a border draws, but less.

    One arc each way per pair of parties two land borders apart, however many neighbours they
    share, whatever the borders' own likelihoods. It pulls less hard than a border: a party
    next to one belligerent and two borders from the other follows the border.
    """
    p = table.get("vicinity")
    for party, others in sorted(two_borders_away(neighbours).items()):
        for other in sorted(others):
            reach = Relation(RelationType.VICINITY, other, (party,))
            arcs.add(
                party, other, reach, p, Strength.VICINITY, Role.ALLY, toward_defender=True, key="vicinity"
            )


def _alliance_arcs(alliance: Actor, arcs: Arcs, table: LikelihoodTable) -> None:
    """An alliance with collective defence decides as one: a shared coin to act, then each member's."""
    call = alliance.collective_defense_relation()
    if call is None:
        return
    own = alliance.likelihood is not None
    acts = alliance.likelihood if alliance.likelihood is not None else table.get("collective_defense", "acts")
    each = table.get("collective_defense", "member")
    shared = len(arcs)  # the alliance acts or not once, whichever member is attacked
    for member in alliance.members:
        arcs.add(member, alliance.id, call, acts, Strength.OBLIGATION, Role.ALLIANCE,
            covers=(member,), coin=shared,
            key=None if own else "collective_defense.acts")  # fmt: skip
    for member in alliance.members:
        arcs.add(alliance.id, member, call, each, Strength.OBLIGATION, Role.ALLY,
            key="collective_defense.member")  # fmt: skip


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
