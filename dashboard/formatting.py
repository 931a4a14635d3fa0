"""Formatting shared by every page and figure: display-ready text (and small HTML
snippets) from warehouse values. Pure: rows in, text out.

Data honesty lives here: a value the source does not report is shown as "not reported"
(never 0, never an empty cell that reads as zero), years keep "ongoing", and exchange
dates keep the precision the source gives (a month stays a month).

Text is written in the interface's language (dashboard.i18n): words through gettext,
numbers with the language's marks, months by CLDR; English reads exactly as before.
Catalogue values (titles, topics, partners) are shown as catalogued. The Projects
table's column names stay English (they are the download's); the page translates the
headers it shows.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

import pandas as pd
from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol
from pandas.io.formats.style import Styler

from dashboard import i18n, inert, theme
from dashboard.i18n import N_, _, ngettext

NOT_REPORTED = theme.NOT_REPORTED  # an English msgid: shown as _(NOT_REPORTED)
PARTNER_TYPE_LABELS = theme.PARTNER_TYPE_LABELS
EXCHANGE_KIND_LABELS = theme.EXCHANGE_KIND_LABELS
EXCHANGE_STATUS_LABELS = theme.EXCHANGE_STATUS_LABELS
OUTCOME_TYPE_LABELS = theme.OUTCOME_TYPE_LABELS
LOCATION_NOT_REPORTED = N_("location not reported")  # shown as _(…)
EN_DASH = "–"

# st.badge colours (its fixed palette) for each outcome type.
OUTCOME_BADGE_COLOURS: dict[str, str] = {
    "roadmap": "blue",
    "declaration": "violet",
    "network": "green",
    "programme": "orange",
    "recommendations": "gray",
    "knowledge_product": "gray",
}
# Which role a country shows in a participation cell when it has several.
ROLE_PRIORITY: tuple[str, ...] = ("host", "peer", "learner", "participant")


# --- single values ------------------------------------------------------------------


def is_missing(value: Any) -> bool:
    """None, NaN, NA, NaT and blank text are all "the source does not say"."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def text(value: Any, missing: str | None = None) -> str:
    """The value as text, or `missing` (by default "not reported", translated)."""
    if is_missing(value):
        return _(NOT_REPORTED) if missing is None else missing
    return str(value).strip()


# A web address in catalogue text (a curator's note, a summary): up to a space, a quote
# or a bracket; a sentence's closing punctuation after it is not part of it.
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'\[\]{}|\\^`]+", re.IGNORECASE)
_SENTENCE_END = ".,;:!?"


def _without_sentence_end(url: str) -> str:
    """'…index.htm).' → '…index.htm'; a ')' the address opened stays ('…c_(d)')."""
    while url and (
        url[-1] in _SENTENCE_END or (url[-1] == ")" and url.count(")") > url.count("("))
    ):
        url = url[:-1]
    return url


def md(value: Any, missing: str | None = None) -> str:
    """Catalogue text made safe for st.markdown (dashboard.inert.markdown): no image,
    HTML or LaTeX from the text, and no link but its http(s) addresses, each a link to
    exactly the address written (escaped text would otherwise be autolinked with its
    escapes: "WCMS\\_247466" → a broken href). Missing → "not reported"."""
    raw = text(value, missing)
    parts, last = [], 0
    for match in _URL_IN_TEXT.finditer(raw):
        url = _without_sentence_end(match.group(0))
        parts.append(inert.markdown(raw[last : match.start()]))
        parts.append(_link(url, inert.markdown(url)))
        last = match.start() + len(url)
    parts.append(inert.markdown(raw[last:]))
    return "".join(parts)


def _link(url: str, label: str) -> str:
    safe = inert.http_url(url)
    if safe is None:
        return label
    return f"[{label}]({safe.replace('(', '%28').replace(')', '%29')})"


