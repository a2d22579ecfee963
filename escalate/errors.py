"""Errors raised by escalate.

Every problem a user can cause raises a subclass of :class:`EscalateError`, so a
notebook can catch them all at once::

    EscalateError                 base; catch this in notebooks
    ├── GraphFileError            .path, .problems (every problem in the file, in one pass)
    ├── UnknownActorError         .name, .suggestions
    ├── UnknownScenarioError      .name, .suggestions (no bundled scenario has that name)
    ├── UnknownRelationError      .value, .allowed
    ├── UnknownFormatError        .path, .name, .allowed (a file suffix or format option)
    ├── OutputError               an output could not be written (nothing left behind)
    ├── NotDrawnInError           .actor, .side (a KeyError too)
    └── FlareUpError              a question or request that does not make sense

    EscalateWarning               a conversion could not keep everything (a UserWarning)

Examples
--------
>>> err = UnknownActorError("Rusia", ["Russia"])
>>> str(err)
"unknown actor 'Rusia'; did you mean 'Russia'?"
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


class EscalateError(Exception):
    """Base class of every error that bad input can cause.

    Examples
    --------
    >>> from escalate import load_scenario
    >>> try:
    ...     load_scenario("no-such-scenario")
    ... except EscalateError as exc:
    ...     print(type(exc).__name__)
    UnknownScenarioError
    """


class GraphFileError(EscalateError):
    """A scenario or data file is malformed; ``problems`` lists every problem found.

    Each problem is one line that names the place, as ``file:line: message``.

    Examples
    --------
    >>> GraphFileError("war.toml", ["war.toml:3: bad", "war.toml:9: worse"]).problems[1]
    'war.toml:9: worse'
    """

    def __init__(self, path: str | Path | None, problems: Sequence[str]) -> None:
        self.path = Path(path) if path is not None else None
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    def __reduce__(self) -> tuple[Any, ...]:  # rebuilt from its own arguments (worker processes)
        return (type(self), (self.path, self.problems))


class UnknownActorError(EscalateError):
    """A name matches no actor, alias or id of the scenario.

    Examples
    --------
    >>> UnknownActorError("Rusia", ["Russia"]).suggestions
    ['Russia']
    """

    def __init__(self, name: str, suggestions: Sequence[str] = (), *, what: str = "actor") -> None:
        self.name = name
        self.suggestions = list(suggestions)
        self.what = what
        super().__init__(f"unknown {what} {name!r}{did_you_mean(self.suggestions)}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (functools.partial(type(self), what=self.what), (self.name, self.suggestions))


class UnknownScenarioError(EscalateError):
    """A name matches no bundled scenario (and does not look like a file path).

    Examples
    --------
    >>> str(UnknownScenarioError("caucasus", ["caucasus-2020"]))
    "unknown scenario 'caucasus'; did you mean 'caucasus-2020'?"
    """

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        super().__init__(f"unknown scenario {name!r}{did_you_mean(self.suggestions)}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.name, self.suggestions))


class UnknownRelationError(EscalateError):
    """A relation type or backing level is not one escalate knows.

    Examples
    --------
    >>> str(UnknownRelationError("defence_pact", ["defense_pact", "guarantee"]))
    "unknown relation type 'defence_pact'; did you mean 'defense_pact'?"
    """

    def __init__(self, value: str, allowed: Sequence[str]) -> None:
        self.value = value
        self.allowed = list(allowed)
        hint = did_you_mean(close_matches(value, allowed))
        super().__init__(f"unknown relation type {value!r}{hint}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.value, self.allowed))


class UnknownFormatError(EscalateError):
    """A file's suffix (or a ``--to``/``--from`` option) names no format escalate reads or writes.

    Examples
    --------
    >>> str(UnknownFormatError("w.xlsx", "xlsx", ["toml", "csv"]))
    "w.xlsx: unknown scenario format 'xlsx'; use one of toml, csv"
    """

    def __init__(self, path: str, name: str, allowed: Sequence[str]) -> None:
        self.path, self.name, self.allowed = path, name, list(allowed)
        hint = did_you_mean(close_matches(name, allowed)) or f"; use one of {', '.join(allowed)}"
        super().__init__(f"{path}: unknown scenario format {name!r}{hint}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.name, self.allowed))


class OutputError(EscalateError):
    """An output file could not be written; nothing was left behind.

    Examples
    --------
    >>> from escalate.io.files import atomic_write
    >>> try:
    ...     with atomic_write("/no/such/folder/out.png"):
    ...         pass
    ... except OutputError as exc:
    ...     print(exc)
    cannot write /no/such/folder/out.png: there is no folder /no/such/folder
    """


def close_matches(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Return the candidates that look like ``word``, best first, ignoring case.

    Examples
    --------
    >>> close_matches("rusia", ["Russia", "Turkey"])
    ['Russia']
    """
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    found = difflib.get_close_matches(word.casefold(), list(by_folded), n=n, cutoff=0.6)
    return [by_folded[f] for f in found]


def did_you_mean(suggestions: Sequence[str]) -> str:
    """Format suggestions as a "did you mean" tail, or "" when there are none.

    Examples
    --------
    >>> did_you_mean(["Russia", "Prussia"])
    "; did you mean 'Russia' or 'Prussia'?"
    """
    if not suggestions:
        return ""
    quoted = [repr(s) for s in suggestions]
    if len(quoted) == 1:
        return f"; did you mean {quoted[0]}?"
    return f"; did you mean {', '.join(quoted[:-1])} or {quoted[-1]}?"


class NotDrawnInError(EscalateError, KeyError):
    """A party asked of a result is not drawn in (on that side); a ``KeyError`` as well.

    Examples
    --------
    >>> str(NotDrawnInError("Georgia", "Armenia"))
    "Georgia is not drawn in on Armenia's side"
    """

    def __init__(self, actor: str, side: object = ...) -> None:
        self.actor, self.side = actor, side
        where = "" if side is ... else " as a mediator" if side is None else f" on {side}'s side"
        super().__init__(f"{actor} is not drawn in{where}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.actor, self.side))

    def __str__(self) -> str:
        return str(self.args[0])


class FlareUpError(EscalateError):
    """The flare-up asked about does not make sense (same actor twice, bad initiator, ...).

    Examples
    --------
    >>> from escalate import escalation_paths
    >>> try:
    ...     escalation_paths(None, "Armenia", "armenia")
    ... except FlareUpError as exc:
    ...     print(exc)
    the two belligerents are the same actor (Armenia); name two
    """


def show_value(value: Any) -> str:
    """A short description of a bad value for messages: ``'text'``, ``nothing``, ``int 5``."""
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "nothing"
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}"


class EscalateWarning(UserWarning):
    """A conversion could not keep everything: the message names what was lost.

    Examples
    --------
    >>> import warnings, tempfile, pathlib
    >>> from escalate import load_scenario, write_scenario
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = write_scenario(load_scenario(), pathlib.Path(tempfile.mkdtemp()) / "nk.gexf")
    >>> caught[0].category.__name__
    'EscalateWarning'
    """
