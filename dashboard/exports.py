"""Exports: CSV and XLSX of the data behind a view, PNG/SVG of a chart. Pure functions.

Exports never carry a live formula (etl.formulas): in CSV, text starting with `=`, `+`,
`-`, `@`, tab or CR gets a leading apostrophe; in XLSX every text cell is a string
(risky ones with Excel's quote prefix), so the text is exactly as typed.

An XLSX export carries a second sheet stating the filters, the permalink, the source
citation and the export date, so a file found on a laptop months later explains itself.
What a person reads (the `about` sheet, a slide's source line, a message) is in the
interface's language; the data (sheet and column names, values) is as given.
Chart images are rendered by Plotly's kaleido with Debian's chromium, offline.
"""

from __future__ import annotations

import codecs
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import BinaryIO

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import i18n, inert, theme
from dashboard.figures import standalone
from dashboard.i18n import N_, _
from etl import formulas

SLIDE_WIDTH, SLIDE_HEIGHT = 1920, 1080
# Shown as _(CITATION): the publication's title stays in English in every language.
CITATION = N_(
    "ILO and UCLG, “Localizing the Decent Work Agenda through South-South and City-to-City "
    "Cooperation” (ILO PARDEV / UCLG); catalogue curated in the Local Decent Work Atlas."
)


def _export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO text and nothing lost: NULL stays empty (never 0)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out


CSV_CHUNK_ROWS = 50_000


