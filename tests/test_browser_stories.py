"""A presenter plays a shipped story in the browser with the arrow keys; each step has
its own URL, and the story's slides download as a PPTX."""

from __future__ import annotations

import io

import pytest
from browser_support import (
    browser_page,
    open_story_panel,
    screenshot,
    wait_rendered,
    wait_until,
)

pytestmark = pytest.mark.browser


def _step(page) -> str:
    return page.evaluate("new URLSearchParams(location.search).get('step') || ''")


def test_a_story_plays_with_the_arrow_keys_and_downloads_as_slides(app_url, browser):
    with browser_page(browser, width=1920, height=1080) as (page, log):
        page.goto(f"{app_url}/?story=city-to-city", wait_until="domcontentloaded")
        wait_until(lambda: _step(page) == "1", what="step 1 in the URL")
        wait_rendered(page)
        player = page.locator(".st-key-story_player")
        assert "step 1 of 5" in player.inner_text()
        toggle = page.get_by_role("switch", name="Presentation mode")
        assert toggle.is_checked()  # played in presentation mode
        screenshot(page, "story_step_1")
        page.locator("body").focus()
        page.keyboard.press("ArrowRight")
        wait_until(lambda: _step(page) == "2", what="step 2 after ArrowRight")
        wait_rendered(page)
        assert "exchange=moz-maputo-2012-11-peer-learning" in page.evaluate("location.href")
        assert "Maputo, November 2012" in player.inner_text()
        screenshot(page, "story_step_2")
        page.locator("body").focus()
        page.keyboard.press("ArrowRight")
        wait_until(lambda: _step(page) == "3", what="step 3")
        wait_rendered(page)
        page.locator("body").focus()
        page.keyboard.press("ArrowLeft")
        wait_until(lambda: _step(page) == "2", what="back to step 2 with ArrowLeft")
        wait_rendered(page)
        step_two = page.evaluate("location.href")
        # the sidebar's story panel offers the deck
        page.locator(".st-key-story_stop button").click()  # not Streamlit's own "Stop"
        wait_until(lambda: "story=" not in page.evaluate("location.href"), what="the story stopped")
        wait_rendered(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        if not sidebar.is_visible():
            page.locator('[data-testid="stExpandSidebarButton"]').click()
        open_story_panel(sidebar)
        with page.expect_download(timeout=180_000) as download:
            sidebar.get_by_role("button", name="Slides (PPTX)").click()
        deck = download.value
        assert deck.suggested_filename == "city-to-city.pptx"
        with open(deck.path(), "rb") as handle:
            data = handle.read()
        log.assert_clean()
    # a step's URL opens that step for anyone
    with browser_page(browser, width=1400, height=900) as (other, other_log):
        other.goto(step_two, wait_until="domcontentloaded")
        wait_rendered(other)
        assert "step 2 of 5" in other.locator(".st-key-story_player").inner_text()
        other_log.assert_clean()
    from pptx import Presentation

    assert len(Presentation(io.BytesIO(data)).slides) == 6  # a cover and five steps


def test_a_story_built_in_the_browser_is_shared_by_its_link(app_url, browser):
    """A presenter builds a story, copies its link from the story panel; a colleague
    opens that link in another browser and plays it."""
    with browser_page(browser, width=1400, height=900) as (page, log):
        page.goto(f"{app_url}/timeline?region=africa", wait_until="domcontentloaded")
        wait_rendered(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        open_story_panel(sidebar)
        sidebar.get_by_label("Step title").fill("Africa, year by year")
        sidebar.get_by_label("Caption").fill("Projects starting each year.")
        sidebar.get_by_role("button", name="Add this view to the story").click()
        play = sidebar.get_by_role("button", name="Play the story")  # a story with steps
        wait_until(lambda: play.count() == 1, what="added")
        wait_rendered(page)
        assert sidebar.get_by_label("Step title").is_visible()  # the panel stays open
        code = sidebar.locator('[data-testid="stCode"] code')
        wait_until(lambda: "story_data=" in (code.text_content() or ""), what="the link")
        link = code.text_content().strip()
        assert link.startswith(app_url + "/timeline?") and "story_data=" in link
        screenshot(page, "story_link_in_panel")
        log.assert_clean()
    # another browser (its own storage: Streamlit remembers a sidebar opened by hand)
    colleague = browser.browser.new_context()
    try:
        _open_shared_link(colleague, link)
    finally:
        colleague.close()


def _open_shared_link(context, link: str) -> None:
    with browser_page(context, width=1400, height=900) as (other, other_log):
        other.goto(link, wait_until="domcontentloaded")
        wait_rendered(other)
        player = other.locator(".st-key-story_player")
        wait_until(lambda: player.count() == 1, what="the story's player")
        assert "step 1 of 1" in player.inner_text()
        assert "Africa, year by year" in player.inner_text()
        assert "region=africa" in other.evaluate("location.href")
        assert not other.locator('[data-testid="stSidebar"]').is_visible()  # presented
        screenshot(other, "story_opened_from_link")
        other_log.assert_clean()


def test_the_story_panel_opens_and_closes_on_every_click_and_keeps_what_was_typed(app_url, browser):
    """The panel is built only while open (issue 13). QA found an earlier version losing
    every other click (its label counted the steps, and Streamlit keys an expander's
    state by its label) and dropping half-typed text when closed."""
    with browser_page(browser, width=1400, height=900) as (page, log):
        page.goto(f"{app_url}/timeline", wait_until="domcontentloaded")
        wait_rendered(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        summary = sidebar.locator('[data-testid="stExpander"] summary').filter(has_text="Story")
        caption = sidebar.get_by_label("Caption")
        open_story_panel(sidebar)
        caption.fill("Half a thought")
        caption.press("Tab")  # committed, as leaving the field does
        wait_rendered(page)
        for _ in range(3):  # each click closes, the next opens
            summary.click()
            wait_until(lambda: caption.count() == 0, what="closed")
            wait_rendered(page)
            summary.click()
            wait_until(lambda: caption.count() == 1, what="open again")
            wait_rendered(page)
        assert caption.input_value() == "Half a thought"
        sidebar.get_by_role("button", name="Add this view to the story").click()
        play = sidebar.get_by_role("button", name="Play the story")
        wait_until(lambda: play.count() == 1, what="added")
        wait_rendered(page)
        step_title = sidebar.get_by_label("Step title")
        step_title.fill("The next view")
        step_title.press("Tab")
        wait_rendered(page)
        sidebar.locator('[data-testid="stPageLink"] a', has_text="Pillars").click()
        wait_until(lambda: "/pillars" in page.evaluate("location.href"), what="Pillars")
        page.locator("h1", has_text="Pillars, topics").wait_for(timeout=30_000)  # new page drawn
        wait_rendered(page)
        assert play.count() == 1  # still open on the next page, with its step
        assert step_title.input_value() == "The next view"  # and what was being typed
        screenshot(page, "story_panel_on_next_page")
        summary.click()  # closed, it still says the story is there
        said = sidebar.get_by_text("The story has 1 step.")
        wait_until(lambda: said.count() == 1, what="the closed panel's step count")
        log.assert_clean()
