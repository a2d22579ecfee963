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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escalate.analysis.explain import cite
from escalate.analysis.result import EscalationData
from escalate.errors import OutputError
from escalate.io.files import atomic_write
from escalate.model import Relation
from escalate.render.text import flare_up_line

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from escalate.render.layout import (
    MAX_EDGES,
    MAX_PARTIES,
    Node,
    bend,
    choose_edges,
    choose_nodes,
    most_telling,
    node_positions,
    top_path_edges,
)
from escalate.render.styles import (
    EDGE_STYLES,
    MEDIATOR_COLOUR,
    ROLE_LABELS,
    SIDE_COLOURS,
    node_colour,
    node_size,
)

#: The image formats a diagram is written in, by suffix.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
LAYOUTS = ("camps", "spring", "circular")


def draw(
    result: EscalationData,
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
    ax: Axes,
    result: EscalationData,
    layout: str,
    show_all: bool,
    title: str | None,
    seed: int,
    max_parties: int,
) -> None:
    nodes = choose_nodes(result, show_all, max_parties)
    positions = node_positions(result, nodes, layout, seed)
    emphasised = top_path_edges(result)
    every_edge = choose_edges(result, nodes)
    edges = most_telling(every_edge, emphasised, nodes)[:MAX_EDGES]
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


#: The longest side of a figure, in inches.
MAX_INCHES = 100


def image_format_problem(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` is no image escalate writes (its suffix is not in :data:`FORMATS`), or None.

    Examples
    --------
    >>> image_format_problem("karabakh.png") is None
    True
    >>> image_format_problem("karabakh.jpg")
    "karabakh.jpg: unknown image format '.jpg'; use .png, .svg or .pdf"
    """
    suffix = Path(path).suffix
    if suffix.lower() in FORMATS:
        return None
    return f"{path}: unknown image format {suffix!r}; use .png, .svg or .pdf"


def image_size_problem(size: tuple[float, float], dpi: int) -> str | None:
    """Why an image of ``size`` inches at ``dpi`` is too large to draw, or None.

    Examples
    --------
    >>> image_size_problem((11, 7.5), 150) is None
    True
    >>> image_size_problem((50, 50), 1200)
    'the image would be 60,000 x 60,000 pixels; at most 50,000,000 in all: lower --dpi or --size'
    >>> image_size_problem((0, 7.5), 150)
    'each side must be more than 0 and at most 100 inches, not 0 x 7.5'
    """
    if not all(0 < side <= MAX_INCHES for side in size):
        return f"each side must be more than 0 and at most {MAX_INCHES} inches, not {size[0]:g} x {size[1]:g}"
    width, height = round(size[0] * dpi), round(size[1] * dpi)
    if width * height <= MAX_PIXELS:
        return None
    pixels = f"{width:,} x {height:,} pixels; at most {MAX_PIXELS:,} in all"
    return f"the image would be {pixels}: lower --dpi or --size"


def save(
    result: EscalationData,
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


def _draw_nodes(
    ax: Axes, result: EscalationData, nodes: dict[str, Node], positions: dict[str, tuple[float, float]]
) -> None:
    from matplotlib.colors import to_rgba

    for name in sorted(nodes):
        node = nodes[name]
        x, y = positions[name]
        strength = 1.0 if node.role == "belligerent" else 0.2 + 0.8 * node.probability
        face = to_rgba(node_colour(node), strength if node.role != "uninvolved" else 0.6)
        marker = {"belligerent": "s", "supporter": "D", "mediator": "^", "alliance": "h"}.get(node.role, "o")
        ax.scatter(
            [x],
            [y],
            s=node_size(node),
            marker=marker,
            color=[face],
            edgecolors=node_colour(node) if node.role != "uninvolved" else "#AAAAAA",
            linewidths=2.5 if node.role == "belligerent" else 1.5,
            zorder=3,
            gid=f"node:{name}",
        )
        label = "\n".join(textwrap.wrap(name, 14))
        if node.role == "belligerent":
            label += "\nbelligerent"
        elif node.role != "uninvolved":
            # A chance below 1% reads "<1%", never "0%": the party is drawn because it may join.
            label += f"\n{100 * node.probability:.0f}%" if not 0 < node.probability < 0.01 else "\n<1%"
        below = node_size(node) ** 0.5 / 2 + (6 if marker == "^" else 3)
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
    result: EscalationData,
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
        base = bend(positions[start], positions[end], others)
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


def _title(result: EscalationData) -> str:
    return f"{result.scenario.title or result.scenario.name}\n{flare_up_line(result)}"


def _footer(ax: Axes, result: EscalationData, edges: list[tuple[str, str, Relation]], notes: str) -> None:
    citations = sorted(
        {c.removeprefix(" (source: ").removesuffix(")") for *_, r in edges if (c := cite(result.scenario, r))}
    )
    colours = "Blue: {} side; orange: {} side; grey: mediators. Fill and size: probability.".format(
        *result.belligerents
    )
    colours += f" {notes}" if notes else ""
    text = "\n".join(textwrap.wrap(colours + " Sources: " + ("; ".join(citations) or "none") + ".", 150))
    ax.figure.text(0.02, 0.015, text, fontsize=7, color="#444444", va="bottom", ha="left", gid="footer")
