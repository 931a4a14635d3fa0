"""Building blocks of a page: a chart as Chart / Table / Sources / Download (as in
OWID's grapher), downloads that carry the view's filters and link, empty states, the
synthetic-data banner and a record's source section."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import exports, queries, theme
from dashboard.filters import describe
from dashboard.ui.data import load, options
from dashboard.ui.shell import current_page
from dashboard.ui.sidebar import (
    clear_filters,
    current_filters,
    current_page_params,
    filters_text,
    urls,
)

PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "svg", "width": 1920, "height": 1080, "scale": 1},
}


def empty_state(what: str) -> None:
    """A filter with no match says so and offers to clear filters."""
    with st.container(border=True):
        st.markdown(f"**No {what} match the current filters.**")
        st.caption("Remove a filter, widen the year range, or start again.")
        st.button("Clear all filters", on_click=clear_filters, key=f"clear_{what}")


def downloads(
    frame: pd.DataFrame | Callable[[], Iterable[pd.DataFrame]],
    *,
    title: str,
    key: str,
    figure: go.Figure | Callable[[], go.Figure] | None = None,
    rows: int | None = None,
) -> None:
    """CSV + XLSX + Parquet of `frame` (the filtered view); PNG + SVG of `figure`.

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
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "export"
    cols = st.columns(5 if figure is not None else 3)
    for column, label, fmt, write, mime, help_text in (
        (cols[0], "CSV", "csv", exports.write_csv, "text/csv", None),
        (cols[2], "Parquet", "parquet", exports.write_parquet, PARQUET_MIME, PARQUET_HELP),
    ):
        column.download_button(  # written a chunk at a time (exports.file_bytes)
            label,
            data=lambda write=write: exports.file_bytes(write, chunks()),
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
PARQUET_HELP = "Typed columns, for pandas, R, DuckDB or Spark; no row limit"
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
        "Excel",
        data=(
            b""
            if too_big
            else lambda: exports.xlsx_bytes(
                pd.concat(list(chunks()), ignore_index=True),  # at most EXCEL_PRACTICAL_ROWS
                title=title,
                filters=lines,
                permalink=link,
                exported_at=datetime.now(UTC),
                source=source,
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
        st.info(f"**Excel is unavailable for this selection.** {too_big}", icon=":material/table:")


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
                subtitle=subtitle,
                source=source,
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
    figure: go.Figure | Callable[[], go.Figure] | None,
    data: pd.DataFrame,
    sources: str | None = None,
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
        st.markdown(sources or source_line())
        st.caption(
            "Counted from this synthetic warehouse. Empty values mean “not reported”."
            if is_synthetic()
            else "Aggregates from the publication are shown as reported; everything else is "
            "counted from the curated catalogue. Empty values mean “not reported”."
        )
    with download_tab:
        downloads(data, title=title, key=key, figure=figure)


def is_synthetic() -> bool:
    """True when the open warehouse was generated (`etl build --synthetic`)."""
    return load(queries.meta).get("synthetic") == "true"


def source_line(publication: str = theme.SOURCE_LINE) -> str:
    """The source a chart, slide or workbook names (`publication`, in that export's
    wording): never the publication for generated data."""
    return theme.SYNTHETIC_SOURCE_LINE if is_synthetic() else publication


def synthetic_banner() -> None:
    """Synthetic warehouses (benchmarks, tests) say so on every page."""
    if is_synthetic():
        st.warning(
            "**Synthetic data.** This warehouse was generated for benchmarks or tests; "
            "it is not the curated catalogue. Rebuild with `python -m etl build`.",
            icon=":material/science:",
        )


def record_source(record: dict, *, what: str, link: str) -> None:
    """The end of a project's or an exchange's detail: its source, the curator's notes
    and its own link (`link`: built without filters, so it always opens the record)."""
    from dashboard.formatting import md, md_link, text

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
    st.code(link, language=None)
