"""Replay every COW inter-state war and score who the model says would be drawn in.

Protocol (so that figures are comparable): the *originators* of a war are the participants
whose participation starts on its first day (COW's Initiator column names the initiator);
the *joiners* are the other participants; the *candidates* are all COW system members in the
war's start year except the originators (7,739 pairs with 97 joiners in COW v4.0). Each war
is asked of a graph built from data before it: ATOP obligations and major powers of the
year before, land borders in force in the start year, and hostility from disputes begun in
the ten years before. No knowledge of the war leaks in. A state counts as drawn in when the
model has it fight (as an ally), not merely support a side.

Baselines score the same pairs in the same run: a defence obligation toward an originator
(ATOP, the year before); land contiguity with an originator in the start year; a dispute
shared with an originator (either side) that began in the ten years before; and the sum of
those three. With COW v4.0 they reach ROC AUCs of 0.592, 0.658, 0.677 and 0.735.

Examples
--------
>>> auc([0.9, 0.8, 0.3, 0.1], [True, False, True, False])
0.75
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from escalate.cascade import NO_SIDE, compile_scenario
from escalate.errors import FlareUpError
from escalate.likelihoods import LikelihoodTable
from escalate.model import Role
from escalate.outcomes import run_cascade
from escalate.world.atop import WorldData
from escalate.world.calibrate import calibrate, leave_one_out
from escalate.world.conflicts import RIVALRY_YEARS, War, war_flare_up, war_graph, wars

BASELINES = ("defence obligation", "land contiguity", "recent dispute", "sum of the three")


@dataclass
class Prediction:
    """The model's and the baselines' scores for one (war, candidate) pair."""

    war: int
    ccode: int
    joined: bool
    actual_side: int | None
    probability: float
    side: int | None
    baselines: dict[str, float] = field(default_factory=dict)


def predict(
    folder: str | os.PathLike[str],
    *,
    likelihoods: LikelihoodTable | Mapping[int, LikelihoodTable] | None = None,
    samples: int = 5000,
    seed: int = 0,
    only: Callable[[War], bool] | None = None,
    data: WorldData | None = None,
) -> list[Prediction]:
    """Score every (war, candidate) pair with the model and the baselines.

    ``likelihoods`` is one table for every war, or a table per war number (as
    :func:`~escalate.world.calibrate.leave_one_out` makes).
    """
    data = data or WorldData(folder)
    predictions = []
    for war in wars(folder):
        if only is not None and not only(war):
            continue
        year = war.start.year
        candidates = sorted(data.system.get(year, set()) - set(war.originators))
        graph, names = war_graph(data, war)
        table = likelihoods.get(war.number) if isinstance(likelihoods, Mapping) else likelihoods
        probabilities = _model(graph, war, names, table, samples, seed)
        neighbours = {c for pair in data.land_borders(year) if pair & war.originators.keys() for c in pair}
        obligations = data.obligations(year - 1)
        rivals = data.shared_disputes(year - RIVALRY_YEARS, year - 1)
        for c in candidates:
            defence = any(obligations.get((c, o), {}).get("defense") for o in war.originators)
            dispute = any(frozenset((c, o)) in rivals for o in war.originators)
            scores = {
                "defence obligation": float(defence),
                "land contiguity": float(c in neighbours),
                "recent dispute": float(dispute),
            }
            scores["sum of the three"] = sum(scores.values())
            p, side = probabilities.get(names.get(c, ""), (0.0, None))
            predictions.append(
                Prediction(war.number, c, c in war.joiners, war.joiners.get(c), p, side, scores)
            )
    return predictions


def _model(graph: Any, war: War, names: dict[int, str], likelihoods: LikelihoodTable | None,
           samples: int, seed: int) -> dict[str, tuple[float, int | None]]:  # fmt: skip
    flare = war_flare_up(graph, war, names)
    if flare is None:
        return {}
    # Sampling with a fixed seed: exact enumeration of the larger wars takes minutes.
    compiled = compile_scenario(graph, flare, likelihoods)
    tally = run_cascade(compiled, method="monte-carlo", samples=samples, seed=seed)
    found: dict[str, tuple[float, int | None]] = {}
    for (actor, side, role), p in tally.roles.items():
        if side == NO_SIDE or role is not Role.ALLY:  # joining a war means fighting in it
            continue
        total, best = found.get(actor, (0.0, None))
        best_p = tally.roles.get((actor, best, Role.ALLY), 0.0) if best is not None else -1.0
        found[actor] = (total + p, side if p > best_p else best)
    return found


def backtest(
    folder: str | os.PathLike[str],
    *,
    likelihoods: LikelihoodTable | None = None,
    calibrate_before: int | None = None,
    samples: int = 5000,
    seed: int = 0,
) -> dict[str, Any]:
    """The whole protocol: fit out of sample, score every war, summarise (see :func:`summary`).

    Likelihoods are fitted on the other wars for each war (leave one war out), or on the wars
    before ``calibrate_before`` (then only the later wars are scored); a given ``likelihoods``
    table scores every war as it is, and the figures are then not out of sample.
    """
    data = WorldData(folder)
    only: Callable[[War], bool] | None = None
    tables: LikelihoodTable | Mapping[int, LikelihoodTable] | None = likelihoods
    if likelihoods is not None:
        how = f"one table for every war ({likelihoods.origin})"
    elif calibrate_before is not None:
        year = calibrate_before
        if not any(war.start.year >= year for war in wars(folder)):
            raise FlareUpError(f"no war began in {year} or later to score; choose an earlier year")
        tables = calibrate(folder, only=lambda war: war.start.year < year, data=data)
        only = lambda war: war.start.year >= year  # noqa: E731
        how = f"fitted on wars before {year}, scored on the later ones"
    else:
        tables = leave_one_out(folder, data=data)
        how = "fitted on the other wars for each war (leave one war out)"
    figures = summary(predict(folder, likelihoods=tables, samples=samples, seed=seed, only=only, data=data))
    figures["model"]["out_of_sample"] = likelihoods is None
    figures["likelihoods"] = how
    figures["samples"] = samples
    return figures


# -- scores ---------------------------------------------------------------------------------


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """ROC AUC by the rank-sum (Mann-Whitney) formula; ties count one half."""
    ranked = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and scores[ranked[j + 1]] == scores[ranked[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[ranked[k]] = (i + j) / 2 + 1
        i = j + 1
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum = sum(r for r, label in zip(ranks, labels, strict=True) if label)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def auc_difference(
    predictions: Sequence[Prediction], baseline: str, *, resamples: int = 500, seed: int = 0
) -> dict[str, float]:
    """Model AUC minus a baseline's, with a 90% interval from resampling whole wars.

    Pairs of one war are not independent, so the bootstrap draws wars with replacement
    (a cluster bootstrap) and recomputes both AUCs on the same draw.
    """
    import numpy as np

    wars_ = sorted({p.war for p in predictions})
    index = {w: i for i, w in enumerate(wars_)}
    war = np.array([index[p.war] for p in predictions])
    label = np.array([p.joined for p in predictions])
    model = np.array([p.probability for p in predictions])
    other = np.array([p.baselines[baseline] for p in predictions])
    rng = np.random.default_rng(seed)
    differences = []
    for _ in range(resamples):
        weight = np.bincount(rng.integers(0, len(wars_), len(wars_)), minlength=len(wars_))[war]
        differences.append(_weighted_auc(model, label, weight) - _weighted_auc(other, label, weight))
    low, high = np.nanquantile(differences, [0.05, 0.95])
    return {
        "difference": auc(model.tolist(), label.tolist()) - auc(other.tolist(), label.tolist()),
        "low_90": float(low),
        "high_90": float(high),
    }


def _weighted_auc(scores: Any, labels: Any, weights: Any) -> float:
    """ROC AUC with each pair counted ``weights`` times (ties count one half)."""
    import numpy as np

    values, inverse = np.unique(scores, return_inverse=True)
    positive = np.bincount(inverse, weights=weights * labels, minlength=len(values))
    negative = np.bincount(inverse, weights=weights * ~labels, minlength=len(values))
    below = np.cumsum(negative) - negative  # negatives scored strictly lower
    total = positive.sum() * negative.sum()
    return float((positive * (below + negative / 2)).sum() / total) if total else float("nan")


def brier(probabilities: Sequence[float], labels: Sequence[bool]) -> float:
    """Mean squared error of the probabilities."""
    return sum((p - float(y)) ** 2 for p, y in zip(probabilities, labels, strict=True)) / len(labels)


def calibration(
    probabilities: Sequence[float], labels: Sequence[bool], bins: int = 10
) -> list[dict[str, float]]:
    """Per probability bin: pairs, mean predicted probability, observed rate of joining."""
    table = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [
            (p, y)
            for p, y in zip(probabilities, labels, strict=True)
            if low <= p < high or (b == bins - 1 and p == 1.0)
        ]
        if members:
            table.append({
                "low": low, "high": high, "pairs": len(members),
                "predicted": sum(p for p, _ in members) / len(members),
                "observed": sum(y for _, y in members) / len(members),
            })  # fmt: skip
    return table


def top_k(scores: Sequence[float], labels: Sequence[bool], k: int) -> tuple[float, float]:
    """Recall and precision of the ``k`` highest scores (ties broken by order)."""
    chosen = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
    hits = sum(labels[i] for i in chosen)
    return hits / max(sum(labels), 1), hits / max(k, 1)


def summary(predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Model and baseline figures over all pairs, and the per-war detail."""
    labels = [p.joined for p in predictions]
    probabilities = [p.probability for p in predictions]
    k = sum(labels)
    recall, precision = top_k(probabilities, labels, k)
    hits = sorted(range(len(predictions)), key=lambda i: -probabilities[i])[:k]
    sided = [predictions[i] for i in hits if predictions[i].joined]
    model = {
        "auc": auc(probabilities, labels),
        "brier": brier(probabilities, labels),
        "top_k": k,
        "recall_at_k": recall,
        "precision_at_k": precision,
        "side_accuracy": sum(p.side == p.actual_side for p in sided) / len(sided) if sided else None,
        "calibration": calibration(probabilities, labels),
        "pairs": len(predictions),
        "joiners": k,
    }
    baselines = {}
    for name in BASELINES:
        scores = [p.baselines[name] for p in predictions]
        top = max(scores) or 1.0
        baselines[name] = {
            "auc": auc(scores, labels),
            "brier": brier([s / top for s in scores], labels),
            "recall_at_k": top_k(scores, labels, k)[0],
            "model_minus_baseline_auc": auc_difference(predictions, name),
        }
    by_war: dict[int, list[Prediction]] = defaultdict(list)
    for p in predictions:
        by_war[p.war].append(p)
    detail = [
        {
            "war": number,
            "predicted": [p.ccode for p in sorted(ps, key=lambda p: -p.probability) if p.probability >= 0.5],
            "actual": sorted(p.ccode for p in ps if p.joined),
            "expected_joiners": round(sum(p.probability for p in ps), 4),
        }
        for number, ps in sorted(by_war.items())
    ]
    model["expected_joiners"] = sum(probabilities)
    model["conflicts"] = len(by_war)
    return {"model": model, "baselines": baselines, "wars": detail}


