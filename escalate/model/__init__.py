"""The model: actors, typed relations between them, their sources, and the scenario that holds them.

The bottom layer of escalate: it imports only :mod:`escalate.errors` and
:mod:`escalate.names`. :mod:`~escalate.model.elements` defines the parts,
:mod:`~escalate.model.checks` checks file-shaped data, and
:mod:`~escalate.model.scenario` builds the immutable :class:`Scenario` from it.

Examples
--------
>>> s = build_scenario(actors={"Armenia": {}, "Russia": {}},
...     relations=[{"type": "defense_pact", "between": ["Russia", "Armenia"]}])
>>> s.relations[0].type is RelationType.DEFENSE_PACT
True
"""

from escalate.model.elements import (
    FILE_RELATION_TYPES,
    SYMMETRIC_TYPE_NAMES,
    Actor,
    ActorKind,
    BackingLevel,
    HostilityLevel,
    NameIndex,
    Relation,
    RelationType,
    Role,
    Source,
    drop_none,
    relation_to_data,
)
from escalate.model.scenario import Scenario, build_scenario, scenario_from_data, scenario_to_data

__all__ = [
    "FILE_RELATION_TYPES",
    "SYMMETRIC_TYPE_NAMES",
    "Actor",
    "ActorKind",
    "BackingLevel",
    "HostilityLevel",
    "NameIndex",
    "Relation",
    "RelationType",
    "Role",
    "Scenario",
    "Source",
    "build_scenario",
    "drop_none",
    "relation_to_data",
    "scenario_from_data",
    "scenario_to_data",
]
