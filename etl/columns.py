"""Checking a sheet a column at a time: each distinct value (or combination of values)
is parsed once, and problems are located on every row that holds it.

A million-project inventory has a million titles but a few hundred pillar spellings,
a few thousand country lists and a few dozen years. Parsing per distinct value keeps
the ETL's cost proportional to what varies, with the very parsers (and messages) of
`etl.normalise`; vectorised rules (Arrow, NumPy) handle the columns that vary per row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from etl.normalise import BadValue, suggest
from etl.problems import Problem, Report
from etl.reading import ROW, RawSheet


@dataclass(frozen=True)
class Found:
    """A problem as a parser of one distinct value reports it; `Checks` adds the rows."""

    column: str | None
    message: str
    suggestion: str | None = None


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

    def __len__(self) -> int:
        return len(self.frame)

    def cells(self, column: str) -> np.ndarray:
        """The column's cells as Python strings ("" when the column is absent)."""
        if column not in self.frame:
            return np.full(len(self.frame), "", dtype=object)
        return self.frame[column].to_numpy(dtype=object, na_value="")

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
    ) -> np.ndarray:
        """`parse(*cells)` once per distinct combination of `columns`; its value for
        every record (object array); its problems on every record holding it."""
        codes, firsts = combinations(self.frame, columns)
        samples = [self.cells(column)[firsts] for column in columns]
        results = [parse(*cells) for cells in zip(*samples, strict=True)]
        values = np.empty(len(results), dtype=object)
        values[:] = [value for value, _ in results]
        self.step()
        bad = [code for code, (_, found) in enumerate(results) if found]
        if bad:
            for position in np.flatnonzero(np.isin(codes, bad)):
                for one in results[codes[position]][1]:
                    self.add([position], one)
        return values[codes]

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


def normalised_text(cells: np.ndarray) -> np.ndarray:
    """' '.join(cell.split()) for every cell: white space runs become one space."""
    return np.array([" ".join(cell.split()) for cell in cells], dtype=object)


def explode(keys: np.ndarray, lists: np.ndarray) -> tuple[np.ndarray, list]:
    """(key repeated once per item, items) for an object array of lists."""
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    return np.repeat(keys, lengths), list(chain.from_iterable(lists))


class IdSuggester:
    """'did you mean' for an id that matches none: `suggest` over every id when there
    are at most 20,000 of them; past that, over the ids sharing the first three
    characters (difflib over a million ids takes seconds per call)."""

    LIMIT = 20_000

    def __init__(self, ids: set[str]):
        self.ids = ids
        self._buckets: dict[str, list[str]] | None = None
        self._seen: dict[str, str | None] = {}

    def __call__(self, value: str) -> str | None:
        if value not in self._seen:
            self._seen[value] = suggest(value, self._candidates(value))
        return self._seen[value]

    def _candidates(self, value: str):
        if len(self.ids) <= self.LIMIT:
            return self.ids
        if self._buckets is None:
            self._buckets = {}
            for one in self.ids:
                self._buckets.setdefault(one[:3], []).append(one)
        return self._buckets.get(value[:3], [])
