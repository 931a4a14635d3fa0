"""Links: filters ↔ URL as codes (defaults stay out, everything round-trips), older links
through the dated URL migrations, the one link builder, notes for what is ignored."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import links, pages
from dashboard.filters import (
    CHOICES,
    MAX_SEARCH_TERMS,
    REGISTRY,
    FilterOptions,
    Filters,
    choice_options,
    describe,
    search_terms,
)

ROWS = {
    "region": [(r, None) for r in ("Africa", "Americas", "Arab States", "Multi-region")],
    "country": [
        ("MAR", "Morocco"),
        ("BRA", "Brazil"),
        ("CIV", "Côte d'Ivoire"),
        ("TUR", "Türkiye"),
    ],
    "pillar": [(p, None) for p in ("rights", "employment", "social_protection", "social_dialogue")],
    "topic": [(t, None) for t in ("child labour", "Child-labour", "informal economy", "tourism")],
    "group": [(g, None) for g in ("youth", "children", "employers' organizations", "NGOs")],
    "partner_type": [(t, None) for t in ("donor", "un_agency", "workers")],
    "status": [(s, None) for s in ("ongoing", "completed", "unknown")],
    "type": [(t, None) for t in ("programme", "project")],
}


def make_options() -> FilterOptions:
    choices, labels, codes = {}, {}, {}
    for entry in CHOICES:
        choices[entry.key], labels[entry.key], codes[entry.key] = choice_options(
            entry, ROWS[entry.key]
        )
    return FilterOptions(choices, labels, codes, year_min=1997, year_max=2017)


OPTIONS = make_options()


def subsets(values):
    return st.lists(st.sampled_from(list(values)), unique=True, max_size=len(values)).map(tuple)


filters_strategy = st.builds(
    Filters,
    **{entry.key: subsets(OPTIONS.values(entry.key)) for entry in CHOICES},
    years=st.one_of(
        st.none(),
        st.tuples(st.integers(1997, 2017), st.integers(1997, 2017))
        .map(sorted)
        .map(tuple)
        .filter(lambda y: y != (1997, 2017)),
    ),
    q=st.text(alphabet="abcdéxyz -", max_size=20).map(str.strip),
)


@given(filters_strategy)
def test_parse_of_encode_is_the_identity(filters):
    parsed, notes = links.parse(links.encode(filters, OPTIONS), OPTIONS)
    assert notes == []
    assert parsed == filters


@given(filters_strategy)
def test_links_carry_codes_never_labels(filters):
    """Every value in a link is a code: language-independent, survives a renamed label."""
    for key, values in links.encode(filters, OPTIONS).items():
        if key in OPTIONS.codes:
            assert set(values) <= set(OPTIONS.codes[key].values())


def test_the_codes_of_each_filter():
    filters = Filters(
        region=("Arab States", "Multi-region"),
        country=("CIV",),
        pillar=("social_dialogue",),
        topic=("child labour", "Child-labour"),
        group=("employers' organizations",),
        status=("unknown",),
        type=("programme",),
    )
    assert links.encode(filters, OPTIONS) == {
        "region": ["arab_states", "multi_region"],
        "country": ["CIV"],
        "pillar": ["social_dialogue"],
        # two values with one slug: the second (in value order) gets '-2'
        "topic": ["child-labour-2", "child-labour"],
        "group": ["employers-organizations"],
        "status": ["unknown"],
        "type": ["programme"],
    }


def test_defaults_stay_out_of_the_url():
    assert links.encode(Filters(), OPTIONS) == {}
    urls = links.Urls("http://localhost:8501", Filters(), OPTIONS)
    assert urls.page(pages.MAP) == "http://localhost:8501/map"
    assert urls.page(pages.OVERVIEW) == "http://localhost:8501/"


def test_the_link_builder_writes_codes_and_the_page_parameters():
    urls = links.Urls("http://h:8501", Filters(region=("Africa", "Americas")), OPTIONS)
    assert urls.project("x-1") == "http://h:8501/projects?region=africa&region=americas&project=x-1"
    assert urls.exchange("e-1", with_filters=False) == "http://h:8501/exchanges?exchange=e-1"
    assert urls.page(pages.TIMELINE, measure="starting") == (
        "http://h:8501/timeline?region=africa&region=americas&measure=starting"
    )


def test_a_project_link_function_writes_the_links_project_writes():
    """The download's link per row encodes the filters once, with the same result."""
    for filters in (Filters(), Filters(region=("Africa", "Americas"), q="child labour & co")):
        urls = links.Urls("http://h:8501", filters, OPTIONS)
        for with_filters in (True, False):
            link = urls.project_link(with_filters=with_filters)
            for project_id in ("x-1", "a b/c?d=e&f", "é#%+"):
                assert link(project_id) == urls.project(project_id, with_filters=with_filters)


