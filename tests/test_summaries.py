"""Every chart's text alternative: one sentence from the data it draws, under the chart
(dashboard/figures/summaries.py), in the interface's language."""

from __future__ import annotations

import pandas as pd
import pytest
from apptest_support import open_page

from dashboard import i18n
from dashboard.figures import summaries
from dashboard.pages import PAGES

NNBSP = "\u202f"


def test_the_pillar_region_sentence_names_the_largest_and_the_total():
    crosstab = pd.DataFrame(
        {
            "Pillar": ["Social protection", "Social dialogue"],
            "Africa": [1, 4],
            "Arab States": [6, 1200],
            "Total": [7, 1204],
        }
    )
    assert summaries.pillar_region(crosstab) == (
        "Most projects: Social dialogue (1,204 of 1,211). Of the regions, the most: Arab "
        "States (1,206)."
    )
    with i18n.using("fr"):
        assert summaries.pillar_region(crosstab) == (
            f"Le plus de projets : Dialogue social (1{NNBSP}204 sur 1{NNBSP}211). Parmi les "
            f"régions, le plus : États arabes (1{NNBSP}206)."
        )


def test_the_year_sentence_finds_the_peak_and_the_span():
    table = pd.DataFrame({"year": [2001, 2002, 2003], "total active": [2, 9, 9]})
    assert summaries.per_year(table, "active") == (
        "Most projects were active in 2002: 9. The chart runs from 2001 to 2003."
    )
    with i18n.using("es"):
        assert summaries.per_year(table, "starting").startswith(
            "El año en que más proyectos comenzaron es 2002: 9."
        )


def test_the_map_sentence_names_the_country_in_the_language_and_the_table():
    table = pd.DataFrame(
        {
            "layer": ["country", "country", "locality"],
            "iso3": ["MAR", "BRA", "BRA"],
            "name": ["Morocco", "Brazil", "Rio"],
            "projects": [2, 5, 1],
        }
    )
    assert summaries.world_map(table).startswith("Most projects: Brazil (5), of 2 countries")
    with i18n.using("es"):
        sentence = summaries.world_map(table)
    assert sentence.startswith("Más proyectos: Brasil (5), de 2 países")
    assert "pestaña Tabla" in sentence  # the map announces its non-map alternative


def test_a_count_of_one_is_singular():
    table = pd.DataFrame({"Topic": ["water"], "Total": [1]})
    assert summaries.facet(table, "Topic") == "The most frequent topic is “water”: 1 project."
    with i18n.using("fr"):
        assert summaries.facet(table, "Topic").endswith("« water » : 1 projet.")


def test_no_data_no_sentence():
    assert summaries.per_year(pd.DataFrame({"year": [], "total active": []}), "active") == ""
    empty = pd.DataFrame(columns=["title", "exchange_id", "country"])
    assert summaries.participation(empty) == ""


def _chart_tabs(node, found: list) -> None:
    if getattr(node, "type", "") == "tab_container":
        found.append(node)
    for child in (getattr(node, "children", None) or {}).values():
        _chart_tabs(child, found)


@pytest.mark.parametrize("spec", [s for s in PAGES if s.path != "projects"], ids=lambda s: s.path)
def test_every_chart_has_its_sentence(monkeypatch, atlas_warehouse, spec):
    """Under each chart of the page, in its Chart tab, a sentence from its data."""
    at = open_page(monkeypatch, atlas_warehouse, spec.file, lang="fr")
    containers: list = []
    _chart_tabs(at._tree, containers)
    charts = [c for c in containers if c.children and c.children[0].label == "Graphique"]
    assert charts, f"no chart on {spec.path}"
    for block in charts:
        chart_tab = block.children[0]
        captions = [c.value for c in chart_tab.caption]
        assert captions and all(len(c) > 30 for c in captions), (spec.path, captions)
