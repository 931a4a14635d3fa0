"""A catalogue whose every free-text cell is hostile: script tags, event handlers,
iframes, `javascript:` and markdown links, images that would fetch from outside,
template braces, spreadsheet formulas, LaTeX, 10,000-character strings, right-to-left
text and emoji. It is valid (it builds): the app must show all of it as typed and run
none of it. Written by `write_hostile_catalogue(directory)`.

Every payload that could run calls `alert('xss:…')`, so a browser test that records
dialogs catches any of them; the image payload points outside localhost, so a browser
test that records external requests catches an injected image.
"""

from __future__ import annotations

import csv
from pathlib import Path

SCRIPT = "<script>alert('xss:script')</script>"
IMG = "<img src=x onerror=\"alert('xss:img')\">"
IFRAME = "<iframe src=\"javascript:alert('xss:iframe')\"></iframe>"
SVG = "<svg onload=alert('xss:svg')>"
JS_LINK = "[click me](javascript:alert('xss:mdlink'))"
MD_IMAGE = "![tracker](http://evil.example/pixel.png)"
BRACES = "{title} {name} {projects}"
FORMULA = '=HYPERLINK("http://evil.example","open")'
CMD = "=cmd|' /C calc'!A0"
LATEX = "$x^2$ `code` **bold** ~~gone~~ &amp; <b>bold?</b>"
RTL = "مشروع العمل اللائق \u202etxt.exe\u202c"
EMOJI = "Ciudad 🏙️ trabajo 👷🏽‍♀️"
LONG = "Long title " + "x" * 10_000

MARKUP = (SCRIPT, IMG, IFRAME, SVG)
PAYLOADS = (SCRIPT, IMG, IFRAME, SVG, JS_LINK, MD_IMAGE, BRACES, FORMULA, CMD, LATEX, RTL, EMOJI)
# Raw fragments that must never reach the page as markup (case-insensitive).
RAW_MARKUP = ("<script", "<img", "<iframe", "<svg")

PROJECTS = [
    {
        "project_id": "hostile-script",
        "title": f"{SCRIPT} {IMG} Jobs",
        "countries": "Brazil",
        "start_year": "2010",
        "end_year": "2014",
        "pillar": "employment",
        "topics": f"{IFRAME}; {JS_LINK}",
        "beneficiary_groups": f"{SVG}",
        "beneficiaries": f"{MD_IMAGE} {LATEX}",
        "beneficiaries_count": "",
        "partners": f"{FORMULA} [donor]; {CMD} [un_agency]",
        "summary": f"{JS_LINK} {MD_IMAGE} {SCRIPT}",
        "outcomes": f"{LATEX} {BRACES}",
        "source_ref": f"{IMG} Section 3",
        "source_url": "https://www.ilo.org/x?a=1&b=<2>".replace("<", "%3C").replace(">", "%3E"),
    },
    {
        "project_id": "hostile-braces",
        "title": BRACES,
        "countries": "Kenya; Philippines",
        "start_year": "2012",
        "end_year": "ongoing",
        "pillar": "social_dialogue",
        "topics": f"{RTL}; {EMOJI}",
        "beneficiary_groups": "youth",
        "beneficiaries": RTL,
        "beneficiaries_count": "youth: 100",
        "partners": f"{IMG} [ngo]",
        "summary": EMOJI,
        "outcomes": "",
        "source_ref": MD_IMAGE,
        "source_url": "",
    },
    {
        "project_id": "hostile-long",
        "title": LONG,
        "countries": "Morocco",
        "start_year": "2013",
        "end_year": "2015",
        "pillar": "rights",
        "topics": LONG[:300],
        "beneficiary_groups": "",
        "beneficiaries": LONG,
        "beneficiaries_count": "",
        "partners": "",
        "summary": LONG,
        "outcomes": FORMULA,
        "source_ref": LONG[:500],
        "source_url": "http://example.org/" + "a" * 200,
    },
]

LOCALITIES = [
    # Brazil, Kenya and Morocco: far apart on the world map, so each can be hovered.
    {"project_id": "hostile-script", "name": f"{IMG} Belém", "iso3": "BRA",
     "admin_level": "city", "lat": "-1.45583", "lon": "-48.50444"},
    {"project_id": "hostile-braces", "name": BRACES, "iso3": "KEN",
     "admin_level": "city", "lat": "-1.28333", "lon": "36.81667"},
    {"project_id": "hostile-long", "name": LONG, "iso3": "MAR",
     "admin_level": "area", "lat": "", "lon": ""},
]  # fmt: skip

EXCHANGES = [
    {"exchange_id": "hostile-exchange", "title": f"{IFRAME} {JS_LINK}",
     "host_city": f"{SVG} Pasto", "host_iso3": "COL", "host_lat": "1.21361",
     "host_lon": "-77.28111", "start_date": "2015", "end_date": "", "kind": "peer_learning",
     "status": "held", "follows": "", "topics": f"{SCRIPT}; {EMOJI}",
     "summary": f"{MD_IMAGE} {LATEX}", "outcome": CMD, "outcome_types": "roadmap",
     "source_ref": f"{JS_LINK} Section 4"},
]  # fmt: skip

PARTICIPANTS = [
    {"exchange_id": "hostile-exchange", "iso3": "COL", "city": f"{SVG} Pasto", "role": "host"},
    {"exchange_id": "hostile-exchange", "iso3": "ECU", "city": f"{IMG} Quito",
     "role": "participant"},
    {"exchange_id": "hostile-exchange", "iso3": "PER", "city": "", "role": "peer"},
]  # fmt: skip

FIGURES = [
    {"figure_id": "hostile-total", "metric": "projects_with_local_authorities",
     "dimension": "total", "dimension_label": IMG, "value": "70", "qualifier": "more_than",
     "unit": "projects", "period": SCRIPT, "source_ref": JS_LINK},
    {"figure_id": "hostile-africa", "metric": "projects_with_local_authorities",
     "dimension": "region:Africa", "dimension_label": f"{SVG} Africa", "value": "25",
     "qualifier": "", "unit": "projects", "period": "", "source_ref": MD_IMAGE},
]  # fmt: skip

ABOUT = [
    {"key": "source", "value": f"{JS_LINK} {MD_IMAGE}"},
    {"key": "curation", "value": SCRIPT},
    {"key": "as_of_year", "value": "2015"},
]


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def write_hostile_catalogue(directory: Path) -> Path:
    """Write the hostile catalogue as CSV files into `directory`; return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in (
        ("projects", PROJECTS),
        ("localities", LOCALITIES),
        ("exchanges", EXCHANGES),
        ("exchange_participants", PARTICIPANTS),
        ("reported_figures", FIGURES),
        ("about", ABOUT),
    ):
        _write(directory / f"{name}.csv", rows)
    return directory