def test_a_page_parameter_the_page_does_not_declare_is_refused():
    urls = links.Urls("http://h", Filters(), OPTIONS)
    with pytest.raises(ValueError, match="declares no parameter"):
        urls.page(pages.MAP, project="x")


def test_unknown_and_malformed_parameters_are_ignored_with_notes():
    params = {
        "region": ["africa", "atlantis"],
        "pillar": ["fundamental principles and rights at work"],  # a label in other case
        "years": ["20x0", "2010"],
        "colour": ["red"],
        "project": ["kept-as-page-param"],
    }
    filters, notes = links.parse(params, OPTIONS)
    assert filters == Filters(region=("Africa",))
    text = " ".join(notes)
    assert "atlantis" in text
    assert "did you mean “Fundamental principles and rights at work”" in text
    assert "colour" in text
    assert "20x0" in text
    assert "project" not in text  # a page parameter (of the Projects page)


def test_a_parameter_of_another_page_is_noted_on_this_page():
    _, notes = links.parse({"measure": ["starting"]}, OPTIONS, pages.MAP)
    assert notes == ["Ignored unknown URL parameter “measure” on the Map page."]
    for page in pages.PAGES:
        for param in page.params:
            value = next(iter(param.choices), "x")
            assert links.parse({param.key: [value]}, OPTIONS, page)[1] == []


def test_years_as_the_slider_takes_them():
    assert links.parse({"years": ["1997", "2017"]}, OPTIONS) == (Filters(), [])
    assert links.parse({"years": ["2000", "2005"]}, OPTIONS) == (Filters(years=(2000, 2005)), [])
    # What the slider drops (out of range, one year, reversed) is dropped with a note.
    assert links.parse({"years": ["2005", "2000"]}, OPTIONS)[0] == Filters(years=(2000, 2005))
    for bad in (["1990", "2005"], ["2010"], ["x", "2000"]):
        filters, notes = links.parse({"years": bad}, OPTIONS)
        assert filters == Filters() and len(notes) == 1 and "Ignored years" in notes[0]


def test_describe_names_every_filter_for_exports():
    described = describe(Filters(country=("CIV",), years=(2000, 2005)), OPTIONS)
    lines = {label: value for label, value, _ in described}
    assert {label for label, _, _ in described} == {f.label for f in REGISTRY}
    assert all(meaning for _, _, meaning in described)  # each says what it keeps
    assert lines["Country"] == "Côte d'Ivoire"
    assert lines["ILO region"] == "all"
    assert lines["Years active"] == "2000–2005"
    assert lines["Search"] == "none"


def test_search_terms_split_quotes_and_hyphens_and_are_capped():
    assert search_terms('"Child-Labour" in  Côte') == ["child", "labor", "in", "cote"]
    assert len(search_terms(" ".join(f"w{i}" for i in range(50)))) == MAX_SEARCH_TERMS


# --- links written by earlier versions ---------------------------------------------------
# Written by the app before codes (commit abbcc51): its permalink builder, which wrote
# what its URL-bound sidebar widgets wrote (display labels), run on the curated catalogue;
# the Timeline's measure/stack as its bound segmented controls wrote them (labels).
LABEL_LINKS = {
    "http://localhost:8501/timeline?region=Africa&pillar=Social+dialogue&measure=Starting"
    "&stack=Region": (
        Filters(region=("Africa",), pillar=("social_dialogue",)),
        {"measure": "starting", "stack": "region"},
    ),
    "http://localhost:8501/map?country=C%C3%B4te+d%27Ivoire&status=End+not+reported"
    "&country_focus=CIV": (
        Filters(country=("CIV",), status=("unknown",)),
        {"country_focus": "CIV"},
    ),
    "http://localhost:8501/pillars?region=Arab+States&region=Americas"
    "&pillar=Fundamental+principles+and+rights+at+work"
    "&pillar=Employment+creation+and+sustainable+enterprises&pillar=Social+protection": (
        Filters(
            region=("Arab States", "Americas"),
            pillar=("rights", "employment", "social_protection"),
        ),
        {},
    ),
    "http://localhost:8501/exchanges?country=Morocco&country=Brazil&country=T%C3%BCrkiye"
    "&exchange=chefchaouen-2014": (
        Filters(country=("MAR", "BRA", "TUR")),
        {"exchange": "chefchaouen-2014"},
    ),
    "http://localhost:8501/?topic=child+labour&group=NGOs&type=Programme&years=2000&years=2010": (
        Filters(topic=("child labour",), group=("NGOs",), type=("programme",), years=(2000, 2010)),
        {},
    ),
    "http://localhost:8501/projects?region=Africa&q=child+labour&project=x": (
        Filters(region=("Africa",), q="child labour"),
        {"project": "x"},
    ),
    # the Map's focus chooser wrote its label in its first days
    "http://localhost:8501/map?country_focus=Brazil+%282+projects%29": (
        Filters(),
        {"country_focus": "BRA"},
    ),
}


