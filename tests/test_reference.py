"""Reference data: country → ILO region table and country shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pycountry
import pytest
from shapely.geometry import Point, shape

from etl import reference
from etl.vocab import ILO_REGIONS

COMMITTED = Path(__file__).resolve().parents[1] / "data" / "reference"
FILES = ("country_regions.csv", "countries.geojson", "README.md")


@pytest.fixture(scope="module")
def regions() -> pd.DataFrame:
    return reference.build_country_regions()


@pytest.fixture(scope="module")
def shapes():
    return reference.build_country_shapes()


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reference")
    reference.write_reference(out)
    return out


def region_of(regions: pd.DataFrame, iso3: str) -> str:
    return regions.set_index("iso3").at[iso3, "region"]


def test_every_iso_country_has_exactly_one_region(regions):
    assert list(regions.columns) == ["iso3", "country", "region", "rule"]
    assert regions["iso3"].is_unique
    iso = {c.alpha_3 for c in pycountry.countries}
    assert iso <= set(regions["iso3"])
    # only documented extra codes besides ISO 3166-1
    assert set(regions["iso3"]) - iso == set(reference.EXTRA_CODES)
    placed = regions[~regions["iso3"].isin(reference.NO_ILO_REGION)]
    assert placed["region"].isin(ILO_REGIONS).all()
    assert placed["country"].str.len().gt(0).all()
    assert placed["rule"].str.len().gt(0).all()


def test_documented_territories_have_no_region_and_a_reason(regions):
    empty = regions[regions["region"] == ""]
    assert set(empty["iso3"]) == set(reference.NO_ILO_REGION)
    assert empty["rule"].str.startswith("No ILO region").all()


@pytest.mark.parametrize(
    ("region", "codes"),
    [
        ("Africa", ["EGY", "MAR", "MRT", "SDN"]),
        ("Arab States", ["LBN", "JOR", "SYR", "PSE", "YEM", "IRQ"]),
        ("Europe and Central Asia", ["KGZ", "TUR", "ISR", "GEO"]),
        ("Asia and the Pacific", ["IRN", "AFG", "FJI", "SLB", "PHL"]),
        ("Americas", ["CRI", "HTI", "BRA"]),
    ],
)
def test_spot_checks(regions, region, codes):
    assert {c: region_of(regions, c) for c in codes} == dict.fromkeys(codes, region)


def test_short_names(regions):
    names = regions.set_index("iso3")["country"]
    assert names["BOL"] == "Bolivia"
    assert names["RUS"] == "Russia"
    assert names["KOR"] == "South Korea"
    assert names["TUR"] == "Türkiye"


def test_france_and_norway_shapes_contain_their_capitals(shapes):
    by_iso = shapes.set_index("iso3").geometry
    assert by_iso["FRA"].contains(Point(2.35, 48.86))  # Paris
    assert by_iso["NOR"].contains(Point(10.75, 59.91))  # Oslo


def test_shapes_codes(shapes, regions):
    assert list(shapes.columns) == ["iso3", "name", "geometry", "label_lat", "label_lon"]
    assert shapes.crs.to_epsg() == 4326
    assert shapes["iso3"].is_unique
    assert not shapes["iso3"].eq("-99").any()
    assert set(shapes["iso3"]) <= set(regions["iso3"])
    # merged pieces are gone, not duplicated
    assert not shapes["name"].isin(["N. Cyprus", "Somaliland"]).any()


def test_committed_geojson_is_valid_and_labels_inside():
    fc = json.loads((COMMITTED / "countries.geojson").read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection"
    for feature in fc["features"]:
        props = feature["properties"]
        assert list(props) == ["iso3", "name", "label_lat", "label_lon", "region"]
        geom = shape(feature["geometry"])
        assert geom.is_valid, props["iso3"]
        assert geom.contains(Point(props["label_lon"], props["label_lat"])), props["iso3"]


def test_committed_csv_is_readable(regions):
    committed = pd.read_csv(
        COMMITTED / "country_regions.csv", dtype=str, keep_default_na=False, encoding="utf-8"
    )
    pd.testing.assert_frame_equal(committed, regions.astype(str), check_dtype=False)


@pytest.mark.parametrize("name", FILES)
def test_committed_files_equal_fresh_rebuild(rebuilt, name):
    committed = (COMMITTED / name).read_bytes()
    assert b"\r\n" not in committed
    assert committed == (rebuilt / name).read_bytes(), (
        f"data/reference/{name} is stale: run `python -m etl reference`"
    )
