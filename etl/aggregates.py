"""Answers for the whole warehouse, computed once by the build (aggregate-first).

What a page shows before any filter is chosen, what every visitor sees first, is a
group-by over millions of rows at a million projects (0.1-0.5 s each on two cores).
The pages' SQL for those answers is written here, as functions of the filter
condition; the build runs it with no filter and keeps the answers in the DuckDB file's
`aggregates` schema, and dashboard.queries reads them when no filter is set (from a
few rows to tens of thousands: the Map's cells at 1M; lists keep their first
FIRST_ROWS) and runs the same SQL on the tables otherwise. Not exported as Parquet:
derived, and rebuilt with the warehouse.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

SCHEMA = "aggregates"

# A table alias → the SQL condition that the filters keep the project of that row (a
# project_* table or `projects`: each has the project's `project_no`).
Kept = Callable[[str], str]


def every(_alias: str) -> str:
    """No filter: every project is kept."""
    return "true"


def year_counts(kept: Kept, years: str = "") -> str:
    """Projects active and starting per year, pillar and region. `project_years` has
    one row per project and year, so its rows are projects."""
    return f"""
        select y.year, y.pillar, y.region, count(*) as active,
               count(*) filter (where y.starting) as starting
        from project_years y
        where {kept("y")} {years}
        group by all"""


# facet → (table, value, how its rows count as projects). A topic or a beneficiary group
# appears once per project (etl.relations.KEYS); a project may name a partner, or a
# partner type, twice.
FACETS = {
    "topic": ("project_topics", "topic", "count(*)"),
    "group": ("project_beneficiaries", "beneficiary_group", "count(*)"),
    "partner": ("project_partners", "partner", "count(distinct t.project_no)"),
    "partner_type": (
        "project_partners",
        "coalesce(partner_type, 'not stated')",
        "count(distinct t.project_no)",
    ),
}


def facet_counts(kept: Kept, facet: str) -> str:
    """Projects per value of a facet, by pillar (copied onto each table)."""
    table, column, projects = FACETS[facet]
    return f"""
        select {column} as value, t.pillar, {projects} as projects
        from {table} t
        where {kept("t")}
        group by all"""


def pillar_region(kept: Kept) -> str:
    return f"""
        select p.pillar, p.region, count(*) as projects
        from projects p where {kept("p")} group by all"""


def overview_counts(kept: Kept, years: str = "") -> str:
    """The Overview's headline figures: projects, countries, distinct places (name and
    country), the first and last year active, and how many projects state a count."""
    return f"""
        select
          (select count(*) from projects p where {kept("p")}) as projects,
          (select count(distinct c.iso3) from project_countries c
            where {kept("c")}) as countries,
          (select count(*) from (select distinct l.name, l.iso3 from project_localities l
            where {kept("l")})) as places,
          (select min(y.year) from project_years y
            where {kept("y")} {years}) as first_year,
          (select max(y.year) from project_years y
            where {kept("y")} {years}) as last_year,
          (select count(distinct c.project_no) from project_counts c
            where {kept("c")}) as with_counts"""


def partner_counts(kept: Kept) -> str:
    """Each partner (and type) of the kept projects: its pillars (codes, ';') and how
    many projects name it."""
    return f"""
        select pp.partner, pp.partner_type,
               string_agg(distinct pp.pillar, ';' order by pp.pillar) as pillars,
               count(distinct pp.project_no) as projects
        from project_partners pp
        where {kept("pp")}
        group by all"""


# --- the Map ---------------------------------------------------------------------------

LOCATED = "l.lat is not null and l.lon is not null"
# The finest square cells (degrees) localities are counted in; the Map groups these cells
# into larger squares when there are too many localities to draw one by one.
LOCALITY_CELL = 0.25
# An ordered list (the Map's projects, the places without coordinates) keeps this many
# of its first rows for the whole warehouse; a page asking for more runs the SQL. Built
# into the warehouse: a change needs a new SCHEMA_VERSION (older builds hold fewer rows).
FIRST_ROWS = 1000


def country_counts(kept: Kept) -> str:
    """Projects per country."""
    return f"""
        select c.iso3, c.country, c.region, count(*) as projects
        from project_countries c where {kept("c")} group by all"""


def locality_summary(kept: Kept) -> str:
    """Localities of the kept projects: all of them, and those with coordinates."""
    return f"""
        select count(*) as localities, count(*) filter (where {LOCATED}) as located
        from project_localities l where {kept("l")}"""


def locality_cells(kept: Kept) -> str:
    """Located localities per LOCALITY_CELL square (`gx`, `gy`: the cell's corner in
    cells; floor(), so cells on both sides of 0° are the same size) and country, with
    the sums of their positions (for the mean position of a group)."""
    return f"""
        select floor(l.lon / {LOCALITY_CELL})::bigint as gx,
               floor(l.lat / {LOCALITY_CELL})::bigint as gy, l.iso3,
               count(*) as n, sum(l.lon) as sx, sum(l.lat) as sy
        from project_localities l where {kept("l")} and {LOCATED}
        group by 1, 2, 3"""


MAP_PROJECT_ORDER = "start_year nulls last, title, project_id"


def map_projects(kept: Kept, limit: int = FIRST_ROWS, also: str = "") -> str:
    """The first `limit` kept projects by start year, then title (the Map's list);
    `also`: a further condition on `projects p` ("and …")."""
    return f"""
        select p.project_id, p.title, p.pillar, p.start_year, p.end_year, p.ongoing,
               p.countries
        from projects p where {kept("p")} {also}
        order by {MAP_PROJECT_ORDER} limit {int(limit)}"""


# by name; a tie (one project naming a place twice) by country and level
UNLOCATED_ORDER = ("name", "project_id", "iso3", "admin_level")


def unlocated_localities(kept: Kept, limit: int = FIRST_ROWS, also: str = "") -> str:
    """The first `limit` localities without coordinates of the kept projects, by name,
    with their project's title; `also`: a further condition on `project_localities l`."""
    return f"""
        select first.name, first.iso3, first.admin_level, first.project_id, p.title
        from (
          select l.name, l.iso3, l.admin_level, l.project_id, l.project_no
          from project_localities l where {kept("l")} and not ({LOCATED}) {also}
          order by {", ".join(f"l.{c}" for c in UNLOCATED_ORDER)} limit {int(limit)}
        ) first join projects p using (project_no)"""


# One row per project of the Gantt: where its bars start (`first_start`; NULL: no years,
# not drawn), the first and last year its bars name (`low`, `high`), and its place in
# the Gantt's order (`gantt_order`: by first start, then title; projects without years
# last, by title), so the first N are read without sorting a million titles. A phase
# always has a start year (etl.normalise), so a project with phases starts at its first
# phase. Not a function of the filters: the pages filter its rows.
GANTT_PROJECTS = """
    select *, row_number() over (order by first_start nulls last, title, project_id)
      as gantt_order
    from (
      select p.project_id, p.project_no, p.title,
        coalesce(ph.first_start, p.start_year) as first_start,
        case when ph.project_id is null then least(p.start_year, p.end_year, p.drawn_to_year)
             else ph.low end as low,
        case when ph.project_id is null
             then greatest(p.start_year, p.end_year, p.drawn_to_year)
             else ph.high end as high
      from projects p left join (
        select project_id, min(start_year) as first_start,
               min(least(start_year, end_year, drawn_to_year)) as low,
               max(greatest(start_year, end_year, drawn_to_year)) as high
        from project_phases group by project_id
      ) ph using (project_id)
    )"""


AGGREGATES: dict[str, str] = {
    "year_counts": year_counts(every),
    **{f"facet_{facet}": facet_counts(every, facet) for facet in FACETS},
    "pillar_region": pillar_region(every),
    "overview_counts": overview_counts(every),
    "partner_counts": partner_counts(every),
    "gantt_projects": GANTT_PROJECTS,
    "country_counts": country_counts(every),
    "locality_summary": locality_summary(every),
    "locality_cells": locality_cells(every),
    "map_projects": map_projects(every),
    "unlocated_localities": unlocated_localities(every),
}


def build_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    """Compute every aggregate from the tables of `con` (a staged warehouse)."""
    con.execute(f"CREATE SCHEMA {SCHEMA}")
    for name, sql in AGGREGATES.items():
        con.execute(f"CREATE TABLE {SCHEMA}.{name} AS {sql}")
