"""Reading a catalogue: every way Excel saves a CSV must give the same rows.

Values arrive stripped, row numbers are the ones a spreadsheet user sees (header is
row 1), and a file that cannot be read says which file and how to fix it.
"""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from etl.formulas import restore
from etl.problems import Report
from etl.reading import read_csv_dir, read_xlsx
from etl.schema import PROJECTS

COLUMNS = PROJECTS.column_names

# BOM × delimiter × line ending: the 8 ways Excel (in some locale) saves a CSV.
VARIANTS = list(itertools.product([False, True], [",", ";"], ["\n", "\r\n"]))
VARIANT_IDS = [
    f"{'bom' if bom else 'nobom'}-{'comma' if d == ',' else 'semicolon'}-"
    f"{'crlf' if le == chr(13) + chr(10) else 'lf'}"
    for bom, d, le in VARIANTS
]


def row(**values: str) -> list[str]:
    unknown = set(values) - set(COLUMNS)
    assert not unknown, unknown
    return [values.get(column, "") for column in COLUMNS]


ROWS = [
    row(
        project_id="civ-youth",
        title="Emplois des jeunes, Côte d'Ivoire; phase 2",  # both delimiters, quoted
        countries="Côte d'Ivoire; Sénégal",
        start_year="2012",
        end_year="ongoing",
        pillar="Employment",
        summary="Line one\nline two",  # Alt+Enter in Excel
        beneficiaries_count="youth: 10,000",
        partners="UN-Habitat [un_agency]",
        source_ref='Section 3, "Youth", p. 37',
    ),
    row(
        project_id="moz-leda",
        title="  LEDAs in Mozambique  ",  # stripped on reading
        countries="Mozambique",
        phases="Phase 1: 1997-2003; Phase 2: 2006-2008",
        pillar="social_protection",
        source_ref="Section 3",
    ),
    row(
        project_id="per-x", title="Perú – São Paulo ½ “quotes”", pillar="rights", source_ref="p. 1"
    ),
]


def csv_bytes(header: list[str], rows: list[list[str]], bom: bool, delimiter: str, eol: str):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=eol)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode("utf-8") + buffer.getvalue().encode("utf-8")


def read_projects_csv(directory: Path, data: bytes) -> tuple[list, Report]:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "projects.csv").write_bytes(data)
    report = Report()
    sheets = read_csv_dir(directory, report)
    return (sheets["projects"].rows if "projects" in sheets else None), report


def expected_rows(rows: list[list[str]], first_row: int = 2) -> list:
    """What a user expects: Excel's row numbers, every column, values stripped, and an
    apostrophe typed before a formula character ("'=") not part of the text, as in Excel
    (etl.formulas.restore)."""
    return [
        (number, {c: restore(v.strip()) for c, v in zip(COLUMNS, cells, strict=True)})
        for number, cells in enumerate(rows, start=first_row)
    ]


@pytest.mark.parametrize(("bom", "delimiter", "eol"), VARIANTS, ids=VARIANT_IDS)
def test_every_excel_csv_variant_reads_the_same_rows(tmp_path, bom, delimiter, eol):
    rows, report = read_projects_csv(tmp_path, csv_bytes(COLUMNS, ROWS, bom, delimiter, eol))
    assert report.problems == []
    assert rows == expected_rows(ROWS)
    first = rows[0][1]
    assert first["countries"] == "Côte d'Ivoire; Sénégal"
    assert first["title"] == "Emplois des jeunes, Côte d'Ivoire; phase 2"
    assert first["summary"] == "Line one\nline two"
    assert rows[1][1]["title"] == "LEDAs in Mozambique"


def test_the_eight_variants_are_really_different_files():
    # guards the test above: it would prove nothing if the variants were identical bytes
    files = {csv_bytes(COLUMNS, ROWS, *variant) for variant in VARIANTS}
    assert len(files) == 8


CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from('\n,;" '),
    max_size=12,
)
TABLE = st.lists(
    st.lists(CELL, min_size=len(COLUMNS), max_size=len(COLUMNS)).filter(
        lambda cells: any(c.strip() for c in cells)  # blank rows are skipped by design
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TABLE)
@example([[""] * (len(COLUMNS) - 1) + ["'="]])  # found by hypothesis: the oracle lacked restore
def test_any_table_round_trips_through_every_csv_variant(table):
    with tempfile.TemporaryDirectory() as tmp:
        for index, variant in enumerate(VARIANTS):
            rows, report = read_projects_csv(
                Path(tmp) / str(index), csv_bytes(COLUMNS, table, *variant)
            )
            assert report.problems == [], (VARIANT_IDS[index], report.render())
            assert rows == expected_rows(table), VARIANT_IDS[index]


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_blank_lines_keep_excel_row_numbers(tmp_path, eol):
    header = ",".join(COLUMNS)
    first = "a,First,,MOZ,,,,,rights,,,,,,,,,p. 1"
    second = "b,Second,,MOZ,,,,,rights,,,,,,,,,p. 2"
    multiline = 'c,"Third,\nover two lines",,MOZ,,,,,rights,,,,,,,,,p. 3'
    empty_row = "," * (len(COLUMNS) - 1)  # how Excel saves a row left empty
    lines = [header, first, "", second, empty_row, multiline, "d,Fourth,,,,,,,rights"]
    data = eol.join(lines + [""]).encode("utf-8")
    rows, report = read_projects_csv(tmp_path, data)
    assert report.problems == []
    # header=1, First=2, blank=3, Second=4, empty=5, Third=6 (one Excel row), Fourth=7
    assert [(n, v["project_id"], v["title"]) for n, v in rows] == [
        (2, "a", "First"),
        (4, "b", "Second"),
        (6, "c", "Third,\nover two lines"),
        (7, "d", "Fourth"),
    ]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "mac_roman"])
def test_legacy_encoding_is_one_problem_naming_the_file_with_a_fix(tmp_path, encoding):
    text = "\r\n".join(
        [",".join(COLUMNS), "civ,Côte d'Ivoire youth,,CIV,,,,,rights,,,,,,,,,p. 1", ""]
    )
    rows, report = read_projects_csv(tmp_path, text.encode(encoding))
    assert rows is None
    assert len(report.problems) == 1
    rendered = report.problems[0].render()
    assert str(tmp_path / "projects.csv") in rendered
    assert "UTF-8" in rendered
    assert "Save As" in report.problems[0].suggestion


def test_utf16_unicode_text_is_one_problem_naming_the_file_with_a_fix(tmp_path):
    text = "\r\n".join([",".join(COLUMNS), "civ,Côte d'Ivoire,,CIV,,,,,rights,,,,,,,,,p. 1"])
    rows, report = read_projects_csv(tmp_path, text.encode("utf-16"))  # with BOM, as Excel
    assert rows is None
    assert len(report.problems) == 1
    rendered = report.problems[0].render()
    assert str(tmp_path / "projects.csv") in rendered
    assert "UTF-16" in rendered and "UTF-8" in rendered
    assert "Save As" in report.problems[0].suggestion


def test_unknown_column_suggests_the_known_one(tmp_path):
    header = ["titel" if c == "title" else c for c in COLUMNS]
    _, report = read_projects_csv(tmp_path, csv_bytes(header, ROWS, False, ",", "\n"))
    unknown = [p for p in report.problems if p.message == "unknown column"]
    assert len(unknown) == 1
    assert (unknown[0].row, unknown[0].column) == (1, "titel")
    assert unknown[0].suggestion == "did you mean 'title'?"
    assert "titel" in unknown[0].render()


def test_missing_required_column_is_named(tmp_path):
    keep = [i for i, c in enumerate(COLUMNS) if c != "pillar"]
    header = [COLUMNS[i] for i in keep]
    rows = [[cells[i] for i in keep] for cells in ROWS]
    _, report = read_projects_csv(tmp_path, csv_bytes(header, rows, False, ";", "\r\n"))
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert (problem.row, problem.column) == (1, "pillar")
    assert "missing" in problem.message
    assert "pillar" in problem.render()


def test_column_names_are_case_insensitive(tmp_path):
    header = [c.upper() for c in COLUMNS]
    rows, report = read_projects_csv(tmp_path, csv_bytes(header, ROWS, True, ";", "\r\n"))
    assert report.problems == []
    assert rows == expected_rows(ROWS)


# --- XLSX ---------------------------------------------------------------------------


