"""Pure map builders (pydeck), fully offline: `map_provider=None` draws layers with no
basemap, no tiles and no external request. What each layer shows (shapes, names,
colours, rows) comes from dashboard.maps.layers; the Plotly rendering for image export
and the table behind the map are in dashboard.maps.export.

API used by the pages:
- world_deck(country_counts, localities, participants) -> pdk.Deck   (Map page)
- project_deck(localities, countries) -> pdk.Deck    (Projects detail small map)
- exchange_deck(participants) -> pdk.Deck            (City-to-City network map)
- selected_iso3(selection) -> iso3 | None            (the country a map click chose)

Notes on the Streamlit renderer (streamlit/static DeckGlJsonChart):
- the map style must stay pydeck's default sentinel: with `map_provider=None` pydeck
  writes `"mapStyle": "__MAP_STYLE__"`, which Streamlit drops (no basemap); an absent
  style (`map_style=None`) makes Streamlit fetch Carto's basemap;
- tooltips replace `{field}` with `object[field]` or `object.properties[field]` and
  leave unknown fields as literal text, so every pickable layer carries every field its
  deck's tooltip names (and never None, which would print "null").
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from dashboard import inert, theme
from dashboard.maps.layers import (
    arc_rows,
    choropleth_features,
    cluster_rows,
    country_bounds,
    country_names,
    exchange_city_rows,
    label_points,
    locality_rows,
)

# Layer ids (selections are read by layer id).
COUNTRIES_LAYER = "countries"
LOCALITIES_LAYER = "localities"
ARCS_LAYER = "exchange-arcs"
EXCHANGE_CITIES_LAYER = "exchange-cities"

HIGHLIGHT = [255, 255, 255, 90]

# How a reader moves a map: drag, double-click, keys and pinch, but not the mouse wheel,
# which scrolls the page (a reader scrolling past a map zoomed it by accident). The
# page's buttons zoom and reset it (dashboard.ui.mapview).
CONTROLLER = {
    "scrollZoom": False,
    "dragPan": True,
    "doubleClickZoom": True,
    "keyboard": True,
    "touchZoom": True,
    "dragRotate": False,
    "touchRotate": False,
}
HOVER_COLOUR = [255, 200, 0, 255]
WORLD_VIEW = {"latitude": 20.0, "longitude": 5.0, "zoom": 0.7}
GROUP_MIN_PIXELS = 2.5  # a group of localities is never drawn smaller (radius)

TOOLTIP_STYLE = {
    "backgroundColor": "#FFFFFF",
    "color": "#222222",
    "fontFamily": theme.FONT_FAMILY,
    "fontSize": "14px",
    "maxWidth": "380px",
    "border": "1px solid #BBBBBB",
    "borderRadius": "4px",
    "boxShadow": "0 2px 6px rgba(0,0,0,0.15)",
    "padding": "8px 10px",
    "whiteSpace": "pre-line",  # the text's line breaks
}
# Text tooltips, never HTML: the renderer sets them as innerText, so catalogue text is
# inert whatever the Streamlit version (older ones put an html tooltip's fields into the
# page unescaped). Fields are made safe by dashboard.inert.tooltip (see tooltip_rows).
WORLD_TOOLTIP = {"text": "{name}\n{projects}\n{title}", "style": TOOLTIP_STYLE}
EXCHANGE_TOOLTIP = {"text": "{name}\n{country} · {role}\n{title}", "style": TOOLTIP_STYLE}


# --- layers ----------------------------------------------------------------------------


def _countries_layer(features: list[dict], *, pickable: bool = True) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        data=tooltip_rows(features),
        id=COUNTRIES_LAYER,
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color="properties.line",
        get_line_width="properties.line_width",
        line_width_units="'pixels'",
        line_width_min_pixels=0.5,
        pickable=pickable,
        auto_highlight=pickable,
        highlight_color=[34, 34, 34, 40],
    )


def _points_layer(
    rows: list[dict],
    *,
    layer_id: str,
    fill: str | list[int],
    line: str | list[int],
    line_width: float,
    radius: float | str,
    highlight: list[int],
    **sizing: Any,
) -> pdk.Layer:
    """Round points sized in pixels (unless `sizing` says otherwise, e.g. metres with a
    least size in pixels); `fill`/`line`/`radius` are a value or a row field."""
    return pdk.Layer(
        "ScatterplotLayer",
        data=tooltip_rows(rows),
        id=layer_id,
        get_position="position",
        get_fill_color=fill,
        get_line_color=line,
        get_radius=radius,
        **({"radius_units": "'pixels'"} | sizing),
        stroked=True,
        filled=True,
        line_width_units="'pixels'",
        get_line_width=line_width,
        pickable=True,
        auto_highlight=True,
        highlight_color=highlight,
    )


def _localities_layer(rows: list[dict], *, radius: float = 6.5) -> pdk.Layer:
    """Filled dots in the pillar's colour."""
    return _points_layer(
        rows,
        layer_id=LOCALITIES_LAYER,
        fill="colour",
        line=[255, 255, 255, 255],
        line_width=1.5,
        radius=radius,
        highlight=HIGHLIGHT,
    )


