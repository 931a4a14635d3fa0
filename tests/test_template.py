"""The XLSX template explains every column, offers drop-downs for coded columns, and
means the same as the CSV directory: the catalogue written into it builds the same
warehouse."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from conftest import CATALOGUE, MINI, quiet

from etl.build import build
from etl.schema import SHEETS
from etl.template import write_template
from etl.warehouse import DUCKDB_FILE

VOLATILE_META = {"built_at", "source", "source_sha256"}


def test_template_has_every_sheet_and_explains_every_column(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)
    for sheet in SHEETS:
        headers = [c.value for c in workbook[sheet.name][1]]
        assert headers == sheet.column_names
    readme = workbook["README"]
    explained = {(r[0], r[1]) for r in readme.iter_rows(min_row=5, values_only=True) if r[1]}
    for sheet in SHEETS:
        for column in sheet.columns:
            assert (sheet.name, column.name) in explained


def test_template_offers_dropdowns_for_pillar_and_record_type(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)
    projects = workbook["projects"]
    headers = [c.value for c in projects[1]]
    validated = {}
    for dv in projects.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            validated[headers[cell_range.min_col - 1]] = dv.formula1
    assert set(validated) >= {"pillar", "record_type", "region"}
    lists = workbook["lists"]
    pillar_values = [c.value for c in lists["A"][1:] if c.value]
    assert pillar_values[:4] == ["rights", "employment", "social_protection", "social_dialogue"]
    assert "Social protection" in pillar_values  # labels are accepted too
    assert lists.sheet_state == "hidden"


def _quoted(name: str) -> str:
    return ".".join(f'"{part}"' for part in name.split("."))


def _tables(warehouse) -> dict[str, pd.DataFrame]:
    import duckdb

    con = duckdb.connect(str(warehouse / DUCKDB_FILE), read_only=True)
    names = [  # the tables, and the build's aggregates (etl.aggregates) as schema.name
        n if schema == "main" else f"{schema}.{n}"
        for schema, n in con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    ]
    # an aggregate's rows come in no set order (the pages order what they read): sorted
    tables = {
        n: con.execute(f"select * from {_quoted(n)}" + (" order by all" if "." in n else "")).df()
        for n in names
    }
    con.close()
    tables["meta"] = tables["meta"][~tables["meta"]["key"].isin(VOLATILE_META)]
    return tables


@pytest.mark.parametrize("catalogue", [MINI, CATALOGUE], ids=["mini", "publication"])
def test_catalogue_round_trips_through_the_template(tmp_path, catalogue):
    if not (catalogue / "projects.csv").exists():
        pytest.fail(f"{catalogue} has no projects.csv")
    workbook = tmp_path / "filled.xlsx"
    write_template(workbook, source=catalogue)
    from_csv, from_xlsx = tmp_path / "wh-csv", tmp_path / "wh-xlsx"
    build(catalogue, from_csv, progress=quiet)
    build(workbook, from_xlsx, progress=quiet)
    csv_tables, xlsx_tables = _tables(from_csv), _tables(from_xlsx)
    assert csv_tables.keys() == xlsx_tables.keys()
    for name in csv_tables:
        pd.testing.assert_frame_equal(
            csv_tables[name].reset_index(drop=True),
            xlsx_tables[name].reset_index(drop=True),
            obj=name,
        )
    assert len(csv_tables["projects"]) > 0


def test_empty_template_columns_are_text_so_excel_keeps_partial_dates(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    exchanges = openpyxl.load_workbook(path)["exchanges"]
    headers = [c.value for c in exchanges[1]]
    letter = openpyxl.utils.get_column_letter(headers.index("start_date") + 1)
    assert exchanges.column_dimensions[letter].number_format == "@"


def test_multi_line_cells_survive_the_template(tmp_path, mini_catalogue):
    import csv

    path = mini_catalogue / "projects.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    rows[0]["summary"] = "line one\nline two"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    workbook = tmp_path / "filled.xlsx"
    write_template(workbook, source=mini_catalogue)
    sheet = openpyxl.load_workbook(workbook)["projects"]
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=headers.index("summary") + 1).value == "line one\nline two"


def test_template_from_a_missing_catalogue_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="not a CSV catalogue"):
        write_template(tmp_path / "t.xlsx", source=tmp_path / "nowhere")


def test_hostile_text_is_never_a_formula_in_the_template_and_round_trips(tmp_path):
    """The filled template holds '=HYPERLINK(…)' as text (never a live formula), and the
    catalogue built from it keeps every text exactly as the CSV catalogue does."""
    from hostile_catalogue import CMD, FORMULA, write_hostile_catalogue

    catalogue = write_hostile_catalogue(tmp_path / "hostile")
    workbook_path = tmp_path / "filled.xlsx"
    write_template(workbook_path, source=catalogue)
    workbook = openpyxl.load_workbook(workbook_path)
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), [c.value for c in row]
            texts += [c.value for c in row if isinstance(c.value, str)]
    assert any(t.startswith(FORMULA) for t in texts)
    from_csv, from_xlsx = tmp_path / "wh-csv", tmp_path / "wh-xlsx"
    build(catalogue, from_csv, progress=quiet)
    build(workbook_path, from_xlsx, progress=quiet)
    csv_tables, xlsx_tables = _tables(from_csv), _tables(from_xlsx)
    for name in csv_tables:
        pd.testing.assert_frame_equal(csv_tables[name], xlsx_tables[name], obj=name)
    partners = set(xlsx_tables["project_partners"]["partner"])
    assert {FORMULA, CMD} <= partners  # the original text, no apostrophe added
