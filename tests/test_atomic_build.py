"""A build replaces the warehouse in one step: a failed or killed build leaves the
previous warehouse byte-identical, and readers never see a half-written one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest
from conftest import MINI_PROJECTS, ROOT, quiet, tree_digest

from etl import warehouse as warehouse_module
from etl.build import build


def test_rebuild_replaces_contents(mini_catalogue, mini_warehouse):
    projects_csv = mini_catalogue / "projects.csv"
    text = projects_csv.read_text(encoding="utf-8")
    projects_csv.write_text(text.replace("LEDAs in Mozambique", "LEDAs (renamed)"), "utf-8")
    build(mini_catalogue, mini_warehouse, progress=quiet)
    con = duckdb.connect(str(mini_warehouse / "atlas.duckdb"), read_only=True)
    title = con.execute("select title from projects where project_id='moz-leda'").fetchone()
    con.close()
    assert title == ("LEDAs (renamed)",)
    leftovers = [p.name for p in mini_warehouse.parent.iterdir() if p.name.startswith(".atlas-")]
    assert leftovers == []


def test_failure_while_writing_leaves_old_warehouse(mini_catalogue, mini_warehouse, monkeypatch):
    before = tree_digest(mini_warehouse)
    real_write = warehouse_module.write_tables

    def write_then_fail(tables, directory, progress):
        real_write(tables, directory, progress)
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(warehouse_module, "write_tables", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        build(mini_catalogue, mini_warehouse, progress=quiet)
    assert tree_digest(mini_warehouse) == before
    assert not list(mini_warehouse.parent.glob(".atlas-build-*"))


KILLABLE_BUILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from etl import warehouse
    real = warehouse.write_tables
    def slow(tables, directory, progress):
        real(tables, directory, progress)
        print("WRITTEN", flush=True)
        time.sleep(60)
    warehouse.write_tables = slow
    from etl.build import build
    build(Path(sys.argv[1]), Path(sys.argv[2]), progress=lambda m: None)
    """
)


def test_killed_build_leaves_old_warehouse_and_is_cleaned_up_next_time(
    mini_catalogue, mini_warehouse
):
    before = tree_digest(mini_warehouse)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLABLE_BUILD, str(mini_catalogue), str(mini_warehouse)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.time() + 60
        line = ""
        while "WRITTEN" not in line and time.time() < deadline:
            line = proc.stdout.readline()
        assert "WRITTEN" in line, "the build never reached the point where it could be killed"
        assert list(mini_warehouse.parent.glob(".atlas-build-*")), "expected a staging dir"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert tree_digest(mini_warehouse) == before
    build(mini_catalogue, mini_warehouse, progress=quiet)
    assert not list(mini_warehouse.parent.glob(".atlas-build-*"))


def test_reader_keeps_old_file_until_reconnect(mini_catalogue, mini_warehouse):
    reader = duckdb.connect(str(mini_warehouse / "atlas.duckdb"), read_only=True)
    old = reader.execute("select count(*) from projects").fetchone()[0]
    projects_csv = mini_catalogue / "projects.csv"
    lines = projects_csv.read_text(encoding="utf-8").splitlines()
    projects_csv.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    build(mini_catalogue, mini_warehouse, progress=quiet)
    assert reader.execute("select count(*) from projects").fetchone()[0] == old
    reader.close()
    fresh = duckdb.connect(str(mini_warehouse / "atlas.duckdb"), read_only=True)
    assert fresh.execute("select count(*) from projects").fetchone()[0] == old - 1
    fresh.close()


def test_first_build_creates_missing_parent_directories(mini_catalogue, tmp_path):
    target = tmp_path / "deep" / "er" / "warehouse"
    build(mini_catalogue, target, progress=quiet)
    assert (target / "atlas.duckdb").is_file()
    assert (target / "parquet" / "projects.parquet").is_file()


CONCURRENT_BUILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from etl.build import build
    build(Path(sys.argv[1]), Path(sys.argv[2]), progress=lambda m: None)
    """
)


def test_concurrent_builds_of_one_or_sibling_warehouses_all_succeed(mini_catalogue, tmp_path):
    targets = [tmp_path / "a", tmp_path / "a", tmp_path / "b", tmp_path / "b"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_BUILD, str(mini_catalogue), str(target)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for target in targets
    ]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _ in results), results
    for name in ("a", "b"):
        con = duckdb.connect(str(tmp_path / name / "atlas.duckdb"), read_only=True)
        assert con.execute("select count(*) from projects").fetchone()[0] == MINI_PROJECTS
        con.close()
    assert not list(tmp_path.glob(".atlas-build-*"))
