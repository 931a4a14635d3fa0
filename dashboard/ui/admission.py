"""Graceful under overload (issue 13 item 5): past a number of sessions on this server
process, a new visitor gets a short "busy, retry in a moment" page at once, instead of
a page that hangs behind everyone else's reruns. Sessions already let in keep going; a
waiting page tries again by itself every few seconds and opens as soon as someone
leaves (a closed tab ends its session).

The limit is per process (per replica behind `make serve`): ATLAS_MAX_SESSIONS, default
MAX_SESSIONS; 0 turns it off. Only a real server counts sessions (Streamlit's runtime
knows which are still connected); AppTest runs are never turned away.

Sessions let in take turns: at most RUN_SLOTS page runs at a time (`run_slot`, around
app.py's run; ATLAS_RUN_SLOTS, 0 for no limit). All sessions share one interpreter lock,
so fifty runs at once do not finish sooner than two at a time: they finish later, as
their threads trade the lock and Streamlit's own locks back and forth (bench/RESULTS.md:
14.6 against 12.5 reruns/s, p95 4.0 s against 5.8 s under 50 sessions). A run that
waits SLOT_WAIT_S without a turn goes ahead anyway, and long work that barely needs the
interpreter (an uploaded inventory's build) gives its turn away (`slot_released`), so
one slow run never stalls the room.

Once a served process has run its first pages (the warm-up), what it keeps for good —
modules, Plotly's validators, the shapes: ~200,000 objects — is moved out of the garbage
collector's full passes (`gc.freeze`), and full passes come ten times rarer. Each one
scanned everything again: 100-250 ms with every session waiting, six times in a 50-
session minute.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException

from dashboard.i18n import _
from dashboard.pages import PAGES

RUN_SLOTS_ENV = "ATLAS_RUN_SLOTS"
RUN_SLOTS = 2  # best measured on the 2-core machine (1: about the same; 4 or none: worse)
SLOT_WAIT_S = 10.0  # past this, a run goes ahead without a turn (a stuck run never stalls all)
# The warm-up (tools/warm.py) runs each page once: the heap is settled as it ends, not
# amid the first visitors (a full collection is 100-250 ms with every session waiting).
SETTLE_AFTER_RUNS = len(PAGES)
MAX_SESSIONS_ENV = "ATLAS_MAX_SESSIONS"
MAX_SESSIONS = 60  # a room of 50 fits; all clicking at once wait up to ~9 s (bench/RESULTS.md)
RETRY_S = 5

_lock = threading.Lock()
_admitted: set[str] = set()


def _setting(name: str, default: int) -> int:
    """A non-negative whole number from the environment; a bad value is the default, not
    a crash."""
    raw = os.environ.get(name, "").strip()
    try:
        return max(0, int(raw)) if raw else default
    except ValueError:
        return default


def max_sessions() -> int:
    """The limit of sessions for this process (0: none)."""
    return _setting(MAX_SESSIONS_ENV, MAX_SESSIONS)


class _Queue:
    """`limit` turns handed out first come, first served: a freed turn goes to the
    longest waiter, never to a run arriving just then (a semaphore lets newcomers barge
    in, and some runs then waited three times longer than the rest)."""

    def __init__(self, limit: int) -> None:
        self._lock = threading.Lock()
        self.free = limit
        self._waiting: deque[threading.Event] = deque()

    def take(self, timeout: float, first: bool = False) -> bool:
        """True with a turn; False after `timeout` seconds without one. `first`: at the
        front of the line (a run that had a turn a moment ago and goes on)."""
        with self._lock:
            if self.free and (first or not self._waiting):
                self.free -= 1
                return True
            handed = threading.Event()
            if first:
                self._waiting.appendleft(handed)
            else:
                self._waiting.append(handed)
        if handed.wait(timeout):
            return True
        with self._lock:
            if handed.is_set():  # handed over just as the wait ended
                return True
            self._waiting.remove(handed)
            return False

    def give(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self.free += 1


class _Turns:
    """At most ATLAS_RUN_SLOTS runs at a time (0: no limit), read when first needed."""

    def __init__(self) -> None:
        self._queue: _Queue | None = None
        self._limit: int | None = None
        self._held = threading.local()  # this thread's run holds a turn
        self._setup = threading.Lock()

    def queue(self) -> _Queue | None:
        with self._setup:
            if self._limit is None:
                self._limit = _setting(RUN_SLOTS_ENV, RUN_SLOTS)
                self._queue = _Queue(self._limit) if self._limit else None
        return self._queue

    def _holding(self) -> bool:
        return getattr(self._held, "value", False)

    def _take(self, queue: _Queue, first: bool = False) -> None:
        first = first or getattr(self._held, "rerun", False)
        self._held.rerun = False
        self._held.value = queue.take(SLOT_WAIT_S, first=first)

    def _give(self, queue: _Queue) -> None:
        if self._holding():
            self._held.value = False
            queue.give()

    @contextmanager
    def run(self) -> Iterator[None]:
        _count_run()
        queue = self.queue()
        if queue is None or self._holding():  # no limit, or this run's turn already
            yield
            return
        self._take(queue)
        try:
            yield
        except RerunException:
            # st.rerun, a story's next step, a click during the run: Streamlit runs the
            # script again at once in this thread, at the front of the line.
            self._held.rerun = True
            raise
        finally:
            self._give(queue)

    @contextmanager
    def released(self) -> Iterator[None]:
        queue = self.queue()
        if queue is None or not self._holding():
            yield
            return
        self._give(queue)
        yield  # an exception (the run stopped meanwhile) leaves with no turn to give
        self._take(queue, first=True)  # back at the front of the line


_turns = _Turns()
_runs = itertools.count(1)


def _count_run() -> None:
    """Settles the heap once, after a served process's first SETTLE_AFTER_RUNS runs."""
    if next(_runs) == SETTLE_AFTER_RUNS and _runtime() is not None:
        settle_heap()


