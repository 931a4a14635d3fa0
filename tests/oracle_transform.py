"""The row-by-row transform the ETL had until issue 8, kept as a test oracle.

The ETL now works on whole columns (etl/validate.py, etl/transform.py); tests run both
on the same catalogues and require the same problems and the same warehouse tables.
Do not use it in the product.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from oracle_validate import Catalogue

from etl import SCHEMA_VERSION, vocab
from etl.countries import country_name, country_region, country_table
from etl.normalise import fold
from etl.transform import (  # pure rules unchanged by issue 8: shared, not copied
    TABLE_TYPES,
    active_years,
    drawn_to_year,
    one_spelling,
    project_status,
)


def _respelled(rows: list[dict], column: str, spelling: dict[str, str], key: str) -> list[dict]:
    """`rows` with `column` in its one spelling; a record naming two spellings keeps one."""
    seen: set[tuple] = set()
    out = []
    for row in rows:
        row = {**row, column: spelling[row[column]]}
        if (row[key], row[column]) not in seen:
            seen.add((row[key], row[column]))
            out.append(row)
    return out


def _frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """A DataFrame with exactly these columns and pandas nullable dtypes."""
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.astype(columns)


def build_tables(
    catalogue: Catalogue,
    *,
    source: str,
    synthetic: bool = False,
    extra_meta: dict[str, str] | None = None,
) -> dict:
    """Every warehouse table as a DataFrame, keyed by table name."""
    as_of_year = int(catalogue.about.get("as_of_year") or datetime.now(UTC).year)
    projects, countries, years, phases = [], [], [], []
    topics, beneficiaries, counts, partners = [], [], [], []
    for p in catalogue.projects:
        pid = p["project_id"]
        projects.append(
            {
                **{k: p[k] for k in ("project_id", "title", "record_type", "pillar")},
                "pillar_label": vocab.PILLARS[p["pillar"]],
                "start_year": p["start_year"],
                "end_year": p["end_year"],
                "ongoing": p["ongoing"],
                # the last year it is active (its last phase's, when it has phases)
                "drawn_to_year": max(
                    (year for year, _label in active_years(p, as_of_year)), default=None
                ),
                "status": project_status(p["start_year"], p["end_year"], p["ongoing"], as_of_year),
                "region": p["region"],
                "countries": "; ".join(country_name(c) for c in p["countries"]) or None,
                **{
                    k: p[k]
                    for k in (
                        "summary",
                        "outcomes",
                        "replication",
                        "beneficiaries",
                        "source_ref",
                        "source_url",
                        "notes",
                    )
                },
            }
        )
        countries += [
            {"project_id": pid, "iso3": c, "country": country_name(c), "region": country_region(c)}
            for c in p["countries"]
        ]
        copied = {"pillar": p["pillar"]}  # etl.transform.COPIED_COLUMNS
        years += [
            {
                "project_id": pid,
                "year": y,
                "phase": label,
                **copied,
                "region": p["region"],
                "starting": y == p["start_year"],
            }
            for y, label in active_years(p, as_of_year)
        ]
        phases += [
            {
                "project_id": pid,
                "phase_no": n,
                "label": ph.label,
                "start_year": ph.start_year,
                "end_year": ph.end_year,
                "ongoing": ph.ongoing,
                "drawn_to_year": drawn_to_year(ph.start_year, ph.end_year, ph.ongoing, as_of_year),
            }
            for n, ph in enumerate(p["phases"], start=1)
        ]
        topics += [{"project_id": pid, "topic": t, **copied} for t in p["topics"]]
        by_label = {fold(c.label): c for c in p["counts"]}
        beneficiaries += [
            {
                "project_id": pid,
                "beneficiary_group": g,
                "count": by_label[fold(g)].value if fold(g) in by_label else None,
                "count_qualifier": by_label[fold(g)].qualifier if fold(g) in by_label else None,
                **copied,
            }
            for g in p["beneficiary_groups"]
        ]
        group_keys = {fold(g) for g in p["beneficiary_groups"]}
        counts += [
            {
                "project_id": pid,
                "label": c.label,
                "value": c.value,
                "qualifier": c.qualifier,
                "is_beneficiary_group": fold(c.label) in group_keys,
            }
            for c in p["counts"]
        ]
        partners += [
            {"project_id": pid, "partner": name, "partner_type": kind, **copied}
            for name, kind in p["partners"]
        ]

    exchanges, exchange_topics = [], []
    for e in catalogue.exchanges:
        start, end = e["start"], e["end"]
        exchanges.append(
            {
                **{k: e[k] for k in ("exchange_id", "title", "host_city", "host_iso3")},
                "host_country": country_name(e["host_iso3"]),
                "host_region": country_region(e["host_iso3"]),
                "host_lat": e["host_lat"],
                "host_lon": e["host_lon"],
                "start_date": start.first_day if start else None,
                "end_date": (end.last_day if end else start.last_day) if start else None,
                # (python dates in an object column become DuckDB DATE, not TIMESTAMP)
                "date_precision": start.precision if start else None,
                "date_text": " to ".join(d.text for d in (start, end) if d) or None,
                "year": start.first_day.year if start else None,
                **{k: e[k] for k in ("kind", "status", "follows")},
                "organisers": "; ".join(e["organisers"]) or None,
                "topics": "; ".join(e["topics"]) or None,
                **{k: e[k] for k in ("summary", "outcome")},
                "outcome_types": "; ".join(e["outcome_types"]) or None,
                **{k: e[k] for k in ("source_ref", "source_url", "notes")},
            }
        )
        exchange_topics += [{"exchange_id": e["exchange_id"], "topic": t} for t in e["topics"]]

    topic_spelling = one_spelling([t["topic"] for t in topics + exchange_topics])
    topics = _respelled(topics, "topic", topic_spelling, "project_id")
    exchange_topics = _respelled(exchange_topics, "topic", topic_spelling, "exchange_id")
    group_spelling = one_spelling([b["beneficiary_group"] for b in beneficiaries])
    beneficiaries = _respelled(beneficiaries, "beneficiary_group", group_spelling, "project_id")

    participants = [
        {
            **{k: r[k] for k in ("exchange_id", "iso3")},
            "country": country_name(r["iso3"]),
            "region": country_region(r["iso3"]),
            **{k: r[k] for k in ("city", "role", "lat", "lon", "geonames_id", "notes")},
        }
        for r in catalogue.participants
    ]
    reference = country_table().reset_index()
    meta = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": source,
        "synthetic": "true" if synthetic else "false",
        "schema_version": SCHEMA_VERSION,
        "as_of_year": str(as_of_year),
        **{f"catalogue_{k}": v for k, v in catalogue.about.items() if k != "as_of_year"},
        **(extra_meta or {}),
    }
    rows = {
        "projects": projects,
        "project_countries": countries,
        "project_localities": catalogue.localities,
        "project_topics": topics,
        "project_beneficiaries": beneficiaries,
        "project_counts": counts,
        "project_partners": partners,
        "project_years": years,
        "project_phases": phases,
        "exchanges": exchanges,
        "exchange_topics": exchange_topics,
        "exchange_participants": participants,
        "reported_figures": catalogue.figures,
        "countries": reference[["iso3", "country", "region"]].replace("", None).to_dict("records"),
        "meta": [{"key": k, "value": v} for k, v in meta.items()],
    }
    return {
        name: _frame(rows[name], {c: t for c, t in columns.items() if c != "project_no"})
        for name, columns in TABLE_TYPES.items()  # (project_no came later: schema 5)
    }
