"""What a diagram shows and where: the parties and ties chosen, and their positions.

No matplotlib here: positions are plain coordinates that :mod:`escalate.render.drawing` draws.

Examples
--------
>>> from escalate import build_scenario, escalation_paths
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}},
...     relations=[{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5}])
>>> sorted(choose_nodes(escalation_paths(s, "A", "B"), show_all=False))
['A', 'B', 'C']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from escalate.analysis.result import EscalationData, Party
from escalate.model import Relation, RelationType

if TYPE_CHECKING:
    pass

LARGE = 150
#: At most this many parties are drawn by default, the most likely ones.
MAX_PARTIES = 24
#: A column of one side and hop distance wraps into sub-columns past this many actors.
COLUMN_HEIGHT = 7
#: With ``show_all``, draw at most this many uninvolved actors (by name; the footer says so):
#: 5,000 once took over 300 s, and no one reads that many labels.
MAX_UNINVOLVED = 300
#: Draw at most this many relations (on top paths first; the footer says so): every pair of 120
#: actors related once took 90 s to draw.
MAX_EDGES = 1000


@dataclass(frozen=True)
class Node:
    """One actor as drawn: its primary entry (its most likely side) and its position."""

    actor: str
    side: int | None  # 0, 1, or None (mediator or uninvolved)
    role: str
    probability: float
    hops: int


def _primary(result: EscalationData) -> dict[str, Party]:
    first: dict[str, Party] = {}
    for party in result.parties:  # most likely first
        first.setdefault(party.actor, party)
    return first


def choose_nodes(result: EscalationData, show_all: bool, max_parties: int = 10**9) -> dict[str, Node]:
    """The actors to draw: the belligerents, the likeliest parties, and with ``show_all`` the rest."""
    a, b = result.belligerents
    nodes = {a: Node(a, 0, "belligerent", 1.0, 0), b: Node(b, 1, "belligerent", 1.0, 0)}
    for number, others in enumerate(result.coalitions):
        nodes.update({c: Node(c, number, "belligerent", 1.0, 0) for c in others})
    for actor, party in list(_primary(result).items())[:max_parties]:
        side = None if party.side is None else result.belligerents.index(party.side)
        hops = len(party.paths[0].steps) if party.paths else 1
        nodes[actor] = Node(actor, side, party.role, party.probability, hops)
    if show_all:
        uninvolved = sorted(a for a in result.scenario.actors if a not in nodes)[:MAX_UNINVOLVED]
        nodes.update({a: Node(a, None, "uninvolved", 0.0, 0) for a in uninvolved})
    return nodes


def choose_edges(result: EscalationData, nodes: dict[str, Node]) -> list[tuple[str, str, Relation]]:
    """Relations in force between drawn actors, one entry per drawn line."""
    scenario = result.scenario
    if len(scenario) >= LARGE:
        return sorted(_top_path_relations(result, nodes), key=lambda e: (e[0], e[1], e[2].type))
    edges = []
    for relation in scenario.relations:
        if not relation.in_force(result.as_of):
            continue
        if relation.type is RelationType.GUARANTEE or relation.type is RelationType.BACKING:
            pairs = [(relation.origin, relation.targets[0])]
        else:
            pairs = [(relation.origin, t) for t in relation.targets]
        edges += [(x, y, relation) for x, y in pairs if x in nodes and y in nodes]
    for actor in scenario.actors.values():
        call = actor.collective_defense_relation()
        if call is not None and actor.id in nodes:
            edges += [(m, actor.id, call) for m in actor.members if m in nodes]
    return edges


def most_telling(
    edges: list[tuple[str, str, Relation]],
    emphasised: dict[tuple[frozenset[str], str], int],
    nodes: dict[str, Node],
) -> list[tuple[str, str, Relation]]:
    """``edges`` in the order they are worth drawing: on a top path, between parties, the rest."""

    def rank(edge: tuple[str, str, Relation]) -> int:
        x, y, relation = edge
        if (frozenset((x, y)), relation.type.value) in emphasised:
            return 0
        return 1 if "uninvolved" not in (nodes[x].role, nodes[y].role) else 2

    return sorted(edges, key=rank)


#: The names of relation types; a chain's steps may also be strikes, which are not relations.
RELATION_TYPES = frozenset(t.value for t in RelationType)


def _top_path_relations(result: EscalationData, nodes: dict[str, Node]) -> set[tuple[str, str, Relation]]:
    """The relations on the most likely path of each drawn party."""
    by_type: dict[str, list[Relation]] = defaultdict(list)
    for relation in result.scenario.relations:
        by_type[relation.type.value].append(relation)
    found = set()
    for party in result.parties:
        if party.actor not in nodes or not party.paths:
            continue
        for step in party.paths[0].steps:
            if step.relation not in RELATION_TYPES:
                continue  # a strike on a joiner's territory: a step of the chain, not a relation
            if step.source in nodes and step.target in nodes:
                ends = {step.source, step.target}
                match = next((r for r in by_type[step.relation] if ends <= set(r.actors)), None)
                found.add(
                    (
                        step.source,
                        step.target,
                        match or Relation(RelationType(step.relation), step.source, (step.target,)),
                    )
                )
    return found


def top_path_edges(result: EscalationData) -> dict[tuple[frozenset[str], str], int]:
    """(pair, relation type) on the most likely path of each party's likeliest entry, with its side."""
    emphasised: dict[tuple[frozenset[str], str], int] = {}
    for party in _primary(result).values():
        if party.paths and party.side is not None:
            side = result.belligerents.index(party.side)
            for step in party.paths[0].steps:
                emphasised.setdefault((frozenset((step.source, step.target)), step.relation), side)
    return emphasised


