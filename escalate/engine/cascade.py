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
- Where no casus foederis arises, partners may still come in, each pact or alliance with one
  chance of its own (:mod:`~escalate.engine.standing_by`): they *stand by* a belligerent that
  attacked, and *follow* a party that joined (never one that began the fighting).
- An alliance with collective defence decides as one: when a member's casus foederis
  arises, the alliance acts or not with one chance per flare-up, and each other member
  then fights with its own chance given that the alliance acts.
- ``backing`` draws the backer to its client's side (as an ally when military, else as a
  supporter); ``entente`` pulls weakly (supporter); ``hostility`` draws a rival to the
  side opposite its enemy (ally); ``mediation`` involves the mediator on no side.
- Only fighting parties (belligerents and allies) spread involvement; supporters and
  mediators do not. A supporter that a later tie calls to fight on its own side becomes
  an ally (so that a weak early tie never keeps a party out of the fighting).
- A ``border``, a neighbour's neighbour (a party two land borders from a fighting party and
  not its neighbour: ``vicinity``, weaker) and a major power's reach (``major_power = true``
  on an actor: it may enter any war) have no side of their own: they draw a party bound to the belligerents
  of one side only (``Compiled.leaning``) to that side, any other to the defending side,
  that of the fighting party unless it attacked. They are the weakest pulls to fight,
  but a call to fight outranks a call to support.
- ``neutrality_pact`` and ``nonaggression_pact`` keep a party from joining the side
  opposite its partner: when that would happen the promise holds with its likelihood.
  It binds toward a partner already in the fight before the round; two partners who
  join opposite sides in the same round were not yet facing each other. A neutrality
  promise, like a defence obligation, protects a partner that is attacked (ATOP codes it as
  a promise not to aid whoever attacks the partner): it never holds a party back from
  fighting a partner on the side that attacked. A non-aggression promise binds either way.
- Propagation runs in rounds. A party pulled several ways in one round follows its
  strongest tie (obligation > military backing > hostility > border or major power >
  neighbour's neighbour > material backing > diplomatic backing > entente > mediation): every call to fight
  outranks every call to support. Pulled equally hard to both sides, it sides with the
  attacked side when there is an initiator; with none it is torn and stays out that
  round (ties that fire later may still bring it in). Once in, a party never changes side.

Every chance event has a *coin*, a number shared by the ties it decides: the arcs' own,
then the promises', then one per actor and side for a strike on its territory. The engines ask
each coin at most once per outcome, so a shared coin is one decision.

Probabilities come from :mod:`escalate.engine.exact`, which runs :func:`propagate` over the
outcomes of the chance events (exactly, or by sampling).

Examples
--------
>>> from escalate import build_scenario
>>> from escalate.engine.compile import compile_scenario
>>> from escalate.engine.ties import FlareUp
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}},
...     relations=[{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5}])
>>> compiled = compile_scenario(s, FlareUp(("A", "B"), theatre=frozenset({"A", "B"})))
>>> sorted(propagate(compiled, lambda index, p: True))
['A', 'B', 'C']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from escalate.engine.ties import NO_SIDE, SPREADING, Arc, Compiled, Theatre
from escalate.model import Role


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
    is asked at most once. ``work.checks`` grows by the number of ties examined, each
    counting once more for every territory it covers.
    """
    ask = _asking_once(coin)
    flare = compiled.flare_up
    state: dict[str, Joined] = {b: Joined(side, Role.BELLIGERENT, 0, ()) for b, side in flare.fighting}
    theatre = Theatre(compiled.located_in, sorted(flare.theatre))
    frontier = list(state)
    waiting: list[Arc] = []  # defence obligations whose territory the theatre has not reached
    theatre_grew = False
    while frontier or (theatre_grew and waiting):
        to_check: list[Arc] = []
        if theatre_grew:
            to_check, waiting = waiting, []
        to_check.extend(_spreading_arcs(compiled, state, frontier))
        if work is not None:
            work.checks += sum(arc.cost for arc in to_check)
        candidates = _fired_pulls(compiled, state, theatre, to_check, waiting, ask)
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
            frontier.append(target)
            theatre_grew = _join(compiled, state, theatre, target, choice, ask) or theatre_grew
    return state


def _asking_once(coin: Coin) -> Coin:
    """``coin``, asked at most once per index; a certain tie (p 1 or 0) asks no coin."""
    answers: dict[int, bool] = {}

    def ask(index: int, p: float) -> bool:
        if p >= 1.0:
            return True
        if p <= 0.0:
            return False
        if index not in answers:
            answers[index] = coin(index, p)
        return answers[index]

    return ask


def _spreading_arcs(compiled: Compiled, state: dict[str, Joined], frontier: list[str]) -> list[Arc]:
    """The ties of the parties that just joined and spread involvement (within the hop limit)."""
    max_hops = compiled.flare_up.hop_limit
    arcs: list[Arc] = []
    for actor in frontier:
        joined = state[actor]
        if joined.role not in SPREADING:
            continue
        if joined.hops >= max_hops:
            continue
        arcs.extend(compiled.arcs_from.get(actor, ()))
    return arcs


def _fired_pulls(
    compiled: Compiled,
    state: dict[str, Joined],
    theatre: Theatre,
    to_check: list[Arc],
    waiting: list[Arc],
    ask: Coin,
) -> dict[str, list[tuple[Arc, int]]]:
    """The ties that fire this round, by target, with the side each pulls to.

    A defence obligation whose territory the theatre has not reached goes to ``waiting``.
    """
    attacking = compiled.flare_up.attacking_side
    candidates: dict[str, list[tuple[Arc, int]]] = defaultdict(list)
    for arc in to_check:
        current = state.get(arc.target)
        if current is not None and not (current.role is Role.SUPPORTER and arc.role is Role.ALLY):
            continue  # in already; only a supporter can still be called to fight
        source = state[arc.source]
        if arc.idle_in(compiled.flare_up):
            continue  # only a belligerent that attacked is stood by, only a joiner followed
        if arc.defensive:
            if source.side == attacking:
                continue
            if arc.covers is not None and not any(theatre.reaches(c) for c in arc.covers):
                waiting.append(arc)
                continue
        side = compiled.pull_side(arc, source.side)
        if current is not None and current.side != side:
            continue
        if ask(arc.coin, arc.likelihood):
            candidates[arc.target].append((arc, side))
    return candidates


def _join(
    compiled: Compiled,
    state: dict[str, Joined],
    theatre: Theatre,
    target: str,
    choice: tuple[Arc, int],
    ask: Coin,
) -> bool:
    """Bring ``target`` in by the pull it follows; whether a strike on it grew the theatre."""
    arc, side = choice
    parent = state[arc.source]
    state[target] = Joined(side, arc.role, parent.hops + 1, (*parent.chain, arc.index))
    if arc.role is Role.ALLY and side != compiled.flare_up.attacking_side:
        strike, p, _ = compiled.strike(target, side)
        if ask(strike, p):  # the other side strikes its territory: now it is attacked
            return theatre.strike(target)
    return False


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
    attacking = compiled.flare_up.attacking_side
    for promise in compiled.damping.get(target, ()):
        joined = state.get(promise.partner)
        if joined is None or joined.side in (NO_SIDE, side):
            continue
        if joined.side == attacking and not promise.binds_against_attacker:
            continue  # a neutrality promise does not protect an attack
        if joined.role in (Role.BELLIGERENT, Role.ALLY) and ask(promise.coin, promise.likelihood):
            return True
    return False