def md_link(url: str, label: str | None = None) -> str:
    """A markdown link to an http(s) URL; any other target is shown as plain text."""
    return _link(url, inert.markdown(label or url))


def _marks(shown: str) -> str:
    """A number written the English way ('1,234.5') with the language's group and
    decimal marks ('1 234,5', '1.234,5')."""
    code = i18n.language()
    if code == i18n.DEFAULT_LANGUAGE:
        return shown
    group, decimal = get_group_symbol(locale=code), get_decimal_symbol(locale=code)
    return shown.translate({ord(","): group, ord("."): decimal})


def count_text(value: Any, qualifier: Any = None) -> str:
    """A count as the source states it ("10,000", "at least 8", "target 10,000"); a
    missing count is "not reported", never 0. A real zero stays "0"."""
    if is_missing(value) or isinstance(value, bool):
        return _(NOT_REPORTED)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    shown = (
        i18n.number(int(number))
        if number.is_integer()
        else _marks(f"{number:,.2f}".rstrip("0").rstrip("."))
    )
    word = "" if is_missing(qualifier) else theme.QUALIFIER_WORDS.get(str(qualifier), "")
    return _("{qualifier} {count}").format(qualifier=word, count=shown) if word else shown


def _year(value: Any) -> int | None:
    if is_missing(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _flag(value: Any) -> bool:
    return False if is_missing(value) else bool(value)


def years_text(start: Any, end: Any, ongoing: Any = False, missing: str | None = None) -> str:
    """'2012–2017', '2013–ongoing', '2010', '2007–end not reported', or `missing` (by
    default "not reported") when the source gives no year at all — never a made-up year."""
    first, last, running = _year(start), _year(end), _flag(ongoing)
    if first is None and last is None:
        if running:
            return _("ongoing (start not reported)")
        return _(NOT_REPORTED) if missing is None else missing
    if first is None:
        if running:
            return _("start not reported–ongoing")
        return _("start not reported–{end}").format(end=last)
    if running:
        return _("{start}–ongoing").format(start=first)
    if last is None:
        return _("{start}–end not reported").format(start=first)
    if last == first:
        return str(first)
    return f"{first}{EN_DASH}{last}"


def phase_lines(phases: pd.DataFrame) -> list[str]:
    """'Phase 1: 1997–2003' for each phase the source gives, in order."""
    if phases is None or phases.empty:
        return []
    ordered = phases.sort_values("phase_no") if "phase_no" in phases else phases
    lines = []
    for row in ordered.to_dict("records"):
        label = text(row.get("label"), _("Phase {n}").format(n=text(row.get("phase_no"), "?")))
        span = years_text(row.get("start_year"), row.get("end_year"), row.get("ongoing"))
        lines.append(_("{phase}: {years}").format(phase=label, years=span))
    return lines


def split_list(value: Any) -> list[str]:
    """'a; b; c' → ['a', 'b', 'c'] (the catalogue's multi-value separator)."""
    if is_missing(value):
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


def join_or_not_reported(values: Iterable[Any], sep: str = "; ") -> str:
    shown = [str(v) for v in values if not is_missing(v)]
    return sep.join(shown) if shown else _(NOT_REPORTED)


def status_label(status: Any) -> str:
    return theme.STATUS_LABELS.get(text(status, ""), text(status))


def record_type_label(record_type: Any) -> str:
    return theme.RECORD_TYPE_LABELS.get(text(record_type, ""), text(record_type))


def partner_type_label(partner_type: Any) -> str:
    if is_missing(partner_type):
        return _(theme.PARTNER_TYPE_NOT_STATED)
    code = str(partner_type)
    return PARTNER_TYPE_LABELS.get(code, code.replace("_", " ").capitalize())


def kind_label(kind: Any) -> str:
    if is_missing(kind):
        return _("Exchange")
    return EXCHANGE_KIND_LABELS.get(str(kind), str(kind).replace("_", " ").capitalize())


def exchange_status_label(status: Any) -> str:
    return EXCHANGE_STATUS_LABELS.get(text(status, ""), text(status))


def role_label(role: Any) -> str:
    return theme.ROLE_LABELS.get(text(role, ""), text(role))


def outcome_types(value: Any) -> list[tuple[str, str, str]]:
    """(code, label, badge colour) of each outcome type: roadmap, declaration, network..."""
    return [
        (
            code,
            OUTCOME_TYPE_LABELS.get(code, code.replace("_", " ").capitalize()),
            OUTCOME_BADGE_COLOURS.get(code, "gray"),
        )
        for code in split_list(value)
    ]


def location_text(lat: Any, lon: Any) -> str:
    """'40.978° N, 37.890° E', or "location not reported" (never 0, 0)."""
    if is_missing(lat) or is_missing(lon):
        return _(LOCATION_NOT_REPORTED)
    lat, lon = float(lat), float(lon)
    north_south = _("{degrees}° N") if lat >= 0 else _("{degrees}° S")
    east_west = _("{degrees}° E") if lon >= 0 else _("{degrees}° W")
    return (
        north_south.format(degrees=_marks(f"{abs(lat):.3f}"))
        + ", "
        + east_west.format(degrees=_marks(f"{abs(lon):.3f}"))
    )


def _as_date(value: Any) -> date | None:
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None


# CLDR patterns of a month, a month and year, a day and month, and a full day, as each
# language writes them in a date ('24 September 2014', '24 de septiembre de 2014').
DATE_PATTERNS: dict[str, dict[str, str]] = {
    "en": {"month": "MMMM", "month_year": "MMMM y", "day_month": "d MMMM", "day": "d MMMM y"},
    "fr": {"month": "MMMM", "month_year": "MMMM y", "day_month": "d MMMM", "day": "d MMMM y"},
    "es": {
        "month": "MMMM",
        "month_year": "MMMM 'de' y",
        "day_month": "d 'de' MMMM",
        "day": "d 'de' MMMM 'de' y",
    },
}


def _date(d: date, form: str) -> str:
    """`d` in the interface's language, as `form` of DATE_PATTERNS says."""
    code = i18n.language()
    patterns = DATE_PATTERNS.get(code, DATE_PATTERNS[i18n.DEFAULT_LANGUAGE])
    return format_date(d, patterns[form], locale=code)


def date_display(start: Any, end: Any, precision: Any, date_text: Any = None) -> str:
    """Dates as precise as the source: '24–27 September 2014', 'November 2012', '2015'."""
    first, last = _as_date(start), _as_date(end)
    level = text(precision, "")
    if first is None:
        return text(date_text)
    last = last or first
    if level == "year":
        return str(first.year) if first.year == last.year else f"{first.year}{EN_DASH}{last.year}"
    if level == "month":
        if (first.year, first.month) == (last.year, last.month):
            return _date(first, "month_year")
        if first.year == last.year:
            return f"{_date(first, 'month')}{EN_DASH}{_date(last, 'month_year')}"
        return f"{_date(first, 'month_year')}{EN_DASH}{_date(last, 'month_year')}"
    if first == last:
        return _date(first, "day")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}{EN_DASH}{_date(last, 'day')}"
    if first.year == last.year:
        return f"{_date(first, 'day_month')} {EN_DASH} {_date(last, 'day')}"
    return f"{_date(first, 'day')} {EN_DASH} {_date(last, 'day')}"


