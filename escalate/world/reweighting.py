"""Fitting a likelihood table to sampled cascades by importance reweighting.

Each war's cascade is sampled once under a *proposal* table ``q``; every sample records how
often it fired and did not fire the chance events of each table key. Under another table
``t`` a sample's probability changes by the factor

    prod_k (t_k / q_k) ** fired_k * ((1 - t_k) / (1 - q_k)) ** unfired_k,

so the chance that a candidate joins under ``t`` is the reweighted share of the samples in
which it fought (self-normalised importance sampling). :mod:`escalate.world.ascent` finds the
table that maximises the log-likelihood of who joined (each war counting as its weight, one
by default; with a prior, the log posterior).

Examples
--------
>>> war = WarDraws(keys=("border",), proposal=np.array([0.5]),
...     fired=np.array([[1], [0]]), unfired=np.array([[0], [1]]),
...     joins=np.array([[True], [False]]), joined=np.array([True]))
>>> round(float(war.log_likelihood(np.array([0.8]))), 4) == round(float(np.log(0.8)), 4)
True
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalate.world.pairs import layers_of, pairs_of, unique_keys

#: A candidate that joined is never given less than this (a joiner no sample reached).
FLOOR = 1e-4


@dataclass
class WarDraws:
    """One war's samples under the proposal: consulted chance events per key, and who fought.

    Samples with the same record are kept once, with ``copies`` saying how many they were.
    """

    keys: tuple[str, ...]
    proposal: Any  # (keys,)
    fired: Any  # (samples, keys): chance events of each key that fired
    unfired: Any  # (samples, keys): ... that did not
    joins: Any  # (samples, candidates that fought in some sample): fought as an ally
    joined: Any  # (candidates that fought in some sample,): joined the war in fact
    #: Joiners in fact that no sample brought in (they count ``log FLOOR`` whatever the table).
    missed: int = 0
    copies: Any = None  # (samples,): how many samples had this record; one each when None

    def __post_init__(self) -> None:
        if self.copies is None:
            self.copies = np.ones(len(self.fired))
        # Keys some sample asked, when some candidate fought in some sample: else constant.
        self.informed = ((self.fired + self.unfired).sum(axis=0) > 0) & (self.joins.shape[1] > 0)

    @classmethod
    def distinct(cls, keys: tuple[str, ...], proposal: Any, fired: Any, unfired: Any, joins: Any,
                 joined: Any, missed: int) -> WarDraws:  # fmt: skip
        """The draws with samples of the same record merged (most samples of a dispute are alike)."""
        # Each sample's record as compact bytes (counts as 16 bits, who fought as single bits),
        # so that finding the distinct ones sorts short keys, not rows of floats.
        counts = np.concatenate([fired, unfired], axis=1)
        wide = counts.max(initial=0) > np.iinfo(np.uint16).max
        small = np.ascontiguousarray(counts, dtype=np.uint32 if wide else np.uint16)
        packed = [small.view(np.uint8).reshape(len(counts), small.shape[1] * small.itemsize),
                  np.packbits(np.asarray(joins, dtype=bool), axis=1)]  # fmt: skip
        record = np.ascontiguousarray(np.concatenate(packed, axis=1))
        width = record.shape[1]
        rows = record.view(np.dtype((np.void, width))).ravel() if width else np.zeros(len(record))
        _, first, copies = np.unique(rows, return_index=True, return_counts=True)
        fired, unfired, joins = (np.asarray(part)[first] for part in (fired, unfired, joins))
        # Counts as float32 (small whole numbers, exact) and who fought as booleans: the draws of
        # 1,725 disputes under a first, generous proposal hold millions of distinct samples.
        return cls(keys, proposal, fired.astype(np.float32), unfired.astype(np.float32), joins.astype(bool),
                   joined, missed, copies.astype(np.float64))  # fmt: skip

    def asks(self, key: int) -> bool:
        """Whether the war's likelihood depends on ``key`` (a sample asked it, someone fought)."""
        return bool(self.informed[key])

    def log_likelihood(self, table: Any, key: int | None = None, values: Any = None) -> Any:
        """Log-likelihood of who joined under ``table``; with ``key``, for each of ``values`` in its place."""
        return Stack([self]).log_likelihood(table, key, values)


