"""Map: projects per country (choropleth), localities by pillar, City-to-City exchanges as
arcs from host to participants — drawn offline (no tiles, no CDN). Choosing a country,
in the chooser or by clicking the map, narrows the list of projects beside the map."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from dashboard import formatting, pages, queries, scale, theme, ui
from dashboard.maps import decks, export, layers

ui.ensure_shell()
FOCUS_KEY = "country_focus"  # in the URL as an ISO3 code (?country_focus=BRA)
ALL = "all"  # the "All countries" option
NOTE_KEY = "map_click_note"

st.title("Map")
st.markdown(
    "Where the documented projects work with local authorities, and which cities took "
    "part in the ILO–UCLG **City-to-City** exchanges. Drawn entirely offline: country "
    "shapes from Natural Earth, no map tiles."
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
with_projects = dict(zip(counts["iso3"], counts["country"], strict=True))
country_projects = dict(zip(counts["iso3"], counts["projects"].astype(int), strict=True))
# The warehouse's names ("Türkiye"); Natural Earth's only for a country it does not name.
names = {**layers.country_names(), **ui.options().labels["country"]}
choices = [ALL, *sorted(with_projects, key=lambda iso3: with_projects[iso3])]


def focus_label(value: str) -> str:
    if value == ALL:
        return f"All countries ({layers.plural(total, 'project')})"
    n = country_projects.get(value, 0)
    return f"{with_projects.get(value, value)} ({layers.plural(n, 'project')})"


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
    note: dict | str | None = None
    if exchange_hits:
        note = {"exchanges": list(exchange_hits[0].get("exchange_ids") or [])}
    iso3 = decks.selected_iso3(selection)
    if iso3 in with_projects:
        st.session_state[FOCUS_KEY] = iso3  # ui.code_picker writes it to the URL
    elif iso3 and note is None:
        note = f"{formatting.md(names.get(iso3, iso3))}: no project under the current filters."
    if note is not None:
        st.session_state[NOTE_KEY] = note


# --- headline counts ------------------------------------------------------------------
cols = st.columns(4)
cols[0].metric("Countries with projects", len(counts))
cols[1].metric(
    *formatting.part_metric("Localities plotted", summary["located"], summary["localities"]),
    help="Localities with coordinates from GeoNames. The others are listed below as "
    "“location not reported” — never drawn at 0,0.",
)
cols[2].metric("Localities without coordinates", f"{summary['localities'] - summary['located']:,}")
drawn_exchanges = participants["exchange_id"].nunique() if not participants.empty else 0
cols[3].metric(
    "City-to-City exchanges drawn",
    drawn_exchanges,
    help="Arcs run from the host city to each participant: its city when the source "
    "names one, otherwise its country.",
)
ui.project_only_filters_note(filters, what="City-to-City exchanges")
exchanges_note = formatting.exchanges_note(drawn_exchanges, exchange_total)
if exchanges_note:
    st.info(exchanges_note, icon=":material/filter_alt:")

map_col, list_col = st.columns([2.4, 1], gap="medium")

# --- beside the map: chooser and the narrowed list ------------------------------------
with list_col:
    focus, dropped = ui.code_picker(
        "Focus country",
        page=pages.MAP,
        param=FOCUS_KEY,
        options=choices,
        format_func=focus_label,
        help="Narrows the list below and outlines the country on the map. You can also "
        "click a country, a locality or an exchange city on the map.",
    )
    if dropped in names:
        st.info(
            f"{formatting.md(names[dropped])}: no project under the current filters; "
            "showing all countries."
        )
    elif dropped:
        st.warning(
            f"The link names a focus country “{formatting.md(dropped)}” that is not a "
            "country code (ISO3, e.g. BRA); showing all countries."
        )
    note = st.session_state.pop(NOTE_KEY, None)
    if isinstance(note, dict):
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
            st.info("**City-to-City exchange** (clicked on the map)\n" + "\n".join(lines))
    elif isinstance(note, str):
        st.info(note)

    in_focus = None if focus == ALL else focus
    shown = ui.load(queries.map_projects, filters, in_focus, scale.MAP_LIST_ROWS)
    n = total if focus == ALL else country_projects[focus]
    where = "in this view" if focus == ALL else f"in {with_projects[focus]}"
    st.markdown(f"**{formatting.md(layers.plural(n, 'project') + ' ' + where)}**")
    with st.container(height=560, border=True, key="map_project_list"):
        if shown.empty:
            st.caption("No project matches the current filters.")
        urls = ui.urls()  # once: each call reads the filter options
        for row in shown.to_dict("records"):
            link = urls.project(row["project_id"])
            st.markdown(formatting.map_list_item(row, link), unsafe_allow_html=True)
        if n > len(shown):
            narrowed = filters if focus == ALL else filters.replace(country=(focus,))
            st.caption(
                f"The first {len(shown):,} by start year. "
                + formatting.md_link(ui.urls(narrowed).page(pages.PROJECTS), f"All {n:,}")
                + " on the Projects page."
            )

# --- the map --------------------------------------------------------------------------
with map_col:
    deck = decks.world_deck(
        counts, localities, participants, focus=None if focus == ALL else focus, clusters=clusters
    )
    map_key = f"world_map_{focus}"  # a new chart per focus: clears its click selection

    def draw_map() -> None:
        st.pydeck_chart(
            deck,
            on_select=partial(on_map_select, map_key),
            selection_mode="single-object",
            key=map_key,
            height=560,
            alt="World map: projects per country, project localities and City-to-City arcs",
        )

    ui.chart_block(
        title="Projects per country, localities and City-to-City exchanges",
        key="map_world",
        figure=lambda: export.static_map_figure(  # built only when an image is downloaded
            counts,
            localities,
            participants,
            "Projects per country, localities and exchanges",
            clusters=clusters,
        ),
        data=export.map_table(counts, localities, participants, clusters=clusters),
        render=draw_map,
    )
    if clusters is not None:
        st.caption(layers.cluster_caption(clusters, summary["located"]))

    min_count, max_count = layers.count_range(counts)
    legend = layers.legend_html(max_count, layers.cluster_cell(clusters), min_count)
    st.markdown(legend, unsafe_allow_html=True)
    missing_shapes = layers.countries_without_shape(counts)
    if missing_shapes:
        st.caption(
            "Too small to draw at this scale (counted, not shaded): "
            + formatting.md(formatting.cut_list(missing_shapes, scale.TOO_SMALL_LISTED))
            + "."
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
    where = "" if focus == ALL else f" in {with_projects[focus]}"
    with st.expander(
        f"{missing_n:,} localit{'y' if missing_n == 1 else 'ies'}{where} without "
        "coordinates (location not reported)"
    ):
        st.caption(
            "The source names these places but no coordinates could be attributed to them; "
            "they are counted, not drawn."
            + (f" The first {len(missing):,}, by name." if missing_n > len(missing) else "")
        )
        table = pd.DataFrame(
            {
                "Locality": missing["name"],
                "Country": missing["iso3"].map(names).fillna(missing["iso3"]),
                "Level": missing["admin_level"],
                "Project": missing["title"],
                "Location": theme.NOT_REPORTED,
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
