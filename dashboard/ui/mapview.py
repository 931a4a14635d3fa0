"""Zoom and reset buttons for the atlas's maps. The mouse wheel scrolls the page, never
a map (decks.CONTROLLER): a reader scrolling past a map once zoomed it out by accident."""

from __future__ import annotations

import math

import pydeck as pdk
import streamlit as st

from dashboard.i18n import _
from dashboard.maps.decks import RenderedDeck, rendered
from dashboard.memo import built

ZOOM_STEP = 1.0
MAX_STEPS = 8  # each way: past it the map shows nothing more


def map_view_controls(name: str, deck: pdk.Deck) -> tuple[RenderedDeck, str]:
    """Zoom in, Zoom out and Reset view buttons above the map `name`. Returns `deck` at
    the chosen zoom (around its first centre), for st.pydeck_chart, and the chart's key:
    a new key after Reset, which redraws the map at its first view however it was
    dragged. `deck` is left as it is (it may be shared: ui.built); its JSON is written
    once per zoom and shared too."""
    zoom_key, resets_key = f"_{name}_zoom", f"_{name}_resets"
    st.session_state.setdefault(zoom_key, 0)
    st.session_state.setdefault(resets_key, 0)

    first_zoom = float(deck.initial_view_state.zoom)
    least = -min(MAX_STEPS, math.floor(first_zoom / ZOOM_STEP))  # never below zoom 0

    def zoom(by: int) -> None:
        steps = st.session_state[zoom_key] + by
        st.session_state[zoom_key] = max(least, min(MAX_STEPS, steps))

    def reset() -> None:
        st.session_state[zoom_key] = 0
        st.session_state[resets_key] += 1

    with st.container(horizontal=True, gap="small"):
        st.button(
            _("Zoom in"), icon=":material/zoom_in:", key=f"{name}_zoom_in", on_click=zoom, args=(1,)
        )
        st.button(
            _("Zoom out"),
            icon=":material/zoom_out:",
            key=f"{name}_zoom_out",
            on_click=zoom,
            args=(-1,),
        )
        st.button(_("Reset view"), icon=":material/restart_alt:", key=f"{name}_reset",
                  on_click=reset)  # fmt: skip
    zoom = max(0.0, first_zoom + ZOOM_STEP * st.session_state[zoom_key])
    return built(rendered, deck, zoom), f"{name}_{st.session_state[resets_key]}"


def map_help() -> str:
    """How to move the maps, said under each one."""
    return _(
        "Drag to move the map; zoom with the buttons above it, a double-click or the + and − "
        "keys. The mouse wheel scrolls the page."
    )
