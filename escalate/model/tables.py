"""A scenario as tables for notebooks: a pandas DataFrame (pandas is optional) and HTML for Jupyter.

Examples
--------
>>> from escalate import build_scenario
>>> s = build_scenario(actors={"A": {}, "B": {}}, relations=[{"type": "hostility", "between": ["A", "B"]}])
>>> "<td>A</td><td>state</td>" in s._repr_html_()
True
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from escalate.errors import EscalateError
from escalate.model.elements import Actor, Relation


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


def relations_frame(relations: Iterable[Relation]) -> Any:
    """One row per relation, with the columns :data:`RELATION_COLUMNS`."""
    rows = [
        (r.type.value, r.origin, ", ".join(r.targets), r.level.value if r.level else None, r.likelihood,
         ", ".join(r.covers) or None, r.since, r.until, r.source, r.quote, r.note)
        for r in relations
    ]  # fmt: skip
    return require_pandas().DataFrame(rows, columns=list(RELATION_COLUMNS))


def scenario_html(title: str, actors: Iterable[Actor], relations: Iterable[Relation]) -> str:
    """A compact HTML summary of a scenario: its actors and how many relations each has."""
    actors = list(actors)
    relations = list(relations)
    counts: dict[str, int] = {a.id: 0 for a in actors}
    for relation in relations:
        for actor in relation.actors:
            counts[actor] += 1
    rows = "".join(
        f"<tr><td>{escape(a.id)}</td><td>{escape(a.kind.value)}</td><td>{escape(', '.join(a.aliases))}</td>"
        f"<td style='text-align:right'>{counts[a.id]}</td></tr>"
        for a in actors
    )
    return (
        f"<div><p><b>{escape(title)}</b> &middot; "
        f"{len(actors)} actors, {len(relations)} relations</p>"
        "<table><thead><tr><th>actor</th><th>kind</th><th>aliases</th><th>relations</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )
