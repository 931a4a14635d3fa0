"""Timeline figure builders: pure functions checked on small hand-made tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import exports, formatting, i18n, theme
from dashboard.figures import (
    SHORT_TITLE_LIMIT,
    STANDALONE,
    for_presentation,
    short_title,
    standalone,
    unique_labels,
)
from dashboard.figures import timeline as tl
from etl.transform import drawn_to_year

AS_OF = 2015

REPORTED = pd.DataFrame(
    {
        "figure_id": ["total", "asia", "y2000", "y2014", "cities"],
        "metric": ["projects"] * 4 + ["cities"],
        "dimension": ["total", "region:Asia and the Pacific", "year:2000", "year:2014", "total"],
        "value": [70.0, 36.0, 3.0, 18.0, 30.0],
        "qualifier": ["more_than", "exactly", "exactly", "exactly", "more_than"],
        "unit": ["projects"] * 4 + ["cities"],
        "source_ref": ["Section 3"] * 5,
    }
)


def active_rows(projects: list[tuple[str, str, str, list[int]]]) -> pd.DataFrame:
    """(project_id, pillar, region, years) → rows as queries.active_years returns them."""
    rows = [
        {"year": y, "project_id": pid, "pillar": pillar, "region": region, "starts": y == years[0]}
        for pid, pillar, region, years in projects
        for y in years
    ]
    return pd.DataFrame(rows, columns=["year", "project_id", "pillar", "region", "starts"])


def name_of(trace) -> str:
    """A trace's legend name as read: the per-year chart wraps long names in lines."""
    return (trace.name or "").replace("<br>", " ")


def bar_traces(fig):
    return [t for t in fig.data if t.type == "bar"]


def stacked_totals(fig) -> dict[int, int]:
    totals: dict[int, int] = {}
    for trace in bar_traces(fig):
        for x, y in zip(trace.x, trace.y, strict=True):
            totals[int(x)] = totals.get(int(x), 0) + int(y)
    return totals


SMALL = active_rows(
    [
        ("a", "rights", "Africa", [2000, 2001, 2002]),
        ("b", "employment", "Americas", [2001, 2002]),
        ("c", "employment", "Africa", [2002]),
        ("d", "social_dialogue", "Multi-region", [2004]),
    ]
)


# --- projects per year ---------------------------------------------------------------------


def test_per_year_stacks_distinct_projects_by_pillar_in_theme_colours():
    fig, table = tl.per_year(tl.count_years(SMALL), reported=REPORTED)
    names = [name_of(t) for t in bar_traces(fig)]
    assert names == [
        theme.PILLAR_LABELS["rights"],
        theme.PILLAR_LABELS["employment"],
        theme.PILLAR_LABELS["social_dialogue"],
    ]
    for trace in bar_traces(fig):
        assert trace.marker.color == theme.colour_map("pillar")[name_of(trace)]
    assert stacked_totals(fig) == {2000: 1, 2001: 2, 2002: 3, 2003: 0, 2004: 1}
    assert fig.layout.barmode == "stack"
    # The table gives every year of the span (2003 with none), and the reported count.
    assert table["year"].tolist() == [2000, 2001, 2002, 2003, 2004]
    assert table["total active"].tolist() == [1, 2, 3, 0, 1]
    assert table["reported by the publication"].tolist()[0] == 3
    # a count reads as one: "3" in the CSV, not "3.0" (QA); empty where none is reported
    csv = exports.csv_bytes(table).decode("utf-8-sig").splitlines()
    header = csv[0].split(",")
    column = header.index("reported by the publication")
    assert [line.split(",")[column] for line in csv[1:]] == ["3", "", "", "", ""]


def test_per_year_stacked_by_region_names_regions():
    fig, _ = tl.per_year(tl.count_years(SMALL), stack="region")
    names = [name_of(t) for t in bar_traces(fig)]
    assert names == ["Africa", "Americas", "Multi-region"]
    for trace in bar_traces(fig):
        assert trace.marker.color == theme.REGION_COLOURS[name_of(trace)]
    assert stacked_totals(fig) == {2000: 1, 2001: 2, 2002: 3, 2003: 0, 2004: 1}


