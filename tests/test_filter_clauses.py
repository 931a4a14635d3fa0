"""Each filter's SQL, on the mini catalogue, against answers read off its CSV files by
hand (tests/data/mini). Every filter is tested with a value that leaves records out,
so removing its clause from the registry fails here (checked with
`python tools/filter_mutations.py`).

The mini catalogue has a multi-region project (moz-bra-ssc: Mozambique and Brazil), a
programme with a region but no country (lac-initiative), an ongoing project and one
with no years.
"""

from __future__ import annotations

import pytest

from dashboard import queries
from dashboard.db import warehouse_version
from dashboard.filters import REGISTRY, Filters

ALL_PROJECTS = {"moz-leda", "phl-youth", "lac-initiative", "bra-fifa", "arab-coops", "moz-bra-ssc"}
ALL_EXCHANGES = {"chefchaouen-2014", "odienne-2015"}
WITH_PARTICIPANTS = {"chefchaouen-2014"}  # odienne-2015 lists no participant

PROJECT_CASES = {
    # a project matches a region through any of its countries…
    "region Africa": (Filters(region=("Africa",)), {"moz-leda", "moz-bra-ssc"}),
    # …or through its own region (a programme without countries)
    "region Americas": (
        Filters(region=("Americas",)),
        {"lac-initiative", "bra-fifa", "moz-bra-ssc"},
    ),
    "country": (Filters(country=("MOZ",)), {"moz-leda", "moz-bra-ssc"}),
    "pillar": (Filters(pillar=("employment",)), {"phl-youth", "moz-bra-ssc"}),
    "topic": (Filters(topic=("child labour", "cooperatives")), {"lac-initiative", "arab-coops"}),
    "group": (Filters(group=("women",)), {"moz-bra-ssc"}),
    "partner_type": (Filters(partner_type=("donor",)), {"phl-youth"}),
    "status ongoing": (Filters(status=("ongoing",)), {"bra-fifa"}),
    "status unknown": (Filters(status=("unknown",)), {"lac-initiative"}),
    "type": (Filters(type=("programme",)), {"lac-initiative"}),
    "years": (Filters(years=(2004, 2008)), {"moz-leda", "moz-bra-ssc"}),
    "search one word": (Filters(q="FILIPINO"), {"phl-youth"}),
    "search every word": (Filters(q="exchange skills"), {"moz-bra-ssc"}),
    "and across, or within": (
        Filters(region=("Africa", "Arab States"), pillar=("social_dialogue",)),
        {"arab-coops"},
    ),
}

EXCHANGE_CASES = {
    # an exchange matches a region through its host or any participant
    "region via a participant": (
        Filters(region=("Europe and Central Asia",)),
        {"chefchaouen-2014"},
    ),
    "country via a participant": (Filters(country=("ESP",)), {"chefchaouen-2014"}),
    "country via the host": (Filters(country=("CIV",)), {"odienne-2015"}),
    "topic": (Filters(topic=("local economic development",)), {"chefchaouen-2014"}),
    "years": (Filters(years=(2015, 2015)), {"odienne-2015"}),
    "search": (Filters(q="seminar"), {"odienne-2015"}),
    # filters that do not apply to exchanges leave them all
    "pillar does not apply": (Filters(pillar=("employment",)), ALL_EXCHANGES),
    "group, partner type, status and type do not apply": (
        Filters(
            group=("women",), status=("ongoing",), type=("programme",), partner_type=("donor",)
        ),
        ALL_EXCHANGES,
    ),
}


@pytest.fixture
def version(monkeypatch, mini_warehouse):
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(mini_warehouse))
    return warehouse_version()


def test_the_mini_catalogue_is_what_these_tests_read(version):
    assert set(queries.projects(version, Filters())["project_id"]) == ALL_PROJECTS
    assert set(queries.exchanges(version, Filters())["exchange_id"]) == ALL_EXCHANGES


@pytest.mark.parametrize("case", list(PROJECT_CASES))
def test_each_filter_narrows_projects(version, case):
    filters, expected = PROJECT_CASES[case]
    assert set(queries.projects(version, filters)["project_id"]) == expected
    # the per-country and per-year queries narrow through the same clause
    assert set(queries.spans(version, filters)["project_id"]) == expected


@pytest.mark.parametrize("case", list(EXCHANGE_CASES))
def test_each_filter_narrows_exchanges_or_does_not_apply(version, case):
    filters, expected = EXCHANGE_CASES[case]
    assert set(queries.exchanges(version, filters)["exchange_id"]) == expected
    assert (
        set(queries.participants(version, filters)["exchange_id"]) == expected & WITH_PARTICIPANTS
    )


def test_every_registry_entry_has_a_case_here():
    """A new filter needs its own case above (the one test adding a filter asks for)."""
    names = {"q": "search"}
    for entry in REGISTRY:
        name = names.get(entry.key, entry.key)
        assert any(case == name or case.startswith(name + " ") for case in PROJECT_CASES), (
            f"no project case for the {entry.key!r} filter"
        )


def test_filter_options_list_every_value_with_a_code(version):
    options = queries.filter_options(version)
    assert options.values("region") == (
        "Africa",
        "Americas",
        "Arab States",
        "Asia and the Pacific",
        "Europe and Central Asia",  # only exchanges have a participant there
        "Multi-region",
    )
    assert "intermediary cities" in options.values("topic")  # an exchange's topic
    assert options.code("region", "Asia and the Pacific") == "asia_pacific"
    assert options.label("country", "MOZ") == "Mozambique"
    assert options.code("topic", "local economic development") == "local-economic-development"
    assert (
        options.label("pillar", "employment") == "Employment creation and sustainable enterprises"
    )
    assert (options.year_min, options.year_max) == (1997, 2015)
