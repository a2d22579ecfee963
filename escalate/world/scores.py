"""How well scores rank and fit who joined: ROC AUC, average precision, Brier, calibration.

Every measure takes optional weights per pair, so that a cluster bootstrap (whole conflicts
drawn with replacement, :func:`cluster_intervals`) recomputes it on each draw without
copying pairs.

Examples
--------
>>> auc([0.9, 0.8, 0.3, 0.1], [True, False, True, False])
0.75
>>> round(average_precision([0.9, 0.8, 0.3, 0.1], [True, False, True, False]), 4)
0.8333
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

#: Bootstrap draws of whole conflicts behind each 90% interval.
RESAMPLES = 500
#: A measure of a bootstrap draw: of the pairs' weights, or of its counts per cluster.
Measure = Callable[[Any], float]


def _arrays(scores: Any, labels: Any, weights: Any) -> tuple[Any, Any, Any]:
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    w = np.ones(len(s)) if weights is None else np.asarray(weights, dtype=np.float64)
    return s, y, w


class Ranked:
    """Scores sorted once, so that weighted measures are only sums (a bootstrap: :class:`ClusterRanked`)."""

    def __init__(self, scores: Sequence[float] | Any, labels: Sequence[bool] | Any) -> None:
        self.scores = np.asarray(scores, dtype=np.float64)
        self.labels = np.asarray(labels, dtype=bool)
        # Distinct scores, lowest first, and each pair's place among them.
        self.values, self.inverse = np.unique(self.scores, return_inverse=True)

    def _counts(self, weights: Any) -> tuple[Any, Any]:
        """Weighted joiners and others at each distinct score."""
        w = np.ones(len(self.scores)) if weights is None else np.asarray(weights, dtype=np.float64)
        n = len(self.values)
        positive = np.bincount(self.inverse, weights=w * self.labels, minlength=n)
        return positive, np.bincount(self.inverse, weights=w * ~self.labels, minlength=n)

    def auc(self, weights: Any = None) -> float:
        """ROC AUC (the Mann-Whitney statistic); tied scores count one half."""
        positive, negative = self._counts(weights)
        below = np.cumsum(negative) - negative  # negatives scored strictly lower
        total = positive.sum() * negative.sum()
        return float((positive * (below + negative / 2)).sum() / total) if total else float("nan")

    def average_precision(self, weights: Any = None) -> float:
        """Precision at each distinct threshold, weighted by the recall it adds (ties: one threshold).

        As scikit-learn's ``average_precision_score``. With joiners this rare, it tells a
        good ranking from a lucky one better than the AUC.
        """
        positive, negative = (c[::-1] for c in self._counts(weights))  # highest score first
        found, taken = np.cumsum(positive), np.cumsum(positive + negative)
        if not len(found) or found[-1] <= 0:
            return float("nan")
        return float((positive / found[-1] * found / np.maximum(taken, 1e-300)).sum())


class ClusterRanked:
    """A :class:`Ranked`'s AUC and average precision on a bootstrap draw, from its counts per cluster.

    A draw of whole conflicts gives every pair of a conflict one weight: how many times the
    draw took it (``taken``, one count per cluster). The weighted counts of the AUC and the
    average precision are then sums over clusters of counts made once: for each distinct score
    of a joiner, how many pairs of each cluster score below it, the same, or at least as much.
    On the disputes from 1990 that is 711 conflicts times under 209 such scores, where the
    pairs are 133,600 (three such matrices of 711 x 209, 1.2 MB each, where a draw's weights of
    the pairs take 1.1 MB). The counts are whole numbers (halves), exact in floating point: the
    measures equal :class:`Ranked`'s with the pairs' weights, to the bit.
    """

    def __init__(self, ranked: Ranked, cluster: Any, clusters: int) -> None:
        self.ranked = ranked
        positive = ranked.labels
        #: The distinct scores of joiners (places in ``ranked.values``, lowest first).
        self.places = np.unique(ranked.inverse[positive])
        rows = np.searchsorted(self.places, ranked.inverse)  # each pair's first joiners' score at or above
        inside = np.flatnonzero(rows < len(self.places))
        at = np.zeros(len(rows), dtype=bool)  # at a joiners' score
        at[inside] = self.places[rows[inside]] == ranked.inverse[inside]

        def counts(chosen: Any, row: Any) -> Any:  # (joiners' scores + 1, clusters) counts of chosen pairs
            found = np.zeros((len(self.places) + 1, clusters))
            np.add.at(found, (row[chosen], cluster[chosen]), 1.0)
            return found

        negative = ~positive
        #: Joiners at each of their scores, and others below them (those at them counting half), by cluster.
        self.joiners = counts(positive, rows)[:-1]
        equal = counts(negative & at, rows)[:-1]
        gaps = counts(negative & ~at, rows)  # row k: others between the joiners' scores k - 1 and k
        equal_before = np.vstack([np.zeros((1, clusters)), equal[:-1]])
        self.below = np.cumsum(gaps, axis=0)[:-1] + np.cumsum(equal_before, axis=0) + equal / 2
        # Everyone from the k-th joiners' score up: every row from k on, less the gap below it.
        everyone = gaps + counts(at, rows)
        self.at_least = np.cumsum(everyone[::-1], axis=0)[::-1][:-1] - gaps[:-1]
        self.negatives = np.bincount(cluster[negative], minlength=clusters).astype(np.float64)

    def auc(self, taken: Any) -> float:
        """:meth:`Ranked.auc` with each pair weighted by the count of its cluster."""
        positive = self.joiners @ taken
        total = positive.sum() * (self.negatives @ taken)
        return float((positive * (self.below @ taken)).sum() / total) if total else float("nan")

    def average_precision(self, taken: Any) -> float:
        """:meth:`Ranked.average_precision` with each pair weighted by the count of its cluster."""
        positive = self.joiners @ taken
        found = np.cumsum(positive[::-1])[::-1]  # joiners at this score or above
        if not len(found) or found[0] <= 0:
            return float("nan")
        # The terms in the places Ranked's sum has them (the others are 0): the same sum, to the bit.
        terms = np.zeros(len(self.ranked.values))
        terms[len(terms) - 1 - self.places] = (
            positive / found[0] * found / np.maximum(self.at_least @ taken, 1e-300)
        )
        return float(terms.sum())


def cluster_ranked(clusters: Any, *ranked: Ranked) -> list[ClusterRanked]:
    """Each of ``ranked`` measured on a bootstrap draw's counts per cluster of ``clusters``."""
    labels, cluster = cluster_index(clusters)
    return [ClusterRanked(r, cluster, len(labels)) for r in ranked]


