"""The queries compared: each is a real function of dashboard/queries.py, called as the
app calls it (a WarehouseVersion and Filters), beside its pandas baseline.

`same_answer` asserts both give the same rows before anything is timed, so the
comparison is between two ways of computing one answer. Where the SQL leaves an order
open (no ORDER BY, or ties), both sides are sorted by `order_key` first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from bench import baseline
from dashboard import queries, scale
from dashboard.db import WarehouseVersion
from dashboard.filters import Filters


@dataclass(frozen=True)
class Case:
    """One question the app asks, answered by the Atlas (DuckDB) and by pandas."""

    name: str
    page: str
    atlas: Callable[[WarehouseVersion, Filters], pd.DataFrame]
    pandas: Callable[[baseline.Tables, Filters], pd.DataFrame]
    order_key: tuple[str, ...] = ()  # sort by these before comparing (order left open)


def _atlas_overview(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    return pd.DataFrame([queries.overview_counts(v, f)])  # a dict of figures: one row


def _atlas_page(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """The Projects page's first page, in its default order."""
    return queries.project_page(v, f, "start", 0, scale.PROJECT_TABLE_ROWS)


# The dimensions of the publication's reported figures (data/catalogue): the Overview
# and Data pages count what the catalogue documents for those of its warehouse. A
# generated inventory reports none; these stand in for an inventory that does.
PUBLICATION_DIMENSIONS = ("total", "region:Africa", "region:Americas",
                          "region:Asia and the Pacific", "year:2000", "year:2014")  # fmt: skip

# What the pages run on a filter change (pages/*.py), with the pages' own limits.
CASES: tuple[Case, ...] = (
    Case(
        "headline figures",
        "Overview",
        _atlas_overview,
        baseline.overview_counts,
    ),
    Case(
        "projects per pillar × region",
        "Pillars",
        queries.pillar_region,
        baseline.pillar_region,
        order_key=("pillar", "region"),
    ),
    Case(
        "projects per topic × pillar",
        "Pillars",
        lambda v, f: queries.facet_counts(v, f, "topic"),
        baseline.topic_counts,
        order_key=("value", "pillar"),
    ),
    Case(
        f"projects per country, titles where ≤ {scale.TOOLTIP_TITLES}",
        "Map",
        lambda v, f: queries.project_countries(v, f, scale.TOOLTIP_TITLES),
        lambda t, f: baseline.project_countries(t, f, scale.TOOLTIP_TITLES),
    ),
    Case(
        "projects active and starting per year × pillar × region",
        "Timeline",
        queries.year_counts,
        baseline.year_counts,
    ),
    Case(
        "documented counts beside the publication's figures",
        "Overview",
        lambda v, f: queries.documented_counts(v, f, PUBLICATION_DIMENSIONS),
        lambda t, f: baseline.documented_counts(t, f, PUBLICATION_DIMENSIONS),
        order_key=("dimension",),
    ),
    Case(
        f"projects table, first page ({scale.PROJECT_TABLE_ROWS} rows, by start year)",
        "Projects",
        _atlas_page,
        lambda t, f: baseline.project_page(t, f, scale.PROJECT_TABLE_ROWS),
    ),
)

FILTER_SETS: dict[str, Filters] = {
    "no filter": Filters(),
    "Africa + Asia, 2 pillars, 2005–2012": Filters(
        region=("Africa", "Asia and the Pacific"),
        pillar=("employment", "social_protection"),
        years=(2005, 2012),
    ),
}


def _comparable(frame: pd.DataFrame, case: Case) -> pd.DataFrame:
    """The frame with one dtype per kind of value and any open order fixed."""
    frame = frame.reset_index(drop=True).convert_dtypes()
    for column in frame.columns[frame.isna().all()]:  # no values: no dtype to infer
        frame[column] = pd.Series(pd.NA, index=frame.index, dtype=object)
    if case.order_key:
        frame = frame.sort_values(list(case.order_key), kind="stable").reset_index(drop=True)
    return frame


def same_answer(case: Case, atlas: pd.DataFrame, pandas: pd.DataFrame) -> None:
    """Raise AssertionError, naming the case, unless both give the same rows and columns."""
    try:
        pd.testing.assert_frame_equal(
            _comparable(atlas, case), _comparable(pandas, case), check_dtype=False
        )
    except AssertionError as exc:
        raise AssertionError(f"{case.name}: DuckDB and pandas disagree: {exc}") from exc
