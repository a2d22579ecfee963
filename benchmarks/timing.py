"""Shared timing helper for the benchmark scripts in this folder."""

import statistics
import subprocess
import time


def wall(command: list[str], runs: int) -> float:
    """Median wall time of running ``command`` ``runs`` times, output discarded."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