def draw_measures(
    name: str, ranked: ClusterRanked, probabilities: Any
) -> tuple[dict[str, Measure], dict[str, Measure]]:
    """A score's measures on a bootstrap draw (see :func:`cluster_intervals`).

    AUC and average precision by the draw's counts per cluster, Brier by the pairs' weights
    (as :func:`brier`).
    """
    squared = (np.asarray(probabilities, dtype=np.float64) - ranked.ranked.labels) ** 2  # squared once

    def brier_(w: Any) -> float:
        return _weighted_mean(squared, w)

    counted: dict[str, Measure] = {
        f"{name}/auc": ranked.auc,
        f"{name}/average_precision": ranked.average_precision,
    }
    return counted, {f"{name}/brier": brier_}


def auc_lead(model: ClusterRanked, other: ClusterRanked) -> Measure:
    """The lead of ``model``'s AUC over ``other``'s on a draw's counts per cluster."""
    return lambda taken: model.auc(taken) - other.auc(taken)


def expected_over_actual(probabilities: Any, labels: Any) -> Measure:
    """Expected joiners (the sum of ``probabilities``) over actual ones, by the pairs' weights."""
    return lambda w: float((w * probabilities).sum() / max((w * labels).sum(), 1e-300))


def score_intervals(
    clusters: Any, scores: Mapping[str, tuple[Ranked, Any]], *, lead_over: str,
    measures: dict[str, Measure] | None = None, resamples: int = RESAMPLES, seed: int = 0, jobs: int = 1,
) -> dict[str, tuple[float, float]]:  # fmt: skip
    """90% intervals (:func:`cluster_intervals`) of each score's measures, as ``name/measure``.

    ``scores`` are ``name -> (ranked, as probability)``: their AUC, average precision and
    Brier; ``name/lead`` is the AUC of ``lead_over`` less each other's. ``measures`` are more.
    """
    drawn = dict(zip(scores, cluster_ranked(clusters, *(r for r, _ in scores.values())), strict=True))
    by_cluster: dict[str, Measure] = {}
    by_pair = dict(measures or {})
    for name, (_, as_probability) in scores.items():
        counted, weighed = draw_measures(name, drawn[name], as_probability)
        by_cluster |= counted
        by_pair |= weighed
        if name != lead_over:
            by_cluster[f"{name}/lead"] = auc_lead(drawn[lead_over], drawn[name])
    return cluster_intervals(
        clusters, by_pair, by_cluster=by_cluster, resamples=resamples, seed=seed, jobs=jobs
    )


