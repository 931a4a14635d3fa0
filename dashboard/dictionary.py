"""The warehouse data dictionary, read from README.md — the one place it is written.

A test checks the README's dictionary matches the warehouse exactly, so the Data page
can show it without a second copy drifting away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


@dataclass(frozen=True)
class TableDoc:
    table: str
    one_row_per: str
    columns: tuple[str, ...]
    column_notes: dict[str, str]


def parse_dictionary(markdown: str) -> dict[str, TableDoc]:
    """Table docs from the README's '## The warehouse' markdown table."""
    if "## The warehouse" not in markdown:
        return {}
    section = markdown.split("## The warehouse", 1)[1].split("Conventions:", 1)[0]
    docs: dict[str, TableDoc] = {}
    for line in section.splitlines():
        match = re.match(r"\| `(\w+)` \| ([^|]*) \| (.*) \|$", line)
        if not match:
            continue
        table, one_row_per, cells = match.groups()
        notes: dict[str, str] = {}
        columns: list[str] = []
        # `name` optionally followed by "(note)"; notes may hold backticks and colons.
        pattern = r"`(\w+)`(?: \(([^)]*)\))?"
        plain = re.sub(r"\([^)]*\)", "", cells)
        listed = set(re.findall(r"`(\w+)`", plain.split(":", 1)[0]))
        for col, note in re.findall(pattern, cells):
            if col in listed and col not in columns:
                columns.append(col)
                if note:
                    notes[col] = note.replace("`", "")
        docs[table] = TableDoc(table, one_row_per.strip(), tuple(columns), notes)
    return docs


@cache
def readme_dictionary() -> dict[str, TableDoc]:
    return parse_dictionary(README.read_text(encoding="utf-8"))
