"""A page run reads the warehouse's version once (dashboard/ui/data.py `one_run`, issue
13): every `load` in the run uses it, and a rebuild shows on the next run."""

from __future__ import annotations

import os

from dashboard import db, queries
from dashboard.ui import data


def _count_reads(monkeypatch) -> list:
    reads: list = []
    real = db.warehouse_version
    monkeypatch.setattr(data, "warehouse_version", lambda *a: reads.append(a) or real(*a))
    return reads


def test_a_run_reads_the_version_once_and_the_next_run_sees_a_rebuild(monkeypatch, mini_warehouse):
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(mini_warehouse))
    reads = _count_reads(monkeypatch)
    with data.one_run():
        before = data._current()
        data.load(queries.meta)
        data.load(queries.filter_options)
        data.load(queries.meta)
        file = mini_warehouse / db.DUCKDB_FILE
        later = file.stat().st_mtime_ns + 1_000_000_000
        os.utime(file, ns=(later, later))  # a rebuild finishing mid-run…
        assert data._current() == before  # …is not seen halfway through it
    assert len(reads) == 1
    with data.one_run():
        after = data._current()
    assert len(reads) == 2
    assert after != before and after.mtime_ns == later  # the next run reads the new one


def test_outside_a_run_each_load_reads_the_version(monkeypatch, mini_warehouse):
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(mini_warehouse))
    reads = _count_reads(monkeypatch)
    data.load(queries.meta)
    data.load(queries.meta)
    assert len(reads) == 2  # a fragment's rerun, a test: never a stale version
