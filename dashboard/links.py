"""Links: the URL is the API (as in Datasette). The one parser, the one encoder and the
one link builder.

Every filter is a query parameter named by its registry key; several values repeat it;
each value is written as its stable *code* (`?pillar=social_dialogue&region=africa
&country=BRA&topic=child-labour`), never as a display label, so a link works whatever
the interface's language and survives a renamed label. Defaults stay out of the URL.

Links that older versions wrote are rewritten by `URL_MIGRATIONS` — dated, tested, and
applied in one place (`parse`). Parsing is pure and lenient: unknown parameters and
values are dropped with a note for the user, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

from dashboard import pages
from dashboard.filters import (
    CHOICES,
    REGISTRY,
    Choice,
    FilterOptions,
    Filters,
    Search,
    YearRange,
    fold,
)
from dashboard.i18n import _
from dashboard.pages import APP_PARAMS, PAGES, PageParam, PageSpec

Params = Mapping[str, Sequence[str]]


# --- older links ----------------------------------------------------------------------


@dataclass(frozen=True)
class Migration:
    """A rewrite of links written before `since` into today's form. Each one must leave
    a link already in today's form unchanged (links carry no version number)."""

    since: str  # date of the change that made older links need it
    what: str
    apply: Callable[[dict[str, list[str]], FilterOptions], dict[str, list[str]]]


def _focus_label_to_iso3(params: dict[str, list[str]], options: FilterOptions) -> dict:
    """?country_focus=Brazil+(2+projects) (the chooser's label) → ?country_focus=BRA."""
    raw = params.get("country_focus")
    if not raw:
        return params
    value = raw[0].strip()
    names = options.labels.get("country", {})
    if value.upper() in names:
        return {**params, "country_focus": [value.upper()]}
    name = fold(re.sub(r"\s*\(\d[\d,]* projects?\)$", "", value))
    iso3 = next((code for code, label in names.items() if fold(label) == name), None)
    return {**params, "country_focus": [iso3 or value]}


def _labels_to_codes(params: dict[str, list[str]], options: FilterOptions) -> dict:
    """Filters and page choices written as their labels (what Streamlit's URL-bound
    widgets wrote) → their codes: ?pillar=Social+dialogue → ?pillar=social_dialogue,
    ?region=Africa → ?region=africa, ?measure=Starting → ?measure=starting."""
    out = dict(params)
    for entry in CHOICES:
        if entry.key not in params:
            continue
        codes = options.codes.get(entry.key, {})
        by_label = {options.english_label(entry.key, v): v for v in codes} | {v: v for v in codes}
        known = set(codes.values())
        out[entry.key] = [
            v if v in known or v not in by_label else codes[by_label[v]] for v in params[entry.key]
        ]
    for spec in PAGES:
        for param in spec.params:
            if param.choices and param.key in params:
                by_label = {label: code for code, label in param.choices.items()}
                out[param.key] = [
                    v if v in param.choices else by_label.get(v, v) for v in params[param.key]
                ]
    return out


URL_MIGRATIONS: tuple[Migration, ...] = (
    Migration("2026-11-29", "map focus country: chooser label → ISO3", _focus_label_to_iso3),
    Migration("2026-12-02", "filters and page choices: display labels → codes", _labels_to_codes),
)


def migrate(params: Params, options: FilterOptions) -> dict[str, list[str]]:
    """`params` with every migration applied, oldest first."""
    out = {key: list(values) for key, values in params.items()}
    for migration in URL_MIGRATIONS:
        out = migration.apply(out, options)
    return out


# --- parse and encode -------------------------------------------------------------------


def _parse_choice(entry: Choice, raw: list[str], options: FilterOptions, notes: list[str]):
    chosen: list[str] = []
    for code in raw:
        value = options.value_of(entry.key, code)
        if value is None:
            hint = next(
                (
                    options.label(entry.key, v)
                    for v, c in options.codes.get(entry.key, {}).items()
                    if fold(code) in (fold(c), fold(v), fold(options.label(entry.key, v)))
                ),
                None,
            )
            note = (
                _("Ignored {filter} “{value}”: not in the data (did you mean “{hint}”?).")
                if hint
                else _("Ignored {filter} “{value}”: not in the data.")
            )
            notes.append(note.format(filter=_(entry.label), value=code, hint=hint))
        elif value not in chosen:
            chosen.append(value)
    return tuple(chosen)


def _parse_years(entry: YearRange, raw: list[str], options: FilterOptions, notes: list[str]):
    try:
        low, high = sorted(int(y) for y in raw)
        valid = options.year_min <= low <= high <= options.year_max
    except ValueError:
        valid = False
    if not valid:
        notes.append(
            _(
                "Ignored years “{years}”: give two years between {first} and {last}, "
                "e.g. {example}."
            ).format(
                years="–".join(raw),
                first=options.year_min,
                last=options.year_max,
                example=f"{entry.key}={options.year_min}&{entry.key}={options.year_max}",
            )
        )
        return entry.default
    return None if (low, high) == (options.year_min, options.year_max) else (low, high)


