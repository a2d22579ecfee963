"""Fit the likelihood table to history by maximum likelihood.

The fit uses the cascade's first step, where it has a closed form: a candidate with
``n_k`` triggered ties of kind ``k`` toward a war's originators joins with probability
``1 - prod_k (1 - p_k) ** n_k`` (a noisy-OR), and the table ``p`` maximises the
log-likelihood of who joined, by coordinate ascent over a grid. Ties are read from the data
of the year before each war, as in the backtest: ATOP defence (a ``defense_pact`` when
mutual, else a ``guarantee``; triggered only toward a defending originator), offence
(``backing.military``), consultation (``entente``), and disputes of the ten years before
against an originator (``hostility``).

Examples
--------
>>> exposures = [{"defense_pact": 1}, {"defense_pact": 1}, {}, {"hostility": 2}]
>>> fitted = fit(exposures, [True, False, False, False])
>>> round(fitted["defense_pact"], 2), fitted["hostility"] < 0.05
(0.5, True)
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Sequence

from escalate.likelihoods import LikelihoodTable
from escalate.world.atop import WorldData
from escalate.world.backtest import RIVALRY_YEARS, War, wars

KINDS = ("defense_pact", "guarantee", "backing.military", "entente", "hostility")
GRID = tuple(sorted({round(0.001 * 1.25**i, 5) for i in range(31)} | {0.0001, 0.5, 0.75, 0.9}))


def exposures_of(data: WorldData, war: War, candidate: int) -> Counter[str]:
    """How many ties of each kind ``candidate`` has toward the war's originators."""
    year = war.start.year
    obligations = data.obligations(year - 1)
    rivals = data.rivalries(year - RIVALRY_YEARS, year - 1)
    attacking = {war.originators[c] for c in war.initiators}
    counts: Counter[str] = Counter()
    for originator, side in war.originators.items():
        duties = obligations.get((candidate, originator), {})
        defending = not (len(attacking) == 1 and side in attacking)
        if duties.get("defense") and defending:
            mutual = obligations.get((originator, candidate), {}).get("defense")
            counts["defense_pact" if mutual else "guarantee"] += 1
        if duties.get("offense"):
            counts["backing.military"] += 1
        if duties.get("consul"):
            counts["entente"] += 1
        if frozenset((candidate, originator)) in rivals:
            counts["hostility"] += 1
    return counts


def log_likelihood(
    table: dict[str, float], exposures: Sequence[Counter[str] | dict[str, int]], joined: Sequence[bool]
) -> float:
    """The log-likelihood of who joined under the noisy-OR first step."""
    total = 0.0
    for counts, y in zip(exposures, joined, strict=True):
        stay = math.prod((1.0 - table[k]) ** n for k, n in counts.items())
        p = min(max(1.0 - stay, 1e-9), 1 - 1e-9)
        total += math.log(p) if y else math.log(1.0 - p)
    return total


def fit(
    exposures: Sequence[Counter[str] | dict[str, int]], joined: Sequence[bool], *, sweeps: int = 4
) -> dict[str, float]:
    """Maximum-likelihood likelihoods for the kinds that occur, by coordinate ascent on a grid."""
    kinds = sorted({k for counts in exposures for k in counts})
    table = dict.fromkeys(kinds, 0.1)
    for _ in range(sweeps):
        for kind in kinds:
            relevant = [i for i, counts in enumerate(exposures) if kind in counts]
            subset = [exposures[i] for i in relevant]
            labels = [joined[i] for i in relevant]
            table[kind] = max(GRID, key=lambda p: log_likelihood(table | {kind: p}, subset, labels))
    return table


def calibrate(
    folder: str | os.PathLike[str],
    *,
    only: Callable[[War], bool] | None = None,
    data: WorldData | None = None,
) -> LikelihoodTable:
    """Fit the table on the wars ``only`` selects (all by default)."""
    data = data or WorldData(folder)
    exposures, joined = [], []
    for war in wars(folder):
        if only is not None and not only(war):
            continue
        for candidate in sorted(data.system.get(war.start.year, set()) - set(war.originators)):
            exposures.append(exposures_of(data, war, candidate))
            joined.append(candidate in war.joiners)
    fitted = fit(exposures, joined)
    return LikelihoodTable().updated({k: v for k, v in fitted.items() if k in KINDS}, origin="fitted")


def table_toml(table: LikelihoodTable, note: str) -> str:
    """A likelihood table as the TOML that ``--likelihoods`` reads."""
    lines = [f"# {note}"]
    plain = [(k, v) for k, v, _ in table.rows() if "." not in k]
    lines += [f"{k} = {v!r}" for k, v in plain]
    lines.append("\n[backing]")
    lines += [f"{k.split('.')[1]} = {v!r}" for k, v, _ in table.rows() if k.startswith("backing.")]
    return "\n".join(lines) + "\n"
