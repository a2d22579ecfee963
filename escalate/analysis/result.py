"""The answer's parts: each party drawn in (:class:`Party`), its chains (:class:`Path`) and their steps.

Examples
--------
>>> Step("Russia", "Armenia", "defense_pact", 0.5, "Russia is bound to Armenia").to_dict()["likelihood"]
0.5
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from escalate.errors import FlareUpError, NotDrawnInError
from escalate.model import Scenario


@dataclass(frozen=True)
class Step:
    """One link of a chain: ``target`` is drawn in because ``source`` is fighting.

    Examples
    --------
    >>> from escalate import escalation_paths
    >>> step = escalation_paths(None, "Armenia", "Azerbaijan").party("Russia", "Armenia").paths[0].steps[0]
    >>> step.source, step.target, step.relation
    ('Armenia', 'Russia', 'defense_pact')
    """

    source: str
    target: str
    relation: str
    likelihood: float
    explanation: str
    citation: str = ""
    quote: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The step as in ``--json``."""
        data: dict[str, Any] = {
            "source": self.source,
            "target": self.target,
            "relation": self.relation,
            "likelihood": self.likelihood,
        }
        if self.citation:
            data["citation"] = self.citation.removeprefix(" (source: ").removesuffix(")")
        if self.quote:
            data["quote"] = self.quote
        return data


@dataclass(frozen=True)
class Path:
    """A chain of commitments from a belligerent to a party; probability = product of steps.

    Examples
    --------
    >>> from escalate import escalation_paths
    >>> path = escalation_paths(None, "Armenia", "Azerbaijan").party("Turkey").paths[0]
    >>> path.actors, path.probability
    (('Azerbaijan', 'Turkey'), 0.5)
    """

    steps: tuple[Step, ...]
    probability: float
    #: How often the party joined through exactly this chain in the cascade.
    share: float = 0.0

    @property
    def explanation(self) -> str:
        """The chain in words, one clause per step, each with its source and likelihood."""
        return "; then ".join(
            f"{s.explanation}{s.citation} (likelihood {_num(s.likelihood)})" for s in self.steps
        )

    @property
    def actors(self) -> tuple[str, ...]:
        """Every actor on the path, from the belligerent to the party."""
        return (self.steps[0].source, *(s.target for s in self.steps)) if self.steps else ()

    def to_dict(self) -> dict[str, Any]:
        """The path as in ``--json``."""
        return {
            "probability": _round(self.probability),
            "share": _round(self.share),
            "explanation": self.explanation,
            "steps": [s.to_dict() for s in self.steps],
        }


@dataclass(frozen=True)
class Party:
    """An outside party that could be drawn in on one side (``side`` None: mediator).

    Examples
    --------
    >>> from escalate import escalation_paths
    >>> turkey = escalation_paths(None, "Armenia", "Azerbaijan").party("Turkey")
    >>> turkey.side, turkey.role, turkey.probability
    ('Azerbaijan', 'ally', 0.625)
    """

    actor: str
    side: str | None
    role: str
    probability: float
    stderr: float
    cross_pressured: bool
    paths: tuple[Path, ...]
    roles: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The party as in ``--json``."""
        return {
            "actor": self.actor,
            "side": self.side,
            "role": self.role,
            "probability": _round(self.probability),
            "stderr": _round(self.stderr),
            "cross_pressured": self.cross_pressured,
            "roles": {k: _round(v) for k, v in self.roles.items()},
            "paths": [p.to_dict() for p in self.paths],
        }


@dataclass(frozen=True)
class EscalationData:
    """What :class:`~escalate.Escalation` holds: the data the renderers read (text, tables, drawing).

    :class:`~escalate.Escalation` adds the conveniences that draw and display it; the
    renderers take this class, so they never import :mod:`escalate.analysis.paths`.

    Examples
    --------
    >>> from escalate import escalation_paths
    >>> result = escalation_paths(None, "Armenia", "Azerbaijan")
    >>> isinstance(result, EscalationData), result.party("Turkey").side
    (True, 'Azerbaijan')
    """

    scenario: Scenario
    belligerents: tuple[str, str]
    initiator: str | None
    theatre: tuple[str, ...]
    as_of: dt.date | None
    method: str
    samples: int | None
    seed: int | None
    outcomes: int
    parties: tuple[Party, ...]
    likelihoods: str = "defaults"
    #: Samples asked for; ``samples`` is smaller when the work bound stopped sampling.
    samples_requested: int | None = None
    #: Further belligerents fighting beside each of the two from the start.
    coalitions: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

    def side_names(self) -> tuple[str, str]:
        """Each side as a reader names it: ``A``, or ``A with C, D`` when others fight beside A."""
        a, b = (
            f"{leader} with {', '.join(others)}" if others else leader
            for leader, others in zip(self.belligerents, self.coalitions, strict=True)
        )
        return a, b

    def __iter__(self) -> Iterator[Party]:
        return iter(self.parties)

    def __len__(self) -> int:
        return len(self.parties)

    def party(self, actor: str, side: str | None | object = ...) -> Party:
        """The party entry of ``actor`` (its most likely side unless ``side`` is given).

        Both are names as on the command line (an alias or another case will do); ``side`` is
        a belligerent, or None for no side (a mediator).
        """
        actor = self.scenario.resolve(actor)
        if side is not ... and side is not None:
            if not isinstance(side, str):
                raise FlareUpError(f"a side is a belligerent's name or None, not {side!r}")
            side = self.scenario.resolve(side)
            for leader, others in zip(self.belligerents, self.coalitions, strict=True):
                side = leader if side in others else side  # a coalition fights on its leader's side
            if side not in self.belligerents:
                a, b = self.belligerents
                raise FlareUpError(f"the sides are {a} and {b} (or None for no side), not {side}")
        for p in self.parties:
            if p.actor == actor and (side is ... or p.side == side):
                return p
        raise NotDrawnInError(actor, side)

    def probability(self, actor: str, side: str | None) -> float:
        """P(``actor`` joins ``side``); 0.0 when it never does."""
        try:
            return self.party(actor, side).probability
        except NotDrawnInError:
            return 0.0

    def to_dict(self) -> dict[str, Any]:
        """The result as ``escalate paths --json`` prints it."""
        return {
            "graph": self.scenario.name,
            "belligerents": list(self.belligerents),
            "coalitions": [list(c) for c in self.coalitions],
            "initiator": self.initiator,
            "theatre": list(self.theatre),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "method": self.method,
            "samples": self.samples,
            "samples_requested": self.samples_requested,
            "seed": self.seed,
            "outcomes": self.outcomes,
            "likelihoods": self.likelihoods,
            "parties": [p.to_dict() for p in self.parties],
        }

    def to_json(self) -> str:
        """``to_dict()`` as indented JSON text (stable key order)."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


def _round(x: float) -> float:
    return round(x, 6)


def _num(x: float) -> str:
    return f"{x:.4g}"
