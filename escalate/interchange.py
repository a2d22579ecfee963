"""Move scenarios between escalate and the formats analysts use.

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

import datetime as dt
import io
import json
import math
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from escalate import loading
from escalate.errors import EscalateError, GraphFileError, OutputError, close_matches, did_you_mean
from escalate.loading import read_text, scenario_from_data
from escalate.model import SYMMETRIC_TYPE_NAMES, Relation, Scenario
from escalate.output import atomic_write
from escalate.validation import show_value

FORMATS = ("toml", "json", "graphml", "gexf", "csv")
_LIST_KEYS = {"aliases", "members", "covers", "to", "between"}
_DATE_KEYS = {"as_of", "since", "until", "date"}


class EscalateWarning(UserWarning):
    """A conversion could not keep everything: the message names what was lost.

    Examples
    --------
    >>> import warnings, tempfile, pathlib
    >>> from escalate import load_scenario
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = write_scenario(load_scenario(), pathlib.Path(tempfile.mkdtemp()) / "nk.gexf")
    >>> caught[0].category.__name__
    'EscalateWarning'
    """


def format_of(path: str | os.PathLike[str], explicit: str | None = None) -> str:
    """The interchange format of ``path``: ``explicit`` or the one its suffix names."""
    fmt = (explicit or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        hint = did_you_mean(close_matches(fmt, FORMATS)) or f"; use one of {', '.join(FORMATS)}"
        raise EscalateError(f"{path}: unknown scenario format {fmt!r}{hint}")
    return fmt


# -- the file-shaped data that every format maps to and from -------------------------


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data shaped like a scenario file (what TOML holds).

    Examples
    --------
    >>> from escalate import build_scenario
    >>> scenario_to_data(build_scenario(actors={"A": {}}))["actors"]
    {'A': {'kind': 'state'}}
    """
    data: dict[str, Any] = {"name": scenario.name}
    if scenario.title:
        data["title"] = scenario.title
    if scenario.as_of:
        data["as_of"] = scenario.as_of
    data["relations"] = [relation_to_data(r) for r in scenario.relations]
    data["sources"] = {
        key: drop_none(
            {"title": s.title, "date": s.date, "url": s.url, "publisher": s.publisher, "note": s.note}
        )
        for key, s in scenario.sources.items()
    }
    data["actors"] = {
        a.id: drop_none(
            {
                "kind": a.kind.value,
                "aliases": list(a.aliases) or None,
                "located_in": a.located_in,
                "members": list(a.members) or None,
                "collective_defense": a.collective_defense or None,
                "major_power": a.major_power or None,
                "likelihood": a.likelihood,
                "source": a.source,
                "note": a.note,
            }
        )
        for a in scenario.actors.values()
    }
    return data


def relation_to_data(r: Relation) -> dict[str, Any]:
    """One relation as a scenario file writes it."""
    data: dict[str, Any] = {"type": r.type.value}
    if r.type.is_symmetric:
        data["between"] = [r.origin, *r.targets]
    else:
        data["from"] = r.origin
        data["to"] = list(r.targets) if r.type == "mediation" else r.targets[0]
    extra = {
        "level": r.level.value if r.level else None,
        "likelihood": r.likelihood,
        "covers": list(r.covers) or None,
        "since": r.since,
        "until": r.until,
        "source": r.source,
        "quote": r.quote,
        "note": r.note,
    }
    return data | drop_none(extra)


