"""The ``escalate`` command line: parse, call the library, render. Nothing else."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from escalate import __version__
from escalate.analysis import Escalation, escalation_paths
from escalate.errors import EscalateError, FlareUpError, UnknownActorError
from escalate.likelihoods import LikelihoodTable, load_likelihoods
from escalate.loading import bundled_scenarios, load_scenario
from escalate.model import Scenario
from escalate.report import table

app = typer.Typer(
    help="Which outside parties could a flare-up draw in, on whose side, how likely, and how.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,  # plain errors: "Error: ..." on one line, as for bad files
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


def emit(text: str) -> None:
    """Print a result on stdout; a closed pipe ends quietly, a full disk is a one-line error."""
    try:
        typer.echo(text)
        sys.stdout.flush()
    except OSError as exc:
        broken = isinstance(exc, BrokenPipeError)  # `escalate ... | head`: the reader has enough
        if not broken:
            typer.echo(f"Error: cannot write the result: {exc.strerror or exc}", err=True)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        raise typer.Exit(code=0 if broken else 1) from None


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


InitiatorOpt = Annotated[str | None, typer.Option(help="The belligerent that attacks; default: none.")]
TheatreOpt = Annotated[
    list[str] | None,
    typer.Option(help="Territory where the fighting is; repeat for more. Default: both belligerents'."),
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


def _analyse(
    graph: str | None, a: str, b: str, *, likelihoods: Path | None, method: Method, **options: Any
) -> Escalation:
    scenario = load_scenario(graph)
    table_ = load_likelihoods(likelihoods) if likelihoods else None
    return escalation_paths(scenario, a, b, likelihoods=table_, method=method.value, **options)


def _image_path(path: Path | None) -> Path | None:
    if path is not None and path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise typer.BadParameter(f"{path}: unknown image format {path.suffix!r}; use .png, .svg or .pdf")
    return path


def _probability(value: float) -> float:
    if value != value:  # NaN passes the range check: every comparison with it is false
        raise typer.BadParameter("must be a number from 0 to 1, not nan")
    return value


def _size(text: str) -> tuple[float, float]:
    try:
        width, height = (float(v) for v in text.lower().split("x"))
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not WIDTHxHEIGHT in inches, such as 11x7.5") from None
    if not (0 < width <= 100 and 0 < height <= 100):
        raise typer.BadParameter(f"{text!r}: each side must be more than 0 and at most 100 inches")
    return width, height


@app.command("paths")
def paths_cmd(
    a: BelligerentA,
    b: BelligerentB,
    graph: GraphOpt = None,
    initiator: InitiatorOpt = None,
    theatre: TheatreOpt = None,
    as_of: AsOfOpt = None,
    max_hops: MaxHopsOpt = None,
    top: TopOpt = 3,
    method: MethodOpt = Method.AUTO,
    samples: SamplesOpt = 10_000,
    seed: SeedOpt = 0,
    likelihoods: LikelihoodsOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    min_probability: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            callback=_probability,
            help="List parties at least this likely (0.01 = 1%); JSON lists all.",
        ),  # fmt: skip
    ] = 0.01,
    png: Annotated[
        Path | None,
        typer.Option(callback=_image_path, help="Also draw the diagram to this file (.png, .svg, .pdf)."),
    ] = None,
) -> None:
    """List the outside parties a flare-up between A and B could draw in, with their paths.

    \b
    Example: escalate paths Armenia Azerbaijan --theatre Nagorno-Karabakh
    """  # noqa: D301
    with user_errors():
        result = _analyse(
            graph, a, b, initiator=initiator, theatre=theatre, as_of=as_of, max_hops=max_hops,
            top=top, method=method, samples=samples, seed=seed, likelihoods=likelihoods,
        )  # fmt: skip
        if png is not None:
            from escalate.drawing import save

            save(result, png)
    emit(result.to_json() if as_json else table(result, min_probability=min_probability))
    if not result.parties:
        typer.echo("Note: no outside party is drawn in.", err=True)


@app.command("draw")
def draw_cmd(
    a: BelligerentA,
    b: BelligerentB,
    output: Annotated[
        Path, typer.Option("--output", "-o", callback=_image_path, help="Where to write: .png, .svg or .pdf.")
    ],
    graph: GraphOpt = None,
    initiator: InitiatorOpt = None,
    theatre: TheatreOpt = None,
    as_of: AsOfOpt = None,
    max_hops: MaxHopsOpt = None,
    top: TopOpt = 3,
    method: MethodOpt = Method.AUTO,
    samples: SamplesOpt = 10_000,
    seed: SeedOpt = 0,
    likelihoods: LikelihoodsOpt = None,
    dpi: DpiOpt = 150,
    size: SizeOpt = "11x7.5",
    title: Annotated[str | None, typer.Option(help="Title instead of the scenario's.")] = None,
    layout: Annotated[
        Layout, typer.Option(help="camps: sides left and right; or spring, circular.")
    ] = Layout.CAMPS,
    show_all: Annotated[bool, typer.Option("--all", help="Also draw actors that are not involved.")] = False,
) -> None:
    """Draw who a flare-up between A and B could draw in, as a PNG, SVG or PDF diagram.

    \b
    Example: escalate draw Armenia Azerbaijan -o karabakh.png
    """  # noqa: D301
    figure_size = _size(size)
    from escalate.drawing import image_size_problem

    problem = image_size_problem(figure_size, dpi)
    if problem:
        raise typer.BadParameter(problem, param_hint="--dpi/--size")
    with user_errors():
        result = _analyse(
            graph, a, b, initiator=initiator, theatre=theatre, as_of=as_of, max_hops=max_hops,
            top=top, method=method, samples=samples, seed=seed, likelihoods=likelihoods,
        )  # fmt: skip
        from escalate.drawing import save

        save(result, output, dpi=dpi, size=figure_size, title=title, layout=layout.value, show_all=show_all)
    typer.echo(f"Wrote {output}", err=True)


@app.command("convert")
def convert_cmd(
    source: Annotated[
        Path, typer.Argument(metavar="IN", help="A scenario: .toml, .json, .graphml, .gexf or .csv.")
    ],
    target: Annotated[
        Path, typer.Argument(metavar="OUT", help="Where to write; the format follows the suffix.")
    ],
    to: Annotated[str | None, typer.Option(help="Output format instead of OUT's suffix.")] = None,
    source_format: Annotated[
        str | None, typer.Option("--from", help="Input format instead of IN's suffix.")
    ] = None,
) -> None:
    """Convert a scenario between TOML, node-link JSON, GraphML, GEXF and CSV.

    \b
    Example: escalate convert graphs/caucasus-2020.toml caucasus.graphml
    """  # noqa: D301
    import warnings

    from escalate.interchange import format_of, read_scenario, write_scenario

    try:
        fmt_in, fmt_out = format_of(source, source_format), format_of(target, to)
    except EscalateError as exc:
        raise typer.BadParameter(str(exc)) from exc
    with user_errors(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scenario = read_scenario(source, fmt=fmt_in)
        write_scenario(scenario, target, fmt=fmt_out)
    for warning in caught:
        typer.echo(f"Warning: {warning.message}", err=True)
    typer.echo(
        f"Wrote {target} ({len(scenario.actors)} actors, {len(scenario.relations)} relations)", err=True
    )


import_app = typer.Typer(
    help="Build scenarios from real data sets.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(import_app, name="import")


@import_app.command("atop")
def import_atop_cmd(
    data: Annotated[Path, typer.Option(help="Folder laid out as shared/data (COW and ATOP files).")],
    year: Annotated[int, typer.Option(min=1816, max=2018, help="The year of the international system.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The scenario file to write (.toml, ...).")],
    rivalry_years: Annotated[
        int, typer.Option(min=0, help="Add hostility from disputes begun in the N years before.")
    ] = 0,
) -> None:
    """Build the international system of a year: COW states and ATOP 5.1 obligations.

    \b
    Example: escalate import atop --data ../shared/data --year 2014 -o world-2014.toml
    """  # noqa: D301
    from escalate.interchange import write_scenario
    from escalate.world.atop import world_scenario

    with user_errors():
        scenario = world_scenario(data, year, rivalry_years=rivalry_years)
        write_scenario(scenario, output)
    typer.echo(f"Wrote {output} ({_census(scenario)}, {len(scenario.relations)} relations)", err=True)


def _census(scenario: Scenario) -> str:
    """``"195 states, 16 alliances"``: the actors of a scenario by kind."""
    kinds = Counter(actor.kind.value for actor in scenario.actors.values())
    return ", ".join(f"{n} {kind}{'s' * (n != 1)}" for kind, n in sorted(kinds.items(), reverse=True))


class Conflicts(StrEnum):
    """What history to fit on or replay."""

    WARS = "wars"
    MIDS = "mids"
    ALL = "all"


JobsOpt = Annotated[
    int | None, typer.Option(min=1, help="Processes to use; default: every core.", show_default=False)
]


@app.command("backtest")
def backtest_cmd(
    data: Annotated[Path, typer.Option(help="Folder laid out as shared/data (COW, ATOP, MID files).")],
    conflicts: Annotated[
        Conflicts, typer.Option(help="Replay COW wars, militarized disputes (MID 5.0), or all of them.")
    ] = Conflicts.WARS,
    likelihoods: LikelihoodsOpt = None,
    calibrate_before: Annotated[
        int | None,
        typer.Option(
            help="Fit the likelihoods on the conflicts before this year; score only the later ones."
        ),
    ] = None,
    samples: Annotated[int, typer.Option(min=1, help="Monte Carlo samples per conflict.")] = 5000,
    seed: SeedOpt = 0,
    jobs: JobsOpt = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            callback=_image_path,
            help="Also draw ROC, precision-recall and reliability curves (.png, .svg, .pdf).",
        ),  # fmt: skip
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Replay history and score the model against simple rules and fitted peers.

    Wars: each is scored with likelihoods fitted on all the other wars (leave one war out).
    Disputes: fitted on those begun before 1990, scored on the later ones. --calibrate-before
    sets that year; --likelihoods scores every conflict with one table (not out of sample).
    The peers (logistic regression, gradient-boosted trees) need `pip install 'escalate[research]'`.

    \b
    Example: escalate backtest --data ../shared/data --conflicts mids --plot backtest.png
    """  # noqa: D301
    import json

    from escalate.report import backtest_text
    from escalate.world.backtest import backtest

    if likelihoods is not None and calibrate_before is not None:
        raise typer.BadParameter(
            "use --likelihoods or --calibrate-before, not both", param_hint="--likelihoods"
        )
    with user_errors():
        table_ = load_likelihoods(likelihoods) if likelihoods else None
        figures = backtest(
            data, likelihoods=table_, calibrate_before=calibrate_before, samples=samples, seed=seed,
            kind=conflicts.value, jobs=jobs,
        )  # fmt: skip
        if plot is not None:
            from escalate.backtest_plot import save_backtest_plot

            save_backtest_plot(figures, plot)
    for note in figures.get("notes", []):
        typer.echo(f"Note: {note}", err=True)
    if plot is not None:
        typer.echo(f"Wrote {plot}", err=True)
    emit(json.dumps(figures, indent=1) if as_json else backtest_text(figures))


