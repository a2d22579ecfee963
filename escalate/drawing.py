"""Draw an escalation result: who fights whom, who could be drawn in, how likely, and how.

The only module that imports matplotlib, and only when called. The library never calls
``plt.show()``; :func:`save` draws on a bare ``Figure`` and never touches pyplot.

Examples
--------
>>> import matplotlib.figure
>>> from escalate import build_scenario, escalation_paths
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}},
...     relations=[{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5}])
>>> ax = matplotlib.figure.Figure().subplots()
>>> ax = draw(escalation_paths(s, "A", "B"), ax=ax)
>>> sorted(t.get_text().splitlines()[0] for t in ax.texts if t.get_gid() == "label")
['A', 'B', 'C']
"""

from __future__ import annotations

import os
import textwrap
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escalate.analysis import Escalation, Party
from escalate.errors import OutputError
from escalate.explain import cite
from escalate.model import Relation, RelationType
from escalate.output import atomic_write
from escalate.report import flare_up_line

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Okabe-Ito colours: readable by colour-blind readers; the two sides differ in lightness too.
SIDE_COLOURS = ("#0072B2", "#E69F00")  # blue, orange
MEDIATOR_COLOUR = "#999999"
UNINVOLVED_COLOUR = "#DDDDDD"
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
LAYOUTS = ("camps", "spring", "circular")
#: Scenarios this large draw only the relations on the parties' top paths.
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
class EdgeStyle:
    """How one relation type is drawn, and its legend label."""

    label: str
    colour: str
    width: float
    linestyle: Any
    arrow: str


EDGE_STYLES: dict[RelationType, EdgeStyle] = {
    RelationType.DEFENSE_PACT: EdgeStyle("defense pact", "#222222", 2.6, "solid", "-"),
    RelationType.COLLECTIVE_DEFENSE: EdgeStyle("collective defense", "#222222", 2.6, (0, (6, 2)), "-"),
    RelationType.GUARANTEE: EdgeStyle("guarantee", "#222222", 2.2, "solid", "-|>"),
    RelationType.BACKING: EdgeStyle("backing", "#009E73", 1.6, (0, (5, 3)), "-|>"),
    RelationType.ENTENTE: EdgeStyle("entente", "#56B4E9", 1.0, "solid", "-"),
    RelationType.CONSULTATION_PACT: EdgeStyle("consultation pact", "#56B4E9", 0.8, (0, (1, 1)), "-"),
    RelationType.HOSTILITY: EdgeStyle("hostility", "#D55E00", 1.8, (0, (8, 2, 2, 2)), "-"),
    RelationType.CO_BELLIGERENCE: EdgeStyle("fought side by side", "#009E73", 1.2, (0, (8, 2, 2, 2)), "-"),
    RelationType.MEDIATION: EdgeStyle("mediation", "#777777", 0.9, (0, (1, 2)), "-|>"),
    RelationType.NEUTRALITY_PACT: EdgeStyle("neutrality pact", "#CC79A7", 1.0, (0, (1, 3)), "-"),
    RelationType.NONAGGRESSION_PACT: EdgeStyle("non-aggression pact", "#CC79A7", 1.0, (0, (3, 3)), "-"),
    RelationType.BORDER: EdgeStyle("land border", "#E69F00", 1.0, (0, (2, 2)), "-"),
    RelationType.MAJOR_POWER: EdgeStyle("major-power reach", "#0072B2", 1.0, (0, (4, 4)), "-|>"),
}
ROLE_LABELS = {
    "belligerent": "belligerent",
    "ally": "ally (fights)",
    "alliance": "alliance acts (one decision)",
    "supporter": "supporter",
    "mediator": "mediator (no side)",
}


@dataclass(frozen=True)
class Node:
    """One actor as drawn: its primary entry (its most likely side) and its position."""

    actor: str
    side: int | None  # 0, 1, or None (mediator or uninvolved)
    role: str
    probability: float
    hops: int


