"""Each party's chance to fight, read from the ties tried on it as well as from where it fought.

Counting the samples in which a party fights estimates a small chance poorly: at 5,000
samples a chance of one in 10,000 reads 0 more often than not, tied with the parties nothing
can draw in. :func:`fighting_chances` reads such a party's chance from the samples in which
it stays out (conditional Monte Carlo). In each, every tie tried on it failed, and the rest
of the sample does not depend on those ties' coins (nothing it does can happen before it
joins): given the rest, it stays out with chance ``r``, the product of ``1 - p`` over the
ties tried, ``p`` being a tie's likelihood times the chance that no promise of the party
held the pull back. Since it stays out with chance ``r``, the samples where it stays out,
each weighed ``1/r``, stand for all of them, and the share of that weight beyond each
sample's own (``1 - r`` of it) estimates its chance to be drawn in: exactly ``1 - r`` when
``r`` is the same in every sample, and with far less spread than the count when ``r`` is near
1. The chance is split between the sides as the ties tried pull.

Two things are approximated: the promises that would have held a pull back are read at the
sample's end (a partner may have joined after the tie was tried), each pull's as if
independent of another's; and a supporter's pull that would have come first is ignored.
On the disputes from 1990 the two estimates agree band by band: summed over the pairs the
count puts between 0.001 and 0.006 with 50,000 samples, 45.8 joiners counted there and 46.2
read from the ties tried at 5,000.

>>> from escalate import build_scenario
>>> from escalate.engine.compile import compile_scenario
>>> from escalate.engine.ties import FlareUp
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}},
...     relations=[{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.0001}])
>>> compiled = compile_scenario(s, FlareUp(("A", "B"), theatre=frozenset({"A", "B"})))
>>> fighting_chances(compiled, samples=100)
{('C', 0): 0.0001}
"""

from __future__ import annotations

from typing import Any

import numpy as np

from escalate.engine.arrays import ROLE_CODE, TieArrays, chunks, expand_ranges
from escalate.engine.exact import MAX_SAMPLED_WORK, MIN_SAMPLES
from escalate.engine.sampling import PROMISE_ROWS, promise_faces, sample_cascade
from escalate.engine.ties import Compiled
from escalate.model import Role

_ALLY = ROLE_CODE[Role.ALLY]
_BELLIGERENT = ROLE_CODE[Role.BELLIGERENT]

#: A party that fought in at least this many samples has its chance counted: the count's
#: relative error is then under a fifth, and ``1/r`` can be large where ``r`` is small.
COUNTED_FROM = 30


def fighting_chances(
    compiled: Compiled, *, samples: int = 10_000, seed: int = 0, counted_from: int = COUNTED_FROM
) -> dict[tuple[str, int], float]:
    """``{(party, side): chance}`` that each party fights on a side as an ally (not a belligerent).

    The samples are those of :func:`~escalate.engine.exact.run_cascade` by Monte Carlo (the
    same seed, the same outcomes). A party that fought in ``counted_from`` samples or more
    has its chance counted; any other, read from the ties tried on it (see the module).
    """
    tried = TriedTies(counted_from)
    sample_cascade(
        compiled, samples=samples, seed=seed, max_work=MAX_SAMPLED_WORK, min_samples=MIN_SAMPLES, tried=tried
    )
    return tried.chances()


class TriedTies:
    """The ties tried on each party that did not bring it in, and where it fought, batch by batch."""

    def __init__(self, counted_from: int = COUNTED_FROM) -> None:
        #: A party that fought in this many samples has its chance counted, not read.
        self.counted_from = counted_from
        self.actors: list[str] = []
        self.samples = 0
        self.fought: Any = None  # (actors, 2): samples in which each fought on each side
        self.read: Any = None  # (actors, 2): the sum of 1/r - 1 over the samples it stayed out
        # (kept only for the parties not yet counted: the others' is never read)
        self.stayed_out: Any = None  # (actors,): samples in which it did not fight
        self._missed: list[tuple[Any, Any, Any]] = []
        self._ties: _TieFacts | None = None

    def missed(self, s_idx: Any, a_idx: Any, pull: Any) -> None:
        """Ties ``a_idx`` tried in samples ``s_idx`` (of the batch) that did not fire, pulling to ``pull``."""
        self._missed.append((s_idx, a_idx, pull))

    def settle(self, g: TieArrays, side: Any, role: Any) -> None:
        """Take in a batch's outcome (``side`` and ``role``, samples x actors) and the ties it missed."""
        if self.fought is None:
            self.actors = list(g.actors)
            self.fought = np.zeros((len(g.actors), 2))
            self.read = np.zeros((len(g.actors), 2))
            self.stayed_out = np.zeros(len(g.actors))
        samples, n = role.shape
        self.samples += samples
        for k in (0, 1):
            self.fought[:, k] += ((role == _ALLY) & (side == k)).sum(axis=0)
        fights = (role == _ALLY) | (role == _BELLIGERENT)
        self.stayed_out += (~fights).sum(axis=0)
        missed, self._missed = self._missed, []
        if not missed:
            return
        s_idx, a_idx, pull = (np.concatenate(column) for column in zip(*missed, strict=True))
        # Ties that would bring their party in to fight, tried on a party that stayed out (and whose
        # chance is to be read: one that fought in enough samples already will have it counted).
        target = g.target[a_idx]
        place = s_idx * n + target  # (sample, party), flat
        if self._ties is None or self._ties.g is not g:
            self._ties = _TieFacts(g)
        counted = self.fought.sum(axis=1) >= self.counted_from
        keep = self._ties.drawing[a_idx] & (pull >= 0) & ~fights.ravel()[place] & ~counted[target]
        a_idx, pull, place = self._ties.once_per_coin(a_idx[keep], pull[keep], place[keep])
        held = self._ties.held(side, role, fights, place * 2 + pull)
        hazard = -np.log1p(-g.p[a_idx] * (1.0 - held))
        # -log r of each (sample, party); 1/r - 1 split between the ties by their hazard.
        total = np.minimum(np.bincount(place, hazard, minlength=samples * n)[place], 50.0)
        weight = np.divide(np.expm1(total) * hazard, total, out=np.zeros_like(hazard), where=total > 0)
        self.read += np.bincount(g.target[a_idx] * 2 + pull, weight, minlength=2 * n).reshape(n, 2)

    def chances(self) -> dict[tuple[str, int], float]:
        """``{(party, side): chance}``, counted or read (see :func:`fighting_chances`); no zeros."""
        if self.fought is None or not self.samples:
            return {}
        counted = self.fought.sum(axis=1) >= self.counted_from
        weight = (self.stayed_out + self.read.sum(axis=1))[:, None]  # the samples stood for
        read = np.divide(self.read, weight, out=np.zeros_like(self.read), where=weight > 0)
        chance = np.where(counted[:, None], self.fought / self.samples, read)
        return {
            (self.actors[a], side): round(float(chance[a, side]), 12)
            for a, side in zip(*(index.tolist() for index in np.nonzero(chance > 0)), strict=True)
        }


