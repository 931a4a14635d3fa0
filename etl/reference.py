"""Reference data: country → ILO region table and country shapes.

Everything here is derived offline from data that ships inside installed packages, so
`python -m etl reference` (→ `write_reference(Path("data/reference"))`) rebuilds the
committed files byte for byte.

ILO regions. The ILO groups its member States by the regional office that covers them.
What is commonly documented about that coverage (ILO regional office pages, ILOSTAT
regional groupings) and used below:

- ILO Regional Office for Arab States (Beirut) covers Bahrain, Iraq, Jordan, Kuwait,
  Lebanon, Oman, Qatar, Saudi Arabia, Syria, the United Arab Emirates and Yemen, plus
  the occupied Palestinian territory. The Arab countries of North Africa (Algeria,
  Egypt, Libya, Mauritania, Morocco, Sudan, Tunisia) are covered from Africa.
- ILO Regional Office for Europe and Central Asia (Geneva) covers Europe, the Central
  Asian republics (Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan), the
  South Caucasus (Armenia, Azerbaijan, Georgia), Cyprus, Israel and Türkiye.
- ILO Regional Office for Asia and the Pacific (Bangkok) covers the rest of Asia
  (including Iran and Afghanistan) and the Pacific.
- ILO Regional Office for Africa (Abidjan) covers Africa; ILO Regional Office for Latin
  America and the Caribbean (Lima) and the US/Canada offices cover the Americas.

Everything not named in those lists follows the UN M49 region of the country (via the
`UNregion` sub-region column of country_converter's data).
"""

from __future__ import annotations

import json
from pathlib import Path

import country_converter as coco
import geopandas as gpd
import pandas as pd
import pycountry
import pyogrio
import shapely

from etl.vocab import ILO_REGIONS

AFRICA, AMERICAS, ARAB_STATES, ASIA_PACIFIC, EUROPE_CENTRAL_ASIA = ILO_REGIONS

# ILO Regional Office for Arab States (Beirut): 11 member States + occupied Palestinian
# territory.
ILO_ARAB_STATES: tuple[str, ...] = (
    "BHR",  # Bahrain
    "IRQ",  # Iraq
    "JOR",  # Jordan
    "KWT",  # Kuwait
    "LBN",  # Lebanon
    "OMN",  # Oman
    "PSE",  # occupied Palestinian territory
    "QAT",  # Qatar
    "SAU",  # Saudi Arabia
    "SYR",  # Syria
    "ARE",  # United Arab Emirates
    "YEM",  # Yemen
)
# Arab League members in UN M49 Africa that the ILO covers from Africa (kept for the
# rule text only: UN M49 already puts them in Africa).
ILO_NORTH_AFRICAN_ARAB_IN_AFRICA: tuple[str, ...] = (
    "DZA",
    "EGY",
    "LBY",
    "MAR",
    "MRT",
    "SDN",
    "TUN",
)
# ILO Regional Office for Europe and Central Asia: UN M49 Europe plus these.
ILO_CENTRAL_ASIA: tuple[str, ...] = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
ILO_WESTERN_ASIA_IN_EUROPE: tuple[str, ...] = (
    "ARM",  # Armenia
    "AZE",  # Azerbaijan
    "GEO",  # Georgia
    "CYP",  # Cyprus
    "ISR",  # Israel
    "TUR",  # Türkiye
)
# ISO 3166-1 entries no ILO regional office covers (uninhabited or Antarctic
# territories): region left empty. Value = the reason written in `rule`.
NO_ILO_REGION: dict[str, str] = {
    "ATA": "No ILO region: Antarctica (Antarctic Treaty area)",
    "ATF": "No ILO region: French Southern Territories, no permanent population",
    "BVT": "No ILO region: Bouvet Island, uninhabited",
    "HMD": "No ILO region: Heard Island and McDonald Islands, uninhabited",
    "SGS": "No ILO region: South Georgia and the South Sandwich Islands, no permanent population",
    "UMI": "No ILO region: US Minor Outlying Islands, no permanent population",
}
# Codes outside ISO 3166-1 that are added to the table because a shape uses them.
EXTRA_CODES: dict[str, str] = {
    "XKX": "Kosovo: user-assigned code, not in ISO 3166-1; has a Natural Earth shape",
}

# UN M49 sub-region (country_converter `UNregion`) → UN M49 region.
M49_SUBREGION_TO_REGION: dict[str, str] = {
    "Northern Africa": "Africa",
    "Eastern Africa": "Africa",
    "Middle Africa": "Africa",
    "Southern Africa": "Africa",
    "Western Africa": "Africa",
    "Caribbean": "Americas",
    "Central America": "Americas",
    "South America": "Americas",
    "Northern America": "Americas",
    "Central Asia": "Asia",
    "Eastern Asia": "Asia",
    "South-eastern Asia": "Asia",
    "Southern Asia": "Asia",
    "Western Asia": "Asia",
    "Eastern Europe": "Europe",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Western Europe": "Europe",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
}

