"""A generated inventory in the catalogue template's format, for benchmarks and scale
tests (`python -m etl synth N --out DIR [--seed S]`). Never committed as catalogue.

It looks like what researchers load: country names in English, French and Spanish and
ISO3 codes, pillar codes and labels in mixed spellings, phases, ongoing projects,
counts with qualifiers, typed partners, localities with coordinates (some without),
programmes with a region and no country, and exchanges with participants and
follow-ups. The same seed gives the same files, byte for byte; its `about.csv` says
`synthetic,true`, so the warehouse built from it says so and the app shows a banner.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import numpy as np

from etl import vocab
from etl.countries import REFERENCE_DIR, country_table, iso_translations, resolve_country
from etl.normalise import BadValue

AS_OF_YEAR = 2024
TOPICS = (
    "child labour", "informal economy", "youth employment", "local economic development",
    "social dialogue", "green jobs", "tourism", "cooperatives", "migration",
    "skills development", "social protection", "gender equality", "waste management",
    "urban upgrading", "value chains", "occupational safety and health", "agriculture",
    "formalization", "infrastructure", "disaster recovery",
)  # fmt: skip
GROUPS = (
    "youth", "women", "children", "farmers", "informal workers", "local authorities",
    "migrant workers", "cooperative members", "enterprises", "families",
)  # fmt: skip
PARTNERS = (
    ("UN-Habitat", "un_agency"), ("UNDP", "un_agency"), ("UNICEF", "un_agency"),
    ("European Union", "donor"), ("Government of Spain", "donor"), ("SIDA", "donor"),
    ("Ministry of Labour", "government"), ("Municipal council", "local_government"),
    ("National employers' federation", "employers"), ("Trade union confederation", "workers"),
    ("UCLG", "city_network"), ("University partner", "academic"), ("Local NGO", "ngo"),
)  # fmt: skip
# How curators write pillars: codes, labels and accepted aliases, in any case.
PILLAR_SPELLINGS = (
    *vocab.PILLARS, *vocab.PILLARS.values(), "Rights at work", "FPRW", "EMPLOYMENT",
    "Employment creation", "Social Protection", "social dialogue", "Dialogue",
)  # fmt: skip
REGION_SPELLINGS = (
    "Africa", "Americas", "Latin America and the Caribbean", "Asia", "Arab States",
    "Europe and Central Asia", "Asia and the Pacific",
)  # fmt: skip
QUALIFIERS = ("", "", "", "about ", "at least ", "more than ", "up to ", "target ")
PROJECT_COLUMNS = [
    "project_id", "title", "record_type", "countries", "region", "start_year", "end_year",
    "phases", "pillar", "topics", "beneficiary_groups", "beneficiaries",
    "beneficiaries_count", "partners", "summary", "source_ref",
]  # fmt: skip
LOCALITY_COLUMNS = ["project_id", "name", "iso3", "admin_level", "lat", "lon", "coord_note"]
EXCHANGE_COLUMNS = [
    "exchange_id", "title", "host_city", "host_iso3", "host_lat", "host_lon", "start_date",
    "end_date", "kind", "status", "follows", "topics", "outcome", "outcome_types", "source_ref",
]  # fmt: skip
PARTICIPANT_COLUMNS = ["exchange_id", "iso3", "city", "role", "lat", "lon"]


@cache
def country_pool() -> tuple[tuple[str, tuple[str, ...], tuple[float, float] | None], ...]:
    """(ISO3, the ways a curator may write it, a point inside it or None) for every
    country with an ILO region: its ISO3 code and its English, French and Spanish ISO
    names — each kept only when the ETL reads it back as that country."""
    import pycountry

    translations = iso_translations()
    points = _country_points()
    table = country_table()
    pool = []
    for iso3 in sorted(table.index[table["region"] != ""]):
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None:
            continue
        names = [iso3, country.name, *(t.gettext(country.name) for t in translations)]
        readable = []
        for name in dict.fromkeys(names):
            try:
                if resolve_country(name) == iso3:
                    readable.append(name)
            except BadValue:
                pass
        pool.append((iso3, tuple(readable), points.get(iso3)))
    return tuple(pool)


def _country_points() -> dict[str, tuple[float, float]]:
    """The centre of each country's largest polygon's bounding box (Natural Earth)."""
    shapes = json.loads((REFERENCE_DIR / "countries.geojson").read_text(encoding="utf-8"))
    points = {}
    for feature in shapes["features"]:
        iso3 = (feature.get("properties") or {}).get("iso3")
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        rings = [p[0] for p in polygons if p and p[0]]
        if not iso3 or not rings:
            continue
        ring = max(rings, key=len)
        lons, lats = [c[0] for c in ring], [c[1] for c in ring]
        points[iso3] = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    return points


def _write(path: Path, columns: list[str], rows: Iterator[list]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def _number(value: int) -> str:
    return f"{value:,}" if value >= 10_000 else str(value)


def synthesize(
    n_projects: int, out: Path, *, seed: int = 1, progress: Callable[[str], None] = print
) -> dict[str, int]:
    """Write a catalogue of `n_projects` generated projects (and about one exchange per
    200 projects, at least 20 and at most 5,000) into `out`; returns the rows per file."""
    if n_projects < 1:
        raise ValueError("give at least one project")
    rng = np.random.default_rng(seed)
    pool = country_pool()
    out.mkdir(parents=True, exist_ok=True)
    counts = {}

    # draws for every project at once (vectorised), then one pass writing rows
    n = n_projects
    is_programme = rng.random(n) < 0.03
    n_countries = rng.choice([1, 2, 3], size=n, p=[0.75, 0.18, 0.07])
    countries = rng.integers(0, len(pool), size=(n, 3))
    spelling = rng.integers(0, 4, size=(n, 3))
    start = rng.integers(1995, AS_OF_YEAR + 1, size=n)
    no_years = rng.random(n) < 0.03
    ongoing = rng.random(n) < 0.1
    no_end = rng.random(n) < 0.04
    length = rng.integers(0, 9, size=n)
    phased = (rng.random(n) < 0.12) & (length >= 3)
    pillar = rng.integers(0, len(PILLAR_SPELLINGS), size=n)
    topics = rng.integers(0, len(TOPICS), size=(n, 3))
    n_topics = rng.integers(1, 4, size=n)
    groups = rng.integers(0, len(GROUPS), size=(n, 2))
    n_groups = rng.integers(1, 3, size=n)
    counted = rng.random(n) < 0.4
    count_value = rng.integers(10, 2_000_000, size=n)
    qualifier = rng.integers(0, len(QUALIFIERS), size=n)
    partners = rng.integers(0, len(PARTNERS), size=(n, 2))
    n_partners = rng.choice([0, 1, 2], size=n, p=[0.4, 0.4, 0.2])
    n_places = rng.choice([0, 1, 2, 3, 4], size=n, p=[0.25, 0.3, 0.25, 0.12, 0.08])
    region = rng.integers(0, len(REGION_SPELLINGS), size=n)

    def project_rows() -> Iterator[list]:
        for i in range(n):
            if i and i % 200_000 == 0:
                progress(f"{i:,} projects")
            if is_programme[i]:
                where, region_text = "", REGION_SPELLINGS[region[i]]
            else:
                chosen = dict.fromkeys(countries[i, : n_countries[i]])
                where = "; ".join(
                    pool[c][1][spelling[i, k] % len(pool[c][1])] for k, c in enumerate(chosen)
                )
                region_text = ""
            s = int(start[i])
            e = min(s + int(length[i]), AS_OF_YEAR + 6)
            if no_years[i]:
                years = ["", "", ""]
            elif ongoing[i]:
                mid = s + int(length[i]) // 2
                phases = f"Phase 1: {s}-{mid}; Phase 2: {mid + 1}-ongoing" if phased[i] else ""
                years = [s, "ongoing", phases]
            elif no_end[i]:
                years = [s, "", ""]
            else:
                mid = s + (e - s) // 2
                phases = f"Phase 1: {s}-{mid}; Phase 2: {mid + 1}-{e}" if phased[i] else ""
                years = [s, e, phases]
            chosen_groups = list(dict.fromkeys(GROUPS[g] for g in groups[i, : n_groups[i]]))
            stated = (
                f"{chosen_groups[0]}: {QUALIFIERS[qualifier[i]]}{_number(int(count_value[i]))}"
                if counted[i]
                else ""
            )
            yield [
                f"syn-{i:07d}",
                f"Synthetic project {i:,}: {TOPICS[topics[i, 0]]} with local authorities",
                "programme" if is_programme[i] else "project",
                where,
                region_text,
                *years,
                PILLAR_SPELLINGS[pillar[i]],
                "; ".join(dict.fromkeys(TOPICS[t] for t in topics[i, : n_topics[i]])),
                "; ".join(chosen_groups),
                "Generated for benchmarks.",
                stated,
                "; ".join(
                    f"{PARTNERS[p][0]} [{PARTNERS[p][1]}]"
                    for p in dict.fromkeys(partners[i, : n_partners[i]])
                ),
                "Synthetic record (etl synth); not an ILO project.",
                "synthetic",
            ]

    progress(f"writing {n:,} projects")
    counts["projects"] = _write(out / "projects.csv", PROJECT_COLUMNS, project_rows())

    jitter = rng.uniform(-0.5, 0.5, size=(n, 4, 2))
    unlocated = rng.random((n, 4)) < 0.08

    def locality_rows() -> Iterator[list]:
        for i in range(n):
            if is_programme[i]:
                continue
            iso3, _, point = pool[countries[i, 0]]
            for k in range(n_places[i]):
                lat = lon = ""
                if point is not None and not unlocated[i, k]:
                    lat = round(point[0] + jitter[i, k, 0], 5)
                    lon = round(point[1] + jitter[i, k, 1], 5)
                note = "synthetic point near the country's centre" if lat != "" else ""
                level = vocab.ADMIN_LEVELS[k % len(vocab.ADMIN_LEVELS)]
                yield [f"syn-{i:07d}", f"Locality {i}-{k + 1}", iso3, level, lat, lon, note]

    progress("writing localities")
    counts["localities"] = _write(out / "localities.csv", LOCALITY_COLUMNS, locality_rows())

    m = min(5000, max(20, n // 200))  # a small catalogue still has a few to draw
    hosts = rng.integers(0, len(pool), size=m)
    years = rng.integers(2005, AS_OF_YEAR + 2, size=m)
    months = rng.integers(1, 13, size=m)
    days = rng.integers(1, 26, size=m)
    precision = rng.choice(["year", "month", "day"], size=m, p=[0.2, 0.4, 0.4])
    follows = rng.random(m) < 0.2
    kinds = rng.integers(0, len(vocab.EXCHANGE_KINDS), size=m)
    outcome = rng.integers(0, len(vocab.OUTCOME_TYPES), size=m)
    n_participants = rng.integers(1, 5, size=m)
    guests = rng.integers(0, len(pool), size=(m, 4))
    roles = rng.integers(1, len(vocab.PARTICIPANT_ROLES), size=(m, 4))

    def when(j: int) -> tuple[str, str]:
        y, mo, d = int(years[j]), int(months[j]), int(days[j])
        if precision[j] == "year":
            return str(y), ""
        if precision[j] == "month":
            return f"{y}-{mo:02d}", ""
        return f"{y}-{mo:02d}-{d:02d}", f"{y}-{mo:02d}-{d + 3:02d}"

    def exchange_rows() -> Iterator[list]:
        for j in range(m):
            iso3, names, point = pool[hosts[j]]
            start_date, end_date = when(j)
            lat, lon = (round(point[0], 5), round(point[1], 5)) if point else ("", "")
            yield [
                f"syn-x{j:05d}",
                f"Synthetic peer learning {j + 1}",
                f"City {j + 1}",
                names[j % len(names)],
                lat,
                lon,
                start_date,
                end_date,
                vocab.EXCHANGE_KINDS[kinds[j]],
                "planned" if int(years[j]) > AS_OF_YEAR else "held",
                f"syn-x{j - 1:05d}" if follows[j] and j else "",
                "; ".join(TOPICS[(j + k) % len(TOPICS)] for k in range(2)),
                "A roadmap agreed by the cities" if outcome[j] == 0 else "",
                vocab.OUTCOME_TYPES[outcome[j]],
                "synthetic",
            ]

    def participant_rows() -> Iterator[list]:
        for j in range(m):
            iso3, _, point = pool[hosts[j]]
            lat, lon = (round(point[0], 5), round(point[1], 5)) if point else ("", "")
            yield [f"syn-x{j:05d}", iso3, f"City {j + 1}", "host", lat, lon]
            for k in range(n_participants[j]):
                guest, _, _ = pool[guests[j, k]]
                city = f"Guest city {j + 1}-{k + 1}" if k % 2 == 0 else ""
                yield [f"syn-x{j:05d}", guest, city,
                       vocab.PARTICIPANT_ROLES[roles[j, k]], "", ""]  # fmt: skip

    progress(f"writing {m:,} exchanges")
    counts["exchanges"] = _write(out / "exchanges.csv", EXCHANGE_COLUMNS, exchange_rows())
    counts["exchange_participants"] = _write(
        out / "exchange_participants.csv", PARTICIPANT_COLUMNS, participant_rows()
    )
    about = [
        ["source", f"SYNTHETIC inventory: {n:,} generated projects (etl synth, seed {seed})"],
        ["synthetic", "true"],
        ["as_of_year", str(AS_OF_YEAR)],
    ]
    counts["about"] = _write(out / "about.csv", ["key", "value"], iter(about))
    return counts