def auc(scores: Sequence[float] | Any, labels: Sequence[bool] | Any, weights: Any = None) -> float:
    """ROC AUC (the Mann-Whitney statistic); tied scores count one half."""
    return Ranked(scores, labels).auc(weights)


def average_precision(
    scores: Sequence[float] | Any, labels: Sequence[bool] | Any, weights: Any = None
) -> float:
    """Average precision (see :meth:`Ranked.average_precision`)."""
    return Ranked(scores, labels).average_precision(weights)


def brier(probabilities: Sequence[float] | Any, labels: Sequence[bool] | Any, weights: Any = None) -> float:
    """Mean squared error of the probabilities."""
    p, y, w = _arrays(probabilities, labels, weights)
    return _weighted_mean((p - y) ** 2, w)


def _weighted_mean(values: Any, weights: Any) -> float:
    """The mean of ``values`` weighted by ``weights``; nan when they weigh nothing."""
    return float((weights * values).sum() / weights.sum()) if weights.sum() else float("nan")


#: Edges of the reliability bins: even tenths for the text table, and steps of about half a
#: decade for the diagram (joining is rare: most pairs lie far below 0.1).
TENTHS = tuple(b / 10 for b in range(11))
LOG_EDGES = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)


def calibration(
    probabilities: Sequence[float] | Any, labels: Sequence[bool] | Any, edges: Sequence[float] = TENTHS
) -> list[dict[str, float]]:
    """Per probability bin (``edges``, the last bin closed): pairs, mean predicted, observed rate."""
    p, y, _ = _arrays(probabilities, labels, None)
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    table = []
    for b in range(len(edges) - 1):
        members = which == b
        if members.any():
            table.append({
                "low": edges[b], "high": edges[b + 1], "pairs": int(members.sum()),
                "predicted": float(p[members].mean()), "observed": float(y[members].mean()),
            })  # fmt: skip
    return table


def top_k(scores: Sequence[float] | Any, labels: Sequence[bool] | Any, k: int) -> tuple[float, float]:
    """Recall and precision of the ``k`` highest scores (ties broken by order)."""
    s, y, _ = _arrays(scores, labels, None)
    hits = int(y[np.argsort(-s, kind="stable")[:k]].sum())  # a stable sort: ties in their order
    return hits / max(int(y.sum()), 1), hits / max(k, 1)


