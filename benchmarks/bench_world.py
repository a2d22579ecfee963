"""escalate at world scale (the world of 2014 from ../shared/data), against a naive baseline.

Three measurements, each beside a naive baseline run in the same session:

1. one flare-up in process (Azerbaijan attacks Armenia, 10,000 samples, with explanations):
   escalate's vectorised Monte Carlo and best-path search, against a per-sample Python
   cascade followed by networkx ``all_simple_paths`` (cutoff 3, at most 10,000 paths per
   pair) from each belligerent to each party;
2. ``escalate paths`` end to end on the imported world file, against a script running the
   naive pipeline on the same file;
3. the whole backtest (95 wars, leave one war out), against the same protocol with the
   per-sample Python cascade.

Each case runs in a fresh process, which reports its time (the median of ``--runs`` for
escalate's case 1, a single run otherwise) and its peak resident memory. Run (a few minutes;
the naive runs are the long part):

    python benchmarks/bench_world.py [--data ../shared/data] [--runs 5] [--backtest-samples 2000]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLARE = ("Azerbaijan", "Armenia")


def naive_flare_up(world, samples: int) -> None:
    """Per-sample Python cascade, then simple paths (cutoff 3) to each party."""
    import networkx as nx

    from escalate.analysis.paths import make_flare_up
    from escalate.engine.coins import python_sample
    from escalate.engine.compile import compile_scenario

    compiled = compile_scenario(world, make_flare_up(world, *FLARE, initiator=FLARE[0]))
    tally = python_sample(compiled, samples)
    graph = nx.DiGraph([(a.source, a.target) for a in compiled.arcs])
    for actor, _ in tally.probabilities:
        for b in FLARE:
            if b in graph and actor in graph:
                list(islice(nx.all_simple_paths(graph, b, actor, cutoff=3), 10_000))


def escalate_flare_up(world, samples: int) -> None:
    from escalate import escalation_paths

    escalation_paths(world, *FLARE, initiator=FLARE[0], method="monte-carlo", samples=samples)


def worker(case: str, data: Path, world_file: Path, samples: int, runs: int) -> None:
    """Run one case in this process; print its seconds and peak RSS (MB) as JSON."""
    import escalate.engine.exact
    from escalate import load_scenario
    from escalate.engine.coins import python_sample
    from escalate.world.backtest import backtest

    if case.startswith("backtest"):
        if case == "backtest-naive":
            escalate.engine.exact._sample = lambda compiled, n, seed, _: python_sample(compiled, n, seed)
        work = lambda: backtest(data, samples=samples)  # noqa: E731
    else:
        world = load_scenario(world_file)
        run = naive_flare_up if case == "flare-naive" else escalate_flare_up
        work = lambda: run(world, samples)  # noqa: E731
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": statistics.median(times), "peak_mb": peak}))


def in_fresh_process(case: str, args: argparse.Namespace, world_file: Path, samples: int, runs: int):
    out = subprocess.run(
        [sys.executable, __file__, "--worker", case, "--data", str(args.data), "--world", str(world_file),
         "--samples", str(samples), "--runs", str(runs)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    found = json.loads(out.stdout)
    return found["seconds"], found["peak_mb"]


def command(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of a command, run from a small wrapper."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter();"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *args], check=True, capture_output=True, text=True)
    seconds, rss_kb = out.stdout.split()
    return float(seconds), int(rss_kb) / 1024


def row(label: str, naive: tuple[float, float], fast: tuple[float, float]) -> None:
    print(f"{label:<46}{naive[0]:>9.2f} s{fast[0]:>9.3f} s{fast[0] / naive[0]:>8.3f}"
          f"{naive[1]:>9.0f} MB{fast[1]:>7.0f} MB", flush=True)  # fmt: skip


NAIVE_COMMAND = f"""
import sys
sys.path.insert(0, {str(HERE)!r})
from bench_world import naive_flare_up
from escalate import load_scenario
naive_flare_up(load_scenario(sys.argv[1]), int(sys.argv[2]))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--backtest-samples", type=int, default=2000)
    parser.add_argument("--skip-backtest", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--world", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.data, args.world, args.samples, args.runs)
        return
    if not args.data.is_dir():
        sys.exit(f"bench_world: no data folder at {args.data}; pass --data DIR laid out as shared/data")
    with tempfile.TemporaryDirectory() as folder:
        world = Path(folder) / "world-2014.toml"
        imported = command(
            [sys.executable, "-m", "escalate", "import", "atop", "--data", str(args.data), "--year", "2014",
             "--rivalry-years", "10", "-o", str(world)]
        )  # fmt: skip
        print(f"escalate import atop --year 2014: {imported[0]:.1f} s, {imported[1]:.0f} MB peak\n")
        print(f"{'':<46}{'naive':>11}{'escalate':>11}{'ratio':>8}{'naive':>12}{'escalate':>9}")
        samples = args.samples
        naive = in_fresh_process("flare-naive", args, world, samples, 1)
        fast = in_fresh_process("flare", args, world, samples, args.runs)
        row(f"1. one flare-up in process, {samples:,} samples", naive, fast)
        naive = command([sys.executable, "-c", NAIVE_COMMAND, str(world), str(samples)])
        fast = command([sys.executable, "-m", "escalate", "paths", *FLARE, "-g", str(world),
                        "--initiator", FLARE[0], "--samples", str(samples)])  # fmt: skip
        row("2. escalate paths, end to end", naive, fast)
        if not args.skip_backtest:
            n = args.backtest_samples
            naive = in_fresh_process("backtest-naive", args, world, n, 1)
            fast = in_fresh_process("backtest", args, world, n, 1)
            row(f"3. whole backtest, {n:,} samples a war", naive, fast)
    print("\nratio = escalate time / naive time, both measured in this session (lower is better);")
    print("memory = peak resident set size of the process running the case.")


if __name__ == "__main__":
    main()
