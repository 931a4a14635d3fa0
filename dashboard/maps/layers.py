"""What the maps draw, whatever draws them: country shapes and names, colours, and the
rows of each layer (countries, localities, City-to-City arcs and cities). Pure: the
DataFrames of dashboard.queries in, plain dicts out. dashboard.maps.decks turns these
rows into pydeck decks, dashboard.maps.export into the Plotly figure for image export.

Country shapes come from data/reference/countries.geojson (Natural Earth, public
domain). Country names are the warehouse's ("Türkiye", "Solomon Islands"), read from
the frames' `iso3`/`country` columns; Natural Earth's names ("Turkey", "Solomon Is.")
are only a fallback for a country no frame names (a shape with no project).

Inputs: `project_countries` (iso3, country, projects, titles), `localities` (name, iso3,
lat, lon, title, pillar, …) and `participants` (one row per exchange participant — the
host included — with the host's coordinates).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from math import nan
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard import i18n, inert, scale, theme
from dashboard.formatting import is_missing, text
from dashboard.i18n import N_, _, ngettext

ROOT = Path(__file__).resolve().parents[2]
COUNTRIES_GEOJSON = ROOT / "data" / "reference" / "countries.geojson"

# Shapes never drawn: Antarctica takes a third of a Mercator world and has no projects.
SKIPPED_SHAPES = frozenset({"ATA"})

NO_PROJECT_FILL = "#E4E4E4"
CLUSTER_FILL = "#333333"  # a group of localities mixes pillars: one neutral colour
METRES_PER_DEGREE = 111_320  # of longitude at the equator
BORDER = "#FFFFFF"
# The focus country's outline: dark on a light fill, white on a dark one (a dark outline
# vanished on the darkest blues, which at 1M can be most countries): `focus_line`
FOCUS_LINE = "#222222"
FOCUS_LINE_ON_DARK = "#FFFFFF"
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


class ShapesUnavailable(RuntimeError):
    """The country shapes cannot be read (file missing or damaged): no map can draw."""


# --- small helpers -------------------------------------------------------------------


def rgba(colour: str, alpha: int = 255) -> list[int]:
    """'#RRGGBB' → [r, g, b, a] as pydeck wants colours."""
    value = colour.lstrip("#")
    return [int(value[i : i + 2], 16) for i in (0, 2, 4)] + [int(alpha)]


def focus_line(fill: str) -> tuple[str, float]:
    """(colour, width in pixels) of the focus country's outline on its `fill`: whichever
    of dark and white contrasts more with it (at least 4.5:1 on every ramp step)."""
    if theme.contrast(FOCUS_LINE_ON_DARK, fill) > theme.contrast(FOCUS_LINE, fill):
        return FOCUS_LINE_ON_DARK, 3.0
    return FOCUS_LINE, 2.5


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in rgb[:3])


def number(value: Any) -> float | None:
    """A finite number, or None (missing, not a number, NaN, infinite)."""
    if is_missing(value):
        return None
    try:
        found = float(value)
    except (TypeError, ValueError):
        return None
    return found if math.isfinite(found) else None


def coords(lon: Any, lat: Any) -> tuple[float, float] | None:
    """(lon, lat) when both are reported and valid; None otherwise (never 0,0 for NULL)."""
    x, y = number(lon), number(lat)
    if x is None or y is None or not (-180 <= x <= 180 and -90 <= y <= 90):
        return None
    return (x, y)


def positions(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lon, lat, drawn) of a frame's rows as arrays: `coords` for a whole column at
    once, `drawn` False where either is missing, not a number or out of range."""
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype=float, na_value=nan)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype=float, na_value=nan)
    return lon, lat, (np.abs(lon) <= 180) & (np.abs(lat) <= 90)  # NaN compares False


def memo(make: Callable[[Any], str]) -> Callable[[Any], str]:
    """`make` remembered for each value it is given: a text made once per distinct
    value in one call (Babel writes a number in some 35 µs; thousands of rows repeat
    few counts). Made anew in each call, so it never carries one language into another."""
    made: dict[Any, str] = {}

    def get(value: Any) -> str:
        found = made.get(value)
        if found is None:
            found = made[value] = make(value)
        return found

    return get


def projects_text(n: int) -> str:
    """'1 project', '12,000 projects' in the interface's language."""
    return ngettext("{n} project", "{n} projects", n).format(n=i18n.number(n))


