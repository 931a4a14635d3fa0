"""Each page's main chart, built outside the page: a story's slides show it (one per
step, dashboard/slides.py) for the step's page, filters and options.

`load(query, *args)` runs a function of dashboard/queries.py (the pages pass their cached
`ui.load`; a deck passes `direct(version)`). Pages without a chart of their own show the
chart closest to them: Projects the filtered projects by pillar and region, Data the
publication's figures against the catalogue; an exchange's own view shows its host and
participants.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard import queries, scale
from dashboard.db import WarehouseVersion
from dashboard.figures import exchanges as fx
from dashboard.figures import pillars as pf
from dashboard.figures import timeline as tl
from dashboard.figures.overview import reported_vs_documented
from dashboard.filters import Filters
from dashboard.i18n import N_, _
from dashboard.maps import export

Load = Callable[..., object]


@dataclass(frozen=True)
class View:
    """A chart of a page: its English title (shown as _(title)) and its figure, or None
    when nothing matches the filters."""

    title: str
    figure: go.Figure | None


def direct(version: WarehouseVersion) -> Load:
    """`load` for code outside a page: run the query on `version`, uncached."""
    return lambda query, *args: query(version, *args)


def _reported(load: Load, filters: Filters) -> View:
    reported = load(queries.reported_figures)
    if reported.empty:  # a generated warehouse has none
        return _pillars(load, filters)
    documented = load(queries.documented_counts, filters, tuple(reported["dimension"]))
    figure, _table = reported_vs_documented(reported, documented)
    return View(N_("Reported in the publication vs documented here"), figure)


def _pillars(load: Load, filters: Filters) -> View:
    frame = load(queries.pillar_region, filters)
    title = N_("Projects by pillar and region")
    return View(title, None if frame.empty else pf.pillar_region(frame)[0])


def _timeline(load: Load, filters: Filters, params: Mapping[str, str]) -> View:
    measure = params.get("measure") if params.get("measure") in tl.MEASURES else "active"
    stack = params.get("stack") if params.get("stack") in tl.STACKS else "pillar"
    counts = load(queries.year_counts, filters)
    title = (
        N_("Projects active per year") if measure == "active" else N_("Projects starting per year")
    )
    if counts.empty:
        return View(title, None)
    comparable = measure == "active" and filters.replace(years=None).is_default()
    reported = load(queries.reported_figures) if comparable else None
    unstated = load(queries.unstated_years, filters) if measure == "active" else None
    figure, _table = tl.per_year(
        counts, measure=measure, stack=stack, reported=reported, unstated=unstated
    )
    return View(title, figure)


def _map(load: Load, filters: Filters) -> View:
    counts = load(queries.project_countries, filters, scale.TOOLTIP_TITLES)
    summary = load(queries.locality_summary, filters)
    participants = load(queries.participants, filters, scale.EXCHANGES_SHOWN)
    grouped = summary["located"] > scale.MAX_LOCALITY_POINTS
    title = N_("Projects per country, localities and City-to-City exchanges")
    if counts.empty and participants.empty:
        return View(title, None)
    figure = export.static_map_figure(
        counts,
        None if grouped else load(queries.localities, filters),
        participants,
        _("Projects per country, localities and exchanges"),
        clusters=load(queries.locality_clusters, filters, scale.MAX_LOCALITY_POINTS)
        if grouped
        else None,
    )
    return View(title, figure)


def _exchanges(load: Load, filters: Filters, params: Mapping[str, str]) -> View:
    chosen = params.get("exchange")
    if chosen:  # one exchange's own view: its host and who took part
        own = load(queries.exchange_map_rows, chosen)
        if not own.empty:
            return View(N_("Host and participants of the exchange"), fx.network_figure(own))
    exchanges = load(queries.exchanges, filters, scale.EXCHANGES_SHOWN)
    title = N_("City-to-City exchanges")
    return View(title, None if exchanges.empty else fx.exchanges_in_time(exchanges)[0])


def main_view(
    page_path: str, load: Load, filters: Filters, params: Mapping[str, str] | None = None
) -> View:
    """The main chart of the page served at `page_path` ('' for the Overview)."""
    params = params or {}
    if page_path in ("", "overview", "data"):
        return _reported(load, filters)
    if page_path == "timeline":
        return _timeline(load, filters, params)
    if page_path == "map":
        return _map(load, filters)
    if page_path == "exchanges":
        return _exchanges(load, filters, params)
    return _pillars(load, filters)  # pillars, projects
