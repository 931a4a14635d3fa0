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
        filters=[("ILO region", "Africa"), ("Years", "2000–2005")],
        permalink="http://localhost:8501/map?region=Africa",
        exported_at=datetime(2026, 11, 29, 10, 30, tzinfo=UTC),
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["data", "about"]
    rows = list(workbook["data"].iter_rows(values_only=True))
    assert rows[0] == ("country", "count", "start_date")
    assert rows[1][0] == "Côte d'Ivoire" and rows[2][1] is None
    about = dict(workbook["about"].iter_rows(min_row=2, values_only=True))
    assert about["Permalink"] == "http://localhost:8501/map?region=Africa"
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
