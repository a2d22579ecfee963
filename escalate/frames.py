"""Tables for notebooks: pandas DataFrames (pandas is optional) and HTML for Jupyter.

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
from typing import TYPE_CHECKING, Any

from escalate.errors import EscalateError
from escalate.model import Scenario

if TYPE_CHECKING:
    from escalate.analysis import Escalation


def require_pandas() -> Any:
    """Import pandas, or say which extra installs it."""
    try:
        import pandas  # type: ignore[import-untyped,unused-ignore]
    except ImportError as exc:
        raise EscalateError("to_frame() needs pandas: pip install 'escalate[pandas]'") from exc
    return pandas


RELATION_COLUMNS = (
    "type",
    "from",
    "to",
    "level",
    "likelihood",
    "covers",
    "since",
    "until",
    "source",
    "quote",
    "note",
)
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


def relations_frame(scenario: Scenario) -> Any:
    """One row per relation, with the columns :data:`RELATION_COLUMNS`."""
    rows = [
        (r.type.value, r.origin, ", ".join(r.targets), r.level.value if r.level else None, r.likelihood,
         ", ".join(r.covers) or None, r.since, r.until, r.source, r.quote, r.note)
        for r in scenario.relations
    ]  # fmt: skip
    return require_pandas().DataFrame(rows, columns=list(RELATION_COLUMNS))


def parties_frame(result: Escalation) -> Any:
    """One row per party and side (:data:`PARTY_COLUMNS`), with its most likely path in words."""
    rows = [
        (p.actor, p.side, p.role, p.probability, p.stderr, p.cross_pressured,
         p.paths[0].explanation if p.paths else None, p.paths[0].probability if p.paths else None)
        for p in result.parties
    ]  # fmt: skip
    return require_pandas().DataFrame(rows, columns=list(PARTY_COLUMNS))


def result_html(result: Escalation) -> str:
    """A compact HTML table of the parties, for Jupyter."""
    a, b = result.belligerents
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


def scenario_html(scenario: Scenario) -> str:
    """A compact HTML summary of a scenario: its actors and their relations."""
    counts: dict[str, int] = dict.fromkeys(scenario.actors, 0)
    for relation in scenario.relations:
        for actor in relation.actors:
            counts[actor] += 1
    rows = "".join(
        f"<tr><td>{escape(a.id)}</td><td>{escape(a.kind.value)}</td><td>{escape(', '.join(a.aliases))}</td>"
        f"<td style='text-align:right'>{counts[a.id]}</td></tr>"
        for a in scenario.actors.values()
    )
    title = escape(scenario.title or scenario.name)
    return (
        f"<div><p><b>{title}</b> &middot; "
        f"{len(scenario.actors)} actors, {len(scenario.relations)} relations</p>"
        "<table><thead><tr><th>actor</th><th>kind</th><th>aliases</th><th>relations</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )
