"""Tables on a page: counts read with thousands separators (at scale a count has seven
digits, and st.dataframe shows 1000000)."""

from __future__ import annotations

import streamlit as st


def count_columns(*names: str) -> dict:
    """A `column_config` showing these columns of whole numbers as 1,000,000; the cells
    stay numbers (sorting, copying). Not for years: 2014 would read 2,014."""
    return {name: st.column_config.NumberColumn(format="%,d") for name in names}
