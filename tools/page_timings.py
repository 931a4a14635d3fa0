"""Time every page's server run on a warehouse, and weigh what it sends to the browser.

    ATLAS_WAREHOUSE=/tmp/w1m .venv/bin/python tools/page_timings.py [--repeat 3] \
        [--page map] [--params region=africa q=labour] [--show 3]

Each page runs in Streamlit's AppTest (app.py, sidebar included) as a shared link
opens it. "cold" is a run after the query results and built figures are forgotten
(`memo.clear_results()`, `memo.clear()`); with `--fresh` the warehouse connection is
closed too, so the run also builds what dashboard.db keeps beside it (the
search index, the filter set's selection) — without it they are kept, as on a running
server that has seen the filters before. With `--options-cached` the cold runs keep what
a server computes once per warehouse (the filters' options, meta): the run a user's new
filter set costs on a running server. "warm" runs again with the cache filled. The
payload is the size of every element's protobuf (what the server sends, give or take
the message framing). Queries are timed at `dashboard.db.run_query`.

Not a test: timings are noisy on a shared machine. Targets live in bench/.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ("overview", "map", "timeline", "pillars", "projects", "exchanges", "data")
FILTERED = {"region": "africa", "q": "labour"}  # a region and a search, as the issue asks


def payload_bytes(node) -> int:
    """Bytes of the protobufs of every element under an AppTest node."""
    children = getattr(node, "children", None)
    if children:
        values = children.values() if isinstance(children, dict) else children
        return sum(payload_bytes(child) for child in values)
    proto = getattr(node, "proto", None)
    return proto.ByteSize() if proto is not None and hasattr(proto, "ByteSize") else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page", action="append", choices=PAGES)
    parser.add_argument("--fresh", action="store_true", help="a new connection for each run")
    parser.add_argument("--show", type=int, default=3, help="the slowest N queries of a page")
    parser.add_argument(
        "--options-cached",
        action="store_true",
        help="keep what is computed once per warehouse (the filters' options, meta) across "
        "the cold runs, as a running server does: the run a user's new filter set costs",
    )
    parser.add_argument(
        "--params", nargs="*", help="key=value URL parameters (default: none, then filtered)"
    )
    args = parser.parse_args()
    if "ATLAS_WAREHOUSE" not in os.environ:
        parser.error("set ATLAS_WAREHOUSE to the warehouse to measure")

    import logging

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.CRITICAL)  # "no runtime" warnings

    from dashboard import db, memo
    from dashboard.ui.data import _cached as cached_query

    timings: list[tuple[str, float]] = []
    original = db.run_query

    def timed(version, sql, params=(), **options):
        start = time.perf_counter()
        try:
            return original(version, sql, params, **options)
        finally:
            timings.append((" ".join(sql.split())[:70], time.perf_counter() - start))

    db.run_query = timed
    import dashboard.queries as queries

    queries.run_query = timed

    variants = (
        [dict(p.split("=", 1) for p in args.params)] if args.params is not None else [{}, FILTERED]
    )
    print(f"warehouse: {os.environ['ATLAS_WAREHOUSE']}")
    print("page       params                         cold s (runs)          warm s  queries")
    print("                                                                          median ms")
    for page in args.page or PAGES:
        for params in variants:
            cold, warm, payload, query_ms, query_sums = [], [], 0, [], []
            for _ in range(args.repeat):
                memo.clear_results()
                memo.clear()
                if args.options_cached:  # as ui.options() and ui.load(queries.meta) cache them
                    for name in ("filter_options", "meta"):
                        cached_query(name, db.warehouse_version(), ())
                if args.fresh:  # drop every open version, as a rebuild does (db._acquire)
                    with db._lock:
                        for handle in db._handles.values():
                            handle.evicted = True  # closed by its last user (a warm-up)
                            if handle.users == 0:
                                handle.con.close()
                        db._handles.clear()
                timings.clear()
                at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
                at.switch_page(f"pages/{page}.py")
                for key, value in params.items():
                    at.query_params[key] = value
                start = time.perf_counter()
                at.run()
                cold.append(time.perf_counter() - start)
                if at.exception:
                    print(page, params, [e.value.splitlines()[-1] for e in at.exception])
                query_ms += [t * 1000 for _, t in timings]
                query_sums.append(sum(t for _, t in timings))
                payload = payload_bytes(at._tree)
                start = time.perf_counter()
                at.run()
                warm.append(time.perf_counter() - start)
            label = " ".join(f"{k}={v}" for k, v in params.items()) or "(none)"
            runs = ", ".join(f"{t:.2f}" for t in cold)
            print(
                f"{page:<10} {label:<30} {statistics.median(cold):6.2f} ({runs})"
                f"  {statistics.median(warm):6.2f}  {statistics.median(query_ms or [0]):6.1f}"
                f"  max {max(query_ms or [0]):7.1f}  n={len(query_ms) // args.repeat}"
                f"  payload {payload / 1e6:.2f} MB"
                f"  queries in all {statistics.median(query_sums or [0]):.2f} s"
            )
            slow = sorted(timings, key=lambda t: -t[1])[: args.show]
            for sql, seconds in slow:
                print(f"    {seconds * 1000:7.1f} ms  {sql}")


if __name__ == "__main__":
    main()
