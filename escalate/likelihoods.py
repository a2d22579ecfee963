"""Default likelihoods: how often each kind of tie draws a party in, and why.

A relation's own ``likelihood`` overrides its type's default here; a whole table can be
overridden from a TOML file (``escalate paths ... --likelihoods FILE``) such as::

    defense_pact = 0.7
    [backing]
    military = 0.5

Examples
--------
>>> table = LikelihoodTable()
>>> table.get("defense_pact")
0.75
>>> table.get("backing", "military")
0.5
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from escalate.errors import GraphFileError, close_matches, did_you_mean

#: ``(type or "backing.level", likelihood, reason)``: the one documented table.
DEFAULTS: tuple[tuple[str, float, str], ...] = (
    ("defense_pact", 0.75,
     "Alliance commitments were honoured in about three quarters of the cases where they "
     "were invoked (Leeds, Long and Mitchell 2000, 'Reevaluating Alliance Reliability')."),
    ("guarantee", 0.75,
     "A one-way defence obligation; Leeds et al. find no lower reliability for asymmetric pledges."),
    ("collective_defense", 0.75,
     "An alliance's members honour a collective-defence clause about as often as a bilateral pact."),
    ("backing.military", 0.5,
     "Arms, advisers or bases: patrons fight beside a client in a war roughly half the time."),
    ("backing.material", 0.6,
     "Money, arms sales and supplies continue in wartime more often than not; as a supporter."),
    ("backing.diplomatic", 0.8,
     "Statements of support are cheap and usually repeated once fighting starts; as a supporter."),
    ("entente", 0.3,
     "Consultation pacts promise talks, not action; a weak pull (Leeds 2003, ATOP codebook)."),
    ("hostility", 0.25,
     "Rivals join wars against their rivals far more often than other states, but rarely."),
    ("mediation", 0.9,
     "A party already working for a settlement nearly always engages when fighting resumes."),
    ("border", 0.03,
     "About 3% of states bordering a belligerent by land joined its war "
     "(COW inter-state wars 1823-2003, fitted by escalate calibrate)."),
    ("major_power", 0.04,
     "A major power joined about one war in twenty-five in which it had no other tie "
     "(COW inter-state wars and major-power list, fitted by escalate calibrate)."),
    ("neutrality_pact", 0.8,
     "The chance that a neutrality promise holds against joining the partner's enemies."),
    ("nonaggression_pact", 0.8,
     "The chance that a non-aggression promise keeps the partners from fighting each other."),
)  # fmt: skip

_KEYS = tuple(key for key, _, _ in DEFAULTS)


@dataclass(frozen=True)
class LikelihoodTable:
    """Likelihoods per relation type (and backing level), with their reasons.

    Examples
    --------
    >>> LikelihoodTable().updated({"hostility": 0.1}).get("hostility")
    0.1
    """

    values: Mapping[str, float] = field(default_factory=lambda: {k: v for k, v, _ in DEFAULTS})
    origin: str = "defaults"

    def get(self, relation_type: str, level: str | None = None) -> float:
        """The likelihood of a type, or of ``backing`` at a level."""
        key = f"{relation_type}.{level}" if level else str(relation_type)
        return self.values[key]

    def reason(self, key: str) -> str:
        """Why the default for ``key`` is what it is."""
        return {k: r for k, _, r in DEFAULTS}[key]

    def updated(self, changes: Mapping[str, float], origin: str = "custom") -> LikelihoodTable:
        """Return a table with some values replaced; keys as in :data:`DEFAULTS`."""
        for key, value in changes.items():
            if key not in _KEYS:
                raise ValueError(f"unknown likelihood key {key!r}{did_you_mean(close_matches(key, _KEYS))}")
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"likelihood {key!r} must be a number from 0 to 1, not {value!r}")
        return dataclasses.replace(self, values={**self.values, **changes}, origin=origin)

    def rows(self) -> list[tuple[str, float, str]]:
        """``(key, likelihood, reason)`` rows in the documented order."""
        return [(k, self.values[k], r) for k, _, r in DEFAULTS]


def load_likelihoods(path: str | Path) -> LikelihoodTable:
    """Read a likelihood table from a TOML file; every problem is reported at once.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "table.toml"
    >>> _ = path.write_text(chr(10).join(["[backing]", "military = 0.4"]))
    >>> load_likelihoods(path).get("backing", "military")
    0.4
    """
    path = Path(path)
    from escalate.loading import read_text

    text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GraphFileError(path, [f"{path}: invalid TOML: {exc}"]) from exc
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{sub}": v for sub, v in value.items()})
        else:
            flat[key] = value
    problems = []
    changes: dict[str, float] = {}
    for key, value in flat.items():
        try:
            LikelihoodTable().updated({key: value})
        except ValueError as exc:
            line = _line_of(text, key.rsplit(".", 1)[-1])
            problems.append(f"{path}:{line}: {exc}" if line else f"{path}: {exc}")
        else:
            changes[key] = float(value)
    if problems:
        raise GraphFileError(path, problems)
    return LikelihoodTable().updated(changes, origin=str(path))


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(key):
            return number
    return None
