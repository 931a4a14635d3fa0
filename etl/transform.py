"""Validated catalogue → warehouse tables (pandas DataFrames), per DESIGN.md's contract."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from etl import SCHEMA_VERSION, vocab
from etl.columns import Distinct, explode, flat, frame, taken
from etl.countries import country_name, country_region, country_table
from etl.normalise import fold, slug
from etl.validate import Catalogue


def one_spelling(values: Iterable[str] | Mapping[str, int]) -> dict[str, str]:
    """Spellings that differ only in case, accents or punctuation ('child labour',
    'Child-labour') → one spelling, so a topic or a beneficiary group is one value with
    one link code (its slug). The most used spelling wins, then the first in sort order.
    `values`: every use of a spelling, or how often each is used."""
    counts = values if isinstance(values, Mapping) else Counter(values)
    by_slug: dict[str, Counter] = {}
    for value, count in counts.items():
        by_slug.setdefault(slug(value), Counter())[value] += count
    return {
        value: min(spellings, key=lambda s, c=spellings: (-c[s], s))
        for spellings in by_slug.values()
        for value in spellings
    }


def _uses(*columns: pd.Series) -> Counter:
    """How often each value of the columns is used (counted by pandas, not in Python:
    a million projects name two million topics)."""
    uses: Counter = Counter()
    for column in columns:
        uses.update(column.value_counts().to_dict())
    return uses


def _respelled(rows: pd.DataFrame, column: str, spelling: dict[str, str], key: str) -> pd.DataFrame:
    """`rows` with `column` in its one spelling; a record naming two spellings keeps one.
    Unchanged when every value is already its one spelling (the usual case)."""
    if all(value == chosen for value, chosen in spelling.items()):
        return rows
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
# `project_no`: the project's row number in this build (1…N), copied onto every project_*
# table. The app keeps a filter set's projects as these numbers: matching integers, not
# million-row id strings, makes each filtered query several times faster (docs/scaling.md).
NO = "int32"
INT = "Int64"
FLOAT = "Float64"
BOOL = "boolean"


TEXT_COLUMNS = (
    "summary",
    "outcomes",
    "replication",
    "beneficiaries",
    "source_ref",
    "source_url",
    "notes",
)
SCALAR_COLUMNS = (
    "project_id",
    "title",
    "record_type",
    "pillar",
    "start_year",
    "end_year",
    "ongoing",
    "region",
    *TEXT_COLUMNS,
)


def _years_active(years: tuple, as_of_year: int) -> tuple:
    """`active_years` of one distinct (start, end, ongoing, phases)."""
    start, end, ongoing, phases = years
    project = {"start_year": start, "end_year": end, "ongoing": ongoing, "phases": phases}
    return tuple(active_years(project, as_of_year))


def _project_drawn_to(years: tuple, as_of_year: int) -> int | None:
    """A project's last active year: its last phase's, when it has phases (a phase
    whose end is not stated is drawn to its start: the project's `end_year` is then
    empty, yet the project was active in that phase's start year)."""
    start, end, ongoing, phases = years
    if phases:
        return max(
            drawn_to_year(ph.start_year, ph.end_year, ph.ongoing, as_of_year) for ph in phases
        )
    return drawn_to_year(start, end, ongoing, as_of_year)


def _phase_rows(years: tuple, as_of_year: int) -> tuple:
    return tuple(
        (
            n,
            ph.label,
            ph.start_year,
            ph.end_year,
            ph.ongoing,
            drawn_to_year(ph.start_year, ph.end_year, ph.ongoing, as_of_year),
        )
        for n, ph in enumerate(years[3], start=1)
    )


def _group_counts(pair: tuple) -> tuple[tuple, tuple]:
    """(beneficiary rows, count rows) of one distinct (groups, counts) pair: a count
    belongs to the group its label names (folded; the last count of a label wins)."""
    groups, counts = pair
    labels = [fold(c.label) for c in counts]
    by_label = dict(zip(labels, counts, strict=True))
    group_keys = set()
    beneficiaries = []
    for group in groups:
        key = fold(group)
        group_keys.add(key)
        count = by_label.get(key)
        beneficiaries.append(
            (group, None, None) if count is None else (group, count.value, count.qualifier)
        )
    rows = tuple(
        (c.label, c.value, c.qualifier, key in group_keys)
        for c, key in zip(counts, labels, strict=True)
    )
    return tuple(beneficiaries), rows


def _long(
    ids: pd.Series,
    lists: Distinct,
    columns: dict[str, pa.DataType],
    copied: dict[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """One row per item of each project's list: items are values (one column) or
    tuples (one column per field). Python sees each distinct list once; Arrow gathers.
    `copied`: project columns repeated on each of the project's rows (COPIED_COLUMNS)."""
    keys, items = explode(np.arange(len(ids)), lists)
    every = flat(lists)
    fields = {"project_id": ids.iloc[keys].reset_index(drop=True), "project_no": keys + 1}
    for index, (column, kind) in enumerate(columns.items()):
        values = every if len(columns) == 1 else [item[index] for item in every]
        fields[column] = taken(values, items, kind)
    for column, values in (copied or {}).items():
        fields[column] = values.iloc[keys].reset_index(drop=True)
    return pd.DataFrame(fields)


# Project columns copied onto the long tables the pages count by pillar and region, so a
# count over millions of rows needs no join with `projects` (docs/scaling.md). `starting`
# on project_years: the year is the project's start year. Checked against `projects` by
# etl.relations.
COPIED_COLUMNS = {
    "project_years": ("pillar", "region", "starting"),
    "project_topics": ("pillar",),
    "project_beneficiaries": ("pillar",),
    "project_partners": ("pillar",),
}


TEXT, NUMBER, FLAG = pa.string(), pa.int64(), pa.bool_()


def _starting(years: pd.DataFrame) -> pd.DataFrame:
    """project_years with `starting` (the year is the project's start year) in place of
    the copied `start_year`."""
    start = years.pop("start_year")
    years["starting"] = (years["year"] == start).fillna(False).astype(bool)
    return years


def _project_tables(catalogue: Catalogue, as_of_year: int) -> dict[str, pd.DataFrame]:
    """The project tables, built a column at a time: Python runs once per distinct
    value of a list-valued field, Arrow spreads the results over the projects."""
    p = catalogue.project_table
    lists = catalogue.project_lists
    if p.empty:
        p = pd.DataFrame({c: pd.Series([], dtype=object) for c in SCALAR_COLUMNS})
        none = Distinct(np.zeros(0, dtype=np.int64), [])
        lists = dict.fromkeys(("countries", "topics", "beneficiaries", "partners", "years"), none)
    ids = p["project_id"]
    years = lists["years"]
    pairs = lists["beneficiaries"].derive(_group_counts)
    codes, distinct = pd.factorize(p["pillar"])
    pillars = Distinct(codes, list(distinct))
    projects = frame(
        {
            "project_id": ids,
            "project_no": np.arange(1, len(ids) + 1),
            **{k: p[k] for k in ("title", "record_type", "pillar")},
            "pillar_label": pillars.derive(lambda code: vocab.PILLARS[code]).arrow(TEXT),
            "start_year": p["start_year"],
            "end_year": p["end_year"],
            "ongoing": p["ongoing"],
            "drawn_to_year": years.derive(lambda y: _project_drawn_to(y, as_of_year)).arrow(NUMBER),
            "status": years.derive(lambda y: project_status(y[0], y[1], y[2], as_of_year)).arrow(
                TEXT
            ),
            "region": p["region"],
            "countries": lists["countries"]
            .derive(lambda codes: "; ".join(map(country_name, codes)) or None)
            .arrow(TEXT),
            **{k: p[k] for k in TEXT_COLUMNS},
        }
    )
    countries = lists["countries"].derive(
        lambda codes: tuple((c, country_name(c), country_region(c)) for c in codes)
    )
    pillar = {"pillar": p["pillar"]}
    return {
        "projects": projects,
        "project_countries": _long(ids, countries, {"iso3": TEXT, "country": TEXT, "region": TEXT}),
        "project_years": _starting(
            _long(
                ids,
                years.derive(lambda y: _years_active(y, as_of_year)),
                {"year": NUMBER, "phase": TEXT},
                {k: p[k] for k in ("pillar", "region", "start_year")},
            )
        ),
        "project_phases": _long(
            ids,
            years.derive(lambda y: _phase_rows(y, as_of_year)),
            {
                "phase_no": NUMBER,
                "label": TEXT,
                "start_year": NUMBER,
                "end_year": NUMBER,
                "ongoing": FLAG,
                "drawn_to_year": NUMBER,
            },
        ),
        "project_topics": _long(ids, lists["topics"], {"topic": TEXT}, pillar),
        "project_beneficiaries": _long(
            ids,
            pairs.derive(lambda pair: pair[0]),
            {"beneficiary_group": TEXT, "count": NUMBER, "count_qualifier": TEXT},
            pillar,
        ),
        "project_counts": _long(
            ids,
            pairs.derive(lambda pair: pair[1]),
            {"label": TEXT, "value": NUMBER, "qualifier": TEXT, "is_beneficiary_group": FLAG},
        ),
        "project_partners": _long(
            ids, lists["partners"], {"partner": TEXT, "partner_type": TEXT}, pillar
        ),
    }


# Every warehouse table's columns, in order, with their pandas dtypes.
TABLE_TYPES: dict[str, dict[str, str]] = {
    "projects": {
        "project_id": STR,
        "project_no": NO,
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
    "project_countries": {
        "project_id": STR,
        "project_no": NO,
        "iso3": STR,
        "country": STR,
        "region": STR,
    },
    "project_localities": {
        "project_id": STR,
        "project_no": NO,
        "name": STR,
        "iso3": STR,
        "lat": FLOAT,
        "lon": FLOAT,
        "admin_level": STR,
        "geonames_id": STR,
        "coord_note": STR,
        "notes": STR,
    },
    "project_topics": {"project_id": STR, "project_no": NO, "topic": STR, "pillar": STR},
    "project_beneficiaries": {
        "project_id": STR,
        "project_no": NO,
        "beneficiary_group": STR,
        "count": INT,
        "count_qualifier": STR,
        "pillar": STR,
    },
    "project_counts": {
        "project_id": STR,
        "project_no": NO,
        "label": STR,
        "value": INT,
        "qualifier": STR,
        "is_beneficiary_group": BOOL,
    },
    "project_partners": {
        "project_id": STR,
        "project_no": NO,
        "partner": STR,
        "partner_type": STR,
        "pillar": STR,
    },
    "project_years": {
        "project_id": STR,
        "project_no": NO,
        "year": INT,
        "phase": STR,
        "pillar": STR,
        "region": STR,
        "starting": BOOL,
    },
    "project_phases": {
        "project_id": STR,
        "project_no": NO,
        "phase_no": INT,
        "label": STR,
        "start_year": INT,
        "end_year": INT,
        "ongoing": BOOL,
        "drawn_to_year": INT,
    },
    "exchanges": {
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
    "exchange_topics": {"exchange_id": STR, "topic": STR},
    "exchange_participants": {
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
    "reported_figures": {
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
    "countries": {"iso3": STR, "country": STR, "region": STR},
    "meta": {"key": STR, "value": STR},
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
    topic_spelling = one_spelling(_uses(topics["topic"], exchange_topics["topic"]))
    topics = _respelled(topics, "topic", topic_spelling, "project_id")
    exchange_topics = _respelled(exchange_topics, "topic", topic_spelling, "exchange_id")
    beneficiaries = tables["project_beneficiaries"]
    group_spelling = one_spelling(_uses(beneficiaries["beneficiary_group"]))
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
        "projects": tables["projects"],
        "project_countries": tables["project_countries"],
        "project_localities": _numbered(catalogue.locality_table, tables["projects"]),
        "project_topics": topics,
        "project_beneficiaries": beneficiaries,
        "project_counts": tables["project_counts"],
        "project_partners": tables["project_partners"],
        "project_years": tables["project_years"],
        "project_phases": tables["project_phases"],
        "exchanges": exchanges,
        "exchange_topics": exchange_topics,
        "exchange_participants": participants,
        "reported_figures": catalogue.figures,
        "countries": reference[["iso3", "country", "region"]].replace("", None).to_dict("records"),
        "meta": [{"key": k, "value": v} for k, v in meta.items()],
    }
    del tables, topics, beneficiaries  # held by `rows` only, so each is freed once typed
    return _typed(rows)


def _numbered(rows: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """`rows` with each project's `project_no` after its `project_id` (every id is a
    project's: validation saw to it)."""
    numbers = pd.Index(projects["project_id"]).get_indexer(rows["project_id"]) + 1
    return rows.assign(project_no=numbers)


def _typed(rows: dict) -> dict[str, pd.DataFrame]:
    """`rows` as typed tables, taken out of `rows` one at a time: a million projects'
    tables are never held twice (the build's memory peak was here)."""
    return {name: _frame(rows.pop(name), columns) for name, columns in TABLE_TYPES.items()}
