"""Fit the likelihood table to history by maximum likelihood.

The fit uses the cascade's first step, where it has a closed form: a candidate with
``n_k`` triggered ties of kind ``k`` toward a war's originators joins with probability
``1 - prod_k (1 - p_k) ** n_k`` (a noisy-OR), and the table ``p`` maximises the
log-likelihood of who joined, by coordinate ascent over a grid. Ties are read from the data
before each war, as in the backtest: ATOP defence of the year before (a shared multilateral
alliance's ``collective_defense``, else a ``defense_pact`` when mutual and a ``guarantee``
when not; triggered only toward a defending originator), offence
(``backing.military``), disputes of the ten years before against an originator
(``hostility``), land borders with an originator (``border``) and major-power status the
year before (``major_power``, one tie whatever the originators). Only ties that can bring
a state into the fighting are fitted; consultation makes a supporter, not a combatant.

:func:`leave_one_out` fits one table per war on all the other wars: what the backtest
scores by default, so that no war is scored by a table fitted on it.

Examples
--------
>>> exposures = [{"defense_pact": 1}, {"defense_pact": 1}, {}, {"hostility": 2}]
>>> fitted = fit(exposures, [True, False, False, False])
>>> round(fitted["defense_pact"], 2), fitted["hostility"] < 0.05
(0.5, True)
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from escalate.likelihoods import LikelihoodTable
from escalate.world.atop import WorldData
from escalate.world.backtest import RIVALRY_YEARS, War, wars

KINDS = (
    "neutrality_pact",
    "nonaggression_pact",
    "defense_pact",
    "guarantee",
    "collective_defense",
    "backing.military",
    "hostility",
    "border",
    "major_power",
)
GRID = np.array(sorted({round(0.0005 * 1.2**i, 6) for i in range(41)} | {0.0001, 0.5, 0.75, 0.9, 0.99}))

Pattern = tuple[tuple[str, int], ...]


#: Promises that hold a party back from joining against a partner (fitted as well).
DAMPING = ("neutrality_pact", "nonaggression_pact")


def exposures_of(
    data: WorldData, war: War, candidate: int, *, _cache: dict[Any, Any] | None = None
) -> Counter[str]:
    """The candidate's ties toward the war's originators, as counts of ``"kind@side"``.

    ``side`` is the side (0 or 1) the tie would draw the candidate to; for a neutrality or
    non-aggression promise, the side it would hold the candidate back from.
    """
    year = war.start.year
    obligations = data.obligations(year - 1)
    cache = {} if _cache is None else _cache
    if war.number not in cache:
        cache[war.number] = (
            data.rivalries(year - RIVALRY_YEARS, year - 1),
            data.land_borders(year),
            [members for members, _ in data.alliances(year - 1).values()],
            data.allied(year - 1),
        )
    rivals, borders, alliances, allied = cache[war.number]
    attacking = {war.originators[c] for c in war.initiators}
    attacker = attacking.pop() if len(attacking) == 1 else None
    counts: Counter[str] = Counter()
    calls: set[tuple[int, int]] = set()  # (alliance, side) calls the candidate would hear
    for originator, side in war.originators.items():
        duties = obligations.get((candidate, originator), {})
        back = obligations.get((originator, candidate), {})
        pair = frozenset((candidate, originator))
        defending = side != attacker
        if defending:
            calls |= {(i, side) for i, members in enumerate(alliances) if {candidate, originator} <= members}
        if duties.get("defense") and defending and pair not in allied:
            counts[f"{'defense_pact' if back.get('defense') else 'guarantee'}@{side}"] += 1
        if duties.get("offense"):
            counts[f"backing.military@{side}"] += 1
        if pair in rivals:
            counts[f"hostility@{1 - side}"] += 1
        if pair in borders:
            counts[f"border@{side if defending else 1 - side}"] += 1
        for kind, column in (("neutrality_pact", "neutral"), ("nonaggression_pact", "nonagg")):
            if duties.get(column) or back.get(column):
                counts[f"{kind}@{1 - side}"] += 1
    if candidate in data.major_powers(year - 1) and attacker is not None:
        counts[f"major_power@{1 - attacker}"] = 1
    for _, side in calls:
        counts[f"collective_defense@{side}"] += 1
    return counts


class Patterns:
    """Exposures grouped by pattern: how many candidates had each, and how many joined."""

    def __init__(self, exposures: Sequence[Mapping[str, int]], joined: Sequence[bool]) -> None:
        self.total: Counter[Pattern] = Counter()
        self.positive: Counter[Pattern] = Counter()
        for counts, y in zip(exposures, joined, strict=True):
            key = tuple(sorted((k if "@" in k else f"{k}@0", n) for k, n in counts.items() if n))
            self.total[key] += 1
            self.positive[key] += bool(y)

    def __add__(self, other: Patterns) -> Patterns:
        both = Patterns([], [])
        both.total, both.positive = self.total + other.total, self.positive + other.positive
        return both

    def __sub__(self, other: Patterns) -> Patterns:
        rest = Patterns([], [])
        rest.total, rest.positive = self.total - other.total, self.positive - other.positive
        return rest

    def fit(self, sweeps: int = 6) -> dict[str, float]:
        """Maximum-likelihood likelihoods for the kinds that occur (coordinate ascent on GRID).

        Per side, the pulls fire as a noisy-OR and each promise toward that side holds with
        its likelihood; the candidate joins if some side has a pull that is not held back.
        """
        keys = [k for k in self.total if k]
        kinds = sorted({entry.split("@")[0] for key in keys for entry, _ in key})
        if not kinds:
            return {}
        index = {kind: j for j, kind in enumerate(kinds)}
        exposure = np.zeros((2, len(keys), len(kinds)))
        for i, key in enumerate(keys):
            for entry, n in key:
                kind, side = entry.split("@")
                exposure[int(side), i, index[kind]] += n
        damping = np.array([kind in DAMPING for kind in kinds])
        total = np.array([self.total[k] for k in keys], dtype=float)
        positive = np.array([self.positive[k] for k in keys], dtype=float)

        def score(log_stay: Any) -> Any:
            """Log-likelihood for each column of ``log_stay`` (kinds x candidates tables)."""
            stay = np.ones((len(keys), log_stay.shape[1]))
            for side in (0, 1):
                pulls = 1 - np.exp(exposure[side][:, ~damping] @ log_stay[~damping])
                free = np.exp(exposure[side][:, damping] @ log_stay[damping])
                stay = stay * (1 - pulls * free)
            stay = np.clip(stay, 1e-12, 1 - 1e-12)
            return positive @ np.log1p(-stay) + (total - positive) @ np.log(stay)

        log_stay = np.log1p(-np.full(len(kinds), 0.1))
        for _ in range(sweeps):
            for j in range(len(kinds)):
                tables = np.repeat(log_stay[:, None], len(GRID), axis=1)
                tables[j] = np.log1p(-GRID)
                log_stay[j] = tables[j, int(np.argmax(score(tables)))]
        return {kind: float(round(-np.expm1(v), 6)) for kind, v in zip(kinds, log_stay, strict=True)}


def fit(exposures: Sequence[Mapping[str, int]], joined: Sequence[bool]) -> dict[str, float]:
    """Maximum-likelihood likelihoods of the first step, for the kinds that occur.

    Keys are ``"kind@side"`` (plain ``"kind"`` means side 0).
    """
    return Patterns(exposures, joined).fit()


def war_patterns(data: WorldData, war_list: Sequence[War]) -> dict[int, Patterns]:
    """The exposure patterns of every war's candidates, by war number."""
    found = {}
    for war in war_list:
        candidates = sorted(data.system.get(war.start.year, set()) - set(war.originators))
        cache: dict[Any, Any] = {}
        found[war.number] = Patterns(
            [exposures_of(data, war, c, _cache=cache) for c in candidates],
            [c in war.joiners for c in candidates],
        )
    return found