def short_text(value: Any, limit: int = 90) -> str:
    shown = text(value, "")
    return shown if len(shown) <= limit else shown[: limit - 1].rstrip() + "…"


def chip_html(label: str, colour: str) -> str:
    """A rounded colour chip (a pillar in its theme colour), its text in the ink (near
    black or white) with the higher WCAG contrast on it."""
    ink = max(("#111111", "#FFFFFF"), key=lambda text: theme.contrast(text, colour))
    return (
        f'<span style="background:{colour};color:{ink};padding:0.2em 0.8em;'
        f'border-radius:1em;font-weight:600;white-space:nowrap">{html.escape(label)}</span>'
    )


def pillar_chip(pillar: Any) -> str:
    code = text(pillar, "")
    colour = theme.PILLAR_COLOURS.get(code, "#BBBBBB")
    return chip_html(theme.pillar_label(code or None), colour)


# --- selection (which project or exchange the page shows) ----------------------------


def role_chips() -> str:
    """The legend of participant roles under the City-to-City map (HTML)."""
    return " &nbsp; ".join(
        chip_html(theme.ROLE_LABELS[r], theme.ROLE_COLOURS[r]) for r in ROLE_PRIORITY
    )


def map_list_caption(row: Mapping[str, Any]) -> str:
    """The line under a project's title in the list beside the map: a pillar dot, the
    pillar, years and countries (HTML; every value escaped). The title itself is an
    in-app link (`st.page_link`): a full page load would start a new session, and lose
    the session's own inventory and the story being built."""
    pillar = text(row.get("pillar"), "")
    colour = theme.PILLAR_COLOURS.get(pillar, "#777777")
    years = years_text(
        row.get("start_year"),
        row.get("end_year"),
        row.get("ongoing"),
        missing=_("years not reported"),
    )
    where = countries_text(row.get("countries"), _("country not reported"))
    project = inert.html(str(row.get("project_id") or ""))
    return (
        f"<div class='atlas-map-item' data-project='{project}' "
        "style='margin:-0.6rem 0 0.6rem 0'>"
        f"<span style='color:{colour};font-size:1.1em'>●</span> "
        f"<span style='color:#444'>{inert.html(theme.PILLAR_SHORT.get(pillar, pillar))}"
        f" · {inert.html(years)} · {inert.html(where)}</span></div>"
    )


