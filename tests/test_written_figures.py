"""A chart's figure is written for the browser once, not on every run (issue 13): the
shell `written_once` hands st.plotly_chart must send exactly what the figure itself
sends, and must not ask the figure to write itself again."""

from __future__ import annotations

import numpy as np
from streamlit.testing.v1 import AppTest


def _two_charts() -> None:
    import numpy as np
    import streamlit as st

    from dashboard.figures import figure
    from dashboard.ui.blocks import written_once

    # numpy arrays (written as base64 by Plotly), text with markup, a legend, a title
    fig = figure(
        [
            {"type": "bar", "x": np.array([2010, 2011, 2012]), "y": np.array([3, 0, 7]),
             "name": "Employment <b>&</b> “jobs”", "text": ["3", "", "7"]},
            {"type": "scatter", "x": [2010, 2012], "y": [1.5, None], "mode": "markers",
             "name": "Reported"},
        ],
        {"title": {"text": "Projects active per year"}, "barmode": "stack", "height": 380},
    )  # fmt: skip
    st.plotly_chart(fig, key="as_figure")
    st.plotly_chart(written_once(fig), key="written_once")


def test_the_written_figure_sends_the_browser_what_the_figure_sends():
    at = AppTest.from_function(_two_charts).run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    assert charts[1].proto.spec == charts[0].proto.spec
    assert '"barmode":"stack"' in charts[0].proto.spec  # the spec is the figure, not empty


def test_a_figure_is_written_once_and_then_answered_from_what_it_wrote(monkeypatch):
    from dashboard.figures import figure
    from dashboard.ui.blocks import written_once

    fig = figure([{"type": "bar", "x": np.arange(5), "y": np.arange(5) * 2}], {"height": 300})
    writes = []
    to_dict = type(fig).to_dict
    monkeypatch.setattr(type(fig), "to_dict", lambda self: writes.append(1) or to_dict(self))
    shell = written_once(fig)
    assert written_once(fig) is shell
    assert shell.to_dict() is shell.to_dict()
    assert len(writes) == 1
    assert shell.to_dict()["layout"]["height"] == 300
    other = figure([{"type": "bar", "x": [1], "y": [2]}], {"height": 200})
    assert written_once(other).to_dict()["layout"]["height"] == 200  # its own, not shared
