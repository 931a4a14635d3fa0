"""Overview: headline figures, and the publication's reported figures beside what the
catalogue documents."""

from __future__ import annotations

import streamlit as st

from dashboard import queries, scale, ui
from dashboard.figures.overview import (
    overview_sentence,
    qualified,
    reported_table,
    reported_vs_documented,
)

ui.ensure_shell()

st.title("Local Decent Work Atlas")
st.markdown(
    "ILO technical-cooperation projects that involve **local authorities**, and the "
    "**City-to-City** peer-learning exchanges the ILO runs with UCLG — curated from the "
    "ILO/UCLG publication *Localizing the Decent Work Agenda through South-South and "
    "City-to-City Cooperation*."
)
filters = ui.current_filters()
ui.filters_caption(filters)

headline = ui.load(queries.overview_counts, filters)
exchanges = ui.load(queries.exchange_summary, filters)["exchanges"]

if headline["projects"] == 0 and exchanges == 0:
    ui.empty_state("projects or exchanges")
    st.stop()

cols = st.columns(6)
cols[0].metric("Projects and programmes", f"{headline['projects']:,}")
cols[1].metric("Countries", f"{headline['countries']:,}")
cols[2].metric(
    "Places named",
    f"{headline['places']:,}",
    help="Distinct places (cities, districts, provinces…) the source names for these projects.",
)
cols[3].metric("City-to-City exchanges", f"{exchanges:,}")
first, last = headline["first_year"], headline["last_year"]
span = "not reported" if first is None else (f"{first}" if first == last else f"{first}–{last}")
cols[4].metric("Years covered", span)
cols[5].metric(
    "Projects with stated counts",
    f"{headline['with_counts']:,}",
    help="Projects for which the source states a number (beneficiaries, people covered, "
    "municipalities…); listed below with the source's own qualifier, never summed across "
    "different units.",
)
ui.project_only_filters_note(filters, what="exchanges")
hidden = ui.load(queries.project_ids_without_years, filters) if filters.years else 0
if hidden:
    st.caption(f"{hidden:,} record(s) without reported years are hidden by the year range.")

st.divider()
reported = ui.load(queries.reported_figures)
st.markdown(overview_sentence(reported, headline["projects"], filters.is_default()))
if not reported.empty:  # a generated warehouse has none: nothing to compare
    documented = ui.load(queries.documented_counts, filters, tuple(reported["dimension"]))
    figure, table = reported_vs_documented(reported, documented)
    ui.chart_block(
        title="Reported in the publication vs documented here",
        key="overview_reported",
        figure=figure,
        data=table,
    )

left, right = st.columns(2)
with left:
    st.subheader("Counts the source states")
    counts = ui.load(queries.beneficiary_counts, filters, scale.COUNT_ROWS)
    if counts.empty:
        st.caption("No counts reported for the filtered projects.")
    else:
        stated = ui.load(queries.beneficiary_count_rows, filters)
        if stated > len(counts):
            st.caption(
                f"The {len(counts):,} largest of {stated:,} counts (beneficiary groups first); "
                "narrow the filters to see the others."
            )
        st.dataframe(
            counts.drop(columns=["project_id"]).rename(
                columns={
                    "title": "Project",
                    "label": "What is counted",
                    "value": "Count",
                    "qualifier": "As stated",
                    "is_beneficiary_group": "Beneficiary group",
                }
            ),
            hide_index=True,
            width="stretch",
            column_config=ui.count_columns("Count"),
        )
with right:
    st.subheader("All reported figures")
    cities = reported[reported["unit"] == "cities"]
    if not cities.empty:
        st.markdown(
            f"Cities in ILO–UCLG exchanges: {qualified(cities.iloc[0])} reported; this catalogue "
            f"names **{ui.load(queries.documented_cities, filters):,}** (host and participating "
            "cities the text names; many participants are named only by country)."
        )
    if reported.empty:
        st.caption(
            "No reported figures in this warehouse: the publication's figures come with the "
            "curated catalogue (`python -m etl build`)."
        )
    else:
        st.dataframe(reported_table(reported), hide_index=True, width="stretch")
