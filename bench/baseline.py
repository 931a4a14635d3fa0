"""The pandas baseline: the Atlas's queries written the way a pandas user would.

Each function answers the same question as its counterpart in dashboard/queries.py,
from the warehouse's Parquet files (`parquet/<table>.parquet`): read the columns it
needs, match projects by `project_no` (the integer key the app matches by too), filter
with `isin`/`between`, join with `merge`, aggregate with `groupby`. Only the filters the
benchmark uses (region, pillar, years) are implemented; any other is refused rather
than silently ignored, so a result can never match by accident.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.filters import Filters

SUPPORTED_FILTERS = {"region", "pillar", "years"}
# pyarrow-backed columns, as pandas' docs advise for speed: with pandas 3's default `str`
# columns, `isin` (every filter here) costs ~35 µs per value (3.4 s for 100k ids against
# 100k), 30-60x slower than with ArrowDtype; the baseline should not lose to that.
DTYPE_BACKEND = "pyarrow"


class Tables:
    """Where the baseline gets its tables: from Parquet on disk (cold) or from memory (warm).

    Cold reads only the requested columns, as a careful pandas user would; a table read
    twice with the same columns within one query is read once (a new query gets a new
    `Tables`). Warm holds every table, read in full beforehand.
    """

    def __init__(self, warehouse: Path, *, in_memory: bool = False):
        self.parquet = warehouse / "parquet"
        self.in_memory = in_memory
        self._frames: dict[tuple, pd.DataFrame] = {}
        if in_memory:
            for path in sorted(self.parquet.glob("*.parquet")):
                self._frames[(path.stem, None)] = pd.read_parquet(path, dtype_backend=DTYPE_BACKEND)

    def read(self, table: str, columns: list[str] | None = None) -> pd.DataFrame:
        if self.in_memory:
            frame = self._frames[(table, None)]
            return frame if columns is None else frame[columns]
        key = (table, tuple(columns) if columns else None)
        if key not in self._frames:
            self._frames[key] = pd.read_parquet(
                self.parquet / f"{table}.parquet", columns=columns, dtype_backend=DTYPE_BACKEND
            )
        return self._frames[key]


def check_supported(f: Filters) -> None:
    """Refuse filters the baseline does not implement (they would be silently dropped)."""
    unsupported = [entry.key for entry, _ in f.active() if entry.key not in SUPPORTED_FILTERS]
    if unsupported:
        raise NotImplementedError(f"pandas baseline has no {', '.join(unsupported)} filter")


def filtered_projects(t: Tables, f: Filters, columns: list[str] | None) -> pd.DataFrame:
    """Projects matching the filters, as dashboard/filters.py defines them: a region
    through the project's own region or any of its countries; a pillar; a year range
    when the project is active in at least one of its years."""
    check_supported(f)
    if columns is not None:
        columns = list(dict.fromkeys(["project_no", "region", "pillar", *columns]))
    p = t.read("projects", columns)
    keep = pd.Series(True, index=p.index)
    if f.region:
        c = t.read("project_countries", ["project_no", "region"])
        via_country = c.loc[c["region"].isin(f.region), "project_no"]
        keep &= p["region"].isin(f.region) | p["project_no"].isin(via_country)
    if f.pillar:
        keep &= p["pillar"].isin(f.pillar)
    if f.years:
        y = t.read("project_years", ["project_no", "year"])
        active = y.loc[y["year"].between(*f.years), "project_no"]
        keep &= p["project_no"].isin(active)
    return p[keep]


def pillar_region(t: Tables, f: Filters) -> pd.DataFrame:
    p = filtered_projects(t, f, ["pillar", "region"])
    return p.groupby(["pillar", "region"], dropna=False).size().reset_index(name="projects")


def documented_counts(t: Tables, f: Filters, dimensions: tuple[str, ...]) -> pd.DataFrame:
    """Projects per region (own region, or any country's) and per active year, for the
    `region:…` and `year:…` dimensions asked for, and in total."""
    wanted_regions = [d.split(":", 1)[1] for d in dimensions if d.startswith("region:")]
    wanted_years = [int(d[5:]) for d in dimensions if d.startswith("year:") and d[5:].isdigit()]
    chosen = filtered_projects(t, f, ["region"])
    c = t.read("project_countries", ["project_no", "region"])
    c = c[c["region"].isin(wanted_regions)]
    via_country = c.loc[c["project_no"].isin(chosen["project_no"]), ["region", "project_no"]]
    own = chosen.loc[
        chosen["region"].isin(wanted_regions) & (chosen["region"] != "Multi-region"),
        ["region", "project_no"],
    ]
    regions = pd.concat([via_country, own]).drop_duplicates()
    by_region = regions.groupby("region").project_no.nunique()
    y = t.read("project_years", ["project_no", "year"])
    y = y[y["year"].isin(wanted_years) & y["year"].between(*(f.years or (0, 9999)))]
    by_year = y[y["project_no"].isin(chosen["project_no"])].groupby("year").project_no.nunique()
    return pd.DataFrame(
        {
            "dimension": [f"region:{r}" for r in by_region.index]
            + [f"year:{year}" for year in by_year.index]
            + ["total"],
            "documented": [*by_region, *by_year, len(chosen)],
        }
    )


def project_countries(t: Tables, f: Filters, max_titles: int) -> pd.DataFrame:
    """Projects per country (the map's choropleth), with their titles in title order for
    countries with at most `max_titles` projects (else none: the tooltip gives the count)."""
    chosen = filtered_projects(t, f, ["title"])[["project_no", "title"]]
    c = t.read("project_countries", ["project_no", "iso3", "country", "region"])
    rows = c.merge(chosen, on="project_no")
    keys = ["iso3", "country", "region"]
    out = rows.groupby(keys, dropna=False).size().reset_index(name="projects")
    few = out.loc[out["projects"] <= max_titles, keys]
    titled = rows.merge(few, on=keys).sort_values("title")
    titles = titled.groupby(keys, dropna=False)["title"].agg(" · ".join).rename("titles")
    out = out.merge(titles.reset_index(), on=keys, how="left")
    return out.sort_values(["projects", "country"], ascending=[False, True])


def year_counts(t: Tables, f: Filters) -> pd.DataFrame:
    """Projects active and starting per year, pillar and region (the Timeline's chart),
    from project_years' copied pillar, region and starting columns, as the app does."""
    y = t.read("project_years", ["project_no", "year", "pillar", "region", "starting"])
    if not f.is_default():
        y = y[y["project_no"].isin(filtered_projects(t, f, [])["project_no"])]
    if f.years:
        y = y[y["year"].between(*f.years)]
    out = y.groupby(["year", "pillar", "region"]).agg(
        active=("project_no", "size"), starting=("starting", "sum")
    )
    return out.reset_index()


def overview_counts(t: Tables, f: Filters) -> pd.DataFrame:
    """The Overview's headline: projects, countries, distinct places, first and last year
    active (within the year filter), projects stating a count; one row."""
    chosen = filtered_projects(t, f, [])["project_no"]

    def of_chosen(table: str, columns: list[str]) -> pd.DataFrame:
        rows = t.read(table, ["project_no", *columns])
        return rows[rows["project_no"].isin(chosen)]

    years = of_chosen("project_years", ["year"])["year"]
    if f.years:
        years = years[years.between(*f.years)]
    places = of_chosen("project_localities", ["name", "iso3"])  # (name, NULL) is a place
    row = {
        "projects": len(chosen),
        "countries": of_chosen("project_countries", ["iso3"])["iso3"].nunique(),
        "places": len(places[["name", "iso3"]].drop_duplicates()),
        "first_year": years.min() if len(years) else None,
        "last_year": years.max() if len(years) else None,
        "with_counts": of_chosen("project_counts", [])["project_no"].nunique(),
    }
    return pd.DataFrame([row])


def topic_counts(t: Tables, f: Filters) -> pd.DataFrame:
    """Projects per topic and pillar (the Pillars page's topic chart), from
    project_topics' copied pillar; a topic appears once per project (as the app counts)."""
    topics = t.read("project_topics", ["project_no", "topic", "pillar"])
    if not f.is_default():
        topics = topics[topics["project_no"].isin(filtered_projects(t, f, [])["project_no"])]
    out = topics.groupby(["topic", "pillar"]).size().rename("projects").reset_index()
    return out.rename(columns={"topic": "value"})


def project_page(t: Tables, f: Filters, limit: int) -> pd.DataFrame:
    """The Projects table's first page: `limit` projects by start year (missing last),
    title and id, with their topics. Sorts first and looks topics up for the page only."""
    columns = ["title", "countries", "region", "pillar", "start_year", "end_year", "ongoing",
               "status"]  # fmt: skip
    p = filtered_projects(t, f, ["project_id", *columns])[["project_id", "project_no", *columns]]
    page = p.sort_values(["start_year", "title", "project_id"], na_position="last").head(limit)
    topics = t.read("project_topics", ["project_no", "topic"])
    topics = topics[topics["project_no"].isin(page["project_no"])].sort_values("topic")
    joined = topics.groupby("project_no")["topic"].agg("; ".join)
    return page.assign(topics=page["project_no"].map(joined)).drop(columns="project_no")
