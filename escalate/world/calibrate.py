"""Fit the likelihood table to history: the table under which who joined is most likely.

The fit is of the model itself, not of a stand-in. For each war the whole cascade runs on
the engine's compiled ties (the same graph and flare-up the backtest scores), sampled under
a *proposal* table, and every sample records the chance events it consulted with the table
key behind each (:meth:`~escalate.engine.arrays.TieArrays.key_of_coin`);
:mod:`escalate.world.reweighting` finds the table under which who joined (every COW system
member of the war's year that did not start it) is most likely, the reasoned values weighing
as a few events of their own (:data:`PRIOR_EVENTS`). The cascade is then sampled
again at the fitted table and refitted, so that the proposal sits at the optimum and the
weights stay even. The first round, from the reasoned values, samples fewer cascades where
there are many conflicts (:data:`FIRST_LOOK_CASCADES`).

A conflict counts by its distance in time from the era the table is for, half as much every
:data:`~escalate.likelihoods.HALF_LIFE` years by default (:func:`era_weight`).

Only keys the world data can inform are fitted (:data:`~escalate.likelihoods.FITTED_KEYS`);
the others keep their reasoned values.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from escalate.engine.arrays import ROLES
from escalate.engine.compile import compile_scenario
from escalate.engine.sampling import sample_outcomes
from escalate.errors import FlareUpError
from escalate.io.files import atomic_write
from escalate.likelihoods import FITTED_KEYS, HALF_LIFE, KEYS, RIDGES, LikelihoodTable, reasoned_values
from escalate.model import Role
from escalate.world.ascent import fit_draws
from escalate.world.atop import WorldData
from escalate.world.conflicts import (
    KIND_NOUNS,
    GraphCache,
    War,
    candidates,
    conflicts,
    war_flare_up,
    war_graph,
)
from escalate.world.parallel import Workers, stderr_progress
from escalate.world.reweighting import WarDraws

#: Samples of each war's cascade per round of the fit.
SAMPLES = 2000
#: Rounds of sampling at the last fit and refitting.
ROUNDS = 3
#: Cascades the first round samples in all, at most. Its proposal, the reasoned values, lies
#: far from the fit and draws large cascades: on the 1,725 disputes before 1990, 2,000 samples
#: each made 17 million (sample, candidate) rows and a ten-minute fit. A first look at fewer
#: places the next proposal; the 95 wars keep all their samples (190,000 cascades), with which
#: the fit finds a likelier table there (log-likelihood -456.9 against -462.2 with an eighth).
#: The rounds after the first sample in full: taking the second at the look's budget too gave
#: the disputes before 1990 the same figures in 60 s instead of about 105, but on every
#: conflict its fit crossed to the other side of the alliances' ridge (members 0.25 against
#: 0.014) and the last round took the calibration to 340 s and 16.7 GB.
FIRST_LOOK_CASCADES = 500_000
#: The proposal never sits near 0 or 1, where a chance event is (almost) never answered one way.
PROPOSAL_RANGE = (0.01, 0.95)
#: A round's proposal moves toward the last fit by at most this factor in odds: draws tell the
#: likelihood well only near the proposal they were drawn at. Following each fit all the way,
#: the first look on every conflict (members 0.99, partners following 0.62) took the second
#: round to 21 GB and left the last round's table far from the fit's; a step of 8 took 280 s and
#: 7.8 GB, a step of 4 left the fits before 1990 short of where they settle (docs/history.md).
PROPOSAL_STEP = 8.0

#: The reasoned values weigh in every fit as this many chance events, answered in the
#: reasoned proportion (a beta prior). Where history says much, they change little; where it
#: says little (a key that few conflicts ask), the fit stays near them instead of running to
#: 0 or 1. Fitted on the wars before 1946 without it, alliances followed a joining member
#: with 0.62 and their members fought with 0.99: 683 joiners expected after 1945, 44 in fact.
PRIOR_EVENTS = 10.0

_ALLY = ROLES.index(Role.ALLY)
#: Each table key's column among the fitted keys (-1: not fitted), by its code in
#: :data:`~escalate.engine.arrays.KEY_CODE`; the last entry stands for a coin with no key.
_FITTED_COLUMN = np.array([FITTED_KEYS.index(k) if k in FITTED_KEYS else -1 for k in KEYS] + [-1])


def fitted_ridges() -> list[tuple[int, tuple[int, ...]]]:
    """:data:`~escalate.likelihoods.RIDGES` by the keys' places among the fitted keys (as a fit takes them).

    >>> [FITTED_KEYS[k] for k in fitted_ridges()[1][1]]
    ['stand_by.coalition']
    """
    return [(FITTED_KEYS.index(k), tuple(map(FITTED_KEYS.index, others))) for k, others in RIDGES]


def era_weight(year: int, era: int, half_life: float | None) -> float:
    """How much a conflict begun in ``year`` counts in a fit for ``era``: half per ``half_life`` years.

    Without a half-life every conflict counts once. A fit with one leans toward its era's
    habits (alliances after 1945 were larger and honoured less often per member than before).

    Examples
    --------
    >>> era_weight(1950, 1990, 40), era_weight(2030, 1990, 20), era_weight(1816, 1990, None)
    (0.5, 0.25, 1.0)
    >>> era_weight(1816, 1990, 0)  # none, or 0: every conflict alike
    1.0
    """
    if half_life is not None and half_life < 0:
        raise ValueError(f"a half-life is a number of years, 0 or more, not {half_life:g}")
    return 0.5 ** (abs(era - year) / half_life) if half_life else 1.0


def log_prior(key: int, values: Any) -> Any:
    """The log prior density (up to a constant) of each of ``values`` for the ``key``-th fitted key.

    Examples
    --------
    >>> center = reasoned_values()[FITTED_KEYS[0]]
    >>> values = np.array([center / 10, center, min(3 * center, 0.99)])
    >>> int(np.argmax(log_prior(0, values)))  # the reasoned value is the likeliest a priori
    1
    """
    center = reasoned_values()[FITTED_KEYS[key]]
    return PRIOR_EVENTS * (center * np.log(values) + (1 - center) * np.log1p(-values))


def draw_war(
    data: WorldData, war: War, table: LikelihoodTable, *, samples: int, seed: int,
    graphs: GraphCache | None = None,
) -> WarDraws | None:  # fmt: skip
    """Sample one war's cascade under ``table`` and record what calibration needs."""
    graph, names = war_graph(data, war, graphs)
    flare = war_flare_up(graph, war, names)
    if flare is None:
        return None
    compiled = compile_scenario(graph, flare, table)
    actors, _, role, draws = sample_outcomes(compiled, samples=samples, seed=seed)
    keys = tuple(FITTED_KEYS)
    # Each coin's key among the fitted (or -1), and each sample's chance events of each, unfired and fired.
    counts = draws.counts(_FITTED_COLUMN[draws.key_of_coin], len(keys), samples)
    by_name = {a: i for i, a in enumerate(actors)}
    eligible = candidates(data, war)
    fought = [(c, by_name[names[c]]) for c in eligible if c in names and names[c] in by_name]
    ally = role[:, [i for _, i in fought]] == _ALLY if fought else np.zeros((samples, 0), dtype=bool)
    reached = ally.any(axis=0)
    in_fact = np.array([c in war.joiners for c, _ in fought], dtype=bool)
    missed = sum(c in war.joiners for c in eligible) - int(in_fact[reached].sum())
    proposal = np.array([table.values[k] for k in keys])
    return WarDraws.distinct(keys, proposal, counts[1], counts[0], ally[:, reached],
                             in_fact[reached], missed)  # fmt: skip


