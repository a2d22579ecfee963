"""The ``escalate`` command line: parse, call the library, render. Nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from escalate import __version__
from escalate.analysis import escalation_paths
from escalate.errors import EscalateError, FlareUpError, UnknownActorError
from escalate.likelihoods import LikelihoodTable, load_likelihoods
from escalate.loading import bundled_scenarios, load_scenario
from escalate.report import table

app = typer.Typer(
    help="Which outside parties could a flare-up draw in, on whose side, how likely, and how.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Method(StrEnum):
    """How probabilities are computed."""

    AUTO = "auto"
    EXACT = "exact"
    MONTE_CARLO = "monte-carlo"


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
    """Turn library errors into one-line messages: exit 2 for the command line, 1 for files."""
    try:
        yield
    except (UnknownActorError, FlareUpError) as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    except EscalateError as exc:
        for line in str(exc).splitlines():
            typer.echo(f"Error: {line}", err=True)
        raise typer.Exit(code=1) from exc
    except KeyboardInterrupt as exc:
        typer.echo("Interrupted; nothing was written.", err=True)
        raise typer.Exit(code=130) from exc


def _version(value: bool) -> None:
    if value:
        typer.echo(f"escalate {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Which outside parties could a flare-up draw in, on whose side, how likely, and how."""


@app.command("paths")
def paths_cmd(
    a: Annotated[str, typer.Argument(help="One belligerent (name, alias or code).")],
    b: Annotated[str, typer.Argument(help="The other belligerent.")],
    graph: GraphOpt = None,
    initiator: Annotated[
        str | None, typer.Option(help="The belligerent that attacks; default: none.")
    ] = None,
    theatre: Annotated[
        list[str] | None,
        typer.Option(help="Territory where the fighting is; repeat for more. Default: both belligerents'."),
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Date YYYY-MM-DD; default: the scenario's as_of.")] = None,
    max_hops: Annotated[
        int | None, typer.Option(min=1, help="Longest chain of commitments followed.")
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="Paths shown per party.")] = 3,
    method: Annotated[
        Method, typer.Option(help="exact enumeration, Monte Carlo, or auto (exact when feasible).")
    ] = Method.AUTO,
    samples: Annotated[int, typer.Option(min=1, help="Monte Carlo samples.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Monte Carlo seed.")] = 0,
    likelihoods: Annotated[
        Path | None, typer.Option(help="TOML file overriding the default likelihood table.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the outside parties a flare-up between A and B could draw in, with their paths.

    \b
    Example: escalate paths Armenia Azerbaijan --theatre Nagorno-Karabakh
    """  # noqa: D301
    with user_errors():
        scenario = load_scenario(graph)
        table_ = load_likelihoods(likelihoods) if likelihoods else None
        result = escalation_paths(
            scenario, a, b, initiator=initiator, theatre=theatre, as_of=as_of, max_hops=max_hops,
            top=top, method=method.value, samples=samples, seed=seed, likelihoods=table_,
        )  # fmt: skip
    typer.echo(result.to_json() if as_json else table(result))
    if not result.parties:
        typer.echo("Note: no outside party is drawn in.", err=True)


@app.command("graphs")
def graphs_cmd() -> None:
    """List the bundled scenarios with their titles.

    \b
    Example: escalate graphs
    """  # noqa: D301
    rows = bundled_scenarios()
    width = max(len(name) for name, _ in rows)
    for name, title in rows:
        typer.echo(f"{name:<{width}}  {title}")


@app.command("likelihoods")
def likelihoods_cmd(
    likelihoods: Annotated[Path | None, typer.Argument(help="A TOML table to show instead.")] = None,
) -> None:
    """Show the likelihood of each relation type, with the reason for each default.

    \b
    Example: escalate likelihoods
    """  # noqa: D301
    with user_errors():
        table_ = load_likelihoods(likelihoods) if likelihoods else LikelihoodTable()
    for key, value, reason in table_.rows():
        typer.echo(f"{key:<20} {value:<5.3g} {reason}")
