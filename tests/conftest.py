"""Shared fixtures: catalogues copied to a temp dir, warehouses built from them."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from etl.build import build

# Every figure a test (or a page under AppTest, or the app a browser test starts) builds
# is also built through Plotly's validators and must come out the same
# (dashboard.figures.figure): a misspelt property fails here, not silently in a browser.
os.environ.setdefault("ATLAS_CHECK_FIGURES", "1")
# Property tests check behaviour, not speed: on a loaded 2-core CI machine the first
# example of a test can take 10x the next (imports, caches), and Hypothesis's default
# 200 ms deadline then fails a correct test by chance. Speed is measured in bench/.
settings.register_profile("atlas", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("atlas")
# Inventories uploaded during the tests (by AppTest or by the servers browser tests start)
# go to a folder of this run: a test can check what is left behind.
if "ATLAS_UPLOADS_DIR" not in os.environ:
    _UPLOADS = tempfile.mkdtemp(prefix="atlas-test-uploads-")
    os.environ["ATLAS_UPLOADS_DIR"] = _UPLOADS
    # removed when the run ends (each xdist worker imports this module: its own folder)
    atexit.register(shutil.rmtree, _UPLOADS, ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"
CATALOGUE = ROOT / "data" / "catalogue"
# Projects in the mini catalogue (one row each in its projects.csv).
MINI_PROJECTS = len((MINI / "projects.csv").read_text(encoding="utf-8").strip().splitlines()) - 1


def tree_digest(directory: Path) -> dict[str, str]:
    """Path → SHA-256 of every file below `directory` (byte-identity checks)."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def edited_mini(folder: Path, edits: dict[tuple[int, str], str]) -> Path:
    """A copy of the mini catalogue in `folder` with cells of projects.csv replaced:
    {(data row index, column): value} (index 0 is spreadsheet row 2)."""
    folder.mkdir(parents=True)
    for path in MINI.glob("*.csv"):
        (folder / path.name).write_bytes(path.read_bytes())
    lines = (folder / "projects.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    for (row, column), value in edits.items():
        cells = lines[row + 1].split(",")
        cells[header.index(column)] = value
        lines[row + 1] = ",".join(cells)
    (folder / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def quiet(_message: str) -> None:
    pass


def sql_rows(warehouse: Path, query: str, params: tuple = ()) -> list[tuple]:
    """Rows of `query` on a built warehouse, read-only: the independent answer a page
    test compares with."""
    import duckdb

    con = duckdb.connect(str(warehouse / "atlas.duckdb"), read_only=True)
    try:
        return con.execute(query, list(params)).fetchall()
    finally:
        con.close()


def sql_frame(warehouse: Path, query: str) -> pd.DataFrame:
    """`sql_rows` as a DataFrame."""
    import duckdb

    con = duckdb.connect(str(warehouse / "atlas.duckdb"), read_only=True)
    try:
        return con.execute(query).df()
    finally:
        con.close()


@pytest.fixture(autouse=True)
def _fresh_memo():
    """Each test builds its figures and maps anew (dashboard.memo shares them within a
    process; a test may change what a builder reads, e.g. the map's shapes file)."""
    from dashboard import memo

    memo.clear()
    yield


@pytest.fixture
def mini_catalogue(tmp_path: Path) -> Path:
    """A writable copy of the small test catalogue."""
    target = tmp_path / "catalogue"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def mini_warehouse(tmp_path: Path, mini_catalogue: Path) -> Path:
    """A warehouse built from the small test catalogue."""
    warehouse = tmp_path / "warehouse"
    build(mini_catalogue, warehouse, progress=quiet)
    return warehouse


@pytest.fixture(scope="session")
def atlas_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse built from the real, curated catalogue."""
    warehouse = tmp_path_factory.mktemp("atlas") / "warehouse"
    build(CATALOGUE, warehouse, progress=quiet)
    return warehouse


@pytest.fixture(scope="session")
def sql(atlas_warehouse: Path):
    """Run SQL on the curated warehouse: the independent answer page tests compare with."""
    import duckdb

    con = duckdb.connect(str(atlas_warehouse / "atlas.duckdb"), read_only=True)
    yield lambda query, *params: con.execute(query, list(params)).fetchall()
    con.close()


# --- the browser tests (marked `browser`: `pytest -m "not browser"` runs the rest) -----


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium (one context, so one cache) for the session;
    each test opens its own page."""
    from browser_support import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def app_url(atlas_warehouse: Path):
    """The app serving the curated warehouse, shared by the browser tests that only read."""
    from browser_support import running_app

    with running_app(atlas_warehouse) as base:
        yield base


def pytest_collection_modifyitems(items) -> None:
    """Longest first (the load test, then the browser tests): the two xdist workers
    start on them and the many short tests fill in at the end, instead of one worker
    finishing a long test alone."""

    def weight(item) -> int:
        return 0 if "load" in item.keywords else 1 if "browser" in item.keywords else 2

    items.sort(key=weight)  # stable: the order within each group is kept
