"""The catalogue template: sheets, columns, what each means and what it allows.

One definition drives validation (known and required columns), the XLSX template
(README sheet and drop-downs) and the documentation.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl import vocab


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


_NOTES = Column("notes", "Curator's notes: ambiguities in the source and the choice made.")
_SOURCE_REF = Column(
    "source_ref",
    "Where in the source: section, heading, printed page number when there is one.",
    required=True,
)
_SEP = "Several values separated by ';'."

PROJECTS = Sheet(
    "projects",
    required=True,
    columns=(
        Column("project_id", "Unique slug: lowercase letters, digits and '-'.", required=True),
        Column("title", "Title as the source gives it.", required=True),
        Column("record_type", "project (default) or programme.", choices=vocab.RECORD_TYPES),
        Column(
            "countries",
            f"Countries: English, French or Spanish names, or ISO3 codes. {_SEP} "
            "Required unless 'region' is given.",
        ),
        Column(
            "region",
            "ILO region; only when 'countries' is empty (the source lists no countries).",
            choices=vocab.ILO_REGIONS,
        ),
        Column("start_year", "Four-digit year, or empty when the source does not say."),
        Column("end_year", "Four-digit year, 'ongoing', or empty."),
        Column(
            "phases",
            "Phases, each '[label:] YYYY[-YYYY|-ongoing|-?]', e.g. "
            "'Phase 1: 1997-2003; Phase 2: 2006-2008'. Active years are the union of phases. "
            "'2000-?': the source gives the phase's start but not its end.",
        ),
        Column(
            "pillar",
            "Decent Work pillar, code or label: " + "; ".join(vocab.PILLARS) + ".",
            required=True,
            choices=tuple(vocab.PILLARS),
        ),
        Column("topics", f"Topics, lower case. {_SEP}"),
        Column("beneficiary_groups", f"Short beneficiary group names. {_SEP}"),
        Column("beneficiaries", "The source's own description of the beneficiaries."),
        Column(
            "beneficiaries_count",
            "'label: number' pairs, e.g. 'youth: 10000; municipalities: 41'. A label equal "
            "to a beneficiary group is that group's count. A bare number is allowed when "
            "there is exactly one beneficiary group.",
        ),
        Column(
            "partners",
            f"Partners and funders, each optionally with its type in brackets, "
            f"e.g. 'UN-Habitat [un_agency]'. {_SEP} Types: " + ", ".join(vocab.PARTNER_TYPES),
        ),
        Column("summary", "Objective and key activities, condensed from the source."),
        Column("outcomes", "Outcomes the source reports."),
        Column("replication", "Replication or scale-up the source reports."),
        _SOURCE_REF,
        Column(
            "source_url",
            "The link the source cites for this record: a full http:// or https:// address.",
        ),
        _NOTES,
    ),
)

LOCALITIES = Sheet(
    "localities",
    columns=(
        Column("project_id", "A project_id of the projects sheet.", required=True),
        Column("name", "Place name as the source gives it.", required=True),
        Column("iso3", "Country: name or ISO3 code.", required=True),
        Column("admin_level", "Kind of place.", choices=vocab.ADMIN_LEVELS),
        Column("lat", "Latitude, WGS84 decimal degrees (-90..90). Both lat and lon or neither."),
        Column("lon", "Longitude, WGS84 decimal degrees (-180..180)."),
        Column("geonames_id", "GeoNames id the coordinates come from."),
        Column("coord_note", "How the point was chosen, e.g. 'seat of Langkat Regency: Stabat'."),
        _NOTES,
    ),
)

EXCHANGES = Sheet(
    "exchanges",
    columns=(
        Column("exchange_id", "Unique slug.", required=True),
        Column("title", "Title or short description of the exchange.", required=True),
        Column("host_city", "Host city.", required=True),
        Column("host_iso3", "Host country: name or ISO3 code.", required=True),
        Column("host_lat", "Host latitude, WGS84."),
        Column("host_lon", "Host longitude, WGS84."),
        Column("host_geonames_id", "GeoNames id of the host city."),
        Column("start_date", "YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source."),
        Column("end_date", "YYYY, YYYY-MM or YYYY-MM-DD."),
        Column("kind", "Kind of exchange.", required=True, choices=vocab.EXCHANGE_KINDS),
        Column("status", "held or planned.", required=True, choices=vocab.EXCHANGE_STATUSES),
        Column("follows", "exchange_id this exchange follows up."),
        Column("organisers", f"Organising bodies. {_SEP}"),
        Column("topics", f"Topics. {_SEP}"),
        Column("summary", "What the exchange was about."),
        Column("outcome", "Outcome as the source states it (roadmap, declaration, network...)."),
        Column(
            "outcome_types",
            f"Outcome kinds. {_SEP} Allowed: " + ", ".join(vocab.OUTCOME_TYPES),
        ),
        _SOURCE_REF,
        Column("source_url", "The link the source cites: a full http:// or https:// address."),
        _NOTES,
    ),
)

EXCHANGE_PARTICIPANTS = Sheet(
    "exchange_participants",
    columns=(
        Column("exchange_id", "An exchange_id of the exchanges sheet.", required=True),
        Column("iso3", "Country: name or ISO3 code.", required=True),
        Column("city", "City, when the source names one."),
        Column(
            "role",
            "host, participant, peer (shares experience), learner (receives peer support).",
            required=True,
            choices=vocab.PARTICIPANT_ROLES,
        ),
        Column("lat", "City latitude, WGS84."),
        Column("lon", "City longitude, WGS84."),
        Column("geonames_id", "GeoNames id of the city."),
        _NOTES,
    ),
)

REPORTED_FIGURES = Sheet(
    "reported_figures",
    columns=(
        Column("figure_id", "Unique slug.", required=True),
        Column("metric", "What is counted, e.g. projects_with_local_authorities.", required=True),
        Column("dimension", "'total', 'region:<ILO region>' or 'year:<YYYY>'; empty = total."),
        Column("dimension_label", "The source's own wording for the dimension."),
        Column("value", "The number.", required=True),
        Column("qualifier", "exactly, more_than or about.", choices=vocab.FIGURE_QUALIFIERS),
        Column("unit", "Unit, e.g. projects, cities, year.", required=True),
        Column("period", "Period the figure covers, e.g. 2000-2018."),
        _SOURCE_REF,
        _NOTES,
    ),
)

ABOUT = Sheet(
    "about",
    columns=(
        Column("key", "source, source_url, as_of_year, curated_by, ...", required=True),
        Column("value", "The value.", required=True),
    ),
)

SHEETS: tuple[Sheet, ...] = (
    PROJECTS,
    LOCALITIES,
    EXCHANGES,
    EXCHANGE_PARTICIPANTS,
    REPORTED_FIGURES,
    ABOUT,
)
SHEETS_BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}
