"""Checking a sheet a column at a time: each distinct value (or combination of values)
is parsed once, and problems are located on every row that holds it.

A million-project inventory has a million titles but a few hundred pillar spellings,
a few thousand country lists and a few dozen years. Parsing per distinct value keeps
the ETL's cost proportional to what varies, with the very parsers (and messages) of
`etl.normalise`; vectorised rules (Arrow, NumPy) handle the columns that vary per row.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.normalise import BadValue, suggest
from etl.problems import Problem, Report
from etl.reading import ROW, RawSheet


@dataclass(frozen=True)
class Found:
    """A problem as a parser of one distinct value reports it; `Checks` adds the rows."""

    column: str | None
    message: str
    suggestion: str | None = None


@dataclass
class Distinct:
    """A column's values as `values[codes[i]]` for record i: each distinct combination
    of cells is parsed (and later transformed) once, records refer to it by code."""

    codes: np.ndarray
    values: list

    def per_record(self) -> np.ndarray:
        """The value of each record (an object array sharing the distinct values)."""
        return objects(self.values)[self.codes]

    def where(self, keep: np.ndarray) -> Distinct:
        return Distinct(self.codes[keep], self.values)

    def derive(self, function: Callable[[Any], Any]) -> Distinct:
        """function(value) once per distinct value."""
        return Distinct(self.codes, [function(v) for v in self.values])

    def field(self, index: int) -> np.ndarray:
        """Item `index` of each record's (tuple) value."""
        return Distinct(self.codes, [v[index] for v in self.values]).per_record()

    def arrow(self, type: pa.DataType) -> pd.Series:
        """The value of each record as an Arrow-backed Series: one Arrow value per
        distinct value, gathered by code (no Python object per record)."""
        return taken(self.values, self.codes, type)


def taken(values: list, indices: np.ndarray, type: pa.DataType) -> pd.Series:
    """values[indices] as an Arrow-backed Series."""
    gathered = pc.take(pa.array(values, type=type), pa.array(indices, pa.int64()))
    return pd.Series(gathered, dtype=pd.ArrowDtype(type))


def kept_text(c: Checks, column: str, keep: np.ndarray, *, normalise: bool = False) -> pd.Series:
    """The kept records' cells of `column`, in Arrow, empty as missing; `normalise`
    collapses white space runs as `normalised_text` does."""
    if column not in c.frame:
        return taken([None], np.zeros(int(keep.sum()), dtype=np.int64), pa.string())
    arrow = pa.array(c.frame[column].array)
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks()
    if normalise:
        odd = pc.match_substring_regex(arrow, _NOT_NORMAL).to_numpy(zero_copy_only=False)
        if odd.any():
            fixed = [" ".join(cell.split()) for cell in c.cells(column)[odd]]
            arrow = pc.replace_with_mask(arrow, pa.array(odd), pa.array(fixed, pa.string()))
    arrow = arrow.filter(pa.array(keep))
    arrow = pc.if_else(pc.equal(arrow, ""), pa.scalar(None, pa.string()), arrow)
    return pd.Series(arrow, dtype=pd.ArrowDtype(pa.string()))


