"""Read a catalogue from a CSV directory or an XLSX workbook into plain string tables.

Every cell arrives as a stripped string ("" when empty) and every record keeps the
row number a spreadsheet user sees (header = row 1), so later checks can point at it.
CSV files saved by Excel in any locale are accepted: UTF-8 with or without BOM,
',' or ';' or tab delimited, LF or CRLF.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from etl.normalise import suggest
from etl.problems import Problem, Report, Where
from etl.schema import SHEETS, SHEETS_BY_NAME


@dataclass
class RawSheet:
    """One sheet as read: canonical column names and rows of strings."""

    name: str
    where: Where
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def sniff_delimiter(header_line: str) -> str:
    """The delimiter Excel used: the most frequent of ',', ';' and tab in the header."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def decode_csv_bytes(data: bytes, where: Where) -> tuple[str | None, Problem | None]:
    """Decode UTF-8 (BOM optional); anything else gets a message saying how to re-save."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, where.problem(
            "file is UTF-16 (Excel 'Unicode Text'), not CSV",
            suggestion="in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'",
        )
    if b"\x00" in data:
        return None, where.problem(
            "file contains NUL bytes: it is UTF-16/UTF-32 text or not a text file, not CSV",
            suggestion="in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'",
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, where.problem(
            f"file is not UTF-8 (undecodable byte 0x{data[exc.start]:02x} on line {line})",
            suggestion="in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'",
        )


def _canonical_columns(header: list[str], where: Where, report: Report) -> list[str] | None:
    """Canonical column names for a header row; None when row 1 is not a header at all."""
    sheet = SHEETS_BY_NAME[where.sheet or Path(where.file).stem.lower()]
    known = sheet.column_names
    names = [_cell_text(raw).lower().replace(" ", "_") for raw in header]
    if not any(name in known for name in names):
        found = ", ".join(repr(_cell_text(h)) for h in header if _cell_text(h))[:120]
        report.add(
            where.problem(
                "row 1 must be the header row with the column names"
                + (f" (found {found})" if found else " (it is empty)"),
                row=1,
                suggestion="delete any title or blank rows above the header; "
                f"'{sheet.name}' columns are: " + ", ".join(known),
            )
        )
        return None
    columns = []
    for position, (raw, name) in enumerate(zip(header, names, strict=True), start=1):
        if not name:
            columns.append(f"__blank_{position}")
            continue
        if name not in known:
            hint = suggest(name, known)
            report.add(
                where.problem(
                    "unknown column",
                    row=1,
                    column=_cell_text(raw),
                    suggestion=f"did you mean '{hint}'?"
                    if hint
                    else "known columns: " + ", ".join(known),
                )
            )
        elif name in columns:
            report.add(where.problem("column appears twice", row=1, column=_cell_text(raw)))
        columns.append(name)
    for required in sheet.required_columns:
        if required not in columns:
            report.add(
                where.problem(
                    "required column is missing",
                    row=1,
                    column=required,
                    suggestion=f"add a '{required}' column to the header row",
                )
            )
    return columns


def _records(
    records: list[list[str]], where: Where, report: Report, first_row: int = 1
) -> RawSheet | None:
    if not records:
        report.add(where.problem("sheet is empty: no header row"))
        return None
    columns = _canonical_columns(records[0], where, report)
    if columns is None:
        return None
    sheet = RawSheet(
        name=where.sheet or Path(where.file).stem.lower(), where=where, columns=columns
    )
    for offset, record in enumerate(records[1:], start=1):
        row_number = first_row + offset
        cells = [_cell_text(c) for c in record]
        if not any(cells):
            continue  # blank spreadsheet row: skipped, numbering kept
        if len(cells) > len(columns) and any(cells[len(columns) :]):
            report.add(
                where.problem(
                    f"row has {len(cells)} cells but the header has {len(columns)}",
                    row=row_number,
                    suggestion="check for an unquoted delimiter inside a cell",
                )
            )
        for index, column in enumerate(columns):
            if column.startswith("__blank_") and index < len(cells) and cells[index]:
                report.add(
                    where.problem(
                        f"value under a blank header cell (column {index + 1})",
                        row=row_number,
                        value=cells[index],
                        suggestion="give the column a name in row 1, or move the value",
                    )
                )
        values = {
            col: (cells[i] if i < len(cells) else "")
            for i, col in enumerate(columns)
            if not col.startswith("__blank_")
        }
        sheet.rows.append((row_number, values))
    return sheet


def read_csv_text(text: str, where: Where, report: Report) -> RawSheet | None:
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    try:
        records = list(reader)
    except csv.Error as exc:
        report.add(where.problem(f"not a readable CSV file: {exc}"))
        return None
    return _records(records, where, report)


def read_csv_dir(directory: Path, report: Report) -> dict[str, RawSheet]:
    sheets: dict[str, RawSheet] = {}
    for path in sorted(p for p in directory.iterdir() if p.suffix.lower() == ".csv"):
        where = Where(file=str(path))
        if path.stem.lower() not in SHEETS_BY_NAME:
            known = ", ".join(s.name + ".csv" for s in SHEETS)
            report.add(where.problem(f"unexpected file; the catalogue files are: {known}"))
            continue
        text, problem = decode_csv_bytes(path.read_bytes(), where)
        if problem:
            report.add(problem)
            continue
        sheet = read_csv_text(text, where, report)
        if sheet is not None:
            sheets[sheet.name] = sheet
    return sheets


def read_xlsx(path: Path, report: Report) -> dict[str, RawSheet]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-workbook file
        report.add(Where(str(path)).problem(f"cannot open as an XLSX workbook ({exc})"))
        return {}
    sheets: dict[str, RawSheet] = {}
    try:
        for ws in workbook.worksheets:
            name = ws.title.strip().lower()
            if name in ("readme", "lists"):
                continue  # the template's own help sheets
            where = Where(file=str(path), sheet=ws.title)
            if name not in SHEETS_BY_NAME:
                known = ", ".join(s.name for s in SHEETS)
                report.add(where.problem(f"unexpected sheet; the catalogue sheets are: {known}"))
                continue
            where = Where(file=str(path), sheet=name)
            records = [list(r) for r in ws.iter_rows(values_only=True)]
            sheet = _records(records, where, report)
            if sheet is not None:
                sheets[name] = sheet
    finally:
        workbook.close()
    return sheets


def read_catalogue(source: Path, report: Report) -> dict[str, RawSheet]:
    """Read every sheet of a catalogue; problems go to `report`."""
    if not source.exists():
        report.add(Where(str(source)).problem("catalogue not found"))
        return {}
    if source.is_dir():
        sheets = read_csv_dir(source, report)
    elif source.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = read_xlsx(source, report)
    else:
        report.add(
            Where(str(source)).problem(
                "not a catalogue", suggestion="give a directory of CSV files or an .xlsx workbook"
            )
        )
        return {}
    if "projects" not in sheets and not any(
        p.file.lower().endswith("projects.csv") or p.sheet == "projects" for p in report.problems
    ):
        report.add(
            Where(str(source)).problem(
                "the required 'projects' sheet is missing",
                suggestion="add projects.csv (or a 'projects' sheet); "
                "'python -m etl template' writes an empty one",
            )
        )
    return sheets
