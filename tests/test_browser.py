"""The real app in headless chromium: pages render, no console error, nothing leaves
localhost. Screenshots go to artifacts/screenshots/ (git-ignored) — look at them."""

from __future__ import annotations

import pytest
from browser_support import browser_page, screenshot, wait_rendered

pytestmark = pytest.mark.browser


def test_overview_renders_offline(app_url, browser):
    with browser_page(browser) as (page, log):
        page.goto(app_url, wait_until="domcontentloaded")
        page.get_by_text("Projects and programmes").wait_for(timeout=30_000)
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        wait_rendered(page)
        shot = screenshot(page, "overview")
        first_metric = page.locator('[data-testid="stMetricValue"]').first.inner_text()
        bars = page.locator(".js-plotly-plot .bars .point").count()
    assert first_metric.strip() == "21"
    assert bars >= 8  # reported and documented bars for each region and year
    assert log.external_requests == []
    assert log.console_errors == []
    assert shot.stat().st_size > 10_000


def test_filters_from_a_link_and_clear_all(app_url, browser):
    with browser_page(browser) as (page, log):
        page.goto(app_url + "/?q=zzzz&region=africa", wait_until="domcontentloaded")
        page.get_by_text("No projects or exchanges match").wait_for(timeout=30_000)
        screenshot(page, "overview_no_match")
        page.get_by_role("button", name="Clear all filters").first.click()
        page.get_by_text("Projects and programmes").wait_for(timeout=30_000)
        wait_rendered(page)
        first_metric = page.locator('[data-testid="stMetricValue"]').first.inner_text()
        url = page.url
    assert first_metric.strip() == "21"
    assert "q=" not in url and "region=" not in url
    assert log.external_requests == []
    assert log.console_errors == []
