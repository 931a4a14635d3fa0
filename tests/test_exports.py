"""Exports a user can open: CSV with accents in Excel, XLSX with an 'about' sheet that
states filters, permalink, citation and date, chart images at slide resolution."""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import UTC, datetime

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import exports

FRAME = pd.DataFrame(
    {
        "country": ["Côte d'Ivoire", "Brazil"],
        "count": pd.array([41, None], dtype="Int64"),
        "start_date": pd.to_datetime(["2014-09-24", "2015-01-28"]),
    }
)


def test_csv_has_bom_accents_iso_dates_and_empty_for_not_reported():
    data = exports.csv_bytes(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig").splitlines()
    assert text[0] == "country,count,start_date"
    assert text[1] == "Côte d'Ivoire,41,2014-09-24"
    assert text[2] == "Brazil,,2015-01-28"  # not reported stays empty, never 0


def test_xlsx_states_filters_permalink_source_and_date():
    data = exports.xlsx_bytes(
        FRAME,
        title="Projects per country",
        filters=[
            ("ILO region", "Africa", "Projects with a country in it."),
            ("Years", "2000–2005"),
        ],
        permalink="http://localhost:8501/map?region=africa",
        exported_at=datetime(2026, 11, 29, 10, 30, tzinfo=UTC),
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["data", "about"]
    rows = list(workbook["data"].iter_rows(values_only=True))
    assert rows[0] == ("country", "count", "start_date")
    assert rows[1][0] == "Côte d'Ivoire" and rows[2][1] is None
    rows = list(workbook["about"].iter_rows(min_row=2, values_only=True))
    about = {item: value for item, value, _ in rows}
    assert about["Permalink"] == "http://localhost:8501/map?region=africa"
    meaning = {item: what for item, _, what in rows}
    assert meaning["ILO region"] == "Projects with a country in it."  # what the filter keeps
    assert about["ILO region"] == "Africa"
    assert about["Years"] == "2000–2005"
    assert about["Exported at (UTC)"] == "2026-11-29 10:30"
    assert "Localizing the Decent Work Agenda" in about["Source"]
    assert about["Rows"] == "2"


def test_csv_zip_holds_every_table_and_a_readme():
    data = exports.csv_zip({"projects": FRAME, "meta": FRAME.head(1)}, "readme text")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == ["README.txt", "meta.csv", "projects.csv"]
    assert archive.read("README.txt") == b"readme text"


def test_slide_figure_has_title_source_and_slide_size():
    fig = exports.slide_figure(go.Figure(go.Bar(x=[1], y=[2])), title="My chart")
    assert fig.layout.title.text == "My chart"
    assert (fig.layout.width, fig.layout.height) == (1920, 1080)
    assert any("Source:" in a.text for a in fig.layout.annotations)


@pytest.mark.skipif(
    not shutil.which("chromium"),
    reason="SKIPPED LOUDLY: chromium missing — chart images need Debian chromium "
    "(make test installs it)",
)
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_figure_image_renders_offline_at_slide_resolution(fmt):
    data = exports.figure_image(go.Figure(go.Bar(x=["a"], y=[3])), fmt, title="Exported")
    if fmt == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(data[16:20], "big")
        height = int.from_bytes(data[20:24], "big")
        assert (width, height) == (1920, 1080)
    else:
        text = data.decode("utf-8")
        assert text.lstrip().startswith("<svg") and 'width="1920"' in text
        assert "Exported" in text and "Source:" in text


@pytest.mark.skipif(
    not shutil.which("chromium"),
    reason="SKIPPED LOUDLY: chromium missing — chart images need Debian chromium "
    "(make test installs it)",
)
def test_an_exported_timeline_chart_uses_the_full_width():
    """Issue 12 item 9: the page's per-year chart keeps a 360 px left margin to line its
    years up with the Gantt; its PNG stood alone with a blank strip there. The first
    year's bar now starts near the image's left edge."""
    from PIL import Image

    from dashboard.figures import timeline

    counts = pd.DataFrame(
        {
            "year": [1997, 1998, 2010],
            "pillar": "social_protection",
            "region": "Africa",
            "active": [2, 3, 4],
            "starting": 0,
        }
    )
    fig, _table = timeline.per_year(counts, x_range=timeline.shared_range(counts))
    image = Image.open(io.BytesIO(exports.figure_image(fig, "png", title="Per year")))
    image = image.convert("RGB")
    green = (0x00, 0x9E, 0x73)  # social protection's bars
    columns = [
        x
        for x in range(image.width)
        for y in range(300, image.height - 200, 40)
        if image.getpixel((x, y)) == green
    ]
    assert columns, "no bar drawn"
    assert min(columns) < 0.12 * image.width  # was past 360 px: a blank strip


def test_slide_states_the_filters_and_keeps_room_for_long_labels():
    fig = go.Figure(
        go.Bar(y=["A very long project title on the left axis"], x=[3], orientation="h")
    )
    fig.update_layout(margin={"l": 300, "t": 40})
    slide = exports.slide_figure(fig, title="Spans", subtitle="Filtered by ILO region: Africa")
    assert "Filtered by ILO region: Africa" in slide.layout.title.text
    assert slide.layout.margin.l == 300  # the figure's own room for its labels is kept
    assert slide.layout.yaxis.automargin and slide.layout.xaxis.automargin
    assert slide.layout.yaxis.tickfont.size >= 17  # readable from the back of a hall


# --- no live formula in any export (OWASP CSV injection) --------------------------------

HOSTILE_FRAME = pd.DataFrame(
    {
        "title": [
            '=HYPERLINK("http://evil.example","open")',
            "=cmd|' /C calc'!A0",
            "+41 22 799 61 11",
            "-2+3",
            "@SUM(1+1)",
            "\tTab first",
            "\rCR first",
            "-3.5",  # a plain number written as text: no formula, left as it is
            "Plain title",
        ],
        "value": [1.5, -2.0, 3.0, -4.0, 5.0, 6.0, 7.0, 8.0, -9.25],
    }
)


def _neutralised(text: str) -> bool:
    return not text.startswith(("=", "+", "-", "@", "\t", "\r")) or text == "-3.5"


def _csv_rows(data: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_never_starts_a_text_cell_with_a_formula_character():
    rows = _csv_rows(exports.csv_bytes(HOSTILE_FRAME))
    titles = [r[0] for r in rows[1:]]
    assert all(_neutralised(t) for t in titles), titles
    assert titles[0] == "'" + HOSTILE_FRAME["title"][0]  # the text itself is kept after '
    assert titles[-2:] == ["-3.5", "Plain title"]
    assert [r[1] for r in rows[1:]][:2] == ["1.5", "-2.0"]  # numbers untouched


def test_xlsx_cells_are_strings_as_typed_never_formulas():
    data = exports.xlsx_bytes(
        HOSTILE_FRAME,
        title='=HYPERLINK("http://evil.example")',
        filters=[("Search", "=1+1")],
        permalink="http://localhost:8501/?q=%3D1%2B1",
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), [c.value for c in row]
    data_sheet = workbook["data"]
    titles = [c.value for c in data_sheet["A"][1:]]
    # exactly as typed
    # (openpyxl with lxml keeps a carriage return; without, XML reads it as a line feed)
    assert titles in (
        list(HOSTILE_FRAME["title"]),
        [t.replace("\r", "\n") for t in HOSTILE_FRAME["title"]],
    )
    assert all(c.quotePrefix for c in data_sheet["A"][1:3])  # Excel keeps them text on edit
    assert [c.value for c in data_sheet["B"][1:3]] == [1.5, -2]  # numbers stay numbers
    assert data_sheet["B"][2].data_type == "n"
    about = {row[0]: row[1] for row in workbook["about"].iter_rows(min_row=2, values_only=True)}
    assert about["Export"] == '=HYPERLINK("http://evil.example")' and about["Search"] == "=1+1"
    raw = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw  # no formula element anywhere in the file


def test_csv_zip_neutralises_every_table():
    data = exports.csv_zip({"projects": HOSTILE_FRAME}, "readme")
    rows = _csv_rows(zipfile.ZipFile(io.BytesIO(data)).read("projects.csv"))
    assert all(_neutralised(r[0]) for r in rows[1:])


def _no_chromium(monkeypatch) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(exports.shutil, "which", lambda name: None)


def test_image_export_without_chromium_explains_the_fix_never_download_chrome(monkeypatch):
    _no_chromium(monkeypatch)
    problem = exports.image_export_problem()
    assert problem and "apt-get install -y chromium" in problem
    with pytest.raises(exports.ImageExportUnavailable) as raised:
        exports.figure_image(go.Figure(go.Bar(x=["a"], y=[3])), "png", title="t")
    message = str(raised.value)
    assert "apt-get install -y chromium" in message
    assert "get_chrome" not in message and "Google" not in message


def test_charts_say_why_images_are_unavailable_without_chromium(monkeypatch, atlas_warehouse):
    from apptest_support import open_page, open_tab

    _no_chromium(monkeypatch)
    at = open_tab(open_page(monkeypatch, atlas_warehouse, "pages/overview.py"), "Download")
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert buttons["PNG"].disabled and buttons["SVG"].disabled
    assert buttons["CSV"].disabled is False  # the data exports still work
    assert any("PNG and SVG are unavailable here" in i.value for i in at.info)


def test_image_export_fetches_nothing_from_the_internet():
    """kaleido's page would load MathJax from a CDN; the export turns it off and uses
    plotly.js from the installed package."""
    from kaleido._page_generator import PageGenerator

    page = PageGenerator(mathjax=exports.KALEIDO_OPTIONS["mathjax"]).generate_index()
    assert "http://" not in page and "https://" not in page, page


def test_csv_headers_are_neutralised_too():
    """Pivoted tables use catalogue text (a host city) as column names."""
    frame = pd.DataFrame({'=HYPERLINK("http://evil.example") 2015': ["host"], "Country": ["X"]})
    header = _csv_rows(exports.csv_bytes(frame))[0]
    assert header == ['\'=HYPERLINK("http://evil.example") 2015', "Country"]


def test_excel_refuses_more_rows_than_a_sheet_holds_and_offers_csv(monkeypatch):
    monkeypatch.setattr(exports, "EXCEL_PRACTICAL_ROWS", exports.EXCEL_MAX_ROWS)  # sheet alone
    assert exports.excel_problem(exports.EXCEL_MAX_ROWS - 1) is None  # header + rows fit
    problem = exports.excel_problem(exports.EXCEL_MAX_ROWS)
    assert "1,048,576" in problem and "CSV" in problem and "Parquet" in problem
    big = pd.DataFrame({"n": range(exports.EXCEL_MAX_ROWS)})
    with pytest.raises(exports.TooManyRowsForExcel, match="Download CSV instead"):
        exports.xlsx_bytes(big, title="Big", filters=[], permalink="http://h/")
    assert exports.csv_bytes(big).count(b"\n") == exports.EXCEL_MAX_ROWS + 1  # CSV has no limit


def test_excel_refuses_a_selection_too_large_to_build_and_says_why():
    """A million rows fit in a sheet, but building them took 180 s and 8-9 GB and then
    timed out: refused before the click, with the reason and CSV or Parquet instead."""
    limit = exports.EXCEL_PRACTICAL_ROWS
    assert limit < exports.EXCEL_MAX_ROWS
    assert exports.excel_problem(limit) is None
    for rows in (limit + 1, 1_000_000):
        problem = exports.excel_problem(rows)
        assert problem and f"{rows:,}" in problem and f"{limit:,}" in problem
        assert "memory" in problem and "CSV" in problem and "Parquet" in problem
    with pytest.raises(exports.TooManyRowsForExcel, match="Download CSV instead"):
        exports.xlsx_bytes(
            pd.DataFrame({"n": range(limit + 1)}), title="Big", filters=[], permalink="http://h/"
        )


def test_csv_written_in_chunks_is_the_file_written_at_once(monkeypatch):
    """A million-row export is written 50,000 rows at a time; the file must be the same
    bytes as one written in one go (header once, rows in order, BOM, CRLF)."""
    from etl import formulas

    frame = pd.concat([HOSTILE_FRAME] * 7, ignore_index=True)
    monkeypatch.setattr(exports, "CSV_CHUNK_ROWS", 3)
    whole = formulas.neutralise_frame(frame)
    whole.columns = [formulas.neutralise(str(c)) for c in whole.columns]
    expected = whole.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    assert exports.csv_bytes(frame) == expected
    assert exports.csv_bytes(frame.iloc[:0]) == expected.split(b"\r\n")[0] + b"\r\n"


def test_parquet_export_keeps_types_and_missing_values():
    import io

    import pyarrow.parquet as pq

    frame = pd.DataFrame({"project": ["a", "=b"], "start": pd.array([2001, None], dtype="Int64")})
    back = pq.read_table(io.BytesIO(exports.parquet_bytes(frame))).to_pandas()
    assert back["project"].tolist() == ["a", "=b"]  # typed data: no apostrophe needed
    assert back["start"].iloc[0] == 2001 and pd.isna(back["start"].iloc[1])


def test_a_streamed_csv_is_the_file_of_all_its_chunks_written_at_once(monkeypatch):
    """write_csv takes the rows chunk by chunk (a streamed download) and writes the file
    one frame gives: BOM, header once, CRLF, no live formula."""
    frame = pd.concat([HOSTILE_FRAME] * 5, ignore_index=True)
    monkeypatch.setattr(exports, "CSV_CHUNK_ROWS", 4)
    chunks = [frame.iloc[i : i + 7] for i in range(0, len(frame), 7)]
    streamed = exports.file_bytes(exports.write_csv, iter(chunks))
    assert streamed == exports.csv_bytes(frame)
    assert streamed.startswith(b"\xef\xbb\xbf") and streamed.count(b"\r\n") == len(frame) + 1
    assert all(_neutralised(r[0]) for r in _csv_rows(streamed)[1:])


def test_a_streamed_parquet_keeps_the_types_of_every_chunk():
    import pyarrow.parquet as pq

    first = pd.DataFrame({"title": ["a", "=b"], "end": pd.array([2001, 2002], dtype="Int64")})
    second = pd.DataFrame({"title": ["c"], "end": pd.array([None], dtype="Int64")})
    data = exports.file_bytes(exports.write_parquet, iter([first, second]))
    parquet = pq.ParquetFile(io.BytesIO(data))
    assert parquet.metadata.num_row_groups == 2  # written a chunk at a time
    back = parquet.read().to_pandas()
    assert back["title"].tolist() == ["a", "=b", "c"]
    assert back["end"].tolist()[:2] == [2001, 2002] and pd.isna(back["end"].iloc[2])
    with pytest.raises(ValueError, match="at least the columns"):
        exports.file_bytes(exports.write_parquet, iter([]))


def test_a_download_built_on_click_must_say_how_many_rows_it_has():
    """Without `rows`, Excel's limits cannot be checked before the click (a callable
    `frame` used to count as 0 rows, so Excel was never refused)."""
    from dashboard.ui import blocks

    with pytest.raises(TypeError, match="rows"):
        blocks.downloads(lambda: [HOSTILE_FRAME], title="Projects", key="k")


def test_a_browser_that_never_answers_is_a_message_not_a_hung_page(monkeypatch):
    """kaleido bounds its drawing but not its browser's start or close (a CI run hung
    600 s there): each attempt is cut off, a second one made, then the user told."""
    import asyncio

    import kaleido

    attempts = []

    async def never(*_args, **_kwargs):
        attempts.append(1)
        await asyncio.Event().wait()

    monkeypatch.setattr(exports, "image_export_problem", lambda: None)
    monkeypatch.setattr(kaleido, "calc_fig", never)
    monkeypatch.setattr(exports, "RENDER_TIMEOUT_S", 0.3)
    with pytest.raises(exports.ImageExportUnavailable) as raised:
        exports.figure_image(go.Figure(go.Bar(x=["a"], y=[3])), "png", title="t")
    assert len(attempts) == 2
    assert "could not draw the image" in str(raised.value)
    assert "TimeoutError" in str(raised.value)
