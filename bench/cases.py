"""The queries compared: each is a real function of dashboard/queries.py, called as the
app calls it (a WarehouseVersion and Filters), beside its pandas baseline.

`same_answer` asserts both give the same rows before anything is timed, so the
comparison is between two ways of computing one answer. Where the SQL leaves an order
open (no ORDER BY, or ties), both sides are sorted by `order_key` first; where it
leaves the order *inside* a string_agg open, the parts are sorted (`unordered_lists`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from bench import baseline
from dashboard import queries
from dashboard.db import WarehouseVersion
from dashboard.filters import Filters

PAGE_SIZE = 50  # rows of the Projects table the first screen shows


@dataclass(frozen=True)
class Case:
    """One question the app asks, answered by the Atlas (DuckDB) and by pandas."""

    name: str
    page: str
    atlas: Callable[[WarehouseVersion, Filters], pd.DataFrame]
    pandas: Callable[[baseline.Tables, Filters], pd.DataFrame]
    order_key: tuple[str, ...] = ()  # sort by these before comparing (order left open)
    unordered_lists: tuple[str, ...] = field(default=())  # '; ' lists in arbitrary order


def _atlas_page(v: WarehouseVersion, f: Filters) -> pd.DataFrame:
    """The Projects page: the app's projects query, of which the first screen shows a page."""
    return queries.projects(v, f).head(PAGE_SIZE)


CASES: tuple[Case, ...] = (
    Case(
        "projects per pillar × region",
        "Pillars",
        queries.pillar_region,
        baseline.pillar_region,
        order_key=("pillar", "region"),
    ),
    Case(
        "projects per region, per active year, total",
        "Overview",
        queries.documented_counts,
        baseline.documented_counts,
        order_key=("dimension",),
    ),
    Case(
        "projects per country, with titles",
        "Map",
        queries.project_countries,
        baseline.project_countries,
    ),
    Case(
        "project × active year rows",
        "Timeline",
        queries.active_years,
        baseline.active_years,
        order_key=("year", "project_id"),
    ),
    Case(
        "projects per topic × pillar",
        "Pillars",
        lambda v, f: queries.facet_counts(v, f, "topic"),
        baseline.topic_counts,
        order_key=("value", "pillar"),
    ),
    Case(
        f"projects list, sorted, first {PAGE_SIZE} rows",
        "Projects",
        _atlas_page,
        lambda t, f: baseline.projects_page(t, f, PAGE_SIZE),
        unordered_lists=("beneficiary_groups", "partners"),
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
    """The frame with one dtype per kind of value, lists sorted and open order fixed."""
    frame = frame.reset_index(drop=True).convert_dtypes()
    for column in frame.columns[frame.isna().all()]:  # no values: no dtype to infer
        frame[column] = pd.Series(pd.NA, index=frame.index, dtype=object)
    for column in case.unordered_lists:
        frame[column] = frame[column].map(
            lambda text: text if pd.isna(text) else "; ".join(sorted(text.split("; ")))
        )
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
