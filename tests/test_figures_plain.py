"""The builders rewritten in plain Python for issue 13 (cheaper cold runs: a pandas
groupby, pivot or sort per filter set was most of their time) draw what their pandas
versions drew: the same figure and the same table on random inputs, in two languages.
The pandas versions are kept as oracles in tests/oracle_figures.py."""

from __future__ import annotations

import json

import oracle_figures as oracle
import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dashboard import i18n, theme
from dashboard.figures import pillars as pf
from dashboard.figures import timeline as tl

PILLARS = st.sampled_from([*theme.PILLAR_ORDER, "unknown_pillar", None])
REGIONS = st.sampled_from([*theme.REGION_ORDER, "Elsewhere", None])
COUNTS = st.integers(min_value=0, max_value=30_000)
VALUES = st.sampled_from(
    ["youth", "Youth", "tourism", "é-accent", "<b>bold</b>", "not stated", "cooperative",
     "a very long name that the axis has to shorten somewhere in the middle", None]
)  # fmt: skip
LANGUAGES = st.sampled_from(["en", "fr"])


def drawn(fig) -> dict:
    """A figure as the browser receives it (JSON: numpy and Python numbers alike)."""
    return json.loads(fig.to_json())


def assert_same_table(new: pd.DataFrame, old: pd.DataFrame) -> None:
    """Same columns, values and dtypes; a column with no value at all (an empty table,
    only missing phases) may differ in dtype: pandas inferred one from nothing (int64,
    float64, object), and no cell a reader or a download sees differs."""
    pd.testing.assert_frame_equal(new, old, check_dtype=False, check_index_type=False)
    for column in old.columns:
        if old[column].notna().any():
            assert new[column].dtype == old[column].dtype, (column, new.dtypes, old.dtypes)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.tuples(VALUES, PILLARS, COUNTS), max_size=25),
    what=st.sampled_from([*pf.NOTHING_RECORDED, "Something else"]),
    labelled=st.booleans(),
    top=st.sampled_from([None, 0, 1, 3, 15]),
    language=LANGUAGES,
)
def test_facet_bars_draws_what_the_pandas_version_drew(rows, what, labelled, top, language):
    frame = pd.DataFrame(rows, columns=["value", "pillar", "projects"])
    frame["projects"] = frame["projects"].astype("int64")
    labels = pf.PARTNER_TYPE_LABELS if labelled else None
    with i18n.using(language):
        new_fig, new_table = pf.facet_bars(frame, what=what, labels=labels, top=top)
        old_fig, old_table = oracle.facet_bars(frame, what=what, labels=labels, top=top)
    assert drawn(new_fig) == drawn(old_fig)
    assert_same_table(new_table, old_table)


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(PILLARS, REGIONS, COUNTS), max_size=25), language=LANGUAGES)
def test_pillar_region_and_crosstab_draw_what_the_pandas_versions_drew(rows, language):
    frame = pd.DataFrame(rows, columns=["pillar", "region", "projects"])
    frame = frame.astype({"pillar": "str", "region": "str", "projects": "int64"})
    # Rows but no region at all: both versions lay out an empty category axis that
    # Plotly's validators reject (the query always names a region: never seen).
    assume(frame.empty or frame["region"].notna().any())
    with i18n.using(language):
        new_fig, new_table = pf.pillar_region(frame)
        old_fig, old_table = oracle.pillar_region(frame)
        new_crosstab, old_crosstab = pf.crosstab(frame), oracle.crosstab(frame)
    assert drawn(new_fig) == drawn(old_fig)
    assert_same_table(new_table, old_table)
    # With no cell at all, pandas summed nothing to 0.0; the plain version writes 0.
    pd.testing.assert_frame_equal(
        new_crosstab, old_crosstab, check_dtype=frame.notna().all(axis=1).any()
    )


@st.composite
def spans_frames(draw) -> pd.DataFrame:
    """Spans as queries.spans returns them: one row per phase, projects in any order,
    some without years, some ongoing, some with no end."""
    rows = []
    for number_ in range(draw(st.integers(0, 6))):
        title = draw(
            st.sampled_from(["Decent work in cities", "Youth jobs", "<i>LED</i>", "", None])
        )
        pillar, region = draw(PILLARS), draw(REGIONS)
        for phase_no in range(1, draw(st.integers(1, 3)) + 1):
            start = draw(st.one_of(st.none(), st.integers(1995, 2014)))
            end = draw(st.one_of(st.none(), st.integers(start or 1995, 2016)))
            ongoing = draw(st.booleans())
            rows.append(
                {
                    "project_id": f"P{number_}",
                    "title": title,
                    "pillar": pillar,
                    "region": region,
                    "record_type": "project",
                    "phase_no": phase_no,
                    "phase": draw(st.sampled_from([None, "", "Phase I", "<b>II</b>"])),
                    "start_year": start,
                    "end_year": end,
                    "ongoing": ongoing,
                    # the ETL leaves it empty for a phase without years
                    "drawn_to_year": None if start is None else (2014 if ongoing else end or start),
                }
            )
    frame = pd.DataFrame(rows, columns=[*oracle.SPAN_COLUMNS])
    frame = frame.iloc[draw(st.permutations(range(len(frame))))] if len(frame) else frame
    return frame.astype(
        {"project_id": "str", "title": "str", "pillar": "str", "region": "str",
         "record_type": "str", "phase_no": "int64", "phase": "str",
         "start_year": draw(st.sampled_from(["Int64", "float64"])), "end_year": "Int64",
         "ongoing": "bool", "drawn_to_year": "Int64"}
    ).reset_index(drop=True)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(spans=spans_frames(), language=LANGUAGES)
def test_gantt_draws_what_the_pandas_version_drew(spans, language):
    with i18n.using(language):
        new_fig, new_table, new_missing = tl.gantt(spans, x_range=(1994.5, 2016.5))
        old_fig, old_table, old_missing = oracle.gantt(spans, x_range=(1994.5, 2016.5))
    assert drawn(new_fig) == drawn(old_fig)
    assert_same_table(new_table, old_table)
    assert_same_table(new_missing, old_missing)
