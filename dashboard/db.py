"""The one place that opens the warehouse.

A warehouse *version* is the DuckDB file's path, modification time and size: a rebuilt
warehouse (swapped in atomically by `python -m etl build`) is a new version, opened
afresh on the next query without restarting the app. (The Streamlit layer caches
query results keyed by version: see dashboard/ui/data.py.)
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
_ALIAS = "warehouse"


class _Handle:
    """An in-memory DuckDB with one warehouse version attached read-only.

    Not `duckdb.connect(path)`: DuckDB keeps one database instance per path in a
    process, so after an atomic swap that would keep answering from the old file.
    Each version gets its own instance; `users` counts queries in flight so an evicted
    handle is closed only when its last query has finished.
    """

    def __init__(self, version: WarehouseVersion):
        self.con = duckdb.connect(":memory:")
        path = version.path.replace("'", "''")
        self.con.execute(f"ATTACH '{path}' AS {_ALIAS} (READ_ONLY)")
        self.users = 0
        self.evicted = False


_handles: dict[WarehouseVersion, _Handle] = {}


def _acquire(version: WarehouseVersion) -> _Handle:
    with _lock:
        handle = _handles.get(version)
        if handle is None:
            for old_version, old in list(_handles.items()):
                old.evicted = True
                del _handles[old_version]
                if old.users == 0:
                    old.con.close()
            handle = _handles[version] = _Handle(version)
        handle.users += 1
        return handle


def _release(handle: _Handle) -> None:
    with _lock:
        handle.users -= 1
        if handle.evicted and handle.users == 0:
            handle.con.close()


def run_query(version: WarehouseVersion, sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run one read-only query against the warehouse file of `version`.

    Each call uses its own cursor (DuckDB connections are not shared across threads).
    """
    handle = _acquire(version)
    try:
        with handle.con.cursor() as cursor:
            cursor.execute(f"USE {_ALIAS}")
            return cursor.execute(sql, list(params)).df()
    finally:
        _release(handle)
