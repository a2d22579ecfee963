"""Replay history and score who the model says would be drawn in, beside baselines and peers.

Two histories, one protocol (so that figures are comparable):

- ``wars``: the 95 COW inter-state wars. The *originators* of a war are the participants
  whose participation starts on its first day (COW's Initiator column names the
  initiator); the *joiners* are the other participants. 7,739 pairs with 97 joiners.
- ``mids``: the 2,436 Militarized Interstate Disputes of MID 5.0. Originators are the
  participants with ``orig = 1``, joiners the others; side A took the first militarized
  action, so its originators are the initiators. About 297,900 pairs with 654 joiners.

The *candidates* of a conflict are all COW system members in its start year except its
originators. Each conflict is asked of a graph built from data before it: ATOP obligations
and major powers of the year before (less the alliance ties over by its first day, with those
signed in its year before that day: :mod:`~escalate.world.turnover`), land borders in force in
the start year, hostility from disputes begun in the ten years before (never the conflict
itself) and co-belligerence from those begun or ended in them. A state
counts as drawn in when the model has it fight (as an ally), not merely support a side.

Likelihoods are fitted out of sample: on the other wars for each war (leave one out), or
on the conflicts begun before a year, scoring the later ones (the disputes' default, 1990:
1,725 disputes to fit on, 711 to score), or, rolling, on the conflicts begun before each
later year, scoring that year's.

Baselines score the same pairs in the same run (:mod:`escalate.world.features`): a defence
obligation toward an originator, land contiguity with one, a dispute shared with one in
the ten years before, and the sum of the three; with COW v4.0 they reach ROC AUCs of 0.592,
0.658, 0.677 and 0.735 on the wars. Peers (:mod:`escalate.world.peers`, with scikit-learn)
are trained on the same training conflicts with the same features.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from escalate.engine.compile import compile_scenario
from escalate.engine.conditional import fighting_chances
from escalate.errors import FlareUpError
from escalate.likelihoods import HALF_LIFE, LikelihoodTable
from escalate.world import peers as peers_
from escalate.world.atop import WorldData
from escalate.world.calibrate import calibrate, leave_one_out
from escalate.world.calibrate import rolling as rolling_tables
from escalate.world.conflicts import KIND_NOUNS, GraphCache, War, conflicts, war_flare_up, war_graph
from escalate.world.features import BASELINES, FEATURES, ConflictFeatures, baseline_scores
from escalate.world.parallel import Workers, stderr_progress
from escalate.world.scores import (
    LOG_EDGES,
    Ranked,
    auc,
    auc_lead,
    brier,
    calibration,
    cluster_intervals,
    cluster_ranked,
    curves,
    expected_over_actual,
    score_intervals,
    top_k,
)

__all__ = [
    "BASELINES",
    "Prediction",
    "auc",
    "auc_difference",
    "backtest",
    "brier",
    "predict",
    "summary",
    "top_k",
]

#: Disputes begun before this year are fitted on, the later ones scored (the protocol's split).
DISPUTES_SPLIT = 1990


@dataclass
class Prediction:
    """The model's, the baselines' and the peers' scores for one (conflict, candidate) pair."""

    war: int  # the conflict's number (a dispute's is its MID number plus 100,000)
    ccode: int
    joined: bool
    actual_side: int | None
    probability: float
    side: int | None
    baselines: dict[str, float] = field(default_factory=dict)


def _model_task(data: WorldData, graphs: GraphCache, war: War, likelihoods: Any, samples: int,
                seed: int) -> dict[int, tuple[float, int | None]]:  # fmt: skip
    """The model's chance that each state fights in ``war`` (and its likelier side), by COW code."""
    table = likelihoods.get(war.number) if isinstance(likelihoods, Mapping) else likelihoods
    graph, names = war_graph(data, war, graphs)
    flare = war_flare_up(graph, war, names)
    if flare is None:
        return {}
    # Sampling with a fixed seed (exact enumeration of the larger wars takes minutes); small
    # chances read from the ties tried, not only counted (see escalate.engine.conditional).
    chances = fighting_chances(compile_scenario(graph, flare, table), samples=samples, seed=seed)
    codes = {name: code for code, name in names.items()}
    found: dict[int, tuple[float, int | None]] = {}
    for (actor, side), p in chances.items():
        if actor not in codes:
            continue
        code = codes[actor]
        total, best = found.get(code, (0.0, None))
        best_p = chances.get((actor, best), 0.0) if best is not None else -1.0
        found[code] = (total + p, side if p > best_p else best)
    return found


