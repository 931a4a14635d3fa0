"""The filter registry: every filter of the atlas, each defined once.

An entry says everything about its filter: its URL key, its label and description (for
the sidebar, captions and export `about` sheets), the query listing the values it can
take, and its SQL on projects and on exchanges — or `None` when it does not apply to
exchanges. The sidebar widgets, `Filters`, the WHERE clauses, captions and the
"does not apply here" notes are all generated from `REGISTRY`; adding a filter is one
entry here plus its test (see docs/architecture.md, "Adding a filter").

Three kinds, one interface (as Datasette's facets): `Choice` (any of several values),
`YearRange` (two years) and `Search` (words). Values in `Filters` are what the
warehouse stores (ISO3, pillar codes, region names, topic text); the URL carries each
value's stable *code* (see dashboard/links.py), never its display label.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, make_dataclass, replace
from typing import Any

from dashboard import i18n, theme
from dashboard.i18n import N_, _
from etl.normalise import slug  # the ETL keeps one spelling per slug

# Labels and descriptions are stored in English, marked for translation (N_), and shown
# through gettext (`_(entry.label)`). Option labels are stored in English too
# (`FilterOptions` is cached across languages); `Choice.shown` translates one for display.


def _translated(value: str, label: str) -> str:
    return _(label)


def fold(text: str) -> str:
    """Lower case without accents or other marks: how search compares text, as DuckDB's
    `strip_accents(lower(…))` folds the searched text (so "ß" stays "ß", and a vowel
    sign of Devanagari goes on both sides)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).lower()


Clause = tuple[str, list]  # an SQL condition and its parameters


@dataclass(frozen=True)
class Choice:
    """Any of several values. Each `?` in the SQL receives the list of chosen values."""

    key: str
    label: str
    description: str
    options_sql: str  # columns `value` and, optionally, `label`
    on_projects: str  # condition on `projects p`
    on_exchanges: str | None  # condition on `exchanges e`; None: does not apply
    label_of: Callable[[str], str] = str  # value → label, when options_sql gives none
    code_of: Callable[[str], str] = str  # value → URL code
    order: tuple[str, ...] = ()  # a fixed display order (values not in it follow)
    default: tuple = ()
    # (value, stored English label) → the label shown in the interface's language
    shown: Callable[[str, str], str] = lambda value, label: label

    def clauses(self, value: tuple[str, ...], on: str) -> list[Clause]:
        sql = self.on_projects if on == "projects" else self.on_exchanges
        if not value or sql is None:
            return []
        return [(sql, [list(value)] * sql.count("?"))]

    def describe(self, value: tuple[str, ...], options: FilterOptions) -> str:
        return "; ".join(options.label(self.key, v) for v in value) if value else _("all")