def parse(
    params: Params, options: FilterOptions, page: PageSpec | None = None
) -> tuple[Filters, list[str]]:
    """The filters a URL asks for (after the migrations), plus a note for everything
    ignored. With `page`, a parameter that page does not declare is noted too."""
    params = migrate(params, options)
    notes: list[str] = []
    for name in unknown_params(params, page):
        notes.append(
            _("Ignored unknown URL parameter “{name}” on the {page} page.").format(
                name=name, page=_(page.title)
            )
            if page
            else _("Ignored unknown URL parameter “{name}”.").format(name=name)
        )
    for param in _own_params(page):
        value = (params.get(param.key) or [""])[0]
        if param.choices and value and value not in param.choices:
            notes.append(
                _("Ignored {name} “{value}”: use one of {choices}.").format(
                    name=param.key,
                    value=value,
                    choices=", ".join(f"{param.key}={code}" for code in param.choices),
                )
            )
    chosen: dict[str, object] = {}
    for entry in REGISTRY:
        raw = [v for v in params.get(entry.key, []) if v != ""]
        if not raw:
            continue
        if isinstance(entry, Choice):
            chosen[entry.key] = _parse_choice(entry, raw, options, notes)
        elif isinstance(entry, YearRange):
            chosen[entry.key] = _parse_years(entry, raw, options, notes)
        elif isinstance(entry, Search):
            text = " ".join(raw).strip()
            if len(text) > entry.max_chars:
                notes.append(
                    _("Search shortened to its first {n} characters.").format(n=entry.max_chars)
                )
            chosen[entry.key] = text[: entry.max_chars].strip()
    return Filters(**chosen), notes


def _own_params(page: PageSpec | None) -> tuple[PageParam, ...]:
    return (page.params if page else tuple(p for s in PAGES for p in s.params)) + APP_PARAMS


def unknown_params(params: Params, page: PageSpec | None = None) -> list[str]:
    """The parameters of a URL that are neither a filter nor one of the page's own."""
    known = {f.key for f in REGISTRY} | {p.key for p in _own_params(page)}
    return [name for name in params if name not in known]


def encode(filters: Filters, options: FilterOptions) -> dict[str, list[str]]:
    """URL query parameters for `filters` (codes); defaults are left out."""
    params: dict[str, list[str]] = {}
    for entry, value in filters.active():
        if isinstance(entry, Choice):
            params[entry.key] = [options.code(entry.key, v) for v in value]
        elif isinstance(entry, YearRange):
            params[entry.key] = [str(value[0]), str(value[1])]
        else:
            params[entry.key] = [str(value)]
    return params


def page_param_value(page: PageSpec, key: str, params: Params, options: FilterOptions) -> str:
    """A page parameter's value in a URL, after the migrations ('' when absent)."""
    values = migrate(params, options).get(page.param(key).key) or [""]
    return values[0]


# --- building links ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectLink:
    """A project's link, given its id: a value, not a closure, so a table built with it
    is keyed by the link's text and built once (dashboard/memo.py)."""

    prefix: str  # the Projects page's URL with the filters, up to "project="

    def __call__(self, project_id: str) -> str:
        return self.prefix + quote_plus(str(project_id))


@dataclass(frozen=True)
class Urls:
    """The one link builder (cf. Datasette's `Urls`): a page's URL with the current
    filters (or none) and that page's own parameters — which it must declare."""

    base: str  # "http://host:8501"
    filters: Filters
    options: FilterOptions
    lang: str | None = None  # kept in every link when the reader chose a language

    def page(self, spec: PageSpec, *, with_filters: bool = True, **params: str | None) -> str:
        declared = {p.key for p in spec.params + APP_PARAMS}
        unknown = set(params) - declared
        if unknown:
            raise ValueError(f"the {spec.title} page declares no parameter {sorted(unknown)}")
        query = encode(self.filters, self.options) if with_filters else {}
        if self.lang and "lang" not in params:
            params = {**params, "lang": self.lang}
        for key, value in params.items():
            if value not in (None, ""):
                query[key] = [str(value)]
        encoded = urlencode([(k, v) for k, values in query.items() for v in values])
        url = f"{self.base.rstrip('/')}/{spec.path}"
        return url + (f"?{encoded}" if encoded else "")

    def project(self, project_id: str, *, with_filters: bool = True) -> str:
        return self.page(pages.PROJECTS, with_filters=with_filters, project=project_id)

    def project_link(self, *, with_filters: bool = True) -> ProjectLink:
        """`project` as a function, the filters encoded once: a link for each of a
        million rows of a download (`page` encodes them again for every link)."""
        listing = self.page(pages.PROJECTS, with_filters=with_filters)
        return ProjectLink(listing + ("&" if "?" in listing else "?") + "project=")

    def exchange(self, exchange_id: str, *, with_filters: bool = True) -> str:
        return self.page(pages.EXCHANGES, with_filters=with_filters, exchange=exchange_id)
