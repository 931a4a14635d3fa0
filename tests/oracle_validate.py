"""The row-by-row validator the ETL had until issue 8, kept as a test oracle.

The ETL now works on whole columns (etl/validate.py, etl/transform.py); tests run both
on the same catalogues and require the same problems and the same warehouse tables.
Do not use it in the product.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from etl import vocab
from etl.countries import country_region, resolve_country
from etl.normalise import (
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
    """Validated, normalised records, one list of dicts per catalogue sheet."""

    projects: list[dict[str, Any]] = field(default_factory=list)
    localities: list[dict[str, Any]] = field(default_factory=list)
    exchanges: list[dict[str, Any]] = field(default_factory=list)
    participants: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    about: dict[str, str] = field(default_factory=dict)
    # Ids present in the input, valid or not: references to a row that has its own
    # problem are not reported a second time.
    ids_seen: dict[str, set[str]] = field(default_factory=dict)


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

    def countries(self, column: str) -> list[str]:
        codes = []
        names = split_multi(self.values.get(column, ""))
        for name in names:
            try:
                codes.append(resolve_country(name))
            except BadValue as exc:
                exc = _better_country_hint(name, exc)
                self.failed = True
                self.report.add(
                    self.sheet.where.problem(
                        f"{name}: {exc.message}" if len(names) > 1 else exc.message,
                        row=self.row,
                        column=column,
                        value=self.values.get(column, ""),
                        suggestion=exc.suggestion,
                    )
                )
        return list(dict.fromkeys(codes))

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


def _years(c: _RowChecker) -> dict[str, Any]:
    start = c.parse("start_year", parse_year)
    end_result = c.parse("end_year", parse_end_year)
    end, ongoing = end_result if end_result else (None, False)
    phases: list[Phase] = c.parse("phases", parse_phases) or []
    if start is not None and end is not None and end < start:
        c.problem("end_year", f"ends before it starts ({start})", "check the two years")
    if phases:
        first, last = phases[0], phases[-1]
        if start is None:
            start = first.start_year
        elif start != first.start_year:
            c.problem("phases", f"first phase starts in {first.start_year}, start_year is {start}")
        if end is None and not ongoing:
            end, ongoing = last.end_year, last.ongoing
        elif (end, ongoing) != (last.end_year, last.ongoing):
            c.problem("phases", "last phase does not end with end_year")
    elif end is not None and start is None and not c.values.get("start_year", "").strip():
        c.problem("start_year", "end_year is given without start_year")
    return {"start_year": start, "end_year": end, "ongoing": ongoing, "phases": phases}


def _projects(sheet: RawSheet | None, report: Report, catalogue: Catalogue) -> None:
    seen: dict[str, int] = {}
    for c in _rows(sheet, report):
        project_id = c.parse("project_id", parse_slug, required=True)
        _unique(c, "project_id", seen, project_id)
        catalogue.ids_seen.setdefault("projects", set()).add(c.text("project_id"))
        title = c.text("title") or None
        if not title:
            c.problem("title", "required value is empty")
        record_type = c.parse(
            "record_type", lambda v: parse_choice(v, vocab.RECORD_TYPES, default="project")
        )
        countries = c.countries("countries")
        region = c.parse("region", parse_region)
        if not countries and region is None and not c.failed:
            c.problem("countries", "give the countries, or the ILO region when none are named")
        without_region = [iso3 for iso3 in countries if country_region(iso3) is None]
        if without_region:
            c.problem(
                "countries",
                f"{', '.join(without_region)} belongs to no ILO region",
                "check the country; territories such as Antarctica are not in ILO regions",
            )
        elif countries:
            regions = {country_region(iso3) for iso3 in countries}
            derived = regions.pop() if len(regions) == 1 else vocab.MULTI_REGION
            if region is not None and region != derived:
                c.problem("region", f"the countries are in {derived}", "leave region empty")
            region = derived
        groups = split_multi(c.values.get("beneficiary_groups", ""))
        counts = c.parse("beneficiaries_count", lambda v, g=groups: parse_counts(v, g)) or []
        partners = []
        for item in split_multi(c.values.get("partners", "")):
            try:
                partners.append(parse_partner(item))
            except BadValue as exc:
                c.problem("partners", f"{item}: {exc.message}", exc.suggestion)
        record = {
            "project_id": project_id,
            "title": title,
            "record_type": record_type,
            "countries": countries,
            "region": region,
            "pillar": c.parse("pillar", parse_pillar, required=True),
            "topics": [t.lower() for t in split_multi(c.values.get("topics", ""))],
            "beneficiary_groups": groups,
            "beneficiaries": c.long_text("beneficiaries"),
            "counts": counts,
            "partners": partners,
            "summary": c.long_text("summary"),
            "outcomes": c.long_text("outcomes"),
            "replication": c.long_text("replication"),
            "source_ref": c.text("source_ref") or None,
            "source_url": c.parse("source_url", parse_http_url),
            "notes": c.long_text("notes"),
            "row": c.row,
            **_years(c),
        }
        if not record["source_ref"]:
            c.problem("source_ref", "every record must say where in the source it comes from")
        if not c.failed:
            catalogue.projects.append(record)


def _localities(sheet: RawSheet | None, report: Report, catalogue: Catalogue) -> None:
    projects = {p["project_id"]: p for p in catalogue.projects}
    for c in _rows(sheet, report):
        project_id = c.text("project_id")
        if project_id not in catalogue.ids_seen.get("projects", set()):
            hint = suggest(project_id, catalogue.ids_seen.get("projects", set()))
            c.problem(
                "project_id",
                "no project with this id in projects",
                f"did you mean '{hint}'?" if hint else None,
            )
        iso3 = c.parse("iso3", resolve_country, required=True)
        name = c.text("name") or None
        if not name:
            c.problem("name", "required value is empty")
        project = projects.get(project_id)
        if project and iso3 and project["countries"] and iso3 not in project["countries"]:
            c.problem(
                "iso3",
                f"{iso3} is not among the project's countries ({', '.join(project['countries'])})",
                f"add {iso3} to the project's countries or correct the locality",
            )
        lat, lon = c.coordinates("lat", "lon")
        record = {
            "project_id": project_id,
            "name": name,
            "iso3": iso3,
            "admin_level": c.parse("admin_level", lambda v: parse_choice(v, vocab.ADMIN_LEVELS)),
            "lat": lat,
            "lon": lon,
            "geonames_id": c.text("geonames_id") or None,
            "coord_note": c.text("coord_note") or None,
            "notes": c.long_text("notes"),
        }
        if not c.failed:
            catalogue.localities.append(record)


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
    if sheets.get("projects") is not None and not sheets["projects"].rows:
        report.add(sheets["projects"].where.problem("no projects: the sheet has a header only"))
    return catalogue