def test_starting_counts_each_project_once_in_its_first_year():
    fig, table = tl.per_year(tl.count_years(SMALL), measure="starting")
    assert stacked_totals(fig) == {2000: 1, 2001: 1, 2002: 1, 2003: 0, 2004: 1}
    assert "total starting" in table.columns
    assert fig.layout.yaxis.title.text == "Projects starting"


def test_reported_counts_are_black_diamonds_at_2000_and_2014():
    fig, _ = tl.per_year(tl.count_years(SMALL), reported=REPORTED)
    reported = [t for t in fig.data if name_of(t) == tl.REPORTED_NAME]
    assert len(reported) == 1
    marker = reported[0]
    assert list(marker.x) == [2000, 2014]
    assert list(marker.y) == [3, 18]
    assert marker.marker.symbol == "diamond"
    assert marker.marker.color == "#000000"
    assert "reports 3 projects" in marker.hovertext[0]
    # Only per-year figures become markers: totals, regions and cities do not.
    assert len(marker.x) == 2


def test_reported_counts_use_the_one_qualifier_wording():
    more_than = REPORTED.assign(qualifier="more_than")
    fig, _ = tl.per_year(tl.count_years(SMALL), reported=more_than)
    (marker,) = [t for t in fig.data if name_of(t) == tl.REPORTED_NAME]
    word = theme.QUALIFIER_WORDS["more_than"]
    assert f"reports {word} 3 projects" in marker.hovertext[0]


def test_reported_markers_need_no_catalogue_row_in_that_year():
    only_2010 = active_rows([("a", "rights", "Africa", [2010])])
    fig, _ = tl.per_year(tl.count_years(only_2010), reported=REPORTED)
    assert [name_of(t) for t in fig.data][-1] == tl.REPORTED_NAME


def test_per_year_legend_fills_the_alignment_margin_on_the_page_and_goes_on_top_alone():
    """Issue 12 item 9: the margin that lines the per-year chart's years up with the
    Gantt's left 40% of it blank; the legend sits there now, and a standalone copy (an
    image, a slide) drops the margin and puts the legend back on top."""
    fig, _table = tl.per_year(tl.count_years(SMALL), reported=REPORTED)
    assert fig.layout.margin.l == tl.LEFT_MARGIN  # years line up with the Gantt's
    legend = fig.layout.legend
    assert (legend.xref, legend.x, legend.orientation) == ("container", 0, "v")
    lines = [line for t in fig.data for line in t.name.split("<br>")]
    assert max(len(line) for line in lines) <= tl.LEGEND_WRAP  # fits beside the axis
    alone = standalone(fig)
    assert alone.layout.margin.l <= 20 and alone.layout.yaxis.automargin
    assert alone.layout.legend.xref == "paper" and alone.layout.legend.y > 1
    assert alone.layout.legend.orientation == "h"
    assert STANDALONE not in (alone.layout.meta or {})
    assert fig.layout.legend.xref == "container"  # the page's figure is left as it was
    shown = for_presentation(fig)  # larger text no longer fits the margin: legend on top
    assert shown.layout.legend.xref == "paper" and shown.layout.margin.l == tl.LEFT_MARGIN


def test_standalone_gantt_keeps_room_for_its_labels_only():
    spans = pd.DataFrame(
        {
            "project_id": ["p"],
            "title": ["A project with a long title that needs the margin"],
            "phase": [None],
            "phase_no": [1],
            "start_year": [2001],
            "end_year": [2003],
            "ongoing": [False],
            "drawn_to_year": [2003],
            "pillar": ["rights"],
            "region": ["Africa"],
        }
    )
    fig, _table, _missing = tl.gantt(spans)
    alone = standalone(fig)
    assert alone.layout.margin.l <= 20
    assert alone.layout.yaxis.automargin  # Plotly grows the margin to the titles' width


def test_standalone_leaves_a_figure_without_overrides_as_it_is():
    fig, _table = tl.exchange_markers(pd.DataFrame())  # an empty-state figure
    assert standalone(fig) is fig


