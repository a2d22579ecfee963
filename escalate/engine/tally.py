"""What the engines count: how often each party joined each side, and by which chains.

Examples
--------
>>> tally = Tally(method="exact", samples=None, outcomes=1)
>>> tally.probability("Russia", 0)
0.0
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from escalate.engine.cascade import Joined
from escalate.model import Role


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
