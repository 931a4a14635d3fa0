"""Map: projects per country (choropleth), localities by pillar, City-to-City exchanges as
arcs from host to participants — drawn offline (no tiles, no CDN). Choosing a country,
in the chooser or by clicking the map, narrows the list of projects beside the map."""

from __future__ import annotations

import html
import re
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import maps, theme, ui
from dashboard.queries import PROJECT_ONLY_FILTERS

ui.ensure_shell()
PATH = "map"
FOCUS_KEY = "country_focus"  # bound to the URL (?country_focus=...)
ALL = "all"  # the "All countries" option
NOTE_KEY = "map_click_note"
LABEL_KEY = "_country_focus_label"
FIX_URL_KEY = "_country_focus_fix_url"

st.title("Map")
st.markdown(
    "Where the documented projects work with local authorities, and which cities took "
    "part in the ILO–UCLG **City-to-City** exchanges. Drawn entirely offline: country "
    "shapes from Natural Earth, no map tiles."
)
filters = ui.current_filters()
ui.filters_caption(filters)

counts = ui.load("project_countries", filters)
localities = ui.load("localities", filters)
participants = ui.load("participants", filters)
projects = ui.load("projects", filters)
links = ui.load("project_country_links", filters)

if projects.empty and participants.empty:
    ui.empty_state("projects or exchanges")
    st.stop()

# --- the country chooser: options, labels, URL ----------------------------------------
country_names = dict(zip(counts["iso3"], counts["country"], strict=True))
country_projects = dict(zip(counts["iso3"], counts["projects"].astype(int), strict=True))
choices = [ALL, *sorted(country_names, key=lambda iso3: country_names[iso3])]


def focus_label(value: str) -> str:
    if value == ALL:
        return f"All countries ({len(projects)} projects)"
    n = country_projects.get(value, 0)
    return f"{country_names.get(value, value)} ({n} project{'' if n == 1 else 's'})"


def resolve_focus(raw: str) -> str | None:
    """A country from a hand-written or older link: ISO3 code, name, or a label whose
    count came from other filters ("Brazil (2 projects)")."""
    text = raw.strip()
    if text.upper() in country_names:
        return text.upper()
    name = re.sub(r"\s*\(\d+ projects?\)$", "", text).casefold()
    return next((i for i, c in country_names.items() if c.casefold() == name), None)


if FOCUS_KEY not in st.session_state:  # first run on this page: read the link
    raw = st.query_params.get(FOCUS_KEY)
    if raw and raw not in {focus_label(c) for c in choices}:
        resolved = resolve_focus(raw)
        if resolved:
            st.session_state[FOCUS_KEY] = resolved
            # Streamlit drops a link value that is not an option label; the next run
            # writes the resolved country back to the URL (see below).
            st.session_state[FIX_URL_KEY] = "next-run"
        else:
            st.session_state[NOTE_KEY] = (
                f"Ignored country “{raw}” from the link: no project there under the "
                "current filters."
            )

current = st.session_state.get(FOCUS_KEY)
if st.session_state.get(FIX_URL_KEY) == "due" and current in country_names:
    st.session_state.pop(FIX_URL_KEY)
    st.session_state[FOCUS_KEY] = current  # a code-set value: Streamlit writes the URL
elif current not in (None, ALL) and current not in country_names:
    st.session_state[NOTE_KEY] = (
        f"{maps.country_names().get(current, current)} has no project under the current "
        "filters; showing all countries."
    )
elif current in country_names and st.session_state.get(LABEL_KEY) not in (
    None,
    focus_label(current),
):
    # The filters changed this country's count (so its label): re-assigning the value
    # makes Streamlit write the new label to the URL, keeping the link valid.
    st.session_state[FOCUS_KEY] = current


