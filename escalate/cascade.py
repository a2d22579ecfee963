"""The escalation model: an independent cascade over typed, conditional ties.

When an actor starts fighting, each of its ties that is *triggered* fires once,
independently, with its likelihood, and draws the other actor in on the side the tie
implies (Kempe, Kleinberg and Tardos 2003). The rules:

- A defence obligation (``defense_pact``, ``guarantee``, an alliance's collective
  defence) fires toward a party on a *defending* side (every side, when there is no
  initiator), and only once the theatre reaches the territory it covers. A defending
  ally brings its own territory into the theatre.
- ``backing`` draws the backer to its client's side (as an ally when military, else as a
  supporter); ``entente`` pulls weakly (supporter); ``hostility`` draws a rival to the
  side opposite its enemy (ally); ``mediation`` involves the mediator on no side.
- Only fighting parties (belligerents and allies) spread involvement; supporters and
  mediators do not. A supporter that a later tie calls to fight on its own side becomes
  an ally (so that a weak early tie never keeps a party out of the fighting).
- ``neutrality_pact`` and ``nonaggression_pact`` keep a party from joining the side
  opposite its partner: when that would happen the promise holds with its likelihood.
  It binds toward a partner already in the fight before the round; two partners who
  join opposite sides in the same round were not yet facing each other.
- Propagation runs in rounds. A party pulled several ways in one round follows its
  strongest tie (obligation > military backing > hostility > material backing >
  diplomatic backing > entente > mediation). Pulled equally hard to both sides, it is
  torn and stays out that round; ties that fire later may still bring it in. Once in, a
  party never changes side.

Probabilities are exact under this model: :func:`run_cascade` enumerates the outcomes of
every coin the cascade actually consults (lazily, so coins of ties that never trigger
cost nothing) while they number at most ``max_outcomes``; past that it samples.

Examples
--------
>>> from escalate import build_scenario
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}},
...     relations=[{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5}])
>>> tally = run_cascade(compile_scenario(s, FlareUp(("A", "B"), theatre=frozenset({"A", "B"}))))
>>> tally.method, tally.probability("C", 0)
('exact', 0.5)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum

from escalate.likelihoods import LikelihoodTable
from escalate.model import ActorKind, BackingLevel, Relation, RelationType, Role, Scenario

#: ``side`` of a mediator: on neither side.
NO_SIDE = -1


class Strength(IntEnum):
    """How hard a tie pulls; the strongest pull in a round wins."""

    MEDIATION = 0
    ENTENTE = 1
    DIPLOMATIC = 2
    MATERIAL = 3
    HOSTILITY = 4
    MILITARY = 5
    OBLIGATION = 6


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


@dataclass(frozen=True)
class Compiled:
    """A scenario turned into arcs for one flare-up: what the cascade runs on."""

    flare_up: FlareUp
    arcs_from: dict[str, tuple[Arc, ...]]
    arcs: tuple[Arc, ...]
    arcs_into: dict[str, tuple[Arc, ...]]
    #: Neutrality and non-aggression promises: ``actor -> ((partner, coin, likelihood), ...)``.
    damping: dict[str, tuple[tuple[str, int, float], ...]]
    territory: dict[str, frozenset[str]]
    actors: tuple[str, ...]


def compile_scenario(
    scenario: Scenario, flare_up: FlareUp, likelihoods: LikelihoodTable | None = None
) -> Compiled:
    """Turn the relations in force on ``flare_up.as_of`` into the cascade's arcs."""
    table = likelihoods or LikelihoodTable()
    arcs: list[Arc] = []
    pacts: list[tuple[str, str, float]] = []
    territory = {a: scenario.territory(a) for a in scenario.actors}

    def covered(relation: Relation, protected: str) -> frozenset[str]:
        if relation.covers:
            return frozenset().union(*(territory[c] for c in relation.covers))
        return territory[protected]

    def add(source: str, target: str, relation: Relation, p: float, strength: Strength,
            role: Role, same_side: bool = True, covers: frozenset[str] | None = None,
            coin: int | None = None) -> None:  # fmt: skip
        index = len(arcs)
        arcs.append(
            Arc(
                index,
                source,
                target,
                relation,
                index if coin is None else coin,
                p,
                strength,
                role,
                same_side,
                covers,
                defensive=covers is not None,
            )  # fmt: skip
        )

    as_of = flare_up.as_of
    for r in scenario.relations:
        if not r.in_force(as_of):  # type: ignore[arg-type]
            continue
        p = r.likelihood if r.likelihood is not None else table.get(r.type, r.level)
        match r.type:
            case RelationType.DEFENSE_PACT:
                (other,) = r.targets
                add(r.origin, other, r, p, Strength.OBLIGATION, Role.ALLY, covers=covered(r, r.origin))
                add(other, r.origin, r, p, Strength.OBLIGATION, Role.ALLY, covers=covered(r, other))
            case RelationType.GUARANTEE:
                (client,) = r.targets
                add(client, r.origin, r, p, Strength.OBLIGATION, Role.ALLY, covers=covered(r, client))
            case RelationType.BACKING:
                (client,) = r.targets
                strength = {
                    BackingLevel.MILITARY: Strength.MILITARY,
                    BackingLevel.MATERIAL: Strength.MATERIAL,
                    BackingLevel.DIPLOMATIC: Strength.DIPLOMATIC,
                }[r.level or BackingLevel.DIPLOMATIC]
                role = Role.ALLY if r.level is BackingLevel.MILITARY else Role.SUPPORTER
                add(client, r.origin, r, p, strength, role)
            case RelationType.ENTENTE:
                (other,) = r.targets
                add(r.origin, other, r, p, Strength.ENTENTE, Role.SUPPORTER)
                add(other, r.origin, r, p, Strength.ENTENTE, Role.SUPPORTER)
            case RelationType.HOSTILITY:
                (other,) = r.targets
                add(r.origin, other, r, p, Strength.HOSTILITY, Role.ALLY, same_side=False)
                add(other, r.origin, r, p, Strength.HOSTILITY, Role.ALLY, same_side=False)
            case RelationType.MEDIATION:
                shared = len(arcs)  # one decision to mediate, whichever party triggers it
                for party in r.targets:
                    add(party, r.origin, r, p, Strength.MEDIATION, Role.MEDIATOR, coin=shared)
            case RelationType.NEUTRALITY_PACT | RelationType.NONAGGRESSION_PACT:
                pacts.append((r.origin, r.targets[0], p))
    for alliance in scenario.actors.values():
        if alliance.kind is not ActorKind.ALLIANCE or not alliance.collective_defense:
            continue
        p = alliance.likelihood if alliance.likelihood is not None else table.get("collective_defense")
        call = Relation(
            RelationType.COLLECTIVE_DEFENSE, alliance.id, alliance.members, source=alliance.source
        )
        for member in alliance.members:
            add(member, alliance.id, call, 1.0, Strength.OBLIGATION, Role.ALLY, covers=territory[member])
            add(alliance.id, member, call, p, Strength.OBLIGATION, Role.ALLY)
    # Damping coins are numbered after the arcs so that every coin has one index.
    damping: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
    for number, (x, y, p) in enumerate(pacts, start=len(arcs)):
        damping[x].append((y, number, p))
        damping[y].append((x, number, p))
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
        territory=territory,
        actors=tuple(scenario.actors),
    )


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
            if joined.role not in (Role.BELLIGERENT, Role.ALLY):
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
            side = source.side if arc.same_side else 1 - source.side
            if arc.role is Role.MEDIATOR:
                side = NO_SIDE
            if current is not None and current.side != side:
                continue
            if ask(arc.coin, arc.likelihood):
                candidates[arc.target].append((arc, side))
        frontier = []
        theatre_grew = False
        settled = dict(state)  # promises bind toward partners in before this round
        for target in sorted(candidates):
            if target in state:  # a supporter called to fight on its side
                pulls = candidates[target]
                arc, side = max(
                    pulls, key=lambda pull: (pull[0].strength, pull[0].likelihood, -pull[0].index)
                )
                choice: tuple[Arc, int] | None = (arc, side)
            else:
                choice = _choose(compiled, settled, candidates[target], target, ask)
            if choice is None:
                continue
            arc, side = choice
            parent = state[arc.source]
            state[target] = Joined(side, arc.role, parent.hops + 1, (*parent.chain, arc.index))
            frontier.append(target)
            if arc.role is Role.ALLY and side != attacking:
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
    if len(pulls) == 1:
        arc, side = pulls[0]
        held = (
            side != NO_SIDE and target in compiled.damping and _held_back(compiled, state, target, side, ask)
        )
        return None if held else pulls[0]
    allowed = []
    for arc, side in sorted(pulls, key=lambda pull: (-pull[0].strength, pull[0].index)):
        if side != NO_SIDE and _held_back(compiled, state, target, side, ask):
            continue
        allowed.append((arc, side))
    if not allowed:
        return None
    top = allowed[0][0].strength
    strongest = [(a, s) for a, s in allowed if a.strength == top]
    if len({s for _, s in strongest}) > 1:
        return None  # torn between the two sides this round
    return max(strongest, key=lambda pull: (pull[0].likelihood, -pull[0].index))


