"""Fit the likelihood table to history: the table under which who joined is most likely.

The fit is of the model itself, not of a stand-in. For each war the whole cascade runs on
the engine's compiled ties (the same graph and flare-up the backtest scores), sampled under
a *proposal* table ``q``, and every sample records the chance events it consulted with the
table key behind each (:meth:`~escalate.cascade.Compiled.coin_keys`). Under another table
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

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalate.cascade import compile_scenario
from escalate.errors import FlareUpError
from escalate.likelihoods import FITTED_KEYS, LikelihoodTable, reasoned_values
from escalate.model import Role
from escalate.sampling import ROLES, sample_outcomes
from escalate.world.atop import WorldData
from escalate.world.conflicts import War, conflicts, war_flare_up, war_graph, wars

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

_ALLY = ROLES.index(Role.ALLY)


@dataclass
class WarDraws:
    """One war's samples under the proposal: consulted chance events per key, and who fought."""

    keys: tuple[str, ...]
    proposal: Any  # (keys,)
    fired: Any  # (samples, keys): chance events of each key that fired
    unfired: Any  # (samples, keys): ... that did not
    joins: Any  # (samples, candidates that fought in some sample): fought as an ally
    joined: Any  # (candidates that fought in some sample,): joined the war in fact
    #: Joiners in fact that no sample brought in (they count ``log FLOOR`` whatever the table).
    missed: int = 0

    def __post_init__(self) -> None:
        # Keys some sample asked, when some candidate fought in some sample: else constant.
        self.informed = ((self.fired + self.unfired).sum(axis=0) > 0) & (self.joins.shape[1] > 0)

    def asks(self, key: int) -> bool:
        """Whether the war's likelihood depends on ``key`` (a sample asked it, someone fought)."""
        return bool(self.informed[key])

    def log_weights(self, table: Any) -> Any:
        """Each sample's log importance weight under ``table`` (a vector over ``keys``)."""
        gain = np.log(table) - np.log(self.proposal)
        loss = np.log1p(-table) - np.log1p(-self.proposal)
        return self.fired @ gain + self.unfired @ loss

    def log_likelihood(self, table: Any, key: int | None = None, values: Any = None) -> Any:
        """Log-likelihood of who joined under ``table``; with ``key``, for each of ``values`` in its place."""
        base = self.log_weights(table)
        if key is None:
            logw = base[:, None]
        else:
            shift = np.log(values) - np.log(table[key])
            drop = np.log1p(-values) - np.log1p(-table[key])
            logw = base[:, None] + self.fired[:, key, None] * shift + self.unfired[:, key, None] * drop
        w = np.exp(logw - logw.max(axis=0))
        w /= w.sum(axis=0)
        p = np.clip(self.joins.T @ w, FLOOR, 1 - 1e-9)  # (candidates, values)
        y = self.joined[:, None]
        total = np.where(y, np.log(p), np.log1p(-p)).sum(axis=0) + self.missed * np.log(FLOOR)
        return total if key is not None else total[0]


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
    return WarDraws(
        keys=keys,
        proposal=np.array([table.values[k] for k in keys]),
        fired=counts[1],
        unfired=counts[0],
        joins=ally[:, reached].astype(np.float64),
        joined=in_fact[reached],
        missed=missed,
    )


def fit_draws(wars_: Sequence[WarDraws], start: Any, *, sweeps: int = 3) -> Any:
    """Coordinate ascent on :data:`GRID`: the table (over ``keys``) that maximises the sum.

    Keys no war consulted keep their ``start`` value.
    """
    table = np.array(start, dtype=np.float64)
    if not wars_:
        return table
    # A war whose samples never asked a key's chance event does not depend on that key.
    asking = [[i for i, w in enumerate(wars_) if w.asks(k)] for k in range(len(table))]
    for _ in range(sweeps):
        moved = False
        for key in (k for k in range(len(table)) if asking[k]):
            scores = sum(wars_[i].log_likelihood(table, key, GRID) for i in asking[key])
            best = float(GRID[int(np.argmax(scores))])
            moved |= best != table[key]
            table[key] = best
        if not moved:
            break
    return table


