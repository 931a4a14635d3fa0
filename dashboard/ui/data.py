"""Reading the warehouse from a page: the current version and cached queries.

`load(queries.projects, filters)` runs a function of dashboard/queries.py, cached until
the warehouse file changes and shared by every session (each run gets its own copy);
its arguments and result keep their types. `on_demand` runs
one later (a download's click), uncached.

The warehouse is the published one, unless this session explores an inventory it
uploaded (dashboard/uploads.py; `session_inventory`): then every page reads that one, and
other sessions keep reading the published atlas.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from dashboard import i18n, memo, queries
from dashboard.db import WarehouseMissing, WarehouseVersion, warehouse_dir, warehouse_version
from dashboard.filters import FilterOptions
from dashboard.i18n import _
from dashboard.uploads import Inventory
from etl import SCHEMA_VERSION

P = ParamSpec("P")
R = TypeVar("R")


INVENTORY_KEY = "inventory"  # the session's uploaded Inventory, while it explores it
INVENTORY_GONE_KEY = "inventory_gone"  # its name, when it was removed (idle too long)


def session_inventory() -> Inventory | None:
    """The inventory this session explores, if any (and if its files still exist)."""
    inventory = st.session_state.get(INVENTORY_KEY)
    if inventory is not None and not inventory.exists:  # swept while idle
        from dashboard.ui.sidebar import request_filter_reset  # (sidebar reads this module)

        st.session_state.pop(INVENTORY_KEY, None)
        st.session_state[INVENTORY_GONE_KEY] = inventory.name
        request_filter_reset()  # the inventory's countries and years are gone with it
        return None
    return inventory


def warehouse_directory() -> Path:
    """The directory of the warehouse this session reads (its inventory's, or the
    published one)."""
    inventory = session_inventory()
    return inventory.warehouse if inventory is not None else warehouse_dir()


# The versions read in this page run, by warehouse directory (None: the published one).
_this_run: ContextVar[dict[Path | None, WarehouseVersion] | None] = ContextVar(
    "atlas_this_run", default=None
)


@contextmanager
def one_run() -> Iterator[None]:
    """app.py's page run: in it, the warehouse's version is read once, not at every
    `load` (asking the file system each time was ~3% of a run under load, issue 13); a
    rebuild finishing mid-run shows on the next run. (A query first run after the swap
    under the old version reads the new files: dashboard/db.py opens a version by its
    path. A run straddling a rebuild did so before too; runs last ~0.1 s.) Outside (a
    fragment's rerun, a test calling a query), each `load` reads it."""
    token = _this_run.set({})
    try:
        yield
    finally:
        _this_run.reset(token)


def _current() -> WarehouseVersion:
    """The current warehouse; stops the page with build instructions when missing."""
    inventory = session_inventory()
    directory = inventory.warehouse if inventory is not None else None
    seen = _this_run.get()
    if seen is not None and directory in seen:
        return seen[directory]
    v = _read_version(directory)
    if seen is not None:
        seen[directory] = v
    return v


def _read_version(directory: Path | None) -> WarehouseVersion:
    if directory is not None:
        return warehouse_version(directory)
    try:
        return warehouse_version()
    except WarehouseMissing as exc:
        st.error(_("**The warehouse is missing.** {why}").format(why=exc))
        st.code(
            "make run        # {}".format(_("builds the warehouse if missing, then serves the app"))
        )
        st.stop()
        raise  # unreachable: st.stop() raises


def version() -> WarehouseVersion:
    """The current warehouse, checked once per run by app.py: stops the page when it is
    missing or was built by another version of the atlas (its columns would not match)."""
    v = _current()
    inventory = session_inventory()
    if inventory is not None:
        inventory.touch()  # in use: not swept
    found = _cached(queries.meta.__name__, v, ()).get("schema_version")
    if found != SCHEMA_VERSION:
        st.error(
            _(
                "**The warehouse was built by another version of the atlas** (schema "
                "{found}; this version reads schema {expected}). Rebuild it from the "
                "catalogue:"
            ).format(found=found, expected=SCHEMA_VERSION)
        )
        st.code(
            "make run        # {}".format(_("rebuilds an outdated warehouse, then serves the app"))
        )
        st.stop()
    return v


def _cached(name: str, v: WarehouseVersion, args: tuple) -> object:
    """`queries.<name>(v, *args)`, kept in the process (dashboard/memo.py `result`:
    st.cache_resource hashed the arguments its own way, ~5% of a run under load)."""
    return memo.result(getattr(queries, name), v, *args)


def _own_copy(value: object) -> object:
    """A cached result, shared by every session, as this run's own. A frame's shallow
    copy costs nothing, and under pandas' copy-on-write changing it never changes the
    cached one (st.cache_data unpickled a copy on every call: ~10% of a rerun under
    load, issue 13); `memo.shared_copy` also spares hashing it again when a builder is
    handed it unchanged. Small containers are copied whole; the filter options, numbers
    and text are never changed, so they are shared."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return memo.shared_copy(value)
    if value is None or isinstance(value, str | int | float | bool | FilterOptions):
        return value
    return copy.deepcopy(value)


def load(query: Callable[Concatenate[WarehouseVersion, P], R], *args: P.args) -> R:
    """`query(version, *args)` — a function of dashboard/queries.py — cached per
    warehouse version and shared between sessions (each run gets its own copy). Cached
    by name: the cache key stays small and stable."""
    if getattr(queries, query.__name__, None) is not query:
        raise ValueError(f"{query!r} is not a function of dashboard.queries")
    return _own_copy(_cached(query.__name__, _current(), args))  # type: ignore[return-value]


def on_demand(
    query: Callable[Concatenate[WarehouseVersion, P], R], *args: P.args
) -> Callable[[], R]:
    """`query(version, *args)` — a function of dashboard/queries.py — run when the
    returned function is called (a download's click, in Streamlit's download thread), on
    the warehouse current then, in the language of the page run that asked for it. Never
    cached: a million streamed rows pass through once instead of staying in the cache."""
    if getattr(queries, query.__name__, None) is not query:
        raise ValueError(f"{query!r} is not a function of dashboard.queries")
    code = i18n.language()
    inventory = session_inventory()
    directory = inventory.warehouse if inventory is not None else None

    def run() -> R:
        with i18n.using(code):
            return query(warehouse_version(directory), *args)

    return run


def options() -> FilterOptions:
    return load(queries.filter_options)
