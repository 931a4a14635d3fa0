"""Benchmarks side by side, in one run (issue 8, item 5).

For each size of generated inventory (10k, 100k, 1M projects):

1. ETL: `python -m etl build` against DuckDB's raw read of the same CSV files
   (`select count(*) from read_csv(...)`, the floor), each in a child process: wall
   time, CPU time and peak resident memory.
2. Queries: the Atlas's DuckDB path (the real functions of dashboard/queries.py, called
   with a WarehouseVersion as the app calls them) against a pandas baseline computing
   the same answer from the warehouse's Parquet files (bench/baseline.py). Both answers
   are checked equal first. Timed two ways:
   - cold: nothing in the process. DuckDB opens a new connection and attaches the
     warehouse file (what the first query after a rebuild pays), so the filter set's
     project ids are selected anew; pandas reads the columns it needs from Parquet. The
     OS file cache is warm for both.
   - warm: DuckDB reuses the version's connection after the same query ran once (no
     result cache; dashboard.db keeps the filter set's project ids per connection, as
     in the app); pandas has every table in memory already and filters each time.

Prints markdown for bench/RESULTS.md; `--record` inserts it there itself, dated.

Usage: python -m bench.compare [--sizes 10000 100000 1000000] [--repeat 3] [--no-etl]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench import baseline, inventories, report
from bench.cases import CASES, FILTER_SETS, Case, same_answer
from dashboard import db
from dashboard import queries as app_queries
from dashboard.db import WarehouseVersion
from dashboard.filters import Filters
from etl import SCHEMA_VERSION
from etl.warehouse import DUCKDB_FILE, schema_version


@dataclass(frozen=True)
class EtlResult:
    projects: int
    csv_mb: float
    build: inventories.ChildRun | None  # None: reused a cached warehouse (--no-etl)
    raw_read: inventories.ChildRun | None


@dataclass(frozen=True)
class QueryResult:
    projects: int
    case: Case
    filters: str
    rows: int
    duckdb_cold: float
    pandas_cold: float
    duckdb_warm: float
    pandas_warm: float


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


_versions = itertools.count(1)


def warm_version(warehouse: Path) -> WarehouseVersion:
    """The version the app would see: its connection is opened once and kept."""
    path = (warehouse / DUCKDB_FILE).resolve()
    stat = path.stat()
    return WarehouseVersion(str(path), stat.st_mtime_ns, stat.st_size)


def cold_version(warehouse: Path) -> WarehouseVersion:
    """A version never seen before, so dashboard.db opens a new DuckDB and attaches the
    file, exactly as after a rebuild (the previous handle is closed)."""
    v = warm_version(warehouse)
    return WarehouseVersion(v.path, v.mtime_ns + next(_versions), v.size)


@contextmanager
def no_background_index() -> Iterator[None]:
    """Leave out the search index dashboard.db builds in the background a few seconds
    after it opens a warehouse version (1-3 s of CPU at 1M projects).

    No query here searches, and the app builds it once per version; but a cold sample
    opens a new version each time, so the build would run once per sample and land on
    whichever engine happens to be timed next. (It is registered in `db._derived`; a
    version whose registry is empty builds nothing.)
    """
    registry = getattr(db, "_derived", {})
    saved = dict(registry)
    registry.clear()
    try:
        yield
    finally:
        registry.update(saved)


def seconds(fn: Callable[[], object]) -> float:
    gc.collect()  # no collection of the previous run's garbage inside this one
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def etl(projects: int, source: Path, warehouse: Path, *, skip: bool) -> EtlResult:
    """Build the warehouse (timed) and read the CSVs raw (timed), unless skipped and a
    warehouse of this schema is already there."""
    mb = inventories.csv_megabytes(source)
    if skip and schema_version(warehouse) == SCHEMA_VERSION:
        log(f"  reusing {warehouse} (--no-etl)")
        return EtlResult(projects, mb, None, None)
    log(f"  building {projects:,} projects ({mb:.0f} MB of CSV) …")
    built = inventories.build(source, warehouse)
    log(f"  build: {built.wall_s:.1f} s, peak {built.peak_mb:.0f} MB; raw CSV read …")
    raw = inventories.raw_csv_read(source)
    if f"projects.csv: {projects}" not in raw.output:
        raise RuntimeError(f"raw read of {source} did not find {projects} projects:\n{raw.output}")
    return EtlResult(projects, mb, built, raw)


def check(case: Case, f: Filters, warehouse: Path) -> int:
    """Assert both sides agree on this warehouse; return the answer's row count."""
    atlas = case.atlas(cold_version(warehouse), f)
    same_answer(case, atlas, case.pandas(baseline.Tables(warehouse), f))
    return len(atlas)


