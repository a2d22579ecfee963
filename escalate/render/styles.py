"""How a diagram looks: colours readable by colour-blind readers, a style per relation type, role names.

Examples
--------
>>> EDGE_STYLES[RelationType.DEFENSE_PACT].label
'defense pact'
>>> node_colour(Node("Russia", 0, "ally", 0.5, 1)) == SIDE_COLOURS[0]
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from escalate.model import RelationType
from escalate.render.layout import Node

#: Okabe-Ito colours: readable by colour-blind readers; the two sides differ in lightness too.
SIDE_COLOURS = ("#0072B2", "#E69F00")  # blue, orange
MEDIATOR_COLOUR = "#999999"
UNINVOLVED_COLOUR = "#DDDDDD"


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
    RelationType.VICINITY: EdgeStyle("two borders away", "#E69F00", 0.8, (0, (1, 3)), "-"),
}
ROLE_LABELS = {
    "belligerent": "belligerent",
    "ally": "ally (fights)",
    "alliance": "alliance acts (one decision)",
    "supporter": "supporter",
    "mediator": "mediator (no side)",
}


def node_colour(node: Node) -> str:
    """A side's colour, or grey for a mediator and light grey for an actor not involved."""
    if node.side is not None:
        return SIDE_COLOURS[node.side]
    return MEDIATOR_COLOUR if node.role == "mediator" else UNINVOLVED_COLOUR


def node_size(node: Node) -> float:
    """Marker area: belligerents largest, a party by how likely it is drawn in."""
    return 700.0 if node.role == "belligerent" else 220.0 + 380.0 * node.probability
