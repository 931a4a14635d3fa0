"""Keys and foreign keys of the warehouse, checked in SQL on the staged DuckDB file.

Hash joins over millions of rows take DuckDB a fraction of a second (pandas took
seconds). A failure means a bug in the ETL: the build stops before the swap.
Kept apart from `etl.contract` so that the app, which imports `etl.warehouse`,
never loads pandera.
"""

from __future__ import annotations

import duckdb

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
    """Raise if a key repeats or a row refers to a missing parent (staged tables)."""
    for table, key in KEYS.items():
        columns = ", ".join(f'"{c}"' for c in key)
        repeated = con.execute(
            f'select {columns} from "{table}" group by all having count(*) > 1 limit 5'
        ).fetchall()
        if repeated:
            raise ValueError(f"{table}: key ({', '.join(key)}) repeats: {repeated}")
    for child, parent, key in FOREIGN_KEYS:
        # a project's rows carry its number too: the pair must be the project's
        pair = f'"{key}", project_no' if parent == "projects" else f'"{key}"'
        orphans = con.execute(
            f'select distinct c."{key}" from "{child}" c anti join "{parent}" p '
            f"using ({pair}) order by 1 limit 20"
        ).fetchall()
        if orphans:
            missing = [row[0] for row in orphans]
            raise ValueError(
                f"{child}.{key} refers to missing {parent} (or to another's number): {missing}"
            )
    for table, columns in COPIED_COLUMNS.items():
        differs = " or ".join(
            f"c.{c} is distinct from {_COPIED_FROM.get(c, 'p.' + c)}" for c in columns
        )
        wrong = con.execute(
            f'select distinct c.project_id from "{table}" c join projects p using (project_id) '
            f"where {differs} order by 1 limit 20"
        ).fetchall()
        if wrong:
            raise ValueError(f"{table}: {', '.join(columns)} differ from projects: {wrong}")


# how each copied column is computed from `projects` (default: the column of that name)
_COPIED_FROM = {"starting": "coalesce(c.year = p.start_year, false)"}
