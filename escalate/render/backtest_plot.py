"""A backtest's figures as researchers look at them: ROC, precision-recall and reliability.

One image of three panels, drawn from the figures :func:`escalate.world.backtest.backtest`
returns (their ``curves`` and ``calibration``): the ROC curves of the model, the rules and
the peers; their precision-recall curves, with the rate of joining as the line a random
ranking would draw; and the reliability diagram of every score that is a probability (the
model's and the peers'), on log scales (joining is rare), with the pairs behind each point
as its size. matplotlib is
imported only when drawing.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from escalate.errors import OutputError
from escalate.io.files import atomic_write
from escalate.render.drawing import FORMATS

#: The model's colour; rules are drawn grey and dashed, peers in their own colours.
MODEL_COLOUR = "#c0392b"
PEER_COLOURS = {"logistic regression": "#2471a3", "gradient-boosted trees": "#239b56"}
RULE_COLOUR = "#7f8c8d"


#: Fonts and hashes fixed, so that the same figures give the same bytes.
STYLE: Any = {"svg.hashsalt": "escalate", "font.family": "DejaVu Sans", "font.size": 9}


def save_backtest_plot(figures: dict[str, Any], path: str | os.PathLike[str], *, dpi: int = 120) -> Path:
    """Write the three panels to ``path`` (.png, .svg or .pdf), atomically; return the path."""
    from matplotlib import rc_context

    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise OutputError(f"{target}: unknown image format {target.suffix!r}; use .png, .svg or .pdf")
    metadata = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]
    with rc_context(STYLE):
        figure = backtest_figure(figures, dpi=dpi)
        with atomic_write(target) as handle:
            figure.savefig(handle, format=fmt, dpi=dpi, metadata=metadata)
    return target


def backtest_figure(figures: dict[str, Any], *, dpi: int = 120) -> Any:
    """The three panels as a matplotlib ``Figure`` (15 x 5 inches)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    model = figures["model"]
    series = [("escalate", model, MODEL_COLOUR, "-")]
    for name, found in figures["baselines"].items():
        colour = PEER_COLOURS.get(name, RULE_COLOUR)
        series.append((name, found, colour, "-" if name in PEER_COLOURS else ":"))
    with rc_context(STYLE):
        figure = Figure(figsize=(15, 5), dpi=dpi, layout="constrained")
        roc, pr, reliability = figure.subplots(1, 3)
        rate = model["joiners"] / max(model["pairs"], 1)
        for name, found, colour, style in series:
            _draw_series(roc, pr, reliability, name, found, colour, style)
        roc.plot([0, 1], [0, 1], color="#bbbbbb", lw=0.8, label="chance")
        pr.axhline(rate, color="#bbbbbb", lw=0.8, label=f"chance ({rate:.4f})")
        reliability.plot([1e-5, 1], [1e-5, 1], color="#bbbbbb", lw=0.8, label="perfectly calibrated")
        what = figures.get("nouns", ("conflict", "conflicts"))[1]
        top_precision = max(
            (p for _, found, _, _ in series for _, p in found.get("curves", {}).get("pr", [])), default=1
        )
        _label_panels(roc, pr, reliability, top_precision)
        figure.suptitle(
            f"escalate backtest on {model['conflicts']:,} {what}: {model['pairs']:,} pairs, "
            f"{model['joiners']} joiners; {figures.get('likelihoods', '')}"
        )
    return figure


def _draw_series(
    roc: Any, pr: Any, reliability: Any, name: str, found: dict[str, Any], colour: str, style: str
) -> None:
    """One scorer's ROC and precision-recall curves and reliability points, where it has them."""
    width = 2.2 if name == "escalate" else 1.2
    curves = found.get("curves", {})
    if curves.get("roc"):
        xs, ys = zip(*curves["roc"], strict=True)
        roc.plot(xs, ys, style, color=colour, lw=width, label=f"{name} ({found['auc']:.3f})")
    if curves.get("pr"):
        xs, ys = zip(*curves["pr"], strict=True)
        pr.plot(xs, ys, style, color=colour, lw=width,
                label=f"{name} ({found['average_precision']:.3f})")  # fmt: skip
    if found.get("reliability"):
        rows = [r for r in found["reliability"] if r["predicted"] > 0 and r["observed"] > 0]
        predicted, observed = [r["predicted"] for r in rows], [r["observed"] for r in rows]
        reliability.plot(predicted, observed, style, color=colour, lw=width, label=name)
        sizes = [6 + 12 * math.log10(r["pairs"]) for r in rows]  # pairs behind each point
        reliability.scatter(predicted, observed, color=colour, s=sizes, zorder=3)


def _label_panels(roc: Any, pr: Any, reliability: Any, top_precision: float) -> None:
    """Titles, axis labels, scales, limits and legends of the three panels."""
    panels = (
        (roc, "ROC (AUC)", "false positive rate", "true positive rate"),
        (pr, "precision-recall (average precision)", "recall", "precision"),
        (reliability, "reliability (empty bins left out)", "predicted probability of joining",
         "observed rate of joining"),
    )  # fmt: skip
    for ax, title, x, y in panels:
        ax.set_title(title)
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        if ax is reliability:  # joining is rare: the probabilities span decades
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlim(1e-5, 1)
            ax.set_ylim(1e-5, 1)
        else:
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1 if ax is roc else min(1.0, 1.1 * top_precision))
        ax.legend(loc="lower right" if ax is roc else "upper right", fontsize=8)
