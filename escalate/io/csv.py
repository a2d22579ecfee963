"""Scenarios as spreadsheets: CSV files as Kumu and spreadsheet users expect.

A scenario is ``NAME.csv`` (relations: From, To, Type, Level, Likelihood, Covers, Since,
Until, Source, Quote, Note; several names separated by ``;``), with ``NAME-actors.csv``
(Label, Kind, Aliases, Located In, Members, Collective Defense, Major Power, Likelihood, Source, Note) and
``NAME-sources.csv`` (Key, Title, Date, URL, Publisher, Note) beside it. A lone relations
file works too: its actors are taken as plain states.

Examples
--------
>>> import tempfile, pathlib, warnings
>>> from escalate import load_scenario
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     write_csv(load_scenario(), folder / "nk.csv")
>>> sorted(p.name for p in folder.iterdir())
['nk-actors.csv', 'nk-sources.csv', 'nk.csv']
"""

from __future__ import annotations

import contextlib
import csv
import io
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from escalate.errors import EscalateWarning, GraphFileError, OutputError, close_matches, did_you_mean
from escalate.io.files import atomic_write, read_text, refuse_unreadable_size
from escalate.model import (
    SYMMETRIC_TYPE_NAMES,
    Actor,
    Relation,
    Scenario,
    drop_none,
    relation_to_data,
    scenario_from_data,
)

_RELATION_COLUMNS = (
    "From",
    "To",
    "Type",
    "Level",
    "Likelihood",
    "Covers",
    "Since",
    "Until",
    "Source",
    "Quote",
    "Note",
)
_ACTOR_COLUMNS = (
    "Label",
    "Kind",
    "Aliases",
    "Located In",
    "Members",
    "Collective Defense",
    "Major Power",
    "Likelihood",
    "Source",
    "Note",
)
_SOURCE_COLUMNS = ("Key", "Title", "Date", "URL", "Publisher", "Note")


def siblings(path: Path) -> tuple[Path, Path]:
    """The actors and sources tables beside a relations CSV."""
    return path.with_name(f"{path.stem}-actors.csv"), path.with_name(f"{path.stem}-sources.csv")


def write_csv(scenario: Scenario, path: Path) -> None:
    """Write NAME.csv, NAME-actors.csv and NAME-sources.csv atomically (warns what is lost)."""
    _refuse_names_csv_would_change(scenario, path)
    actors_path, sources_path = siblings(path)
    rows = [_relation_row(r) for r in scenario.relations]
    actors = [_actor_row(a) for a in scenario.actors.values()]
    sources = [
        [s.key, s.title, s.date or "", s.url or "", s.publisher or "", s.note or ""]
        for s in scenario.sources.values()
    ]
    lost = [k for k in ("title", "as_of") if getattr(scenario, k)]
    if lost:
        warnings.warn(f"CSV cannot hold the scenario's {' and '.join(lost)}", EscalateWarning, stacklevel=3)
    # All three files or none: each is moved into place only once every one is written (the
    # stack closes the writes in turn; a failure in any removes every temporary file).
    payloads = []
    for target, header, body in (
        (actors_path, _ACTOR_COLUMNS, actors),
        (sources_path, _SOURCE_COLUMNS, sources),
        (path, _RELATION_COLUMNS, rows),
    ):
        payloads.append((target, _csv_bytes(header, body)))
        refuse_unreadable_size(target, payloads[-1][1])
    with contextlib.ExitStack() as stack:
        for target, payload in payloads:
            stack.enter_context(atomic_write(target)).write(payload)


def _relation_row(r: Relation) -> list[Any]:
    """One relation as a row of NAME.csv, in the order of ``_RELATION_COLUMNS``."""
    d = relation_to_data(r)
    ends = d.get("between") or [d["from"], d["to"]]
    to = ends[1] if not isinstance(ends[1], list) else ";".join(ends[1])
    return [
        ends[0],
        to,
        d["type"],
        d.get("level", ""),
        d.get("likelihood", ""),
        ";".join(d.get("covers", [])),
        d.get("since", ""),
        d.get("until", ""),
        d.get("source", ""),
        d.get("quote", ""),
        d.get("note", ""),
    ]


