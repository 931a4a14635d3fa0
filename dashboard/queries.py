"""Every query the dashboard runs. Pure: (warehouse version, filters) in, DataFrame out.

The WHERE clauses come from the filter registry (dashboard/filters.py): AND across
filters, OR within one. A year range keeps projects active in at least one of its
years; records without years are then left out (pages say how many).

At a million projects the pages ask for aggregates, one page of rows or the first N —
never a whole table to count or draw in Python — and titles are listed only for groups
with few projects. The projects a filter set keeps are computed once and shared by every
query of that filter set (`_kept`: a dashboard.db selection); with no filter nothing is
restricted at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import db, theme
from dashboard import filters as registry
from dashboard.db import SELECTION, Selection, WarehouseVersion, run_query
from dashboard.filters import Choice, FilterOptions, Filters
from dashboard.i18n import N_
from etl import aggregates

AS_OF_SQL = "(select try_cast(value as integer) from meta where key = 'as_of_year')"

db.derive(registry.search_tables())  # built the first time a search needs them


def project_where(f: Filters) -> tuple[str, list]:
    """SQL condition on `projects p` for the filters, with its parameters."""
    return registry.where(f, "projects")


def exchange_where(f: Filters) -> tuple[str, list]:
    """SQL condition on `exchanges e`: the filters that apply to exchanges."""
    return registry.where(f, "exchanges")


def _selection(f: Filters) -> Selection | None:
    """The numbers (`project_no`) of the projects the filters keep (None: no filter,
    every project)."""
    if f.is_default():
        return None
    where, params = project_where(f)
    return f"select p.project_no as no from projects p where {where}", tuple(params)


def _kept(alias: str, f: Filters) -> str:
    """SQL condition: the filters keep the project of the row `alias` names (`projects`
    or a project_* table). Run the query with `selection=_selection(f)`. Matched by
    `project_no`: a semi-join on integers is several times faster than on id strings."""
    return "true" if f.is_default() else f"{alias}.project_no in (select no from {SELECTION})"


def _run(v: WarehouseVersion, f: Filters, sql: str, params: tuple = ()) -> pd.DataFrame:
    """`sql` whose `_kept(…, f)` conditions read the filter set's shared selection."""
    return run_query(v, sql, params, selection=_selection(f))


# Read the build's answers for the whole warehouse (etl.aggregates) when no filter is
# set; tests turn it off to check them against the tables.
USE_AGGREGATES = True


def _kept_by(f: Filters) -> aggregates.Kept:
    """`_kept` for the filters, as etl.aggregates' SQL builders take it."""
    return lambda alias: _kept(alias, f)


def _stored(name: str, sql: str, f: Filters | None = None) -> str:
    """What to select from: the build's aggregate `name` (for every filter set when `f`
    is None, else only when no filter is set), or `sql` as a subquery."""
    if USE_AGGREGATES and (f is None or f.is_default()):
        return f"{aggregates.SCHEMA}.{name}"
    return f"({sql})"


def _first_rows(
    name: str, build: Callable[..., str], f: Filters, limit: int, also: str = ""
) -> str:
    """What to select the first `limit` rows of a list from: the build's first FIRST_ROWS
    (`name`) when no filter is set and no further condition (`also`) narrows it, else
    `build`'s SQL (an etl.aggregates list builder) as a subquery."""
    if not also and limit <= aggregates.FIRST_ROWS:
        return _stored(name, build(_kept_by(f)), f)
    return f"({build(_kept_by(f), limit, also)})"


def _aggregated(
    v: WarehouseVersion, f: Filters, name: str, sql: str, order: str, params: tuple = ()
) -> pd.DataFrame:
    """The aggregate `name` when no filter is set, else `sql` (the same SQL, with the
    filters), ordered by `order`."""
    return _run(v, f, f"select * from {_stored(name, sql, f)} order by {order}", params)


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


# --- projects: the table, a page of it, counts ---------------------------------------------

_PROJECT_DETAILS = """p.*,
  (select string_agg(t.topic, '; ' order by t.topic) from project_topics t
     where t.project_no = p.project_no) as topics,
  (select string_agg(b.beneficiary_group, '; ') from project_beneficiaries b
     where b.project_no = p.project_no) as beneficiary_groups,
  (select string_agg(pp.partner, '; ') from project_partners pp
     where pp.project_no = p.project_no) as partners,
  (select count(*) from project_localities l where l.project_no = p.project_no)
     as localities"""


