"""The Pillars page in Streamlit's AppTest: the cross-tab and the charts equal what the
warehouse holds, under filters too, with one colour per pillar; nothing raises."""

from __future__ import annotations

import json
from pathlib import Path

import apptest_support
import pandas as pd
from apptest_support import bars, chart
from conftest import sql_frame
from streamlit.testing.v1 import AppTest

from dashboard import scale, theme

PAGE = "pages/pillars.py"
CHARTS = (
    "pillars_region",
    "pillars_topics",
    "pillars_groups",
    "pillars_partner_types",
    "pillars_partners",
)


def open_page(monkeypatch, warehouse: Path, **params) -> AppTest:
    return apptest_support.open_page(monkeypatch, warehouse, PAGE, **params)


def stacked(spec: dict) -> dict[str, int]:
    out: dict[str, int] = {}
    for trace in bars(spec):
        labels = [row[0] for row in trace["customdata"]] if "customdata" in trace else trace["y"]
        for label, x in zip(labels, trace["x"], strict=True):
            out[label] = out.get(label, 0) + int(x)
    return out


def markdown_table(text: str) -> pd.DataFrame:
    """A Markdown table as a reader reads it: header, then rows; whole numbers as ints."""
    header, _align, *rows = (
        [cell.strip().replace("\\", "") for cell in line.strip().strip("|").split(" | ")]
        for line in text.splitlines()
    )
    frame = pd.DataFrame(rows, columns=header)
    for column in header[1:]:
        frame[column] = frame[column].str.replace(",", "").astype(int)
    return frame


def shown_crosstab(at: AppTest) -> pd.DataFrame:
    """The cross-tab under the chart: a static table (it wraps its headers, so the Total
    column fits a laptop's width; a data grid cut it off), the same as the chart's Table
    tab (opened here)."""
    apptest_support.open_tab(at, "Table", "pillars_region")
    (shown,) = [m.value for m in at.markdown if m.value.startswith("| Pillar |")]
    table = markdown_table(shown)
    tab = [d.value for d in at.dataframe if "Pillar" in d.value.columns]
    assert tab and tab[-1].astype(str).equals(table.astype(str))
    apptest_support.open_tab(at, "Chart", "pillars_region")  # back, as the reader left it
    return table.set_index("Pillar")


AFRICA = (
    "p.region = 'Africa' or exists (select 1 from project_countries c "
    "where c.project_id = p.project_id and c.region = 'Africa')"
)


def expected_crosstab(warehouse: Path, where: str = "true") -> dict[tuple[str, str], int]:
    rows = sql_frame(
        warehouse,
        f"select pillar_label, region, count(*) as n from projects p where {where} group by all",
    )
    return {(r.pillar_label, r.region): int(r.n) for r in rows.itertuples()}


def check_crosstab(table: pd.DataFrame, expected: dict[tuple[str, str], int]) -> None:
    regions = [c for c in table.columns if c != "Total"]
    pillars = [p for p in table.index if p != "Total"]
    assert {r for _, r in expected} == set(regions)
    assert {p for p, _ in expected} == set(pillars)
    for pillar in pillars:
        for region in regions:
            assert table.loc[pillar, region] == expected.get((pillar, region), 0), (pillar, region)
    assert table.loc["Total", "Total"] == sum(expected.values())


