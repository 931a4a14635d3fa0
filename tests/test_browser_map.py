"""The Map page in headless chromium: the deck.gl canvas really draws country polygons,
locality points and City-to-City arcs with no basemap, nothing leaves localhost, no
console error; choosing a country (chooser or click) narrows the list and goes into the
URL as its ISO3 code. Screenshots (look at them): artifacts/screenshots/map*.png."""

from __future__ import annotations

import io
import re

import pytest
from browser_support import (
    browser_page,
    click_with_time_held,
    next_frames,
    open_story_panel,
    screenshot,
    to_screen,
    wait_rendered,
    wait_until,
)
from PIL import Image, ImageChops
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from dashboard import theme
from dashboard.maps import decks, layers

pytestmark = pytest.mark.browser

TITLE = "Projects per country, localities and City-to-City exchanges"
TALL = 1500


def open_map(page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/map{query}", wait_until="domcontentloaded")
    page.get_by_text(TITLE).first.wait_for(timeout=45_000)
    page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(timeout=45_000)
    wait_rendered(page)


def canvas_box(page) -> dict:
    return page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.bounding_box()


def map_point(page, lon: float, lat: float) -> tuple[float, float]:
    """Where (lon, lat) is drawn in the world map's initial view."""
    return to_screen(canvas_box(page), lon, lat, decks.WORLD_VIEW)


def colour_counts(png: bytes, colours: dict[str, str], tolerance: int = 10) -> dict[str, int]:
    """How many pixels of the image are (close to) each named colour."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    targets = {name: layers.rgba(hex_)[:3] for name, hex_ in colours.items()}
    counts = dict.fromkeys(colours, 0)
    for n, (r, g, b) in image.getcolors(maxcolors=1 << 24):
        for name, (tr, tg, tb) in targets.items():
            if abs(r - tr) <= tolerance and abs(g - tg) <= tolerance and abs(b - tb) <= tolerance:
                counts[name] += n
    return counts


def hover_until_tooltip(page, lon: float, lat: float, text: str) -> None:
    """Hover a place and wait for deck.gl's tooltip to name it: the pick has been made
    and drawn (a state), so a click that follows hits the same object."""
    page.mouse.move(*map_point(page, lon, lat))
    page.locator(".deck-tooltip").get_by_text(text, exact=False).first.wait_for(timeout=30_000)
    next_frames(page)


def test_map_draws_offline_and_narrows_by_country(app_url, browser):
    with browser_page(browser, height=TALL) as (page, log):
        open_map(page, app_url)
        assert page.get_by_text("21 projects in this view").count() == 1
        assert page.locator('[data-testid="stSidebar"]').get_by_text("ILO region").count() == 1
        palette = {
            "no project": layers.NO_PROJECT_FILL,
            **{f"ramp {i}": c for i, c in enumerate(layers.COUNT_RAMP)},
            **{p: theme.PILLAR_COLOURS[p] for p in theme.PILLAR_ORDER},
            "host": theme.ROLE_COLOURS["host"],
        }
        canvas = page.locator('[data-testid="stDeckGlJsonChart"]').first

        def drawn() -> dict | None:
            found = colour_counts(canvas.screenshot(), palette)
            complete = (
                found["no project"] > 50_000  # the world outline, without a basemap
                and sum(v for k, v in found.items() if k.startswith("ramp")) > 2_000
                and all(found[p] > 30 for p in theme.PILLAR_ORDER)  # locality points
                and found["host"] > 30  # arcs and host rings
            )
            return found if complete else None

        wait_until(drawn, timeout=45, what="the map's countries, points and arcs drawn")
        shot = screenshot(page, "map")

        # hover: the tooltip names the country and its projects
        hover_until_tooltip(page, -53.0, -6.0, "Bolsa Verde provides social")  # in Brazil
        # the chooser does the same
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Focus country").click()
        page.keyboard.type("Philippines")  # the option list is virtualised: filter it
        page.get_by_role("option", name="Philippines (4 projects)").click()
        page.get_by_text("4 projects in Philippines").wait_for(timeout=20_000)
        page.wait_for_url(re.compile(r"country_focus=PHL(&|$)"), timeout=20_000)
        expect(page.locator(".atlas-map-item")).to_have_count(4, timeout=20_000)
    assert log.external_requests == []
    assert log.console_errors == []
    assert shot.stat().st_size > 50_000


def test_clicking_a_country_narrows_the_list(app_url, browser):
    """No retry and no timed pause: hover until deck.gl has picked Brazil (its tooltip
    shows), click (see click_with_time_held: software GL picks too slowly for deck.gl's
    250 ms click window), then wait for the page's own state (the URL and the list).
    The click logic itself is tested without a browser in test_page_map."""
    with browser_page(browser, height=TALL) as (page, log):
        open_map(page, app_url)
        hover_until_tooltip(page, -53.0, -6.0, "Bolsa Verde provides social")  # in Brazil
        click_with_time_held(page, *map_point(page, -53.0, -6.0))
        page.wait_for_url(re.compile(r"country_focus=BRA(&|$)"), timeout=30_000)
        page.get_by_text("3 projects in Brazil").wait_for(timeout=30_000)
        listed = page.locator(".atlas-map-item")
        expect(listed).to_have_count(3, timeout=20_000)  # the rerun replaces the list
        titles = page.locator('[data-testid="stPageLink"] a[href*="project="]')
        assert any("Bolsa Verde" in text for text in titles.all_inner_texts())
        screenshot(page, "map_brazil")
    log.assert_clean()


def test_map_link_with_filters_and_country(app_url, browser):
    with browser_page(browser, height=TALL) as (page, log):
        open_map(page, app_url, "?region=africa&country_focus=KEN")
        page.get_by_text("1 project in Kenya").wait_for(timeout=30_000)
        assert page.get_by_text("Filtered by ILO region: Africa").count() == 1
        # the link keeps the filters and the code (no label rewritten into it)
        page.wait_for_url(re.compile(r"region=africa"), timeout=20_000)
        assert "country_focus=KEN" in page.url
        screenshot(page, "map_africa_kenya")
        canvas_png = page.locator('[data-testid="stDeckGlJsonChart"]').first.screenshot()
        found = colour_counts(canvas_png, {"brazil shade": layers.count_colour(3, 3)})
        assert found["brazil shade"] < 200  # Brazil is not shaded under region=africa
    assert log.external_requests == []
    assert log.console_errors == []


def test_an_older_link_with_a_label_still_opens_its_country(app_url, browser):
    with browser_page(browser, height=TALL) as (page, log):
        open_map(page, app_url, "?country_focus=Brazil+%2817+projects%29")
        page.get_by_text("3 projects in Brazil").wait_for(timeout=30_000)
        page.wait_for_url(re.compile(r"country_focus=BRA(&|$)"), timeout=20_000)
        expect(page.locator(".atlas-map-item")).to_have_count(3, timeout=20_000)
    assert log.external_requests == []
    assert log.console_errors == []


def test_a_project_in_the_list_opens_in_the_same_session(app_url, browser):
    """The list's links navigate inside the app: a full page load would start a new
    session and drop the session's story (and its own inventory)."""
    with browser_page(browser, height=TALL) as (page, log):
        open_map(page, app_url, "?region=africa")
        sidebar = page.locator('[data-testid="stSidebar"]')
        open_story_panel(sidebar)
        sidebar.get_by_role("button", name="Add this view to the story").click()
        play = sidebar.get_by_role("button", name="Play the story")  # a story with steps
        wait_until(lambda: play.count() == 1, what="added")
        wait_rendered(page)
        listed = page.locator('[data-testid="stPageLink"] a[href*="project="]').first
        listed.click()
        wait_until(lambda: "/projects?" in page.evaluate("location.href"), what="Projects")
        assert "region=africa" in page.evaluate("location.href")  # the filters stay
        wait_rendered(page)
        # the session stayed (its story), and the Story panel stayed open
        assert play.count() == 1
        log.assert_clean()


def _changed_share(first: bytes, second: bytes) -> float:
    """The share of pixels that differ between two same-size screenshots."""
    a, b = (Image.open(io.BytesIO(png)).convert("RGB") for png in (first, second))
    if a.size != b.size:
        return 1.0
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 16 else 0)
    return sum(diff.histogram()[255:]) / (a.size[0] * a.size[1])