@given(
    counts=st.lists(st.integers(min_value=1, max_value=5_000), min_size=1, max_size=30),
    reported=st.one_of(st.none(), st.integers(min_value=1, max_value=10_000)),
)
@settings(max_examples=60, deadline=None)
def test_per_year_count_axis_stays_close_to_the_data(counts, reported):
    """The count axis ends a little above the highest bar or reported diamond (room
    for the diamond's label), never far above it."""
    years = list(range(2000, 2000 + len(counts)))
    frame = pd.DataFrame(
        {"year": years, "pillar": "rights", "region": "Africa", "active": counts, "starting": 0}
    )
    report = None
    if reported is not None:
        report = pd.DataFrame(
            {"dimension": ["year:2000"], "value": [reported], "qualifier": ["exactly"]}
        )
    fig, _table = tl.per_year(frame, reported=report)
    top = max(counts + ([reported] if reported else []))
    low, high = fig.layout.yaxis.range
    assert low == 0 and top < high <= top * 1.2 + 1


def test_per_year_without_rows_says_why():
    empty = active_rows([])
    fig, table = tl.per_year(tl.count_years(empty), reported=REPORTED)
    assert fig.data == ()
    assert "No project" in fig.layout.annotations[0].text
    assert table.empty
    no_start = active_rows([("a", "rights", "Africa", [2010])]).assign(starts=False)
    fig, _ = tl.per_year(tl.count_years(no_start), measure="starting")
    assert "No project starts" in fig.layout.annotations[0].text


def test_unknown_measure_or_stack_is_refused():
    with pytest.raises(ValueError):
        tl.per_year(tl.count_years(SMALL), measure="ending")
    with pytest.raises(ValueError):
        tl.per_year(tl.count_years(SMALL), stack="country")


PROJECT = st.tuples(
    st.sampled_from(theme.PILLAR_ORDER),
    st.sampled_from(theme.REGION_ORDER),
    st.sets(st.integers(1995, 2020), min_size=1, max_size=8),
)


@settings(max_examples=60, deadline=None)
@given(
    projects=st.lists(PROJECT, min_size=1, max_size=12), stack=st.sampled_from(["pillar", "region"])
)
def test_stacked_totals_equal_distinct_projects_active_each_year(projects, stack):
    frame = active_rows(
        [(f"p{i}", pillar, region, sorted(years)) for i, (pillar, region, years) in
         enumerate(projects)]
    )  # fmt: skip
    # Duplicate rows (a year listed twice) must not count a project twice.
    frame = pd.concat([frame, frame.head(3)], ignore_index=True)
    fig, table = tl.per_year(tl.count_years(frame), stack=stack)
    expected = frame.groupby("year")["project_id"].nunique().to_dict()
    got = {y: n for y, n in stacked_totals(fig).items() if n}
    assert got == expected
    assert dict(zip(table["year"], table["total active"], strict=True)) == {
        y: expected.get(y, 0) for y in table["year"]
    }
    colours = theme.colour_map(stack)
    assert all(t.marker.color == colours[name_of(t)] for t in bar_traces(fig))


# --- Gantt ---------------------------------------------------------------------------------


def span_rows(rows: list[dict]) -> pd.DataFrame:
    """Rows as queries.spans returns them; drawn_to_year by the ETL's one rule."""
    columns = ["project_id", "title", "pillar", "region", "record_type", "phase_no", "phase",
               "start_year", "end_year", "ongoing", "drawn_to_year"]  # fmt: skip
    rows = [
        {"drawn_to_year": drawn_to_year(r.get("start_year"), r.get("end_year"),
                                        r.get("ongoing"), AS_OF), **r}
        for r in rows
    ]  # fmt: skip
    frame = pd.DataFrame(rows)
    for column in columns:
        if column not in frame:
            frame[column] = None
    for column in ("start_year", "end_year", "drawn_to_year"):
        frame[column] = frame[column].astype("Int64")
    return frame[columns]


SPANS = span_rows(
    [
        {"project_id": "moz", "title": "LEDAs in Mozambique", "pillar": "social_protection",
         "region": "Africa", "phase_no": 1, "phase": "Phase 1", "start_year": 1997,
         "end_year": 2003, "ongoing": False},
        {"project_id": "moz", "title": "LEDAs in Mozambique", "pillar": "social_protection",
         "region": "Africa", "phase_no": 2, "phase": "Phase 2", "start_year": 2006,
         "end_year": 2008, "ongoing": False},
        {"project_id": "fifa", "title": "Decent work in the FIFA World Cup", "pillar": "rights",
         "region": "Americas", "phase_no": 1, "start_year": 2013, "end_year": None,
         "ongoing": True},
        {"project_id": "coops", "title": "Cooperatives in Arab States",
         "pillar": "social_dialogue", "region": "Arab States", "phase_no": 1,
         "start_year": 2010, "end_year": 2010, "ongoing": False},
        {"project_id": "start-only", "title": "Started, end not reported", "pillar": "employment",
         "region": "Asia and the Pacific", "phase_no": 1, "start_year": 2011, "end_year": None,
         "ongoing": False},
        {"project_id": "lac", "title": "LAC Free of Child Labour", "pillar": "rights",
         "region": "Americas", "phase_no": 1, "start_year": None, "end_year": None,
         "ongoing": False},
    ]
)  # fmt: skip


