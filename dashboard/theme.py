"""Colours, labels and order of pillars, regions and statuses — one place, every page.

Pillars use the Okabe–Ito palette and regions Paul Tol's "bright" palette: both are
colour-blind safe, and no colour is shared between the two dimensions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from dashboard.i18n import N_, _
from etl.vocab import ILO_REGIONS, MULTI_REGION, PILLARS


class Labels(Mapping[str, str]):
    """code → label, read in the current interface language. The English labels are
    marked here (N_) for the catalogues; `labels[code]` and `labels.get(code)` give the
    translation, `labels.english(code)` the stored English text."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self._labels = dict(labels)

    def __getitem__(self, code: str) -> str:
        return _(self._labels[code])

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)

    def english(self, code: str, default: str | None = None) -> str:
        """The stored English label (`default`, else `code`, when there is none)."""
        return self._labels.get(code, code if default is None else default)


PILLAR_ORDER: tuple[str, ...] = tuple(PILLARS)
# The ILO's own French and Spanish names are in the catalogues (docs/languages.md).
PILLAR_LABELS = Labels(
    {
        "rights": N_("Fundamental principles and rights at work"),
        "employment": N_("Employment creation and sustainable enterprises"),
        "social_protection": N_("Social protection"),
        "social_dialogue": N_("Social dialogue"),
    }
)
PILLAR_SHORT = Labels(
    {
        "rights": N_("Rights at work"),
        "employment": N_("Employment"),
        "social_protection": N_("Social protection"),
        "social_dialogue": N_("Social dialogue"),
    }
)
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
# Regions are stored by their English name (the warehouse's value); shown translated.
REGION_LABELS = Labels(
    {
        "Africa": N_("Africa"),
        "Americas": N_("Americas"),
        "Arab States": N_("Arab States"),
        "Asia and the Pacific": N_("Asia and the Pacific"),
        "Europe and Central Asia": N_("Europe and Central Asia"),
        MULTI_REGION: N_("Multi-region"),
    }
)
REGION_COLOURS: dict[str, str] = {
    "Africa": "#EE6677",  # red
    "Americas": "#4477AA",  # blue
    "Arab States": "#CCBB44",  # yellow
    "Asia and the Pacific": "#228833",  # green
    "Europe and Central Asia": "#AA3377",  # purple
    MULTI_REGION: "#BBBBBB",  # grey
}

STATUS_LABELS = Labels(
    {
        "ongoing": N_("Ongoing"),
        "completed": N_("Completed"),
        "unknown": N_("End not reported"),
    }
)
RECORD_TYPE_LABELS = Labels({"project": N_("Project"), "programme": N_("Programme")})
ROLE_LABELS = Labels(
    {
        "host": N_("Host"),
        "participant": N_("Participant"),
        "peer": N_("Peer (shares experience)"),
        "learner": N_("Learner (receives support)"),
    }
)
# A role in a cell of the participation matrix, where "Participant" did not fit (the
# colour bar beside it gives the full labels).
ROLE_CELL_LABELS = Labels(
    {
        "host": N_("Host"),
        "participant": N_("Partic."),
        "peer": N_("Peer"),
        "learner": N_("Learner"),
    }
)
ROLE_COLOURS: dict[str, str] = {
    "host": "#332288",
    "participant": "#88CCEE",
    "peer": "#117733",
    "learner": "#DDCC77",
}
EXCHANGE_STATUS_COLOURS: dict[str, str] = {"held": "#332288", "planned": "#999933"}
# Held: a filled circle; planned: an open diamond (shape and fill, not colour alone).
EXCHANGE_STATUS_SYMBOLS: dict[str, str] = {"held": "circle", "planned": "diamond-open"}
PARTNER_TYPE_LABELS = Labels(
    {
        "government": N_("Government"),
        "local_government": N_("Local government"),
        "un_agency": N_("UN agency"),
        "donor": N_("Donor"),
        "employers": N_("Employers' organization"),
        "workers": N_("Workers' organization"),
        "ngo": N_("NGO"),
        "private_sector": N_("Private sector"),
        "city_network": N_("City network"),
        "academic": N_("Academic"),
        "other": N_("Other"),
    }
)
EXCHANGE_KIND_LABELS = Labels(
    {
        "peer_learning": N_("Peer learning"),
        "forum": N_("Forum"),
        "technical_visit": N_("Technical visit"),
        "training": N_("Training"),
        "seminar": N_("Seminar"),
        "conference": N_("Conference"),
    }
)
EXCHANGE_STATUS_LABELS = Labels({"held": N_("Held"), "planned": N_("Planned")})
OUTCOME_TYPE_LABELS = Labels(
    {
        "roadmap": N_("Roadmap"),
        "declaration": N_("Declaration"),
        "network": N_("Network"),
        "programme": N_("Programme"),
        "recommendations": N_("Recommendations"),
        "knowledge_product": N_("Knowledge product"),
    }
)
PARTNER_TYPE_NOT_STATED = N_("Type not stated")

NOT_REPORTED = N_("not reported")  # shown as _(NOT_REPORTED)
# How a number's qualifier (reported figures, stated counts) reads before the number.
QUALIFIER_WORDS = Labels(
    {
        "more_than": N_("over"),
        "about": N_("about"),
        "at_least": N_("at least"),
        "up_to": N_("up to"),
        "target": N_("target"),
        "target_at_least": N_("target of at least"),
    }
)
# Shown as _(SOURCE_LINE): the publication's title stays in English in every language.
SOURCE_LINE = N_(
    "Source: ILO/UCLG, Localizing the Decent Work Agenda through South-South and "
    "City-to-City Cooperation · Local Decent Work Atlas"
)
# A generated warehouse is never credited to the publication (slides, Sources tabs).
SYNTHETIC_SOURCE_LINE = N_(
    "Source: synthetic data generated for benchmarks and tests (python -m etl synth), "
    "not the ILO/UCLG publication · Local Decent Work Atlas"
)
FONT_FAMILY = "Source Sans Pro, Arial, sans-serif"


def pillar_label(code: str | None) -> str:
    return PILLAR_LABELS.get(code or "", code or _(NOT_REPORTED))


def region_label(region: str | None) -> str:
    """A region's name (stored in English) in the interface's language."""
    return REGION_LABELS.get(region or "", region or _(NOT_REPORTED))


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#RRGGBB' (0 black … 1 white)."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two '#RRGGBB' colours (1 … 21; text wants 4.5)."""
    lighter, darker = sorted((luminance(a), luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def colour_map(dimension: str) -> dict[str, str]:
    """Colour of each label of a stacking dimension ('pillar' or 'region'), translated."""
    if dimension == "pillar":
        return {PILLAR_LABELS[c]: PILLAR_COLOURS[c] for c in PILLAR_ORDER}
    return {region_label(r): colour for r, colour in REGION_COLOURS.items()}


def category_order(dimension: str) -> list[str]:
    if dimension == "pillar":
        return [PILLAR_LABELS[c] for c in PILLAR_ORDER]
    return [region_label(r) for r in REGION_ORDER]
