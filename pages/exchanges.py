"""City-to-City exchanges: the network of host and participating cities and countries,
the exchanges in time, who took part in which, and the details of each (its own link:
?exchange=<id>) — topics, participants, outcome (roadmap, declaration, network)."""

from __future__ import annotations

import streamlit as st

from dashboard import detail, map_data, pages, theme, ui
from dashboard.figures import exchanges as fx
from dashboard.maps import exchange_deck

ui.ensure_shell()

PATH = pages.EXCHANGES.path
PARAM = "exchange"  # URL key (state.PAGE_PARAMS) and the picker's widget key

st.title("City-to-City exchanges")
st.markdown(
    "The peer-learning exchanges the ILO runs with UCLG within South-South and Triangular "
    "Cooperation: which cities hosted them, which cities and countries took part, when, "
    "and what came out of them (roadmaps, declarations, networks)."
)
filters = ui.current_filters()
ui.filters_caption(filters)
ui.project_only_filters_note(filters, what="exchanges")

exchanges = ui.load("exchanges", filters)
participants = ui.load("participants", filters)

if exchanges.empty:
    ui.empty_state("exchanges")
else:
    cols = st.columns(4)
    cols[0].metric("Exchanges", len(exchanges))
    cols[1].metric("Host cities", exchanges["host_city"].nunique())
    cols[2].metric(
        "Countries involved",
        participants["iso3"].nunique(),
        help="Host and participating countries of the exchanges shown.",
    )
    planned = int((exchanges["status"] == "planned").sum())
    cols[3].metric("Held / planned", f"{len(exchanges) - planned} / {planned}")

    # --- the network map ------------------------------------------------------------------
    network_table = participants[
        ["title", "host_city", "year", "status", "country", "city", "role", "exchange_id"]
    ].assign(
        status=lambda d: d["status"].map(detail.exchange_status_label),
        role=lambda d: d["role"].map(detail.role_label),
    )

    def _network_map() -> None:
        try:
            deck = exchange_deck(participants)
        except map_data.ShapesUnavailable as exc:  # the Table and CSV still work
            st.warning(f"Map unavailable: {exc}", icon=":material/map:")
            return
        st.pydeck_chart(deck, height=480, key="exchange_map")
        st.markdown(
            "Arcs run from each host city to its participants — to the city when the "
            "source names it, otherwise to the country. Hover for the exchanges.  \n"
            + " &nbsp; ".join(
                detail.chip_html(theme.ROLE_LABELS[r], theme.ROLE_COLOURS[r])
                for r in detail.ROLE_PRIORITY
            ),
            unsafe_allow_html=True,
        )

    ui.chart_block(
        title="Network of host and participating cities and countries",
        key="exchanges_network",
        page_path=PATH,
        figure=lambda: fx.network_figure(participants),  # built on download only
        data=network_table,
        render=_network_map,
    )

    # --- in time --------------------------------------------------------------------------
    in_time, in_time_table = fx.exchanges_in_time(exchanges)
    ui.chart_block(
        title="The exchanges in time",
        key="exchanges_time",
        page_path=PATH,
        figure=in_time,
        data=in_time_table,
    )
    st.caption(
        "One row per exchange. Filled circles: held; open diamonds: planned. A pale bar "
        "spans the dates when the source gives only a month or a year; dotted arrows join "
        "a follow-up to the exchange it follows."
    )

    # --- who took part in which -------------------------------------------------------------
    matrix_figure, matrix = fx.participation_matrix(participants, exchanges)
    ui.chart_block(
        title="Who took part in which exchange",
        key="exchanges_matrix",
        page_path=PATH,
        figure=matrix_figure,
        data=matrix,
    )
    st.caption(
        "Countries (by region) × exchanges (in date order); the cell gives the country's "
        "role. “+” means it also took part in another role (e.g. the host city and other "
        "cities of the same country)."
    )

# --- details of one exchange ----------------------------------------------------------------
index = ui.load("exchange_index")
labels = {r["exchange_id"]: detail.exchange_label(r) for r in index.to_dict("records")}


def _exists(exchange_id: str) -> bool:
    return exchange_id in labels


st.divider()
chosen = ui.record_picker(
    param=PARAM,
    what="exchange",
    visible=list(exchanges["exchange_id"]),
    label_of=lambda eid: labels.get(eid, eid),
    exists=_exists,
    help="Choose an exchange to see its host, participants, topics and outcome.",
)
if chosen is None:
    st.stop()
exchange = ui.load("exchange_by_id", chosen).iloc[0].to_dict()
people = ui.load("exchange_detail_participants", chosen)
follows, followed_by = detail.follow_ups(chosen, index)

st.header(detail.md(exchange.get("title")))
when = detail.date_display(
    exchange.get("start_date"),
    exchange.get("end_date"),
    exchange.get("date_precision"),
    exchange.get("date_text"),
)
st.markdown(
    f"**{detail.md(detail.kind_label(exchange.get('kind')))}** · "
    f"{detail.md(detail.exchange_status_label(exchange.get('status')))} · {detail.md(when)}"
)
facts = st.columns(4)
facts[0].markdown(
    "**Host**  \n"
    + detail.md(exchange.get("host_city"))
    + f", {detail.md(exchange.get('host_country'))}"
)
facts[1].markdown("**Dates**  \n" + detail.md(when))
facts[2].markdown(
    "**Organisers**  \n"
    + detail.md(
        detail.join_or_not_reported(detail.split_list(exchange.get("organisers")), sep=", ")
    )
)
facts[3].markdown(
    "**Topics**  \n"
    + detail.md(detail.join_or_not_reported(detail.split_list(exchange.get("topics")), sep=", "))
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown("#### Summary")
    st.markdown(detail.md(exchange.get("summary")))
    st.markdown("#### Outcome")
    kinds = detail.outcome_types(exchange.get("outcome_types"))
    if kinds:
        badges = st.container(horizontal=True)
        for _, label, colour in kinds:
            badges.badge(label, color=colour)
    st.markdown(detail.md(exchange.get("outcome")))
    st.markdown("#### Follow-ups")
    earlier = [detail.md(labels[r["exchange_id"]]) for r in follows]
    later = [detail.md(labels[r["exchange_id"]]) for r in followed_by]
    for heading, items, none in (
        ("Follows", earlier, "no earlier exchange recorded"),
        ("Followed by", later, "no later exchange recorded"),
    ):
        listed = "\n" + "\n".join(f"- {item}" for item in items) if items else none
        st.markdown(f"**{heading}:** {listed}")
with right:
    names = detail.exchange_countries(people)
    st.markdown(f"#### Participants — {len(names)} countr{'y' if len(names) == 1 else 'ies'}")
    st.markdown(detail.md(", ".join(names)))
    st.dataframe(detail.participants_table(people), hide_index=True, width="stretch")

ui.record_source(exchange, what="exchange", page_path=PATH, param=PARAM, record_id=chosen)
