"""A session exploring its own uploaded inventory (AppTest): every page reads it, the
banner says so with one click back, and another session keeps the published atlas.
(The upload itself, through the browser's file chooser, is in test_browser_upload.py.)"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from apptest_support import metrics
from conftest import MINI, MINI_PROJECTS, ROOT, sql_rows
from streamlit.testing.v1 import AppTest

from dashboard.pages import PAGES
from dashboard.ui.data import INVENTORY_KEY
from dashboard.uploads import Upload, build_inventory

PROJECTS_METRIC = "Projects and programmes"


@pytest.fixture(scope="module")
def inventory(tmp_path_factory):
    root = tmp_path_factory.mktemp("uploads")
    files = [Upload(p.name, p.read_bytes()) for p in sorted(MINI.glob("*.csv"))]
    outcome = build_inventory(files, root=root)
    assert outcome.inventory is not None, outcome.problem_rows()[:3]
    return outcome.inventory


def _session(monkeypatch, warehouse: Path, page: str | None = None, inventory=None) -> AppTest:
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if page:
        at.switch_page(page)
    if inventory is not None:
        at.session_state[INVENTORY_KEY] = inventory
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _banner(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown if "Your inventory" in m.value)


def test_a_session_with_an_inventory_sees_it_and_others_see_the_published_atlas(
    monkeypatch, atlas_warehouse, sql, inventory
):
    mine = _session(monkeypatch, atlas_warehouse, inventory=inventory)
    theirs = _session(monkeypatch, atlas_warehouse)
    published = sql("select count(*) from projects")[0][0]
    assert metrics(mine)[PROJECTS_METRIC] == str(MINI_PROJECTS)
    assert metrics(theirs)[PROJECTS_METRIC] == str(published)
    assert f"Your inventory: {MINI_PROJECTS} projects — not the published atlas" in _banner(mine)
    assert _banner(theirs) == ""
    # the Overview's introduction speaks of the inventory, not of the publication
    intro = " ".join(m.value for m in mine.markdown if "technical-cooperation" in m.value)
    assert "**your inventory** “about.csv" in intro and "curated from" not in intro
    theirs_intro = " ".join(m.value for m in theirs.markdown if "technical-cooperation" in m.value)
    assert "curated from the ILO/UCLG publication" in theirs_intro


@pytest.mark.parametrize("page", [spec.file for spec in PAGES])
def test_every_page_reads_the_inventory(monkeypatch, atlas_warehouse, inventory, page):
    at = _session(monkeypatch, atlas_warehouse, page, inventory=inventory)
    assert "not the published atlas" in _banner(at)
    # the country filter offers the inventory's countries, not the published atlas's
    countries = (
        "select distinct iso3 from (select iso3 from project_countries union all "
        "select host_iso3 from exchanges union all select iso3 from exchange_participants)"
    )
    assert (
        len(at.multiselect(key="country").options)
        == len(sql_rows(inventory.warehouse, countries))
        != len(sql_rows(atlas_warehouse, countries))
    )


def test_back_to_the_published_atlas_is_one_click_and_removes_the_files(
    monkeypatch, atlas_warehouse, sql, tmp_path
):
    files = [Upload(p.name, p.read_bytes()) for p in sorted(MINI.glob("*.csv"))]
    own = build_inventory(files, root=tmp_path).inventory
    at = _session(monkeypatch, atlas_warehouse, inventory=own)
    at.multiselect(key="region").select(at.multiselect(key="region").options[0]).run()
    at.button(key="leave_inventory").click().run()
    assert not at.exception
    assert _banner(at) == ""
    assert metrics(at)[PROJECTS_METRIC] == str(sql("select count(*) from projects")[0][0])
    assert at.multiselect(key="region").value == []  # the inventory's filters are gone
    assert not own.directory.exists()


def test_a_removed_inventory_says_so_and_shows_the_published_atlas(
    monkeypatch, atlas_warehouse, sql, tmp_path
):
    files = [Upload(p.name, p.read_bytes()) for p in sorted(MINI.glob("*.csv"))]
    own = build_inventory(files, root=tmp_path).inventory
    at = _session(monkeypatch, atlas_warehouse, inventory=own)
    own.release()  # swept while the session was idle
    at.run()
    assert not at.exception
    assert any("was removed after a long time without use" in i.value for i in at.info)
    assert metrics(at)[PROJECTS_METRIC] == str(sql("select count(*) from projects")[0][0])


def test_the_data_page_offers_the_upload(monkeypatch, atlas_warehouse):
    at = _session(monkeypatch, atlas_warehouse, "pages/data.py")
    assert any(h.value == "Explore your own inventory" for h in at.header)
    check = at.button(key="check_inventory")
    assert check.disabled  # nothing chosen yet
    assert any("20 MB in all" in c.value for c in at.caption)


# --- publishing, as a steward (Data page) ---------------------------------------------


@pytest.fixture
def own_published(tmp_path, monkeypatch) -> Path:
    """A published warehouse of this test's own (publishing replaces it)."""
    from conftest import CATALOGUE, quiet

    from etl.build import build

    warehouse = tmp_path / "published"
    build(CATALOGUE, warehouse, progress=quiet)
    monkeypatch.delenv("ATLAS_VERSIONS_DIR", raising=False)
    return warehouse


