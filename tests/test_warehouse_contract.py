"""The warehouse honours DESIGN.md's output contract and the README's data dictionary:
the same tables and columns in DuckDB and Parquet, and the documented meanings."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.dictionary import readme_dictionary

# DESIGN.md's fixed names (more columns are welcome, these must exist).
CONTRACT = {
    "projects": "project_id title record_type pillar start_year end_year ongoing region "
    "summary beneficiaries source_ref source_url status drawn_to_year",
    "project_countries": "project_id iso3 country region",
    "project_localities": "project_id name iso3 lat lon admin_level",
    "project_topics": "project_id topic",
    "project_beneficiaries": "project_id beneficiary_group count",
    "project_partners": "project_id partner partner_type",
    "project_years": "project_id year",
    "project_phases": "project_id phase_no start_year end_year ongoing drawn_to_year",
    "exchanges": "exchange_id title host_city host_iso3 start_date end_date kind status "
    "summary outcome source_ref",
    "exchange_participants": "exchange_id iso3 city role",
    "reported_figures": "figure_id metric dimension value unit source_ref",
    "meta": "key value",
}


def columns_of(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(f'describe "{table}"').fetchall()]


def test_contract_tables_and_columns_exist(mini_warehouse):
    con = duckdb.connect(str(mini_warehouse / "atlas.duckdb"), read_only=True)
    for table, names in CONTRACT.items():
        missing = set(names.split()) - set(columns_of(con, table))
        assert not missing, f"{table} lacks {missing}"
    meta = dict(con.execute("select key, value from meta").fetchall())
    con.close()
    assert {"built_at", "source", "synthetic", "schema_version"} <= set(meta)
    assert meta["synthetic"] == "false"


def test_readme_documents_exactly_the_warehouse(mini_warehouse):
    documented = {name: list(doc.columns) for name, doc in readme_dictionary().items()}
    con = duckdb.connect(str(mini_warehouse / "atlas.duckdb"), read_only=True)
    tables = [  # the tables (the aggregates schema is described in prose below them)
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall()
    ]
    assert sorted(documented) == sorted(tables)
    for table in tables:
        if table == "meta":
            continue
        assert documented[table] == columns_of(con, table), table
    con.close()


@pytest.mark.parametrize("table", list(CONTRACT))
def test_parquet_matches_duckdb(mini_warehouse, table):
    con = duckdb.connect(str(mini_warehouse / "atlas.duckdb"), read_only=True)
    expected = con.sql(f'select * from "{table}"').to_arrow_table()
    con.close()
    actual = pq.read_table(mini_warehouse / "parquet" / f"{table}.parquet")
    assert actual.column_names == expected.column_names
    assert actual.num_rows == expected.num_rows
    assert actual.to_pylist() == expected.to_pylist()


def test_synthetic_flag_is_recorded(mini_catalogue, tmp_path):
    from etl.build import build

    build(mini_catalogue, tmp_path / "wh", synthetic=True, progress=lambda m: None)
    con = duckdb.connect(str(tmp_path / "wh" / "atlas.duckdb"), read_only=True)
    assert con.execute("select value from meta where key='synthetic'").fetchone() == ("true",)
    con.close()


@pytest.mark.parametrize(
    ("table", "break_it", "message"),
    [
        (  # an id twice (under a new number)
            "projects",
            lambda t: pd.concat([t, t.iloc[:1].assign(project_no=t["project_no"].max() + 1)]),
            "key (project_id) repeats",
        ),
        (  # two projects under one number: a filter would keep both or neither
            "projects",
            lambda t: t.assign(project_no=t["project_no"].clip(upper=2)),
            "projects: project_no repeats",
        ),
        (
            "project_years",
            lambda t: pd.concat([t, t.iloc[:1]]),
            "key (project_id, year) repeats",
        ),
        (  # a repeat right after itself: in key order, but not strictly increasing
            "project_years",
            lambda t: pd.concat([t.iloc[:1], t]),
            "key (project_id, year) repeats",
        ),
        (
            "project_topics",
            lambda t: t.assign(project_id=t["project_id"].str.upper()),
            "refers to missing projects",
        ),
        (  # the right id with another project's number: filters would keep the wrong rows
            "project_countries",
            lambda t: t.assign(project_no=t["project_no"] % t["project_no"].max() + 1),
            "refers to missing projects (or to another's number)",
        ),
        (  # the pages count its rows as projects
            "project_beneficiaries",
            lambda t: pd.concat([t, t.iloc[:1]]),
            "key (project_id, beneficiary_group) repeats",
        ),
        (  # a copied column that disagrees with projects would miscount every chart
            "project_partners",
            lambda t: t.assign(pillar="rights"),
            "project_partners: pillar differ from projects",
        ),
        (
            "project_years",
            lambda t: t.assign(starting=~t["starting"]),
            "project_years: pillar, region, starting differ from projects",
        ),
    ],
)
def test_a_build_that_breaks_keys_never_replaces_the_warehouse(
    mini_catalogue, mini_warehouse, table, break_it, message
):
    """The key and foreign-key checks run in SQL on the staged warehouse: a table that
    breaks them stops the build, and the published warehouse stays as it was."""
    from conftest import tree_digest

    from etl.build import load
    from etl.transform import build_tables
    from etl.warehouse import publish

    before = tree_digest(mini_warehouse)
    catalogue, _ = load(mini_catalogue)
    tables = build_tables(catalogue, source="test")
    tables[table] = break_it(tables[table])
    with pytest.raises(ValueError, match=re.escape(message)):
        publish(tables, mini_warehouse, progress=lambda m: None)
    assert tree_digest(mini_warehouse) == before


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1990, 1993)), max_size=12))
def test_the_key_order_shortcut_never_passes_a_repeated_key(keys):
    """etl.relations reads project_years' keys in storage order and skips the group-by
    when they only increase: it may only say so when no key repeats, and must say so
    for keys in strictly increasing order."""
    from etl.relations import _strictly_increasing

    with duckdb.connect() as con:
        con.execute("create table t (project_no integer, year bigint)")
        if keys:
            con.executemany("insert into t values (?, ?)", keys)
        passed = _strictly_increasing(con, "t", ["project_no", "year"])
    if passed:
        assert len(set(keys)) == len(keys)
    assert passed == (keys == sorted(set(keys)))