# What exchanges_note says for each `what` (a whole sentence each, for translators).
EXCHANGES_NOTES: dict[str, str] = {
    "drawn": N_(
        "**The {shown} most recent of {total} City-to-City exchanges are drawn.** "
        "Narrow the filters in the sidebar (years, region, country, topic, search…) to see "
        "the others."
    ),
    "shown": N_(
        "**The {shown} most recent of {total} City-to-City exchanges are shown.** "
        "Narrow the filters in the sidebar (years, region, country, topic, search…) to see "
        "the others."
    ),
    "listed": N_(
        "**The {shown} most recent of {total} City-to-City exchanges are listed.** "
        "Narrow the filters in the sidebar (years, region, country, topic, search…) to see "
        "the others."
    ),
}


def exchanges_note(shown: int, total: int, what: str = "drawn") -> str | None:
    """Says when only the most recent `shown` of `total` exchanges are drawn (`what`:
    "drawn", "shown" or "listed"), and how to see the others; None when all of them are."""
    if total <= shown:
        return None
    return _(EXCHANGES_NOTES[what]).format(shown=i18n.number(shown), total=i18n.number(total))


def project_badges(project: Mapping[str, Any]) -> str:
    """The line under a project's title: pillar chip, record type, status (HTML)."""
    return (
        pillar_chip(project.get("pillar"))
        + f" &nbsp; **{inert.html(record_type_label(project.get('record_type')))}**"
        + f" · {inert.html(status_label(project.get('status')))}"
    )


def resolve_choice(
    requested: str | None, visible: Sequence[str], exists: Callable[[str], bool]
) -> tuple[list[str], str | None, bool, bool]:
    """Options for the picker and the chosen id.

    Returns (options, chosen, outside_filters, unknown): a requested id hidden by the
    filters is added first to the options (outside_filters=True); an id that does not
    exist is ignored (unknown=True) and the first visible one is chosen.
    """
    options = list(visible)
    if requested and requested in options:
        return options, requested, False, False
    if requested and exists(requested):
        return [requested, *options], requested, True, False
    return options, (options[0] if options else None), False, bool(requested)


