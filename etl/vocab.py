"""Controlled vocabularies of the catalogue: one place for codes and their labels."""

from __future__ import annotations

PILLARS: dict[str, str] = {
    "rights": "Fundamental principles and rights at work",
    "employment": "Employment creation and sustainable enterprises",
    "social_protection": "Social protection",
    "social_dialogue": "Social dialogue",
}

# Other spellings a curator may reasonably type; matched after normalisation.
PILLAR_ALIASES: dict[str, str] = {
    "rights at work": "rights",
    "fundamental principles and rights": "rights",
    "fprw": "rights",
    "employment creation": "employment",
    "creation of employment and sustainable enterprises": "employment",
    "employment and sustainable enterprises": "employment",
    "protection": "social_protection",
    "dialogue": "social_dialogue",
}

ILO_REGIONS: tuple[str, ...] = (
    "Africa",
    "Americas",
    "Arab States",
    "Asia and the Pacific",
    "Europe and Central Asia",
)
MULTI_REGION = "Multi-region"

# Wordings of regions that name exactly one ILO region (the publication says "Asia" and
# "Latin America and the Caribbean"); keys are folded (lower case, no punctuation).
REGION_ALIASES: dict[str, str] = {
    "asia": "Asia and the Pacific",
    "asia pacific": "Asia and the Pacific",
    "asia and pacific": "Asia and the Pacific",
    "pacific": "Asia and the Pacific",
    "latin america": "Americas",
    "latin america and the caribbean": "Americas",
    "latin america and caribbean": "Americas",
    "latin america and caribbean region": "Americas",
    "lac": "Americas",
    "caribbean": "Americas",
    "the americas": "Americas",
    "europe": "Europe and Central Asia",
    "central asia": "Europe and Central Asia",
    "arab region": "Arab States",
}
# Wordings that do not map to one ILO region: a hint instead of a guess.
REGION_HINTS: dict[str, str] = {
    "mena": "the ILO splits MENA: Arab States (Middle East) and Africa (North Africa)",
    "middle east": "use 'Arab States' (ILO region of the Middle East)",
    "middle east and north africa": "the ILO splits it: Arab States and Africa",
    "north africa": "North African countries are in the ILO region 'Africa'",
}

RECORD_TYPES: tuple[str, ...] = ("project", "programme")
# A project's status as of the year the source describes (etl.transform.project_status).
PROJECT_STATUSES: tuple[str, ...] = ("ongoing", "completed", "unknown")

PARTNER_TYPES: tuple[str, ...] = (
    "government",
    "local_government",
    "un_agency",
    "donor",
    "employers",
    "workers",
    "ngo",
    "private_sector",
    "city_network",
    "academic",
    "other",
)

ADMIN_LEVELS: tuple[str, ...] = (
    "city",
    "municipality",
    "district",
    "province",
    "region",
    "state",
    "department",
    "county",
    "governorate",
    "village",
    "area",
)

EXCHANGE_KINDS: tuple[str, ...] = (
    "peer_learning",
    "forum",
    "technical_visit",
    "training",
    "seminar",
    "conference",
)
EXCHANGE_STATUSES: tuple[str, ...] = ("held", "planned")
PARTICIPANT_ROLES: tuple[str, ...] = ("host", "participant", "peer", "learner")
OUTCOME_TYPES: tuple[str, ...] = (
    "roadmap",
    "declaration",
    "network",
    "programme",
    "recommendations",
    "knowledge_product",
)
FIGURE_QUALIFIERS: tuple[str, ...] = ("exactly", "more_than", "about")
