"""The repository itself: nothing half-merged is ever committed."""

from __future__ import annotations

import subprocess

from conftest import ROOT


def test_no_merge_conflict_markers_in_tracked_files():
    # a merge once committed docs with both sides of a conflict (ruff only reads Python)
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    marked = []
    for name in files:
        path = ROOT / name
        if path.suffix in {".parquet", ".xlsx", ".png", ".duckdb"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        marked += [
            f"{name}:{number}"
            for number, line in enumerate(text.splitlines(), start=1)
            if line.startswith(("<<<<<<< ", ">>>>>>> ")) or line == "======="
        ]
    assert marked == [], marked
