"""The compiled cascade as flat numpy arrays, for the sampler.

Examples
--------
>>> owner, position = expand_ranges(np.array([5, 0]), np.array([2, 3]))
>>> owner.tolist(), position.tolist()
([0, 0, 1, 1, 1], [5, 6, 0, 1, 2])
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalate.engine.ties import NO_SIDE, Arc, Compiled, places_above
from escalate.likelihoods import KEYS
from escalate.model import Role

#: A tie that cannot pull from its source's side (see :attr:`TieArrays.pull_of`): not a side.
BLOCKED = -9
#: The roles as the sampler codes them (int8), in this order.
ROLES = (Role.BELLIGERENT, Role.ALLY, Role.ALLIANCE, Role.SUPPORTER, Role.MEDIATOR)
ROLE_CODE = {role: code for code, role in enumerate(ROLES)}
#: The table's keys as the arrays code them (their places in :data:`~escalate.likelihoods.KEYS`);
#: -1 for a chance that takes its likelihood from its relation, not from the table.
KEY_CODE = {key: code for code, key in enumerate(KEYS)}


class TieArrays:
    """The compiled cascade as flat arrays (actors and territories numbered).

    The columns of the standing ties (those of ``compiled.standing``, whoever fights) are
    made once for a graph and reused by its later flare-ups (see :class:`_StandingColumns`).
    """

    def __init__(self, compiled: Compiled) -> None:
        arcs = compiled.arcs
        # The standing ties begin ``arcs`` (a Compiled made by hand may say otherwise: no reuse).
        reuse = _standing_columns(compiled.standing if len(compiled.standing) <= len(arcs) else ())
        known = len(reuse.arcs)
        # Ties this flare-up restates (an alliance standing by its attacking members), then its own.
        restated = [] if all(map(operator.is_, arcs, reuse.arcs)) else _restated(arcs, reuse.arcs)
        extra = [arcs[i] for i in restated] + list(arcs[known:])
        names = [*compiled.actors, *reuse.endpoints, *(n for a in extra for n in (a.source, a.target))]
        names += [b for b, _ in compiled.flare_up.fighting] + sorted(compiled.flare_up.theatre)
        names += [*reuse.covered, *(n for a in extra for n in a.covers or ())]
        for region, place in compiled.located_in.items():
            names += [region, place]
        self.actors = list(dict.fromkeys(names))
        self.index = {a: i for i, a in enumerate(self.actors)}
        if all(arcs[i].covers == reuse.arcs[i].covers for i in restated):
            columns = reuse.numbered(self.actors, self.index)
            if restated:
                columns = columns.replaced(restated, ArcColumns.of([arcs[i] for i in restated], self.index))
        else:  # a restated tie covers other territories: number the standing ties afresh
            columns = ArcColumns.of(arcs[:known], self.index)
        columns = columns.joined(ArcColumns.of(arcs[known:], self.index))
        self.source, self.target, self.coin, self.p = columns.source, columns.target, columns.coin, columns.p
        self.strength, self.role, self.same = columns.strength, columns.role, columns.same
        self.defender, self.defensive = columns.defender, columns.defensive
        #: Ties that cannot fire in this flare-up, as :meth:`Arc.idle_in` says, for every tie at once.
        attacks = np.array([compiled.flare_up.attacks(a) for a in self.actors], dtype=bool)[self.source]
        began = np.array([a in compiled.flare_up.side_by_belligerent for a in self.actors], dtype=bool)
        self.idle = np.where(
            columns.offensive,
            ~attacks,
            (columns.defensive & attacks) | (columns.follows & began[self.source]),
        )
        #: The side each actor leans to (-1: none), where a tie with no side of its own draws it.
        self.leaning = np.full(len(self.actors), -1, dtype=np.int64)
        for actor, side in compiled.leaning.items():
            self.leaning[self.index[actor]] = side
        self.mediator = self.role == ROLE_CODE[Role.MEDIATOR]
        # The territories each defensive arc must see in the theatre, as compressed rows.
        self.covers_start = np.concatenate([[0], np.cumsum(columns.covers_count)])
        self.covers_place = columns.covers_place
        self.has_covers = columns.has_covers
        self.cost = 1 + columns.covers_count
        #: Arcs in the order a party prefers their pulls: strongest, most likely, first written.
        self.rank = np.empty(len(arcs), dtype=np.int64)
        self.rank[np.lexsort((np.arange(len(arcs)), -self.p, -self.strength))] = np.arange(len(arcs))
        self._round_columns(compiled.flare_up.attacking_side)
        #: Each actor and every actor it lies in, innermost first, padded with -1 (as deep as
        #: the deepest region of the scenario, which the model caps).
        chains = [[self.index[p] for p in places_above(compiled.located_in, a)] for a in self.actors]
        self.above = np.full((len(self.actors), max(map(len, chains), default=1)), -1, dtype=np.int64)
        for i, chain in enumerate(chains):
            self.above[i, : len(chain)] = chain
        promises = reuse.promise_columns(compiled.damping, self.actors, self.index)
        (self.damp_start, self.damp_partner, self.damp_owner, self.damp_coin, self.damp_p,
         self.damp_binds, self.damp_key) = promises  # fmt: skip
        self.key = columns.key
        self.strike_coin, self.strike_p, self.strike_key = _strike_columns(compiled, self.actors)

    def key_of_coin(self) -> Any:
        """Each coin's table key (its code in :data:`KEY_CODE`, -1: none), by coin number.

        What :meth:`~escalate.engine.ties.Compiled.coin_keys` says, as one array: the keys of
        the ties, then of the promises, then of the strikes.
        """
        coins = np.concatenate([self.coin, self.damp_coin, self.strike_coin.ravel()])
        keys = np.concatenate([self.key, self.damp_key, self.strike_key.ravel()])
        found = np.full(int(coins.max(initial=-1)) + 1, -1, dtype=np.int64)
        keyed = (keys >= 0) & (coins >= 0)  # (a party with no strike has coin -1)
        found[coins[keyed]] = keys[keyed]
        return found

    def _round_columns(self, attacking: int | None) -> None:
        """What a round reads of each arc, worked out once rather than for every (sample, arc)."""
        #: The side that attacked, or -9 (no side, nor any pull) when both sides defend.
        self.attack = -9 if attacking is None else attacking
        # Idle ties are never listed as leaving their source (none could pull), but still
        # count in the work of examining an actor's ties, as the Python cascade counts them.
        live = np.flatnonzero(~self.idle)
        self.by_source = live[np.argsort(self.source[live], kind="stable")]
        self.source_start = np.searchsorted(self.source[self.by_source], np.arange(len(self.actors) + 1))
        self.cost_from = np.bincount(self.source, self.cost, len(self.actors)).astype(np.int64)
        #: A tie that may bring in a party already in: an ally's tie, to a supporter.
        self.upgrades = self.role == ROLE_CODE[Role.ALLY]
        self.checks_cover = self.defensive & self.has_covers
        self.uncertain = (self.p > 0) & (self.p < 1)  # a tie whose coin calibration records
        #: The side each tie pulls to when its source fights on side 0 or 1 (the only sides
        #: of parties that spread), or :data:`BLOCKED`: a defensive tie of an attacking source.
        self.pull_of = np.zeros((len(self.source), 2), dtype=np.int8)
        bound = self.defender & (self.leaning[self.target] >= 0)
        for source_side in (0, 1):
            attacked = source_side == attacking
            flips = ~self.same | (self.defender & attacked)
            pull = np.where(flips, 1 - source_side, source_side)
            pull = np.where(bound, self.leaning[self.target], pull)  # a party bound to a side
            pull = np.where(self.mediator, NO_SIDE, pull)
            self.pull_of[:, source_side] = np.where(self.defensive & attacked, BLOCKED, pull)

    def arcs_from(self, samples: Any, actors: Any) -> tuple[Any, Any]:
        """``(sample, arc)`` for every arc that is not idle leaving each ``(sample, actor)``."""
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


def _strike_columns(compiled: Compiled, actors: Sequence[str]) -> tuple[Any, Any, Any]:
    """A strike on each party's territory when it joins side 0 or 1: coins, likelihoods, keys (coded)."""
    strikes = [[compiled.strike(a, side) for side in (0, 1)] for a in actors]
    coins = np.array([[mine[0] for mine in pair] for pair in strikes], dtype=np.int64)
    likelihoods = np.array([[mine[1] for mine in pair] for pair in strikes], dtype=np.float64)
    keys = np.array([[KEY_CODE[mine[2]] for mine in pair] for pair in strikes], dtype=np.int64)
    return coins, likelihoods, keys