class Checks:
    """The problems of one sheet, kept in the order a reader meets them: by row, then
    by the order of the checks (`step`), then as each check found them.

    `failed[i]` says whether record i has a problem so far: checks run in the order
    the catalogue documents them, and some only apply to records still clean.
    """

    def __init__(self, sheet: RawSheet):
        self.sheet = sheet
        self.frame = sheet.frame
        self.rows = sheet.frame[ROW].to_numpy()
        self.failed = np.zeros(len(self.frame), dtype=bool)
        self._found: list[tuple[int, int, int, Found]] = []
        self._step = 0
        self._cells: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.frame)

    def cells(self, column: str) -> np.ndarray:
        """The column's cells as Python strings ("" when the column is absent)."""
        if column not in self._cells:
            self._cells[column] = (
                self.frame[column].to_numpy(dtype=object, na_value="")
                if column in self.frame
                else np.full(len(self.frame), "", dtype=object)
            )
        return self._cells[column]

    def step(self) -> int:
        """Start the next check: problems of later checks sort after this one's."""
        self._step += 1
        return self._step

    def add(self, positions: Sequence[int] | np.ndarray, found: Found) -> None:
        """The same problem on every record at `positions`."""
        step = self._step
        for position in np.asarray(positions, dtype=np.int64):
            self._found.append((int(self.rows[position]), step, len(self._found), found))
            self.failed[position] = True

    def add_each(self, positions: np.ndarray, found: Sequence[Found]) -> None:
        """found[k] on the record at positions[k]."""
        for position, one in zip(positions, found, strict=True):
            self.add([position], one)

    def distinct(
        self, columns: list[str], parse: Callable[..., tuple[Any, list[Found]]]
    ) -> Distinct:
        """`parse(*cells)` once per distinct combination of `columns`; its value for
        every record; its problems on every record holding it."""
        codes, firsts = combinations(self.frame, columns)
        samples = [self.cells(column)[firsts] for column in columns]
        results = [parse(*cells) for cells in zip(*samples, strict=True)]
        self.step()
        bad = [code for code, (_, found) in enumerate(results) if found]
        if bad:
            for position in np.flatnonzero(np.isin(codes, bad)):
                for one in results[codes[position]][1]:
                    self.add([position], one)
        return Distinct(codes, [value for value, _ in results])

    def matching(self, column: str, pattern: str, parse: Callable[[str], tuple[Any, list[Found]]]):
        """The cells that fully match `pattern` (RE2, checked by Arrow) as they are;
        `parse` for the distinct others. For columns with a value per record (ids)."""
        cells = self.cells(column)
        good = (
            pc.match_substring_regex(pa.array(self.frame[column].array), f"^(?:{pattern})$")
            .to_numpy(zero_copy_only=False)
            .astype(bool)
            if column in self.frame
            else np.zeros(len(cells), dtype=bool)
        )
        values = cells.copy()
        self.step()
        others: dict[str, tuple[Any, list[Found]]] = {}
        for position in np.flatnonzero(~good):
            cell = cells[position]
            value, found = others[cell] if cell in others else others.setdefault(cell, parse(cell))
            values[position] = value
            for one in found:
                self.add([position], one)
        return values

    def report_to(self, report: Report) -> None:
        """Add this sheet's problems to `report`, in reading order."""
        where = self.sheet.where
        for row, _, _, found in sorted(self._found, key=lambda f: (f[0], f[1], f[2])):
            position = self._position(row)
            report.add(
                Problem(
                    file=where.file,
                    sheet=where.sheet,
                    message=found.message,
                    row=row,
                    column=found.column,
                    value=(self.cells_at(found.column, position) if found.column else None),
                    suggestion=found.suggestion,
                )
            )

    def _position(self, row: int) -> int:
        return int(np.searchsorted(self.rows, row))

    def cells_at(self, column: str, position: int) -> str:
        if column not in self.frame:
            return ""
        value = self.frame[column].iloc[position]
        return "" if value is None or value is pd.NA else str(value)


def combinations(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(code of each record's combination of `columns`, first record of each code)."""
    present = [c for c in columns if c in frame]
    if not present:
        return np.zeros(len(frame), dtype=np.int64), np.zeros(min(len(frame), 1), dtype=np.int64)
    combined = np.zeros(len(frame), dtype=np.int64)
    for column in present:
        codes, uniques = pd.factorize(frame[column])
        combined = combined * (len(uniques) + 1) + codes
        combined, _ = pd.factorize(combined)  # keep the radix small
    _, firsts = np.unique(combined, return_index=True)
    return combined.astype(np.int64), firsts


def parsed(parser: Callable[[str], Any], column: str, *, required: bool = False):
    """A one-column parser for `Checks.distinct`, reporting BadValue as `Found`."""

    def parse(cell: str) -> tuple[Any, list[Found]]:
        if required and not cell.strip():
            return None, [Found(column, "required value is empty")]
        try:
            return parser(cell), []
        except BadValue as exc:
            return None, [Found(column, exc.message, exc.suggestion)]

    return parse


# a cell that str.split() would change once stripped: white space other than a
# single space (every character str.isspace() knows), or two spaces in a row
_OTHER_SPACE = "".join(
    f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x110000)) if c.isspace() and c != " "
)
_NOT_NORMAL = f"[{_OTHER_SPACE}]|  |^ | $"


