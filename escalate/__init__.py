"""escalate: which outside parties could a flare-up draw in, on whose side, and how.

Examples
--------
>>> import escalate
>>> result = escalate.escalation_paths(None, "Armenia", "Azerbaijan")
>>> result.party("Turkey").side
'Azerbaijan'
"""

from escalate.analysis import Escalation, Party, Path, Step, escalation_paths
from escalate.errors import (
    EscalateError,
    EscalateWarning,
    FlareUpError,
    GraphFileError,
    NotDrawnInError,
    OutputError,
    UnknownActorError,
    UnknownFormatError,
    UnknownRelationError,
    UnknownScenarioError,
)
from escalate.io import (
    bundled_scenarios,
    from_networkx,
    load_likelihoods,
    load_scenario,
    read_scenario,
    to_networkx,
    write_scenario,
)
from escalate.likelihoods import LikelihoodTable
from escalate.model import (
    Actor,
    ActorKind,
    BackingLevel,
    HostilityLevel,
    Relation,
    RelationType,
    Role,
    Scenario,
    Source,
    build_scenario,
)

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "ActorKind",
    "BackingLevel",
    "EscalateError",
    "EscalateWarning",
    "Escalation",
    "FlareUpError",
    "GraphFileError",
    "HostilityLevel",
    "LikelihoodTable",
    "NotDrawnInError",
    "OutputError",
    "Party",
    "Path",
    "Relation",
    "RelationType",
    "Role",
    "Scenario",
    "Source",
    "Step",
    "UnknownActorError",
    "UnknownFormatError",
    "UnknownRelationError",
    "UnknownScenarioError",
    "build_scenario",
    "bundled_scenarios",
    "escalation_paths",
    "from_networkx",
    "load_likelihoods",
    "load_scenario",
    "read_scenario",
    "to_networkx",
    "write_scenario",
]