def _actor_row(a: Actor) -> list[Any]:
    """One actor as a row of NAME-actors.csv, in the order of ``_ACTOR_COLUMNS``."""
    return [
        a.id,
        a.kind.value,
        ";".join(a.aliases),
        a.located_in or "",
        ";".join(a.members),
        "true" if a.collective_defense else "",
        "true" if a.major_power else "",
        "" if a.likelihood is None else a.likelihood,
        a.source or "",
        a.note or "",
    ]


def _csv_bytes(header: Iterable[str], body: Iterable[list[Any]]) -> bytes:
    """A CSV file's bytes: the header, then each row with formula-like cells neutralised."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(value) for value in row] for row in body])
    return text.getvalue().encode()


def _refuse_names_csv_would_change(scenario: Scenario, path: Path) -> None:
    """A name CSV would read back as another (split at ``;``, or trimmed) is an OutputError."""
    bad = [
        (f"actor {a.id!r}" if name == a.id else f"alias {name!r} of {a.id!r}")
        for a in scenario.actors.values()
        for name in (a.id, *a.aliases)
        if ";" in name or name != name.strip()
    ]
    bad += [f"source key {key!r}" for key in scenario.sources if key != key.strip()]
    if bad:
        shown = ", ".join(bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
        raise OutputError(
            f"cannot write {path}: CSV separates names with ';' and trims cells, so {shown} would "
            "read back as another name; rename it, or write .toml or .json instead"
        )


def _rows(path: Path, text: str, required: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        hint = "; ".join(f"{c!r}{did_you_mean(close_matches(c, header))}" for c in missing)
        shown = ", ".join(repr(c) if c != c.strip() or not c.isprintable() else c for c in header)
        raise GraphFileError(path, [f"{path}:1: missing column {hint}; the header is {shown or 'empty'}"])
    rows = []
    try:
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                count = "more" if None in row else "fewer"
                message = f"{path}:{reader.line_num}: row has {count} fields than the header"
                raise GraphFileError(path, [message])
            rows.append((reader.line_num, {k: _uncell(v).strip() for k, v in row.items() if v and v.strip()}))
    except csv.Error as exc:
        raise GraphFileError(path, [f"{path}:{reader.line_num}: invalid CSV: {exc}"]) from exc
    return rows


#: A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, neutralised with a leading quote.

    A cell that already starts with quotes before such a character gets one more, so that
    :func:`_uncell` gives back exactly what was written.

    Examples
    --------
    >>> _cell("=HYPERLINK(1)"), _cell("Russia"), _cell(0.5), _cell("'=x")
    ("'=HYPERLINK(1)", 'Russia', 0.5, "''=x")
    """
    if isinstance(value, str) and value.lstrip("'").startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _uncell(value: str) -> str:
    """Read back a cell that :func:`_cell` neutralised: the text as it was.

    Examples
    --------
    >>> _uncell("'=HYPERLINK(1)"), _uncell("'quoted"), _uncell("''=x")
    ('=HYPERLINK(1)', "'quoted", "'=x")
    """
    if value.startswith("'") and value.lstrip("'").startswith(_FORMULA_STARTS):
        return value[1:]
    return value


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def read_csv(path: Path, text: str) -> Scenario:
    """Read a relations CSV (``text``), with its -actors.csv and -sources.csv if beside it."""
    actors_path, sources_path = siblings(path)
    relations: list[dict[str, Any]] = []
    actors: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for line, row in _rows(path, text, ("From", "To", "Type")):
        relation = _relation_data(row, f"{path}:{line}", problems)
        relations.append(relation)
        for name in (relation.get("from"), *relation.get("between", []), *_split(row.get("To"))):
            if name:
                actors.setdefault(name, {})
    if problems:
        raise GraphFileError(path, problems)
    if actors_path.exists():
        actors = _read_actors(actors_path)
    elif any(r.get("source") for r in relations):
        warnings.warn(
            f"{path}: no {actors_path.name} beside it; actors are taken as plain states",
            EscalateWarning,
            stacklevel=3,
        )
    sources = {}
    if sources_path.exists():
        for _, row in _rows(sources_path, read_text(sources_path), ("Key", "Title")):
            sources[row["Key"]] = drop_none(
                {
                    "title": row.get("Title"),
                    "date": row.get("Date"),
                    "url": row.get("URL"),
                    "publisher": row.get("Publisher"),
                    "note": row.get("Note"),
                }
            )
    data = {"name": path.stem, "relations": relations, "actors": actors, "sources": sources}
    return scenario_from_data(data, path=path, text=_relation_lines(text))