# Natural Earth low-res countries (public domain) shipped as a pyogrio test fixture.
NATURAL_EARTH_LOWRES = (
    Path(pyogrio.__file__).parent / "tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp"
)
# Natural Earth rows whose iso_a3 is "-99", fixed from the `name` column:
# name → (iso3 to use, why). Rows mapped to an iso3 that already has a shape are
# merged (geometry union) into it and keep that shape's name.
NATURAL_EARTH_FIXES: dict[str, tuple[str, str]] = {
    "France": ("FRA", "iso_a3 is -99 in Natural Earth (ISO code is FRA)"),
    "Norway": ("NOR", "iso_a3 is -99 in Natural Earth (ISO code is NOR)"),
    "Kosovo": ("XKX", "no ISO 3166-1 code; user-assigned XKX kept as its own shape"),
    "N. Cyprus": ("CYP", "merged into Cyprus (ISO 3166-1 and the UN count it as Cyprus)"),
    "Somaliland": ("SOM", "merged into Somalia (ISO 3166-1 and the UN count it as Somalia)"),
}
# Equal-area CRS used only to pick each shape's largest part for the label point.
EQUAL_AREA_CRS = "EPSG:8857"  # WGS 84 / Equal Earth Greenwich
# Grid the shapes are snapped to (degrees); also the decimals written to GeoJSON.
COORD_DECIMALS = 3

_README = """\
# Reference data (generated — do not edit by hand)

Regenerate with:

    python -m etl reference

(which calls `etl.reference.write_reference(Path("data/reference"))`). The build is
offline and deterministic: it reads only data shipped inside installed packages.
`tests/test_reference.py` checks that these files equal a fresh rebuild.

## `country_regions.csv`

One row per ISO 3166-1 country or territory ({n_iso} entries from pycountry
{pycountry_version}) plus codes outside ISO 3166-1 that a shape needs, sorted by `iso3`;
UTF-8, LF. Extra codes:

{extra}

| column | meaning |
|---|---|
| `iso3` | ISO 3166-1 alpha-3 code (or an extra code above) |
| `country` | short English name: country_converter `name_short` (e.g. Bolivia, Russia, Türkiye) |
| `region` | ILO region ({regions}); empty when no ILO regional office covers the territory |
| `rule` | which rule placed the row |

Rules, applied in this order:

1. Territories no ILO regional office covers → region empty:
   {no_region}.
2. ILO Regional Office for Arab States (Beirut) → Arab States:
   {arab}.
3. ILO Regional Office for Europe and Central Asia → Europe and Central Asia:
   Central Asia ({central_asia}) and {western_asia_eur}.
4. Otherwise the UN M49 region, derived from the UN M49 sub-region (`UNregion`) in
   country_converter {coco_version}'s data:
   - Africa → Africa (the North African Arab countries {north_africa} stay in Africa);
   - Americas (incl. the Caribbean) → Americas;
   - Europe → Europe and Central Asia;
   - rest of Asia (incl. Iran, Afghanistan) and all of Oceania → Asia and the Pacific.

Rows per region: {counts}.

## `countries.geojson`

RFC 7946 GeoJSON FeatureCollection (WGS 84 lon/lat, counter-clockwise exterior rings),
one feature per line, sorted by `iso3`. Source: Natural Earth 1:110m admin-0 countries
("naturalearth_lowres", the copy shipped in the pyogrio {pyogrio_version} wheel as a test
fixture). Geometries are snapped to a {grid}° grid (`shapely.set_precision`, which keeps
them valid) and written with {decimals} decimals; no other simplification.

Properties: `iso3`, `name` (Natural Earth `name`), `label_lat`, `label_lon` (a point
inside the shape's largest polygon by area, from `shapely` `representative_point`, for
use as the country centroid on maps; {label_decimals} decimals), `region` (from
`country_regions.csv`; null when empty).

Fixes to Natural Earth (rows whose `iso_a3` is `-99`, matched on `name`):

{fixes}

Known limitations of the source: France's shape includes French Guiana and Norway's
includes Svalbard (their labels sit in mainland Europe); Natural Earth 1:110m has no
shapes for most small island states and territories (they are in the CSV but not in
the GeoJSON).

## Licences

- Natural Earth: public domain (https://www.naturalearthdata.com/about/terms-of-use/).
- ISO 3166-1 codes and names via pycountry: LGPL-2.1.
- country_converter (GPL-3.0): only its data (`name_short`, `UNregion`) was used to
  derive the table; no code of it is redistributed here.
"""


