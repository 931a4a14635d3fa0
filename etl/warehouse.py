"""Write the warehouse (DuckDB file + one Parquet file per table) atomically.

The new warehouse is built in a sibling temporary directory and then exchanged with
the old one in a single rename (Linux renameat2 RENAME_EXCHANGE), so readers see
either the old warehouse or the new one, and a killed build leaves the old one as it
was. Leftover temporary directories from a killed build are removed next time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.aggregates import build_aggregates
from etl.relations import check_relations

DUCKDB_FILE = "atlas.duckdb"
PARQUET_DIR = "parquet"
_TMP_PREFIX = ".atlas-build-"
_OLD_PREFIX = ".atlas-old-"


class NotAWarehouse(ValueError):
    """The target exists but is not a warehouse: refuse rather than replace it."""


def default_warehouse() -> Path:
    """$ATLAS_WAREHOUSE when set, else data/warehouse (relative to the working directory)."""
    return Path(os.environ.get("ATLAS_WAREHOUSE") or "data/warehouse")


def schema_version(warehouse: Path) -> str | None:
    """The schema version a warehouse was built with (None: no warehouse, or unreadable)."""
    path = warehouse / DUCKDB_FILE
    if not path.is_file():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            row = con.execute("select value from meta where key = 'schema_version'").fetchone()
        finally:
            con.close()
    except duckdb.Error:
        return None
    return row[0] if row else None


def write_tables(tables: dict, directory: Path, progress: Callable[[str], None]) -> None:
    """Write every table into a fresh DuckDB file and Parquet files under `directory`,
    and the aggregates (etl.aggregates) into the DuckDB file."""
    parquet_dir = directory / PARQUET_DIR
    parquet_dir.mkdir(parents=True)
    con = duckdb.connect(str(directory / DUCKDB_FILE))
    try:
        for name, frame in tables.items():
            progress(f"writing {name} ({len(frame)} rows)")
            # as Arrow: DuckDB scans it without a Python object per value
            con.register("frame_view", pa.Table.from_pandas(frame, preserve_index=False))
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame_view')
            con.unregister("frame_view")
            target = str(parquet_dir / f"{name}.parquet").replace("'", "''")
            con.execute(f"COPY \"{name}\" TO '{target}' (FORMAT parquet)")
        check_relations(con)
        progress("computing the answers for the whole warehouse (etl.aggregates)")
        build_aggregates(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2). False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def check_target(warehouse: Path) -> None:
    """A build may only create a new directory or replace an existing warehouse."""
    if warehouse.exists() and not warehouse.is_dir():
        raise NotAWarehouse(f"{warehouse} is a file, not a warehouse directory")
    if warehouse.is_dir() and any(warehouse.iterdir()) and not (warehouse / DUCKDB_FILE).is_file():
        raise NotAWarehouse(
            f"{warehouse} is not empty and holds no {DUCKDB_FILE}: refusing to replace it; "
            "choose an empty or new directory"
        )


def _clean_leftovers(parent: Path, name: str) -> None:
    """Remove what a killed build of this warehouse left (never another's)."""
    for leftover in parent.glob(f"{_TMP_PREFIX}{name}-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    # Fallback path only: a crash between its two renames leaves the old warehouse here.
    for old in parent.glob(f"{_OLD_PREFIX}{name}-*"):
        if not (parent / name).exists():
            os.rename(old, parent / name)
        else:
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def build_lock(warehouse: Path):
    """One build at a time per warehouse; concurrent builds wait their turn. Not
    re-entrant: inside it, swap with `install(..., lock_held=True)`."""
    warehouse = warehouse.resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.parent / f".{warehouse.name}.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def publish(tables: dict, warehouse: Path, progress: Callable[[str], None] = print) -> None:
    """Build `tables` aside, then swap them in place of `warehouse` in one step."""
    _swap_in(warehouse, lambda staging: write_tables(tables, staging, progress), progress)


def install(
    built: Path,
    warehouse: Path,
    progress: Callable[[str], None] = print,
    *,
    lock_held: bool = False,
) -> None:
    """Copy the warehouse already built in `built` aside, then swap it in place of
    `warehouse` in one step, as `publish` does (a steward's publication, a rollback).
    `lock_held`: the caller holds `build_lock(warehouse)` (it checked the warehouse
    under it, and no build may slip in before the swap)."""
    if not (built / DUCKDB_FILE).is_file():
        raise NotAWarehouse(f"{built} holds no {DUCKDB_FILE}")

    def fill(staging: Path) -> None:
        progress(f"copying {built}")
        shutil.copytree(built, staging, dirs_exist_ok=True)

    _swap_in(warehouse, fill, progress, lock_held=lock_held)


def _swap_in(
    warehouse: Path,
    fill: Callable[[Path], None],
    progress: Callable[[str], None],
    *,
    lock_held: bool = False,
) -> None:
    warehouse = warehouse.resolve()
    check_target(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    if lock_held:
        _swap_in_locked(warehouse, fill, progress)
        return
    with build_lock(warehouse):
        _swap_in_locked(warehouse, fill, progress)


def _swap_in_locked(
    warehouse: Path, fill: Callable[[Path], None], progress: Callable[[str], None]
) -> None:
    _clean_leftovers(warehouse.parent, warehouse.name)
    staging = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{warehouse.name}-", dir=warehouse.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the warehouse is meant to be shared
    try:
        fill(staging)
        progress(f"publishing to {warehouse}")
        if not warehouse.exists():
            os.rename(staging, warehouse)
        elif _exchange(staging, warehouse):
            shutil.rmtree(staging)  # staging now holds the previous warehouse
        else:  # no renameat2: two renames; a crash in between leaves .atlas-old-*
            old = Path(
                tempfile.mkdtemp(prefix=f"{_OLD_PREFIX}{warehouse.name}-", dir=warehouse.parent)
            )
            os.rmdir(old)
            os.rename(warehouse, old)
            os.rename(staging, warehouse)
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