def _proposal(table: LikelihoodTable) -> LikelihoodTable:
    low, high = PROPOSAL_RANGE
    changes = {k: min(max(table.values[k], low), high) for k in FITTED_KEYS}
    return table.updated(changes, origin=table.origin)


class History:
    """The wars' draws under a proposal table, resampled at each fit (what calibration reuses)."""

    def __init__(self, data: WorldData, war_list: Sequence[War], *, samples: int = SAMPLES,
                 seed: int = 0, progress: Callable[[str], None] | None = None) -> None:  # fmt: skip
        self.data, self.wars, self.samples, self.seed = data, list(war_list), samples, seed
        self.progress = progress
        self.draws: dict[int, WarDraws] = {}
        self.graphs: dict[int, Any] = {}  # one graph per start year, built once

    def sample(self, table: LikelihoodTable) -> None:
        """Sample every war's cascade under ``table`` (the proposal)."""
        proposal = _proposal(table)
        self.draws = {}
        for done, war in enumerate(self.wars, start=1):
            found = draw_war(
                self.data, war, proposal, samples=self.samples, seed=self.seed, graphs=self.graphs
            )
            if found is not None:
                self.draws[war.number] = found
            if self.progress is not None:
                self.progress(f"sampled {done:,}/{len(self.wars):,} conflicts")

    def fit(self, start: LikelihoodTable, *, without: int | None = None, sweeps: int = 3) -> LikelihoodTable:
        """The fitted table on the current draws (without one war, when asked)."""
        chosen = [d for number, d in self.draws.items() if number != without]
        if not chosen:
            return LikelihoodTable()  # nothing to fit on: the defaults, never ``start``
        vector = fit_draws(chosen, [start.values[k] for k in FITTED_KEYS], sweeps=sweeps)
        return start.updated({k: float(v) for k, v in zip(FITTED_KEYS, vector, strict=True)})


def _stderr_progress() -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(message: str) -> None:
        sys.stderr.write(f"\rcalibrate: {message}   ")
        sys.stderr.flush()

    return show


def calibrate(
    folder: str | os.PathLike[str],
    *,
    only: Callable[[War], bool] | None = None,
    data: WorldData | None = None,
    samples: int = SAMPLES,
    rounds: int = ROUNDS,
    seed: int = 0,
    history: History | None = None,
    kind: str = "wars",
) -> LikelihoodTable:
    """Fit the table on the conflicts ``only`` selects (all by default), under the whole cascade.

    ``kind`` is ``"wars"`` (COW inter-state wars), ``"mids"`` (militarized disputes) or ``"all"``.
    """
    data = data or WorldData(folder)
    if history is None:
        chosen = [w for w in conflicts(folder, kind) if only is None or only(w)]
        if not chosen:
            raise FlareUpError(f"no {kind} to fit on: choose a later year (the data begin in 1816)")
        history = History(data, chosen, samples=samples, seed=seed, progress=_stderr_progress())
    table = LikelihoodTable(values=reasoned_values())  # the first proposal: no earlier fit
    for _ in range(rounds):
        history.sample(table)
        table = history.fit(table)
    if history.progress is not None:
        sys.stderr.write("\n")
    return table.updated({}, origin="fitted")


def leave_one_out(
    folder: str | os.PathLike[str], *, data: WorldData | None = None, samples: int = SAMPLES, seed: int = 0
) -> dict[int, LikelihoodTable]:
    """One table per war, fitted on every other war: ``war number -> table``.

    The cascade is sampled at the table fitted on all wars (a proposal only: it moves no
    weight), then each war's table is refitted from there on the draws of the others.
    """
    data = data or WorldData(folder)
    history = History(data, wars(folder), samples=samples, seed=seed, progress=_stderr_progress())
    full = calibrate(folder, data=data, history=history)
    history.sample(full)  # draws at the full fit; each war's own draws are left out below
    tables = {}
    for war in history.wars:
        fitted = history.fit(full, without=war.number, sweeps=1)
        tables[war.number] = fitted.updated({}, origin=f"fitted without war {war.number}")
    return tables


def table_toml(table: LikelihoodTable, note: str) -> str:
    """A likelihood table as the TOML that ``--likelihoods`` reads."""
    return table.to_toml(note)