def _proposal(table: LikelihoodTable) -> LikelihoodTable:
    low, high = PROPOSAL_RANGE
    changes = {k: min(max(table.values[k], low), high) for k in FITTED_KEYS}
    return table.updated(changes, origin=table.origin)


def _draws(data: WorldData, graphs: GraphCache, war: War, table: LikelihoodTable, samples: int,
           seed: int) -> WarDraws | None:  # fmt: skip
    return draw_war(data, war, table, samples=samples, seed=seed, graphs=graphs)


class History:
    """The wars' draws under a proposal table, resampled at each fit (what calibration reuses)."""

    def __init__(self, workers: Workers, war_list: Sequence[War], *, samples: int = SAMPLES,
                 seed: int = 0, half_life: float | None = None) -> None:  # fmt: skip
        self.workers, self.wars, self.samples, self.seed = workers, list(war_list), samples, seed
        self.half_life = half_life  # see :func:`era_weight`
        self.draws: dict[int, WarDraws] = {}

    def sample(self, table: LikelihoodTable, *, samples: int | None = None) -> None:
        """Sample every war's cascade under ``table`` (the proposal), ``samples`` times (default all)."""
        samples = self.samples if samples is None else samples
        found = self.workers.map(_draws, self.wars, _proposal(table), samples, self.seed, what="sampling")
        self.draws = {number: draws for number, draws in found.items() if draws is not None}

    def fit(
        self, start: LikelihoodTable, *, chosen: Callable[[War], bool] | None = None, sweeps: int = 3,
        near: bool = False, era: int | None = None,
    ) -> LikelihoodTable:  # fmt: skip
        """The fitted table on the current draws of the wars ``chosen`` (all by default).

        With ``near``, ``start`` is taken to lie near the fit (a warm start): every sweep
        searches around each value (see :func:`~escalate.world.ascent.fit_draws`). With
        the history's half-life, each war counts by its distance in years from ``era`` (by
        default the latest start among those chosen; see :func:`era_weight`).
        """
        wars_ = [w for w in self.wars if w.number in self.draws and (chosen is None or chosen(w))]
        if not wars_:
            return LikelihoodTable()  # nothing to fit on: the defaults, never ``start``
        era = max(w.start.year for w in wars_) if era is None else era
        vector = fit_draws(
            [self.draws[w.number] for w in wars_],
            [start.values[k] for k in FITTED_KEYS],
            sweeps=sweeps,
            window_from=0 if near else None,
            jobs=self.workers.jobs,
            prior=log_prior,
            war_weights=[era_weight(w.start.year, era, self.half_life) for w in wars_],
            ridges=fitted_ridges(),
        )
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
    half_life: float | None = HALF_LIFE,
) -> LikelihoodTable:
    """Fit the table on the conflicts ``only`` selects (all by default), under the whole cascade.

    ``kind`` is ``"wars"`` (COW inter-state wars), ``"mids"`` (militarized disputes) or
    ``"all"``; ``jobs`` processes sample them (all cores by default), or the given ``workers``.
    A conflict counts half as much for every ``half_life`` years it began before the latest
    one fitted on (:func:`era_weight`; ``None``: every conflict alike).
    """
    chosen = [w for w in conflicts(folder, kind) if only is None or only(w)]
    if not chosen:
        raise FlareUpError(
            f"no {KIND_NOUNS[kind][1]} to fit on: choose a later year (the data begin in 1816)"
        )
    with _workers(folder, data, jobs, workers) as pool:
        history = History(pool, chosen, samples=samples, seed=seed, half_life=half_life)
        return fit_history(history, rounds=rounds)


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


