"""The warehouse built from the curated catalogue reproduces facts a reader can check
in the publication (../shared/seed), and every record carries its source."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def sql(atlas_warehouse):
    con = duckdb.connect(str(atlas_warehouse / "atlas.duckdb"), read_only=True)

    def run(query: str, *params):
        return con.execute(query, list(params)).fetchall()

    yield run
    con.close()


def test_section_3_case_studies_under_the_four_pillars(sql):
    rows = dict(sql("select pillar, count(*) from projects where record_type='project' group by 1"))
    assert sum(rows.values()) == 19  # the case studies of Section 3
    assert rows == {"rights": 5, "employment": 7, "social_protection": 3, "social_dialogue": 4}


def test_programmes_from_boxes(sql):
    programmes = dict(sql("select project_id, region from projects where record_type='programme'"))
    assert programmes["lac-child-labour-free-initiative"] == "Americas"
    green = sql(
        "select country from project_countries where project_id='asia-green-jobs-programme' "
        "order by country"
    )
    assert [c for (c,) in green] == [
        "Bangladesh", "China", "Fiji", "India", "Indonesia",
        "Malaysia", "Nepal", "Philippines", "Sri Lanka", "Thailand",
    ]  # fmt: skip


def test_chefchaouen_exchange_countries(sql):
    rows = sql(
        "select p.iso3, p.role from exchange_participants p join exchanges e using (exchange_id) "
        "where e.host_city = 'Chefchaouen'"
    )
    assert {iso3 for iso3, _ in rows} == {
        "BEN", "BFA", "CIV", "MLI", "MRT", "MAR", "NER", "SEN", "ESP",
    }  # fmt: skip
    assert ("MAR", "host") in rows
    (exchange,) = sql(
        "select start_date, end_date, status, outcome_types from exchanges "
        "where host_city='Chefchaouen'"
    )
    assert str(exchange[0])[:10] == "2014-09-24" and str(exchange[1])[:10] == "2014-09-27"
    assert exchange[2] == "held"
    assert {"declaration", "roadmap", "network"} <= set(exchange[3].split("; "))


def test_sub_national_agendas_five_countries_and_130_million(sql):
    countries = sql(
        "select iso3 from project_countries where project_id='lac-subnational-decent-work-agendas'"
    )
    assert {c for (c,) in countries} == {"BRA", "ARG", "CHL", "PRY", "URY"}
    (row,) = sql(
        "select start_year, ongoing, pillar from projects "
        "where project_id='lac-subnational-decent-work-agendas'"
    )
    assert row == (2007, True, "social_dialogue")
    counts = dict(
        sql(
            "select label, value from project_counts where project_id=?",
            "lac-subnational-decent-work-agendas",
        )
    )
    assert counts["people covered"] == 130_000_000


def test_hazelnut_project_years_and_provinces(sql):
    (row,) = sql(
        "select start_year, end_year, ongoing, region from projects "
        "where project_id='tur-hazelnut-child-labour'"
    )
    assert row == (2012, 2017, False, "Europe and Central Asia")
    years = [
        y
        for (y,) in sql(
            "select year from project_years where project_id=? order by 1",
            "tur-hazelnut-child-labour",
        )
    ]
    assert years == list(range(2012, 2018))
    provinces = {
        n
        for (n,) in sql(
            "select name from project_localities where project_id=?", "tur-hazelnut-child-labour"
        )
    }
    assert {"Ordu", "Sakarya", "Düzce"} <= provinces
    assert any(name.replace("Ş", "S").startswith("Sanl") for name in provinces)


def test_stated_counts(sql):
    youth = sql(
        "select count from project_beneficiaries "
        "where project_id='phl-alternatives-to-migration-youth' and beneficiary_group='youth'"
    )
    assert youth == [(10_000,)]
    qualifiers = dict(
        sql("select label, qualifier from project_counts where qualifier is not null")
    )
    assert qualifiers == {
        "youth": "target_at_least",  # "sought to reach at least 10,000"
        "cities with Decent Work Pacts": "at_least",
        "people covered": "about",  # "covering about 130 million people"
    }
    chile = dict(
        sql(
            "select label, value from project_counts where project_id=?",
            "chl-reconstruction-with-employment",
        )
    )
    assert chile["municipalities"] == 41
    assert 4150 in chile.values()


def test_mozambique_phases_leave_the_gap(sql):
    years = {
        y
        for (y,) in sql(
            "select year from project_years where project_id=?", "moz-leda-sofala-social-protection"
        )
    }
    assert years == set(range(1997, 2004)) | set(range(2006, 2009))


def test_hanna_nassif_phases_are_two_starts_not_two_single_years(sql, atlas_warehouse):
    """ "initial phase 2000, second phase in 2004": the years the phases started. Active
    in 2000 and 2004 (stated); 2001-2003 not stated (neither active nor a gap); no end."""
    from dashboard import queries
    from dashboard.db import warehouse_version
    from dashboard.filters import Filters

    project = "tza-hanna-nassif-upgrading"
    assert sql("select start_year, end_year, ongoing, status from projects where project_id=?",
               project) == [(2000, None, False, "unknown")]  # fmt: skip
    phases = sql("select start_year, end_year, ongoing from project_phases where project_id=? "
                 "order by phase_no", project)  # fmt: skip
    assert phases == [(2000, None, False), (2004, None, False)]
    years = {y for (y,) in sql("select year from project_years where project_id=?", project)}
    assert years == {2000, 2004}
    unstated = queries.unstated_years(warehouse_version(atlas_warehouse), Filters())
    assert unstated["year"].tolist() == [2001, 2002, 2003]
    # the year filter does not call it inactive in those years either
    v = warehouse_version(atlas_warehouse)
    for years, kept in (((2002, 2002), True), ((2001, 2003), True), ((2005, 2006), False)):
        assert queries.project_kept(v, Filters(years=years), project) is kept, years


def test_the_asia_green_jobs_programme_is_ongoing_as_the_text_says(sql):
    """ "currently collaborates": running when the publication was written; its start is
    not stated (2009 is the global programme's)."""
    assert sql("select start_year, end_year, ongoing, status from projects where project_id=?",
               "asia-green-jobs-programme") == [(None, None, True, "ongoing")]  # fmt: skip


def test_reported_figures(sql):
    figures = {
        (d, v, q) for d, v, q in sql("select dimension, value, qualifier from reported_figures")
    }
    assert ("total", 70, "more_than") in figures
    assert ("region:Asia and the Pacific", 36, "exactly") in figures
    assert ("region:Africa", 25, "exactly") in figures
    assert ("region:Americas", 13, "exactly") in figures
    assert ("year:2000", 3, "exactly") in figures
    assert ("year:2014", 18, "exactly") in figures
    assert any(v == 30 for d, v, q in figures if q == "more_than" and d == "total")
    assert sql("select value from reported_figures where unit='year'") == [(2012,)]
    # "For over 15 years the ILO has implemented programmes at the local level"
    assert sql("select value, qualifier from reported_figures where unit='years'") == [
        (15, "more_than")
    ]


def test_every_record_has_its_source(sql):
    for table in ("projects", "exchanges", "reported_figures"):
        missing = sql(f"select count(*) from {table} where coalesce(trim(source_ref), '') = ''")
        assert missing == [(0,)], table
    no_url = sql("select project_id from projects where source_url is null")
    # Only the records whose text cites no link may lack one.
    assert {p for (p,) in no_url} <= {
        "ken-kiambu-decent-work-infrastructure",
        "bra-fifa-world-cup-decent-work",
    }


def test_every_point_traces_to_geonames(sql):
    assert sql(
        "select count(*) from project_localities where lat is not null and geonames_id is null"
    ) == [(0,)]
    assert sql("select count(*) from exchanges where host_lat is null") == [(0,)]


def test_localities_fall_inside_their_country(sql, atlas_warehouse):
    import json
    from pathlib import Path

    from shapely.geometry import Point, shape

    geojson = Path(__file__).resolve().parent.parent / "data" / "reference" / "countries.geojson"
    shapes = {
        f["properties"]["iso3"]: shape(f["geometry"])
        for f in json.loads(geojson.read_text(encoding="utf-8"))["features"]
    }
    outside = []
    rows = sql("select name, iso3, lat, lon from project_localities where lat is not null")
    rows += sql("select city, iso3, lat, lon from exchange_participants where lat is not null")
    for name, iso3, lat, lon in rows:
        # low-res shapes omit small islands (Masbate is 0.38° off): allow 0.5°
        if iso3 in shapes and shapes[iso3].distance(Point(lon, lat)) > 0.5:
            outside.append((name, iso3, lat, lon))
    assert outside == []


def test_nothing_invented_for_unlocated_places(sql):
    unlocated = {n for (n,) in sql("select name from project_localities where lat is null")}
    assert "Hanna Nassif" in unlocated  # a neighbourhood GeoNames' city list lacks
    notes = sql("select count(*) from project_localities where lat is null and notes is null")
    assert notes == [(0,)], "every unlocated place says why"


def test_provenance_names_the_publication_not_a_file_on_a_curators_machine(sql):
    meta = dict(sql("select key, value from meta"))
    assert meta["catalogue_source_title"] == (
        "Localizing the Decent Work Agenda through South-South and City-to-City Cooperation"
    )
    assert "(ILO)" in meta["catalogue_source_publishers"]
    assert "(UCLG)" in meta["catalogue_source_publishers"]
    assert meta["catalogue_source_year"] and meta["catalogue_source_text"]
    assert not any("seed" in v or ".txt" in v for v in meta.values())


def test_a_projects_last_active_year_is_its_last_phases(sql):
    """drawn_to_year is the last year in project_years, also when the last phase's end
    is not stated (Hanna Nassif: 2004, its second phase's start)."""
    mismatched = sql(
        "select p.project_id from projects p join project_years y using (project_no) "
        "group by p.project_id, p.drawn_to_year having max(y.year) <> p.drawn_to_year"
    )
    assert mismatched == []
    assert sql("select drawn_to_year from projects where project_id = ?",
               "tza-hanna-nassif-upgrading") == [(2004,)]  # fmt: skip
