"""ui.tables.fitted: the widths that keep every column of a table in view."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from hypothesis import given
from hypothesis import strategies as st_

from dashboard.ui.tables import FULL_WIDTH_PX, HALF_WIDTH_PX, fitted

WORDS = st_.text(alphabet="abcdefghij ", min_size=0, max_size=160)


@given(
    columns=st_.lists(st_.lists(WORDS, min_size=1, max_size=6), min_size=1, max_size=12),
    half=st_.booleans(),
)
def test_every_column_fits_the_width_the_table_is_given(columns, half):
    room = HALF_WIDTH_PX if half else FULL_WIDTH_PX
    frame = pd.DataFrame({f"c{i}": pd.Series(values) for i, values in enumerate(columns)})
    config, row_height = fitted(frame, width_px=room)
    if not config:  # nothing set: the table wants no more than the room
        assert row_height is None
        return
    widths = [config[c]["width"] for c in frame.columns]
    # at most the room, unless so many columns that each is at its narrowest (40 px)
    assert sum(widths) <= room or min(widths) == 40
    if row_height is not None:
        assert row_height > 64  # Streamlit's grid wraps text only in rows taller than 4rem


def test_a_wide_table_keeps_its_labels_and_gives_long_text_the_room():
    frame = pd.DataFrame(
        {
            "Project": ["Elimination of Worst Forms of Child Labour in Seasonal Hazelnut " * 2],
            "Years": ["2012–2017"],
            "Status": ["Ongoing"],
            "Topics": ["agriculture; child labour; social dialogue; rights at work"],
        }
    )
    config, row_height = fitted(
        frame, {"Years": st.column_config.TextColumn("Années")}, width_px=FULL_WIDTH_PX // 2
    )
    assert config["Years"]["label"] == "Années"
    assert config["Project"]["width"] > config["Years"]["width"]
    assert config["Project"]["width"] > config["Status"]["width"]
    assert row_height and row_height > 64


def test_a_narrow_table_is_left_alone():
    frame = pd.DataFrame({"Group": ["women"], "Count": [3]})
    assert fitted(frame) == ({}, None)


def test_streamlits_shorthands_keep_their_meaning():
    """None hides a column (it takes no room), a text is the column's label."""
    frame = pd.DataFrame({"id": ["x" * 300], "Project": ["y " * 200], "Years": ["2012–2017"]})
    config, _rows = fitted(frame, {"id": None, "Years": "Années"})
    assert config["id"] is None
    assert config["Years"]["label"] == "Années"
    assert config["Project"]["width"] + config["Years"]["width"] <= FULL_WIDTH_PX


def test_a_styled_table_is_measured_by_its_data():
    frame = pd.DataFrame({"Project": ["word " * 300], "n": [1]})
    config, rows = fitted(frame.style.format({"n": "{:,}"}))
    assert config["Project"]["width"] <= FULL_WIDTH_PX and rows


def _same_table_twice() -> None:
    import pandas as pd
    import streamlit as st

    from dashboard.ui.tables import count_columns, table

    frame = pd.DataFrame(
        {
            "Project": ["Villes <b>durables</b>", "", None, "Ciudad 🌆"],
            "Projects": [1, 1_000_000, 0, 42],
            "Share": [0.5, None, 1.0, 0.25],
            "Years": ["2010–2014", "not reported", "2012", ""],
            "mixed": [1, "two", 3.0, None],  # Streamlit turns mixed columns into text
        },
        index=[10, 11, 12, 13],  # not a range: pandas keeps it as a column
    )
    config = count_columns("Projects")
    table(frame, config, key="ours")
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config, key="pandas")


def test_a_table_converted_once_reaches_the_browser_as_streamlit_converts_it():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_same_table_twice).run()
    assert not at.exception
    ours, theirs = (e.proto for e in at.dataframe)
    assert ours.arrow_data.data == theirs.arrow_data.data
    assert len(ours.arrow_data.data) > 500  # the rows, not an empty table
    assert '"hidden":true' in ours.columns.replace(" ", "")  # the index stays hidden


def test_a_shown_table_is_converted_once_not_on_every_run(monkeypatch):
    import streamlit.dataframe_util as dataframe_util
    from streamlit.testing.v1 import AppTest

    from dashboard import memo

    memo.clear()
    conversions = []
    convert = dataframe_util.convert_pandas_df_to_arrow_table
    monkeypatch.setattr(
        dataframe_util,
        "convert_pandas_df_to_arrow_table",
        lambda frame, **kw: conversions.append(len(frame)) or convert(frame, **kw),
    )
    at = AppTest.from_function(_same_table_twice).run()
    at.run()
    assert not at.exception
    # st.dataframe converts its own table on each of the two runs; the atlas's table once
    assert len(conversions) == 3


def test_a_table_with_wrapped_rows_is_tall_enough_for_every_row(monkeypatch):
    """QA: a 5-row cross-tab whose long pillar names wrap showed 3-4 rows and hid its
    Total row behind a scroll (Streamlit's own height counts 35 px rows)."""
    import dashboard.ui.tables as tables

    shown = {}
    monkeypatch.setattr(tables.st, "dataframe", lambda data, **kw: shown.update(kw))
    long = "Employment creation and sustainable enterprises"
    frame = pd.DataFrame({"Pillar": [long] * 4 + ["Total"], "Africa": range(5), "Total": 1})
    tables.table(frame, half=True)
    assert shown["row_height"] > 64  # its text wraps
    assert shown["height"] >= 38 + 5 * shown["row_height"]
    shown.clear()
    tables.table(pd.DataFrame({"Pillar": [long] * 40, "n": 1}), half=True)
    assert shown["height"] == 600  # a long table scrolls, from a page's height
