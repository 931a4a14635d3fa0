"""Pure map builders (pydeck), fully offline: `map_provider=None` draws layers with no
basemap, no tiles and no external request. Country shapes come from
data/reference/countries.geojson (Natural Earth, public domain).

API used by the pages:
- world_deck(country_counts, localities, arcs) -> pdk.Deck
- project_deck(localities, iso3s) -> pdk.Deck          (Projects detail small map)
- exchange_deck(participants) -> pdk.Deck              (City-to-City network map)
- static_map_figure(country_counts, localities, arcs, title) -> plotly Figure
  (a Plotly rendering in plain lon/lat axes for PNG/SVG export; no geo CDN needed)

Inputs are the DataFrames of dashboard.queries: `project_countries` (iso3, country,
projects, titles), `localities` (name, iso3, lat, lon, title, pillar, ...) and
`participants` (one row per exchange participant with the host's coordinates).

Notes on the Streamlit renderer (streamlit/static DeckGlJsonChart):
- the map style must stay pydeck's default sentinel: with `map_provider=None` pydeck
  writes `"mapStyle": "__MAP_STYLE__"`, which Streamlit drops (no basemap); an absent
  style (`map_style=None`) makes Streamlit fetch Carto's basemap;
- tooltips replace `{field}` with `object[field]` or `object.properties[field]` and
  leave unknown fields as literal text, so every pickable layer carries every field its
  deck's tooltip names (and never None, which would print "null").
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from dashboard import theme

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES_GEOJSON = ROOT / "data" / "reference" / "countries.geojson"

# Layer ids (selections are read by layer id).
COUNTRIES_LAYER = "countries"
LOCALITIES_LAYER = "localities"
ARCS_LAYER = "exchange-arcs"
EXCHANGE_CITIES_LAYER = "exchange-cities"

# Shapes never drawn: Antarctica takes a third of a Mercator world and has no projects.
SKIPPED_SHAPES = frozenset({"ATA"})

NO_PROJECT_FILL = "#E4E4E4"
BORDER = "#FFFFFF"
FOCUS_LINE = "#222222"
# Sequential and colour-blind safe: one desaturated blue ("steel") hue, light to dark, so
# lightness alone carries the count and the saturated pillar colours of the points stay
# the most salient marks. The lightest step still stands apart from the no-project grey.
COUNT_RAMP: tuple[str, ...] = (
    "#C6D4E1",
    "#A7BDD2",
    "#8AA6C2",
    "#6E8FB1",
    "#55779D",
    "#3F6087",
    "#2C4A6E",
)
HIGHLIGHT = [255, 255, 255, 90]

WORLD_VIEW = {"latitude": 20.0, "longitude": 5.0, "zoom": 0.7}

TOOLTIP_STYLE = {
    "backgroundColor": "#FFFFFF",
    "color": "#222222",
    "fontFamily": theme.FONT_FAMILY,
    "fontSize": "14px",
    "maxWidth": "380px",
    "whiteSpace": "normal",
    "border": "1px solid #BBBBBB",
    "borderRadius": "4px",
    "boxShadow": "0 2px 6px rgba(0,0,0,0.15)",
    "padding": "8px 10px",
}
WORLD_TOOLTIP = {
    "html": (
        "<div style='font-weight:600'>{name}</div>"
        "<div style='color:#444'>{projects}</div>"
        "<div style='margin-top:4px;font-style:italic'>{title}</div>"
    ),
    "style": TOOLTIP_STYLE,
}
EXCHANGE_TOOLTIP = {
    "html": (
        "<div style='font-weight:600'>{name}</div>"
        "<div style='color:#444'>{country} · {role}</div>"
        "<div style='margin-top:4px;font-style:italic'>{title}</div>"
    ),
    "style": TOOLTIP_STYLE,
}


# --- small helpers -------------------------------------------------------------------


def rgba(colour: str, alpha: int = 255) -> list[int]:
    """'#RRGGBB' → [r, g, b, a] as pydeck wants colours."""
    value = colour.lstrip("#")
    return [int(value[i : i + 2], 16) for i in (0, 2, 4)] + [int(alpha)]


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in rgb[:3])


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any, default: str = "") -> str:
    return default if _missing(value) else str(value)


def _number(value: Any) -> float | None:
    if _missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _coords(lon: Any, lat: Any) -> tuple[float, float] | None:
    """(lon, lat) when both are reported and valid; None otherwise (never 0,0 for NULL)."""
    x, y = _number(lon), _number(lat)
    if x is None or y is None or not (-180 <= x <= 180 and -90 <= y <= 90):
        return None
    return (x, y)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _unique(values: Iterable[Any]) -> list[str]:
    seen: list[str] = []
    for value in values:
        text = _text(value)
        if text and text not in seen:
            seen.append(text)
    return seen


# --- reference shapes ------------------------------------------------------------------


@lru_cache(maxsize=4)
def _load_geojson(path: str) -> tuple[dict, ...]:
    with open(path, encoding="utf-8") as handle:
        collection = json.load(handle)
    return tuple(collection["features"])


def country_features() -> tuple[dict, ...]:
    """The country shapes (read once, cached). Do not mutate: copy before changing."""
    return _load_geojson(str(COUNTRIES_GEOJSON))


def label_points() -> dict[str, tuple[float, float]]:
    """iso3 → (lon, lat) of a point inside the country (its label point)."""
    return _label_points(str(COUNTRIES_GEOJSON))


@lru_cache(maxsize=4)
def _label_points(path: str) -> dict[str, tuple[float, float]]:
    points = {}
    for feature in _load_geojson(path):
        props = feature["properties"]
        point = _coords(props.get("label_lon"), props.get("label_lat"))
        if point is not None:
            points[props["iso3"]] = point
    return points


def country_names() -> dict[str, str]:
    return {f["properties"]["iso3"]: f["properties"]["name"] for f in country_features()}


def countries_without_shape(country_counts: pd.DataFrame) -> list[str]:
    """Countries with projects that the 1:110m shapes cannot draw (small island states)."""
    shapes = {f["properties"]["iso3"] for f in country_features()}
    if country_counts is None or country_counts.empty:
        return []
    return [
        _text(row.get("country"), row["iso3"])
        for row in country_counts.to_dict("records")
        if row["iso3"] not in shapes
    ]


# --- colours ---------------------------------------------------------------------------


def count_colour(count: int, max_count: int) -> str:
    """Colour of a country with `count` projects on a ramp ending at `max_count`."""
    if count <= 0:
        return NO_PROJECT_FILL
    if max_count <= 1:
        return COUNT_RAMP[len(COUNT_RAMP) // 3]
    # square-root scale: a few large counts do not wash out the many ones and twos
    share = (math.sqrt(count) - 1) / (math.sqrt(max_count) - 1)
    position = max(0.0, min(1.0, share)) * (len(COUNT_RAMP) - 1)
    low = int(math.floor(position))
    high = min(low + 1, len(COUNT_RAMP) - 1)
    frac = position - low
    a, b = rgba(COUNT_RAMP[low]), rgba(COUNT_RAMP[high])
    return _hex([a[i] + (b[i] - a[i]) * frac for i in range(3)])


def count_legend(max_count: int) -> list[tuple[str, str]]:
    """(label, colour) steps of the country ramp for a legend."""
    if max_count <= 0:
        return [("No project", NO_PROJECT_FILL)]
    if max_count <= 5:
        steps = list(range(1, max_count + 1))
    else:
        steps = sorted({1, 2, round(math.sqrt(max_count)), max_count // 2, max_count})
        steps = [s for s in steps if 1 <= s <= max_count]
    return [("No project", NO_PROJECT_FILL)] + [
        (_plural(s, "project"), count_colour(s, max_count)) for s in steps
    ]


def pillar_colour(pillar: Any) -> str:
    return theme.PILLAR_COLOURS.get(_text(pillar), "#555555")


def role_colour(role: Any) -> str:
    return theme.ROLE_COLOURS.get(_text(role), "#777777")


# --- data rows -------------------------------------------------------------------------


def split_localities(localities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(with coordinates, without): a locality without both lat and lon is never plotted."""
    if localities is None or localities.empty:
        empty = pd.DataFrame(columns=list(getattr(localities, "columns", [])))
        return empty, empty
    located = [
        _coords(lon, lat) is not None
        for lon, lat in zip(localities["lon"], localities["lat"], strict=True)
    ]
    mask = pd.Series(located, index=localities.index, dtype=bool)
    return localities[mask], localities[~mask]