def _coco_converter() -> coco.CountryConverter:
    """country_converter with its shipped data read safely.

    country_converter 1.3's own loader breaks under pandas 3 (ISO2 "NA" for Namibia and
    empty cells become NaN and crash its regex compilation), so the same TSV is read here
    with NA detection limited to empty cells and handed over as a DataFrame.
    """
    data = pd.read_csv(
        coco.country_converter.COUNTRY_DATA_FILE,
        sep="\t",
        encoding="utf-8",
        dtype=str,
        keep_default_na=False,
        na_values=[""],
    )
    return coco.CountryConverter(country_data=data)


def _iso_codes() -> list[str]:
    return sorted(c.alpha_3 for c in pycountry.countries)


def _place(iso3: str, m49_subregion: str | None) -> tuple[str, str]:
    """Return (ILO region or "", rule) for one code."""
    if iso3 in NO_ILO_REGION:
        return "", NO_ILO_REGION[iso3]
    if iso3 in ILO_ARAB_STATES:
        return ARAB_STATES, "ILO Arab States list"
    if iso3 in ILO_CENTRAL_ASIA:
        return EUROPE_CENTRAL_ASIA, "ILO: Central Asia in Europe and Central Asia"
    if iso3 in ILO_WESTERN_ASIA_IN_EUROPE:
        return (
            EUROPE_CENTRAL_ASIA,
            "ILO: South Caucasus, Cyprus, Israel, Türkiye in Europe and Central Asia",
        )
    m49 = M49_SUBREGION_TO_REGION.get(m49_subregion or "")
    if m49 is None:
        raise ValueError(f"{iso3}: no UN M49 region (UNregion={m49_subregion!r}) and no rule")
    sub = f"UN M49 {m49} ({m49_subregion})"
    if m49 == "Africa":
        if iso3 in ILO_NORTH_AFRICAN_ARAB_IN_AFRICA:
            return AFRICA, f"{sub}; ILO: North African Arab country stays in Africa"
        return AFRICA, sub
    if m49 == "Americas":
        return AMERICAS, sub
    if m49 == "Europe":
        return EUROPE_CENTRAL_ASIA, sub
    return ASIA_PACIFIC, f"{sub} → Asia and the Pacific"


def build_country_regions() -> pd.DataFrame:
    """ISO 3166-1 countries (plus EXTRA_CODES) with short name, ILO region and rule."""
    codes = _iso_codes() + sorted(set(EXTRA_CODES) - set(_iso_codes()))
    cc = _coco_converter()
    names = cc.convert(codes, src="ISO3", to="name_short", not_found=None, enforce_list=True)
    data = cc.data.set_index("ISO3")
    rows = []
    for iso3, name in zip(codes, names, strict=True):
        if len(name) != 1 or name[0] == iso3:
            # not in country_converter: fall back to pycountry
            c = pycountry.countries.get(alpha_3=iso3)
            if c is None:
                raise ValueError(f"{iso3}: unknown to both country_converter and pycountry")
            country = getattr(c, "common_name", None) or c.name
        else:
            country = name[0]
        sub = data.at[iso3, "UNregion"] if iso3 in data.index else None
        sub = None if pd.isna(sub) else str(sub)
        region, rule = _place(iso3, sub)
        if iso3 in EXTRA_CODES:
            rule = f"{rule}; {EXTRA_CODES[iso3]}"
        rows.append((iso3, country, region, rule))
    df = pd.DataFrame(rows, columns=["iso3", "country", "region", "rule"])
    return df.sort_values("iso3", ignore_index=True)


def build_country_shapes() -> gpd.GeoDataFrame:
    """Natural Earth low-res country shapes keyed by iso3, with a label point inside."""
    raw = gpd.read_file(NATURAL_EARTH_LOWRES)
    raw = raw.to_crs("EPSG:4326")
    iso3 = raw["iso_a3"].astype(str)
    # `name` of the row a merged piece joins; pieces keep the target shape's name
    names = raw["name"].astype(str)
    for ne_name, (code, _why) in NATURAL_EARTH_FIXES.items():
        hit = names == ne_name
        if hit.sum() != 1:
            raise ValueError(f"Natural Earth fix {ne_name!r} matched {hit.sum()} rows")
        iso3 = iso3.mask(hit, code)
    if (iso3 == "-99").any():
        left = sorted(names[iso3 == "-99"])
        raise ValueError(f"Natural Earth rows with iso_a3 -99 and no fix: {left}")
    merged_away = {n for n, (code, _) in NATURAL_EARTH_FIXES.items() if (iso3 == code).sum() > 1}
    gdf = gpd.GeoDataFrame(
        {"iso3": iso3, "name": names, "primary": ~names.isin(merged_away)},
        geometry=raw.geometry,
        crs="EPSG:4326",
    )
    rows = []
    for code, group in gdf.groupby("iso3", sort=True):
        primary = group[group["primary"]]
        if len(primary) != 1:
            raise ValueError(f"{code}: {len(primary)} primary Natural Earth rows")
        geom = shapely.union_all(group.geometry.to_numpy())
        geom = shapely.set_precision(geom, 10.0**-COORD_DECIMALS)
        geom = shapely.orient_polygons(geom, exterior_cw=False)
        rows.append((code, primary["name"].iloc[0], geom))
    out = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=["iso3", "name", "geometry"]),
        geometry="geometry",
        crs="EPSG:4326",
    )
    label = _main_part(out.geometry).representative_point()
    out["label_lat"] = label.y.round(COORD_DECIMALS + 1)
    out["label_lon"] = label.x.round(COORD_DECIMALS + 1)
    return out[["iso3", "name", "geometry", "label_lat", "label_lon"]]