def _table(fitted: Mapping[str, float], origin: str) -> LikelihoodTable:
    return LikelihoodTable().updated({k: v for k, v in fitted.items() if k in KINDS}, origin=origin)


def calibrate(
    folder: str | os.PathLike[str],
    *,
    only: Callable[[War], bool] | None = None,
    data: WorldData | None = None,
) -> LikelihoodTable:
    """Fit the table on the wars ``only`` selects (all by default)."""
    data = data or WorldData(folder)
    chosen = [w for w in wars(folder) if only is None or only(w)]
    total = sum(war_patterns(data, chosen).values(), Patterns([], []))
    return _table(total.fit(), "fitted")


def leave_one_out(
    folder: str | os.PathLike[str], *, data: WorldData | None = None
) -> dict[int, LikelihoodTable]:
    """One table per war, fitted on every other war: ``war number -> table``."""
    data = data or WorldData(folder)
    by_war = war_patterns(data, wars(folder))
    total = sum(by_war.values(), Patterns([], []))
    return {
        number: _table((total - own).fit(), f"fitted without war {number}") for number, own in by_war.items()
    }


def table_toml(table: LikelihoodTable, note: str) -> str:
    """A likelihood table as the TOML that ``--likelihoods`` reads."""
    lines = [f"# {note}"]
    plain = [(k, v) for k, v, _ in table.rows() if "." not in k]
    lines += [f"{k} = {v!r}" for k, v in plain]
    lines.append("\n[backing]")
    lines += [f"{k.split('.')[1]} = {v!r}" for k, v, _ in table.rows() if k.startswith("backing.")]
    return "\n".join(lines) + "\n"