def years_text(row: Mapping[str, Any]) -> str:
    start, end = row.get("start_year"), row.get("end_year")
    if _missing(start) and _missing(end):
        return ""
    first = _text(start, "?")
    if row.get("ongoing") is True:
        return f"{first}–ongoing"
    last = _text(end, "")
    return first if not last or last == first else f"{first}–{last}"


def locality_rows(localities: pd.DataFrame) -> list[dict]:
    """One point per place (projects at the same place are merged), only with coordinates."""
    located, _ = split_localities(localities)
    groups: dict[tuple, dict] = {}
    for row in located.to_dict("records"):
        lon, lat = _coords(row.get("lon"), row.get("lat"))  # type: ignore[misc]
        name = _text(row.get("name"), "Unnamed place")
        key = (round(lon, 5), round(lat, 5), name)
        group = groups.setdefault(
            key,
            {
                "position": [lon, lat],
                "lon": lon,
                "lat": lat,
                "name": name,
                "iso3": _text(row.get("iso3")),
                "pillars": [],
                "titles": [],
                "project_ids": [],
                "admin_level": _text(row.get("admin_level")),
            },
        )
        group["pillars"].append(_text(row.get("pillar")))
        group["titles"].append(_text(row.get("title")))
        group["project_ids"].append(_text(row.get("project_id")))
    rows = []
    names = country_names()
    for group in groups.values():
        pillars = _unique(group.pop("pillars"))
        titles = _unique(group.pop("titles"))
        pillar = pillars[0] if pillars else ""
        country = names.get(group["iso3"], group["iso3"])
        kind = group["admin_level"]
        where = f"{group['name']} ({country})" if country else group["name"]
        labels = " / ".join(theme.PILLAR_SHORT.get(p, p) for p in pillars) or "pillar not reported"
        rows.append(
            {
                **group,
                "name": where,
                "place": group["name"],
                "pillar": pillar,
                "colour": rgba(pillar_colour(pillar), 235),
                "projects": f"{_plural(len(titles), 'project')} · {labels}"
                + (f" · {kind}" if kind else ""),
                "title": " · ".join(titles),
                "project_ids": _unique(group["project_ids"]),
            }
        )
    return rows


