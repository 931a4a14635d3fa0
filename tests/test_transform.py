"""The rules computed once in the ETL: a project's status and a span's drawn-to year."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.normalise import Phase
from etl.transform import active_years, drawn_to_year, project_status

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
    con = duckdb.connect(str(mini_warehouse / "atlas.duckdb"), read_only=True)
    as_of = int(con.execute("select value from meta where key = 'as_of_year'").fetchone()[0])
    projects = con.execute(
        "select start_year, end_year, ongoing, status, drawn_to_year from projects"
    ).fetchall()
    phases = con.execute(
        "select start_year, end_year, ongoing, drawn_to_year from project_phases"
    ).fetchall()
    last_years = dict(
        con.execute("select project_id, max(year) from project_years group by 1").fetchall()
    )
    drawn = dict(con.execute("select project_id, drawn_to_year from projects").fetchall())
    con.close()
    assert projects
    for start, end, ongoing, status, drawn_to in projects:
        assert status == project_status(start, end, ongoing, as_of)
        assert drawn_to == drawn_to_year(start, end, ongoing, as_of)
    for start, end, ongoing, drawn_to in phases:
        assert drawn_to == drawn_to_year(start, end, ongoing, as_of)
    # A project's drawn-to year is its last active year.
    assert {pid: y for pid, y in drawn.items() if y is not None} == last_years
