"""A scenario's file-shaped data as a networkx MultiDiGraph (as :func:`escalate.to_networkx` documents).

Examples
--------
>>> G = graph_of_data({"name": "s", "sources": {}, "actors": {"A": {}, "B": {}},
...     "relations": [{"type": "hostility", "between": ["A", "B"]}]})
>>> sorted((x, y, d.get("reverse", False)) for x, y, d in G.edges(data=True))
[('A', 'B', False), ('B', 'A', True)]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def graph_of_data(data: Mapping[str, Any]) -> Any:
    """Actors as nodes and relations as edges, every attribute kept; see :func:`escalate.to_networkx`."""
    import networkx as nx

    graph: Any = nx.MultiDiGraph()
    graph.graph.update({k: data[k] for k in ("name", "title", "as_of") if k in data})
    graph.graph["sources"] = data["sources"]
    for name, actor in data["actors"].items():
        graph.add_node(name, **rename(actor, "source", "source_key"))
    for index, relation in enumerate(data["relations"]):
        attributes = {k: v for k, v in relation.items() if k not in ("type", "from", "to", "between")}
        attributes = rename(attributes, "source", "source_key")
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


def rename(mapping: Mapping[str, Any], old: str, new: str) -> dict[str, Any]:
    """The mapping with key ``old`` called ``new`` (the attribute names networkx reserves)."""
    return {(new if k == old else k): v for k, v in mapping.items()}
