"""Filter state ↔ URL: defaults stay out, everything round-trips, bad input is noted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dashboard.state import FilterOptions, Filters, describe, parse_params, permalink, to_params

OPTIONS = FilterOptions(
    region=("Africa", "Americas", "Arab States"),
    country={"MAR": "Morocco", "BRA": "Brazil", "CIV": "Côte d'Ivoire"},
    pillar=("rights", "employment", "social_protection", "social_dialogue"),
    topic=("child labour", "informal economy", "tourism"),
    group=("youth", "children"),
    status=("ongoing", "completed", "unknown"),
    type=("programme", "project"),
    year_min=1997,
    year_max=2017,
)


def subsets(values):
    return st.lists(st.sampled_from(list(values)), unique=True, max_size=len(values)).map(tuple)


filters_strategy = st.builds(
    Filters,
    region=subsets(OPTIONS.region),
    country=subsets(OPTIONS.country),
    pillar=subsets(OPTIONS.pillar),
    topic=subsets(OPTIONS.topic),
    group=subsets(OPTIONS.group),
    status=subsets(OPTIONS.status),
    type=subsets(OPTIONS.type),
    years=st.one_of(
        st.none(),
        st.tuples(st.integers(1997, 2017), st.integers(1997, 2017))
        .map(sorted)
        .map(tuple)
        .filter(lambda y: y != (1997, 2017)),
    ),
    q=st.text(alphabet="abcdéxyz ", max_size=20).map(str.strip),
)


@given(filters_strategy)
def test_url_round_trip(filters):
    parsed, notes = parse_params(to_params(filters, OPTIONS), OPTIONS)
    assert notes == []
    assert parsed == filters


def test_defaults_stay_out_of_the_url():
    assert to_params(Filters(), OPTIONS) == {}
    assert permalink("http://localhost:8501", "map", Filters()) == "http://localhost:8501/map"
    assert permalink("http://h", "", Filters()) == "http://h/"


def test_permalink_repeats_multi_values_and_keeps_page_params():
    url = permalink(
        "http://h:8501",
        "projects",
        Filters(region=("Africa", "Americas")),
        {"project": "x-1"},
        OPTIONS,
    )
    assert url == "http://h:8501/projects?region=Africa&region=Americas&project=x-1"


def test_the_url_carries_labels_as_the_sidebar_widgets_write_them():
    filters = Filters(country=("CIV",), pillar=("social_dialogue",), status=("unknown",))
    assert to_params(filters, OPTIONS) == {
        "country": ["Côte d'Ivoire"],
        "pillar": ["Social dialogue"],
        "status": ["End not reported"],
    }
    url = permalink("http://h", "map", filters, None, OPTIONS)
    assert url == (
        "http://h/map?country=C%C3%B4te+d%27Ivoire&pillar=Social+dialogue&status=End+not+reported"
    )


def test_unknown_and_malformed_parameters_are_ignored_with_notes():
    params = {
        "region": ["Africa", "Atlantis"],
        "pillar": ["rights"],
        "years": ["20x0", "2010"],
        "colour": ["red"],
        "project": ["kept-as-page-param"],
    }
    filters, notes = parse_params(params, OPTIONS)
    assert filters == Filters(region=("Africa",))
    text = " ".join(notes)
    assert "Atlantis" in text
    assert "did you mean “Fundamental principles and rights at work”" in text
    assert "colour" in text
    assert "20x0" in text
    assert "project" not in text


def test_years_as_the_slider_takes_them():
    assert parse_params({"years": ["1997", "2017"]}, OPTIONS) == (Filters(), [])
    assert parse_params({"years": ["2000", "2005"]}, OPTIONS) == (Filters(years=(2000, 2005)), [])
    # What the slider drops (out of range, one year, reversed) is dropped with a note.
    assert parse_params({"years": ["2005", "2000"]}, OPTIONS)[0] == Filters(years=(2000, 2005))
    for bad in (["1990", "2005"], ["2010"], ["x", "2000"]):
        filters, notes = parse_params({"years": bad}, OPTIONS)
        assert filters == Filters() and len(notes) == 1 and "Ignored years" in notes[0]


def test_describe_names_every_filter_for_exports():
    lines = dict(describe(Filters(country=("CIV",), years=(2000, 2005)), OPTIONS))
    assert lines["Country"] == "Côte d'Ivoire"
    assert lines["ILO region"] == "all"
    assert lines["Years"] == "2000–2005"


def test_search_terms_split_quotes_and_hyphens_and_are_capped():
    from dashboard.state import MAX_SEARCH_TERMS, search_terms

    assert search_terms('"Child-Labour" in  Côte') == ["child", "labour", "in", "cote"]
    assert len(search_terms(" ".join(f"w{i}" for i in range(50)))) == MAX_SEARCH_TERMS