# -- layout ---------------------------------------------------------------------------


def node_positions(
    result: EscalationData, nodes: dict[str, Node], layout: str, seed: int
) -> dict[str, tuple[float, float]]:
    """Where each node goes: ``camps`` (sides left and right), ``spring`` or ``circular``."""
    if layout == "camps":
        return _camps(nodes)
    import networkx as nx

    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from(sorted((x, y) for x, y, _ in choose_edges(result, nodes)))
    raw = nx.spring_layout(graph, seed=seed, k=1.5) if layout == "spring" else nx.circular_layout(graph)
    return {n: (float(x) * 4, float(y) * 3) for n, (x, y) in raw.items()}


def _camps(nodes: dict[str, Node]) -> dict[str, tuple[float, float]]:
    """Sides left and right by hop distance, mediators top centre, the rest along the bottom."""
    columns: dict[tuple[int, int], list[Node]] = defaultdict(list)
    mediators, uninvolved = [], []
    for node in nodes.values():
        if node.side is not None:
            columns[(node.side, node.hops)].append(node)
        elif node.role == "mediator":
            mediators.append(node)
        else:
            uninvolved.append(node)
    positions: dict[str, tuple[float, float]] = {}
    tallest = 1
    edge = {0: 1.0, 1: 1.0}  # how far out each side's columns reach
    for (side, hops), column in sorted(columns.items(), key=lambda item: (item[0][0], item[0][1])):
        column.sort(key=lambda n: (-n.probability, n.actor))
        x0 = 1.0 if hops == 0 else edge[side] + 2.2
        for j, chunk in enumerate(_rows(column, COLUMN_HEIGHT)):
            tallest = max(tallest, len(chunk))
            x = x0 + 1.6 * j
            edge[side] = x
            for i, node in enumerate(chunk):
                offset = 0.8 if j % 2 else 0.0  # stagger sub-columns so labels do not line up
                positions[node.actor] = (
                    x * (-1 if side == 0 else 1),
                    (len(chunk) - 1) / 2 * 1.6 - i * 1.6 - offset,
                )
    top = (tallest - 1) / 2 * 1.6 + 2.0
    for row in _rows(sorted(mediators, key=lambda n: (-n.probability, n.actor)), 4):
        for i, node in enumerate(row):
            positions[node.actor] = ((i - (len(row) - 1) / 2) * 2.4, top)
        top += 1.6
    bottom = -((tallest - 1) / 2 * 1.6 + 2.0)
    for row in _rows(sorted(uninvolved, key=lambda n: n.actor), 6):
        for i, node in enumerate(row):
            positions[node.actor] = ((i - (len(row) - 1) / 2) * 2.2, bottom)
        bottom -= 1.6
    return positions


def _rows(items: list[Node], width: int) -> Iterable[list[Node]]:
    return (items[i : i + width] for i in range(0, len(items), width))


# -- drawing --------------------------------------------------------------------------

_RADS = (0.0, 0.25, -0.25, 0.45, -0.45, 0.7, -0.7)
_STEPS = 20


def bend(start: tuple[float, float], end: tuple[float, float], others: Any) -> float:
    """The curvature (matplotlib's arc3 rad) that keeps a line clear of the other nodes.

    ``others`` is an (n, 2) array of the other nodes' positions; the first curvature whose
    line stays 0.55 away from every one wins, else the one that stays furthest away.
    """
    import numpy as np

    if len(others) == 0:
        return _RADS[0]
    (x0, y0), (x2, y2) = start, end
    rads = np.array(_RADS)[:, None]
    cx, cy = (x0 + x2) / 2 + rads * (y2 - y0), (y0 + y2) / 2 - rads * (x2 - x0)
    t = (np.arange(1, _STEPS) / _STEPS)[None, :]
    px = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t**2 * x2  # (curvature, step)
    py = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t**2 * y2
    distance = ((px[..., None] - others[:, 0]) ** 2 + (py[..., None] - others[:, 1]) ** 2) ** 0.5
    clearance = distance.min(axis=(1, 2))
    clear = np.flatnonzero(clearance >= 0.55)
    return _RADS[int(clear[0] if clear.size else np.argmax(clearance))]
