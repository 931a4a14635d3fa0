"""Each kind of bad input gets a clear message (file, row, column, value, fix), the
build exits 1 without a traceback, and the existing warehouse stays byte-identical."""

from __future__ import annotations

import csv
import gc
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, tree_digest

from etl.build import build, load
from etl.problems import CatalogueError


def edit_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell, addressing the row as a spreadsheet user would (header = row 1)."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
        fields = list(rows[0].keys())
    if column not in fields:
        fields.append(column)
    rows[row - 2][column] = value
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# (file, row, column, new value, expected message part, expected suggestion part)
CASES = [
    ("projects.csv", 2, "countries", "Atlantis", "unknown country", "ISO3 code"),
    ("projects.csv", 2, "countries", "Mozambique; Atlantis", "Atlantis: unknown country", None),
    ("projects.csv", 3, "countries", "Cote d'Ivore", "unknown country", "Côte d'Ivoire"),
    ("projects.csv", 2, "pillar", "social protecion", "unknown pillar", "social_protection"),
    ("projects.csv", 2, "pillar", "", "required value is empty", None),
    ("projects.csv", 3, "start_year", "20O9", "not a year", "four-digit year"),
    ("projects.csv", 3, "end_year", "2001", "ends before it starts", None),
    ("projects.csv", 5, "end_year", "soon", "not a year or 'ongoing'", "'ongoing'"),
    ("projects.csv", 3, "project_id", "moz-leda", "duplicate id (first used on row 2)", None),
    ("projects.csv", 2, "project_id", "Moz LEDA", "not a valid id", "moz-leda"),
    ("projects.csv", 2, "record_type", "programm", "not an allowed value", "programme"),
    ("projects.csv", 2, "phases", "Phase 1: 1997-2003; Phase 2: 2006-2009", "last phase", None),
    ("projects.csv", 3, "beneficiaries_count", "youth: ten thousand", "not a whole number", None),
    ("projects.csv", 3, "partners", "UNICEF [agency]", "not an allowed value", "un_agency"),
    ("projects.csv", 4, "region", "MENA", "not an ILO region", "Arab States"),
    (
        "projects.csv",
        2,
        "countries",
        "Africa",
        "is a region, not a country",
        "'Africa' in 'region'",
    ),
    ("projects.csv", 2, "countries", "Brazil, Argentina", "several countries", "';'"),
    ("projects.csv", 2, "phases", "Phase 2: 2006-2008; Phase 1: 1997-2003", "chronological", None),
    ("projects.csv", 3, "beneficiaries_count", "youth: 99999999999999999999", "too large", None),
    ("projects.csv", 2, "source_ref", "", "must say where in the source", None),
    ("localities.csv", 2, "project_id", "moz-led", "no project with this id", "moz-leda"),
    ("localities.csv", 2, "lat", "191.2", "outside -90..90", "swapped"),
    ("localities.csv", 2, "lon", "", "both latitude and longitude", None),
    ("localities.csv", 3, "iso3", "Brazil", "not among the project's countries", "add BRA"),
    ("exchanges.csv", 2, "start_date", "2014-09-31", "no such date", "YYYY-MM-DD"),
    ("exchanges.csv", 2, "end_date", "2014-08-01", "ends before it starts", None),
    ("exchanges.csv", 2, "status", "done", "not an allowed value", "held"),
    ("exchanges.csv", 3, "follows", "chefchouen-2014", "no exchange with this id", "chefchaouen"),
    ("exchange_participants.csv", 3, "role", "guest", "not an allowed value", None),
    ("reported_figures.csv", 2, "value", "seventy", "not a number", None),
    ("reported_figures.csv", 2, "value", "NaN", "not a number", None),
    ("reported_figures.csv", 2, "dimension", "region:", "region is empty", None),
    ("reported_figures.csv", 3, "dimension", "continent:Asia", "unknown dimension", None),
    ("projects.csv", 2, "source_url", "javascript:alert(1)", "must start with http", None),
    ("projects.csv", 2, "source_url", "www.ilo.org/x", "not a full web address", "https://"),
    ("projects.csv", 2, "source_url", "https://ilo.org/a b", "cannot contain a space", "%20"),
    ("exchanges.csv", 2, "source_url", "data:text/html,hello", "must start with http", None),
]


