"""City-to-City figure builders with small frames: one marker per exchange, held and
planned in their colours, follow-up links, and the participation matrix's roles."""

from __future__ import annotations

import pandas as pd

from dashboard import i18n, theme
from dashboard.figures import exchanges as fx


def _exchanges() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "exchange_id": ["maputo-2012", "durban-2013", "odienne-2015", "pasto-2015"],
            "title": ["Maputo", "Durban", "Odienné", "Pasto"],
            "host_city": ["Maputo", "Durban", "Odienné", "Pasto"],
            "host_country": ["Mozambique", "South Africa", "Côte d'Ivoire", "Colombia"],
            "start_date": pd.to_datetime(["2012-11-01", "2013-06-01", "2015-01-01", "2015-01-28"]),
            "end_date": pd.to_datetime(["2012-11-30", "2013-06-30", "2015-12-31", "2015-01-30"]),
            "date_precision": ["month", "month", "year", "day"],
            "date_text": ["2012-11", "2013-06", "2015", "2015-01-28 to 2015-01-30"],
            "year": [2012, 2013, 2015, 2015],
            "kind": ["peer_learning", "training", "seminar", "peer_learning"],
            "status": ["held", "held", "planned", "held"],
            "follows": [None, "maputo-2012", None, None],
            "outcome_types": ["roadmap", None, None, "recommendations"],
            "countries": [3, 3, 1, 9],
            "source_ref": ["p. 46"] * 4,
        }
    )


def _markers(fig) -> list:
    return [t for t in fig.data if t.mode == "markers"]


def test_one_marker_per_exchange():
    exchanges = _exchanges()
    fig, table = fx.exchanges_in_time(exchanges)
    markers = _markers(fig)
    assert sum(len(t.x) for t in markers) == len(exchanges)
    shown = [y for t in markers for y in t.y]
    assert len(set(shown)) == len(exchanges)  # every exchange on its own row
    assert len(table) == len(exchanges)


def test_one_exchange_is_shown_on_a_year_not_an_axis_of_hours():
    one = _exchanges().iloc[[3]]  # three days in January 2015
    fig, _ = fx.exchanges_in_time(one)
    low, high = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert high - low >= pd.Timedelta(days=365)
    assert low < pd.Timestamp("2015-01-28") and pd.Timestamp("2015-01-30") < high
    # a longer span keeps Plotly's own fit
    assert fx.exchanges_in_time(_exchanges())[0].layout.xaxis.range is None


def test_planned_and_held_have_their_own_colour_and_symbol():
    fig, _ = fx.exchanges_in_time(_exchanges())
    by_name = {t.name: t for t in _markers(fig)}
    assert by_name["Held"].marker.color == theme.EXCHANGE_STATUS_COLOURS["held"]
    assert by_name["Planned"].marker.color == theme.EXCHANGE_STATUS_COLOURS["planned"]
    assert by_name["Planned"].marker.symbol != by_name["Held"].marker.symbol
    assert list(by_name["Planned"].y) == ["Odienné 2015 · Seminar"]
    assert len(by_name["Held"].y) == 3


def test_markers_sit_mid_way_through_imprecise_dates():
    fig, table = fx.exchanges_in_time(_exchanges())
    planned = {t.name: t for t in _markers(fig)}["Planned"]
    assert pd.Timestamp(planned.x[0]).month in (6, 7)  # "2015" is the whole year, not 1 January
    assert table.set_index("exchange_id").at["odienne-2015", "dates"] == "2015"


def test_follow_up_is_drawn_from_the_earlier_exchange():
    fig, table = fx.exchanges_in_time(_exchanges())
    (links,) = [t for t in fig.data if t.name == "Follows an earlier exchange"]
    assert list(links.y[:2]) == ["Maputo 2012 · Peer learning", "Durban 2013 · Training"]
    assert len(fig.layout.annotations) == 1  # one arrow head
    assert (
        table.set_index("exchange_id").at["durban-2013", "follows"] == "Maputo 2012 · Peer learning"
    )


