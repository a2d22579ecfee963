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

from escalate.analysis import Escalation, Party

#: Parties less likely than this are counted, not listed (a world graph has hundreds).
MIN_PROBABILITY = 0.01


def table(result: Escalation, *, width: int = 100, min_probability: float = MIN_PROBABILITY) -> str:
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


def flare_up_line(result: Escalation) -> str:
    """``A vs B (who attacks); theatre: ...; as of ...``: the question, in one line."""
    a, b = result.belligerents
    who = f"{result.initiator} attacks" if result.initiator else "no initiator"
    when = f"as of {result.as_of.isoformat()}" if result.as_of else "all relations"
    return f"{a} vs {b} ({who}); theatre: {', '.join(result.theatre)}; {when}"


def header(result: Escalation) -> str:
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


def _percent(result: Escalation, party: Party) -> str:
    text = f"{100 * party.probability:.1f}%"
    if result.method != "exact":
        text += f" ±{100 * party.stderr:.1f}"
    return text
