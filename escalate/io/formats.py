"""Read and write scenarios in every format: the one dispatcher, by name or suffix.

======================  ==========================  ==========================================
format (suffix)         tools                       what it cannot hold (named in a warning)
======================  ==========================  ==========================================
TOML (``.toml``)        escalate's own format       nothing
node-link JSON          D3, networkx                nothing
(``.json``)
GraphML (``.graphml``)  yEd, Cytoscape, Gephi       nothing (lists and dates as JSON/ISO text)
GEXF (``.gexf``)        Gephi                       the title, as-of date and sources table
CSV (``.csv``)          spreadsheets, Kumu          the title and as-of date; with no
                                                    ``-actors.csv`` beside it, actor details
======================  ==========================  ==========================================

A CSV scenario is ``NAME.csv`` (relations: From, To, Type and attributes), with
``NAME-actors.csv`` (Label, Kind, ...) and ``NAME-sources.csv`` (Key, Title, ...) beside it.

Examples
--------
>>> import tempfile, pathlib
>>> from escalate import load_scenario
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> s = load_scenario()
>>> write_scenario(s, folder / "nk.graphml")
PosixPath('...nk.graphml')
>>> read_scenario(folder / "nk.graphml") == s
True
"""

from __future__ import annotations

import os
from pathlib import Path

from escalate.errors import (
    OutputError,
    UnknownFormatError,
)
from escalate.io.csv import read_csv, siblings, write_csv
from escalate.io.files import (
    DEFAULT_SCENARIO,
    atomic_write,
    bundled_path,
    is_path_like,
    read_text,
    refuse_unreadable_size,
)
from escalate.io.graphs import from_node_link, json_bytes, parse_json, read_xml, xml_bytes
from escalate.io.toml import read_toml, to_toml
from escalate.model import (
    Scenario,
)

#: The formats escalate reads and writes, named by their suffixes.
FORMATS = ("toml", "json", "graphml", "gexf", "csv")


def format_of(path: str | os.PathLike[str], explicit: str | None = None) -> str:
    """The interchange format of ``path``: ``explicit`` or the one its suffix names."""
    fmt = (explicit or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise UnknownFormatError(str(path), fmt, FORMATS)
    return fmt


def load_scenario(graph: str | os.PathLike[str] | None = None) -> Scenario:
    """Load a scenario: a bundled name, a file path, or the default when None.

    A path is read in the format its suffix names (:func:`read_scenario`), as TOML when it names none.

    Examples
    --------
    >>> load_scenario("nagorno-karabakh-2020").resolve("Artsakh")
    'Nagorno-Karabakh'
    """
    if graph is None:
        graph = DEFAULT_SCENARIO
    path = Path(graph) if is_path_like(graph) else bundled_path(os.fspath(graph))
    suffix = path.suffix.lower().lstrip(".")
    return read_scenario(path, fmt=suffix if suffix in FORMATS else "toml")


def read_scenario(path: str | os.PathLike[str], *, fmt: str | None = None) -> Scenario:
    """Read a scenario in any supported format (by suffix, or ``fmt``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from escalate import load_scenario
    >>> path = write_scenario(load_scenario(), pathlib.Path(tempfile.mkdtemp()) / "nk.json")
    >>> read_scenario(path).name
    'nagorno-karabakh-2020'
    """
    path = Path(path)
    kind = format_of(path, fmt)
    if kind == "toml":
        return read_toml(path)
    text = read_text(path)
    if kind == "csv":
        return read_csv(path, text)
    if kind == "json":
        return from_node_link(path, parse_json(path, text))
    return read_xml(path, text, kind)


def write_scenario(scenario: Scenario, path: str | os.PathLike[str], *, fmt: str | None = None) -> Path:
    """Write ``scenario`` atomically in the format of ``path`` (or ``fmt``); return the path.

    Warns with :class:`EscalateWarning` naming whatever the format cannot hold.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from escalate import load_scenario
    >>> write_scenario(load_scenario(), pathlib.Path(tempfile.mkdtemp()) / "nk.toml").suffix
    '.toml'
    """
    path = Path(path)
    kind = format_of(path, fmt)
    _refuse_overwriting_what_it_read(scenario, path, kind)
    if kind == "csv":
        write_csv(scenario, path)
        return path
    if kind == "toml":
        payload = to_toml(scenario).encode()
    elif kind == "json":
        payload = json_bytes(scenario)
    else:
        payload = xml_bytes(scenario, kind)
    refuse_unreadable_size(path, payload)
    with atomic_write(path) as handle:
        handle.write(payload)
    return path


def _files(path: Path, kind: str) -> list[Path]:
    """The files a scenario of ``kind`` at ``path`` is made of, in a fixed order of roles."""
    if kind != "csv":
        return [path]
    return [path, *siblings(path)]


def _refuse_overwriting_what_it_read(scenario: Scenario, path: Path, kind: str) -> None:
    """Refuse an output that would overwrite another of the files the scenario was read from.

    Rewriting a file in place (``convert c.csv c.csv``) is fine: each file keeps its role.
    ``convert c.csv c-actors.csv`` is not: the relations would overwrite the actors table.
    """
    if scenario.path is None:
        return
    source = Path(scenario.path)
    inputs = _files(source, "csv" if source.suffix.lower() == ".csv" else "other")
    for role, output in enumerate(_files(path, kind)):
        for other, read in enumerate(inputs):
            if other != role and output.exists() and read.exists() and os.path.samefile(output, read):
                raise OutputError(
                    f"cannot write {output}: the scenario was read from it ({read}); choose another name"
                )
