"""Projects and City-to-City pages in headless chromium on the real app: they render
(map canvas, Plotly SVG), log no console error and request nothing beyond localhost.
Screenshots: artifacts/screenshots/projects.png, exchanges.png — look at them."""

from __future__ import annotations

import pytest
from browser_support import browser_page, screenshot, wait_rendered

pytestmark = pytest.mark.browser

HAZELNUT = "tur-hazelnut-child-labour"
TIMEOUT = 45_000
# Tall viewports: the whole page in one screenshot (Streamlit scrolls inside the page).
# Viewport height: the page is scrolled inside Streamlit, so a taller viewport only makes
# software GL draw more; the checks find elements anywhere in the page.
PROJECTS_HEIGHT, EXCHANGES_HEIGHT = 1400, 1400


def _settle(page) -> None:
    wait_rendered(page, TIMEOUT)


def test_project_page_renders_its_detail_offline(app_url, browser):
    with browser_page(browser, height=PROJECTS_HEIGHT) as (page, log):
        page.goto(f"{app_url}/projects?project={HAZELNUT}", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Elimination of Worst Forms of Child Labour").wait_for(
            timeout=TIMEOUT
        )
        page.get_by_text("2012–2017").first.wait_for(timeout=TIMEOUT)
        page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(timeout=TIMEOUT)
        page.get_by_text("http://www.ilo.org/ankara/projects/WCMS_373426").first.wait_for(
            timeout=TIMEOUT
        )
        _settle(page)
        shot = screenshot(page, "projects")
        table_rows = page.locator('[data-testid="stDataFrame"]').first.get_attribute("class")
        url = page.url
        errors = log.console_errors  # base-path probe 404s are filtered by browser_support
    assert f"project={HAZELNUT}" in url
    assert table_rows is not None
    assert log.external_requests == []
    assert errors == []
    assert shot.stat().st_size > 50_000


def test_exchanges_page_renders_map_and_charts_offline(app_url, browser):
    with browser_page(browser, height=EXCHANGES_HEIGHT) as (page, log):
        page.goto(
            f"{app_url}/exchanges?exchange=mar-chefchaouen-2014-09-peer-learning",
            wait_until="domcontentloaded",
        )
        page.get_by_text("Network of host and participating cities and countries").wait_for(
            timeout=TIMEOUT
        )
        page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(timeout=TIMEOUT)
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=TIMEOUT)
        page.get_by_text("Participants — 9 countries").wait_for(timeout=TIMEOUT)
        _settle(page)
        shot = screenshot(page, "exchanges")
        plots = page.locator(".js-plotly-plot").count()
        errors = log.console_errors  # base-path probe 404s are filtered by browser_support
    assert plots >= 2  # exchanges in time + who took part in which
    assert log.external_requests == []
    assert errors == []
    assert shot.stat().st_size > 50_000