def drop_none(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping without its None values."""
    return {k: v for k, v in mapping.items() if v is not None}


# -- TOML ---------------------------------------------------------------------------


def to_toml(scenario: Scenario) -> str:
    """The scenario as TOML text that :func:`escalate.load_scenario` reads back equal."""
    data = scenario_to_data(scenario)
    lines = [f"{key} = {_toml_value(data[key])}" for key in ("name", "title", "as_of") if key in data]
    lines.append("")
    lines.append("relations = [")
    lines += [f"  {_toml_value(r)}," for r in data["relations"]]
    lines += ["]", ""]
    for key, source in data["sources"].items():
        lines.append(f"[sources.{_toml_key(key)}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in source.items()]
        lines.append("")
    lines.append("[actors]")
    lines += [f"{_toml_key(name)} = {_toml_value(actor)}" for name, actor in data["actors"].items()]
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


# -- networkx -----------------------------------------------------------------------


def to_networkx(scenario: Scenario) -> Any:
    """A ``networkx.MultiDiGraph``: actors as nodes, relations as edges, with every attribute.

    A symmetric relation is two directed edges (the second has ``reverse=True``); all
    edges of one relation share ``relation_id``. A relation's or actor's source key is the
    attribute ``source_key`` (``source`` and ``target`` name an edge's ends in node-link
    JSON). The graph keeps name, title, as_of and sources in ``G.graph``.

    Examples
    --------
    >>> from escalate import load_scenario
    >>> G = to_networkx(load_scenario())
    >>> sorted(d["relation"] for _, _, d in G.edges("Russia", data=True))
    ['defense_pact', 'mediation', 'mediation']
    """
    import networkx as nx

    data = scenario_to_data(scenario)
    graph: Any = nx.MultiDiGraph()
    graph.graph.update({k: data[k] for k in ("name", "title", "as_of") if k in data})
    graph.graph["sources"] = data["sources"]
    for name, actor in data["actors"].items():
        graph.add_node(name, **_rename(actor, "source", "source_key"))
    for index, relation in enumerate(data["relations"]):
        attributes = {k: v for k, v in relation.items() if k not in ("type", "from", "to", "between")}
        attributes = _rename(attributes, "source", "source_key")
        attributes |= {"relation": relation["type"], "relation_id": index}
        if "between" in relation:
            x, y = relation["between"]
            graph.add_edge(x, y, **attributes)
            graph.add_edge(y, x, **attributes, reverse=True)
        else:
            targets = relation["to"] if isinstance(relation["to"], list) else [relation["to"]]
            for position, target in enumerate(targets):
                graph.add_edge(relation["from"], target, **attributes, target_position=position)
    return graph


def from_networkx(graph: Any, *, path: str | os.PathLike[str] | None = None) -> Scenario:
    """Build a scenario from a graph shaped like :func:`to_networkx` makes (round-trips).

    Edges without ``relation_id`` each become one relation; nodes need no attributes.

    Examples
    --------
    >>> from escalate import load_scenario
    >>> s = load_scenario()
    >>> from_networkx(to_networkx(s)) == s
    True
    """
    where = str(path) if path is not None else "<graph>"
    file = Path(path) if path is not None else None
    attrs = dict(graph.graph)
    data: dict[str, Any] = {k: attrs[k] for k in ("name", "title", "as_of") if attrs.get(k) is not None}
    data["sources"] = attrs.get("sources") or {}
    if isinstance(data["sources"], str):  # GraphML and node-link JSON hold the table as JSON text
        data["sources"] = parse_json(Path(where), data["sources"], what=" in the graph's 'sources' attribute")
    data["actors"] = {str(n): _rename(_clean(d), "source_key", "source") for n, d in graph.nodes(data=True)}
    grouped: dict[Any, list[tuple[str, str, dict[str, Any]]]] = {}
    for number, (x, y, d) in enumerate(graph.edges(data=True)):
        problem = _edge_problem(d)
        if problem:
            raise GraphFileError(file, [f"{where}: edge {x} -> {y} {problem}"])
        key = d.get("relation_id", f"edge{number}")
        grouped.setdefault(key, []).append((str(x), str(y), d))
    relations = []
    for key in sorted(grouped, key=lambda k: (isinstance(k, str), str(k).zfill(12))):
        edges = grouped[key]
        types = sorted({e[2]["relation"] for e in edges})
        if len(types) > 1:  # the edges of one relation disagree on what it is
            message = f"{where}: the edges of relation {key!r} give it different types: {', '.join(types)}"
            raise GraphFileError(file, [message])
        x, y, d = next((e for e in edges if not e[2].get("reverse")), edges[0])
        relation = {"type": d["relation"]} | {
            k: v
            for k, v in _rename(_clean(d), "source_key", "source").items()
            if k not in ("relation", "relation_id", "reverse", "target_position", "id", "key", "networkx_key")
        }
        if d["relation"] in SYMMETRIC_TYPE_NAMES:
            relation["between"] = [x, y]
        elif d["relation"] == "mediation":
            ordered = sorted(edges, key=lambda e: int(e[2].get("target_position", 0)))
            relation |= {"from": x, "to": [e[1] for e in ordered]}
        else:
            relation |= {"from": x, "to": y}
        relations.append(relation)
    data["relations"] = relations
    if not data["sources"]:  # a format that cannot hold the sources table (GEXF): keep the keys
        cited = [r.get("source") for r in relations] + [a.get("source") for a in data["actors"].values()]
        data["sources"] = {key: {"title": key} for key in cited if isinstance(key, str)}
    return scenario_from_data(data, path=Path(path) if path is not None else None)


def _edge_problem(d: Mapping[str, Any]) -> str | None:
    """What is wrong with an edge's own attributes (its type and place in a relation), if anything."""
    if "relation" not in d:
        return "has no 'relation' attribute (its type)"
    if not isinstance(d["relation"], str):
        return f"has 'relation' {show_value(d['relation'])}; it must be a relation type's name"
    if not isinstance(d.get("relation_id", 0), int | str):
        return f"has 'relation_id' {show_value(d['relation_id'])}; it must be a number or text"
    position = d.get("target_position", 0)
    if isinstance(position, bool) or not isinstance(position, int | float) or not math.isfinite(position):
        return f"has 'target_position' {show_value(position)}; it must be a whole number"
    return None


def _rename(mapping: Mapping[str, Any], old: str, new: str) -> dict[str, Any]:
    return {(new if k == old else k): v for k, v in mapping.items()}


def _clean(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Undo the text encodings of GraphML, GEXF and JSON: lists, dates, numbers, booleans."""
    cleaned: dict[str, Any] = {}
    for key, value in attributes.items():
        if value is None or key in ("label", "id"):
            continue
        if isinstance(value, str) and key in _LIST_KEYS and value.startswith("["):
            try:
                value = json.loads(value)
            except (ValueError, RecursionError):
                pass  # left as text, which validation reports
        if isinstance(value, str) and key in _DATE_KEYS:
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                pass
        if key in ("collective_defense", "major_power") and isinstance(value, str):
            value = value.lower() == "true"
        if key in ("likelihood",) and isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                pass
        cleaned[key] = value
    return cleaned


def _flat(graph: Any) -> Any:
    """A copy whose attributes are all text or numbers: lists as JSON, dates as ISO."""
    flat = graph.copy()

    def encode(d: dict[str, Any]) -> None:
        for key, value in list(d.items()):
            if isinstance(value, list | dict):
                d[key] = json.dumps(value, default=str, ensure_ascii=False)
            elif isinstance(value, dt.date):
                d[key] = value.isoformat()

    encode(flat.graph)
    for _, d in flat.nodes(data=True):
        encode(d)
    for _, _, d in flat.edges(data=True):
        encode(d)
    return flat


# -- reading and writing files ------------------------------------------------------------


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
        from escalate.loading import load_scenario

        return load_scenario(path)
    text = read_text(path)
    if kind == "csv":
        from escalate.spreadsheets import read_csv

        return read_csv(path, text)
    if kind == "json":
        return _from_node_link(path, parse_json(path, text))
    return _read_xml(path, text, kind)


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
        from escalate.spreadsheets import write_csv

        write_csv(scenario, path)
        return path
    if kind == "toml":
        payload = to_toml(scenario).encode()
    elif kind == "json":
        import networkx as nx

        data = nx.node_link_data(_flat(to_networkx(scenario)), edges="edges")
        payload = (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()
    else:
        payload = _xml_bytes(scenario, kind)
    refuse_unreadable_size(path, payload)
    with atomic_write(path) as handle:
        handle.write(payload)
    return path


def refuse_unreadable_size(path: Path, payload: bytes) -> None:
    """An output larger than escalate reads (MAX_FILE_BYTES) is an OutputError, before any write."""
    if len(payload) > loading.MAX_FILE_BYTES:
        raise OutputError(
            f"cannot write {path}: it would be {len(payload):,} bytes, and escalate reads files of at most "
            f"{loading.MAX_FILE_BYTES:,} bytes (MAX_FILE_BYTES); write a smaller scenario or another format"
        )


def _files(path: Path, kind: str) -> list[Path]:
    """The files a scenario of ``kind`` at ``path`` is made of, in a fixed order of roles."""
    if kind != "csv":
        return [path]
    from escalate.spreadsheets import siblings

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


class _DuplicateKey(ValueError):
    """A JSON object with a key twice (json keeps the last without a word; TOML refuses it)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key)
        found[key] = value
    return found


def parse_json(path: Path, text: str, *, what: str = "") -> Any:
    """``json.loads``; bad syntax, nesting too deep or a number too long is a one-line GraphFileError.

    Examples
    --------
    >>> parse_json(Path("g.json"), "[" * 100_000)
    Traceback (most recent call last):
    ...
    escalate.errors.GraphFileError: g.json: invalid JSON: nested too deeply
    """
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        raise GraphFileError(
            path, [f"{path}: invalid JSON{what}: the key {exc.args[0]!r} appears twice in one object"]
        ) from exc
    except json.JSONDecodeError as exc:
        raise GraphFileError(path, [f"{path}:{exc.lineno}: invalid JSON{what}: {exc.msg}"]) from exc
    except (ValueError, RecursionError) as exc:  # json's own depth and digit limits
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(";")[0]
        raise GraphFileError(path, [f"{path}: invalid JSON{what}: {reason}"]) from exc


def _from_node_link(path: Path, data: Any) -> Scenario:
    import networkx as nx

    if not isinstance(data, dict) or "nodes" not in data or "edges" not in data:
        raise GraphFileError(
            path, [f"{path}: not node-link JSON; expected an object with 'nodes' and 'edges'"]
        )
    for key, shape in (("nodes", list), ("edges", list), ("graph", dict)):
        value = data.get(key, shape())
        if not isinstance(value, shape) or (shape is list and not all(isinstance(v, dict) for v in value)):
            wanted = "an object" if shape is dict else "a list of objects"
            message = f"{path}: malformed node-link JSON: '{key}' must be {wanted}, not {show_value(value)}"
            raise GraphFileError(path, [message])
    problem = _node_link_problem(data)
    if problem:
        raise GraphFileError(path, [f"{path}: {problem}"])
    try:
        graph = nx.node_link_graph(data, edges="edges", directed=True, multigraph=True)
    except (KeyError, TypeError, ValueError, nx.NetworkXError) as exc:
        raise GraphFileError(path, [f"{path}: malformed node-link JSON: {exc!r}"]) from exc
    return from_networkx(graph, path=path)


def _node_link_problem(data: dict[str, Any]) -> str | None:
    """A node id that is not a name, listed twice, or an edge naming no listed node (else None).

    networkx would take a number or a list as a node's name, merge a node listed twice, and
    add a bare node for an edge's unknown end: each would change the scenario without a word.
    """
    seen: set[str] = set()
    for number, node in enumerate(data["nodes"], start=1):
        name = node.get("id")
        if not isinstance(name, str):
            return f"node {number}: its id {show_value(name)} must be text (the actor's name)"
        if name in seen:
            return f"node {number}: {name!r} is listed twice; merge the two or rename one"
        seen.add(name)
    for number, edge in enumerate(data["edges"], start=1):
        for end in ("source", "target"):
            if not isinstance(edge.get(end), str) or edge[end] not in seen:
                return f"edge {number}: its {end} {show_value(edge.get(end))} is not a listed node"
    return None


def _xml_bytes(scenario: Scenario, kind: str) -> bytes:
    import networkx as nx

    flat = _flat(to_networkx(scenario))
    buffer = io.BytesIO()
    if kind == "graphml":
        nx.write_graphml(flat, buffer)
        return buffer.getvalue()
    lost = [k for k in ("title", "as_of") if k in flat.graph] + (["sources"] if scenario.sources else [])
    if lost:
        warnings.warn(
            f"GEXF cannot hold the scenario's {', '.join(lost)}; relations keep their source keys",
            EscalateWarning,
            stacklevel=3,
        )
    for key in ("title", "as_of", "sources"):
        flat.graph.pop(key, None)
    nx.write_gexf(flat, buffer)
    return re.sub(rb'lastmodifieddate="[^"]*"', b'lastmodifieddate="1970-01-01"', buffer.getvalue())


def _read_xml(path: Path, text: str, kind: str) -> Scenario:
    import xml.etree.ElementTree as ET

    import networkx as nx

    if re.search(r"<!(DOCTYPE|ENTITY)", text):
        raise GraphFileError(path, [f"{path}: DOCTYPE and ENTITY declarations are not allowed"])
    try:
        graph = (
            nx.parse_graphml(text, force_multigraph=True)
            if kind == "graphml"
            else nx.read_gexf(io.BytesIO(text.encode()))
        )
    except ET.ParseError as exc:
        line = exc.position[0] if hasattr(exc, "position") else "?"
        raise GraphFileError(path, [f"{path}:{line}: invalid {kind.upper()}: {exc}"]) from exc
    except (nx.NetworkXError, KeyError, ValueError, TypeError) as exc:
        raise GraphFileError(path, [f"{path}: malformed {kind.upper()}: {exc}"]) from exc
    graph.graph.setdefault("name", path.stem)
    return from_networkx(graph, path=path)
