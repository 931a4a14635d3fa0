"""A room full of people (issue 13): N sessions × M reruns on loopback, each rerun a
random page with a random filter query string, as the presenter's link and the room's
clicks send them. Not a test: the numbers go in bench/RESULTS.md.

    .venv/bin/python bench/room.py --sessions 50 --reruns 5            # its own server
    .venv/bin/python bench/room.py --sessions 1 --reruns 20 --by-page  # one person's reruns
    .venv/bin/python bench/room.py --sessions 50 --rebuilds 5          # while rebuilding
    .venv/bin/python bench/room.py --url http://127.0.0.1:8500 ...     # `make serve` replicas

Each session speaks Streamlit's own websocket protocol (bench/sessions.py: a BackMsg
`rerun_script` with `query_string` and `page_name`; ForwardMsgs read until
`script_finished`), so fifty of them cost little beside the server. Counted: errors (a
session that could not connect or whose rerun did not finish), exceptions the app
showed, and — when this tool starts the server — tracebacks in the server's log.
Sessions start together (the link shared in a room), then each reruns as soon as its
last rerun finished, after a random pause (`--think LOW HIGH` seconds: by default
0.1-0.5, a stress far beyond people reading; `--think 3 10` is closer to a room).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import running_app_process  # noqa: E402
from sessions import (  # noqa: E402
    Session,
    catalogue_variant,
    cpu_seconds,
    percentile,
    rebuild_warehouse,
    rss_mb,
)

T = TypeVar("T")


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run the sessions on uvloop when installed (as the server does): the load test
    shares the machine's two cores with the server it measures, so its own event loop
    should cost as little as it can (~0.1 of a core while a room runs)."""
    try:
        import uvloop
    except ModuleNotFoundError:
        return asyncio.run(main)
    return uvloop.run(main)


# page_name as the browser sends it (the URL path; "" is the Overview)
PAGES = ["", "timeline", "pillars", "map", "projects", "exchanges", "data"]
TRACEBACK = re.compile(r"^Traceback \(most recent call last\)", re.MULTILINE)


