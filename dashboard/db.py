"""The one place that opens the warehouse.

A warehouse *version* is the DuckDB file's path, modification time and size: a rebuilt
warehouse (swapped in atomically by `python -m etl build`) is a new version, opened
afresh on the next query without restarting the app. Several warehouses may be open at
once (a session's uploaded inventory beside the published one, `MAX_OPEN`). (The
Streamlit layer caches query results keyed by version: see dashboard/ui/data.py.)

Two kinds of in-memory tables sit beside each opened version, so that a page's many
queries at a million projects do not each redo the same work:
- *derived* tables (`derive`): built in the background shortly after a version is
  opened (or by the first query naming them, if it comes first), kept while the version
  is open (the search index of dashboard/filters.py);
- *selections*: the projects a filter set keeps (their `project_no`), computed once
  and shared by every query of that filter set (`run_query(..., selection=...)`, the
  SQL naming `SELECTION`); the least recently used are dropped beyond `MAX_SELECTIONS`.

`stream_query` reads a result in chunks of rows (Arrow record batches from DuckDB), for
downloads of a million rows that are never held whole in Python.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from etl.warehouse import DUCKDB_FILE
from etl.warehouse import default_warehouse as warehouse_dir

__all__ = [
    "DUCKDB_FILE",
    "SELECTION",
    "WarehouseMissing",
    "derive",
    "run_query",
    "stream_query",
    "warehouse_dir",
    "warehouse_version",
]


class WarehouseMissing(RuntimeError):
    """No warehouse where the app looks; the message says how to build one."""


@dataclass(frozen=True)
class WarehouseVersion:
    path: str
    mtime_ns: int
    size: int


def warehouse_version(directory: Path | None = None) -> WarehouseVersion:
    """The published warehouse's version, or that of the warehouse in `directory` (an
    inventory a session uploaded)."""
    path = (directory or warehouse_dir()) / DUCKDB_FILE
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
MEMORY = "memory.main"  # the in-memory database each handle's tables live in

# The token a query's SQL uses for the materialised selection it is given.
SELECTION = "__selection__"
MAX_SELECTIONS = 16  # filter sets kept per open version (each at most one number per project)
# Seconds after a version is opened before its derived tables are built in the
# background: the first page's queries have the two cores to themselves (at a million
# projects the search index takes 1-3 s of CPU), and a search typed later finds it ready.
WARM_AFTER_S = 3.0

Selection = tuple[str, tuple]  # SQL selecting the kept rows' key (`no`), and its parameters

# name (in MEMORY) → SQL building it from the warehouse; registered by `derive`.
_derived: dict[str, str] = {}


def derive(tables: Mapping[str, str]) -> None:
    """Register in-memory tables (name → SQL on the warehouse) built the first time a
    query names them as `memory.main.<name>`, once per open version. A table may read
    one registered before it (it is built first)."""
    _derived.update(tables)


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
        self.derive_lock = threading.Lock()  # one derived table built at a time
        self.select_lock = threading.Lock()  # guards `selections` (one built at a time)
        self.derived: set[str] = set()
        self.selections: OrderedDict[str, int] = OrderedDict()  # name → queries using it

    def ensure_derived(self, cursor: duckdb.DuckDBPyConnection, sql: str) -> None:
        """Build the derived tables `sql` names that this version does not have yet."""
        named = {n for n in _derived if f"{MEMORY}.{n}" in sql}
        for name in reversed(list(_derived)):  # and the tables those read (registered first)
            if name in named:
                named |= {n for n in _derived if f"{MEMORY}.{n}" in _derived[name]}
        wanted = [n for n in _derived if n in named and n not in self.derived]  # in order
        if not wanted:
            return
        with self.derive_lock:
            for name in wanted:
                if name not in self.derived:
                    cursor.execute(f"CREATE TABLE {MEMORY}.{name} AS {_derived[name]}")
                    self.derived.add(name)

    def acquire_selection(self, cursor: duckdb.DuckDBPyConnection, selection: Selection) -> str:
        """The table holding `selection`'s rows, built on first use; counted as in use
        until `release_selection`."""
        sql, params = selection
        self.ensure_derived(cursor, sql)
        digest = hashlib.sha1(repr((sql, params)).encode()).hexdigest()[:20]
        name = f"{MEMORY}.selection_{digest}"
        with self.select_lock:
            if name not in self.selections:
                cursor.execute(f"CREATE TABLE {name} AS {sql}", list(params))
                self.selections[name] = 0
                self._evict(cursor)
            self.selections[name] += 1
            self.selections.move_to_end(name)
        return name

    def release_selection(self, name: str) -> None:
        with self.select_lock:
            self.selections[name] -= 1

    def _evict(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Drop the least recently used selections beyond MAX_SELECTIONS (never one in use)."""
        idle = [n for n, users in self.selections.items() if users == 0]
        for name in idle[: max(0, len(self.selections) - MAX_SELECTIONS)]:
            cursor.execute(f"DROP TABLE {name}")
            del self.selections[name]


