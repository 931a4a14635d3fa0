"""Every query the dashboard runs. Pure: (warehouse version, filters) in, DataFrame out.

The WHERE clauses come from the filter registry (dashboard/filters.py): AND across
filters, OR within one. A year range keeps projects active in at least one of its
years; records without years are then left out (pages say how many).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import filters as registry
from dashboard.db import WarehouseVersion, run_query
from dashboard.filters import Choice, FilterOptions, Filters

AS_OF_SQL = "(select try_cast(value as integer) from meta where key = 'as_of_year')"


def project_where(f: Filters) -> tuple[str, list]:
    """SQL condition on `projects p` for the filters, with its parameters."""
    return registry.where(f, "projects")


def exchange_where(f: Filters) -> tuple[str, list]:
    """SQL condition on `exchanges e`: the filters that apply to exchanges."""
    return registry.where(f, "exchanges")


def _ids(f: Filters) -> tuple[str, list]:
    where, params = project_where(f)
    return f"select p.project_id from projects p where {where}", params


def filter_options(v: WarehouseVersion) -> FilterOptions:
    """Every value each filter can take in this warehouse, with its label and code."""
    choices, labels, codes = {}, {}, {}
    for entry in registry.REGISTRY:
        if isinstance(entry, Choice):
            frame = run_query(v, entry.options_sql)
            named = frame["label"] if "label" in frame else [None] * len(frame)
            rows = [
                (str(value), None if pd.isna(label) else str(label))
                for value, label in zip(frame["value"], named, strict=True)
                if pd.notna(value)
            ]
            choices[entry.key], labels[entry.key], codes[entry.key] = registry.choice_options(
                entry, rows
            )
    years = run_query(v, registry.BY_KEY["years"].options_sql).iloc[0]
    if pd.notna(years["lo"]):
        year_min, year_max = int(years["lo"]), int(years["hi"])
    else:  # a catalogue with no years at all: a one-year range ending at its as-of year
        as_of = run_query(v, f"select {AS_OF_SQL} as y")["y"].dropna()
        year_max = int(as_of.iloc[0]) if len(as_of) else date.today().year
        year_min = year_max - 1
    return FilterOptions(
        choices=choices,
        labels=labels,
        codes=codes,
        year_min=year_min,
        year_max=max(year_max, year_min + 1),  # a slider needs two distinct ends
    )


def projects(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """The filtered projects with everything a table or a detail view shows."""
    where, params = project_where(f)
    return run_query(
        v,
        f"""
        select p.*,
          (select string_agg(t.topic, '; ' order by t.topic) from project_topics t
             where t.project_id = p.project_id) as topics,
          (select string_agg(b.beneficiary_group, '; ') from project_beneficiaries b
             where b.project_id = p.project_id) as beneficiary_groups,
          (select string_agg(pp.partner, '; ') from project_partners pp
             where pp.project_id = p.project_id) as partners,
          (select count(*) from project_localities l where l.project_id = p.project_id)
             as localities
        from projects p where {where}
        order by p.start_year nulls last, p.title
        """,
        tuple(params),
    )


def project_ids_without_years(v: WarehouseVersion, f: Filters) -> int:
    """How many projects match the other filters but have no years (hidden by a year range)."""
    where, params = project_where(f.replace(years=None))
    sql = (
        f"select count(*) as n from projects p where {where} and not exists "
        "(select 1 from project_years y where y.project_id = p.project_id)"
    )
    return int(run_query(v, sql, tuple(params))["n"].iloc[0])


def project_countries(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """Projects per country (for the choropleth), with titles for tooltips."""
    ids, params = _ids(f)
    return run_query(
        v,
        f"""
        select c.iso3, c.country, c.region, count(*) as projects,
               string_agg(p.title, ' · ' order by p.title) as titles
        from project_countries c join projects p using (project_id)
        where c.project_id in ({ids})
        group by all order by projects desc, c.country
        """,
        tuple(params),
    )


def localities(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    ids, params = _ids(f)
    return run_query(
        v,
        f"""
        select l.*, p.title, p.pillar, p.region as project_region
        from project_localities l join projects p using (project_id)
        where l.project_id in ({ids}) order by l.name
        """,
        tuple(params),
    )


def active_years(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """One row per project and year active, with pillar and region for stacking."""
    ids, params = _ids(f)
    year_clause = "and y.year between ? and ?" if f.years else ""
    extra = list(f.years) if f.years else []
    return run_query(
        v,
        f"""
        select y.year, y.project_id, p.pillar, p.region, p.start_year = y.year as starts
        from project_years y join projects p using (project_id)
        where y.project_id in ({ids}) {year_clause}
        order by y.year
        """,
        tuple(params + extra),
    )


def spans(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """One bar per project phase (or per project without phases) for the Gantt."""
    ids, params = _ids(f)
    return run_query(
        v,
        f"""
        select p.project_id, p.title, p.pillar, p.region, p.record_type,
               coalesce(ph.phase_no, 1) as phase_no, ph.label as phase,
               coalesce(ph.start_year, p.start_year) as start_year,
               coalesce(ph.end_year, case when ph.phase_no is null then p.end_year end)
                 as end_year,
               coalesce(ph.ongoing, p.ongoing) as ongoing,
               case when ph.phase_no is null then p.drawn_to_year else ph.drawn_to_year end
                 as drawn_to_year
        from projects p left join project_phases ph using (project_id)
        where p.project_id in ({ids})
        order by p.start_year nulls last, p.title, phase_no
        """,
        tuple(params),
    )


def facet_counts(v: WarehouseVersion, f: Filters, facet: str) -> pd.DataFrame:
    """Projects per topic / beneficiary group / partner, split by pillar."""
    table, column = {
        "topic": ("project_topics", "topic"),
        "group": ("project_beneficiaries", "beneficiary_group"),
        "partner": ("project_partners", "partner"),
        "partner_type": ("project_partners", "coalesce(partner_type, 'not stated')"),
    }[facet]
    ids, params = _ids(f)
    return run_query(
        v,
        f"""
        select {column} as value, p.pillar, count(distinct t.project_id) as projects
        from {table} t join projects p using (project_id)
        where t.project_id in ({ids})
        group by all order by value
        """,
        tuple(params),
    )


def pillar_region(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    ids, params = _ids(f)
    return run_query(
        v,
        f"""
        select p.pillar, p.region, count(*) as projects
        from projects p where p.project_id in ({ids}) group by all
        """,
        tuple(params),
    )


def exchanges(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    where, params = exchange_where(f)
    return run_query(
        v,
        f"""
        select e.*, (select count(distinct ep.iso3) from exchange_participants ep
                     where ep.exchange_id = e.exchange_id) as countries
        from exchanges e where {where}
        order by e.start_date nulls last, e.exchange_id
        """,
        tuple(params),
    )


def participants(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """Participants of the filtered exchanges, with the host's coordinates for arcs."""
    where, params = exchange_where(f)
    return run_query(
        v,
        f"""
        select ep.*, e.title, e.host_city, e.host_iso3, e.host_lat, e.host_lon, e.year,
               e.status, e.start_date
        from exchange_participants ep join exchanges e using (exchange_id)
        where {where}
        order by e.start_date, ep.role, ep.country
        """,
        tuple(params),
    )


