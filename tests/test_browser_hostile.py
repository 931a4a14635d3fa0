"""The hostile catalogue (tests/hostile_catalogue.py) in headless chromium: every page,
every detail view and the map tooltips show its text as typed, and none of it runs —
no dialog (every payload calls alert), no request leaving localhost (the markdown
image points outside), no console error (an injected <img src=x> would log a 404).
Screenshots: artifacts/screenshots/hostile_*.png."""

from __future__ import annotations

import pytest
from browser_support import (
    browser_page,
    next_frames,
    running_app,
    screenshot,
    to_screen,
    wait_rendered,
)
from conftest import quiet
from hostile_catalogue import BRACES, IMG, MD_IMAGE, write_hostile_catalogue

from dashboard.maps import decks
from dashboard.pages import PAGES
from dashboard.ui.pickers import _SCROLL_TO_RECORD
from etl.build import build

pytestmark = pytest.mark.browser

SCREENSHOTS = {"", "timeline", "pillars", "projects?project=hostile-script", "data"}
DETAIL_VIEWS = [
    "projects?project=hostile-script",
    "projects?project=hostile-braces",
    "projects?project=hostile-long",
    "exchanges?exchange=hostile-exchange",
]


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-browser")
    warehouse = root / "warehouse"
    build(write_hostile_catalogue(root / "catalogue"), warehouse, progress=quiet)
    with running_app(warehouse) as base:
        yield base


def open_and_settle(page, url: str, title: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=60_000)
    wait_rendered(page)


@pytest.mark.parametrize(
    "path", [spec.path for spec in PAGES] + DETAIL_VIEWS, ids=lambda p: p or "overview"
)
def test_hostile_text_never_runs(hostile_url, path, browser):
    page_path = path.split("?")[0]
    (spec,) = [s for s in PAGES if s.path == page_path]
    title = "Local Decent Work Atlas" if spec.path == "" else None
    with browser_page(browser, height=1400) as (page, log):
        page.goto(f"{hostile_url}/{path}", wait_until="domcontentloaded")
        page.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for(timeout=60_000)
        if title:
            page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
        wait_rendered(page)
        main = page.locator('[data-testid="stMain"]')
        # nothing the catalogue holds became an element
        assert main.locator("iframe, img[src='x'], svg[onload]").count() == 0
        # the one script a page may hold is the app's own (a record link's scroll)
        own = _SCROLL_TO_RECORD.removeprefix("<script>").removesuffix("</script>").strip()
        assert all(text.strip() == own for text in main.locator("script").all_text_contents())
        assert page.locator("a[href^='javascript:' i]").count() == 0
        if path in SCREENSHOTS:  # a screenshot of a map costs seconds under software GL
            screenshot(page, f"hostile_{(path or 'overview').replace('?', '_').replace('=', '-')}")
        if "project=hostile-script" in path:
            # the text is on the page, as typed
            assert page.get_by_text(IMG, exact=False).count() >= 1
            assert page.get_by_text(MD_IMAGE, exact=False).count() >= 1
    log.assert_clean()


def test_map_tooltip_shows_hostile_place_names_as_text(hostile_url, browser):
    with browser_page(browser, height=1400) as (page, log):
        open_and_settle(page, f"{hostile_url}/map", "Map")
        canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
        canvas.wait_for(timeout=60_000)
        box = canvas.bounding_box()
        tooltip = page.locator(".deck-tooltip")
        for (lon, lat), shown in (
            ((-48.50444, -1.45583), IMG),  # Belém, named with an <img> tag
            ((36.81667, -1.28333), BRACES),  # Nairobi, named "{title} {name} {projects}"
        ):
            x, y = to_screen(box, lon, lat, decks.WORLD_VIEW)
            page.mouse.move(x - 3, y - 3)  # a first move, so the next one is a hover
            next_frames(page)
            page.mouse.move(x, y)
            page.wait_for_function(
                "(shown) => { const t = document.querySelector('.deck-tooltip');"
                " return t && t.innerText.replaceAll('\\u2060', '').includes(shown); }",
                arg=shown,
                timeout=30_000,
            )
            assert tooltip.locator("img, script, svg").count() == 0  # text, not elements
            screenshot(page, f"hostile_map_tooltip_{'img' if shown == IMG else 'braces'}")
    log.assert_clean()
