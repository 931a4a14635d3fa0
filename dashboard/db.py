"""The one place that opens the warehouse.

Queries are cached by (SQL, parameters, warehouse version); the version is the DuckDB
file's modification time and size, so a rebuilt warehouse (swapped in atomically by
`python -m etl build`) is picked up on the next query without restarting the app.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import duckdb
import pandas as pd

from etl.warehouse import DUCKDB_FILE
from etl.warehouse import default_warehouse as warehouse_dir

__all__ = ["DUCKDB_FILE", "WarehouseMissing", "run_query", "warehouse_dir", "warehouse_version"]


class WarehouseMissing(RuntimeError):
    """No warehouse where the app looks; the message says how to build one."""


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


_lock = threading.Lock()
_connections: dict[WarehouseVersion, duckdb.DuckDBPyConnection] = {}


def _connection(version: WarehouseVersion) -> duckdb.DuckDBPyConnection:
    """One read-only connection per warehouse version, so a rebuilt (atomically
    swapped) file is opened afresh. The previous version's connection stays open for
    queries still running on it; older ones are closed."""
    with _lock:
        con = _connections.get(version)
        if con is None:
            while len(_connections) >= 2:
                _connections.pop(next(iter(_connections))).close()
            con = _connections[version] = duckdb.connect(version.path, read_only=True)
        return con


def run_query(version: WarehouseVersion, sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run one read-only query against the warehouse file of `version`.

    Each call uses its own cursor (DuckDB connections are not shared across threads).
    """
    with _connection(version).cursor() as cursor:
        return cursor.execute(sql, list(params)).df()
