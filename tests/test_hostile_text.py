"""Text is data: a catalogue full of hostile text builds, and every page shows it as
typed without passing it on as markup — in hand-written HTML, markdown, Plotly labels
and hover text, and pydeck tooltips. (The browser test, test_browser_hostile.py, checks
that nothing runs in a real page.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from apptest_support import open_page, open_tab
from conftest import quiet
from hostile_catalogue import BRACES, IMG, JS_LINK, LONG, MD_IMAGE, RAW_MARKUP, SCRIPT
from hostile_catalogue import write_hostile_catalogue as write_catalogue
from hypothesis import given
from hypothesis import strategies as st

from dashboard import inert
from dashboard.maps import decks
from dashboard.pages import PAGES
from dashboard.ui.blocks import tab_key
from etl.build import build

PAGE_FILES = [spec.file for spec in PAGES]


@pytest.fixture(scope="module")
def hostile_warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    warehouse = root / "warehouse"
    build(write_catalogue(root / "catalogue"), warehouse, progress=quiet)
    return warehouse


# --- the escaping rules ---------------------------------------------------------------


@given(st.text())
def test_tooltip_text_never_holds_a_template_field(value):
    shown = inert.tooltip(value)
    assert not re.search(r"\{[A-Za-z_]", shown)  # "{title}" is never a field to fill in
    assert len(shown.replace(inert.WORD_JOINER, "")) <= inert.TOOLTIP_LIMIT
    if len(value) <= inert.TOOLTIP_LIMIT:
        assert shown.replace(inert.WORD_JOINER, "") == value  # otherwise as typed


def test_map_tooltips_are_text_never_html():
    for tooltip in (decks.WORLD_TOOLTIP, decks.EXCHANGE_TOOLTIP):
        assert "html" not in tooltip and "{name}" in tooltip["text"]


@given(st.text(max_size=200))
def test_plotly_text_reads_back_as_typed(value):
    import html

    shown = inert.plotly(value)
    assert "<" not in shown and ">" not in shown
    assert html.unescape(shown) == value


def test_markdown_text_keeps_entities_and_line_starts_as_typed():
    assert inert.markdown("&amp; x") == "\\&amp; x"
    assert inert.markdown("- a\n1. b\n= c\n2) d") == "\\- a\n1\\. b\n\\= c\n2\\) d"
    assert inert.markdown("1.5 million\n2-3 cities") == "1\\.5 million\n2-3 cities"


@given(st.text())
def test_markdown_text_has_no_live_link_image_or_html(value):
    shown = inert.markdown(value)
    # every markdown/HTML-special character is escaped by a backslash
    for match in re.finditer(r"[\[\]<>`*_~$|#!:@&]", shown):
        backslashes = len(shown[: match.start()]) - len(shown[: match.start()].rstrip("\\"))
        assert backslashes % 2 == 1, (value, shown)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://www.ilo.org/x?a=1&b=2", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT://%0aalert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ("https://ok.example/x onmouseover=alert(1)", False),
        ("www.ilo.org", False),
        ("", False),
    ],
)
def test_only_http_links_are_links(url, ok):
    assert (inert.http_url(url) is not None) is ok


def test_tooltip_rows_escape_every_tooltip_field():
    rows = [
        {"name": IMG, "projects": SCRIPT, "title": BRACES, "country": JS_LINK, "position": [1, 2]},
        {"type": "Feature", "properties": {"name": LONG, "iso3": "BRA"}, "geometry": None},
    ]
    safe = decks.tooltip_rows(rows)
    joiner = inert.WORD_JOINER
    assert safe[0]["name"] == IMG  # shown as typed by a text tooltip
    assert safe[0]["title"] == f"{{{joiner}title}} {{{joiner}name}} {{{joiner}projects}}"
    assert safe[0]["role"] == ""  # a field the template names is never missing ("null")
    assert safe[0]["position"] == [1, 2]  # geometry untouched
    assert len(safe[1]["properties"]["name"]) == inert.TOOLTIP_LIMIT
    assert safe[1]["properties"]["iso3"] == "BRA"  # not a tooltip field
    assert rows[0]["name"] == IMG  # the caller's rows are not changed


# --- every page, on the hostile warehouse ------------------------------------------------


def _markup_leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [raw for raw in RAW_MARKUP if raw in lowered]


def _strings(node):
    """Every string inside a JSON document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _check_markdown(at) -> None:
    for element in at.markdown:
        body = element.value
        if element.proto.allow_html:
            assert not _markup_leaks(body), body[:300]
        # a catalogue's markdown link or image never becomes one
        assert "[click me](" not in body, body[:300]
        assert "![tracker](" not in body, body[:300]
    for element in [*at.caption, *at.info, *at.warning, *at.header, *at.subheader]:
        body = element.value
        assert "[click me](" not in body and "![tracker](" not in body, body[:300]


def _check_charts(at) -> None:
    for element in at.get("plotly_chart"):
        # decoded: Plotly's JSON writes "<" as "\u003c"
        for text in _strings(json.loads(element.proto.spec)):
            assert not _markup_leaks(text), text[:300]
    for element in at.get("deck_gl_json_chart"):
        spec = json.loads(element.proto.json)
        for layer in spec["layers"]:
            for row in layer.get("data") or []:
                fields = row.get("properties", row)
                for field in decks.TOOLTIP_FIELDS:
                    value = str(fields.get(field, ""))
                    assert not re.search(r"\{[A-Za-z_]", value), (layer["id"], field, value)
        tooltip = json.loads(element.proto.tooltip)
        assert "text" in tooltip and "html" not in tooltip, tooltip  # innerText, never HTML


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_shows_hostile_text_inertly(monkeypatch, hostile_warehouse, page):
    at = open_page(monkeypatch, hostile_warehouse, page)
    _check_markdown(at)
    _check_charts(at)
    if any(k.endswith(tab_key("")) for k in at.session_state):  # each chart's other tabs
        for tab in ("Table", "Sources", "Download"):  # built only when opened
            open_tab(at, tab)
            _check_markdown(at)


@pytest.mark.parametrize(
    ("page", "param", "record"),
    [
        ("pages/projects.py", "project", "hostile-script"),
        ("pages/projects.py", "project", "hostile-braces"),
        ("pages/projects.py", "project", "hostile-long"),
        ("pages/exchanges.py", "exchange", "hostile-exchange"),
    ],
)
def test_every_detail_view_shows_hostile_text_inertly(
    monkeypatch, hostile_warehouse, page, param, record
):
    at = open_page(monkeypatch, hostile_warehouse, page, **{param: record})
    _check_markdown(at)
    _check_charts(at)
    text = "\n".join(m.value for m in at.markdown)
    assert (
        inert.markdown(MD_IMAGE) in text
        or inert.markdown(JS_LINK) in text
        or (record in ("hostile-braces", "hostile-long"))
    )


def test_hostile_text_in_the_link_is_inert(monkeypatch, hostile_warehouse):
    """A link is typed by anyone: its search text and unknown ids are text too."""
    at = open_page(
        monkeypatch,
        hostile_warehouse,
        "pages/projects.py",
        q=MD_IMAGE,
        project=JS_LINK,
    )
    _check_markdown(at)
    at = open_page(monkeypatch, hostile_warehouse, "pages/map.py", country_focus=MD_IMAGE)
    _check_markdown(at)