def objects(values: list) -> np.ndarray:
    """A 1-D object array of `values`, even when they are tuples (which NumPy would
    otherwise read as rows of a 2-D array)."""
    out = np.empty(len(values), dtype=object)
    for index, value in enumerate(values):
        out[index] = value
    return out


def frame(columns: dict[str, Any]) -> pd.DataFrame:
    """A DataFrame whose text columns stay Python objects: pandas would otherwise turn
    each into Arrow strings on the way in, only for the ETL to read them back out."""
    return pd.DataFrame(
        {
            name: values.reset_index(drop=True)
            if isinstance(values, pd.Series)
            else values
            if isinstance(values, np.ndarray) and values.dtype != np.dtype(object)
            else pd.Series(values, dtype=object)
            for name, values in columns.items()
        }
    )


def normalised_text(c: Checks, column: str) -> np.ndarray:
    """' '.join(cell.split()) for every cell of `column`: white space runs become one
    space. Arrow finds the few cells that change; Python rewrites only those."""
    cells = c.cells(column).copy()
    if column in c.frame and len(cells):
        arrow = pa.array(c.frame[column].array)
        odd = pc.match_substring_regex(arrow, _NOT_NORMAL).to_numpy(zero_copy_only=False)
        for position in np.flatnonzero(odd):
            cells[position] = " ".join(cells[position].split())
    return cells


def explode(keys: np.ndarray, lists: Distinct) -> tuple[np.ndarray, np.ndarray]:
    """(key once per item, index of the item in the flattened distinct lists) for a
    Distinct whose values are tuples: every record's items, in order, with NumPy."""
    lengths_of = np.fromiter(map(len, lists.values), dtype=np.int64, count=len(lists.values))
    starts_of = np.cumsum(lengths_of) - lengths_of
    lengths = lengths_of[lists.codes]
    record = np.repeat(np.arange(len(keys)), lengths)
    within = np.arange(len(record)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return keys[record], starts_of[lists.codes][record] + within


def flat(lists: Distinct) -> list:
    """The distinct lists' items end to end (what `explode`'s indexes point into)."""
    return list(chain.from_iterable(lists.values))


class IdSuggester:
    """'did you mean' for an id that matches none: `suggest` over every id when there
    are at most 20,000 of them. Past that, difflib over a million ids would take
    seconds per call, so it looks among the hundred ids nearest the value in sort
    order that share all but its last four characters (bisections in the sorted ids):
    where a typo in a numbered or generated id usually lands."""

    LIMIT = 20_000

    def __init__(self, ids: set[str]):
        self.ids = ids
        self._sorted: list[str] | None = None
        self._seen: dict[str, str | None] = {}

    def __call__(self, value: str) -> str | None:
        if value not in self._seen:
            self._seen[value] = suggest(value, self._candidates(value))
        return self._seen[value]

    def _candidates(self, value: str):
        if len(self.ids) <= self.LIMIT:
            return self.ids
        if self._sorted is None:
            self._sorted = sorted(self.ids)
        key = value.strip().lower()
        prefix = key[: max(3, len(key) - 4)]
        start = bisect.bisect_left(self._sorted, prefix)
        end = bisect.bisect_left(self._sorted, prefix + "\U0010ffff")
        here = bisect.bisect_left(self._sorted, key, start, end)
        return self._sorted[max(start, here - 50) : min(end, here + 50)]