def time_cold(case: Case, f: Filters, warehouse: Path, repeat: int) -> tuple[float, float]:
    """Median seconds, DuckDB then pandas, both starting from files; runs interleaved
    so background load falls on both alike."""
    duck, pandas = [], []
    for _ in range(repeat):
        duck.append(seconds(lambda: case.atlas(cold_version(warehouse), f)))
        pandas.append(seconds(lambda: case.pandas(baseline.Tables(warehouse), f)))
    return statistics.median(duck), statistics.median(pandas)


def time_warm(
    case: Case, f: Filters, v: WarehouseVersion, tables: baseline.Tables, repeat: int
) -> tuple[float, float]:
    """Median seconds with a used connection (DuckDB) and tables in memory (pandas)."""
    case.atlas(v, f)  # the connection opened and this query's data read once
    duck, pandas = [], []
    for _ in range(repeat):
        duck.append(seconds(lambda: case.atlas(v, f)))
        pandas.append(seconds(lambda: case.pandas(tables, f)))
    return statistics.median(duck), statistics.median(pandas)


def queries(projects: int, warehouse: Path, repeat: int) -> list[QueryResult]:
    """Every case under every filter set: checked, then timed cold and warm."""
    cold: dict[tuple[str, str], tuple[int, float, float]] = {}
    for (label, f), case in itertools.product(FILTER_SETS.items(), CASES):
        rows = check(case, f, warehouse)
        cold[label, case.name] = (rows, *time_cold(case, f, warehouse, repeat))
        log(f"  cold  {case.name} / {label}: {cold[label, case.name][1:]}")
    log("  loading every table into pandas for the warm runs …")
    tables, v = baseline.Tables(warehouse, in_memory=True), warm_version(warehouse)
    results = []
    for (label, f), case in itertools.product(FILTER_SETS.items(), CASES):
        rows, duck_cold, pandas_cold = cold[label, case.name]
        duck_warm, pandas_warm = time_warm(case, f, v, tables, repeat)
        log(f"  warm  {case.name} / {label}: {(duck_warm, pandas_warm)}")
        results.append(
            QueryResult(projects, case, label, rows, duck_cold, pandas_cold, duck_warm, pandas_warm)
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--cache", type=Path, default=inventories.DEFAULT_CACHE)
    parser.add_argument("--no-etl", action="store_true", help="reuse cached warehouses")
    parser.add_argument("--record", action="store_true", help="insert into bench/RESULTS.md")
    parser.add_argument(
        "--aggregates",
        action="store_true",
        help="read the unfiltered answers from the build's aggregates (etl.aggregates), "
        "as the pages do; by default DuckDB computes them from the tables, as pandas does",
    )
    args = parser.parse_args(argv)
    app_queries.USE_AGGREGATES = args.aggregates  # the same work on both sides
    machine = report.machine_line()
    log(machine)
    etl_results, query_results = [], []
    for projects in args.sizes:
        log(f"{projects:,} projects")
        source = inventories.inventory(projects, args.seed, args.cache)
        warehouse = inventories.warehouse_for(source)
        etl_results.append(etl(projects, source, warehouse, skip=args.no_etl))
        with no_background_index():
            query_results += queries(projects, warehouse, args.repeat)
    text = report.markdown(date.today(), machine, args, etl_results, query_results)
    print(text)
    if args.record:
        report.record(text)
        log(f"recorded in {report.RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
