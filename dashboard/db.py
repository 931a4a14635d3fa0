"""The one place that opens the warehouse.

Queries are cached by (SQL, parameters, warehouse version); the version is the DuckDB
file's modification time and size, so a rebuilt warehouse (swapped in atomically by
`python -m etl build`) is picked up on the next query without restarting the app.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

DUCKDB_FILE = "atlas.duckdb"


class WarehouseMissing(RuntimeError):
    """No warehouse where the app looks; the message says how to build one."""


def warehouse_dir() -> Path:
    return Path(os.environ.get("ATLAS_WAREHOUSE") or "data/warehouse")


@dataclass(frozen=True)
class WarehouseVersion:
    path: str
    mtime_ns: int
    size: int


def warehouse_version() -> WarehouseVersion:
    path = warehouse_dir() / DUCKDB_FILE
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise WarehouseMissing(
            f"No warehouse at {path}. Build it with: python -m etl build"
            + (f" --warehouse {warehouse_dir()}" if os.environ.get("ATLAS_WAREHOUSE") else "")
        ) from exc
    return WarehouseVersion(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def run_query(version: WarehouseVersion, sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run one read-only query against the warehouse file of `version`."""
    con = duckdb.connect(version.path, read_only=True)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()
