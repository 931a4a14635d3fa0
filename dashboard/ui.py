"""The Streamlit layer shared by every page: cached data, the filter sidebar, chart
blocks with Chart / Table / Sources / Download, empty states. Pages stay thin."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import exports, inert, queries, theme
from dashboard.db import WarehouseMissing, WarehouseVersion, warehouse_version
from dashboard.state import (
    FACETS,
    PAGE_PARAMS,
    SEARCH_PARAM,
    YEARS_PARAM,
    FilterOptions,
    Filters,
    describe,
    parse_params,
    permalink,
)

PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "svg", "width": 1920, "height": 1080, "scale": 1},
}


# --- data -----------------------------------------------------------------------------


def version() -> WarehouseVersion:
    """The current warehouse; stops the page with build instructions when missing."""
    try:
        return warehouse_version()
    except WarehouseMissing as exc:
        st.error(f"**The warehouse is missing.** {exc}")
        st.code("make run        # builds the warehouse if missing, then serves the app")
        st.stop()
        raise  # unreachable: st.stop() raises


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached(name: str, v: WarehouseVersion, args: tuple) -> object:
    return getattr(queries, name)(v, *args)


def load(name: str, *args) -> pd.DataFrame:
    """queries.<name>(version, *args), cached until the warehouse file changes."""
    return _cached(name, version(), args)


def options() -> FilterOptions:
    return load("filter_options")


# --- filters and the URL ----------------------------------------------------------------


def _raw_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _url_notes(opts: FilterOptions) -> None:
    """Parse the URL before the widgets clean it, and keep the notes for the user."""
    _, notes = parse_params(_raw_params(), opts)
    if notes:
        st.session_state["url_notes"] = notes


def clear_filters() -> None:
    opts = options()
    for facet in FACETS:
        st.session_state[facet.param] = []
    st.session_state[YEARS_PARAM] = (opts.year_min, opts.year_max)
    st.session_state[SEARCH_PARAM] = ""


def sidebar_filters() -> Filters:
    """Render the shared filters (bound to the URL) and return the current Filters."""
    opts = options()
    _url_notes(opts)
    with st.sidebar:
        st.markdown("### Filters")
        q = st.text_input(
            "Search",
            key=SEARCH_PARAM,
            bind="query-params",
            placeholder="title, summary, beneficiaries, partners",
            max_chars=100,
            help="Every word must appear; case and accents are ignored.",
        )
        chosen: dict[str, tuple[str, ...]] = {}
        for facet in FACETS:
            values = st.multiselect(
                facet.label,
                options=list(opts.choices(facet.param)),
                format_func=lambda value, p=facet.param: opts.label(p, value),
                key=facet.param,
                bind="query-params",
                help=facet.help,
                placeholder="All",
            )
            chosen[facet.param] = tuple(values)
        years = st.slider(
            "Years active",
            min_value=opts.year_min,
            max_value=opts.year_max,
            value=(opts.year_min, opts.year_max),
            key=YEARS_PARAM,
            bind="query-params",
            help="Projects active in at least one of these years; exchanges held in them.",
        )
        years = tuple(sorted(years))  # a hand-edited link may give them reversed
        filters = Filters(
            **chosen,
            years=None if years == (opts.year_min, opts.year_max) else years,
            q=q.strip(),
        )
        if not filters.is_default():
            st.button("Clear all filters", on_click=clear_filters, width="stretch")
    notes = st.session_state.get("url_notes")
    if notes:
        with st.container(border=True):
            st.markdown("**Some of the link's settings were ignored:**")
            for note in notes:
                st.markdown(f"- {inert.markdown(note)}")
            if st.button("Dismiss", key="dismiss_url_notes"):
                st.session_state.pop("url_notes", None)
                st.rerun()
    st.session_state["filters"] = filters
    return filters


def current_filters() -> Filters:
    return st.session_state.get("filters", Filters())


def base_url() -> str:
    url = st.context.url or "http://localhost:8501"
    match = re.match(r"^(https?://[^/]+)", url)
    return match.group(1) if match else "http://localhost:8501"


def current_page_params() -> dict[str, str]:
    """The page's own URL parameters (chosen project, timeline options, …) as they are
    in the URL now, so an export's permalink reproduces the exact view."""
    return {k: st.query_params[k] for k in sorted(PAGE_PARAMS) if k in st.query_params}


def page_link(page_path: str, extra: dict[str, str] | None = None) -> str:
    return permalink(base_url(), page_path, current_filters(), extra, options())


def filters_text(filters: Filters, shown: Callable[[str], str] = str) -> str:
    """'Filtered by ILO region: Africa · Years: 2000–2005', or what 'no filter' means.
    `shown` makes each value safe where the text goes (e.g. inert.markdown)."""
    if filters.is_default():
        return "Everything in the catalogue (no filters)"
    active = [
        f"{k}: {shown(v)}"
        for k, v in describe(filters, options())
        if v not in ("all", "none") and not v.endswith("(all)")
    ]
    return "Filtered by " + " · ".join(active)


