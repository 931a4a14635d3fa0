"""Page speed as a user feels it (issue 12 item 13): each page's time to its first
chart in headless chromium, against the floor for its content.

    .venv/bin/python bench/page_speed.py [--repeat 5] [--warehouse DIR] [--only PATH ...]

Two servers run side by side: the atlas on the warehouse (warmed by tools/warm.py, as
`make run` does), and the floor, bench/floor/page.py: a Streamlit page holding nothing
but one Plotly chart, one pydeck map of the world's countries, or both. One browser
context opens every URL in turn, as a user who already has the atlas open (its scripts
cached) follows a link. Marks taken inside the page time, from the navigation's start,
the first Plotly chart drawn (its SVG), the first map drawn (deck.gl's first WebGL
draw call) and the page done (script finished, no skeleton left, every chart drawn).

A page's ratio is its time to its first chart of each kind over the floor page with
the same kinds of chart (Plotly, map, or both), the larger when it has both. The
target (issue 12 item 13): 2 or less. Timings depend on the machine: not a test; the
table goes in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))

from browser_support import chromium, free_port, running_app_process  # noqa: E402
from warm import wait_for_health  # noqa: E402

PLOTLY = ".js-plotly-plot .main-svg"
DECK = '[data-testid="stDeckGlJsonChart"] canvas'
# Marks taken inside the page, on each DOM change, from the navigation's start (what a
# user feels after a click). Waiting from Python with Playwright's per-frame selector
# polling doubled some pages' times (the Exchanges page: 7 s → 14 s), so the page is
# left alone and read twice a second.
MARKS = """
window.__speed = {};
for (const gl of [WebGLRenderingContext, WebGL2RenderingContext]) {
  const draws = ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced'];
  for (const draw of draws) {
    const original = gl.prototype[draw];
    if (!original) continue;
    gl.prototype[draw] = function (...args) {
      window.__speed.deck = window.__speed.deck || performance.now() / 1000;
      return original.apply(this, args);
    };
  }
}
const since = () => performance.now() / 1000;
const mark = () => {
  const marks = window.__speed;
  if (!marks.plotly && document.querySelector('PLOTLY')) marks.plotly = since();
  const app = document.querySelector('[data-testid=stApp]');
  const idle = app && app.dataset.testScriptState === 'notRunning';
  const loading = document.querySelector(
    '[data-testid=stSkeleton], [data-testid=stSkeletonElement]');
  marks.done = idle && !loading ? (marks.done || since()) : undefined;
};
new MutationObserver(mark).observe(document, {subtree: true, childList: true, attributes: true});
""".replace("PLOTLY", PLOTLY)
TIMEOUT_MS = 120_000

# (label, path): every page, and the two permalinks the issue timed.
PAGES = [
    ("Overview", "/"),
    ("Timeline", "/timeline"),
    ("Pillars", "/pillars"),
    ("Map", "/map"),
    ("Projects", "/projects"),
    ("Project permalink", "/projects?project=tur-hazelnut-child-labour"),
    ("Exchanges", "/exchanges"),
    ("Exchange permalink", "/exchanges?exchange=moz-maputo-2012-11-peer-learning"),
    ("Data", "/data"),
]


# The floor page for each content: (has a Plotly chart, has a map) → its label.
FLOORS = {
    (True, False): "floor: one Plotly chart",
    (False, True): "floor: one map",
    (True, True): "floor: one map and one Plotly chart",
}
FLOOR_QUERY = [((True, False), "chart"), ((False, True), "map"), ((True, True), "map&chart")]


@contextmanager
def floor_server(script: Path = ROOT / "bench" / "floor" / "page.py"):
    """Serve the floor page on a free port; yield its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_for_health(base, 60):
            raise RuntimeError(f"{script.name} did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def time_page(context, url: str, has_plotly: bool, has_deck: bool) -> dict[str, float | None]:
    """Open `url` in a new tab of the warm context: seconds from the navigation's start
    to the first Plotly SVG, to the first deck.gl canvas, and to the page done."""
    page = context.new_page()
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.add_init_script(MARKS)
    try:
        page.goto(url, wait_until="commit")
        expected = [name for name, wanted in (("plotly", has_plotly), ("deck", has_deck)) if wanted]
        ready = " && ".join(f"window.__speed?.{name}" for name in [*expected, "done"])
        page.wait_for_function(f"() => {ready}", timeout=TIMEOUT_MS, polling=500)
        # done must hold: a late element may bring a skeleton back
        page.wait_for_timeout(300)
        page.wait_for_function("() => window.__speed.done", timeout=TIMEOUT_MS, polling=500)
        marks = page.evaluate("window.__speed")
        times = {name: marks.get(name) for name in ("plotly", "deck")}
        times["done"] = max(t for t in (marks["done"], *times.values()) if t is not None)
        return times
    finally:
        page.close()


def first_seen(base: str, context) -> dict[str, tuple[bool, bool]]:
    """Which kinds of chart each page draws (looked up once, after a full load)."""
    kinds = {}
    for label, path in PAGES:
        page = context.new_page()
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.add_init_script(MARKS)
        page.goto(base + path)
        page.wait_for_function("() => window.__speed?.done", timeout=TIMEOUT_MS, polling=500)
        page.wait_for_timeout(3000)  # charts draw after the script's run
        kinds[label] = (page.locator(PLOTLY).count() > 0, page.locator(DECK).count() > 0)
        page.close()
    return kinds


def median(values: list[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return statistics.median(found) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="labels of pages to time (default: all)")
    args = parser.parse_args()

    with ExitStack() as stack:
        atlas, _pid = stack.enter_context(running_app_process(args.warehouse))
        subprocess.run([sys.executable, str(ROOT / "tools" / "warm.py"), atlas], check=True)
        floor = stack.enter_context(floor_server())
        context = stack.enter_context(chromium())
        kinds = first_seen(atlas, context)
        pages = [(label, path) for label, path in PAGES if not args.only or label in args.only]
        targets = [(FLOORS[has], f"{floor}/?{query}", *has) for has, query in FLOOR_QUERY]
        targets += [(label, atlas + path, *kinds[label]) for label, path in pages]
        for _label, url, has_plotly, has_deck in targets:  # once each: caches warm
            time_page(context, url, has_plotly, has_deck)
        runs: dict[str, list[dict]] = {label: [] for label, *_ in targets}
        for _round in range(args.repeat):  # interleaved: noise spreads over all
            for label, url, has_plotly, has_deck in targets:
                runs[label].append(time_page(context, url, has_plotly, has_deck))

    print(f"{args.repeat} rounds; medians in seconds (min–max)\n")
    print("| page | first Plotly chart | first map | page done | × floor |")
    print("|---|---|---|---|---|")
    for label, _url, has_plotly, has_deck in targets:
        floor_runs = runs[FLOORS[(has_plotly, has_deck)]]
        cells, ratios = [], []
        for kind in ("plotly", "deck", "done"):
            mid = median([r[kind] for r in runs[label]])
            if mid is None:
                cells.append("—")
                continue
            values = [r[kind] for r in runs[label] if r[kind] is not None]
            cells.append(f"{mid:.2f} ({min(values):.2f}–{max(values):.2f})")
            floor_mid = median([r[kind] for r in floor_runs])
            if kind != "done" and floor_mid and label not in FLOORS.values():
                ratios.append(mid / floor_mid)
        ratio = f"{max(ratios):.2f}" if ratios else "—"
        print(f"| {label} | {' | '.join(cells)} | {ratio} |")


if __name__ == "__main__":
    main()
