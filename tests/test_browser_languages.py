"""Switching the interface language in the real browser: the browser keeps each
widget's choice as the label it shows, so this is where a switch could lose state
(AppTest re-sends every value in the current language and cannot see it)."""

from __future__ import annotations

import pytest
from browser_support import browser_page, screenshot, wait_rendered, wait_until

pytestmark = pytest.mark.browser


def _choose(page, label: str, typed: str, option: str) -> None:
    box = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(typed)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def test_switching_language_keeps_every_filter_and_choice(app_url, browser):
    """A region chosen in French, the language switched to Spanish, then another filter
    and a chart option changed: the region and the option stay chosen."""
    with browser_page(browser, width=1400, height=1000) as (page, log):
        page.goto(f"{app_url}/timeline?lang=fr&region=africa", wait_until="domcontentloaded")
        wait_rendered(page)
        page.locator('[data-testid="stButtonGroup"]').get_by_text(
            "Démarrés", exact=True
        ).click()  # a chart's option
        wait_until(lambda: "measure=starting" in page.evaluate("location.href"), what="Démarrés")
        wait_rendered(page)
        _choose(page, "Language · Langue · Idioma", "Esp", "Español")
        wait_until(lambda: "lang=es" in page.evaluate("location.href"), what="Spanish chosen")
        wait_rendered(page)
        _choose(page, "Estado", "Fina", "Finalizado")
        wait_until(
            lambda: "status=" in page.evaluate("location.href"), what="the status filter set"
        )
        wait_rendered(page)
        url = page.evaluate("location.href")
        sidebar = page.locator('[data-testid="stSidebar"]')
        chips = sidebar.locator(".react-aria-ComboBox [data-tag]").all_inner_texts()
        screenshot(page, "lang_switch_es_timeline")
        # and back to English: still the same view
        _choose(page, "Language · Langue · Idioma", "Eng", "English")
        wait_until(lambda: "lang=es" not in page.evaluate("location.href"), what="English")
        wait_rendered(page)
        _choose(page, "ILO region", "Asia", "Asia and the Pacific")
        wait_until(lambda: "asia" in page.evaluate("location.href"), what="a second region")
        wait_rendered(page)
        back = page.evaluate("location.href")
        log.assert_clean()
    assert "region=africa" in url and "measure=starting" in url, url
    assert any("África" in chip for chip in chips), chips  # the chip speaks Spanish
    assert "region=africa" in back and "status=" in back, back
    assert "measure=starting" in back, back


def test_a_charts_tab_opens_in_the_pages_language_and_its_excel_keeps_the_link(
    app_url, browser, tmp_path
):
    """A chart's Table and Download tabs are built when opened: a Plotly block reruns
    alone (a Streamlit fragment, in a script thread of its own). In French, the tabs
    keep their French names, the table comes, and the Excel file's `about` sheet holds
    the page's link with its filters (the fragment knows the page that drew it)."""
    import openpyxl

    with browser_page(browser, width=1400, height=1000) as (page, log):
        page.goto(f"{app_url}/pillars?lang=fr&region=africa", wait_until="domcontentloaded")
        wait_rendered(page)
        page.get_by_role("tab", name="Tableau", exact=True).first.click()
        page.locator('[role="tabpanel"] [data-testid="stDataFrame"]').first.wait_for()
        wait_rendered(page)
        names = page.get_by_role("tab").all_inner_texts()
        page.get_by_role("tab", name="Télécharger", exact=True).first.click()
        button = page.locator('[data-testid="stDownloadButton"]').filter(has_text="Excel")
        button.first.wait_for()
        screenshot(page, "lang_fr_pillars_download_tab")
        with page.expect_download(timeout=60_000) as download:
            button.first.click()
        path = tmp_path / "chart.xlsx"
        download.value.save_as(path)
        log.assert_clean()
    assert {"Graphique", "Tableau", "Sources", "Télécharger"} <= set(names), names
    assert not {"Chart", "Table", "Download"} & set(names), names
    cells = [
        str(cell) for row in openpyxl.load_workbook(path)["about"].iter_rows(values_only=True)
        for cell in row if cell
    ]  # fmt: skip
    links = [c for c in cells if c.startswith("http")]
    assert any("/pillars?" in c and "region=africa" in c for c in links), cells