@app.command("calibrate")
def calibrate_cmd(
    data: Annotated[Path, typer.Option(help="Folder laid out as shared/data (COW, ATOP, MID files).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The likelihood table to write (TOML).")],
    before: Annotated[int | None, typer.Option(help="Fit only on wars that began before this year.")] = None,
    conflicts: Annotated[
        Conflicts, typer.Option(help="Fit on COW wars, militarized disputes (MID 5.0), or all of them.")
    ] = Conflicts.WARS,
    jobs: JobsOpt = None,
) -> None:
    """Fit the likelihood table to history by maximum likelihood; use it with --likelihoods.

    \b
    Example: escalate calibrate --data ../shared/data --before 1946 -o fitted.toml
    """  # noqa: D301
    from escalate.output import atomic_write
    from escalate.world.calibrate import calibrate, table_toml

    with user_errors():
        only = None if before is None else (lambda war: war.start.year < before)
        table_ = calibrate(data, only=only, kind=conflicts.value, jobs=jobs)
        what = {"wars": "COW Inter-State War v4.0 wars", "mids": "MID 5.0 disputes",
                "all": "COW Inter-State War v4.0 wars and MID 5.0 disputes"}[conflicts.value]  # fmt: skip
        scope = f"the {what} begun before {before}" if before is not None else f"all {what}"
        note = (f"escalate calibrate --conflicts {conflicts.value} on {scope}, with ATOP 5.1, COW contiguity "
                "3.2 and MID 5.0 (maximum likelihood under the whole cascade)")  # fmt: skip
        with atomic_write(output) as handle:
            handle.write(table_toml(table_, note).encode())
    for key, value, _ in table_.rows():
        typer.echo(f"{key:<26} {value:.4g}", err=True)
    typer.echo(f"Wrote {output}", err=True)


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
    from escalate.likelihoods import fitted_on

    with user_errors():
        table_ = load_likelihoods(likelihoods) if likelihoods else LikelihoodTable()
    if likelihoods is None:
        typer.echo(f"Fitted values: {fitted_on()}\n")
    for key, value, reason in table_.rows():
        typer.echo(f"{key:<26} {value:<7.3g} {table_.basis(key):<9} {reason}")
        if table_.literature(key):
            typer.echo(f"{'':<44}Literature: {table_.literature(key)}")
