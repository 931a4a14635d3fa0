"""The queries pages use at scale (counted, paged, grouped or cut in SQL) give what the
whole tables give: checked on the mini and curated catalogues with small limits, against
SQL written here or the full-table queries. No timing: targets live in bench/."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_filter_clauses import ALL_PROJECTS, PROJECT_CASES

from dashboard import db, queries
from dashboard.db import WarehouseVersion, run_query, warehouse_version
from dashboard.figures import timeline as tl
from dashboard.filters import Filters


@pytest.fixture
def mini(monkeypatch, mini_warehouse) -> WarehouseVersion:
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(mini_warehouse))
    return warehouse_version()


@pytest.fixture
def atlas(monkeypatch, atlas_warehouse) -> WarehouseVersion:
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(atlas_warehouse))
    return warehouse_version()


FILTERS = [Filters(), *(f for f, _ in PROJECT_CASES.values())]
AFRICA = Filters(region=("Africa",))
AFRICA_IDS = (
    "select project_id from projects p where p.region = 'Africa' or exists (select 1 from "
    "project_countries c where c.project_id = p.project_id and c.region = 'Africa')"
)


# --- projects: counted and paged ---------------------------------------------------------


@pytest.mark.parametrize("case", list(PROJECT_CASES))
def test_the_count_is_the_number_of_projects_the_filters_keep(mini, case):
    filters, expected = PROJECT_CASES[case]
    assert queries.project_count(mini, filters) == len(expected)
    for project_id in ALL_PROJECTS:
        assert queries.project_kept(mini, filters, project_id) == (project_id in expected)


@pytest.mark.parametrize("sort", list(queries.PROJECT_SORTS))
def test_pages_cover_every_project_once_in_the_chosen_order(atlas, sql, sort):
    total = queries.project_count(atlas, Filters())
    pages = [queries.project_page(atlas, Filters(), sort, first, 4) for first in range(0, total, 4)]
    assert all(len(page) == 4 for page in pages[:-1]) and 0 < len(pages[-1]) <= 4
    paged = pd.concat(pages, ignore_index=True)
    order = f"{queries.PROJECT_SORTS[sort][1]}, p.project_id"
    expected = [r[0] for r in sql(f"select p.project_id from projects p order by {order}")]
    assert list(paged["project_id"]) == expected
    # the columns of the full query, for these rows (topics included)
    full = queries.projects(atlas, Filters()).set_index("project_id")
    for row in paged.itertuples():
        assert row.title == full.at[row.project_id, "title"]
        assert (row.topics or None) == (full.at[row.project_id, "topics"] or None)


def test_a_page_keeps_the_filters(atlas, sql):
    expected = {r[0] for r in sql(AFRICA_IDS)}
    page = queries.project_page(atlas, AFRICA, "title", 0, 1000)
    assert set(page["project_id"]) == expected
    assert list(page["title"]) == sorted(page["title"])  # titles are distinct here
    assert queries.project_page(atlas, AFRICA, "title", len(expected), 10).empty


def test_the_default_order_is_the_tables(atlas):
    """The first sort is the order of `projects` (the table looks as it did)."""
    first = next(iter(queries.PROJECT_SORTS))
    page = queries.project_page(atlas, Filters(), first, 0, 1000)
    assert list(page["project_id"]) == list(queries.projects(atlas, Filters())["project_id"])


@pytest.mark.parametrize("sort", list(queries.PROJECT_SORTS))
@pytest.mark.parametrize("filters", [Filters(), AFRICA], ids=["none", "africa"])
def test_the_download_streams_every_page_in_chunks(monkeypatch, atlas, sort, filters):
    """`project_rows` (the Projects download) is the table's pages one after the other,
    in chunks of at most EXPORT_CHUNK_ROWS, with the same columns and values."""
    monkeypatch.setattr(queries, "EXPORT_CHUNK_ROWS", 4)
    chunks = list(queries.project_rows(atlas, filters, sort))
    total = queries.project_count(atlas, filters)
    assert [len(c) for c in chunks] == [4] * (total // 4) + ([total % 4] if total % 4 else [])
    streamed = pd.concat(chunks, ignore_index=True)
    paged = queries.project_page(atlas, filters, sort, 0, total)
    assert list(streamed.columns) == list(paged.columns)
    assert streamed.astype(object).equals(paged.astype(object))


def test_a_download_of_nothing_still_has_its_columns(atlas):
    (chunk,) = queries.project_rows(atlas, Filters(q="no such words zzz"), "start")
    assert chunk.empty and "project_id" in chunk and "topics" in chunk


def test_typed_columns_keep_their_type_in_every_chunk(monkeypatch, atlas):
    """A chunk whose end years are all given is typed as one that has a missing end
    year: integers, never floats (one Parquet schema, no "2012.0" in a CSV)."""
    monkeypatch.setattr(queries, "EXPORT_CHUNK_ROWS", 1)
    dtypes = {str(c["end_year"].dtype) for c in queries.project_rows(atlas, Filters(), "start")}
    assert dtypes == {"Int64"}


def _catalogue_with_titles(catalogue: Path, titles: list[str]) -> None:
    """Give the projects of a catalogue copy these titles, in row order."""
    import csv

    path = catalogue / "projects.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row, title in zip(rows, titles, strict=False):
        row["title"] = title
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_titles_sort_as_a_reader_expects_not_in_byte_order(monkeypatch, tmp_path, mini_catalogue):
    """Case and accents do not decide the order: "apprenticeship" comes before
    "Zambia" and "Égypte" among the E's (byte order puts every capital first and
    accented capitals after "z")."""
    from conftest import quiet

    from etl.build import build

    titles = ["Zambia youth", "apprenticeship", "Égypte: emplois", "eagle", "Decent", "zebra"]
    _catalogue_with_titles(mini_catalogue, titles)
    build(mini_catalogue, tmp_path / "sorted", progress=quiet)
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(tmp_path / "sorted"))
    version = warehouse_version()
    expected = ["apprenticeship", "Decent", "eagle", "Égypte: emplois", "Zambia youth", "zebra"]
    shown = list(queries.project_page(version, Filters(), "title", 0, 100)["title"])
    assert shown == expected
    shown = list(queries.project_page(version, Filters(), "title_desc", 0, 100)["title"])
    assert shown == expected[::-1]


# --- the timeline ------------------------------------------------------------------------


@pytest.mark.parametrize("filters", FILTERS, ids=["none", *PROJECT_CASES])
def test_year_counts_are_the_project_years_counted(mini, filters):
    counted = queries.year_counts(mini, filters)
    expected = tl.count_years(queries.active_years(mini, filters))
    key = ["year", "pillar", "region"]
    got = counted.sort_values(key).reset_index(drop=True)
    want = expected.sort_values(key).reset_index(drop=True)
    assert (
        got[key + ["active", "starting"]]
        .astype(str)
        .equals(want[key + ["active", "starting"]].astype(str))
    )


def test_the_gantt_takes_the_projects_that_start_first(atlas, sql):
    dated = sql(
        "select project_id from projects where start_year is not null "
        "order by start_year, title, project_id"
    )
    undated = sql("select project_id from projects where start_year is null order by title")
    spans = queries.spans(atlas, Filters(), 3)
    assert set(spans["project_id"]) == {r[0] for r in dated[:3]} | {r[0] for r in undated[:3]}
    # every phase of the projects taken: their bars, as the full query gives them
    full = queries.spans(atlas, Filters())
    taken = full[full["project_id"].isin(spans["project_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(spans.reset_index(drop=True), taken)
    summary = queries.span_summary(atlas, Filters())
    assert (summary["dated"], summary["undated"]) == (len(dated), len(undated))
    years = [y for c in ("start_year", "end_year", "drawn_to_year") for y in full[c].dropna()]
    assert (summary["first_year"], summary["last_year"]) == (min(years), max(years))


def test_the_gantt_note_says_how_many_are_not_drawn():
    assert tl.gantt_note(21, 21) is None
    note = tl.gantt_note(60, 1_000_000)
    assert "60 projects that start first, of 1,000,000" in note
    assert "999,940 more are not drawn" in note and "filters" in note


# --- the map -------------------------------------------------------------------------------


def test_locality_counts(atlas, sql):
    total, located = sql(
        "select count(*), count(*) filter (where lat is not null and lon is not null) "
        "from project_localities"
    )[0]
    assert queries.locality_summary(atlas, Filters()) == {"localities": total, "located": located}
    assert queries.unlocated_count(atlas, Filters(), None) == total - located
    in_africa = sql(
        f"select count(*) from project_localities where project_id in ({AFRICA_IDS}) "
        "and lat is null"
    )[0][0]
    assert queries.unlocated_count(atlas, AFRICA, None) == in_africa


@pytest.mark.parametrize("max_groups", [1, 5, 10_000])
def test_groups_hold_every_located_locality(atlas, sql, max_groups):
    groups = queries.locality_clusters(atlas, Filters(), max_groups)
    located = sql("select count(*) from project_localities where lat is not null")[0][0]
    assert groups["localities"].sum() == located
    assert groups["cell"].nunique() == 1
    cell = groups["cell"].iloc[0]
    # the finest cell giving at most max_groups groups (the coarsest when none does)
    if max_groups == 10_000:
        assert cell == queries.CLUSTER_STEP * queries.CLUSTER_CELLS[0]
    else:
        assert len(groups) <= max_groups or cell == queries.CLUSTER_STEP * 40
    # each group's position is the mean of its localities, inside its cell
    for row in groups.itertuples():
        assert -180 <= row.lon <= 180 and -90 <= row.lat <= 90
        assert row.countries >= 1 and len(row.iso3) == 3


def test_groups_at_the_finest_cell_are_the_localities_per_cell(atlas, sql):
    groups = queries.locality_clusters(atlas, Filters(), 10_000)
    expected = sql(
        "select count(*) from project_localities where lat is not null "
        "group by floor(lon / 0.25), floor(lat / 0.25) order by 1 desc"
    )
    assert sorted(groups["localities"], reverse=True) == [r[0] for r in expected]


def test_unlocated_localities_are_cut_in_name_order(atlas, sql):
    expected = sql(
        "select l.name, p.title from project_localities l join projects p using (project_id) "
        "where l.lat is null order by l.name, l.project_id"
    )
    shown = queries.unlocated_localities(atlas, Filters(), None, 2)
    assert list(zip(shown["name"], shown["title"], strict=True)) == expected[:2]
    iso3 = sql("select iso3 from project_localities where lat is null limit 1")[0][0]
    in_country = queries.unlocated_localities(atlas, Filters(), iso3, 100)
    assert set(in_country["iso3"]) == {iso3}
    assert len(in_country) == queries.unlocated_count(atlas, Filters(), iso3)


def test_the_list_beside_the_map_is_cut_and_narrowed(atlas, sql):
    everything = queries.projects(atlas, Filters())
    first = queries.map_projects(atlas, Filters(), None, 5)
    assert list(first["project_id"]) == list(everything["project_id"][:5])
    in_brazil = {r[0] for r in sql("select project_id from project_countries where iso3='BRA'")}
    assert set(queries.map_projects(atlas, Filters(), "BRA", 100)["project_id"]) == in_brazil


def test_country_tooltips_name_titles_only_for_few_projects(atlas):
    full = queries.project_countries(atlas, Filters()).set_index("iso3")
    cut = queries.project_countries(atlas, Filters(), 1).set_index("iso3")
    assert cut["projects"].equals(full["projects"])
    for iso3, row in cut.iterrows():
        if row["projects"] <= 1:
            assert row["titles"] == full.at[iso3, "titles"]
        else:
            assert pd.isna(row["titles"])
    assert list(cut.index) == list(full.index)  # the same order (most projects first)


# --- overview, pillars, exchanges --------------------------------------------------------


def test_overview_counts_equal_sql(atlas, sql):
    counts = queries.overview_counts(atlas, AFRICA)
    ids = AFRICA_IDS
    assert counts["projects"] == sql(f"select count(*) from ({ids})")[0][0]
    assert (
        counts["countries"]
        == sql(f"select count(distinct iso3) from project_countries where project_id in ({ids})")[
            0
        ][0]
    )
    assert (
        counts["places"]
        == sql(
            "select count(*) from (select distinct name, iso3 from project_localities "
            f"where project_id in ({ids}))"
        )[0][0]
    )
    assert (counts["first_year"], counts["last_year"]) == sql(
        f"select min(year), max(year) from project_years where project_id in ({ids})"
    )[0]
    assert (
        counts["with_counts"]
        == sql(
            f"select count(distinct project_id) from project_counts where project_id in ({ids})"
        )[0][0]
    )


def test_documented_counts_of_the_reported_dimensions_only(atlas):
    full = queries.documented_counts(atlas, Filters())
    wanted = ("region:Africa", "year:2014", "total", "cities")
    some = queries.documented_counts(atlas, Filters(), wanted)
    assert set(some["dimension"]) == {"region:Africa", "year:2014", "total"}
    expected = full[full["dimension"].isin(some["dimension"])]
    assert dict(zip(some["dimension"], some["documented"], strict=True)) == dict(
        zip(expected["dimension"], expected["documented"], strict=True)
    )


def test_counts_the_source_states_are_cut_to_the_largest(atlas, sql):
    full = queries.beneficiary_counts(atlas, Filters())
    assert queries.beneficiary_count_rows(atlas, Filters()) == len(full)
    cut = queries.beneficiary_counts(atlas, Filters(), 3)
    assert list(cut["value"]) == list(full["value"][:3])


def test_partner_titles_and_rows_are_cut(atlas):
    full = queries.partner_list(atlas, Filters()).set_index(["partner", "partner_type"])
    cut = queries.partner_list(atlas, Filters(), 1, 2)
    assert len(cut) == 2 and queries.partner_count(atlas, Filters()) == len(full)
    assert list(cut["projects"]) == list(full["projects"][:2])
    for row in queries.partner_list(atlas, Filters(), 1).itertuples():
        expected = full.loc[(row.partner, row.partner_type)]
        assert row.projects == expected["projects"] and row.pillars == expected["pillars"]
        if row.projects <= 1:  # titles only for partners with few projects
            assert row.titles == expected["titles"]
        else:
            assert pd.isna(row.titles)


def test_an_exchange_counts_its_participant_countries_and_zero_without_any(mini):
    """The City-to-City lists' "countries" column: distinct participant countries, and 0
    (never missing) for an exchange the source lists no participant for."""
    shown = queries.exchanges(mini, Filters()).set_index("exchange_id")["countries"]
    expected = run_query(
        mini,
        "select e.exchange_id, count(distinct p.iso3) as n from exchanges e "
        "left join exchange_participants p using (exchange_id) group by all",
    ).set_index("exchange_id")["n"]
    assert shown.to_dict() == expected.to_dict()
    assert 0 in shown.to_list() and shown.max() > 1  # both kinds are in the mini catalogue


def test_exchanges_most_recent_first_cut_and_counted(atlas, sql):
    newest = sql(
        "select exchange_id from exchanges order by start_date desc nulls last, "
        "exchange_id desc limit 2"
    )
    shown = queries.exchanges(atlas, Filters(), 2)
    assert set(shown["exchange_id"]) == {r[0] for r in newest}
    assert list(shown["start_date"]) == sorted(shown["start_date"])  # in date order
    summary = queries.exchange_summary(atlas, Filters())
    assert summary["exchanges"] == sql("select count(*) from exchanges")[0][0]
    assert summary["host_cities"] == sql("select count(distinct host_city) from exchanges")[0][0]
    assert (
        summary["countries"] == sql("select count(distinct iso3) from exchange_participants")[0][0]
    )
    with_participants = sql(
        "select e.exchange_id from exchanges e where exists (select 1 from "
        "exchange_participants p where p.exchange_id = e.exchange_id) "
        "order by start_date desc nulls last, exchange_id desc limit 2"
    )
    drawn = queries.participants(atlas, Filters(), 2)
    assert set(drawn["exchange_id"]) == {r[0] for r in with_participants}


# --- the warehouse connection: search index and shared selections -----------------------


def test_search_reads_the_folded_index(mini):
    """The search index folds case and accents as the ETL's text is searched."""
    assert set(queries.projects(mini, Filters(q="FILIPÍNO"))["project_id"]) == {"phl-youth"}
    assert set(queries.projects(mini, Filters(q="filipino youth"))["project_id"]) == {"phl-youth"}
    assert queries.projects(mini, Filters(q="filipino zzz")).empty
    assert set(queries.exchanges(mini, Filters(q="SÉMINAR"))["exchange_id"]) == {"odienne-2015"}
    tables = set(
        run_query(
            mini,
            "select table_name from information_schema.tables where table_catalog = 'memory'",
        )["table_name"]
    )
    assert {"search_projects", "search_exchanges"} <= tables


