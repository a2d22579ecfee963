"""Render results as text for people or JSON for programs (returns strings, never prints).

Examples
--------
>>> from escalate import build_scenario, escalation_paths
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}},
...     relations=[{"type": "guarantee", "from": "C", "to": "A", "likelihood": 0.5}])
>>> print(table(escalation_paths(s, "A", "B")).splitlines()[5])
C      A           50.0%  ally
"""

from __future__ import annotations

import textwrap
from typing import Any

from escalate.analysis.result import EscalationData, Party

#: Parties less likely than this are counted, not listed (a world graph has hundreds).
MIN_PROBABILITY = 0.01


def table(result: EscalationData, *, width: int = 100, min_probability: float = MIN_PROBABILITY) -> str:
    """A readable report: a header, one row per party (most likely first), then the paths.

    Parties below ``min_probability`` are left out of the rows and the paths, and a line
    says how many.
    """
    lines = [header(result), ""]
    if not result.parties:
        return "\n".join([*lines, "No outside party is drawn in."])
    shown = [p for p in result.parties if p.probability >= min_probability]
    rows = [("actor", "side", "probability", "role")]
    for party in shown:
        mark = " *" if party.cross_pressured else ""
        rows.append((party.actor + mark, party.side or "-", _percent(result, party), party.role))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        actor, side, probability, role = row
        lines.append(
            f"{actor:<{widths[0]}}  {side:<{widths[1]}}  {probability:>{widths[2]}}  {role}".rstrip()
        )
    hidden = len(result.parties) - len(shown)
    if hidden:
        lines.append(
            f"... and {hidden:,} more below {100 * min_probability:g}% (--min-probability 0 lists them all)"
        )
    if any(p.cross_pressured for p in shown):
        lines += ["", "* cross-pressured: its ties pull it toward both sides."]
    lines += ["", "How each party is drawn in (most likely chains first):"]
    for party in shown:
        where = f"on {party.side}'s side" if party.side else "as a mediator"
        lines.append(f"{party.actor}, {where}: {_percent(result, party).strip()}")
        for number, path in enumerate(party.paths, start=1):
            text = f"{number}. [{path.probability:.3g}] {path.explanation}"
            lines += textwrap.wrap(text, width=width, initial_indent="  ", subsequent_indent="     ")
    return "\n".join(lines)


def flare_up_line(result: EscalationData) -> str:
    """``A vs B (who attacks); theatre: ...; as of ...``: the question, in one line."""
    a, b = result.side_names()
    who = f"{result.initiator} attacks" if result.initiator else "no initiator"
    when = f"as of {result.as_of.isoformat()}" if result.as_of else "all relations"
    return f"{a} vs {b} ({who}); theatre: {', '.join(result.theatre)}; {when}"


def header(result: EscalationData) -> str:
    """Three lines naming the scenario, the flare-up and how the numbers were computed."""
    title = f": {result.scenario.title}" if result.scenario.title else ""
    if result.method == "exact":
        how = f"exact, {result.outcomes:,} outcomes enumerated"
    else:
        how = f"Monte Carlo, {result.samples:,} samples, seed {result.seed}"
        if result.samples_requested and result.samples_requested > (result.samples or 0):
            how += f" (stopped at the work bound; {result.samples_requested:,} asked)"
    return "\n".join(
        [
            f"Flare-up: {flare_up_line(result)}",
            f"Scenario: {result.scenario.name}{title}",
            f"Method: {how}; likelihoods: {result.likelihoods}",
        ]
    )


def _percent(result: EscalationData, party: Party) -> str:
    text = f"{100 * party.probability:.1f}%"
    if result.method != "exact":
        text += f" ±{100 * party.stderr:.1f}"
    return text


# -- a backtest's figures ---------------------------------------------------------------------


def backtest_text(figures: dict[str, Any]) -> str:
    """A backtest's figures (:func:`escalate.world.backtest.backtest`) as text tables.

    The model beside the rules and peers (with 90% intervals from resampling whole
    conflicts), expected against actual joiners, side accuracy, then the calibration tables.
    """
    model = figures["model"]
    noun = figures.get("nouns", ("conflict", "conflicts"))[0]
    lines = [
        f"{model['pairs']:,} ({noun}, state) pairs in {model['conflicts']:,} {noun}s, "
        f"{model['joiners']} joiners; graphs from data before each {noun}; "
        f"likelihoods: {figures.get('likelihoods', 'defaults')}",
        "",
        f"{'':<24}{'ROC AUC':<22}{'average precision':<22}{'Brier':<24}{'recall@' + str(model['top_k']):>10}"
        f"   model's AUC lead",
        _score_row("escalate", model),
    ]
    for name, found in figures["baselines"].items():
        lead = found["model_minus_baseline_auc"]
        lines.append(
            _score_row(name, found)
            + f"   {lead['difference']:+.3f} [{lead['low_90']:+.3f}, {lead['high_90']:+.3f}]"
        )
    side = model["side_accuracy"]
    conflicts = max(model.get("conflicts", 1), 1)
    low, high = model.get("expected_over_actual_90", (float("nan"), float("nan")))
    lines += [
        "",
        "[...]: 90% interval from resampling whole " + noun + "s",
        f"joiners: {model['expected_joiners']:.1f} expected, {model['joiners']} actual "
        f"({model['expected_joiners'] / conflicts:.3f} and {model['joiners'] / conflicts:.3f} "
        f"per {noun}); "
        f"expected / actual {model['expected_joiners'] / max(model['joiners'], 1):.2f} "
        f"[{low:.2f}, {high:.2f}]",
        f"side accuracy of joiners in the model's top {model['top_k']}: "
        + ("n/a" if side is None else f"{side:.2f}"),
    ]
    tables = [("escalate", model), *((n, f) for n, f in figures["baselines"].items() if "calibration" in f)]
    for name, found in tables:
        lines += ["", f"calibration of {name}:  predicted  observed  pairs"]
        lines += [
            f"  {row['low']:.1f}-{row['high']:.1f}{'':<{len(name) + 5}}{row['predicted']:8.4f}"
            f"  {row['observed']:8.4f}  {row['pairs']:7,d}"
            for row in found["calibration"]
        ]
    return "\n".join(lines)


def _score_row(name: str, found: dict[str, Any]) -> str:
    def cell(measure: str, digits: int) -> str:
        low, high = found.get(f"{measure}_90", (float("nan"), float("nan")))
        return f"{found[measure]:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"

    return (
        f"{name:<24}{cell('auc', 3):<22}{cell('average_precision', 3):<22}{cell('brier', 4):<24}"
        f"{found['recall_at_k']:>10.3f}"
    )