def _clusters_layer(rows: list[dict]) -> pdk.Layer:
    """Groups of localities: neutral discs sized in metres within their square
    (layers.cluster_radius), a few pixels at least so each shows on the world view;
    same layer id as the localities, so a click on one focuses its country."""
    return _points_layer(
        rows,
        layer_id=LOCALITIES_LAYER,
        fill="colour",
        line=[255, 255, 255, 255],
        line_width=1.0,
        radius="radius",
        highlight=HIGHLIGHT,
        radius_units="'meters'",
        radius_min_pixels=GROUP_MIN_PIXELS,
    )


def _exchange_cities_layer(rows: list[dict], *, radius: float = 5.5) -> pdk.Layer:
    """Rings in the role's colour (white inside), apart from the localities' dots."""
    return _points_layer(
        rows,
        layer_id=EXCHANGE_CITIES_LAYER,
        fill=[255, 255, 255, 255],
        line="colour",
        line_width=2.5,
        radius=radius,
        highlight=HOVER_COLOUR,
    )


def _arcs_layer(rows: list[dict], *, width: float = 2.5) -> pdk.Layer:
    return pdk.Layer(
        "ArcLayer",
        data=tooltip_rows(rows),
        id=ARCS_LAYER,
        get_source_position="source",
        get_target_position="target",
        get_source_color="source_colour",
        get_target_color="target_colour",
        get_width=width,
        width_units="'pixels'",
        great_circle=True,
        pickable=True,
        auto_highlight=True,
        highlight_color=HOVER_COLOUR,
    )


# --- decks -----------------------------------------------------------------------------


class CompactDeck(pdk.Deck):
    """A pydeck Deck whose JSON has no indentation (a third of the size on the wire),
    written in one pass by orjson with pydeck's own encoder for its objects: a world
    map's ~0.3 MB of shapes in 1-2 ms, not the json module's 7-9 ms (issue 13: every new
    filter set writes its maps again). Keys sorted as pydeck sorts them; NumPy numbers
    as numbers. orjson writes a NaN as null where the json module (allow_nan=False)
    refused it: the layers never hold one (`layers.coords` drops a place without
    coordinates), and tests/test_maps.py writes every deck it builds both ways."""

    def to_json(self) -> str:
        options = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
        return orjson.dumps(self, default=default_serialize, option=options).decode()


@dataclass(frozen=True)
class RenderedDeck:
    """A deck as st.pydeck_chart reads it (its JSON and its tooltip), written once per
    deck and zoom (`rendered`) and shared by every session showing it: a map's JSON
    (hundreds of kB) is not written again on each rerun."""

    json: str
    _tooltip: dict | None
    layers: tuple = ()  # nothing for Streamlit's pandas work-around to convert

    def to_json(self) -> str:
        return self.json


def rendered(deck: pdk.Deck, zoom: float) -> RenderedDeck:
    """`deck` at `zoom` (its centre kept), written as JSON. The deck is left as it is: it
    may be shared between sessions (dashboard.memo)."""
    view = copy.copy(deck.initial_view_state)
    view.zoom = zoom
    at_zoom = copy.copy(deck)
    at_zoom.initial_view_state = view
    return RenderedDeck(at_zoom.to_json(), getattr(deck, "_tooltip", None))


def _deck(layers: list[pdk.Layer], view: Mapping[str, float], tooltip: dict) -> pdk.Deck:
    # map_provider=None and the default map_style sentinel: no basemap, nothing fetched.
    return CompactDeck(
        layers=layers,
        map_provider=None,
        initial_view_state=pdk.ViewState(
            latitude=view["latitude"],
            longitude=view["longitude"],
            zoom=view["zoom"],
            min_zoom=0,
            max_zoom=10,
            pitch=0,
            bearing=0,
        ),
        views=[pdk.View(type="MapView", controller=CONTROLLER)],
        tooltip=tooltip,
        # no `parameters={"clearColor": ...}`: a clear colour breaks deck.gl picking
        # (clicks select nothing); the page background shows through instead.
    )


# Every field a tooltip template names. Each pickable row carries all of them.
TOOLTIP_FIELDS = ("name", "projects", "title", "country", "role")


def tooltip_rows(rows: list[dict]) -> list[dict]:
    """Copies of layer rows whose tooltip fields are safe for a text tooltip
    (dashboard.inert.tooltip: cut to length, no template field). Missing fields become
    "" (never "null")."""
    out = []
    made: dict[str, str] = {}  # texts repeat across rows (thousands of groups at 1M)
    for row in rows:
        safe = dict(row)
        target = safe
        if isinstance(row.get("properties"), Mapping):  # a GeoJSON feature
            target = safe["properties"] = dict(row["properties"])
        for field in TOOLTIP_FIELDS:
            value = target.get(field)
            if isinstance(value, str):
                if value not in made:
                    made[value] = inert.tooltip(value)
                target[field] = made[value]
            else:
                target[field] = inert.tooltip(value)
        out.append(safe)
    return out


