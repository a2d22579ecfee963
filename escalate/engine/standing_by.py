"""Ties that bring a partner in where no casus foederis arises: standing by, and following.

A defence obligation binds only when the party it protects is attacked (see
:mod:`~escalate.engine.cascade`). Partners still come in where it does not:

- they *stand by* a belligerent that attacked (``stand_by.pact`` per pact, ``stand_by.alliance``
  per alliance, ``stand_by.coalition`` for an alliance several of whose members attacked
  together: Kosovo 1999, Libya 2011);
- they *follow* a party that joined the fighting, by whatever tie (``follow.pact`` per pact,
  ``follow.alliance`` per alliance): Korea 1950 and Vietnam 1965 drew the allies of the United
  States in after it, none of them attacked.

Each is one decision per pact or alliance, with the table's likelihood whatever the pact's
own (which is the chance of honouring the obligation once it binds); an alliance's members
then fight with ``collective_defense.member`` (a coalition's with ``stand_by.coalition_member``).
These arcs come last among a graph's standing ties, so that the coins of every other tie keep
their numbers.
"""

from __future__ import annotations

from collections import defaultdict

from escalate.engine.ties import Arc, Arcs, FlareUp, Strength
from escalate.likelihoods import LikelihoodTable
from escalate.model import Relation, RelationType, Role, Scenario

#: How many of an alliance's members must attack together for it to act as a coalition.
COALITION = 2


def standing_by_arcs(scenario: Scenario, as_of: object, arcs: Arcs, table: LikelihoodTable) -> None:
    """Add the arcs by which defence partners and alliances stand by an attacker or follow a joiner.

    Every stand-by arc comes first, then every follow arc, in the same order of pacts and alliances.
    """
    pacts: list[tuple[Relation, list[tuple[str, str]]]] = []  # each pact in force, (partner, ally) pairs
    for r in scenario.relations:
        if r.type in (RelationType.DEFENSE_PACT, RelationType.GUARANTEE) and r.in_force(as_of):  # type: ignore[arg-type]
            (other,) = r.targets
            guarantee = r.type is RelationType.GUARANTEE
            pacts.append((r, [(other, r.origin)] if guarantee else [(r.origin, other), (other, r.origin)]))
    alliances = [(a, call) for a in scenario.actors.values() if (call := a.collective_defense_relation())]
    for offensive, kind in ((True, "stand_by"), (False, "follow")):
        p, acts = table.values[f"{kind}.pact"], table.values[f"{kind}.alliance"]
        for r, pairs in pacts:
            shared = len(arcs)  # one decision per pact, whichever partner fights
            for partner, ally in pairs:
                arcs.add(partner, ally, r, p, Strength.MILITARY, Role.ALLY, coin=shared,
                         key=f"{kind}.pact", offensive=offensive, follows=not offensive)  # fmt: skip
        for alliance, call in alliances:
            shared = len(arcs)  # one decision per alliance, whichever member fights
            for member in alliance.members:
                arcs.add(member, alliance.id, call, acts, Strength.MILITARY, Role.ALLIANCE, coin=shared,
                         key=f"{kind}.alliance", offensive=offensive, follows=not offensive)  # fmt: skip


def how_alliances_stand_by(
    scenario: Scenario, flare_up: FlareUp, arcs: tuple[Arc, ...], table: LikelihoodTable
) -> tuple[Arc, ...]:
    """How an alliance may stand by members that attacked depends on the flare-up.

    - An alliance with members fighting on both sides never stands by the one that attacked,
      nor follows a member that joined (onto either side, against a member of its own). It may
      still act for a member that is attacked (in 1990 the Arab League's members came to
      Kuwait's aid against Iraq, a member too).
    - An alliance two or more of whose members attacked together acts for them as a coalition,
      with ``stand_by.coalition`` instead of ``stand_by.alliance`` (Kosovo 1999, Libya 2011),
      and its members then fight with ``stand_by.coalition_member``: members that chose war
      together, not members called on by a treaty. The member ties are restated for the whole
      flare-up, so the coalition's likelihood serves too when the alliance comes in otherwise
      (a rarer way: the treaty's call for a member whose territory the other side strikes, or
      following a member that joined): one likelihood per alliance and flare-up.

    The ties keep their places and coins (at likelihood 0, no coin is asked).
    """
    sides: dict[str, set[int]] = defaultdict(set)
    for belligerent, side in flare_up.fighting:
        sides[belligerent].add(side)
    split: set[str] = set()
    coalitions: set[str] = set()
    for alliance in scenario.actors.values():
        if not alliance.members:
            continue
        if len(set().union(*(sides.get(m, set()) for m in alliance.members))) == 2:
            split.add(alliance.id)
        elif sum(flare_up.attacks(m) for m in alliance.members) >= COALITION:
            coalitions.add(alliance.id)
    if not split and not coalitions:
        return arcs
    coalition = table.values["stand_by.coalition"]
    coalition_member = table.values["stand_by.coalition_member"]

    def restated(arc: Arc) -> Arc:
        if arc.key == "collective_defense.member" and arc.source in coalitions:
            return arc._replace(likelihood=coalition_member, key="stand_by.coalition_member")
        if arc.role is not Role.ALLIANCE or not (arc.offensive or arc.follows):
            return arc  # not an alliance's own call to stand by or follow
        if arc.target in split:
            return arc._replace(likelihood=0.0)
        if arc.offensive and arc.target in coalitions:
            return arc._replace(likelihood=coalition, key="stand_by.coalition")
        return arc

    return tuple(map(restated, arcs))
