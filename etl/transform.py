"""Validated catalogue → warehouse tables (pandas DataFrames), per DESIGN.md's contract."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from etl import SCHEMA_VERSION, vocab
from etl.columns import explode
from etl.countries import country_name, country_region, country_table
from etl.normalise import fold, slug
from etl.validate import Catalogue


def one_spelling(values: Iterable[str]) -> dict[str, str]:
    """Spellings that differ only in case, accents or punctuation ('child labour',
    'Child-labour') → one spelling, so a topic or a beneficiary group is one value with
    one link code (its slug). The most used spelling wins, then the first in sort order."""
    by_slug: dict[str, Counter] = {}
    for value, count in Counter(values).items():
        by_slug.setdefault(slug(value), Counter())[value] += count
    return {
        value: min(spellings, key=lambda s, c=spellings: (-c[s], s))
        for spellings in by_slug.values()
        for value in spellings
    }


def _respelled(rows: pd.DataFrame, column: str, spelling: dict[str, str], key: str) -> pd.DataFrame:
    """`rows` with `column` in its one spelling; a record naming two spellings keeps one."""
    rows = rows.assign(**{column: rows[column].map(spelling)})
    return rows.drop_duplicates([key, column], keep="first").reset_index(drop=True)


def _frame(rows: list[dict] | pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """A DataFrame with exactly these columns and pandas nullable dtypes."""
    if isinstance(rows, pd.DataFrame):
        return rows.reindex(columns=list(columns)).astype(columns)
    return pd.DataFrame(rows, columns=list(columns)).astype(columns)


def drawn_to_year(
    start_year: int | None, end_year: int | None, ongoing: bool | None, as_of_year: int
) -> int | None:
    """The last year a span (a phase, or a project) is active, i.e. where its bar is drawn to.

    An ongoing span runs to the catalogue's as-of year (or its start, if later); a closed
    span to its end year; a start year alone counts that year only. None without a start.
    """
    if start_year is None:
        return None
    if ongoing:
        return max(start_year, as_of_year)
    return max(start_year, end_year) if end_year is not None else start_year


def project_status(
    start_year: int | None, end_year: int | None, ongoing: bool | None, as_of_year: int
) -> str:
    """'ongoing', 'completed' or 'unknown', as of the year the source describes.

    A project whose stated end lies after the as-of year, and which had started by then,
    was still running ("ongoing"), not "completed".
    """
    if ongoing:
        return "ongoing"
    if (
        end_year is not None
        and start_year is not None
        and end_year > as_of_year
        and start_year <= as_of_year
    ):
        return "ongoing"
    return "completed" if end_year is not None else "unknown"


def active_years(project: dict, as_of_year: int) -> list[tuple[int, str | None]]:
    """(year, phase label) for every year a project is active.

    Phases give the years (gaps stay gaps). Without phases: start..end; an ongoing
    project runs to the catalogue's as-of year; a start year alone counts that year only
    (`drawn_to_year`).
    """
    spans = [(p.start_year, p.end_year, p.ongoing, p.label) for p in project["phases"]]
    if not spans and project["start_year"] is not None:
        spans = [(project["start_year"], project["end_year"], project["ongoing"], None)]
    years: dict[int, str | None] = {}
    for start, end, ongoing, label in spans:
        last = drawn_to_year(start, end, ongoing, as_of_year)
        for year in range(start, last + 1):
            years.setdefault(year, label)
    return sorted(years.items())


STR = "string"
INT = "Int64"
FLOAT = "Float64"
BOOL = "boolean"


def _years_of_spans(spans: pd.DataFrame) -> pd.DataFrame:
    """(project_id, year, phase) for every year of every span; a year two spans share
    keeps the first span's label. `spans` has project_id, order, start, last, label."""
    spans = spans[spans["start"].notna()]
    lengths = (spans["last"] - spans["start"] + 1).to_numpy(dtype=np.int64)
    index = np.repeat(np.arange(len(spans)), lengths)
    offsets = np.arange(len(index)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    years = pd.DataFrame(
        {
            "project_id": spans["project_id"].to_numpy()[index],
            "order": spans["order"].to_numpy()[index],
            "year": spans["start"].to_numpy(dtype=np.int64)[index] + offsets,
            "phase": spans["label"].to_numpy()[index],
        }
    )
    years = years.drop_duplicates(["project_id", "year"], keep="first")
    return years.sort_values(["order", "year"], kind="stable").drop(columns="order")


def _per_value(values, derive) -> list:
    """derive(v) for each value, computed once per distinct value (values repeat)."""
    seen: dict = {}
    return [seen[v] if v in seen else seen.setdefault(v, derive(v)) for v in values]


def _spans(project: tuple, as_of_year: int) -> tuple:
    """(start, drawn-to year, label) of each phase, or of the whole project."""
    start, end, ongoing, phases = project
    spans = [(ph.start_year, ph.end_year, ph.ongoing, ph.label) for ph in phases]
    if not spans and start is not None:
        spans = [(start, end, ongoing, None)]
    return tuple((s, drawn_to_year(s, e, o, as_of_year), label) for s, e, o, label in spans)


def _group_counts(pair: tuple) -> tuple[tuple, tuple]:
    """(beneficiary rows, count rows) of one (groups, counts) pair."""
    groups, counts = pair
    by_label = {fold(c.label): c for c in counts}
    group_keys = {fold(g) for g in groups}
    beneficiaries = tuple(
        (g, by_label[fold(g)].value, by_label[fold(g)].qualifier)
        if fold(g) in by_label
        else (g, None, None)
        for g in groups
    )
    rows = tuple((c.label, c.value, c.qualifier, fold(c.label) in group_keys) for c in counts)
    return beneficiaries, rows


def _long(ids: np.ndarray, lists, columns: list[str]) -> pd.DataFrame:
    """One row per item of each project's list of tuples (or of values, one column)."""
    keys, items = explode(ids, np.asarray(lists, dtype=object) if len(lists) else ids[:0])
    if len(columns) == 1:
        return pd.DataFrame({"project_id": keys, columns[0]: items})
    fields = list(zip(*items, strict=True)) if items else [[] for _ in columns]
    return pd.DataFrame({"project_id": keys, **dict(zip(columns, fields, strict=True))})


TEXT_COLUMNS = (
    "summary",
    "outcomes",
    "replication",
    "beneficiaries",
    "source_ref",
    "source_url",
    "notes",
)
VALIDATED_COLUMNS = (
    "project_id",
    "title",
    "record_type",
    "pillar",
    "start_year",
    "end_year",
    "ongoing",
    "region",
    "countries",
    "topics",
    "phases",
    "beneficiary_groups",
    "counts",
    "partners",
    *TEXT_COLUMNS,
)


def _project_tables(catalogue: Catalogue, as_of_year: int) -> dict[str, list | pd.DataFrame]:
    """The project tables, built a column at a time from the validated project table."""
    p = catalogue.project_table
    if p.empty:
        p = pd.DataFrame(columns=[*VALIDATED_COLUMNS])
    ids = p["project_id"].to_numpy(dtype=object)
    years = list(zip(p["start_year"], p["end_year"], p["ongoing"], p["phases"], strict=True))
    projects = pd.DataFrame(
        {
            **{
                k: p[k].to_numpy(dtype=object)
                for k in ("project_id", "title", "record_type", "pillar")
            },
            "pillar_label": [vocab.PILLARS[code] for code in p["pillar"]],
            "start_year": p["start_year"].to_numpy(dtype=object),
            "end_year": p["end_year"].to_numpy(dtype=object),
            "ongoing": p["ongoing"].to_numpy(dtype=bool),
            "drawn_to_year": [drawn_to_year(s, e, o, as_of_year) for s, e, o, _ in years],
            "status": [project_status(s, e, o, as_of_year) for s, e, o, _ in years],
            "region": p["region"].to_numpy(dtype=object),
            "countries": _per_value(
                p["countries"], lambda codes: "; ".join(map(country_name, codes)) or None
            ),
            **{k: p[k].to_numpy(dtype=object) for k in TEXT_COLUMNS},
        }
    )
    countries = _long(ids, p["countries"], ["iso3"])
    countries["country"] = countries["iso3"].map(country_name)
    countries["region"] = countries["iso3"].map(country_region)
    phases = _long(
        ids,
        [
            tuple(
                (
                    n,
                    ph.label,
                    ph.start_year,
                    ph.end_year,
                    ph.ongoing,
                    drawn_to_year(ph.start_year, ph.end_year, ph.ongoing, as_of_year),
                )
                for n, ph in enumerate(phase_list, start=1)
            )
            for phase_list in p["phases"]
        ],
        ["phase_no", "label", "start_year", "end_year", "ongoing", "drawn_to_year"],
    )
    spans = _long(
        np.arange(len(ids)),
        _per_value(years, lambda y: _spans(y, as_of_year)),
        ["start", "last", "label"],
    ).rename(columns={"project_id": "order"})
    spans["project_id"] = ids[spans["order"].to_numpy(dtype=np.int64)] if len(spans) else []
    pairs = _per_value(zip(p["beneficiary_groups"], p["counts"], strict=True), _group_counts)
    return {
        "projects": projects,
        "project_countries": countries,
        "project_years": _years_of_spans(spans),
        "project_phases": phases,
        "project_topics": _long(ids, p["topics"], ["topic"]),
        "project_beneficiaries": _long(
            ids, [b for b, _ in pairs], ["beneficiary_group", "count", "count_qualifier"]
        ),
        "project_counts": _long(
            ids, [c for _, c in pairs], ["label", "value", "qualifier", "is_beneficiary_group"]
        ),
        "project_partners": _long(ids, p["partners"], ["partner", "partner_type"]),
    }


def build_tables(
    catalogue: Catalogue,
    *,
    source: str,
    synthetic: bool = False,
    extra_meta: dict[str, str] | None = None,
) -> dict:
    """Every warehouse table as a DataFrame, keyed by table name."""
    as_of_year = int(catalogue.about.get("as_of_year") or datetime.now(UTC).year)
    tables = _project_tables(catalogue, as_of_year)
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

    exchange_topics = pd.DataFrame(exchange_topics, columns=["exchange_id", "topic"])
    topics = tables["project_topics"]
    topic_spelling = one_spelling([*topics["topic"], *exchange_topics["topic"]])
    topics = _respelled(topics, "topic", topic_spelling, "project_id")
    exchange_topics = _respelled(exchange_topics, "topic", topic_spelling, "exchange_id")
    beneficiaries = tables["project_beneficiaries"]
    group_spelling = one_spelling(beneficiaries["beneficiary_group"])
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
    return {
        "projects": _frame(
            tables["projects"],
            {
                "project_id": STR,
                "title": STR,
                "record_type": STR,
                "pillar": STR,
                "pillar_label": STR,
                "start_year": INT,
                "end_year": INT,
                "ongoing": BOOL,
                "drawn_to_year": INT,
                "status": STR,
                "region": STR,
                "countries": STR,
                "summary": STR,
                "outcomes": STR,
                "replication": STR,
                "beneficiaries": STR,
                "source_ref": STR,
                "source_url": STR,
                "notes": STR,
            },
        ),
        "project_countries": _frame(
            tables["project_countries"],
            {"project_id": STR, "iso3": STR, "country": STR, "region": STR},
        ),
        "project_localities": _frame(
            catalogue.locality_table,
            {
                "project_id": STR,
                "name": STR,
                "iso3": STR,
                "lat": FLOAT,
                "lon": FLOAT,
                "admin_level": STR,
                "geonames_id": STR,
                "coord_note": STR,
                "notes": STR,
            },
        ),
        "project_topics": _frame(topics, {"project_id": STR, "topic": STR}),
        "project_beneficiaries": _frame(
            beneficiaries,
            {"project_id": STR, "beneficiary_group": STR, "count": INT, "count_qualifier": STR},
        ),
        "project_counts": _frame(
            tables["project_counts"],
            {
                "project_id": STR,
                "label": STR,
                "value": INT,
                "qualifier": STR,
                "is_beneficiary_group": BOOL,
            },
        ),
        "project_partners": _frame(
            tables["project_partners"],
            {"project_id": STR, "partner": STR, "partner_type": STR},
        ),
        "project_years": _frame(
            tables["project_years"], {"project_id": STR, "year": INT, "phase": STR}
        ),
        "project_phases": _frame(
            tables["project_phases"],
            {
                "project_id": STR,
                "phase_no": INT,
                "label": STR,
                "start_year": INT,
                "end_year": INT,
                "ongoing": BOOL,
                "drawn_to_year": INT,
            },
        ),
        "exchanges": _frame(
            exchanges,
            {
                "exchange_id": STR,
                "title": STR,
                "host_city": STR,
                "host_iso3": STR,
                "host_country": STR,
                "host_region": STR,
                "host_lat": FLOAT,
                "host_lon": FLOAT,
                "start_date": "object",
                "end_date": "object",
                "date_precision": STR,
                "date_text": STR,
                "year": INT,
                "kind": STR,
                "status": STR,
                "follows": STR,
                "organisers": STR,
                "topics": STR,
                "summary": STR,
                "outcome": STR,
                "outcome_types": STR,
                "source_ref": STR,
                "source_url": STR,
                "notes": STR,
            },
        ),
        "exchange_topics": _frame(exchange_topics, {"exchange_id": STR, "topic": STR}),
        "exchange_participants": _frame(
            participants,
            {
                "exchange_id": STR,
                "iso3": STR,
                "country": STR,
                "region": STR,
                "city": STR,
                "role": STR,
                "lat": FLOAT,
                "lon": FLOAT,
                "geonames_id": STR,
                "notes": STR,
            },
        ),
        "reported_figures": _frame(
            catalogue.figures,
            {
                "figure_id": STR,
                "metric": STR,
                "dimension": STR,
                "dimension_label": STR,
                "value": FLOAT,
                "qualifier": STR,
                "unit": STR,
                "period": STR,
                "source_ref": STR,
                "notes": STR,
            },
        ),
        "countries": _frame(
            reference[["iso3", "country", "region"]].replace("", None).to_dict("records"),
            {"iso3": STR, "country": STR, "region": STR},
        ),
        "meta": _frame(
            [{"key": k, "value": v} for k, v in meta.items()], {"key": STR, "value": STR}
        ),
    }