SCROLLED = """() => Math.max(window.scrollY,
    ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
        .map((el) => el.scrollTop))"""


def test_the_wheel_scrolls_the_page_never_the_map_and_the_buttons_zoom_it(app_url, browser):
    """Scrolling past the map with the wheel once zoomed it out by accident: the wheel
    now scrolls the page and leaves the map as it was; the Zoom in and Reset view buttons
    change it and bring it back."""
    with browser_page(browser, width=1400, height=900) as (page, log):
        open_map(page, app_url)
        canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
        away = page.locator('[data-testid="stSidebar"]')

        def picture() -> bytes:
            """The map as drawn now; a map being redrawn (a button's rerun replaces its
            canvas) is waited for, not a failure (CI, 2026-12-03: "not attached")."""

            def drawn() -> bytes | None:
                away.hover()  # no country highlighted under the pointer
                next_frames(page, 4)
                try:
                    return canvas.screenshot(timeout=5_000)
                except PlaywrightError as exc:
                    if "not attached" in str(exc):
                        return None  # look again at the new canvas
                    raise

            return wait_until(drawn, what="the map drawn")

        before = picture()
        box = canvas_box(page)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(4):
            page.mouse.wheel(0, 300)
        wait_until(lambda: page.evaluate(SCROLLED) > 0, what="the page scrolled")
        assert _changed_share(before, picture()) < 0.01, "the wheel changed the map"

        page.get_by_role("button", name="Zoom in").first.click()
        wait_rendered(page)
        zoomed = picture()
        assert _changed_share(before, zoomed) > 0.2, "Zoom in did not change the map"
        page.get_by_role("button", name="Reset view").first.click()
        wait_rendered(page)
        wait_until(lambda: _changed_share(before, picture()) < 0.01, what="the first view back")
        screenshot(page, "map_after_wheel")
        log.assert_clean()
