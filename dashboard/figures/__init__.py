"""Pure figure builders: DataFrame in, Plotly figure out. No Streamlit, no SQL.

One module per page family (timeline, pillars, exchanges, overview); `base_layout`
gives every chart the same fonts, margins and legend placement. Helpers more than one
family uses live here: short axis labels, the marker of an exchange's status.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import plotly.graph_objects as go

from dashboard import inert, theme

INK = "#222222"  # chart text: Streamlit's chart theme greys it out otherwise
SHORT_TITLE_LIMIT = 50
OTHER_STATUS_COLOUR = "#777777"
OTHER_STATUS_SYMBOL = "square"


def plain(values: Iterable[object]) -> list[str]:
    """Catalogue text for Plotly (labels, ticks, hover text): shown as typed, never
    parsed as Plotly's HTML subset (dashboard.inert.plotly)."""
    return [inert.plotly(v) for v in values]


def readable(fig: go.Figure) -> go.Figure:
    """Dark, large axis and legend text; legend entries in the order the traces were
    added (the theme's pillar / region order)."""
    font = {"size": 14, "color": INK}
    fig.update_xaxes(tickfont=font, title_font=font)
    fig.update_yaxes(tickfont=font, title_font=font)
    fig.update_layout(legend={"font": font, "traceorder": "normal"})
    return fig


def add_annotations(fig: go.Figure, annotations: Iterable[dict]) -> go.Figure:
    """Add many annotations in one layout update: `fig.add_annotation` in a loop copies
    and validates every earlier annotation again (0.3 s for 60 bar labels)."""
    fig.layout.annotations = (*fig.layout.annotations, *annotations)
    return fig


def base_layout(fig: go.Figure, *, title: str | None = None, height: int = 420) -> go.Figure:
    """Shared look: readable on a projector, legend on top, no Plotly logo."""
    fig.update_layout(
        title={"text": title} if title else None,
        height=height,
        font={"family": theme.FONT_FAMILY, "size": 14},
        margin={"t": 60 if title else 30, "b": 40, "l": 10, "r": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel={"font_size": 13},
    )
    fig.update_xaxes(showgrid=False, linecolor="#888888")
    fig.update_yaxes(gridcolor="#EEEEEE", zeroline=False)
    return readable(fig)


def empty_figure(message: str) -> go.Figure:
    """A figure that says why it is empty instead of rendering a blank canvas."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 16, "color": "#555555"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, height=240)


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
    return theme.EXCHANGE_STATUS_LABELS.get(status, "Status not reported")