def test_crosstab_equals_the_warehouse_group_by(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    check_crosstab(shown_crosstab(at), expected_crosstab(atlas_warehouse))
    spec = chart(at, "pillars_region")
    by_region = sql_frame(atlas_warehouse, "select region, count(*) as n from projects group by 1")
    assert stacked(spec) == dict(zip(by_region["region"], by_region["n"], strict=True))


def test_region_filter_narrows_the_crosstab_and_the_charts(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, region="africa")
    check_crosstab(shown_crosstab(at), expected_crosstab(atlas_warehouse, AFRICA))
    topics = sql_frame(
        atlas_warehouse,
        f"select topic, count(distinct project_id) as n from project_topics where project_id in "
        f"(select project_id from projects p where {AFRICA}) group by 1",
    )
    shown = stacked(chart(at, "pillars_topics"))
    expected = dict(zip(topics["topic"], topics["n"], strict=True))
    assert shown == {k: v for k, v in expected.items() if k in shown}
    assert len(shown) == min(15, len(expected))


def test_every_chart_colours_bars_by_pillar(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    colours = theme.colour_map("pillar")
    for key in CHARTS:
        spec = chart(at, key)
        assert bars(spec), key
        for trace in bars(spec):
            assert trace["marker"]["color"] == colours[trace["name"]], (key, trace["name"])


def test_topics_are_the_most_frequent_sorted_by_count(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    counts = sql_frame(
        atlas_warehouse,
        "select topic, count(distinct project_id) as n from project_topics group by 1 "
        "order by n desc, topic",
    )
    spec = chart(at, "pillars_topics")
    shown = stacked(spec)
    assert list(shown.values()) and len(shown) == 15
    # Sorted by count: the axis order is the warehouse's order by count, then name.
    top = counts.head(15)
    assert dict(zip(top["topic"], top["n"], strict=True)) == shown
    assert [a["text"] for a in spec["layout"]["annotations"]][-1].startswith(
        f"The 15 most frequent of {len(counts)}"
    )


def test_groups_and_partners_equal_the_warehouse(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    groups = sql_frame(
        atlas_warehouse,
        "select beneficiary_group as g, count(distinct project_id) as n "
        "from project_beneficiaries group by 1",
    )
    assert stacked(chart(at, "pillars_groups")) == dict(zip(groups["g"], groups["n"], strict=True))
    partners = sql_frame(
        atlas_warehouse,
        "select partner, count(distinct project_id) as n from project_partners group by 1",
    )
    assert stacked(chart(at, "pillars_partners")) == dict(
        zip(partners["partner"], partners["n"], strict=True)
    )
    listed = [d.value for d in at.dataframe if "Partner" in d.value.columns][-1]
    assert sorted(listed["Partner"]) == sorted(partners["partner"])
    assert "UN agency" in set(listed["Type"])
    # its counts read 1,000,000 at scale (st.dataframe alone shows 1000000)
    element = [d for d in at.dataframe if "Partner" in d.value.columns][-1]
    assert json.loads(element.proto.columns)["Projects"]["type_config"]["format"] == "%,d"


def test_nothing_matching_shows_the_empty_state(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, q="zzzz-no-such-word")
    assert any("No projects match" in m.value for m in at.markdown)
    assert not at.get("plotly_chart")


def test_a_long_partner_list_is_cut_and_says_so(monkeypatch, atlas_warehouse):
    monkeypatch.setattr(scale, "PARTNER_ROWS", 2)
    monkeypatch.setattr(scale, "FACET_BARS", 3)
    at = open_page(monkeypatch, atlas_warehouse)
    partners = sql_frame(
        atlas_warehouse, "select count(*) as n from (select distinct partner, partner_type "
        "from project_partners)"
    )["n"][0]  # fmt: skip
    lists = [d.value for d in at.dataframe if "Project titles" in d.value.columns]
    assert lists and all(len(frame) == 2 for frame in lists)
    assert any(f"The 2 partners with most projects, of {partners}" in c.value for c in at.caption)
    assert len(stacked(chart(at, "pillars_partners"))) == 3


def test_only_the_open_tab_of_a_chart_is_built(monkeypatch, atlas_warehouse):
    """Issue 12 item 13 / issue 13: the Table, Sources and Download tabs cost nothing
    until a reader opens them; opening one block's tab leaves the others on their chart."""
    at = apptest_support.open_page(monkeypatch, atlas_warehouse, "pages/pillars.py")
    charts = len(at.get("plotly_chart"))
    assert charts >= 5
    assert not blocks_buttons(at)
    assert not [d for d in at.dataframe if "Pillar" in d.value.columns]

    apptest_support.open_tab(at, "Download", "pillars_topics")
    buttons = blocks_buttons(at)
    assert {"CSV", "Excel", "Parquet", "PNG", "SVG"} == {b.proto.label for b in buttons}
    assert {b.key for b in buttons} == {f"pillars_topics_{f}" for f in FORMATS}
    assert len(at.get("plotly_chart")) == charts - 1  # its chart gave way to the buttons

    apptest_support.open_tab(at, "Chart", "pillars_topics")
    assert len(at.get("plotly_chart")) == charts and not blocks_buttons(at)


FORMATS = ("csv", "xlsx", "parquet", "png", "svg")


def blocks_buttons(at: AppTest) -> list:
    """The chart blocks' download buttons (the story panel in the sidebar has its own)."""
    return [b for b in at.get("download_button") if b.key.startswith("pillars_")]
