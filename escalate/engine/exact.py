"""Who joins which side, and how likely: the cascade's outcomes, enumerated or sampled.

Probabilities are exact under the model: :func:`run_cascade` enumerates the outcomes of
every chance event the cascade actually consults (lazily, so ties that never trigger cost
nothing) while they number at most ``max_outcomes``; past that it samples with a seed and
reports standard errors. The work is bounded on dense graphs (see :func:`run_cascade`).

Examples
--------
>>> from escalate import build_scenario
>>> from escalate.engine.compile import compile_scenario
>>> from escalate.engine.ties import FlareUp
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}},
...     relations=[{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5}])
>>> tally = run_cascade(compile_scenario(s, FlareUp(("A", "B"), theatre=frozenset({"A", "B"}))))
>>> tally.method, tally.probability("C", 0)
('exact', 0.5)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from escalate.engine.cascade import Work, propagate
from escalate.engine.tally import Tally
from escalate.engine.ties import NO_SIDE, Arc, Compiled
from escalate.model import Role

MAX_OUTCOMES = 20_000
#: Bound on the ties enumeration examines (summed over outcomes): about a second of work.
MAX_WORK = 2_000_000
#: Bound on the ties sampling examines (numpy checks them about 50 times faster).
MAX_SAMPLED_WORK = 10_000_000
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

    ``method`` is ``"auto"``, ``"exact"`` (fails past the bounds below) or ``"monte-carlo"``.
    The work is bounded, for ``"exact"`` as for ``"auto"``: enumeration is skipped when a
    single run consults more than ``MAX_EXACT_COINS`` chance events and gives up past
    ``max_outcomes`` outcomes or
    ``max_work`` ties examined; sampling (vectorised, :mod:`escalate.engine.sampling`) stops early,
    after at least ``MIN_SAMPLES``, once ``MAX_SAMPLED_WORK`` ties have been examined, and
    reports the samples it drew.
    """
    if method not in ("auto", "exact", "monte-carlo"):
        raise ValueError(f"method must be auto, exact or monte-carlo, not {method!r}")
    if samples < 1:
        raise ValueError("samples must be at least 1")
    if method != "monte-carlo":
        tally = None
        if _consulted_when_all_fire(compiled) <= MAX_EXACT_COINS:
            tally = _enumerate(compiled, max_outcomes, max_work)
        if tally is not None:
            return tally
        if method == "exact":
            raise ValueError(
                f"too many outcomes to enumerate (over {max_outcomes:,}, or more than {max_work:,} ties "
                "examined); use --method monte-carlo"
            )
    return _sample(compiled, samples, seed, progress)


def _enumerate(compiled: Compiled, max_outcomes: int, max_work: int) -> Tally | None:
    tally = Tally(method="exact", samples=None, outcomes=0)
    stack: list[tuple[bool, ...]] = [()]
    work = Work()
    while stack:
        replay = _Replay(stack.pop(), stack)
        outcome = propagate(compiled, replay, work)
        tally.outcomes += 1
        if tally.outcomes > max_outcomes or work.checks > max_work:
            return None
        tally.add(replay.weight, outcome)
    return tally


class _TooMany(Exception):
    """More chance events than exact enumeration takes on."""


def _consulted_when_all_fire(compiled: Compiled) -> int:
    """How many coins one run asks when every tie fires, counted up to ``MAX_EXACT_COINS + 1``.

    The run stops there: on a long chain it would otherwise go all the way round.
    """
    asked: set[int] = set()

    def coin(index: int, p: float) -> bool:
        asked.add(index)
        if len(asked) > MAX_EXACT_COINS:
            raise _TooMany
        return True

    try:
        propagate(compiled, coin)
    except _TooMany:
        pass
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


def _sample(compiled: Compiled, samples: int, seed: int, progress: Callable[[int], None] | None) -> Tally:
    from escalate.engine.sampling import sample_cascade

    tally = sample_cascade(
        compiled, samples=samples, seed=seed, max_work=MAX_SAMPLED_WORK, min_samples=MIN_SAMPLES
    )
    if progress is not None:
        progress(tally.samples or samples)
    return tally


def fighting_sides(compiled: Compiled, tally: Tally) -> dict[str, set[int]]:
    """The sides each party can fight on: the belligerents', and any side it joined as an ally."""
    fighting: dict[str, set[int]] = defaultdict(set)
    for b, side in compiled.flare_up.fighting:
        fighting[b].add(side)
    for (other, side), role_p in tally.probabilities.items():
        if side != NO_SIDE and role_p > 0 and _can_fight(tally, other, side):
            fighting[other].add(side)
    return fighting


def pulled_sides(
    compiled: Compiled, tally: Tally, actor: str, fighting: dict[str, set[int]] | None = None
) -> set[int]:
    """The sides ``actor``'s ties could pull it toward, fired or not.

    A tie to a party that can fight on side ``s`` pulls toward ``s`` (toward ``1 - s``
    for hostility; for a border or a major power's reach, toward the side the party leans
    to, else the defending side); mediation pulls nowhere. ``fighting`` is
    :func:`fighting_sides`, when already known.
    """
    fighting = fighting_sides(compiled, tally) if fighting is None else fighting
    sides: set[int] = set()
    for arc in _arcs_into(compiled, actor):
        if arc.role is Role.MEDIATOR:
            continue
        for side in fighting.get(arc.source, ()):
            sides.add(compiled.pull_side(arc, side))
        if len(sides) == 2:  # both sides: nothing more to learn
            break
    return sides


def _can_fight(tally: Tally, actor: str, side: int) -> bool:
    return tally.roles.get((actor, side, Role.ALLY), 0.0) > 0


def _arcs_into(compiled: Compiled, actor: str) -> Iterable[Arc]:
    return compiled.arcs_into.get(actor, ())
