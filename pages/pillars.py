"""Pillars: the four pillars of the Decent Work Agenda by region, and the topics,
beneficiary groups and partners of the projects, as charts and as a cross-tab."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import formatting, i18n, queries, scale, ui
from dashboard.figures import pillars as pf
from dashboard.figures import summaries
from dashboard.i18n import N_, _, number

ui.ensure_shell()

st.title(_("Pillars, topics and partners"))
st.markdown(
    _(
        "The publication files every project under one of the four pillars of the Decent "
        "Work Agenda. Each pillar keeps the same colour on every chart of the atlas."
    )
)
filters = ui.current_filters()
ui.filters_caption(filters)

by_pillar_region = ui.load(queries.pillar_region, filters)
if by_pillar_region.empty:
    ui.empty_state("projects")
    st.stop()

# --- pillar × region ------------------------------------------------------------------
figure, _table = ui.built(pf.pillar_region, by_pillar_region)  # its Table tab shows the cross-tab
crosstab = ui.built(pf.crosstab, by_pillar_region)  # English: the download's
crosstab_shown = ui.built(pf.readable_crosstab, crosstab)
ui.chart_block(
    title=N_("Projects by pillar and region"),
    key="pillars_region",
    summary=ui.built(summaries.pillar_region, crosstab),
    figure=figure,
    data=crosstab,
    table=partial(formatting.with_separators, crosstab_shown),
)
st.caption(
    _(
        "A project counts once, in its ILO region (Multi-region when its countries span "
        "several regions). The region filter also finds multi-region projects with a "
        "country in the chosen region."
    )
)
st.markdown(_("**Cross-tab: pillar × region**"))
# A static table: it wraps its headers, so the Total column fits a laptop's width.
st.markdown(ui.built(formatting.markdown_table, crosstab_shown))

# --- topics and beneficiary groups ----------------------------------------------------
# The value columns' names, in English (the downloads'); shown translated.
TOPIC, GROUP, PARTNER_TYPE, PARTNER = (
    N_("Topic"),
    N_("Beneficiary group"),
    N_("Partner type"),
    N_("Partner"),
)
left, right = st.columns(2)
with left:
    topics, topic_table = ui.built(
        pf.facet_bars, ui.load(queries.facet_counts, filters, "topic"), what=TOPIC, top=15
    )
    ui.chart_block(
        half=True,
        title=N_("Topics"),
        key="pillars_topics",
        summary=ui.built(summaries.facet, topic_table, TOPIC),
        figure=topics,
        data=topic_table,
        table=partial(pf.shown_facets, topic_table, TOPIC),
    )
with right:
    groups, group_table = ui.built(
        pf.facet_bars,
        ui.load(queries.facet_counts, filters, "group"),
        what=GROUP,
        top=scale.FACET_BARS,
    )
    ui.chart_block(
        half=True,
        title=N_("Beneficiary groups"),
        key="pillars_groups",
        summary=ui.built(summaries.facet, group_table, GROUP),
        figure=groups,
        data=group_table,
        table=partial(pf.shown_facets, group_table, GROUP),
    )
st.caption(
    _(
        "Projects per topic and per beneficiary group, as the publication names them; a "
        "project usually has several, so the bars add up to more than the number of projects."
    )
)

# --- partners -------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    types, type_table = ui.built(
        pf.facet_bars,
        ui.load(queries.facet_counts, filters, "partner_type"),
        what=PARTNER_TYPE,
        labels=pf.PARTNER_TYPE_LABELS,
    )
    ui.chart_block(
        half=True,
        title=N_("Partners by type"),
        key="pillars_partner_types",
        summary=ui.built(summaries.facet, type_table, PARTNER_TYPE),
        figure=types,
        data=type_table,
        table=partial(pf.shown_facets, type_table, PARTNER_TYPE),
    )
with right:
    partners, _table = ui.built(  # its Table tab shows the partner list
        pf.facet_bars,
        ui.load(queries.facet_counts, filters, "partner"),
        what=PARTNER,
        top=scale.FACET_BARS,
    )
    partner_rows = ui.load(
        queries.partner_list, filters, scale.TITLES_PER_PARTNER, scale.PARTNER_ROWS
    )
    partner_list = ui.built(pf.partner_table, partner_rows)
    with i18n.using(i18n.DEFAULT_LANGUAGE):  # the download's stable English names
        partner_download = ui.built(pf.partner_table, partner_rows)
    ui.chart_block(
        half=True,
        title=N_("Partners"),
        key="pillars_partners",
        summary=ui.built(summaries.partners, partner_download),
        figure=partners,
        data=partner_download,
        table=partial(formatting.with_separators, partner_list),
    )
st.markdown(_("**Partner list**"))
partners_n = ui.load(queries.partner_count, filters)
if partners_n > len(partner_list):
    st.caption(
        _("The {shown} partners with most projects, of {total}.").format(
            shown=number(len(partner_list)), total=number(partners_n)
        )
    )
ui.table(partner_list, ui.count_columns(_("Projects")), key="pillars_partner_list")
st.caption(
    _(
        "Partners and funders the publication names (the ILO itself, which runs every "
        "project, is not listed). Projects that name none are not counted here."
    )
)