def bars_by_label(fig) -> dict[str, list[tuple[float, float, str]]]:
    """Row label → [(start, end, colour)] of every Gantt bar."""
    out: dict[str, list[tuple[float, float, str]]] = {}
    for trace in bar_traces(fig):
        for y, base, x in zip(trace.y, trace.base, trace.x, strict=True):
            out.setdefault(y, []).append((base, base + x, trace.marker.color))
    return out


def test_gantt_draws_one_bar_per_phase_on_one_row_per_project():
    fig, table, missing = tl.gantt(SPANS)
    bars = bars_by_label(fig)
    assert sum(len(b) for b in bars.values()) == 5 == len(table)
    assert bars["LEDAs in Mozambique"] == [
        (1996.5, 2003.5, theme.PILLAR_COLOURS["social_protection"]),
        (2005.5, 2008.5, theme.PILLAR_COLOURS["social_protection"]),
    ]
    assert bars["Cooperatives in Arab States"] == [
        (2009.5, 2010.5, theme.PILLAR_COLOURS["social_dialogue"])
    ]
    # Rows run from the earliest start down; the axis lists each project once.
    assert list(fig.layout.yaxis.categoryarray) == [
        "LEDAs in Mozambique",
        "Cooperatives in Arab States",
        "Started, end not reported",
        "Decent work in the FIFA World Cup",
    ]
    assert fig.layout.yaxis.autorange == "reversed"


def test_gantt_colours_every_bar_by_its_pillar():
    fig, _, _ = tl.gantt(SPANS)
    for trace in bar_traces(fig):
        code = next(c for c, label in theme.PILLAR_LABELS.items() if label == name_of(trace))
        assert trace.marker.color == theme.PILLAR_COLOURS[code]


def test_ongoing_bars_end_at_as_of_year_with_an_open_end_marker():
    fig, table, _ = tl.gantt(SPANS)
    assert bars_by_label(fig)["Decent work in the FIFA World Cup"] == [
        (2012.5, AS_OF + 0.5, theme.PILLAR_COLOURS["rights"])
    ]
    arrows = [t for t in fig.data if name_of(t) == tl.ONGOING_NAME]
    assert len(arrows) == 1
    assert list(arrows[0].y) == ["Decent work in the FIFA World Cup"]
    assert list(arrows[0].x) == [AS_OF + 0.5]
    assert arrows[0].marker.symbol == "triangle-right"
    assert "ongoing" in arrows[0].hovertext[0]
    fifa = next(t for t in bar_traces(fig) if "Decent work in the FIFA World Cup" in t.y)
    hover = fifa.hovertext[list(fifa.y).index("Decent work in the FIFA World Cup")]
    assert "ongoing" in hover and str(AS_OF) in hover
    row = table[table["project_id"] == "fifa"].iloc[0]
    assert bool(row["ongoing"]) and row["drawn_to"] == AS_OF and pd.isna(row["end_year"])


def test_projects_without_years_are_listed_not_drawn():
    fig, table, missing = tl.gantt(SPANS)
    assert missing["title"].tolist() == ["LAC Free of Child Labour"]
    assert missing["pillar"].tolist() == [theme.PILLAR_LABELS["rights"]]
    drawn = {y for t in fig.data for y in t.y}
    assert "LAC Free of Child Labour" not in drawn
    assert "lac" not in set(table["project_id"])
    # Nothing is drawn at year 0.
    assert all(start > 1900 for bars in bars_by_label(fig).values() for start, _, _ in bars)


def test_a_start_year_alone_draws_that_one_year():
    fig, _, _ = tl.gantt(SPANS)
    assert bars_by_label(fig)["Started, end not reported"] == [
        (2010.5, 2011.5, theme.PILLAR_COLOURS["employment"])
    ]


