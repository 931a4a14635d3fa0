"""Pure figure builders: DataFrame in, Plotly figure out. No Streamlit, no SQL.

One module per page family (timeline, pillars, exchanges, overview); `base_layout`
gives every chart the same fonts, margins and legend placement.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import theme

INK = "#222222"  # chart text: Streamlit's chart theme greys it out otherwise


def readable(fig: go.Figure) -> go.Figure:
    """Dark, large axis and legend text; legend entries in the order the traces were
    added (the theme's pillar / region order)."""
    font = {"size": 14, "color": INK}
    fig.update_xaxes(tickfont=font, title_font=font)
    fig.update_yaxes(tickfont=font, title_font=font)
    fig.update_layout(legend={"font": font, "traceorder": "normal"})
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
