"""Projects: a searchable, sortable table of the filtered projects, and the detail of
one project (its own link: ?project=<id>) — summary, outcomes, localities on a small
map, beneficiaries, partners, replication and the source."""

from __future__ import annotations

import streamlit as st

from dashboard import formatting, i18n, pages, queries, scale, theme, ui
from dashboard.i18n import N_, _, ngettext
from dashboard.maps import layers
from dashboard.maps.decks import project_deck

ui.ensure_shell()

PAGE = pages.PROJECTS
PARAM = PAGE.param("project").key  # the URL key and the picker's widget key

st.title(_("Projects"))
st.markdown(
    _(
        "Every project and programme the publication documents. Search and filter in the "
        "sidebar, sort by clicking a column, and open a project below — each one has its "
        "own link."
    )
    if ui.session_inventory() is None
    else _(
        "Every project and programme of your inventory. Search and filter in the sidebar, "
        "sort by clicking a column, and open a project below."
    )
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
    st.subheader(ngettext("{n} project", "{n} projects", total).format(n=i18n.number(total)))
if total > PAGE_ROWS:
    pages_n = -(-total // PAGE_ROWS)
    sort_col, page_col, _spare = st.columns([2, 1, 2])
    with sort_col:
        sort, _dropped = ui.code_picker(
            _("Sort by"),
            page=PAGE,
            param="sort",
            options=list(queries.PROJECT_SORTS),
            format_func=lambda code: _(queries.PROJECT_SORTS[code][0]),
            help=_("Sorts every matching project. Clicking a column header sorts this page only."),
        )
    if st.session_state.get("_projects_view") != (filters, sort):  # new filters or order
        st.session_state["_projects_view"] = (filters, sort)
        st.session_state["projects_page"] = 1
    with page_col:
        number = st.number_input(
            _("Page (of {n})").format(n=i18n.number(pages_n)),
            min_value=1,
            max_value=pages_n,
            step=1,
            key="projects_page",
        )
    first = (int(number) - 1) * PAGE_ROWS
rows = ui.load(queries.project_page, filters, sort, first, PAGE_ROWS)
link = ui.urls().project_link()

if total:
    table = ui.built(formatting.projects_table, rows, link=link)
    if total > PAGE_ROWS:
        st.caption(
            _(
                "Showing {first}–{last} of {total} projects, sorted by {order}. The download "
                "below holds all {total}."
            ).format(
                first=i18n.number(first + 1),
                last=i18n.number(first + len(table)),
                total=i18n.number(total),
                order=_(queries.PROJECT_SORTS[sort][0]).lower(),
            )
        )
    ui.table(
        table,
        height=min(38 + 35 * len(table), 600),
        key="projects_table",
        column_order=formatting.PROJECT_TABLE_COLUMNS,
        column_config={  # the frame's columns keep their English names (the download's)
            "Project": st.column_config.TextColumn(_("Project"), width="large"),
            "Countries": st.column_config.TextColumn(_("Countries"), width="medium"),
            "Region": st.column_config.TextColumn(_("ILO region")),
            "Pillar": st.column_config.TextColumn(
                _("Pillar"), help=_("Decent Work Agenda pillar the publication files it under")
            ),
            "Years": st.column_config.TextColumn(
                _("Years"), help=_("As the source gives them; “not reported” when it does not.")
            ),
            "Status": st.column_config.TextColumn(_("Status")),
            "Topics": st.column_config.TextColumn(_("Topics"), width="medium"),
            "Link": st.column_config.LinkColumn(
                _("Link"),
                display_text=_("Open ↗"),
                width="small",
                help=_("This project's own page (a shareable link)"),
            ),
        },
    )

    matching = ui.on_demand(queries.project_rows, filters, sort)

    def _download_rows():
        """Every matching project as the table shows them, in its order, streamed from
        DuckDB a chunk at a time when clicked. Machine-readable: English column names and
        values (years, statuses, pillars) whatever the interface's language."""
        for chunk in matching():
            with i18n.using(i18n.DEFAULT_LANGUAGE):
                rows_shown = formatting.projects_download(chunk, link=link)
            yield rows_shown

    with st.expander(_("Download this table")):
        ui.downloads(
            _download_rows,
            rows=total,
            title=N_("Projects"),
            key="projects_download",
            file_name="projects",
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
    help=_("Choose a project to see everything the catalogue records about it."),
)
if chosen is None:
    st.stop()
record = ui.load(queries.project_record, chosen)
project = record.project

# --- the detail view ----------------------------------------------------------------------
countries, localities = record.countries, record.localities
groups, counts, partners = record.beneficiaries, record.counts, record.partners

ui.record_heading(formatting.md(project.get("title")), chosen)
st.markdown(formatting.project_badges(project), unsafe_allow_html=True)

NOT_REPORTED_SENTENCE = _("Not reported.")

facts = st.columns(4)
country_names = [
    i18n.country_name(formatting.text(iso3, "") or None, formatting.text(name, "") or None)
    for iso3, name in zip(countries["iso3"], countries["country"], strict=True)
]
facts[0].markdown(
    "**{label}**  \n".format(label=_("Countries"))
    + formatting.md(formatting.join_or_not_reported(country_names, sep=", "))
)
region = formatting.text(project.get("region"), "")
facts[1].markdown(
    "**{label}**  \n".format(label=_("ILO region"))
    + formatting.md(theme.region_label(region or None))
)
years = formatting.years_text(
    project.get("start_year"), project.get("end_year"), project.get("ongoing")
)
phase_lines = formatting.phase_lines(record.phases)
facts[2].markdown(
    "**{label}**  \n".format(label=_("Years"))
    + years
    + "".join(f"  \n{line}" for line in phase_lines)
)
facts[3].markdown(
    "**{label}**  \n".format(label=_("Topics"))
    + formatting.md(formatting.join_or_not_reported(record.topics, sep=", "))
)

left, right = st.columns([3, 2], gap="large")
with left:  # the catalogue's text, as catalogued
    st.markdown(_("#### Summary"))
    st.markdown(formatting.md(project.get("summary")))
    st.markdown(_("#### Outcomes"))
    st.markdown(formatting.md(project.get("outcomes")))
    st.markdown(_("#### Replication"))
    st.markdown(formatting.md(project.get("replication")))
with right:
    st.markdown(_("#### Beneficiaries"))
    st.markdown(formatting.md(project.get("beneficiaries")))
    if groups.empty:
        st.markdown(_("Beneficiary groups: not reported"))
    else:
        ui.table(ui.built(formatting.beneficiaries_table, groups), half=True)
    st.markdown(_("#### Other numbers the source gives"))
    if counts.empty:
        st.markdown(NOT_REPORTED_SENTENCE)
    else:
        ui.table(ui.built(formatting.counts_table, counts), half=True)
    st.caption(
        _("Counts are as the source states them; a missing count is “not reported”, never 0.")
    )
    st.markdown(_("#### Partners"))
    if partners.empty:
        st.markdown(NOT_REPORTED_SENTENCE)
    else:
        st.markdown(
            "\n".join(
                f"- {formatting.md(partner)} — *{formatting.md(kind)}*"
                for partner, kind in formatting.partners_table(partners).itertuples(
                    index=False, name=None
                )
            )
        )

st.markdown(_("#### Localities"))
if localities.empty:
    st.markdown(_("Named places: not reported."))
else:
    # one above the other: five columns of places need the page's width
    ui.table(ui.built(formatting.localities_table, localities))
    unlocated = [
        formatting.md(r["name"])
        for r in localities.to_dict("records")
        if formatting.is_missing(r.get("lat")) or formatting.is_missing(r.get("lon"))
    ]
    if unlocated:
        st.caption(
            _("Not on the map (location not reported): {places}").format(
                places=", ".join(unlocated)
            )
        )
    try:
        deck = ui.built(project_deck, localities, countries, width=760, height=360)
    except layers.ShapesUnavailable as exc:  # the table above still lists the places
        st.warning(_("Map unavailable: {why}").format(why=exc), icon=":material/map:")
    else:
        shown, key = ui.map_view_controls(f"project_map_{chosen}", deck)
        st.pydeck_chart(shown, height=360, key=key)
        st.caption(
            _(
                "Localities with coordinates; the project's countries are shaded. The list "
                "above names every place, located or not."
            )
            + " "
            + ui.map_help()
        )

ui.record_source(project, what="project", link=ui.urls().project(chosen, with_filters=False))
st.caption(_("{source}. Project id: `{id}`.").format(source=ui.source_line(), id=chosen))
