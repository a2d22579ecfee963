"""A result as tables for notebooks: a pandas DataFrame (pandas is optional) and HTML for Jupyter.

Examples
--------
>>> from escalate import build_scenario, escalation_paths
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}},
...     relations=[{"type": "hostility", "between": ["C", "B"], "likelihood": 0.5}])
>>> "<td>C</td>" in result_html(escalation_paths(s, "A", "B"))
True
"""

from __future__ import annotations

from html import escape
from typing import Any

from escalate.analysis.result import EscalationData
from escalate.model.tables import require_pandas

PARTY_COLUMNS = (
    "actor",
    "side",
    "role",
    "probability",
    "stderr",
    "cross_pressured",
    "best_path",
    "best_path_probability",
)


def parties_frame(result: EscalationData) -> Any:
    """One row per party and side (:data:`PARTY_COLUMNS`), with its most likely path in words."""
    rows = [
        (p.actor, p.side, p.role, p.probability, p.stderr, p.cross_pressured,
         p.paths[0].explanation if p.paths else None, p.paths[0].probability if p.paths else None)
        for p in result.parties
    ]  # fmt: skip
    return require_pandas().DataFrame(rows, columns=list(PARTY_COLUMNS))


def result_html(result: EscalationData) -> str:
    """A compact HTML table of the parties, for Jupyter."""
    a, b = result.side_names()
    rows = "".join(
        f"<tr><td>{escape(p.actor)}</td><td>{escape(p.side or '-')}</td>"
        f"<td style='text-align:right'>{100 * p.probability:.1f}%</td><td>{escape(p.role)}</td>"
        f"<td>{escape(p.paths[0].explanation) if p.paths else ''}</td></tr>"
        for p in result.parties
    )
    how = "exact" if result.method == "exact" else f"Monte Carlo, {result.samples:,} samples"
    return (
        f"<div><p><b>{escape(a)} vs {escape(b)}</b> &middot; "
        f"{escape(result.scenario.name)} &middot; {how}</p>"
        "<table><thead><tr><th>actor</th><th>side</th><th>probability</th><th>role</th>"
        f"<th>most likely path</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )
