"""Find and read scenario files: bundled names, paths, ``extends``, size and encoding checks.

Files are TOML, parsed with the standard library's tomllib; :mod:`escalate.validation`
checks the data and reports every problem of a file at once.

Examples
--------
>>> s = load_scenario()                       # the bundled default
>>> s.name
'nagorno-karabakh-2020'
>>> sorted(name for name, _ in bundled_scenarios())[:1]
['caucasus-2020']
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from escalate.errors import GraphFileError, UnknownActorError, close_matches
from escalate.model import Scenario
from escalate.validation import LineIndex, show_value
from escalate.validation import scenario_from_data as scenario_from_data  # re-exported

#: The scenario ``escalate paths`` uses when no ``--graph`` is given.
DEFAULT_SCENARIO = "nagorno-karabakh-2020"
#: Larger scenario files are refused before they are parsed.
MAX_FILE_BYTES = 20 * 1024 * 1024


def bundled_dir() -> Path:
    """The folder of the scenario files shipped with escalate."""
    packaged = Path(str(resources.files("escalate"))) / "graphs"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "graphs"  # a source checkout


def bundled_scenarios() -> list[tuple[str, str]]:
    """List the bundled scenarios as ``(name, title)`` pairs, sorted by name.

    Examples
    --------
    >>> dict(bundled_scenarios())["nagorno-karabakh-2020"]
    'Nagorno-Karabakh flare-up, 27-28 September 2020'
    """
    found = []
    for path in sorted(bundled_dir().glob("*.toml")):
        with path.open("rb") as f:
            data = tomllib.load(f)
        found.append((path.stem, str(data.get("title", ""))))
    return found


def bundled_path(name: str) -> Path:
    """The path of the bundled scenario ``name``; never a file outside the bundled folder.

    Raises :class:`~escalate.errors.UnknownActorError` (``what="scenario"``) with suggestions.
    """
    names = [n for n, _ in bundled_scenarios()]
    if name not in names:
        raise UnknownActorError(name, close_matches(name, names), what="scenario")
    return bundled_dir() / f"{name}.toml"


def is_path_like(graph: str | os.PathLike[str]) -> bool:
    """Whether ``--graph`` names a file (it has a separator or a suffix) rather than a bundled name."""
    text = os.fspath(graph)
    return isinstance(graph, os.PathLike) or "/" in text or os.sep in text or "." in text


def load_scenario(graph: str | os.PathLike[str] | None = None) -> Scenario:
    """Load a scenario: a bundled name, a file path, or the default when None.

    A path ending in .json, .graphml, .gexf or .csv is read as that interchange format.

    Examples
    --------
    >>> load_scenario("nagorno-karabakh-2020").resolve("Artsakh")
    'Nagorno-Karabakh'
    """
    if graph is None:
        graph = DEFAULT_SCENARIO
    path = Path(graph) if is_path_like(graph) else bundled_path(os.fspath(graph))
    if path.suffix.lower() in (".json", ".graphml", ".gexf", ".csv"):
        from escalate.interchange import read_scenario

        return read_scenario(path)
    return _load_file(path, seen=())


def _load_file(path: Path, *, seen: tuple[Path, ...]) -> Scenario:
    text = read_text(path)
    data = parse_toml(path, text)
    base = None
    extends = data.get("extends")
    if extends is not None:
        base = _load_base(path, text, extends, seen)
    return scenario_from_data(data, path=path, text=text, base=base)


#: How many files one ``extends`` chain may hold (each is a scenario read and checked).
MAX_EXTENDS = 32


def _load_base(path: Path, text: str, extends: Any, seen: tuple[Path, ...]) -> Scenario:
    """Load the scenario that ``path`` extends; its problems are reported at ``path``."""
    where = f"{path}:{LineIndex(text).keys.get('extends', 1)}"
    if not isinstance(extends, str):
        raise GraphFileError(path, [f"{where}: 'extends' must name a scenario, not {show_value(extends)}"])
    try:
        if is_path_like(extends):
            base_path = Path(extends) if Path(extends).is_absolute() else path.parent / extends
        else:
            base_path = bundled_path(extends)
        if base_path.resolve() in (*seen, path.resolve()):
            raise GraphFileError(path, [f"'extends' makes a cycle through {base_path}"])
        if len(seen) + 1 >= MAX_EXTENDS:
            raise GraphFileError(
                path, [f"'extends' goes more than {MAX_EXTENDS} files deep; flatten the chain"]
            )
        return _load_file(base_path, seen=(*seen, path.resolve()))
    except (GraphFileError, UnknownActorError) as exc:
        problems = exc.problems if isinstance(exc, GraphFileError) else [str(exc)]
        raise GraphFileError(path, [f"{where}: extends: {p}" for p in problems]) from exc


def read_text(path: Path, *, limit: int | None = None) -> str:
    """Read a UTF-8 text file (a BOM is allowed), refusing files over ``limit`` (MAX_FILE_BYTES) bytes.

    Only a regular file is read (a device, FIFO or socket is refused before any byte is
    read, and opening never waits on a FIFO), and never more than ``limit + 1`` bytes, so a
    file that grows while it is read cannot exhaust memory either.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(21, "Is a directory", str(path))
            if not stat.S_ISREG(info.st_mode):
                raise GraphFileError(
                    path, [f"{path}: not a regular file (a device, FIFO or socket); give a scenario file"]
                )
            raw = handle.read(limit + 1)
        if len(raw) > limit:
            size = (
                f"{max(info.st_size, len(raw)):,} bytes" if info.st_size > limit else f"over {limit:,} bytes"
            )
            raise GraphFileError(path, [f"{path}: file is {size}; the limit is {limit:,} (MAX_FILE_BYTES)"])
    except FileNotFoundError as exc:
        raise GraphFileError(path, [f"{path}: no such file"]) from exc
    except IsADirectoryError as exc:
        raise GraphFileError(path, [f"{path}: is a folder, not a scenario file"]) from exc
    except OSError as exc:
        raise GraphFileError(path, [f"{path}: cannot read: {exc.strerror}"]) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise GraphFileError(
            path, [f"{path}:{line}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"]
        ) from exc


def build_scenario(
    *,
    actors: Mapping[str, Mapping[str, Any]],
    relations: Iterable[Mapping[str, Any]] = (),
    sources: Mapping[str, Mapping[str, Any]] | None = None,
    name: str = "scenario",
    title: str | None = None,
    as_of: dt.date | None = None,
) -> Scenario:
    """Build a validated scenario from plain data shaped like a scenario file.

    Raises :class:`~escalate.errors.GraphFileError` listing every problem.

    Examples
    --------
    >>> s = build_scenario(actors={"Turkey": {}, "Azerbaijan": {}},
    ...     relations=[{"type": "backing", "from": "Turkey", "to": "Azerbaijan",
    ...                 "level": "military"}])
    >>> s.relations[0].level.value
    'military'
    """
    data: dict[str, Any] = {"name": name, "actors": dict(actors), "relations": list(relations)}
    if sources:
        data["sources"] = dict(sources)
    if title is not None:
        data["title"] = title
    if as_of is not None:
        data["as_of"] = as_of
    return scenario_from_data(data, path=None)


def parse_toml(path: Path, text: str) -> dict[str, Any]:
    """``tomllib.loads``; bad syntax or nesting too deep for the parser is a one-line GraphFileError.

    Examples
    --------
    >>> parse_toml(Path("deep.toml"), "x = " + "[" * 100_000)
    Traceback (most recent call last):
    ...
    escalate.errors.GraphFileError: deep.toml: invalid TOML: arrays or tables nested too deeply
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GraphFileError(path, [f"{path}:{_toml_line(exc)}: invalid TOML: {exc}"]) from exc
    except RecursionError as exc:  # tomllib parses nested arrays and inline tables recursively
        raise GraphFileError(path, [f"{path}: invalid TOML: arrays or tables nested too deeply"]) from exc


def _toml_line(exc: tomllib.TOMLDecodeError) -> str:
    lineno = getattr(exc, "lineno", None)
    if lineno is None:
        match = re.search(r"line (\d+)", str(exc))
        lineno = int(match.group(1)) if match else None
    return str(lineno) if lineno is not None else "1"