def arc_rows(participants: pd.DataFrame) -> list[dict]:
    """Arcs from each exchange's host city to its other participants.

    The participant end is its city when located, else its country's label point. Arcs
    whose ends are unknown (no host coordinates, country without a shape) are left out;
    the same host → participant pair over several exchanges is one arc listing them all.
    """
    if participants is None or participants.empty:
        return []
    points = label_points()
    names = country_names()
    groups: dict[tuple, dict] = {}
    for row in participants.to_dict("records"):
        if _text(row.get("role")) == "host":
            continue
        source = _coords(row.get("host_lon"), row.get("host_lat"))
        city_point = _coords(row.get("lon"), row.get("lat"))
        target = city_point or points.get(_text(row.get("iso3")))
        if source is None or target is None or source == target:
            continue
        country = _text(row.get("country")) or names.get(_text(row.get("iso3")), "")
        city = _text(row.get("city"))
        if city_point is not None and city:
            target_name = f"{city} ({country})" if country else city
        else:
            target_name = f"{country} (cities not named)" if country else "not named"
        host_country = names.get(_text(row.get("host_iso3")), _text(row.get("host_iso3")))
        host = _text(row.get("host_city"), "host")
        role = _text(row.get("role"), "participant")
        key = (source, target, role)
        group = groups.setdefault(
            key,
            {
                "source": list(source),
                "target": list(target),
                "source_colour": rgba(role_colour("host"), 210),
                "target_colour": rgba(role_colour(role), 230),
                "role": theme.ROLE_LABELS.get(role, role),
                "role_code": role,
                "host": f"{host} ({host_country})" if host_country else host,
                "participant": target_name,
                "iso3": _text(row.get("iso3")),
                "host_iso3": _text(row.get("host_iso3")),
                "titles": [],
                "years": [],
                "exchange_ids": [],
            },
        )
        group["titles"].append(_text(row.get("title")))
        group["years"].append(_text(row.get("year")))
        group["exchange_ids"].append(_text(row.get("exchange_id")))
    rows = []
    for group in groups.values():
        titles = _unique(group.pop("titles"))
        years = _unique(group.pop("years"))
        rows.append(
            {
                **group,
                "name": f"{group['host']} → {group['participant']}",
                "country": group["participant"],
                "projects": "City-to-City "
                + ("exchange" if len(titles) == 1 else f"exchanges ({len(titles)})")
                + (f" · {', '.join(years)}" if years else "")
                + f" · {group['role']}",
                "title": " · ".join(titles),
                "exchange_ids": _unique(group["exchange_ids"]),
            }
        )
    return rows