def draw(
    result: Escalation,
    *,
    ax: Axes | None = None,
    layout: str = "camps",
    show_all: bool = False,
    title: str | None = None,
    seed: int = 0,
    max_parties: int = MAX_PARTIES,
) -> Axes:
    """Draw ``result`` on ``ax`` (a new pyplot figure when None) and return the Axes.

    Parameters
    ----------
    result : the answer of :func:`escalate.escalation_paths`
    ax : where to draw; when None a figure is made with pyplot, so a notebook shows it
    layout : ``"camps"`` (sides left and right), ``"spring"`` or ``"circular"``
    show_all : also draw actors that are not involved (faded, along the bottom)
    title : replaces the default title
    seed : seed of the spring layout
    max_parties : draw at most this many parties, the most likely (the footer says so)
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(11, 7.5))
    from matplotlib import rc_context

    with rc_context({"text.parse_math": False}):  # names are text: "$x^{2" is no formula
        _draw_on(ax, result, layout, show_all, title, seed, max_parties)
    return ax


def _draw_on(
    ax: Axes, result: Escalation, layout: str, show_all: bool, title: str | None, seed: int, max_parties: int
) -> None:
    nodes = _nodes(result, show_all, max_parties)
    positions = _positions(result, nodes, layout, seed)
    emphasised = _top_path_edges(result)
    every_edge = _edges(result, nodes)
    edges = _most_telling(every_edge, emphasised, nodes)[:MAX_EDGES]
    ax.set_axis_off()
    _frame(ax, positions)  # fixed limits first: else each node drawn rescales over all before it
    _draw_edges(ax, result, edges, positions, emphasised)
    _draw_nodes(ax, result, nodes, positions)
    _legend(ax, edges, nodes)
    ax.set_title(title or _title(result), fontsize=11, loc="left", parse_math=False)  # made with the Axes
    shown = len([n for n in nodes.values() if n.role not in ("belligerent", "uninvolved")])
    total = len({p.actor for p in result.parties})
    uninvolved, all_uninvolved = len(nodes) - shown - 2, len(result.scenario) - total - 2
    notes = [
        f"Showing the {shown} most likely of {total} parties." if shown < total else "",
        f"Showing {uninvolved} of {all_uninvolved:,} uninvolved actors."
        if 0 < uninvolved < all_uninvolved
        else "",
        f"Showing {len(edges)} of {len(every_edge):,} relations." if len(edges) < len(every_edge) else "",
    ]
    _footer(ax, result, edges, " ".join(n for n in notes if n))


#: The largest image drawn, in pixels (width x height at the dpi): about 190 MB of pixels.
MAX_PIXELS = 50_000_000


def image_size_problem(size: tuple[float, float], dpi: int) -> str | None:
    """Why an image of ``size`` inches at ``dpi`` is too large to draw, or None.

    Examples
    --------
    >>> image_size_problem((11, 7.5), 150) is None
    True
    >>> image_size_problem((50, 50), 1200)
    'the image would be 60,000 x 60,000 pixels; at most 50,000,000 in all: lower --dpi or --size'
    """
    width, height = round(size[0] * dpi), round(size[1] * dpi)
    if width * height <= MAX_PIXELS:
        return None
    pixels = f"{width:,} x {height:,} pixels; at most {MAX_PIXELS:,} in all"
    return f"the image would be {pixels}: lower --dpi or --size"


def save(
    result: Escalation,
    path: str | os.PathLike[str],
    *,
    dpi: int = 150,
    size: tuple[float, float] = (11.0, 7.5),
    **options: Any,
) -> Path:
    """Write the diagram to ``path`` (.png, .svg or .pdf), atomically; return the path.

    Raises :class:`~escalate.errors.OutputError` for an unknown suffix or a failed write;
    nothing half-written is ever left behind. Same input, same bytes.
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise OutputError(f"{target}: unknown image format {target.suffix!r}; use .png, .svg or .pdf")
    if dpi < 10 or dpi > 1200 or min(size) <= 0 or max(size) > 100:
        raise ValueError(f"dpi must be 10..1200 and size positive up to 100 inches, not {dpi}, {size}")
    problem = image_size_problem(size, dpi)
    if problem:
        raise OutputError(f"{target}: {problem}")
    metadata = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]
    with rc_context({"svg.hashsalt": "escalate", "font.family": "DejaVu Sans"}):
        figure = Figure(figsize=size, dpi=dpi)
        ax = figure.add_axes((0.02, 0.1, 0.74, 0.8))
        draw(result, ax=ax, **options)
        with atomic_write(target) as handle:
            figure.savefig(handle, format=fmt, dpi=dpi, metadata=metadata)
    return target


# -- what to draw ------------------------------------------------------------------


def _primary(result: Escalation) -> dict[str, Party]:
    first: dict[str, Party] = {}
    for party in result.parties:  # most likely first
        first.setdefault(party.actor, party)
    return first


