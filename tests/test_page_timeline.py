"""The Timeline page in Streamlit's AppTest: the charts show what the warehouse holds,
filters and the URL-bound choices (measure, stack) change them, nothing raises."""

from __future__ import annotations

from pathlib import Path

import apptest_support
from apptest_support import bars, chart
from conftest import sql_rows
from streamlit.testing.v1 import AppTest

from dashboard import formatting, scale, theme
from dashboard.figures import short_title
from dashboard.figures import timeline as tl

PAGE = "pages/timeline.py"


def open_page(monkeypatch, warehouse: Path, **params) -> AppTest:
    return apptest_support.open_page(monkeypatch, warehouse, PAGE, **params)


def counted(spec: dict) -> list[dict]:
    """The per-year chart's bars of projects counted (not the hatched "activity not
    stated" segment, which is no project's active year)."""
    return [t for t in bars(spec) if t["name"].replace("<br>", " ") != tl.UNSTATED_NAME]


def stacked_totals(spec: dict) -> dict[int, int]:
    totals: dict[int, int] = {}
    for trace in counted(spec):
        for x, y in zip(trace["x"], trace["y"], strict=True):
            totals[int(x)] = totals.get(int(x), 0) + int(y)
    return {year: n for year, n in totals.items() if n}


AFRICA_IDS = (
    "select project_id from projects p where p.region = 'Africa' or exists (select 1 from "
    "project_countries c where c.project_id = p.project_id and c.region = 'Africa')"
)


