"""escalate at world scale (the world of 2014 from ../shared/data), against a naive baseline.

Three measurements, each beside a naive baseline run in the same session:

1. one flare-up in process (Azerbaijan attacks Armenia, 10,000 samples, with explanations):
   escalate's vectorised Monte Carlo and best-path search, against a per-sample Python
   cascade with networkx ``all_simple_paths`` (cutoff 3) from the belligerents to each party;
2. ``escalate paths`` end to end on the imported world file, against a script doing the
   naive pipeline on the same file;
3. the whole backtest (95 wars, leave one war out), against the same protocol with the
   per-sample Python cascade.

Times are medians (case 1) or single runs (cases 2 and 3); memory is the peak traced by
tracemalloc in process (numpy's arrays included) and the peak resident set size of each
command. Run (a few minutes; the naive backtest is the long part):

    python benchmarks/bench_world.py [--data ../shared/data] [--runs 5] [--backtest-samples 2000]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from itertools import islice
from pathlib import Path

import networkx as nx

import escalate.outcomes
from escalate import escalation_paths
from escalate.analysis import make_flare_up
from escalate.cascade import compile_scenario
from escalate.sampling import python_sample
from escalate.world.atop import world_scenario
from escalate.world.backtest import backtest

HERE = Path(__file__).resolve().parent
FLARE = ("Azerbaijan", "Armenia")
NAIVE_SCRIPT = """
import sys
from itertools import islice
import networkx as nx
from escalate import load_scenario
from escalate.analysis import make_flare_up
from escalate.cascade import compile_scenario
from escalate.sampling import python_sample
world = load_scenario(sys.argv[1])
compiled = compile_scenario(world, make_flare_up(world, "Azerbaijan", "Armenia", initiator="Azerbaijan"))
tally = python_sample(compiled, int(sys.argv[2]))
graph = nx.DiGraph([(a.source, a.target) for a in compiled.arcs])
for (actor, side) in tally.probabilities:
    for b in ("Azerbaijan", "Armenia"):
        if b in graph and actor in graph:
            list(islice(nx.all_simple_paths(graph, b, actor, cutoff=3), 100_000))
print(len(tally.probabilities))
"""


def naive_flare_up(world, samples: int) -> int:
    """Per-sample Python cascade, then every simple path (cutoff 3) to each party."""
    compiled = compile_scenario(world, make_flare_up(world, *FLARE, initiator=FLARE[0]))
    tally = python_sample(compiled, samples)
    graph = nx.DiGraph([(a.source, a.target) for a in compiled.arcs])
    paths = 0
    for actor, _ in tally.probabilities:
        for b in FLARE:
            if b in graph and actor in graph:
                paths += len(list(islice(nx.all_simple_paths(graph, b, actor, cutoff=3), 100_000)))
    return paths


def escalate_flare_up(world, samples: int) -> int:
    result = escalation_paths(world, *FLARE, initiator=FLARE[0], method="monte-carlo", samples=samples)
    return len(result.parties)


def timed(function, *args, runs: int = 1, trace: bool = True, **kwargs) -> tuple[float, float]:
    """Median seconds over ``runs``, and the peak traced memory (MB) of one more run (or NaN)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    peak = float("nan")
    if trace:
        tracemalloc.start()
        function(*args, **kwargs)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return statistics.median(times), peak


def command(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of a command run in a fresh wrapper."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter();"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *args], check=True, capture_output=True, text=True)
    seconds, rss_kb = out.stdout.split()
    return float(seconds), int(rss_kb) / 1024


def row(label: str, naive: tuple[float, float], fast: tuple[float, float], unit: str = "MB") -> None:
    print(f"{label:<44}{naive[0]:>10.2f} s{fast[0]:>10.3f} s{fast[0] / naive[0]:>9.3f}"
          f"{naive[1]:>9.0f} {unit}{fast[1]:>8.0f} {unit}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--backtest-samples", type=int, default=2000)
    parser.add_argument("--skip-backtest", action="store_true")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"bench_world: no data folder at {args.data}; pass --data DIR laid out as shared/data")
    start = time.perf_counter()
    world = world_scenario(args.data, 2014, rivalry_years=10)
    states = sum(a.kind == "state" for a in world.actors.values())
    print(f"world of 2014: {states} states, {len(world.actors) - states} alliances, "
          f"{len(world.relations):,} relations; built in {time.perf_counter() - start:.1f} s")  # fmt: skip
    print(f"\n{'':<44}{'naive':>12}{'escalate':>12}{'ratio':>9}{'naive':>12}{'escalate':>11}")
    print(f"{'':<44}{'time':>12}{'time':>12}{'':>9}{'memory':>12}{'memory':>11}")
    samples = args.samples
    naive = timed(naive_flare_up, world, samples)
    fast = timed(escalate_flare_up, world, samples, runs=args.runs)
    row(f"1. one flare-up in process, {samples:,} samples", naive, fast)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "world-2014.toml"
        subprocess.run(
            [sys.executable, "-m", "escalate", "import", "atop", "--data", str(args.data), "--year", "2014",
             "--rivalry-years", "10", "-o", str(path)],
            check=True, capture_output=True,
        )  # fmt: skip
        naive = command([sys.executable, "-c", NAIVE_SCRIPT, str(path), str(samples)])
        fast = command([sys.executable, "-m", "escalate", "paths", *FLARE, "-g", str(path),
                        "--initiator", FLARE[0], "--samples", str(samples)])  # fmt: skip
        row("2. escalate paths, end to end (RSS)", naive, fast)
    if not args.skip_backtest:
        n = args.backtest_samples
        fast = timed(backtest, args.data, samples=n)
        vectorised = escalate.outcomes._sample
        escalate.outcomes._sample = lambda compiled, samples, seed, _: python_sample(compiled, samples, seed)
        try:
            naive = timed(backtest, args.data, samples=n, trace=False)  # tracing would take hours
        finally:
            escalate.outcomes._sample = vectorised
        row(f"3. whole backtest, {n:,} samples a war", naive, fast)
    print(f"\npeak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print("ratio = escalate time / naive time, both measured in this session (lower is better).")


if __name__ == "__main__":
    main()