def degrees(cell: float) -> str:
    """A grid cell's size in degrees as a reader writes it: '0.5', '0,5', '2'."""
    return i18n.number(cell)


# The administrative level of a locality (etl.vocab.ADMIN_LEVELS), as a reader says it.
ADMIN_LEVEL_LABELS: dict[str, str] = {
    "city": N_("city"),
    "municipality": N_("municipality"),
    "district": N_("district"),
    "province": N_("province"),
    "region": N_("region"),
    "state": N_("state"),
    "department": N_("department"),
    "county": N_("county"),
    "governorate": N_("governorate"),
    "village": N_("village"),
    "area": N_("area"),
}


def admin_level_labels() -> dict[str, str]:
    """code → the level's name in the interface's language (made once per call)."""
    return {code: _(label) for code, label in ADMIN_LEVEL_LABELS.items()}


def _unique(values: Iterable[Any]) -> list[str]:
    """Distinct non-empty texts, in first-seen order."""
    return [t for t in dict.fromkeys(text(v, "") for v in values) if t]


# --- reference shapes and names --------------------------------------------------------


@lru_cache(maxsize=4)
def _load_geojson(path: str) -> tuple[dict, ...]:
    try:
        with open(path, encoding="utf-8") as handle:
            return tuple(json.load(handle)["features"])
    except (OSError, ValueError, KeyError) as exc:
        problem = _("the country shapes ({path}) cannot be read: {error}")
        raise ShapesUnavailable(problem.format(path=path, error=exc)) from exc


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
        point = coords(props.get("label_lon"), props.get("label_lat"))
        if point is not None:
            points[props["iso3"]] = point
    return points


Bounds = tuple[float, float, float, float]  # west, south, east, north (degrees)

# A country's frame leaves out its far-flung parts: polygons under this share of its
# largest (French Guiana beside France, Alaska beside the contiguous United States).
MAIN_PART_SHARE = 0.25


def country_bounds() -> dict[str, Bounds]:
    """iso3 → the bounds of the country's main land (MAIN_PART_SHARE): what a map of a
    country's project frames, so the whole country shows, not only its localities."""
    return _country_bounds(str(COUNTRIES_GEOJSON))


def _polygons(geometry: dict) -> list[list]:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _area(ring: list) -> float:
    """A ring's area in square degrees of longitude shrunk by latitude (enough to rank)."""
    shrink = math.cos(math.radians(sum(p[1] for p in ring) / len(ring)))
    twice = sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring))
    return abs(twice) / 2 * shrink


@lru_cache(maxsize=4)
def _country_bounds(path: str) -> dict[str, Bounds]:
    bounds = {}
    for feature in _load_geojson(path):
        outer = [polygon[0] for polygon in _polygons(feature["geometry"]) if polygon]
        if not outer:
            continue
        areas = [_area(ring) for ring in outer]
        kept = [
            ring
            for ring, area in zip(outer, areas, strict=True)
            if area >= MAIN_PART_SHARE * max(areas)
        ]
        lons = [p[0] for ring in kept for p in ring]
        lats = [p[1] for ring in kept for p in ring]
        bounds[feature["properties"]["iso3"]] = (min(lons), min(lats), max(lons), max(lats))
    return bounds


def country_names(*frames: pd.DataFrame | None) -> dict[str, str]:
    """iso3 → country name: the warehouse's, from the frames' `iso3`/`country` and
    `host_iso3`/`host_country` columns; Natural Earth's for a country none names. In
    French or Spanish, CLDR's name for each country it names (i18n.country_name)."""
    names = {f["properties"]["iso3"]: f["properties"]["name"] for f in country_features()}
    for frame in frames:
        if frame is None or frame.empty:
            continue
        for code, name in (("iso3", "country"), ("host_iso3", "host_country")):
            if code in frame and name in frame:
                for iso3, country in zip(frame[code], frame[name], strict=True):
                    if not is_missing(iso3) and not is_missing(country):
                        names[str(iso3)] = str(country)
    if i18n.language() != i18n.DEFAULT_LANGUAGE:  # once per country, not per row
        names = {iso3: i18n.country_name(iso3, name) for iso3, name in names.items()}
    return names


