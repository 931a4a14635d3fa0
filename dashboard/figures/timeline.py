"""Timeline figures: projects per year, a Gantt of project spans, exchanges on one time axis.

Pure builders (DataFrame in, figure and the table behind it out). Every chart of the
timeline shares one numeric x axis on which year Y is the interval [Y - 0.5, Y + 0.5]:
a bar of the per-year chart is centred on its year, a Gantt bar covering 2007–2008
runs from 2006.5 to 2008.5, and an exchange dated 1 July 2013 sits in the middle of
2013. `shared_range` gives the one range all of them use.
"""

from __future__ import annotations

import math
import textwrap
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting, i18n, inert, theme
from dashboard.figures import (
    FONT,
    STANDALONE,
    empty_figure,
    figure,
    is_na,
    look,
    plain,
    readable,
    status_marker,
    status_name,
    unique_labels,
)
from dashboard.i18n import N_, _, number

# Choices of the per-year chart: code (the URL's) → English label, shown as _(label).
MEASURES: dict[str, str] = {"active": N_("Active"), "starting": N_("Starting")}
STACKS: dict[str, str] = {"pillar": N_("Pillar"), "region": N_("Region")}
REPORTED_NAME = N_("Reported by the publication (PARDEV 2014)")  # shown as _(REPORTED_NAME)
REPORTED_COLOUR = "#000000"
ONGOING_NAME = N_("Ongoing (open end)")  # shown as _(ONGOING_NAME)
# Years after a phase whose end the source does not give, up to the next phase's start
UNSTATED_NAME = N_("Activity not stated (between phase starts)")
UNSTATED_COLOUR = "#888888"
END_NOT_STATED_NAME = N_("End not stated (dotted)")
# The tables' column names, in English (a download's stable names); shown translated.
YEAR_COLUMN = N_("year")
TOTAL_COLUMNS: dict[str, str] = {"active": N_("total active"), "starting": N_("total starting")}
REPORTED_COLUMN = N_("reported by the publication")
UNSTATED_COLUMN = N_("activity not stated")
GANTT_COLUMNS: tuple[str, ...] = (
    N_("project"),
    N_("phase"),
    N_("start_year"),
    N_("end_year"),
    N_("ongoing"),
    N_("drawn_to"),
    N_("pillar"),
    N_("region"),
    N_("project_id"),
)
EXCHANGE_COLUMNS: tuple[str, ...] = (
    N_("title"),
    N_("host_city"),
    N_("date_text"),
    N_("start_date"),
    N_("end_date"),
    N_("status"),
)
GANTT_ROW_PX = 30
EXCHANGE_ROW_PX = 34
# The same plot-area margins on every timeline chart, so that a year sits at the same
# place on the screen in all of them; the left one is wide enough for a short title.
LEFT_MARGIN = 360
RIGHT_MARGIN = 20


# --- the shared time axis ---------------------------------------------------------------


def _years_of(frame: pd.DataFrame | None, *columns: str) -> list[int]:
    years: list[int] = []
    if frame is None or frame.empty:
        return years
    for column in columns:
        if column in frame:
            years += [int(y) for y in pd.to_numeric(frame[column], errors="coerce").dropna()]
    return years


def shared_range(
    active: pd.DataFrame | None = None,
    spans: pd.DataFrame | None = None,
    exchanges: pd.DataFrame | None = None,
    *,
    years: tuple[int, int] | None = None,
    span_years: tuple[int | None, int | None] = (None, None),
) -> tuple[float, float] | None:
    """The x range every timeline chart uses: the chosen years, else all years shown.

    Spans count through their `drawn_to_year` (the ETL's: an ongoing span runs to the
    as-of year); `span_years` adds the first and last year of spans not drawn (the
    Gantt draws scale.GANTT_ROWS projects). None when there is no year at all.
    """
    if years is not None:
        low, high = int(years[0]), int(years[1])
    else:
        found = _years_of(active, "year")
        found += _years_of(spans, "start_year", "end_year", "drawn_to_year")
        found += _years_of(exchanges, "year")
        found += [int(y) for y in span_years if y is not None]
        if not found:
            return None
        low, high = min(found), max(found)
    # Half a year each side (the year's own interval), plus room for the open-end arrows.
    return (low - 0.6, high + 0.8)