@pytest.mark.parametrize(("file", "row", "column", "value", "message", "suggestion"), CASES)
def test_bad_cell_is_reported_with_its_location_and_fix(
    mini_catalogue, file, row, column, value, message, suggestion
):
    edit_cell(mini_catalogue / file, row, column, value)
    _, report = load(mini_catalogue)
    matching = [p for p in report.problems if p.row == row and p.column == column]
    assert matching, f"no problem at row {row}, column {column}: {report.render()}"
    problem = matching[0]
    assert problem.file.endswith(file)
    assert message in problem.message
    if suggestion:
        assert suggestion in (problem.suggestion or "")
    rendered = problem.render()
    assert file in rendered and f"row {row}" in rendered and f"column {column}" in rendered


def test_all_problems_are_reported_not_only_the_first(mini_catalogue):
    edit_cell(mini_catalogue / "projects.csv", 2, "countries", "Atlantis")
    edit_cell(mini_catalogue / "projects.csv", 3, "pillar", "nope")
    edit_cell(mini_catalogue / "exchanges.csv", 2, "status", "done")
    _, report = load(mini_catalogue)
    located = {(Path(p.file).name, p.row, p.column) for p in report.problems}
    assert {
        ("projects.csv", 2, "countries"),
        ("projects.csv", 3, "pillar"),
        ("exchanges.csv", 2, "status"),
    } <= located


def test_a_reference_to_an_invalid_row_is_not_reported_twice(mini_catalogue):
    edit_cell(mini_catalogue / "projects.csv", 2, "countries", "Atlantis")
    _, report = load(mini_catalogue)
    assert [p for p in report.problems if "localities" in p.file] == []


def test_unknown_column_and_missing_required_column(mini_catalogue):
    path = mini_catalogue / "projects.csv"
    text = path.read_text(encoding="utf-8").replace("title,", "titel,", 1)
    path.write_text(text.replace(",pillar,", ",pilar,", 1), encoding="utf-8")
    _, report = load(mini_catalogue)
    rendered = report.render()
    assert "column titel: unknown column — did you mean 'title'?" in rendered
    assert "column pillar: required column is missing" in rendered


def test_missing_projects_sheet(tmp_path):
    (tmp_path / "exchanges.csv").write_text("exchange_id\n", encoding="utf-8")
    _, report = load(tmp_path)
    assert "required 'projects' sheet is missing" in report.render()


