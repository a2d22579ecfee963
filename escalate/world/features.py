"""What a researcher would know of each (conflict, candidate) pair: the baselines' and peers' inputs.

For a conflict begun in year Y and a candidate state, the features are the candidate's ties
toward each side's originators (side A: the side of the conflict's first two sides listed
first, the initiators' side in the MID data), read only from data before the conflict:
ATOP obligations of each kind in Y-1 (those over by its first day left out, those signed in Y
before it in: :mod:`~escalate.world.turnover`), land contiguity in Y (and two borders away, a
neighbour's neighbour), disputes begun in Y-10..Y-1
against (rival) and beside (comrade) them, whether the candidate is a major power in Y-1,
and how many states it had an ATOP obligation toward in Y-1 (those over by the conflict's
first day left out, those begun before it counted).

The three rules of the backtest are read off the same features: a defence obligation
toward an originator, land contiguity with one, a dispute shared with one (either side).

Examples
--------
>>> FEATURES[:2]
('defence toward side A', 'defence toward side B')
>>> len(FEATURES)
20
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalate.engine.compile import two_borders_away
from escalate.world.atop import WorldData, carried_over
from escalate.world.conflicts import RIVALRY_YEARS, War, candidates, ties_changed
from escalate.world.turnover import NOTHING, Turnover

#: ATOP obligation kinds, as the data name them, and as the features do.
OBLIGATIONS = {
    "defense": "defence",
    "offense": "offence",
    "neutral": "neutrality",
    "nonagg": "non-aggression",
    "consul": "consultation",
}
_PER_SIDE = [*(f"{name} toward" for name in OBLIGATIONS.values()), "border with", "two borders from",
             "rival of", "comrade of"]  # fmt: skip
#: Column names of :func:`pair_features`, in order.
FEATURES = (
    *(f"{feature} side {side}" for feature in _PER_SIDE for side in "AB"),
    "major power",
    "obligations",
)
_COLUMN = {name: j for j, name in enumerate(FEATURES)}
#: Each obligation kind's columns toward side A and side B.
_TOWARD = {
    kind: tuple(_COLUMN[f"{name} toward side {side}"] for side in "AB") for kind, name in OBLIGATIONS.items()
}
#: The three rules and their sum, scored on the same pairs as the model.
BASELINES = ("defence obligation", "land contiguity", "recent dispute", "sum of the three")


@dataclass(frozen=True)
class YearFacts:
    """What was known before a conflict of one year: the ties features are read from."""

    obligations: dict[int, dict[int, frozenset[str]]]  # state -> partner -> obligation kinds
    obligated: dict[int, dict[int, frozenset[str]]]  # partner -> state -> kinds (the same, read back)
    borders: dict[int, frozenset[int]]
    vicinity: dict[int, frozenset[int]]  # two land borders away, not bordering
    rivals: dict[int, frozenset[int]]
    comrades: dict[int, frozenset[int]]
    majors: frozenset[int]

    @classmethod
    def of(cls, data: WorldData, year: int) -> YearFacts:
        """The facts known before a conflict begun in ``year``."""
        obligations: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        for (a, b), kinds in data.obligations(year - 1).items():
            for kind, value in kinds.items():
                if value and kind in OBLIGATIONS:
                    obligations[a][b].add(kind)
        first, last = year - RIVALRY_YEARS, year - 1
        heirs = data.heirs(year)  # united Germany carries on the Federal Republic's ties
        for heir, predecessors in heirs.items():
            held = [(a, b, duties) for a, ties in obligations.items() for b, duties in ties.items()]
            for a, b, duties in held:
                if pair := carried_over(a, b, heir, predecessors):
                    obligations[pair[0]][pair[1]] |= duties
        borders = _neighbours(data.land_borders(year))
        frozen = {a: {b: frozenset(k) for b, k in ties.items()} for a, ties in obligations.items()}
        obligated: dict[int, dict[int, frozenset[str]]] = defaultdict(dict)
        for a, partners in frozen.items():
            for b, promised in partners.items():
                obligated[b][a] = promised
        return cls(
            obligations=frozen,
            obligated=dict(obligated),
            borders=borders,
            vicinity=two_borders_away(borders),
            rivals=_inherited(_neighbours(data.rivalry_grades(first, last)), heirs),
            comrades=_inherited(_neighbours(data.comrades(first, last)), heirs),
            majors=frozenset(data.major_powers(year - 1)),
        )


def _neighbours(pairs: Any) -> dict[int, frozenset[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for pair in pairs:
        if len(pair) == 2:
            a, b = pair
            found[a].add(b)
            found[b].add(a)
    return {a: frozenset(b) for a, b in found.items()}


def _inherited(
    neighbours: dict[int, frozenset[int]], heirs: dict[int, tuple[int, ...]]
) -> dict[int, frozenset[int]]:
    """``neighbours`` with each heir given its predecessors' (and named among theirs)."""
    found = {a: set(b) for a, b in neighbours.items()}
    for heir, predecessors in heirs.items():
        for a, b in [(a, b) for a, others in neighbours.items() for b in others]:
            if pair := carried_over(a, b, heir, predecessors):
                found.setdefault(pair[0], set()).add(pair[1])
                found.setdefault(pair[1], set()).add(pair[0])
    return {a: frozenset(b) for a, b in found.items()}