def test_a_phase_without_its_end_is_its_start_then_dotted_up_to_the_next_phase():
    """ "initial phase 2000, second phase in 2004": two starts, no ends. Bars at 2000 and
    2004 only, and dotted lines (end not stated), never a gap nor an invented span."""
    hanna = pd.DataFrame(
        [
            {"project_id": "tza", "title": "Hanna Nassif", "pillar": "employment",
             "region": "Africa", "phase_no": n, "phase": label, "start_year": year,
             "end_year": None, "ongoing": False, "drawn_to_year": year}
            for n, (label, year) in enumerate([("Initial phase", 2000), ("Second phase", 2004)], 1)
        ]
    )  # fmt: skip
    fig, table, _ = tl.gantt(hanna)
    assert bars_by_label(fig)["Hanna Nassif"] == [
        (1999.5, 2000.5, theme.PILLAR_COLOURS["employment"]),
        (2003.5, 2004.5, theme.PILLAR_COLOURS["employment"]),
    ]
    (dotted,) = [t for t in fig.data if name_of(t) == tl.END_NOT_STATED_NAME]
    assert dotted.line.dash == "dot"
    assert list(dotted.x) == [2000.5, 2003.5, None, 2004.5, 2004.8, None]
    assert all("end not stated" in h for h in dotted.hovertext if h)
    assert table["end_year"].isna().all()


def test_a_phase_with_its_end_gets_no_dotted_line():
    fig, _, _ = tl.gantt(SPANS[SPANS["project_id"].isin(["moz", "coops", "fifa"])])
    assert not [t for t in fig.data if name_of(t) == tl.END_NOT_STATED_NAME]


def test_years_whose_activity_is_not_stated_are_hatched_on_top_not_counted():
    counts = tl.count_years(SMALL)
    unstated = pd.DataFrame(
        {"year": [2001, 2003], "pillar": ["employment"] * 2, "region": ["Africa"] * 2,
         "unstated": [1, 1]}
    )  # fmt: skip
    fig, table = tl.per_year(counts, unstated=unstated)
    plain_fig, plain_table = tl.per_year(counts)
    (hatched,) = [t for t in fig.data if name_of(t) == tl.UNSTATED_NAME]
    assert hatched.marker.pattern.shape == "/"
    assert dict(zip(hatched.x, hatched.y, strict=True))[2001] == 1
    # the projects counted as active are the same with or without the hatched years
    total = tl.TOTAL_COLUMNS["active"]
    assert table[total].tolist() == plain_table[total].tolist()
    assert table.set_index(tl.YEAR_COLUMN)[tl.UNSTATED_COLUMN].get(2003) == 1  # no project active
    # the starting measure has no such years
    _fig, starting = tl.per_year(counts, measure="starting", unstated=unstated)
    assert tl.UNSTATED_COLUMN not in starting


def test_gantt_with_no_dated_project_says_why():
    fig, table, missing = tl.gantt(SPANS[SPANS["project_id"] == "lac"])
    assert "reports its years" in fig.layout.annotations[0].text
    assert table.empty and len(missing) == 1
    fig, _, missing = tl.gantt(SPANS.iloc[0:0])
    assert "No project matches" in fig.layout.annotations[0].text and missing.empty


@settings(max_examples=40, deadline=None)
@given(
    phases=st.lists(
        st.tuples(st.integers(1990, 2015), st.integers(0, 6), st.booleans()),
        min_size=1,
        max_size=15,
    )
)
def test_gantt_has_exactly_one_bar_per_dated_phase(phases):
    rows = [
        {"project_id": f"p{i // 3}", "title": f"Project {i // 3}", "pillar": "employment",
         "region": "Africa", "phase_no": i % 3 + 1, "start_year": start,
         "end_year": None if ongoing else start + length, "ongoing": ongoing}
        for i, (start, length, ongoing) in enumerate(phases)
    ]  # fmt: skip
    fig, table, _ = tl.gantt(span_rows(rows))
    assert sum(len(t.y) for t in bar_traces(fig)) == len(phases) == len(table)
    arrows = [t for t in fig.data if name_of(t) == tl.ONGOING_NAME]
    assert sum(len(t.y) for t in arrows) == sum(ongoing for _, _, ongoing in phases)
    for _, row in table.iterrows():
        if row["ongoing"]:
            assert row["drawn_to"] == max(AS_OF, row["start_year"])


