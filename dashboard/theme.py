"""Colours, labels and order of pillars, regions and statuses — one place, every page.

Pillars use the Okabe–Ito palette and regions Paul Tol's "bright" palette: both are
colour-blind safe, and no colour is shared between the two dimensions.
"""

from __future__ import annotations

from etl.vocab import ILO_REGIONS, MULTI_REGION, PILLARS

PILLAR_ORDER: tuple[str, ...] = tuple(PILLARS)
PILLAR_LABELS: dict[str, str] = dict(PILLARS)
PILLAR_SHORT: dict[str, str] = {
    "rights": "Rights at work",
    "employment": "Employment",
    "social_protection": "Social protection",
    "social_dialogue": "Social dialogue",
}
PILLAR_COLOURS: dict[str, str] = {
    "rights": "#0072B2",  # blue
    "employment": "#E69F00",  # orange
    "social_protection": "#009E73",  # bluish green
    "social_dialogue": "#CC79A7",  # reddish purple
}

REGION_ORDER: tuple[str, ...] = (*ILO_REGIONS, MULTI_REGION)
# Stable codes of the regions in links (?region=asia_pacific): never the label, so a
# renamed or translated label keeps every shared link working.
REGION_CODES: dict[str, str] = {
    "Africa": "africa",
    "Americas": "americas",
    "Arab States": "arab_states",
    "Asia and the Pacific": "asia_pacific",
    "Europe and Central Asia": "europe_central_asia",
    MULTI_REGION: "multi_region",
}
REGION_COLOURS: dict[str, str] = {
    "Africa": "#EE6677",  # red
    "Americas": "#4477AA",  # blue
    "Arab States": "#CCBB44",  # yellow
    "Asia and the Pacific": "#228833",  # green
    "Europe and Central Asia": "#AA3377",  # purple
    MULTI_REGION: "#BBBBBB",  # grey
}

STATUS_LABELS: dict[str, str] = {
    "ongoing": "Ongoing",
    "completed": "Completed",
    "unknown": "End not reported",
}
RECORD_TYPE_LABELS: dict[str, str] = {"project": "Project", "programme": "Programme"}
ROLE_LABELS: dict[str, str] = {
    "host": "Host",
    "participant": "Participant",
    "peer": "Peer (shares experience)",
    "learner": "Learner (receives support)",
}
ROLE_COLOURS: dict[str, str] = {
    "host": "#332288",
    "participant": "#88CCEE",
    "peer": "#117733",
    "learner": "#DDCC77",
}
EXCHANGE_STATUS_COLOURS: dict[str, str] = {"held": "#332288", "planned": "#999933"}
# Held: a filled circle; planned: an open diamond (shape and fill, not colour alone).
EXCHANGE_STATUS_SYMBOLS: dict[str, str] = {"held": "circle", "planned": "diamond-open"}
PARTNER_TYPE_LABELS: dict[str, str] = {
    "government": "Government",
    "local_government": "Local government",
    "un_agency": "UN agency",
    "donor": "Donor",
    "employers": "Employers' organization",
    "workers": "Workers' organization",
    "ngo": "NGO",
    "private_sector": "Private sector",
    "city_network": "City network",
    "academic": "Academic",
    "other": "Other",
}
EXCHANGE_KIND_LABELS: dict[str, str] = {
    "peer_learning": "Peer learning",
    "forum": "Forum",
    "technical_visit": "Technical visit",
    "training": "Training",
    "seminar": "Seminar",
    "conference": "Conference",
}
EXCHANGE_STATUS_LABELS: dict[str, str] = {"held": "Held", "planned": "Planned"}
OUTCOME_TYPE_LABELS: dict[str, str] = {
    "roadmap": "Roadmap",
    "declaration": "Declaration",
    "network": "Network",
    "programme": "Programme",
    "recommendations": "Recommendations",
    "knowledge_product": "Knowledge product",
}
PARTNER_TYPE_NOT_STATED = "Type not stated"

NOT_REPORTED = "not reported"
# How a number's qualifier (reported figures, stated counts) reads before the number.
QUALIFIER_WORDS: dict[str, str] = {
    "more_than": "over",
    "about": "about",
    "at_least": "at least",
    "up_to": "up to",
    "target": "target",
}
SOURCE_LINE = (
    "Source: ILO/UCLG, Localizing the Decent Work Agenda through South-South and "
    "City-to-City Cooperation · Local Decent Work Atlas"
)
# A generated warehouse is never credited to the publication (slides, Sources tabs).
SYNTHETIC_SOURCE_LINE = (
    "Source: synthetic data generated for benchmarks and tests (python -m etl synth), "
    "not the ILO/UCLG publication · Local Decent Work Atlas"
)
FONT_FAMILY = "Source Sans Pro, Arial, sans-serif"


def pillar_label(code: str | None) -> str:
    return PILLAR_LABELS.get(code or "", code or NOT_REPORTED)


def colour_map(dimension: str) -> dict[str, str]:
    """Colour of each value of a stacking dimension ('pillar' labels or 'region')."""
    if dimension == "pillar":
        return {PILLAR_LABELS[c]: PILLAR_COLOURS[c] for c in PILLAR_ORDER}
    return dict(REGION_COLOURS)


def category_order(dimension: str) -> list[str]:
    if dimension == "pillar":
        return [PILLAR_LABELS[c] for c in PILLAR_ORDER]
    return list(REGION_ORDER)
