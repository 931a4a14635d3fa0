"""Projects and City-to-City pages in headless chromium on the real app: they render
(map canvas, Plotly SVG), log no console error and request nothing beyond localhost.
Screenshots: artifacts/screenshots/projects.png, exchanges.png — look at them."""

from __future__ import annotations

import pytest
from browser_support import browser_page, screenshot, wait_rendered, wait_until

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


def test_the_projects_download_streams_from_the_server_when_clicked(app_url, browser, sql):
    """The buttons' files are built in Streamlit's download thread, outside a script
    run (AppTest never clicks them): CSV with BOM, CRLF and every project in the
    table's order; Parquet with the years typed."""
    import csv
    import io

    import pyarrow.parquet as pq

    files = {}
    with browser_page(browser) as (page, log):
        page.goto(f"{app_url}/projects?region=africa", wait_until="domcontentloaded")
        _settle(page)
        page.get_by_text("Download this table").click()
        for label in ("CSV", "Parquet"):
            button = page.locator('[data-testid="stDownloadButton"]').filter(has_text=label)
            with page.expect_download(timeout=TIMEOUT) as download:
                button.get_by_role("button").click()
            files[label] = download.value.path().read_bytes()
        errors = log.console_errors
    expected = [
        r[0]
        for r in sql(
            "select p.project_id from projects p where p.region = 'Africa' or exists (select 1 "
            "from project_countries c where c.project_id = p.project_id and c.region = 'Africa') "
            "order by p.start_year nulls last, strip_accents(lower(p.title)), p.project_id"
        )
    ]
    assert files["CSV"].startswith(b"\xef\xbb\xbfProject,Link,") and b"\r\n" in files["CSV"]
    rows = list(csv.DictReader(io.StringIO(files["CSV"].decode("utf-8-sig"), newline="")))
    assert [r["project_id"] for r in rows] == expected
    table = pq.read_table(io.BytesIO(files["Parquet"]))
    assert table.column("project_id").to_pylist() == expected
    assert str(table.schema.field("start_year").type) == "int64"
    assert errors == []


@pytest.mark.parametrize(
    "path",
    [f"projects?project={HAZELNUT}", "exchanges?exchange=zaf-durban-2013-06-training"],
)
def test_a_permalink_lands_at_its_record(app_url, browser, path):
    """A record's link opens with the record's heading in view, not above a 21-row table
    or a map (the reader once had to scroll to find what the link named)."""
    with browser_page(browser, width=1400, height=900) as (page, log):
        page.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
        _settle(page)
        heading = page.locator("#record")
        top = wait_until(
            lambda: (lambda t: t if t is not None and 0 <= t < 400 else None)(
                page.evaluate(
                    "() => { const h = document.getElementById('record');"
                    " return h ? h.getBoundingClientRect().top : null; }"
                )
            ),
            what="the record's heading in view",
        )
        assert heading.inner_text().strip()
        assert top < 400
        screenshot(page, "landed_" + path.split("?")[0])
        log.assert_clean()
