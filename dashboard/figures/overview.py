"""Overview figures: the publication's reported figures beside what the catalogue documents."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import inert, theme
from dashboard.figures import empty_figure, figure, look, plain

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
    bars = [
        {
            "type": "bar",
            "name": name,
            "x": plain(table["label"]),
            "y": table[column].to_numpy(),  # sent as a typed array, as Plotly sends a Series
            "marker": {"color": colour},
            "text": table[column].map(number_text).to_list(),
            "textposition": "outside",
            "hovertemplate": f"%{{x}}: %{{y:,}} {what}<extra></extra>",
        }
        for name, column, colour, what in (
            ("Reported in the publication", "reported", REPORTED_COLOUR, "reported"),
            ("Documented in this catalogue", "documented", DOCUMENTED_COLOUR, "documented here"),
        )
    ]
    layout = {"barmode": "group", "yaxis": {"title": {"text": "Projects"}}}
    return figure(bars, layout, look(height=380)), table


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
    for record in reported.to_dict("records"):
        metric = str(record["metric"]).replace("_", " ").replace("ilo uclg", "ILO–UCLG")
        label, period = record.get("dimension_label"), record.get("period")
        reported_text = (
            f"{float(record['value']):g}"
            if record.get("unit") == "year"
            else qualified_text(pd.Series(record))
        )
        rows.append(
            {
                "Figure": metric[:1].upper() + metric[1:],
                "For": "all" if pd.isna(label) or not label else label,
                "Reported": reported_text,
                "Period": "" if pd.isna(period) or not period else period,
                "Source": record["source_ref"],
            }
        )
    return pd.DataFrame(rows, columns=["Figure", "For", "Reported", "Period", "Source"])