def predict(
    folder: str | os.PathLike[str],
    *,
    likelihoods: LikelihoodTable | Mapping[int, LikelihoodTable] | None = None,
    samples: int = 5000,
    seed: int = 0,
    only: Callable[[War], bool] | None = None,
    data: WorldData | None = None,
    kind: str = "wars",
    workers: Workers | None = None,
    features: ConflictFeatures | None = None,
) -> list[Prediction]:
    """Score every (conflict, candidate) pair of ``kind`` with the model and the baselines.

    ``likelihoods`` is one table for every conflict, or a table per conflict number (as
    :func:`~escalate.world.calibrate.leave_one_out` makes).
    """
    data = data or (workers.data if workers is not None else WorldData(folder))
    chosen = [c for c in conflicts(folder, kind) if only is None or only(c)]
    with contextlib.nullcontext(workers) if workers is not None else Workers(data, jobs=1) as pool:
        model = pool.map(_model_task, chosen, likelihoods, samples, seed, what="scoring")
    features = features or ConflictFeatures(data)
    predictions = []
    for c in chosen:
        states, rows = features(c)
        scores = baseline_scores(rows)
        for i, state in enumerate(states):
            p, side = model[c.number].get(state, (0.0, None))
            predictions.append(
                Prediction(
                    c.number,
                    state,
                    state in c.joiners,
                    c.joiners.get(state),
                    p,
                    side,
                    {name: float(scores[name][i]) for name in BASELINES},
                )  # fmt: skip
            )
    return predictions


def backtest(
    folder: str | os.PathLike[str],
    *,
    likelihoods: LikelihoodTable | None = None,
    calibrate_before: int | None = None,
    samples: int = 5000,
    seed: int = 0,
    kind: str = "wars",
    jobs: int | None = None,
    peers: bool = True,
    rolling: bool = False,
    half_life: float | None = None,
) -> dict[str, Any]:
    """The whole protocol: fit out of sample, score every conflict, summarise (see :func:`summary`).

    Likelihoods are fitted on the other conflicts for each conflict (leave one out; the
    wars' default), or on the conflicts before ``calibrate_before`` (then only the later ones
    are scored; the disputes' default is :data:`DISPUTES_SPLIT`). With ``rolling``, each year
    from ``calibrate_before`` (default :data:`DISPUTES_SPLIT`) on is scored with a table
    fitted on every conflict before it. A given ``likelihoods`` table scores every conflict
    as it is, and the figures are then not out of sample. The peers are trained on the same
    conflicts the likelihoods are fitted on. Fits weigh conflicts by era (``half_life``, 0: alike;
    by default :data:`~escalate.likelihoods.HALF_LIFE` before a year, alike leaving one out).
    """
    every = conflicts(folder, kind)
    if (kind != "wars" or rolling) and likelihoods is None and calibrate_before is None:
        calibrate_before = DISPUTES_SPLIT
    year = calibrate_before
    if year is not None and likelihoods is None and not any(c.start.year >= year for c in every):
        raise FlareUpError(
            f"no {KIND_NOUNS[kind][0]} began in {year} or later to score; choose an earlier year"
        )
    data = WorldData(folder)
    features = ConflictFeatures(data)  # the rules' and the peers' inputs, made once
    progress = stderr_progress("backtest")
    notes = [peers_.MISSING] if peers and not peers_.available() else []
    with Workers(data, jobs, progress) as workers, ThreadPoolExecutor(1) as aside:
        threads = workers.jobs  # for the bootstrap, once the workers are done
        fit = _fitted(
            folder, kind, likelihoods, year, workers, rolling=rolling, seed=seed, half_life=half_life
        )
        # Features and peers need no model: made while the workers score, not after (one core idle).
        peer_scores = aside.submit(_peer_scores, features, every, fit, peers and not notes)
        predictions = predict(folder, likelihoods=fit.tables, samples=samples, seed=seed, only=fit.scored,
                              kind=kind, workers=workers, features=features)  # fmt: skip
    if progress is not None:
        progress("done")
        sys.stderr.write("\n")
    found, seen = peer_scores.result(), Counter[int]()  # conflict -> peer -> scores of its candidates
    for p in predictions:  # a conflict's candidates in order
        p.baselines |= {name: float(values[seen[p.war]]) for name, values in found.get(p.war, {}).items()}
        seen[p.war] += 1
    figures = summary(predictions, jobs=threads)
    figures["model"]["out_of_sample"] = likelihoods is None
    # What the history calls one conflict and several, for whoever renders the figures.
    figures.update(
        conflicts=kind, nouns=list(KIND_NOUNS[kind]), likelihoods=fit.how, samples=samples, notes=notes
    )
    return figures