def _restated(arcs: Sequence[Arc], standing: Sequence[Arc]) -> list[int]:
    """Places of the standing ties that ``arcs`` replace (by another object)."""
    return [i for i, (arc, same) in enumerate(zip(arcs, standing, strict=False)) if arc is not same]


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


@dataclass(frozen=True)
class ArcColumns:
    """What the sampler reads of each arc, one array a field, the actors numbered by an index."""

    source: Any
    target: Any
    coin: Any
    p: Any
    key: Any  # the table's key, coded (see KEY_CODE)
    strength: Any
    role: Any
    same: Any
    defender: Any
    defensive: Any
    offensive: Any
    follows: Any
    has_covers: Any
    covers_count: Any  # how many territories each arc covers
    covers_place: Any  # those territories, arc after arc

    @classmethod
    def of(cls, arcs: Sequence[Arc], index: Mapping[str, int]) -> ArcColumns:
        """The columns of ``arcs``."""
        covers = [sorted(index[c] for c in a.covers) if a.covers else [] for a in arcs]
        return cls(
            source=np.array([index[a.source] for a in arcs], dtype=np.int64),
            target=np.array([index[a.target] for a in arcs], dtype=np.int64),
            coin=np.array([a.coin for a in arcs], dtype=np.int64),
            p=np.array([a.likelihood for a in arcs], dtype=np.float64),
            key=np.array([-1 if a.key is None else KEY_CODE[a.key] for a in arcs], dtype=np.int64),
            strength=np.array([int(a.strength) for a in arcs], dtype=np.int64),
            role=np.array([ROLE_CODE[a.role] for a in arcs], dtype=np.int8),
            same=np.array([a.same_side for a in arcs], dtype=bool),
            defender=np.array([a.toward_defender for a in arcs], dtype=bool),
            defensive=np.array([a.defensive for a in arcs], dtype=bool),
            offensive=np.array([a.offensive for a in arcs], dtype=bool),
            follows=np.array([a.follows for a in arcs], dtype=bool),
            has_covers=np.array([a.covers is not None for a in arcs], dtype=bool),
            covers_count=np.array([len(c) for c in covers], dtype=np.int64),
            covers_place=np.array([p for c in covers for p in c], dtype=np.int64),
        )

    def joined(self, other: ArcColumns) -> ArcColumns:
        """These arcs, then ``other``'s."""
        return ArcColumns(
            **{name: np.concatenate([mine, getattr(other, name)]) for name, mine in vars(self).items()}
        )

    def replaced(self, positions: Sequence[int], other: ArcColumns) -> ArcColumns:
        """These arcs with those at ``positions`` replaced by ``other``'s (covering the same places)."""
        fields = dict(vars(self))
        for name in fields.keys() - {"covers_count", "covers_place"}:
            fields[name] = fields[name].copy()
            fields[name][positions] = getattr(other, name)
        return ArcColumns(**fields)