def reader_country_names(warehouse_labels: Mapping[str, str]) -> dict[str, str]:
    """iso3 → the name a reader sees: the warehouse's ("Türkiye", from its filter
    options' labels), Natural Earth's only for a country it does not name; in the
    interface's language. Cheap enough to make on each run (~0.1 ms: keying a memo by
    the labels would cost more)."""
    return {
        **country_names(),
        **{iso3: i18n.country_name(iso3, name) for iso3, name in warehouse_labels.items()},
    }


def unlocated_table(missing: pd.DataFrame, warehouse_labels: Mapping[str, str]) -> pd.DataFrame:
    """The places the source names without coordinates, as the Map page lists them: in
    the interface's language, "not reported" as their location."""
    names = reader_country_names(warehouse_labels)
    levels = admin_level_labels()
    return pd.DataFrame(
        {
            _("Locality"): missing["name"],
            _("Country"): missing["iso3"].map(names).fillna(missing["iso3"]),
            _("Level"): missing["admin_level"].map(lambda c: levels.get(c, c)),
            _("Project"): missing["title"],
            _("Location"): _(theme.NOT_REPORTED),
        }
    )


def countries_without_shape(country_counts: pd.DataFrame) -> list[str]:
    """Countries with projects that the 1:110m shapes cannot draw (small island states)."""
    if country_counts is None or country_counts.empty:
        return []
    shapes = {f["properties"]["iso3"] for f in country_features()}
    return [
        i18n.country_name(row["iso3"], text(row.get("country"), row["iso3"]))
        for row in country_counts.to_dict("records")
        if row["iso3"] not in shapes
    ]


# --- colours ---------------------------------------------------------------------------