@dataclass(frozen=True)
class Fitted:
    """How the likelihoods that score each conflict were fitted, and so how the peers are trained."""

    tables: LikelihoodTable | Mapping[int, LikelihoodTable] | None
    how: str  # in words
    scored: Callable[[War], bool] | None  # the conflicts scored (None: all)
    trains: Callable[[War, War], bool]  # whether a conflict may train what scores another
    group: Callable[[War], object]  # conflicts scored by one fit share a group


def _fitted(
    folder: str | os.PathLike[str], kind: str, likelihoods: LikelihoodTable | None, year: int | None,
    workers: Workers, *, rolling: bool = False, seed: int = 0, half_life: float | None = None,
) -> Fitted:  # fmt: skip
    """The tables to score with, which conflicts they score, and how they were fitted (drawn with seed)."""
    noun, nouns = KIND_NOUNS[kind]
    half_life = (HALF_LIFE if year is not None else 0) if half_life is None else half_life  # by protocol
    span = f" (each counting half as much every {half_life:g} years away)" if half_life else ""
    half_life = half_life or None  # the fitters' "every conflict alike"
    if likelihoods is not None:
        how = f"one table for every conflict ({likelihoods.origin})"
        return Fitted(likelihoods, how, None, lambda train, c: True, lambda c: None)
    if year is not None:
        first = year

        def later(c: War) -> bool:
            return c.start.year >= first

        if rolling:
            tables = rolling_tables(folder, first, kind=kind, workers=workers, seed=seed, half_life=half_life)
            how = f"fitted on the {nouns}{span} before each year from {first} on, scored by year (rolling)"
            return Fitted(
                tables, how, later, lambda t, c: t.start.year < c.start.year, lambda c: c.start.year
            )
        table = calibrate(folder, only=lambda c: c.start.year < first, kind=kind, workers=workers, seed=seed,
                          half_life=half_life)  # fmt: skip
        how = f"fitted on the {nouns}{span} before {first}, scored on the later ones"
        return Fitted(table, how, later, lambda t, c: t.start.year < first, lambda c: None)
    how = f"fitted on the other {nouns}{span} for each {noun} (leave one out)"
    tables_ = leave_one_out(folder, kind=kind, workers=workers, seed=seed, half_life=half_life)
    return Fitted(tables_, how, None, lambda t, c: t.number != c.number, lambda c: c.number)


def _peer_scores(features: ConflictFeatures, every: Sequence[War], fit: Fitted,
                 peers: bool) -> dict[int, dict[str, Any]]:  # fmt: skip
    """Each peer's scores of the scored conflicts' candidates (as ``fit`` trains); their features first."""
    scored = [c for c in every if fit.scored is None or fit.scored(c)]
    rows = {}
    for c in [*scored, *every] if peers else scored:  # the scored first: the scoring reads theirs next
        states, found = features(c)
        rows[c.number] = (found, np.array([s in c.joiners for s in states]))

    def stacked(chosen: Sequence[War]) -> tuple[Any, Any]:
        parts = [rows[c.number] for c in chosen]
        if not parts:
            return np.zeros((0, len(FEATURES))), np.zeros(0, dtype=bool)
        return np.concatenate([x for x, _ in parts]), np.concatenate([y for _, y in parts])

    groups: dict[object, list[War]] = defaultdict(list)
    for c in scored if peers else ():
        groups[fit.group(c)].append(c)
    scores: dict[int, dict[str, Any]] = {}
    for group in groups.values():
        train_x, train_y = stacked([t for t in every if fit.trains(t, group[0])])
        test_x, _ = stacked(group)
        found = peers_.fit_and_score(train_x, train_y, test_x, threads=1)  # beside the busy workers
        cuts = np.cumsum([len(rows[c.number][1]) for c in group])[:-1]
        for name, values in found.items():
            for c, part in zip(group, np.split(np.asarray(values), cuts), strict=True):
                scores.setdefault(c.number, {})[name] = part
    return scores


# -- figures --------------------------------------------------------------------------------


def auc_difference(
    predictions: Sequence[Prediction], baseline: str, *, resamples: int = 500, seed: int = 0
) -> dict[str, float]:
    """Model AUC minus a baseline's, with a 90% interval from resampling whole conflicts."""
    labels = [p.joined for p in predictions]
    model = Ranked([p.probability for p in predictions], labels)
    other = Ranked([p.baselines[baseline] for p in predictions], labels)
    wars_ = [p.war for p in predictions]
    lead = auc_lead(*cluster_ranked(wars_, model, other))
    found = cluster_intervals(wars_, {}, by_cluster={"lead": lead}, resamples=resamples, seed=seed)
    low, high = found["lead"]
    return {"difference": model.auc() - other.auc(), "low_90": low, "high_90": high}


