"""Building blocks of a page: a chart as Chart / Table / Sources / Download (as in
OWID's grapher), downloads that carry the view's filters and link, empty states, the
synthetic-data banner and a record's source section."""

from __future__ import annotations

import re
from collections.abc import Callable
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
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    *,
    title: str,
    key: str,
    figure: go.Figure | Callable[[], go.Figure] | None = None,
    rows: int | None = None,
) -> None:
    """CSV + XLSX + Parquet of `frame` (the filtered view); PNG + SVG of `figure`.

    `frame` and `figure` may be functions, built on download only: a selection larger
    than what the page shows (the Projects table's pages) costs nothing until clicked.
    `rows` must then say how many rows it has: Excel is refused before the click past
    its limits (`exports.excel_problem`).
    """
    if callable(frame) and rows is None:
        raise TypeError("downloads(): `rows` is required when `frame` is a function")
    table = frame if callable(frame) else (lambda: frame)
    rows = len(frame) if isinstance(frame, pd.DataFrame) else int(rows)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "export"
    filters = current_filters()
    lines = describe(filters, options())
    page = current_page()
    link = urls().page(page, **current_page_params(page)) if page else ""
    cols = st.columns(5 if figure is not None else 3)
    cols[0].download_button(
        "CSV",
        data=lambda: exports.csv_bytes(table()),
        file_name=f"{slug}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    cols[2].download_button(
        "Parquet",
        data=lambda: exports.parquet_bytes(table()),
        file_name=f"{slug}.parquet",
        mime="application/vnd.apache.parquet",
        key=f"{key}_parquet",
        icon=":material/download:",
        on_click="ignore",
        help="Typed columns, for pandas, R, DuckDB or Spark; no row limit",
    )
    too_big = exports.excel_problem(rows)
    cols[1].download_button(
        "Excel",
        data=(
            b""
            if too_big
            else lambda: exports.xlsx_bytes(
                table(), title=title, filters=lines, permalink=link, exported_at=datetime.now(UTC)
            )
        ),
        file_name=f"{slug}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
        disabled=bool(too_big),
        help=too_big,
    )
    if too_big:  # said before the click, with the fix
        st.info(f"**Excel is unavailable for this selection.** {too_big}", icon=":material/table:")
    if figure is not None:
        problem = exports.image_export_problem()
        for column, fmt, mime in ((cols[3], "png", "image/png"), (cols[4], "svg", "image/svg+xml")):
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
        downloads(data, title=title, key=key, figure=figure)


def synthetic_banner() -> None:
    """Synthetic warehouses (benchmarks, tests) say so on every page."""
    meta = load(queries.meta)
    if meta.get("synthetic") == "true":
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