class _StandingColumns:
    """A graph's standing ties, with the names they mention and their columns (made once)."""

    def __init__(self, arcs: tuple[Arc, ...]) -> None:
        self.arcs = arcs
        self.endpoints = list(dict.fromkeys(n for a in arcs for n in (a.source, a.target)))
        self.covered = list(dict.fromkeys(n for a in arcs for n in a.covers or ()))
        self._numbered: tuple[list[str], ArcColumns] | None = None
        self._promises: tuple[Mapping[str, Any], list[str], tuple[Any, ...]] | None = None

    def numbered(self, actors: list[str], index: Mapping[str, int]) -> ArcColumns:
        """The standing ties' columns with the actors numbered by ``index`` (``actors`` in order)."""
        found = self._numbered
        if found is None or found[0] != actors:
            found = self._numbered = (actors, ArcColumns.of(self.arcs, index))
        return found[1]

    def promise_columns(
        self, damping: Mapping[str, Any], actors: list[str], index: Mapping[str, int]
    ) -> tuple[Any, ...]:
        """``(start, partner, owner, coin, likelihood, binds, key)`` of the actors' promises, by actor.

        The flare-ups of one graph mostly share one ``damping`` mapping (see
        :func:`~escalate.engine.compile.compile_scenario`): its columns are made once.
        """
        found = self._promises
        if found is None or found[0] is not damping or found[1] != actors:
            each = [damping.get(a, ()) for a in actors]
            flat = [promise for promises in each for promise in promises]
            columns = (
                np.cumsum([0] + [len(d) for d in each]),
                np.array([index[p.partner] for p in flat], dtype=np.int64),
                np.repeat(np.arange(len(actors)), [len(d) for d in each]),
                np.array([p.coin for p in flat], dtype=np.int64),
                np.array([p.likelihood for p in flat], dtype=np.float64),
                np.array([p.binds_against_attacker for p in flat], dtype=bool),
                np.array([-1 if p.key is None else KEY_CODE[p.key] for p in flat], dtype=np.int64),
            )
            found = self._promises = (damping, list(actors), columns)
        return found[2]


#: The standing columns last used (one graph's, reused for its many flare-ups).
_last_standing: list[_StandingColumns] = []


def _standing_columns(arcs: tuple[Arc, ...]) -> _StandingColumns:
    last = _last_standing[0] if _last_standing else None
    if last is None or last.arcs is not arcs:
        last = _StandingColumns(arcs)
        _last_standing[:] = [last]
    return last
