"""Projects: a searchable, sortable table of the filtered projects, and the detail of
one project (its own link: ?project=<id>) — summary, outcomes, localities on a small
map, beneficiaries, partners, replication and the source."""

from __future__ import annotations

import streamlit as st

from dashboard import detail, inert, map_data, pages, theme, ui
from dashboard.maps import project_deck

ui.ensure_shell()

PATH = pages.PROJECTS.path
PARAM = "project"  # URL key (state.PAGE_PARAMS) and the picker's widget key

st.title("Projects")
st.markdown(
    "Every project and programme the publication documents. Search and filter in the "
    "sidebar, sort by clicking a column, and open a project below — each one has its own link."
)
filters = ui.current_filters()
ui.filters_caption(filters)

projects = ui.load("projects", filters)

# --- the table ------------------------------------------------------------------------
if projects.empty:
    ui.empty_state("projects")
else:
    table = detail.projects_table(projects, link=lambda pid: ui.page_link(PATH, {PARAM: pid}))
    st.subheader(f"{len(table)} project{'s' if len(table) != 1 else ''}")
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(table), 600),
        key="projects_table",
        column_order=detail.PROJECT_TABLE_COLUMNS,
        column_config={
            "Project": st.column_config.TextColumn("Project", width="large"),
            "Countries": st.column_config.TextColumn("Countries", width="medium"),
            "Region": st.column_config.TextColumn("ILO region"),
            "Pillar": st.column_config.TextColumn(
                "Pillar", help="Decent Work Agenda pillar the publication files it under"
            ),
            "Years": st.column_config.TextColumn(
                "Years", help="As the source gives them; “not reported” when it does not."
            ),
            "Status": st.column_config.TextColumn("Status"),
            "Topics": st.column_config.TextColumn("Topics", width="medium"),
            "Link": st.column_config.LinkColumn(
                "Link",
                display_text="Open ↗",
                width="small",
                help="This project's own page (a shareable link)",
            ),
        },
    )
    with st.expander("Download this table"):
        ui.downloads(
            table,  # what the table shows (labels, years as text), with the link and the id
            title="Projects",
            key="projects_download",
            page_path=PATH,
        )

# --- which project ----------------------------------------------------------------------
titles = dict(zip(projects["project_id"], projects["title"], strict=True))


def _exists(project_id: str) -> bool:
    return not ui.load("project_by_id", project_id).empty


st.divider()
chosen = ui.record_picker(
    param=PARAM,
    what="project",
    visible=list(projects["project_id"]),
    label_of=lambda pid: titles.get(pid) or ui.load("project_by_id", pid)["title"].iloc[0],
    exists=_exists,
    help="Choose a project to see everything the catalogue records about it.",
)
if chosen is None:
    st.stop()
project = ui.load("project_by_id", chosen).iloc[0].to_dict()

# --- the detail view ----------------------------------------------------------------------
countries = ui.load("project_detail_countries", chosen)
localities = ui.load("project_detail_localities", chosen)
groups = ui.load("project_detail_beneficiaries", chosen)
counts = ui.load("project_detail_counts", chosen)
partners = ui.load("project_detail_partners", chosen)
phases = ui.load("project_detail_phases", chosen)
topics = ui.load("project_detail_topics", chosen)

st.header(detail.md(project.get("title")))
st.markdown(
    detail.pillar_chip(project.get("pillar"))
    + f" &nbsp; **{inert.html(detail.record_type_label(project.get('record_type')))}**"
    + f" · {inert.html(detail.status_label(project.get('status')))}",
    unsafe_allow_html=True,
)

facts = st.columns(4)
facts[0].markdown(
    "**Countries**  \n" + detail.md(detail.join_or_not_reported(countries["country"], sep=", "))
)
facts[1].markdown("**ILO region**  \n" + detail.md(project.get("region")))
years = detail.years_text(
    project.get("start_year"), project.get("end_year"), project.get("ongoing")
)
phase_lines = detail.phase_lines(phases)
facts[2].markdown("**Years**  \n" + years + "".join(f"  \n{line}" for line in phase_lines))
facts[3].markdown(
    "**Topics**  \n" + detail.md(detail.join_or_not_reported(topics["topic"], sep=", "))
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown("#### Summary")
    st.markdown(detail.md(project.get("summary")))
    st.markdown("#### Outcomes")
    st.markdown(detail.md(project.get("outcomes")))
    st.markdown("#### Replication")
    st.markdown(detail.md(project.get("replication")))
with right:
    st.markdown("#### Beneficiaries")
    st.markdown(detail.md(project.get("beneficiaries")))
    if groups.empty:
        st.markdown(f"Beneficiary groups: {detail.NOT_REPORTED}")
    else:
        st.dataframe(detail.beneficiaries_table(groups), hide_index=True, width="stretch")
    st.markdown("#### Other counts the source states")
    if counts.empty:
        st.markdown(detail.NOT_REPORTED.capitalize() + ".")
    else:
        st.dataframe(detail.counts_table(counts), hide_index=True, width="stretch")
    st.caption("Counts are as the source states them; a missing count is “not reported”, never 0.")
    st.markdown("#### Partners")
    if partners.empty:
        st.markdown(detail.NOT_REPORTED.capitalize() + ".")
    else:
        st.markdown(
            "\n".join(
                f"- {detail.md(row.Partner)} — *{detail.md(row.Type)}*"
                for row in detail.partners_table(partners).itertuples()
            )
        )

st.markdown("#### Localities")
if localities.empty:
    st.markdown(f"Named places: {detail.NOT_REPORTED}.")
else:
    places, small_map = st.columns(2, gap="large")
    with places:
        st.dataframe(detail.localities_table(localities), hide_index=True, width="stretch")
        unlocated = [
            detail.md(r["name"])
            for r in localities.to_dict("records")
            if detail.location_text(r.get("lat"), r.get("lon")) == detail.LOCATION_NOT_REPORTED
        ]
        if unlocated:
            st.caption(f"Not on the map ({detail.LOCATION_NOT_REPORTED}): " + ", ".join(unlocated))
    with small_map:
        try:
            deck = project_deck(localities, countries)
        except map_data.ShapesUnavailable as exc:  # the table beside it still lists the places
            st.warning(f"Map unavailable: {exc}", icon=":material/map:")
        else:
            # a little context around the places (the deck fits them to a wider map)
            deck.initial_view_state.zoom = max(0.0, float(deck.initial_view_state.zoom) - 0.6)
            st.pydeck_chart(deck, height=360, key="project_map")
            st.caption("Localities with coordinates; the project's countries are shaded.")

ui.record_source(project, what="project", page_path=PATH, param=PARAM, record_id=chosen)
st.caption(f"{theme.SOURCE_LINE}. Project id: `{chosen}`.")
