"""Building blocks of a page: a chart as Chart / Table / Sources / Download (as in
OWID's grapher), downloads that carry the view's filters and link, empty states, the
synthetic-data banner and a record's source section.

Downloads are made on click, in Streamlit's download thread: each one takes the language
of the page that offered it (`later`). File names stay English whatever the language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.basedatatypes import BaseFigure

from dashboard import exports, i18n, queries, theme
from dashboard.figures import for_presentation
from dashboard.filters import describe
from dashboard.i18n import N_, _
from dashboard.pages import PageSpec
from dashboard.ui.data import load, options
from dashboard.ui.shell import current_page, within
from dashboard.ui.sidebar import (
    clear_filters,
    current_filters,
    current_page_params,
    filters_text,
    presentation_mode_requested,
    urls,
)
from dashboard.ui.tables import table as fitted_table

PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "svg", "width": 1920, "height": 1080, "scale": 1},
}


T = TypeVar("T")

# What an empty state says for each `what` a page passes (a whole sentence each).
EMPTY_STATES: dict[str, str] = {
    "projects": N_("**No projects match the current filters.**"),
    "exchanges": N_("**No exchanges match the current filters.**"),
    "projects or exchanges": N_("**No projects or exchanges match the current filters.**"),
}


def empty_state(what: str) -> None:
    """A filter with no match says so and offers to clear filters. `what`: "projects",
    "exchanges" or "projects or exchanges" (also the button's key: never translated)."""
    with st.container(border=True):
        if what in EMPTY_STATES:
            st.markdown(_(EMPTY_STATES[what]))
        else:
            st.markdown(_("**No {what} match the current filters.**").format(what=what))
        st.caption(_("Remove a filter, widen the year range, or start again."))
        st.button(_("Clear all filters"), on_click=clear_filters, key=f"clear_{what}")


def later(make: Callable[[], T]) -> Callable[[], T]:
    """`make`, to be run later (a download's click, in another thread) in the language
    of the page run that offered it."""
    code = i18n.language()

    def run() -> T:
        with i18n.using(code):
            return make()

    return run


def file_stem(title: str) -> str:
    """A download's file name (without extension) from its English title: the same
    file name in every language."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "export"


def downloads(
    frame: pd.DataFrame | Callable[[], Iterable[pd.DataFrame]],
    *,
    title: str,
    key: str,
    figure: go.Figure | Callable[[], go.Figure] | None = None,
    rows: int | None = None,
    file_name: str | None = None,
) -> None:
    """CSV + XLSX + Parquet of `frame` (the filtered view); PNG + SVG of `figure`.

    `title` is English, marked N_ by the caller: it heads the workbook's `about` sheet
    and the images translated, and names the files as it is (or `file_name`, a stem).

    `frame` may be a function giving the rows in chunks (same columns), run on click
    only: a selection larger than the page shows (the Projects table's pages) costs
    nothing until then, and CSV and Parquet stream it to the file a chunk at a time.
    `rows` must then say how many rows it gives: Excel is refused before the click
    past its limits (`exports.excel_problem`). `figure` may be a function too.
    """
    if callable(frame):
        if rows is None:
            raise TypeError("downloads(): `rows` is required when `frame` is a function")
        chunks = frame
    else:
        rows, chunks = len(frame), lambda: [frame]
    slug = file_stem(file_name or title)
    title = _(title)
    cols = st.columns(5 if figure is not None else 3)
    for column, label, fmt, write, mime, help_text in (
        (cols[0], _("CSV"), "csv", exports.write_csv, "text/csv", None),
        (cols[2], _("Parquet"), "parquet", exports.write_parquet, PARQUET_MIME, _(PARQUET_HELP)),
    ):
        column.download_button(  # written a chunk at a time (exports.file_bytes)
            label,
            data=later(lambda write=write: exports.file_bytes(write, chunks())),
            file_name=f"{slug}.{fmt}",
            mime=mime,
            key=f"{key}_{fmt}",
            icon=":material/download:",
            on_click="ignore",
            help=help_text,
        )
    _excel_button(cols[1], chunks, rows, title=title, slug=slug, key=key)
    if figure is not None:
        _image_buttons(cols[3:], figure, title=title, slug=slug, key=key)


PARQUET_MIME = "application/vnd.apache.parquet"
PARQUET_HELP = N_("Typed columns, for pandas, R, DuckDB or Spark; no row limit")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _excel_button(column, chunks, rows: int, *, title: str, slug: str, key: str) -> None:
    """Excel with an `about` sheet (filters, permalink), or — past Excel's limits — a
    disabled button and a note saying why, before the click, with CSV or Parquet instead."""
    too_big = exports.excel_problem(rows)
    filters = current_filters()
    lines = describe(filters, options())
    page = current_page()
    link = urls().page(page, **current_page_params(page)) if page else ""
    source = source_line(publication=exports.CITATION)
    column.download_button(
        _("Excel"),
        data=(
            b""
            if too_big
            else later(  # the `about` sheet in the page's language
                lambda: exports.xlsx_bytes(
                    pd.concat(list(chunks()), ignore_index=True),  # ≤ EXCEL_PRACTICAL_ROWS
                    title=title,
                    filters=lines,
                    permalink=link,
                    exported_at=datetime.now(UTC),
                    source=source,
                )
            )
        ),
        file_name=f"{slug}.xlsx",
        mime=XLSX,
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
        disabled=bool(too_big),
        help=too_big,
    )
    if too_big:  # said before the click, with the fix
        st.info(
            _("**Excel is unavailable for this selection.** {why}").format(why=too_big),
            icon=":material/table:",
        )


def _image_buttons(columns, figure, *, title: str, slug: str, key: str) -> None:
    """PNG and SVG at slide size, or disabled buttons and a note with the fix when no
    local Chromium can draw them (never a traceback)."""
    problem = exports.image_export_problem()
    subtitle = filters_text(current_filters())
    source = source_line()  # now: the image is drawn on click, outside the page's run
    for column, fmt, mime in zip(
        columns, ("png", "svg"), ("image/png", "image/svg+xml"), strict=True
    ):
        if problem:  # say so before the click, with the fix
            column.download_button(
                _(fmt.upper()),
                data=b"",
                file_name=f"{slug}.{fmt}",
                key=f"{key}_{fmt}",
                icon=":material/image:",
                disabled=True,
                help=problem,
            )
            continue
        column.download_button(
            _(fmt.upper()),  # "PNG", "SVG" (marked in IMAGE_FORMATS)
            data=later(  # the figure's labels and the slide's text in the page's language
                lambda fmt=fmt: exports.figure_image(
                    figure() if callable(figure) else figure,
                    fmt,
                    title=title,
                    subtitle=subtitle,
                    source=source,
                )
            ),
            file_name=f"{slug}.{fmt}",
            mime=mime,
            key=f"{key}_{fmt}",
            icon=":material/image:",
            on_click="ignore",
            help=_("1920×1080, with title and source line, for slides"),
        )
    if problem:
        st.info(
            _("**PNG and SVG are unavailable here.** {why}").format(why=problem),
            icon=":material/image:",
        )


IMAGE_FORMATS = (N_("PNG"), N_("SVG"))  # the image buttons' labels


# A chart's four tabs (English, marked for translation). Only the open one is built and
# sent (issue 12 item 13, issue 13): the table, the sources and the download buttons
# cost nothing until a reader opens them.
CHART_TABS = (N_("Chart"), N_("Table"), N_("Sources"), N_("Download"))


def tab_key(key: str) -> str:
    """The session-state key holding which of a chart block's tabs is open (its label
    as shown): tests open a tab by setting it (tests/apptest_support.open_tab)."""
    return f"{key}_tab"


def chart_block(
    *,
    title: str,
    key: str,
    figure: go.Figure | Callable[[], go.Figure] | None,
    data: pd.DataFrame,
    sources: str | None = None,
    render: Callable[[], None] | None = None,
    table: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
    file_name: str | None = None,
    summary: str = "",
    half: bool = False,
) -> None:
    """Every chart as Chart / Table / Sources / Download (as in OWID's grapher). `title`
    is English (marked N_ by the caller): shown translated, it names the files as it is.
    `half`: the block sits in a narrower column (its table is fitted to it). `table`
    (the Table tab's rows as shown; `data` when None) may be a function, run only when
    the tab is open.

    Only the open tab is built. A Plotly block is a fragment, so switching its tabs
    reruns the block alone; a block drawn by `render` (a map, whose clicks change the
    rest of the page) reruns the page."""
    st.subheader(_(title))
    block = _Block(title, key, figure, data, sources, render, table, file_name, summary, half)
    body = _chart_tabs if render is not None else _chart_tabs_fragment
    # A fragment's rerun runs alone in a new script thread: it is told the language and
    # the page of the run that drew it.
    body(block, i18n.language(), current_page())


@dataclass(frozen=True, eq=False)  # holds frames: compared and hashed by identity
class _Block:
    """chart_block's arguments, kept by a fragment for its reruns."""

    title: str
    key: str
    figure: go.Figure | Callable[[], go.Figure] | None
    data: pd.DataFrame
    sources: str | None
    render: Callable[[], None] | None
    table: pd.DataFrame | Callable[[], pd.DataFrame] | None
    file_name: str | None
    summary: str
    half: bool


def _chart_tabs(block: _Block, language: str, page: PageSpec | None) -> None:
    """The block's tabs, only the open one built, in the language and page that drew
    it (also when a Plotly block's fragment reruns alone)."""
    with i18n.using(language), within(page):
        labels = [_(label) for label in CHART_TABS]
        _keep_open_tab_across_languages(tab_key(block.key), labels)
        chart_tab, table_tab, sources_tab, download_tab = st.tabs(
            labels, key=tab_key(block.key), on_change="rerun"
        )
        if chart_tab.open:
            with chart_tab:
                _chart(block)
        if table_tab.open:
            with table_tab:
                shown = block.table() if callable(block.table) else block.table
                fitted_table(shown if shown is not None else block.data, half=block.half)
        if sources_tab.open:
            with sources_tab:
                _sources(block.sources)
        if download_tab.open:
            with download_tab:
                downloads(
                    block.data,
                    title=block.title,
                    key=block.key,
                    figure=block.figure,
                    file_name=block.file_name,
                )


def _chart(block: _Block) -> None:
    if block.render is not None:
        block.render()
    elif isinstance(block.figure, go.Figure):
        figure = block.figure
        shown = for_presentation(figure) if presentation_mode_requested() else figure
        st.plotly_chart(written_once(shown), config=PLOTLY_CONFIG, key=f"{block.key}_chart")
    if block.summary:  # the chart's text alternative (dashboard/figures/summaries.py)
        st.caption(block.summary)


class _WrittenFigure(BaseFigure):
    """What st.plotly_chart reads of a figure: its dict, written once (`written_once`).

    st.plotly_chart asks a Plotly figure for `to_dict()`, a deep copy of the whole figure
    (~4% of the server's time under fifty sessions, py-spy), on every run of every
    session showing it. This shell answers with the dict its figure wrote the first
    time; it is never drawn, changed or shown as a Plotly object (no `__init__`)."""

    def __init__(self) -> None:  # made by written_once only
        raise TypeError("made by written_once()")

    def to_dict(self) -> dict:
        return self._written


def written_once(figure: go.Figure) -> BaseFigure:
    """`figure` as st.plotly_chart reads it, its dict written on the first call and kept
    with it. For a figure that no longer changes: one shared between sessions
    (dashboard/memo.py), or one drawn once."""
    shell = getattr(figure, "_atlas_written", None)
    if shell is None:
        shell = object.__new__(_WrittenFigure)
        shell.__dict__["_written"] = figure.to_dict()
        figure._atlas_written = shell
    return shell


def _sources(sources: str | None) -> None:
    st.markdown(sources or source_line())
    st.caption(
        _("Counted from this synthetic warehouse. Empty values mean “not reported”.")
        if is_synthetic()
        else _(
            "Aggregates from the publication are shown as reported; everything else is "
            "counted from the curated catalogue. Empty values mean “not reported”."
        )
    )


def _keep_open_tab_across_languages(state_key: str, labels: list[str]) -> None:
    """The open tab is kept as its label: after a language change, the same tab in the
    new language (Streamlit would fall back to the first)."""
    stored = st.session_state.get(state_key)
    if stored is None or stored in labels:
        return
    for code in i18n.LANGUAGES:
        with i18n.using(code):
            if stored in (found := [_(label) for label in CHART_TABS]):
                st.session_state[state_key] = labels[found.index(stored)]
                return
    st.session_state.pop(state_key, None)


_chart_tabs_fragment = st.fragment(_chart_tabs)


def is_synthetic() -> bool:
    """True when the open warehouse was generated (`etl build --synthetic`)."""
    return load(queries.meta).get("synthetic") == "true"


def source_line(publication: str = theme.SOURCE_LINE) -> str:
    """The source a chart, slide or workbook names (`publication`, in that export's
    wording), in the interface's language: never the publication for generated data."""
    return _(theme.SYNTHETIC_SOURCE_LINE if is_synthetic() else publication)


def synthetic_banner() -> None:
    """Synthetic warehouses (benchmarks, tests) say so on every page."""
    if is_synthetic():
        st.warning(
            _(
                "**Synthetic data.** This warehouse was generated for benchmarks or tests; "
                "it is not the curated catalogue. Rebuild with `python -m etl build`."
            ),
            icon=":material/science:",
        )


# The heading over a record's own link, for each `what` record_source is given.
RECORD_LINK_HEADINGS: dict[str, str] = {
    "project": N_("#### Link to this project"),
    "exchange": N_("#### Link to this exchange"),
}


def record_source(record: dict, *, what: str, link: str) -> None:
    """The end of a project's or an exchange's detail: its source, the curator's notes
    and its own link (`link`: built without filters, so it always opens the record).
    `what`: "project" or "exchange". The source's text is shown as catalogued."""
    from dashboard.formatting import md, md_link, text

    st.markdown(_("#### Source"))
    st.markdown(md(record.get("source_ref")))
    source_url = text(record.get("source_url"), "")
    if source_url:
        st.markdown(_("Link cited by the source: {link}").format(link=md_link(source_url)))
    notes = text(record.get("notes"), "")
    if notes:
        with st.expander(_("Curator notes (judgement calls made when cataloguing)")):
            st.markdown(md(notes))
    heading = RECORD_LINK_HEADINGS.get(what) or "#### Link to this {what}"
    st.markdown(_(heading).format(what=what))
    # A link, not st.code: st.code's syntax highlighter took 0.5 s of the browser's
    # main thread on every record view (issue 12 item 13); a link is copied as well.
    st.markdown(md_link(link))
