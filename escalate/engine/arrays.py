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

from escalate.engine.ties import Compiled
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
        self.actors = list(dict.fromkeys(names))
        self.index = {a: i for i, a in enumerate(self.actors)}
        places = set(compiled.flare_up.theatre)
        for arc in arcs:
            places |= arc.covers or frozenset()
        for actor in self.actors:
            places |= compiled.territory.get(actor, frozenset({actor}))
        self.places = {p: i for i, p in enumerate(sorted(places))}
        self.source = np.array([self.index[a.source] for a in arcs], dtype=np.int64)
        self.target = np.array([self.index[a.target] for a in arcs], dtype=np.int64)
        self.coin = np.array([a.coin for a in arcs], dtype=np.int64)
        self.p = np.array([a.likelihood for a in arcs], dtype=np.float64)
        self.strength = np.array([int(a.strength) for a in arcs], dtype=np.int64)
        self.role = np.array([ROLE_CODE[a.role] for a in arcs], dtype=np.int8)
        self.same = np.array([a.same_side for a in arcs], dtype=bool)
        self.defender = np.array([a.toward_defender for a in arcs], dtype=bool)
        self.defensive = np.array([a.defensive for a in arcs], dtype=bool)
        self.offensive = np.array([a.offensive for a in arcs], dtype=bool)
        self.mediator = self.role == ROLE_CODE[Role.MEDIATOR]
        # Territory each defensive arc must see in the theatre, as compressed rows.
        covers = [sorted(self.places[c] for c in a.covers or ()) for a in arcs]
        self.covers_start = np.cumsum([0] + [len(c) for c in covers])
        self.covers_place = np.array([p for c in covers for p in c], dtype=np.int64)
        self.has_covers = np.array([a.covers is not None for a in arcs], dtype=bool)
        #: Arcs in the order a party prefers their pulls: strongest, most likely, first written.
        self.rank = np.empty(len(arcs), dtype=np.int64)
        self.rank[np.lexsort((np.arange(len(arcs)), -self.p, -self.strength))] = np.arange(len(arcs))
        order = np.argsort(self.source, kind="stable")
        self.by_source = order
        self.source_start = np.searchsorted(self.source[order], np.arange(len(self.actors) + 1))
        self.territory = [
            np.array(
                [self.places[t] for t in sorted(compiled.territory.get(a, frozenset({a})))], dtype=np.int64
            )
            for a in self.actors
        ]
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