def test_short_titles_are_short_and_unique():
    long = "Indonesia: Addressing hazardous work of children in Jermal fishing in North Sumatra"
    label = short_title(long + " (district of Langkat, Deli Serdang)")
    assert len(label) <= SHORT_TITLE_LIMIT and label.endswith("…")
    assert "(" not in label
    assert short_title("Bolsa Verde") == "Bolsa Verde"
    assert unique_labels([long, long + " again"]) == [
        short_title(long),
        short_title(long) + " (2)",
    ]


# --- exchanges and the shared axis ---------------------------------------------------------

EXCHANGES = pd.DataFrame(
    {
        "exchange_id": ["chef", "odienne", "durban-a", "durban-b"],
        "title": [
            "Chefchaouen peer learning",
            "Odienné seminar",
            "Durban visit",
            "Durban training",
        ],
        "host_city": ["Chefchaouen", "Odienné", "Durban", "Durban"],
        "host_country": ["Morocco", "Côte d'Ivoire", "South Africa", "South Africa"],
        "start_date": pd.to_datetime(["2014-09-24", "2015-01-01", "2013-06-01", "2013-06-01"]),
        "end_date": pd.to_datetime(["2014-09-27", "2015-12-31", "2013-06-30", "2013-06-30"]),
        "date_precision": ["day", "year", "month", "month"],
        "date_text": ["2014-09-24 to 2014-09-27", "2015", "2013-06", "2013-06"],
        "year": [2014, 2015, 2013, 2013],
        "status": ["held", "planned", "held", "held"],
    }
)


def test_exchanges_are_markers_at_their_dates_held_and_planned_apart():
    fig, table = tl.exchange_markers(EXCHANGES)
    assert len(table) == 4
    by_name = {name_of(t): t for t in fig.data}
    assert set(by_name) == {"Held", "Planned"}
    held, planned = by_name["Held"], by_name["Planned"]
    assert held.marker.color == theme.EXCHANGE_STATUS_COLOURS["held"]
    assert planned.marker.color == theme.EXCHANGE_STATUS_COLOURS["planned"]
    assert planned.marker.symbol == theme.EXCHANGE_STATUS_SYMBOLS["planned"]
    assert held.marker.symbol == theme.EXCHANGE_STATUS_SYMBOLS["held"]
    chef = list(held.y).index("Chefchaouen, Morocco")
    # 24–27 September 2014 sits in the last third of 2014's interval [2013.5, 2014.5].
    assert 2014.2 < held.x[chef] < 2014.3
    assert "Chefchaouen peer learning" in held.hovertext[chef]
    assert "Chefchaouen, Morocco" in held.hovertext[chef]
    assert "24–27 September 2014" in held.hovertext[chef]
    # The planned seminar is dated only by its year: a whisker spans the whole year.
    assert planned.x[0] == pytest.approx(2015.0, abs=0.01)
    assert planned.error_x.array[0] == pytest.approx(0.5, abs=0.01)
    assert "2015" in planned.hovertext[0]


def test_exchanges_at_one_place_and_time_share_a_marker_listing_both():
    fig, _ = tl.exchange_markers(EXCHANGES)
    held = next(t for t in fig.data if name_of(t) == "Held")
    assert list(held.y).count("Durban, South Africa") == 1
    durban = list(held.y).index("Durban, South Africa")
    assert "Durban visit" in held.hovertext[durban]
    assert "Durban training" in held.hovertext[durban]
    assert held.text[durban] == "×2"
    assert "June 2013" in held.hovertext[durban]


MAPUTO = pd.DataFrame(
    {
        "exchange_id": ["m-aug", "m-sep"],
        "title": ["Technical visit to Maputo", "Maputo workshop"],
        "host_city": ["Maputo", "Maputo"],
        "host_country": ["Mozambique", "Mozambique"],
        "start_date": pd.to_datetime(["2013-08-01", "2013-09-01"]),
        "end_date": pd.to_datetime(["2013-08-31", "2013-09-30"]),
        "date_precision": ["month", "month"],
        "date_text": ["2013-08", "2013-09"],
        "year": [2013, 2013],
        "status": ["held", "held"],
    }
)


