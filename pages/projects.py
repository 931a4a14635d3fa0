"""Projects: a searchable, sortable table of the filtered projects, and the detail of
one project (its own link: ?project=<id>) — summary, outcomes, localities on a small
map, beneficiaries, partners, replication and the source."""

from __future__ import annotations

import streamlit as st

from dashboard import formatting, pages, queries, scale, ui
from dashboard.maps import layers
from dashboard.maps.decks import project_deck

ui.ensure_shell()

PAGE = pages.PROJECTS
PARAM = PAGE.param("project").key  # the URL key and the picker's widget key

st.title("Projects")
st.markdown(
    "Every project and programme the publication documents. Search and filter in the "
    "sidebar, sort by clicking a column, and open a project below — each one has its own link."
)
filters = ui.current_filters()
ui.filters_caption(filters)

total = ui.load(queries.project_count, filters)
PAGE_ROWS = scale.PROJECT_TABLE_ROWS

# --- the table: sorted and paged in DuckDB when it is longer than a page -----------------
sort, first = next(iter(queries.PROJECT_SORTS)), 0
if total == 0:
    ui.empty_state("projects")
else:
    st.subheader(f"{total:,} project{'s' if total != 1 else ''}")
if total > PAGE_ROWS:
    pages_n = -(-total // PAGE_ROWS)
    sort_col, page_col, _ = st.columns([2, 1, 2])
    with sort_col:
        sort, _ = ui.code_picker(
            "Sort by",
            page=PAGE,
            param="sort",
            options=list(queries.PROJECT_SORTS),
            format_func=lambda code: queries.PROJECT_SORTS[code][0],
            help="Sorts every matching project. Clicking a column header sorts this page only.",
        )
    if st.session_state.get("_projects_view") != (filters, sort):  # new filters or order
        st.session_state["_projects_view"] = (filters, sort)
        st.session_state["projects_page"] = 1
    with page_col:
        number = st.number_input(
            f"Page (of {pages_n:,})", min_value=1, max_value=pages_n, step=1, key="projects_page"
        )
    first = (int(number) - 1) * PAGE_ROWS
rows = ui.load(queries.project_page, filters, sort, first, PAGE_ROWS)
link = ui.urls().project_link()

if total:
    table = formatting.projects_table(rows, link=link)
    if total > PAGE_ROWS:
        st.caption(
            f"Showing {first + 1:,}–{first + len(table):,} of {total:,} projects, sorted by "
            f"{queries.PROJECT_SORTS[sort][0].lower()}. The download below holds all {total:,}."
        )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(table), 600),
        key="projects_table",
        column_order=formatting.PROJECT_TABLE_COLUMNS,
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
        matching = ui.on_demand(queries.project_rows, filters, sort)
        ui.downloads(  # every matching project as the table shows them, in its order:
            # streamed from DuckDB a chunk at a time when clicked
            lambda: (formatting.projects_download(chunk, link=link) for chunk in matching()),
            rows=total,
            title="Projects",
            key="projects_download",
        )

# --- which project ----------------------------------------------------------------------
titles = dict(zip(rows["project_id"], rows["title"], strict=True))
visible = list(rows["project_id"])  # the projects of the table's page…
linked = st.query_params.get(PARAM)
if linked and linked not in titles and ui.load(queries.project_kept, filters, linked):
    visible.insert(0, linked)  # …and a linked one on another page (not outside the filters)


def _exists(project_id: str) -> bool:
    return ui.load(queries.project_record, project_id) is not None


st.divider()
chosen = ui.record_picker(
    param=PARAM,
    what="project",
    visible=visible,
    label_of=lambda pid: titles.get(pid) or ui.load(queries.project_record, pid).project["title"],
    exists=_exists,
    help="Choose a project to see everything the catalogue records about it.",
)
if chosen is None:
    st.stop()
record = ui.load(queries.project_record, chosen)
project = record.project

# --- the detail view ----------------------------------------------------------------------
countries, localities = record.countries, record.localities
groups, counts, partners = record.beneficiaries, record.counts, record.partners

st.header(formatting.md(project.get("title")))
st.markdown(formatting.project_badges(project), unsafe_allow_html=True)

facts = st.columns(4)
facts[0].markdown(
    "**Countries**  \n"
    + formatting.md(formatting.join_or_not_reported(countries["country"], sep=", "))
)
facts[1].markdown("**ILO region**  \n" + formatting.md(project.get("region")))
years = formatting.years_text(
    project.get("start_year"), project.get("end_year"), project.get("ongoing")
)
phase_lines = formatting.phase_lines(record.phases)
facts[2].markdown("**Years**  \n" + years + "".join(f"  \n{line}" for line in phase_lines))
facts[3].markdown(
    "**Topics**  \n" + formatting.md(formatting.join_or_not_reported(record.topics, sep=", "))
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown("#### Summary")
    st.markdown(formatting.md(project.get("summary")))
    st.markdown("#### Outcomes")
    st.markdown(formatting.md(project.get("outcomes")))
    st.markdown("#### Replication")
    st.markdown(formatting.md(project.get("replication")))
with right:
    st.markdown("#### Beneficiaries")
    st.markdown(formatting.md(project.get("beneficiaries")))
    if groups.empty:
        st.markdown(f"Beneficiary groups: {formatting.NOT_REPORTED}")
    else:
        st.dataframe(formatting.beneficiaries_table(groups), hide_index=True, width="stretch")
    st.markdown("#### Other counts the source states")
    if counts.empty:
        st.markdown(formatting.NOT_REPORTED.capitalize() + ".")
    else:
        st.dataframe(formatting.counts_table(counts), hide_index=True, width="stretch")
    st.caption("Counts are as the source states them; a missing count is “not reported”, never 0.")
    st.markdown("#### Partners")
    if partners.empty:
        st.markdown(formatting.NOT_REPORTED.capitalize() + ".")
    else:
        st.markdown(
            "\n".join(
                f"- {formatting.md(row.Partner)} — *{formatting.md(row.Type)}*"
                for row in formatting.partners_table(partners).itertuples()
            )
        )

st.markdown("#### Localities")
if localities.empty:
    st.markdown(f"Named places: {formatting.NOT_REPORTED}.")
else:
    places, small_map = st.columns(2, gap="large")
    with places:
        st.dataframe(formatting.localities_table(localities), hide_index=True, width="stretch")
        unlocated = [
            formatting.md(r["name"])
            for r in localities.to_dict("records")
            if formatting.location_text(r.get("lat"), r.get("lon"))
            == formatting.LOCATION_NOT_REPORTED
        ]
        if unlocated:
            st.caption(
                f"Not on the map ({formatting.LOCATION_NOT_REPORTED}): " + ", ".join(unlocated)
            )
    with small_map:
        try:
            deck = project_deck(localities, countries)
        except layers.ShapesUnavailable as exc:  # the table beside it still lists the places
            st.warning(f"Map unavailable: {exc}", icon=":material/map:")
        else:
            # a little context around the places (the deck fits them to a wider map)
            deck.initial_view_state.zoom = max(0.0, float(deck.initial_view_state.zoom) - 0.6)
            st.pydeck_chart(deck, height=360, key="project_map")
            st.caption("Localities with coordinates; the project's countries are shaded.")

ui.record_source(project, what="project", link=ui.urls().project(chosen, with_filters=False))
st.caption(f"{ui.source_line()}. Project id: `{chosen}`.")
