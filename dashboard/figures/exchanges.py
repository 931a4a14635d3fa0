"""City-to-City figures: the exchanges in time (with follow-up links) and who took part
in which exchange. Pure: DataFrames of dashboard.queries in, Plotly figure + the table
behind it out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting, i18n, inert, theme
from dashboard.figures import empty_figure, figure, look, plain, status_marker, status_name
from dashboard.i18n import N_, _
from dashboard.maps.export import static_map_figure

RANGE_COLOUR = "#C9C9DD"
FOLLOW_COLOUR = "#777777"
ROW_HEIGHT = 38
TICK_FONT = {"size": 14, "color": "#333333"}  # readable on a projector, whatever the theme
# The participation matrix names the role in each cell up to this many exchanges (columns);
# beyond, cells are too narrow for a word: colour and hover carry the role.
LABELLED_COLUMNS = 20
NO_EXCHANGE = N_("No City-to-City exchange matches the current filters.")


# The headers of the exchanges' tables as the Table tabs show them; the downloads keep
# these English names (`shown_table`).
TABLE_HEADERS: dict[str, str] = {
    "exchange": N_("exchange"),
    "title": N_("title"),
    "host_city": N_("host_city"),
    "host_country": N_("host_country"),
    "dates": N_("dates"),
    "date_text": N_("date_text"),
    "status": N_("status"),
    "kind": N_("kind"),
    "countries": N_("countries"),
    "outcome_types": N_("outcome_types"),
    "follows": N_("follows"),
    "year": N_("year"),
    "country": N_("country"),
    "city": N_("city"),
    "role": N_("role"),
    "Country": N_("Country"),
    "Region": N_("Region"),
}


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """A table as its Table tab shows it: the headers in the interface's language (the
    download keeps the English ones; ids and codes keep theirs)."""
    if i18n.language() == i18n.DEFAULT_LANGUAGE:
        return table
    return table.rename(columns={code: _(label) for code, label in TABLE_HEADERS.items()})


def _ordered(exchanges: pd.DataFrame) -> pd.DataFrame:
    return exchanges.sort_values(["start_date", "exchange_id"], na_position="last")


def _records(frame: pd.DataFrame, *columns: str) -> list[dict]:
    """The rows as dicts of these columns (those the frame has): to_dict of a whole
    exchanges frame (some 25 columns) costs several times more."""
    return frame[[c for c in columns if c in frame]].to_dict("records")


def axis_labels(exchanges: pd.DataFrame) -> dict[str, str]:
    """exchange_id → a short, unique row label: 'Chefchaouen 2014 · Peer learning'."""
    labels: dict[str, str] = {}
    seen: dict[str, int] = {}
    no_host = _("Host not reported")
    for row in _records(_ordered(exchanges), "exchange_id", "year", "host_city", "kind"):
        year = row.get("year")
        year_text = "" if formatting.is_missing(year) else f" {int(year)}"
        base = (
            f"{formatting.text(row.get('host_city'), no_host)}{year_text}"
            f" · {formatting.kind_label(row.get('kind'))}"
        )
        seen[base] = seen.get(base, 0) + 1
        labels[row["exchange_id"]] = base if seen[base] == 1 else f"{base} ({seen[base]})"
    return labels


def _midpoint(start, end) -> pd.Timestamp | None:
    if formatting.is_missing(start):
        return None
    first = pd.Timestamp(start)
    last = pd.Timestamp(end) if not formatting.is_missing(end) else first
    return first + (last - first) / 2


def exchanges_table(exchanges: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per exchange, as the Table tab and the exports show it (`labels`: the
    exchanges' axis_labels, when the caller has them)."""
    labels = labels if labels is not None else axis_labels(exchanges)
    rows = []
    for row in _ordered(exchanges).to_dict("records"):
        follows = formatting.split_list(row.get("follows"))
        rows.append(
            {
                "exchange": labels[row["exchange_id"]],
                "title": formatting.text(row.get("title")),
                "host_city": formatting.text(row.get("host_city")),
                "host_country": i18n.country_name(
                    None if formatting.is_missing(row.get("host_iso3")) else row["host_iso3"],
                    formatting.text(row.get("host_country")),
                ),
                "dates": formatting.date_display(
                    row.get("start_date"),
                    row.get("end_date"),
                    row.get("date_precision"),
                    row.get("date_text"),
                ),
                "date_text": formatting.text(row.get("date_text")),
                "status": formatting.exchange_status_label(row.get("status")),
                "kind": formatting.kind_label(row.get("kind")),
                "countries": row.get("countries"),
                "outcome_types": "; ".join(
                    label
                    for _code, label, _colour in formatting.outcome_types(row.get("outcome_types"))
                ),
                "follows": "; ".join(labels.get(f, f) for f in follows),
                "exchange_id": row["exchange_id"],
                "source_ref": formatting.text(row.get("source_ref")),
            }
        )
    return pd.DataFrame(rows)