def _range_axis(x_range: tuple[float, float] | None) -> dict:
    """The shared x range, a tick a year (every 5 years past 26), no axis title."""
    if x_range is None:
        return {}
    span = x_range[1] - x_range[0]
    return {
        "xaxis": {
            "range": list(x_range),
            "tickmode": "linear",
            "tick0": 0,
            "dtick": 1 if span <= 26 else 5,
            "tickformat": "d",
            "showgrid": True,
            "gridcolor": "#F2F2F2",
            "title": None,
        }
    }


def _on_time_axis(
    *, height: int, x_range: tuple[float, float] | None, legend: dict | None = None
) -> tuple[dict, ...]:
    """The layout every timeline chart ends with (after its own): same margins (a year
    sits at the same place on the screen on every chart) and the shared x range.

    The wide left margin serves the page only: standing alone (an image, a slide;
    figures.standalone) a chart keeps the margin its labels need, and a `legend` placed
    in the margin goes back on top."""
    text = {"tickfont": FONT, "title": {"font": FONT}}  # readable, again after the range
    shared = look(height=height)
    alone = {"margin": {"l": 10}, "yaxis": {"automargin": True}}
    if legend:  # back on top, as look() places it (in the plot's coordinates again)
        alone["legend"] = {**shared["legend"], "xref": "paper", "yref": "paper"}
    return (
        shared,
        {"margin": {"l": LEFT_MARGIN, "r": RIGHT_MARGIN}},
        _range_axis(x_range),
        {"xaxis": text, "yaxis": text, "legend": {"font": FONT, "traceorder": "normal"}},
        {"legend": legend} if legend else None,
        {"meta": {STANDALONE: alone}},
    )


# On the per-year chart the legend fills the margin that lines its years up with the
# Gantt's (the Gantt's titles sit there): a column at the figure's left edge, its
# names wrapped to fit beside the count axis.
MARGIN_LEGEND = {
    "orientation": "v",
    "xref": "container",
    "x": 0,
    "xanchor": "left",
    "yref": "paper",
    "y": 1,
    "yanchor": "top",
}
LEGEND_WRAP = 26  # characters a line of a legend name in the margin


