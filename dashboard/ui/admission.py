"""Graceful under overload (issue 13 item 5): past a number of sessions on this server
process, a new visitor gets a short "busy, retry in a moment" page at once, instead of
a page that hangs behind everyone else's reruns. Sessions already let in keep going; a
waiting page tries again by itself every few seconds and opens as soon as someone
leaves (a closed tab ends its session).

The limit is per process (per replica behind `make serve`): ATLAS_MAX_SESSIONS, default
MAX_SESSIONS; 0 turns it off. Only a real server counts sessions (Streamlit's runtime
knows which are still connected); AppTest runs are never turned away.
"""

from __future__ import annotations

import os
import threading

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.i18n import _

MAX_SESSIONS_ENV = "ATLAS_MAX_SESSIONS"
MAX_SESSIONS = 60  # a room of 50 fits; all clicking at once wait up to ~9 s (bench/RESULTS.md)
RETRY_S = 5

_lock = threading.Lock()
_admitted: set[str] = set()


def max_sessions() -> int:
    """The limit for this process (0: none); a bad value is the default, not a crash."""
    raw = os.environ.get(MAX_SESSIONS_ENV, "").strip()
    try:
        return max(0, int(raw)) if raw else MAX_SESSIONS
    except ValueError:
        return MAX_SESSIONS


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