# --- tables ----------------------------------------------------------------------------

# The Projects table's (and download's) column names: stable English, never translated.
PROJECT_TABLE_COLUMNS = (
    "Project",
    "Link",
    "Countries",
    "Region",
    "Pillar",
    "Years",
    "Status",
    "Topics",
)


def _each_distinct(values: Sequence[Any], show: Callable[..., str], *more: Sequence[Any]) -> list:
    """`show(value, *more values)` for each row, computed once per distinct combination:
    a million projects have a few thousand year spans, a few hundred country lists."""
    done: dict[tuple, str] = {}
    out = []
    for key in zip(values, *more, strict=True):
        shown = done.get(key)
        if shown is None:
            shown = done[key] = show(*key)
        out.append(shown)
    return out


def _pillar_short(pillar: Any) -> str:
    code = text(pillar, "")
    return theme.PILLAR_SHORT.get(code, theme.pillar_label(code or None))


def _region(region: Any) -> str:
    return theme.region_label(text(region, "") or None)


@cache
def _iso3_by_name() -> dict[str, str]:
    """The warehouse's English country name → ISO3 (its reference table)."""
    from etl.countries import country_table

    return {str(row["country"]): str(iso3) for iso3, row in country_table().iterrows()}


def countries_text(value: Any, missing: str | None = None) -> str:
    """A record's countries ('Brazil; Peru', as the warehouse joins them) in the
    interface's language ('Brésil; Pérou')."""
    shown = text(value, missing) if missing is not None else text(value)
    if is_missing(value) or i18n.language() == i18n.DEFAULT_LANGUAGE:
        return shown
    by_name = _iso3_by_name()
    names = [n.strip() for n in str(value).split(";") if n.strip()]
    return "; ".join(i18n.country_name(by_name.get(n), n) for n in names)


def projects_table(projects: pd.DataFrame, link: Callable[[str], str]) -> pd.DataFrame:
    """The Projects table as a reader sees it: labels, years as text, a link per row.
    Column by column (a download formats a million rows with it)."""

    def column(name: str) -> list:  # Python values, None for NULL/NaN (NA is no dict key)
        values = projects[name]
        return values.astype(object).where(values.notna(), None).tolist()

    ids = projects["project_id"].tolist()
    table = {
        "Project": _each_distinct(column("title"), text),
        "Link": [link(str(pid)) for pid in ids],
        "Countries": _each_distinct(column("countries"), countries_text),
        "Region": _each_distinct(column("region"), _region),
        "Pillar": _each_distinct(column("pillar"), _pillar_short),
        "Years": _each_distinct(
            column("start_year"), years_text, column("end_year"), column("ongoing")
        ),
        "Status": _each_distinct(column("status"), status_label),
        "Topics": _each_distinct(column("topics"), text),
        "project_id": ids,
    }
    frame = pd.DataFrame(table, columns=[*PROJECT_TABLE_COLUMNS, "project_id"])
    return frame if len(frame) else frame.astype(str)  # no rows: text columns still


# What the Projects download adds to the table: the years as typed numbers (and the
# ongoing flag), for sorting and computing in a spreadsheet, pandas or R.
PROJECT_DOWNLOAD_TYPED = ("start_year", "end_year", "ongoing")


def projects_download(projects: pd.DataFrame, link: Callable[[str], str]) -> pd.DataFrame:
    """The Projects download: the table as shown, then the typed years. Works on one
    chunk of a streamed download at a time."""
    table = projects_table(projects, link)
    for name in PROJECT_DOWNLOAD_TYPED:
        table[name] = projects[name].array
    return table


# The detail tables below are read on the page only (never downloaded): their column
# headers are in the interface's language.


def _country(row: Mapping[str, Any]) -> str:
    """A row's country in the interface's language (its name, else its code)."""
    english = text(row.get("country"), "")
    iso3 = text(row.get("iso3"), "")
    return i18n.country_name(iso3 or None, english or None) or _(NOT_REPORTED)


