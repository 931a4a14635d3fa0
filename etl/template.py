"""Write the catalogue template workbook: one sheet per catalogue table, a README
sheet explaining every column, and drop-down validation for the coded columns.

With `source`, the template is filled with an existing CSV catalogue (the round trip
that proves the template and the CSV directory mean the same thing).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from etl import formulas, vocab
from etl.problems import Where
from etl.reading import decode_csv_bytes, sniff_delimiter
from etl.schema import SHEETS

_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_REQUIRED_FONT = Font(bold=True)
_MAX_ROWS = 5000  # drop-down validation range


def _lists_sheet(workbook: Workbook) -> dict[str, str]:
    """A hidden sheet holding long choice lists; returns column name → range formula."""
    ws = workbook.create_sheet("lists")
    lists = {
        "pillar": [*vocab.PILLARS, *vocab.PILLARS.values()],
        "record_type": list(vocab.RECORD_TYPES),
        "region": list(vocab.ILO_REGIONS),
    }
    ranges = {}
    for col, (name, values) in enumerate(lists.items(), start=1):
        ws.cell(row=1, column=col, value=name)
        for row, value in enumerate(values, start=2):
            ws.cell(row=row, column=col, value=value)
        letter = get_column_letter(col)
        ranges[name] = f"{quote_sheetname('lists')}!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def _readme(workbook: Workbook) -> None:
    ws = workbook.active
    ws.title = "README"
    ws.append(["Local Decent Work Atlas — catalogue template"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(
        [
            "Fill one row per record. Header is row 1 of each sheet. Several values in one "
            "cell are separated by ';'. Leave a cell empty when the source does not say. "
            "Bold headers are required. Only the 'projects' sheet is required. "
            "Build with: python -m etl build --source THIS_FILE.xlsx"
        ]
    )
    ws.append([])
    ws.append(["sheet", "column", "required", "meaning", "allowed values"])
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for sheet in SHEETS:
        for column in sheet.columns:
            ws.append(
                [
                    sheet.name,
                    column.name,
                    "yes" if column.required else "",
                    column.help,
                    "; ".join(column.choices),
                ]
            )
    ws.append([])
    ws.append(["Pillar codes and labels"])
    for code, label in vocab.PILLARS.items():
        ws.append(["pillar", code, "", label, ""])
    for letter, width in zip("ABCDE", (22, 20, 9, 90, 60), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=5):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")


def _read_csv_rows(path: Path) -> list[list[str]]:
    """Rows of a catalogue CSV, decoded and split exactly as the ETL reads them."""
    text, problem = decode_csv_bytes(path.read_bytes(), Where(str(path)))
    if problem:
        raise ValueError(problem.render())
    first = text.split("\n", 1)[0]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first)))


def write_template(out: Path, source: Path | None = None) -> None:
    """Write the template to `out`; fill it from the CSV catalogue `source` if given."""
    if source is not None and not (source / "projects.csv").is_file():
        raise ValueError(f"{source} is not a CSV catalogue (no projects.csv)")
    workbook = Workbook()
    _readme(workbook)
    ranges = _lists_sheet(workbook)
    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet.name, index=len(workbook.sheetnames) - 1)
        headers = sheet.column_names
        data: list[list[str]] = []
        csv_path = source / f"{sheet.name}.csv" if source else None
        if csv_path is not None and csv_path.exists():
            rows = _read_csv_rows(csv_path)
            header = [h.strip().lower().replace(" ", "_") for h in rows[0]]
            extra = [h for h in header if h not in headers]
            headers = headers + extra
            for record in rows[1:]:
                values = dict(zip(header, record, strict=False))
                data.append([values.get(h, "") for h in headers])
        ws.append(headers)
        for cell, name in zip(ws[1], headers, strict=True):
            cell.fill = _HEADER_FILL
            if name in sheet.required_columns:
                cell.font = _REQUIRED_FONT
        for record in data:
            # Text cells, never numbers or dates: '0012' or '2015-01' must survive.
            ws.append(record)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.number_format = "@"
        formulas.text_cells(ws)  # '=…' typed in a catalogue stays text, never a formula
        ws.freeze_panes = "A2"
        for index, name in enumerate(headers, start=1):
            dimension = ws.column_dimensions[get_column_letter(index)]
            dimension.width = max(12, min(40, len(name) + 4))
            # Whole columns as Text, so Excel keeps '2015-01' and '0012' as typed.
            dimension.number_format = "@"
            column = next((c for c in sheet.columns if c.name == name), None)
            if column is None or not column.choices:
                continue
            formula = ranges.get(name) or '"' + ",".join(column.choices) + '"'
            validation = DataValidation(
                type="list",
                formula1=formula,
                allow_blank=not column.required,
                showErrorMessage=True,
                errorStyle="warning",  # other spellings the ETL accepts stay possible
                errorTitle=f"{name}: not in the list",
                error="Expected: "
                + ", ".join(column.choices)
                + ". The build will report anything it cannot read.",
            )
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{_MAX_ROWS}")
            ws.add_data_validation(validation)
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
