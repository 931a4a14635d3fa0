"""The formula rule shared by every export and by reading a catalogue (etl.formulas)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from etl import formulas

risky_text = st.builds(
    lambda quotes, c, rest: "'" * quotes + c + rest,
    st.integers(0, 2),
    st.sampled_from(formulas.TRIGGERS),
    st.text(),
)


@given(st.one_of(st.text(), risky_text))
def test_a_neutralised_cell_is_never_a_formula_and_reads_back_as_typed(text):
    shown = formulas.neutralise(text)
    assert not formulas.is_risky(shown)
    assert formulas.restore(shown) == text


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none()))
def test_numbers_and_missing_values_are_untouched(value):
    assert formulas.neutralise(value) is value


def test_plain_numbers_written_as_text_are_untouched():
    for text in ("-3", "+4.5", "-0,5", "1e5", "-2E-3"):
        assert formulas.neutralise(text) == text
    for text in ("-3+1", "=1", "@A1", "+cmd", "-", "\t1"):
        assert formulas.neutralise(text) == "'" + text