def on_map_select(map_key: str) -> None:
    """A click on the map. A country, a locality or an exchange city makes its country
    the focus (when it has projects in this view); an exchange arc or city also lists
    its exchanges beside the map."""
    state = st.session_state.get(map_key)
    selection = state.get("selection") if state else None
    objects = (selection or {}).get("objects") or {}
    if not any(objects.values()):  # a click that cleared the selection: keep the focus
        return
    exchange_hits = objects.get(maps.ARCS_LAYER) or objects.get(maps.EXCHANGE_CITIES_LAYER)
    note: dict | str | None = None
    if exchange_hits:
        note = {"exchanges": list(exchange_hits[0].get("exchange_ids") or [])}
    iso3 = maps.selected_iso3(selection)
    if iso3 in country_names:
        st.session_state[FOCUS_KEY] = iso3
    elif iso3 and note is None:
        name = maps.country_names().get(iso3, iso3)
        note = f"{name}: no project under the current filters."
    if note is not None:
        st.session_state[NOTE_KEY] = note


# --- headline counts ------------------------------------------------------------------
located, unlocated = maps.split_localities(localities)
cols = st.columns(4)
cols[0].metric("Countries with projects", len(counts))
cols[1].metric(
    "Localities plotted",
    f"{len(located)} of {len(localities)}",
    help="Localities with coordinates from GeoNames. The others are listed below as "
    "“location not reported” — never drawn at 0,0.",
)
cols[2].metric("Localities without coordinates", len(unlocated))
cols[3].metric(
    "City-to-City exchanges drawn",
    participants["exchange_id"].nunique() if not participants.empty else 0,
    help="Arcs run from the host city to each participant: its city when the source "
    "names one, otherwise its country.",
)
project_only = [f for f in PROJECT_ONLY_FILTERS if getattr(filters, f)]
if project_only and not participants.empty:
    st.caption(
        "City-to-City exchanges are not narrowed by "
        + ", ".join(f.replace("group", "beneficiary group") for f in project_only)
        + " (exchanges have none); region, country, topic, years and search apply to them."
    )

map_col, list_col = st.columns([2.4, 1], gap="medium")

# --- beside the map: chooser and the narrowed list ------------------------------------
with list_col:
    focus = st.selectbox(
        "Focus country",
        options=choices,
        format_func=focus_label,
        key=FOCUS_KEY,
        bind="query-params",
        help="Narrows the list below and outlines the country on the map. You can also "
        "click a country, a locality or an exchange city on the map.",
    )
    st.session_state[LABEL_KEY] = focus_label(focus)
    note = st.session_state.pop(NOTE_KEY, None)
    if isinstance(note, dict):
        chosen_ids = set(note.get("exchanges") or [])
        titles = (
            participants.drop_duplicates("exchange_id")
            .loc[lambda d: d["exchange_id"].isin(chosen_ids)][["exchange_id", "title"]]
            .itertuples(index=False)
        )
        lines = [
            f"- [{row.title}]({ui.page_link('exchanges', {'exchange': row.exchange_id})})"
            for row in titles
        ]
        if lines:
            st.info("**City-to-City exchange** (clicked on the map)\n" + "\n".join(lines))
    elif isinstance(note, str):
        st.info(note)

    if focus == ALL:
        shown = projects
        heading = f"{len(shown)} project{'s' if len(shown) != 1 else ''} in this view"
    else:
        ids = set(links.loc[links["iso3"] == focus, "project_id"])
        shown = projects[projects["project_id"].isin(ids)]
        heading = (
            f"{len(shown)} project{'s' if len(shown) != 1 else ''} in "
            f"{country_names.get(focus, focus)}"
        )
    st.markdown(f"**{heading}**")
    with st.container(height=560, border=True, key="map_project_list"):
        if shown.empty:
            st.caption("No project matches the current filters.")
        for row in shown.to_dict("records"):
            pillar = row.get("pillar") or ""
            colour = theme.PILLAR_COLOURS.get(pillar, "#777777")
            years = maps.years_text(row) or "years not reported"
            where = row.get("countries")
            where = where if isinstance(where, str) and where else "country not reported"
            link = ui.page_link("projects", {"project": row["project_id"]})
            title = html.escape(str(row["title"]))
            st.markdown(
                f"<div class='atlas-map-item' style='margin-bottom:0.6rem'>"
                f"<a href='{html.escape(link)}' target='_self' "
                f"style='font-weight:600;text-decoration:none'>{title}</a><br>"
                f"<span style='color:{colour};font-size:1.1em'>●</span> "
                f"<span style='color:#444'>{html.escape(theme.PILLAR_SHORT.get(pillar, pillar))}"
                f" · {html.escape(years)} · {html.escape(where)}</span></div>",
                unsafe_allow_html=True,
            )

