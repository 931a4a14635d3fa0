"""Built once, shared by every session: the figures, maps and tables a page builds from
its query results (issue 13, "cheap reruns").

`built(make, *args)` returns `make(*args)` from a process-wide LRU keyed by the
builder, the interface's language (builders translate their labels) and the exact
content of the arguments, so a room that opens the same link builds each chart once and
a rerun whose inputs did not change (a tab, the language toggled back, the same filters
again) builds nothing. Arguments are keyed by value: a DataFrame by the hash of its
pickle (all its cells, index, column names and dtypes; never a sample), so two different
inputs can never share an entry. While one session builds an entry, the others asking
for it wait for it instead of building it too.

Hashing a frame's pickle on every run was a tenth of a page's time (issue 13), and most
frames a page hands a builder are its query results as they came from the shared cache.
`shared_copy(frame)` gives a run its own shallow copy of such a frame and remembers what
the copy is made of (its arrays, axes, names and attrs, by identity): while the copy
still holds exactly those, it has the original's content, whose digest is computed once
and reused. Any change to the copy (a new column, a cell set, the index renamed) replaces
one of them — pandas' copy-on-write copies an array before writing to it — and the copy
is hashed again, as any other frame is. (Writes that bypass copy-on-write — into
`frame.values`, `Series.array` or a NumPy view of them — are not seen: callers must not
make them; the memo's own code never does.) A frame `built` returns is keyed the same way,
by the key of the build that made it: a page's built table handed to another builder
(its summary, its column widths) is not pickled again on every run.

What `built` returns is shared between sessions: callers must not change it in place
(the figure helpers copy: `figures.for_presentation`, `figures.standalone`,
`exports.slide_figure`). Plain Python: no Streamlit here, so the ETL-free layers can
use it and tests can call it directly.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import fields, is_dataclass
from typing import ParamSpec, TypeVar

import numpy as np
import pandas as pd

from dashboard import i18n

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", pd.DataFrame, pd.Series)

MAX_ENTRIES = 512  # a page holds up to ~10 built things; ~50 pages × filters × languages
MAX_RESULTS = 1024  # query results: a page runs up to ~10 queries per filter set


class _Content:
    """The content digest of a frame nobody changes: a cached query result's, computed
    the first time a copy of it is keyed, or a built frame's, its build's key."""

    __slots__ = ("digest",)

    def __init__(self) -> None:
        self.digest: object = None  # its pickle's hash, or the key of the build that made it


_originals: dict[int, tuple[weakref.ref, _Content]] = {}  # id(original) → its content
# id(frame) → (ref, parts, content, what shares its arrays: the original, or a copy)
_copies: dict[int, tuple[weakref.ref, tuple, _Content, object]] = {}


def _parts(frame: pd.DataFrame | pd.Series) -> tuple:
    """What a frame is made of: its axes and arrays (by identity: `_same`), their
    placement, and the names and attrs set on it in place (by value)."""
    manager = frame._mgr
    return (
        tuple(manager.axes),
        tuple(block.values for block in manager.blocks),
        tuple(tuple(block.mgr_locs) for block in manager.blocks),
        tuple(tuple(axis.names) for axis in manager.axes),
        getattr(frame, "name", None) if isinstance(frame, pd.Series) else None,
        dict(frame.attrs),
    )


def _same(now: tuple, then: tuple) -> bool:
    axes, arrays, *values = now
    axes_then, arrays_then, *values_then = then
    return (
        len(axes) == len(axes_then)
        and len(arrays) == len(arrays_then)
        and all(a is b for a, b in zip(axes, axes_then, strict=True))
        and all(a is b for a, b in zip(arrays, arrays_then, strict=True))
        and values == values_then
    )


def _forget(table: dict, ident: int, ref: weakref.ref) -> None:
    entry = table.get(ident)
    if entry is not None and entry[0] is ref:  # not an entry made since for a new object
        table.pop(ident, None)  # (clear() may have emptied the table meanwhile)


def shared_copy(frame: F) -> F:
    """A shallow copy of `frame` for one run, keyed by `frame`'s content without hashing
    it again while the copy is unchanged (see the module's docstring). `frame` must never
    be changed in place: it stands for its content as first seen."""
    ident = id(frame)
    known = _originals.get(ident)
    if known is None or known[0]() is not frame:
        ref = weakref.ref(frame, lambda r, i=ident: _forget(_originals, i, r))
        known = _originals[ident] = (ref, _Content())
    copy = frame.copy(deep=False)
    copy_ident = id(copy)
    ref = weakref.ref(copy, lambda r, i=copy_ident: _forget(_copies, i, r))
    # The original is kept with the copy: were it dropped (the LRU, clear_results), pandas
    # would write into the arrays the copy no longer shares, and its parts would not tell.
    _copies[copy_ident] = (ref, _parts(copy), known[1], frame)
    return copy


def _digest(value: pd.DataFrame | pd.Series | np.ndarray) -> bytes:
    # Its pickle holds every cell, the index, the names and the dtypes: equal bytes,
    # equal frames (and equal frames pickled differently only miss). Six times quicker
    # than pandas' own row hashing on a page's small frames.
    return hashlib.blake2b(pickle.dumps(value, protocol=5), digest_size=20).digest()


def content_key(value: pd.DataFrame | pd.Series | np.ndarray) -> tuple[str, object]:
    """A frame's or array's key by content: its digest, computed once for an unchanged
    `shared_copy`."""
    tracked = _copies.get(id(value))
    if tracked is not None and tracked[0]() is value and _same(_parts(value), tracked[1]):
        content = tracked[2]
        if content.digest is None:
            content.digest = _digest(value)
        return (type(value).__name__, content.digest)
    return (type(value).__name__, _digest(value))


def key_of(value: object) -> object:
    """A hashable key equal for equal values (a frame by its content, not its identity)."""
    if isinstance(value, pd.DataFrame | pd.Series | np.ndarray):
        return content_key(value)
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((key_of(k), key_of(v)) for k, v in value.items())))
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(map(repr, value)) if isinstance(value, set | frozenset) else value
        return (type(value).__name__, tuple(key_of(v) for v in items))
    if is_dataclass(value) and not isinstance(value, type):
        values = tuple(key_of(getattr(value, f.name)) for f in fields(value) if f.compare)
        return (type(value).__qualname__, values)
    hash(value)  # anything else must be hashable as it is (numbers, text, None, enums)
    return (type(value).__qualname__, value)


class _Store:
    """A bounded LRU of results; while one thread makes an entry, the others asking for
    it wait for it. A failure is not kept: the next caller tries again."""

    def __init__(self, max_entries: Callable[[], int]) -> None:
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, Future] = OrderedDict()

    def get(self, key: tuple, make: Callable[[], R]) -> R:
        with self._lock:
            future = self._entries.get(key)
            owner = future is None
            if owner:
                future = self._entries[key] = Future()
                while len(self._entries) > self._max_entries():
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(key)
        if owner:
            try:
                future.set_result(make())
            except BaseException as exc:  # the next caller tries again; this one raises
                with self._lock:
                    if self._entries.get(key) is future:
                        del self._entries[key]
                future.set_exception(exc)
                raise
        return future.result()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_built = _Store(lambda: MAX_ENTRIES)
_results = _Store(lambda: MAX_RESULTS)


def _keyed_by_build(made: R, key: tuple) -> R:
    """Remember the frames `built` made (the result, or the items of a tuple or list it
    returns) as content known by their build's key: handing one to another builder
    (a page's table to `tables.fitted`, a chart's table to its summary) then keys it
    without pickling it. The same key always makes the same content (builders are
    pure), and a frame changed since (callers must not: it is shared) is hashed as any
    other."""
    items = made if isinstance(made, tuple | list) else (made,)
    for position, item in enumerate(items):
        if isinstance(item, pd.DataFrame | pd.Series):
            content = _Content()
            content.digest = ("built", key, position)  # equal exactly when the LRU's keys are
            ident = id(item)
            ref = weakref.ref(item, lambda r, i=ident: _forget(_copies, i, r))
            # A shallow copy kept with it shares its arrays: pandas' copy-on-write then
            # copies an array before a write to either, so a change shows in its parts.
            _copies[ident] = (ref, _parts(item), content, item.copy(deep=False))
    return made


def built(make: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`make(*args, **kwargs)`, built once per distinct input and language and shared
    (see the module's docstring). `make` must be a pure function of its arguments and
    the language."""
    key = (make.__module__, make.__qualname__, i18n.language(), key_of(args), key_of(kwargs))
    return _built.get(key, lambda: _keyed_by_build(make(*args, **kwargs), key))


def result(make: Callable[P, R], *args: P.args) -> R:
    """`make(*args)` once per distinct input, in any language, shared: a query's result
    (dashboard/ui/data.py `load`, whose arguments hold the warehouse's version). Kept
    apart from the built figures, so that neither pushes the other out."""
    return _results.get((make.__module__, make.__qualname__, key_of(args)), lambda: make(*args))


def clear() -> None:
    """Forget every built entry (tests: a test may change what a builder reads). Query
    results stay, as st.cache_resource kept them: they are keyed by the warehouse's
    version, so another warehouse never reads them."""
    _built.clear()
    _originals.clear()
    _copies.clear()


def clear_results() -> None:
    """Forget every query result (a measure of cold queries: tools/page_timings.py)."""
    _results.clear()
