"""Pillar figures: pillar × region, and topics / beneficiary groups / partners by pillar.

Pure builders (DataFrame in, figure and the table behind it out). Every bar is
coloured by its pillar with theme.PILLAR_COLOURS and stacked in theme.PILLAR_ORDER, so
a pillar has the same colour and place on every chart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting, inert, scale, theme
from dashboard.figures import (
    INK,
    empty_figure,
    figure,
    is_na,
    look,
    plain,
    readable,
    unique_labels,
)
from dashboard.i18n import N_, _, number

# The tables' own names, in English (a download's stable names): shown as _(name).
TOTAL = N_("Total")
PILLAR = N_("Pillar")
ROW_PX = 30
LABEL_LIMIT = 38
# Partner types → their English label, for facet_bars (queries.facet_counts names a
# missing type "not stated"); the labels are theme's, as formatting.partner_type_label's,
# and the chart shows them translated.
PARTNER_TYPE_LABELS: dict[str, str] = {
    **{code: theme.PARTNER_TYPE_LABELS.english(code) for code in theme.PARTNER_TYPE_LABELS},
    "not stated": theme.PARTNER_TYPE_NOT_STATED,
}
# What facet_bars says when a facet has nothing (by its `what`).
NOTHING_RECORDED: dict[str, str] = {
    "Topic": N_("No topic is recorded for the matching projects."),
    "Beneficiary group": N_("No beneficiary group is recorded for the matching projects."),
    "Partner type": N_("No partner type is recorded for the matching projects."),
    "Partner": N_("No partner is recorded for the matching projects."),
}
NOTHING_RECORDED_ELSE = N_("Nothing is recorded for the matching projects.")
# The partner list's columns (partner_table), in English.
PARTNER_COLUMNS: dict[str, str] = {
    "partner": N_("Partner"),
    "partner_type": N_("Type"),
    "pillars": N_("Pillars"),
    "projects": N_("Projects"),
    "titles": N_("Project titles"),
}


def english_pillar(code: str | None) -> str:
    """A pillar's English label (a table's stable value; theme.pillar_label translates)."""
    if code in theme.PILLAR_LABELS:
        return theme.PILLAR_LABELS.english(code)
    return code or theme.NOT_REPORTED


def _projects_hover(label: str, name: str, count: str) -> str:
    """'<label><br><pillar>: <n> project(s)' for a hovertemplate (Plotly fills the fields)."""
    line = _("{pillar}: {n} project(s)").format(pillar=name, n=count)
    return f"{label}<br>{line}<extra></extra>"


def _pillars_in(codes) -> list[str]:
    present = {c for c in codes if isinstance(c, str)}
    return [p for p in theme.PILLAR_ORDER if p in present] + sorted(
        present - set(theme.PILLAR_ORDER)
    )


def crosstab(frame: pd.DataFrame) -> pd.DataFrame:
    """Pillar rows × region columns of project counts, with a Total column and row.

    `frame` has one row per (pillar, region) with `projects`. Rows and columns follow
    the theme's order; only regions and pillars present appear (a row without a pillar
    or a region is counted in neither).
    """
    regions = _regions_in(frame["region"])
    pillars = _pillars_in(frame["pillar"])
    cells = _sums(frame["pillar"], frame["region"], frame["projects"])
    rows = [[cells.get((p, r), 0) for r in regions] for p in pillars]
    rows.append([sum(column) for column in zip(*rows, strict=True)] if rows else [0] * len(regions))
    names = [english_pillar(p) for p in pillars] + [TOTAL]
    return pd.DataFrame(
        {
            PILLAR: pd.Series(names, dtype="str"),
            **{
                r: pd.Series([row[i] for row in rows], dtype="int64") for i, r in enumerate(regions)
            },
            TOTAL: pd.Series([sum(row) for row in rows], dtype="int64"),
        }
    )


def _regions_in(codes: Iterable[object]) -> list[str]:
    """The regions among `codes`, in the theme's order, then any other alphabetically."""
    present = {c for c in codes if isinstance(c, str)}
    return [r for r in theme.REGION_ORDER if r in present] + sorted(
        present - set(theme.REGION_ORDER)
    )


