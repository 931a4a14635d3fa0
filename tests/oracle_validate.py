"""The row-by-row validator the ETL had until issue 8, kept as a test oracle
(only the parts issue 8 rewrote: projects and localities; the small sheets are checked
by the product's own record-by-record code, imported below).

The ETL now works on whole columns (etl/validate.py, etl/transform.py); tests run both
on the same catalogues and require the same problems and the same warehouse tables.
Do not use it in the product.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from etl import validate as validate_module
from etl import vocab
from etl.countries import country_region, resolve_country
from etl.normalise import (
    BadValue,
    Phase,
    parse_choice,
    parse_counts,
    parse_end_year,
    parse_http_url,
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
from etl.validate import (  # unchanged by issue 8: shared, not copied
    _about,
    _better_country_hint,
    _exchanges,
    _figures,
    _participants,
    _unique,
)


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


class _RowChecker(validate_module._RowChecker):
    """The product's row checker, with the country parsing the old _projects used."""

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


def _rows(sheet: RawSheet | None, report: Report):
    if sheet is None:
        return
    for row, values in sheet.rows:
        yield _RowChecker(sheet, row, values, report)


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
