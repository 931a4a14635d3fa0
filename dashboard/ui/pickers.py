"""Choosers whose choice lives in the URL as a code or an id (`?project=<id>`,
`?country_focus=BRA`, `?measure=starting`), never as the label they display."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard import i18n, inert, links
from dashboard.formatting import resolve_choice
from dashboard.i18n import N_, _
from dashboard.pages import PageSpec
from dashboard.ui import data
from dashboard.ui.shell import arrived
from dashboard.ui.sidebar import raw_params, resend_when_relabelled
from dashboard.ui.story import PLAYING_KEY

# What a record picker says, for each kind of record (`what`): whole sentences.
RECORD_TEXTS: dict[str, dict[str, str]] = {
    "project": {
        "label": N_("Project details"),
        "unknown": N_("The link names a project “{id}” that is not in the catalogue."),
        "outside": N_(
            "**This project is outside the current filters.** It is shown because the link "
            "names it; the lists above keep only what the filters match."
        ),
    },
    "exchange": {
        "label": N_("Exchange details"),
        "unknown": N_("The link names an exchange “{id}” that is not in the catalogue."),
        "outside": N_(
            "**This exchange is outside the current filters.** It is shown because the link "
            "names it; the lists above keep only what the filters match."
        ),
    },
}


def record_picker(
    *,
    param: str,
    what: str,
    visible: list[str],
    label_of: Callable[[str], str],
    exists: Callable[[str], bool],
    help: str,
) -> str | None:
    """A selectbox of records whose choice lives in the URL as `?<param>=<id>`.
    `what`: "project" or "exchange" (RECORD_TEXTS); `help` is shown as given.

    Not bound with `bind=`: a bound selectbox writes its display label to the URL,
    while these links carry ids. A linked record hidden by the filters is still shown
    (first, marked); an unknown id gets a warning. Returns the chosen id, or None.
    """
    texts = RECORD_TEXTS[what]
    label, unknown_text, outside_text = (texts[k] for k in ("label", "unknown", "outside"))
    requested = st.query_params.get(param)
    shown_key = f"_{param}_shown"  # the record the page last showed from its link
    if arrived():  # from another page: its link is followed again
        st.session_state.pop(shown_key, None)
    st.session_state.pop(LAND_KEY, None)
    options, chosen, outside, unknown = resolve_choice(requested, visible, exists)
    if requested and not unknown and st.session_state.get(shown_key) != requested:
        st.session_state[LAND_KEY] = requested  # record_heading scrolls to this record
        st.session_state[shown_key] = requested
    if unknown:
        st.warning(_(unknown_text).format(id=inert.markdown(requested)))
    if chosen is None:
        return None
    if st.session_state.get(param) not in options or (
        requested in options and st.session_state.get(param) != requested
    ):
        st.session_state[param] = chosen

    def to_url() -> None:
        value = st.session_state.get(param)
        st.session_state[shown_key] = value  # chosen here, below the picker: no scroll
        if value:
            st.query_params[param] = value
        elif param in st.query_params:
            del st.query_params[param]

    shown = i18n.bound(
        lambda rid: (
            _("{record} (outside the current filters)").format(record=label_of(rid))
            if outside and rid == options[0]
            else label_of(rid)
        )
    )
    # Titles stay in English: only the first option's label can change with the language
    resend_when_relabelled(param, [shown(options[0])])
    chosen = st.selectbox(
        _(label),
        options,
        format_func=shown,
        key=param,
        on_change=to_url,
        placeholder=_("Type to search"),
        help=help,
    )
    if outside and chosen == options[0]:
        st.info(_(outside_text), icon=":material/filter_alt_off:")
    return chosen


LAND_KEY = "_land_at_record"
RECORD_ANCHOR = "record"

# Scrolls the record's heading to the top once the page has drawn (the table, charts or
# map above it may still be growing: it follows the heading for a moment, never longer
# than two seconds, and stops if the reader scrolls).
_SCROLL_TO_RECORD = """<script>
(() => {
  const started = performance.now();
  let stopped = false, steady = 0;
  const stop = () => { stopped = true; };
  window.addEventListener("wheel", stop, {once: true});
  window.addEventListener("keydown", stop, {once: true});
  window.addEventListener("touchstart", stop, {once: true});
  const scroller = (node) => {
    for (let p = node.parentElement; p; p = p.parentElement) {
      const scrolls = getComputedStyle(p).overflowY !== "visible";
      if (scrolls && p.scrollHeight > p.clientHeight + 1) return p;
    }
    return document.scrollingElement;
  };
  const step = () => {
    if (stopped || performance.now() - started > 2000) return;
    const heading = document.getElementById("RECORD_ANCHOR");
    if (heading) {
      // the heading a quarter down the screen: the picker and its notes stay in view
      const target = Math.min(220, window.innerHeight * 0.25);
      const off = heading.getBoundingClientRect().top - target;
      if (Math.abs(off) > 2) { scroller(heading).scrollTop += off; steady = 0; }
      else if (++steady > 10) return;
    }
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})();
</script>""".replace("RECORD_ANCHOR", RECORD_ANCHOR)


def record_heading(title: str, record_id: str) -> None:
    """The chosen record's heading. When the page was opened from this record's link (a
    permalink, the Map's list, a follow-up), the page scrolls to it: the reader lands
    at the record, not above a table or a map. (A story's step does not scroll.)"""
    st.header(title, anchor=RECORD_ANCHOR)
    landing = st.session_state.pop(LAND_KEY, None) == record_id
    # Not while a story plays: its player, at the top, is what the room reads, and the
    # presenter's Next and Stop (QA: a City-to-City step scrolled it 3,800 px away).
    if landing and PLAYING_KEY not in st.session_state:
        st.html(_SCROLL_TO_RECORD, unsafe_allow_javascript=True)


def code_picker(
    label: str,
    *,
    page: PageSpec,
    param: str,
    options: list[str],
    format_func: Callable[[str], str],
    widget: Callable[..., Any] = st.selectbox,
    help: str | None = None,
    **widget_args: Any,
) -> tuple[str, str | None]:
    """A chooser (a selectbox, or e.g. st.segmented_control) whose choice lives in the
    URL as its code (`?country_focus=BRA`, `?measure=starting`). `param` must be one
    the page declares (dashboard/pages.py).

    `options[0]` is the default and stays out of the URL. On the page's first run the
    link decides, after the URL migrations (an older link's label becomes its code).
    Code may set `st.session_state[param]` (a map click's callback does); the URL follows.

    Returns (the chosen option, what was dropped): a link's value that is no option, or
    the previous choice when the filters removed it from the options; else None.
    """
    page.param(param)  # raises for an undeclared parameter
    dropped = None
    if param not in st.session_state:  # first run on this page: read the link
        raw = links.page_param_value(page, param, raw_params(), data.options())
        if raw:
            if raw in options:
                st.session_state[param] = raw
            else:
                dropped = raw
        st.session_state.setdefault(param, options[0])
    elif st.session_state[param] not in options:
        dropped = st.session_state[param]
        st.session_state[param] = options[0]
    format_func = i18n.bound(format_func)
    if widget is st.selectbox:  # Streamlit's own placeholder is English
        widget_args.setdefault("placeholder", _("Type to search"))
    resend_when_relabelled(param, [format_func(option) for option in options])
    chosen = widget(label, options, format_func=format_func, key=param, help=help, **widget_args)
    if chosen is None or chosen == options[0]:
        chosen = options[0]
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != chosen:
        st.query_params[param] = chosen
    return chosen, dropped