def world_deck(
    country_counts: pd.DataFrame,
    localities: pd.DataFrame | None,
    participants: pd.DataFrame,
    *,
    focus: str | None = None,
    clusters: pd.DataFrame | None = None,
) -> pdk.Deck:
    """The world map: projects per country, localities by pillar, C2C arcs.

    `focus` (an iso3) outlines one country (the page's chosen country). With
    `clusters` (too many localities to draw), groups of localities are drawn instead.
    """
    names = country_names(country_counts, localities, participants)
    places = (
        _localities_layer(locality_rows(localities, names))
        if clusters is None
        else _clusters_layer(cluster_rows(clusters, names))
    )
    layers = [
        _countries_layer(choropleth_features(country_counts, focus=focus, names=names)),
        _arcs_layer(arc_rows(participants, names)),
        _exchange_cities_layer(exchange_city_rows(participants, names)),
        places,
    ]
    return _deck(layers, WORLD_VIEW, WORLD_TOOLTIP)


def _mercator_y(lat: float) -> float:
    lat = max(-85.0, min(85.0, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(
    points: Sequence[tuple[float, float]],
    *,
    width: int = 640,
    height: int = 360,
    max_zoom: float = 7.0,
    padding: float = 1.6,
) -> dict[str, float]:
    """Centre and zoom that show every (lon, lat) point in a width × height map."""
    if not points:
        return dict(WORLD_VIEW)
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    lon_span = max(lons) - min(lons)
    y_min, y_max = _mercator_y(min(lats)), _mercator_y(max(lats))
    zooms = [max_zoom]
    if lon_span > 0:
        zooms.append(math.log2(width * 360 / (512 * lon_span * padding)))
    if y_max - y_min > 0:
        zooms.append(math.log2(height * 2 * math.pi / (512 * (y_max - y_min) * padding)))
    zoom = max(0.0, min(zooms))
    centre_y = (y_min + y_max) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return {
        "longitude": (min(lons) + max(lons)) / 2,
        "latitude": centre_lat,
        "zoom": round(zoom, 2),
    }


def project_deck(
    localities: pd.DataFrame, countries: pd.DataFrame, *, width: int = 480, height: int = 360
) -> pdk.Deck:
    """A small map of one project: its localities, its countries (iso3, country) shaded.
    The view frames the whole of each country with every locality inside (a project
    in four provinces still shows its country); `width` × `height` is the map's size."""
    iso3s = [] if countries is None or countries.empty else list(dict.fromkeys(countries["iso3"]))
    names = country_names(countries, localities)
    rows = locality_rows(localities, names)
    features = choropleth_features(None, highlight=iso3s, names=names)
    view = fit_view(
        frame_points(iso3s, [tuple(r["position"]) for r in rows]),
        width=width,
        height=height,
        padding=1.15,
    )
    layers = [_countries_layer(features), _localities_layer(rows)]
    return _deck(layers, view, WORLD_TOOLTIP)


def frame_points(
    iso3s: Sequence[str], positions: Sequence[tuple[float, float]]
) -> list[tuple[float, float]]:
    """The points a record's map must show: the corners of each country's main land
    (layers.country_bounds; its label point when it has no shape) and every place."""
    bounds, labels = country_bounds(), label_points()
    points = list(positions)
    for iso3 in iso3s:
        if iso3 in bounds:
            west, south, east, north = bounds[iso3]
            points += [(west, south), (east, north)]
        elif iso3 in labels:
            points.append(labels[iso3])
    return points


def exchange_deck(participants: pd.DataFrame) -> pdk.Deck:
    """Hosts and participants of City-to-City exchanges: arcs and role-coloured points."""
    names = country_names(participants)
    arcs = arc_rows(participants, names)
    cities = exchange_city_rows(participants, names)
    involved = {r["iso3"] for r in cities} | {r["host_iso3"] for r in arcs}
    features = choropleth_features(None, highlight=[i for i in involved if i], names=names)
    positions = [tuple(r["position"]) for r in cities]
    view = fit_view(positions, width=900, height=480, max_zoom=5.0) if positions else WORLD_VIEW
    layers = [
        _countries_layer(features, pickable=False),
        _arcs_layer(arcs, width=3),
        _exchange_cities_layer(cities, radius=7),
    ]
    return _deck(layers, view, EXCHANGE_TOOLTIP)


def selected_iso3(selection: Mapping[str, Any] | None) -> str | None:
    """The country a map click chose: a country shape, or the country of a locality or
    exchange city (an arc joins two countries, so it chooses none). `selection` is
    Streamlit's `PydeckState.selection` (or its dict)."""
    if not selection:
        return None
    objects = selection.get("objects") or {}
    for layer in (COUNTRIES_LAYER, LOCALITIES_LAYER, EXCHANGE_CITIES_LAYER):
        for obj in objects.get(layer) or []:
            if not isinstance(obj, Mapping):
                continue
            props = obj.get("properties")
            iso3 = (props or {}).get("iso3") if isinstance(props, Mapping) else None
            iso3 = iso3 or obj.get("iso3")
            if iso3:
                return str(iso3)
    return None