def test_the_caption_describes_the_follow_up_arrows_as_they_are_drawn():
    """The caption once said "dotted arrows" under solid ones."""
    fig, _table = fx.exchanges_in_time(_exchanges())
    (links,) = [t for t in fig.data if t.name == "Follows an earlier exchange"]
    caption = fx.in_time_caption(3, 3)
    drawn_dotted = links.line.dash not in (None, "solid")
    assert ("dotted" in caption) == drawn_dotted
    assert links.line.color == fig.layout.annotations[0].arrowcolor == fx.FOLLOW_COLOUR
    assert "grey arrows" in caption


def test_no_exchange_gives_a_figure_that_says_so():
    fig, table = fx.exchanges_in_time(_exchanges().iloc[0:0])
    assert "No City-to-City exchange" in fig.layout.annotations[0].text
    assert table.empty


def test_axis_labels_are_unique_even_for_the_same_host_kind_and_year():
    exchanges = _exchanges()
    twin = exchanges.iloc[[1]].assign(exchange_id="durban-2013-bis")
    labels = fx.axis_labels(pd.concat([exchanges, twin]))
    assert len(set(labels.values())) == len(labels) == 5


def test_participation_matrix_cells_give_roles():
    exchanges = _exchanges().iloc[:2]
    participants = pd.DataFrame(
        {
            "exchange_id": [
                "maputo-2012",
                "maputo-2012",
                "maputo-2012",
                "durban-2013",
                "durban-2013",
            ],
            "iso3": ["MOZ", "MOZ", "BRA", "ZAF", "MOZ"],
            "country": ["Mozambique", "Mozambique", "Brazil", "South Africa", "Mozambique"],
            "region": ["Africa", "Africa", "Americas", "Africa", "Africa"],
            "city": ["Maputo", None, None, "Durban", "Maputo"],
            "role": ["host", "participant", "participant", "host", "learner"],
        }
    )
    fig, table = fx.participation_matrix(participants, exchanges)
    cells = table.set_index("Country")
    maputo, durban = "Maputo 2012 · Peer learning", "Durban 2013 · Training"
    assert list(table.columns) == ["Country", "Region", maputo, durban]
    assert list(table["Country"]) == ["Mozambique", "South Africa", "Brazil"]  # Africa first
    assert cells.at["Mozambique", maputo] == "Host + Participant"
    assert cells.at["Mozambique", durban] == "Learner"
    assert cells.at["Brazil", durban] == ""  # not involved: blank, not a role
    heat = fig.data[0]
    assert list(heat.y) == list(table["Country"])
    assert heat.text[0][0] == "Host +" and heat.customdata[0][0] == "Host + Participant"
    assert heat.z[2][1] is None
    # the cell colour is the role's colour
    colours = dict(
        zip(
            heat.colorbar.ticktext,
            [heat.colorscale[2 * int(i)][1] for i in heat.colorbar.tickvals],
            strict=True,
        )
    )
    assert colours[theme.ROLE_LABELS["host"]] == theme.ROLE_COLOURS["host"]
    assert colours[theme.ROLE_LABELS["learner"]] == theme.ROLE_COLOURS["learner"]
    host_rank = int(heat.z[0][0])
    assert heat.colorscale[2 * host_rank][1] == theme.ROLE_COLOURS["host"]


def test_participation_matrix_without_participants():
    fig, table = fx.participation_matrix(pd.DataFrame(columns=["exchange_id"]), _exchanges())
    assert table.empty and "No participants" in fig.layout.annotations[0].text


def test_each_status_has_one_marker_on_every_chart():
    from dashboard.figures import timeline as tl

    exchanges = _exchanges()
    in_time = {t.name: t.marker for t in _markers(fx.exchanges_in_time(exchanges)[0])}
    on_timeline = {t.name: t.marker for t in tl.exchange_markers(exchanges)[0].data}
    for status in ("held", "planned"):
        name = theme.EXCHANGE_STATUS_LABELS[status]
        assert in_time[name].symbol == on_timeline[name].symbol
        assert in_time[name].symbol == theme.EXCHANGE_STATUS_SYMBOLS[status]
        assert in_time[name].color == on_timeline[name].color
        assert in_time[name].color == theme.EXCHANGE_STATUS_COLOURS[status]


