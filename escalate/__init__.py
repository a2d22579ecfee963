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
    FlareUpError,
    GraphFileError,
    NotDrawnInError,
    OutputError,
    UnknownActorError,
    UnknownRelationError,
)
from escalate.interchange import EscalateWarning, from_networkx, read_scenario, to_networkx, write_scenario
from escalate.likelihoods import LikelihoodTable, load_likelihoods
from escalate.loading import build_scenario, bundled_scenarios, load_scenario
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
    "UnknownRelationError",
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