def _sums(first: pd.Series, second: pd.Series, projects: pd.Series) -> dict[tuple[str, str], int]:
    """Projects summed per (first, second) pair of labels; a row missing either counts
    nowhere. Plain Python: these tables have a few dozen rows, and a pandas pivot per
    filter set was most of a builder's time under a room's load (issue 13)."""
    sums: dict[tuple[str, str], int] = {}
    for a, b, n in zip(first.to_list(), second.to_list(), projects.to_list(), strict=True):
        if isinstance(a, str) and isinstance(b, str):
            sums[(a, b)] = sums.get((a, b), 0) + (0 if is_na(n) else int(n))
    return sums


def readable_crosstab(table: pd.DataFrame) -> pd.DataFrame:
    """The cross-tab (English: its download) as a reader reads it, in the interface's
    language: pillar and region names, Pillar and Total."""
    return readable(table, headers=(PILLAR, TOTAL), labels=(PILLAR,))


def pillar_region(frame: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """Horizontal bars of projects per region, stacked by pillar (pillar colours).

    The table has one row per region and pillar (region, pillar, projects), in
    English (a download's stable values), in the theme's region then pillar order.
    """
    region_rank = {r: i for i, r in enumerate(theme.REGION_ORDER)}
    pillar_rank = {english_pillar(p): i for i, p in enumerate(theme.PILLAR_ORDER)}
    rows = sorted(
        zip(
            frame["region"].to_list(),
            [english_pillar(p) for p in frame["pillar"]],
            frame["projects"].to_list(),
            strict=True,
        ),
        key=lambda row: (region_rank.get(row[0], 99), pillar_rank.get(row[1], 99)),
    )  # stable: regions and pillars outside the theme keep their order
    table = pd.DataFrame(
        {
            "region": pd.Series([row[0] for row in rows], dtype=frame["region"].dtype),
            "pillar": pd.Series([row[1] for row in rows], dtype="str"),
            "projects": pd.Series([row[2] for row in rows], dtype=frame["projects"].dtype),
        }
    )
    if table.empty:
        return empty_figure(_("No project matches the filters.")), table
    regions = _regions_in(frame["region"])
    cells = _sums(frame["pillar"], frame["region"], frame["projects"])
    bars = []
    for pillar in _pillars_in(frame["pillar"]):
        drawn = [r for r in regions if (pillar, r) in cells]
        name = theme.pillar_label(pillar)
        bars.append(
            {
                "type": "bar",
                "name": name,
                "orientation": "h",
                "y": plain(theme.region_label(r) for r in drawn),
                "x": [cells[(pillar, r)] for r in drawn],
                "marker": _bar_marker(pillar),
                "text": [number(cells[(pillar, r)]) for r in drawn],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textfont": {"size": 15},
                "hovertemplate": _projects_hover("%{y}", name, "%{x:,}"),
            }
        )
    totals = {r: 0 for r in regions}
    for region, projects in zip(
        frame["region"].to_list(), frame["projects"].to_list(), strict=True
    ):
        if isinstance(region, str):
            totals[region] += 0 if is_na(projects) else int(projects)
    labels = [
        {
            "x": total,
            "y": inert.plotly(theme.region_label(region)),
            "text": f"<b>{number(total)}</b>",
            "xanchor": "left",
            "xshift": 6,
            "showarrow": False,
            "font": {"size": 15, "color": INK},
        }
        for region, total in totals.items()
    ]
    most = max(totals.values(), default=math.nan)  # no region: no whole-number step
    layout = _stacked_layout(plain(theme.region_label(r) for r in regions), most, labels)
    return figure(bars, layout, look(height=max(280, 130 + 48 * len(regions)))), table


def _bar_marker(pillar: str) -> dict:
    return {
        "color": theme.PILLAR_COLOURS.get(pillar, "#BBBBBB"),
        "line": {"width": 1, "color": "white"},
    }


def _stacked_layout(rows: list[str], most: int, annotations: list[dict]) -> dict:
    """Bars stacked by pillar, one row per category in `rows` order from the top, a
    bar label per row (`annotations`); a step of 1 on the count axis for small counts."""
    return {
        "annotations": annotations,
        "barmode": "stack",
        "xaxis": {
            "title": {"text": _("Projects")},
            "showgrid": True,
            "gridcolor": "#EEEEEE",
            "dtick": 1 if most <= 12 else None,
        },
        "yaxis": {
            "categoryorder": "array",
            "categoryarray": rows,
            "autorange": "reversed",
            "automargin": True,
            "showgrid": False,
        },
    }


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
    labels = labels or {}
    # Plain Python, not pandas: a few dozen rows, built per filter set under a room's
    # load (a groupby/unstack/sort was ~8 ms of this builder's ~9).
    counts: dict[str, dict[str, int]] = {}
    for value, pillar, projects in zip(
        frame["value"].to_list(),
        frame["pillar"].to_list(),
        frame["projects"].to_list(),
        strict=True,
    ):
        if not isinstance(pillar, str):  # a row without a pillar counts nowhere
            continue
        name = labels.get(value, value) if isinstance(value, str) else theme.NOT_REPORTED
        row = counts.setdefault(name, {})
        row[pillar] = row.get(pillar, 0) + (0 if is_na(projects) else int(projects))
    pillars = _pillars_in(p for row in counts.values() for p in row)
    totals = {value: sum(row.values()) for value, row in counts.items()}
    values = sorted(counts, key=lambda v: (-totals[v], v))  # largest first, then A-Z
    table = pd.DataFrame(
        {
            what: pd.Series(values, dtype="str"),
            **{
                english_pillar(p): pd.Series([counts[v].get(p, 0) for v in values], dtype="int64")
                for p in pillars
            },
            TOTAL: pd.Series([totals[v] for v in values], dtype="int64"),
        }
    )
    if not values:
        return empty_figure(_(NOTHING_RECORDED.get(what, NOTHING_RECORDED_ELSE))), table
    shown = values[:top] if top else values
    worded = {*labels.values(), theme.NOT_REPORTED}  # labels, not catalogue text
    names = [_(v) if v in worded else v for v in shown]
    axis = plain(unique_labels(names, LABEL_LIMIT))
    bars = []
    for pillar in pillars:
        name = theme.pillar_label(pillar)
        kept = [i for i, v in enumerate(shown) if counts[v].get(pillar, 0) > 0]
        bars.append(
            {
                "type": "bar",
                "name": name,
                "orientation": "h",
                "y": [axis[i] for i in kept],
                "x": [counts[shown[i]][pillar] for i in kept],
                "marker": _bar_marker(pillar),
                "customdata": [[text] for text in plain(names[i] for i in kept)],
                "hovertemplate": _projects_hover("%{customdata[0]}", name, "%{x:,}"),
            }
        )
    annotations = [
        {
            "x": totals[value],
            "y": label,
            "text": number(totals[value]),
            "xanchor": "left",
            "xshift": 5,
            "showarrow": False,
            "font": {"size": 14, "color": INK},
        }
        for label, value in zip(axis, shown, strict=True)
    ]
    cut = len(shown) < len(values)
    if cut:
        annotations.append(
            {
                # on two lines: one ran off a half-width chart's right edge (QA)
                "text": _("The {shown} most frequent of {total} — all of them in the Table tab")
                .replace(" — ", " —<br>", 1)
                .format(shown=number(len(shown)), total=number(len(values))),
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
    layout = _stacked_layout(axis, max(totals[v] for v in shown), annotations)
    height = max(240, 150 + ROW_PX * len(shown))
    return figure(bars, layout, look(height=height), {"margin": {"b": 96 if cut else 40}}), table


def readable_facets(table: pd.DataFrame, what: str) -> pd.DataFrame:
    """facet_bars' table (English: its download) as a reader reads it, in the
    interface's language: the column names, and the values when they are labels
    (partner types, "not reported"), not catalogue text."""
    return readable(table, headers=(what, TOTAL), labels=(what,))


def shown_facets(table: pd.DataFrame, what: str):
    """facet_bars' table as its Table tab shows it: readable, counts with separators."""
    return formatting.with_separators(readable_facets(table, what))


def partner_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The partner list for display: partner, type (readable), pillars, projects, in
    the interface's language (made under `i18n.using("en")` for a download)."""
    out = frame.copy()
    if "titles" in out:  # not listed for partners with many projects (queries.partner_list)
        not_listed = _("not listed (over {n} projects)").format(n=number(scale.TITLES_PER_PARTNER))
        out["titles"] = out["titles"].astype(object).where(out["titles"].notna(), not_listed)
    if "partner_type" in out:
        out["partner_type"] = [formatting.partner_type_label(t) for t in out["partner_type"]]
    if "pillars" in out:
        out["pillars"] = [
            "; ".join(theme.pillar_label(p.strip()) for p in v.split(";") if p.strip())
            if isinstance(v, str)
            else _(theme.NOT_REPORTED)
            for v in out["pillars"]
        ]
    return out.rename(columns={key: _(name) for key, name in PARTNER_COLUMNS.items()})
