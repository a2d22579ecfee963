"""One calibration fit, timed against the fit of another checkout in the same process.

The 1,725 disputes before 1990 are sampled once at the shipped table (2,000 samples each),
then :func:`~escalate.world.ascent.fit_draws` of this checkout and of the baseline's
(another worktree, e.g. at the commit before a change; in ``escalate/world/ascent.py``, or
``reweighting.py`` before the search had a module of its own)
fit the same draws in turn, each ``--runs`` times alternately (this host's speed swings,
so the two are measured side by side); the fitted tables must be identical.

    python benchmarks/bench_fit.py --baseline ../escalate-old [--data DIR] [--runs 2] [--jobs 2]
        [--as-calibrated]

By default the fits are bare (no prior, no search along the ridges), which any baseline can
run; ``--as-calibrated`` fits as ``escalate calibrate`` does.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def baseline_fit(checkout: Path) -> Callable[..., Any]:
    """``fit_draws`` of the other checkout, its modules loaded under other names."""
    world = checkout / "escalate" / "world"
    reweighting = _load("baseline_reweighting", world / "reweighting.py")
    if not (world / "ascent.py").exists():
        fit: Callable[..., Any] = reweighting.fit_draws
        return fit
    ours = sys.modules.get("escalate.world.reweighting")
    sys.modules["escalate.world.reweighting"] = reweighting  # the baseline's search scores with its own
    try:
        fit = _load("baseline_ascent", world / "ascent.py").fit_draws
    finally:
        if ours is not None:
            sys.modules["escalate.world.reweighting"] = ours
    return fit


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", type=Path, required=True, help="another checkout of escalate")
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=None, help="threads a fit scores with (default: cores)")
    parser.add_argument("--as-calibrated", action="store_true",
                        help="fit as calibration does, with the prior and the search along the ridges "
                             "(the baseline needs both)")  # fmt: skip
    args = parser.parse_args()
    from escalate.likelihoods import FITTED_KEYS, LikelihoodTable
    from escalate.world.ascent import fit_draws
    from escalate.world.atop import WorldData
    from escalate.world.calibrate import History, fitted_ridges, log_prior
    from escalate.world.conflicts import conflicts
    from escalate.world.parallel import Workers, default_jobs

    before = [c for c in conflicts(args.data, "mids") if c.start.year < 1990]
    table = LikelihoodTable()
    with Workers(WorldData(args.data)) as workers:
        history = History(workers, before)
        history.sample(table)
    drawn = [history.draws[c.number] for c in before if c.number in history.draws]
    start = [table.values[k] for k in FITTED_KEYS]
    jobs = args.jobs or default_jobs()
    options: dict[str, Any] = {"prior": log_prior, "ridges": fitted_ridges()} if args.as_calibrated else {}
    fits = {"baseline": baseline_fit(args.baseline), "this checkout": fit_draws}
    times: dict[str, list[float]] = {name: [] for name in fits}
    tables = {}
    for _ in range(args.runs):
        for name, fit in fits.items():
            began = time.perf_counter()
            tables[name] = fit(drawn, start, jobs=jobs, **options).tolist()
            times[name].append(time.perf_counter() - began)
    for name, seconds in times.items():
        print(f"{name}: {', '.join(f'{s:.2f}' for s in seconds)} s (median {statistics.median(seconds):.2f})")
    ratio = statistics.median(times["this checkout"]) / statistics.median(times["baseline"])
    print(f"ratio {ratio:.2f} on {jobs} threads, {len(drawn):,} disputes; "
          f"same table: {tables['this checkout'] == tables['baseline']}")  # fmt: skip


if __name__ == "__main__":
    main()
