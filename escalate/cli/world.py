"""The commands on real data: ``import atop``, ``backtest`` and ``calibrate``.

They are registered on the app in :mod:`escalate.cli.commands`; each imports :mod:`escalate.world`
only when it runs, so the other commands start fast.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from escalate.cli.options import LikelihoodsOpt, SeedOpt, emit, image_path, user_errors
from escalate.errors import FlareUpError
from escalate.io import load_likelihoods
from escalate.likelihoods import HALF_LIFE
from escalate.model import Scenario

import_app = typer.Typer(
    help="Build scenarios from real data sets.", no_args_is_help=True, rich_markup_mode=None
)


@import_app.command("atop")
def import_atop_cmd(
    data: Annotated[Path, typer.Option(help="Folder laid out as shared/data (COW and ATOP files).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The scenario file to write (.toml, ...).")],
    year: Annotated[
        int | None,
        typer.Option(min=1816, max=2018, help="The year of the international system, as of its last day."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Instead of --year: the system on the eve of this day (YYYY-MM-DD), as a flare-up "
            "begun that day meets it: the treaties of the year before, less those over by the day, "
            "with those signed before it.",
        ),
    ] = None,
    rivalry_years: Annotated[
        int,
        typer.Option(
            min=0,
            help="Add hostility from disputes begun in the N years before, co-belligerence from those "
            "begun or ended in them.",
        ),
    ] = 0,
) -> None:
    """Build the international system of a year, or of a day: COW states and ATOP 5.1 obligations.

    \b
    Example: escalate import atop --data ../shared/data --year 2014 -o world-2014.toml
             escalate import atop --data ../shared/data --as-of 1939-09-01 -o eve-1939.toml
    """  # noqa: D301
    from escalate.io import format_of, write_scenario
    from escalate.io.files import check_output
    from escalate.world.atop import world_scenario
    from escalate.world.conflicts import world_on

    if (year is None) == (as_of is None):
        raise typer.BadParameter("give one of --year and --as-of", param_hint="--year/--as-of")
    with user_errors():
        day = _day(as_of) if as_of is not None else None
        format_of(output)  # a bad output is refused before the work
        check_output(output)
        if day is not None:
            scenario = world_on(data, day, rivalry_years=rivalry_years)
        else:
            assert year is not None  # one of the two, as checked above
            scenario = world_scenario(data, year, rivalry_years=rivalry_years)
        write_scenario(scenario, output)
    typer.echo(f"Wrote {output} ({_census(scenario)}, {len(scenario.relations)} relations)", err=True)


def _day(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` day, or a FlareUpError (a command-line mistake) that shows the form."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise FlareUpError(f"bad --as-of {text!r}; write a day such as 1939-09-01") from exc


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


CalibrateBeforeOpt = Annotated[
    int | None,
    typer.Option(help="Fit the likelihoods on the conflicts before this year; score only the later ones."),
]
RollingOpt = Annotated[
    bool,
    typer.Option(
        "--rolling",
        help="Score each year from --calibrate-before (default 1990) on with likelihoods fitted "
        "on every conflict before that year.",
    ),
]


HalfLifeOpt = Annotated[
    float,
    typer.Option(
        min=0,
        help="Weigh the conflicts fitted on by their distance in years from the latest of them: "
        "half as much every this many years; 0: all alike.",
    ),
]


ScoredHalfLifeOpt = Annotated[
    float | None,
    typer.Option(
        "--half-life",
        min=0,
        help="Weigh the conflicts fitted on by their distance in years from the latest of them (from "
        "the war left out, leaving one out): half as much every this many years; 0: all alike. "
        f"Default: {HALF_LIFE:g} for fits before a year (--calibrate-before, --rolling, the "
        "disputes), all alike when leaving one war out.",
        show_default=False,
    ),
]


def backtest_cmd(
    data: Annotated[Path, typer.Option(help="Folder laid out as shared/data (COW, ATOP, MID files).")],
    conflicts: Annotated[
        Conflicts, typer.Option(help="Replay COW wars, militarized disputes (MID 5.0), or all of them.")
    ] = Conflicts.WARS,
    likelihoods: LikelihoodsOpt = None,
    calibrate_before: CalibrateBeforeOpt = None,
    rolling: RollingOpt = False,
    samples: Annotated[int, typer.Option(min=1, help="Monte Carlo samples per conflict.")] = 5000,
    seed: SeedOpt = 0,
    jobs: JobsOpt = None,
    half_life: ScoredHalfLifeOpt = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            callback=image_path,
            help="Also draw ROC, precision-recall and reliability curves (.png, .svg, .pdf).",
        ),  # fmt: skip
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Replay history and score the model against simple rules and fitted peers.

    Wars: each is scored with likelihoods fitted on all the other wars (leave one war out).
    Disputes: fitted on those begun before 1990 (the earlier weighing less: --half-life),
    scored on the later ones. --calibrate-before
    sets that year; --rolling refits for each later year on everything before it; --likelihoods
    scores every conflict with one table (not out of sample).
    The peers (logistic regression, gradient-boosted trees) need `pip install 'escalate[research]'`.

    \b
    Example: escalate backtest --data ../shared/data --conflicts mids --plot backtest.png
    """  # noqa: D301
    import json

    from escalate.render.text import backtest_text
    from escalate.world.backtest import backtest

    fitting = {"--rolling": rolling, "--calibrate-before": calibrate_before is not None,
               "--half-life": half_life is not None}  # fmt: skip
    if likelihoods is not None and any(fitting.values()):
        other = next(option for option, given in fitting.items() if given)
        raise typer.BadParameter(f"use --likelihoods or {other}, not both", param_hint="--likelihoods")
    with user_errors():
        table_ = load_likelihoods(likelihoods) if likelihoods else None
        figures = backtest(
            data, likelihoods=table_, calibrate_before=calibrate_before, samples=samples, seed=seed,
            kind=conflicts.value, jobs=jobs, rolling=rolling, half_life=half_life,
        )  # fmt: skip
        if plot is not None:
            from escalate.render.backtest_plot import save_backtest_plot

            save_backtest_plot(figures, plot)
    for note in figures.get("notes", []):
        typer.echo(f"Note: {note}", err=True)
    if plot is not None:
        typer.echo(f"Wrote {plot}", err=True)
    emit(json.dumps(figures, indent=1) if as_json else backtest_text(figures))


