"""English, French and Spanish: the language a session gets, numbers and dates in each,
the ILO's terms, search across languages, and links that mean the same view in every
language (docs/languages.md)."""

from __future__ import annotations

from datetime import date

import pytest
from apptest_support import open_page
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import i18n, links, queries, theme
from dashboard.db import warehouse_version
from dashboard.filters import Filters

NNBSP = "\u202f"  # CLDR's French group mark: a narrow no-break space


def test_a_browser_locale_picks_the_interface_language():
    assert i18n.from_locale("fr-CA") == "fr"
    assert i18n.from_locale("es_419") == "es"
    assert i18n.from_locale("en-GB") == "en"
    assert i18n.from_locale("de-DE") == "en"  # not offered: English
    assert i18n.from_locale(None) == "en"
    assert i18n.supported("FR") == "fr"
    assert i18n.supported("pt") is None


@pytest.mark.parametrize(
    ("code", "ten_thousand", "month"),
    [
        ("en", "10,000", "Nov 2012"),
        ("fr", f"10{NNBSP}000", "nov. 2012"),
        ("es", "10.000", "nov 2012"),
    ],
)
def test_numbers_and_months_are_written_the_languages_way(code, ten_thousand, month):
    with i18n.using(code):
        assert i18n.number(10000) == ten_thousand
        assert i18n.month_year(date(2012, 11, 3)) == month
    assert i18n.language() == "en"  # `using` restores the language it found


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "fr",
            {
                "rights": "Principes et droits fondamentaux au travail",
                "Arab States": "États arabes",
                "Asia and the Pacific": "Asie et Pacifique",
                "Europe and Central Asia": "Europe et Asie centrale",
                "Americas": "Amériques",
            },
        ),
        (
            "es",
            {
                "rights": "Principios y derechos fundamentales en el trabajo",
                "Arab States": "Estados Árabes",
                "Asia and the Pacific": "Asia y el Pacífico",
                "Europe and Central Asia": "Europa y Asia Central",
                "Americas": "Américas",
            },
        ),
    ],
)
def test_pillars_and_regions_use_the_ilos_own_terms(code, expected):
    with i18n.using(code):
        assert theme.PILLAR_LABELS["rights"] == expected["rights"]
        for region in ("Arab States", "Asia and the Pacific", "Europe and Central Asia"):
            assert theme.region_label(region) == expected[region]
        assert theme.region_label("Americas") == expected["Americas"]
        # the colours follow the translated names: a chart's legend keeps its colours
        assert (
            theme.colour_map("region")[expected["Arab States"]]
            == theme.REGION_COLOURS["Arab States"]
        )


def test_country_names_follow_the_language():
    assert i18n.country_name("BRA", "Brazil") == "Brazil"  # English: the warehouse's name
    with i18n.using("fr"):
        assert i18n.country_name("BRA", "Brazil") == "Brésil"
        assert i18n.country_name("MAR", "Morocco") == "Maroc"
        assert i18n.country_name("ZZZ", "Nowhere") == "Nowhere"  # unknown: as stored
    with i18n.using("es"):
        assert i18n.country_name("MAR", "Morocco") == "Marruecos"


@pytest.fixture
def version(monkeypatch, atlas_warehouse):
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(atlas_warehouse))
    return warehouse_version()


@pytest.mark.parametrize(
    ("english", "others"),
    [
        ("Brazil", ["Brésil", "brasil"]),
        ("Senegal", ["Sénégal"]),
        ("Morocco", ["Marruecos", "Maroc"]),
        ("Côte d'Ivoire", ["Costa de Marfil", "Côte d’Ivoire", "cote d'ivoire"]),
    ],
)
def test_search_finds_a_country_by_its_name_in_any_language(version, english, others):
    """'Brésil' finds what 'Brazil' finds — projects and exchanges — whatever the
    interface's language."""
    expected_projects = set(queries.projects(version, Filters(q=english))["project_id"])
    expected_exchanges = set(queries.exchanges(version, Filters(q=english))["exchange_id"])
    assert expected_projects or expected_exchanges, f"the catalogue has no {english}"
    for name in others:
        for code in i18n.LANGUAGES:
            with i18n.using(code):
                found = set(queries.projects(version, Filters(q=name))["project_id"])
                assert found == expected_projects, (name, code)
                held = set(queries.exchanges(version, Filters(q=name))["exchange_id"])
                assert held == expected_exchanges, (name, code)


def test_a_foreign_name_does_not_match_other_countries(version):
    """The aliases are per country: 'Marruecos' does not find Brazil's projects."""
    brazil = set(queries.projects(version, Filters(q="Brazil"))["project_id"])
    assert brazil
    assert not brazil & set(queries.projects(version, Filters(q="Marruecos"))["project_id"])


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_link_is_the_same_in_every_language(atlas_warehouse, data):
    """Filters are written as codes: the URL made in French equals the one made in
    English, and reads back as the same filters in Spanish."""
    import os

    os.environ["ATLAS_WAREHOUSE"] = str(atlas_warehouse)
    options = queries.filter_options(warehouse_version())
    chosen = {
        key: tuple(data.draw(st.lists(st.sampled_from(values), max_size=3, unique=True)))
        for key, values in options.choices.items()
        if values
    }
    filters = Filters(**chosen)
    made = {}
    for code in i18n.LANGUAGES:
        with i18n.using(code):
            made[code] = links.encode(filters, options)
    assert made["fr"] == made["en"] == made["es"]
    with i18n.using("es"):
        parsed, notes = links.parse(made["fr"], options)
    assert parsed == filters and not notes


def test_lang_in_a_link_is_known_and_a_bad_one_is_noted(atlas_warehouse, version):
    options = queries.filter_options(version)
    _, notes = links.parse({"lang": ["fr"]}, options)
    assert notes == []
    _, notes = links.parse({"lang": ["de"]}, options)
    assert notes and "lang=fr" in notes[0]


