"""Start-up cost of `escalate paths` on the default scenario, as a ratio to a baseline.

The baseline is `python -c "import networkx, typer"` run in the same session, so the ratio
says what escalate adds on top of the libraries it cannot avoid. Run:

    python benchmarks/bench_startup.py [--runs N]
"""

import argparse
import subprocess
import sys

from timing import wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    py = sys.executable
    baseline = wall([py, "-c", "import networkx, typer"], args.runs)
    paths = wall([py, "-m", "escalate", "paths", "Armenia", "Azerbaijan"], args.runs)
    no_mpl = subprocess.run(
        [py, "-c", "import sys, escalate.cli; print('matplotlib' in sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    print(f"baseline  python -c 'import networkx, typer'   {baseline * 1000:7.1f} ms (median of {args.runs})")
    print(f"escalate  paths Armenia Azerbaijan              {paths * 1000:7.1f} ms")
    print(f"ratio     {paths / baseline:.2f}  (aim: at most 1.3)")
    print(f"matplotlib imported by the CLI: {no_mpl}")


if __name__ == "__main__":
    main()
