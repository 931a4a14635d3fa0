"""Text is data: catalogue (and, later, uploaded) text is shown as typed and never runs.

Each way text reaches the browser has its own escaping, and it lives here:
- `html`      — HTML written by hand (st.markdown(..., unsafe_allow_html=True), st.html);
- `markdown`  — st.markdown / captions: no link, image, LaTeX or HTML from the text;
- `plotly`    — Plotly labels and hover text, which Plotly parses as a small HTML subset
                (`<a href>`, `<span style>`, `<br>`); entities are decoded back, so the
                text reads as typed;
- `tooltip`   — pydeck tooltips: the maps use text tooltips (never HTML), and a
                field's own "{title}" must not be filled in by the renderer, which
                replaces each template field in turn; very long text is cut (a tooltip
                is not a reading pane);
- `http_url`  — a link target: http(s) only, never `javascript:` or `data:`.
Spreadsheet formulas are etl.formulas' concern (exports and the template).
"""

from __future__ import annotations

import html as _html
import math
import re
from typing import Any

from etl.normalise import BadValue, parse_http_url

TOOLTIP_LIMIT = 300
# ':' and '@' too: GFM turns "http://…", "www.…" and e-mail addresses into links.
# '&' so that "&amp;" reads as typed, not as "&".
_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_~$[]<>|#!:@&"})
_WWW = re.compile(r"(?i)\b(www)\.")
# A line starting with "- ", "+ ", "=", "1." would become a list item or a heading. The
# mark is escaped: \- and 1\. (a backslash before a digit is no escape: it would show).
_LINE_START = re.compile(r"(?m)^(\s*)(\d*)([-+=.)])")


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return str(value)


def html(value: Any) -> str:
    """Text for HTML written by hand: every markup character escaped."""
    return _html.escape(_text(value), quote=True)


def markdown(value: Any) -> str:
    """Text for st.markdown: markdown, HTML and LaTeX characters backslash-escaped, so
    '[x](javascript:…)', '![](http://…)', '<img …>' and 'R$300 (~US$83)' read as typed."""
    text = _WWW.sub(r"\1\\.", _text(value).translate(_MARKDOWN_SPECIAL))
    return _LINE_START.sub(_escaped_line_start, text)


def _escaped_line_start(match: re.Match) -> str:
    spaces, digits, mark = match.groups()
    if digits and mark in "-+=" or not digits and mark in ".)":
        return match.group(0)  # "2-3", ".5": no list, no heading
    return f"{spaces}{digits}\\{mark}"


def plotly(value: Any) -> str:
    """Text for a Plotly label, tick, legend name or hover text (`&`, `<`, `>` escaped;
    Plotly shows the entities as the characters)."""
    return _html.escape(_text(value), quote=False)


WORD_JOINER = "\u2060"  # invisible: "{⁠title}" reads as "{title}" but is no template field


def tooltip(value: Any, limit: int = TOOLTIP_LIMIT) -> str:
    """Text for a pydeck *text* tooltip field: cut at `limit`, and an invisible word
    joiner after each `{`, so the renderer never takes the text's "{name}" for a field."""
    text = _text(value)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text.replace("{", "{" + WORD_JOINER)


def http_url(value: Any) -> str | None:
    """`value` when it is an absolute http(s) URL (the ETL's rule,
    etl.normalise.parse_http_url); None otherwise — never `javascript:` or `data:`."""
    try:
        return parse_http_url(_text(value))
    except BadValue:
        return None