def settle_heap() -> None:
    """What the process holds now is kept out of the collector's full passes, and full
    passes come rarer (see the module's docstring). Collected first; what is frozen and
    later dropped (a figure pushed out of the memo) is freed by reference counting, but
    a frozen reference cycle never is: a one-time, bounded amount."""
    gc.collect()
    gc.freeze()
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, 100)  # full passes after 100 middle ones, not 10


def run_slot() -> contextlib.AbstractContextManager[None]:
    """app.py runs each page inside this: it waits for a turn (see the module's
    docstring)."""
    return _turns.run()


def slot_released() -> contextlib.AbstractContextManager[None]:
    """Long work inside a run that barely needs the interpreter (an inventory's build)
    runs inside this: the run's turn goes to the next in line meanwhile."""
    return _turns.released()


def _runtime():
    from streamlit import runtime

    return runtime.get_instance() if runtime.exists() else None


def _let_in(session_id: str, limit: int) -> bool:
    """True when this session is in, or there is room for it (then it is in)."""
    server = _runtime()
    if server is None or limit <= 0:
        return True
    with _lock:
        gone = {sid for sid in _admitted if not server.is_active_session(sid)}
        _admitted.difference_update(gone)
        if session_id in _admitted or len(_admitted) < limit:
            _admitted.add(session_id)
            return True
        return False


def admit() -> None:
    """app.py calls this before drawing anything: a session over the limit sees the
    busy page, which retries by itself, and the run stops there."""
    ctx = get_script_run_ctx()
    if ctx is None or _let_in(ctx.session_id, max_sessions()):
        return
    st.title(_("The atlas is busy"))
    st.info(
        _(
            "Many people are using the atlas on this server right now. This page opens by "
            "itself as soon as there is room — usually within a few seconds — or retry in "
            "a moment."
        ),
        icon=":material/hourglass_top:",
    )
    st.button(_("Retry now"), key="busy_retry")  # a click reruns: admit() asks again
    _wait_for_room(ctx.session_id)
    st.stop()


@st.fragment(run_every=RETRY_S)
def _wait_for_room(session_id: str) -> None:
    """Every RETRY_S seconds: the whole page again as soon as there is room."""
    if _let_in(session_id, max_sessions()):
        st.rerun(scope="app")
