"""Links in the running app (AppTest): the page's filters are what the one parser reads
from the URL, the URL keeps codes, links of earlier versions open the same view, and
each page's own parameters are declared and honoured."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from apptest_support import open_page
from test_links import LABEL_LINKS

from dashboard import links, pages, queries
from dashboard.db import warehouse_version
from dashboard.filters import Filters


@pytest.fixture
def options(monkeypatch, atlas_warehouse):
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(atlas_warehouse))
    return queries.filter_options(warehouse_version())


def query(at) -> dict[str, list[str]]:
    """The URL's parameters after the run, each as a list (AppTest gives one value as str)."""
    return {k: [v] if isinstance(v, str) else list(v) for k, v in at.query_params.items()}


def notes(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("- Ignored")]


CODE_LINK = {
    "region": ["africa", "asia_pacific"],
    "pillar": ["employment", "social_dialogue"],
    "status": ["completed"],
    "years": ["2000", "2012"],
    "q": ["local"],
}


@pytest.mark.parametrize("page", pages.PAGES, ids=lambda p: p.path or "overview")
def test_the_pages_filters_are_what_the_parser_reads_from_the_url(
    monkeypatch, atlas_warehouse, options, page
):
    at = open_page(monkeypatch, atlas_warehouse, page.file, **CODE_LINK)
    expected, expected_notes = links.parse(CODE_LINK, options, page)
    assert expected_notes == [] and not notes(at)
    assert at.session_state["filters"] == expected
    assert expected == Filters(
        region=("Africa", "Asia and the Pacific"),
        pillar=("employment", "social_dialogue"),
        status=("completed",),
        years=(2000, 2012),
        q="local",
    )
    # the widgets show it, and the URL keeps the codes
    assert at.multiselect(key="pillar").value == ["employment", "social_dialogue"]
    assert at.slider(key="years").value == (2000, 2012)
    assert query(at) == CODE_LINK


@pytest.mark.parametrize("url", list(LABEL_LINKS))
def test_links_of_earlier_versions_open_the_same_view_in_the_app(
    monkeypatch, atlas_warehouse, options, url
):
    expected_filters, expected_page = LABEL_LINKS[url]
    parts = urlsplit(url)
    page = pages.by_path(parts.path)
    params = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(parts.query).items()}
    at = open_page(monkeypatch, atlas_warehouse, page.file, **params)
    assert at.session_state["filters"] == expected_filters
    assert not notes(at)
    for key, value in expected_page.items():
        if key in ("measure", "stack"):
            assert at.session_state[key] == value
        elif key == "country_focus" and at.session_state[key] != value:
            # the old app did the same: the focus country has no project under the filters
            name = options.label("country", value)
            assert any(
                i.value.startswith(name) and "no project under the current filters" in i.value
                for i in at.info
            )
    # the URL now carries codes: it parses to the same view with no migration needed
    rewritten = query(at)
    assert links.migrate(rewritten, options) == rewritten
    assert links.parse(rewritten, options, page) == (expected_filters, [])


def test_timeline_choices_are_codes_in_the_url(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, pages.TIMELINE.file, measure="starting")
    assert at.subheader[0].value == "Projects starting per year"
    stack = next(w for w in at.get("button_group") if w.key == "stack")
    stack.set_value("region").run()
    assert at.query_params["measure"] in ("starting", ["starting"])
    assert at.query_params["stack"] in ("region", ["region"])
    # back to the default: it leaves the URL
    stack = next(w for w in at.get("button_group") if w.key == "stack")
    stack.set_value("pillar").run()
    assert "stack" not in at.query_params


@pytest.mark.parametrize(
    ("page", "params"),
    [
        (pages.TIMELINE, {"measure": "starting", "stack": "region"}),
        (pages.MAP, {"country_focus": "BRA"}),
        (pages.PROJECTS, {"project": "bra-fifa-world-cup-decent-work"}),
        (pages.EXCHANGES, {"exchange": "moz-maputo-2012-11-peer-learning"}),
    ],
    ids=["timeline", "map", "projects", "exchanges"],
)
def test_each_pages_own_parameters_are_declared_and_honoured(
    monkeypatch, atlas_warehouse, page, params
):
    at = open_page(monkeypatch, atlas_warehouse, page.file, **params)
    assert not notes(at), notes(at)  # declared: not reported as ignored
    assert {k: v for k, v in query(at).items() if k in params} == {
        k: [v] for k, v in params.items()
    }  # still in the URL after the run
