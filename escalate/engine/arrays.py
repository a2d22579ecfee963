"""The compiled cascade as flat numpy arrays, for the sampler.

Examples
--------
>>> owner, position = expand_ranges(np.array([5, 0]), np.array([2, 3]))
>>> owner.tolist(), position.tolist()
([0, 0, 1, 1, 1], [5, 6, 0, 1, 2])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from escalate.engine.ties import Compiled, places_above
from escalate.model import Role

#: The roles as the sampler codes them (int8), in this order.
ROLES = (Role.BELLIGERENT, Role.ALLY, Role.ALLIANCE, Role.SUPPORTER, Role.MEDIATOR)
ROLE_CODE = {role: code for code, role in enumerate(ROLES)}


class TieArrays:
    """The compiled cascade as flat arrays (actors and territories numbered)."""

    def __init__(self, compiled: Compiled) -> None:
        arcs = compiled.arcs
        names = list(compiled.actors)
        for arc in arcs:
            names += [arc.source, arc.target]
        for b, _ in compiled.flare_up.fighting:
            names.append(b)
        names += sorted(compiled.flare_up.theatre)
        for arc in arcs:
            names += arc.covers or ()
        for region, place in compiled.located_in.items():
            names += [region, place]
        self.actors = list(dict.fromkeys(names))
        self.index = {a: i for i, a in enumerate(self.actors)}
        self.source = np.array([self.index[a.source] for a in arcs], dtype=np.int64)
        self.target = np.array([self.index[a.target] for a in arcs], dtype=np.int64)
        self.coin = np.array([a.coin for a in arcs], dtype=np.int64)
        self.p = np.array([a.likelihood for a in arcs], dtype=np.float64)
        self.strength = np.array([int(a.strength) for a in arcs], dtype=np.int64)
        self.role = np.array([ROLE_CODE[a.role] for a in arcs], dtype=np.int8)
        self.same = np.array([a.same_side for a in arcs], dtype=bool)
        self.defender = np.array([a.toward_defender for a in arcs], dtype=bool)
        self.defensive = np.array([a.defensive for a in arcs], dtype=bool)
        #: Ties that cannot fire in this flare-up: standing by a source that did not attack.
        attacks = {a: compiled.flare_up.attacks(a) for a in {arc.source for arc in arcs if arc.offensive}}
        self.idle = np.array([a.offensive and not attacks[a.source] for a in arcs], dtype=bool)
        self.mediator = self.role == ROLE_CODE[Role.MEDIATOR]
        # The territories each defensive arc must see in the theatre, as compressed rows.
        index = self.index.__getitem__
        covers = [sorted(map(index, a.covers)) if a.covers else [] for a in arcs]
        self.covers_start = np.cumsum([0] + [len(c) for c in covers])
        self.covers_place = np.array([p for c in covers for p in c], dtype=np.int64)
        self.has_covers = np.array([a.covers is not None for a in arcs], dtype=bool)
        self.cost = np.array([a.cost for a in arcs], dtype=np.int64)
        #: Arcs in the order a party prefers their pulls: strongest, most likely, first written.
        self.rank = np.empty(len(arcs), dtype=np.int64)
        self.rank[np.lexsort((np.arange(len(arcs)), -self.p, -self.strength))] = np.arange(len(arcs))
        order = np.argsort(self.source, kind="stable")
        self.by_source = order
        self.source_start = np.searchsorted(self.source[order], np.arange(len(self.actors) + 1))
        #: Each actor and every actor it lies in, innermost first, padded with -1 (as deep as
        #: the deepest region of the scenario, which the model caps).
        chains = [[self.index[p] for p in places_above(compiled.located_in, a)] for a in self.actors]
        self.above = np.full((len(self.actors), max(map(len, chains), default=1)), -1, dtype=np.int64)
        for i, chain in enumerate(chains):
            self.above[i, : len(chain)] = chain
        damping = [compiled.damping.get(a, ()) for a in self.actors]
        self.damp_start = np.cumsum([0] + [len(d) for d in damping])
        self.damp_partner = np.array([self.index[x] for d in damping for x, _, _, _ in d], dtype=np.int64)
        self.damp_owner = np.repeat(np.arange(len(self.actors)), [len(d) for d in damping])
        self.damp_coin = np.array([c for d in damping for _, c, _, _ in d], dtype=np.int64)
        self.damp_p = np.array([p for d in damping for _, _, p, _ in d], dtype=np.float64)
        # A strike on each party's territory when it joins side 0 or 1: its coin and likelihoods.
        strikes = [[compiled.strike(a, side) for side in (0, 1)] for a in self.actors]
        self.strike_coin = np.array([[pair[0][0], pair[1][0]] for pair in strikes], dtype=np.int64)
        self.strike_p = np.array([[pair[0][1], pair[1][1]] for pair in strikes], dtype=np.float64)

    def arcs_from(self, samples: Any, actors: Any) -> tuple[Any, Any]:
        """``(sample, arc)`` for every arc leaving each ``(sample, actor)``."""
        starts = self.source_start[actors]
        owner, position = expand_ranges(starts, self.source_start[actors + 1] - starts)
        return samples[owner], self.by_source[position]

    def strike(self, fought: Any, holding: Any, samples: Any, places: Any) -> Any:
        """Fight on each ``(sample, place)``: its whole territory; which of them grew the theatre.

        ``fought`` and ``holding`` (samples x actors) are the arrays of :class:`Theatre`:
        the territories fought on, and every place that holds one.
        """
        grew = ~self._inside(fought, samples, places)
        samples, places = samples[grew], places[grew]
        fought[samples, places] = True
        chains = self.above[places]
        present = chains >= 0
        holding[np.repeat(samples, present.sum(axis=1)), chains[present]] = True
        return grew

    def reaches(self, fought: Any, holding: Any, samples: Any, places: Any) -> Any:
        """Whether the theatre of each sample reaches each place's territory (see :class:`Theatre`)."""
        return holding[samples, places] | self._inside(fought, samples, places)

    def _inside(self, fought: Any, samples: Any, places: Any) -> Any:
        chains = self.above[places]
        present = chains >= 0
        hit = np.zeros(chains.shape, dtype=bool)
        hit[present] = fought[np.repeat(samples, present.sum(axis=1)), chains[present]]
        return hit.any(axis=1)


def expand_ranges(starts: Any, counts: Any) -> tuple[Any, Any]:
    """Expand ``counts[i]`` consecutive positions from ``starts[i]``: ``(i, position)`` pairs.

    Examples
    --------
    >>> owner, position = expand_ranges(np.array([5, 0]), np.array([2, 3]))
    >>> owner.tolist(), position.tolist()
    ([0, 0, 1, 1, 1], [5, 6, 0, 1, 2])
    """
    owner = np.repeat(np.arange(len(counts)), counts)
    return owner, np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(len(owner))


def chunks(counts: Any, limit: int) -> list[Any]:
    """Split ``range(len(counts))`` into runs whose ``counts`` sum to about ``limit`` at most.

    A single item over ``limit`` is a run of its own.

    Examples
    --------
    >>> [part.tolist() for part in chunks(np.array([3, 3, 3, 1]), 6)]
    [[0, 1], [2, 3]]
    """
    ends = np.cumsum(counts)
    cuts = np.searchsorted(ends, np.arange(limit, ends[-1] if len(ends) else 0, limit), "right")
    return [part for part in np.split(np.arange(len(counts)), cuts) if len(part)]
