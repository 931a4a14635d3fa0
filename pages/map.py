"""Map: projects per country (choropleth), localities by pillar, City-to-City exchanges as
arcs from host to participants — drawn offline (no tiles, no CDN). Choosing a country,
in the chooser or by clicking the map, narrows the list of projects beside the map."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import formatting, i18n, inert, pages, queries, scale, ui
from dashboard.figures import summaries
from dashboard.filters import fold
from dashboard.i18n import N_, _, ngettext
from dashboard.maps import decks, export, layers

# The list's titles are in-app links (st.page_link), which Streamlit draws on one line,
# cut: here they wrap, in bold, as the titles of the list they are.
_LIST_LINKS_CSS = """<style>
.st-key-map_project_list [data-testid="stPageLink"] a { height: auto; padding-left: 0; }
.st-key-map_project_list [data-testid="stPageLink"] a * {
  white-space: normal; overflow: visible; text-overflow: clip; font-weight: 600;
}
</style>"""

ui.ensure_shell()
FOCUS_KEY = "country_focus"  # in the URL as an ISO3 code (?country_focus=BRA)
ALL = "all"  # the "All countries" option
NOTE_KEY = "map_click_note"

st.title(_("Map"))
st.markdown(
    _(
        "Where the documented projects work with local authorities, and which cities took "
        "part in the ILO–UCLG **City-to-City** exchanges. Drawn entirely offline: country "
        "shapes from Natural Earth, no map tiles."
    )
)
filters = ui.current_filters()
ui.filters_caption(filters)

counts = ui.load(queries.project_countries, filters, scale.TOOLTIP_TITLES)
summary = ui.load(queries.locality_summary, filters)
participants = ui.load(queries.participants, filters, scale.EXCHANGES_SHOWN)  # most recent
exchange_total = ui.load(queries.exchange_summary, filters)["with_participants"]
total = ui.load(queries.project_count, filters)
# Too many localities to draw one by one: groups of them, counted in SQL.
grouped = summary["located"] > scale.MAX_LOCALITY_POINTS
localities = None if grouped else ui.load(queries.localities, filters)
clusters = (
    ui.load(queries.locality_clusters, filters, scale.MAX_LOCALITY_POINTS) if grouped else None
)

if total == 0 and participants.empty:
    ui.empty_state("projects or exchanges")
    st.stop()

# --- the country chooser: options and labels -------------------------------------------
# Countries named in the interface's language (in English the warehouse's: "Türkiye").
with_projects = {
    iso3: i18n.country_name(iso3, name)
    for iso3, name in zip(counts["iso3"], counts["country"], strict=True)
}
country_projects = dict(zip(counts["iso3"], counts["projects"].astype(int), strict=True))
# The warehouse's names ("Türkiye"); Natural Earth's only for a country it does not name.
names = layers.reader_country_names(ui.options().labels["country"])
# alphabetical in the interface's language, as the sidebar's lists ("Égypte" after E)
choices = [ALL, *sorted(with_projects, key=lambda iso3: fold(with_projects[iso3]))]


def focus_label(value: str) -> str:
    if value == ALL:
        return _("All countries ({projects})").format(projects=layers.projects_text(total))
    n = country_projects.get(value, 0)
    return f"{with_projects.get(value, value)} ({layers.projects_text(n)})"


def no_project_note(iso3: str) -> str:
    """A country clicked on the map that has no project in this view."""
    return _("{country}: no project under the current filters.").format(
        country=formatting.md(names.get(iso3, iso3))
    )


def on_map_select(map_key: str) -> None:
    """A click on the map. A country, a locality or an exchange city makes its country
    the focus (when it has projects in this view); an exchange arc or city also lists
    its exchanges beside the map."""
    state = st.session_state.get(map_key)
    selection = state.get("selection") if state else None
    objects = (selection or {}).get("objects") or {}
    if not any(objects.values()):  # a click that cleared the selection: keep the focus
        return
    exchange_hits = objects.get(decks.ARCS_LAYER) or objects.get(decks.EXCHANGE_CITIES_LAYER)
    # what to say, as data: its words are written when shown, in the page's language
    note: dict | None = None
    if exchange_hits:
        note = {"exchanges": list(exchange_hits[0].get("exchange_ids") or [])}
    iso3 = decks.selected_iso3(selection)
    if iso3 in with_projects:
        st.session_state[FOCUS_KEY] = iso3  # ui.code_picker writes it to the URL
    elif iso3 and note is None:
        note = {"no_project": iso3}
    if note is not None:
        st.session_state[NOTE_KEY] = note


# --- headline counts ------------------------------------------------------------------
cols = st.columns(4)
cols[0].metric(_("Countries with projects"), i18n.number(len(counts)))
cols[1].metric(
    *formatting.part_metric(_("Localities plotted"), summary["located"], summary["localities"]),
    help=_(
        "Localities with coordinates from GeoNames. The others are listed below as "
        "“location not reported” — never drawn at 0,0."
    ),
)
cols[2].metric(
    _("Localities without coordinates"),
    i18n.number(summary["localities"] - summary["located"]),
)
drawn_exchanges = participants["exchange_id"].nunique() if not participants.empty else 0
cols[3].metric(
    _("City-to-City exchanges drawn"),
    i18n.number(drawn_exchanges),
    help=_(
        "Arcs run from the host city to each participant: its city when the source "
        "names one, otherwise its country."
    ),
)
ui.project_only_filters_note(filters, what="City-to-City exchanges")
exchanges_note = formatting.exchanges_note(drawn_exchanges, exchange_total)
if exchanges_note:
    st.info(exchanges_note, icon=":material/filter_alt:")

map_col, list_col = st.columns([2.4, 1], gap="medium")

# --- beside the map: chooser and the narrowed list ------------------------------------
with list_col:
    focus, dropped = ui.code_picker(
        _("Focus country"),
        page=pages.MAP,
        param=FOCUS_KEY,
        options=choices,
        format_func=focus_label,
        help=_(
            "Narrows the list below and outlines the country on the map. You can also "
            "click a country, a locality or an exchange city on the map."
        ),
    )
    if dropped in names:
        st.info(
            _("{country}: no project under the current filters; showing all countries.").format(
                country=formatting.md(names[dropped])
            )
        )
    elif dropped:
        st.warning(
            _(
                "The link names a focus country “{code}” that is not a country code (ISO3, "
                "e.g. BRA); showing all countries."
            ).format(code=formatting.md(dropped))
        )
    note = st.session_state.pop(NOTE_KEY, None)
    if isinstance(note, dict) and "no_project" in note:
        st.info(no_project_note(note["no_project"]))
    elif isinstance(note, dict):
        chosen_ids = set(note.get("exchanges") or [])
        titles = (
            participants.drop_duplicates("exchange_id")
            .loc[lambda d: d["exchange_id"].isin(chosen_ids)][["exchange_id", "title"]]
            .itertuples(index=False)
        )
        lines = [
            "- " + formatting.md_link(ui.urls().exchange(row.exchange_id), row.title)
            for row in titles
        ]
        if lines:
            heading = _("**City-to-City exchange** (clicked on the map)")
            st.info(heading + "\n" + "\n".join(lines))

    in_focus = None if focus == ALL else focus
    shown = ui.load(queries.map_projects, filters, in_focus, scale.MAP_LIST_ROWS)
    n = total if focus == ALL else country_projects[focus]
    if focus == ALL:
        heading = ngettext("{n} project in this view", "{n} projects in this view", n)
    else:
        heading = ngettext("{n} project in {country}", "{n} projects in {country}", n)
    heading = heading.format(n=i18n.number(n), country=with_projects.get(focus, focus))
    st.markdown(f"**{formatting.md(heading)}**")
    with st.container(height=560, border=True, key="map_project_list"):
        if shown.empty:
            st.caption(_("No project matches the current filters."))
        st.html(_LIST_LINKS_CSS)
        carried = ui.filter_params(filters)  # the link keeps the filters
        for row in shown.to_dict("records"):
            # in-app navigation: the session (its inventory, its story) stays
            st.page_link(
                pages.PROJECTS.file,
                label=inert.markdown(str(row["title"])),
                query_params={**carried, "project": [row["project_id"]]},
            )
            st.markdown(formatting.map_list_caption(row), unsafe_allow_html=True)
        if n > len(shown):
            narrowed = filters if focus == ALL else filters.replace(country=(focus,))
            every = formatting.md_link(
                ui.urls(narrowed).page(pages.PROJECTS), _("All {n}").format(n=i18n.number(n))
            )
            st.caption(
                _("The first {shown} by start year. {all} on the Projects page.").format(
                    shown=i18n.number(len(shown)), all=every
                )
            )

# --- the map --------------------------------------------------------------------------
with map_col:
    deck = ui.built(
        decks.world_deck,
        counts,
        localities,
        participants,
        focus=None if focus == ALL else focus,
        clusters=clusters,
    )

    def draw_map() -> None:
        # a new chart per focus (clears its click selection) and per reset
        shown, map_key = ui.map_view_controls(f"world_map_{focus}", deck)
        st.pydeck_chart(
            shown,
            on_select=partial(on_map_select, map_key),
            selection_mode="single-object",
            key=map_key,
            height=560,
            alt=_("World map: projects per country, project localities and City-to-City arcs"),
        )
        st.caption(ui.map_help())

    language = i18n.language()  # the image is drawn on click, outside the page's run

    def map_image():
        with i18n.using(language):
            return export.static_map_figure(
                counts,
                localities,
                participants,
                _("Projects per country, localities and exchanges"),
                clusters=clusters,
            )

    map_data = ui.built(export.map_table, counts, localities, participants, clusters=clusters)
    ui.chart_block(
        half=True,
        title=N_("Projects per country, localities and City-to-City exchanges"),
        key="map_world",
        summary=ui.built(summaries.world_map, map_data),
        figure=map_image,  # built only when an image is downloaded
        data=map_data,  # the download: English column names and codes
        table=partial(export.shown_table, map_data),  # the Table tab, in the reader's language
        render=draw_map,
    )
    if clusters is not None:
        st.caption(layers.cluster_caption(clusters, summary["located"]))

    min_count, max_count = ui.built(layers.count_range, counts)
    legend = layers.legend_html(max_count, layers.cluster_cell(clusters), min_count)
    st.markdown(legend, unsafe_allow_html=True)
    missing_shapes = ui.built(layers.countries_without_shape, counts)
    if missing_shapes:
        st.caption(
            _("Too small to draw at this scale (counted, not shaded): {countries}.").format(
                countries=formatting.md(formatting.cut_list(missing_shapes, scale.TOO_SMALL_LISTED))
            )
        )

# --- localities without coordinates -----------------------------------------------------
in_focus = None if focus == ALL else focus
missing_n = (
    summary["localities"] - summary["located"]
    if in_focus is None
    else ui.load(queries.unlocated_count, filters, in_focus)
)
if missing_n:
    missing = ui.load(queries.unlocated_localities, filters, in_focus, scale.UNLOCATED_ROWS)
    if focus == ALL:
        label = ngettext(
            "{n} locality without coordinates (location not reported)",
            "{n} localities without coordinates (location not reported)",
            missing_n,
        )
    else:
        label = ngettext(
            "{n} locality in {country} without coordinates (location not reported)",
            "{n} localities in {country} without coordinates (location not reported)",
            missing_n,
        )
    with st.expander(
        label.format(n=i18n.number(missing_n), country=with_projects.get(focus, focus))
    ):
        first = (
            " " + _("The first {n}, by name.").format(n=i18n.number(len(missing)))
            if missing_n > len(missing)
            else ""
        )
        st.caption(
            _(
                "The source names these places but no coordinates could be attributed to "
                "them; they are counted, not drawn."
            )
            + first
        )
        ui.table(ui.built(layers.unlocated_table, missing, ui.options().labels["country"]))