def beneficiaries_table(groups: pd.DataFrame) -> pd.DataFrame:
    """Beneficiary groups with the count the source gives, else "not reported"."""
    columns = [_("Group"), _("Count")]
    return pd.DataFrame(
        [
            (
                text(r.get("beneficiary_group")),
                count_text(r.get("count"), r.get("count_qualifier")),
            )
            for r in groups.to_dict("records")
        ],
        columns=columns,
    )


def counts_table(counts: pd.DataFrame) -> pd.DataFrame:
    people, figure = _("people (beneficiary group)"), _("stated figure")
    return pd.DataFrame(
        [
            (
                text(r.get("label")),
                count_text(r.get("value"), r.get("qualifier")),
                people if _flag(r.get("is_beneficiary_group")) else figure,
            )
            for r in counts.to_dict("records")
        ],
        columns=[_("What is counted"), _("Count"), _("Kind")],
    )


def partners_table(partners: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (text(r.get("partner")), partner_type_label(r.get("partner_type")))
            for r in partners.to_dict("records")
        ],
        columns=[_("Partner"), _("Type")],
    )


def localities_table(localities: pd.DataFrame) -> pd.DataFrame:
    """Places with their level and location; a place without coordinates says so."""
    return pd.DataFrame(
        [
            (
                text(r.get("name")),
                _country(r),
                text(r.get("admin_level")),
                location_text(r.get("lat"), r.get("lon")),
                text(r.get("coord_note"), text(r.get("notes"), "")),
            )
            for r in localities.to_dict("records")
        ],
        columns=[_("Place"), _("Country"), _("Level"), _("Location"), _("Note")],
    )


def participants_table(participants: pd.DataFrame) -> pd.DataFrame:
    """Who took part: country, city (or "cities not named"), role as a reader says it."""
    return pd.DataFrame(
        [
            (
                _country(r),
                text(r.get("city"), _("cities not named")),
                role_label(r.get("role")),
                text(r.get("notes"), ""),
            )
            for r in participants.to_dict("records")
        ],
        columns=[_("Country"), _("City"), _("Role"), _("Note")],
    )


def exchange_label(row: Mapping[str, Any], limit: int = 70) -> str:
    """'Chefchaouen, 24–27 September 2014 — Urban-Rural Policies for…' (picker label)."""
    when = date_display(
        row.get("start_date"), row.get("end_date"), row.get("date_precision"), row.get("date_text")
    )
    return _("{host}, {when} — {title}").format(
        host=text(row.get("host_city"), _("host not reported")),
        when=when,
        title=short_text(row.get("title"), limit),
    )


def exchange_labels(index: pd.DataFrame, ids: tuple[str, ...]) -> dict[str, str]:
    """The picker labels of these exchanges (those on screen; the index may hold
    thousands), by id; ids not in the index are left out."""
    wanted = index[index["exchange_id"].isin(ids)]
    return {row["exchange_id"]: exchange_label(row) for row in wanted.to_dict("records")}


