"""The Projects page's download of every matching project: time and peak memory.

    ATLAS_WAREHOUSE=/tmp/w1m /usr/bin/time -v .venv/bin/python bench/projects_export.py csv
    ATLAS_WAREHOUSE=/tmp/w1m .venv/bin/python bench/projects_export.py xlsx --rows 50000

Runs what the page's buttons run when clicked, without Streamlit: CSV and Parquet of
every project (no filter, `--sort` as `?sort=`) streamed from DuckDB a chunk at a time
(`queries.project_rows` → `formatting.projects_download` → `exports.file_bytes`); Excel
of the first `--rows` projects (read first; past EXCEL_PRACTICAL_ROWS too), to see what
an Excel download costs: the time and memory of the workbook alone. The background
build of the search index is turned off, so the peak memory is the export's. Not a test
(timings depend on the machine): results go in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import db, exports, formatting, links, queries  # noqa: E402
from dashboard.filters import Filters  # noqa: E402


def peak_mb() -> float:
    """This process's peak resident memory so far (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("format", choices=["csv", "parquet", "xlsx"])
    parser.add_argument("--sort", default=next(iter(queries.PROJECT_SORTS)))
    parser.add_argument("--rows", type=int, default=10_000, help="xlsx only: how many rows")
    args = parser.parse_args()
    db.WARM_AFTER_S = 1e9  # no search index built beside the export
    version, filters = db.warehouse_version(), Filters()
    link = links.Urls("http://localhost:8501", filters, queries.filter_options(version))
    link = link.project_link()
    if args.format == "xlsx":  # the workbook alone: its rows are read first
        exports.EXCEL_PRACTICAL_ROWS = exports.EXCEL_MAX_ROWS  # measure past the limit
        rows = queries.project_page(version, filters, args.sort, 0, args.rows)
        table = formatting.projects_download(rows, link)
    before = peak_mb()
    started = time.perf_counter()
    if args.format == "xlsx":
        data = exports.xlsx_bytes(table, title="Projects", filters=[], permalink="http://h/")
    else:
        chunks = (
            formatting.projects_download(chunk, link)
            for chunk in queries.project_rows(version, filters, args.sort)
        )
        write = exports.write_csv if args.format == "csv" else exports.write_parquet
        data = exports.file_bytes(write, chunks)
    seconds = time.perf_counter() - started
    print(
        f"{args.format}: {len(data) / 1e6:,.1f} MB in {seconds:.1f} s; "
        f"peak RSS {before:,.0f} MB before, {peak_mb():,.0f} MB after"
    )


if __name__ == "__main__":
    main()