def _nodes(result: Escalation, show_all: bool, max_parties: int = 10**9) -> dict[str, Node]:
    a, b = result.belligerents
    nodes = {a: Node(a, 0, "belligerent", 1.0, 0), b: Node(b, 1, "belligerent", 1.0, 0)}
    for actor, party in list(_primary(result).items())[:max_parties]:
        side = None if party.side is None else result.belligerents.index(party.side)
        hops = len(party.paths[0].steps) if party.paths else 1
        nodes[actor] = Node(actor, side, party.role, party.probability, hops)
    if show_all:
        uninvolved = sorted(a for a in result.scenario.actors if a not in nodes)[:MAX_UNINVOLVED]
        nodes.update({a: Node(a, None, "uninvolved", 0.0, 0) for a in uninvolved})
    return nodes


def _edges(result: Escalation, nodes: dict[str, Node]) -> list[tuple[str, str, Relation]]:
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
        if actor.collective_defense and actor.id in nodes:
            call = Relation(RelationType.COLLECTIVE_DEFENSE, actor.id, actor.members, source=actor.source)
            edges += [(m, actor.id, call) for m in actor.members if m in nodes]
    return edges


def _most_telling(
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


def _top_path_relations(result: Escalation, nodes: dict[str, Node]) -> set[tuple[str, str, Relation]]:
    """The relations on the most likely path of each drawn party."""
    by_type: dict[str, list[Relation]] = defaultdict(list)
    for relation in result.scenario.relations:
        by_type[relation.type.value].append(relation)
    found = set()
    for party in result.parties:
        if party.actor not in nodes or not party.paths:
            continue
        for step in party.paths[0].steps:
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


def _top_path_edges(result: Escalation) -> dict[tuple[frozenset[str], str], int]:
    """(pair, relation type) on the most likely path of each party's likeliest entry, with its side."""
    emphasised: dict[tuple[frozenset[str], str], int] = {}
    for party in _primary(result).values():
        if party.paths and party.side is not None:
            side = result.belligerents.index(party.side)
            for step in party.paths[0].steps:
                emphasised.setdefault((frozenset((step.source, step.target)), step.relation), side)
    return emphasised


# -- layout ---------------------------------------------------------------------------


def _positions(
    result: Escalation, nodes: dict[str, Node], layout: str, seed: int
) -> dict[str, tuple[float, float]]:
    if layout == "camps":
        return _camps(nodes)
    import networkx as nx

    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from(sorted((x, y) for x, y, _ in _edges(result, nodes)))
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


def _colour(node: Node) -> str:
    if node.side is not None:
        return SIDE_COLOURS[node.side]
    return MEDIATOR_COLOUR if node.role == "mediator" else UNINVOLVED_COLOUR


def _node_size(node: Node) -> float:
    return 700.0 if node.role == "belligerent" else 220.0 + 380.0 * node.probability


def _draw_nodes(
    ax: Axes, result: Escalation, nodes: dict[str, Node], positions: dict[str, tuple[float, float]]
) -> None:
    from matplotlib.colors import to_rgba

    for name in sorted(nodes):
        node = nodes[name]
        x, y = positions[name]
        strength = 1.0 if node.role == "belligerent" else 0.2 + 0.8 * node.probability
        face = to_rgba(_colour(node), strength if node.role != "uninvolved" else 0.6)
        marker = {"belligerent": "s", "supporter": "D", "mediator": "^", "alliance": "h"}.get(node.role, "o")
        ax.scatter(
            [x],
            [y],
            s=_node_size(node),
            marker=marker,
            color=[face],
            edgecolors=_colour(node) if node.role != "uninvolved" else "#AAAAAA",
            linewidths=2.5 if node.role == "belligerent" else 1.5,
            zorder=3,
            gid=f"node:{name}",
        )
        label = "\n".join(textwrap.wrap(name, 14))
        if node.role == "belligerent":
            label += "\nbelligerent"
        elif node.role != "uninvolved":
            label += f"\n{100 * node.probability:.0f}%"
            if node.probability >= 0.005 and 100 * node.probability < 1:
                label = label[: label.rindex("\n")] + "\n<1%"
        below = _node_size(node) ** 0.5 / 2 + (6 if marker == "^" else 3)
        ax.annotate(
            label,
            (x, y),
            xytext=(0, -below),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=8.5,
            color="#222222" if node.role != "uninvolved" else "#888888",
            fontweight="bold" if node.role == "belligerent" else "normal",
            zorder=5,
            gid="label",
        )


def _draw_edges(
    ax: Axes,
    result: Escalation,
    edges: list[tuple[str, str, Relation]],
    positions: dict[str, tuple[float, float]],
    emphasised: dict[tuple[frozenset[str], str], int],
) -> None:
    import numpy as np
    from matplotlib.patches import FancyArrowPatch

    names = list(positions)
    points = np.array([positions[n] for n in names], dtype=float).reshape(-1, 2)
    by_pair: dict[frozenset[str], list[tuple[str, str, Relation]]] = defaultdict(list)
    for edge in edges:
        by_pair[frozenset(edge[:2])].append(edge)
    for pair in sorted(by_pair, key=sorted):
        group = sorted(by_pair[pair], key=lambda e: (e[2].type.value, e[0], e[1]))
        # Orient arcs by a fixed order of the pair, so parallel arcs never coincide.
        start, end = sorted(pair) if len(pair) == 2 else (group[0][0], group[0][1])
        others = points[[i for i, name in enumerate(names) if name not in pair]]
        base = _bend(positions[start], positions[end], others)
        for i, (x, y, relation) in enumerate(group):
            style = EDGE_STYLES[relation.type]
            rad = base + (0.0 if len(group) == 1 else 0.3 * (i - (len(group) - 1) / 2))
            arrow = style.arrow
            if arrow != "-" and (start, end) != (x, y):
                arrow = "<|-"
            side = emphasised.pop((pair, relation.type.value), None)
            if side is not None:
                ax.add_patch(
                    FancyArrowPatch(
                        positions[start],
                        positions[end],
                        connectionstyle=f"arc3,rad={rad}",
                        arrowstyle="-",
                        color=SIDE_COLOURS[side],
                        alpha=0.3,
                        linewidth=8,
                        zorder=1,
                        shrinkA=12,
                        shrinkB=12,
                        gid="top-path",
                    )
                )
            ax.add_patch(
                FancyArrowPatch(
                    positions[start],
                    positions[end],
                    connectionstyle=f"arc3,rad={rad}",
                    arrowstyle=arrow,
                    mutation_scale=14,
                    color=style.colour,
                    linewidth=style.width,
                    linestyle=style.linestyle,
                    zorder=2,
                    shrinkA=12,
                    shrinkB=12,
                    gid=f"edge:{relation.type.value}:{x}:{y}:{rad:.3f}",
                )
            )


#: Curvatures tried for a line, in order, and where along it the clearance is measured.
_RADS = (0.0, 0.25, -0.25, 0.45, -0.45, 0.7, -0.7)
_STEPS = 20


def _bend(start: tuple[float, float], end: tuple[float, float], others: Any) -> float:
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


def _frame(ax: Axes, positions: dict[str, tuple[float, float]]) -> None:
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    ax.set_xlim(min(xs) - 1.4, max(xs) + 1.4)
    ax.set_ylim(min(ys) - 1.4, max(ys) + 0.9)


def _legend(ax: Axes, edges: list[tuple[str, str, Relation]], nodes: dict[str, Node]) -> None:
    from matplotlib.lines import Line2D

    handles = []
    for kind in sorted({e[2].type for e in edges}, key=list(EDGE_STYLES).index):
        style = EDGE_STYLES[kind]
        handles.append(
            Line2D(
                [],
                [],
                color=style.colour,
                linewidth=style.width,
                linestyle=style.linestyle,
                label=style.label,
            )
        )
    markers = {"belligerent": "s", "ally": "o", "alliance": "h", "supporter": "D", "mediator": "^",
               "uninvolved": "o"}  # fmt: skip
    for role in ("belligerent", "ally", "alliance", "supporter", "mediator", "uninvolved"):
        if any(n.role == role for n in nodes.values()):
            colour = (
                MEDIATOR_COLOUR if role == "mediator" else ("#AAAAAA" if role == "uninvolved" else "#555555")
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=markers[role],
                    markersize=8,
                    color=colour,
                    label=ROLE_LABELS.get(role, "not involved"),
                )
            )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8.5,
        frameon=False,
        title="Relations and roles",
        title_fontsize=9,
        borderaxespad=0.0,
        alignment="left",
    )


def _title(result: Escalation) -> str:
    return f"{result.scenario.title or result.scenario.name}\n{flare_up_line(result)}"


def _footer(ax: Axes, result: Escalation, edges: list[tuple[str, str, Relation]], notes: str) -> None:
    citations = sorted(
        {c.removeprefix(" (source: ").removesuffix(")") for *_, r in edges if (c := cite(result.scenario, r))}
    )
    colours = "Blue: {} side; orange: {} side; grey: mediators. Fill and size: probability.".format(
        *result.belligerents
    )
    colours += f" {notes}" if notes else ""
    text = "\n".join(textwrap.wrap(colours + " Sources: " + ("; ".join(citations) or "none") + ".", 150))
    ax.figure.text(0.02, 0.015, text, fontsize=7, color="#444444", va="bottom", ha="left", gid="footer")
