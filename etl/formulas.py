"""Spreadsheet formula injection (OWASP "CSV injection"): one rule for every export.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as
a formula by Excel, LibreOffice and Google Sheets when a CSV is opened
(`=HYPERLINK("http://…")`, `=cmd|' /C calc'!A0`). Exports therefore prefix such text
with an apostrophe, which spreadsheets show as text; numbers (and text that is a plain
number, such as "-3.5") are left as they are. XLSX cells are written as strings with
Excel's "quote prefix" style, so their text stays exactly as typed and is never a
formula.

Reading a catalogue undoes the CSV prefix (`restore`), so a catalogue exported and read
back keeps its original text.
"""

from __future__ import annotations

import re
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def is_risky(text: str) -> bool:
    """True when a spreadsheet would read `text` as a formula."""
    return text.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text)


def _needs_prefix(text: str) -> bool:
    # risky text, or apostrophes before risky text (so that `restore` is exact)
    return is_risky(text.lstrip(PREFIX))


def neutralise(value: Any) -> Any:
    """The value as a CSV cell may safely hold it: risky text gets a leading apostrophe;
    anything that is not text (numbers, dates, None) is returned unchanged."""
    if isinstance(value, str) and _needs_prefix(value):
        return PREFIX + value
    return value


def restore(text: str) -> str:
    """Undo `neutralise` on a cell read back from a CSV export or catalogue (as Excel
    does, an apostrophe typed before a formula character is not part of the text)."""
    if text.startswith(PREFIX) and _needs_prefix(text[len(PREFIX) :]):
        return text[len(PREFIX) :]
    return text


_CANDIDATE = re.compile(r"^'*[=+\-@\t\r]")


def _could_be_risky(value: Any) -> bool:
    return isinstance(value, str) and _CANDIDATE.match(value) is not None


def neutralise_frame(frame):
    """A copy of a DataFrame with every text cell neutralised (numbers untouched)."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    out = frame.copy()
    for column in out.columns:
        if is_object_dtype(out[column]) or is_string_dtype(out[column]):
            values = out[column]
            # only text that starts (after apostrophes) with a trigger can need it
            candidates = (
                values.map(_could_be_risky, na_action="ignore")
                if is_object_dtype(values)
                else values.str.match(_CANDIDATE.pattern, na=False)
            )
            candidates = candidates.fillna(False).astype(bool)
            if candidates.any():
                values = values.astype(object)
                values[candidates] = values[candidates].map(neutralise)
                out[column] = values
    return out


def text_cells(worksheet) -> None:
    """Make every text cell of an openpyxl worksheet a string, never a formula.

    openpyxl turns any string starting with `=` into a formula; this sets such cells
    back to strings, and marks risky text with Excel's quote prefix so that editing the
    cell in Excel keeps it text too.
    """
    for row in worksheet.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str):
                continue
            if cell.data_type == "f":
                cell.data_type = "s"
            if is_risky(value):
                cell.quotePrefix = True
