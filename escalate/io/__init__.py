"""Files in and out: every scenario format (one dispatcher by suffix), likelihood tables, safe reads.

Above the model, beside the engine: :mod:`~escalate.io.formats` reads and writes every
format through :mod:`~escalate.io.toml`, :mod:`~escalate.io.graphs` and
:mod:`~escalate.io.csv`; :mod:`~escalate.io.files` holds the bundled scenarios, the safe
read and the atomic write.

Examples
--------
>>> load_scenario().name
'nagorno-karabakh-2020'
"""

from escalate.io.files import atomic_write, bundled_scenarios
from escalate.io.formats import FORMATS, format_of, load_scenario, read_scenario, write_scenario
from escalate.io.graphs import from_networkx, to_networkx
from escalate.io.likelihoods import load_likelihoods

__all__ = [
    "FORMATS",
    "atomic_write",
    "bundled_scenarios",
    "format_of",
    "from_networkx",
    "load_likelihoods",
    "load_scenario",
    "read_scenario",
    "to_networkx",
    "write_scenario",
]