def calibrate_cmd(
    data: Annotated[Path, typer.Option(help="Folder laid out as shared/data (COW, ATOP, MID files).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The likelihood table to write (TOML).")],
    before: Annotated[int | None, typer.Option(help="Fit only on wars that began before this year.")] = None,
    conflicts: Annotated[
        Conflicts, typer.Option(help="Fit on COW wars, militarized disputes (MID 5.0), or all of them.")
    ] = Conflicts.WARS,
    jobs: JobsOpt = None,
    half_life: HalfLifeOpt = HALF_LIFE,
) -> None:
    """Fit the likelihood table to history; use it with --likelihoods.

    The reasoned values weigh as ten events; a conflict counts half as much for every
    --half-life years before the latest.

    \b
    Example: escalate calibrate --data ../shared/data --before 1946 -o fitted.toml
    """  # noqa: D301
    from escalate.io.files import check_output
    from escalate.world.calibrate import calibrate, save_table

    with user_errors():
        check_output(output)  # a bad output is refused before the work
        only = None if before is None else (lambda war: war.start.year < before)
        table_ = calibrate(data, only=only, kind=conflicts.value, jobs=jobs, half_life=half_life)
        save_table(table_, output, kind=conflicts.value, before=before, half_life=half_life)
    for key, value, _ in table_.rows():
        typer.echo(f"{key:<26} {value:.4g}", err=True)
    typer.echo(f"Wrote {output}", err=True)