@dataclass(frozen=True)
class YearRange:
    """Projects active in at least one of the years; exchanges held in them."""

    key: str
    label: str
    description: str
    options_sql: str  # columns `lo` and `hi`
    on_projects: str  # pairs of `?`: first and last year (each pair)
    on_exchanges: str | None
    default: tuple[int, int] | None = None

    def clauses(self, value: tuple[int, int] | None, on: str) -> list[Clause]:
        sql = self.on_projects if on == "projects" else self.on_exchanges
        if value is None or sql is None:
            return []
        return [(sql, [int(value[0]), int(value[1])] * (sql.count("?") // 2))]

    def describe(self, value: tuple[int, int] | None, options: FilterOptions) -> str:
        low, high = value or (options.year_min, options.year_max)
        return f"{low}–{high}" + ("" if value else " " + _("(all)"))


MAX_SEARCH_TERMS = 8

# British and American spellings a researcher may type for one word. The searched text
# and the search are both rewritten to the second spelling, so "labor" finds "labour"
# and "programme" finds "program" (replacements inside words: "organisations",
# "formalisation" and "labourers" too). Applied in order, in SQL and in Python alike.
SPELLINGS: tuple[tuple[str, str], ...] = (
    ("labour", "labor"),
    ("programme", "program"),
    ("organis", "organiz"),
    ("isation", "ization"),
    ("behaviour", "behavior"),
    ("neighbour", "neighbor"),
    ("centre", "center"),
)


def canonical_spelling(folded: str) -> str:
    """`folded` text with SPELLINGS applied (as the search table's SQL does)."""
    for british, american in SPELLINGS:
        folded = folded.replace(british, american)
    return folded


def _spelling_stem(term: str) -> str:
    """A term ending in the start of a British form ("labou", "programm", "realisat")
    cut back to what both spellings share ("labo", "program", "realis"), so a word's
    start still finds it in the searched text, where the form is rewritten."""
    for british, american in SPELLINGS:
        shared = len(os.path.commonprefix([british, american]))
        for length in range(len(british) - 1, shared, -1):
            whole = term == british[:length]  # inside a word, only a long ending counts:
            if term.endswith(british[:length]) and (whole or length - shared >= 3):  # visa
                return term[: len(term) - length] + british[:shared]
    return term


def search_terms(q: str) -> list[str]:
    """Words of a search, case- and accent-folded, in one spelling (SPELLINGS); each
    must start a word somewhere. Anything but letters and digits separates words; at
    most MAX_SEARCH_TERMS words are used (each adds a scan of the text)."""
    words = [_spelling_stem(w) for w in re.split(r"[\W_]+", canonical_spelling(fold(q))) if w]
    return list(dict.fromkeys(words))[:MAX_SEARCH_TERMS]


def _word_start(term: str) -> str:
    """A LIKE pattern for `term` at the start of a word of the search table's text
    (which is its words, each after a space: see searchable_sql)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped}%"


def searchable_sql(folded_text: str) -> str:
    """SQL turning folded text into the search table's form: SPELLINGS applied, every
    run of characters other than letters and digits one space, and a space before the
    first word, so a term matching at a word's start is `LIKE '% term%'`."""
    text = folded_text
    for british, american in SPELLINGS:
        text = f"replace({text}, '{british}', '{american}')"
    return f"' ' || regexp_replace({text}, '[^\\pL\\pN]+', ' ', 'g')"


# The searched text of every record, folded once per warehouse version into an in-memory
# table (dashboard.db builds it the first time a search names it): a search then scans
# one column instead of folding every record's text again in every query.
SEARCH_TABLES = {"projects": "search_projects", "exchanges": "search_exchanges"}
# Every country's names in the interface's languages (iso3 → folded text), so that
# "Brésil" or "Marruecos" finds Brazil's and Morocco's records in any language; the
# search tables read it (dashboard.db builds a derived table before those naming it).
COUNTRY_ALIASES = "country_aliases"


def country_aliases_sql() -> str:
    """The aliases table (iso3, names) as SQL over a VALUES list (~250 rows)."""
    quoted = (
        f"('{iso3}', '{names.replace(chr(39), chr(39) * 2)}')"
        for iso3, names in sorted(i18n.country_aliases().items())
    )
    return (
        "select iso3, strip_accents(lower(names)) as names "
        f"from (values {', '.join(quoted)}) as aliases(iso3, names)"
    )


_ALIASES = f"memory.main.{COUNTRY_ALIASES}"
_RECORDS = {
    "projects": ("projects p", "p.project_no"),  # (an integer: a cheap semi-join)
    "exchanges": ("exchanges e", "e.exchange_id"),
}


@dataclass(frozen=True)
class Search:
    """Every word must start a word somewhere in the record's text (case, accents and
    British or American spellings ignored): "labor" finds "labour", never
    "collaboration"."""

    key: str
    label: str
    description: str
    on_projects: str  # the searched text of `projects p`
    on_exchanges: str | None
    max_chars: int = 100  # the search box's limit, and a link's
    default: str = ""

    def clauses(self, value: str, on: str) -> list[Clause]:
        text = self.on_projects if on == "projects" else self.on_exchanges
        terms = search_terms(value) if value else []
        if not terms or text is None:
            return []
        _, key = _RECORDS[on]
        every = " and ".join(["s.text like ? escape '\\'"] * len(terms))
        return [
            (
                f"{key} in (select s.id from memory.main.{SEARCH_TABLES[on]} s where {every})",
                [_word_start(term) for term in terms],
            )
        ]

    def index_sql(self) -> dict[str, str]:
        """The search tables (name → SQL on the warehouse): each record's id and text."""
        tables = {}
        for on, text in (("projects", self.on_projects), ("exchanges", self.on_exchanges)):
            if text is not None:
                source, key = _RECORDS[on]
                tables[SEARCH_TABLES[on]] = (
                    f"select {key} as id, {searchable_sql(text)} as text from {source}"
                )
        return tables

    def describe(self, value: str, options: FilterOptions) -> str:
        return value or _("none")


Filter = Choice | YearRange | Search


def _in_table(table: str, of: str, column: str) -> str:
    """Any row of `table` belonging to the project (of='projects') or the exchange has
    its `column` among the chosen values."""
    owner = "x.project_no = p.project_no" if of == "projects" else "x.exchange_id = e.exchange_id"
    chosen = f"list_contains(?::VARCHAR[], x.{column})"
    return f"exists (select 1 from {table} x where {owner} and {chosen})"


# The years whose activity the source does not state, per project: after a phase whose
# end it does not give (`2000-?`), up to the next phase's start (`first`..`last`). The
# year filter keeps such a project for them; queries.unstated_years counts them. Only
# the projects with such a phase are read (few, even at scale).
UNSTATED_SPANS = """
    select project_no, start_year + 1 as first, next_start - 1 as last
    from (
        select project_no, start_year, end_year, ongoing,
               lead(start_year) over (partition by project_no order by phase_no) as next_start
        from project_phases
        where project_no in (
            select project_no from project_phases where end_year is null and not ongoing
        )
    )
    where end_year is null and not ongoing and next_start - 1 >= start_year + 1"""

REGISTRY: tuple[Filter, ...] = (
    Search(
        key="q",
        label=N_("Search"),
        description=N_(
            "Finds records with every word, at the start of a word; case, accents and "
            "British or American spelling (labour, labor) are ignored."
        ),
        on_projects=(
            "strip_accents(lower(concat_ws(' ', p.title, p.summary, p.beneficiaries, "
            "p.outcomes, p.countries, (select string_agg(pp.partner, ' ') from "
            "project_partners pp where pp.project_no = p.project_no))))"
            # the countries' names in French and Spanish (already folded)
            f" || ' ' || coalesce((select string_agg(ca.names, ' ') from project_countries pc "
            f"join {_ALIASES} ca using (iso3) where pc.project_no = p.project_no), '')"
        ),
        on_exchanges=(
            "strip_accents(lower(concat_ws(' ', e.title, e.summary, e.outcome, e.host_city, "
            "e.host_country, e.organisers, (select string_agg(concat_ws(' ', ep.city, "
            "ep.country), ' ') from exchange_participants ep "
            "where ep.exchange_id = e.exchange_id))))"
            f" || ' ' || coalesce((select string_agg(ca.names, ' ') from {_ALIASES} ca "
            "where ca.iso3 = e.host_iso3 or ca.iso3 in (select ep.iso3 from "
            "exchange_participants ep where ep.exchange_id = e.exchange_id)), '')"
        ),
    ),
    Choice(
        key="region",
        label=N_("ILO region"),
        description=N_(
            "Projects with a country in the region (or filed under it); exchanges hosted "
            "there or with a participant from there."
        ),
        options_sql=(  # the regions of projects and of exchanges (hosts, participants)
            "select region as value from project_countries union select region from projects "
            "union select host_region from exchanges union select region from "
            "exchange_participants"
        ),
        # A project matches a region through any of its countries (or its own region,
        # for a programme without countries); an exchange through its host or any
        # participant.
        on_projects=(
            "(list_contains(?::VARCHAR[], p.region) or "
            + _in_table("project_countries", "projects", "region")
            + ")"
        ),
        on_exchanges=(
            "(list_contains(?::VARCHAR[], e.host_region) or "
            + _in_table("exchange_participants", "exchanges", "region")
            + ")"
        ),
        code_of=lambda region: theme.REGION_CODES.get(region) or slug(region),
        order=theme.REGION_ORDER,
        shown=lambda region, label: theme.region_label(region),
    ),
    Choice(
        key="country",
        label=N_("Country"),
        description=N_(
            "Projects in any of these countries; exchanges hosted in or joined from them."
        ),
        options_sql=(
            "select distinct iso3 as value, country as label from (select iso3, country from "
            "project_countries union all select host_iso3, host_country from exchanges "
            "union all select iso3, country from exchange_participants) order by country"
        ),
        on_projects=_in_table("project_countries", "projects", "iso3"),
        on_exchanges=(
            "(list_contains(?::VARCHAR[], e.host_iso3) or "
            + _in_table("exchange_participants", "exchanges", "iso3")
            + ")"
        ),
        shown=i18n.country_name,
    ),
    Choice(
        key="pillar",
        label=N_("Decent Work pillar"),
        description=N_("The pillar the publication files the project under."),
        options_sql="select distinct pillar as value from projects",
        on_projects="list_contains(?::VARCHAR[], p.pillar)",
        on_exchanges=None,
        label_of=theme.PILLAR_LABELS.english,
        order=theme.PILLAR_ORDER,
        shown=_translated,
    ),
    Choice(
        key="topic",
        label=N_("Topic"),
        description=N_("Projects and exchanges with any of these topics."),
        options_sql=(  # the topics of projects and of exchanges
            "select topic as value from project_topics union select topic from exchange_topics "
            "order by 1"
        ),
        on_projects=_in_table("project_topics", "projects", "topic"),
        on_exchanges=_in_table("exchange_topics", "exchanges", "topic"),
        code_of=slug,
    ),
    Choice(
        key="group",
        label=N_("Beneficiary group"),
        description=N_("Projects naming any of these beneficiary groups."),
        options_sql=(
            "select distinct beneficiary_group as value from project_beneficiaries order by 1"
        ),
        on_projects=_in_table("project_beneficiaries", "projects", "beneficiary_group"),
        on_exchanges=None,
        code_of=slug,
    ),
    Choice(
        key="partner_type",
        label=N_("Partner type"),
        description=N_("Projects with a partner of any of these types, as the source names it."),
        options_sql="select distinct partner_type as value from project_partners",
        on_projects=_in_table("project_partners", "projects", "partner_type"),
        on_exchanges=None,
        label_of=theme.PARTNER_TYPE_LABELS.english,
        order=tuple(theme.PARTNER_TYPE_LABELS),
        shown=_translated,
    ),
    Choice(
        key="status",
        label=N_("Status"),
        description=N_(
            "Ongoing in the year the source describes (2015 for the publication), completed "
            "by then, or end year not reported."
        ),
        options_sql="select distinct status as value from projects",
        on_projects="list_contains(?::VARCHAR[], p.status)",
        on_exchanges=None,
        label_of=theme.STATUS_LABELS.english,
        order=tuple(theme.STATUS_LABELS),
        shown=_translated,
    ),
    Choice(
        key="type",
        label=N_("Record type"),
        description=N_("Projects, or programmes described in the publication's boxes."),
        options_sql="select distinct record_type as value from projects order by 1",
        on_projects="list_contains(?::VARCHAR[], p.record_type)",
        on_exchanges=None,
        label_of=theme.RECORD_TYPE_LABELS.english,
        shown=_translated,
    ),
    YearRange(
        key="years",
        label=N_("Years active"),
        description=N_("Projects active in at least one of these years; exchanges held in them."),
        options_sql=(
            "select min(y) as lo, max(y) as hi from (select year as y from project_years "
            "union all select year from exchanges)"
        ),
        # active in a year of the range, or in a year whose activity the source does not
        # state (after a phase whose end it does not give, before the next phase): such
        # a project is not known to be inactive then (queries.unstated_years)
        on_projects=(
            "(exists (select 1 from project_years y where y.project_no = p.project_no "
            "and y.year between ? and ?) "
            f"or exists (select 1 from ({UNSTATED_SPANS}) u where u.project_no = p.project_no "
            "and u.last >= ? and u.first <= ?))"
        ),
        on_exchanges="e.year between ? and ?",
    ),
)
BY_KEY: dict[str, Filter] = {f.key: f for f in REGISTRY}
CHOICES: tuple[Choice, ...] = tuple(f for f in REGISTRY if isinstance(f, Choice))


def search_tables() -> dict[str, str]:
    """The in-memory tables the registry's searches read (name → SQL), each after the
    tables it reads."""
    return {COUNTRY_ALIASES: country_aliases_sql()} | {
        name: sql for f in REGISTRY if isinstance(f, Search) for name, sql in f.index_sql().items()
    }


def _is_default(self) -> bool:
    return self == type(self)()


def _values(self, key: str) -> Any:
    return getattr(self, key)


def _changed(self, **changes: Any) -> Filters:
    return replace(self, **changes)


def _active(self) -> list[tuple[Filter, Any]]:
    """The filters set away from their default, in registry order."""
    return [(f, getattr(self, f.key)) for f in REGISTRY if getattr(self, f.key) != f.default]


# What the user has chosen: one field per registry entry, named by its URL key, whose
# default means "no restriction". Generated, so a new entry needs no edit here.
Filters = make_dataclass(
    "Filters",
    [(f.key, Any, field(default=f.default)) for f in REGISTRY],
    frozen=True,
    namespace={
        "__doc__": "What the user has chosen (warehouse values); defaults = no restriction.",
        "is_default": _is_default,
        "values": _values,
        "replace": _changed,
        "active": _active,
    },
)
Filters.__module__ = __name__


@dataclass(frozen=True)
class FilterOptions:
    """The values each choice filter can take in this warehouse, with labels and codes."""

    choices: Mapping[str, tuple[str, ...]]  # key → values, in display order
    labels: Mapping[str, Mapping[str, str]]  # key → value → label
    codes: Mapping[str, Mapping[str, str]]  # key → value → URL code
    year_min: int
    year_max: int
    # (key, language) → shown_choices: the sidebar asks on every run (issue 13)
    _shown: dict = field(default_factory=dict, compare=False, repr=False)

    def values(self, key: str) -> tuple[str, ...]:
        return self.choices.get(key, ())

    def shown_choices(self, key: str) -> tuple[tuple[str, ...], Mapping[str, str]]:
        """A choice filter's values as its widget lists them — in the registry's order,
        or alphabetical in the interface's language ("Équateur" after E) — and their
        labels in that language; worked out once per language."""
        known = self._shown.get((key, i18n.language()))
        if known is None:
            labels = {value: self.label(key, value) for value in self.values(key)}
            values = list(self.values(key))
            entry = BY_KEY.get(key)
            if isinstance(entry, Choice) and not entry.order:
                values.sort(key=lambda value: fold(labels[value]))
            known = self._shown[(key, i18n.language())] = (tuple(values), labels)
        return known

    def label(self, key: str, value: str) -> str:
        """A value's label in the interface's language."""
        entry = BY_KEY.get(key)
        stored = self.english_label(key, value)
        return entry.shown(value, stored) if isinstance(entry, Choice) else stored

    def english_label(self, key: str, value: str) -> str:
        """A value's stored label (English; what older links wrote)."""
        return self.labels.get(key, {}).get(value, value)

    def code(self, key: str, value: str) -> str:
        return self.codes.get(key, {}).get(value, value)

    def value_of(self, key: str, code: str) -> str | None:
        """The value a URL code stands for (in any case: `bra`, `AFRICA`), or None."""
        codes = self.codes.get(key, {})
        for value, known in codes.items():
            if known == code:
                return value
        folded = [value for value, known in codes.items() if known.casefold() == code.casefold()]
        return folded[0] if len(folded) == 1 else None


def choice_options(
    entry: Choice, rows: Sequence[tuple[str, str | None]]
) -> tuple[tuple[str, ...], dict[str, str], dict[str, str]]:
    """(values in order, labels, codes) of one choice filter from its options query.

    The ETL keeps one spelling per slug, so topic and group codes are stable. Should two
    values still share a code (a warehouse built otherwise), the later ones in value
    order get '-2', '-3', so that every code names one value.
    """
    labels = {value: (label or entry.label_of(value)) for value, label in rows if value}
    values = list(labels)
    if entry.order:
        rank = {v: i for i, v in enumerate(entry.order)}
        values.sort(key=lambda v: (rank.get(v, len(rank)), v))
    codes: dict[str, str] = {}
    taken: set[str] = set()
    for value in sorted(values):
        base = entry.code_of(value)
        code, n = base, 1
        while code in taken:
            n += 1
            code = f"{base}-{n}"
        codes[value] = code
        taken.add(code)
    return tuple(values), labels, codes


def where(filters: Filters, on: str) -> tuple[str, list]:
    """SQL condition on `projects p` (on='projects') or `exchanges e` (on='exchanges'):
    AND across filters, OR within one. Filters that do not apply are left out."""
    sql: list[str] = []
    params: list = []
    for entry in REGISTRY:
        for clause, values in entry.clauses(filters.values(entry.key), on):
            sql.append(clause)
            params.extend(values)
    return (" and ".join(sql) or "true"), params


def not_applying(filters: Filters, on: str = "exchanges") -> list[Filter]:
    """The chosen filters that do not narrow `on` (exchanges have no pillar, …)."""
    return [f for f, _ in filters.active() if getattr(f, f"on_{on}") is None]


def applying_to(on: str = "exchanges") -> list[Filter]:
    return [f for f in REGISTRY if getattr(f, f"on_{on}") is not None]


def describe(filters: Filters, options: FilterOptions) -> list[tuple[str, str, str]]:
    """(filter, value, what the filter means) lines a reader understands, in the
    interface's language — for captions and the `about` sheet of exports."""
    return [
        (_(f.label), f.describe(filters.values(f.key), options), _(f.description)) for f in REGISTRY
    ]


def filters_sentence(
    filters: Filters, lines: list[tuple[str, str, str]], shown: Callable[[str], str] = str
) -> str:
    """'Filtered by ILO region: Africa · Years active: 2000–2005' from `describe`
    lines, or what 'no filter' means. `shown` makes each value safe where the text goes."""
    if filters.is_default():
        return _("Everything in the catalogue (no filters)")
    active_labels = {_(entry.label) for entry, _value in filters.active()}
    active = [
        _("{filter}: {value}").format(filter=label, value=shown(value))
        for label, value, _meaning in lines
        if label in active_labels
    ]
    return _("Filtered by {filters}").format(filters=" · ".join(active))
