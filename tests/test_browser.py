"""The real app in headless chromium: pages render, no console error, nothing leaves
localhost. Screenshots go to artifacts/screenshots/ (git-ignored) — look at them."""

from __future__ import annotations

import pytest
from browser_support import browser_page, screenshot, wait_rendered, wait_until

pytestmark = pytest.mark.browser


def test_overview_renders_offline(app_url, browser):
    with browser_page(browser) as (page, log):
        page.goto(app_url, wait_until="domcontentloaded")
        # often the session's first page of a fresh server (cold caches, cold browser):
        # as long as test_browser_first_visit allows; speed is measured in bench/
        page.get_by_text("Projects and programmes").wait_for(timeout=60_000)
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
        page.goto(
            app_url + "/?q=zzzz&region=africa&pillar=Social+dialogue", wait_until="domcontentloaded"
        )
        page.get_by_text("No projects or exchanges match").wait_for(timeout=30_000)
        wait_rendered(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        chips = sidebar.locator(".react-aria-ComboBox [data-tag]")  # chosen values
        # the widgets show the link (an old link's label too), and the URL now has codes
        assert chips.count() == 2
        wait_until(
            lambda: "pillar=social_dialogue" in page.evaluate("location.href"),
            what="codes in the URL",
        )
        screenshot(page, "overview_no_match")
        page.get_by_role("button", name="Clear all filters").first.click()
        page.get_by_text("Projects and programmes").wait_for(timeout=30_000)
        wait_rendered(page)
        first_metric = page.locator('[data-testid="stMetricValue"]').first.inner_text()
        url = page.url
        # the widgets are cleared too, not only the view: nothing comes back on the next change
        assert chips.count() == 0
        assert sidebar.get_by_label("Search", exact=True).input_value() == ""
        status = sidebar.get_by_role("combobox", name="Status")
        status.click()
        status.press_sequentially("Ongo")  # the list opens on typing
        page.get_by_role("option", name="Ongoing", exact=True).click()
        wait_until(
            lambda: "status=ongoing" in page.evaluate("location.href"),
            what="the new filter in the URL",
        )
        wait_rendered(page)
        after = page.evaluate("location.href")
        # the page links carry the filters (a link opened in a new tab keeps them)
        hrefs = wait_until(
            lambda: [
                h
                for h in sidebar.locator('[data-testid="stPageLink"] a').evaluate_all(
                    "links => links.map(a => a.href)"
                )
                if "status=ongoing" in h
            ],
            what="page links with the filters",
        )
        screenshot(page, "overview_after_clear")
    assert first_metric.strip() == "21"
    assert "q=" not in url and "region=" not in url and "pillar=" not in url
    assert "q=" not in after and "region=" not in after and "pillar=" not in after
    assert len(hrefs) == 7
    assert log.external_requests == []
    assert log.console_errors == []
