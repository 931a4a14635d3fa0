"""Read a catalogue from a CSV directory or an XLSX workbook into plain string tables.

Every cell arrives as a stripped string ("" when empty) and every record keeps the
row number a spreadsheet user sees (header = row 1), so later checks can point at it.
CSV files saved by Excel in any locale are accepted: UTF-8 with or without BOM,
',' or ';' or tab delimited, LF or CRLF.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from etl.formulas import restore
from etl.normalise import suggest
from etl.problems import Problem, Report, Where
from etl.schema import SHEETS, SHEETS_BY_NAME

MB = 1024 * 1024
SIZE_LIMIT_ENV = "ATLAS_MAX_CATALOGUE_MB"
ROWS_LIMIT_ENV = "ATLAS_MAX_CATALOGUE_ROWS"  # unset: no limit (an upload sets one)
DEFAULT_SIZE_LIMIT_MB = 50


@dataclass(frozen=True)
class Limits:
    """What a catalogue file may be, checked before anything is parsed.

    `max_file_bytes` applies to each CSV file and to a workbook as stored; a workbook's
    parts, uncompressed, may total `unpacked_factor` times that (XLSX is zipped XML,
    typically 5-20 times larger unpacked); a part that unpacks more than `max_ratio`
    times its stored size is a zip bomb, whatever the totals.
    """

    max_file_bytes: int = DEFAULT_SIZE_LIMIT_MB * MB
    unpacked_factor: int = 10
    max_ratio: int = 200
    max_rows: int | None = None  # rows in one sheet; a workbook's sheet stops there

    @classmethod
    def from_env(cls) -> Limits:
        """The default limits, with the size from $ATLAS_MAX_CATALOGUE_MB and the rows
        from $ATLAS_MAX_CATALOGUE_ROWS when set."""
        raw = os.environ.get(SIZE_LIMIT_ENV, "").strip()
        try:
            megabytes = float(raw) if raw else DEFAULT_SIZE_LIMIT_MB
        except ValueError:
            megabytes = DEFAULT_SIZE_LIMIT_MB
        rows = os.environ.get(ROWS_LIMIT_ENV, "").strip()
        return cls(
            max_file_bytes=max(1, int(megabytes * MB)),
            max_rows=int(rows) if rows.isdigit() and int(rows) > 0 else None,
        )


def _size_text(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size >= MB / 10 else f"{size:,} bytes"


def _too_large(path: Path, where: Where, limits: Limits) -> Problem | None:
    size = path.stat().st_size
    if size <= limits.max_file_bytes:
        return None
    return where.problem(
        f"file is {_size_text(size)}, over the {_size_text(limits.max_file_bytes)} limit "
        "for a catalogue file",
        suggestion="split the inventory, or raise the limit with "
        f"--max-size-mb (or ${SIZE_LIMIT_ENV}) if the file is genuine",
    )


def _zip_problem(path: Path, where: Where, limits: Limits) -> Problem | None:
    """An XLSX is a zip: refuse macros and zip bombs before openpyxl unpacks anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        return where.problem(
            f"cannot open as an XLSX workbook (not a zip package: {exc})",
            suggestion="save it from Excel as 'Excel Workbook (*.xlsx)'",
        )
    if any(m.filename.lower().endswith("vbaproject.bin") for m in members):
        return where.problem(
            "workbook contains macros (VBA); macro workbooks are refused",
            suggestion="save it from Excel as 'Excel Workbook (*.xlsx)', without macros",
        )
    unpacked = sum(m.file_size for m in members)
    allowed = limits.max_file_bytes * limits.unpacked_factor
    bomb = next(
        (
            m
            for m in members
            if m.file_size > MB and m.file_size > limits.max_ratio * max(m.compress_size, 1)
        ),
        None,
    )
    if unpacked > allowed or bomb is not None:
        detail = (
            f"part {bomb.filename} unpacks {bomb.file_size // max(bomb.compress_size, 1):,} "
            "times its stored size"
            if bomb is not None
            else f"its parts unpack to {_size_text(unpacked)}, over {_size_text(allowed)}"
        )
        return where.problem(
            f"workbook refused before reading: {detail} (a zip bomb or a damaged file)",
            suggestion="save the sheets as CSV UTF-8 files, or save the workbook again from Excel",
        )
    return None


@dataclass
class RawSheet:
    """One sheet as read: canonical column names and a column of strings per name.

    `frame` has one string column per named column ("" when empty) and `_row`, the
    spreadsheet row number of each record; blank rows are already dropped. Columns are
    whole arrays so that validation works on columns, not on cells one by one.
    """

    name: str
    where: Where
    columns: list[str]
    frame: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({ROW: []}))

    @property
    def rows(self) -> list[tuple[int, dict[str, str]]]:
        """(row number, {column: value}) per record: for small sheets and tests."""
        named = [c for c in self.frame.columns if c != ROW]
        return [
            (int(number), dict(zip(named, values, strict=True)))
            for number, *values in self.frame[[ROW, *named]].itertuples(index=False)
        ]

    def __len__(self) -> int:
        return len(self.frame)