def first_look(history: History) -> int:
    """Samples per war in the first round: all, unless that makes more than :data:`FIRST_LOOK_CASCADES`."""
    return max(1, min(history.samples, FIRST_LOOK_CASCADES // max(len(history.wars), 1)))


def fit_history(history: History, *, rounds: int = ROUNDS) -> LikelihoodTable:
    """Sample and fit ``rounds`` times, each round's fit moving the next round's proposal.

    The proposal moves toward each fit by at most :data:`PROPOSAL_STEP` in odds (see
    :func:`toward`); the fits themselves search the whole grid.
    """
    table = LikelihoodTable(values=reasoned_values())  # the first proposal: no earlier fit
    proposal = table
    for round_ in range(1, rounds + 1):
        history.sample(proposal, samples=first_look(history) if round_ == 1 and rounds > 1 else None)
        if history.workers.progress is not None:
            history.workers.progress(f"round {round_}/{rounds}: fitting the table")
        table = history.fit(table)
        proposal = toward(table, proposal)
    return table.updated({}, origin="fitted")


def toward(
    fitted: LikelihoodTable, proposal: LikelihoodTable, step: float = PROPOSAL_STEP
) -> LikelihoodTable:
    """The next proposal: each fitted key's value, held within ``step`` times the odds of ``proposal``'s.

    >>> fitted, before = LikelihoodTable(), LikelihoodTable()
    >>> fitted = fitted.updated({"defense_pact": 0.99, "border": 0.01})
    >>> before = before.updated({"defense_pact": 0.5, "border": 0.02})
    >>> moved = toward(fitted, before)
    >>> round(moved.values["defense_pact"], 3), moved.values["border"]  # odds 1 at most 8; near: the fit
    (0.889, 0.01)
    """
    changes = {}
    for key in FITTED_KEYS:
        was = _odds(proposal.values[key])
        held = min(max(_odds(fitted.values[key]), was / step), was * step)
        changes[key] = held / (1 + held)
    return fitted.updated(changes, origin=fitted.origin)


def _odds(p: float) -> float:
    return p / (1 - p)


def leave_one_out(
    folder: str | os.PathLike[str], *, data: WorldData | None = None, samples: int = SAMPLES, seed: int = 0,
    kind: str = "wars", jobs: int | None = None, workers: Workers | None = None,
    half_life: float | None = None,
) -> dict[int, LikelihoodTable]:  # fmt: skip
    """One table per conflict, fitted on every other conflict: ``conflict number -> table``.

    The cascade is sampled at the table fitted on all of them (a proposal only: it moves no
    weight), then each conflict's table is refitted from there on the draws of the others
    (with ``half_life``, each counting by its distance in years from the conflict left out).
    """
    with _workers(folder, data, jobs, workers) as pool:
        history = History(pool, conflicts(folder, kind), samples=samples, seed=seed, half_life=half_life)
        full = fit_history(history)
        history.sample(full)  # draws at the full fit; each conflict's own draws are left out below
        tables = {}
        for war in history.wars:
            fitted = history.fit(full, chosen=_other_than(war), sweeps=1, era=war.start.year)
            tables[war.number] = fitted.updated({}, origin=f"fitted without war {war.number}")
    return tables


def rolling(
    folder: str | os.PathLike[str], first_year: int, *, data: WorldData | None = None, samples: int = SAMPLES,
    seed: int = 0, kind: str = "mids", jobs: int | None = None, workers: Workers | None = None,
    half_life: float | None = HALF_LIFE,
) -> dict[int, LikelihoodTable]:  # fmt: skip
    """A table for each conflict begun in ``first_year`` or later, fitted on all begun before its year.

    The table of ``first_year`` is fitted as :func:`calibrate` fits it. Every conflict is then
    sampled once at that table (a proposal only: it moves no weight), and each later year's
    table is refitted, from the year before's, on the draws of the conflicts begun before it.
    """
    with _workers(folder, data, jobs, workers) as pool:
        every = conflicts(folder, kind)
        years = sorted({c.start.year for c in every if c.start.year >= first_year})
        before = [c for c in every if c.start.year < first_year]
        if not before or not years:
            side = "before" if not before else "in or after"
            raise FlareUpError(f"no {KIND_NOUNS[kind][1]} began {side} {first_year}; choose another year")
        table = fit_history(History(pool, before, samples=samples, seed=seed, half_life=half_life))
        earlier = [c for c in every if c.start.year < years[-1]]
        history = History(pool, earlier, samples=samples, seed=seed, half_life=half_life)
        history.sample(table)
        tables: dict[int, LikelihoodTable] = {}
        for year in years:
            if pool.progress is not None:
                pool.progress(f"fitting the table of {year}")
            table = history.fit(table, chosen=_begun_before(year), near=True)
            fitted = table.updated({}, origin=f"fitted on the {KIND_NOUNS[kind][1]} before {year}")
            tables.update((c.number, fitted) for c in every if c.start.year == year)
    return tables


def _other_than(war: War) -> Callable[[War], bool]:
    return lambda other: other.number != war.number


def _begun_before(year: int) -> Callable[[War], bool]:
    return lambda conflict: conflict.start.year < year


#: What each ``kind`` of history is, for the note a fitted table carries.
KIND_SOURCES = {
    "wars": "COW Inter-State War v4.0 wars",
    "mids": "MID 5.0 disputes",
    "all": "COW Inter-State War v4.0 wars and MID 5.0 disputes",
}


def save_table(
    table: LikelihoodTable, path: Path, *, kind: str = "wars", before: int | None = None,
    half_life: float | None = None,
) -> None:  # fmt: skip
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
        f"3.2 and MID 5.0 (maximum likelihood under the whole cascade, the reasoned values "
        f"weighing as {PRIOR_EVENTS:g} events"
        + (
            f"; a conflict counting half as much every {half_life:g} years before the latest)"
            if half_life
            else ")"
        )
    )
    with atomic_write(path) as handle:
        handle.write(table.to_toml(note).encode())
