"""What the commands share: turning errors into one-line messages, printing results, common options."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from escalate.errors import (
    EscalateError,
    FlareUpError,
    UnknownActorError,
    UnknownFormatError,
    UnknownScenarioError,
)
from escalate.render.drawing import image_format_problem


class Method(StrEnum):
    """How probabilities are computed."""

    AUTO = "auto"
    EXACT = "exact"
    MONTE_CARLO = "monte-carlo"


class Layout(StrEnum):
    """How a diagram places the actors."""

    CAMPS = "camps"
    SPRING = "spring"
    CIRCULAR = "circular"


GraphOpt = Annotated[
    str | None,
    typer.Option(
        "--graph", "-g", envvar="ESCALATE_GRAPH",
        help="A bundled scenario name (see `escalate graphs`) or a .toml file; "
        "default: nagorno-karabakh-2020.",
    ),
]  # fmt: skip


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors into one-line messages: exit 2 for the command line, 1 for files.

    Warnings become ``Warning: ...`` lines on stderr, before any error (never Python's two-line
    form with a file and a line of source).
    """
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    except (UnknownActorError, UnknownScenarioError, UnknownFormatError, FlareUpError) as exc:
        _show(caught)
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    except EscalateError as exc:
        _show(caught)
        for line in str(exc).splitlines():
            typer.echo(f"Error: {line}", err=True)
        raise typer.Exit(code=1) from exc
    except KeyboardInterrupt as exc:
        _show(caught)
        typer.echo("Interrupted; nothing was written.", err=True)
        raise typer.Exit(code=130) from exc
    _show(caught)


def _show(caught: list[warnings.WarningMessage]) -> None:
    for warning in caught:
        for line in str(warning.message).splitlines():
            typer.echo(f"Warning: {line}", err=True)


def emit(text: str) -> None:
    """Print a result on stdout; a closed pipe ends quietly, a full disk is a one-line error."""
    if sys.stdout is None:  # started with standard output closed (`>&-`)
        typer.echo("Error: cannot write the result: standard output is closed", err=True)
        raise typer.Exit(code=1)
    try:
        typer.echo(text)
        sys.stdout.flush()
    except OSError as exc:
        broken = isinstance(exc, BrokenPipeError)  # `escalate ... | head`: the reader has enough
        if not broken:
            typer.echo(f"Error: cannot write the result: {exc.strerror or exc}", err=True)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        raise typer.Exit(code=0 if broken else 1) from None


InitiatorOpt = Annotated[str | None, typer.Option(help="The belligerent that attacks; default: none.")]
WithAOpt = Annotated[
    list[str] | None,
    typer.Option("--with-a", help="Another belligerent fighting beside A from the start; repeat for more."),
]
WithBOpt = Annotated[
    list[str] | None,
    typer.Option("--with-b", help="Another belligerent fighting beside B from the start; repeat for more."),
]
TheatreOpt = Annotated[
    list[str] | None,
    typer.Option(help="Territory where the fighting is; repeat for more. Default: every belligerent's."),
]
AsOfOpt = Annotated[str | None, typer.Option(help="Date YYYY-MM-DD; default: the scenario's as_of.")]
MaxHopsOpt = Annotated[int | None, typer.Option(min=1, help="Longest chain of commitments followed.")]
TopOpt = Annotated[int, typer.Option(min=1, help="Paths kept per party.")]
MethodOpt = Annotated[Method, typer.Option(help="exact, monte-carlo, or auto (exact when feasible).")]
SamplesOpt = Annotated[int, typer.Option(min=1, help="Monte Carlo samples.")]
SeedOpt = Annotated[int, typer.Option(help="Monte Carlo seed.")]
LikelihoodsOpt = Annotated[
    Path | None,
    typer.Option(
        help="TOML file overriding the default likelihood table, or 'wars': the table fitted on wars alone."
    ),
]
BelligerentA = Annotated[str, typer.Argument(metavar="A", help="One belligerent (name, alias or code).")]
BelligerentB = Annotated[str, typer.Argument(metavar="B", help="The other belligerent.")]
DpiOpt = Annotated[int, typer.Option(min=10, max=1200, help="Resolution of a PNG, dots per inch.")]
SizeOpt = Annotated[str, typer.Option(help="Figure size in inches, WIDTHxHEIGHT.")]


def image_path(path: Path | None) -> Path | None:
    """Check an image option's suffix (.png, .svg or .pdf) before any work is done."""
    problem = image_format_problem(path) if path is not None else None
    if problem:
        raise typer.BadParameter(problem)
    return path


def probability(value: float) -> float:
    """Check a probability option: the range check lets NaN through (every comparison with it is false)."""
    if value != value:
        raise typer.BadParameter("must be a number from 0 to 1, not nan")
    return value


def figure_size(text: str) -> tuple[float, float]:
    """``"11x7.5"`` as inches ``(11.0, 7.5)``; whether they can be drawn is the drawing's to say."""
    try:
        width, height = (float(v) for v in text.lower().split("x"))
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not WIDTHxHEIGHT in inches, such as 11x7.5") from None
    return width, height
