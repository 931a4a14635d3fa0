"""Nothing a page shows is cut, at the widths of a presenter's laptop (1280 and 1400 px,
sidebar open): no metric label or value, caption, heading, label, button or placeholder
ends in "…" or runs past its box, and no table hides columns beyond its right edge
(the reader once saw only "Project" of a six-column table). Screenshots:
artifacts/screenshots/layout_<page>_<width>.png — look at them."""

from __future__ import annotations

import pytest
from browser_support import browser_page, next_frames, screenshot, wait_rendered

pytestmark = pytest.mark.browser

PAGES = ("", "map", "timeline", "pillars", "projects", "exchanges", "data")

# Every element that shows text in a box it could overflow, and the data grids' scrollers.
CUT = """() => {
  const cut = [];
  const texts = [
    '[data-testid="stMetricLabel"] *', '[data-testid="stMetricValue"]',
    '[data-testid="stMetricValue"] *', '[data-testid="stCaptionContainer"]',
    '[data-testid="stCaptionContainer"] *', '[data-testid="stMarkdownContainer"] *',
    'summary', 'summary *', 'button', 'button *', 'label', 'label *',
    '[data-testid="stTab"] *', 'h1', 'h2', 'h3', 'h4',
  ].join(',');
  const shown = (el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden';
  for (const el of document.querySelectorAll(texts)) {
    if (!shown(el) || el.tagName === 'INPUT' || el.clientWidth <= 2) continue;
    const style = getComputedStyle(el);
    const clips = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
    if (clips && el.scrollWidth > el.clientWidth + 1) {
      const text = (el.innerText || '').trim().slice(0, 50);
      cut.push(`"${text}" needs ${el.scrollWidth} px, has ${el.clientWidth}`);
    }
  }
  const measure = document.createElement('canvas').getContext('2d');
  for (const input of document.querySelectorAll('input[placeholder]')) {
    if (!shown(input) || !input.placeholder) continue;
    const style = getComputedStyle(input);
    measure.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (measure.measureText(input.placeholder).width > room + 1) {
      cut.push(`placeholder "${input.placeholder}" is cut`);
    }
  }
  // a choice of a segmented control or pills, hidden by a too narrow column around it
  for (const button of document.querySelectorAll('[data-testid="stButtonGroup"] button')) {
    if (!shown(button)) continue;
    const right = button.getBoundingClientRect().right;
    let seen = right;
    for (let up = button.parentElement; up; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') {
        seen = Math.min(seen, up.getBoundingClientRect().right);
      }
    }
    if (seen < right - 1) {
      cut.push(`choice "${button.innerText.trim()}" shows ${Math.round(seen - right)} px`);
    }
  }
  for (const grid of document.querySelectorAll('.dvn-scroller')) {
    if (shown(grid) && grid.scrollWidth > grid.clientWidth + 1) {
      const table = grid.closest('[data-testid="stDataFrame"]');
      const heading = table ? table.getAttribute('aria-label') || '' : '';
      cut.push(`a table ${heading} hides ${grid.scrollWidth - grid.clientWidth} px of columns`);
    }
  }
  return cut;
}"""


@pytest.mark.parametrize("width", [1280, 1400])
def test_nothing_on_any_page_is_cut(app_url, browser, width):
    found = {}
    for name in PAGES:
        with browser_page(browser, width=width, height=900) as (page, log):
            page.goto(f"{app_url}/{name}", wait_until="domcontentloaded")
            wait_rendered(page, timeout=90_000)
            cut = page.evaluate(CUT)
            screenshot(page, f"layout_{name or 'overview'}_{width}")
            # every chart's Table tab too (a table in half a row was fitted to a whole one)
            tabs = page.get_by_role("tab", name="Table", exact=True)
            for i in range(tabs.count()):
                tabs.nth(i).click()  # built when opened: the i-th table arrives
                page.locator('[role="tabpanel"] [data-testid="stDataFrame"]').nth(i).wait_for()
                next_frames(page, 3)
                cut += [f"Table tab {i + 1}: {c}" for c in page.evaluate(CUT) if c not in cut]
            log.assert_clean()
        if cut:
            found[name or "overview"] = cut
    assert not found, found