def exchange_city_rows(participants: pd.DataFrame) -> list[dict]:
    """Host cities, and participant cities (or country label points), coloured by role."""
    if participants is None or participants.empty:
        return []
    points = label_points()
    names = country_names()
    groups: dict[tuple, dict] = {}

    def add(point, role, name, country, iso3, title, exchange_id):
        key = (point, role)
        group = groups.setdefault(
            key,
            {
                "position": list(point),
                "lon": point[0],
                "lat": point[1],
                "role_code": role,
                "role": theme.ROLE_LABELS.get(role, role),
                "colour": rgba(role_colour(role), 255),
                "name": name,
                "country": country,
                "iso3": iso3,
                "titles": [],
                "exchange_ids": [],
            },
        )
        group["titles"].append(title)
        group["exchange_ids"].append(exchange_id)

    for row in participants.to_dict("records"):
        title = _text(row.get("title"))
        exchange_id = _text(row.get("exchange_id"))
        host_iso3 = _text(row.get("host_iso3"))
        host_point = _coords(row.get("host_lon"), row.get("host_lat"))
        if host_point is not None:
            add(
                host_point,
                "host",
                _text(row.get("host_city"), "host city"),
                names.get(host_iso3, host_iso3),
                host_iso3,
                title,
                exchange_id,
            )
        role = _text(row.get("role"), "participant")
        if role == "host":
            continue
        iso3 = _text(row.get("iso3"))
        country = _text(row.get("country")) or names.get(iso3, iso3)
        city_point = _coords(row.get("lon"), row.get("lat"))
        city = _text(row.get("city"))
        if city_point is not None:
            add(city_point, role, city or country, country, iso3, title, exchange_id)
        elif iso3 in points:
            add(
                points[iso3],
                role,
                f"{country} (cities not named)",
                country,
                iso3,
                title,
                exchange_id,
            )
    rows = []
    for group in groups.values():
        titles = _unique(group.pop("titles"))
        role = group["role_code"]
        verb = "Hosted" if role == "host" else "Took part in"
        rows.append(
            {
                **group,
                "projects": f"{verb} {_plural(len(titles), 'City-to-City exchange')}"
                + ("" if role in ("host", "participant") else f" · {group['role']}"),
                "title": " · ".join(titles),
                "exchange_ids": _unique(group["exchange_ids"]),
            }
        )
    # hosts last so they draw on top of participants at the same place
    return sorted(rows, key=lambda r: r["role_code"] == "host")


def _count_lookup(country_counts: pd.DataFrame | None) -> dict[str, dict]:
    if country_counts is None or country_counts.empty:
        return {}
    lookup: dict[str, dict] = {}
    for row in country_counts.to_dict("records"):
        iso3 = _text(row.get("iso3"))
        if not iso3:
            continue
        entry = lookup.setdefault(iso3, {"projects": 0, "titles": [], "country": ""})
        entry["projects"] += int(_number(row.get("projects")) or 0)
        entry["titles"] += [t for t in _text(row.get("titles")).split(" · ") if t]
        entry["country"] = entry["country"] or _text(row.get("country"))
    return lookup


def choropleth_features(
    country_counts: pd.DataFrame | None,
    *,
    focus: str | None = None,
    highlight: Iterable[str] = (),
) -> list[dict]:
    """Country features with `projects` (int), `fill`, `line` and tooltip fields joined in.

    Every country shape is returned (light grey when it has no project) so the world
    outline shows without a basemap; `highlight` colours the given countries instead.
    """
    lookup = _count_lookup(country_counts)
    highlight = set(highlight)
    max_count = max((e["projects"] for e in lookup.values()), default=0)
    features = []
    for feature in country_features():
        props = feature["properties"]
        iso3 = props["iso3"]
        if iso3 in SKIPPED_SHAPES:
            continue
        entry = lookup.get(iso3)
        count = entry["projects"] if entry else 0
        name = (entry or {}).get("country") or props["name"]
        if highlight:
            fill = COUNT_RAMP[1] if iso3 in highlight else NO_PROJECT_FILL
        else:
            fill = count_colour(count, max_count)
        focused = iso3 == focus
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "iso3": iso3,
                    "name": name,
                    "region": props.get("region") or "",
                    "count": count,
                    "projects": _plural(count, "project") if count else "No project in this view",
                    "title": " · ".join(_unique((entry or {}).get("titles", []))),
                    "fill": rgba(fill, 255 if (count or iso3 in highlight) else 235),
                    "line": rgba(FOCUS_LINE if focused else BORDER, 255),
                    "line_width": 2.5 if focused else 0.6,
                    # the same tooltip fields as the other layers
                    "country": name,
                    "role": "",
                },
            }
        )
    return features


