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
    # A column with no value (an empty table, or only missing pillars) had whatever dtype
    # pandas inferred from nothing (int64, float64): no cell a reader or a download sees
    # differs; the values and the columns must still be the same.
    typed = not old.empty and not old.isna().all().any()
    pd.testing.assert_frame_equal(new, old, check_dtype=typed, check_index_type=False)


@settings(max_examples=150, deadline=None)
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


@settings(max_examples=150, deadline=None)
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
