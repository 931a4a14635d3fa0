"""Named queries against the warehouse. Pure: version in, DataFrame out."""

from __future__ import annotations

import pandas as pd

from dashboard.db import WarehouseVersion, run_query

TABLES = (
    "projects",
    "project_countries",
    "project_localities",
    "project_topics",
    "project_beneficiaries",
    "project_partners",
    "project_years",
    "exchanges",
    "exchange_participants",
    "reported_figures",
)


def table_counts(version: WarehouseVersion) -> pd.DataFrame:
    union = " union all ".join(
        f"select '{t}' as table_name, count(*) as rows from {t}" for t in TABLES
    )
    return run_query(version, union)


def meta(version: WarehouseVersion) -> dict[str, str]:
    frame = run_query(version, "select key, value from meta")
    return dict(zip(frame["key"], frame["value"], strict=True))


def projects_by_pillar_and_region(version: WarehouseVersion) -> pd.DataFrame:
    return run_query(
        version,
        """
        select pillar_label as pillar, region, count(*) as projects
        from projects group by all order by pillar, region
        """,
    )