def projects(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """The filtered projects with everything a table or a detail view shows (all rows:
    for downloads and small catalogues; a page shows `project_page`)."""
    return _run(
        v,
        f,
        f"""
        select {_PROJECT_DETAILS}
        from projects p where {_kept("p", f)}
        order by {next(iter(PROJECT_SORTS.values()))[1]}
        """,
    )


def project_count(v: WarehouseVersion, f: Filters) -> int:
    """How many projects the filters keep."""
    sql = f"select count(*) as n from projects p where {_kept('p', f)}"
    return int(_run(v, f, sql)["n"].iloc[0])


def project_kept(v: WarehouseVersion, f: Filters, project_id: str) -> bool:
    """Whether the filters keep this project."""
    sql = f"select count(*) as n from projects p where p.project_id = ? and {_kept('p', f)}"
    return bool(_run(v, f, sql, (project_id,))["n"].iloc[0])


_PILLAR_RANK = (
    "case p.pillar "
    + " ".join(f"when '{code}' then {i}" for i, code in enumerate(theme.PILLAR_ORDER))
    + " end"
)


def _as_read(column: str) -> str:
    """Text in the order a reader expects: case and accents ignored ("apprenticeship"
    before "Zambia", "Égypte" among the E's), not byte order (all capitals first, accented
    letters after "z"). An expression rather than `collate nocase.noaccent`: the same
    order at about half the cost (measured on the first page at 1M: +35-55 ms against
    +90-140 ms over byte order)."""
    return f"strip_accents(lower({column}))"


# The orders the Projects table can be sorted in: URL code → (label, ORDER BY on `p`).
# The labels are English msgids (N_), shown translated: _(PROJECT_SORTS[code][0]).
# The first is the default (and the order of `projects`); the project id breaks ties, so
# pages never overlap.
PROJECT_SORTS: dict[str, tuple[str, str]] = {
    "start": (N_("Start year, earliest first"), f"p.start_year nulls last, {_as_read('p.title')}"),
    "start_desc": (
        N_("Start year, latest first"),
        f"p.start_year desc nulls last, {_as_read('p.title')}",
    ),
    "title": (N_("Title, A–Z"), _as_read("p.title")),
    "title_desc": (N_("Title, Z–A"), f"{_as_read('p.title')} desc"),
    "countries": (
        N_("Countries, A–Z"),
        f"{_as_read('p.countries')} nulls last, {_as_read('p.title')}",
    ),
    "region": (N_("ILO region, A–Z"), f"{_as_read('p.region')} nulls last, {_as_read('p.title')}"),
    "pillar": (N_("Pillar"), f"{_PILLAR_RANK} nulls last, {_as_read('p.title')}"),
}
_TABLE_COLUMNS = (  # what the Projects table shows of a project (topics apart)
    "p.project_id, p.title, p.countries, p.region, p.pillar, p.start_year, p.end_year, "
    "p.ongoing, p.status"
)


def project_page(
    v: WarehouseVersion, f: Filters, sort: str, offset: int, limit: int
) -> pd.DataFrame:
    """`limit` filtered projects from row `offset` (0-based) in the order `sort` (a key of
    PROJECT_SORTS): what the Projects table shows (id, title, countries, region, pillar,
    years, status, topics), sorted and cut in DuckDB, topics looked up for these rows."""
    order = f"{PROJECT_SORTS[sort][1]}, p.project_id"
    return _run(
        v,
        f,
        f"""
        with chosen as (
          select {_TABLE_COLUMNS}
          from projects p where {_kept("p", f)}
          order by {order} limit ? offset ?
        ),
        topics as (
          select t.project_id, string_agg(t.topic, '; ' order by t.topic) as topics
          from project_topics t where t.project_id in (select project_id from chosen)
          group by t.project_id
        )
        select p.*, topics.topics from chosen p left join topics using (project_id)
        order by {order}
        """,
        (int(limit), int(offset)),
    )


EXPORT_CHUNK_ROWS = 50_000  # rows per chunk of a streamed download


def project_rows(v: WarehouseVersion, f: Filters, sort: str) -> Iterator[pd.DataFrame]:
    """Every filtered project with the columns of `project_page`, in the order `sort`, in
    chunks of EXPORT_CHUNK_ROWS: the Projects download, streamed from DuckDB (at a
    million projects never one frame in Python, nor cached)."""
    order = f"{PROJECT_SORTS[sort][1]}, p.project_id"
    sql = f"""
        with topics as (
          select t.project_no, string_agg(t.topic, '; ' order by t.topic) as topics
          from project_topics t where {_kept("t", f)}
          group by t.project_no
        )
        select {_TABLE_COLUMNS}, topics.topics
        from projects p left join topics using (project_no)
        where {_kept("p", f)}
        order by {order}
        """
    return db.stream_query(v, sql, selection=_selection(f), rows=EXPORT_CHUNK_ROWS)


def project_ids_without_years(v: WarehouseVersion, f: Filters) -> int:
    """How many projects match the other filters but have no years (hidden by a year range)."""
    others = f.replace(years=None)
    sql = (
        f"select count(*) as n from projects p where {_kept('p', others)} "
        "and not exists (select 1 from project_years y where y.project_no = p.project_no)"
    )
    return int(_run(v, others, sql)["n"].iloc[0])


# --- the map ---------------------------------------------------------------------------------


def project_countries(
    v: WarehouseVersion, f: Filters, max_titles: int | None = None
) -> pd.DataFrame:
    """Projects per country (for the choropleth), with their titles for tooltips — only
    for countries with at most `max_titles` projects when given (else NULL)."""
    if max_titles is None:
        return _run(
            v,
            f,
            f"""
            select c.iso3, c.country, c.region, count(*) as projects,
                   string_agg(p.title, ' · ' order by p.title) as titles
            from project_countries c join projects p using (project_no)
            where {_kept("c", f)}
            group by all order by projects desc, c.country
            """,
        )
    return _run(
        v,
        f,
        f"""
        with counts as (
          select * from {_stored("country_counts", aggregates.country_counts(_kept_by(f)), f)}
        ),
        titled as (
          select c.iso3, c.country, c.region, string_agg(p.title, ' · ' order by p.title) as titles
          from project_countries c join projects p using (project_no)
          where {_kept("c", f)}
            and c.iso3 in (select iso3 from counts where projects <= ?)
          group by all
        )
        select counts.*, titled.titles from counts left join titled using (iso3, country, region)
        order by projects desc, counts.country
        """,
        (int(max_titles),),
    )


def localities(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    return _run(
        v,
        f,
        f"""
        select l.*, p.title, p.pillar, p.region as project_region
        from project_localities l join projects p using (project_no)
        where {_kept("l", f)} order by l.name
        """,
    )


_LOCATED = aggregates.LOCATED


def locality_summary(v: WarehouseVersion, f: Filters) -> dict[str, int]:
    """Localities of the filtered projects: all of them, and those with coordinates."""
    summary = _stored("locality_summary", aggregates.locality_summary(_kept_by(f)), f)
    row = _run(v, f, f"select * from {summary}").iloc[0]
    return {key: int(row[key]) for key in ("localities", "located")}


# Square cells localities are grouped in when there are too many to draw: multiples of
# CLUSTER_STEP degrees, the finest giving at most the page's number of groups.
CLUSTER_STEP = aggregates.LOCALITY_CELL
CLUSTER_CELLS: tuple[int, ...] = (1, 2, 4, 8, 20, 40)  # 0.25° … 10°


def locality_clusters(v: WarehouseVersion, f: Filters, max_groups: int) -> pd.DataFrame:
    """Located localities of the filtered projects grouped in square cells: the finest
    size of CLUSTER_CELLS giving at most `max_groups` groups (else the coarsest). One row
    per group, most localities first: the mean position of its localities (`lon`,
    `lat`), the cell size in degrees (`cell`), its `localities`, the most frequent
    country (`iso3`; of a tie, the first by code) and the number of `countries`.

    Counted from the localities table alone (no join): a group is a place, not a pillar.
    Without filters, from the build's count per finest cell (etl.aggregates).
    """
    # floor(): a cell starts at a multiple of its size, on both sides of 0° (integer
    # division would round toward zero and make the cells at 0° twice as large)
    sizes = " ".join(
        f"when count(distinct (floor(gx / {k}), floor(gy / {k}))) <= ? then {k}"
        for k in CLUSTER_CELLS
    )
    return _run(
        v,
        f,
        f"""
        with fine as (
          select * from {_stored("locality_cells", aggregates.locality_cells(_kept_by(f)), f)}
        ),
        size as (select case {sizes} else {CLUSTER_CELLS[-1]} end as k from fine),
        per_country as (
          select floor(gx / size.k) as cx, floor(gy / size.k) as cy, iso3,
                 any_value(size.k) as k, sum(n) as n, sum(sx) as sx, sum(sy) as sy
          from fine, size group by 1, 2, 3
        )
        select sum(sx) / sum(n) as lon, sum(sy) / sum(n) as lat,
               (any_value(k) * {CLUSTER_STEP})::double as cell,
               sum(n)::bigint as localities,
               first(iso3 order by n desc, iso3) filter (where iso3 is not null) as iso3,
               count(distinct iso3) as countries
        from per_country
        group by cx, cy
        order by localities desc, lat, lon
        """,
        (int(max_groups),) * len(CLUSTER_CELLS),
    )


def unlocated_localities(
    v: WarehouseVersion, f: Filters, iso3: str | None, limit: int
) -> pd.DataFrame:
    """The first `limit` localities without coordinates (by name) of the filtered
    projects, in one country when `iso3` is given: name, iso3, admin level, project title."""
    country, params = ("and l.iso3 = ?", (iso3,)) if iso3 else ("", ())
    source = _first_rows("unlocated_localities", aggregates.unlocated_localities, f, limit, country)
    order = ", ".join(aggregates.UNLOCATED_ORDER)
    sql = f"select name, iso3, admin_level, title from {source} order by {order} limit ?"
    return _run(v, f, sql, params + (int(limit),))


def unlocated_count(v: WarehouseVersion, f: Filters, iso3: str | None) -> int:
    """How many localities of the filtered projects have no coordinates (in `iso3`)."""
    country = "and l.iso3 = ?" if iso3 else ""
    sql = (
        f"select count(*) as n from project_localities l where {_kept('l', f)} "
        f"and not ({_LOCATED}) {country}"
    )
    return int(_run(v, f, sql, (iso3,) if iso3 else ())["n"].iloc[0])


def map_projects(v: WarehouseVersion, f: Filters, iso3: str | None, limit: int) -> pd.DataFrame:
    """The first `limit` filtered projects (by start year, then title) for the list
    beside the map — those in one country when `iso3` is given."""
    country, params = (
        (
            "and exists (select 1 from project_countries c where c.project_no = p.project_no "
            "and c.iso3 = ?)",
            (iso3,),
        )
        if iso3
        else ("", ())
    )
    source = _first_rows("map_projects", aggregates.map_projects, f, limit, country)
    order = aggregates.MAP_PROJECT_ORDER
    return _run(v, f, f"select * from {source} order by {order} limit ?", params + (int(limit),))


# --- the timeline ------------------------------------------------------------------------------


def active_years(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """One row per project and year active, with pillar and region for stacking."""
    year_clause = "and y.year between ? and ?" if f.years else ""
    return _run(
        v,
        f,
        f"""
        select y.year, y.project_id, p.pillar, p.region, p.start_year = y.year as starts
        from project_years y join projects p using (project_no)
        where {_kept("y", f)} {year_clause}
        order by y.year
        """,
        tuple(f.years or ()),
    )


def year_counts(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """Projects active and starting per year, pillar and region (the years of the year
    filter only): `active_years` counted in SQL."""
    years = "and y.year between ? and ?" if f.years else ""
    sql = aggregates.year_counts(_kept_by(f), years)
    return _aggregated(v, f, "year_counts", sql, "year, pillar, region", tuple(f.years or ()))


def unstated_years(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """Projects per year, pillar and region whose activity the source does not state: the
    years after a phase whose end it does not give (`2000-?`), up to the next phase's
    start. They are neither active (`year_counts`) nor a gap: the chart says so."""
    year_clause = "and y.year between ? and ?" if f.years else ""
    return _run(
        v,
        f,
        f"""
        select y.year::integer as year, p.pillar, p.region,
               count(distinct p.project_no)::integer as unstated
        from ({registry.UNSTATED_SPANS}) u
        join projects p using (project_no)
        cross join unnest(range(u.first, u.last + 1)) as y(year)
        where {_kept("p", f)} {year_clause}
        group by all
        order by year
        """,
        tuple(f.years or ()),
    )


# The bars of the Gantt: a project's phases, or the project itself when it has none.
_SPANS = """
    select p.project_id, p.title, p.pillar, p.region, p.record_type,
           coalesce(ph.phase_no, 1) as phase_no, ph.label as phase,
           coalesce(ph.start_year, p.start_year) as start_year,
           coalesce(ph.end_year, case when ph.phase_no is null then p.end_year end)
             as end_year,
           coalesce(ph.ongoing, p.ongoing) as ongoing,
           case when ph.phase_no is null then p.drawn_to_year else ph.drawn_to_year end
             as drawn_to_year
    from projects p left join project_phases ph using (project_id)"""


def _gantt_projects() -> str:
    """One row per project of the Gantt (etl.aggregates.GANTT_PROJECTS), as the build
    keeps it: `g` in the spans queries."""
    return _stored("gantt_projects", aggregates.GANTT_PROJECTS) + " g"


def spans(v: WarehouseVersion, f: Filters, limit: int | None = None) -> pd.DataFrame:
    """One bar per project phase (or per project without phases) for the Gantt.

    With `limit`: the bars of the `limit` projects with years that start first (then
    by title), and at most `limit` projects without years (one row each).
    """
    if limit is None:
        return _run(
            v,
            f,
            f"{_SPANS} where {_kept('p', f)} "
            "order by p.start_year nulls last, p.title, p.project_id, phase_no",
        )
    first = f"select g.project_id from {_gantt_projects()} where {_kept('g', f)}"
    chosen = _run(
        v,
        f,
        f"""
        ({first} and g.first_start is not null order by g.gantt_order limit ?)
        union all
        ({first} and g.first_start is null order by g.gantt_order limit ?)
        """,
        (int(limit), int(limit)),
    )["project_id"].to_list()
    # the chosen projects' bars, by a list of ids (at 1M: 30 ms; `in (select …)` of the
    # chosen projects, joined to `projects` and its phases, took 290 ms)
    return run_query(
        v,
        f"{_SPANS} where list_contains(?::varchar[], p.project_id) "
        "order by p.start_year nulls last, p.title, p.project_id, phase_no",
        (chosen,),
    )


def span_summary(v: WarehouseVersion, f: Filters) -> dict[str, int | None]:
    """The Gantt's projects: how many report years (`dated`, drawn) and how many do not
    (`undated`), and the first and last year their bars name (None: no year at all)."""
    row = _run(
        v,
        f,
        f"""
        select count(first_start) as dated, count(*) - count(first_start) as undated,
               min(low) as first_year, max(high) as last_year
        from {_gantt_projects()} where {_kept("g", f)}
        """,
    ).iloc[0]
    return {key: None if pd.isna(row[key]) else int(row[key]) for key in row.index}


# --- pillars, overview -------------------------------------------------------------------


def facet_counts(v: WarehouseVersion, f: Filters, facet: str) -> pd.DataFrame:
    """Projects per topic / beneficiary group / partner / partner type, split by pillar."""
    sql = aggregates.facet_counts(_kept_by(f), facet)
    return _aggregated(v, f, f"facet_{facet}", sql, "value, pillar")


def pillar_region(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    sql = aggregates.pillar_region(_kept_by(f))
    return _aggregated(v, f, "pillar_region", sql, "pillar, region")


def overview_counts(v: WarehouseVersion, f: Filters) -> dict[str, int | None]:
    """The Overview's headline figures for the filtered projects (the year filter
    bounds the first and last year active)."""
    years = "and y.year between ? and ?" if f.years else ""
    sql = aggregates.overview_counts(_kept_by(f), years)
    row = _aggregated(v, f, "overview_counts", sql, "1", tuple(f.years or ()) * 2).iloc[0]
    return {key: None if pd.isna(row[key]) else int(row[key]) for key in row.index}


def _recent_exchanges(
    f: Filters, limit: int | None, *, with_participants: bool = False
) -> tuple[str, list]:
    """SQL condition on `exchanges e`: the filters, and with `limit` only the `limit`
    most recent of the exchanges they keep (by start date, then id) — of those with
    participants when `with_participants`."""
    where, params = exchange_where(f)
    if limit is None:
        return where, params
    listed = (
        " and exists (select 1 from exchange_participants x where x.exchange_id = e.exchange_id)"
        if with_participants
        else ""
    )
    return (
        f"e.exchange_id in (select e.exchange_id from exchanges e where {where}{listed} "
        "order by e.start_date desc nulls last, e.exchange_id desc limit ?)",
        [*params, int(limit)],
    )


def exchanges(v: WarehouseVersion, f: Filters, limit: int | None = None) -> pd.DataFrame:
    """The filtered exchanges in date order (with `limit`: the most recent `limit`)."""
    where, params = _recent_exchanges(f, limit)
    return run_query(
        v,
        f"""
        select e.*, coalesce(c.countries, 0) as countries
        from exchanges e left join (  -- a join, not a subquery per row: half the time
            select exchange_id, count(distinct iso3) as countries
            from exchange_participants group by exchange_id
        ) c using (exchange_id)
        where {where}
        order by e.start_date nulls last, e.exchange_id
        """,
        tuple(params),
    )


# Participants with their exchange's host and coordinates: the rows a map's arcs need.
_PARTICIPANT_ARCS = """
    select ep.*, e.title, e.host_city, e.host_iso3, e.host_lat, e.host_lon, e.year,
           e.status, e.start_date
    from exchange_participants ep join exchanges e using (exchange_id)
"""


def participants(v: WarehouseVersion, f: Filters, limit: int | None = None) -> pd.DataFrame:
    """Participants of the filtered exchanges (with `limit`: of the most recent `limit`),
    with the host's coordinates for arcs."""
    where, params = _recent_exchanges(f, limit, with_participants=True)
    return run_query(
        v,
        f"{_PARTICIPANT_ARCS} where {where} order by e.start_date, ep.role, ep.country",
        tuple(params),
    )


def exchange_summary(v: WarehouseVersion, f: Filters) -> dict[str, int]:
    """The filtered exchanges counted: all, planned, distinct host cities, distinct
    countries involved (hosts' and participants') and those with participants."""
    where, params = exchange_where(f)
    row = run_query(
        v,
        f"""
        with chosen as (select * from exchanges e where {where})
        select count(*) as exchanges,
               count(*) filter (where status = 'planned') as planned,
               count(distinct host_city) as host_cities,
               (select count(distinct ep.iso3) from exchange_participants ep
                 where ep.exchange_id in (select exchange_id from chosen)) as countries,
               (select count(distinct ep.exchange_id) from exchange_participants ep
                 where ep.exchange_id in (select exchange_id from chosen)) as with_participants
        from chosen
        """,
        tuple(params),
    ).iloc[0]
    return {key: int(row[key]) for key in row.index}


def exchange_kept(v: WarehouseVersion, f: Filters, exchange_id: str) -> bool:
    """Whether the filters keep this exchange."""
    where, params = exchange_where(f)
    sql = f"select count(*) as n from exchanges e where e.exchange_id = ? and {where}"
    return bool(run_query(v, sql, (exchange_id, *params))["n"].iloc[0])


def reported_figures(v: WarehouseVersion) -> pd.DataFrame:
    return run_query(v, "select * from reported_figures order by figure_id")


def documented_counts(
    v: WarehouseVersion, f: Filters, dimensions: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """What the catalogue documents for each reported figure's dimension (filtered):
    `region:<ILO region>`, `year:<YYYY>` and `total`. Only the given `dimensions` (those
    the publication reports a figure for) when given; all of them when None."""
    regions = years = "true"
    params: tuple = ()
    if dimensions is not None:
        wanted_regions = [d.split(":", 1)[1] for d in dimensions if d.startswith("region:")]
        wanted_years = [int(d[5:]) for d in dimensions if d[5:].isdigit() and d[:5] == "year:"]
        regions, years = "list_contains(?::VARCHAR[], region)", "list_contains(?::INT[], year)"
        params = (wanted_regions, wanted_regions, wanted_years)
    return _run(
        v,
        f,
        f"""
        with regions as (
          select distinct c.region, c.project_no from project_countries c
          where {regions} and {_kept("c", f)}
          union select p.region, p.project_no from projects p
          where {regions} and {_kept("p", f)} and p.region <> 'Multi-region'
        )
        select 'region:' || region as dimension, count(distinct project_no) as documented
          from regions group by region
        union all
        select 'year:' || year, count(distinct project_no) from project_years y
          where {years} and {_kept("y", f)} and year between ? and ? group by year
        union all
        select 'total', count(*) from projects p where {_kept("p", f)}
        """,
        params + tuple(f.years or (0, 9999)),
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


def beneficiary_counts(v: WarehouseVersion, f: Filters, limit: int | None = None) -> pd.DataFrame:
    """Counts the source states for the filtered projects, beneficiary groups first,
    largest first (the first `limit` of them when given, cut before titles are joined)."""
    cut = "limit ?" if limit is not None else ""
    return _run(
        v,
        f,
        f"""
        with chosen as (
          select c.* from project_counts c where {_kept("c", f)}
          order by c.is_beneficiary_group desc, c.value desc {cut}
        )
        select c.project_id, p.title, c.label, c.value, c.qualifier, c.is_beneficiary_group
        from chosen c join projects p using (project_no)
        order by c.is_beneficiary_group desc, c.value desc
        """,
        () if limit is None else (int(limit),),
    )


def beneficiary_count_rows(v: WarehouseVersion, f: Filters) -> int:
    """How many counts the source states for the filtered projects."""
    sql = f"select count(*) as n from project_counts c where {_kept('c', f)}"
    return int(_run(v, f, sql)["n"].iloc[0])


def partner_list(
    v: WarehouseVersion, f: Filters, max_titles: int | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Partners of the filtered projects: type, pillars (codes, ';'), projects and titles
    — titles only for partners with at most `max_titles` projects when given (else NULL:
    listing thousands of titles is most of the query's work); the `limit` partners with
    most projects when given."""
    few = "" if max_titles is None else "where c.projects <= ?"
    cut = "" if limit is None else "limit ?"
    params = tuple(int(n) for n in (limit, max_titles) if n is not None)
    counted = _stored("partner_counts", aggregates.partner_counts(_kept_by(f)), f)
    return _run(
        v,
        f,
        f"""
        with counts as (
          select * from {counted} c
          order by c.projects desc, c.partner, c.partner_type nulls first {cut}
        ),
        titled as (
          select pp.partner, pp.partner_type,
                 string_agg(distinct p.title, ' · ' order by p.title) as titles
          from project_partners pp join projects p using (project_no)
          join (select c.partner, c.partner_type from counts c {few}) c
            on c.partner = pp.partner and c.partner_type is not distinct from pp.partner_type
          where {_kept("pp", f)}
          group by all
        )
        select c.*, t.titles from counts c left join titled t
          on t.partner = c.partner and t.partner_type is not distinct from c.partner_type
        order by c.projects desc, c.partner, c.partner_type nulls first
        """,
        params,
    )


def partner_count(v: WarehouseVersion, f: Filters) -> int:
    """How many rows `partner_list` has without a limit (partner and type)."""
    sql = (
        "select count(*) as n from (select distinct partner, partner_type from "
        f"project_partners pp where {_kept('pp', f)})"
    )
    return int(_run(v, f, sql)["n"].iloc[0])


# --- the warehouse as a whole (Data page) -------------------------------------------------


def meta(v: WarehouseVersion) -> dict[str, str]:
    frame = run_query(v, "select key, value from meta")
    return dict(zip(frame["key"], frame["value"], strict=True))


def table(v: WarehouseVersion, name: str) -> pd.DataFrame:
    """A whole warehouse table (for the Data page's downloads)."""
    if not name.replace("_", "").isalnum():
        raise ValueError(name)
    return run_query(v, f'select * from "{name}"')


def table_names(v: WarehouseVersion) -> list[str]:
    frame = run_query(
        v,
        "select table_name from information_schema.tables where table_catalog = current_database() "
        "and table_schema = 'main' order by table_name",
    )
    return list(frame["table_name"])


def columns(v: WarehouseVersion) -> pd.DataFrame:
    return run_query(
        v,
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_schema = 'main' "
        "order by table_name, ordinal_position",
    )


def table_counts(v: WarehouseVersion) -> pd.DataFrame:
    names = table_names(v)
    union = " union all ".join(
        f"select '{t}' as table_name, count(*) as rows from \"{t}\"" for t in names
    )
    return run_query(v, union)


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


def exchange_map_rows(v: WarehouseVersion, exchange_id: str) -> pd.DataFrame:
    """One exchange's participants with its host's coordinates: its own map's arcs (as
    `participants` gives them for the page's map)."""
    return run_query(
        v,
        f"{_PARTICIPANT_ARCS} where e.exchange_id = ? order by ep.role, ep.country",
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
