"""The shared figure helpers: layouts merge as Plotly's updates do, and a figure built
from dicts is checked against Plotly's validators when the tests ask for it."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.figures import CHECK_ENV, empty_figure, figure, look, merged, without_empty

# layout-like dicts: a few keys, values that are numbers, text, None or nested dicts
_keys = st.sampled_from(["height", "title", "font", "size", "color", "text"])
_leaf = st.one_of(st.integers(0, 500), st.sampled_from(["red", "Projects"]), st.none())
_layouts = st.recursive(
    st.dictionaries(_keys, _leaf, max_size=4),
    lambda inner: st.dictionaries(_keys, st.one_of(_leaf, inner), max_size=4),
    max_leaves=12,
)


def _plotly_merge(layers: list[dict]) -> dict:
    """What successive update() calls make of the layers, on plain dicts."""

    def update(target: dict, layer: dict) -> None:
        for key, value in layer.items():
            if value is None:
                target.pop(key, None)
            elif isinstance(value, dict):
                if not isinstance(target.get(key), dict):
                    target[key] = {}
                update(target[key], value)
            else:
                target[key] = value

    out: dict = {}
    for layer in layers:
        update(out, layer)
    return out


@given(st.lists(_layouts, max_size=4))
def test_layers_merge_like_successive_updates(layers):
    assert merged(*layers) == _plotly_merge([json.loads(json.dumps(x)) for x in layers])


def test_merge_never_changes_its_inputs():
    base = look(height=300)
    before = json.dumps(base, sort_keys=True)
    merged(base, {"xaxis": {"tickfont": {"size": 30}}, "legend": None})
    assert json.dumps(base, sort_keys=True) == before


def test_a_later_layer_wins_and_none_removes():
    layout = merged(
        {"xaxis": {"showgrid": True, "dtick": 5, "title": {"text": "Projects"}}},
        look(height=300),
        {"xaxis": {"dtick": None}, "margin": {"b": 80}},
    )
    assert layout["xaxis"]["showgrid"] is False  # the shared look came after
    assert "dtick" not in layout["xaxis"]
    assert layout["xaxis"]["title"] == {
        "text": "Projects",
        "font": {"size": 14, "color": "#222222"},
    }
    assert layout["margin"] == {"t": 30, "b": 80, "l": 10, "r": 10}
    assert layout["height"] == 300


def test_the_figure_is_what_plotly_would_build(monkeypatch):
    monkeypatch.delenv(CHECK_ENV, raising=False)
    bars = [{"type": "bar", "x": [1, 2], "y": ["a", "b"], "orientation": "h"}]
    fig = figure(bars, {"barmode": "stack"}, look(height=250))
    checked = go.Figure()
    checked.add_bar(x=[1, 2], y=["a", "b"], orientation="h")
    checked.update_layout(barmode="stack", **look(height=250))
    assert without_empty(json.loads(fig.to_json())) == without_empty(json.loads(checked.to_json()))


def test_a_misspelt_property_fails_when_checked(monkeypatch):
    monkeypatch.setenv(CHECK_ENV, "1")
    with pytest.raises(ValueError, match="colour"):
        figure([{"type": "bar", "x": [1], "y": [1], "marker": {"colour": "red"}}])


def test_an_empty_figure_says_why():
    fig = empty_figure("No project matches the filters.")
    assert fig.layout.annotations[0].text == "No project matches the filters."
    assert fig.layout.xaxis.visible is False and not fig.data


# real layout properties, some set to None (Plotly resets them)
_real_layers = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "height": st.integers(200, 900),
            "barmode": st.sampled_from(["stack", "group"]),
            "xaxis": st.fixed_dictionaries(
                {},
                optional={
                    "showgrid": st.booleans(),
                    "dtick": st.one_of(st.none(), st.integers(1, 5)),
                    "title": st.one_of(
                        st.none(), st.fixed_dictionaries({"text": st.sampled_from(["Projects"])})
                    ),
                    "tickfont": st.fixed_dictionaries({"size": st.integers(8, 20)}),
                },
            ),
            "legend": st.fixed_dictionaries(
                {},
                optional={
                    "x": st.floats(0, 1),
                    "title": st.none(),
                    "traceorder": st.just("normal"),
                },
            ),
            "margin": st.fixed_dictionaries({"b": st.integers(0, 90)}),
        },
    ),
    max_size=4,
)


@given(_real_layers)
def test_layers_merge_as_plotly_updates_them(layers):
    fig = figure([], *layers)
    updated = go.Figure()
    for layer in layers:
        updated.update_layout(layer)
    assert without_empty(json.loads(fig.to_json())) == without_empty(json.loads(updated.to_json()))


def test_presentation_mode_draws_every_chart_text_at_least_20_px():
    """Ticks, legend, labels and annotations read from the back of a room; the figure
    the page keeps (and exports) is unchanged."""
    import json

    from dashboard.figures import PRESENTATION_MIN_FONT, figure, for_presentation, look

    original = figure(
        [{"type": "bar", "x": ["a"], "y": [1], "textfont": {"size": 11}, "name": "n"}],
        look(height=400),
        {"annotations": [{"text": "note", "font": {"size": 12}}], "xaxis2": {"domain": [0.5, 1]}},
    )
    before = json.loads(original.to_json())
    shown = json.loads(for_presentation(original).to_json())
    sizes = []

    def collect(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("font") and isinstance(value, dict) and "size" in value:
                    sizes.append(value["size"])
                collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(shown)
    assert sizes and min(sizes) >= PRESENTATION_MIN_FONT >= 20
    assert shown["layout"]["xaxis2"]["tickfont"]["size"] >= 20
    assert shown["layout"]["height"] > before["layout"]["height"]
    assert json.loads(original.to_json()) == before  # the page's own figure is untouched
