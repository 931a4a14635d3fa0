"""Bring your own inventory with only a browser: upload one with mistakes and see every
mistake with its row and column, upload a corrected one and explore it, while another
session still sees the published atlas; then one click back."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from browser_support import browser_page, screenshot, wait_rendered, wait_until
from conftest import MINI, MINI_PROJECTS, edited_mini

pytestmark = pytest.mark.browser


def _first_metric(page) -> str:
    return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def _broken_copy(tmp_path: Path) -> list[Path]:
    """The mini catalogue with a bad year in row 2 and an unknown region in row 3."""
    edits = {(0, "start_year"): "20x5", (1, "region"): "Atlantis"}
    return sorted(edited_mini(tmp_path / "broken", edits).glob("*.csv"))


def _upload(page, files: list[Path]) -> None:
    main = page.locator('[data-testid="stMainBlockContainer"]')
    main.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        [str(f) for f in files]
    )
    button = page.get_by_role("button", name="Check and explore")
    wait_until(lambda: button.is_enabled(), what="the files received")
    button.click()


def test_an_inventory_is_checked_then_explored_in_one_session_only(app_url, browser, tmp_path):
    uploads = Path(os.environ["ATLAS_UPLOADS_DIR"])  # the app's too (conftest)

    def folders() -> set[Path]:
        return {d for d in uploads.iterdir() if d.is_dir()} if uploads.is_dir() else set()

    before = folders()
    with browser_page(browser, width=1400, height=1000) as (page, log):
        page.goto(f"{app_url}/data", wait_until="domcontentloaded")
        wait_rendered(page)
        page.get_by_text("Explore your own inventory").scroll_into_view_if_needed()
        _upload(page, _broken_copy(tmp_path))
        error = page.get_by_text("problems in", exact=False).first
        error.wait_for(timeout=90_000)
        assert "nothing was loaded" in error.inner_text()
        screenshot(page, "upload_problems")
        with page.expect_download(timeout=30_000) as download:
            page.get_by_role("button", name="Problems (CSV)").click()
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
        found = {(r["file"], r["row"], r["column"]) for r in rows}
        assert ("projects.csv", "2", "start_year") in found
        assert ("projects.csv", "3", "region") in found
        assert folders() == before  # a refused upload leaves nothing behind
        # the corrected inventory: the whole app switches to it, in this session
        _upload(page, sorted(MINI.glob("*.csv")))
        banner = page.get_by_text("Your inventory:", exact=False).first
        banner.wait_for(timeout=90_000)
        assert f"{MINI_PROJECTS} projects — not the published atlas" in banner.inner_text()
        page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a').first.click()
        wait_until(lambda: _first_metric(page) == str(MINI_PROJECTS), what="the inventory's count")
        wait_rendered(page)
        screenshot(page, "upload_explored_overview")
        # a colleague, in another session, still sees the published atlas
        with browser_page(browser, width=1400, height=1000) as (other, other_log):
            other.goto(app_url, wait_until="domcontentloaded")
            wait_rendered(other)
            assert _first_metric(other) == "21"
            assert other.get_by_text("Your inventory:", exact=False).count() == 0
            other_log.assert_clean()
        mine = folders() - before
        assert len(mine) == 1
        page.get_by_role("button", name="Back to the published atlas").click()
        wait_until(lambda: _first_metric(page) == "21", what="the published atlas again")
        assert not any(folder.exists() for folder in mine)  # its files are removed
        assert page.get_by_text("Your inventory:", exact=False).count() == 0
        log.assert_clean()
    assert log.external_requests == []


def test_a_steward_publishes_after_the_diff_then_rolls_back(browser, tmp_path, monkeypatch):
    """On a server of its own (publishing replaces its warehouse), with a steward secret."""
    from browser_support import running_app
    from conftest import CATALOGUE, quiet

    from etl.build import build

    published = tmp_path / "published"
    build(CATALOGUE, published, progress=quiet)
    monkeypatch.setenv("ATLAS_STEWARD_SECRET", "forum-2026")
    monkeypatch.setenv("ATLAS_VERSIONS_DIR", str(tmp_path / "versions"))
    with running_app(published) as base, browser_page(browser, 1400, 1000) as (page, log):
        page.goto(f"{base}/data", wait_until="domcontentloaded")
        wait_rendered(page)
        _upload(page, sorted(MINI.glob("*.csv")))
        page.get_by_text("Your inventory:", exact=False).first.wait_for(timeout=90_000)
        wait_rendered(page)
        diff = page.get_by_text("added ·", exact=False).first
        diff.scroll_into_view_if_needed()
        assert "removed" in diff.inner_text()
        form = page.locator('[data-testid="stForm"]').first
        form.get_by_label("Your name (recorded with the publication)").fill("Ana Steward")
        form.get_by_label("Steward secret").fill("wrong")
        form.get_by_role("button", name="Publish this inventory").click()
        page.get_by_text("wrong steward secret", exact=False).wait_for(timeout=30_000)
        form.get_by_label("Your name (recorded with the publication)").fill("Ana Steward")
        form.get_by_label("Steward secret").fill("forum-2026")
        form.get_by_role("button", name="Publish this inventory").click()
        page.get_by_text("everyone now sees", exact=False).wait_for(timeout=60_000)
        wait_rendered(page)
        screenshot(page, "steward_published")
        with browser_page(browser, 1400, 1000) as (other, _other_log):
            other.goto(base, wait_until="domcontentloaded")
            wait_rendered(other)
            assert _first_metric(other) == str(MINI_PROJECTS)  # everyone sees it
        rollback = page.locator('[data-testid="stForm"]').last
        rollback.scroll_into_view_if_needed()
        rollback.get_by_label("Your name (recorded with the rollback)").fill("Ana Steward")
        rollback.get_by_label("Steward secret").fill("forum-2026")
        rollback.get_by_role("button", name="Roll back").click()
        page.get_by_text("Rolled back", exact=False).wait_for(timeout=60_000)
        screenshot(page, "steward_rolled_back")
        log.assert_clean()
    import json

    actions = [
        json.loads(line)["action"]
        for line in (tmp_path / "versions" / "audit.log").read_text().splitlines()
    ]
    assert actions == ["refused", "publish", "rollback"]
    from conftest import sql_rows

    assert sql_rows(published, "select count(*) from projects")[0][0] == 21