def test_network_figure_draws_arcs_over_plain_country_shapes():
    participants = pd.DataFrame(
        [
            {"exchange_id": "maputo-2012", "title": "Maputo", "host_city": "Maputo",
             "host_iso3": "MOZ", "host_lat": -25.96553, "host_lon": 32.58322, "year": 2012,
             "iso3": iso3, "country": country, "city": None, "role": role,
             "lat": None, "lon": None}
            for iso3, country, role in (("MOZ", "Mozambique", "host"), ("BRA", "Brazil", "peer"))
        ]
    )  # fmt: skip
    fig = fx.network_figure(participants)
    countries = [t for t in fig.data if t.legendgroup == "countries"]
    assert countries and not any(t.showlegend for t in countries)  # a backdrop, not counts
    (arcs,) = [t for t in fig.data if t.legendgroup == "exchanges" and t.mode == "lines"]
    assert arcs.line.color == theme.ROLE_COLOURS["peer"]
    assert (
        "No City-to-City exchange"
        in fx.network_figure(participants.iloc[0:0]).layout.annotations[0].text
    )


# --- at scale: the charts say what part of the exchanges they show -------------------------


def test_captions_say_what_part_the_charts_show_and_how_to_see_others():
    for caption in (fx.in_time_caption(60, 5_000), fx.matrix_caption(60, 5_000)):
        assert "the 60 most recent of 5,000 exchanges" in caption
        assert "narrow the filters in the sidebar" in caption
    # all of them shown (the curated catalogue): the captions as they were
    assert fx.in_time_caption(11, 11).startswith("One row per exchange. Filled circles")
    assert fx.matrix_caption(11, 11).startswith("Countries (by region) × exchanges (in date")


def test_the_chooser_says_it_lists_only_the_most_recent():
    note = fx.picker_note(60, 5_000)
    assert "60 most recent of 5,000" in note and "narrow the filters" in note
    assert "?exchange=" in note
    assert fx.picker_note(11, 11) is None


def test_a_wide_matrix_leaves_its_cells_unlabelled():
    # 60 exchanges: cells about 10 px wide, where "Participant" spilled over its neighbours
    many = pd.concat(
        [_exchanges().assign(exchange_id=lambda d, i=i: d["exchange_id"] + f"-{i}",
                             year=lambda d, i=i: d["year"] + i) for i in range(8)]
    )  # fmt: skip
    participants = pd.DataFrame(
        {"exchange_id": many["exchange_id"], "iso3": "MOZ", "country": "Mozambique",
         "region": "Africa", "city": None, "role": "participant"}
    )  # fmt: skip
    fig, table = fx.participation_matrix(participants, many)
    assert len(table.columns) - 2 == 32 > fx.LABELLED_COLUMNS
    assert fig.data[0].texttemplate == ""  # colour and hover carry the role
    assert fig.data[0].customdata[0][0] == "Participant"
    few, _ = fx.participation_matrix(participants.iloc[:4], many.iloc[:4])
    assert few.data[0].texttemplate == "%{text}"


def test_network_tables_name_countries_in_the_readers_language_and_downloads_keep_the_source():
    participants = pd.DataFrame(
        [
            {"exchange_id": "maputo-2012", "title": "Maputo", "host_city": "Maputo",
             "year": 2012, "status": "held", "iso3": iso3, "country": country, "city": None,
             "role": role}
            for iso3, country, role in (
                ("MOZ", "Mozambique", "host"), ("DEU", "Germany", "peer"),
                (None, "Somewhere", "peer"),
            )
        ]
    )  # fmt: skip
    table, shown = fx.network_tables(participants)
    assert shown is table  # English: one table
    assert list(table["status"]) == ["Held"] * 3
    assert "iso3" not in table.columns
    with i18n.using("fr"):
        table, shown = fx.network_tables(participants)
    assert list(table["country"]) == ["Mozambique", "Germany", "Somewhere"]  # the source's
    assert list(shown["country"]) == ["Mozambique", "Allemagne", "Somewhere"]  # the reader's
    assert list(shown["role"]) == list(table["role"])
