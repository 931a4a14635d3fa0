"""Local Decent Work Atlas — entry point (`streamlit run app.py`).

Sets up the page, the navigation and the shared filter sidebar, then runs the chosen
page. Pages live in pages/ and hold no SQL; the shared logic is in dashboard/.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import i18n, pages, ui
from dashboard.i18n import _
from dashboard.pages import PAGES

HERE = Path(__file__).resolve().parent

i18n.set_language(ui.requested_language())  # before anything is drawn
presenting = ui.presentation_mode_requested()
st.set_page_config(
    page_title=_("Local Decent Work Atlas"),
    # A local file: a Material icon as page_icon makes the browser fetch it from Google.
    page_icon=str(HERE / "assets" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "expanded",
)
ui.admit()  # past ATLAS_MAX_SESSIONS sessions: a "busy, retry in a moment" page, at once

# Sessions take turns, two runs at a time (ui/admission.py): fifty at once under one
# interpreter lock finish later than in turns. The run reads the warehouse's version once.
with ui.run_slot(), ui.one_run():
    page_list = [
        st.Page(
            str(HERE / spec.file),
            title=_(spec.title),
            icon=spec.icon,
            url_path=spec.path or "overview",
            default=spec.path == "",
        )
        for spec in PAGES
    ]
    # The navigation is drawn by the app (below), not by Streamlit: with a top-level pages/
    # folder, a fresh server would first show Streamlit's legacy list of file names
    # ("app, data, exchanges, …"). .streamlit/config.toml hides Streamlit's own list
    # (client.showSidebarNavigation = false) in both modes.
    navigation = st.navigation(page_list, position="hidden")

    with st.sidebar:
        nav = st.container(key="atlas_nav")  # filled below, once the filters are known
        st.divider()
        st.markdown("## " + _("Local Decent Work Atlas"))
        st.caption(_("ILO projects with local authorities · ILO–UCLG City-to-City exchanges"))
        i18n.set_language(ui.language_chooser())

    def draw_navigation(carried: dict[str, list[str]]) -> None:
        """The page list; each link carries the filters (so "open in a new tab" keeps them)."""
        with nav:
            for page in page_list:
                st.page_link(page, label=page.title, icon=page.icon, query_params=carried)

    current = pages.by_path(navigation.url_path)
    carried: dict[str, list[str]] = {}
    try:
        ui.version()  # stops with build instructions when there is no warehouse
        ui.synthetic_banner()
        ui.inventory_banner()
        ui.follow_story()  # a story's link, or its next step: switches page before drawing it
        carried = ui.filter_params(ui.sidebar_filters(current))
    finally:  # the page list is drawn even when the app stops here
        draw_navigation(carried)
    ui.presentation_toggle()
    ui.story_panel(current)
    ui.focus_styles()
    with ui.shell(current):  # the page knows it runs inside this shell (ui.ensure_shell)
        ui.story_player()
        navigation.run()
