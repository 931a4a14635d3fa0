"""The shell app.py runs every page in: which page is running, and the guard that
sends a deep link on a fresh server through app.py (`ensure_shell`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from dashboard.pages import PageSpec

_shell = threading.local()  # per script thread: the page app.py is running, if any
_PAGE_KEY, _ARRIVED_KEY = "_shell_page", "_shell_arrived"


@contextmanager
def shell(page: PageSpec | None) -> Iterator[None]:
    """app.py runs the chosen page inside this; ensure_shell() and current_page() read it."""
    now = page.file if page else None
    st.session_state[_ARRIVED_KEY] = st.session_state.get(_PAGE_KEY, "") != now
    st.session_state[_PAGE_KEY] = now
    with within(page):
        yield


@contextmanager
def within(page: PageSpec | None) -> Iterator[None]:
    """Run a block as part of `page` in this thread: a fragment's rerun (one chart block,
    rerun alone in a new script thread) belongs to the page that drew it."""
    before = getattr(_shell, "page", None), getattr(_shell, "active", False)
    _shell.page, _shell.active = page, True
    try:
        yield
    finally:
        _shell.page, _shell.active = before


def arrived() -> bool:
    """True on the first run of a page after another page (or the session's first run);
    False on the page's reruns (a filter changed, a widget was used)."""
    return st.session_state.get(_ARRIVED_KEY, True)


def current_page() -> PageSpec | None:
    """The page app.py is running (None outside the shell, e.g. in unit tests)."""
    return getattr(_shell, "page", None)


def ensure_shell() -> None:
    """Run every page inside app.py's shell (navigation, page config, filters).

    With a `pages/` folder beside app.py, Streamlit starts in its legacy multipage mode
    until app.py has called st.navigation once in the server process; a deep link such
    as /timeline?region=africa on a fresh server would then run the page alone, without
    the sidebar or the URL's filters. Each page calls this first: run outside app.py's
    shell, it switches the legacy mode off and reruns, so app.py handles the link.

    It asks whether *this* run is inside the shell, not whether the legacy mode is on:
    when many people open a fresh server at once, another session may switch the mode
    off while this run has already started without app.py. (The repository's layout is
    fixed by the product card, so the folder cannot simply be renamed.)
    """
    if getattr(_shell, "active", False):
        return
    try:
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
    except ImportError:  # a future Streamlit without the legacy mode
        pass
    st.rerun()