def curves(scores: Any, labels: Any, points: int = 200) -> dict[str, list[list[float]]]:
    """ROC (false and true positive rate) and precision-recall curves, about ``points`` each.

    The thresholds kept are spread evenly along both rates, so that a steep start (few
    pairs, many of them joiners) keeps its shape however many distinct scores there are.

    >>> c = curves([0.9, 0.8, 0.7, 0.1], [True, True, False, False])
    >>> c["roc"]
    [[0.0, 0.0], [0.0, 0.5], [0.0, 1.0], [0.5, 1.0], [1.0, 1.0]]
    >>> c["pr"]
    [[0.5, 1.0], [1.0, 1.0], [1.0, 0.66667], [1.0, 0.5]]
    """
    s, y, _ = _arrays(scores, labels, None)
    values, inverse = np.unique(-s, return_inverse=True)
    tp = np.cumsum(np.bincount(inverse, weights=y.astype(float), minlength=len(values)))
    fp = np.cumsum(np.bincount(inverse, weights=(~y).astype(float), minlength=len(values)))
    if not len(tp) or tp[-1] == 0 or fp[-1] == 0:
        return {"roc": [], "pr": []}
    half = max(points // 2, 1)
    keep = np.unique(
        np.r_[
            0,
            np.searchsorted(tp, np.linspace(0, tp[-1], half)),
            np.searchsorted(fp, np.linspace(0, fp[-1], half)),
            len(tp) - 1,
        ]
    )
    tpr, fpr = tp[keep] / tp[-1], fp[keep] / fp[-1]
    precision = tp[keep] / (tp[keep] + fp[keep])

    def rounded(xs: Any, ys: Any) -> list[list[float]]:
        return [[round(float(a), 5), round(float(b), 5)] for a, b in zip(xs, ys, strict=True)]

    return {"roc": rounded(np.r_[0.0, fpr], np.r_[0.0, tpr]), "pr": rounded(tpr, precision)}


def cluster_index(clusters: Any) -> tuple[Any, Any]:
    """The distinct clusters (in the order a draw counts them) and each pair's place among them."""
    labels, cluster = np.unique(np.asarray(clusters), return_inverse=True)
    return labels, cluster.ravel()


def cluster_intervals(
    clusters: Any, measures: dict[str, Measure], *, by_cluster: dict[str, Measure] | None = None,
    resamples: int = RESAMPLES, seed: int = 0, jobs: int = 1,
) -> dict[str, tuple[float, float]]:  # fmt: skip
    """A 90% interval for each measure, from drawing whole clusters (conflicts) with replacement.

    ``clusters`` gives each pair's conflict; each of ``measures`` takes the pairs' weights (how
    many times the draw took the pair's conflict), each of ``by_cluster`` how many times it took
    each conflict (in the order of :func:`cluster_index`: sums over conflicts, such as
    :class:`ClusterRanked`'s, are faster than over pairs). Pairs of one conflict are not
    independent, which is why the draws are of conflicts, not pairs. ``jobs`` threads measure
    the draws (the intervals do not depend on them).
    """
    labels, cluster = cluster_index(clusters)
    by_cluster = by_cluster or {}
    rng = np.random.default_rng(seed)
    draws = [
        np.bincount(rng.integers(0, len(labels), len(labels)), minlength=len(labels))
        for _ in range(resamples)
    ]

    def measured(taken: Any) -> list[float]:
        found = [measure(taken) for measure in by_cluster.values()]
        if measures:
            weight = taken[cluster].astype(np.float64)  # one array per draw: its measures share sums
            found += [measure(weight) for measure in measures.values()]
        return found

    # The draws are independent: threads measure them at once (numpy leaves Python's lock
    # while it sums), and the results come back in the draws' order.
    with ThreadPoolExecutor(max(1, min(jobs, resamples))) as threads:
        rows = list(threads.map(measured, draws))
    found = {name: [row[i] for row in rows] for i, name in enumerate([*by_cluster, *measures])}
    intervals = {}
    for name, values in found.items():
        low, high = np.nanquantile(values, [0.05, 0.95]) if np.isfinite(values).any() else (np.nan, np.nan)
        intervals[name] = (float(low), float(high))
    return intervals