def _pieces(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """`frame` CSV_CHUNK_ROWS rows at a time (at least one piece: the header)."""
    for start in range(0, max(len(frame), 1), CSV_CHUNK_ROWS):
        yield frame.iloc[start : start + CSV_CHUNK_ROWS]


def _csv_piece(piece: pd.DataFrame, *, header: bool) -> bytes:
    """Rows as CSV text: text a spreadsheet would run as a formula gets a leading
    apostrophe (etl.formulas), and CRLF (RFC 4180): a cell holding a bare CR or LF is
    then always quoted, so no spreadsheet splits it into two rows."""
    safe = formulas.neutralise_frame(_export_frame(piece))
    # column names too: some tables are pivoted, with catalogue text as headers
    safe.columns = [formulas.neutralise(str(c)) for c in safe.columns]
    return safe.to_csv(index=False, header=header, lineterminator="\r\n").encode("utf-8")


def write_csv(chunks: Iterable[pd.DataFrame], out: BinaryIO) -> None:
    """The rows of `chunks` (same columns) as one CSV file: UTF-8 with BOM, so Excel in
    any locale opens accents correctly; the header once. A chunk at a time, at most
    CSV_CHUNK_ROWS rows of it neutralised at once: no copy of the whole selection."""
    out.write(codecs.BOM_UTF8)
    header = True
    for chunk in chunks:
        for piece in _pieces(chunk):
            out.write(_csv_piece(piece, header=header))
            header = False


def write_parquet(chunks: Iterable[pd.DataFrame], out: BinaryIO) -> None:
    """The rows of `chunks` as one Parquet file, a row group per chunk, typed as the
    first chunk is (years stay numbers, missing stays missing)."""
    writer = None
    try:
        for chunk in chunks:
            schema = writer.schema if writer else None
            table = pa.Table.from_pandas(chunk, schema=schema, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(out, table.schema, compression="zstd")
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise ValueError("no chunk to write: a Parquet file needs at least the columns")


def file_bytes(
    write: Callable[[Iterable[pd.DataFrame], BinaryIO], None], chunks: Iterable[pd.DataFrame]
) -> bytes:
    """What `write(chunks, file)` writes, by way of a temporary file on disk: a download
    (which Streamlit holds as bytes) is then in memory once, never as every row and the
    file at the same time (a BytesIO's getvalue() would also be a second copy)."""
    with tempfile.TemporaryFile() as spool:
        write(chunks, spool)
        spool.seek(0)
        return spool.read()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """`frame` as a CSV file (write_csv): BOM, CRLF, no live formula."""
    return file_bytes(write_csv, [frame])


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """The selection as Parquet: typed columns (years stay numbers, missing stays
    missing), for pandas, R, DuckDB or Spark."""
    return file_bytes(write_parquet, [frame])


EXCEL_MAX_ROWS = 1_048_576  # a worksheet's rows, the header included
# The most rows an Excel download is built for. openpyxl makes every cell a Python
# object in the server's memory, holding the GIL (every other session waits): the
# Projects download took 2.7 s and +50 MB at 10,000 rows, 5.7 s and +90 MB at 20,000,
# 13.6 s and +220 MB at 50,000, 28 s and +430 MB at 100,000 (bench/projects_export.py,
# 2-core machine under load 2-4; bench/RESULTS.md), so about 5 min and several GB at a
# million: past Streamlit's 180 s request time-out. CSV opens in Excel just as well.
EXCEL_PRACTICAL_ROWS = 20_000


def excel_problem(rows: int) -> str | None:
    """Why `rows` rows cannot go into an Excel download (with the fix), or None."""
    if rows + 1 > EXCEL_MAX_ROWS:
        return _(
            "Excel holds at most {limit} rows under its header and this selection has "
            "{rows}. Download CSV instead (any size) or Parquet (typed, any size), or narrow "
            "the filters."
        ).format(limit=i18n.number(EXCEL_MAX_ROWS - 1), rows=i18n.number(rows))
    if rows > EXCEL_PRACTICAL_ROWS:
        return _(
            "This selection has {rows} rows, and Excel files are made here for up to "
            "{limit}: the server builds one cell by cell in memory (about 6 s for {example} "
            "rows; a million would take minutes and gigabytes). Download CSV instead (Excel "
            "opens it; any size) or Parquet (typed, any size), or narrow the filters."
        ).format(
            rows=i18n.number(rows),
            limit=i18n.number(EXCEL_PRACTICAL_ROWS),
            example=i18n.number(20_000),
        )
    return None


class TooManyRowsForExcel(ValueError):
    """The frame does not fit in one worksheet; the message says what to do instead."""


def xlsx_bytes(
    frame: pd.DataFrame,
    *,
    title: str,
    filters: Sequence[tuple[str, ...]],
    permalink: str,
    exported_at: datetime | None = None,
    source: str = CITATION,
) -> bytes:
    """Workbook: 'data' (the rows) and 'about' (title, filters, link, source, date).

    `filters` are (filter, value) or (filter, value, what it means) lines
    (`dashboard.filters.describe`). A frame over Excel's row limit is refused
    (`TooManyRowsForExcel`): a truncated sheet would silently lose rows. The `about`
    sheet is written in the interface's language (`source` is shown translated: pass
    CITATION or a translated text); the sheets' names and the data stay as they are."""
    problem = excel_problem(len(frame))
    if problem:
        raise TooManyRowsForExcel(problem)
    exported_at = exported_at or datetime.now(UTC)
    about = [
        (_("Export"), title),
        (_("Exported at (UTC)"), exported_at.strftime("%Y-%m-%d %H:%M")),
        (_("Permalink"), permalink),
        (_("Source"), _(source)),
        (_("Rows"), str(len(frame))),
        ("", ""),
        (_("Filters"), "", _("What the filter keeps")),
        *filters,
        ("", ""),
        (_("Note"), _("Empty cells mean the source does not report the value (never zero).")),
    ]
    about = [(*line, "", "")[:3] for line in about]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _export_frame(frame).to_excel(writer, sheet_name="data", index=False)
        pd.DataFrame(about, columns=[_("item"), _("value"), _("meaning")]).to_excel(
            writer, sheet_name="about", index=False
        )
        for name, width in (("data", 24), ("about", 50)):
            sheet = writer.sheets[name]
            formulas.text_cells(sheet)  # text stays text: never a live formula
            for column in sheet.columns:
                sheet.column_dimensions[column[0].column_letter].width = width
    return buffer.getvalue()


def slide_figure(
    fig: go.Figure, *, title: str, subtitle: str = "", source: str = theme.SOURCE_LINE
) -> go.Figure:
    """A copy of `fig` laid out for a 1920×1080 slide: title, the filters as a subtitle
    (a slide must say what it shows), type readable from the back of a hall, labels
    never cut (margins grow to fit them), and a source line (`source`: shown translated,
    pass theme.SOURCE_LINE or a translated text). It stands alone: without a margin
    kept only to line it up with its page's other charts (figures.standalone)."""
    out = go.Figure(standalone(fig))
    heading = inert.plotly(title) + (
        f"<br><span style='font-size:20px'>{inert.plotly(subtitle)}</span>" if subtitle else ""
    )
    margin = out.layout.margin
    # a legend above the plot sits between the plot and the title: room for both
    legend_above = (out.layout.legend.y or 0) >= 1 and out.layout.showlegend is not False
    out.update_layout(
        title={"text": heading, "x": 0.02, "xanchor": "left", "font": {"size": 30}},
        font={"size": 18, "family": theme.FONT_FAMILY},
        width=SLIDE_WIDTH,
        height=SLIDE_HEIGHT,
        margin={
            "t": max(margin.t or 0, 150 if subtitle else 110) + (90 if legend_above else 0),
            "b": max(margin.b or 0, 120),
            "l": max(margin.l or 0, 90),
            "r": max(margin.r or 0, 40),
        },
        legend={"font": {"size": 18}},
        paper_bgcolor="white",
    )
    out.update_xaxes(automargin=True, tickfont={"size": 17}, title_font={"size": 18})
    out.update_yaxes(automargin=True, tickfont={"size": 17}, title_font={"size": 18})
    out.add_annotation(
        text=_(source),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.1,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 14, "color": "#555555"},
    )
    return out


CHROMIUM_FIX = N_(  # shown as _(CHROMIUM_FIX)
    "Image export draws the chart with a local Chromium, and none was found. Install it "
    "once (as root): `apt-get install -y chromium` — or run `make chromium` — then "
    "reload this page. Until then, the chart's camera icon saves a PNG from the browser."
)


class ImageExportUnavailable(RuntimeError):
    """PNG/SVG export cannot run here; the message says why and how to fix it."""


def _ensure_browser() -> str | None:
    """kaleido drives a local Chrome: point it at Debian's chromium (never a download).
    Returns the browser's path, or None when there is none."""
    configured = os.environ.get("BROWSER_PATH")
    if configured and os.path.exists(configured):
        return configured
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        os.environ["BROWSER_PATH"] = found
    return found


def image_export_problem() -> str | None:
    """Why PNG/SVG export cannot work on this machine (with the fix), or None."""
    return None if _ensure_browser() else _(CHROMIUM_FIX)


def figure_image(
    fig: go.Figure, fmt: str, *, title: str, subtitle: str = "", source: str = theme.SOURCE_LINE
) -> bytes:
    """PNG or SVG bytes of `fig` at slide resolution, with title, filters and source.

    Raises ImageExportUnavailable (never kaleido's advice to download Chrome, which is
    impossible offline) when no local Chromium can draw it.
    """
    if fmt not in ("png", "svg"):
        raise ValueError(fmt)
    problem = image_export_problem()
    if problem:
        raise ImageExportUnavailable(problem)
    slide = slide_figure(fig, title=title, subtitle=subtitle, source=source)
    try:
        return _render(slide.to_dict(), fmt)
    except Exception as exc:  # kaleido/choreographer raise many types for a broken browser
        raise ImageExportUnavailable(
            _("The local Chromium ({browser}) could not draw the image ({error}).").format(
                browser=os.environ.get("BROWSER_PATH"),
                error=f"{type(exc).__name__}: {str(exc)[:200]}",
            )
        ) from exc


# kaleido's page loads MathJax from a CDN unless told not to (and Plotly's to_image has
# no way to say so): no MathJax, so nothing is fetched. plotly.js is the local copy.
KALEIDO_OPTIONS = {"mathjax": False}


# kaleido bounds the drawing (90 s) but not its browser's start and close: once in CI
# (2026-12-03, under load) that waited forever. A render is given this long, then once
# more with a new browser, then the user is told.
RENDER_TIMEOUT_S = 120.0


def _render(figure: dict, fmt: str) -> bytes:
    from kaleido.errors import JavascriptError

    try:
        return _render_bounded(figure, fmt)
    except JavascriptError as exc:
        # kaleido 1.x can read the JavaScript context of the blank tab instead of its
        # page when Chromium is slow to navigate ("kaleido_scopes is not defined"): a
        # race in kaleido's start-up, not in the figure. A new kaleido starts over.
        if "kaleido_scopes is not defined" not in str(exc):
            raise
    except TimeoutError:
        pass  # a browser that never started or never closed: a new one starts over
    return _render_bounded(figure, fmt)


def _render_bounded(figure: dict, fmt: str) -> bytes:
    """kaleido's render in a thread of its own (its own event loop), waited for at most
    RENDER_TIMEOUT_S: a hung browser costs a daemon thread, never a hung page."""
    import asyncio
    import threading

    import kaleido

    opts = {"format": fmt, "width": SLIDE_WIDTH, "height": SLIDE_HEIGHT, "scale": 1}
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            made = kaleido.calc_fig(figure, opts=opts, kopts=dict(KALEIDO_OPTIONS))
            outcome["image"] = asyncio.run(asyncio.wait_for(made, RENDER_TIMEOUT_S))
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="kaleido-render", daemon=True)
    worker.start()
    worker.join(RENDER_TIMEOUT_S + 30)  # the wait above, and the browser's close
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    if "image" not in outcome:
        raise TimeoutError(f"no image from the local Chromium in {RENDER_TIMEOUT_S:.0f} s")
    return outcome["image"]  # type: ignore[return-value]


def csv_zip(tables: dict[str, pd.DataFrame], readme: str) -> bytes:
    """Every table as <name>.csv in one zip, with a README naming source and date."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for name, frame in tables.items():
            archive.writestr(f"{name}.csv", csv_bytes(frame))
    return buffer.getvalue()


def directory_zip(directory, pattern: str = "*") -> bytes:
    """The files of a directory (e.g. the warehouse's parquet/) in one zip."""
    import zipfile
    from pathlib import Path

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in sorted(Path(directory).glob(pattern)):
            archive.write(path, arcname=path.name)
    return buffer.getvalue()
