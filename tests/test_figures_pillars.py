"""Pillar figure builders: pure functions checked on small hand-made tables."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import formatting, i18n, theme
from dashboard.figures import pillars as pf

LABEL = theme.PILLAR_LABELS

PILLAR_REGION = pd.DataFrame(
    {
        "pillar": ["employment", "rights", "employment", "social_dialogue", "rights"],
        "region": ["Asia and the Pacific", "Americas", "Africa", "Arab States", "Multi-region"],
        "projects": [5, 3, 2, 1, 1],
    }
)

TOPICS = pd.DataFrame(
    {
        "value": ["child labour", "social dialogue", "social dialogue", "tourism", "youth"],
        "pillar": ["rights", "rights", "social_dialogue", "employment", "employment"],
        "projects": [4, 3, 6, 1, 1],
    }
)


def bars(fig):
    return [t for t in fig.data if t.type == "bar"]


def stacked(fig) -> dict[str, int]:
    """Category → sum of its stacked bar lengths (horizontal bars)."""
    out: dict[str, int] = {}
    for trace in bars(fig):
        for y, x in zip(trace.y, trace.x, strict=True):
            out[y] = out.get(y, 0) + int(x)
    return out


def assert_pillar_colours(fig) -> None:
    by_label = {LABEL[c]: colour for c, colour in theme.PILLAR_COLOURS.items()}
    assert bars(fig), "no bars drawn"
    for trace in bars(fig):
        assert trace.marker.color == by_label[trace.name], trace.name


# --- pillar × region -----------------------------------------------------------------------


def test_crosstab_has_pillar_rows_region_columns_and_totals():
    table = pf.crosstab(PILLAR_REGION)
    assert table.columns.tolist() == [
        "Pillar", "Africa", "Americas", "Arab States", "Asia and the Pacific", "Multi-region",
        "Total",
    ]  # fmt: skip
    assert table["Pillar"].tolist() == [
        LABEL["rights"], LABEL["employment"], LABEL["social_dialogue"], "Total",
    ]  # fmt: skip
    rights = table.set_index("Pillar").loc[LABEL["rights"]]
    assert rights["Americas"] == 3 and rights["Multi-region"] == 1 and rights["Africa"] == 0
    assert rights["Total"] == 4
    total = table.set_index("Pillar").loc["Total"]
    assert total.tolist() == [2, 3, 1, 5, 1, 12]


CELLS = st.lists(
    st.tuples(
        st.sampled_from(theme.PILLAR_ORDER),
        st.sampled_from(theme.REGION_ORDER),
        st.integers(1, 40),
    ),
    min_size=1,
    max_size=20,
    unique_by=lambda cell: (cell[0], cell[1]),
)


@settings(max_examples=60, deadline=None)
@given(cells=CELLS)
def test_crosstab_totals_add_up(cells):
    frame = pd.DataFrame(cells, columns=["pillar", "region", "projects"])
    table = pf.crosstab(frame).set_index("Pillar")
    body = table.drop(index="Total", columns="Total")
    assert (body.sum(axis=1) == table["Total"].drop("Total")).all()
    assert (body.sum(axis=0) == table.loc["Total"].drop("Total")).all()
    assert table.loc["Total", "Total"] == frame["projects"].sum()
    for pillar, region, n in cells:
        assert table.loc[LABEL[pillar], region] == n
    # Rows and columns keep the theme's order.
    assert [c for c in table.columns if c != "Total"] == [
        r for r in theme.REGION_ORDER if r in set(frame["region"])
    ]


@settings(max_examples=40, deadline=None)
@given(cells=CELLS)
def test_pillar_region_bars_sum_per_region_in_pillar_colours(cells):
    frame = pd.DataFrame(cells, columns=["pillar", "region", "projects"])
    fig, table = pf.pillar_region(frame)
    assert stacked(fig) == frame.groupby("region")["projects"].sum().to_dict()
    assert_pillar_colours(fig)
    assert [t.name for t in bars(fig)] == [
        LABEL[p] for p in theme.PILLAR_ORDER if p in set(frame["pillar"])
    ]
    assert table["projects"].sum() == frame["projects"].sum()


def test_pillar_region_lists_regions_top_down_in_theme_order():
    fig, _ = pf.pillar_region(PILLAR_REGION)
    assert list(fig.layout.yaxis.categoryarray) == [
        "Africa", "Americas", "Arab States", "Asia and the Pacific", "Multi-region",
    ]  # fmt: skip
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.barmode == "stack"
    totals = {a.y: a.text for a in fig.layout.annotations}
    assert totals["Asia and the Pacific"] == "<b>5</b>"


def test_pillar_region_with_nothing_says_why():
    fig, table = pf.pillar_region(PILLAR_REGION.iloc[0:0])
    assert "No project" in fig.layout.annotations[0].text
    assert table.empty


# --- topics, groups, partners --------------------------------------------------------------


def test_facet_bars_sorted_by_count_stacked_in_pillar_colours():
    fig, table = pf.facet_bars(TOPICS, what="Topic")
    assert table["Topic"].tolist() == ["social dialogue", "child labour", "tourism", "youth"]
    assert table["Total"].tolist() == [9, 4, 1, 1]
    assert list(fig.layout.yaxis.categoryarray) == table["Topic"].tolist()
    assert stacked(fig) == {"social dialogue": 9, "child labour": 4, "tourism": 1, "youth": 1}
    assert_pillar_colours(fig)
    sd = table.set_index("Topic").loc["social dialogue"]
    assert sd[LABEL["rights"]] == 3 and sd[LABEL["social_dialogue"]] == 6


def test_facet_bars_top_keeps_the_largest_and_says_so():
    fig, table = pf.facet_bars(TOPICS, what="Topic", top=2)
    assert len(table) == 4  # the table keeps every value
    assert set(stacked(fig)) == {"social dialogue", "child labour"}
    (note,) = [a.text for a in fig.layout.annotations if "2 most frequent of 4" in a.text]
    assert "<br>" in note  # two lines: one ran off a half-width chart's edge


def test_facet_bars_shorten_long_names_on_the_axis_only():
    long = "Association of Chocolate, Biscuit and Confectionery Industries of Europe (CAOBISCO)"
    frame = pd.DataFrame({"value": [long], "pillar": ["rights"], "projects": [1]})
    fig, table = pf.facet_bars(frame, what="Partner")
    (label,) = fig.layout.yaxis.categoryarray
    assert len(label) <= pf.LABEL_LIMIT and label.endswith("…")
    assert bars(fig)[0].customdata[0][0] == long
    assert table["Partner"].tolist() == [long]


def test_partner_types_read_as_words():
    frame = pd.DataFrame(
        {"value": ["un_agency", "not stated", "donor"], "pillar": ["employment"] * 3,
         "projects": [3, 1, 2]}
    )  # fmt: skip
    fig, table = pf.facet_bars(frame, what="Partner type", labels=pf.PARTNER_TYPE_LABELS)
    assert table["Partner type"].tolist() == ["UN agency", "Donor", "Type not stated"]
    # the same words as the Projects page's partner list (detail owns the formatting)
    assert formatting.partner_type_label(None) == theme.PARTNER_TYPE_NOT_STATED == "Type not stated"
    assert formatting.partner_type_label("city_network") == "City network"


def test_facet_bars_with_nothing_say_why():
    fig, table = pf.facet_bars(TOPICS.iloc[0:0], what="Beneficiary group")
    assert "No beneficiary group" in fig.layout.annotations[0].text
    assert table.empty


def test_partner_table_reads_as_words():
    frame = pd.DataFrame(
        {"partner": ["UN-Habitat"], "partner_type": ["un_agency"],
         "pillars": ["employment;rights"], "projects": [2], "titles": ["A · B"]}
    )  # fmt: skip
    table = pf.partner_table(frame)
    assert table.columns.tolist() == ["Partner", "Type", "Pillars", "Projects", "Project titles"]
    assert table.iloc[0]["Type"] == "UN agency"
    assert table.iloc[0]["Pillars"] == f"{LABEL['employment']}; {LABEL['rights']}"


# --- at scale: counts read with thousands separators ----------------------------------------

BIG = pd.DataFrame(
    {
        "pillar": ["rights", "employment", "rights"],
        "region": ["Africa", "Africa", "Americas"],
        "projects": [51_261, 141_218, 48_960],
    }
)


def test_pillar_region_counts_have_thousands_separators():
    fig, _ = pf.pillar_region(BIG)
    texts = [t for trace in bars(fig) for t in trace.text]
    assert "51,261" in texts and "141,218" in texts
    totals = {a.y: a.text for a in fig.layout.annotations}
    assert totals["Africa"] == "<b>192,479</b>"
    assert all("%{x:,}" in trace.hovertemplate for trace in bars(fig))


def test_facet_bars_counts_have_thousands_separators():
    frame = pd.DataFrame(
        {"value": [f"topic {i}" for i in range(1200)], "pillar": "rights",
         "projects": [97_192 - i for i in range(1200)]}
    )  # fmt: skip
    fig, _ = pf.facet_bars(frame, what="Topic", top=15)
    texts = [a.text for a in fig.layout.annotations]
    assert "97,192" in texts
    assert any("The 15 most frequent of 1,200" in t for t in texts)
    assert all("%{x:,}" in trace.hovertemplate for trace in bars(fig))


def test_count_tables_show_thousands_separators_and_keep_numbers():
    table = pf.crosstab(BIG)
    styled = formatting.with_separators(table)
    html = styled.to_html()
    assert "192,479" in html and "241,439" in html
    assert styled.data["Total"].tolist() == table["Total"].tolist()  # still numbers
    small = formatting.with_separators(pf.crosstab(PILLAR_REGION)).to_html()
    assert ">12<" in small  # small counts read as before


def test_the_static_crosstab_reads_counts_with_separators_right_aligned():
    shown = formatting.markdown_table(pf.readable_crosstab(pf.crosstab(BIG)))
    header, align, *rows = shown.splitlines()
    assert header.startswith("| Pillar |") and header.endswith("| Total |")
    assert align.startswith("| :--- | ---:")  # labels left, counts right
    assert "192,479" in shown and "241,439" in shown
    with i18n.using("fr"):
        assert "192\u202f479" in formatting.markdown_table(pf.readable_crosstab(pf.crosstab(BIG)))


_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@given(
    st.lists(st.one_of(st.none(), st.text(max_size=30)), min_size=1, max_size=6),
    st.lists(st.integers(0, 10**7), min_size=1, max_size=6),
)
def test_catalogue_text_in_a_static_table_keeps_every_row_on_its_line(labels, counts):
    """A pipe or a newline in a label never adds a cell or a row; a missing label reads
    "not reported"; markdown and HTML read as typed (escaped, as `formatting.md`)."""
    n = min(len(labels), len(counts))
    frame = pd.DataFrame({"Partner": labels[:n], "Projects": pd.array(counts[:n], "int64")})
    lines = formatting.markdown_table(frame).splitlines()
    assert len(lines) == n + 2
    assert all(len(_UNESCAPED_PIPE.findall(line)) == 3 for line in lines)
    for line, label in zip(lines[2:], labels[:n], strict=True):
        if label is None or not label.strip():
            assert line.startswith("| not reported |")
        else:
            assert line.startswith("| " + formatting.md(" ".join(label.split())) + " |")


def test_a_static_table_escapes_hostile_headers_and_cells():
    frame = pd.DataFrame(
        {"<b>x</b> | [y](javascript:1)": ["**bold** <img src=x>", "1. item"], "n": [1, 2]}
    )
    shown = formatting.markdown_table(frame)
    header, _align, first, second = shown.splitlines()
    assert header == "| \\<b\\>x\\</b\\> \\| \\[y\\](javascript\\:1) | n |"
    assert first == "| \\*\\*bold\\*\\* \\<img src=x\\> | 1 |"
    assert second == "| 1\\. item | 2 |"
