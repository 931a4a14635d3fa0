"""The rules computed once in the ETL: a project's status, a span's drawn-to year, and
one spelling (so one link code) per topic and beneficiary group."""

from __future__ import annotations

import csv

import pytest
from conftest import quiet, sql_rows
from hypothesis import given
from hypothesis import strategies as st

from etl.build import build
from etl.normalise import Phase, slug
from etl.transform import active_years, drawn_to_year, one_spelling, project_status

AS_OF = 2015


@pytest.mark.parametrize(
    ("start", "end", "ongoing", "expected"),
    [
        (2010, None, True, "ongoing"),  # flagged ongoing
        (None, None, True, "ongoing"),
        (2012, 2018, False, "ongoing"),  # stated end after the as-of year, started by then
        (2015, 2016, False, "ongoing"),
        (2016, 2018, False, "completed"),  # not started by the as-of year
        (None, 2018, False, "completed"),
        (2010, 2015, False, "completed"),
        (2010, 2012, False, "completed"),
        (2010, None, False, "unknown"),
        (None, None, False, "unknown"),
        (None, None, None, "unknown"),
    ],
)
def test_project_status_as_of_the_source_year(start, end, ongoing, expected):
    assert project_status(start, end, ongoing, AS_OF) == expected


@pytest.mark.parametrize(
    ("start", "end", "ongoing", "expected"),
    [
        (2013, None, True, AS_OF),  # ongoing: through the as-of year
        (2017, None, True, 2017),  # ...or its start, if later
        (1997, 2003, False, 2003),
        (2011, None, False, 2011),  # a start year alone: that year
        (None, 2003, False, None),  # no start: not drawn
        (None, None, True, None),
    ],
)
def test_drawn_to_year(start, end, ongoing, expected):
    assert drawn_to_year(start, end, ongoing, AS_OF) == expected


@given(
    start=st.integers(1990, 2020),
    length=st.none() | st.integers(0, 10),
    ongoing=st.booleans(),
)
def test_active_years_end_at_the_drawn_to_year(start, length, ongoing):
    end = None if ongoing or length is None else start + length
    project = {"phases": [], "start_year": start, "end_year": end, "ongoing": ongoing}
    years = [y for y, _ in active_years(project, AS_OF)]
    assert years == list(range(start, drawn_to_year(start, end, ongoing, AS_OF) + 1))
    phased = {**project, "phases": [Phase("Phase 1", start, end, ongoing)]}
    assert [y for y, _ in active_years(phased, AS_OF)] == years


def test_warehouse_status_and_drawn_to_year(mini_warehouse):
    as_of = int(sql_rows(mini_warehouse, "select value from meta where key = 'as_of_year'")[0][0])
    projects = sql_rows(
        mini_warehouse, "select start_year, end_year, ongoing, status, drawn_to_year from projects"
    )
    phases = sql_rows(
        mini_warehouse, "select start_year, end_year, ongoing, drawn_to_year from project_phases"
    )
    last_years = dict(
        sql_rows(mini_warehouse, "select project_id, max(year) from project_years group by 1")
    )
    drawn = dict(sql_rows(mini_warehouse, "select project_id, drawn_to_year from projects"))
    assert projects
    for start, end, ongoing, status, drawn_to in projects:
        assert status == project_status(start, end, ongoing, as_of)
        assert drawn_to == drawn_to_year(start, end, ongoing, as_of)
    for start, end, ongoing, drawn_to in phases:
        assert drawn_to == drawn_to_year(start, end, ongoing, as_of)
    # A project's drawn-to year is its last active year.
    assert {pid: y for pid, y in drawn.items() if y is not None} == last_years


@given(
    st.lists(
        st.sampled_from(
            [
                "Child labour",
                "child-labour",
                "CHILD LABOUR",
                "tourism",
                "Tourisme",
                "employers' organizations",
                "Employers organizations",
            ]
        ),
        min_size=1,
    )
)
def test_one_spelling_per_slug(values):
    spelling = one_spelling(values)
    assert set(spelling) == set(values)
    by_slug = {}
    for value, chosen in spelling.items():
        assert slug(chosen) == slug(value) and chosen in values
        by_slug.setdefault(slug(value), set()).add(chosen)
    assert all(len(chosen) == 1 for chosen in by_slug.values())  # one spelling per code
    # the most used spelling wins
    for chosen in spelling.values():
        same = [v for v in values if slug(v) == slug(chosen)]
        assert same.count(chosen) == max(same.count(v) for v in same)


def test_two_spellings_of_a_topic_are_one_value_in_the_warehouse(tmp_path, mini_catalogue):
    """A link code names one topic whatever spellings the catalogue uses."""
    path = mini_catalogue / "projects.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[1]["topics"] = "Local-economic development; youth employment"  # phl-youth, spelt apart
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    build(mini_catalogue, tmp_path / "wh", progress=quiet)
    topics = sql_rows(tmp_path / "wh", "select topic, count(*) from project_topics group by 1")
    spellings = [t for t, _ in topics if slug(t) == "local-economic-development"]
    assert spellings == ["local economic development"]  # the spelling moz-leda and an exchange use
    assert dict(topics)["local economic development"] == 2
