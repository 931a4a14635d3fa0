"""The real app in headless chromium: pages render, no console error, nothing leaves
localhost. Screenshots go to artifacts/screenshots/ (git-ignored) — look at them."""

from __future__ import annotations

import pytest

from browser_support import browser_page, running_app, screenshot


@pytest.fixture(scope="module")
def app_url(atlas_warehouse):
    with running_app(atlas_warehouse) as base:
        yield base


def test_summary_page_renders_offline(app_url):
    with browser_page() as (page, log):
        page.goto(app_url, wait_until="domcontentloaded")
        page.get_by_text("Projects and programmes").wait_for(timeout=30_000)
        page.get_by_text("Projects by pillar and region").wait_for(timeout=30_000)
        page.wait_for_timeout(1500)
        shot = screenshot(page, "summary")
        metric = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert metric.strip() == "21"
    assert log.external_requests == []
    assert log.console_errors == []
    assert shot.stat().st_size > 10_000