def test_the_timeline_choices_wrap_on_a_narrow_screen(app_url, browser):
    """At 800 px with the sidebar open (a small projector), "Count projects" and "Colour
    by" go one under the other rather than cutting "Starting" and "Region" (they sat
    in fixed-width columns)."""
    with browser_page(browser, width=800, height=768) as (page, log):
        page.goto(f"{app_url}/timeline", wait_until="domcontentloaded")
        wait_rendered(page, timeout=90_000)
        for choice in ("Active", "Starting", "Pillar", "Region"):
            group = page.locator('[data-testid="stButtonGroup"] button')
            group.filter(has_text=choice).first.wait_for()
        screenshot(page, "layout_timeline_800")
        assert page.evaluate(CUT) == []
        log.assert_clean()


CHART_TEXT_SIZES = """() => [...document.querySelectorAll(
    '[data-testid="stPlotlyChart"] .main-svg :is(.xtick, .ytick, .legendtext, .annotation-text,'
    + ' .g-xtitle, .g-ytitle) text, [data-testid="stPlotlyChart"] .main-svg text.legendtext')]
  .filter((t) => t.getClientRects().length && t.textContent.trim())
  .map((t) => [t.textContent.trim().slice(0, 30), parseFloat(getComputedStyle(t).fontSize)])"""


@pytest.mark.parametrize("path", ["timeline", "pillars"])
def test_presentation_mode_is_readable_from_the_back_of_the_room(app_url, browser, path):
    """At 1920 × 1080, presentation mode draws chart text (ticks, legends, labels) at
    20 px or more, and the headline figures large (they were about 12 px)."""
    with browser_page(browser, width=1920, height=1080) as (page, log):
        page.goto(f"{app_url}/{path}?present=true", wait_until="domcontentloaded")
        wait_rendered(page, timeout=90_000)
        sizes = page.evaluate(CHART_TEXT_SIZES)
        screenshot(page, f"presenting_{path}_1920")
        log.assert_clean()
    assert len(sizes) > 5, "no chart text found"
    small = [(text, size) for text, size in sizes if size < 20]
    assert not small, small


def test_presentation_mode_shows_large_headline_figures(app_url, browser):
    with browser_page(browser, width=1920, height=1080) as (page, log):
        page.goto(f"{app_url}/?present=true", wait_until="domcontentloaded")
        wait_rendered(page, timeout=90_000)
        size = page.evaluate(
            """() => parseFloat(getComputedStyle(
                document.querySelector('[data-testid="stMetricValue"]')).fontSize)"""
        )
        log.assert_clean()
    assert size >= 40


def test_presentation_mode_switched_on_by_hand_can_be_switched_off_again(app_url, browser):
    """QA: switching presentation mode on hid Streamlit's header, and with it the
    sidebar's arrow, so there was no way back to the filters or out of the mode but
    editing the URL. Then, once the reader had reopened the sidebar, Streamlit kept it
    open in that browser and the mode no longer closed it (a rehearsal broke the talk).
    Every switch on closes the sidebar, the arrow stays, and every switch off opens it."""
    with browser_page(browser, width=1400, height=900) as (page, log):
        page.goto(f"{app_url}/timeline", wait_until="domcontentloaded")
        wait_rendered(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        toggle = sidebar.get_by_role("switch", name="Presentation mode")
        label = sidebar.get_by_text("Presentation mode")  # its label takes the click
        arrow = page.locator('[data-testid="stExpandSidebarButton"]')
        collapsed = '[data-testid="stSidebar"][data-collapsed="{}"]'
        for attempt in range(2):  # the second time, after the reader reopened it by hand
            label.click()
            page.wait_for_function("location.href.includes('present=true')")
            page.locator(collapsed.format("true")).wait_for(state="attached", timeout=30_000)
            wait_rendered(page)
            arrow.wait_for(state="visible", timeout=30_000)
            header = page.locator('[data-testid="stHeader"]')  # no bar: the arrow alone
            assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
            under = "() => !!document.elementFromPoint(400, 40).closest('[data-testid=stHeader]')"
            assert not page.evaluate(under)  # the page under it takes clicks, not the header
            screenshot(page, f"presenting_by_hand_arrow_{attempt}")
            arrow.click()  # the reader opens the sidebar again, and switches the mode off
            label.wait_for(state="visible", timeout=30_000)
            label.click()
            page.wait_for_function("!location.href.includes('present=true')")
            wait_rendered(page)
            assert not toggle.is_checked()
            page.locator(collapsed.format("false")).wait_for(state="attached", timeout=30_000)
        log.assert_clean()