# --- decks -----------------------------------------------------------------------------


def _countries_layer(features: list[dict], *, pickable: bool = True) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        data=features,
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


def _localities_layer(rows: list[dict], *, radius: float = 6.5) -> pdk.Layer:
    return pdk.Layer(
        "ScatterplotLayer",
        data=rows,
        id=LOCALITIES_LAYER,
        get_position="position",
        get_fill_color="colour",
        get_line_color=[255, 255, 255, 255],
        get_radius=radius,
        radius_units="'pixels'",
        stroked=True,
        filled=True,
        line_width_units="'pixels'",
        get_line_width=1.5,
        pickable=True,
        auto_highlight=True,
        highlight_color=HIGHLIGHT,
    )


def _arcs_layer(rows: list[dict], *, width: float = 2.5) -> pdk.Layer:
    return pdk.Layer(
        "ArcLayer",
        data=rows,
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
        highlight_color=[255, 200, 0, 255],
    )


def _exchange_cities_layer(rows: list[dict], *, radius: float = 5.5) -> pdk.Layer:
    return pdk.Layer(
        "ScatterplotLayer",
        data=rows,
        id=EXCHANGE_CITIES_LAYER,
        get_position="position",
        get_fill_color=[255, 255, 255, 255],
        get_line_color="colour",
        get_radius=radius,
        radius_units="'pixels'",
        stroked=True,
        filled=True,
        line_width_units="'pixels'",
        get_line_width=2.5,
        pickable=True,
        auto_highlight=True,
        highlight_color=[255, 200, 0, 255],
    )


class CompactDeck(pdk.Deck):
    """A pydeck Deck whose JSON has no indentation (a third of the size on the wire)."""

    def to_json(self) -> str:
        return json.dumps(
            json.loads(super().to_json()), sort_keys=True, separators=(",", ":"), allow_nan=False
        )


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
        views=[pdk.View(type="MapView", controller=True)],
        tooltip=tooltip,
        # no `parameters={"clearColor": ...}`: a clear colour breaks deck.gl picking
        # (clicks select nothing); the page background shows through instead.
    )


def world_deck(
    country_counts: pd.DataFrame,
    localities: pd.DataFrame,
    arcs: pd.DataFrame,
    *,
    focus: str | None = None,
) -> pdk.Deck:
    """The world map: projects per country, localities by pillar, C2C arcs.

    `focus` (an iso3) outlines one country (the page's chosen country).
    """
    features = choropleth_features(country_counts, focus=focus)
    layers = [
        _countries_layer(features),
        _arcs_layer(_world_tooltip_fields(arc_rows(arcs))),
        _exchange_cities_layer(_world_tooltip_fields(exchange_city_rows(arcs))),
        _localities_layer(locality_rows(localities)),
    ]
    return _deck(layers, WORLD_VIEW, WORLD_TOOLTIP)


def _world_tooltip_fields(rows: list[dict]) -> list[dict]:
    for row in rows:
        row.setdefault("projects", "")
        row.setdefault("title", "")
        row.setdefault("name", "")
    return rows


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


def project_deck(localities: pd.DataFrame, iso3s: Iterable[str]) -> pdk.Deck:
    """A small map of one project: its localities, its countries highlighted."""
    iso3s = [i for i in dict.fromkeys(iso3s or []) if i]
    rows = locality_rows(localities)
    features = choropleth_features(None, highlight=iso3s)
    if rows:
        view = fit_view([tuple(r["position"]) for r in rows])
    else:
        points = label_points()
        view = fit_view([points[i] for i in iso3s if i in points], max_zoom=4.0)
    layers = [_countries_layer(features), _localities_layer(_world_tooltip_fields(rows))]
    return _deck(layers, view, WORLD_TOOLTIP)


def exchange_deck(participants: pd.DataFrame) -> pdk.Deck:
    """Hosts and participants of City-to-City exchanges: arcs and role-coloured points."""
    arcs = arc_rows(participants)
    cities = exchange_city_rows(participants)
    involved = {r["iso3"] for r in cities} | {r["host_iso3"] for r in arcs}
    features = choropleth_features(None, highlight=[i for i in involved if i])
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


# --- static figure (PNG/SVG export) ---------------------------------------------------


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