class Facts:
    """:class:`YearFacts` of each year, made once when first asked."""

    def __init__(self, data: WorldData) -> None:
        self.data = data
        self._years: dict[int, YearFacts] = {}

    def __call__(self, year: int) -> YearFacts:
        """The facts of ``year``."""
        if year not in self._years:
            self._years[year] = YearFacts.of(self.data, year)
        return self._years[year]


class ConflictFeatures:
    """Each conflict's candidates and their :data:`FEATURES`, made once when first asked.

    The backtest's rules read them for the scored conflicts and its peers for the training
    ones too: one instance serves both.
    """

    def __init__(self, data: WorldData) -> None:
        self.data = data
        self.facts = Facts(data)
        self._found: dict[int, tuple[list[int], Any]] = {}

    def __call__(self, conflict: War) -> tuple[list[int], Any]:
        """``(candidates, features)``: the states and an array (states, features)."""
        if conflict.number not in self._found:
            states = candidates(self.data, conflict)
            rows = pair_features(
                self.facts(conflict.start.year), conflict, states, ties_changed(self.data, conflict)
            )
            self._found[conflict.number] = (states, rows)
        return self._found[conflict.number]


def pair_features(facts: YearFacts, conflict: War, states: list[int], turnover: Turnover = NOTHING) -> Any:
    """The :data:`FEATURES` of each candidate in ``states``: an array (states, features).

    Obligations the ``turnover`` ended by the conflict's first day do not count, and those it
    began before that day do (:mod:`~escalate.world.turnover`).

    Read from each originator's ties outward (a few hundred), not from every candidate's.
    The neighbours of every kind are mutual, so a candidate borders an originator when the
    originator borders it.
    """
    place = {state: i for i, state in enumerate(states)}
    rows = np.zeros((len(states), len(FEATURES)))
    near_ones = {"border with": facts.borders, "two borders from": facts.vicinity,
                 "rival of": facts.rivals, "comrade of": facts.comrades}  # fmt: skip
    for originator, side in conflict.originators.items():
        if side not in (0, 1):
            continue
        for state, duties in turnover.toward(originator, facts.obligated.get(originator, {})).items():
            if (i := place.get(state)) is not None:
                for kind in duties:
                    rows[i, _TOWARD[kind][side]] = 1.0
        for feature, neighbours in near_ones.items():
            column = _COLUMN[f"{feature} side {'AB'[side]}"]
            for state in neighbours.get(originator, ()):
                if (i := place.get(state)) is not None:
                    rows[i, column] = 1.0
    rows[[place[s] for s in facts.majors if s in place], _COLUMN["major power"]] = 1.0
    rows[:, _COLUMN["obligations"]] = [
        len(turnover.of(state, facts.obligations.get(state, {}))) for state in states
    ]
    return rows


def baseline_scores(features: Any) -> dict[str, Any]:
    """The three rules and their sum, from :func:`pair_features` rows."""

    def either(name: str) -> Any:
        return np.maximum(features[:, _COLUMN[f"{name} side A"]], features[:, _COLUMN[f"{name} side B"]])

    scores = {
        "defence obligation": either("defence toward"),
        "land contiguity": either("border with"),
        "recent dispute": np.maximum(either("rival of"), either("comrade of")),
    }
    scores["sum of the three"] = sum(scores.values())
    return scores
