"""The ``escalate`` command line: parse, call the library, render. Nothing else.

Commands on real data live in :mod:`escalate.cli.world`; what commands share in
:mod:`escalate.cli.options`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from escalate import __version__
from escalate.analysis import Escalation, escalation_paths
from escalate.cli.options import (
    AsOfOpt,
    BelligerentA,
    BelligerentB,
    DpiOpt,
    GraphOpt,
    InitiatorOpt,
    Layout,
    LikelihoodsOpt,
    MaxHopsOpt,
    Method,
    MethodOpt,
    SamplesOpt,
    SeedOpt,
    SizeOpt,
    TheatreOpt,
    TopOpt,
    WithAOpt,
    WithBOpt,
    emit,
    figure_size,
    image_path,
    probability,
    user_errors,
)
from escalate.cli.world import backtest_cmd, calibrate_cmd, import_app
from escalate.io import bundled_scenarios, load_likelihoods, load_scenario
from escalate.likelihoods import LikelihoodTable
from escalate.render.text import table

app = typer.Typer(
    help="Which outside parties could a flare-up draw in, on whose side, how likely, and how.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,  # plain errors: "Error: ..." on one line, as for bad files
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


def _analyse(
    graph: str | None, a: str, b: str, *, likelihoods: Path | None, method: Method, **options: Any
) -> Escalation:
    scenario = load_scenario(graph)
    table_ = load_likelihoods(likelihoods) if likelihoods else None
    return escalation_paths(scenario, a, b, likelihoods=table_, method=method.value, **options)


@app.command("paths")
def paths_cmd(
    a: BelligerentA,
    b: BelligerentB,
    graph: GraphOpt = None,
    initiator: InitiatorOpt = None,
    with_a: WithAOpt = None,
    with_b: WithBOpt = None,
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
            callback=probability,
            help="List parties at least this likely (0.01 = 1%); JSON lists all.",
        ),  # fmt: skip
    ] = 0.01,
    png: Annotated[
        Path | None,
        typer.Option(callback=image_path, help="Also draw the diagram to this file (.png, .svg, .pdf)."),
    ] = None,
) -> None:
    """List the outside parties a flare-up between A and B could draw in, with their paths.

    \b
    Example: escalate paths Armenia Azerbaijan --theatre Nagorno-Karabakh
    """  # noqa: D301
    with user_errors():
        result = _analyse(
            graph, a, b, initiator=initiator, with_a=with_a, with_b=with_b, theatre=theatre,
            as_of=as_of, max_hops=max_hops, top=top, method=method, samples=samples, seed=seed,
            likelihoods=likelihoods,
        )  # fmt: skip
        if png is not None:
            from escalate.render.drawing import save

            save(result, png)
    emit(result.to_json() if as_json else table(result, min_probability=min_probability))
    if not result.parties:
        typer.echo("Note: no outside party is drawn in.", err=True)


@app.command("draw")
def draw_cmd(
    a: BelligerentA,
    b: BelligerentB,
    output: Annotated[
        Path, typer.Option("--output", "-o", callback=image_path, help="Where to write: .png, .svg or .pdf.")
    ],
    graph: GraphOpt = None,
    initiator: InitiatorOpt = None,
    with_a: WithAOpt = None,
    with_b: WithBOpt = None,
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
    inches = figure_size(size)
    from escalate.render.drawing import image_size_problem

    problem = image_size_problem(inches, dpi)
    if problem:
        raise typer.BadParameter(problem, param_hint="--dpi/--size")
    with user_errors():
        result = _analyse(
            graph, a, b, initiator=initiator, with_a=with_a, with_b=with_b, theatre=theatre,
            as_of=as_of, max_hops=max_hops, top=top, method=method, samples=samples, seed=seed,
            likelihoods=likelihoods,
        )  # fmt: skip
        from escalate.render.drawing import save

        save(result, output, dpi=dpi, size=inches, title=title, layout=layout.value, show_all=show_all)
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
    from escalate.io import format_of, read_scenario, write_scenario

    with user_errors():
        fmt_in, fmt_out = format_of(source, source_format), format_of(target, to)
        scenario = read_scenario(source, fmt=fmt_in)
        write_scenario(scenario, target, fmt=fmt_out)
    typer.echo(
        f"Wrote {target} ({len(scenario.actors)} actors, {len(scenario.relations)} relations)", err=True
    )


app.add_typer(import_app, name="import")
app.command("backtest")(backtest_cmd)
app.command("calibrate")(calibrate_cmd)


@app.command("graphs")
def graphs_cmd() -> None:
    """List the bundled scenarios with their titles.

    \b
    Example: escalate graphs
    """  # noqa: D301
    rows = bundled_scenarios()
    width = max(len(name) for name, _ in rows)
    emit("\n".join(f"{name:<{width}}  {title}" for name, title in rows))


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
    lines = [f"Fitted values: {fitted_on()}\n"] if likelihoods is None else []
    for key, value, reason in table_.rows():
        lines.append(f"{key:<26} {value:<8.3g} {table_.basis(key):<9} {reason}")  # 0.000313 fits
        if table_.literature(key):
            lines.append(f"{'':<46}Literature: {table_.literature(key)}")
    emit("\n".join(lines))
