"""Likelihood tables from TOML files, or the bundled tables by name.

Examples
--------
>>> load_likelihoods("wars").basis("defense_pact")
'fitted'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from escalate.errors import GraphFileError
from escalate.io.files import read_text
from escalate.io.toml import parse_toml
from escalate.likelihoods import BUNDLED_TABLES, FITTED_ON, LikelihoodTable, flat_keys


def load_likelihoods(path: str | Path) -> LikelihoodTable:
    """Read a likelihood table from a TOML file, or a bundled one by name; every problem at once.

    ``"wars"`` names the table fitted on the COW inter-state wars alone: for a flare-up that
    has become a war (the default table is fitted on every militarized dispute as well).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "table.toml"
    >>> _ = path.write_text(chr(10).join(["[backing]", "military = 0.4"]))
    >>> load_likelihoods(path).get("backing", "military")
    0.4
    >>> load_likelihoods("wars").get("defense_pact") > LikelihoodTable().get("defense_pact")
    True
    """
    path = Path(path)

    if str(path) in BUNDLED_TABLES and not path.exists():
        text = resources.files("escalate").joinpath(BUNDLED_TABLES[str(path)]).read_text(encoding="utf-8")
    else:
        text = read_text(path)
    data = parse_toml(path, text)
    problems = []
    changes: dict[str, float] = {}
    for key, value in flat_keys(data).items():
        if key == FITTED_ON and isinstance(value, str):
            continue
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
