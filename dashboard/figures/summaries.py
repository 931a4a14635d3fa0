"""Each chart's text alternative: one sentence generated from the data it draws (WCAG
1.1.1), shown under the chart and read by screen readers; the Table tab beside it holds
every value. Pure: the chart's English data frame (what its download holds) in, a
sentence in the interface's language out; '' when there is nothing to say."""

from __future__ import annotations

import pandas as pd

from dashboard import i18n, theme
from dashboard.i18n import _, ngettext, number

_PILLAR_BY_LABEL = {theme.PILLAR_LABELS.english(c): c for c in theme.PILLAR_ORDER}


def _pillar(label: str) -> str:
    code = _PILLAR_BY_LABEL.get(label)
    return theme.PILLAR_LABELS[code] if code else _(label)


def _projects(n: float) -> str:
    return ngettext("{n} project", "{n} projects", int(n)).format(n=number(n))


def _leader(frame: pd.DataFrame, label: str, value: str) -> tuple[str, float] | None:
    """The row with the largest `value` (the first of equals, in the frame's order)."""
    values = pd.to_numeric(frame[value], errors="coerce") if value in frame else None
    if values is None or values.dropna().empty or values.max() <= 0:
        return None
    at = values.idxmax()
    return str(frame.loc[at, label]), float(values[at])


def reported_vs_documented(table: pd.DataFrame) -> str:
    reported = table.dropna(subset=["reported"])
    if reported.empty:
        return ""
    gaps = reported.assign(gap=reported["reported"] - reported["documented"])
    widest = gaps.loc[gaps["gap"].idxmax()]
    return _(
        "The publication reports {n} figures; the catalogue documents fewer projects than "
        "reported for {fewer} of them. The widest gap: “{label}”, {reported} reported and "
        "{documented} documented."
    ).format(
        n=number(len(reported)),
        fewer=number(int((gaps["gap"] > 0).sum())),
        label=widest["label"],
        reported=number(widest["reported"]),
        documented=number(widest["documented"]),
    )


def per_year(table: pd.DataFrame, measure: str) -> str:
    total = next((c for c in table.columns if str(c).startswith("total ")), None)
    peak = _leader(table, "year", total) if total else None
    if peak is None:
        return ""
    template = (
        _("Most projects were active in {year}: {n}. The chart runs from {first} to {last}.")
        if measure == "active"
        else _("Most projects started in {year}: {n}. The chart runs from {first} to {last}.")
    )
    return template.format(
        year=peak[0],
        n=number(peak[1]),
        first=table["year"].min(),
        last=table["year"].max(),
    )


def spans(table: pd.DataFrame) -> str:
    if table.empty:
        return ""
    projects = table["project_id"].nunique()
    ongoing = table.loc[table["ongoing"].fillna(False).astype(bool), "project_id"].nunique()
    return _(
        "{projects} drawn from {first} to {last}; {ongoing} still ongoing when the source "
        "was written."
    ).format(
        projects=ngettext("{n} project", "{n} projects", projects).format(n=number(projects)),
        first=int(table["start_year"].min()),
        last=int(table["drawn_to"].max()),
        ongoing=number(ongoing),
    )


def exchanges_over_time(table: pd.DataFrame) -> str:
    dated = pd.to_datetime(table.get("start_date"), errors="coerce").dropna()
    if dated.empty:
        return ""
    held = int((table["status"] == "held").sum())
    return _("{exchanges} from {first} to {last} (held: {held}; planned: {planned}).").format(
        exchanges=ngettext("{n} exchange", "{n} exchanges", len(table)).format(
            n=number(len(table))
        ),
        first=dated.min().year,
        last=dated.max().year,
        held=number(held),
        planned=number(int((table["status"] == "planned").sum())),
    )


def pillar_region(crosstab: pd.DataFrame) -> str:
    """From the pillar × region cross-tab (rows: pillars; a Total column)."""
    rows = crosstab[crosstab["Pillar"] != "Total"] if "Pillar" in crosstab else crosstab
    pillar = _leader(rows, "Pillar", "Total")
    regions = [c for c in rows.columns if c not in ("Pillar", "Total")]
    if pillar is None or not regions:
        return ""
    by_region = rows[regions].sum()
    region = by_region.idxmax()
    return _(
        "Most projects: {pillar} ({n} of {total}). Of the regions, the most: {region} ({m})."
    ).format(
        pillar=_pillar(pillar[0]),
        n=number(pillar[1]),
        total=number(rows["Total"].sum()),
        region=theme.region_label(region),
        m=number(by_region[region]),
    )


_FACETS = {
    "Topic": lambda: _("The most frequent topic is “{label}”: {projects}."),
    "Beneficiary group": lambda: _("The most frequent beneficiary group is “{label}”: {projects}."),
    "Partner type": lambda: _("The most frequent partner type is “{label}”: {projects}."),
}


def facet(table: pd.DataFrame, what: str) -> str:
    """From a facet's table (a `what` column, a Total column)."""
    top = _leader(table, what, "Total") if what in table else None
    if top is None or what not in _FACETS:
        return ""
    label = top[0]
    if what == "Partner type":  # the table holds English labels: find the code's
        english = {theme.PARTNER_TYPE_LABELS.english(c): c for c in theme.PARTNER_TYPE_LABELS}
        label = theme.PARTNER_TYPE_LABELS[english[top[0]]] if top[0] in english else top[0]
    return _FACETS[what]().format(label=label, projects=_projects(top[1]))


def partners(table: pd.DataFrame) -> str:
    top = _leader(table, "Partner", "Projects")
    if top is None:
        return ""
    return _("A partner in the most projects: {partner} ({n}), of {count} partners listed.").format(
        partner=top[0], n=number(top[1]), count=number(len(table))
    )


def world_map(table: pd.DataFrame) -> str:
    countries = table[table["layer"] == "country"]
    top = _leader(countries, "iso3", "projects")
    if top is None:
        return _("The map draws no country with projects here; the Table tab lists what it shows.")
    name = countries.loc[countries["iso3"] == top[0], "name"].iloc[0]
    return _(
        "Most projects: {country} ({n}), of {countries} countries with projects. The Table "
        "tab lists every country, place and exchange the map draws."
    ).format(
        country=i18n.country_name(top[0], name),
        n=number(top[1]),
        countries=number(len(countries)),
    )


def participation(table: pd.DataFrame, country: str = "country") -> str:
    """From one row per (exchange, participant country): who took part most often."""
    if table.empty or country not in table:
        return ""
    per_country = (
        table.groupby(country)["exchange_id"].nunique().sort_values(ascending=False, kind="stable")
    )
    return _(
        "{exchanges} link {countries} countries; taking part in the most: {country} ({n})."
    ).format(
        exchanges=ngettext("{n} exchange", "{n} exchanges", table["exchange_id"].nunique()).format(
            n=number(table["exchange_id"].nunique())
        ),
        countries=number(len(per_country)),
        country=per_country.index[0],
        n=number(per_country.iloc[0]),
    )
