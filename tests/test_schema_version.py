"""A warehouse built by another version of the atlas (other columns) is never read as if
it were current: the app says how to rebuild it, and `make run` rebuilds it
(`python -m etl build --if-outdated`)."""

from __future__ import annotations

import subprocess
import sys

import duckdb
from apptest_support import markdown_text
from conftest import ROOT, sql_rows
from streamlit.testing.v1 import AppTest

from etl import SCHEMA_VERSION
from etl.warehouse import schema_version


def set_schema(warehouse, version: str) -> None:
    con = duckdb.connect(str(warehouse / "atlas.duckdb"))
    con.execute("update meta set value = ? where key = 'schema_version'", [version])
    con.close()


def build_if_outdated(source, warehouse) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", "build", "--if-outdated"]
        + ["--source", str(source), "--warehouse", str(warehouse)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_current_warehouse_is_left_alone(mini_catalogue, mini_warehouse):
    assert schema_version(mini_warehouse) == SCHEMA_VERSION
    before = (mini_warehouse / "atlas.duckdb").stat().st_mtime_ns
    done = build_if_outdated(mini_catalogue, mini_warehouse)
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout
    assert (mini_warehouse / "atlas.duckdb").stat().st_mtime_ns == before


def test_an_outdated_or_missing_warehouse_is_rebuilt(mini_catalogue, mini_warehouse, tmp_path):
    set_schema(mini_warehouse, "1")
    done = build_if_outdated(mini_catalogue, mini_warehouse)
    assert done.returncode == 0, done.stderr
    assert f"schema 1, this version needs {SCHEMA_VERSION}" in done.stdout
    assert schema_version(mini_warehouse) == SCHEMA_VERSION
    assert sql_rows(mini_warehouse, "select count(*) from projects where status is null") == [(0,)]
    fresh = tmp_path / "fresh"
    assert schema_version(fresh) is None
    assert build_if_outdated(mini_catalogue, fresh).returncode == 0
    assert schema_version(fresh) == SCHEMA_VERSION


def test_the_app_refuses_an_outdated_warehouse_with_the_fix(monkeypatch, mini_warehouse):
    set_schema(mini_warehouse, "1")
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(mini_warehouse))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    (error,) = at.error
    assert "built by another version of the atlas" in error.value
    assert f"schema 1; this version reads schema {SCHEMA_VERSION}" in error.value
    assert any("make run" in c.value for c in at.code)
    assert not at.metric  # nothing read from it
    assert "Projects and programmes" not in markdown_text(at)
