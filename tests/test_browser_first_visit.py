"""The very first request to a freshly started server, in headless chromium: the app's
own page list shows (never Streamlit's legacy list of the pages/ folder's file names,
not even for a moment), and a deep link lands on its page with its filters and record.
Each case starts its own server: only a fresh server shows the problem."""

from __future__ import annotations

import time

import pytest
from browser_support import browser_page, running_app, screenshot, wait_rendered

from dashboard.pages import PAGES

pytestmark = pytest.mark.browser

# Records every moment Streamlit's own page list is in the page, from the first byte.
LEGACY_NAV_WATCH = """
window.__legacyNav = [];
new MutationObserver(() => {
  const nav = document.querySelector('[data-testid="stSidebarNav"]');
  if (nav) window.__legacyNav.push(nav.innerText.slice(0, 200));
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.mark.parametrize(
    ("path", "expect_text"),
    [
        ("/", "Projects and programmes"),
        ("/timeline?region=africa", "Filtered by ILO region: Africa"),
    ],
    ids=["home", "timeline-deep-link"],
)
def test_first_visit_to_a_fresh_server_is_clean(atlas_warehouse, browser, path, expect_text):
    with running_app(atlas_warehouse) as base, browser_page(browser) as (page, log):
        page.add_init_script(LEGACY_NAV_WATCH)
        started = time.monotonic()
        page.goto(base + path, wait_until="domcontentloaded")
        page.get_by_text(expect_text).first.wait_for(timeout=60_000)
        wait_rendered(page)
        elapsed = time.monotonic() - started
        links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
        shown = [text.split("\n")[-1] for text in links.all_inner_texts()]
        legacy = page.evaluate("window.__legacyNav")
        # the shell (app.py) ran: the shared filters are in the sidebar
        page.locator('[data-testid="stSidebar"]').get_by_text("ILO region").wait_for()
        screenshot(page, f"first_visit_{path.strip('/').split('?')[0] or 'home'}")
        url = page.url
    assert legacy == [], legacy
    assert shown == [spec.title for spec in PAGES]
    assert url.startswith(base + path.split("?")[0])
    if "?" in path:
        assert path.split("?")[1] in url  # the link's filter or record is kept
    log.assert_clean()
    print(f"{path}: rendered {elapsed:.1f} s after the first request")  # bench/RESULTS.md