class _TieFacts:
    """What the reading needs of a graph's ties, worked out once.

    Which ties could draw their party in to fight, which share one coin (one decision), and
    the promises toward each party (by partner, where the sampler lists them by owner).
    """

    def __init__(self, g: TieArrays) -> None:
        self.g = g
        self.drawing = (g.role == _ALLY) & (g.p > 0)
        _, coin, counts = np.unique(g.coin, return_inverse=True, return_counts=True)
        self.coin, self.coins = coin.ravel(), len(counts)
        self.shared = counts[self.coin] > 1
        self.by_partner = np.argsort(g.damp_partner, kind="stable")
        self.toward = np.bincount(g.damp_partner, minlength=len(g.actors))  # promises toward each
        self.toward_start = np.cumsum(self.toward) - self.toward

    def once_per_coin(self, a_idx: Any, pull: Any, place: Any) -> tuple[Any, Any, Any]:
        """The rows less repeats of one coin on one party in one sample."""
        shared = np.flatnonzero(self.shared[a_idx])
        if not len(shared):
            return a_idx, pull, place
        _, first = np.unique(place[shared] * self.coins + self.coin[a_idx[shared]], return_index=True)
        keep = np.ones(len(a_idx), dtype=bool)
        keep[shared] = False
        keep[shared[first]] = True
        return a_idx[keep], pull[keep], place[keep]

    def held(self, side: Any, role: Any, fights: Any, cells: Any) -> Any:
        """The chance that a promise of the party holds back its pull to a side, for each cell.

        A cell is a (sample, party, side) of the batch, flat. Read at the sample's end, promise
        by promise toward each fighting party (fewer than the pulls): a promise faces its
        partner as :func:`~escalate.engine.sampling.promise_faces` says.
        """
        g, n = self.g, role.shape[1]
        if not len(g.damp_partner):
            return np.zeros(len(cells))
        # The hold depends on the sample only through who fights on which side: samples that
        # ended alike (most of them, in a world flare-up) are read once.
        ended, first, outcome = np.unique(_rows_as_keys(fights & (side >= 0), side), return_index=True,
                                          return_inverse=True)  # fmt: skip
        side, role, fights = side[first], role[first], fights[first]
        place = (outcome.reshape(-1, 1) * n + np.arange(n)).ravel()  # (sample, party) -> (ending, party)
        cells = place[cells >> 1] * 2 + (cells & 1)
        hazard = np.zeros(len(ended) * n * 2)
        s_idx, partner = np.nonzero(fights & (side >= 0))
        for part in chunks(self.toward[partner], PROMISE_ROWS):
            row, position = expand_ranges(self.toward_start[partner[part]], self.toward[partner[part]])
            samples_, entry = s_idx[part][row], self.by_partner[position]
            pull = 1 - side[samples_, g.damp_partner[entry]]  # the side it faces its partner from
            facing = promise_faces(g, side, role, samples_, entry, pull, g.attack)
            cell = (samples_[facing] * n + g.damp_owner[entry[facing]]) * 2 + pull[facing]
            holds = -np.log1p(-np.minimum(g.damp_p[entry[facing]], 1.0 - 1e-12))
            hazard += np.bincount(cell, holds, minlength=len(hazard))
        return -np.expm1(-hazard[cells])


def _rows_as_keys(fights: Any, side: Any) -> Any:
    """One comparable key per sample (row) saying who fights on which side (for :func:`numpy.unique`)."""
    columns = np.flatnonzero(fights.any(axis=0))  # the parties that fight in some sample
    if not len(columns):
        return np.zeros(len(fights), dtype=np.int8)
    code = np.where(fights[:, columns], side[:, columns] + 1, 0).astype(np.int8)
    return np.ascontiguousarray(code).view(np.dtype((np.void, len(columns)))).ravel()