def test_selections_are_shared_and_the_oldest_dropped(monkeypatch, mini):
    monkeypatch.setattr(db, "MAX_SELECTIONS", 2)

    def selections() -> set[str]:
        sql = (
            "select table_name from information_schema.tables "
            "where table_catalog = 'memory' and table_name like 'selection_%'"
        )
        return set(run_query(mini, sql)["table_name"])

    queries.project_count(mini, AFRICA)
    queries.year_counts(mini, AFRICA)  # the same filters: the same selection
    assert len(selections()) == 1
    for case in ("pillar", "topic", "group"):
        filters, expected = PROJECT_CASES[case]
        assert queries.project_count(mini, filters) == len(expected)
    assert len(selections()) == 2
    assert queries.project_count(mini, AFRICA) == 2  # rebuilt after being dropped


def test_in_memory_tables_are_not_warehouse_tables(mini, mini_warehouse: Path):
    queries.project_count(mini, Filters(q="youth"))
    assert not [t for t in queries.table_names(mini) if t.startswith(("search", "selection"))]
    assert set(queries.columns(mini)["table_name"]) == set(queries.table_names(mini))


@pytest.mark.parametrize("max_groups", [3, 10_000])
def test_groups_are_floor_aligned_cells_with_exact_country_counts(atlas, sql, max_groups):
    """Each group is one square cell starting at a multiple of its size (also west of
    0° and south of the equator), and says how many countries it really holds."""
    groups = queries.locality_clusters(atlas, Filters(), max_groups)
    cell = groups["cell"].iloc[0]
    expected = sql(
        f"select count(*)::bigint, count(distinct iso3)::bigint, min(lon), max(lon), "
        f"min(lat), max(lat) from project_localities where lat is not null "
        f"and lon is not null group by floor(lon / {cell}), floor(lat / {cell}) "
        "order by 1 desc"
    )
    assert sorted((int(r.localities), int(r.countries)) for r in groups.itertuples()) == sorted(
        (n, countries) for n, countries, *_ in expected
    )
    for _, _, west, east, south, north in expected:
        assert east - west < cell and north - south < cell  # one cell, never two
