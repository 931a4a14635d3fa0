"""Cold start: how long until the first chart of a freshly started server is drawn.

    .venv/bin/python bench/cold_start.py [--warehouse DIR] [--repeat 3] [--path /]

Each round starts a new server (`streamlit run app.py`, as `make run` does), waits for
its health endpoint, then opens the page in headless Debian chromium with a new
browser (empty caches, as a first visitor) and times, from the request: the first
Plotly chart drawn (its SVG), and every chart of the page drawn. Issue 8's targets:
first chart < 4 s on the curated warehouse, < 6 s at a million projects.

With --warm, tools/warm.py runs every page once after the server answers (as `make run`
does), and "server ready" includes it. Not a test (timings depend on the machine):
results go in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import chromium, running_app_process  # noqa: E402

FIRST_CHART = ".js-plotly-plot .main-svg"


def one_round(warehouse: Path, path: str, warm: bool) -> tuple[float, float, float]:
    """(server start, first chart, all charts) in seconds, for one fresh server;
    `warm`: after tools/warm.py has run every page once, as `make run` does."""
    started = time.monotonic()
    with running_app_process(warehouse) as (base, _pid):
        if warm:
            subprocess.run([sys.executable, str(ROOT / "tools" / "warm.py"), base], check=True)
        server = time.monotonic() - started
        with chromium() as context:
            page = context.new_page()
            requested = time.monotonic()
            page.goto(base + path)
            page.wait_for_selector(FIRST_CHART, timeout=120_000)
            first = time.monotonic() - requested
            page.wait_for_function(
                "() => !document.querySelector('[data-testid=stStatusWidget]')",
                timeout=120_000,
            )
            done = time.monotonic() - requested
            page.close()
    return server, first, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--path", default="/")
    parser.add_argument("--warm", action="store_true", help="run tools/warm.py first")
    args = parser.parse_args()
    rounds = [one_round(args.warehouse, args.path, args.warm) for _ in range(args.repeat)]
    for number, (server, first, done) in enumerate(rounds, start=1):
        print(
            f"round {number}: server ready{' and warmed' if args.warm else ''} {server:.1f} s; "
            f"first chart {first:.1f} s; "
            f"page done {done:.1f} s"
        )
    firsts = [first for _, first, _ in rounds]
    print(
        f"{args.warehouse} {args.path}: first chart median {statistics.median(firsts):.1f} s "
        f"(min {min(firsts):.1f}, max {max(firsts):.1f}) over {len(rounds)} fresh servers"
    )


if __name__ == "__main__":
    main()