_handles: dict[WarehouseVersion, _Handle] = {}  # least recently used first
# Warehouses open at once: the published one, and the inventories sessions uploaded
# (dashboard/uploads.py). Beyond that the least recently used is closed (and opened
# again by its next query).
MAX_OPEN = 8


def _evict(version: WarehouseVersion) -> None:
    old = _handles.pop(version)
    old.evicted = True
    if old.users == 0:
        old.con.close()


def _acquire(version: WarehouseVersion) -> _Handle:
    with _lock:
        handle = _handles.pop(version, None)
        if handle is None:
            for stale in [v for v in _handles if v.path == version.path]:  # rebuilt since
                _evict(stale)
            handle = _Handle(version)
            handle.users += 1  # the warm-up's; released when it is done
            warm_up = threading.Timer(WARM_AFTER_S, _warm, args=(handle,))
            warm_up.daemon = True
            warm_up.start()
        _handles[version] = handle  # now the most recently used
        while len(_handles) > MAX_OPEN:
            _evict(next(iter(_handles)))
        handle.users += 1
        return handle


def _warm(handle: _Handle) -> None:
    """Build the derived tables of an opened version in the background, so that the
    first search finds its index ready (a query needing one first builds it itself)."""
    if handle.evicted:  # a newer version came first
        _release(handle)
        return
    try:
        with handle.con.cursor() as cursor:
            cursor.execute(f"USE {_ALIAS}")
            handle.ensure_derived(cursor, " ".join(f"{MEMORY}.{name}" for name in _derived))
    except duckdb.Error:
        pass  # a query that needs the table builds it again, or says why it cannot
    finally:
        _release(handle)


def _release(handle: _Handle) -> None:
    with _lock:
        handle.users -= 1
        if handle.evicted and handle.users == 0:
            handle.con.close()


def run_query(
    version: WarehouseVersion,
    sql: str,
    params: tuple = (),
    *,
    selection: Selection | None = None,
) -> pd.DataFrame:
    """Run one read-only query against the warehouse file of `version`.

    With `selection` (SQL returning the kept rows' keys, and its parameters), `SELECTION` in
    `sql` names a table of those keys, computed once per version and shared by every
    query given the same selection. Derived tables `sql` names are built first.
    Each call uses its own cursor (DuckDB connections are not shared across threads).
    """
    handle = _acquire(version)
    try:
        with handle.con.cursor() as cursor:
            cursor.execute(f"USE {_ALIAS}")
            handle.ensure_derived(cursor, sql)
            if selection is None:
                return cursor.execute(sql, list(params)).df()
            name = handle.acquire_selection(cursor, selection)
            try:
                return cursor.execute(sql.replace(SELECTION, name), list(params)).df()
            finally:
                handle.release_selection(name)
    finally:
        _release(handle)


# Arrow → pandas types that do not change with the rows a chunk happens to hold: an
# integer column with a NULL stays an integer (not float), so every chunk of a streamed
# result has the same types (one Parquet schema, "2012" never "2012.0" in a CSV).
_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def stream_query(
    version: WarehouseVersion,
    sql: str,
    params: tuple = (),
    *,
    selection: Selection | None = None,
    rows: int = 50_000,
) -> Iterator[pd.DataFrame]:
    """`run_query`'s result in chunks of at most `rows` rows, read from DuckDB as Arrow
    record batches while they are consumed: a million-row download is never one frame.

    At least one chunk (empty, with the columns) comes even when nothing matches. The
    warehouse handle and the selection stay in use until the chunks are read or the
    generator is closed."""
    handle = _acquire(version)
    try:
        with handle.con.cursor() as cursor:
            cursor.execute(f"USE {_ALIAS}")
            handle.ensure_derived(cursor, sql)
            name = handle.acquire_selection(cursor, selection) if selection else None
            try:
                query = sql.replace(SELECTION, name) if name else sql
                # a relation, not execute(): DuckDB's DB-API result would copy every row
                reader = cursor.sql(query, params=list(params)).to_arrow_reader(rows)
                empty = True
                for batch in reader:
                    empty = False
                    yield batch.to_pandas(types_mapper=_NULLABLE.get)
                if empty:
                    yield reader.schema.empty_table().to_pandas(types_mapper=_NULLABLE.get)
            finally:
                if name:
                    handle.release_selection(name)
    finally:
        _release(handle)