def _form_submit(at: AppTest, label: str) -> None:
    (button,) = [b for b in at.button if b.label == label]
    button.click().run()


def test_publishing_is_off_without_a_secret_and_says_how(monkeypatch, own_published):
    monkeypatch.delenv("ATLAS_STEWARD_SECRET", raising=False)
    at = _session(monkeypatch, own_published, "pages/data.py")
    assert any("Publishing is off" in i.value and "secrets.toml" in i.value for i in at.info)
    assert not [t for t in at.text_input if t.label == "Steward secret"]


def test_a_steward_sees_the_diff_publishes_and_rolls_back(monkeypatch, own_published, tmp_path):
    monkeypatch.setenv("ATLAS_STEWARD_SECRET", "s3cret")
    files = [Upload(p.name, p.read_bytes()) for p in sorted(MINI.glob("*.csv"))]
    own = build_inventory(files, root=tmp_path / "uploads").inventory
    at = _session(monkeypatch, own_published, "pages/data.py", inventory=own)
    summary = "\n".join(m.value for m in at.markdown if "added ·" in m.value)
    assert "**Projects**" in summary and "removed" in summary
    # a wrong secret: nothing changes
    inputs = {t.label: t for t in at.text_input}
    inputs["Your name (recorded with the publication)"].input("Ana")
    inputs["Steward secret"].input("wrong")
    _form_submit(at, "Publish this inventory")
    assert any("wrong steward secret" in e.value for e in at.error), [e.value for e in at.error]
    assert sql_rows(own_published, "select count(*) from projects")[0][0] == 21
    # the right one: published, and the session is back on the (new) published atlas
    inputs = {t.label: t for t in at.text_input}
    inputs["Your name (recorded with the publication)"].input("Ana")
    inputs["Steward secret"].input("s3cret")
    _form_submit(at, "Publish this inventory")
    assert not at.exception
    assert any(f"everyone now sees {MINI_PROJECTS} projects" in s.value for s in at.success)
    assert sql_rows(own_published, "select count(*) from projects")[0][0] == MINI_PROJECTS
    assert _banner(at) == ""
    # another session sees the new atlas
    assert metrics(_session(monkeypatch, own_published))[PROJECTS_METRIC] == str(MINI_PROJECTS)
    # roll back to the command line's version, with one form
    at.run()
    rollback = [s for s in at.selectbox if s.label == "Roll back to"][0]
    assert len(rollback.options) == 1
    inputs = {t.label: t for t in at.text_input}
    inputs["Your name (recorded with the rollback)"].input("Ana")
    at.text_input(key="rollback_secret").input("s3cret")
    _form_submit(at, "Roll back")
    assert not at.exception
    assert any("Rolled back" in s.value for s in at.success)
    assert sql_rows(own_published, "select count(*) from projects")[0][0] == 21


def test_idle_uploads_are_swept_when_pages_are_opened(monkeypatch, atlas_warehouse, tmp_path):
    """An upload whose session ended without its clean-up (a closed tab) is removed once
    it has been idle past the limit, even when nobody uploads again."""
    import os

    from dashboard import uploads
    from dashboard.ui import inventory as ui_inventory

    root = tmp_path / "uploads"
    monkeypatch.setenv("ATLAS_UPLOADS_DIR", str(root))
    idle = root / ("a" * 24)
    idle.mkdir(parents=True)
    (idle / uploads.MARKER).touch()
    recent = root / ("b" * 24)
    recent.mkdir()
    (recent / uploads.MARKER).touch()
    three_hours_ago = time.time() - 3 * 3600
    for path in (idle, idle / uploads.MARKER):
        os.utime(path, (three_hours_ago, three_hours_ago))
    monkeypatch.setattr(ui_inventory, "_last_sweep", 0.0)
    _session(monkeypatch, atlas_warehouse)
    assert not idle.exists() and recent.exists()