def query_strings(warehouse: Path, count: int, seed: int) -> list[str]:
    """`count` filter query strings valid for this warehouse (codes, as links write
    them): none, one region, one pillar, both, a year range, a search word."""
    from dashboard import links, queries
    from dashboard.db import warehouse_version
    from dashboard.filters import Filters

    options = queries.filter_options(warehouse_version(warehouse))
    rng = random.Random(seed)
    regions, pillars = options.values("region"), options.values("pillar")
    low, high = options.year_min, options.year_max
    made = [""]
    while len(made) < count:
        kind = rng.randrange(5)
        filters = Filters(
            region=(rng.choice(regions),) if kind in (0, 2) else (),
            pillar=(rng.choice(pillars),) if kind in (1, 2) else (),
            years=(rng.randint(low, (low + high) // 2), high) if kind == 3 else (low, high),
            q=rng.choice(["city", "employment", "youth", "local"]) if kind == 4 else "",
        )
        params = links.encode(filters, options)
        made.append("&".join(f"{k}={v}" for k, values in params.items() for v in values))
    return made


@dataclass
class Rerun:
    page: str
    seconds: float
    finished: bool
    step: int  # the session's n-th click (0: arriving with the others)
    received_bytes: int = 0  # over the websocket, after the browser's message cache


@dataclass
class SessionLog:
    reruns: list[Rerun] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def one_session(
    base: str,
    queries: list[str],
    pages: list[str],
    reruns: int,
    rng: random.Random,
    think: tuple[float, float],
    link: tuple[str, str] | None = None,
) -> SessionLog:
    log = SessionLog()
    try:
        async with Session(base, rng.choice(pages)) as session:
            for step in range(reruns):
                page, query = rng.choice(pages), rng.choice(queries)
                if step == 0 and link is not None:  # the link the presenter shared
                    page, query = link
                result = await session.run(query=query, page=page, timeout=180)
                log.reruns.append(
                    Rerun(page, result.seconds, result.finished, step, result.received_bytes)
                )
                log.exceptions += result.exceptions
                if not result.finished:
                    log.errors.append(f"/{page}: the rerun did not finish")
                await asyncio.sleep(rng.uniform(*think))  # reading before the next click
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none hidden
        log.errors.append(f"{type(exc).__name__}: {exc}")
    return log


async def rebuild_loop(warehouse: Path, workdir: Path, rebuilds: int, stop: asyncio.Event):
    """Rebuild the warehouse `rebuilds` times (each a visible change), one after another."""
    failures = []
    for k in range(1, rebuilds + 1):
        source, _count = catalogue_variant(ROOT / "data" / "catalogue", workdir / f"c{k}", k)
        status, output = await rebuild_warehouse(sys.executable, source, warehouse)
        if status:
            failures.append(output[-500:])
        if stop.is_set():
            break
    return failures


async def room(
    base: str,
    pids: list[int],
    queries: list[str],
    *,
    sessions: int,
    reruns: int,
    pages: list[str],
    seed: int,
    think: tuple[float, float] = (0.1, 0.5),
    link: tuple[str, str] | None = None,
    rebuild: tuple[Path, Path, int] | None = None,
) -> dict:
    rng = random.Random(seed)
    idle = sum(rss_mb(pid) for pid in pids)
    peak = [idle]
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], sum(rss_mb(pid) for pid in pids))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    rebuilding = (
        asyncio.create_task(rebuild_loop(*rebuild, stop=done)) if rebuild is not None else None
    )
    started, cpu_before = time.monotonic(), sum(cpu_seconds(pid) for pid in pids)
    logs = await asyncio.gather(
        *[
            one_session(base, queries, pages, reruns, random.Random(rng.random()), think, link)
            for _ in range(sessions)
        ]
    )
    wall = time.monotonic() - started
    server_cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
    build_failures = await rebuilding if rebuilding is not None else []
    done.set()
    await sampler
    times = [r.seconds for log in logs for r in log.reruns if r.finished]
    by_page: dict[str, list[float]] = {}
    by_step: dict[int, list[float]] = {}
    for log in logs:
        for r in log.reruns:
            if r.finished:  # as `times`: a rerun that timed out is an error, not a time
                by_page.setdefault(r.page, []).append(r.seconds)
                by_step.setdefault(r.step, []).append(r.seconds)
    return {
        "sessions": sessions,
        "reruns": len(times),
        "wall": wall,
        "throughput": len(times) / wall if wall else float("nan"),
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "max": max(times, default=float("nan")),
        "errors": [e for log in logs for e in log.errors],
        "exceptions": [e for log in logs for e in log.exceptions],
        "server_cpu_ms": 1000 * server_cpu / len(times) if times and pids else float("nan"),
        "rss_idle_mb": idle,
        "rss_peak_mb": peak[0],
        "per_session_mb": (peak[0] - idle) / sessions,
        "by_page": by_page,
        "by_step": by_step,
        "received_kb": [r.received_bytes / 1000 for log in logs for r in log.reruns if r.finished],
        "build_failures": build_failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--url", help="an already running atlas (e.g. `make serve`)")
    parser.add_argument("--pid", type=int, nargs="*", default=[], help="its processes (memory)")
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse")
    parser.add_argument("--rebuilds", type=int, default=0, help="rebuilds during the run")
    parser.add_argument("--pages", nargs="*", default=PAGES, help="page names ('' = Overview)")
    parser.add_argument("--by-page", action="store_true", help="also print each page's times")
    parser.add_argument(
        "--by-step", action="store_true", help="also print the times of each session's n-th click"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.1, 0.5),
        metavar=("LOW", "HIGH"),
        help="seconds a person reads between clicks (uniform; default 0.1 0.5: a stress)",
    )
    parser.add_argument(
        "--link",
        help="every session opens this first, e.g. 'timeline?region=africa' (a shared link)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        tmp = Path(tmp)
        warehouse, log_path = args.warehouse, tmp / "server.log"
        rebuild = None
        if args.rebuilds:  # never the real warehouse: a synthetic copy, rebuilt in place
            if args.url:
                raise SystemExit("--rebuilds needs this tool to start the server")
            from etl.build import build

            source, _ = catalogue_variant(ROOT / "data" / "catalogue", tmp / "c0", 0)
            warehouse = tmp / "warehouse"
            build(source, warehouse, synthetic=True, progress=lambda _m: None)
            rebuild = (warehouse, tmp, args.rebuilds)
        base, pids = args.url, args.pid
        if base is None:  # the app as `make run` serves it, warmed as `make run` warms it
            base, pid = stack.enter_context(running_app_process(warehouse, log_path))
            subprocess.run([sys.executable, str(ROOT / "tools" / "warm.py"), base], check=True)
            pids = [pid]
        queries = query_strings(warehouse, 40, args.seed)
        result = run_loop(
            room(
                base, pids, queries, sessions=args.sessions, reruns=args.reruns,
                pages=args.pages, seed=args.seed, think=tuple(args.think), rebuild=rebuild,
                link=tuple(args.link.partition("?")[::2]) if args.link else None,
            )
        )  # fmt: skip
        stack.close()  # the server stopped: its whole log
        server_log = "" if args.url else log_path.read_text(errors="replace")
    tracebacks = len(TRACEBACK.findall(server_log))
    print(
        f"{result['sessions']} sessions × {args.reruns} reruns"
        f"{f', {args.rebuilds} rebuilds' if args.rebuilds else ''}: "
        f"{result['reruns']} finished in {result['wall']:.1f} s; "
        f"errors {len(result['errors'])}, exceptions shown {len(result['exceptions'])}, "
        f"server-log tracebacks {'n/a (--url)' if args.url else tracebacks}; "
        f"rerun p50 {result['p50']:.2f} s, p95 {result['p95']:.2f} s, max {result['max']:.2f} s; "
        f"throughput {result['throughput']:.2f} reruns/s; "
        f"server CPU per rerun {result['server_cpu_ms']:.1f} ms; payload per rerun p50 "
        f"{percentile(result['received_kb'], 0.5):.0f} kB, "
        f"max {max(result['received_kb'], default=float('nan')):.0f} kB; "
        "server RSS "
        f"{result['rss_idle_mb']:.0f} → {result['rss_peak_mb']:.0f} MB "
        f"({result['per_session_mb']:.1f} MB per session)"
    )
    if args.by_page:
        for page, times in sorted(result["by_page"].items()):
            print(
                f"  /{page}: {len(times)} reruns, p50 {percentile(times, 0.5):.3f} s, "
                f"p95 {percentile(times, 0.95):.3f} s"
            )
    if args.by_step:
        for step, times in sorted(result["by_step"].items()):
            print(
                f"  click {step + 1}{' (arrival)' if step == 0 else ''}: {len(times)} reruns, "
                f"p50 {percentile(times, 0.5):.3f} s, "
                f"p95 {percentile(times, 0.95):.3f} s, max {max(times):.3f} s"
            )
    for problem in (result["errors"] + result["exceptions"])[:10]:
        print("  -", problem[:300])
    for failure in result["build_failures"]:
        print("  build failed:", failure)
    if tracebacks:
        for match in TRACEBACK.finditer(server_log):
            print("  server log:", server_log[match.start() : match.start() + 1500])
            break


if __name__ == "__main__":
    main()
