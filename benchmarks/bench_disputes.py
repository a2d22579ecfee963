"""The MID disputes backtest, one calibration fit and one world flare-up: times, ratios, memory.

Three measurements, each beside a baseline run in the same session:

1. the whole disputes backtest, out of time (fit on the 1,725 disputes before 1990, score
   the 711 after): ``escalate backtest --conflicts mids`` on every core, against the same
   command with ``--jobs 1``; wall time and the peak resident memory of the largest process;
2. one flare-up on the world of 2014 (Azerbaijan attacks Armenia), 10,000 samples, in
   process: the first call on a fresh graph and a second call (the graph's standing ties
   compiled), against ``escalation_paths`` with 1,000 samples as the baseline; then a profile
   of the first call, to say where the time goes;
3. one fit of the table on the 1,725 disputes before 1990 (sampled once at the shipped table,
   2,000 samples each), its grid values scored by one thread a core against one thread (each
   run twice, the faster reported); the fitted tables must agree.

Run (the one-core backtest is the long part; ``--skip-serial`` leaves it out, and
``--flare-up-only`` or ``--fit-only`` time only the second or third measurement):

    python benchmarks/bench_disputes.py [--data DIR] [--skip-serial] [--flare-up-only] [--fit-only]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLARE = ("Azerbaijan", "Armenia")
#: Calls timed after the first (the median is reported: one call is at the mercy of the machine).
REPEATS = 9


def command(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of the largest process a command ran."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter();"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, "-c", probe, *args], check=True, capture_output=True, text=True, env=env
    )
    seconds, rss_kb = out.stdout.split()
    return float(seconds), int(rss_kb) / 1024


def flare_up(data: Path) -> None:
    from escalate import escalation_paths
    from escalate.world.atop import world_scenario

    world = world_scenario(data, 2014, rivalry_years=10)

    def timed(samples: int) -> float:
        start = time.perf_counter()
        escalation_paths(world, *FLARE, initiator=FLARE[0], method="monte-carlo", samples=samples)
        return time.perf_counter() - start

    first = timed(10_000)
    again = sorted(timed(10_000) for _ in range(REPEATS))
    baseline = statistics.median(timed(1_000) for _ in range(REPEATS))
    second = statistics.median(again)
    print(f"2. one flare-up, world of 2014: 10,000 samples {first:.3f} s (first call), "
          f"{second:.3f} s (again: the median of {REPEATS}, {again[0]:.3f} to {again[-1]:.3f}); "
          f"1,000 samples {baseline:.3f} s; ratio 10,000 / 1,000 = {second / baseline:.2f}")  # fmt: skip
    world = world_scenario(data, 2014, rivalry_years=10)  # a fresh graph: nothing compiled yet
    profile = cProfile.Profile()
    profile.enable()
    escalation_paths(world, *FLARE, initiator=FLARE[0], method="monte-carlo", samples=10_000)
    profile.disable()
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(18)
    print("\n   where the first call's time goes (cumulative):")
    for line in text.getvalue().splitlines():
        if "escalate/" in line:
            print("   " + line.strip())


def fit(data: Path) -> None:
    import resource

    from escalate.likelihoods import FITTED_KEYS, LikelihoodTable
    from escalate.world.ascent import fit_draws
    from escalate.world.atop import WorldData
    from escalate.world.calibrate import History
    from escalate.world.conflicts import conflicts
    from escalate.world.parallel import Workers, default_jobs

    before = [c for c in conflicts(data, "mids") if c.start.year < 1990]
    table = LikelihoodTable()
    with Workers(WorldData(data)) as workers:
        history = History(workers, before)
        history.sample(table)
    drawn = [history.draws[c.number] for c in before if c.number in history.draws]
    start = [table.values[k] for k in FITTED_KEYS]
    cores = default_jobs()
    times: dict[int, float] = {cores: float("inf"), 1: float("inf")}
    fitted = {}
    for jobs in (1, cores, 1, cores):  # each twice, alternating: the faster of each is reported
        began = time.perf_counter()
        fitted[jobs] = fit_draws(drawn, start, jobs=jobs).tolist()
        times[jobs] = min(times[jobs], time.perf_counter() - began)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"3. one fit on the {len(drawn):,} disputes before 1990: {times[cores]:.1f} s on {cores} threads, "
          f"{times[1]:.1f} s on one; ratio {times[cores] / times[1]:.2f}; same table: "
          f"{fitted[cores] == fitted[1]}; {peak:.0f} MB peak")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--skip-serial", action="store_true", help="leave out the one-core baseline")
    parser.add_argument("--flare-up-only", action="store_true", help="time only the world flare-up")
    parser.add_argument("--fit-only", action="store_true", help="time only the calibration fit")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"bench_disputes: no data folder at {args.data}; pass --data DIR laid out as shared/data")
    if args.flare_up_only or args.fit_only:
        (flare_up if args.flare_up_only else fit)(args.data)
        return
    with tempfile.TemporaryDirectory() as folder:
        backtest = [sys.executable, "-m", "escalate", "backtest", "--data", str(args.data),
                    "--conflicts", "mids", "--json"]  # fmt: skip
        fast = command([*backtest, "--plot", str(Path(folder) / "plot.png")])
        print(f"1. disputes backtest, every core ({os.cpu_count()}): {fast[0]:.1f} s, {fast[1]:.0f} MB peak")
        if not args.skip_serial:
            serial = command([*backtest, "--jobs", "1"])
            print(f"   the same on one core: {serial[0]:.1f} s, {serial[1]:.0f} MB peak; "
                  f"ratio {fast[0] / serial[0]:.2f}")  # fmt: skip
    flare_up(args.data)
    fit(args.data)


if __name__ == "__main__":
    main()
