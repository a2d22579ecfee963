"""Graph formats: networkx graphs, node-link JSON (D3, networkx), GraphML (yEd, Cytoscape) and GEXF (Gephi).

Examples
--------
>>> from escalate import load_scenario
>>> s = load_scenario()
>>> from_networkx(to_networkx(s)) == s
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

from escalate.errors import (
    EscalateWarning,
    GraphFileError,
    show_value,
)
from escalate.model import (
    SYMMETRIC_TYPE_NAMES,
    Scenario,
    scenario_from_data,
)
from escalate.model.graph import rename

_LIST_KEYS = {"aliases", "members", "covers", "to", "between"}
_DATE_KEYS = {"as_of", "since", "until", "date"}


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
    return scenario.to_networkx()


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
    data["actors"] = {str(n): rename(_clean(d), "source_key", "source") for n, d in graph.nodes(data=True)}
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
            for k, v in rename(_clean(d), "source_key", "source").items()
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


def from_node_link(path: Path, data: Any) -> Scenario:
    """The scenario in parsed node-link JSON ``data`` read from ``path``; malformed data: GraphFileError."""
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


def xml_bytes(scenario: Scenario, kind: str) -> bytes:
    """The scenario as GraphML or GEXF (``kind``); warns naming what GEXF cannot hold."""
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


def read_xml(path: Path, text: str, kind: str) -> Scenario:
    """The scenario in GraphML or GEXF ``text``; no DOCTYPE or ENTITY is read."""
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
    declared = {el.get("id") for el in ET.fromstring(text).iter() if el.tag.rsplit("}", 1)[-1] == "node"}
    undeclared = sorted(str(n) for n in graph.nodes if n not in declared)
    if undeclared:  # networkx adds an edge's ends as nodes: a misspelt end would become an actor
        names = ", ".join(map(repr, undeclared[:5])) + (" and more" if len(undeclared) > 5 else "")
        raise GraphFileError(
            path, [f"{path}: an edge names {names}, which the file does not declare as a node"]
        )
    graph.graph.setdefault("name", path.stem)
    return from_networkx(graph, path=path)


def json_bytes(scenario: Scenario) -> bytes:
    """The scenario as node-link JSON, keys sorted, one attribute per line."""
    import networkx as nx

    data = nx.node_link_data(_flat(to_networkx(scenario)), edges="edges")
    return (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()
