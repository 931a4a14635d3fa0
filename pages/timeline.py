"""Timeline: projects per year (active or starting, stacked by pillar or region) beside
the publication's reported counts, a Gantt of every project's span, and the
City-to-City exchanges — all on one time axis."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import formatting, pages, queries, scale, ui
from dashboard.figures import summaries
from dashboard.figures import timeline as tl
from dashboard.i18n import N_, _, number

ui.ensure_shell()

st.title(_("Timeline"))
st.markdown(
    _(
        "When the documented projects ran and when the City-to-City exchanges took place. "
        "All three charts share one time axis: a year on one is the same year on the others."
    )
)
filters = ui.current_filters()
ui.filters_caption(filters)

counts = ui.load(queries.year_counts, filters)
summary = ui.load(queries.span_summary, filters)
spans = ui.load(queries.spans, filters, scale.GANTT_ROWS)  # the first GANTT_ROWS projects
exchanges = ui.load(queries.exchanges, filters, scale.EXCHANGES_SHOWN)  # the most recent
reported = ui.load(queries.reported_figures)
meta = ui.load(queries.meta)
as_of_year = int(meta["as_of_year"])  # always written by the ETL (default: build year)

if summary["dated"] + summary["undated"] == 0 and exchanges.empty:
    ui.empty_state("projects or exchanges")
    st.stop()

x_range = ui.built(
    tl.shared_range,
    counts,
    spans,
    exchanges,
    years=filters.years,
    span_years=(summary["first_year"], summary["last_year"]),
)

# --- projects per year --------------------------------------------------------------------
# side by side while they fit, one under the other on a narrow screen (not cut off)
choices = st.container(horizontal=True, gap="large")
with choices:
    measure, _dropped = ui.code_picker(
        _("Count projects"),
        page=pages.TIMELINE,
        param="measure",
        options=list(tl.MEASURES),
        format_func=lambda code: _(tl.MEASURES[code]),
        widget=st.segmented_control,
        required=True,
        help=_("Active: every year a project runs. Starting: the year it begins."),
    )
with choices:
    stack, _dropped = ui.code_picker(
        _("Colour by"),
        page=pages.TIMELINE,
        param="stack",
        options=list(tl.STACKS),
        format_func=lambda code: _(tl.STACKS[code]),
        widget=st.segmented_control,
        required=True,
        help=_("Region is the project's ILO region (Multi-region when it spans several)."),
    )
if summary["dated"] + summary["undated"] == 0:  # exchanges only: one card, no empty frames
    ui.empty_state("projects")
else:
    # The publication's per-year counts are of ALL its projects active in a year: shown only
    # where the chart counts the same thing (active projects, no filter but years).
    comparable = measure == "active" and filters.replace(years=None).is_default()
    # years the source leaves unstated: hatched on the active count only
    unstated = ui.load(queries.unstated_years, filters) if measure == "active" else None
    per_year, per_year_table = ui.built(
        tl.per_year,
        counts,
        measure=measure,
        stack=stack,
        reported=reported if comparable else None,
        unstated=unstated,
        x_range=x_range,
    )
    ui.chart_block(
        title=N_("Projects active per year")
        if measure == "active"
        else N_("Projects starting per year"),
        key="timeline_per_year",
        summary=ui.built(summaries.per_year, per_year_table, measure),
        figure=per_year,
        data=per_year_table,
        table=partial(tl.readable_per_year, per_year_table),
    )
    notes = [
        _(
            "Ongoing projects are counted as active through {year}, the year the publication "
            "describes."
        ).format(year=as_of_year),
        ui.built(tl.reported_note, reported, comparable=comparable),
        _(
            "Hatched: years after a phase whose end the source does not give, up to the next "
            "phase; counted neither as active nor as inactive."
        )
        if unstated is not None and not unstated.empty
        else None,
    ]
    st.caption(" ".join(note for note in notes if note))

    # --- Gantt of project spans -----------------------------------------------------------
    gantt, gantt_table, undated = ui.built(tl.gantt, spans, x_range=x_range)
    ui.chart_block(
        title=N_("Project spans"),
        key="timeline_gantt",
        summary=ui.built(summaries.spans, gantt_table),
        figure=gantt,
        data=gantt_table,
        table=partial(tl.readable_gantt, gantt_table),
    )
    st.caption(
        _(
            "One row per project, one bar per phase the source gives; gaps between phases stay "
            "gaps. ▶ marks an ongoing project, drawn to {year} with an open end. A dotted line "
            "follows a phase or project whose end the source does not give: its bar is its "
            "start year only."
        ).format(year=as_of_year)
    )
    note = tl.gantt_note(gantt_table["project_id"].nunique(), summary["dated"])
    if note:
        st.info(note, icon=":material/filter_alt:")
    if summary["undated"]:
        st.markdown(
            _("**Years not reported** ({n}): not drawn on the time axis.").format(
                n=number(summary["undated"])
            )
        )
        listed = undated.head(scale.UNDATED_LISTED)
        for row in listed.itertuples():
            st.markdown(
                f"- {formatting.md(row.title)} — {formatting.md(row.pillar)} · "
                f"{formatting.md(row.region)}"
            )
        more = tl.undated_note(summary["undated"], len(listed))
        if more:
            st.caption(more)
    hidden = ui.load(queries.project_ids_without_years, filters) if filters.years else 0
    if hidden:
        st.caption(
            _("{n} record(s) without reported years are hidden by the year range.").format(
                n=number(hidden)
            )
        )

# --- exchanges ----------------------------------------------------------------------------
if exchanges.empty:
    ui.empty_state("exchanges")
else:
    markers, exchange_table = ui.built(tl.exchange_markers, exchanges, x_range=x_range)
    ui.chart_block(
        title=N_("City-to-City exchanges"),
        key="timeline_exchanges",
        summary=ui.built(summaries.exchanges_over_time, exchange_table),
        figure=markers,
        data=exchange_table,
        table=partial(tl.readable_exchanges, exchange_table),
    )
    exchanges_note = formatting.exchanges_note(
        len(exchanges), ui.load(queries.exchange_summary, filters)["exchanges"]
    )
    if exchanges_note:
        st.info(exchanges_note, icon=":material/filter_alt:")
    st.caption(
        _(
            "Each marker sits in the middle of the exchange's dates; a whisker spans the month "
            "or year when the source gives no exact day. Filled circles: held; open diamonds: "
            "planned."
        )
    )
ui.project_only_filters_note(filters, what="City-to-City exchanges")
