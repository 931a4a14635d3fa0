"""The Timeline and Pillars pages in headless chromium: the Plotly charts draw, nothing
leaves localhost, no console error. Screenshots (look at them):
artifacts/screenshots/timeline.png and artifacts/screenshots/pillars.png."""

from __future__ import annotations

import re

import pytest
from browser_support import browser_page, next_frames, screenshot, wait_rendered

pytestmark = pytest.mark.browser

PLOT = ".js-plotly-plot"
TALL = 1400
# On a page URL (/timeline) Streamlit's frontend first probes for a base path under the
# page (/timeline/_stcore/health, /timeline/_stcore/host-config), gets 404 and falls back
# to /_stcore/...: the browser logs "Failed to load resource" for each. Nothing else may fail.
BASE_PATH_PROBE = re.compile(r"/(timeline|pillars)/_stcore/(health|host-config)$")


def open_page(page, url: str) -> list[tuple[int, str]]:
    failed: list[tuple[int, str]] = []
    page.on("response", lambda r: r.status >= 400 and failed.append((r.status, r.url)))
    page.goto(url, wait_until="domcontentloaded")
    return failed


def wait_for_plots(page, count: int) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('{PLOT} .main-svg').length >= {count}", timeout=45_000
    )
    wait_rendered(page)


def whole_page_screenshot(page, name: str):
    """Streamlit scrolls inside its own container, so a "full page" screenshot is only as
    tall as the viewport: grow the viewport to the content first."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1600, "height": min(int(height) + 40, 8000)})
    wait_rendered(page)
    next_frames(page, 10)  # Plotly redraws on resize
    return screenshot(page, name)


def assert_clean(log, failed) -> None:
    assert log.external_requests == []
    unexpected = [(s, u) for s, u in failed if not (s == 404 and BASE_PATH_PROBE.search(u))]
    assert unexpected == []
    assert log.console_errors == []
    assert len(log.ignored_probes) == len(failed)  # only the base-path probes failed


def test_timeline_renders_offline(app_url, browser):
    with browser_page(browser, height=TALL) as (page, log):
        failed = open_page(page, f"{app_url}/timeline")
        page.get_by_text("Projects active per year").wait_for(timeout=45_000)
        wait_for_plots(page, 3)
        plots = page.locator(PLOT)
        assert plots.count() == 3
        per_year, gantt, exchanges = (plots.nth(i).inner_text() for i in range(3))
        # the per-year chart's legend sits in its left margin, its names in lines
        legend = (
            plots.nth(0)
            .locator(".legendtext")
            .evaluate_all(
                "texts => texts.map(t => [...t.querySelectorAll('tspan.line')]"
                ".map(l => l.textContent).join(' ') || t.textContent)"
            )
        )
        assert "Reported by the publication (PARDEV 2014)" in legend
        assert "Fundamental principles and rights at work" in legend
        # ...filling the strip left of the plot, which was blank (40% of the chart)
        legend_box = plots.nth(0).locator("g.legend").bounding_box()
        plot_box = plots.nth(0).locator("rect.nsewdrag").first.bounding_box()
        assert legend_box["x"] + legend_box["width"] < plot_box["x"] - 40
        assert legend_box["y"] >= plot_box["y"] - 5  # beside the plot, not above it
        assert "Upgrading an unplanned urban settlement" in gantt
        assert "Ongoing (open end)" in gantt
        assert "Chefchaouen, Morocco" in exchanges and "Planned" in exchanges
        assert page.get_by_text("Years not reported").count() == 1
        assert page.locator('[data-testid="stSidebar"]').get_by_text("ILO region").count() == 1
        shot = whole_page_screenshot(page, "timeline")
        # "Colour by: Region" redraws the per-year chart by region and goes into the URL.
        page.get_by_role("radio", name="Region", exact=True).click()
        page.wait_for_url(re.compile(r"stack=region"), timeout=20_000)
        page.wait_for_function(
            f"document.querySelector('{PLOT}').innerText.includes('Asia and the Pacific')",
            timeout=20_000,
        )
        assert "Social dialogue" not in plots.nth(0).inner_text()
    assert_clean(log, failed)
    assert shot.stat().st_size > 50_000


def test_pillars_renders_offline(app_url, browser):
    with browser_page(browser, height=TALL) as (page, log):
        failed = open_page(page, f"{app_url}/pillars")
        page.get_by_text("Cross-tab: pillar × region").wait_for(timeout=45_000)
        wait_for_plots(page, 5)
        plots = page.locator(PLOT)
        assert plots.count() == 5
        first = plots.nth(0).inner_text()
        assert "Employment creation and sustainable enterprises" in first
        assert "Asia and the Pacific" in first
        assert "local economic development" in plots.nth(1).inner_text()
        assert "UN agency" in plots.nth(3).inner_text()
        shot = whole_page_screenshot(page, "pillars")
    assert_clean(log, failed)
    assert shot.stat().st_size > 50_000