def _relation_data(row: dict[str, str], where: str, problems: list[str]) -> dict[str, Any]:
    """One row of a relations CSV as a relation's data; a bad likelihood goes to ``problems``."""
    kind = row.get("Type", "")
    relation: dict[str, Any] = {"type": kind}
    targets = _split(row.get("To"))
    if kind in SYMMETRIC_TYPE_NAMES:
        relation["between"] = [row.get("From", ""), *targets]
    else:
        relation["from"] = row.get("From", "")
        relation["to"] = targets if kind == "mediation" else (targets[0] if len(targets) == 1 else targets)
    for column in _RELATION_COLUMNS[3:]:
        if column in row:
            value: Any = row[column]
            if column == "Likelihood":
                try:
                    value = float(value)
                except ValueError:
                    problems.append(f"{where}: Likelihood {value!r} is not a number; use one such as 0.75")
                    continue
            elif column == "Covers":
                value = _split(value)
            relation[column.lower()] = value
    return relation


def _read_actors(actors_path: Path) -> dict[str, dict[str, Any]]:
    """The actors table beside a relations CSV: each actor's data by its label."""
    actors = {}
    first_line: dict[str, int] = {}
    for line, row in _rows(actors_path, read_text(actors_path), ("Label",)):
        if "Label" not in row:
            raise GraphFileError(
                actors_path, [f"{actors_path}:{line}: Label is empty; every actor needs a name"]
            )
        if row["Label"] in first_line:
            again = f"{row['Label']!r} is listed again (first at line {first_line[row['Label']]})"
            raise GraphFileError(actors_path, [f"{actors_path}:{line}: {again}"])
        first_line[row["Label"]] = line
        actors[row["Label"]] = drop_none(
            {
                "kind": row.get("Kind"),
                "aliases": _split(row.get("Aliases")) or None,
                "located_in": row.get("Located In"),
                "members": _split(row.get("Members")) or None,
                "collective_defense": _flag(actors_path, line, row, "Collective Defense"),
                "major_power": _flag(actors_path, line, row, "Major Power"),
                "likelihood": float(row["Likelihood"])
                if _is_number(row.get("Likelihood"))
                else row.get("Likelihood"),
                "source": row.get("Source"),
                "note": row.get("Note"),
            }
        )
    return actors


def _flag(path: Path, line: int, row: dict[str, str], column: str) -> bool | None:
    """A yes-or-no column: ``true``, or ``false`` or empty (None); anything else is an error."""
    value = row.get(column, "").strip().lower()
    if value not in ("true", "false", ""):
        raise GraphFileError(path, [f"{path}:{line}: {column} must be true or false, not {row[column]!r}"])
    return True if value == "true" else None


def _is_number(value: str | None) -> bool:
    try:
        float(value or "")
    except ValueError:
        return False
    return True


def _relation_lines(text: str) -> str:
    """Text whose line scan maps relation #n to its CSV row (the header is line 1)."""
    count = max(0, len(text.splitlines()) - 1)
    return "relations = [\n" + "{}\n" * count + "]\n"
