"""The entry page summarises the warehouse it finds, and explains a missing one."""

from __future__ import annotations

import duckdb
from conftest import ROOT
from streamlit.testing.v1 import AppTest


def run_app(monkeypatch, warehouse) -> AppTest:
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(warehouse))
    return AppTest.from_file(str(ROOT / "app.py")).run(timeout=60)


def test_summary_shows_the_warehouse_counts(monkeypatch, mini_warehouse):
    at = run_app(monkeypatch, mini_warehouse)
    assert not at.exception
    con = duckdb.connect(str(mini_warehouse / "atlas.duckdb"), read_only=True)
    projects = con.execute("select count(*) from projects").fetchone()[0]
    exchanges = con.execute("select count(*) from exchanges").fetchone()[0]
    con.close()
    shown = {m.label: m.value for m in at.metric}
    assert shown["Projects and programmes"] == str(projects)
    assert shown["City-to-City exchanges"] == str(exchanges)


def test_missing_warehouse_says_how_to_build_it(monkeypatch, tmp_path):
    at = run_app(monkeypatch, tmp_path / "nowhere")
    assert not at.exception
    assert "python -m etl build" in at.error[0].value