def static_map_figure(
    country_counts: pd.DataFrame,
    localities: pd.DataFrame,
    arcs: pd.DataFrame,
    title: str,
) -> go.Figure:
    """The world map drawn in plain lon/lat axes (no geo subplot, nothing fetched)."""
    fig = go.Figure()
    features = choropleth_features(country_counts)
    lookup = _count_lookup(country_counts)
    max_count = max((e["projects"] for e in lookup.values()), default=0)
    by_count: dict[int, tuple[list, list]] = {}
    for feature in features:
        xs, ys = by_count.setdefault(feature["properties"]["count"], ([], []))
        for ring in _rings(feature["geometry"]):
            xs.extend([p[0] for p in ring] + [None])
            ys.extend([p[1] for p in ring] + [None])
    # no-project countries first, so enclaves with projects are drawn on top
    for count in sorted(by_count):
        xs, ys = by_count[count]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=count_colour(count, max_count),
                line={"color": BORDER, "width": 0.5},
                hoverinfo="skip",
                name=_plural(count, "project") if count else "No project",
                legendgroup="countries",
                legendgrouptitle={"text": "Projects per country"} if count == 0 else None,
                showlegend=True,
            )
        )
    by_role: dict[str, tuple[list, list]] = {}
    for arc in arc_rows(arcs):
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
                name=f"Exchange with a {theme.ROLE_LABELS.get(role, role).lower()}",
                legendgroup="exchanges",
            )
        )
    hosts = [r for r in exchange_city_rows(arcs) if r["role_code"] == "host"]
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
                text=[f"{r['name']}<br>{r['projects']}" for r in hosts],
                hoverinfo="text",
                name="Exchange host city",
                legendgroup="exchanges",
            )
        )
    rows = locality_rows(localities)
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
                text=[f"{r['name']}<br>{r['title']}" for r in chosen],
                customdata=[r["place"] for r in chosen],
                hoverinfo="text",
                name=theme.PILLAR_SHORT.get(pillar, "Pillar not reported"),
                legendgroup="localities",
                legendgrouptitle={"text": "Localities by pillar"},
            )
        )
    fig.update_layout(
        title={"text": title} if title else None,
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


def map_table(
    country_counts: pd.DataFrame, localities: pd.DataFrame, participants: pd.DataFrame
) -> pd.DataFrame:
    """Everything the world map shows, one row per drawn (or undrawable) item."""
    rows: list[dict] = []
    points = label_points()
    if country_counts is not None and not country_counts.empty:
        for row in country_counts.to_dict("records"):
            point = points.get(_text(row.get("iso3")))
            rows.append(
                {
                    "layer": "country",
                    "name": _text(row.get("country")),
                    "iso3": _text(row.get("iso3")),
                    "projects": int(_number(row.get("projects")) or 0),
                    "pillar": None,
                    "role": None,
                    "lat": point[1] if point else None,
                    "lon": point[0] if point else None,
                    "location": "country label point" if point else "no shape at 1:110m",
                    "titles": _text(row.get("titles")),
                    "project_id": None,
                    "exchange_id": None,
                }
            )
    if localities is not None and not localities.empty:
        for row in localities.to_dict("records"):
            point = _coords(row.get("lon"), row.get("lat"))
            rows.append(
                {
                    "layer": "locality",
                    "name": _text(row.get("name")),
                    "iso3": _text(row.get("iso3")),
                    "projects": 1,
                    "pillar": _text(row.get("pillar")) or None,
                    "role": None,
                    "lat": point[1] if point else None,
                    "lon": point[0] if point else None,
                    "location": _text(row.get("admin_level")) if point else theme.NOT_REPORTED,
                    "titles": _text(row.get("title")),
                    "project_id": _text(row.get("project_id")),
                    "exchange_id": None,
                }
            )
    if participants is not None and not participants.empty:
        for row in participants.to_dict("records"):
            point = _coords(row.get("lon"), row.get("lat"))
            rows.append(
                {
                    "layer": "exchange participant",
                    "name": _text(row.get("city")) or _text(row.get("country")),
                    "iso3": _text(row.get("iso3")),
                    "projects": None,
                    "pillar": None,
                    "role": _text(row.get("role")),
                    "lat": point[1] if point else None,
                    "lon": point[0] if point else None,
                    "location": "city" if point else "city not named: country label point",
                    "titles": _text(row.get("title")),
                    "project_id": None,
                    "exchange_id": _text(row.get("exchange_id")),
                }
            )
    columns = [
        "layer", "name", "iso3", "projects", "pillar", "role", "lat", "lon", "location",
        "titles", "project_id", "exchange_id",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    frame["projects"] = frame["projects"].astype("Int64")
    return frame