def _held_back(
    compiled: Compiled,
    state: dict[str, Joined],
    target: str,
    side: int,
    ask: Coin,
) -> bool:
    """Whether a neutrality or non-aggression promise keeps ``target`` off ``side``."""
    for partner, index, p in compiled.damping.get(target, ()):
        joined = state.get(partner)
        if joined is None or joined.side in (NO_SIDE, side):
            continue
        if joined.role in (Role.BELLIGERENT, Role.ALLY) and ask(index, p):
            return True
    return False


@dataclass
class Tally:
    """What the cascade found: per (party, side) probabilities, roles and chains."""

    method: str
    samples: int | None
    outcomes: int
    #: Samples asked for; more than ``samples`` when the work bound stopped sampling early.
    requested: int | None = None
    probabilities: dict[tuple[str, int], float] = field(default_factory=lambda: defaultdict(float))
    roles: dict[tuple[str, int, Role], float] = field(default_factory=lambda: defaultdict(float))
    chains: dict[tuple[str, int], dict[tuple[int, ...], float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )

    def probability(self, actor: str, side: int) -> float:
        """P(actor joins ``side``); ``NO_SIDE`` for mediation."""
        return self.probabilities.get((actor, side), 0.0)

    def stderr(self, actor: str, side: int) -> float:
        """Standard error of :meth:`probability`: 0 when exact."""
        if self.samples is None:
            return 0.0
        p = self.probability(actor, side)
        return math.sqrt(p * (1 - p) / self.samples)

    def add(self, weight: float, outcome: dict[str, Joined]) -> None:
        """Count one outcome of the cascade with its probability ``weight``."""
        for actor, joined in outcome.items():
            if joined.role is Role.BELLIGERENT:
                continue
            key = (actor, joined.side)
            self.probabilities[key] += weight
            self.roles[(actor, joined.side, joined.role)] += weight
            self.chains[key][joined.chain] += weight

    def scale(self, factor: float) -> None:
        """Multiply every tallied weight by ``factor`` (counts to frequencies)."""
        for table in (self.probabilities, self.roles):
            for key in table:
                table[key] *= factor  # type: ignore[index]
        for chains in self.chains.values():
            for chain in chains:
                chains[chain] *= factor


#: Enumerate exactly while the cascade has at most this many distinct outcomes.
MAX_OUTCOMES = 20_000
#: Bound on the ties examined (summed over outcomes or samples): about a second of work.
MAX_WORK = 2_000_000
#: Monte Carlo never stops on the work bound before this many samples.
MIN_SAMPLES = 100
#: Skip enumeration when one run consults more chance events than this (2**64 outcomes).
MAX_EXACT_COINS = 64


def run_cascade(
    compiled: Compiled,
    *,
    method: str = "auto",
    samples: int = 10_000,
    seed: int = 0,
    max_outcomes: int = MAX_OUTCOMES,
    max_work: int = MAX_WORK,
    progress: Callable[[int], None] | None = None,
) -> Tally:
    """Compute who joins which side: exactly when feasible, else by Monte Carlo.

    ``method`` is ``"auto"``, ``"exact"`` (fails past ``max_outcomes``) or ``"monte-carlo"``.
    The work is bounded: enumeration is skipped when a single run consults more than
    ``MAX_EXACT_COINS`` chance events and gives up past ``max_outcomes`` outcomes or
    ``max_work`` ties examined; sampling stops early (after at least ``MIN_SAMPLES``) once
    ``max_work`` ties have been examined, and reports the samples it drew.
    """
    if method not in ("auto", "exact", "monte-carlo"):
        raise ValueError(f"method must be auto, exact or monte-carlo, not {method!r}")
    if samples < 1:
        raise ValueError("samples must be at least 1")
    if method != "monte-carlo":
        limited = method == "auto"
        tally = None
        if not limited or _consulted_when_all_fire(compiled) <= MAX_EXACT_COINS:
            tally = _enumerate(compiled, max_outcomes, max_work if limited else None)
        if tally is not None:
            return tally
        if method == "exact":
            raise ValueError(f"more than {max_outcomes:,} outcomes; use Monte Carlo")
    return _sample(compiled, samples, seed, max_work, progress)


def _enumerate(compiled: Compiled, max_outcomes: int, max_work: int | None) -> Tally | None:
    tally = Tally(method="exact", samples=None, outcomes=0)
    stack: list[tuple[bool, ...]] = [()]
    work = Work()
    while stack:
        replay = _Replay(stack.pop(), stack)
        outcome = propagate(compiled, replay, work)
        tally.outcomes += 1
        if tally.outcomes > max_outcomes or (max_work is not None and work.checks > max_work):
            return None
        tally.add(replay.weight, outcome)
    return tally


def _consulted_when_all_fire(compiled: Compiled) -> int:
    asked: set[int] = set()

    def coin(index: int, p: float) -> bool:
        asked.add(index)
        return True

    propagate(compiled, coin)
    return len(asked)


class _Replay:
    """A coin that replays known answers, then answers yes and queues the "no" branch."""

    def __init__(self, prefix: tuple[bool, ...], stack: list[tuple[bool, ...]]) -> None:
        self.decisions = list(prefix)
        self.stack = stack
        self.position = 0
        self.weight = 1.0

    def __call__(self, index: int, p: float) -> bool:
        if self.position < len(self.decisions):
            fired = self.decisions[self.position]
        else:
            fired = True
            self.stack.append((*self.decisions, False))
            self.decisions.append(True)
        self.position += 1
        self.weight *= p if fired else 1.0 - p
        return fired


def _sample(
    compiled: Compiled,
    samples: int,
    seed: int,
    max_work: int,
    progress: Callable[[int], None] | None,
) -> Tally:
    import random  # only sampling needs it

    rng = random.Random(seed)
    tally = Tally(method="monte-carlo", samples=samples, outcomes=0, requested=samples)

    def coin(index: int, p: float) -> bool:
        return rng.random() < p

    work = Work()
    for done in range(1, samples + 1):
        tally.add(1.0, propagate(compiled, coin, work))
        if progress is not None and done % 1000 == 0:
            progress(done)
        if work.checks > max_work and done >= MIN_SAMPLES:
            break
    tally.samples = tally.outcomes = done
    tally.scale(1.0 / done)
    return tally


def pulled_sides(compiled: Compiled, tally: Tally, actor: str) -> set[int]:
    """The sides ``actor``'s ties could pull it toward, fired or not.

    A tie to a party that can fight on side ``s`` pulls toward ``s`` (toward ``1 - s``
    for hostility); mediation pulls nowhere.
    """
    fighting: dict[str, set[int]] = defaultdict(set)
    for b, side in compiled.flare_up.fighting:
        fighting[b].add(side)
    for (other, side), role_p in tally.probabilities.items():
        if side != NO_SIDE and role_p > 0 and _can_fight(tally, other, side):
            fighting[other].add(side)
    sides: set[int] = set()
    for arc in _arcs_into(compiled, actor):
        if arc.role is Role.MEDIATOR:
            continue
        for side in fighting.get(arc.source, ()):
            sides.add(side if arc.same_side else 1 - side)
    return sides


def _can_fight(tally: Tally, actor: str, side: int) -> bool:
    return tally.roles.get((actor, side, Role.ALLY), 0.0) > 0


def _arcs_into(compiled: Compiled, actor: str) -> Iterable[Arc]:
    return compiled.arcs_into.get(actor, ())