def _at_least_a_year(exchanges: pd.DataFrame) -> list[pd.Timestamp] | None:
    """A date range of a year around exchanges that span less (one exchange would
    otherwise be drawn on an axis of hours); None lets Plotly fit a longer span."""
    dates = pd.to_datetime(
        pd.concat([exchanges["start_date"], exchanges["end_date"]]), errors="coerce"
    ).dropna()
    if dates.empty or dates.max() - dates.min() >= pd.Timedelta(days=365):
        return None
    middle = dates.min() + (dates.max() - dates.min()) / 2
    return [middle - pd.Timedelta(days=183), middle + pd.Timedelta(days=183)]


def month_ticks(exchanges: pd.DataFrame, shown: list[pd.Timestamp] | None) -> dict:
    """The date axis's ticks written in the interface's language ('nov. 2012'): Plotly
    names months in English whatever the page's language. Every six months over a few
    years, every January (the year alone) over more; {} when there are no dates."""
    dates = pd.to_datetime(
        pd.concat([exchanges["start_date"], exchanges["end_date"]]), errors="coerce"
    ).dropna()
    if dates.empty:
        return {}
    first, last = (shown[0], shown[1]) if shown else (dates.min(), dates.max())
    years = range(first.year, last.year + 2)
    if last.year - first.year <= 4:
        ticks = [pd.Timestamp(y, m, 1) for y in years for m in (1, 7)]
        text = [i18n.month_year(t.date()) for t in ticks]
    else:
        ticks = [pd.Timestamp(y, 1, 1) for y in years]
        text = [str(t.year) for t in ticks]
    kept = [(t, label) for t, label in zip(ticks, text, strict=True) if first <= t <= last]
    return {"tickvals": [t for t, _label in kept], "ticktext": [label for _t, label in kept]}