def _main_part(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Largest polygon of each shape by true area (equal-area projection).

    The label point is taken inside it, so Norway's falls on the mainland rather than
    Svalbard and France's in Europe rather than French Guiana.
    """
    parts = geoms.explode(index_parts=True)
    area = parts.to_crs(EQUAL_AREA_CRS).area.to_numpy()
    order = pd.DataFrame({"shape": parts.index.get_level_values(0), "area": area})
    best = order.reset_index(drop=True).groupby("shape", sort=False)["area"].idxmax()
    largest = parts.iloc[best.loc[geoms.index].to_numpy()]
    return gpd.GeoSeries(largest.to_numpy(), index=geoms.index, crs=geoms.crs)


def _round_coords(obj, ndigits: int):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], float | int):
            return [round(float(v), ndigits) + 0.0 for v in obj]  # + 0.0 drops -0.0
        return [_round_coords(o, ndigits) for o in obj]
    return obj


def _geojson_text(shapes: gpd.GeoDataFrame, regions: pd.DataFrame) -> str:
    region_of = dict(zip(regions["iso3"], regions["region"], strict=True))
    lines = []
    for row in shapes.sort_values("iso3").itertuples(index=False):
        geom = shapely.geometry.mapping(row.geometry)
        feature = {
            "type": "Feature",
            "properties": {
                "iso3": row.iso3,
                "name": row.name,
                "label_lat": float(row.label_lat),
                "label_lon": float(row.label_lon),
                "region": region_of.get(row.iso3) or None,
            },
            "geometry": {
                "type": geom["type"],
                "coordinates": _round_coords(geom["coordinates"], COORD_DECIMALS),
            },
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def _readme_text(regions: pd.DataFrame) -> str:
    counts = regions["region"].replace("", "(none)").value_counts()
    order = [*ILO_REGIONS, "(none)"]
    fixes = "\n".join(
        f"- `{name}` → `{code}`: {why}." for name, (code, why) in NATURAL_EARTH_FIXES.items()
    )
    return _README.format(
        n_iso=len(pycountry.countries),
        pycountry_version=_version("pycountry"),
        n_extra=len(EXTRA_CODES),
        extra="\n".join(f"- `{k}`: {v}." for k, v in EXTRA_CODES.items()),
        regions="; ".join(ILO_REGIONS),
        no_region=", ".join(sorted(NO_ILO_REGION)),
        arab=", ".join(ILO_ARAB_STATES),
        central_asia=", ".join(ILO_CENTRAL_ASIA),
        western_asia_eur=", ".join(ILO_WESTERN_ASIA_IN_EUROPE),
        north_africa=", ".join(ILO_NORTH_AFRICAN_ARAB_IN_AFRICA),
        coco_version=coco.__version__,
        pyogrio_version=pyogrio.__version__,
        counts="; ".join(f"{r} {int(counts.get(r, 0))}" for r in order),
        grid=10.0**-COORD_DECIMALS,
        decimals=COORD_DECIMALS,
        label_decimals=COORD_DECIMALS + 1,
        fixes=fixes,
    )


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


def write_reference(out_dir: Path) -> None:
    """Write country_regions.csv, countries.geojson and README.md into out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    regions = build_country_regions()
    shapes = build_country_shapes()
    missing = sorted(set(shapes["iso3"]) - set(regions["iso3"]))
    if missing:
        raise ValueError(f"shapes without a country_regions row: {missing}")
    (out_dir / "country_regions.csv").write_text(
        regions.to_csv(index=False, lineterminator="\n"), encoding="utf-8", newline="\n"
    )
    (out_dir / "countries.geojson").write_text(
        _geojson_text(shapes, regions), encoding="utf-8", newline="\n"
    )
    (out_dir / "README.md").write_text(_readme_text(regions), encoding="utf-8", newline="\n")
