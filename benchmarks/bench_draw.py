"""Wall time of `escalate draw` on the default scenario, as a ratio to a baseline.

The baseline is `python -c "import matplotlib.pyplot, networkx, typer"` in the same
session: what any plotting CLI on these libraries pays before doing anything. Run:

    python benchmarks/bench_draw.py [--runs N]
"""

import argparse
import sys
import tempfile
from pathlib import Path

from timing import wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        out = str(Path(folder) / "k.png")
        baseline = wall([py, "-c", "import matplotlib.pyplot, networkx, typer"], args.runs)
        draw = wall([py, "-m", "escalate", "draw", "Armenia", "Azerbaijan", "-o", out], args.runs)
    print(f"baseline  import matplotlib.pyplot, networkx, typer  {baseline * 1000:7.1f} ms")
    print(f"escalate  draw Armenia Azerbaijan -o k.png            {draw * 1000:7.1f} ms")
    print(f"ratio     {draw / baseline:.2f}  (aim: at most 1.5; medians of {args.runs} runs)")


if __name__ == "__main__":
    main()