def run_cli(*args: str, env_warehouse: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_bad_input_exits_1_without_traceback_and_keeps_warehouse(
    mini_catalogue, mini_warehouse
):
    before = tree_digest(mini_warehouse)
    edit_cell(mini_catalogue / "projects.csv", 2, "countries", "Mozambique; Atlantis")
    edit_cell(mini_catalogue / "localities.csv", 2, "lat", "abc")
    result = run_cli("build", "--source", str(mini_catalogue), "--warehouse", str(mini_warehouse))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Atlantis: unknown country" in result.stderr
    assert "localities.csv, row 2, column lat: 'abc': not a number" in result.stderr
    assert "left unchanged" in result.stderr
    assert tree_digest(mini_warehouse) == before


def test_cli_validate_reports_and_writes_nothing(mini_catalogue, tmp_path):
    edit_cell(mini_catalogue / "projects.csv", 3, "start_year", "20O9")
    result = run_cli("validate", str(mini_catalogue))
    assert result.returncode == 1
    assert "projects.csv, row 3, column start_year: '20O9': not a year" in result.stderr
    assert not (ROOT / "data" / "warehouse-should-not-exist").exists()


def test_unreadable_workbook_is_a_clear_message(tmp_path):
    bad = tmp_path / "catalogue.xlsx"
    bad.write_bytes(b"this is not a workbook")
    result = run_cli("validate", str(bad))
    assert result.returncode == 1
    assert "cannot open as an XLSX workbook" in result.stderr
    assert "Traceback" not in result.stderr


def test_exchange_end_date_without_start_date(mini_catalogue):
    edit_cell(mini_catalogue / "exchanges.csv", 3, "start_date", "")
    edit_cell(mini_catalogue / "exchanges.csv", 3, "end_date", "2015-12")
    _, report = load(mini_catalogue)
    assert any(
        p.row == 3 and p.column == "start_date" and "without start_date" in p.message
        for p in report.problems
    ), report.render()


def test_publication_wordings_of_regions_are_accepted(mini_catalogue):
    edit_cell(mini_catalogue / "projects.csv", 4, "region", "Latin America and the Caribbean")
    catalogue, report = load(mini_catalogue)
    assert report.ok, report.render()
    lac = next(p for p in catalogue.projects if p["project_id"] == "lac-initiative")
    assert lac["region"] == "Americas"


def test_count_qualifiers_are_kept(mini_catalogue):
    edit_cell(
        mini_catalogue / "projects.csv",
        3,
        "beneficiaries_count",
        "youth: target 10000; cities: at least 8",
    )
    catalogue, report = load(mini_catalogue)
    assert report.ok, report.render()
    youth = next(p for p in catalogue.projects if p["project_id"] == "phl-youth")
    assert [(c.label, c.value, c.qualifier) for c in youth["counts"]] == [
        ("youth", 10000, "target"),
        ("cities", 8, "at_least"),
    ]


def test_as_of_year_written_by_excel_as_a_float(mini_catalogue):
    (mini_catalogue / "about.csv").write_text("key,value\nas_of_year,2015.0\n", encoding="utf-8")
    catalogue, report = load(mini_catalogue)
    assert report.ok and catalogue.about["as_of_year"] == "2015"


def test_title_row_above_the_header_is_one_clear_problem(mini_catalogue):
    path = mini_catalogue / "projects.csv"
    path.write_text("My projects,,\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    _, report = load(mini_catalogue)
    problems = [p for p in report.problems if p.file.endswith("projects.csv")]
    assert len(problems) == 1
    assert "row 1 must be the header row" in problems[0].message
    assert "delete any title or blank rows" in problems[0].suggestion


def test_value_under_a_blank_header_is_not_silently_dropped(mini_catalogue):
    path = mini_catalogue / "projects.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ","
    lines[1] += ",lost value"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, report = load(mini_catalogue)
    assert any(
        p.row == 2 and "blank header" in p.message and p.value == "lost value"
        for p in report.problems
    ), report.render()


def test_xlsx_with_stray_header_cells_is_reported_not_a_crash(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "projects"
    sheet.append(["project_id", "title", "countries", "pillar", "source_ref", None, 2015])
    sheet.append(["x-1", "A title", "Brazil", "rights", "p. 1", None, None])
    sheet["F1"].font = openpyxl.styles.Font(bold=True)  # formatted but empty, as Excel leaves
    path = tmp_path / "catalogue.xlsx"
    workbook.save(path)
    catalogue, report = load(path)
    assert [p.column for p in report.problems] == ["2015"]
    assert "unknown column" in report.problems[0].message


def test_build_refuses_to_replace_a_directory_that_is_not_a_warehouse(mini_catalogue, tmp_path):
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.txt").write_text("years of work", encoding="utf-8")
    result = run_cli("build", "--source", str(mini_catalogue), "--warehouse", str(precious))
    assert result.returncode == 1
    assert "refusing to replace it" in result.stderr
    assert (precious / "chapter1.txt").read_text(encoding="utf-8") == "years of work"


# --- reading limits: checked before parsing; the warehouse stays byte-identical ----------


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "projects"
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


MINI_HEADER = ["project_id", "title", "countries", "pillar", "source_ref"]
MINI_ROW = ["moz-leda", "LEDAs", "Mozambique", "employment", "Section 3"]


def _refused(source: Path, warehouse: Path, *args: str) -> str:
    before = tree_digest(warehouse)
    result = run_cli("build", "--source", str(source), "--warehouse", str(warehouse), *args)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(warehouse) == before  # the warehouse is exactly as it was
    return result.stderr


def test_a_file_over_the_size_limit_is_refused(mini_catalogue, mini_warehouse):
    message = _refused(mini_catalogue, mini_warehouse, "--max-size-mb", "0.0005")
    assert "projects.csv: file is" in message and "over the" in message
    assert "--max-size-mb" in message  # the fix, when the file is genuine


def test_the_size_limit_comes_from_the_environment(mini_catalogue, monkeypatch):
    monkeypatch.setenv("ATLAS_MAX_CATALOGUE_MB", "0.0005")
    _, report = load(mini_catalogue)
    assert any("over the" in p.message for p in report.problems), report.render()
    monkeypatch.setenv("ATLAS_MAX_CATALOGUE_MB", "50")
    _, report = load(mini_catalogue)
    assert report.ok, report.render()


def test_a_zip_bomb_workbook_is_refused_before_parsing(tmp_path, mini_warehouse):
    import zipfile

    bomb = tmp_path / "bomb.xlsx"
    good = _workbook(tmp_path / "good.xlsx", [MINI_HEADER, MINI_ROW])
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        # 60 MB of zeros: a few dozen kilobytes stored, 1000:1
        out.writestr("xl/media/padding.bin", b"\0" * (60 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    message = _refused(bomb, mini_warehouse)
    assert "refused before reading" in message and "zip bomb" in message


def test_a_macro_workbook_is_refused(tmp_path, mini_warehouse):
    import shutil
    import zipfile

    xlsm = tmp_path / "catalogue.xlsm"
    shutil.copy(_workbook(tmp_path / "c.xlsx", [MINI_HEADER, MINI_ROW]), xlsm)
    message = _refused(xlsm, mini_warehouse)
    assert "macro workbooks are refused" in message
    assert "'projects' sheet is missing" not in message  # one clear reason, not two
    # the same macros in a workbook named .xlsx
    disguised = tmp_path / "disguised.xlsx"
    shutil.copy(tmp_path / "c.xlsx", disguised)
    with zipfile.ZipFile(disguised, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00macro")
    assert "workbook contains macros" in _refused(disguised, mini_warehouse)


def test_formula_cells_are_refused_with_their_row_and_column(tmp_path, mini_warehouse):
    workbook = _workbook(
        tmp_path / "formulas.xlsx",
        [MINI_HEADER, ["moz-leda", '=HYPERLINK("http://evil.example","x")', "Mozambique",
                       "employment", "Section 3"]],
    )  # fmt: skip
    message = _refused(workbook, mini_warehouse)
    assert "[sheet projects], row 2, column title" in message
    assert "a formula; the catalogue takes values" in message
    assert "Paste Special > Values" in message


def test_text_typed_with_a_leading_apostrophe_is_read_as_text(tmp_path):
    """Excel stores '=x typed in a cell as the text =x (a string cell, not a formula)."""
    import openpyxl

    path = _workbook(tmp_path / "text.xlsx", [MINI_HEADER, MINI_ROW])
    workbook = openpyxl.load_workbook(path)
    cell = workbook["projects"]["B2"]
    cell.value = "=not a formula"
    cell.data_type = "s"
    cell.quotePrefix = True
    workbook.save(path)
    catalogue, report = load(path)
    assert report.ok, report.render()
    assert catalogue.projects[0]["title"] == "=not a formula"


def test_a_refused_build_leaves_the_cycle_collector_running(mini_catalogue, tmp_path):
    """The build pauses Python's cycle collector while it parses (etl.build): a refused
    catalogue must not leave it off, or a long-running process (the app loading an
    upload) would keep every reference cycle it makes from then on."""
    edit_cell(mini_catalogue / "projects.csv", 2, "countries", "Atlantis")
    assert gc.isenabled()
    with pytest.raises(CatalogueError):
        build(mini_catalogue, tmp_path / "warehouse", progress=lambda _: None)
    assert gc.isenabled()
    assert not (tmp_path / "warehouse").exists()