ROW = "_row"


def _frame(columns: list[str], rows: list[tuple[int, dict[str, str]]]) -> pd.DataFrame:
    """The sheet frame from (row number, values) records (the record-by-record readers)."""
    named = list(dict.fromkeys(c for c in columns if not c.startswith("__blank_")))
    data = {ROW: np.array([n for n, _ in rows], dtype=np.int64)}
    for column in named:
        data[column] = pd.array([values[column] for _, values in rows], dtype=TEXT)
    return pd.DataFrame(data)


TEXT = pd.ArrowDtype(pa.string())


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
    rows: list[tuple[int, dict[str, str]]] = []
    for offset, record in enumerate(records[1:], start=1):
        row_number = first_row + offset
        cells = [restore(_cell_text(c)) for c in record]
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
        rows.append((row_number, values))
    name = where.sheet or Path(where.file).stem.lower()
    return RawSheet(name=name, where=where, columns=columns, frame=_frame(columns, rows))


def read_csv_text(text: str, where: Where, report: Report) -> RawSheet | None:
    """Read CSV text record by record (any shape: short rows, ragged rows, blank lines)."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    try:
        records = list(reader)
    except csv.Error as exc:
        report.add(where.problem(f"not a readable CSV file: {exc}"))
        return None
    return _records(records, where, report)


def _clean_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """`restore(cell.strip())` for a whole column: Python only for the few cells that
    start or end with white space or start with an apostrophe."""
    # Arrow trims every character str.strip() does (tests/test_reading.py checks it)
    touched = pc.or_(
        pc.not_equal(pc.utf8_trim_whitespace(column), column), pc.starts_with(column, "'")
    )
    if not pc.any(touched).as_py():
        return column
    values = column.to_pylist()
    for index in np.flatnonzero(touched.to_numpy(zero_copy_only=False)):
        values[index] = restore(values[index].strip())
    return pa.chunked_array([pa.array(values, pa.string())])


def _arrow_csv(
    body: bytes, delimiter: str, width: int, *, newlines_in_values: bool
) -> pa.Table | None:
    """Every record as a row of `width` strings; None when a record is not that wide
    (short, long or blank lines), the bytes are not UTF-8, or the text is not CSV as
    Arrow reads it: Arrow stops at the first such row and the caller falls back."""
    try:
        table = pv.read_csv(
            pa.py_buffer(body),
            read_options=pv.ReadOptions(autogenerate_column_names=True),
            parse_options=pv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=newlines_in_values,
                ignore_empty_lines=False,
            ),
            convert_options=pv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return None if table.num_columns != width else table


class NotAHeader:
    """`read_csv_columns` read the file and found row 1 is not a header (reported)."""


def read_csv_columns(data: bytes, where: Where, report: Report) -> RawSheet | NotAHeader | None:
    """Read a regular CSV (UTF-8, every record as wide as the header) whole columns at
    a time with Arrow's multithreaded reader. None when the file is anything else: the
    caller then reads it record by record, which gives the same rows and problems."""
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    head = body[: 1 << 20].decode("utf-8", errors="replace")
    delimiter = sniff_delimiter(head.split("\n", 1)[0])
    try:
        header = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return None
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    # Arrow reads in parallel blocks only when no value spans lines: try that first, and
    # keep it only if every line was one record (so no value held a line break)
    table = _arrow_csv(body, delimiter, len(header), newlines_in_values=False)
    if table is None or table.num_rows != lines:
        table = _arrow_csv(body, delimiter, len(header), newlines_in_values=True)
    if (
        table is None
        or table.num_rows == 0
        or table.slice(0, 1).to_pylist()[0] != {f"f{i}": cell for i, cell in enumerate(header)}
    ):
        return None
    columns = _canonical_columns(header, where, report)
    if columns is None:
        return NotAHeader()
    body = table.slice(1)
    cells = [_clean_column(body.column(i)) for i in range(body.num_columns)]
    filled = np.zeros(body.num_rows, dtype=bool)
    for column in cells:
        filled |= pc.binary_length(column).to_numpy() > 0
    keep = None if filled.all() else pa.array(filled)
    rows = np.arange(2, body.num_rows + 2, dtype=np.int64)
    under_blank = sorted(  # (row, column) as the record-by-record reader reports them
        (int(number), index)
        for index, name in enumerate(columns)
        if name.startswith("__blank_")
        for number in np.flatnonzero(pc.binary_length(cells[index]).to_numpy() > 0)
    )
    for number, index in under_blank:
        report.add(
            where.problem(
                f"value under a blank header cell (column {index + 1})",
                row=int(rows[number]),
                value=cells[index][number].as_py(),
                suggestion="give the column a name in row 1, or move the value",
            )
        )
    data_columns: dict[str, object] = {ROW: rows[filled]}
    for index, name in enumerate(columns):  # a name given twice: its last column wins
        if not name.startswith("__blank_"):
            kept = cells[index] if keep is None else cells[index].filter(keep)
            data_columns[name] = pd.Series(kept, dtype=TEXT)
    name = where.sheet or Path(where.file).stem.lower()
    return RawSheet(name=name, where=where, columns=columns, frame=pd.DataFrame(data_columns))


def read_csv_dir(
    directory: Path, report: Report, limits: Limits | None = None
) -> dict[str, RawSheet]:
    limits = limits or Limits.from_env()
    sheets: dict[str, RawSheet] = {}
    for path in sorted(p for p in directory.iterdir() if p.suffix.lower() == ".csv"):
        where = Where(file=str(path))
        if path.stem.lower() not in SHEETS_BY_NAME:
            known = ", ".join(s.name + ".csv" for s in SHEETS)
            report.add(where.problem(f"unexpected file; the catalogue files are: {known}"))
            continue
        too_large = _too_large(path, where, limits)
        if too_large:
            report.add(too_large)
            continue
        sheet = read_csv_bytes(path.read_bytes(), where, report)
        if sheet is not None:
            sheets[sheet.name] = sheet
    return sheets


def read_csv_bytes(data: bytes, where: Where, report: Report) -> RawSheet | None:
    """A CSV file's sheet: whole columns at once when the file is regular UTF-8 CSV,
    else record by record, which also explains what is wrong with the bytes."""
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in data:
        sheet = read_csv_columns(data, where, report)
        if sheet is not None:
            return sheet if isinstance(sheet, RawSheet) else None
    text, problem = decode_csv_bytes(data, where)
    if problem:
        report.add(problem)
        return None
    return read_csv_text(text, where, report)


def _formula_problems(
    formulas: list[tuple[int, int, str]], where: Where, columns: list[str], report: Report
) -> None:
    """Formula cells are refused: their cached value may be stale or absent."""
    for row, index, formula in formulas:
        column = columns[index] if index < len(columns) else f"column {index + 1}"
        report.add(
            where.problem(
                "a formula; the catalogue takes values, not formulas",
                row=row,
                column=None if column.startswith("__blank_") else column,
                value=formula[:200],
                suggestion="copy the cells and use Paste Special > Values, or type the "
                "value; text starting with '=' can be typed with a leading apostrophe",
            )
        )


def read_xlsx(path: Path, report: Report, limits: Limits | None = None) -> dict[str, RawSheet]:
    import openpyxl

    limits = limits or Limits.from_env()
    where = Where(str(path))
    if path.suffix.lower() != ".xlsx":
        macros = path.suffix.lower() in (".xlsm", ".xltm")
        report.add(
            where.problem(
                "macro workbooks are refused"
                if macros
                else f"'{path.suffix}' is not an XLSX workbook",
                suggestion="save it from Excel as 'Excel Workbook (*.xlsx)'",
            )
        )
        return {}
    refused = _too_large(path, where, limits) or _zip_problem(path, where, limits)
    if refused:
        report.add(refused)
        return {}
    try:
        # data_only=False: a formula cell is seen as one (and refused), never read as
        # the value Excel cached when it last saved the file.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
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
            records, formulas, too_many = [], [], False
            for number, row in enumerate(ws.iter_rows(), start=1):
                if limits.max_rows is not None and number > limits.max_rows + 1:
                    report.add(
                        where.problem(
                            f"more than {limits.max_rows:,} rows, the most a sheet may hold here",
                            suggestion="split the inventory, or build it on the server with "
                            "python -m etl build",
                        )
                    )
                    too_many = True
                    break
                records.append([cell.value for cell in row])
                formulas += [
                    (number, i, str(cell.value))
                    for i, cell in enumerate(row)
                    if getattr(cell, "data_type", None) == "f" and number > 1
                ]
            sheet = None if too_many else _records(records, where, report)
            if sheet is not None:
                _formula_problems(formulas, where, sheet.columns, report)
                sheets[name] = sheet
    finally:
        workbook.close()
    return sheets


def read_catalogue(
    source: Path, report: Report, limits: Limits | None = None
) -> dict[str, RawSheet]:
    """Read every sheet of a catalogue; problems go to `report`. `limits` defaults to
    Limits.from_env() (50 MB a file unless $ATLAS_MAX_CATALOGUE_MB says otherwise)."""
    if not source.exists():
        report.add(Where(str(source)).problem("catalogue not found"))
        return {}
    if source.is_dir():
        sheets = read_csv_dir(source, report, limits)
    elif source.suffix.lower() in (".xlsx", ".xlsm", ".xltm", ".xlsb", ".xls"):
        sheets = read_xlsx(source, report, limits)
    else:
        report.add(
            Where(str(source)).problem(
                "not a catalogue", suggestion="give a directory of CSV files or an .xlsx workbook"
            )
        )
        return {}
    refused = any(p.file == str(source) and p.sheet is None for p in report.problems)
    if (
        not refused
        and "projects" not in sheets
        and not any(
            p.file.lower().endswith("projects.csv") or p.sheet == "projects"
            for p in report.problems
        )
    ):
        report.add(
            Where(str(source)).problem(
                "the required 'projects' sheet is missing",
                suggestion="add projects.csv (or a 'projects' sheet); "
                "'python -m etl template' writes an empty one",
            )
        )
    return sheets