def follow_ups(exchange_id: str, index: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """(the exchange it follows, the exchanges that follow it), as index rows. Only the
    rows that can match are read one by one (the index may hold thousands)."""
    if index is None or index.empty:
        return [], []
    me = index[index["exchange_id"] == exchange_id].to_dict("records")
    wanted = split_list(me[0].get("follows")) if me else []
    by_id = {
        r["exchange_id"]: r for r in index[index["exchange_id"].isin(wanted)].to_dict("records")
    }
    follows = [by_id[i] for i in wanted if i in by_id]
    naming = index["follows"].fillna("").astype(str).str.contains(exchange_id, regex=False)
    followed_by = [
        r for r in index[naming].to_dict("records") if exchange_id in split_list(r.get("follows"))
    ]
    return follows, followed_by


def exchange_countries(participants: pd.DataFrame) -> list[str]:
    """Distinct countries of an exchange (host first), by name."""
    if participants is None or participants.empty:
        return []
    ordered = participants.assign(_host=(participants["role"] != "host").astype(int)).sort_values(
        ["_host", "country"]
    )
    names = [
        _country({"country": c, "iso3": i})
        for c, i in zip(ordered["country"], ordered["iso3"], strict=True)
    ]
    return list(dict.fromkeys(names))


def with_separators(frame: pd.DataFrame) -> Styler:
    """`frame` for display with its whole-number columns read as 1,000,000 (at scale a
    count has seven digits); the cells stay numbers, so a table still sorts by value.
    The index is hidden (st.table would show it). For tables of counts and text only: a
    Styler shows other numbers with six decimals."""
    counts = [c for c in frame.columns if pd.api.types.is_integer_dtype(frame[c])]
    code = i18n.language()
    if code == i18n.DEFAULT_LANGUAGE:
        shown: str | Callable[[Any], str] = "{:,}"
    else:  # formatted when the table is drawn: in the language it was made in

        def shown(value: Any) -> str:
            with i18n.using(code):
                return i18n.number(value)

    return frame.style.format(shown, subset=counts, na_rep=_(NOT_REPORTED)).hide(axis="index")


def markdown_table(frame: pd.DataFrame) -> str:
    """`frame` as a static Markdown table: one st.markdown element, its headers wrapping
    as st.table's do. Text cells are inert (`md`), whole numbers read in the language's
    marks (10,000 · 10 000) and sit right-aligned, an empty cell is "not reported".
    st.table of `with_separators` rendered its Styler again on every run: a third of
    the Pillars page's time (issue 13); this text is built once (ui.built)."""
    counts = {c for c in frame.columns if pd.api.types.is_integer_dtype(frame[c])}

    def cell(value: Any, is_count: bool) -> str:
        if is_count and not is_missing(value):
            return i18n.number(int(value))
        return md(" ".join(text(value).split()))  # on one line: a line is a row

    header = [md(" ".join(str(c).split())) for c in frame.columns]
    align = ["---:" if c in counts else ":---" for c in frame.columns]
    rows = [
        [cell(v, c in counts) for c, v in zip(frame.columns, values, strict=True)]
        for values in frame.itertuples(index=False, name=None)
    ]
    return "\n".join("| " + " | ".join(line) + " |" for line in [header, align, *rows])


def as_of_md(meta: Mapping[str, Any]) -> str:
    """The warehouse's as-of year for markdown, with the catalogue's note on it when it
    has one ('2015 — the year the publication describes'); a generated warehouse has
    none, and a bare dash then read as something missing."""
    year = md(meta.get("as_of_year"), "?")
    note = text(meta.get("catalogue_as_of_year_note"), "")
    return f"{year} — {md(note)}" if note else year


METRIC_CHARS = 11  # what a quarter-width metric tile shows before cutting the value


def part_metric(label: str, part: int, total: int) -> tuple[str, str]:
    """(label, value) of a metric tile for `part` of `total`: '50 of 55' while it fits
    the tile, else the total moves to the label ('Localities plotted (of 1,433,496)',
    '932,873'), so no digit is cut."""
    part_n, total_n = i18n.number(part), i18n.number(total)
    value = _("{part} of {total}").format(part=part_n, total=total_n)
    if len(value) <= METRIC_CHARS:
        return label, value
    return _("{label} (of {total})").format(label=label, total=total_n), part_n


def cut_list(names: Sequence[str], limit: int) -> str:
    """'a, b, c' — or past `limit` names, the first `limit` and 'and 50 more'."""
    shown = ", ".join(names[:limit])
    if len(names) <= limit:
        return shown
    more = len(names) - limit
    return ngettext("{names} and {n} more", "{names} and {n} more", more).format(
        names=shown, n=i18n.number(more)
    )
