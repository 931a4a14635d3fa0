"""The filter sidebar, generated from the filter registry, and the URL it keeps in step.

The link decides once, on a session's first run: `links.parse` (with the URL
migrations) gives the `Filters`, which become the widgets' defaults. From then on the
widgets decide, and every run writes the filters back to the URL as codes. (Streamlit's
own `bind="query-params"` would write each option's display label.) A widget takes the
link's value as its default only while it has no state of its own; "Clear all filters"
sets every widget's state (the way the browser's widgets are updated too).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from dashboard import i18n, inert, links
from dashboard.filters import (
    REGISTRY,
    Choice,
    Filter,
    Filters,
    Search,
    YearRange,
    applying_to,
    describe,
    filters_sentence,
    not_applying,
)
from dashboard.i18n import LANGUAGES, _, pgettext
from dashboard.pages import APP_PARAMS, LANG, PRESENT, PageSpec
from dashboard.ui.data import options

NOTES_KEY = "url_notes"
_FROM_LINK_KEY = "_filters_from_link"  # what the link asked for: the widgets' defaults
FILTERS_KEY = "filters"


def raw_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _widget_value(entry: Filter, value, opts) -> object:
    if isinstance(entry, YearRange):
        return value or (opts.year_min, opts.year_max)
    if isinstance(entry, Choice):
        return [v for v in value if v in opts.values(entry.key)]
    return value


def seed_from_url(page: PageSpec | None) -> None:
    """The link's filters become the widgets' defaults; its notes are kept for the user."""
    params = raw_params()
    filters, notes = links.parse(params, options(), page)
    st.session_state[_FROM_LINK_KEY] = filters
    if notes:
        st.session_state[NOTES_KEY] = notes
    for name in links.unknown_params(params, page):  # noted once; a copied link is clean
        del st.query_params[name]


_RESET_KEY = "_reset_filters"  # set by a change of warehouse: its options differ


def request_filter_reset() -> None:
    """Every filter back to 'no restriction' on the next run, before the widgets are
    drawn (another warehouse: the session's own inventory, or back to the published)."""
    st.session_state[_RESET_KEY] = True


def clear_filters() -> None:
    """Every widget back to 'no restriction' (a callback: runs before the rerun)."""
    apply_filters(Filters())


def apply_filters(filters: Filters) -> None:
    """Every filter widget set to `filters` (in a callback, or before the widgets are
    drawn: a story's step)."""
    opts = options()
    st.session_state[_FROM_LINK_KEY] = filters
    for entry in REGISTRY:
        st.session_state[entry.key] = _widget_value(entry, filters.values(entry.key), opts)


def resend_when_relabelled(param: str, labels: list[str]) -> None:
    """When the options' labels changed since the last run (another language; the Map's
    hold counts that follow the filters), send the choice again so the browser holds
    its new label.

    The browser sends a selectbox's or a multiselect's choice back as the label it
    shows; Streamlit reads it with the previous run's labels, and does not tell the
    browser when only the labels changed. Left alone, the label of two runs ago comes
    back as the value ("All countries (21 projects)", "Afrique") and is dropped, or
    read as a link's unknown code.
    """
    labels_key = f"_{param}_labels"
    if param in st.session_state and st.session_state.get(labels_key, labels) != labels:
        st.session_state[param] = st.session_state[param]
    st.session_state[labels_key] = labels


def _widget(entry: Filter, default, opts) -> object:
    """The sidebar widget of one registry entry, starting at `default` (the link's
    value) unless it has a state already; returns its value as a filter value."""
    # A default beside a state would be ignored (and Streamlit warns of it).
    start = None if entry.key in st.session_state else _widget_value(entry, default, opts)
    if isinstance(entry, Search):
        return (
            st.text_input(
                _(entry.label),
                value=start,
                key=entry.key,
                placeholder=_("e.g. child labour"),
                max_chars=entry.max_chars,
                help=_(entry.description),
            )
            or ""
        ).strip()
    if isinstance(entry, Choice):
        values, labels = opts.shown_choices(entry.key)  # in the language of this run
        resend_when_relabelled(entry.key, [labels[value] for value in values])
        return tuple(
            st.multiselect(
                _(entry.label),
                options=values,
                default=start,
                format_func=lambda value, labels=labels: labels.get(value, value),
                key=entry.key,
                help=_(entry.description),
                placeholder=_("All"),
            )
        )
    years = tuple(
        sorted(
            st.slider(
                _(entry.label),
                min_value=opts.year_min,
                max_value=opts.year_max,
                value=start,
                key=entry.key,
                help=_(entry.description),
            )
        )
    )
    return None if years == (opts.year_min, opts.year_max) else years


def filter_params(filters: Filters) -> dict[str, list[str]]:
    """The URL parameters (codes) of `filters`, for links that keep them."""
    return links.encode(filters, options())


def write_url(filters: Filters) -> None:
    """The filters into the URL as codes; other parameters (the page's) stay."""
    wanted = links.encode(filters, options())
    for entry in REGISTRY:
        values = wanted.get(entry.key)
        if values:
            if st.query_params.get_all(entry.key) != values:
                st.query_params[entry.key] = values
        elif entry.key in st.query_params:
            del st.query_params[entry.key]


def sidebar_filters(page: PageSpec | None = None) -> Filters:
    """Render the shared filters and return the current Filters (also kept in the
    session for the page: `current_filters()`)."""
    if _FROM_LINK_KEY not in st.session_state:  # a session's first run: the link decides
        seed_from_url(page)
    if st.session_state.pop(_RESET_KEY, False):
        clear_filters()
    from_link = st.session_state[_FROM_LINK_KEY]
    opts = options()
    with st.sidebar:
        st.markdown("### " + _("Filters"))
        filters = Filters(**{e.key: _widget(e, from_link.values(e.key), opts) for e in REGISTRY})
        if not filters.is_default():
            st.button(_("Clear all filters"), on_click=clear_filters, width="stretch")
    write_url(filters)
    notes = st.session_state.get(NOTES_KEY)
    if notes:
        with st.container(border=True):
            st.markdown("**" + _("Some of the link's settings were ignored:") + "**")
            for note in notes:
                st.markdown(f"- {inert.markdown(note)}")
            if st.button(_("Dismiss"), key="dismiss_url_notes"):
                st.session_state.pop(NOTES_KEY, None)
                st.rerun()
    st.session_state[FILTERS_KEY] = filters
    return filters


def current_filters() -> Filters:
    return st.session_state.get(FILTERS_KEY, Filters())


def filters_text(filters: Filters, shown: Callable[[str], str] = str) -> str:
    """'Filtered by ILO region: Africa · Years active: 2000–2005', or what 'no filter'
    means. `shown` makes each value safe where the text goes (e.g. inert.markdown)."""
    return filters_sentence(filters, describe(filters, options()), shown)


def filters_markdown(filters: Filters) -> str:
    """filters_text for st.markdown/captions: a search or a topic is text, not markup."""
    return filters_text(filters, inert.markdown)


def filters_caption(filters: Filters) -> None:
    if filters.is_default():
        st.caption(_("Showing everything in the catalogue (no filters)."))
    else:
        st.caption(filters_markdown(filters))


# The records a "does not apply" note speaks of (callers pass one of these), as words
# within a sentence.
NOT_NARROWED = {
    "exchanges": lambda: _("exchanges"),
    "City-to-City exchanges": lambda: pgettext("in a sentence", "City-to-City exchanges"),
}


def not_applying_sentence(filters: Filters, what: str = "exchanges") -> str | None:
    """'Decent Work pillar and Status: do not apply to exchanges — …', generated from
    the registry; None when every chosen filter applies (pure, for tests). `what` is
    one of NOT_NARROWED (in English; shown translated)."""
    ignored = [_(f.label) for f in not_applying(filters, "exchanges")]
    if not ignored:
        return None
    sentence = (
        _(
            "**{filter}: does not apply to {what}** — {what} have no such field, so this "
            "filter does not narrow them. {others} still apply."
        )
        if len(ignored) == 1
        else _(
            "**{filter}: do not apply to {what}** — {what} have no such fields, so these "
            "filters do not narrow them. {others} still apply."
        )
    )
    others = _joined([_(f.label) for f in applying_to("exchanges")])
    return sentence.format(filter=_joined(ignored), what=NOT_NARROWED[what](), others=others)


def _joined(words: list[str]) -> str:
    """'a, b and c' in the interface's language."""
    from babel.lists import format_list

    return format_list(words, locale=i18n.language())


def project_only_filters_note(filters: Filters, what: str = "exchanges") -> None:
    """Names the chosen filters that do not narrow `what` — the same words on every page."""
    sentence = not_applying_sentence(filters, what)
    if sentence:
        st.info(sentence, icon=":material/filter_alt_off:")


# --- language ------------------------------------------------------------------------------

_LANG_WIDGET = "language"  # the chooser's state: a choice made in this session


def browser_language() -> str:
    """The interface language the browser asks for (English when it asks for another)."""
    return i18n.from_locale(st.context.locale)


def requested_language() -> str:
    """The session's choice, else the link's `?lang=`, else the browser's language
    (read before anything is drawn: app.py sets it for the run)."""
    chosen = st.session_state.get(_LANG_WIDGET)
    if chosen in LANGUAGES:
        return chosen
    return i18n.supported(st.query_params.get(LANG.key)) or browser_language()


def language_chooser() -> str:
    """The language chooser (each language named in itself) and the URL kept in step:
    `?lang=` only when the choice differs from the browser's language."""
    current = requested_language()
    with st.sidebar:
        chosen = st.selectbox(
            "Language · Langue · Idioma",  # the same in every language: findable by all
            options=list(LANGUAGES),
            index=list(LANGUAGES).index(current),
            format_func=LANGUAGES.__getitem__,
            key=_LANG_WIDGET,
            placeholder="English · Français · Español",
        )
        if chosen != i18n.DEFAULT_LANGUAGE:  # said once, where the language is chosen
            st.caption(
                _(
                    "Project and exchange titles, summaries and names stay in the "
                    "language of the source, English."
                )
            )
        # The page's language for screen readers and hyphenation (WCAG 3.1.1): Streamlit
        # serves <html lang="en">. `chosen` is one of LANGUAGES' codes, never user text.
        # With it, the tabs' focus kept across reruns (_KEEP_TAB_FOCUS): one element.
        st.html(
            f"<script>document.documentElement.lang = '{chosen}';{_KEEP_TAB_FOCUS}</script>",
            unsafe_allow_javascript=True,
        )
    if chosen != browser_language():
        if st.query_params.get(LANG.key) != chosen:
            st.query_params[LANG.key] = chosen
    elif LANG.key in st.query_params:
        del st.query_params[LANG.key]
    return chosen


# --- focus --------------------------------------------------------------------------------

# A visible keyboard focus on everything that takes it (WCAG 2.4.7): Streamlit marks some
# widgets only by a faint colour change (page links, tabs, download buttons). Dark blue,
# 3:1 or more against white and the pale backgrounds; for :focus-visible only, so a
# mouse click draws no ring.
_FOCUS_CSS = """
<style>
  a:focus-visible, button:focus-visible, [role="tab"]:focus-visible,
  [role="switch"]:focus-visible, input:focus-visible, summary:focus-visible,
  [tabindex]:focus-visible {
    outline: 3px solid #1B4F9C !important;
    outline-offset: 2px !important;
  }
  /* the skip link's target fills the window: its ring drawn inside, not clipped */
  [data-testid="stMain"]:focus-visible { outline-offset: -3px !important; }
</style>
"""


# A chart block's tab keeps the keyboard focus across its rerun. Streamlit (1.67) marks a
# tab disabled while its content is being redrawn, and the browser then drops the focus
# to the page: a keyboard user who opened "Table" found the arrow keys dead until they
# tabbed back (seen in CI under load). A focused tab dropped this way gets the focus back
# once it is enabled again, unless the user has moved on (focus, click) meanwhile; the
# latest dropped tab wins. Sent with the language script (`language_chooser`): a
# <script> in st.html takes an element's room on the page.
_KEEP_TAB_FOCUS = """
if (!window.atlasKeepTabFocus) {
  window.atlasKeepTabFocus = true;
  let pending = null;
  const cancel = () => { if (pending) { pending.disconnect(); pending = null; } };
  document.addEventListener('pointerdown', cancel, true);
  document.addEventListener('focusin', cancel, true);
  document.addEventListener('focusout', (event) => {
    const tab = event.target;
    if (event.relatedTarget || !tab.matches || !tab.matches('[role="tab"]')) return;
    const disabled = () => tab.getAttribute('aria-disabled') === 'true';
    setTimeout(() => {  // a click elsewhere also blurs a tab: only a disabled one waits
      if (!disabled()) return;
      cancel();
      const watch = new MutationObserver(() => {
        if (tab.isConnected && !disabled()) { cancel(); tab.focus({preventScroll: true}); }
      });
      watch.observe(tab, {attributes: true, attributeFilter: ['aria-disabled']});
      pending = watch;
      setTimeout(() => { if (pending === watch) cancel(); }, 30000);
    }, 0);
  }, true);
}
"""


def focus_styles() -> None:
    """The app-wide focus ring (a style only: it takes no room on the page)."""
    st.html(_FOCUS_CSS)


# --- presentation mode ------------------------------------------------------------------

_PRESENTATION_CSS = """
<style>
  html { font-size: 19px; }
  /* No app chrome, but the header keeps the sidebar's arrow: the only way back to the
     filters and out of presentation mode (QA: hiding the header left none). */
  [data-testid="stHeader"] { background: transparent; }
  [data-testid="stHeader"], [data-testid="stToolbar"] { pointer-events: none; }
  [data-testid="stExpandSidebarButton"] { pointer-events: auto; }  /* only it takes clicks */
  [data-testid="stDecoration"], [data-testid="stMainMenu"],
  [data-testid="stToolbarActions"], [data-testid="stAppDeployButton"] {
    display: none;
  }
  .block-container { padding-top: 1.5rem; }
  [data-testid="stMetricValue"] { font-size: 2.2rem; }
</style>
"""


_WAS_PRESENTING = "_was_presenting"  # presentation mode on the session's previous run

# Collapses (WANTED = true) or expands the sidebar with Streamlit's own button, as the
# reader's click would, once its button is there (at most two seconds). Streamlit then
# remembers that click in the browser as the reader's preference; it is forgotten again
# (the stSidebarCollapsed* keys), as is one left by a hand's click before the switch, so
# the atlas opened later starts as its pages say.
_SIDEBAR_SCRIPT = """<script>
(() => {
  const wanted = WANTED, started = performance.now();
  const forget = () => Object.keys(localStorage)
    .filter((key) => key.startsWith("stSidebarCollapsed"))
    .forEach((key) => localStorage.removeItem(key));
  const step = () => {
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const collapsed = sidebar && sidebar.getAttribute("data-collapsed") === "true";
    if (sidebar && collapsed === wanted) { forget(); return; }  // a hand's click too
    const button = document.querySelector(wanted
      ? '[data-testid="stSidebarCollapseButton"] button'
      : '[data-testid="stExpandSidebarButton"]');
    if (button) {
      button.click();
      [0, 300, 1000].forEach((ms) => setTimeout(forget, ms));
      return;
    }
    if (performance.now() - started < 2000) requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})();
</script>"""


def presentation_mode_requested() -> bool:
    """True when the URL asks for presentation mode, or a story plays in it (read before
    the page config: a story's next step opens with the sidebar closed too)."""
    return st.query_params.get(PRESENT.key, "").lower() in ("1", "true") or bool(
        st.session_state.get(PRESENT.key)
    )


def presentation_toggle() -> None:
    """Presentation mode: larger type, no Streamlit chrome, sidebar collapsed on load.

    Its state is in the URL (`?present=true`), so a speaker can bookmark the view.
    """
    with st.sidebar:
        st.divider()
        on = st.toggle(
            _("Presentation mode"),
            key=PRESENT.key,
            bind="query-params",
            help=_(
                "Larger type and no app chrome, for a conference screen. "
                "The sidebar stays available from its arrow."
            ),
        )
    if on:
        st.html(_PRESENTATION_CSS)
    # Streamlit keeps a sidebar the reader opened or closed by hand that way in this
    # browser, whatever the page config says (QA: once reopened during a rehearsal, it
    # no longer closed for the talk). So the switch itself closes it, and opens it again.
    if on != st.session_state.get(_WAS_PRESENTING, False):  # switched (a link, a story)
        wanted = "true" if on else "false"
        with st.sidebar:  # not above the page's title (an element takes a line)
            st.html(_SIDEBAR_SCRIPT.replace("WANTED", wanted), unsafe_allow_javascript=True)
    st.session_state[_WAS_PRESENTING] = on


def base_url() -> str:
    url = st.context.url or "http://localhost:8501"
    match = re.match(r"^(https?://[^/]+)", url)
    return match.group(1) if match else "http://localhost:8501"


def urls(filters: Filters | None = None) -> links.Urls:
    """The link builder for this server, with the current filters (or `filters`); its
    links keep the reader's language when the URL names one."""
    return links.Urls(
        base_url(),
        current_filters() if filters is None else filters,
        options(),
        lang=i18n.supported(st.query_params.get(LANG.key)),
    )


def current_page_params(page: PageSpec | None) -> dict[str, str]:
    """The page's own URL parameters as they are in the URL now, so an export's
    permalink reproduces the exact view."""
    if page is None:
        return {}
    own = page.params + APP_PARAMS  # presentation mode too: the link shows the same view
    return {p.key: st.query_params[p.key] for p in own if p.key in st.query_params}