def report(figures: dict[str, Any]) -> str:
    """The model beside the baselines, as a text table, then the calibration table."""
    model = figures["model"]
    lines = [
        f"{model['pairs']:,} (war, state) pairs, {model['joiners']} joiners; "
        f"graphs from data before each war; likelihoods: {figures.get('likelihoods', 'defaults')}",
        "",
        f"{'':<22}{'ROC AUC':>8}{'Brier':>9}{'recall@' + str(model['top_k']):>11}"
        f"   model's AUC lead, 90% interval over wars",
        f"{'model':<22}{model['auc']:>8.3f}{model['brier']:>9.4f}{model['recall_at_k']:>11.3f}",
    ]
    for name, b in figures["baselines"].items():
        lead = b["model_minus_baseline_auc"]
        lines.append(
            f"{name:<22}{b['auc']:>8.3f}{b['brier']:>9.4f}{b['recall_at_k']:>11.3f}"
            f"   {lead['difference']:+.3f} [{lead['low_90']:+.3f}, {lead['high_90']:+.3f}]"
        )
    side = model["side_accuracy"]
    conflicts = max(model.get("conflicts", 1), 1)
    lines += [
        "",
        f"joiners: {model['expected_joiners']:.1f} expected, {model['joiners']} actual "
        f"({model['expected_joiners'] / conflicts:.2f} and {model['joiners'] / conflicts:.2f} per conflict)",
        f"side accuracy of joiners in the model's top {model['top_k']}: "
        + ("n/a" if side is None else f"{side:.2f}"),
    ]
    lines += ["", "calibration:  predicted  observed  pairs"]
    lines += [
        f"  {row['low']:.1f}-{row['high']:.1f}    {row['predicted']:8.3f}  {row['observed']:8.3f}"
        f"  {row['pairs']:5d}"
        for row in model["calibration"]
    ]
    return "\n".join(lines)