# --- the app in each language (AppTest) -----------------------------------------------------


def test_lang_in_the_url_sets_the_interface_language(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, lang="fr", region="arab_states")
    assert at.selectbox(key="language").value == "fr"
    assert at.multiselect(key="region").value == ["Arab States"]  # the same view
    assert at.multiselect(key="region").label == "Région de l'OIT"
    assert "États arabes" in at.multiselect(key="region").options
    assert "## Atlas local du travail décent" in [m.value for m in at.sidebar.markdown]


def test_the_browser_language_is_the_default_and_stays_out_of_the_url(monkeypatch, atlas_warehouse):
    from dashboard.ui import sidebar

    monkeypatch.setattr(sidebar, "browser_language", lambda: "es")
    at = open_page(monkeypatch, atlas_warehouse)
    assert at.selectbox(key="language").value == "es"
    assert "lang" not in at.query_params  # the browser's own language: no parameter
    at.selectbox(key="language").set_value("en").run()
    assert at.query_params["lang"] == "en"  # a choice away from the browser's: kept
    assert at.multiselect(key="region").label == "ILO region"


def test_a_link_with_a_language_opens_in_it_whatever_the_browser(monkeypatch, atlas_warehouse):
    from dashboard.ui import sidebar

    monkeypatch.setattr(sidebar, "browser_language", lambda: "es")
    at = open_page(monkeypatch, atlas_warehouse, lang="fr")
    assert at.selectbox(key="language").value == "fr"
    assert at.query_params["lang"] == "fr"


def test_a_records_countries_are_named_in_the_language():
    """The Projects table and the Map's list name countries in the reader's language;
    a name the reference table does not know is kept as stored."""
    from dashboard import formatting

    stored = "Brazil; Lebanon; Nowhere"
    assert formatting.countries_text(stored) == stored
    with i18n.using("fr"):
        assert formatting.countries_text(stored) == "Brésil; Liban; Nowhere"
    with i18n.using("es"):
        assert formatting.countries_text(stored) == "Brasil; Líbano; Nowhere"


def test_links_made_in_the_app_keep_the_readers_language(atlas_warehouse, version):
    """A reader who chose French in an English browser stays in French when following
    a link the app made (the Map's list, the Projects table's "Open")."""
    options = queries.filter_options(version)
    from urllib.parse import parse_qs, urlsplit

    french = links.Urls("http://h", Filters(region=("Africa",)), options, lang="fr")
    for url in (french.project("p1"), french.project_link()("p1")):
        assert parse_qs(urlsplit(url).query) == {
            "region": ["africa"],
            "lang": ["fr"],
            "project": ["p1"],
        }
    plain = links.Urls("http://h", Filters(), options)
    assert "lang" not in plain.project("p1")


def test_the_exchanges_date_axis_names_months_in_the_language():
    """Plotly writes months in English; the axis's ticks are Babel's instead."""
    import pandas as pd

    from dashboard.figures.exchanges import month_ticks

    held = pd.DataFrame(
        {"start_date": ["2012-11-01", "2014-06-01"], "end_date": ["2012-11-30", "2014-06-30"]}
    )
    with i18n.using("fr"):
        ticks = month_ticks(held, None)
    assert ticks["ticktext"] == ["janv. 2013", "juil. 2013", "janv. 2014"]
    assert month_ticks(held, None)["ticktext"][0] == "Jan 2013"
    assert month_ticks(held.iloc[0:0], None) == {}


def test_an_excel_about_sheet_is_written_in_the_readers_language(atlas_warehouse, version):
    """The about sheet a person reads is French; the data sheet keeps English names."""
    import io

    import pandas as pd

    from dashboard import exports
    from dashboard.filters import describe

    options = queries.filter_options(version)
    with i18n.using("fr"):
        workbook = exports.xlsx_bytes(
            pd.DataFrame({"region": ["Africa"], "projects": [10000]}),
            title="Projets par région",
            filters=describe(Filters(region=("Arab States",)), options),
            permalink="http://h/?region=arab_states",
        )
    about = pd.read_excel(io.BytesIO(workbook), sheet_name="about", dtype=str).fillna("")
    data = pd.read_excel(io.BytesIO(workbook), sheet_name="data")
    assert list(data.columns) == ["region", "projects"]
    lines = {row.iloc[0]: row.iloc[1] for _, row in about.iterrows()}
    assert lines["Région de l'OIT"] == "États arabes"
    assert lines["Lien permanent"] == "http://h/?region=arab_states"
    assert "Filtres" in lines


def test_switching_language_keeps_the_filters(monkeypatch, atlas_warehouse):
    """The browser sends a multiselect's choices back as the labels it shows; after a
    switch from French to Spanish, French labels must not read as unknown choices."""
    at = open_page(monkeypatch, atlas_warehouse, "pages/timeline.py", lang="fr")
    at.multiselect(key="region").select("Africa").run()
    pillar = at.multiselect(key="pillar").options[0]
    at.selectbox(key="language").set_value("es").run()
    assert at.multiselect(key="region").value == ["Africa"]
    at.multiselect(key="pillar").select(at.multiselect(key="pillar").options[0]).run()
    assert not at.exception
    assert at.multiselect(key="region").value == ["Africa"]  # kept through the next click
    assert at.query_params["region"] == "africa"
    assert at.multiselect(key="pillar").value, pillar
    at.selectbox(key="language").set_value("en").run()
    at.multiselect(key="status").select(at.multiselect(key="status").options[0]).run()
    assert at.multiselect(key="region").value == ["Africa"]
    assert len(at.multiselect(key="pillar").value) == 1
