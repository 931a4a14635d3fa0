"""Run the app under Streamlit's AppTest against a given warehouse and URL."""

from __future__ import annotations

import json

from conftest import ROOT
from streamlit.testing.v1 import AppTest


def open_page(monkeypatch, warehouse, page: str | None = None, **params) -> AppTest:
    """app.py opened on `page` (e.g. 'pages/map.py') with `params` in the URL, as a
    shared link would open it."""
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if page:
        at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_tab(at: AppTest, tab: str, key: str | None = None) -> AppTest:
    """Open one tab ("Chart", "Table", "Sources" or "Download", as shown) of the
    chart_block with this key, or of every chart block on the page, as a reader's click
    does: only the open tab is built (dashboard/ui/blocks.py)."""
    from dashboard.ui.blocks import tab_key

    keys = [tab_key(key)] if key else [k for k in at.session_state if k.endswith(tab_key(""))]
    assert keys, "no chart block on this page"
    for name in keys:
        at.session_state[name] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_story_panel(at: AppTest) -> AppTest:
    """Open the sidebar's Story panel as a reader's click does: its widgets are built
    only while it is open (dashboard/ui/story.py)."""
    from dashboard.ui.story import PANEL_KEY

    if not (PANEL_KEY in at.session_state and at.session_state[PANEL_KEY]):
        at.session_state[PANEL_KEY] = True
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def chart(at: AppTest, key: str) -> dict:
    """The Plotly JSON of the chart_block with this key."""
    (element,) = [c for c in at.get("plotly_chart") if c.key == f"{key}_chart"]
    return json.loads(element.proto.spec)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def plotly_figures(at: AppTest) -> list[dict]:
    """The JSON of every Plotly chart on the page."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def values(data) -> list:
    """A Plotly JSON array as a list (Plotly ≥6 encodes numbers as base64 typed arrays)."""
    if isinstance(data, dict) and "bdata" in data:
        import base64

        import numpy as np

        array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
        if "shape" in data:
            shape = data["shape"]
            shape = [int(s) for s in shape.split(",")] if isinstance(shape, str) else shape
            array = array.reshape(shape)
        return array.tolist()
    return list(data or [])


def page_opener(monkeypatch, default_warehouse, page: str, title: str):
    """A function opening `page` like a shared link would, then setting sidebar
    multiselects as a user does (`widgets`); checks the page's title."""

    def _open(widgets: dict | None = None, warehouse=None, **params) -> AppTest:
        at = open_page(monkeypatch, warehouse or default_warehouse, page, **params)
        for key, value in (widgets or {}).items():
            at.multiselect(key=key).set_value(value)
        if widgets:
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.title[0].value == title
        return at

    return _open


def bars(spec: dict) -> list[dict]:
    """The bar traces of a Plotly JSON figure."""
    return [t for t in spec["data"] if t.get("type") == "bar"]