def exchanges_in_time(exchanges: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """One marker per exchange on a date axis (a row each), coloured held/planned.

    The marker sits mid-way through the dates the source gives; a pale bar spans them
    when the source gives only a month or a year. Grey arrows join a follow-up to the
    exchange it follows.
    """
    if exchanges.empty:
        return empty_figure(_(NO_EXCHANGE)), pd.DataFrame()
    raw_labels = axis_labels(exchanges)
    table = exchanges_table(exchanges, raw_labels)
    labels = {key: inert.plotly(label) for key, label in raw_labels.items()}
    ordered = _ordered(exchanges)
    rows = _records(ordered, "exchange_id", "start_date", "end_date", "follows")
    order = [labels[i] for i in ordered["exchange_id"]]
    traces: list[dict] = []
    arrows: list[dict] = []

    # date ranges (month / year precision, or several days)
    xs: list = []
    ys: list = []
    for row in rows:
        start, end = row.get("start_date"), row.get("end_date")
        if formatting.is_missing(start) or formatting.is_missing(end) or start == end:
            continue
        xs += [pd.Timestamp(start), pd.Timestamp(end), None]
        ys += [labels[row["exchange_id"]]] * 2 + [None]
    if xs:
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "line": {"color": RANGE_COLOUR, "width": 10},
                "name": _("Dates as the source gives them"),
                "hoverinfo": "skip",
            }
        )

    # follow-up links: earlier exchange → the one that follows it
    positions = {
        r["exchange_id"]: (
            _midpoint(r.get("start_date"), r.get("end_date")),
            labels[r["exchange_id"]],
        )
        for r in rows
    }
    link_x: list = []
    link_y: list = []
    links = []
    for row in rows:
        for earlier in formatting.split_list(row.get("follows")):
            if earlier not in positions or positions[earlier][0] is None:
                continue
            (x0, y0), (x1, y1) = positions[earlier], positions[row["exchange_id"]]
            if x1 is None:
                continue
            link_x += [x0, x1, None]
            link_y += [y0, y1, None]
            links.append((x0, y0, x1, y1))
    if link_x:
        traces.append(
            {
                "type": "scatter",
                "x": link_x,
                "y": link_y,
                "mode": "lines",
                "line": {"color": FOLLOW_COLOUR, "width": 1.5},
                "name": _("Follows an earlier exchange"),
                "hoverinfo": "skip",
            }
        )
        arrow = {
            "xref": "x",
            "yref": "y",
            "axref": "x",
            "ayref": "y",
            "text": "",
            "showarrow": True,
            "arrowhead": 2,
            "arrowsize": 1.2,
            "arrowwidth": 1.5,
            "arrowcolor": FOLLOW_COLOUR,
            "standoff": 9,
            "opacity": 0.9,
        }
        arrows = [{"x": x1, "y": y1, "ax": x0, "ay": y0, **arrow} for x0, y0, x1, y1 in links]

    # the exchanges: one marker each, by status
    hover = ["title", "dates", "host_city", "host_country", "outcome_types"]
    records = table.set_index("exchange_id")[hover].to_dict("index")
    no_outcome = _(formatting.NOT_REPORTED)
    # the values stay Plotly's fields; only the words around them are translated
    template = (
        "<b>%{customdata[0]}</b><br>%{customdata[2]}, %{customdata[3]}<br>%{customdata[1]}<br>"
        + _("Outcome: %{customdata[4]}")
        + "<extra></extra>"
    )
    for status in ("held", "planned", "other"):
        if status == "other":
            chosen = ordered[~ordered["status"].isin(["held", "planned"])]
        else:
            chosen = ordered[ordered["status"] == status]
        if chosen.empty:
            continue
        ids = list(chosen["exchange_id"])
        traces.append(
            {
                "type": "scatter",
                "x": [
                    _midpoint(s, e)
                    for s, e in zip(chosen["start_date"], chosen["end_date"], strict=True)
                ],
                "y": [labels[i] for i in ids],
                "mode": "markers",
                "marker": status_marker(status, size=16),
                "name": status_name(status),
                "customdata": [
                    plain(
                        [
                            *(records[i][column] for column in hover[:4]),
                            records[i]["outcome_types"] or no_outcome,
                        ]
                    )
                    for i in ids
                ],
                "hovertemplate": template,
            }
        )
    shown = _at_least_a_year(ordered)
    layout = {
        "annotations": arrows or None,
        "yaxis": {
            "categoryorder": "array",
            "categoryarray": order,
            "autorange": "reversed",
            "showgrid": True,
            "title": None,
            "automargin": True,
            "tickfont": TICK_FONT,
        },
        "xaxis": {
            "type": "date",
            "title": None,
            "showgrid": True,
            "gridcolor": "#EEEEEE",
            "tickfont": TICK_FONT,
            "range": shown,
            **month_ticks(ordered, shown),
        },
    }
    height = max(300, 120 + ROW_HEIGHT * len(order))
    return figure(traces, layout, look(height=height), {"margin": {"l": 10, "r": 30}}), table


# --- participation matrix --------------------------------------------------------------


def _cell_role(roles: list[str]) -> str:
    for role in formatting.ROLE_PRIORITY:
        if role in roles:
            return role
    return roles[0] if roles else ""


