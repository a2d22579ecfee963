"""Explain the steps of an escalation path in plain words, citing each relation's source.

Examples
--------
>>> from escalate import build_scenario
>>> s = build_scenario(actors={"Armenia": {}, "Russia": {}},
...     relations=[{"type": "defense_pact", "between": ["Russia", "Armenia"],
...                 "covers": ["Armenia"]}])
>>> explain_step(s, s.relations[0], source="Armenia", target="Russia")
'Russia has a mutual defense pact with Armenia covering Armenia'
"""

from __future__ import annotations

from escalate.model import Relation, RelationType, Scenario


def explain_step(
    scenario: Scenario,
    relation: Relation,
    *,
    source: str,
    target: str,
    attacker: bool = False,
    coalition: bool = False,
    bound_to: str | None = None,
    follower: bool = False,
) -> str:
    """One sentence: why ``target`` is drawn in once ``source`` is fighting.

    ``attacker``: ``source`` attacked, so a defence obligation does not bind ``target``;
    it may stand by ``source`` all the same. ``coalition``: ``target`` is an alliance
    several of whose members attacked together. ``bound_to``: the belligerent to whose side
    ``target``'s ties bind it, when a tie with no side of its own (a border, a major power's
    reach) draws it there. ``follower``: ``source`` joined the fighting (by whatever tie), and
    ``target`` may follow it in: a chance apart from any obligation that binds ``target``.

    >>> from escalate import build_scenario
    >>> s = build_scenario(actors={"Iraq": {}, "France": {"major_power": True}})
    >>> reach = Relation(RelationType.MAJOR_POWER, "France", ("Iraq",))
    >>> explain_step(s, reach, source="Iraq", target="France", bound_to="United States").split("; ")[1]
    "its ties bind it to United States's side"
    """
    if coalition:
        return f"{target} acts as a coalition for its members that attacked together, {source} among them"
    if attacker or follower:
        return _standing_by(scenario, relation, source=source, target=target, follower=follower)
    text = _why(scenario, relation, source=source, target=target)
    return text if bound_to is None else f"{text}; its ties bind it to {bound_to}'s side"


def _why(scenario: Scenario, relation: Relation, *, source: str, target: str) -> str:
    """Why a tie of ``relation``'s type draws ``target`` in once ``source`` fights."""
    match relation.type:
        case RelationType.DEFENSE_PACT:
            text = f"{target} has a mutual defense pact with {source}"
            text += _covering(relation)
        case RelationType.GUARANTEE:
            text = f"{target} guarantees the defense of {source}" + _covering(relation)
        case RelationType.COLLECTIVE_DEFENSE:
            if scenario.actors[target].kind == "alliance":
                text = f"{target} acts as one for its member {source} under its collective defense"
            else:
                text = f"{target} honours {source}'s decision and fights"
        case RelationType.OFFENSE_PACT:
            text = f"{target} has promised to join {source}'s military action"
        case RelationType.BACKING:
            level = relation.level.value if relation.level else "diplomatic"
            text = f"{target} gives {source} {level} backing"
        case RelationType.ENTENTE:
            text = f"{target} has an entente with {source}"
        case RelationType.CONSULTATION_PACT:
            text = f"{target} has promised to consult with {source} in a crisis"
        case RelationType.HOSTILITY:
            grade = {
                "war": " (their disputes came to war)",
                "fatal": " (their disputes were deadly)",
                "force": " (their disputes used force)",
                "threat": " (they have threatened force)",
            }
            text = f"{target} is hostile to {source} and may join its enemies"
            text += grade.get(relation.level.value if relation.level else "", "")
        case RelationType.CO_BELLIGERENCE:
            text = f"{target} fought beside {source} in a recent militarized dispute"
        case RelationType.BORDER:
            text = f"{target} borders {source}, and the fighting can spill over"
        case RelationType.VICINITY:
            text = f"{target} borders a neighbour of {source}, and the fighting can spread to it"
        case RelationType.MAJOR_POWER:
            text = f"{target} is a major power and may intervene in a war involving {source}"
        case RelationType.MEDIATION:
            text = f"{target} mediates between {_and(relation.targets)}"
        case _:
            text = f"{target} has a {relation.type.value.replace('_', ' ')} with {source}"
    return text


def _standing_by(scenario: Scenario, relation: Relation, *, source: str, target: str, follower: bool) -> str:
    """A partner coming in with no casus foederis: ``source`` attacked, or joined."""
    alliance = relation.type is RelationType.COLLECTIVE_DEFENSE and scenario.actors[target].kind == "alliance"
    if follower:  # ``source`` joined rather than began the fighting, whatever brought it in
        whom = (
            f"its member {source}"
            if alliance
            else f"{source}, its {relation.type.value.replace('_', ' ')} partner,"
        )
        return f"{target} follows {whom} into the fighting {source} joined (no casus foederis)"
    if alliance:
        return f"{target} acts for its member {source} although {source} attacked (no casus foederis)"
    kind = relation.type.value.replace("_", " ")
    return f"{target} stands by {source}, its {kind} partner, although {source} attacked (no casus foederis)"


def cite(scenario: Scenario, relation: Relation) -> str:
    """`` (source: title, date)`` for a relation, or "" when it cites nothing."""
    source = scenario.source_of(relation)
    if source is None and relation.type is RelationType.COLLECTIVE_DEFENSE and relation.source:
        source = scenario.sources.get(relation.source)
    return f" (source: {source.cite()})" if source else ""


def _covering(relation: Relation) -> str:
    return f" covering {_and(relation.covers)}" if relation.covers else " covering its territory"


def _and(names: tuple[str, ...] | list[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