@pytest.mark.parametrize("url", list(LABEL_LINKS))
def test_links_of_earlier_versions_open_the_same_view(url):
    expected_filters, expected_page = LABEL_LINKS[url]
    parts = urlsplit(url)
    page = pages.by_path(parts.path)
    params = parse_qs(parts.query)
    filters, notes = links.parse(params, OPTIONS, page)
    assert notes == []
    assert filters == expected_filters
    for key, value in expected_page.items():
        assert links.page_param_value(page, key, params, OPTIONS) == value
    # and the link written today for that view carries codes only
    today = links.Urls("http://localhost:8501", filters, OPTIONS).page(page, **expected_page)
    assert links.parse(parse_qs(urlsplit(today).query), OPTIONS, page) == (filters, [])
    for key, values in parse_qs(urlsplit(today).query).items():
        if key in OPTIONS.codes:
            assert set(values) <= set(OPTIONS.codes[key].values())


def test_migrations_are_dated_and_leave_todays_links_alone():
    assert [m.since for m in links.URL_MIGRATIONS] == sorted(m.since for m in links.URL_MIGRATIONS)
    today = links.encode(
        Filters(region=("Africa",), topic=("child labour", "Child-labour"), status=("unknown",)),
        OPTIONS,
    ) | {"measure": ["starting"], "country_focus": ["BRA"]}
    assert links.migrate(today, OPTIONS) == today


def test_captions_name_only_the_chosen_filters():
    from dashboard.filters import filters_sentence

    filters = Filters(region=("Africa",), years=(2000, 2005), q="<b>x</b>")
    text = filters_sentence(filters, describe(filters, OPTIONS), shown=lambda v: v.upper())
    assert text == "Filtered by Search: <B>X</B> · ILO region: AFRICA · Years active: 2000–2005"
    assert filters_sentence(Filters(), describe(Filters(), OPTIONS)) == (
        "Everything in the catalogue (no filters)"
    )


def test_the_does_not_apply_note_is_generated_from_the_registry():
    from dashboard.ui.sidebar import not_applying_sentence

    assert not_applying_sentence(Filters(region=("Africa",), q="x")) is None
    one = not_applying_sentence(Filters(pillar=("rights",), region=("Africa",)))
    assert one.startswith("**Decent Work pillar: does not apply to exchanges**")
    assert "this filter does not narrow them" in one
    applying = [f.label for f in REGISTRY if f.on_exchanges is not None]
    assert ", ".join(applying[:-1]) + ", and " + applying[-1] + " still apply." in one
    several = not_applying_sentence(
        Filters(group=("youth",), status=("ongoing",), type=("programme",)),
        what="City-to-City exchanges",
    )
    assert several.startswith(
        "**Beneficiary group, Status, and Record type: do not apply to City-to-City exchanges**"
    )
    assert "these filters do not narrow them" in several


def test_codes_are_read_in_any_case():
    filters, notes = links.parse(
        {"region": ["AFRICA"], "country": ["bra"], "pillar": ["SOCIAL_DIALOGUE"]}, OPTIONS
    )
    assert notes == []
    assert filters == Filters(region=("Africa",), country=("BRA",), pillar=("social_dialogue",))


def test_a_page_choice_that_is_not_one_is_noted():
    _, notes = links.parse({"measure": ["sideways"], "stack": ["region"]}, OPTIONS, pages.TIMELINE)
    assert notes == ["Ignored measure “sideways”: use one of measure=active, measure=starting."]


def test_unknown_parameters_are_named_for_removal():
    params = {"colour": ["red"], "region": ["africa"], "measure": ["active"], "present": ["true"]}
    assert links.unknown_params(params, pages.TIMELINE) == ["colour"]
    assert links.unknown_params(params, pages.MAP) == ["colour", "measure"]


def test_a_project_link_is_a_value_so_a_table_made_with_it_is_built_once():
    """Two runs make equal links (a lambda would differ each run, and the Projects
    table keyed by it would be built again on every run: dashboard/memo.py)."""
    from dashboard import memo

    africa = Filters(region=("Africa",))
    first = links.Urls("http://h:8501", africa, OPTIONS).project_link()
    second = links.Urls("http://h:8501", africa, OPTIONS).project_link()
    assert first == second and memo.key_of(first) == memo.key_of(second)
    assert first("p 1").endswith("project=p+1")
    assert first != links.Urls("http://h:8501", Filters(), OPTIONS).project_link()