def project_country_links(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """(project, country) pairs of the filtered projects — narrows a list to one country."""
    ids, params = _ids(f)
    return run_query(
        v,
        f"""
        select c.project_id, c.iso3, c.country from project_countries c
        where c.project_id in ({ids}) order by c.project_id, c.country
        """,
        tuple(params),
    )


def reported_figures(v: WarehouseVersion) -> pd.DataFrame:
    return run_query(v, "select * from reported_figures order by figure_id")


def documented_counts(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """What the catalogue documents for each reported figure's dimension (filtered)."""
    ids, params = _ids(f)
    return run_query(
        v,
        f"""
        with chosen as ({ids}),
        regions as (
          select distinct c.region, c.project_id from project_countries c
          where c.project_id in (select * from chosen)
          union select p.region, p.project_id from projects p
          where p.project_id in (select * from chosen) and p.region <> 'Multi-region'
        )
        select 'region:' || region as dimension, count(distinct project_id) as documented
          from regions group by region
        union all
        select 'year:' || year, count(distinct project_id) from project_years
          where project_id in (select * from chosen) and year between ? and ? group by year
        union all
        select 'total', count(*) from chosen
        """,
        tuple(params) + (f.years or (0, 9999)),
    )


def documented_cities(v: WarehouseVersion, f: Filters) -> int:
    """Distinct cities the catalogue names in the (filtered) exchanges, hosts included."""
    where, params = exchange_where(f)
    sql = f"""
        select count(distinct lower(city) || '|' || iso3) as n from (
          select e.host_city as city, e.host_iso3 as iso3 from exchanges e where {where}
          union all
          select ep.city, ep.iso3 from exchange_participants ep
          join exchanges e using (exchange_id) where {where} and ep.city is not null)
        """
    return int(run_query(v, sql, tuple(params) * 2)["n"].iloc[0])


def beneficiary_counts(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    ids, params = _ids(f)
    return run_query(
        v,
        f"""
        select c.project_id, p.title, c.label, c.value, c.qualifier, c.is_beneficiary_group
        from project_counts c join projects p using (project_id)
        where c.project_id in ({ids}) order by c.is_beneficiary_group desc, c.value desc
        """,
        tuple(params),
    )


def meta(v: WarehouseVersion) -> dict[str, str]:
    frame = run_query(v, "select key, value from meta")
    return dict(zip(frame["key"], frame["value"], strict=True))


def table(v: WarehouseVersion, name: str) -> pd.DataFrame:
    """A whole warehouse table (for the Data page's downloads)."""
    if not name.replace("_", "").isalnum():
        raise ValueError(name)
    return run_query(v, f'select * from "{name}"')


def table_names(v: WarehouseVersion) -> list[str]:
    frame = run_query(v, "select table_name from information_schema.tables order by table_name")
    return list(frame["table_name"])


def columns(v: WarehouseVersion) -> pd.DataFrame:
    return run_query(
        v,
        "select table_name, column_name, data_type from information_schema.columns "
        "order by table_name, ordinal_position",
    )


def table_counts(v: WarehouseVersion) -> pd.DataFrame:
    names = table_names(v)
    union = " union all ".join(
        f"select '{t}' as table_name, count(*) as rows from \"{t}\"" for t in names
    )
    return run_query(v, union)


def partner_list(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """Partners of the filtered projects: type, pillars (codes, ';'), projects and titles."""
    ids, params = _ids(f)
    return run_query(
        v,
        f"""
        select pp.partner, pp.partner_type,
               string_agg(distinct p.pillar, ';' order by p.pillar) as pillars,
               count(distinct pp.project_id) as projects,
               string_agg(distinct p.title, ' · ' order by p.title) as titles
        from project_partners pp join projects p using (project_id)
        where pp.project_id in ({ids})
        group by all order by projects desc, pp.partner
        """,
        tuple(params),
    )


# --- one project / one exchange, regardless of filters (Projects and Exchanges pages) ---


def project_by_id(v: WarehouseVersion, project_id: str) -> pd.DataFrame:
    """One project (0 or 1 row) with its status, whatever the filters."""
    return run_query(
        v,
        "select p.* from projects p where p.project_id = ?",
        (project_id,),
    )


@dataclass(frozen=True)
class ProjectRecord:
    """Everything the catalogue records about one project, whatever the filters."""

    project: dict  # the `projects` row (status included)
    countries: pd.DataFrame  # iso3, country, region
    localities: pd.DataFrame  # named places, with the title and pillar map tooltips show
    beneficiaries: pd.DataFrame  # group, count (NULL when the source gives none), qualifier
    counts: pd.DataFrame  # other stated counts: label, value, qualifier
    partners: pd.DataFrame  # partner, partner_type
    phases: pd.DataFrame  # phase_no, label, start_year, end_year, ongoing
    topics: list[str]


_RECORD_PARTS = {
    "countries": "select iso3, country, region from project_countries where project_id = ? "
    "order by country",
    "localities": """
        select l.*, c.country, p.title, p.pillar, p.start_year, p.end_year, p.ongoing
        from project_localities l join projects p using (project_id)
        left join countries c on c.iso3 = l.iso3
        where l.project_id = ? order by l.name""",
    "beneficiaries": "select beneficiary_group, count, count_qualifier from "
    "project_beneficiaries where project_id = ? order by beneficiary_group",
    "counts": "select label, value, qualifier, is_beneficiary_group from project_counts "
    "where project_id = ? order by is_beneficiary_group desc, label",
    "partners": "select partner, partner_type from project_partners where project_id = ? "
    "order by partner",
    "phases": "select phase_no, label, start_year, end_year, ongoing from project_phases "
    "where project_id = ? order by phase_no",
    "topics": "select topic from project_topics where project_id = ? order by topic",
}


def project_record(v: WarehouseVersion, project_id: str) -> ProjectRecord | None:
    """One project and all its parts (None when the catalogue has no such id)."""
    row = project_by_id(v, project_id)
    if row.empty:
        return None
    parts = {name: run_query(v, sql, (project_id,)) for name, sql in _RECORD_PARTS.items()}
    topics = list(parts.pop("topics")["topic"])
    return ProjectRecord(project=row.iloc[0].to_dict(), topics=topics, **parts)


def exchange_by_id(v: WarehouseVersion, exchange_id: str) -> pd.DataFrame:
    """One exchange (0 or 1 row), whatever the filters."""
    return run_query(v, "select * from exchanges where exchange_id = ?", (exchange_id,))


def exchange_detail_participants(v: WarehouseVersion, exchange_id: str) -> pd.DataFrame:
    return run_query(
        v,
        """
        select iso3, country, region, city, role, lat, lon, notes
        from exchange_participants where exchange_id = ?
        order by case role when 'host' then 0 else 1 end, country, city nulls last
        """,
        (exchange_id,),
    )


def exchange_index(v: WarehouseVersion) -> pd.DataFrame:
    """Every exchange (id, title, host, dates, follows), to name follow-ups across filters."""
    return run_query(
        v,
        "select exchange_id, title, host_city, host_country, start_date, end_date, "
        "date_precision, date_text, kind, status, follows from exchanges "
        "order by start_date nulls last, exchange_id",
    )
