"""Tables on a page: every column shown (widths that fit, long text wrapped), counts
read with thousands separators (at scale a count has seven digits, and st.dataframe
shows 1000000)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard import i18n
from dashboard.memo import built

if TYPE_CHECKING:
    import pyarrow as pa


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


# Every table fits the narrowest main column the atlas is laid out for (1280 px wide with
# the sidebar open: 818 px, less the table's borders); a table in half a row gets half.
# Wider, Streamlit's grid stretches the columns to fill the space.
FULL_WIDTH_PX = 750
HALF_WIDTH_PX = 270
_CHAR_PX = 7.4  # an average character of the grid's 14 px font
_PADDING_PX = 26
_HEADER_ICONS_PX = 24  # a header's help and sort icons
_LINE_PX = 21
MAX_LINES = 6
SHORT_TABLE_ROWS = 6  # a table this short is shown whole, however tall its rows


def _texts(values: pd.Series) -> list[str]:
    """The first 500 cells as text (what the widths are judged on), missing ones left out."""
    return [str(v) for v in values.head(500).dropna().tolist()]


def _natural_px(header: str, texts: list[str]) -> int:
    cells = max([0, *(len(t) for t in texts)])
    return int(max(len(header) * _CHAR_PX + _HEADER_ICONS_PX, cells * _CHAR_PX) + _PADDING_PX)


def _least_px(header: str, texts: list[str]) -> int:
    """The narrowest a column can be without breaking a word (or its header) apart."""
    words = [len(w) for t in texts for w in t.split()]
    header_px = min(len(header), 12) * _CHAR_PX + _HEADER_ICONS_PX
    return int(max(header_px, max(words, default=0) * _CHAR_PX) + _PADDING_PX)


def _share(natural: dict[str, int], least: dict[str, int], room: int) -> dict[str, int]:
    """Widths within `room`: each column its least width, and the room left shared among
    the columns that want more, in proportion to how much more they want."""
    floor = {name: min(least[name], want) for name, want in natural.items()}
    if sum(floor.values()) > room:  # too many columns: long words break, none is hidden
        scale = room / sum(floor.values())
        floor = {name: max(40, int(px * scale)) for name, px in floor.items()}
    extra = max(0, room - sum(floor.values()))
    more = {name: natural[name] - floor[name] for name in natural}
    wanted = sum(more.values()) or 1
    return {name: floor[name] + int(extra * more[name] / wanted) for name in natural}


def fitted(
    frame: pd.DataFrame | Styler,
    column_config: Mapping[str, Any] | None = None,
    *,
    width_px: int = FULL_WIDTH_PX,
    column_order: Sequence[str] | None = None,
) -> tuple[dict, int | None]:
    """Column widths (and a row height that wraps long text) so that no column of the
    table is hidden beyond its right edge: `(column_config, row_height or None)`. The
    columns keep at least their longest word; what room is left goes to the columns
    with long text, which wrap over up to MAX_LINES lines."""
    if isinstance(frame, Styler):  # a styled table (the Pillars crosstab): its data
        frame = frame.data
    config = {  # Streamlit's shorthands stay as given: None hides a column, a text is a label
        name: dict(entry) if isinstance(entry, Mapping) else entry
        for name, entry in (column_config or {}).items()
    }
    hidden = {name for name, entry in config.items() if entry is None}
    shown = [c for c in (column_order or frame.columns) if c in frame.columns and c not in hidden]
    natural, least = {}, {}
    for name in shown:
        entry = config.get(name)
        if isinstance(entry, str):
            entry = config[name] = {"label": entry}
        entry = entry or {}
        header = entry.get("label") or str(name)
        shown_text = (entry.get("type_config") or {}).get("display_text")
        texts = _texts(frame[name]) if not shown_text else [str(shown_text)]
        natural[name] = _natural_px(header, texts)
        least[name] = _least_px(header, texts)
    if sum(natural.values()) <= width_px:
        return config, None
    widths = _share(natural, least, width_px)
    lines = max(-(-(natural[n] - _PADDING_PX) // max(1, widths[n] - _PADDING_PX)) for n in natural)
    for name, px in widths.items():
        config.setdefault(name, {})["width"] = px
    if lines <= 1:
        return config, None
    # the grid wraps text only in rows taller than 4rem (64 px)
    return config, max(68, 10 + _LINE_PX * min(lines, MAX_LINES))


def as_arrow(frame: pd.DataFrame) -> pa.Table:
    """`frame` as the Arrow table st.dataframe would convert it to on every run (~4% of
    the server's time under fifty sessions, py-spy): converted once per table and shared
    (memo.built), with Streamlit's own conversion, so the browser gets the same bytes."""
    from streamlit.dataframe_util import convert_pandas_df_to_arrow_table  # late: tests patch it

    return convert_pandas_df_to_arrow_table(frame)


def table(
    frame: pd.DataFrame | Styler,
    column_config: Mapping[str, Any] | None = None,
    *,
    half: bool = False,
    column_order: Sequence[str] | None = None,
    height: int | str = "auto",
    key: str | None = None,
) -> None:
    """A read-only table that shows every column (see `fitted`), without the index."""
    data = frame.data if isinstance(frame, Styler) else frame
    config, row_height = copy.deepcopy(  # fitted once per table and shared (memo.built)
        built(
            fitted,
            data,
            column_config,
            width_px=HALF_WIDTH_PX if half else FULL_WIDTH_PX,
            column_order=column_order,
        )
    )
    if row_height and isinstance(height, int):  # taller rows: keep the rows it showed
        height = min(600, 38 + (height - 38) * row_height // 35)
    elif row_height and height == "auto":
        # Streamlit's own height counts 35 px rows: taller rows hid a 5-row table's Total
        # row behind a scroll (QA). A short table shows every row; a long one scrolls.
        whole = 38 + len(data) * row_height + 2
        height = whole if len(data) <= SHORT_TABLE_ROWS else min(600, whole)
    st.dataframe(
        frame if isinstance(frame, Styler) else built(as_arrow, data),
        hide_index=True,
        width="stretch",
        height=height,
        column_config=config or None,
        column_order=column_order,
        row_height=row_height,
        key=key,
    )
