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

What `built` returns is shared between sessions: callers must not change it in place
(the figure helpers copy: `figures.for_presentation`, `figures.standalone`,
`exports.slide_figure`). Plain Python: no Streamlit here, so the ETL-free layers can
use it and tests can call it directly.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
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

MAX_ENTRIES = 512  # a page holds up to ~10 built things; ~50 pages × filters × languages

_lock = threading.Lock()
_entries: OrderedDict[tuple, Future] = OrderedDict()


def key_of(value: object) -> object:
    """A hashable key equal for equal values (a frame by its content, not its identity)."""
    if isinstance(value, pd.DataFrame | pd.Series | np.ndarray):
        # Its pickle holds every cell, the index, the names and the dtypes: equal bytes,
        # equal frames (and equal frames pickled differently only miss). Six times
        # quicker than pandas' own row hashing on a page's small frames.
        digest = hashlib.blake2b(pickle.dumps(value, protocol=5), digest_size=20)
        return (type(value).__name__, digest.digest())
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((key_of(k), key_of(v)) for k, v in value.items())))
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(map(repr, value)) if isinstance(value, set | frozenset) else value
        return (type(value).__name__, tuple(key_of(v) for v in items))
    if is_dataclass(value) and not isinstance(value, type):
        values = tuple(key_of(getattr(value, f.name)) for f in fields(value))
        return (type(value).__qualname__, values)
    hash(value)  # anything else must be hashable as it is (numbers, text, None, enums)
    return (type(value).__qualname__, value)


def built(make: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`make(*args, **kwargs)`, built once per distinct input and language and shared
    (see the module's docstring). `make` must be a pure function of its arguments and
    the language."""
    key = (
        make.__module__,
        make.__qualname__,
        i18n.language(),
        key_of(args),
        key_of(kwargs),
    )
    with _lock:
        future = _entries.get(key)
        owner = future is None
        if owner:
            future = _entries[key] = Future()
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
        else:
            _entries.move_to_end(key)
    if owner:
        try:
            future.set_result(make(*args, **kwargs))
        except BaseException as exc:  # the next caller tries again; this one raises
            with _lock:
                if _entries.get(key) is future:
                    del _entries[key]
            future.set_exception(exc)
            raise
    return future.result()


def clear() -> None:
    """Forget every entry (tests)."""
    with _lock:
        _entries.clear()
