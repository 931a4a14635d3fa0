"""Pillars: the four pillars of the Decent Work Agenda by region, and the topics,
beneficiary groups and partners of the projects, as charts and as a cross-tab."""

from __future__ import annotations

import streamlit as st

from dashboard import formatting, queries, scale, ui
from dashboard.figures import pillars as pf

ui.ensure_shell()

st.title("Pillars, topics and partners")
st.markdown(
    "The publication files every project under one of the four pillars of the Decent Work "
    "Agenda. Each pillar keeps the same colour on every chart of the atlas."
)
filters = ui.current_filters()
ui.filters_caption(filters)

by_pillar_region = ui.load(queries.pillar_region, filters)
if by_pillar_region.empty:
    ui.empty_state("projects")
    st.stop()

# --- pillar × region ------------------------------------------------------------------
figure, _ = pf.pillar_region(by_pillar_region)  # its Table tab shows the cross-tab
crosstab = pf.crosstab(by_pillar_region)
ui.chart_block(
    title="Projects by pillar and region",
    key="pillars_region",
    figure=figure,
    data=crosstab,
    table=formatting.with_separators(crosstab),
)
st.caption(
    "A project counts once, in its ILO region (Multi-region when its countries span "
    "several regions). The region filter also finds multi-region projects with a country "
    "in the chosen region."
)
st.markdown("**Cross-tab: pillar × region**")
# A static table: it wraps its headers, so the Total column fits a laptop's width.
st.table(formatting.with_separators(crosstab))

# --- topics and beneficiary groups ----------------------------------------------------
left, right = st.columns(2)
with left:
    topics, topic_table = pf.facet_bars(
        ui.load(queries.facet_counts, filters, "topic"), what="Topic", top=15
    )
    ui.chart_block(
        title="Topics",
        key="pillars_topics",
        figure=topics,
        data=topic_table,
        table=formatting.with_separators(topic_table),
    )
with right:
    groups, group_table = pf.facet_bars(
        ui.load(queries.facet_counts, filters, "group"),
        what="Beneficiary group",
        top=scale.FACET_BARS,
    )
    ui.chart_block(
        title="Beneficiary groups",
        key="pillars_groups",
        figure=groups,
        data=group_table,
        table=formatting.with_separators(group_table),
    )
st.caption(
    "Projects per topic and per beneficiary group, as the publication names them; a project "
    "usually has several, so the bars add up to more than the number of projects."
)

# --- partners -------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    types, type_table = pf.facet_bars(
        ui.load(queries.facet_counts, filters, "partner_type"),
        what="Partner type",
        labels=pf.PARTNER_TYPE_LABELS,
    )
    ui.chart_block(
        title="Partners by type",
        key="pillars_partner_types",
        figure=types,
        data=type_table,
        table=formatting.with_separators(type_table),
    )
with right:
    partners, _ = pf.facet_bars(  # its Table tab shows the partner list
        ui.load(queries.facet_counts, filters, "partner"), what="Partner", top=scale.FACET_BARS
    )
    partner_list = pf.partner_table(
        ui.load(queries.partner_list, filters, scale.TITLES_PER_PARTNER, scale.PARTNER_ROWS)
    )
    ui.chart_block(
        title="Partners",
        key="pillars_partners",
        figure=partners,
        data=partner_list,
        table=formatting.with_separators(partner_list),
    )
st.markdown("**Partner list**")
partners_n = ui.load(queries.partner_count, filters)
if partners_n > len(partner_list):
    st.caption(f"The {len(partner_list):,} partners with most projects, of {partners_n:,}.")
st.dataframe(
    partner_list,
    hide_index=True,
    width="stretch",
    key="pillars_partner_list",
    column_config=ui.count_columns("Projects"),
)
st.caption(
    "Partners and funders the publication names (the ILO itself, which runs every project, "
    "is not listed). Projects that name none are not counted here."
)
