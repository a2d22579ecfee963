"""Checking the fields of scenario data one by one, with the file line each problem is on.

tomllib gives no line for a value, so :class:`LineIndex` finds the line of a top-level
key, an actor or the n-th relation by scanning the file's text.

Examples
--------
>>> LineIndex(chr(10).join(["name = 'x'", "[actors]", "A = {}"])).actors
{'A': 3}
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from escalate.errors import close_matches, did_you_mean, show_value
from escalate.model.elements import (
    BackingLevel,
    HostilityLevel,
    Source,
)

_Level = TypeVar("_Level", BackingLevel, HostilityLevel)
#: Unicode's control characters (category Cc) but tab and newline, which a text may hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

ACTOR_KEYS = (
    "kind", "aliases", "located_in", "members", "collective_defense", "major_power", "likelihood", "source",
    "note",
)  # fmt: skip
SOURCE_KEYS = ("title", "date", "url", "publisher", "note")
RELATION_KEYS = (
    "type", "from", "to", "between", "level", "likelihood", "covers",
    "since", "until", "source", "quote", "note",
)  # fmt: skip


def composed(value: Any) -> Any:
    """``value`` with every string in it, keys included, in NFC form (a new copy of each table and list)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Mapping):
        keys = [composed(k) for k in value]
        if len(set(keys)) < len(keys):  # two keys alike but for their form: the checks name both
            keys = list(value)
        return {k: composed(v) for k, v in zip(keys, value.values(), strict=True)}
    if isinstance(value, list | tuple):
        return [composed(v) for v in value]
    return value


class LineIndex:
    """Finds the line of a top-level key, an actor or the n-th relation by scanning the text."""

    def __init__(self, text: str) -> None:
        self.keys: dict[str, int] = {}
        self.actors: dict[str, int] = {}
        self.relations: list[int] = []
        self.sources: dict[str, int] = {}
        table: str | None = None
        in_relation_array = False
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if in_relation_array:
                if stripped.startswith("]"):
                    in_relation_array = False
                elif stripped.startswith("{"):
                    self.relations.extend([number] * max(1, stripped.count("}, {") + 1))
                elif stripped and not stripped.startswith("#"):
                    self.relations.append(number)
                continue
            if stripped.startswith("[[relations]]"):
                table = "relations"
                self.relations.append(number)
                continue
            header = re.match(r"\[\s*([A-Za-z_]+)(?:\s*\.\s*(\"[^\"]*\"|'[^']*'|[^\]\s]+))?\s*\]", stripped)
            if header and not stripped.startswith("[["):
                table, sub = header.group(1), header.group(2)
                if sub:
                    name = _key_name(sub)
                    target = self.actors if table == "actors" else self.sources
                    target.setdefault(name, number)
                continue
            key = re.match(r"(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)\s*=", stripped)
            if not key:
                continue
            name = _key_name(key.group(1))
            if table is None:
                self.keys.setdefault(name, number)
                if name == "relations" and stripped.rstrip().endswith("["):
                    in_relation_array = True
                elif name == "relations" and "{" in stripped:
                    self.relations.extend([number] * stripped.count("{"))
            elif table == "actors":
                self.actors.setdefault(name, number)
            elif table == "sources":
                self.sources.setdefault(name, number)

    def relation(self, index: int) -> int | None:
        """The line of relation number ``index`` (from 0), when the scan found it."""
        return self.relations[index] if index < len(self.relations) else None


class FieldChecker:
    """Collects every problem of one file; checks one field at a time."""

    def __init__(self, path: Path | None, lines: LineIndex) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[str] = []
        self.inherited: frozenset[str] = frozenset()  # actor ids from the scenario extended

    def problem(self, line: int | None, message: str) -> None:
        """Record one problem at ``line`` of the file (``file:line: message``)."""
        where = str(self.path) if self.path is not None else "<scenario>"
        self.problems.append(f"{where}:{line}: {message}" if line else f"{where}: {message}")

    def unknown_keys(self, table: Mapping[str, Any], allowed: Iterable[str], what: str, line: Any) -> None:
        """Report each key of ``table`` that is not ``allowed``, with a did-you-mean."""
        allowed = list(allowed)
        for key in table:
            if key not in allowed:
                hint = did_you_mean(close_matches(key, allowed)) or f"; allowed: {', '.join(allowed)}"
                self.problem(line(key) if callable(line) else line, f"unknown {what} {key!r}{hint}")

    def text(self, table: Mapping[str, Any], key: str, line: int | None, where: str) -> str | None:
        """The non-empty string at ``table[key]``, or None (reported unless absent)."""
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(line, f"{where}: '{key}' must be a non-empty string, not {show_value(value)}")
            return None
        control = _CONTROL.search(value)
        if control is not None:  # an escape sequence would reach the terminal that prints it
            self.problem(
                line, f"{where}: '{key}' holds a control character (U+{ord(control[0]):04X}); remove it"
            )
            return None
        return value

    def date(self, value: Any, line: int | None, where: str) -> dt.date | None:
        """A date (or ISO date text) as a ``datetime.date``, or None (reported unless absent)."""
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(line, f"{where}: bad date {show_value(value)}; write a date as 2020-09-28")
        return None

    def likelihood(self, value: Any, line: int | None, where: str) -> float | None:
        """A probability from 0 to 1, or None (reported unless absent)."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(line, f"{where}: likelihood must be a number from 0 to 1, not {show_value(value)}")
            return None
        if not 0 <= value <= 1:  # compared as it is: a 400-digit integer is no float
            text = str(value) if len(str(value)) <= 24 else f"{str(value)[:20]}..."
            self.problem(line, f"{where}: likelihood {text} is outside 0..1; use a probability such as 0.75")
            return None
        return float(value)

    def name_list(self, value: Any, line: int | None, where: str, key: str) -> list[str] | None:
        """One name or a list of names as a list, or None (reported unless absent)."""
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        self.problem(line, f"{where}: '{key}' must be a name or a list of names, not {show_value(value)}")
        return None

    # -- sources ----------------------------------------------------------------

    def level(self, raw: Any, kind: type[_Level], line: int | None, lead: str) -> _Level | None:
        """The level ``raw`` names among ``kind``'s values; else a problem with a did-you-mean."""
        allowed = [lv.value for lv in kind]
        if raw in allowed:
            return kind(raw)
        hint = did_you_mean(close_matches(str(raw), allowed))
        self.problem(line, f"{lead} one of {', '.join(allowed)}, not {show_value(raw)}{hint}")
        return None

    def check_source(self, source: Any, sources: Mapping[str, Source], line: int | None, where: str) -> None:
        """A ``source`` must be the key of a source defined under ``[sources]``."""
        if source is None:
            return
        if not isinstance(source, str):
            self.problem(line, f"{where}: 'source' must be the key of a source, not {show_value(source)}")
        elif source not in sources:
            hint = did_you_mean(close_matches(source, sources)) or "; define it under [sources]"
            self.problem(line, f"{where}: unknown source {show_value(source)}{hint}")


def _key_name(raw: str) -> str:
    """A key as TOML reads it: quotes off, and the escapes of a basic string decoded."""
    if raw.startswith('"') and "\\" in raw:
        try:
            return str(tomllib.loads(f"k = {raw}")["k"])
        except tomllib.TOMLDecodeError:
            pass
    return raw.strip("\"'")
