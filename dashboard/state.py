"""Filter state and its URL encoding — the one place that knows both.

The URL is the API (as in Datasette): every filter is a query parameter, several
values repeat the parameter (`?region=Africa&pillar=Social+dialogue`), defaults stay out
of the URL, and a copied URL reproduces the exact view on any page. The URL carries
display labels (country names, pillar labels) because the sidebar widgets are bound to
the URL by Streamlit, which writes what they display; `Filters` holds codes (ISO3,
pillar codes). Parsing is pure and lenient: unknown parameters and invalid values are
dropped with a note, never an error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from dashboard import theme


@dataclass(frozen=True)
class Facet:
    """One multi-value filter: its URL parameter, its label and how values display."""

    param: str
    label: str
    help: str


FACETS: tuple[Facet, ...] = (
    Facet("region", "ILO region", "Projects with at least one country in the region."),
    Facet("country", "Country", "Projects in any of these countries."),
    Facet("pillar", "Decent Work pillar", "The pillar the publication files the project under."),
    Facet("topic", "Topic", "Projects with any of these topics."),
    Facet("group", "Beneficiary group", "Projects naming any of these beneficiary groups."),
    Facet(
        "status",
        "Status",
        "Ongoing in the year the source describes (2015 for the publication), completed "
        "by then, or end year not reported.",
    ),
    Facet("type", "Record type", "Projects, or programmes described in the publication's boxes."),
)
YEARS_PARAM = "years"
SEARCH_PARAM = "q"
# Page-level parameters that are not filters but are part of a view's URL.
PAGE_PARAMS = frozenset({"project", "exchange", "stack", "measure", "country_focus", "present"})


@dataclass(frozen=True)
class Filters:
    """What the user has chosen. Empty tuple / None = no restriction (the default)."""

    region: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    pillar: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    group: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    q: str = ""

    def is_default(self) -> bool:
        return self == Filters()

    def values(self, param: str) -> tuple[str, ...]:
        return getattr(self, param)


@dataclass(frozen=True)
class FilterOptions:
    """The values each filter can take, read from the warehouse."""

    region: tuple[str, ...]
    country: Mapping[str, str]  # iso3 → display name
    pillar: tuple[str, ...]
    topic: tuple[str, ...]
    group: tuple[str, ...]
    status: tuple[str, ...]
    type: tuple[str, ...]
    year_min: int
    year_max: int

    def choices(self, param: str) -> tuple[str, ...]:
        value = getattr(self, param)
        return tuple(value) if not isinstance(value, tuple) else value

    def label(self, param: str, value: str) -> str:
        if param == "country":
            return self.country.get(value, value)
        if param == "pillar":
            return theme.pillar_label(value)
        if param == "status":
            return theme.STATUS_LABELS.get(value, value)
        if param == "type":
            return theme.RECORD_TYPE_LABELS.get(value, value)
        return value


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


MAX_SEARCH_TERMS = 8


def search_terms(q: str) -> list[str]:
    """Words of a search, case- and accent-folded; each must match somewhere. Quotes
    and hyphens separate words; at most MAX_SEARCH_TERMS words are used (each adds a
    scan of the text)."""
    words = [w for w in re.split(r"[\s\"'“”‘’\-]+", _fold(q).strip()) if w]
    return list(dict.fromkeys(words))[:MAX_SEARCH_TERMS]


def parse_params(
    params: Mapping[str, Sequence[str]], options: FilterOptions
) -> tuple[Filters, list[str]]:
    """Filters from URL query parameters, plus a note for everything ignored."""
    notes: list[str] = []
    known = {f.param for f in FACETS} | {YEARS_PARAM, SEARCH_PARAM} | PAGE_PARAMS
    for name in params:
        if name not in known:
            notes.append(f"Ignored unknown URL parameter “{name}”.")
    chosen: dict[str, object] = {}
    for facet in FACETS:
        raw = [v for v in params.get(facet.param, []) if v != ""]
        by_label = {options.label(facet.param, code): code for code in options.choices(facet.param)}
        good = []
        for value in raw:  # labels, exactly as the sidebar widgets write and accept them
            code = by_label.get(value)
            if code is None:
                hint = next(
                    (
                        label
                        for label, c in by_label.items()
                        if _fold(value) in (_fold(label), _fold(c))
                    ),
                    None,
                )
                notes.append(
                    f"Ignored {facet.label} “{value}”: not in the data"
                    + (f" (did you mean “{hint}”?)." if hint else ".")
                )
            elif code not in good:
                good.append(code)
        chosen[facet.param] = tuple(good)
    years = list(params.get(YEARS_PARAM, []))
    if years:  # the slider takes exactly two years within the data's range, or nothing
        try:
            low, high = sorted(int(y) for y in years)
            valid = options.year_min <= low <= high <= options.year_max
        except ValueError:
            valid = False
        if not valid:
            notes.append(
                f"Ignored years “{'–'.join(years)}”: give two years between "
                f"{options.year_min} and {options.year_max}, e.g. "
                f"years={options.year_min}&years={options.year_max}."
            )
        elif (low, high) != (options.year_min, options.year_max):
            chosen["years"] = (low, high)
    q = " ".join(params.get(SEARCH_PARAM, []) or []).strip()
    if q:
        chosen["q"] = q[:200]
    return Filters(**chosen), notes


def to_params(filters: Filters, options: FilterOptions) -> dict[str, list[str]]:
    """URL query parameters for `filters` (as labels); defaults are left out."""
    params: dict[str, list[str]] = {}
    for facet in FACETS:
        values = filters.values(facet.param)
        if values:
            params[facet.param] = [options.label(facet.param, v) for v in values]
    if filters.years is not None:
        params[YEARS_PARAM] = [str(filters.years[0]), str(filters.years[1])]
    if filters.q:
        params[SEARCH_PARAM] = [filters.q]
    return params


def permalink(
    base_url: str,
    page_path: str,
    filters: Filters,
    extra: Mapping[str, str] | None = None,
    options: FilterOptions | None = None,
) -> str:
    """The one URL builder: page + filters + page parameters.

    `options` (for the labels) is needed whenever `filters` is not the default.
    """
    if options is None and not filters.is_default():
        raise ValueError("permalink needs the filter options to write labels")
    params = to_params(filters, options) if options is not None else {}
    for key, value in (extra or {}).items():
        if value not in (None, ""):
            params[key] = [str(value)]
    query = urlencode([(k, v) for k, values in params.items() for v in values])
    base = base_url.rstrip("/")
    path = page_path.strip("/")
    url = f"{base}/{path}" if path else base + "/"
    return url + (f"?{query}" if query else "")


def describe(filters: Filters, options: FilterOptions) -> list[tuple[str, str]]:
    """(filter, value) lines a reader understands — for exports and captions."""
    lines = []
    for facet in FACETS:
        values = filters.values(facet.param)
        shown = "; ".join(options.label(facet.param, v) for v in values) if values else "all"
        lines.append((facet.label, shown))
    years = filters.years or (options.year_min, options.year_max)
    lines.append(("Years", f"{years[0]}–{years[1]}" + ("" if filters.years else " (all)")))
    lines.append(("Search", filters.q or "none"))
    return lines
