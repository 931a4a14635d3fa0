"""Overview: headline figures, and the publication's reported figures beside what the
catalogue documents."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import inert, queries, scale, theme, ui
from dashboard.figures import summaries
from dashboard.figures.overview import (
    counts_table,
    overview_sentence,
    readable_comparison,
    reported_cities,
    reported_table,
    reported_vs_documented,
)
from dashboard.i18n import N_, _, number

ui.ensure_shell()

st.title(_("Local Decent Work Atlas"))
inventory = ui.session_inventory()
st.markdown(
    _(
        "ILO technical-cooperation projects that involve **local authorities**, and the "
        "**City-to-City** peer-learning exchanges the ILO runs with UCLG — curated from the "
        "ILO/UCLG publication *Localizing the Decent Work Agenda through South-South and "
        "City-to-City Cooperation*."
    )
    if inventory is None
    else _(
        "ILO technical-cooperation projects that involve **local authorities**, and the "
        "**City-to-City** peer-learning exchanges the ILO runs with UCLG — from **your "
        "inventory** “{name}”, uploaded in this browser session. The published atlas is "
        "one click away, in the banner above."
    ).format(name=inert.markdown(inventory.name))
)
filters = ui.current_filters()
ui.filters_caption(filters)

headline = ui.load(queries.overview_counts, filters)
exchanges = ui.load(queries.exchange_summary, filters)["exchanges"]

if headline["projects"] == 0 and exchanges == 0:
    ui.empty_state("projects or exchanges")
    st.stop()

# Two rows of three: six tiles in one row cut the values and the longer French and
# Spanish labels ("1997–2…") on a laptop's screen.
cols = [*st.columns(3), *st.columns(3)]
cols[0].metric(_("Projects and programmes"), number(headline["projects"]))
cols[1].metric(_("Countries"), number(headline["countries"]))
cols[2].metric(
    _("Places named"),
    number(headline["places"]),
    help=_("Distinct places (cities, districts, provinces…) the source names for these projects."),
)
cols[3].metric(_("City-to-City exchanges"), number(exchanges))
first, last = headline["first_year"], headline["last_year"]
span = (
    _(theme.NOT_REPORTED)
    if first is None
    else (f"{first}" if first == last else f"{first}–{last}")  # years: no separators
)
cols[4].metric(_("Years covered"), span)
cols[5].metric(
    _("Projects with stated counts"),
    number(headline["with_counts"]),
    help=_(
        "Projects for which the source states a number (beneficiaries, people covered, "
        "municipalities…); listed below with the source's own qualifier, never summed "
        "across different units."
    ),
)
ui.project_only_filters_note(filters, what="exchanges")
hidden = ui.load(queries.project_ids_without_years, filters) if filters.years else 0
if hidden:
    st.caption(
        _("{n} record(s) without reported years are hidden by the year range.").format(
            n=number(hidden)
        )
    )

st.divider()
reported = ui.load(queries.reported_figures)
st.markdown(ui.built(overview_sentence, reported, headline["projects"], filters.is_default()))
if not reported.empty:  # a generated warehouse has none: nothing to compare
    documented = ui.load(queries.documented_counts, filters, tuple(reported["dimension"]))
    figure, table = ui.built(reported_vs_documented, reported, documented)
    ui.chart_block(
        title=N_("Reported in the publication vs documented here"),
        key="overview_reported",
        summary=ui.built(summaries.reported_vs_documented, table),
        figure=figure,
        data=table,
        table=partial(readable_comparison, table),
    )

st.subheader(_("People and places each project counts"))
st.caption(
    _(
        "The numbers each project's source gives — beneficiaries, people covered, "
        "municipalities… — with the source's own qualifier (“about”, “over”). They are "
        "never added up: their units differ."
    )
)
counts = ui.load(queries.beneficiary_counts, filters, scale.COUNT_ROWS)
if counts.empty:
    st.caption(_("No counts reported for the filtered projects."))
else:
    stated = ui.load(queries.beneficiary_count_rows, filters)
    if stated > len(counts):
        st.caption(
            _(
                "The {shown} largest of {total} counts (beneficiary groups first); "
                "narrow the filters to see the others."
            ).format(shown=number(len(counts)), total=number(stated))
        )
    ui.table(ui.built(counts_table, counts), ui.count_columns(_("Count")))

st.subheader(_("Figures the publication reports"))
cities = ui.built(reported_cities, reported)
if cities:
    st.markdown(
        _(
            "Cities in ILO–UCLG exchanges: {reported} reported; this catalogue names "
            "**{named}** (host and participating cities the text names; many participants "
            "are named only by country)."
        ).format(
            reported=cities,
            named=number(ui.load(queries.documented_cities, filters)),
        )
    )
if reported.empty:
    st.caption(
        _(
            "No reported figures in this warehouse: the publication's figures come with "
            "the curated catalogue (`python -m etl build`)."
        )
    )
else:
    ui.table(ui.built(reported_table, reported))
