"""Check every cell of a catalogue and turn it into clean records.

`validate(sheets)` returns (Catalogue, Report). The catalogue holds typed, normalised
records; the report holds every problem, each with file, sheet, row, column, value
and a suggestion where one exists. Nothing here writes anything.

The two sheets that grow with an inventory (projects, localities) are checked a column
at a time (`etl.columns`): each distinct value is parsed once, and only the rows with
a problem are visited one by one. The small sheets (exchanges, participants, reported
figures, about) are checked record by record with `_RowChecker`. Either way the
problems come out in reading order: by sheet, row, then column as documented.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import vocab
from etl.columns import (
    Checks,
    Distinct,
    Found,
    IdSuggester,
    frame,
    kept_text,
    normalised_text,
    parsed,
)
from etl.countries import country_region, resolve_country
from etl.normalise import (
    _SLUG,
    BadValue,
    Phase,
    fold,
    parse_choice,
    parse_coordinate,
    parse_counts,
    parse_end_year,
    parse_http_url,
    parse_number,
    parse_partial_date,
    parse_partner,
    parse_phases,
    parse_pillar,
    parse_region,
    parse_slug,
    parse_year,
    split_multi,
    suggest,
)
from etl.problems import Report
from etl.reading import RawSheet


@dataclass
class Catalogue:
    """Validated, normalised records: a table per large sheet, lists for the small."""

    project_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    # per project, in project_table's order: the list-valued fields, each distinct value
    # once (countries, topics, beneficiaries = (groups, counts), partners, years =
    # (start, end, ongoing, phases))
    project_lists: dict[str, Distinct] = field(default_factory=dict)
    locality_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    exchanges: list[dict[str, Any]] = field(default_factory=list)
    participants: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    about: dict[str, str] = field(default_factory=dict)
    # Ids present in the input, valid or not: references to a row that has its own
    # problem are not reported a second time.
    ids_seen: dict[str, set[str]] = field(default_factory=dict)

    @property
    def projects(self) -> list[dict[str, Any]]:
        """One dict per project (for small catalogues and tests; the ETL uses the table)."""
        records = self.project_table.to_dict("records")
        if not records:
            return []
        lists = {name: d.per_record() for name, d in self.project_lists.items()}
        for index, record in enumerate(records):
            groups, counts = lists["beneficiaries"][index]
            record.update(
                countries=list(lists["countries"][index]),
                topics=list(lists["topics"][index]),
                beneficiary_groups=list(groups),
                counts=list(counts),
                partners=list(lists["partners"][index]),
                phases=list(lists["years"][index][3]),
            )
        return records

    @property
    def localities(self) -> list[dict[str, Any]]:
        return self.locality_table.to_dict("records")


class _RowChecker:
    """Parses the cells of one row, recording each failure with its location."""

    def __init__(self, sheet: RawSheet, row: int, values: dict[str, str], report: Report):
        self.sheet, self.row, self.values, self.report = sheet, row, values, report
        self.failed = False

    def text(self, column: str) -> str:
        return " ".join(self.values.get(column, "").split()) if column in self.values else ""

    def long_text(self, column: str) -> str | None:
        return self.values.get(column, "").strip() or None

    def problem(self, column: str | None, message: str, suggestion: str | None = None) -> None:
        self.failed = True
        self.report.add(
            self.sheet.where.problem(
                message,
                row=self.row,
                column=column,
                value=self.values.get(column, "") if column else None,
                suggestion=suggestion,
            )
        )

    def parse(self, column: str, parser: Callable[[str], Any], *, required: bool = False) -> Any:
        raw = self.values.get(column, "")
        if required and not raw.strip():
            self.problem(column, "required value is empty")
            return None
        try:
            return parser(raw)
        except BadValue as exc:
            self.problem(column, exc.message, exc.suggestion)
            return None

    def coordinates(self, lat_col: str, lon_col: str) -> tuple[float | None, float | None]:
        lat = self.parse(lat_col, lambda v: parse_coordinate(v, 90))
        lon = self.parse(lon_col, lambda v: parse_coordinate(v, 180))
        if (lat is None) != (lon is None) and not self.failed:
            missing = lat_col if lat is None else lon_col
            self.problem(missing, "give both latitude and longitude, or neither")
        return lat, lon


def _better_country_hint(name: str, exc: BadValue) -> BadValue:
    """Say so when a 'country' is a region, or a list separated by commas."""
    try:
        region = parse_region(name)
    except BadValue:
        region = None
    if region is not None:
        return BadValue(
            "is a region, not a country", f"list the countries, or put '{region}' in 'region'"
        )
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) > 1:
        try:
            for part in parts:
                resolve_country(part)
        except BadValue:
            return exc
        return BadValue("several countries in one value", "separate them with ';', not ','")
    return exc


def _rows(sheet: RawSheet | None, report: Report):
    if sheet is None:
        return
    for row, values in sheet.rows:
        yield _RowChecker(sheet, row, values, report)


def _unique(checker: _RowChecker, column: str, seen: dict[str, int], value: str | None) -> None:
    if value is None:
        return
    if value in seen:
        checker.problem(column, f"duplicate id (first used on row {seen[value]})")
    else:
        seen[value] = checker.row


def _years(start_cell: str, end_cell: str, phases_cell: str) -> tuple[tuple, list[Found]]:
    """(start_year, end_year, ongoing, phases) of one combination of the three cells."""
    found: list[Found] = []

    def parse(column: str, parser, cell: str):
        try:
            return parser(cell)
        except BadValue as exc:
            found.append(Found(column, exc.message, exc.suggestion))
            return None

    start = parse("start_year", parse_year, start_cell)
    end, ongoing = parse("end_year", parse_end_year, end_cell) or (None, False)
    phases: list[Phase] = parse("phases", parse_phases, phases_cell) or []
    if start is not None and end is not None and end < start:
        found.append(Found("end_year", f"ends before it starts ({start})", "check the two years"))
    if phases:
        first, last = phases[0], phases[-1]
        if start is None:
            start = first.start_year
        elif start != first.start_year:
            found.append(
                Found("phases", f"first phase starts in {first.start_year}, start_year is {start}")
            )
        if end is None and not ongoing:
            end, ongoing = last.end_year, last.ongoing
        elif (end, ongoing) != (last.end_year, last.ongoing):
            found.append(Found("phases", "last phase does not end with end_year"))
    elif end is not None and start is None and not start_cell.strip():
        found.append(Found("start_year", "end_year is given without start_year"))
    return (start, end, ongoing, tuple(phases)), found


def _geography(countries_cell: str, region_cell: str) -> tuple[tuple, list[Found]]:
    """(ISO3 codes, region, whether neither is named) of one combination of cells."""
    if not region_cell:
        plain = _plain_geography(countries_cell)
        if plain is not None:
            return plain, []
    found: list[Found] = []
    codes = []
    names = split_multi(countries_cell)
    for name in names:
        try:
            codes.append(resolve_country(name))
        except BadValue as exc:
            exc = _better_country_hint(name, exc)
            message = f"{name}: {exc.message}" if len(names) > 1 else exc.message
            found.append(Found("countries", message, exc.suggestion))
    codes = list(dict.fromkeys(codes))
    region = None
    try:
        region = parse_region(region_cell)
    except BadValue as exc:
        found.append(Found("region", exc.message, exc.suggestion))
    neither = not codes and region is None and not found
    without_region = [iso3 for iso3 in codes if country_region(iso3) is None]
    if without_region:
        found.append(
            Found(
                "countries",
                f"{', '.join(without_region)} belongs to no ILO region",
                "check the country; territories such as Antarctica are not in ILO regions",
            )
        )
    elif codes:
        regions = {country_region(iso3) for iso3 in codes}
        derived = regions.pop() if len(regions) == 1 else vocab.MULTI_REGION
        if region is not None and region != derived:
            found.append(Found("region", f"the countries are in {derived}", "leave region empty"))
        region = derived
    return (tuple(codes), region, neither), found


# A part of a countries cell as written (between semicolons) → its name's fold key and
# (ISO3, ILO region) when it names a country in a region (None otherwise), or None for a
# blank part. A 1M inventory has a few hundred such parts in 200,000 distinct lists.
_PARTS: dict[str, tuple[str, tuple[str, str] | None] | None] = {}
_MAX_PARTS = 100_000


def _part(part: str) -> tuple[str, tuple[str, str] | None] | None:
    name = " ".join(part.split())
    if not name:
        return None
    try:
        iso3 = resolve_country(name)
    except BadValue:
        return name.casefold(), None
    region = country_region(iso3)
    return name.casefold(), ((iso3, region) if region else None)


def _plain_geography(cell: str) -> tuple | None:
    """`_geography` of a countries cell with no region cell, when every name in it is a
    country in an ILO region (the usual case): what the general path gives, without its
    problem bookkeeping. None for anything else, which the general path then reports."""
    if "\n" in cell or "\r" in cell:
        return None
    codes: dict[str, None] = {}
    regions = set()
    seen = set()
    for part in cell.split(";"):
        if part not in _PARTS:
            if len(_PARTS) >= _MAX_PARTS:  # a catalogue of endless misspellings
                _PARTS.clear()
            _PARTS[part] = _part(part)
        entry = _PARTS[part]
        if entry is None or entry[0] in seen:  # blank, or a repeat: split_multi drops them
            continue
        key, hit = entry
        if hit is None:
            return None
        seen.add(key)
        codes[hit[0]] = None
        regions.add(hit[1])
    if not codes:
        return (), None, True
    return tuple(codes), regions.pop() if len(regions) == 1 else vocab.MULTI_REGION, False


def _beneficiaries(groups_cell: str, counts_cell: str) -> tuple[tuple, list[Found]]:
    groups = split_multi(groups_cell)
    try:
        return (tuple(groups), tuple(parse_counts(counts_cell, groups))), []
    except BadValue as exc:
        return (tuple(groups), ()), [Found("beneficiaries_count", exc.message, exc.suggestion)]


def _partners(cell: str) -> tuple[tuple, list[Found]]:
    partners, found = [], []
    for item in split_multi(cell):
        try:
            partners.append(parse_partner(item))
        except BadValue as exc:
            found.append(Found("partners", f"{item}: {exc.message}", exc.suggestion))
    return tuple(partners), found


def _duplicates(c: Checks, column: str, ids: np.ndarray) -> None:
    """'duplicate id (first used on row N)' on every repeat of a valid id."""
    c.step()
    valid = np.flatnonzero(pd.notna(ids))
    repeated = pd.Series(ids[valid], dtype=object).duplicated(keep="first").to_numpy()
    if repeated.any():
        first_row = dict(zip(ids[valid][~repeated], c.rows[valid][~repeated], strict=True))
        for position in valid[repeated]:
            first = first_row[ids[position]]
            c.add([position], Found(column, f"duplicate id (first used on row {first})"))


def _required_text(c: Checks, column: str, message: str = "required value is empty") -> np.ndarray:
    """The column with white space runs collapsed; a problem where it is empty."""
    text = normalised_text(c, column)
    c.step()
    c.add(np.flatnonzero(text == ""), Found(column, message))
    return text


def _optional(cells: np.ndarray) -> np.ndarray:
    """Empty cells as None (reading has already stripped every cell)."""
    out = cells.copy()
    out[cells == ""] = None
    return out


SLUG = _SLUG.pattern  # parse_slug's rule, checked by Arrow (RE2 reads it the same way)


def _projects(sheet: RawSheet | None, report: Report, catalogue: Catalogue) -> None:
    if sheet is None:
        return
    c = Checks(sheet)
    ids = c.matching("project_id", SLUG, parsed(parse_slug, "project_id", required=True))
    _duplicates(c, "project_id", ids)
    catalogue.ids_seen.setdefault("projects", set()).update(normalised_text(c, "project_id"))
    _required_text(c, "title")
    record_types = c.distinct(
        ["record_type"],
        parsed(lambda v: parse_choice(v, vocab.RECORD_TYPES, default="project"), "record_type"),
    )
    geography = c.distinct(["countries", "region"], _geography)
    c.step()
    c.add(
        np.flatnonzero(geography.field(2) & ~c.failed),
        Found("countries", "give the countries, or the ILO region when none are named"),
    )
    beneficiaries = c.distinct(["beneficiary_groups", "beneficiaries_count"], _beneficiaries)
    partners = c.distinct(["partners"], _partners)
    pillars = c.distinct(["pillar"], parsed(parse_pillar, "pillar", required=True))
    urls = c.distinct(["source_url"], parsed(parse_http_url, "source_url"))
    years = c.distinct(["start_year", "end_year", "phases"], _years)
    source_refs = normalised_text(c, "source_ref")
    c.step()
    c.add(
        np.flatnonzero(source_refs == ""),
        Found("source_ref", "every record must say where in the source it comes from"),
    )
    c.report_to(report)
    ok = ~c.failed
    topics = c.distinct(["topics"], lambda v: (tuple(t.lower() for t in split_multi(v)), []))
    kept = years.where(ok)
    catalogue.project_table = pd.DataFrame(
        {
            "project_id": kept_text(c, "project_id", ok),
            "title": kept_text(c, "title", ok, normalise=True),
            "record_type": record_types.where(ok).arrow(pa.string()),
            "region": geography.where(ok).derive(lambda g: g[1]).arrow(pa.string()),
            "pillar": pillars.where(ok).arrow(pa.string()),
            **{
                column: kept_text(c, column, ok)
                for column in ("beneficiaries", "summary", "outcomes", "replication")
            },
            "source_ref": kept_text(c, "source_ref", ok, normalise=True),
            "source_url": urls.where(ok).arrow(pa.string()),
            "notes": kept_text(c, "notes", ok),
            "row": c.rows[ok],
            "start_year": kept.derive(lambda y: y[0]).arrow(pa.int64()),
            "end_year": kept.derive(lambda y: y[1]).arrow(pa.int64()),
            "ongoing": kept.derive(lambda y: y[2]).arrow(pa.bool_()),
        }
    )
    catalogue.project_lists = {
        "countries": geography.derive(lambda g: g[0]).where(ok),
        "topics": topics.where(ok),
        "beneficiaries": beneficiaries.where(ok),
        "partners": partners.where(ok),
        "years": years.where(ok),
    }


def _localities(sheet: RawSheet | None, report: Report, catalogue: Catalogue) -> None:
    if sheet is None:
        return
    c = Checks(sheet)
    known = catalogue.ids_seen.get("projects", set())
    project_ids = normalised_text(c, "project_id")
    c.step()
    unknown = np.flatnonzero([pid not in known for pid in project_ids])
    hint = IdSuggester(known)
    c.add_each(
        unknown,
        [
            Found(
                "project_id",
                "no project with this id in projects",
                f"did you mean '{h}'?" if (h := hint(project_ids[p])) else None,
            )
            for p in unknown
        ],
    )
    iso3 = c.distinct(["iso3"], parsed(resolve_country, "iso3", required=True)).per_record()
    names = _required_text(c, "name")
    _in_project_countries(c, project_ids, iso3, catalogue)
    lat = _coordinate(c, "lat", 90)
    lon = _coordinate(c, "lon", 180)
    c.step()
    one_missing = np.isnan(lat) != np.isnan(lon)
    for position in np.flatnonzero(one_missing & ~c.failed):
        missing = "lat" if np.isnan(lat[position]) else "lon"
        c.add([position], Found(missing, "give both latitude and longitude, or neither"))
    admin_levels = c.distinct(
        ["admin_level"], parsed(lambda v: parse_choice(v, vocab.ADMIN_LEVELS), "admin_level")
    )
    c.report_to(report)
    ok = ~c.failed
    catalogue.locality_table = frame(
        {
            "project_id": project_ids[ok],
            "name": names[ok],
            "iso3": iso3[ok],
            "admin_level": admin_levels.per_record()[ok],
            "lat": lat[ok],
            "lon": lon[ok],
            "geonames_id": _optional(normalised_text(c, "geonames_id"))[ok],
            "coord_note": _optional(normalised_text(c, "coord_note"))[ok],
            "notes": _optional(c.cells("notes"))[ok],
        }
    )


def _in_project_countries(
    c: Checks, project_ids: np.ndarray, iso3: np.ndarray, catalogue: Catalogue
) -> None:
    """A locality lies in one of its (valid) project's countries, when it names any:
    checked once per distinct (project's country list, ISO3) pair."""
    c.step()
    if catalogue.project_table.empty:
        return
    countries = catalogue.project_lists["countries"]
    at = pd.Index(catalogue.project_table["project_id"].to_numpy(dtype=object)).get_indexer(
        project_ids
    )
    iso_codes, isos = pd.factorize(pd.Series(iso3, dtype=object))
    known = np.flatnonzero((at >= 0) & (iso_codes >= 0))
    pairs = countries.codes[at[known]] * (len(isos) + 1) + iso_codes[known]
    distinct, first = np.unique(pairs, return_index=True)
    outside = set()
    for pair, position in zip(distinct, known[first], strict=True):
        named = countries.values[countries.codes[at[position]]]
        if named and iso3[position] not in named:
            outside.add(pair)
    for position in known[np.isin(pairs, list(outside))]:
        code, named = iso3[position], countries.values[countries.codes[at[position]]]
        c.add(
            [position],
            Found(
                "iso3",
                f"{code} is not among the project's countries ({', '.join(named)})",
                f"add {code} to the project's countries or correct the locality",
            ),
        )


_PLAIN_DECIMAL = r"^-?[0-9]{1,3}(\.[0-9]{1,20})?$"


def _coordinate(c: Checks, column: str, limit: float) -> np.ndarray:
    """Decimal degrees (NaN when empty or wrong): plain decimals within ±limit are read
    by Arrow in one pass; every other distinct value goes through `parse_coordinate`."""
    values = np.full(len(c), np.nan)
    if column not in c.frame:
        c.step()
        return values
    arrow = pa.array(c.frame[column].array)
    plain = pc.match_substring_regex(arrow, _PLAIN_DECIMAL).to_numpy(zero_copy_only=False)
    numbers = pc.cast(pc.if_else(pa.array(plain), arrow, "0"), pa.float64()).to_numpy()
    plain &= np.abs(numbers) <= limit
    values[plain] = numbers[plain]
    rest = np.flatnonzero(~plain & (c.cells(column) != ""))
    c.step()
    parse = parsed(lambda v: parse_coordinate(v, limit), column)
    cells = c.cells(column)
    for position in rest:
        value, found = parse(cells[position])
        if found:
            c.add([position], found[0])
        elif value is not None:
            values[position] = value
    return values


def _exchanges(sheet: RawSheet | None, report: Report, catalogue: Catalogue) -> None:
    seen: dict[str, int] = {}
    follows: list[tuple[_RowChecker, str]] = []
    for c in _rows(sheet, report):
        exchange_id = c.parse("exchange_id", parse_slug, required=True)
        _unique(c, "exchange_id", seen, exchange_id)
        catalogue.ids_seen.setdefault("exchanges", set()).add(c.text("exchange_id"))
        start = c.parse("start_date", parse_partial_date)
        end = c.parse("end_date", parse_partial_date)
        if start and end and end.last_day < start.first_day:
            c.problem("end_date", f"ends before it starts ({start.text})")
        if end and not start and not c.values.get("start_date", "").strip():
            c.problem("start_date", "end_date is given without start_date", "fill start_date")
        host_lat, host_lon = c.coordinates("host_lat", "host_lon")
        outcome_types = []
        for item in split_multi(c.values.get("outcome_types", "")):
            try:
                outcome_types.append(parse_choice(item, vocab.OUTCOME_TYPES))
            except BadValue as exc:
                c.problem("outcome_types", f"{item}: {exc.message}", exc.suggestion)
        for column in ("title", "host_city", "source_ref"):
            if not c.text(column):
                c.problem(column, "required value is empty")
        if c.text("follows"):
            follows.append((c, c.text("follows")))
        record = {
            "exchange_id": exchange_id,
            "title": c.text("title"),
            "host_city": c.text("host_city"),
            "host_iso3": c.parse("host_iso3", resolve_country, required=True),
            "host_lat": host_lat,
            "host_lon": host_lon,
            "start": start,
            "end": end,
            "kind": c.parse("kind", lambda v: parse_choice(v, vocab.EXCHANGE_KINDS), required=True),
            "status": c.parse(
                "status", lambda v: parse_choice(v, vocab.EXCHANGE_STATUSES), required=True
            ),
            "follows": c.text("follows") or None,
            "organisers": split_multi(c.values.get("organisers", "")),
            "topics": [t.lower() for t in split_multi(c.values.get("topics", ""))],
            "summary": c.long_text("summary"),
            "outcome": c.long_text("outcome"),
            "outcome_types": outcome_types,
            "source_ref": c.text("source_ref"),
            "source_url": c.parse("source_url", parse_http_url),
            "notes": c.long_text("notes"),
        }
        if not c.failed:
            catalogue.exchanges.append(record)
    for c, target in follows:
        if target not in seen:
            hint = suggest(target, seen)
            c.problem(
                "follows", "no exchange with this id", f"did you mean '{hint}'?" if hint else None
            )


def _participants(sheet: RawSheet | None, report: Report, catalogue: Catalogue) -> None:
    exchanges = catalogue.ids_seen.get("exchanges", set())
    for c in _rows(sheet, report):
        exchange_id = c.text("exchange_id")
        if exchange_id not in catalogue.ids_seen.get("exchanges", set()):
            hint = suggest(exchange_id, exchanges)
            c.problem(
                "exchange_id",
                "no exchange with this id in exchanges",
                f"did you mean '{hint}'?" if hint else None,
            )
        lat, lon = c.coordinates("lat", "lon")
        record = {
            "exchange_id": exchange_id,
            "iso3": c.parse("iso3", resolve_country, required=True),
            "city": c.text("city") or None,
            "role": c.parse(
                "role", lambda v: parse_choice(v, vocab.PARTICIPANT_ROLES), required=True
            ),
            "lat": lat,
            "lon": lon,
            "geonames_id": c.text("geonames_id") or None,
            "notes": c.long_text("notes"),
        }
        if not c.failed:
            catalogue.participants.append(record)


def _parse_dimension(text: str) -> str:
    value = " ".join((text or "").split())
    if not value or fold(value) == "total":
        return "total"
    kind, sep, rest = value.partition(":")
    kind = kind.strip().lower()
    if sep and kind == "region":
        region = parse_region(rest)
        if region is None:
            raise BadValue("region is empty", "write 'region:<ILO region>'")
        return "region:" + region
    if sep and kind == "year":
        return f"year:{parse_year(rest.strip())}"
    raise BadValue("unknown dimension", "write 'total', 'region:<ILO region>' or 'year:<YYYY>'")


def _figures(sheet: RawSheet | None, report: Report, catalogue: Catalogue) -> None:
    seen: dict[str, int] = {}
    for c in _rows(sheet, report):
        figure_id = c.parse("figure_id", parse_slug, required=True)
        _unique(c, "figure_id", seen, figure_id)
        for column in ("metric", "unit", "source_ref"):
            if not c.text(column):
                c.problem(column, "required value is empty")
        record = {
            "figure_id": figure_id,
            "metric": c.text("metric"),
            "dimension": c.parse("dimension", _parse_dimension),
            "dimension_label": c.text("dimension_label") or None,
            "value": c.parse("value", parse_number, required=True),
            "qualifier": c.parse(
                "qualifier",
                lambda v: parse_choice(v, vocab.FIGURE_QUALIFIERS),
            ),
            "unit": c.text("unit"),
            "period": c.text("period") or None,
            "source_ref": c.text("source_ref"),
            "notes": c.long_text("notes"),
        }
        if not c.failed:
            catalogue.figures.append(record)


def _about(sheet: RawSheet | None, report: Report, catalogue: Catalogue) -> None:
    for c in _rows(sheet, report):
        key = c.text("key")
        if not key:
            c.problem("key", "required value is empty")
            continue
        if not c.text("value"):
            c.problem("value", "required value is empty")
            continue
        if key == "as_of_year":
            year = c.parse("value", parse_year)
            if year is not None:
                catalogue.about[key] = str(year)
            continue
        catalogue.about[key] = c.text("value")


def validate(sheets: dict[str, RawSheet], report: Report) -> Catalogue:
    """Validate all sheets in dependency order; problems are added to `report`."""
    catalogue = Catalogue()
    _projects(sheets.get("projects"), report, catalogue)
    _localities(sheets.get("localities"), report, catalogue)
    _exchanges(sheets.get("exchanges"), report, catalogue)
    _participants(sheets.get("exchange_participants"), report, catalogue)
    _figures(sheets.get("reported_figures"), report, catalogue)
    _about(sheets.get("about"), report, catalogue)
    if sheets.get("projects") is not None and not len(sheets["projects"]):
        report.add(sheets["projects"].where.problem("no projects: the sheet has a header only"))
    return catalogue
