"""The figure builders as they were in pandas before issue 13's plain-Python rewrite
(cheaper cold runs under a room's load), kept as test oracles: tests/test_figures_plain.py
requires the same figure and the same table from both on random inputs. Do not use it
in the product. A deliberate change to what is drawn since (the pillar bars' "most
frequent" note on two lines) is made here too.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting, inert, theme
from dashboard.figures import INK, empty_figure, figure, look, plain, unique_labels
from dashboard.figures.pillars import (
    LABEL_LIMIT,
    NOTHING_RECORDED,
    NOTHING_RECORDED_ELSE,
    PILLAR,
    ROW_PX,
    TOTAL,
    _bar_marker,
    _pillars_in,
    _projects_hover,
    _stacked_layout,
    english_pillar,
)
from dashboard.figures.timeline import (
    END_NOT_STATED_NAME,
    GANTT_ROW_PX,
    ONGOING_NAME,
    UNSTATED_COLOUR,
    _on_time_axis,
    _rows_axis,
    english_stack_label,
)
from dashboard.i18n import _, number


def facet_bars(
    frame: pd.DataFrame,
    *,
    what: str,
    labels: dict[str, str] | None = None,
    top: int | None = None,
) -> tuple[go.Figure, pd.DataFrame]:
    """Horizontal bars of projects per value (topic, group, partner…), stacked by pillar,
    sorted by count (largest first, then alphabetically).

    `frame` has one row per (value, pillar) with `projects` (distinct projects). A
    project has one pillar, so a value's stacked total is its number of projects. The
    table has one row per value: a column per pillar and the total, in English (a
    download's stable names; `what`, English, names the value's column: see
    `readable_facets`). `labels` maps codes to English labels, shown translated. `top`
    keeps only the largest values in the chart (the table keeps all, and the chart says
    so). Long names are shortened on the axis and given in full on hover.
    """
    data = frame.copy()
    data["value"] = [
        (labels or {}).get(v, v) if isinstance(v, str) else theme.NOT_REPORTED
        for v in data["value"]
    ]
    pillars = _pillars_in(data["pillar"])
    wide = (
        data.groupby(["value", "pillar"])["projects"]  # (pivot_table: 3x slower)
        .sum()
        .unstack("pillar", fill_value=0)
        .reindex(columns=pillars, fill_value=0)
        if not data.empty
        else pd.DataFrame(columns=pillars)
    )
    wide.columns.name = None
    wide[TOTAL] = wide.sum(axis=1)
    wide = wide.reset_index().rename(columns={"value": what, "index": what})
    wide = wide.sort_values([TOTAL, what], ascending=[False, True], kind="stable")
    wide = wide.reset_index(drop=True)
    for column in [*pillars, TOTAL]:
        wide[column] = wide[column].astype(int)
    table = wide.rename(columns={p: english_pillar(p) for p in pillars})
    if wide.empty:
        return empty_figure(_(NOTHING_RECORDED.get(what, NOTHING_RECORDED_ELSE))), table
    shown = (wide.head(top) if top else wide).copy()
    worded = {*(labels or {}).values(), theme.NOT_REPORTED}  # labels, not catalogue text
    shown["name"] = [_(v) if v in worded else v for v in shown[what]]
    shown["axis"] = plain(unique_labels(shown["name"], LABEL_LIMIT))
    bars = []
    for pillar in pillars:
        name = theme.pillar_label(pillar)
        keep = shown[shown[pillar] > 0]
        bars.append(
            {
                "type": "bar",
                "name": name,
                "orientation": "h",
                "y": keep["axis"].to_list(),
                "x": keep[pillar].to_list(),
                "marker": _bar_marker(pillar),
                "customdata": [[text] for text in plain(keep["name"])],
                "hovertemplate": _projects_hover("%{customdata[0]}", name, "%{x:,}"),
            }
        )
    labels = [
        {
            "x": total,
            "y": label,
            "text": number(int(total)),
            "xanchor": "left",
            "xshift": 5,
            "showarrow": False,
            "font": {"size": 14, "color": INK},
        }
        for label, total in zip(shown["axis"], shown[TOTAL], strict=True)
    ]
    cut = len(shown) < len(wide)
    if cut:
        labels.append(
            {
                # on two lines: one ran off a half-width chart's right edge (QA)
                "text": _("The {shown} most frequent of {total} — all of them in the Table tab")
                .replace(" — ", " —<br>", 1)
                .format(shown=number(len(shown)), total=number(len(wide))),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "yshift": -54,
                "xanchor": "left",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 13, "color": "#555555"},
            }
        )
    layout = _stacked_layout(shown["axis"].to_list(), shown[TOTAL].max(), labels)
    height = max(240, 150 + ROW_PX * len(shown))
    return figure(bars, layout, look(height=height), {"margin": {"b": 96 if cut else 40}}), table


def crosstab(frame: pd.DataFrame) -> pd.DataFrame:
    """Pillar rows × region columns of project counts, with a Total column and row.

    `frame` has one row per (pillar, region) with `projects`. Rows and columns follow
    the theme's order; only regions and pillars present appear.
    """
    regions_present = set(frame["region"].dropna())
    regions = [r for r in theme.REGION_ORDER if r in regions_present] + sorted(
        regions_present - set(theme.REGION_ORDER)
    )
    pillars = _pillars_in(frame["pillar"])
    table = (
        frame.pivot_table(
            index="pillar", columns="region", values="projects", aggfunc="sum", fill_value=0
        )
        .reindex(index=pillars, columns=regions, fill_value=0)
        .astype(int)
    )
    table[TOTAL] = table.sum(axis=1)
    table.loc[TOTAL] = table.sum(axis=0)
    table.index = [english_pillar(p) if p != TOTAL else TOTAL for p in table.index]
    table.index.name = PILLAR
    table.columns.name = None
    return table.reset_index()


def pillar_region(frame: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """Horizontal bars of projects per region, stacked by pillar (pillar colours).

    The table has one row per region and pillar (region, pillar, projects), in
    English (a download's stable values).
    """
    table = frame[["region", "pillar", "projects"]].copy()
    table["pillar"] = [english_pillar(p) for p in table["pillar"]]
    region_rank = {r: i for i, r in enumerate(theme.REGION_ORDER)}
    pillar_rank = {english_pillar(p): i for i, p in enumerate(theme.PILLAR_ORDER)}
    table = table.sort_values(
        ["region", "pillar"],
        key=lambda s: s.map(region_rank if s.name == "region" else pillar_rank).fillna(99),
    ).reset_index(drop=True)
    if table.empty:
        return empty_figure(_("No project matches the filters.")), table
    regions_present = set(frame["region"].dropna())
    regions = [r for r in theme.REGION_ORDER if r in regions_present] + sorted(
        regions_present - set(theme.REGION_ORDER)
    )
    bars = []
    for pillar in _pillars_in(frame["pillar"]):
        part = frame[frame["pillar"] == pillar].groupby("region")["projects"].sum()
        part = part.reindex(regions).dropna()
        name = theme.pillar_label(pillar)
        bars.append(
            {
                "type": "bar",
                "name": name,
                "orientation": "h",
                "y": plain(theme.region_label(r) for r in part.index),
                "x": part.astype(int).to_list(),
                "marker": _bar_marker(pillar),
                "text": [number(n) for n in part.astype(int)],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textfont": {"size": 15},
                "hovertemplate": _projects_hover("%{y}", name, "%{x:,}"),
            }
        )
    totals = frame.groupby("region")["projects"].sum().reindex(regions)
    labels = [
        {
            "x": total,
            "y": inert.plotly(theme.region_label(region)),
            "text": f"<b>{number(int(total))}</b>",
            "xanchor": "left",
            "xshift": 6,
            "showarrow": False,
            "font": {"size": 15, "color": INK},
        }
        for region, total in totals.items()
    ]
    layout = _stacked_layout(plain(theme.region_label(r) for r in regions), totals.max(), labels)
    return figure(bars, layout, look(height=max(280, 130 + 48 * len(regions)))), table


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
    frame = spans.copy()
    frame["start_year"] = pd.to_numeric(frame["start_year"], errors="coerce")
    frame["end_year"] = pd.to_numeric(frame["end_year"], errors="coerce")
    frame["ongoing"] = frame["ongoing"].fillna(False).astype(bool)
    dated_ids = set(frame.loc[frame["start_year"].notna(), "project_id"])
    missing = (
        frame[~frame["project_id"].isin(dated_ids)]
        .drop_duplicates("project_id")[["project_id", "title", "pillar", "region"]]
        .reset_index(drop=True)
    )
    missing["pillar"] = [theme.pillar_label(p) for p in missing["pillar"]]
    missing["region"] = [theme.region_label(r) for r in missing["region"]]
    bars = frame[frame["start_year"].notna()].copy()
    columns = [
        "project",
        "phase",
        "start_year",
        "end_year",
        "ongoing",
        "drawn_to",
        "pillar",
        "region",
        "project_id",
    ]
    if bars.empty:
        message = (
            _("None of the matching projects reports its years.")
            if not frame.empty
            else _("No project matches the filters.")
        )
        return empty_figure(message), pd.DataFrame(columns=columns), missing

    first = bars.groupby("project_id")["start_year"].min()
    bars["first_start"] = bars["project_id"].map(first)
    bars = bars.sort_values(["first_start", "title", "phase_no"]).reset_index(drop=True)
    projects = bars.drop_duplicates("project_id")
    labels = dict(zip(projects["project_id"], plain(unique_labels(projects["title"])), strict=True))
    bars["label"] = bars["project_id"].map(labels)
    bars["drawn_to"] = pd.to_numeric(bars["drawn_to_year"]).astype(int)
    n_phases = bars.groupby("project_id")["phase_no"].transform("count")

    drawn_to = _("{years} (drawn to {year}, the year the source describes)")

    def years_text(row) -> str:
        shown = formatting.years_text(row.start_year, row.end_year, row.ongoing)
        if row.ongoing:
            shown = drawn_to.format(years=shown, year=row.drawn_to)
        return shown

    hover = []
    for row, phases in zip(bars.itertuples(), n_phases, strict=True):
        phase = row.phase if isinstance(row.phase, str) and row.phase else None
        phase_line = f"<br>{inert.plotly(phase)}" if phase and phases > 1 else ""
        hover.append(
            f"<b>{inert.plotly(row.title)}</b>{phase_line}<br>{years_text(row)}"
            f"<br>{inert.plotly(theme.pillar_label(row.pillar))}"
            f" · {inert.plotly(theme.region_label(row.region))}"
        )
    bars["hover"] = hover

    traces = []
    order = list(theme.PILLAR_ORDER) + sorted(
        set(bars["pillar"].dropna()) - set(theme.PILLAR_ORDER)
    )
    for pillar in order:
        part = bars[bars["pillar"] == pillar]
        if part.empty:
            continue
        traces.append(
            {
                "type": "bar",
                "name": theme.pillar_label(pillar),
                "orientation": "h",
                "y": part["label"].to_list(),
                "base": (part["start_year"] - 0.5).to_list(),
                "x": (part["drawn_to"] - part["start_year"] + 1).to_list(),
                "marker": {
                    "color": theme.PILLAR_COLOURS.get(pillar, "#BBBBBB"),
                    "line": {"width": 1, "color": "white"},
                },
                "customdata": [[project_id] for project_id in part["project_id"]],
                "hovertext": part["hover"].to_list(),
                "hovertemplate": "%{hovertext}<extra></extra>",
                "width": 0.62,
            }
        )
    ongoing = bars[bars["ongoing"]]
    if not ongoing.empty:
        traces.append(
            {
                "type": "scatter",
                "name": _(ONGOING_NAME),
                "x": (ongoing["drawn_to"] + 0.5).to_list(),
                "y": ongoing["label"].to_list(),
                "mode": "markers",
                "marker": {
                    "symbol": "triangle-right",
                    "size": 15,
                    "color": [theme.PILLAR_COLOURS.get(p, "#BBBBBB") for p in ongoing["pillar"]],
                    "line": {"width": 1.5, "color": "#333333"},
                },
                "hovertext": [f"{h}<br><i>{_('ongoing')}</i>" for h in ongoing["hover"]],
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
    traces += _ends_not_stated_pandas(bars)
    rows = list(dict.fromkeys(bars["label"]))
    fig = figure(
        traces,
        _rows_axis(rows, showgrid=False),
        {"barmode": "overlay", "showlegend": True},
        *_on_time_axis(height=max(260, 110 + GANTT_ROW_PX * len(rows)), x_range=x_range),
    )
    table = bars.assign(
        project=bars["title"],
        phase=bars["phase"],
        end_year=bars["end_year"].astype("Int64"),
        start_year=bars["start_year"].astype("Int64"),
        pillar=[english_stack_label("pillar", p) for p in bars["pillar"]],
    )[columns]
    return fig, table.reset_index(drop=True), missing


def _ends_not_stated_pandas(bars: pd.DataFrame) -> list[dict]:
    """A dotted line after each span whose end the source does not give (a phase
    `2000-?`, or a start year alone): up to the project's next phase, or a short stub
    after its last (the axis ends 0.8 after the last year). The bar
    itself covers only its stated start year."""
    open_end = bars["end_year"].isna() & ~bars["ongoing"]
    if not open_end.any():
        return []
    next_start = bars.groupby("project_id")["start_year"].shift(-1)
    x: list[float | None] = []
    y: list[str | None] = []
    hover: list[str | None] = []
    for index in bars.index[open_end]:
        start = bars.at[index, "drawn_to"] + 0.5
        following = next_start.at[index]
        end = following - 0.5 if pd.notna(following) else start + 0.3  # inside the axis
        if end <= start:
            continue
        label = bars.at[index, "label"]
        text = bars.at[index, "hover"] + "<br><i>" + _("end not stated") + "</i>"
        x += [start, end, None]
        y += [label, label, None]
        hover += [text, text, None]
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
            "hovertext": hover,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "connectgaps": False,
        }
    ]


SPAN_COLUMNS = (  # queries.spans' columns
    "project_id", "title", "pillar", "region", "record_type", "phase_no", "phase",
    "start_year", "end_year", "ongoing", "drawn_to_year",
)  # fmt: skip