# --- the map --------------------------------------------------------------------------
with map_col:
    deck = maps.world_deck(counts, localities, participants, focus=None if focus == ALL else focus)
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
        page_path=PATH,
        figure=lambda: maps.static_map_figure(  # built only when an image is downloaded
            counts, localities, participants, "Projects per country, localities and exchanges"
        ),
        data=maps.map_table(counts, localities, participants),
        render=draw_map,
    )

    max_count = int(counts["projects"].max()) if not counts.empty else 0
    ramp = "".join(
        f"<span style='display:inline-block;width:14px;height:14px;background:{colour};"
        f"border:1px solid #ccc;vertical-align:middle;margin:0 4px 0 10px'></span>"
        f"{html.escape(label)}"
        for label, colour in maps.count_legend(max_count)
    )
    pillars = "".join(
        f"<span style='display:inline-block;width:12px;height:12px;border-radius:50%;"
        f"background:{theme.PILLAR_COLOURS[p]};vertical-align:middle;margin:0 4px 0 10px'>"
        f"</span>{html.escape(theme.PILLAR_SHORT[p])}"
        for p in theme.PILLAR_ORDER
    )
    roles = "".join(
        f"<span style='display:inline-block;width:10px;height:10px;border-radius:50%;"
        f"background:white;border:3px solid {theme.ROLE_COLOURS[r]};vertical-align:middle;"
        f"margin:0 4px 0 10px'></span>{html.escape(theme.ROLE_LABELS[r])}"
        for r in theme.ROLE_COLOURS
    )
    st.markdown(
        "<div style='line-height:1.9;font-size:0.95rem'>"
        f"<div><b>Countries</b> — projects in this view:{ramp}</div>"
        f"<div><b>Localities</b> (filled dots) by pillar:{pillars}</div>"
        f"<div><b>City-to-City</b> (rings) by role:{roles}. Arcs run from the host city "
        "(dark end) to each participant; a participant whose city the source does not "
        "name is drawn at its country.</div></div>",
        unsafe_allow_html=True,
    )
    missing_shapes = maps.countries_without_shape(counts)
    if missing_shapes:
        st.caption(
            "Too small to draw at this scale (counted, not shaded): "
            + ", ".join(missing_shapes)
            + "."
        )

# --- localities without coordinates -----------------------------------------------------
missing = unlocated if focus == ALL else unlocated[unlocated["iso3"] == focus]
if not missing.empty:
    where = "" if focus == ALL else f" in {country_names.get(focus, focus)}"
    with st.expander(
        f"{len(missing)} localit{'y' if len(missing) == 1 else 'ies'}{where} without "
        "coordinates (location not reported)"
    ):
        st.caption(
            "The source names these places but no coordinates could be attributed to them; "
            "they are counted, not drawn."
        )
        table = pd.DataFrame(
            {
                "Locality": missing["name"],
                "Country": missing["iso3"].map(maps.country_names()).fillna(missing["iso3"]),
                "Level": missing["admin_level"],
                "Project": missing["title"],
                "Location": theme.NOT_REPORTED,
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")

if st.session_state.get(FIX_URL_KEY) == "next-run":
    st.session_state[FIX_URL_KEY] = "due"
