"""City-to-City exchanges: the network of host and participating cities and countries,
the exchanges in time, who took part in which, and the details of each (its own link:
?exchange=<id>) — topics, participants, outcome (roadmap, declaration, network)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import formatting, i18n, inert, pages, queries, scale, ui
from dashboard.figures import exchanges as fx
from dashboard.figures import summaries
from dashboard.i18n import N_, _, ngettext
from dashboard.maps import layers
from dashboard.maps.decks import exchange_deck

ui.ensure_shell()

PAGE = pages.EXCHANGES
PARAM = PAGE.param("exchange").key  # the URL key and the picker's widget key

st.title(_("City-to-City exchanges"))
st.markdown(
    _(
        "The peer-learning exchanges the ILO runs with UCLG within South-South and Triangular "
        "Cooperation: which cities hosted them, which cities and countries took part, when, "
        "and what came out of them (roadmaps, declarations, networks)."
    )
)
filters = ui.current_filters()
ui.filters_caption(filters)
ui.project_only_filters_note(filters, what="exchanges")

summary = ui.load(queries.exchange_summary, filters)  # all of them, counted
exchanges = ui.load(queries.exchanges, filters, scale.EXCHANGES_SHOWN)  # the most recent
participants = ui.load(queries.participants, filters, scale.EXCHANGES_SHOWN)

if exchanges.empty:
    ui.empty_state("exchanges")
else:
    cols = st.columns(4)
    cols[0].metric(_("Exchanges"), i18n.number(summary["exchanges"]))
    cols[1].metric(_("Host cities"), i18n.number(summary["host_cities"]))
    cols[2].metric(
        _("Countries involved"),
        i18n.number(summary["countries"]),
        help=_("Host and participating countries of the exchanges that match the filters."),
    )
    planned = summary["planned"]
    cols[3].metric(
        _("Held / planned"),
        f"{i18n.number(summary['exchanges'] - planned)} / {i18n.number(planned)}",
    )
    note = formatting.exchanges_note(len(exchanges), summary["exchanges"], what="shown")
    if note:
        st.info(note, icon=":material/filter_alt:")

    # --- the network map ------------------------------------------------------------------
    # the download's table (the warehouse's names) and the Table tab's (countries named
    # in the reader's language)
    network_table, network_shown = ui.built(fx.network_tables, participants)

    def _network_map() -> None:
        try:
            deck = ui.built(exchange_deck, participants)
        except layers.ShapesUnavailable as exc:  # the Table and CSV still work
            st.warning(_("Map unavailable: {problem}").format(problem=exc), icon=":material/map:")
            return
        shown, key = ui.map_view_controls("exchange_map", deck)
        st.pydeck_chart(
            shown,
            height=480,
            key=key,
            alt=_("Map of the exchanges: arcs from each host city to its participants"),
        )
        st.markdown(
            _(
                "Arcs run from each host city to its participants — to the city when the "
                "source names it, otherwise to the country. Hover for the exchanges; the "
                "Table tab lists every host and participant."
            )
            + " "
            + ui.map_help()
            + "  \n"
            + formatting.role_chips(),
            unsafe_allow_html=True,
        )

    language = i18n.language()  # the image is drawn on click, outside the page's run

    def _network_image():
        with i18n.using(language):
            return fx.network_figure(participants)

    ui.chart_block(
        title=N_("Network of host and participating cities and countries"),
        key="exchanges_network",
        summary=ui.built(summaries.participation, network_shown),
        figure=_network_image,  # built on download only
        data=network_table,
        table=partial(fx.shown_table, network_shown),
        render=_network_map,
    )

    # --- in time --------------------------------------------------------------------------
    in_time, in_time_table = ui.built(fx.exchanges_in_time, exchanges)
    ui.chart_block(
        title=N_("The exchanges in time"),
        key="exchanges_time",
        summary=ui.built(summaries.exchanges_over_time, exchanges),
        figure=in_time,
        data=in_time_table,
        table=partial(fx.shown_table, in_time_table),
    )
    st.caption(fx.in_time_caption(len(exchanges), summary["exchanges"]))

    # --- who took part in which -------------------------------------------------------------
    matrix_figure, matrix = ui.built(fx.participation_matrix, participants, exchanges)
    ui.chart_block(
        title=N_("Who took part in which exchange"),
        key="exchanges_matrix",
        summary=ui.built(summaries.participation, network_shown),
        figure=matrix_figure,
        data=matrix,
        table=partial(fx.shown_table, matrix),
    )
    st.caption(fx.matrix_caption(len(exchanges), summary["exchanges"]))

# --- details of one exchange ----------------------------------------------------------------
index = ui.load(queries.exchange_index)
by_id = index.set_index("exchange_id", drop=False)  # labels made when shown (thousands)


def label(exchange_id: str) -> str:
    if exchange_id in shown_labels:
        return shown_labels[exchange_id]
    if exchange_id not in by_id.index:
        return exchange_id
    return formatting.exchange_label(by_id.loc[exchange_id].to_dict())


def _exists(exchange_id: str) -> bool:
    return exchange_id in by_id.index


st.divider()
visible = list(exchanges["exchange_id"])  # the exchanges shown above…
linked = st.query_params.get(PARAM)
if linked and linked not in visible and ui.load(queries.exchange_kept, filters, linked):
    visible.insert(0, linked)  # …and a linked one among those not shown (within the filters)
shown_labels = ui.built(formatting.exchange_labels, index, tuple(visible))
chosen = ui.record_picker(
    param=PARAM,
    what="exchange",
    visible=visible,
    label_of=label,
    exists=_exists,
    help=_("Choose an exchange to see its host, participants, topics and outcome."),
)
more = fx.picker_note(len(exchanges), summary["exchanges"])
if more:
    st.caption(more)
if chosen is None:
    st.stop()
exchange = ui.load(queries.exchange_by_id, chosen).iloc[0].to_dict()
people = ui.load(queries.exchange_detail_participants, chosen)
follows, followed_by = ui.built(formatting.follow_ups, chosen, index)

ui.record_heading(formatting.md(exchange.get("title")), chosen)
when = formatting.date_display(
    exchange.get("start_date"),
    exchange.get("end_date"),
    exchange.get("date_precision"),
    exchange.get("date_text"),
)
st.markdown(
    f"**{formatting.md(formatting.kind_label(exchange.get('kind')))}** · "
    f"{formatting.md(formatting.exchange_status_label(exchange.get('status')))} · "
    f"{formatting.md(when)}"
)
host_iso3 = exchange.get("host_iso3")
host_country = i18n.country_name(
    None if formatting.is_missing(host_iso3) else str(host_iso3),
    formatting.text(exchange.get("host_country")),
)
facts = st.columns(4)
facts[0].markdown(
    _("**Host**")
    + "  \n"
    + formatting.md(exchange.get("host_city"))
    + f", {formatting.md(host_country)}"
)
facts[1].markdown(_("**Dates**") + "  \n" + formatting.md(when))
facts[2].markdown(
    _("**Organisers**")
    + "  \n"
    + formatting.md(
        formatting.join_or_not_reported(formatting.split_list(exchange.get("organisers")), sep=", ")
    )
)
facts[3].markdown(
    _("**Topics**")
    + "  \n"
    + formatting.md(
        formatting.join_or_not_reported(formatting.split_list(exchange.get("topics")), sep=", ")
    )
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown("#### " + _("Summary"))
    st.markdown(formatting.md(exchange.get("summary")))
    st.markdown("#### " + _("Outcome"))
    kinds = formatting.outcome_types(exchange.get("outcome_types"))
    if kinds:
        badges = st.container(horizontal=True)
        for _code, label, colour in kinds:
            badges.badge(label, color=colour)
    st.markdown(formatting.md(exchange.get("outcome")))
    st.markdown("#### " + _("Follow-ups"))
    carried = ui.filter_params(filters)  # a follow-up's link keeps the filters
    for line, rows, none in (
        (_("**Follows:** {exchanges}"), follows, _("no earlier exchange recorded")),
        (_("**Followed by:** {exchanges}"), followed_by, _("no later exchange recorded")),
    ):
        st.markdown(line.format(exchanges="" if rows else none))
        for row in rows:  # in-app links: the session (its inventory, its story) stays
            st.page_link(
                pages.EXCHANGES.file,
                label=inert.markdown(formatting.exchange_label(row)),
                query_params={**carried, PARAM: [row["exchange_id"]]},
                icon=":material/arrow_forward:",
            )
with right:
    names = ui.built(formatting.exchange_countries, people)
    st.markdown(
        "#### "
        + ngettext("Participants — {n} country", "Participants — {n} countries", len(names)).format(
            n=i18n.number(len(names))
        )
    )
    st.markdown(formatting.md(", ".join(names)))
    ui.table(ui.built(formatting.participants_table, people), half=True)

# its own map: the host and each participant, joined by arcs
arcs = ui.load(queries.exchange_map_rows, chosen)
if not arcs.empty:
    try:
        detail_deck = ui.built(exchange_deck, arcs)
    except layers.ShapesUnavailable as exc:  # the table above still lists them
        st.warning(_("Map unavailable: {problem}").format(problem=exc), icon=":material/map:")
    else:
        shown, key = ui.map_view_controls(f"exchange_detail_map_{chosen}", detail_deck)
        st.pydeck_chart(
            shown,
            height=380,
            key=key,
            alt=_("Map of this exchange: arcs from its host city to each participant"),
        )
        st.caption(
            _("Arcs run from the host city to each participant; the table above lists them.")
            + " "
            + ui.map_help()
        )

ui.record_source(exchange, what="exchange", link=ui.urls().exchange(chosen, with_filters=False))