def participation_table(participants: pd.DataFrame, exchanges: pd.DataFrame) -> pd.DataFrame:
    """Countries × exchanges (chronological), the role(s) in each cell; blank = not involved.
    Countries and regions are named in the interface's language (the column names stay
    English: the table is also the download's)."""
    if participants.empty or exchanges.empty:
        return pd.DataFrame(columns=["Country", "Region"])
    labels = axis_labels(exchanges)
    columns = [labels[i] for i in _ordered(exchanges)["exchange_id"]]
    cells: dict[tuple[str, str], list[str]] = {}
    regions: dict[str, str] = {}
    named = {}  # (iso3, English name) → the name shown, once per country
    for row in participants.to_dict("records"):
        if row["exchange_id"] not in labels:
            continue
        key = (row.get("iso3"), row.get("country"))
        country = named.get(key)
        if country is None:
            iso3 = None if formatting.is_missing(key[0]) else str(key[0])
            english = formatting.text(key[1], formatting.text(key[0]))
            country = named[key] = i18n.country_name(iso3, english)
        regions[country] = formatting.text(row.get("region"), "")
        role = formatting.text(row.get("role"), "participant")
        roles = cells.setdefault((country, labels[row["exchange_id"]]), [])
        if role not in roles:
            roles.append(role)
    region_rank = {r: i for i, r in enumerate(theme.REGION_ORDER)}
    countries = sorted(regions, key=lambda c: (region_rank.get(regions[c], 99), c))
    region_names = {r: theme.region_label(r) if r else "" for r in set(regions.values())}
    rows = []
    for country in countries:
        row = {"Country": country, "Region": region_names[regions[country]]}
        for column in columns:
            roles = cells.get((country, column))
            if not roles:  # most cells: a country takes part in few exchanges
                row[column] = ""
                continue
            ordered = sorted(
                roles,
                key=lambda r: (
                    formatting.ROLE_PRIORITY.index(r) if r in formatting.ROLE_PRIORITY else 9
                ),
            )
            row[column] = " + ".join(formatting.role_label(r).split(" (")[0] for r in ordered)
        rows.append(row)
    return pd.DataFrame(rows, columns=["Country", "Region", *columns])


def participation_matrix(
    participants: pd.DataFrame, exchanges: pd.DataFrame
) -> tuple[go.Figure, pd.DataFrame]:
    """A heatmap of countries × exchanges, each cell coloured by the country's role."""
    table = participation_table(participants, exchanges)
    if table.empty:
        return empty_figure(_("No participants to show for the current filters.")), table
    columns = [c for c in table.columns if c not in ("Country", "Region")]
    roles = list(reversed(formatting.ROLE_PRIORITY))  # host last: top of the colour bar
    rank = {role: i for i, role in enumerate(roles)}
    label_to_role = {formatting.role_label(r).split(" (")[0]: r for r in roles}
    z, texts, hovers = [], [], []
    for record in table.to_dict("records"):
        z_row, t_row, h_row = [], [], []
        for column in columns:
            cell = record[column]
            if not cell:
                z_row.append(None)
                t_row.append("")
                h_row.append("")
                continue
            codes = [label_to_role.get(part, "participant") for part in cell.split(" + ")]
            main = _cell_role(codes)
            z_row.append(rank[main])
            short = theme.ROLE_CELL_LABELS.get(main, main)
            t_row.append(short + (" +" if len(codes) > 1 else ""))
            h_row.append(inert.plotly(cell))
        z.append(z_row)
        texts.append(t_row)
        hovers.append(h_row)
    n = len(roles)
    colourscale = []
    for i, role in enumerate(roles):
        colour = theme.ROLE_COLOURS[role]
        colourscale += [[i / n, colour], [(i + 1) / n, colour]]
    heatmap = {
        "type": "heatmap",
        # object arrays: the same JSON as lists, but Plotly checks them at once
        # instead of cell by cell (0.5 s for 200 countries × 60 exchanges)
        "z": np.array(z, dtype=object),
        "x": plain(columns),
        "y": plain(table["Country"]),
        "text": np.array(texts, dtype=object),
        "customdata": np.array(hovers, dtype=object),
        "texttemplate": "%{text}" if len(columns) <= LABELLED_COLUMNS else "",
        "textfont": {"size": 13 if len(columns) <= 8 else 11},  # ~60 px cells at 12
        "colorscale": colourscale,
        "zmin": -0.5,
        "zmax": n - 0.5,
        "xgap": 2,
        "ygap": 2,
        "hovertemplate": _("%{y} in %{x}: %{customdata}") + "<extra></extra>",
        "colorbar": {
            "title": {"text": _("Role")},
            "tickvals": list(range(n)),
            "ticktext": [formatting.role_label(r) for r in roles],
            "lenmode": "pixels",
            "len": 160,
            "yanchor": "top",
            "y": 1,
        },
    }
    axes = {
        "xaxis": {
            "side": "top",
            "tickangle": -35,
            "showgrid": False,
            "title": None,
            "tickfont": TICK_FONT,
        },
        "yaxis": {
            "autorange": "reversed",
            "showgrid": False,
            "title": None,
            "automargin": True,
            "tickfont": TICK_FONT,
        },
    }
    return figure(
        [heatmap],
        axes,
        look(height=max(320, 200 + 30 * len(table))),
        {"margin": {"t": 170, "l": 10, "r": 10, "b": 20}, "plot_bgcolor": "white"},
    ), table


