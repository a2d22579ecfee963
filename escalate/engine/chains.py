"""The most likely chains of commitments to a party: shortest paths on -log likelihood.

A chain runs from a belligerent through parties that fight (only they spread involvement)
to the party, one tie per step; its probability is the product of the ties' likelihoods.
:func:`most_likely_chains` finds the likeliest chain to every party in one Dijkstra search;
:func:`escalate.escalation_paths` uses it when the probabilities were sampled, so that every
party has a chain. :func:`best_chains` finds the ``k`` likeliest to one party with Yen's algorithm
(:func:`networkx.shortest_simple_paths`), for whoever wants more than one.

Examples
--------
>>> from escalate import LikelihoodTable, build_scenario
>>> from escalate.engine.compile import compile_scenario
>>> from escalate.engine.ties import FlareUp
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}, "D": {}}, relations=[
...     {"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5},
...     {"type": "defense_pact", "between": ["C", "D"], "likelihood": 0.5},
...     {"type": "entente", "between": ["A", "D"], "likelihood": 0.2}])
>>> table = LikelihoodTable().updated({"struck.distant": 0.2})
>>> compiled = compile_scenario(s, FlareUp(("A", "B"), theatre=frozenset({"A", "B"})), table)
>>> [(round(p, 2), [compiled.arcs[i].source for i in chain]) for p, chain in best_chains(compiled, "D", 2)]
[(0.2, ['A']), (0.05, ['A', 'C'])]

The chain through C needs C's own territory struck (``struck.distant``, 0.2 here) before its
pact with D applies: 0.5 x 0.2 x 0.5.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection
from itertools import count, islice
from typing import Any

from escalate.engine.ties import NO_SIDE, Arc, Compiled
from escalate.model import Role

_START, _END = ("start",), ("end",)  # tuples: never an actor id


def best_chains(
    compiled: Compiled, actor: str, k: int = 3, side: int | None = None
) -> list[tuple[float, tuple[int, ...]]]:
    """The ``k`` most likely chains of arcs to ``actor``: ``(probability, arc indices)``, best first.

    With ``side``, only chains that would bring ``actor`` to that side (see :func:`chain_side`).
    """
    import networkx as nx  # loaded only when explaining: keeps CLI start-up lean

    edges = _relay_edges(compiled, without=actor)
    belligerents = {b for b, _ in compiled.flare_up.fighting}
    for arc in compiled.arcs_into.get(actor, ()):  # the last step may be any tie
        _offer(edges, arc.source, _END, arc, _strike_bound(compiled, arc, belligerents))
    graph = _graph(edges)
    if _END not in graph:
        return []
    found: list[tuple[float, tuple[int, ...]]] = []
    paths = nx.shortest_simple_paths(graph, _START, _END, weight="weight")
    try:
        for nodes in islice(paths, k if side is None else 4 * k):
            arcs = tuple(graph.edges[u, v]["arc"] for u, v in zip(nodes[1:-1], nodes[2:], strict=True))
            if side is None or chain_side(compiled, arcs) == side:
                found.append((chain_probability(compiled, arcs), arcs))
    except nx.NetworkXNoPath:
        pass
    found.sort(key=lambda found_chain: -found_chain[0])  # stable: search order breaks ties
    return found[:k]


def most_likely_chains(
    compiled: Compiled, targets: Collection[str] | None = None
) -> dict[str, tuple[float, tuple[int, ...]]]:
    """The single most likely chain to every reachable party (or to ``targets``), from one Dijkstra search.

    Time and memory are linear in the ties plus the length of the chains returned: the search
    keeps one predecessor per party (not every party's whole route), and a chain is spelt out
    only for a party asked for.

    Examples
    --------
    >>> from escalate import build_scenario
    >>> from escalate.engine.compile import compile_scenario
    >>> from escalate.engine.ties import FlareUp
    >>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}, "D": {}}, relations=[
    ...     {"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5},
    ...     {"type": "entente", "between": ["C", "D"], "likelihood": 0.5}])
    >>> c = compile_scenario(s, FlareUp(("A", "B"), theatre=frozenset({"A", "B"})))
    >>> {actor: p for actor, (p, _) in most_likely_chains(c).items()}
    {'C': 0.5, 'D': 0.25}
    >>> list(most_likely_chains(c, targets={"D"}))
    ['D']
    """
    relays = _relay_edges(compiled)
    previous, distance = _search(relays)
    belligerents = {b for b, _ in compiled.flare_up.fighting}
    last: dict[str, tuple[float, Arc]] = {}  # the likeliest last step to each party, by its bound
    for arc in compiled.arcs:  # the last step may be any tie; the ones before must relay
        if arc.target in belligerents or arc.likelihood <= 0 or arc.source not in distance:
            continue
        if arc.idle_in(compiled.flare_up):
            continue
        if targets is not None and arc.target not in targets:
            continue
        bound = math.exp(-distance[arc.source]) * arc.likelihood
        if arc.target not in last or bound > last[arc.target][0]:
            last[arc.target] = (bound, arc)
    best: dict[str, tuple[float, tuple[int, ...]]] = {}
    for target, (_, arc) in last.items():
        steps: list[int] = [arc.index]
        node: object = arc.source
        while previous[node] != _START:  # back along the search tree
            before = previous[node]
            steps.append(relays[before, node][1])  # type: ignore[arg-type]  # only _START's edges have none
            node = before
        chain = tuple(reversed(steps))
        best[target] = (chain_probability(compiled, chain), chain)
    return best


Edges = dict[tuple[object, object], tuple[float, int | None]]


def _relay_edges(compiled: Compiled, without: str | None = None) -> Edges:
    """Belligerents and the ties that relay a call to fight: ``(source, target) -> (-log likelihood, arc)``.

    One edge per pair of parties (the likeliest tie; the first written on a tie), none into a
    belligerent and none out of ``without``.
    """
    belligerents = {b for b, _ in compiled.flare_up.fighting}
    # In the flare-up's order, not a set's: the search breaks ties by the order edges came in.
    edges: Edges = {(_START, b): (0.0, None) for b, _ in compiled.flare_up.fighting}
    relaying = (Role.ALLY, Role.ALLIANCE)
    for arc in compiled.arcs:
        if arc.role in relaying and arc.target not in belligerents and arc.source != without:
            _offer(edges, arc.source, arc.target, arc, _strike_bound(compiled, arc, belligerents))
    return edges


def _search(edges: Edges) -> tuple[dict[object, object], dict[object, float]]:
    """Dijkstra from ``_START``: each reached node's first best predecessor, and its distance.

    As networkx's ``dijkstra_predecessor_and_distance`` finds them (ties go to the edge
    pushed first, edges taken in the order written), without building a graph.
    """
    successors: dict[object, list[tuple[object, float]]] = {}
    for (u, v), (weight, _) in edges.items():
        successors.setdefault(u, []).append((v, weight))
    distance: dict[object, float] = {}
    seen: dict[object, float] = {_START: 0.0}
    previous: dict[object, object] = {}
    pushed = count()
    fringe: list[tuple[float, int, object]] = [(0.0, next(pushed), _START)]
    while fringe:
        d, _, node = heapq.heappop(fringe)
        if node in distance:
            continue
        distance[node] = d
        for after, weight in successors.get(node, ()):
            through = d + weight
            if after not in distance and (after not in seen or through < seen[after]):
                seen[after] = through
                heapq.heappush(fringe, (through, next(pushed), after))
                previous[after] = node
    return previous, distance


def _graph(edges: Edges) -> Any:
    """The edges as a networkx graph (attributes ``weight`` and ``arc``)."""
    import networkx as nx

    graph: nx.DiGraph[object] = nx.DiGraph()
    graph.add_edges_from((u, v, {"weight": w, "arc": a}) for (u, v), (w, a) in edges.items())
    return graph


def _strike_bound(compiled: Compiled, arc: Arc, belligerents: set[str]) -> float:
    """A joiner invokes its allies only once struck: the chance on its likelier side (else 1).

    0 for a tie that can never fire (:meth:`~escalate.engine.ties.Arc.idle_in`): a partner's
    standing by an attacker needs a belligerent of the attacking side, its following a joiner
    a source that did not begin the fighting, a defence obligation one of an attacker.
    """
    if arc.idle_in(compiled.flare_up):
        return 0.0
    if arc.defensive and arc.source not in belligerents:
        return max(compiled.strike(arc.source, side)[1] for side in (0, 1))
    return 1.0


def _offer(edges: Edges, source: object, target: object, arc: Arc, factor: float = 1.0) -> None:
    """Keep ``arc`` as the edge ``source -> target`` unless a likelier (or earlier) one is there."""
    if arc.likelihood * factor <= 0.0:
        return
    weight = -math.log(arc.likelihood * factor)
    known = edges.get((source, target))
    if known is None or weight < known[0]:
        edges[source, target] = (weight, arc.index)


def strikes_in(compiled: Compiled, chain: tuple[int, ...]) -> dict[int, tuple[str, float]]:
    """The strikes a chain needs: ``step -> (struck party, likelihood)``.

    A defence obligation of a party that joined of its own accord applies only once the other
    side strikes that party's own territory; the strike comes before the step it enables.

    Examples
    --------
    >>> from escalate import build_scenario
    >>> from escalate.engine.compile import compile_scenario
    >>> from escalate.engine.ties import FlareUp
    >>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}, "D": {}}, relations=[
    ...     {"type": "backing", "from": "C", "to": "A", "level": "military", "likelihood": 0.5},
    ...     {"type": "defense_pact", "between": ["C", "D"], "likelihood": 0.5}])
    >>> c = compile_scenario(s, FlareUp(("A", "B"), theatre=frozenset({"A", "B"})))
    >>> chain = most_likely_chains(c)["D"][1]
    >>> strikes_in(c, chain) == {1: ("C", c.strike("C", 0)[1])}
    True
    """
    flare = compiled.flare_up
    belligerents = flare.side_by_belligerent
    side = belligerents[compiled.arcs[chain[0]].source]
    found: dict[int, tuple[str, float]] = {}
    for step, index in enumerate(chain):
        arc = compiled.arcs[index]
        if arc.defensive and arc.source not in belligerents:
            found[step] = (arc.source, compiled.strike(arc.source, side)[1])
        side = compiled.pull_side(arc, side)
        if side == NO_SIDE:
            break
    return found


def chain_probability(compiled: Compiled, chain: tuple[int, ...]) -> float:
    """The probability of a chain: its ties' likelihoods times the strikes it needs."""
    strikes = math.prod(p for _, p in strikes_in(compiled, chain).values())
    return math.prod(compiled.arcs[i].likelihood for i in chain) * strikes


def chain_side(compiled: Compiled, chain: tuple[int, ...]) -> int:
    """The side a chain of arcs brings its last party to (``NO_SIDE`` for mediation)."""
    flare = compiled.flare_up
    side = flare.side_by_belligerent[compiled.arcs[chain[0]].source]
    for index in chain:
        side = compiled.pull_side(compiled.arcs[index], side)
        if side == NO_SIDE:
            break
    return side
