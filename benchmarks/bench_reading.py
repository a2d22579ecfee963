"""Reading each party's chance from the ties tried, against counting it, on real disputes.

The backtest scores each candidate with :func:`escalate.engine.conditional.fighting_chances`
(the chances read from the ties tried where a party fought rarely); the baseline is the
sampler alone (:func:`escalate.engine.sampling.sample_cascade`, the chances counted), on the
same compiled flare-ups, samples and seed, alternately in one process. Reports the time of
each, their ratio, and how many (dispute, state) pairs each leaves at no chance at all.

    python benchmarks/bench_reading.py [--data ../shared/data] [--disputes 60] [--samples 5000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"))
    parser.add_argument("--disputes", type=int, default=60, help="the first N disputes begun from 1990")
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from escalate.engine.compile import compile_scenario
    from escalate.engine.conditional import fighting_chances
    from escalate.engine.sampling import sample_cascade
    from escalate.likelihoods import LikelihoodTable
    from escalate.model import Role
    from escalate.world.atop import WorldData
    from escalate.world.conflicts import conflicts, war_flare_up, war_graph

    data = WorldData(args.data)
    table = LikelihoodTable()
    graphs: dict = {}
    compiled = []
    for c in [c for c in conflicts(args.data, "mids") if c.start.year >= 1990][: args.disputes]:
        graph, names = war_graph(data, c, graphs)
        flare = war_flare_up(graph, c, names)
        if flare is not None:
            compiled.append((compile_scenario(graph, flare, table), len(names) - len(c.originators)))
    counting, reading = [], []
    for _ in range(args.rounds):
        start = time.perf_counter()
        counted = [sample_cascade(c, samples=args.samples, seed=0) for c, _ in compiled]
        counting.append(time.perf_counter() - start)
        start = time.perf_counter()
        read = [fighting_chances(c, samples=args.samples, seed=0) for c, _ in compiled]
        reading.append(time.perf_counter() - start)
    candidates = sum(n for _, n in compiled)
    counted_some = sum(len({a for (a, _, role) in t.roles if role is Role.ALLY}) for t in counted)
    read_some = sum(len({a for a, _ in r}) for r in read)
    print(f"{len(compiled)} disputes from 1990, {candidates:,} candidates, {args.samples:,} samples each")
    print(
        f"counted (sample_cascade):   {min(counting):6.2f} s, {candidates - counted_some:,} candidates at 0"
    )
    print(f"read (fighting_chances):    {min(reading):6.2f} s, {candidates - read_some:,} candidates at 0")
    print(f"ratio read / counted:       {min(reading) / min(counting):.2f}")


if __name__ == "__main__":
    main()
