"""Fit the likelihood table to history: the table under which who joined is most likely.

The fit is of the model itself, not of a stand-in. For each war the whole cascade runs on
the engine's compiled ties (the same graph and flare-up the backtest scores), sampled under
a *proposal* table ``q``, and every sample records the chance events it consulted with the
table key behind each (:meth:`~escalate.engine.compile.Compiled.coin_keys`). Under another table
``t`` a sample's probability changes by the factor

    prod_k (t_k / q_k) ** fired_k * ((1 - t_k) / (1 - q_k)) ** unfired_k,

so the chance that a candidate joins under ``t`` is the reweighted share of the samples in
which it fought (self-normalised importance sampling). The table maximises the
log-likelihood of who joined (every COW system member of the war's year that did not start
it) by coordinate ascent on a grid; the cascade is then sampled again at the fitted table
and refitted, so that the proposal sits at the optimum and the weights stay even.

Only keys the world data can inform are fitted (:data:`~escalate.likelihoods.FITTED_KEYS`);
the others keep their reasoned values.

Examples
--------
>>> import numpy as np
>>> war = WarDraws(keys=("border",), proposal=np.array([0.5]),
...     fired=np.array([[1], [0]]), unfired=np.array([[0], [1]]),
...     joins=np.array([[True], [False]]), joined=np.array([True]))
>>> round(float(war.log_likelihood(np.array([0.8]))), 4) == round(float(np.log(0.8)), 4)
True
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from escalate.engine.arrays import ROLES
from escalate.engine.compile import compile_scenario
from escalate.engine.sampling import sample_outcomes
from escalate.errors import FlareUpError
from escalate.io.files import atomic_write
from escalate.likelihoods import FITTED_KEYS, LikelihoodTable, reasoned_values
from escalate.model import Role
from escalate.world.atop import WorldData
from escalate.world.conflicts import KIND_NOUNS, War, conflicts, war_flare_up, war_graph
from escalate.world.parallel import Workers, stderr_progress

#: Candidate values of each likelihood: dense near zero, where most of them lie.
GRID = np.array(sorted({round(0.0002 * 1.25**i, 6) for i in range(38)} | {0.9, 0.95, 0.99}))
#: Samples of each war's cascade per round of the fit.
SAMPLES = 2000
#: Rounds of sampling at the last fit and refitting.
ROUNDS = 3
#: The proposal never sits near 0 or 1, where a chance event is (almost) never answered one way.
PROPOSAL_RANGE = (0.01, 0.95)
#: A candidate that joined is never given less than this (a joiner no sample reached).
FLOOR = 1e-4
#: Cells of the (samples or entries x values) blocks a fit works on at once: 32 million, 256 MB.
ENTRY_CELLS = 2**25

_ALLY = ROLES.index(Role.ALLY)


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
    in which it fought.
    """

    def __init__(self, wars_: Sequence[WarDraws]) -> None:
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
        self.joined = np.concatenate([w.joined for w in wars_]).astype(bool)
        self.missed = np.array([w.missed for w in wars_])  # per war

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
        self, table: Any, key: int | None = None, values: Any = None, weights: Any = None
    ) -> Any:
        """The wars' log-likelihood under ``table``; with ``key``, for each of ``values`` in its place.

        With ``key``, wars whose samples never asked it are left out (their share does not
        depend on it), so the result is comparable across ``values`` only. ``weights`` are
        :meth:`log_weights` under ``table``, when known. Only the samples that asked ``key``
        are weighed once per value; the others' weights are summed once and rescaled.
        """
        weights = self.log_weights(table) if weights is None else weights
        wars_in = self.asking[:, key] if key is not None else np.ones(len(self.asking), dtype=bool)
        rows = np.flatnonzero(wars_in[self.war_of_row])
        if not len(rows):
            return np.zeros(len(values)) if key is not None else 0.0
        base = weights[rows]
        starts = np.flatnonzero(np.r_[True, np.diff(self.war_of_row[rows]) != 0])  # one segment per war
        war = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(rows)]))  # its local number
        if key is None:
            touched, delta = np.zeros(len(rows), dtype=bool), np.zeros((0, 1))
        else:
            fired, unfired = self.fired[rows, key], self.unfired[rows, key]
            touched = (fired + unfired) > 0
            shift = np.log(values) - np.log(table[key])
            drop = np.log1p(-values) - np.log1p(-table[key])
            delta = fired[touched, None] * shift + unfired[touched, None] * drop  # (asked, values)
        # Each war's weights are scaled by its largest (log-sum-exp), untouched and touched apart.
        plain_top = np.maximum.reduceat(np.where(touched, -np.inf, base), starts)  # (wars,)
        seen = np.isfinite(plain_top)
        plain_top = np.where(seen, plain_top, 0.0)
        plain = np.where(touched, 0.0, np.exp(base - plain_top[war]))
        asked = base[touched, None] + delta
        asked_war = war[touched]
        top = np.repeat(np.where(seen, plain_top, -np.inf)[:, None], delta.shape[1], axis=1)
        firsts = np.flatnonzero(np.r_[True, np.diff(asked_war) != 0]) if len(asked_war) else asked_war
        if len(asked_war):
            segment = asked_war[firsts]
            top[segment] = np.maximum(top[segment], np.maximum.reduceat(asked, firsts, axis=0))
        rescale = np.exp(np.where(seen[:, None], plain_top[:, None] - top, -np.inf))  # (wars, values)
        asked_w = np.exp(asked - top[asked_war])
        total = np.add.reduceat(plain, starts)[:, None] * rescale
        if len(asked_war):
            total[asked_war[firsts]] += np.add.reduceat(asked_w, firsts, axis=0)
        # Each candidate's share: the weight of its war's samples in which it fought.
        position = np.full(len(self.war_of_row), -1)
        position[rows] = np.arange(len(rows))
        kept = wars_in[self.war_of_row[self.entry_row]]
        entry, candidate = position[self.entry_row[kept]], self.entry_candidate[kept]
        local = np.full(len(self.asking), -1)
        local[np.flatnonzero(wars_in)] = np.arange(len(starts))
        candidate_war = local[self.war_of_candidate]
        share = np.bincount(candidate, weights=plain[entry], minlength=len(self.joined))[:, None]
        share = share * rescale[np.maximum(candidate_war, 0)]
        in_asked = touched[entry]
        if in_asked.any():
            index = np.cumsum(touched) - 1  # row -> its place among the touched rows
            which, whose = index[entry[in_asked]], candidate[in_asked]
            heads = np.flatnonzero(np.r_[True, np.diff(whose) != 0])
            # A few values at a time: (entries x values) would take gigabytes on the disputes.
            step = max(1, ENTRY_CELLS // max(len(which), 1))
            for low in range(0, asked_w.shape[1], step):
                part = asked_w[which, low : low + step]
                share[whose[heads], low : low + step] += np.add.reduceat(part, heads, axis=0)
        candidates = np.flatnonzero(candidate_war >= 0)
        p = np.clip(share[candidates] / total[candidate_war[candidates]], FLOOR, 1 - 1e-9)
        y = self.joined[candidates, None]
        missed = self.missed[wars_in].sum() * np.log(FLOOR)
        result = np.where(y, np.log(p), np.log1p(-p)).sum(axis=0) + missed
        return result if key is not None else result[0]


def draw_war(
    data: WorldData, war: War, table: LikelihoodTable, *, samples: int, seed: int,
    graphs: dict[int, Any] | None = None,
) -> WarDraws | None:  # fmt: skip
    """Sample one war's cascade under ``table`` and record what calibration needs."""
    graph, names = war_graph(data, war, graphs)
    flare = war_flare_up(graph, war, names)
    if flare is None:
        return None
    compiled = compile_scenario(graph, flare, table)
    actors, _, role, draws = sample_outcomes(compiled, samples=samples, seed=seed)
    coin_keys = compiled.coin_keys()
    keys = tuple(FITTED_KEYS)
    column = {k: j for j, k in enumerate(keys)}
    sample, coin, fired = draws.distinct()
    lookup = np.full(max(coin_keys, default=0) + 2, -1, dtype=np.int64)  # coin -> key column
    for c, key in coin_keys.items():
        lookup[c] = column.get(key, -1)
    found = lookup[np.minimum(coin, len(lookup) - 1)]
    known = found >= 0
    which = found[known]
    counts = np.zeros((2, samples, len(keys)), dtype=np.float64)
    np.add.at(counts, (fired[known].astype(np.int64), sample[known], which), 1.0)
    by_name = {a: i for i, a in enumerate(actors)}
    candidates = sorted(data.system.get(war.start.year, set()) - set(war.originators))
    fought = [(c, by_name[names[c]]) for c in candidates if c in names and names[c] in by_name]
    ally = role[:, [i for _, i in fought]] == _ALLY if fought else np.zeros((samples, 0), dtype=bool)
    reached = ally.any(axis=0)
    in_fact = np.array([c in war.joiners for c, _ in fought], dtype=bool)
    missed = sum(c in war.joiners for c in candidates) - int(in_fact[reached].sum())
    proposal = np.array([table.values[k] for k in keys])
    return WarDraws.distinct(keys, proposal, counts[1], counts[0], ally[:, reached],
                             in_fact[reached], missed)  # fmt: skip


def fit_draws(wars_: Sequence[WarDraws], start: Any, *, sweeps: int = 3) -> Any:
    """Coordinate ascent on :data:`GRID`: the table (over ``keys``) that maximises the sum.

    Keys no war consulted keep their ``start`` value.
    """
    table = np.array(start, dtype=np.float64)
    if not wars_:
        return table
    stack = Stack(wars_)
    weights = stack.log_weights(table)
    # Grid values scored at once: (samples x values) arrays stay near ENTRY_CELLS cells.
    step = max(1, ENTRY_CELLS // max(len(stack.war_of_row), 1))
    # A war whose samples never asked a key's chance event does not depend on that key.
    asked = stack.asking.any(axis=0)
    for _ in range(sweeps):
        moved = False
        for key in np.flatnonzero(asked):
            # The whole grid: estimated far from the proposal, a key's likelihood can have
            # several peaks (a coarse-then-fine search lowered the wars' AUC from 0.773 to 0.748).
            scores = np.concatenate([
                stack.log_likelihood(table, int(key), GRID[low : low + step], weights)
                for low in range(0, len(GRID), step)
            ])  # fmt: skip
            best = float(GRID[int(np.argmax(scores))])
            if best != table[key]:
                weights = stack.moved(weights, int(key), table[key], best)
                moved = True
            table[key] = best
        if not moved:
            break
    return table


def _proposal(table: LikelihoodTable) -> LikelihoodTable:
    low, high = PROPOSAL_RANGE
    changes = {k: min(max(table.values[k], low), high) for k in FITTED_KEYS}
    return table.updated(changes, origin=table.origin)


def _draws(data: WorldData, graphs: dict[int, Any], war: War, table: LikelihoodTable, samples: int,
           seed: int) -> WarDraws | None:  # fmt: skip
    return draw_war(data, war, table, samples=samples, seed=seed, graphs=graphs)


class History:
    """The wars' draws under a proposal table, resampled at each fit (what calibration reuses)."""

    def __init__(self, workers: Workers, war_list: Sequence[War], *, samples: int = SAMPLES,
                 seed: int = 0) -> None:  # fmt: skip
        self.workers, self.wars, self.samples, self.seed = workers, list(war_list), samples, seed
        self.draws: dict[int, WarDraws] = {}

    def sample(self, table: LikelihoodTable) -> None:
        """Sample every war's cascade under ``table`` (the proposal)."""
        found = self.workers.map(
            _draws, self.wars, _proposal(table), self.samples, self.seed, what="sampling"
        )
        self.draws = {number: draws for number, draws in found.items() if draws is not None}

    def fit(self, start: LikelihoodTable, *, without: int | None = None, sweeps: int = 3) -> LikelihoodTable:
        """The fitted table on the current draws (without one war, when asked)."""
        chosen = [self.draws[w.number] for w in self.wars if w.number in self.draws and w.number != without]
        if not chosen:
            return LikelihoodTable()  # nothing to fit on: the defaults, never ``start``
        vector = fit_draws(chosen, [start.values[k] for k in FITTED_KEYS], sweeps=sweeps)
        return start.updated({k: float(v) for k, v in zip(FITTED_KEYS, vector, strict=True)})


def calibrate(
    folder: str | os.PathLike[str],
    *,
    only: Callable[[War], bool] | None = None,
    data: WorldData | None = None,
    samples: int = SAMPLES,
    rounds: int = ROUNDS,
    seed: int = 0,
    kind: str = "wars",
    jobs: int | None = None,
    workers: Workers | None = None,
) -> LikelihoodTable:
    """Fit the table on the conflicts ``only`` selects (all by default), under the whole cascade.

    ``kind`` is ``"wars"`` (COW inter-state wars), ``"mids"`` (militarized disputes) or
    ``"all"``; ``jobs`` processes sample them (all cores by default), or the given ``workers``.
    """
    chosen = [w for w in conflicts(folder, kind) if only is None or only(w)]
    if not chosen:
        raise FlareUpError(
            f"no {KIND_NOUNS[kind][1]} to fit on: choose a later year (the data begin in 1816)"
        )
    with _workers(folder, data, jobs, workers) as pool:
        return fit_history(History(pool, chosen, samples=samples, seed=seed), rounds=rounds)


@contextlib.contextmanager
def _workers(folder: str | os.PathLike[str], data: WorldData | None, jobs: int | None,
             workers: Workers | None) -> Iterator[Workers]:  # fmt: skip
    """The given workers, or a pool made (and closed) here."""
    if workers is not None:
        yield workers
        return
    with Workers(data or WorldData(folder), jobs, stderr_progress("calibrate")) as made:
        yield made
        if made.progress is not None:
            sys.stderr.write("\n")


def fit_history(history: History, *, rounds: int = ROUNDS) -> LikelihoodTable:
    """Sample and fit ``rounds`` times, each round's fit the next round's proposal."""
    table = LikelihoodTable(values=reasoned_values())  # the first proposal: no earlier fit
    for round_ in range(1, rounds + 1):
        history.sample(table)
        if history.workers.progress is not None:
            history.workers.progress(f"round {round_}/{rounds}: fitting the table")
        table = history.fit(table)
    return table.updated({}, origin="fitted")


def leave_one_out(
    folder: str | os.PathLike[str], *, data: WorldData | None = None, samples: int = SAMPLES, seed: int = 0,
    kind: str = "wars", jobs: int | None = None, workers: Workers | None = None,
) -> dict[int, LikelihoodTable]:  # fmt: skip
    """One table per conflict, fitted on every other conflict: ``conflict number -> table``.

    The cascade is sampled at the table fitted on all of them (a proposal only: it moves no
    weight), then each conflict's table is refitted from there on the draws of the others.
    """
    with _workers(folder, data, jobs, workers) as pool:
        history = History(pool, conflicts(folder, kind), samples=samples, seed=seed)
        full = fit_history(history)
        history.sample(full)  # draws at the full fit; each conflict's own draws are left out below
        tables = {}
        for war in history.wars:
            fitted = history.fit(full, without=war.number, sweeps=1)
            tables[war.number] = fitted.updated({}, origin=f"fitted without war {war.number}")
    return tables


#: What each ``kind`` of history is, for the note a fitted table carries.
KIND_SOURCES = {
    "wars": "COW Inter-State War v4.0 wars",
    "mids": "MID 5.0 disputes",
    "all": "COW Inter-State War v4.0 wars and MID 5.0 disputes",
}


def save_table(table: LikelihoodTable, path: Path, *, kind: str = "wars", before: int | None = None) -> None:
    """Write a fitted table atomically, with a note saying what it was fitted on.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "fitted.toml"
    >>> save_table(LikelihoodTable(), path, kind="mids", before=1990)
    >>> path.read_text().splitlines()[0][:60]
    'fitted_on = "escalate calibrate --conflicts mids on the MID '
    """
    what = KIND_SOURCES[kind]
    scope = f"the {what} begun before {before}" if before is not None else f"all {what}"
    note = (
        f"escalate calibrate --conflicts {kind} on {scope}, with ATOP 5.1, COW contiguity "
        "3.2 and MID 5.0 (maximum likelihood under the whole cascade)"
    )
    with atomic_write(path) as handle:
        handle.write(table.to_toml(note).encode())