def test_exchanges_a_month_apart_share_a_marker_on_a_long_axis_and_not_on_a_short_one():
    """QA: two Maputo exchanges a month apart drew 2 px apart on the page's 20-year axis,
    and the hover reached only one: one marker now lists both, each with its dates.
    On an axis of two years they are far apart, and keep a marker each."""
    fig, table = tl.exchange_markers(MAPUTO, x_range=(1996.0, 2016.0))
    (held,) = fig.data
    assert list(held.y) == ["Maputo, Mozambique"] and list(held.text) == ["×2"]
    hover = held.hovertext[0]
    assert "<b>Technical visit to Maputo</b> — August 2013" in hover
    assert "<b>Maputo workshop</b> — September 2013" in hover
    # the whisker spans both months: 1 August to 30 September
    assert held.x[0] - held.error_x.array[0] == pytest.approx(2013 - 0.5 + 212 / 365, abs=0.01)
    assert held.x[0] + held.error_x.array[0] == pytest.approx(2013 - 0.5 + 273 / 365, abs=0.01)
    assert len(table) == 2  # the table and its download still list each exchange
    (apart,) = tl.exchange_markers(MAPUTO, x_range=(2012.5, 2014.5))[0].data
    assert len(apart.x) == 2 and list(apart.text) == ["", ""]


def test_exchanges_months_apart_in_a_row_never_chain_into_one_long_marker():
    """Review: ten exchanges five months apart merged pairwise into one "×10" marker at
    a date none took place, its whisker reading as years of uncertainty. A marker takes
    only the exchanges near its first one, and lists them by start date."""
    starts = pd.date_range("2010-01-01", periods=10, freq="5MS")
    chain = pd.DataFrame(
        {
            "exchange_id": [f"m{i}" for i in range(10)],
            "title": [f"Exchange {i}" for i in range(10)],
            "host_city": "Maputo",
            "host_country": "Mozambique",
            "start_date": starts,
            "end_date": starts + pd.offsets.MonthEnd(0),
            "date_precision": "month",
            "date_text": None,
            "year": starts.year,
            "status": "held",
        }
    )
    (held,) = tl.exchange_markers(chain, x_range=(1996.0, 2016.0))[0].data
    assert sum(int(t[1:]) if t else 1 for t in held.text) == 10  # every exchange, once
    assert max(held.error_x.array) < 0.6  # no marker spans years
    assert len(held.x) >= 4
    for hover in held.hovertext:  # listed by start date
        numbers = [int(n) for n in re.findall(r"Exchange (\d+)", hover)]
        assert numbers == sorted(numbers)


def test_no_exchange_says_why():
    fig, table = tl.exchange_markers(EXCHANGES.iloc[0:0])
    assert "No City-to-City exchange" in fig.layout.annotations[0].text
    assert table.empty


def test_all_time_charts_share_one_x_range():
    x_range = tl.shared_range(SMALL, SPANS, EXCHANGES)
    assert x_range == (1997 - 0.6, 2015 + 0.8)
    figures = [
        tl.per_year(tl.count_years(SMALL), reported=REPORTED, x_range=x_range)[0],
        tl.gantt(SPANS, x_range=x_range)[0],
        tl.exchange_markers(EXCHANGES, x_range=x_range)[0],
    ]
    for fig in figures:
        assert tuple(fig.layout.xaxis.range) == x_range
        assert fig.layout.margin.l == tl.LEFT_MARGIN
    # A chosen year range wins; ongoing projects stretch the range to as_of_year.
    assert tl.shared_range(SMALL, SPANS, years=(2005, 2010)) == (2005 - 0.6, 2010 + 0.8)
    ongoing_only = SPANS[SPANS["project_id"] == "fifa"]
    assert tl.shared_range(None, ongoing_only, None) == (2012.4, 2015.8)
    assert tl.shared_range(None, SPANS.iloc[0:0], EXCHANGES.iloc[0:0]) is None


def test_year_position_puts_a_year_in_its_own_interval():
    dates = pd.Series(pd.to_datetime(["2013-01-01", "2013-07-02", "2013-12-31"]))
    positions = tl.year_position(dates).tolist()
    assert positions[0] == pytest.approx(2012.5)
    assert positions[1] == pytest.approx(2013.0, abs=0.01)
    assert 2013.49 < positions[2] < 2013.5