class Stack:
    """Many wars' draws (under one proposal) as one set of arrays, scored all at once.

    A war's samples are weighted among themselves (self-normalised per war), so the rows of
    a war stay together; each candidate's chance is the weighted share of its war's samples
    in which it fought. ``war_weights`` say how much each war counts in the log-likelihood
    (one each by default; a fit by era weighs recent wars more, see ``calibrate``'s half-life).
    """

    def __init__(self, wars_: Sequence[WarDraws], war_weights: Sequence[float] | None = None) -> None:
        self.proposal = wars_[0].proposal
        if any(not np.array_equal(w.proposal, self.proposal) for w in wars_):
            raise ValueError("the wars of a stack must be drawn under one proposal")
        # Counts are small whole numbers (exact in float32); by column, as a fit reads them.
        self.fired = np.asfortranarray(np.concatenate([w.fired for w in wars_]), dtype=np.float32)
        self.unfired = np.asfortranarray(np.concatenate([w.unfired for w in wars_]), dtype=np.float32)
        self.log_copies = np.log(np.concatenate([w.copies for w in wars_]))
        lengths = np.array([len(w.fired) for w in wars_])
        self.war_of_row = np.repeat(np.arange(len(wars_)), lengths)
        self.asking = np.array([w.informed for w in wars_]).reshape(len(wars_), -1)  # (wars, keys)
        rows, candidates, war_of_candidate = [], [], []
        row_offset = candidate_offset = 0
        for number, w in enumerate(wars_):
            r, c = np.nonzero(w.joins)
            rows.append(r + row_offset)
            candidates.append(c + candidate_offset)
            war_of_candidate.append(np.full(w.joins.shape[1], number))
            row_offset += len(w.fired)
            candidate_offset += w.joins.shape[1]
        order = np.argsort(np.concatenate(candidates), kind="stable")
        self.entry_row = np.concatenate(rows)[order]  # (row, candidate) where it fought, by candidate
        self.entry_candidate = np.concatenate(candidates)[order]
        self.war_of_candidate = np.concatenate(war_of_candidate).astype(np.int64)
        self.war_weight = np.ones(len(wars_)) if war_weights is None else np.asarray(war_weights, dtype=float)
        self.joined = np.concatenate([w.joined for w in wars_]).astype(bool)
        self.missed = np.array([w.missed for w in wars_])  # per war
        self._groups: dict[int | tuple[int, ...] | None, Groups] = {}  # made when keys are first scored
        self._scratch: dict[int, Scratch] = {}  # each scoring thread's arrays, reused call after call

    def make_groups(self, keys: Sequence[int | tuple[int, ...]], threads: Executor | None = None) -> None:
        """Make the groups of ``keys`` (each a key or a tuple of keys) ahead of scoring them.

        ``threads`` make several at once: numpy leaves Python's lock while it sorts and
        gathers, so two threads made the 25 groups of the disputes before 1990 in 6.4 s, not 12.2.
        """
        missing = [key for key in dict.fromkeys(keys) if key not in self._groups]
        make = functools.partial(Groups.of, self)
        self._groups.update(
            zip(missing, threads.map(make, missing) if threads else map(make, missing), strict=True)
        )

    def log_weights(self, table: Any) -> Any:
        """Each row's log importance weight under ``table``, its copies included."""
        gain = np.log(table) - np.log(self.proposal)
        loss = np.log1p(-table) - np.log1p(-self.proposal)
        return self.fired @ gain + self.unfired @ loss + self.log_copies

    def moved(self, weights: Any, key: int, old: float, new: float) -> Any:
        """:meth:`log_weights` after ``key`` moves from ``old`` to ``new`` (the others unchanged)."""
        gain = np.log(new) - np.log(old)
        loss = np.log1p(-new) - np.log1p(-old)
        return weights + self.fired[:, key] * gain + self.unfired[:, key] * loss

    def log_likelihood(
        self, table: Any, key: int | tuple[int, ...] | None = None, values: Any = None, weights: Any = None,
        *, threads: Executor | None = None, jobs: int = 1,
    ) -> Any:  # fmt: skip
        """The wars' log-likelihood under ``table``; with ``key``, for each of ``values`` in its place.

        ``key`` may be a tuple of keys moved together, ``values`` then a row of values per
        move (shape (moves, keys)). With ``key``, wars whose samples never asked it are left
        out (their share does not depend on it), so the result is comparable across ``values``
        only. ``weights`` are :meth:`log_weights` under ``table``, when known. ``jobs``
        ``threads`` score parts of ``values`` at once (numpy leaves Python's lock while it
        works on whole arrays).

        The rows of a war that asked ``key``'s chance events equally often (fired so many
        times, not so many times) move together as its value changes: they form a *group*,
        weighed once per value (see :class:`Groups`). A candidate's chance is then the sum,
        over the groups of its war, of the weight of the group's rows in which it fought
        times the group's share of the war's weight at that value.
        """
        weights = self.log_weights(table) if weights is None else weights
        groups = self._groups.get(key)
        if groups is None:
            groups = self._groups[key] = Groups.of(self, key)
        if not len(groups.rows):
            return np.zeros(len(values)) if key is not None else 0.0
        if key is None:
            moves = np.zeros((1, 2))
        else:
            keys = _keys_of(key)
            values = np.asarray(values, dtype=np.float64).reshape(-1, len(keys))
            shift = np.log(values) - np.log(table[list(keys)])
            drop = np.log1p(-values) - np.log1p(-table[list(keys)])
            # (values, 2 per key): per event that fired, that did not, key after key
            moves = np.stack([shift, drop], axis=2).reshape(len(values), 2 * len(keys))
        # Gathers write into kept arrays (see Scratch); ``mode="clip"`` lets numpy write there directly
        # (a take that checks its indices buffers its output) and never clips: Groups.of made them.
        arrays = Scratch.of_this_thread(self._scratch)
        rows = len(groups.rows)
        base = np.take(weights, groups.rows, out=arrays.get("base", (rows,)), mode="clip")
        top = np.full(groups.counts.shape[1], -np.inf)  # each group's largest weight, for scale
        np.maximum.at(top, groups.group_of_row, base)
        scaled = np.take(top, groups.group_of_row, out=arrays.get("top of row", (rows,)), mode="clip")
        np.exp(np.subtract(base, scaled, out=scaled), out=scaled)
        mass = np.bincount(groups.group_of_row, weights=scaled, minlength=len(top))
        entries = np.take(scaled, groups.entry, out=arrays.get("entries", (len(groups.entry),)), mode="clip")
        fought = np.bincount(groups.pair_of_entry, weights=entries, minlength=len(groups.pair_group))
        # A part a job: a part holds (values x groups) and (candidates x values) arrays, a layer
        # of pairs at a time (not (values x pairs), which took 256 MB at a time for 1,725 disputes).
        step = -(-len(moves) // jobs)
        parts = [moves[low : low + step] for low in range(0, len(moves), step)]
        score = functools.partial(groups.score, top, mass, fought, scratch=self._scratch)
        result = np.concatenate(list(threads.map(score, parts) if threads else map(score, parts)))
        return result if key is not None else result[0]


def _keys_of(key: int | tuple[int, ...] | None) -> tuple[int, ...]:
    """The keys a scoring moves: none, one, or a tuple of them moved together."""
    return () if key is None else key if isinstance(key, tuple) else (key,)


def _joint_codes(columns: Sequence[Any], wars: int) -> tuple[Any, int, Callable[[Any], Any]]:
    """Each row's counts (``columns``) as one number, in the counts' order; the numbers' span; a decoder.

    The number is the counts in mixed radix, so that ``wars`` times the span stays an index;
    past that, the distinct rows are numbered in the same order instead. The decoder gives
    the counts of numbers (an array (columns, numbers)).
    """
    radices = [int(c.max(initial=0)) + 1 for c in columns]
    if np.prod(np.array(radices, dtype=float)) * max(wars, 1) < 2.0**62:
        code = np.zeros(len(columns[0]), dtype=np.int64)
        for column, radix in zip(columns, radices, strict=True):
            code = code * radix + column
        place = np.cumprod([1, *radices[:0:-1]])[::-1]  # each column's weight in the number

        def decode(numbers: Any) -> Any:
            return np.stack([(numbers // w) % r for w, r in zip(place, radices, strict=True)])

        return code, int(np.prod(radices, dtype=np.int64)), decode
    distinct, code = np.unique(np.column_stack(columns), axis=0, return_inverse=True)
    return code.ravel(), len(distinct), lambda numbers: distinct.T[:, numbers]


@dataclass
class Groups:
    """The rows of a stack's wars that ``key`` can tell apart, and where each candidate fought.

    A *group* is the rows of one war with the same counts of ``key``'s chance events, fired
    and not (all of a war's rows, without a key); a *pair* a candidate and a group of its
    war's rows in some of which it fought. Neither depends on the table, so a fit makes them
    once per key.
    """

    rows: Any  # (rows,): the stack's rows of the wars that asked the key
    group_of_row: Any  # (rows,)
    counts: Any  # (2 per key, groups): the events of each key the group's rows fired, and did not
    starts: Any  # (wars,): each war's first group (groups are by war)
    war_of_group: Any  # (groups,): its war among those kept
    entry: Any  # (entries,): for each (row, candidate) where it fought, the row's place in ``rows``
    pair_of_entry: Any  # (entries,)
    pair_group: Any  # (pairs,): pairs are in layers (see :func:`~escalate.world.pairs.layers_of`)
    layers: Any  # (layers + 1,): where each layer of pairs begins, and the end
    joined: Any  # (candidates that fought,): joined in fact, in the order of the first layer
    weights: Any  # (candidates that fought,): how much each counts, its war's weight
    missed: float  # log-likelihood of the joiners no sample reached, and of who fought in no row kept

    @classmethod
    def of(cls, stack: Stack, key: int | tuple[int, ...] | None) -> Groups:
        """The groups and pairs of ``stack`` for ``key`` or keys (for none: one group a war)."""
        keys_ = _keys_of(key)
        wars_in: Any = np.ones(len(stack.asking), dtype=bool)
        if keys_:
            wars_in = stack.asking[:, list(keys_)].any(axis=1)
        rows = np.flatnonzero(wars_in[stack.war_of_row])
        # Each row's events of the keys, fired and not, key after key; as one code per distinct row.
        columns = [np.zeros(len(rows), dtype=np.int64)] * 2
        if keys_:
            columns = [(stack.fired if j % 2 == 0 else stack.unfired)[rows, k].astype(np.int64)
                       for k in keys_ for j in (0, 1)]  # fmt: skip
        code, span, decode = _joint_codes(columns, int(wars_in.sum()))
        war = np.cumsum(wars_in) - 1  # each war's place among those kept
        keys = war[stack.war_of_row[rows]] * span + code
        found, group_of_row = unique_keys(keys, int(wars_in.sum()) * span)
        group_war, group_code = np.divmod(found, span)
        starts = np.flatnonzero(np.r_[True, np.diff(group_war) != 0])
        position = np.full(len(stack.war_of_row), -1)
        position[rows] = np.arange(len(rows))
        kept = wars_in[stack.war_of_row[stack.entry_row]]
        entry = position[stack.entry_row[kept]]
        candidate = stack.entry_candidate[kept]
        pair_candidate, pair_group, pair_of_entry = pairs_of(
            stack.war_of_candidate, wars_in, starts, len(found), candidate, group_of_row[entry]
        )
        candidates = np.flatnonzero(wars_in[stack.war_of_candidate])
        layered, layers, slot = layers_of(pair_candidate)
        fought_by = np.searchsorted(candidates, pair_candidate[layered[: layers[1]]])  # layer 0's
        joined = stack.joined[candidates]  # who fought in no row kept has a chance of FLOOR:
        candidate_weight = stack.war_weight[stack.war_of_candidate[candidates]]  # its war's
        never = np.bincount(joined, candidate_weight, minlength=2) - np.bincount(
            joined[fought_by], candidate_weight[fought_by], minlength=2
        )
        small = functools.partial(np.asarray, dtype=np.int32)  # indices: a fit keeps them for every key
        return cls(
            rows=small(rows),
            group_of_row=small(group_of_row),
            counts=decode(group_code).astype(np.float64),
            starts=starts,
            war_of_group=np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(found)])),
            entry=small(entry),
            pair_of_entry=small(slot[pair_of_entry]),
            pair_group=small(pair_group[layered]),
            layers=layers,
            joined=joined[fought_by],
            weights=candidate_weight[fought_by],
            missed=float(
                ((stack.missed * stack.war_weight)[wars_in].sum() + never[1]) * np.log(FLOOR)
                + never[0] * np.log1p(-FLOOR)
            ),
        )

    def score(
        self, top: Any, mass: Any, fought: Any, moves: Any, *, scratch: dict[int, Scratch] | None = None
    ) -> Any:
        """The log-likelihood for each of ``moves`` (shape (values, 2 per key)), the log weights being scaled.

        ``top`` is each group's largest log weight, ``mass`` its rows' weights over that, and
        ``fought`` each pair's. Candidates' chances are summed a layer of pairs at a time (see
        :func:`~escalate.world.pairs.layers_of`), in another order than pair by pair: the scores'
        last bits change (by 3e-14 of them at most on the disputes before 1990), not the tables.
        The large arrays are made in ``scratch``'s arrays of this thread, if given (see :class:`Scratch`).
        """
        arrays = Scratch() if scratch is None else Scratch.of_this_thread(scratch)
        values, groups = len(moves), self.counts.shape[1]
        level = np.matmul(moves, self.counts, out=arrays.get("level", (values, groups)))
        level += top + np.log(mass)  # log weight of each (values, groups)
        peak = np.maximum.reduceat(level, self.starts, axis=1)  # (values, wars)
        spread = np.take(
            peak, self.war_of_group, axis=1, out=arrays.get("spread", (values, groups)), mode="clip"
        )
        np.exp(np.subtract(level, spread, out=spread), out=spread)
        log_total = peak + np.log(np.add.reduceat(spread, self.starts, axis=1))
        # A scaled unit's share of its war; a war of one group gets exactly 1 / mass whatever the
        # value (level - log_total is 0), so a key that moves nothing leaves the scores flat.
        per_unit = np.take(log_total, self.war_of_group, axis=1, out=spread, mode="clip")
        np.subtract(level, per_unit, out=per_unit)
        per_unit -= np.log(mass)
        # By group, values along: a pair's row is then one run of memory, and so is a layer's. (An
        # exponential over memory in order, then a copy across: twice as fast as one across.)
        by_group = arrays.get("by_group", (groups, values))
        by_group[...] = np.exp(per_unit, out=per_unit).T
        p = arrays.get("p", (len(self.joined), values))  # (candidates that fought, values)
        p.fill(0.0)
        for low, high in zip(self.layers[:-1], self.layers[1:], strict=False):
            share = np.take(by_group, self.pair_group[low:high], axis=0,
                            out=arrays.get("share", (high - low, values)), mode="clip")  # fmt: skip
            share *= fought[low:high, None]
            p[: high - low] += share  # the layer's candidates are the first ones
        np.clip(p, FLOOR, 1 - 1e-9, out=p)
        # The log of the chance of those who joined (few), of the others' chance not to join, by
        # value: numpy sums a run of memory pairwise (closer to exact than row after row).
        joiners = np.log(p[self.joined])
        terms = arrays.get("terms", (values, len(self.joined)))
        terms[...] = np.log1p(np.negative(p, out=p), out=p).T
        terms[:, self.joined] = joiners.T
        terms *= self.weights  # (exact where every war weighs 1)
        return terms.sum(axis=1) + self.missed


class Scratch:
    """Arrays of one thread's scorings, reused from call to call.

    A fit scores each key's grid of values a few dozen times, with arrays of tens of MB: made
    afresh each time, every page of them came new from the system (a fit on the disputes
    before 1990 spent a third as much system time as user time). Kept, the same fit took 5.1 s
    instead of 7.9 on two threads, with the same scores to the bit.
    """

    def __init__(self) -> None:
        self._memory: dict[str, Any] = {}

    @staticmethod
    def of_this_thread(kept: dict[int, Scratch]) -> Scratch:
        """The calling thread's arrays among those ``kept`` (made on its first call)."""
        found = kept.get(threading.get_ident())
        if found is None:
            found = kept[threading.get_ident()] = Scratch()
        return found

    def get(self, name: str, shape: tuple[int, ...]) -> Any:
        """An array of ``shape`` (its values left over) in the memory kept under ``name``."""
        size = int(np.prod(shape))
        memory = self._memory.get(name)
        if memory is None or len(memory) < size:
            memory = self._memory[name] = np.empty(size)
        return memory[:size].reshape(shape)
