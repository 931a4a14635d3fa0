"""Markdown for bench/RESULTS.md: the machine's line, the ETL table and the query tables.

Every number says what it includes (see the captions), and every run says which commit
it measured, since the ETL and the pages are changing under the benchmark.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
from collections.abc import Iterable, Sequence
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.compare import EtlResult, QueryResult

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
TARGET_SIZE, TARGET_RATIO = 1_000_000, 5.0
MARKER = "<!-- python -m bench.compare --record inserts each run above this line -->"


def _ram_gib() -> float:
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    return kib / 2**20


def commit() -> str:
    """The commit measured, marked when the code measured differs from it."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "etl", "dashboard", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return head + (" + uncommitted changes" if dirty else "")


def machine_line() -> str:
    import duckdb
    import pandas
    import pyarrow

    return (
        f"{os.cpu_count()} cores, {_ram_gib():.1f} GiB RAM, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, pandas {pandas.__version__}, pyarrow {pyarrow.__version__}; "
        f"load average {os.getloadavg()[0]:.1f} at start; commit {commit()}"
    )


def duration(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1000:,.0f} ms"
    return f"{seconds * 1000:.1f} ms"


def ratio(slow: float, fast: float) -> str:
    return f"**{slow / fast:.1f}×**" if fast > 0 else "—"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def etl_table(results: Sequence[EtlResult]) -> list[str]:
    header = ["projects", "CSV", "ETL build: wall / CPU / peak RSS",
              "DuckDB raw read: wall / CPU / peak RSS", "of which reading",
              "build ÷ raw read (wall)"]  # fmt: skip
    rows = []
    for r in results:
        if r.build is None or r.raw_read is None:
            continue
        cost = [
            f"{duration(run.wall_s)} / {duration(run.cpu_s)} / {run.peak_mb:,.0f} MB"
            for run in (r.build, r.raw_read)
        ]
        reading = r.raw_read.reported_seconds()
        rows.append([f"{r.projects:,}", f"{r.csv_mb:,.0f} MB", *cost,
                     duration(reading) if reading is not None else "—",
                     ratio(r.build.wall_s, r.raw_read.wall_s)])  # fmt: skip
    return _table(header, rows) if rows else ["(ETL not run: --no-etl reused cached warehouses)"]


def summary_table(results: Sequence[QueryResult]) -> list[str]:
    """All queries of one size and filter set together: what a page change costs, roughly."""
    header = ["projects", "filters", "cold: DuckDB", "cold: pandas", "pandas ÷ DuckDB",
              "warm: DuckDB", "warm: pandas", "pandas ÷ DuckDB"]  # fmt: skip
    rows = []
    for (projects, label), group in groupby(results, key=lambda r: (r.projects, r.filters)):
        group = list(group)
        dc, pc, dw, pw = (
            sum(getattr(r, attr) for r in group)
            for attr in ("duckdb_cold", "pandas_cold", "duckdb_warm", "pandas_warm")
        )
        rows.append([f"{projects:,}", label, duration(dc), duration(pc), ratio(pc, dc),
                     duration(dw), duration(pw), ratio(pw, dw)])  # fmt: skip
    return _table(header, rows)


def target_line(results: Sequence[QueryResult], projects: int = TARGET_SIZE) -> list[str]:
    """Issue 8's target, judged on all queries and filter sets together at 1M, cold and
    warm apart (warm is the app's steady state; cold comes after a start or a rebuild)."""
    at_size = [r for r in results if r.projects == projects]
    if not at_size:
        return []

    def verdict(mode: str) -> str:
        times = sum(getattr(r, f"pandas_{mode}") for r in at_size) / sum(
            getattr(r, f"duckdb_{mode}") for r in at_size
        )
        return f"{mode} {times:.2f}× ({'met' if times >= TARGET_RATIO else 'not met'})"

    return [
        f"Issue 8's target, the DuckDB path ≥ {TARGET_RATIO:g}× faster than pandas at "
        f"{projects:,} projects (all queries and filters together): "
        f"**{verdict('warm')}**, **{verdict('cold')}**.",
        "",
    ]


def detail_table(results: Sequence[QueryResult]) -> list[str]:
    header = ["projects", "query (page)", "filters", "rows", "cold: DuckDB", "cold: pandas",
              "×", "warm: DuckDB", "warm: pandas", "×"]  # fmt: skip
    rows = [
        [f"{r.projects:,}", f"{r.case.name} ({r.case.page})", r.filters, f"{r.rows:,}",
         duration(r.duckdb_cold), duration(r.pandas_cold), ratio(r.pandas_cold, r.duckdb_cold),
         duration(r.duckdb_warm), duration(r.pandas_warm), ratio(r.pandas_warm, r.duckdb_warm)]
        for r in results
    ]  # fmt: skip
    return _table(header, rows)


def markdown(
    day: date,
    machine: str,
    args: argparse.Namespace,
    etl: Sequence[EtlResult],
    queries: Sequence[QueryResult],
) -> str:
    command = " ".join(
        ["python -m bench.compare --sizes", *map(str, args.sizes), f"--repeat {args.repeat}"]
        + (["--no-etl"] if args.no_etl else [])
        + (["--aggregates"] if getattr(args, "aggregates", False) else [])
    )
    cases = len({r.case.name for r in queries})
    lines = [
        f"### {day.isoformat()}: `{command}`",
        "",
        f"Machine: {machine}.",
        "",
        "ETL build against DuckDB's raw read of the same CSV files (`count(*)` of "
        "`read_csv` of each file), each a child process: wall and CPU include Python's "
        "start-up and imports; *of which reading* is the raw read alone.",
        "",
        *etl_table(etl),
        "",
        f"Queries: the {cases} queries below together (sum of the medians of "
        f"{args.repeat} runs), the Atlas's DuckDB path against pandas on the same "
        "warehouse's Parquet. Cold: new DuckDB connection attaching the file / pandas "
        "reading the columns it needs from Parquet. Warm: the connection already used for "
        "this query, the filter set's ids kept / every table already in pandas. Results "
        "checked equal; the search index (no query here searches) is not built. "
        + (
            "With no filter, the Atlas reads the build's aggregates (etl.aggregates), as "
            "the pages do (`--aggregates`), while pandas computes from the tables. "
            if getattr(args, "aggregates", False)
            else "With no filter, DuckDB computes from the tables, as pandas does (the "
            "pages read the build's aggregates instead: `--aggregates`). "
        )
        + "pandas ÷ DuckDB > 1: the DuckDB path is faster.",
        "",
        *summary_table(queries),
        "",
        *target_line(queries),
        "Each query:",
        "",
        *detail_table(queries),
    ]
    return "\n".join(lines) + "\n"


def record(text: str, results: Path = RESULTS) -> None:
    """Insert a run's markdown above the marker (the newest run last, before it)."""
    content = results.read_text(encoding="utf-8")
    if MARKER not in content:
        content = content.rstrip("\n") + "\n\n" + MARKER + "\n"
    results.write_text(content.replace(MARKER, text + "\n" + MARKER), encoding="utf-8")
