"""Pure figure builders: DataFrame in, Plotly figure out. No Streamlit, no SQL.

One module per page family (timeline, pillars, exchanges, overview); `look` gives
every chart the same fonts, margins and legend placement. Helpers more than one
family uses live here: short axis labels, the marker of an exchange's status.

Builders write their traces and layout as plain dicts in Plotly's JSON form and hand
them to `figure`, which merges the shared look (`look`) and skips Plotly's object model:
building a 60-bar chart through `fig.add_bar` / `fig.update_*` took 150-250 ms of a
page's second on a 2-core machine, the same dicts take a few. With ATLAS_CHECK_FIGURES
set (tests/conftest.py sets it) every figure is also built through Plotly's validators
and must come out the same, so a misspelt property fails the tests instead of being
dropped silently by the browser.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n, inert, theme
from dashboard.i18n import N_, _

INK = "#222222"  # chart text: Streamlit's chart theme greys it out otherwise
FONT = {"size": 14, "color": INK}  # axis, tick and legend text: dark and large
CHECK_ENV = "ATLAS_CHECK_FIGURES"
SHORT_TITLE_LIMIT = 50
OTHER_STATUS_COLOUR = "#777777"
OTHER_STATUS_SYMBOL = "square"
STATUS_NOT_REPORTED = N_("Status not reported")
# layout.meta key: the layout overrides a chart takes when it stands alone (an image, a
# slide), e.g. without a margin kept only to line it up with the chart below on its page
STANDALONE = "standalone"


def plain(values: Iterable[object]) -> list[str]:
    """Catalogue text for Plotly (labels, ticks, hover text): shown as typed, never
    parsed as Plotly's HTML subset (dashboard.inert.plotly)."""
    return [inert.plotly(v) for v in values]


def look(*, title: str | None = None, height: int = 420) -> dict:
    """The shared look, readable on a projector: dark, large axis and legend text,
    legend on top with entries in the order the traces come (the theme's pillar /
    region order), white background, the language's number marks on axes and hover
    (10,000 · 10 000 · 10.000). Merged after a builder's own layout."""
    return {
        "title": {"text": title} if title else None,
        "height": height,
        "separators": i18n.plotly_separators(),
        "font": {"family": theme.FONT_FAMILY, "size": 14},
        "margin": {"t": 60 if title else 30, "b": 40, "l": 10, "r": 10},
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "x": 0,
            "title": None,
            "font": FONT,
            "traceorder": "normal",
        },
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hoverlabel": {"font": {"size": 13}},
        "xaxis": {
            "showgrid": False,
            "linecolor": "#888888",
            "tickfont": FONT,
            "title": {"font": FONT},
        },
        "yaxis": {
            "gridcolor": "#EEEEEE",
            "zeroline": False,
            "tickfont": FONT,
            "title": {"font": FONT},
        },
    }


def merged(*layers: dict | None) -> dict:
    """Layout dicts merged left to right as successive `update_layout` calls merge
    them: nested dicts merge key by key, anything else replaces, None removes."""
    out: dict = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            if value is None:
                out.pop(key, None)
            elif isinstance(value, dict):
                below = out.get(key)
                out[key] = merged(below if isinstance(below, dict) else None, value)
            else:
                out[key] = value
    return out


# Presentation mode: chart text read from the back of a room (at least 20 px on a
# 1920 px screen), and a taller chart to hold it.
PRESENTATION_MIN_FONT = 22
PRESENTATION_HEIGHT = 1.35
_FONT_KEYS = ("font", "tickfont", "textfont", "insidetextfont", "outsidetextfont")


def _larger_fonts(node, least: int) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _FONT_KEYS and isinstance(value, dict):
                value["size"] = max(least, round(float(value.get("size") or 0) * 1.5))
            _larger_fonts(value, least)
    elif isinstance(node, list):
        for item in node:
            _larger_fonts(item, least)


def _standalone_layout(meta: object) -> dict | None:
    """The layout a builder left under layout.meta[STANDALONE], if any."""
    return meta.get(STANDALONE) if isinstance(meta, dict) else None


def standalone(fig: go.Figure) -> go.Figure:
    """A copy of `fig` as it stands alone, in an image or on a slide: with the layout
    its builder left under layout.meta[STANDALONE] (a page's alignment margin dropped,
    a legend back on top); `fig` itself when it has none."""
    overrides = _standalone_layout(fig.layout.meta)
    if not overrides:
        return fig
    spec = fig.to_plotly_json()
    spec["layout"] = merged(spec.get("layout"), overrides)
    spec["layout"]["meta"].pop(STANDALONE, None)
    return go.Figure(spec, _validate=False)