def wrapped(name: str, width: int = LEGEND_WRAP) -> str:
    """A legend name in lines of at most `width` characters (a longer word stays
    whole), each shown as typed (dashboard.inert.plotly), joined by Plotly's <br>."""
    lines = textwrap.wrap(name, width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(inert.plotly(line) for line in lines or [name])


def _rows_axis(rows: list[str], **grid) -> dict:
    """One y row per label, in the given order from the top."""
    return {
        "yaxis": {
            "categoryorder": "array",
            "categoryarray": rows,
            "autorange": "reversed",
            "automargin": False,
            "title": None,
            **grid,
        }
    }


def year_position(dates: pd.Series) -> pd.Series:
    """Dates as positions on the shared axis: 1 January of Y is Y - 0.5."""
    stamps = pd.to_datetime(dates, errors="coerce")
    length = stamps.dt.is_leap_year.map({True: 366.0, False: 365.0})
    return stamps.dt.year - 0.5 + (stamps.dt.day_of_year - 1) / length


# --- labels -----------------------------------------------------------------------------


def stack_label(dimension: str, value: str | None) -> str:
    """What a stacked series is called: the pillar's label or the region's name (in
    the interface's language)."""
    if dimension == "pillar":
        return theme.pillar_label(value)
    return theme.region_label(value if isinstance(value, str) else None)


def english_stack_label(dimension: str, value: str | None) -> str:
    """stack_label in English: a series' stable name in the per-year table (a download)."""
    with i18n.using(i18n.DEFAULT_LANGUAGE):
        return stack_label(dimension, value)


def readable_per_year(table: pd.DataFrame) -> pd.DataFrame:
    """per_year's table (English: its download) as the Table tab shows it."""
    return readable(
        table, headers=(YEAR_COLUMN, REPORTED_COLUMN, UNSTATED_COLUMN, *TOTAL_COLUMNS.values())
    )


def readable_gantt(table: pd.DataFrame) -> pd.DataFrame:
    """gantt's table (English: its download) as the Table tab shows it."""
    return readable(table, headers=GANTT_COLUMNS, labels=("pillar", "region"))


def readable_exchanges(table: pd.DataFrame) -> pd.DataFrame:
    """exchange_markers' table (English: its download) as the Table tab shows it: the
    headers and statuses in the interface's language, dates as dates (QA: the tab
    showed "2013-06-01 00:00:00" and "held" in French)."""
    shown = table.copy()
    for column in ("start_date", "end_date"):
        shown[column] = [  # "not reported" when missing
            formatting.text(
                None if formatting.is_missing(v) else pd.Timestamp(v).date().isoformat()
            )
            for v in shown[column]
        ]
    shown["date_text"] = [formatting.text(value) for value in shown["date_text"]]
    shown["status"] = [formatting.exchange_status_label(value) for value in shown["status"]]
    return readable(shown, headers=EXCHANGE_COLUMNS)


# --- projects per year ------------------------------------------------------------------


def _reported_years(reported: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["year", "value", "qualifier", "source_ref"]
    if reported is None or reported.empty:
        return pd.DataFrame(columns=columns)
    rows = reported[reported["dimension"].astype(str).str.match(r"^year:\d{4}$", na=False)]
    if "unit" in rows:
        rows = rows[rows["unit"].fillna("projects") == "projects"]
    out = pd.DataFrame(
        {
            "year": rows["dimension"].str.slice(5).astype(int).to_numpy(),
            "value": pd.to_numeric(rows["value"]).to_numpy(),
            "qualifier": (
                rows["qualifier"].fillna("exactly").to_numpy() if "qualifier" in rows else "exactly"
            ),
            "source_ref": rows["source_ref"].to_numpy() if "source_ref" in rows else "",
        }
    )
    return out.sort_values("year").reset_index(drop=True)


def count_years(active: pd.DataFrame) -> pd.DataFrame:
    """Project-year rows (year, project_id, pillar, region, starts) counted as
    `queries.year_counts` counts them in SQL: projects active and starting per year,
    pillar and region (a project-year counts once)."""
    rows = active.drop_duplicates(["year", "project_id"])
    keys = ["year", "pillar", "region"]
    if rows.empty:
        return pd.DataFrame(columns=[*keys, "active", "starting"])
    return (
        rows.assign(starting=rows["starts"].fillna(False).astype(bool))
        .groupby(keys, dropna=False)
        .agg(active=("project_id", "size"), starting=("starting", "sum"))
        .reset_index()
    )


def per_year(
    counts: pd.DataFrame,
    *,
    measure: str = "active",
    stack: str = "pillar",
    reported: pd.DataFrame | None = None,
    unstated: pd.DataFrame | None = None,
    x_range: tuple[float, float] | None = None,
) -> tuple[go.Figure, pd.DataFrame]:
    """Projects active (or starting) per year, stacked by pillar or region, with the
    publication's reported per-year counts as black diamonds on the same axis.

    `unstated` (`queries.unstated_years`, active only): projects whose activity in a
    year the source does not state (between phase starts), drawn as a hatched grey
    segment on top: counted neither as active nor as absent.

    `counts` has one row per year, pillar and region with the projects `active` and
    `starting` that year (`queries.year_counts`; `count_years` from project-year rows).
    A project has one pillar and one region, so the rows of a year add up to its
    projects. The table has one row per year: a column per stacked value, the total,
    and the reported count where the publication gives one.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {sorted(MEASURES)}")
    if stack not in STACKS:
        raise ValueError(f"stack must be one of {sorted(STACKS)}")
    rows = counts.assign(n=pd.to_numeric(counts[measure]).astype(int))
    rows = rows[rows["n"] > 0].copy()
    with i18n.using(i18n.DEFAULT_LANGUAGE):  # the table's series: English, stable names
        rows["series"] = [stack_label(stack, v) for v in rows[stack]]
        order = theme.category_order(stack)
        colours = theme.colour_map(stack)
    shown = dict(zip(order, theme.category_order(stack), strict=True))  # English → shown
    shown[theme.NOT_REPORTED] = _(theme.NOT_REPORTED)
    reported_rows = _reported_years(reported)

    extra = sorted(set(rows["series"]) - set(order))
    series = [s for s in order if s in set(rows["series"])] + extra
    by_series = (
        rows.groupby(["year", "series"])["n"].sum().unstack(fill_value=0)
        if not rows.empty
        else pd.DataFrame()
    )
    years_shown = sorted(set(counts["year"].astype(int))) if not counts.empty else []
    if years_shown:
        years_shown = list(range(min(years_shown), max(years_shown) + 1))
    by_series = by_series.reindex(index=years_shown, columns=series, fill_value=0)
    by_series.index.name = "year"
    by_series.columns.name = None
    table = by_series.reset_index()
    table["year"] = table["year"].astype(int)
    totals = rows.groupby("year")["n"].sum() if not rows.empty else pd.Series()
    table["total"] = [int(totals.get(y, 0)) for y in table["year"]]
    reported_by_year = dict(zip(reported_rows["year"], reported_rows["value"], strict=True))
    table[REPORTED_COLUMN] = _counts_column([reported_by_year.get(y) for y in table["year"]])
    unstated_by_year = (
        pd.to_numeric(unstated["unstated"]).groupby(unstated["year"].astype(int)).sum()
        if measure == "active" and unstated is not None and not unstated.empty
        else pd.Series(dtype=int)
    )
    if not unstated_by_year.empty:
        table[UNSTATED_COLUMN] = [int(unstated_by_year.get(y, 0)) for y in table["year"]]
    total_column = TOTAL_COLUMNS[measure]
    table = table.rename(columns={"year": YEAR_COLUMN, "total": total_column})

    if rows.empty:
        why = (
            _("No project starts in the years shown.")
            if measure == "starting" and not table.empty
            else _("No project with reported years matches the filters.")
        )
        return empty_figure(why), table

    hover_line = (
        _("{year}: {n} project(s) active")
        if measure == "active"
        else _("{year}: {n} project(s) starting")
    ).format(year="%{x}", n="%{y:,}")
    traces = []
    for name in series:
        shown_name = inert.plotly(shown.get(name, name))
        traces.append(
            {
                "type": "bar",
                "name": wrapped(shown.get(name, name)),
                "x": by_series.index.to_list(),
                "y": by_series[name].to_list(),
                "marker": {
                    "color": colours.get(name, "#BBBBBB"),
                    "line": {"width": 0.5, "color": "white"},
                },
                "hovertemplate": f"{shown_name}<br>{hover_line}<extra></extra>",
            }
        )
    if not unstated_by_year.empty:
        unstated_line = _("{year}: {n} project(s) whose activity the source does not state")
        traces.append(
            {
                "type": "bar",
                "name": wrapped(_(UNSTATED_NAME)),
                "x": table[YEAR_COLUMN].to_list(),
                "y": table[UNSTATED_COLUMN].to_list(),
                "marker": {
                    "color": "rgba(255,255,255,0)",
                    "line": {"width": 1, "color": UNSTATED_COLOUR},
                    "pattern": {"shape": "/", "fgcolor": UNSTATED_COLOUR, "size": 6},
                },
                "hovertemplate": unstated_line.format(year="%{x}", n="%{y:,}") + "<extra></extra>",
            }
        )
    if not reported_rows.empty:
        reports = _(
            "{year}: the publication reports {count} projects (all regions and pillars, "
            "PARDEV 2014)"
        )
        hover = [
            reports.format(year=y, count=formatting.count_text(v, q))
            for y, v, q in zip(
                reported_rows["year"],
                reported_rows["value"],
                reported_rows["qualifier"],
                strict=True,
            )
        ]
        traces.append(
            {
                "type": "scatter",
                "name": wrapped(_(REPORTED_NAME)),
                "x": reported_rows["year"].to_list(),
                "y": reported_rows["value"].to_list(),
                "mode": "markers+text",
                "marker": {
                    "symbol": "diamond",
                    "size": 16,
                    "color": REPORTED_COLOUR,
                    "line": {"width": 2, "color": "white"},
                },
                "text": [number(v) for v in reported_rows["value"]],
                "textposition": "top center",
                "textfont": {"size": 15, "color": REPORTED_COLOUR},
                "hovertext": hover,
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
    stacked = table[total_column] + table.get(UNSTATED_COLUMN, 0)
    top = max([*stacked, *reported_rows["value"], 1])
    layout = {
        "barmode": "stack",
        "bargap": 0.15,
        "yaxis": {
            "title": {
                "text": _("Projects active") if measure == "active" else _("Projects starting"),
                "standoff": 12,
            },
            "range": [0, top * 1.15 + 0.5],
            "automargin": False,
            "tick0": 0,
            "dtick": count_step(top),
            "tickformat": ",d",
        },
    }
    on_axis = _on_time_axis(height=430, x_range=x_range, legend=MARGIN_LEGEND)
    return figure(traces, layout, *on_axis), table


def _counts_column(values: list) -> pd.array:
    """Reported counts as whole numbers where they are whole (a CSV reads 3, not 3.0),
    empty where the publication gives none."""
    missing = [v is None or pd.isna(v) for v in values]
    whole = all(m or float(v).is_integer() for v, m in zip(values, missing, strict=True))
    kind, cast = ("Int64", int) if whole else ("Float64", float)
    return pd.array([None if m else cast(v) for v, m in zip(values, missing, strict=True)], kind)


def reported_note(reported: pd.DataFrame | None, *, comparable: bool) -> str | None:
    """What the per-year chart says of the publication's per-year counts: the black
    diamonds when it draws them, else why not; None when the warehouse has none (a
    generated one), so there is nothing to explain."""
    rows = _reported_years(reported)
    if rows.empty:
        return None
    if comparable:
        return _(
            "Black diamonds: the counts the publication reports for a year (PARDEV's 2014 "
            "in-house research, all projects), beside the projects this catalogue documents "
            "in detail."
        )
    stated = ", ".join(
        _("{count} in {year}").format(count=formatting.count_text(v, q), year=y)
        for y, v, q in zip(rows["year"], rows["value"], rows["qualifier"], strict=True)
    )
    return _(
        "The publication's per-year counts ({stated}) are of all its projects active in a "
        "year, so they are shown only for active projects with no filter but years."
    ).format(stated=stated)


def count_step(top: float, ticks: int = 8) -> int:
    """The step between the count axis's ticks: whole projects (no 0.5), about `ticks`
    of them; past 10, a round step (1, 2, 2.5 or 5 times a power of ten: 50,000, not
    the 29,734 that reads 29.7k, 59.5k… at a million projects)."""
    raw = max(1, math.ceil(top / ticks))
    if raw <= 10:
        return raw
    power = 10 ** math.floor(math.log10(raw))
    return next(int(m * power) for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


# --- the Gantt of project spans ---------------------------------------------------------


def gantt(
    spans: pd.DataFrame,
    *,
    x_range: tuple[float, float] | None = None,
) -> tuple[go.Figure, pd.DataFrame, pd.DataFrame]:
    """One row per project, one bar per phase, coloured by pillar.

    Each bar runs to the span's `drawn_to_year`, computed once by the ETL
    (`etl.transform.drawn_to_year`): ongoing bars run through the as-of year and end
    in an arrow (open end).
    Projects with no start year are not drawn (never at 0): they are returned as the
    third value, for a "years not reported" list (pillar and region in the interface's
    language). The table has one row per bar, in English (a download's stable names).
    """
    # Plain Python over the rows, not pandas: a page of spans per filter set under a
    # room's load, where each pandas mask, groupby and sort cost more than the rows.
    starts = pd.to_numeric(spans["start_year"], errors="coerce").to_list()
    ends = pd.to_numeric(spans["end_year"], errors="coerce").to_list()
    rows = [
        _Span(*fields, start, None if is_na(end) else end, not is_na(ongoing) and bool(ongoing))
        for fields, start, end, ongoing in zip(
            zip(*(spans[c].to_list() for c in _Span.READ), strict=True),
            starts,
            ends,
            spans["ongoing"].to_list(),
            strict=True,
        )
    ]
    dated_ids = {r.project_id for r in rows if not is_na(r.start_year)}
    first_rows: dict[str, _Span] = {}  # each undated project's first row, in order
    for r in rows:
        if r.project_id not in dated_ids:
            first_rows.setdefault(r.project_id, r)
    undated = list(first_rows.values())
    missing = pd.DataFrame(
        {
            "project_id": pd.Series(
                [r.project_id for r in undated], dtype=spans["project_id"].dtype
            ),
            "title": pd.Series([r.title for r in undated], dtype=spans["title"].dtype),
            "pillar": pd.Series([theme.pillar_label(r.pillar) for r in undated], dtype="str"),
            "region": pd.Series([theme.region_label(r.region) for r in undated], dtype="str"),
        }
    )
    bars = [r for r in rows if not is_na(r.start_year)]
    if not bars:
        message = (
            _("None of the matching projects reports its years.")
            if rows
            else _("No project matches the filters.")
        )
        return empty_figure(message), pd.DataFrame(columns=list(GANTT_COLUMNS)), missing

    first: dict[str, float] = {}
    for r in bars:
        first[r.project_id] = min(first.get(r.project_id, r.start_year), r.start_year)
    bars.sort(key=lambda r: (first[r.project_id], is_na(r.title), r.title, r.phase_no))
    leading: dict[str, _Span] = {}  # each project's first bar, in the chart's order
    for r in bars:
        leading.setdefault(r.project_id, r)
    projects = list(leading)
    labels = dict(
        zip(projects, plain(unique_labels(r.title for r in leading.values())), strict=True)
    )
    phases = Counter(r.project_id for r in bars)

    drawn_to = _("{years} (drawn to {year}, the year the source describes)")
    hover = []
    for r in bars:
        shown = formatting.years_text(r.start_year, r.end_year, r.ongoing)
        if r.ongoing:
            shown = drawn_to.format(years=shown, year=r.drawn_to)
        phase = r.phase if isinstance(r.phase, str) and r.phase else None
        phase_line = f"<br>{inert.plotly(phase)}" if phase and phases[r.project_id] > 1 else ""
        hover.append(
            f"<b>{inert.plotly(r.title)}</b>{phase_line}<br>{shown}"
            f"<br>{inert.plotly(theme.pillar_label(r.pillar))}"
            f" · {inert.plotly(theme.region_label(r.region))}"
        )

    traces = []
    present = {r.pillar for r in bars if isinstance(r.pillar, str)}
    for pillar in list(theme.PILLAR_ORDER) + sorted(present - set(theme.PILLAR_ORDER)):
        part = [i for i, r in enumerate(bars) if r.pillar == pillar]
        if not part:
            continue
        traces.append(
            {
                "type": "bar",
                "name": theme.pillar_label(pillar),
                "orientation": "h",
                "y": [labels[bars[i].project_id] for i in part],
                "base": [bars[i].start_year - 0.5 for i in part],
                "x": [bars[i].drawn_to - bars[i].start_year + 1 for i in part],
                "marker": {
                    "color": theme.PILLAR_COLOURS.get(pillar, "#BBBBBB"),
                    "line": {"width": 1, "color": "white"},
                },
                "customdata": [[bars[i].project_id] for i in part],
                "hovertext": [hover[i] for i in part],
                "hovertemplate": "%{hovertext}<extra></extra>",
                "width": 0.62,
            }
        )
    ongoing = [i for i, r in enumerate(bars) if r.ongoing]
    if ongoing:
        traces.append(
            {
                "type": "scatter",
                "name": _(ONGOING_NAME),
                "x": [bars[i].drawn_to + 0.5 for i in ongoing],
                "y": [labels[bars[i].project_id] for i in ongoing],
                "mode": "markers",
                "marker": {
                    "symbol": "triangle-right",
                    "size": 15,
                    "color": [theme.PILLAR_COLOURS.get(bars[i].pillar, "#BBBBBB") for i in ongoing],
                    "line": {"width": 1.5, "color": "#333333"},
                },
                "hovertext": [f"{hover[i]}<br><i>{_('ongoing')}</i>" for i in ongoing],
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
    traces += _ends_not_stated(bars, [labels[r.project_id] for r in bars], hover)
    shown_rows = [labels[p] for p in projects]
    fig = figure(
        traces,
        _rows_axis(shown_rows, showgrid=False),
        {"barmode": "overlay", "showlegend": True},
        *_on_time_axis(height=max(260, 110 + GANTT_ROW_PX * len(shown_rows)), x_range=x_range),
    )
    table = pd.DataFrame(
        {
            "project": pd.Series([r.title for r in bars], dtype=spans["title"].dtype),
            "phase": pd.Series([r.phase for r in bars], dtype=spans["phase"].dtype),
            "start_year": pd.array([int(r.start_year) for r in bars], dtype="Int64"),
            "end_year": pd.array(
                [None if r.end_year is None else int(r.end_year) for r in bars], dtype="Int64"
            ),
            "ongoing": pd.Series([r.ongoing for r in bars], dtype=bool),
            "drawn_to": pd.Series([r.drawn_to for r in bars], dtype="int64"),
            "pillar": pd.Series(
                [english_stack_label("pillar", r.pillar) for r in bars], dtype="str"
            ),
            "region": pd.Series([r.region for r in bars], dtype=spans["region"].dtype),
            "project_id": pd.Series([r.project_id for r in bars], dtype=spans["project_id"].dtype),
        }
    )
    return fig, table, missing


@dataclass(frozen=True, slots=True)
class _Span:
    """One phase of a project, as gantt reads it. A missing cell is kept as the frame
    holds it (None, NaN or NA: `is_na`); `end_year` is None when the source gives none."""

    READ: ClassVar[tuple[str, ...]] = (
        "project_id", "title", "pillar", "region", "phase_no", "phase", "drawn_to_year",
    )  # fmt: skip
    project_id: str
    title: object  # text, or missing
    pillar: object
    region: object
    phase_no: int
    phase: object
    drawn_to_year: int | None  # set by the ETL for every dated phase
    start_year: int | float  # a year, or missing (NaN / NA): not drawn
    end_year: int | float | None
    ongoing: bool

    @property
    def drawn_to(self) -> int:
        return int(self.drawn_to_year)


def _ends_not_stated(bars: list[_Span], labels: list[str], hover: list[str]) -> list[dict]:
    """A dotted line after each span whose end the source does not give (a phase
    `2000-?`, or a start year alone): up to the project's next phase, or a short stub
    after its last (the axis ends 0.8 after the last year). The bar
    itself covers only its stated start year. `bars` are in the chart's order."""
    x: list[float | None] = []
    y: list[str | None] = []
    texts: list[str | None] = []
    for index, span in enumerate(bars):
        if span.end_year is not None or span.ongoing:
            continue
        start = span.drawn_to + 0.5
        following = next(
            (b.start_year for b in bars[index + 1 :] if b.project_id == span.project_id), None
        )
        end = following - 0.5 if following is not None else start + 0.3  # inside the axis
        if end <= start:
            continue
        text = hover[index] + "<br><i>" + _("end not stated") + "</i>"
        x += [start, end, None]
        y += [labels[index], labels[index], None]
        texts += [text, text, None]
    if not x:
        return []
    return [
        {
            "type": "scatter",
            "name": _(END_NOT_STATED_NAME),
            "x": x,
            "y": y,
            "mode": "lines",
            "line": {"dash": "dot", "width": 3, "color": UNSTATED_COLOUR},
            "hovertext": texts,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "connectgaps": False,
        }
    ]


def gantt_note(drawn: int, dated: int) -> str | None:
    """What the Gantt leaves out when it draws `drawn` of the `dated` projects with
    years, and how to see the others; None when it draws them all."""
    hidden = dated - drawn
    if hidden <= 0:
        return None
    return _(
        "**The chart draws the {drawn} projects that start first, of {dated} with "
        "reported years: {hidden} more are not drawn.** Narrow the selection with the "
        "filters in the sidebar (region, country, pillar, topic, years, search…) to see "
        "others; the Projects page lists every project."
    ).format(drawn=number(drawn), dated=number(dated), hidden=number(hidden))


def undated_note(undated: int, listed: int) -> str | None:
    """What the list of projects without years leaves out when it lists `listed` of
    `undated`, and how to see others; None when it lists them all."""
    if undated <= listed:
        return None
    return _(
        "… and {more} more (the first {listed} by title are listed). Narrow the selection "
        "with the filters in the sidebar to list others; the Projects page lists every "
        "project."
    ).format(more=number(undated - listed), listed=number(listed))


# --- exchanges on the same axis ---------------------------------------------------------


# Markers of one city closer than this share of the time axis would overlap (a 15 px
# marker on a ~640 px plot): they become one, whose hover lists each exchange.
MARKER_SHARE_OF_AXIS = 0.025


@dataclass
class _ExchangeMarker:
    city: str
    status: str
    x0: float
    x1: float
    items: list[tuple[float, str, str]]  # (start, title, when)
    first_centre: float

    def hover(self, status_label: str) -> str:
        """Each exchange in bold; its dates under it when the marker's exchanges differ
        in dates, else once after the city."""
        items = sorted(self.items, key=lambda item: item[0])  # by start date
        whens = {when for _start, _title, when in items}
        if len(whens) == 1:
            titles = "<br>".join(f"<b>{inert.plotly(t)}</b>" for _start, t, _when in items)
            return f"{titles}<br>{self.city}<br>{inert.plotly(whens.pop())}<br>{status_label}"
        lines = "<br>".join(
            f"<b>{inert.plotly(t)}</b> — {inert.plotly(when)}" for _start, t, when in items
        )
        return f"{lines}<br>{self.city}<br>{status_label}"


def _exchange_groups(
    dated: pd.DataFrame, x_range: tuple[float, float] | None
) -> list[_ExchangeMarker]:
    """The markers of the dated exchanges: one per city and status for exchanges whose
    markers would touch (the same period, or centres closer than
    MARKER_SHARE_OF_AXIS of the axis: QA found a Maputo exchange hidden 2 px under the
    next). Plain Python, not a pandas groupby: a page has tens of exchanges, and the
    groupby's own overhead was a tenth of a busy server's time (issue 13, py-spy)."""
    low, high = x_range or (dated["x0"].min(), dated["x1"].max())
    near = MARKER_SHARE_OF_AXIS * max(high - low, 1.0)
    by_city: dict[tuple[str, str], list[tuple]] = {}  # first seen first
    for city, status, x0, x1, title, when in zip(
        dated["city"],
        dated["status"],
        dated["x0"],
        dated["x1"],
        dated["title"],
        dated["when"],
        strict=True,
    ):
        by_city.setdefault((city, status), []).append((x0, x1, title, when))
    markers: list[_ExchangeMarker] = []
    for (city, status), rows in by_city.items():
        current = None
        for x0, x1, title, when in sorted(rows, key=lambda r: (r[0] + r[1]) / 2):
            centre = (x0 + x1) / 2
            # within `near` of the marker's first exchange: no chain of exchanges a few
            # months apart grows into one long whisker (review)
            if current is not None and centre - current.first_centre < near:
                current.x0, current.x1 = min(current.x0, x0), max(current.x1, x1)
                current.items.append((x0, title, when))
            else:
                current = _ExchangeMarker(city, status, x0, x1, [(x0, title, when)], centre)
                markers.append(current)
    return markers


def exchange_markers(
    exchanges: pd.DataFrame, *, x_range: tuple[float, float] | None = None
) -> tuple[go.Figure, pd.DataFrame]:
    """City-to-City exchanges at their dates, one row per host city.

    A marker sits in the middle of the dated period; a whisker shows the period when
    the source gives only a month or a year. Each status has its marker
    (figures.status_marker), as on the City-to-City page. Exchanges at the same city
    whose markers would overlap share one, "×n", whose hover lists them all.
    """
    columns = ["title", "host_city", "date_text", "start_date", "end_date", "status"]
    if exchanges.empty:
        return empty_figure(_("No City-to-City exchange matches the filters.")), pd.DataFrame(
            columns=columns
        )
    frame = exchanges.copy()
    frame["date_text"] = frame.get("date_text", pd.Series(index=frame.index, dtype=object))
    frame["start_date"] = pd.to_datetime(frame["start_date"], errors="coerce")
    frame["end_date"] = pd.to_datetime(frame["end_date"], errors="coerce").fillna(
        frame["start_date"]
    )
    table = frame[columns].reset_index(drop=True)
    dated = frame[frame["start_date"].notna()].copy()
    if dated.empty:
        return empty_figure(_("The matching exchanges have no dates.")), table
    dated["when"] = [
        formatting.date_display(start, end, precision, text)
        for start, end, precision, text in zip(
            dated["start_date"],
            dated["end_date"],
            dated.get("date_precision", pd.Series(None, index=dated.index)),
            dated["date_text"],
            strict=True,
        )
    ]
    dated["x0"] = year_position(dated["start_date"])
    dated["x1"] = year_position(dated["end_date"] + pd.Timedelta(days=1))
    dated["status"] = dated["status"].fillna("held")
    countries = dated["host_country"] if "host_country" in dated else [None] * len(dated)
    codes = dated["host_iso3"] if "host_iso3" in dated else [None] * len(dated)
    countries = [  # the country's name in the interface's language
        i18n.country_name(code if isinstance(code, str) else None, country)
        if isinstance(country, str) and country
        else None
        for code, country in zip(codes, countries, strict=True)
    ]
    dated["city"] = plain(  # the row label: shown as typed
        f"{city}, {country}" if country else str(city)
        for city, country in zip(dated["host_city"], countries, strict=True)
    )
    markers = _exchange_groups(dated, x_range)
    cities = list(dict.fromkeys(dated.sort_values("start_date")["city"]))

    traces = []
    for status in ("held", "planned"):
        part = [m for m in markers if m.status == status]
        if not part:
            continue
        name = status_name(status)
        hover = [m.hover(name) for m in part]
        marker = status_marker(status, size=15)
        colour = marker["color"]
        traces.append(
            {
                "type": "scatter",
                "name": name,
                "x": [(m.x0 + m.x1) / 2 for m in part],
                "y": [m.city for m in part],
                "mode": "markers+text",
                "marker": marker,
                "error_x": {
                    "type": "data",
                    "array": [(m.x1 - m.x0) / 2 for m in part],
                    "symmetric": True,
                    "color": colour,
                    "thickness": 2,
                    "width": 5,
                },
                "text": [f"×{number(len(m.items))}" if len(m.items) > 1 else "" for m in part],
                "textposition": "middle right",
                "textfont": {"size": 13, "color": colour},
                "hovertext": hover,
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
    height = max(220, 110 + EXCHANGE_ROW_PX * len(cities))
    layouts = _on_time_axis(height=height, x_range=x_range)
    return figure(traces, _rows_axis(cities, showgrid=True), *layouts), table