def write_xlsx(path: Path, header: list, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "projects"
    sheet.append(header)
    for cells in rows:
        sheet.append(cells)
    workbook.save(path)
    return path


def test_xlsx_reads_the_same_rows_as_csv(tmp_path):
    workbook = write_xlsx(tmp_path / "catalogue.xlsx", COLUMNS, ROWS)
    report = Report()
    sheets = read_xlsx(workbook, report)
    assert report.problems == []
    csv_rows, _ = read_projects_csv(tmp_path / "csv", csv_bytes(COLUMNS, ROWS, True, ";", "\r\n"))
    assert sheets["projects"].rows == csv_rows == expected_rows(ROWS)


@pytest.mark.parametrize("year", [2012, 2012.0, "2012", " 2012 "])
def test_xlsx_number_cells_read_as_plain_text(tmp_path, year):
    cells = row(project_id="a", title="A", pillar="rights", source_ref="p. 1")
    cells[COLUMNS.index("start_year")] = year
    cells[COLUMNS.index("end_year")] = 2015.0
    workbook = write_xlsx(tmp_path / "catalogue.xlsx", COLUMNS, [cells])
    report = Report()
    [(number, values)] = read_xlsx(workbook, report)["projects"].rows
    assert report.problems == []
    assert number == 2
    assert (values["start_year"], values["end_year"]) == ("2012", "2015")


def test_xlsx_blank_row_keeps_excel_row_numbers(tmp_path):
    first = row(project_id="a", title="A", pillar="rights", source_ref="p. 1")
    second = row(project_id="b", title="B", pillar="rights", source_ref="p. 2")
    workbook = write_xlsx(tmp_path / "catalogue.xlsx", COLUMNS, [first, [None] * 3, second])
    report = Report()
    rows = read_xlsx(workbook, report)["projects"].rows
    assert report.problems == []
    assert [(n, v["project_id"]) for n, v in rows] == [(2, "a"), (4, "b")]


def test_utf16_without_bom_is_one_clear_problem(tmp_path):
    from etl.problems import Report
    from etl.reading import read_csv_dir

    (tmp_path / "projects.csv").write_bytes("project_id,title\nx,y\n".encode("utf-16-le"))
    report = Report()
    read_csv_dir(tmp_path, report)
    assert len(report.problems) == 1
    assert "NUL bytes" in report.problems[0].render()
    assert "CSV UTF-8" in report.problems[0].render()


# -- the column-at-a-time reader (Arrow) must read exactly what the record reader reads --

WILD_CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
    | st.sampled_from(["'", "=", " ", "\u00a0", "\u3000", "\n", "\r", '"', ",", ";", "\t"]),
    max_size=10,
)
WILD_HEADER = st.lists(
    st.sampled_from([*COLUMNS[:6], "", "Title", " countries ", "nonsense"]), min_size=1, max_size=7
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    WILD_HEADER,
    st.lists(st.lists(WILD_CELL, min_size=1, max_size=8), max_size=5),
    st.sampled_from(VARIANTS),
)
def test_the_column_reader_and_the_record_reader_agree(header, table, variant):
    from etl.problems import Where
    from etl.reading import RawSheet, read_csv_bytes, read_csv_text

    data = csv_bytes(header, table, *variant)
    where = Where("projects.csv")
    fast_report, slow_report = Report(), Report()
    fast = read_csv_bytes(data, where, fast_report)
    slow = read_csv_text(data.decode("utf-8-sig"), where, slow_report)
    assert fast_report.problems == slow_report.problems
    assert (fast is None) == (slow is None)
    if isinstance(fast, RawSheet):
        assert fast.columns == slow.columns
        assert fast.rows == slow.rows


def test_a_regular_file_is_read_by_columns(tmp_path, monkeypatch):
    """Guards the test above: regular files must really take the Arrow path."""
    import etl.reading

    def refuse(*args):
        raise AssertionError("read record by record")

    monkeypatch.setattr(etl.reading, "read_csv_text", refuse)
    for variant in VARIANTS:
        rows, report = read_projects_csv(
            tmp_path / str(variant), csv_bytes(COLUMNS, ROWS, *variant)
        )
        assert report.problems == [] and rows == expected_rows(ROWS)


def test_arrow_trims_every_character_python_strips():
    import pyarrow as pa
    import pyarrow.compute as pc

    spaces = [chr(i) for i in range(0x110000) if chr(i).isspace()]
    trimmed = pc.utf8_trim_whitespace(pa.array([f"{c}x{c}" for c in spaces])).to_pylist()
    assert trimmed == ["x"] * len(spaces)