def filters_markdown(filters: Filters) -> str:
    """filters_text for st.markdown/captions: a search or a topic is text, not markup."""
    return filters_text(filters, inert.markdown)


def filters_caption(filters: Filters) -> None:
    if filters.is_default():
        st.caption("Showing everything in the catalogue (no filters).")
    else:
        st.caption(filters_markdown(filters))


# --- building blocks ------------------------------------------------------------------


def empty_state(what: str) -> None:
    """A filter with no match says so and offers to clear filters."""
    with st.container(border=True):
        st.markdown(f"**No {what} match the current filters.**")
        st.caption("Remove a filter, widen the year range, or start again.")
        st.button("Clear all filters", on_click=clear_filters, key=f"clear_{what}")


def downloads(
    frame: pd.DataFrame,
    *,
    title: str,
    key: str,
    page_path: str,
    figure: go.Figure | Callable[[], go.Figure] | None = None,
) -> None:
    """CSV + XLSX of `frame` (the filtered view); PNG + SVG of `figure` if given.

    `figure` may be a function, so an export-only figure is built on download only.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "export"
    filters = current_filters()
    lines = describe(filters, options())
    link = page_link(page_path, current_page_params())
    cols = st.columns(4 if figure is not None else 2)
    cols[0].download_button(
        "CSV",
        data=lambda: exports.csv_bytes(frame),
        file_name=f"{slug}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    cols[1].download_button(
        "Excel",
        data=lambda: exports.xlsx_bytes(
            frame, title=title, filters=lines, permalink=link, exported_at=datetime.now(UTC)
        ),
        file_name=f"{slug}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
    if figure is not None:
        problem = exports.image_export_problem()
        for column, fmt, mime in ((cols[2], "png", "image/png"), (cols[3], "svg", "image/svg+xml")):
            if problem:  # say so before the click, with the fix (never a traceback)
                column.download_button(
                    fmt.upper(),
                    data=b"",
                    file_name=f"{slug}.{fmt}",
                    key=f"{key}_{fmt}",
                    icon=":material/image:",
                    disabled=True,
                    help=problem,
                )
                continue
            column.download_button(
                fmt.upper(),
                data=lambda fmt=fmt: exports.figure_image(
                    figure() if callable(figure) else figure,
                    fmt,
                    title=title,
                    subtitle=filters_text(filters),
                ),
                file_name=f"{slug}.{fmt}",
                mime=mime,
                key=f"{key}_{fmt}",
                icon=":material/image:",
                on_click="ignore",
                help="1920×1080, with title and source line, for slides",
            )
        if problem:
            st.info(f"**PNG and SVG are unavailable here.** {problem}", icon=":material/image:")


def chart_block(
    *,
    title: str,
    key: str,
    page_path: str,
    figure: go.Figure | Callable[[], go.Figure] | None,
    data: pd.DataFrame,
    sources: str = theme.SOURCE_LINE,
    render: Callable[[], None] | None = None,
    table: pd.DataFrame | None = None,
) -> None:
    """Every chart as Chart / Table / Sources / Download (as in OWID's grapher)."""
    st.subheader(title)
    chart_tab, table_tab, sources_tab, download_tab = st.tabs(
        ["Chart", "Table", "Sources", "Download"]
    )
    with chart_tab:
        if render is not None:
            render()
        elif isinstance(figure, go.Figure):
            st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"{key}_chart")
    with table_tab:
        st.dataframe(table if table is not None else data, hide_index=True, width="stretch")
    with sources_tab:
        st.markdown(sources)
        st.caption(
            "Aggregates from the publication are shown as reported; everything else is "
            "counted from the curated catalogue. Empty values mean “not reported”."
        )
    with download_tab:
        downloads(data, title=title, key=key, page_path=page_path, figure=figure)


def synthetic_banner() -> None:
    """Synthetic warehouses (benchmarks, tests) say so on every page."""
    meta = load("meta")
    if meta.get("synthetic") == "true":
        st.warning(
            "**Synthetic data.** This warehouse was generated for benchmarks or tests; "
            "it is not the curated catalogue. Rebuild with `python -m etl build`.",
            icon=":material/science:",
        )


PRESENT_PARAM = "present"
_PRESENTATION_CSS = """
<style>
  html { font-size: 19px; }
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {
    display: none;
  }
  .block-container { padding-top: 1.5rem; }
  [data-testid="stMetricValue"] { font-size: 2.2rem; }
</style>
"""


def presentation_mode_requested() -> bool:
    """True when the URL asks for presentation mode (read before the page config)."""
    return st.query_params.get(PRESENT_PARAM, "").lower() in ("1", "true")


def presentation_toggle() -> None:
    """Presentation mode: larger type, no Streamlit chrome, sidebar collapsed on load.

    Its state is in the URL (`?present=true`), so a speaker can bookmark the view.
    """
    with st.sidebar:
        st.divider()
        on = st.toggle(
            "Presentation mode",
            key=PRESENT_PARAM,
            bind="query-params",
            help="Larger type and no app chrome, for a conference screen. "
            "The sidebar stays available from its arrow.",
        )
    if on:
        st.html(_PRESENTATION_CSS)


