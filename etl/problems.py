"""Problems found in a catalogue, reported the way a spreadsheet user can act on them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as a spreadsheet user sees it.

    `row` is the spreadsheet row number (the header is row 1); None for file-level
    problems. `suggestion` is a concrete fix when one exists.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    suggestion: str | None = None
    sheet: str | None = None

    def location(self) -> str:
        parts = [self.file if self.sheet is None else f"{self.file} [sheet {self.sheet}]"]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def render(self) -> str:
        text = f"{self.location()}: "
        if self.value not in (None, ""):
            shown = self.value if len(self.value) <= 120 else self.value[:119] + "…"
            text += f"{shown!r}: "
        text += self.message
        if self.suggestion:
            text += f" — {self.suggestion}"
        return text


@dataclass
class Where:
    """Where a sheet came from, so every problem can name its file and sheet."""

    file: str
    sheet: str | None = None

    def problem(self, message: str, **kwargs) -> Problem:
        return Problem(file=self.file, sheet=self.sheet, message=message, **kwargs)


SHOWN = 1_000  # problems a report lists in full; the total is always given


@dataclass
class Report:
    """Every problem in one report, not only the first."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def ok(self) -> bool:
        return not self.problems

    def render(self, written: bool = True, limit: int | None = SHOWN) -> str:
        """The report: the first `limit` problems (all with None) and the total count;
        `written=False` for validate, which never writes anyway."""
        if self.ok:
            return "No problems found."
        tail = "; nothing was written:" if written else ":"
        total = len(self.problems)
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [f"{total:,} problem(s) found{tail}"]
        lines += [f"  - {p.render()}" for p in shown]
        if len(shown) < total:
            lines.append(
                f"  … and {total - len(shown):,} more problem(s) (the first {len(shown):,} "
                "are shown: fix them and validate again)"
            )
        return "\n".join(lines)

    COLUMNS = ("file", "sheet", "row", "column", "value", "problem", "suggestion")

    def write_csv(self, path) -> None:
        """Every problem as a CSV table (COLUMNS), for a spreadsheet or the app's upload."""
        import csv

        from etl.formulas import neutralise  # a value like =HYPERLINK(…) stays text

        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(self.COLUMNS)
            for p in self.problems:
                cells = [p.file, p.sheet, p.row, p.column, p.value, p.message, p.suggestion]
                writer.writerow([neutralise("" if c is None else c) for c in cells])


class CatalogueError(Exception):
    """Raised when a catalogue cannot be built; carries the full report."""

    def __init__(self, report: Report):
        super().__init__(report.render())
        self.report = report
