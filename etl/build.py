"""The build pipeline: read → validate → transform → check contract → publish."""

from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from etl.contract import check_contract
from etl.problems import CatalogueError, Report
from etl.reading import read_catalogue
from etl.transform import build_tables
from etl.validate import Catalogue, validate
from etl.warehouse import check_target, publish

DEFAULT_SOURCE = Path("data/catalogue")


def source_digest(source: Path) -> str:
    """SHA-256 over the catalogue file(s), recorded in meta so a build is traceable."""
    digest = hashlib.sha256()
    files = sorted(source.glob("*.csv")) if source.is_dir() else [source]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a batch of work that makes millions of small
    objects (a parsed value per distinct cell) and frees them by reference counting.
    Each collection walks every live object, so at 1M projects the collector alone cost
    about 8 s of a 60 s build, for no memory back (bench/RESULTS.md)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(source: Path) -> tuple[Catalogue, Report]:
    """Read and validate a catalogue without writing anything."""
    report = Report()
    with cycle_collection_paused():
        sheets = read_catalogue(source, report)
        catalogue = validate(sheets, report)
    return catalogue, report


def build(
    source: Path,
    warehouse: Path,
    *,
    synthetic: bool = False,
    progress: Callable[[str], None] = print,
    source_name: str | None = None,
) -> dict:
    """Validate everything first; only a clean catalogue replaces the warehouse.
    `source_name` is recorded in meta as the source (default: the path read)."""
    check_target(warehouse.resolve())
    started = time.perf_counter()

    def step(message: str) -> None:
        progress(f"{message} ({time.perf_counter() - started:.1f} s)")

    with cycle_collection_paused():
        tables = _tables(source, synthetic, step, source_name or str(source))
    step("checking the tables")
    check_contract(tables)
    publish(tables, warehouse, step)
    step("done")
    return tables


def _tables(source: Path, synthetic: bool, step: Callable[[str], None], source_name: str) -> dict:
    """Read, validate and transform: the tables a clean catalogue makes, or CatalogueError."""
    step(f"reading {source}")
    report = Report()
    sheets = read_catalogue(source, report)
    step(f"read {sum(len(s) for s in sheets.values()):,} rows; validating")
    catalogue = validate(sheets, report)
    del sheets  # the validated tables replace them
    if not report.ok:
        raise CatalogueError(report)
    step(
        f"validated {len(catalogue.project_table):,} projects, "
        f"{len(catalogue.locality_table):,} localities, {len(catalogue.exchanges):,} exchanges, "
        f"{len(catalogue.figures):,} reported figures; building the tables"
    )
    # a generated inventory says so itself (etl synth writes `synthetic,true` in about)
    synthetic = synthetic or catalogue.about.get("synthetic", "").strip().lower() == "true"
    tables = build_tables(
        catalogue,
        source=source_name,
        synthetic=synthetic,
        extra_meta={"source_sha256": source_digest(source)},
    )
    del catalogue
    return tables