_shell = threading.local()  # per script thread: is app.py running the current page?


@contextmanager
def shell():
    """app.py runs the chosen page inside this; ensure_shell() checks it."""
    _shell.active = True
    try:
        yield
    finally:
        _shell.active = False


def ensure_shell() -> None:
    """Run every page inside app.py's shell (navigation, page config, filters).

    With a `pages/` folder beside app.py, Streamlit starts in its legacy multipage mode
    until app.py has called st.navigation once in the server process; a deep link such
    as /timeline?region=Africa on a fresh server would then run the page alone, without
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

    Not bound with `bind=`: a bound selectbox writes its display label to the URL,
    while these links carry ids. A linked record hidden by the filters is still shown
    (first, marked); an unknown id gets a warning. Returns the chosen id, or None.
    """
    from dashboard.detail import resolve_choice

    requested = st.query_params.get(param)
    options, chosen, outside, unknown = resolve_choice(requested, visible, exists)
    if unknown:
        article = "an" if what[:1] in "aeiou" else "a"
        st.warning(
            f"The link names {article} {what} “{inert.markdown(requested)}” that is not "
            "in the catalogue."
        )
    if chosen is None:
        return None
    if st.session_state.get(param) not in options or (
        requested in options and st.session_state.get(param) != requested
    ):
        st.session_state[param] = chosen

    def to_url() -> None:
        value = st.session_state.get(param)
        if value:
            st.query_params[param] = value
        elif param in st.query_params:
            del st.query_params[param]

    chosen = st.selectbox(
        f"{what.capitalize()} details",
        options,
        format_func=lambda rid: (
            label_of(rid)
            + (" (outside the current filters)" if outside and rid == options[0] else "")
        ),
        key=param,
        on_change=to_url,
        help=help,
    )
    if outside and chosen == options[0]:
        st.info(
            f"**This {what} is outside the current filters.** It is shown because the link "
            f"names it; the lists above keep only what the filters match.",
            icon=":material/filter_alt_off:",
        )
    return chosen


def code_picker(
    label: str,
    *,
    param: str,
    options: list[str],
    format_func: Callable[[str], str],
    resolve: Callable[[str], str | None],
    help: str | None = None,
) -> tuple[str, str | None]:
    """A selectbox whose choice lives in the URL as its code (`?country_focus=BRA`).

    Not bound with `bind=`: a bound selectbox writes its display label to the URL
    ("Brazil (2 projects)"), which changes with the filters. `options[0]` is the default
    and stays out of the URL. On the page's first run the link decides: `resolve` turns
    its value (a code, or an older link's label) into an option. Code may set
    `st.session_state[param]` (a map click's callback does); the URL follows.

    Returns (the chosen option, what was dropped): a link's value that is no option
    (resolved when `resolve` knows it), or the previous choice when the filters removed
    it from the options; else None.
    """
    dropped = None
    if param not in st.session_state:  # first run on this page: read the link
        raw = st.query_params.get(param)
        if raw:
            resolved = resolve(raw)
            if resolved in options:
                st.session_state[param] = resolved
            else:
                dropped = resolved or raw
    elif st.session_state[param] not in options:
        dropped = st.session_state[param]
        st.session_state[param] = options[0]
    chosen = st.selectbox(label, options, format_func=format_func, key=param, help=help)
    if chosen == options[0]:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != chosen:
        st.query_params[param] = chosen
    return chosen, dropped


def project_only_filters_note(filters: Filters, what: str = "exchanges") -> None:
    """Names the chosen filters that do not narrow `what` (exchanges have no pillar,
    beneficiary group, status or record type) — the same words on every page."""
    ignored = [
        f.label
        for f in FACETS
        if f.param in queries.PROJECT_ONLY_FILTERS and filters.values(f.param)
    ]
    if not ignored:
        return
    one = len(ignored) == 1
    names = ignored[0] if one else ", ".join(ignored[:-1]) + " and " + ignored[-1]
    st.info(
        f"**{names}: {'does' if one else 'do'} not apply to {what}** — {what} have no "
        "pillar, beneficiary group, status or record type, so "
        + ("this filter does" if one else "these filters do")
        + " not narrow them. Region, country, topic, years and search still apply.",
        icon=":material/filter_alt_off:",
    )


def record_source(record: dict, *, what: str, page_path: str, param: str, record_id: str) -> None:
    """The end of a project's or an exchange's detail: its source, the curator's notes
    and its own link."""
    from dashboard.detail import md, md_link, text

    st.markdown("#### Source")
    st.markdown(md(record.get("source_ref")))
    source_url = text(record.get("source_url"), "")
    if source_url:
        st.markdown(f"Link cited by the source: {md_link(source_url)}")
    notes = text(record.get("notes"), "")
    if notes:
        with st.expander("Curator notes (judgement calls made when cataloguing)"):
            st.markdown(md(notes))
    st.markdown(f"#### Link to this {what}")
    st.code(permalink(base_url(), page_path, Filters(), {param: record_id}), language=None)
