"""The build's answers for the whole warehouse (etl.aggregates) are what the pages would
compute from the tables: a page with no filter reads them, and must show the same."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import quiet

from dashboard import queries
from dashboard.db import warehouse_version
from dashboard.filters import Filters
from etl.aggregates import AGGREGATES, FIRST_ROWS, SCHEMA
from etl.build import build
from etl.synth import synthesize

# every query that reads an aggregate, with its arguments, and the filters it reads it
# with (the whole-warehouse answers with none; the Gantt's projects with any)
AFRICA = Filters(region=("Africa",))
READERS = {
    "year_counts": (queries.year_counts, (), Filters()),
    "facet_topic": (queries.facet_counts, ("topic",), Filters()),
    "facet_group": (queries.facet_counts, ("group",), Filters()),
    "facet_partner": (queries.facet_counts, ("partner",), Filters()),
    "facet_partner_type": (queries.facet_counts, ("partner_type",), Filters()),
    "pillar_region": (queries.pillar_region, (), Filters()),
    "overview_counts": (queries.overview_counts, (), Filters()),
    "partner_counts": (queries.partner_list, (20, 50), Filters()),
    "gantt_projects": (queries.span_summary, (), Filters()),
    "gantt_projects (filtered)": (queries.span_summary, (), AFRICA),
    "gantt_projects (drawn)": (queries.spans, (5,), Filters()),
    "gantt_projects (drawn, filtered)": (queries.spans, (5,), AFRICA),
    "country_counts": (queries.project_countries, (20,), Filters()),
    "locality_summary": (queries.locality_summary, (), Filters()),
    "locality_cells": (queries.locality_clusters, (40,), Filters()),
    "locality_cells (finest)": (queries.locality_clusters, (100_000,), Filters()),
    "map_projects": (queries.map_projects, (None, 200), Filters()),
    "map_projects (filtered)": (queries.map_projects, (None, 30), AFRICA),
    "unlocated_localities": (queries.unlocated_localities, (None, 50), Filters()),
    "unlocated_localities (filtered)": (queries.unlocated_localities, (None, 50), AFRICA),
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated inventory's warehouse: partners named twice, many places, phases."""
    root = tmp_path_factory.mktemp("aggregates")
    synthesize(800, root / "catalogue", seed=5, progress=quiet)
    build(root / "catalogue", root / "warehouse", progress=quiet)
    return root / "warehouse"


def test_every_aggregate_has_a_reader():
    assert {name.split(" (")[0] for name in READERS} == set(AGGREGATES)


@pytest.mark.parametrize("which", ["curated", "generated"])
@pytest.mark.parametrize("name", list(READERS))
def test_the_unfiltered_answer_is_the_tables_answer(
    monkeypatch, atlas_warehouse, generated, which, name
):
    warehouse = atlas_warehouse if which == "curated" else generated
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(warehouse))
    version = warehouse_version()
    query, args, filters = READERS[name]
    from_aggregate = query(version, filters, *args)
    monkeypatch.setattr(queries, "USE_AGGREGATES", False)
    from_tables = query(version, filters, *args)
    if isinstance(from_tables, pd.DataFrame):
        assert len(from_tables) > 0
        pd.testing.assert_frame_equal(from_aggregate, from_tables)
    elif isinstance(from_tables, dict):
        assert any(from_tables.values())
        assert from_aggregate == from_tables
    else:
        assert from_tables > 0
        assert from_aggregate == from_tables


def test_the_aggregates_stay_out_of_the_tables_a_reader_is_offered(atlas_warehouse, monkeypatch):
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(atlas_warehouse))
    names = queries.table_names(warehouse_version())
    assert "projects" in names and not set(names) & set(AGGREGATES)
    assert not (atlas_warehouse / "parquet" / "year_counts.parquet").exists()
    con = duckdb.connect(str(atlas_warehouse / "atlas.duckdb"), read_only=True)
    try:
        held = con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [SCHEMA]
        ).fetchall()
    finally:
        con.close()
    assert {name for (name,) in held} == set(AGGREGATES)


@pytest.mark.parametrize("filters", [Filters(), AFRICA], ids=["no filter", "Africa"])
@pytest.mark.parametrize("query", [queries.map_projects, queries.unlocated_localities])
def test_the_first_rows_read_are_the_head_of_the_whole_list(monkeypatch, generated, query, filters):
    """The Map reads the first rows of its lists from the build (up to FIRST_ROWS); a
    longer list runs the SQL. Both must give the same rows in the same order."""
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(generated))
    version = warehouse_version()
    first = query(version, filters, None, 40)
    whole = query(version, filters, None, FIRST_ROWS + 1)
    assert len(first) == 40 < len(whole)
    # (values: a column's dtype follows whether the rows read hold a NULL)
    pd.testing.assert_frame_equal(first, whole.head(40), check_dtype=False)