def test_exchange_dates_and_status_read_as_on_the_exchanges_page():
    two_months = EXCHANGES.iloc[[2]].assign(
        start_date=pd.Timestamp("2013-06-01"), end_date=pd.Timestamp("2013-07-31")
    )
    fig, _ = tl.exchange_markers(two_months)
    (held,) = fig.data
    # one date formatter (formatting.date_display): "June–July 2013", not "June 2013 – July 2013"
    assert formatting.date_display("2013-06-01", "2013-07-31", "month") == "June–July 2013"
    assert "June–July 2013" in held.hovertext[0]
    assert held.name == theme.EXCHANGE_STATUS_LABELS["held"]
    assert held.hovertext[0].endswith(theme.EXCHANGE_STATUS_LABELS["held"])


# --- at scale: readable axes and a short list of undated projects ------------------------------


def year_counts(totals: dict[int, int]) -> pd.DataFrame:
    """queries.year_counts rows: one pillar and region, `active` projects per year."""
    return pd.DataFrame(
        [
            {"year": y, "pillar": "rights", "region": "Africa", "active": n, "starting": 0}
            for y, n in totals.items()
        ]
    )


def test_per_year_counts_at_scale_get_round_ticks_with_separators():
    # at 1M the ticks read 29.7k, 59.5k, 89.2k… (a step of top / 8)
    fig, _ = tl.per_year(year_counts({1995 + i: 6_000 * (i + 1) for i in range(36)}))
    step = fig.layout.yaxis.dtick
    assert step == 50_000  # 1, 2, 2.5 or 5 times a power of ten
    assert fig.layout.yaxis.tickformat == ",d"
    assert all("%{y:,}" in trace.hovertemplate for trace in bar_traces(fig))
    # years on the shared axis are whole years, every five years over 36 years
    x_range = tl.shared_range(year_counts({1995: 1, 2030: 1}))
    fig, _ = tl.per_year(year_counts({1995: 1, 2030: 1}), x_range=x_range)
    assert fig.layout.xaxis.tickformat == "d" and fig.layout.xaxis.dtick == 5
    assert fig.layout.xaxis.tick0 == 0 and fig.layout.xaxis.tickmode == "linear"


@pytest.mark.parametrize(("top", "step"), [(3, 1), (12, 2), (18, 3), (80, 10), (95, 20)])
def test_small_counts_keep_their_ticks(top, step):
    fig, _ = tl.per_year(year_counts({2000: top}))
    assert fig.layout.yaxis.dtick == step


def test_a_long_list_of_undated_projects_is_cut_and_says_how_to_see_others():
    note = tl.undated_note(30_161, 10)
    assert note.startswith("… and 30,151 more")
    assert "first 10 by title" in note and "filters" in note
    assert tl.undated_note(2, 10) is None and tl.undated_note(10, 10) is None


def test_the_reported_counts_note_speaks_only_of_markers_the_chart_can_draw():
    shown = tl.reported_note(REPORTED, comparable=True)
    assert shown.startswith("Black diamonds")
    assert "3 in 2000, 18 in 2014" in tl.reported_note(REPORTED, comparable=False)
    # a generated warehouse (the 1M one) has no reported counts: no diamonds to explain
    none = REPORTED.iloc[0:0]
    assert tl.reported_note(none, comparable=True) is None
    assert tl.reported_note(none, comparable=False) is None


def test_the_exchanges_table_tab_reads_dates_and_statuses_in_the_language():
    """QA: the Timeline's exchanges Table tab showed "2013-06-01 00:00:00" and "held" in
    French; the download keeps its typed English values."""
    table = pd.DataFrame(
        {
            "title": ["A", "B"],
            "host_city": ["Maputo", "Durban"],
            "date_text": ["June 2013", None],
            "start_date": [pd.Timestamp("2013-06-01"), pd.NaT],
            "end_date": [pd.Timestamp("2013-06-30"), pd.NaT],
            "status": ["held", "planned"],
        }
    )
    with i18n.using("fr"):
        shown = tl.readable_exchanges(table)
    assert shown["date_début"].tolist() == ["2013-06-01", "non communiqué"]
    assert shown["statut"].tolist() == ["Tenu", "Prévu"]
    assert shown["date (source)"].tolist() == ["June 2013", "non communiqué"]
    assert table["status"].tolist() == ["held", "planned"]  # the download's, unchanged
