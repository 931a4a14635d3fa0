"""Tables on a page: counts read with thousands separators (at scale a count has seven
digits, and st.dataframe shows 1000000)."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from dashboard import i18n


def count_columns(*names: str, labels: Mapping[str, str] | None = None) -> dict:
    """A `column_config` showing these columns of whole numbers as 1,000,000 (in English;
    in another language with the browser's marks: 1 000 000, 1.000.000); the cells stay
    numbers (sorting, copying). Not for years: 2014 would read 2,014. `labels` gives a
    column's header (translated text) when it is not its name."""
    shown = "%,d" if i18n.language() == i18n.DEFAULT_LANGUAGE else "localized"
    return {
        name: st.column_config.NumberColumn((labels or {}).get(name), format=shown)
        for name in names
    }
