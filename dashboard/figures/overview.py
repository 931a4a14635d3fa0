"""Overview figures: the publication's reported figures beside what the catalogue documents."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import inert, theme
from dashboard.figures import empty_figure, figure, look, merged, plain, readable
from dashboard.i18n import N_, _, number

REPORTED_COLOUR = "#777777"
DOCUMENTED_COLOUR = "#0072B2"
# The publication's metrics (reported_figures.metric) as a reader reads them; a metric
# not named here reads as its code in words ("cities_in_x" → "Cities in x").
METRICS: dict[str, str] = {
    "projects_with_local_authorities": N_("Projects with local authorities"),
    "cities_in_ilo_uclg_exchanges": N_("Cities in ILO–UCLG exchanges"),
    "ilo_uclg_cooperation_agreement_signed": N_("ILO–UCLG cooperation agreement signed"),
    "years_of_ilo_local_programmes": N_("Years of ILO programmes at the local level"),
}
# Units of the reported figures (reported_figures.unit) the interface translates; any
# other unit is shown as the catalogue writes it.
UNITS: dict[str, str] = {"projects": N_("projects"), "cities": N_("cities"), "years": N_("years")}
# The columns of reported_table (shown on the page, not downloaded).
REPORTED_COLUMNS: tuple[str, ...] = (
    N_("Figure"),
    N_("For"),
    N_("Reported"),
    N_("Period"),
    N_("Source"),
)
# The comparison's table columns (reported_vs_documented), in English: a download's.
COMPARISON_COLUMNS: tuple[str, ...] = (
    N_("dimension"),
    N_("label"),
    N_("reported"),
    N_("qualifier"),
    N_("documented"),
    N_("source_ref"),
)


def reported_vs_documented(
    reported: pd.DataFrame, documented: pd.DataFrame
) -> tuple[go.Figure, pd.DataFrame]:
    """One pair of bars per reported figure with a region or year dimension.

    Returns the figure and the table behind it (dimension, label, reported, qualifier,
    documented, source_ref), in English (a download's stable names and labels).
    """
    rows = reported[reported["dimension"].str.match(r"^(region|year):", na=False)].copy()
    counts = dict(zip(documented["dimension"], documented["documented"], strict=False))
    rows["documented"] = [int(counts.get(d, 0)) for d in rows["dimension"]]
    rows["label"] = [
        (lab if isinstance(lab, str) and lab else dim.split(":", 1)[1])
        + (" (year)" if dim.startswith("year:") else "")
        for dim, lab in zip(rows["dimension"], rows["dimension_label"], strict=True)
    ]
    shown = [  # the axis: the publication's own words (a year's panel says it is one)
        (lab if isinstance(lab, str) and lab else value)
        if kind == "year"
        else (lab if isinstance(lab, str) and lab else theme.region_label(value))
        for (kind, value), lab in zip(
            (dim.split(":", 1) for dim in rows["dimension"]), rows["dimension_label"], strict=True
        )
    ]
    table = rows[["dimension", "label", "value", "qualifier", "documented", "source_ref"]].rename(
        columns={"value": "reported"}
    )
    if table.empty:
        return empty_figure(_("The catalogue has no reported figures to compare.")), table
    # Two panels, per year and per region: one axis holding both invited a reader to add
    # years and regions up (95 projects against "over 70").
    is_year = table["dimension"].str.startswith("year:").to_numpy()
    panels = [
        (axis, title, mask)
        for axis, title, mask in (
            ("x", _("Per year"), is_year),
            ("x2", _("Per region"), ~is_year),
        )
        if mask.any()
    ]
    sizes = [int(mask.sum()) for _axis, _title, mask in panels]
    gap = 0.08 if len(panels) == 2 else 0.0
    bounds, left = [], 0.0
    for size in sizes:
        right = left + (1 - gap * (len(panels) - 1)) * size / sum(sizes)
        bounds.append((left, right))
        left = right + gap
    shown_text = pd.Series(shown, index=table.index)
    shared = look(height=400)
    bars, layout = [], {"barmode": "group", "yaxis": {"title": {"text": _("Projects")}}}
    annotations = []
    for (axis, title, mask), (low, high) in zip(panels, bounds, strict=True):
        first = axis == panels[0][0]
        for name, column, colour, hover in (
            (_("Reported in the publication"), "reported", REPORTED_COLOUR,
             _("{label}: {n} reported")),
            (_("Documented in this catalogue"), "documented", DOCUMENTED_COLOUR,
             _("{label}: {n} documented here")),
        ):  # fmt: skip
            bars.append(
                {
                    "type": "bar",
                    "name": name,
                    "legendgroup": column,
                    "showlegend": first,
                    "xaxis": axis,
                    "x": plain(shown_text[mask].to_list()),
                    "y": table.loc[mask, column].to_numpy(),  # a typed array, as Plotly sends
                    "marker": {"color": colour},
                    "text": table.loc[mask, column].map(number_text).to_list(),
                    "textposition": "outside",
                    "hovertemplate": hover.format(label="%{x}", n="%{y:,}") + "<extra></extra>",
                }
            )
        key = "xaxis" if axis == "x" else "xaxis2"
        # the second panel's axis drawn as the shared look draws the first
        layout[key] = merged(
            shared.get("xaxis"),
            # categories: years as labels ("2000", "2014"), not a numeric scale
            {"domain": [low, high], "anchor": "y", "type": "category"},
        )
        annotations.append(
            {
                "text": f"<b>{title}</b>",
                "xref": "paper",
                "yref": "paper",
                "x": (low + high) / 2,
                "y": -0.16,
                "showarrow": False,
                "xanchor": "center",
                "yanchor": "top",
            }
        )
    layout["annotations"] = annotations
    layout["margin"] = {"b": 70}
    return figure(bars, shared, layout), table


def readable_comparison(table: pd.DataFrame) -> pd.DataFrame:
    """reported_vs_documented's table (English: its download) as the Table tab shows it."""
    return readable(table, headers=COMPARISON_COLUMNS)


def number_text(value: float) -> str:
    """A reported or counted number as a reader reads it: 1,500,000 (not 1.5e+06), 2.5,
    with the interface language's separators."""
    value = float(value)
    if value.is_integer():
        return number(value, 0)
    written = repr(value)
    decimals = len(written.split(".")[1]) if "." in written and "e" not in written else None
    return number(value, decimals)


def qualified_text(figure: pd.Series) -> str:
    """'over 70 projects' — the reported value with the publication's own qualifier."""
    word = theme.QUALIFIER_WORDS.get(str(figure.get("qualifier") or ""), "")
    value = number_text(figure["value"])
    unit = str(figure["unit"])
    unit = _(UNITS[unit]) if unit in UNITS else unit
    if word:
        return _("{qualifier} {value} {unit}").format(qualifier=word, value=value, unit=unit)
    return _("{value} {unit}").format(value=value, unit=unit)


def qualified(figure: pd.Series) -> str:
    """qualified_text in bold, for st.markdown (the unit is catalogue text)."""
    return f"**{inert.markdown(qualified_text(figure))}**"


def reported_cities(reported: pd.DataFrame) -> str | None:
    """The publication's count of cities in the exchanges, qualified and in bold; None
    when the warehouse has none."""
    cities = reported[reported["unit"] == "cities"]
    return None if cities.empty else qualified(cities.iloc[0])


def overview_sentence(reported: pd.DataFrame, documented: int, unfiltered: bool) -> str:
    """One plain sentence on reported vs documented, and why they differ — or, for a
    warehouse without the publication's figures (a generated one), that there are none."""
    n = number(documented)
    if reported.empty:
        return (
            _(
                "This warehouse holds no figures reported by the publication, so there is "
                "nothing to compare; it documents **{n}** projects."
            )
            if unfiltered
            else _(
                "This warehouse holds no figures reported by the publication, so there is "
                "nothing to compare; it documents **{n}** projects with the current filters."
            )
        ).format(n=n)
    totals = reported[(reported["dimension"] == "total") & (reported["unit"] == "projects")]
    if totals.empty:
        first = (
            _("The publication reports aggregate figures; this catalogue documents **{n}**.")
            if unfiltered
            else _(
                "The publication reports aggregate figures; with the current filters, this "
                "catalogue documents **{n}**."
            )
        ).format(n=n)
    else:
        first = (
            _(
                "The publication reports {reported} with local authorities; this catalogue "
                "documents **{n}**."
            )
            if unfiltered
            else _(
                "The publication reports {reported} with local authorities; with the current "
                "filters, this catalogue documents **{n}**."
            )
        ).format(reported=qualified(totals.iloc[0]), n=n)
    why = _(
        "Why they differ: the publication's figures come from PARDEV's 2014 in-house "
        "inventory, while the publication — and so this catalogue — describes only a "
        "selection of those projects in detail. Reported figures are shown as published "
        "(for all regions and years), never padded."
    )
    return f"{first} {why}"


def counts_table(counts: pd.DataFrame) -> pd.DataFrame:
    """The counts each project's source states, as the Overview's table shows them."""
    return counts.drop(columns=["project_id"]).rename(
        columns={
            "title": _("Project"),
            "label": _("What is counted"),
            "value": _("Count"),
            "qualifier": _("As stated"),
            "is_beneficiary_group": _("Beneficiary group"),
        }
    )


def reported_table(reported: pd.DataFrame) -> pd.DataFrame:
    """The reported figures as a reader reads them: 'over 70 projects', not raw keys."""
    rows = []
    figure, for_, shown, period_, source = (_(c) for c in REPORTED_COLUMNS)
    for record in reported.to_dict("records"):
        code = str(record["metric"])
        if code in METRICS:
            metric = _(METRICS[code])
        else:
            metric = code.replace("_", " ").replace("ilo uclg", "ILO–UCLG")
            metric = metric[:1].upper() + metric[1:]
        label, period = record.get("dimension_label"), record.get("period")
        reported_text = (
            f"{float(record['value']):g}"
            if record.get("unit") == "year"
            else qualified_text(pd.Series(record))
        )
        rows.append(
            {
                figure: metric,
                for_: _("all") if pd.isna(label) or not label else label,
                shown: reported_text,
                period_: "" if pd.isna(period) or not period else period,
                source: record["source_ref"],
            }
        )
    return pd.DataFrame(rows, columns=[figure, for_, shown, period_, source])
