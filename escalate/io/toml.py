"""escalate's own format: TOML scenario files (read with the standard library's tomllib), with ``extends``.

Examples
--------
>>> from escalate import build_scenario
>>> print(to_toml(build_scenario(name="s", actors={"A": {}})), end="")
name = "s"
<BLANKLINE>
relations = [
]
<BLANKLINE>
[actors]
A = { kind = "state" }
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from escalate.errors import (
    GraphFileError,
    UnknownScenarioError,
    show_value,
)
from escalate.io.files import bundled_path, file_limit, is_path_like, read_text
from escalate.model import (
    Scenario,
    scenario_from_data,
    scenario_to_data,
)
from escalate.model.fields import LineIndex


def read_toml(path: Path, *, seen: tuple[Path, ...] = (), budget: int | None = None) -> Scenario:
    """Read a TOML scenario file and the chain of files it ``extends``, ``budget`` bytes in all.

    ``budget`` is ``MAX_FILE_BYTES`` unless given: the file limit holds for the chain as a
    whole, so that 32 files of 20 MiB each cannot make one scenario of 640 MiB.
    """
    if budget is None:  # the first file of a chain: the whole limit
        text = read_text(path)
        budget = file_limit()
    else:
        text = read_text(
            path, limit=max(budget, 0), limit_is="what MAX_FILE_BYTES leaves after the files extending it"
        )
    data = parse_toml(path, text)
    base = None
    extends = data.get("extends")
    if extends is not None:
        base = _load_base(path, text, extends, seen, budget - len(text.encode("utf-8")))
    return scenario_from_data(data, path=path, text=text, base=base)


#: How many files one ``extends`` chain may hold (each is a scenario read and checked).
MAX_EXTENDS = 32


def _load_base(path: Path, text: str, extends: Any, seen: tuple[Path, ...], budget: int) -> Scenario:
    """Load the scenario that ``path`` extends; its problems are reported at ``path``."""
    where = f"{path}:{LineIndex(text).keys.get('extends', 1)}"
    if not isinstance(extends, str):
        raise GraphFileError(path, [f"{where}: 'extends' must name a scenario, not {show_value(extends)}"])
    try:
        if is_path_like(extends):
            base_path = Path(extends) if Path(extends).is_absolute() else path.parent / extends
        else:
            base_path = bundled_path(extends)
        if base_path.resolve() in (*seen, path.resolve()):
            raise GraphFileError(path, [f"'extends' makes a cycle through {base_path}"])
        if len(seen) + 1 >= MAX_EXTENDS:
            raise GraphFileError(
                path, [f"'extends' goes more than {MAX_EXTENDS} files deep; flatten the chain"]
            )
        return read_toml(base_path, seen=(*seen, path.resolve()), budget=budget)
    except (GraphFileError, UnknownScenarioError) as exc:
        problems = exc.problems if isinstance(exc, GraphFileError) else [str(exc)]
        raise GraphFileError(path, [f"{where}: extends: {p}" for p in problems]) from exc


def parse_toml(path: Path, text: str) -> dict[str, Any]:
    """``tomllib.loads``; bad syntax or nesting too deep for the parser is a one-line GraphFileError.

    Examples
    --------
    >>> parse_toml(Path("deep.toml"), "x = " + "[" * 100_000)
    Traceback (most recent call last):
    ...
    escalate.errors.GraphFileError: deep.toml: invalid TOML: arrays or tables nested too deeply
    >>> parse_toml(Path("long.toml"), "a = 1" + chr(10) + "b = 1" + "0" * 5000)
    Traceback (most recent call last):
    ...
    escalate.errors.GraphFileError: long.toml:2: invalid TOML: a number with more than 4,300 digits
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GraphFileError(path, [f"{path}:{_toml_line(exc)}: invalid TOML: {exc}"]) from exc
    except RecursionError as exc:  # tomllib parses nested arrays and inline tables recursively
        raise GraphFileError(path, [f"{path}: invalid TOML: arrays or tables nested too deeply"]) from exc
    except ValueError as exc:  # an integer longer than Python converts (4,300 digits)
        long = re.search(r"\d{4300,}", text)
        line = text.count("\n", 0, long.start()) + 1 if long else 1
        raise GraphFileError(
            path, [f"{path}:{line}: invalid TOML: a number with more than 4,300 digits"]
        ) from exc


def _toml_line(exc: tomllib.TOMLDecodeError) -> str:
    lineno = getattr(exc, "lineno", None)
    if lineno is None:
        match = re.search(r"line (\d+)", str(exc))
        lineno = int(match.group(1)) if match else None
    return str(lineno) if lineno is not None else "1"


def to_toml(scenario: Scenario) -> str:
    """The scenario as TOML text that :func:`escalate.load_scenario` reads back equal."""
    data = scenario_to_data(scenario)
    lines = [f"{key} = {_toml_value(data[key])}" for key in ("name", "title", "as_of") if key in data]
    lines.append("")
    lines.append("relations = [")
    lines += [f"  {_toml_value(r)}," for r in data["relations"]]
    lines += ["]", ""]
    for key, source in data["sources"].items():
        lines.append(f"[sources.{_toml_key(key)}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in source.items()]
        lines.append("")
    lines.append("[actors]")
    lines += [f"{_toml_key(name)} = {_toml_value(actor)}" for name, actor in data["actors"].items()]
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


# -- networkx -----------------------------------------------------------------------