def for_presentation(fig: go.Figure, least: int = PRESENTATION_MIN_FONT) -> go.Figure:
    """A copy of `fig` with every text at least `least` px (ticks, legend, titles,
    labels, annotations) and room for it; the figure itself is left as it was. A
    legend kept in a margin goes where it goes when the chart stands alone: larger
    text no longer fits the margin."""
    spec = fig.to_plotly_json()
    overrides = _standalone_layout(spec.get("layout", {}).get("meta"))
    if overrides and "legend" in overrides:
        spec["layout"] = merged(spec["layout"], {"legend": overrides["legend"]})
    _larger_fonts(spec, least)
    layout = spec.setdefault("layout", {})
    layout.setdefault("font", {})["size"] = max(least, layout["font"].get("size") or 0)
    for axis in [k for k in layout if k.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]:
        layout.setdefault(axis, {}).setdefault("tickfont", {})["size"] = least
    layout["height"] = round((layout.get("height") or 420) * PRESENTATION_HEIGHT)
    return go.Figure(spec, _validate=False)


def is_na(value: object) -> bool:
    """A missing cell: None, NaN or pandas' NA (blank text is text here, unlike
    formatting.is_missing: a builder sorts and counts it as the catalogue has it)."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def figure(data: list[dict], *layouts: dict | None) -> go.Figure:
    """A figure of plain trace dicts and layout dicts (merged left to right), built
    without Plotly's validators; checked against them when ATLAS_CHECK_FIGURES is set."""
    spec = {"data": data, "layout": merged(*layouts)}
    fig = go.Figure(spec, _validate=False)
    if os.environ.get(CHECK_ENV):
        checked = go.Figure(spec)  # raises on a property Plotly does not know
        if without_empty(json.loads(checked.to_json())) != without_empty(json.loads(fig.to_json())):
            raise AssertionError("Plotly's validators change this figure: " + fig.to_json()[:500])
    return fig


def without_empty(value):
    """Plotly JSON without empty objects: `{}` and a missing property draw the same
    (Plotly writes a property reset to None as `{}`, and drops a `{}` it is given)."""
    if isinstance(value, dict):
        kept = {key: without_empty(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item != {}}
    if isinstance(value, list):
        return [without_empty(item) for item in value]
    return value


def empty_figure(message: str) -> go.Figure:
    """A figure that says why it is empty instead of rendering a blank canvas."""
    note = {"text": message, "showarrow": False, "font": {"size": 16, "color": "#555555"}}
    return figure(
        [],
        {"annotations": [note], "xaxis": {"visible": False}, "yaxis": {"visible": False}},
        look(height=240),
    )


# --- labels and markers shared by several figure families ----------------------------


def short_title(title: str, limit: int = SHORT_TITLE_LIMIT) -> str:
    """A title short enough for an axis label: no parentheses, cut at a word, with '…'."""
    text = re.sub(r"\s*\([^)]*\)", "", str(title)).strip() or str(title)
    text = re.sub(r"\s+", " ", text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


def unique_labels(titles: Iterable[str], limit: int = SHORT_TITLE_LIMIT) -> list[str]:
    """Short titles, made unique (two rows of a chart never share a label)."""
    seen: dict[str, int] = {}
    labels = []
    for title in titles:
        label = short_title(title, limit)
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return labels


def status_marker(status: str, size: int = 16) -> dict:
    """The marker of an exchange with this status (held / planned), the same on every
    chart: theme.EXCHANGE_STATUS_SYMBOLS in theme.EXCHANGE_STATUS_COLOURS."""
    colour = theme.EXCHANGE_STATUS_COLOURS.get(status, OTHER_STATUS_COLOUR)
    return {
        "symbol": theme.EXCHANGE_STATUS_SYMBOLS.get(status, OTHER_STATUS_SYMBOL),
        "size": size,
        "color": colour,
        "line": {"color": colour, "width": 2.5},
    }


def status_name(status: str) -> str:
    """The legend name of an exchange status (theme.EXCHANGE_STATUS_LABELS)."""
    return theme.EXCHANGE_STATUS_LABELS.get(status, _(STATUS_NOT_REPORTED))


# --- tables: downloaded in English, read in the interface's language -----------------------


def _known_labels() -> set[str]:
    """The English labels a table may carry that the catalogues translate: pillars,
    regions, partner types, "not reported"."""
    labels = {theme.NOT_REPORTED, theme.PARTNER_TYPE_NOT_STATED}
    for registry in (theme.PILLAR_LABELS, theme.REGION_LABELS, theme.PARTNER_TYPE_LABELS):
        labels.update(registry.english(code) for code in registry)
    return labels


def readable(
    table: pd.DataFrame, headers: Iterable[str] = (), labels: Iterable[str] = ()
) -> pd.DataFrame:
    """A table as its download keeps it (English column names and labels: stable,
    machine-readable) as the Table tab shows it, in the interface's language: the
    column names among `headers` (marked N_ by the builder) or among the theme's
    labels (a pillar's or a region's column), and in the columns `labels` the values
    that are one of these. Catalogue text (titles, topics, partners) stays as it is."""
    names = set(headers) | _known_labels()
    out = table.copy() if labels else table
    for column in labels:
        if column in out:
            out[column] = [_(v) if isinstance(v, str) and v in names else v for v in out[column]]
    return out.rename(columns={c: _(c) for c in out.columns if isinstance(c, str) and c in names})
