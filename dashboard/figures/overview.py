"""Overview figures: the publication's reported figures beside what the catalogue documents."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import inert, theme
from dashboard.figures import base_layout, empty_figure, plain

REPORTED_COLOUR = "#777777"
DOCUMENTED_COLOUR = "#0072B2"


def reported_vs_documented(
    reported: pd.DataFrame, documented: pd.DataFrame
) -> tuple[go.Figure, pd.DataFrame]:
    """One pair of bars per reported figure with a region or year dimension.

    Returns the figure and the table behind it (dimension, label, reported, qualifier,
    documented, source_ref).
    """
    rows = reported[reported["dimension"].str.match(r"^(region|year):", na=False)].copy()
    counts = dict(zip(documented["dimension"], documented["documented"], strict=False))
    rows["documented"] = [int(counts.get(d, 0)) for d in rows["dimension"]]
    rows["label"] = [
        (lab if isinstance(lab, str) and lab else dim.split(":", 1)[1])
        + (" (year)" if dim.startswith("year:") else "")
        for dim, lab in zip(rows["dimension"], rows["dimension_label"], strict=True)
    ]
    table = rows[["dimension", "label", "value", "qualifier", "documented", "source_ref"]].rename(
        columns={"value": "reported"}
    )
    if table.empty:
        return empty_figure("The catalogue has no reported figures to compare."), table
    fig = go.Figure()
    fig.add_bar(
        name="Reported in the publication",
        x=plain(table["label"]),
        y=table["reported"],
        marker_color=REPORTED_COLOUR,
        text=table["reported"].map(number_text),
        textposition="outside",
        hovertemplate="%{x}: %{y:,} reported<extra></extra>",
    )
    fig.add_bar(
        name="Documented in this catalogue",
        x=plain(table["label"]),
        y=table["documented"],
        marker_color=DOCUMENTED_COLOUR,
        text=table["documented"].map(number_text),
        textposition="outside",
        hovertemplate="%{x}: %{y:,} documented here<extra></extra>",
    )
    fig.update_layout(barmode="group", yaxis_title="Projects")
    return base_layout(fig, height=380), table


def number_text(value: float) -> str:
    """A reported or counted number as a reader reads it: 1,500,000 (not 1.5e+06), 2.5."""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,}"


def qualified_text(figure: pd.Series) -> str:
    """'over 70 projects' — the reported value with the publication's own qualifier."""
    word = theme.QUALIFIER_WORDS.get(str(figure.get("qualifier") or ""), "")
    value = number_text(figure["value"])
    return f"{(word + ' ') if word else ''}{value} {figure['unit']}"


def qualified(figure: pd.Series) -> str:
    """qualified_text in bold, for st.markdown (the unit is catalogue text)."""
    return f"**{inert.markdown(qualified_text(figure))}**"


def overview_sentence(reported: pd.DataFrame, documented: int, unfiltered: bool) -> str:
    """One plain sentence on reported vs documented, and why they differ — or, for a
    warehouse without the publication's figures (a generated one), that there are none."""
    if reported.empty:
        scope = "" if unfiltered else " with the current filters"
        return (
            "This warehouse holds no figures reported by the publication, so there is "
            f"nothing to compare; it documents **{documented:,}** projects{scope}."
        )
    totals = reported[(reported["dimension"] == "total") & (reported["unit"] == "projects")]
    head = (
        f"The publication reports {qualified(totals.iloc[0])} with local authorities"
        if not totals.empty
        else "The publication reports aggregate figures"
    )
    scope = (
        "this catalogue documents"
        if unfiltered
        else "with the current filters, this catalogue documents"
    )
    return (
        f"{head}; {scope} **{documented:,}**. Why they differ: the publication's figures come "
        "from PARDEV's 2014 in-house inventory, while the publication — and so this catalogue — "
        "describes only a selection of those projects in detail. Reported figures are shown "
        "as published (for all regions and years), never padded."
    )


def reported_table(reported: pd.DataFrame) -> pd.DataFrame:
    """The reported figures as a reader reads them: 'over 70 projects', not raw keys."""
    rows = []
    for figure in reported.to_dict("records"):
        metric = str(figure["metric"]).replace("_", " ").replace("ilo uclg", "ILO–UCLG")
        label, period = figure.get("dimension_label"), figure.get("period")
        reported_text = (
            f"{float(figure['value']):g}"
            if figure.get("unit") == "year"
            else qualified_text(pd.Series(figure))
        )
        rows.append(
            {
                "Figure": metric[:1].upper() + metric[1:],
                "For": "all" if pd.isna(label) or not label else label,
                "Reported": reported_text,
                "Period": "" if pd.isna(period) or not period else period,
                "Source": figure["source_ref"],
            }
        )
    return pd.DataFrame(rows, columns=["Figure", "For", "Reported", "Period", "Source"])
