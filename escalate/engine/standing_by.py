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
then fight with ``collective_defense.member``. These arcs come last among a graph's standing
ties, so that the coins of every other tie keep their numbers.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from escalate.engine.ties import Arc, Arcs, FlareUp, Strength
from escalate.likelihoods import LikelihoodTable
from escalate.model import RelationType, Role, Scenario

#: How many of an alliance's members must attack together for it to act as a coalition.
COALITION = 2


def standing_by_arcs(scenario: Scenario, as_of: object, arcs: Arcs, table: LikelihoodTable) -> None:
    """Add the arcs by which defence partners and alliances stand by an attacker or follow a joiner."""
    for offensive, kind in ((True, "stand_by"), (False, "follow")):
        p = table.values[f"{kind}.pact"]
        for r in scenario.relations:
            if r.type not in (RelationType.DEFENSE_PACT, RelationType.GUARANTEE):
                continue
            if not r.in_force(as_of):  # type: ignore[arg-type]
                continue
            (other,) = r.targets
            pairs = (
                [(other, r.origin)]
                if r.type is RelationType.GUARANTEE
                else [(r.origin, other), (other, r.origin)]
            )
            shared = len(arcs)
            for partner, ally in pairs:
                arcs.add(partner, ally, r, p, Strength.MILITARY, Role.ALLY, coin=shared,
                         key=f"{kind}.pact", offensive=offensive, follows=not offensive)  # fmt: skip
        acts = table.values[f"{kind}.alliance"]
        for alliance in scenario.actors.values():
            call = alliance.collective_defense_relation()
            if call is None:
                continue
            shared = len(arcs)
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
      with ``stand_by.coalition`` instead of ``stand_by.alliance`` (Kosovo 1999, Libya 2011).

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
    return tuple(
        arc
        if not ((arc.offensive or arc.follows) and arc.role is Role.ALLIANCE)  # an alliance's own call
        else dataclasses.replace(arc, likelihood=0.0)
        if arc.target in split
        else arc
        if arc.follows
        else dataclasses.replace(arc, likelihood=coalition, key="stand_by.coalition")
        if arc.target in coalitions
        else arc
        for arc in arcs
    )
