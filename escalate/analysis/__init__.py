"""Ask about a flare-up: who could be drawn in, on whose side, how likely, and by which chains.

Above the engine and the I/O: :mod:`~escalate.analysis.paths` holds
:func:`escalation_paths` and its answer :class:`Escalation`, whose parts are in
:mod:`~escalate.analysis.result`; :mod:`~escalate.analysis.explain` puts each step in
words, :mod:`~escalate.analysis.tables` makes pandas and HTML tables.

Examples
--------
>>> result = escalation_paths(None, "Armenia", "Azerbaijan")
>>> result.belligerents
('Armenia', 'Azerbaijan')
"""

from escalate.analysis.paths import Escalation, escalation_paths
from escalate.analysis.result import Party, Path, Step

__all__ = ["Escalation", "Party", "Path", "Step", "escalation_paths"]
