"""The backtest's graphs and its two sampling jobs, timed in this checkout and another, in turn.

0. the graphs of the disputes below, each built and checked (as the backtest builds them: the
   graphs of a start year one after another, one per day with ties ended or begun by then);
1. calibration's draws: :func:`~escalate.world.calibrate.draw_war` on the disputes begun
   from 1978 to 1989 (383), 2,000 samples each, under the shipped table as a proposal;
2. scoring: :func:`~escalate.engine.conditional.fighting_chances` on the first 60 disputes
   begun from 1990, 5,000 samples each.

Each checkout runs in a fresh process of this interpreter (its own ``escalate`` first on the
path, from its own folder), ``--runs`` times alternately, since this host's speed swings
from hour to hour. Reports each job's median time, the ratio of this checkout's to the
baseline's, and whether the two produced the same graphs, draws and chances to the byte.

With ``--whole``, the whole disputes backtest instead (``escalate backtest --conflicts mids
--json``, every core, ``OPENBLAS_NUM_THREADS=1`` as for the jobs above), in turn: wall, user
and system time, the peak memory of the largest process, and whether the two JSONs are the
same to the byte (about 4 minutes a pair).

    python benchmarks/bench_checkouts.py --baseline ../escalate-old [--data DIR] [--runs 2] [--whole]

Make the baseline with ``git worktree add ../escalate-old COMMIT``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: What each checkout runs: the two jobs, their times and a digest of what they produced.
JOB = r"""
import hashlib, json, sys, time
import numpy as np
import escalate
assert escalate.__file__.startswith(sys.argv[2]), escalate.__file__
from escalate.engine.compile import compile_scenario
from escalate.engine.conditional import fighting_chances
from escalate.likelihoods import LikelihoodTable
from escalate.world import calibrate
from escalate.world.atop import WorldData
from escalate.world.conflicts import conflicts, war_flare_up, war_graph

folder = sys.argv[1]
data, graphs = WorldData(folder), {}
every = conflicts(folder, "mids")
fitting = sorted((c for c in every if 1978 <= c.start.year < 1990), key=lambda c: c.start.year)
scored = [c for c in every if c.start.year >= 1990][:60]
digest = hashlib.sha256()
start = time.perf_counter()
for c in fitting + scored:
    war_graph(data, c, graphs)
graphs_time = time.perf_counter() - start
for graph, _ in graphs.values():
    digest.update(repr(graph).encode())
proposal = calibrate._proposal(LikelihoodTable())
start = time.perf_counter()
for c in fitting:
    draws = calibrate.draw_war(data, c, proposal, samples=2000, seed=0, graphs=graphs)
    if draws is not None:
        for part in (draws.fired, draws.unfired, draws.joins, draws.joined, draws.copies):
            digest.update(np.ascontiguousarray(part).tobytes())
draws_time = time.perf_counter() - start
start = time.perf_counter()
for c in scored:
    graph, names = war_graph(data, c, graphs)
    flare = war_flare_up(graph, c, names)
    if flare is not None:
        chances = fighting_chances(compile_scenario(graph, flare), samples=5000, seed=0)
        digest.update(repr(sorted(chances.items())).encode())
print(json.dumps({"graphs": graphs_time, "draws": draws_time, "reading": time.perf_counter() - start,
                  "digest": digest.hexdigest()}))
"""


def run(checkout: Path, data: str) -> dict[str, float | str]:
    """The jobs in ``checkout``, in a fresh process: their times and digest."""
    env = dict(os.environ, PYTHONPATH=str(checkout), OPENBLAS_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, "-c", JOB, data, str(checkout)],
        cwd=checkout, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    found: dict[str, float | str] = json.loads(out.stdout.splitlines()[-1])
    return found


#: Runs a command and reports its wall time, its processes' user and system time and the peak
#: resident memory of the largest, and a digest of what it printed.
WHOLE = r"""
import hashlib, json, resource, subprocess, sys, time
start = time.perf_counter()
out = subprocess.run(sys.argv[1:], check=True, capture_output=True).stdout
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": time.perf_counter() - start, "user": used.ru_utime, "system": used.ru_stime,
                  "peak_mb": used.ru_maxrss / 1024, "digest": hashlib.sha256(out).hexdigest()}))
"""


def whole(checkout: Path, data: str) -> dict[str, float | str]:
    """The whole disputes backtest in ``checkout`` (from its folder, so that it imports its own code)."""
    backtest = [sys.executable, "-m", "escalate", "backtest", "--data", data, "--conflicts", "mids", "--json"]
    env = dict(os.environ, PYTHONPATH=str(checkout), OPENBLAS_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, "-c", WHOLE, *backtest], cwd=checkout, env=env, check=True, capture_output=True,
        text=True,
    )  # fmt: skip
    found: dict[str, float | str] = json.loads(out.stdout.splitlines()[-1])
    return found


def report_whole(results: dict[str, list[dict[str, float | str]]]) -> None:
    """Each side's runs, their medians and ratios, and whether the JSONs are the same."""
    for side, rows in results.items():
        runs = ", ".join(f"{float(r['wall']):.1f}" for r in rows)
        print(f"{side:14s} runs {runs} s")
    for measure, unit in (("wall", "s"), ("user", "s"), ("system", "s"), ("peak_mb", "MB")):
        mine = statistics.median(float(r[measure]) for r in results["this checkout"])
        base = statistics.median(float(r[measure]) for r in results["baseline"])
        ratio = mine / base
        print(
            f"{measure:8s} this checkout {mine:8.1f} {unit}, baseline {base:8.1f} {unit}, ratio {ratio:.2f}"
        )
    digests = {r["digest"] for rows in results.values() for r in rows}
    print("the same JSON to the byte" if len(digests) == 1 else "the JSONs differ")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", required=True, type=Path, help="another checkout (a git worktree)")
    parser.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"))
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--whole", action="store_true", help="the whole disputes backtest instead")
    args = parser.parse_args()
    data = str(Path(args.data).resolve())
    ours, theirs = HERE.parent.resolve(), args.baseline.resolve()
    results: dict[str, list[dict[str, float | str]]] = {"this checkout": [], "baseline": []}
    for _ in range(args.runs):
        results["this checkout"].append((whole if args.whole else run)(ours, data))
        results["baseline"].append((whole if args.whole else run)(theirs, data))
    if args.whole:
        report_whole(results)
        return
    for job, what in (
        ("graphs", "their graphs, built and checked"),
        ("draws", "calibration's draws, 383 disputes"),
        ("reading", "scoring, 60 disputes"),
    ):
        mine = statistics.median(float(r[job]) for r in results["this checkout"])
        base = statistics.median(float(r[job]) for r in results["baseline"])
        print(f"{what:36s} this checkout {mine:6.2f} s, baseline {base:6.2f} s, ratio {mine / base:.2f}")
    digests = {r["digest"] for rows in results.values() for r in rows}
    print("the same graphs, draws and chances to the byte" if len(digests) == 1 else "the outputs differ")


if __name__ == "__main__":
    main()