def test_projects_active_per_year_equal_the_warehouse(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    spec = chart(at, "timeline_per_year")
    expected = dict(
        sql_rows(
            atlas_warehouse, "select year, count(distinct project_id) from project_years group by 1"
        )
    )
    assert stacked_totals(spec) == expected
    assert {t["name"].replace("<br>", " ") for t in counted(spec)} <= set(
        theme.category_order("pillar")
    )
    for trace in counted(spec):
        assert (
            trace["marker"]["color"]
            == theme.colour_map("pillar")[trace["name"].replace("<br>", " ")]
        )
    # The publication's counts for 2000 and 2014 sit on the same axis, as reported.
    reported = dict(
        sql_rows(
            atlas_warehouse,
            "select cast(substr(dimension, 6) as int), value from reported_figures "
            "where dimension like 'year:%'",
        )
    )
    (marker,) = [t for t in spec["data"] if t["name"].replace("<br>", " ") == tl.REPORTED_NAME]
    assert dict(zip(marker["x"], marker["y"], strict=True)) == reported == {2000: 3, 2014: 18}
    as_of = sql_rows(atlas_warehouse, "select value from meta where key = 'as_of_year'")[0][0]
    assert any(f"counted as active through {as_of}" in c.value for c in at.caption)


def test_region_filter_keeps_exactly_the_regions_projects_and_exchanges(
    monkeypatch, atlas_warehouse
):
    at = open_page(monkeypatch, atlas_warehouse, region="africa")
    gantt = chart(at, "timeline_gantt")
    drawn = [row[0] for trace in bars(gantt) for row in trace["customdata"]]
    dated = {
        r[0]
        for r in sql_rows(
            atlas_warehouse,
            f"select project_id from projects where project_id in ({AFRICA_IDS}) "
            "and start_year is not null",
        )
    }
    assert set(drawn) == dated and dated
    # One bar per phase (a project without phases is one bar).
    phases = sql_rows(
        atlas_warehouse,
        f"select count(*) from projects p left join project_phases ph using (project_id) "
        f"where p.project_id in ({AFRICA_IDS}) and p.start_year is not null",
    )[0][0]
    assert len(drawn) == phases
    per_year = chart(at, "timeline_per_year")
    expected = dict(
        sql_rows(
            atlas_warehouse,
            f"select year, count(distinct project_id) from project_years "
            f"where project_id in ({AFRICA_IDS}) group by 1",
        )
    )
    assert stacked_totals(per_year) == expected
    exchanges = chart(at, "timeline_exchanges")
    shown = sum(h.count("<b>") for t in exchanges["data"] for h in t["hovertext"])
    count = sql_rows(
        atlas_warehouse,
        "select count(*) from exchanges e where e.host_region = 'Africa' or exists (select 1 "
        "from exchange_participants ep where ep.exchange_id = e.exchange_id "
        "and ep.region = 'Africa')",
    )[0][0]
    assert shown == count
    assert any("Filtered by ILO region: Africa" in c.value for c in at.caption)


def test_projects_without_years_are_listed_not_drawn(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    undated = [
        r[0]
        for r in sql_rows(atlas_warehouse, "select title from projects where start_year is null")
    ]
    assert undated
    text = " ".join(m.value for m in at.markdown)
    assert f"**Years not reported** ({len(undated)})" in text
    gantt = chart(at, "timeline_gantt")
    rows = set(gantt["layout"]["yaxis"]["categoryarray"])
    for title in undated:
        assert formatting.md(title) in text  # catalogue text, made safe for markdown
        assert short_title(title) not in rows


def test_ongoing_projects_end_at_as_of_year_with_an_arrow(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    gantt = chart(at, "timeline_gantt")
    ongoing = sql_rows(  # drawn: those with a start year (the others are listed, undated)
        atlas_warehouse, "select count(*) from projects where ongoing and start_year is not null"
    )[0][0]
    as_of = int(sql_rows(atlas_warehouse, "select value from meta where key = 'as_of_year'")[0][0])
    (arrows,) = [t for t in gantt["data"] if t["name"].replace("<br>", " ") == tl.ONGOING_NAME]
    assert len(arrows["y"]) == ongoing > 0
    assert set(arrows["x"]) == {as_of + 0.5}
    assert all("ongoing" in h for h in arrows["hovertext"])


def test_stack_by_region_switches_the_series_to_region_names(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    pillar_names = {t["name"].replace("<br>", " ") for t in counted(chart(at, "timeline_per_year"))}
    assert pillar_names == set(theme.category_order("pillar"))
    at.segmented_control(key="stack").set_value("region").run()
    assert not at.exception
    spec = chart(at, "timeline_per_year")
    region_names = {t["name"].replace("<br>", " ") for t in counted(spec)}
    regions = {r[0] for r in sql_rows(atlas_warehouse, "select distinct region from projects")}
    assert region_names == regions
    for trace in counted(spec):
        assert trace["marker"]["color"] == theme.REGION_COLOURS[trace["name"]]
    # The same totals, only split differently.
    assert stacked_totals(spec) == dict(
        sql_rows(
            atlas_warehouse, "select year, count(distinct project_id) from project_years group by 1"
        )
    )


def test_measure_and_stack_come_from_the_url(monkeypatch, atlas_warehouse):
    # Bound widgets put their displayed option in the URL: ?measure=Starting&stack=Region.
    at = open_page(monkeypatch, atlas_warehouse, measure="Starting", stack="Region")
    assert at.segmented_control(key="measure").value == "starting"
    assert at.segmented_control(key="stack").value == "region"
    spec = chart(at, "timeline_per_year")
    assert {t["name"].replace("<br>", " ") for t in counted(spec)} <= set(theme.REGION_ORDER)
    starts = dict(
        sql_rows(
            atlas_warehouse,
            "select start_year, count(*) from projects where start_year is not null group by 1",
        )
    )
    assert stacked_totals(spec) == starts
    assert [s.value for s in at.subheader][0] == "Projects starting per year"


def test_a_year_range_sets_one_x_range_on_every_time_chart(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, years=["2010", "2013"])
    for key in ("timeline_per_year", "timeline_gantt", "timeline_exchanges"):
        assert chart(at, key)["layout"]["xaxis"]["range"] == [2010 - 0.6, 2013 + 0.8], key
    assert set(stacked_totals(chart(at, "timeline_per_year"))) == {2010, 2011, 2012, 2013}


def test_nothing_matching_shows_the_empty_state(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, q="zzzz-no-such-word")
    assert any("No projects or exchanges match" in m.value for m in at.markdown)
    assert not at.get("plotly_chart")


def test_exchanges_only_show_one_card_for_the_projects_not_empty_frames(
    monkeypatch, atlas_warehouse
):
    """A search only exchanges match: the project charts give way to the one empty-state
    card (with Clear), as on the other pages; the exchanges chart stays."""
    at = open_page(monkeypatch, atlas_warehouse, q="Chefchaouen")
    assert any("No projects match" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 1
    assert any(b.label == "Clear all filters" for b in at.button)
    chart(at, "timeline_exchanges")  # it is the exchanges' chart


def test_projects_only_show_one_card_for_the_exchanges(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, q="hazelnut")
    assert any("No exchanges match" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 2  # per year and spans


def test_project_only_filters_are_named_as_not_narrowing_the_exchanges(
    monkeypatch, atlas_warehouse
):
    at = open_page(monkeypatch, atlas_warehouse, pillar="social_dialogue")
    (note,) = [i.value for i in at.info if "not apply to City-to-City exchanges" in i.value]
    assert "Decent Work pillar" in note
    assert not open_page(monkeypatch, atlas_warehouse).info


def test_reported_counts_only_beside_comparable_counts(monkeypatch, atlas_warehouse):
    def names(at):
        return [t["name"].replace("<br>", " ") for t in chart(at, "timeline_per_year")["data"]]

    reported = "Reported by the publication (PARDEV 2014)"
    assert reported in names(open_page(monkeypatch, atlas_warehouse))
    assert reported in names(open_page(monkeypatch, atlas_warehouse, years=["2000", "2010"]))
    # all-project counts beside a region's projects, or beside starts, would mislead
    assert reported not in names(open_page(monkeypatch, atlas_warehouse, region="africa"))
    assert reported not in names(open_page(monkeypatch, atlas_warehouse, measure="Starting"))


# --- at scale: the Gantt draws the first N projects and says so (a small N stands in) ----


def test_the_gantt_draws_the_first_projects_and_names_the_others(monkeypatch, atlas_warehouse):
    monkeypatch.setattr(scale, "GANTT_ROWS", 4)
    at = open_page(monkeypatch, atlas_warehouse)
    gantt = chart(at, "timeline_gantt")
    drawn = {row[0] for trace in bars(gantt) for row in trace["customdata"]}
    first = sql_rows(
        atlas_warehouse,
        "select project_id from projects where start_year is not null "
        "order by start_year, title, project_id limit 4",
    )
    assert drawn == {r[0] for r in first}
    dated = sql_rows(atlas_warehouse, "select count(*) from projects where start_year is not null")
    (note,) = [i.value for i in at.info if "start first" in i.value]
    assert f"the 4 projects that start first, of {dated[0][0]}" in note
    assert f"{dated[0][0] - 4} more are not drawn" in note and "filters" in note
    # the per-year chart still counts every project
    expected = dict(
        sql_rows(
            atlas_warehouse, "select year, count(distinct project_id) from project_years group by 1"
        )
    )
    assert stacked_totals(chart(at, "timeline_per_year")) == expected


def test_every_project_drawn_means_no_note(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    assert not [i for i in at.info if "start first" in i.value]


def test_undated_projects_beyond_the_limit_are_counted(monkeypatch, atlas_warehouse):
    monkeypatch.setattr(scale, "GANTT_ROWS", 1)
    at = open_page(monkeypatch, atlas_warehouse)
    undated = sql_rows(atlas_warehouse, "select count(*) from projects where start_year is null")
    n = undated[0][0]
    assert n > 1
    text = " ".join(m.value for m in at.markdown)
    assert f"**Years not reported** ({n})" in text
    assert any(f"… and {n - 1} more" in c.value for c in at.caption)


def test_a_long_list_of_undated_projects_is_cut_to_a_few(monkeypatch, atlas_warehouse):
    # at 1M: 30,161 projects without years, of which the page listed 60 as bullets
    monkeypatch.setattr(scale, "UNDATED_LISTED", 1)
    at = open_page(monkeypatch, atlas_warehouse)
    (first,) = sql_rows(
        atlas_warehouse,
        "select title from projects where start_year is null order by title, project_id limit 1",
    )
    n = sql_rows(atlas_warehouse, "select count(*) from projects where start_year is null")[0][0]
    items = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert len(items) == 1 and formatting.md(first[0]) in items[0]
    (note,) = [c.value for c in at.caption if c.value.startswith("… and")]
    assert note.startswith(f"… and {n - 1} more (the first 1 by title are listed)")


def test_only_the_most_recent_exchanges_are_drawn_and_the_page_says_so(
    monkeypatch, atlas_warehouse
):
    monkeypatch.setattr(scale, "EXCHANGES_SHOWN", 2)
    at = open_page(monkeypatch, atlas_warehouse)
    total = sql_rows(atlas_warehouse, "select count(*) from exchanges")[0][0]
    exchanges = chart(at, "timeline_exchanges")
    shown = sum(h.count("<b>") for t in exchanges["data"] for h in t["hovertext"])
    assert shown == 2
    assert any(f"The 2 most recent of {total} City-to-City exchanges" in i.value for i in at.info)


def test_years_the_source_leaves_unstated_are_hatched_and_dotted(monkeypatch, atlas_warehouse):
    """Hanna Nassif's phases give only their start years (2000, 2004): the per-year chart
    hatches 2001-2003 instead of counting them or leaving a gap, and the Gantt draws a
    dotted line after each start, which the captions explain."""
    at = open_page(monkeypatch, atlas_warehouse)
    spec = chart(at, "timeline_per_year")
    (hatched,) = [t for t in spec["data"] if t["name"].replace("<br>", " ") == tl.UNSTATED_NAME]
    by_year = {int(x): int(y) for x, y in zip(hatched["x"], hatched["y"], strict=True) if y}
    assert by_year == {2001: 1, 2002: 1, 2003: 1}
    gantt = chart(at, "timeline_gantt")
    (dotted,) = [
        t for t in gantt["data"] if t["name"].replace("<br>", " ") == tl.END_NOT_STATED_NAME
    ]
    (row,) = {y for y in dotted["y"] if y}  # one project's row, twice
    assert row.startswith("Upgrading an unplanned")
    assert [x for x in dotted["x"] if x is not None] == [2000.5, 2003.5, 2004.5, 2004.8]
    assert any("Hatched" in c.value for c in at.caption)
    assert any("dotted line" in c.value for c in at.caption)
    # the starting measure: no hatching
    at.segmented_control(key="measure").set_value("starting").run()
    spec = chart(at, "timeline_per_year")
    assert not [t for t in spec["data"] if t["name"].replace("<br>", " ") == tl.UNSTATED_NAME]