def summary(predictions: Sequence[Prediction], *, resamples: int = 500, seed: int = 0,
            jobs: int = 1) -> dict[str, Any]:  # fmt: skip
    """Model, baseline and peer figures over all pairs, with 90% intervals, and the per-conflict detail.

    A rule's score (a count of ties) is divided by its largest value to serve as a probability
    in its Brier score; a peer's is already a probability. ``jobs`` threads measure the bootstrap.
    """
    labels = np.array([p.joined for p in predictions], dtype=bool)
    probabilities = np.array([p.probability for p in predictions])
    clusters = [p.war for p in predictions]
    k = int(labels.sum())
    model_ranked = Ranked(probabilities, labels)
    others: dict[str, tuple[Ranked, Any]] = {}
    for name in predictions[0].baselines if predictions else ():
        scores = np.array([p.baselines[name] for p in predictions])
        as_probability = scores if name in peers_.PEERS else scores / (scores.max() or 1.0)
        others[name] = (Ranked(scores, labels), as_probability)
    scored = {"model": (model_ranked, probabilities)} | others
    ratio = {"model/expected_over_actual": expected_over_actual(probabilities, labels)}
    bootstrap = functools.partial(score_intervals, resamples=resamples, seed=seed, jobs=jobs)
    intervals = bootstrap(clusters, scored, lead_over="model", measures=ratio) if predictions else {}

    def figure(name: str, ranked: Ranked, as_probability: Any) -> dict[str, Any]:
        found: dict[str, Any] = {
            "auc": ranked.auc(), "average_precision": ranked.average_precision(),
            "brier": brier(as_probability, labels),
        }  # fmt: skip
        for measure in ("auc", "average_precision", "brier"):
            found[f"{measure}_90"] = list(intervals.get(f"{name}/{measure}", (float("nan"),) * 2))
        found["recall_at_k"] = top_k(ranked.scores, labels, k)[0]
        found["curves"] = curves(ranked.scores, labels)
        return found

    model = figure("model", model_ranked, probabilities) | {
        "top_k": k,
        "precision_at_k": top_k(probabilities, labels, k)[1],
        "side_accuracy": _side_accuracy(predictions, probabilities, k),
        "calibration": calibration(probabilities, labels),
        "reliability": calibration(probabilities, labels, LOG_EDGES),
        "pairs": len(predictions),
        "joiners": k,
        "expected_joiners": float(probabilities.sum()),
        "expected_over_actual_90": list(intervals.get("model/expected_over_actual", (float("nan"),) * 2)),
    }
    baselines = {}
    for name, (ranked, as_probability) in others.items():
        baselines[name] = figure(name, ranked, as_probability)
        low, high = intervals.get(f"{name}/lead", (float("nan"), float("nan")))
        baselines[name]["model_minus_baseline_auc"] = {
            "difference": model["auc"] - baselines[name]["auc"], "low_90": low, "high_90": high,
        }  # fmt: skip
        if name in peers_.PEERS:
            baselines[name]["calibration"] = calibration(as_probability, labels)
            baselines[name]["reliability"] = calibration(as_probability, labels, LOG_EDGES)
    detail = _by_conflict(predictions)
    model["conflicts"] = len(detail)
    return {"model": model, "baselines": baselines, "wars": detail}


def _side_accuracy(predictions: Sequence[Prediction], probabilities: Any, k: int) -> float | None:
    """Of the joiners among the ``k`` likeliest pairs, the share put on the side they joined."""
    hits = np.argsort(-probabilities, kind="stable")[:k]
    sided = [predictions[i] for i in hits if predictions[i].joined]
    return sum(p.side == p.actual_side for p in sided) / len(sided) if sided else None


def _by_conflict(predictions: Sequence[Prediction]) -> list[dict[str, Any]]:
    """Each conflict's predicted joiners (0.5 or more), actual joiners and expected count."""
    by_conflict: dict[int, list[Prediction]] = defaultdict(list)
    for p in predictions:
        by_conflict[p.war].append(p)
    return [
        {
            "war": number,
            "predicted": [p.ccode for p in sorted(ps, key=lambda p: -p.probability) if p.probability >= 0.5],
            "actual": sorted(p.ccode for p in ps if p.joined),
            "expected_joiners": round(sum(p.probability for p in ps), 4),
        }
        for number, ps in sorted(by_conflict.items())
    ]