def network_tables(participants: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The network's hosts and participants as a download has them (status and role as
    words, countries as the warehouse names them) and as the Table tab shows them
    (countries in the reader's language; a few hundred rows at most)."""
    table = participants[
        ["title", "host_city", "year", "status", "country", "city", "role", "exchange_id"]
    ].assign(
        status=lambda d: d["status"].map(formatting.exchange_status_label),
        role=lambda d: d["role"].map(formatting.role_label),
    )
    if i18n.language() == i18n.DEFAULT_LANGUAGE:
        return table, table
    shown = table.assign(
        country=[
            i18n.country_name(iso3, country) if isinstance(iso3, str) else country
            for iso3, country in zip(participants["iso3"], participants["country"], strict=True)
        ]
    )
    return table, shown


def network_figure(participants: pd.DataFrame) -> go.Figure:
    """The City-to-City network in plain lon/lat axes (for PNG/SVG export): arcs from
    each host city to its participants, by role, over plain country shapes."""
    if participants.empty:
        return empty_figure(_(NO_EXCHANGE))
    return static_map_figure(None, None, participants, "")


# --- what part of the exchanges the page shows (scale.EXCHANGES_SHOWN) ------------------


def in_time_caption(shown: int, total: int) -> str:
    """The caption under 'The exchanges in time', saying what part it shows."""
    rows = (
        _("One row per exchange.")
        if total <= shown
        else _(
            "One row for each of the {shown} most recent of {total} exchanges (narrow the "
            "filters in the sidebar to see others)."
        ).format(shown=i18n.number(shown), total=i18n.number(total))
    )
    how = _(
        "Filled circles: held; open diamonds: planned. A pale bar spans the dates when the "
        "source gives only a month or a year; grey arrows join a follow-up to the exchange "
        "it follows."
    )
    return f"{rows} {how}"


def matrix_caption(shown: int, total: int) -> str:
    """The caption under the participation matrix, saying what part it shows."""
    what = (
        _("Countries (by region) × exchanges (in date order); the cell gives the country's role.")
        if total <= shown
        else _(
            "Countries (by region) × the {shown} most recent of {total} exchanges (in date "
            "order; narrow the filters in the sidebar to see others); the cell gives the "
            "country's role."
        ).format(shown=i18n.number(shown), total=i18n.number(total))
    )
    plus = _(
        "“+” means it also took part in another role (e.g. the host city and other cities "
        "of the same country)."
    )
    return f"{what} {plus}"


def picker_note(shown: int, total: int) -> str | None:
    """Under the exchange chooser when it lists only the exchanges shown above."""
    if total <= shown:
        return None
    return _(
        "The list holds the {shown} most recent of {total} exchanges: narrow the filters to "
        "choose among the others. An exchange's own link (…/exchanges?exchange=<id>) opens "
        "any of them."
    ).format(shown=i18n.number(shown), total=i18n.number(total))
