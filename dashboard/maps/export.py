"""The world map as a Plotly figure, for PNG/SVG export, and the table behind the map.

The figure is drawn in plain lon/lat axes (no geo subplot, so no geo CDN and nothing
fetched) from the same rows as the pydeck maps (dashboard.maps.layers). The table lists
everything the map shows, one row per drawn (or undrawable) item, for the Table tab
and the CSV/XLSX downloads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n, inert, theme
from dashboard.formatting import text
from dashboard.i18n import N_, _
from dashboard.maps.layers import (
    ADMIN_LEVEL_LABELS,
    BORDER,
    CLUSTER_FILL,
    arc_rows,
    choropleth_features,
    cluster_rows,
    coords,
    count_colour,
    count_legend,
    count_range,
    country_names,
    degrees,
    exchange_city_rows,
    label_points,
    locality_rows,
    number,
    pillar_colour,
    positions,
    projects_text,
    role_colour,
)

# On the 1920×1080 export the map's 351° of longitude take about 1,600 pixels.
PX_PER_DEGREE = 4.5
GROUP_MIN_SIZE = 3  # pixels across: the least a group of localities is drawn

# The legend's name of the arcs to each role's participants (an arc never ends at a host).
EXCHANGE_WITH: dict[str, str] = {
    "host": N_("Exchange with a host"),
    "participant": N_("Exchange with a participant"),
    "peer": N_("Exchange with a peer (shares experience)"),
    "learner": N_("Exchange with a learner (receives support)"),
}

TABLE_COLUMNS = [
    "layer", "name", "iso3", "projects", "pillar", "role", "lat", "lon", "location",
    "titles", "project_id", "exchange_id",
]  # fmt: skip
# The table's words as the Table tab shows them (the downloads keep the English names
# and values: `map_table`); codes (iso3, lat, lon, ids, pillar, role) stay as they are.
TABLE_HEADERS: dict[str, str] = {
    "layer": N_("layer"),
    "name": N_("name"),
    "projects": N_("projects"),
    "pillar": N_("pillar"),
    "role": N_("role"),
    "location": N_("location"),
    "titles": N_("titles"),
}
LAYER_NAMES: dict[str, str] = {
    "country": N_("country"),
    "locality": N_("locality"),
    "locality group": N_("locality group"),
    "exchange participant": N_("exchange participant"),
}
LABEL_POINT = N_("country label point")
NO_SHAPE = N_("no shape at 1:110m")
CITY = N_("city")
CITY_NOT_NAMED = N_("city not named: country label point")


def _rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    """Exterior rings of a (Multi)Polygon (holes are drawn by the enclaves' own shapes)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def _curve(a: Sequence[float], b: Sequence[float], steps: int = 24) -> tuple[list, list]:
    """A gentle arc from a to b (quadratic Bézier bulging to the left of a→b)."""
    (x0, y0), (x1, y1) = a, b
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = x1 - x0, y1 - y0
    cx, cy = mx - dy * 0.2, my + dx * 0.2
    xs, ys = [], []
    for i in range(steps + 1):
        t = i / steps
        xs.append((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t**2 * x1)
        ys.append((1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t**2 * y1)
    return xs, ys


def _add_countries(
    fig: go.Figure, features: list[dict], *, legend: bool, ends: tuple[int, int]
) -> None:
    """One filled trace per project count (polygons merged), no-project countries first
    so enclaves with projects are drawn on top. Past a few counts (at scale each country
    has its own) the legend shows the ramp's steps, as the page's legend does. `ends`:
    the ramp's (fewest, most) projects, `layers.count_range`, as on the page."""
    min_count, max_count = ends
    by_count: dict[int, tuple[list, list]] = {}
    for feature in features:
        xs, ys = by_count.setdefault(feature["properties"]["count"], ([], []))
        for ring in _rings(feature["geometry"]):
            xs.extend([p[0] for p in ring] + [None])
            ys.extend([p[1] for p in ring] + [None])
    steps = count_legend(max_count, min_count)
    keyed = legend and len(by_count) > len(steps)
    none = steps[0][0]  # "No project", translated
    for count in sorted(by_count):
        label = projects_text(count) if count else none
        colour = count_colour(count, max_count, min_count)
        _add_fill(fig, by_count[count], colour, label, legend and not keyed, titled=count == 0)
    if keyed:
        for n, (label, colour) in enumerate(steps):
            _add_fill(fig, ([None], [None]), colour, label, True, titled=n == 0)


def _add_fill(
    fig: go.Figure, xy: tuple[list, list], colour: str, name: str, legend: bool, *, titled: bool
) -> None:
    """A filled country trace (or, with no points, a legend entry alone); `titled`: it
    carries the legend group's title."""
    fig.add_trace(
        go.Scatter(
            x=xy[0],
            y=xy[1],
            mode="lines",
            fill="toself",
            fillcolor=colour,
            line={"color": BORDER, "width": 0.5},
            hoverinfo="skip",
            name=name,
            legendgroup="countries",
            legendgrouptitle={"text": _("Projects per country")} if titled else None,
            showlegend=legend,
        )
    )


def _add_exchanges(fig: go.Figure, participants: pd.DataFrame | None, names) -> None:
    """Arcs by the participant's role, and the host cities as rings."""
    by_role: dict[str, tuple[list, list]] = {}
    for arc in arc_rows(participants, names):
        xs, ys = by_role.setdefault(arc["role_code"], ([], []))
        cx, cy = _curve(arc["source"], arc["target"])
        xs.extend(cx + [None])
        ys.extend(cy + [None])
    for role in theme.ROLE_COLOURS:
        if role not in by_role:
            continue
        xs, ys = by_role[role]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": role_colour(role), "width": 2},
                opacity=0.85,
                hoverinfo="skip",
                name=_(EXCHANGE_WITH[role])
                if role in EXCHANGE_WITH
                else _("Exchange with a {role}").format(role=role),
                legendgroup="exchanges",
            )
        )
    hosts = [r for r in exchange_city_rows(participants, names) if r["role_code"] == "host"]
    if hosts:
        fig.add_trace(
            go.Scatter(
                x=[r["lon"] for r in hosts],
                y=[r["lat"] for r in hosts],
                mode="markers",
                marker={
                    "size": 11,
                    "color": "white",
                    "line": {"color": role_colour("host"), "width": 3},
                },
                text=[f"{inert.plotly(r['name'])}<br>{inert.plotly(r['projects'])}" for r in hosts],
                hoverinfo="text",
                name=_("Exchange host city"),
                legendgroup="exchanges",
            )
        )


def _add_localities(fig: go.Figure, localities: pd.DataFrame | None, names) -> None:
    """Localities with coordinates, one trace per pillar."""
    rows = locality_rows(localities, names)
    title, unknown = _("Localities by pillar"), _("Pillar not reported")
    for pillar in (*theme.PILLAR_ORDER, ""):
        chosen = [r for r in rows if (r["pillar"] or "") == pillar]
        if not chosen:
            continue
        fig.add_trace(
            go.Scatter(
                x=[r["lon"] for r in chosen],
                y=[r["lat"] for r in chosen],
                mode="markers",
                marker={
                    "size": 12,
                    "color": pillar_colour(pillar),
                    "line": {"color": "white", "width": 1.5},
                },
                text=[f"{inert.plotly(r['name'])}<br>{inert.plotly(r['title'])}" for r in chosen],
                customdata=[inert.plotly(r["place"]) for r in chosen],
                hoverinfo="text",
                name=theme.PILLAR_SHORT.get(pillar, unknown),
                legendgroup="localities",
                legendgrouptitle={"text": title},
            )
        )


def _add_clusters(fig: go.Figure, clusters: pd.DataFrame, names) -> None:
    """Groups of localities (too many to draw one by one): the area by their number,
    the largest filling its square, as on the page's map (layers.cluster_radius)."""
    rows = cluster_rows(clusters, names)
    if not rows:
        return
    fig.add_trace(
        go.Scatter(
            x=[r["lon"] for r in rows],
            y=[r["lat"] for r in rows],
            mode="markers",
            marker={
                "size": [max(GROUP_MIN_SIZE, 2 * r["radius_deg"] * PX_PER_DEGREE) for r in rows],
                "color": CLUSTER_FILL,
                "opacity": 0.9,
                "line": {"color": "white", "width": 0.5},
            },
            text=[inert.plotly(r["name"]) for r in rows],
            hoverinfo="text",
            name=_("Groups in {cell}° squares (area: localities)").format(
                cell=degrees(float(clusters["cell"].iloc[0]))
            ),
            legendgroup="localities",
            legendgrouptitle={"text": _("Localities")},
        )
    )


def static_map_figure(
    country_counts: pd.DataFrame | None,
    localities: pd.DataFrame | None,
    participants: pd.DataFrame | None,
    title: str,
    clusters: pd.DataFrame | None = None,
) -> go.Figure:
    """The world map drawn in plain lon/lat axes (no geo subplot, nothing fetched).

    Without `country_counts` the countries are a plain backdrop (no count legend). With
    `clusters`, groups of localities are drawn instead of each locality.
    """
    names = country_names(country_counts, localities, participants)
    fig = go.Figure()
    _add_countries(
        fig,
        choropleth_features(country_counts, names=names),
        legend=country_counts is not None,
        ends=count_range(country_counts),
    )
    _add_exchanges(fig, participants, names)
    if clusters is None:
        _add_localities(fig, localities, names)
    else:
        _add_clusters(fig, clusters, names)
        fig.update_layout(legend_itemsizing="constant")  # a group's legend dot, not its size
    fig.update_layout(
        title={"text": inert.plotly(title)} if title else None,
        height=620,
        font={"family": theme.FONT_FAMILY, "size": 14},
        margin={"t": 60 if title else 20, "b": 10, "l": 10, "r": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
        # beside the map, never over it (the Pacific is not wide enough at every size)
        legend={
            "orientation": "v",
            "x": 1.0,
            "xanchor": "left",
            "y": 0.5,
            "yanchor": "middle",
            "tracegroupgap": 14,
        },
        showlegend=True,
        hovermode="closest",
    )
    fig.update_xaxes(visible=False, range=[-170, 181], constrain="domain")
    fig.update_yaxes(visible=False, range=[-58, 84], scaleanchor="x", scaleratio=1)
    return fig


# --- the data behind the map (Table tab and CSV/XLSX) ---------------------------------


def _table_row(layer: str, point: tuple[float, float] | None, **values: Any) -> dict:
    row = dict.fromkeys(TABLE_COLUMNS)
    row.update(layer=layer, lat=point[1] if point else None, lon=point[0] if point else None)
    row.update(values)
    return row


def map_table(
    country_counts: pd.DataFrame | None,
    localities: pd.DataFrame | None,
    participants: pd.DataFrame | None,
    clusters: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Everything the world map shows, one row per drawn (or undrawable) item; with
    `clusters`, one row per group of localities instead of one per locality."""
    rows: list[dict] = []
    points = label_points()
    for row in _records(country_counts):
        point = points.get(text(row.get("iso3"), ""))
        rows.append(
            _table_row(
                "country",
                point,
                name=text(row.get("country"), ""),
                iso3=text(row.get("iso3"), ""),
                projects=int(number(row.get("projects")) or 0),
                location=LABEL_POINT if point else NO_SHAPE,
                titles=text(row.get("titles"), ""),
            )
        )
    for row in _records(localities):
        point = coords(row.get("lon"), row.get("lat"))
        rows.append(
            _table_row(
                "locality",
                point,
                name=text(row.get("name"), ""),
                iso3=text(row.get("iso3"), ""),
                projects=1,
                pillar=text(row.get("pillar"), "") or None,
                location=text(row.get("admin_level"), "") if point else theme.NOT_REPORTED,
                titles=text(row.get("title"), ""),
                project_id=text(row.get("project_id"), ""),
            )
        )
    for point, iso3, n, cell in _cluster_columns(clusters):
        rows.append(
            _table_row(
                "locality group",
                point,
                iso3=text(iso3, ""),
                name=f"{n:,} localities",
                location=f"mean position of the localities in a {cell:g}° square",
            )
        )
    for row in _records(participants):
        point = coords(row.get("lon"), row.get("lat"))
        rows.append(
            _table_row(
                "exchange participant",
                point,
                name=text(row.get("city"), "") or text(row.get("country"), ""),
                iso3=text(row.get("iso3"), ""),
                role=text(row.get("role"), ""),
                location=CITY if point else CITY_NOT_NAMED,
                titles=text(row.get("title"), ""),
                exchange_id=text(row.get("exchange_id"), ""),
            )
        )
    frame = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    frame["projects"] = frame["projects"].astype("Int64")
    return frame


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """`map_table` as the Table tab shows it: its headers, layers and kinds of location
    in the interface's language (a word each, translated once, mapped on the columns)."""
    if i18n.language() == i18n.DEFAULT_LANGUAGE:
        return table
    locations = {
        word: _(word) for word in (LABEL_POINT, NO_SHAPE, CITY, CITY_NOT_NAMED, theme.NOT_REPORTED)
    } | {code: _(label) for code, label in ADMIN_LEVEL_LABELS.items()}
    layers = {code: _(label) for code, label in LAYER_NAMES.items()}
    shown = table.assign(
        layer=table["layer"].map(layers).fillna(table["layer"]),
        location=table["location"].map(locations).fillna(table["location"]),
    )
    return shown.rename(columns={code: _(label) for code, label in TABLE_HEADERS.items()})


def _cluster_columns(clusters: pd.DataFrame | None) -> Iterator[tuple]:
    """(position or None, iso3, localities, cell) of each group, read a column at a time
    (thousands of groups at a million projects)."""
    if clusters is None or clusters.empty:
        return iter(())
    lon, lat, drawn = positions(clusters)
    points = [
        (x, y) if ok else None
        for x, y, ok in zip(lon.tolist(), lat.tolist(), drawn.tolist(), strict=True)
    ]
    return zip(
        points,
        clusters["iso3"].to_numpy(dtype=object).tolist(),
        clusters["localities"].astype(int).tolist(),
        clusters["cell"].astype(float).tolist(),
        strict=True,
    )


def _records(frame: pd.DataFrame | None) -> list[dict]:
    return [] if frame is None or frame.empty else frame.to_dict("records")
