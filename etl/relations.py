"""Keys and foreign keys of the warehouse, checked in SQL on the staged DuckDB file.

Hash joins over millions of rows take DuckDB a fraction of a second (pandas took
seconds). A failure means a bug in the ETL: the build stops before the swap.
Kept apart from `etl.contract` so that the app, which imports `etl.warehouse`,
never loads pandera.
"""

from __future__ import annotations

import duckdb
import numpy as np

from etl.transform import COPIED_COLUMNS

# the columns that identify a row of each table
KEYS = {
    "projects": ("project_id",),
    "project_countries": ("project_id", "iso3"),
    "project_topics": ("project_id", "topic"),  # the pages count rows as projects
    "project_beneficiaries": ("project_id", "beneficiary_group"),
    "project_years": ("project_id", "year"),
    "exchanges": ("exchange_id",),
    "reported_figures": ("figure_id",),
    "meta": ("key",),
}

# (child table, parent table, key column shared by both)
FOREIGN_KEYS = [
    *(
        (child, "projects", "project_id")
        for child in (
            "project_countries",
            "project_localities",
            "project_topics",
            "project_beneficiaries",
            "project_partners",
            "project_years",
            "project_phases",
            "project_counts",
        )
    ),
    ("exchange_participants", "exchanges", "exchange_id"),
    ("exchange_topics", "exchanges", "exchange_id"),
]


def check_relations(con: duckdb.DuckDBPyConnection) -> None:
    """Raise if a row refers to a missing parent or a key repeats (staged tables)."""
    repeated = con.execute(
        "select project_no from projects group by all having count(*) > 1 limit 5"
    ).fetchall()
    if repeated:
        raise ValueError(f"projects: project_no repeats: {repeated}")
    for child, parent, key in FOREIGN_KEYS:
        # a project's rows carry its number too: the pair must be the project's
        numbered = parent == "projects"
        orphans = con.execute(
            f'select distinct c."{key}" from "{child}" c anti join "{parent}" p '
            f'using ("{key}"{", project_no" if numbered else ""}) order by 1 limit 20'
        ).fetchall()
        if orphans:
            missing = [row[0] for row in orphans]
            also = " (or to another's number)" if numbered else ""
            raise ValueError(f"{child}.{key} refers to missing {parent}{also}: {missing}")
    for table, key in KEYS.items():
        # past the pairs' check (and project_no unique), a project_* row's number stands
        # for its project's id, and groups faster
        by = ["project_no" if c == "project_id" and table != "projects" else c for c in key]
        if table in _IN_KEY_ORDER and _strictly_increasing(con, table, by):
            continue
        repeated = con.execute(
            f'select {", ".join(by)} from "{table}" group by all having count(*) > 1 limit 5'
        ).fetchall()
        if repeated:
            raise ValueError(
                f"{table}: key ({', '.join(key)}) repeats: ({', '.join(by)}) {repeated}"
            )
    for table, columns in COPIED_COLUMNS.items():
        differs = " or ".join(
            f"c.{c} is distinct from {_COPIED_FROM.get(c, 'p.' + c)}" for c in columns
        )
        wrong = con.execute(
            f'select distinct c.project_id from "{table}" c join projects p using (project_no) '
            f"where {differs} order by 1 limit 20"
        ).fetchall()
        if wrong:
            raise ValueError(f"{table}: {', '.join(columns)} differ from projects: {wrong}")


# Tables the ETL writes in the order of their integer key (project, then year): read in
# storage order, a key that only ever increases cannot repeat, which NumPy checks in a
# fraction of the time a group-by over millions of rows takes (1.2 s for project_years
# at 1M). Any other order falls back to the group-by.
_IN_KEY_ORDER = {"project_years"}


def _strictly_increasing(con: duckdb.DuckDBPyConnection, table: str, by: list[str]) -> bool:
    """Whether the integer columns `by` of `table`, read in storage order, increase
    strictly (compared as tuples): then no key repeats. False proves nothing."""
    columns = con.execute(f'select {", ".join(by)} from "{table}"').fetchnumpy()
    arrays = [columns[c] for c in by]
    if any(np.ma.isMaskedArray(a) or a.dtype.kind not in "iu" for a in arrays):
        return False  # NULLs or not integers: leave it to the group-by
    undecided = np.ones(max(len(arrays[0]) - 1, 0), dtype=bool)  # pairs equal so far
    for values in arrays:
        before, after = values[:-1], values[1:]
        if np.any(undecided & (after < before)):
            return False
        undecided &= after == before
    return not undecided.any()


# how each copied column is computed from `projects` (default: the column of that name)
_COPIED_FROM = {"starting": "coalesce(c.year = p.start_year, false)"}