def count_colour(count: int, max_count: int, min_count: int = 1) -> str:
    """Colour of a country with `count` projects on a ramp from `min_count` (the fewest
    any country has in this view: 1 in the curated catalogue; thousands at a million
    projects, where a ramp from 1 made every country the same dark blue) to `max_count`."""
    if count <= 0:
        return NO_PROJECT_FILL
    low_end = max(1, min(min_count, max_count))
    if max_count <= low_end:
        return COUNT_RAMP[len(COUNT_RAMP) // 3]
    # square-root scale: a few large counts do not wash out the many ones and twos
    share = (math.sqrt(count) - math.sqrt(low_end)) / (math.sqrt(max_count) - math.sqrt(low_end))
    position = max(0.0, min(1.0, share)) * (len(COUNT_RAMP) - 1)
    low = int(math.floor(position))
    high = min(low + 1, len(COUNT_RAMP) - 1)
    frac = position - low
    a, b = rgba(COUNT_RAMP[low]), rgba(COUNT_RAMP[high])
    return _hex([a[i] + (b[i] - a[i]) * frac for i in range(3)])


def count_legend(max_count: int, min_count: int = 1) -> list[tuple[str, str]]:
    """(label, colour) steps of the country ramp (`count_colour`) for a legend."""
    none = _("No project")
    if max_count <= 0:
        return [(none, NO_PROJECT_FILL)]
    low_end = max(1, min(min_count, max_count))
    if max_count - low_end < 5:
        steps = list(range(low_end, max_count + 1))
    elif low_end <= 2:
        steps = sorted({low_end, 2, round(math.sqrt(max_count)), max_count // 2, max_count})
    else:  # evenly spaced on the ramp's square-root scale
        root_low, root_high = math.sqrt(low_end), math.sqrt(max_count)
        steps = sorted({round((root_low + k / 4 * (root_high - root_low)) ** 2) for k in range(5)})
    steps = [s for s in steps if low_end <= s <= max_count]
    return [(none, NO_PROJECT_FILL)] + [
        (projects_text(s), count_colour(s, max_count, low_end)) for s in steps
    ]


def pillar_colour(pillar: Any) -> str:
    return theme.PILLAR_COLOURS.get(text(pillar, ""), "#555555")


def role_colour(role: Any) -> str:
    return theme.ROLE_COLOURS.get(text(role, ""), "#777777")


# --- rows of each layer ------------------------------------------------------------------


def split_localities(localities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(with coordinates, without): a locality without both lat and lon is never plotted."""
    if localities is None or localities.empty:
        empty = pd.DataFrame(columns=list(getattr(localities, "columns", [])))
        return empty, empty
    located = [
        coords(lon, lat) is not None
        for lon, lat in zip(localities["lon"], localities["lat"], strict=True)
    ]
    mask = pd.Series(located, index=localities.index, dtype=bool)
    return localities[mask], localities[~mask]


def locality_rows(localities: pd.DataFrame, names: Mapping[str, str] | None = None) -> list[dict]:
    """One point per place (projects at the same place are merged), only with coordinates."""
    located, _unlocated = split_localities(localities)
    names = names if names is not None else country_names(localities)
    unnamed = _("Unnamed place")
    groups: dict[tuple, dict] = {}
    for row in located.to_dict("records"):
        lon, lat = coords(row.get("lon"), row.get("lat"))  # type: ignore[misc]
        name = text(row.get("name"), unnamed)
        key = (round(lon, 5), round(lat, 5), name)
        group = groups.setdefault(
            key,
            {
                "position": [lon, lat],
                "lon": lon,
                "lat": lat,
                "name": name,
                "iso3": text(row.get("iso3"), ""),
                "pillars": [],
                "titles": [],
                "project_ids": [],
                "admin_level": text(row.get("admin_level"), ""),
            },
        )
        group["pillars"].append(row.get("pillar"))
        group["titles"].append(row.get("title"))
        group["project_ids"].append(row.get("project_id"))
    # labels translated once per call, not once per place
    short = {code: theme.PILLAR_SHORT[code] for code in theme.PILLAR_SHORT}
    no_pillar = _("pillar not reported")
    levels = admin_level_labels()
    counted = memo(projects_text)
    rows = []
    for group in groups.values():
        pillars = _unique(group.pop("pillars"))
        titles = _unique(group.pop("titles"))
        pillar = pillars[0] if pillars else ""
        country = names.get(group["iso3"], group["iso3"])
        kind = levels.get(group["admin_level"], group["admin_level"])
        where = f"{group['name']} ({country})" if country else group["name"]
        labels = " / ".join(short.get(p, p) for p in pillars) or no_pillar
        rows.append(
            {
                **group,
                "name": where,
                "place": group["name"],
                "pillar": pillar,
                "colour": rgba(pillar_colour(pillar), 235),
                "projects": f"{counted(len(titles))} · {labels}" + (f" · {kind}" if kind else ""),
                "title": " · ".join(titles),
                "project_ids": _unique(group["project_ids"]),
            }
        )
    return rows


def cluster_rows(clusters: pd.DataFrame, names: Mapping[str, str] | None = None) -> list[dict]:
    """One point per group of localities (`queries.locality_clusters`), sized by how
    many localities it holds, with the fields of `locality_rows` (its `iso3`: the
    country most of them are in, so a click focuses it). Thousands of groups at a
    million projects: positions are checked for the whole column at once."""
    if clusters is None or clusters.empty:
        return []
    names = names if names is not None else country_names()
    lon, lat, drawn = positions(clusters)
    counts = clusters["localities"].astype(int).to_numpy()
    largest = int(counts.max())
    colour = rgba(CLUSTER_FILL, 230)
    # texts made once per call (per count, per cell), not once per group
    count = memo(i18n.number)
    square = memo(
        lambda c: _("A group: localities within a {cell}° square").format(cell=degrees(c))
    )
    narrow = _("Narrow the filters (a country, a region…) to see each place.")
    group_of = _("group of {n}")
    in_one = memo(lambda n: ngettext("{n} locality in {country}", "{n} localities in {country}", n))
    in_several = memo(
        lambda n: ngettext(
            "{n} locality in {countries} countries, mostly {country}",
            "{n} localities in {countries} countries, mostly {country}",
            n,
        )
    )
    rows = []
    for x, y, n, countries, cell, iso3 in zip(
        lon[drawn].tolist(),
        lat[drawn].tolist(),
        counts[drawn].tolist(),
        clusters["countries"].astype(int).to_numpy()[drawn].tolist(),
        clusters["cell"].astype(float).to_numpy()[drawn].tolist(),
        clusters["iso3"].to_numpy(dtype=object)[drawn].tolist(),
        strict=True,
    ):
        iso3 = text(iso3, "")
        country = names.get(iso3, iso3)
        name = in_one(n) if countries == 1 else in_several(n)
        rows.append(
            {
                "position": [x, y],
                "lon": x,
                "lat": y,
                "name": name.format(n=count(n), countries=count(countries), country=country),
                "place": group_of.format(n=count(n)),
                "iso3": iso3,
                "pillar": "",
                "colour": colour,
                "radius": cluster_radius(n, largest, cell, y),
                "radius_deg": cell / 2 * math.sqrt(n / largest),
                "projects": square(cell),
                "title": narrow,
                "project_ids": [],
                "admin_level": "",
            }
        )
    return rows


def cluster_radius(n: int, largest: int, cell: float, lat: float) -> float:
    """A group's disc radius in metres. Its area follows its number of localities
    (square root), and the largest group's disc just fills its square, so discs keep
    to their own cells at every zoom instead of swamping their neighbours."""
    half_cell = cell / 2 * METRES_PER_DEGREE * math.cos(math.radians(lat))
    return round(half_cell * math.sqrt(n / largest), 1)


def cluster_caption(clusters: pd.DataFrame, located: int) -> str:
    """What the map shows when it groups localities, and how to see each place."""
    cell = cluster_cell(clusters) or 0.0
    return _(
        "**{located} localities with coordinates are more than the map draws one by one "
        "({most}):** dark discs group them in {cell}° squares — {groups} groups; a disc's "
        "area follows its number of localities (hover for it) and stays within its square: "
        "zoom in to compare them. Narrow the filters (a country, a region, a pillar…) to see "
        "each place."
    ).format(
        located=i18n.number(located),
        most=i18n.number(scale.MAX_LOCALITY_POINTS),
        cell=degrees(cell),
        groups=i18n.number(len(clusters)),
    )


def cluster_cell(clusters: pd.DataFrame | None) -> float | None:
    """The size in degrees of the squares grouping the localities; None when the map
    draws each locality (no groups)."""
    if clusters is None or clusters.empty:
        return None
    return float(clusters["cell"].iloc[0])


def cities_not_named(country: str) -> str:
    """Where a participant whose city the source does not name is drawn: its country."""
    return _("{country} (cities not named)").format(country=country)


def _country_namer(names: Mapping[str, str]) -> Callable[[str, str], str]:
    """(iso3, the row's English name) → the name shown: the row's own in English (the
    warehouse's), CLDR's in French or Spanish (`names` already holds them)."""
    if i18n.language() == i18n.DEFAULT_LANGUAGE:
        return lambda iso3, english: english
    return lambda iso3, english: names.get(iso3) or english


def arc_rows(participants: pd.DataFrame, names: Mapping[str, str] | None = None) -> list[dict]:
    """Arcs from each exchange's host city to its other participants.

    The participant end is its city when located, else its country's label point. Arcs
    whose ends are unknown (no host coordinates, country without a shape) are left out;
    the same host → participant pair over several exchanges is one arc listing them all.
    """
    if participants is None or participants.empty:
        return []
    points = label_points()
    names = names if names is not None else country_names(participants)
    roles = {code: theme.ROLE_LABELS[code] for code in theme.ROLE_LABELS}  # once per call
    unnamed, host_word = _("not named"), _("host")
    country_of = _country_namer(names)
    groups: dict[tuple, dict] = {}
    for row in participants.to_dict("records"):
        if text(row.get("role"), "") == "host":
            continue
        source = coords(row.get("host_lon"), row.get("host_lat"))
        city_point = coords(row.get("lon"), row.get("lat"))
        iso3 = text(row.get("iso3"), "")
        target = city_point or points.get(iso3)
        if source is None or target is None or source == target:
            continue
        country = country_of(iso3, text(row.get("country"), "") or names.get(iso3, ""))
        city = text(row.get("city"), "")
        if city_point is not None and city:
            target_name = f"{city} ({country})" if country else city
        else:
            target_name = cities_not_named(country) if country else unnamed
        host_iso3 = text(row.get("host_iso3"), "")
        host_country = names.get(host_iso3, host_iso3)
        host = text(row.get("host_city"), host_word)
        role = text(row.get("role"), "participant")
        group = groups.setdefault(
            (source, target, role),
            {
                "source": list(source),
                "target": list(target),
                "source_colour": rgba(role_colour("host"), 210),
                "target_colour": rgba(role_colour(role), 230),
                "role": roles.get(role, role),
                "role_code": role,
                "host": f"{host} ({host_country})" if host_country else host,
                "participant": target_name,
                "iso3": iso3,
                "host_iso3": host_iso3,
                "titles": [],
                "years": [],
                "exchange_ids": [],
            },
        )
        group["titles"].append(row.get("title"))
        group["years"].append(row.get("year"))
        group["exchange_ids"].append(row.get("exchange_id"))
    one_exchange = _("City-to-City exchange")
    rows = []
    for group in groups.values():
        titles = _unique(group.pop("titles"))
        years = _unique(group.pop("years"))
        exchanges = (
            one_exchange
            if len(titles) == 1
            else _("City-to-City exchanges ({n})").format(n=i18n.number(len(titles)))
        )
        rows.append(
            {
                **group,
                "name": f"{group['host']} → {group['participant']}",
                "country": group["participant"],
                "projects": exchanges
                + (f" · {', '.join(years)}" if years else "")
                + f" · {group['role']}",
                "title": " · ".join(titles),
                "exchange_ids": _unique(group["exchange_ids"]),
            }
        )
    return rows


def exchange_city_rows(
    participants: pd.DataFrame, names: Mapping[str, str] | None = None
) -> list[dict]:
    """Host cities, and participant cities (or country label points), coloured by role."""
    if participants is None or participants.empty:
        return []
    points = label_points()
    names = names if names is not None else country_names(participants)
    roles = {code: theme.ROLE_LABELS[code] for code in theme.ROLE_LABELS}  # once per call
    host_city = _("host city")
    country_of = _country_namer(names)
    groups: dict[tuple, dict] = {}

    def add(point, role, name, iso3, row):
        group = groups.setdefault(
            (point, role),
            {
                "position": list(point),
                "lon": point[0],
                "lat": point[1],
                "role_code": role,
                "role": roles.get(role, role),
                "colour": rgba(role_colour(role), 255),
                "name": name,
                "country": names.get(iso3, iso3),
                "iso3": iso3,
                "titles": [],
                "exchange_ids": [],
            },
        )
        group["titles"].append(row.get("title"))
        group["exchange_ids"].append(row.get("exchange_id"))

    for row in participants.to_dict("records"):
        host_iso3 = text(row.get("host_iso3"), "")
        host_point = coords(row.get("host_lon"), row.get("host_lat"))
        if host_point is not None:
            add(host_point, "host", text(row.get("host_city"), host_city), host_iso3, row)
        role = text(row.get("role"), "participant")
        if role == "host":
            continue
        iso3 = text(row.get("iso3"), "")
        country = country_of(iso3, text(row.get("country"), "") or names.get(iso3, iso3))
        city_point = coords(row.get("lon"), row.get("lat"))
        if city_point is not None:
            add(city_point, role, text(row.get("city"), "") or country, iso3, row)
        elif iso3 in points:
            add(points[iso3], role, cities_not_named(country), iso3, row)
    rows = []
    for group in groups.values():
        titles = _unique(group.pop("titles"))
        role = group["role_code"]
        n = len(titles)
        if role == "host":
            took = ngettext(
                "Hosted {n} City-to-City exchange", "Hosted {n} City-to-City exchanges", n
            )
        else:
            took = ngettext(
                "Took part in {n} City-to-City exchange",
                "Took part in {n} City-to-City exchanges",
                n,
            )
        rows.append(
            {
                **group,
                "projects": took.format(n=i18n.number(n))
                + ("" if role in ("host", "participant") else f" · {group['role']}"),
                "title": " · ".join(titles),
                "exchange_ids": _unique(group["exchange_ids"]),
            }
        )
    # hosts last so they draw on top of participants at the same place
    return sorted(rows, key=lambda r: r["role_code"] == "host")


def count_range(country_counts: pd.DataFrame | None) -> tuple[int, int]:
    """(fewest, most) projects a country has in the view, (1, 0) for none: the ends of
    the count ramp, one source for the map, its legend and the exported image."""
    return _ends(_count_lookup(country_counts))


def _ends(lookup: dict[str, dict]) -> tuple[int, int]:
    counts = [e["projects"] for e in lookup.values() if e["projects"] > 0]
    return (min(counts), max(counts)) if counts else (1, 0)


def _count_lookup(country_counts: pd.DataFrame | None) -> dict[str, dict]:
    if country_counts is None or country_counts.empty:
        return {}
    lookup: dict[str, dict] = {}
    for row in country_counts.to_dict("records"):
        iso3 = text(row.get("iso3"), "")
        if not iso3:
            continue
        entry = lookup.setdefault(iso3, {"projects": 0, "titles": []})
        entry["projects"] += int(number(row.get("projects")) or 0)
        entry["titles"] += [t for t in text(row.get("titles"), "").split(" · ") if t]
    return lookup


def choropleth_features(
    country_counts: pd.DataFrame | None,
    *,
    focus: str | None = None,
    highlight: Iterable[str] = (),
    names: Mapping[str, str] | None = None,
) -> list[dict]:
    """Country features with `count` (int), `fill`, `line` and tooltip fields joined in.

    Every country shape is returned (light grey when it has no project) so the world
    outline shows without a basemap; `highlight` colours the given countries instead.
    """
    lookup = _count_lookup(country_counts)
    names = names if names is not None else country_names(country_counts)
    highlight = set(highlight)
    min_count, max_count = _ends(lookup)
    nothing = _("No project in this view")
    features = []
    for feature in country_features():
        props = feature["properties"]
        iso3 = props["iso3"]
        if iso3 in SKIPPED_SHAPES:
            continue
        entry = lookup.get(iso3) or {}
        count = entry.get("projects", 0)
        name = names.get(iso3, props["name"])
        if highlight:
            fill = COUNT_RAMP[1] if iso3 in highlight else NO_PROJECT_FILL
        else:
            fill = count_colour(count, max_count, min_count)
        line, line_width = focus_line(fill) if iso3 == focus else (BORDER, 0.6)
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "iso3": iso3,
                    "name": name,
                    "region": props.get("region") or "",
                    "count": count,
                    "projects": projects_text(count) if count else nothing,
                    "title": " · ".join(_unique(entry.get("titles", []))),
                    "fill": rgba(fill, 255 if (count or iso3 in highlight) else 235),
                    "line": rgba(line, 255),
                    "line_width": line_width,
                    # the same tooltip fields as the other layers
                    "country": name,
                    "role": "",
                },
            }
        )
    return features


def legend_html(max_count: int, cell: float | None = None, min_count: int = 1) -> str:
    """The legend under the world map: the count ramp, pillar dots (or, when `cell` is
    given, the dark discs of grouped localities, which carry no pillar) and role rings
    (HTML; labels escaped). `min_count`, `max_count`: the ends of the count ramp."""
    swatch = "display:inline-block;vertical-align:middle;margin:0 4px 0 10px"
    ramp = "".join(
        f"<span style='{swatch};width:14px;height:14px;background:{colour};"
        f"border:1px solid #ccc'></span>{inert.html(label)}"
        for label, colour in count_legend(max_count, min_count)
    )
    pillars = "".join(
        f"<span style='{swatch};width:12px;height:12px;border-radius:50%;"
        f"background:{theme.PILLAR_COLOURS[p]}'></span>{inert.html(theme.PILLAR_SHORT[p])}"
        for p in theme.PILLAR_ORDER
    )
    roles = "".join(
        f"<span style='{swatch};width:10px;height:10px;border-radius:50%;background:white;"
        f"border:3px solid {theme.ROLE_COLOURS[r]}'></span>{inert.html(theme.ROLE_LABELS[r])}"
        for r in theme.ROLE_COLOURS
    )
    countries = _("<b>Countries</b> — projects in this view:{ramp}").format(ramp=ramp)
    localities = (
        "<div>"
        + _("<b>Localities</b> (filled dots) by pillar:{pillars}").format(pillars=pillars)
        + "</div>"
        if cell is None
        else _groups_legend(swatch, cell)
    )
    exchanges = _(
        "<b>City-to-City</b> (rings) by role:{roles}. Arcs run from the host city (dark end) "
        "to each participant; a participant whose city the source does not name is drawn "
        "at its country."
    ).format(roles=roles)
    return (
        "<div style='line-height:1.9;font-size:0.95rem'>"
        f"<div>{countries}</div>{localities}<div>{exchanges}</div></div>"
    )


def _groups_legend(swatch: str, cell: float) -> str:
    """The legend line of grouped localities: what a dark disc is and what its size says."""
    disc = (
        f"<span style='{swatch};width:12px;height:12px;border-radius:50%;"
        f"background:{CLUSTER_FILL}'></span>"
    )
    line = _(
        "<b>Locality groups</b> (dark discs{disc}): the localities within a {cell}° square, "
        "the disc's area by their number; no pillar colour, as a group mixes pillars. Zoom "
        "in to compare the discs."
    ).format(disc=disc, cell=degrees(cell))
    return f"<div>{line}</div>"
