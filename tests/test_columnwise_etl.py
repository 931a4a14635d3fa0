"""The column-at-a-time ETL against the row-by-row one it replaced (issue 8).

`oracle_validate` and `oracle_transform` are the ETL as it was: on the same catalogues
both must report the same problems, in the same order, and build the same tables.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import oracle_transform
import oracle_validate
import pandas as pd
import pytest
from conftest import quiet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bad_input import CASES, edit_cell

from etl.problems import Report
from etl.reading import read_catalogue
from etl.synth import synthesize
from etl.transform import build_tables
from etl.validate import validate

MINI = Path(__file__).parent / "data" / "mini"
CURATED = Path(__file__).parent.parent / "data" / "catalogue"

# cells that exercise the rules: the bad-input cases' values, and more
TRICKY = sorted(
    {value for _, _, _, value, _, _ in CASES}
    | {
        "",
        "ongoing",
        "2010",
        "1999",
        "Brazil; Brésil",
        "Antarctica",
        "Mozambique; Brazil",
        "Namibia; namibia; NAM",
        "  Brazil ;;  Mozambique  ",
        "Brazil\nMozambique",
        "Atlantis; Brazil",
        "Brazil; Antarctica",
        "Belgium; Namibia",
        "Americas",
        "Africa",
        "Phase 1: 2001",
        "Phase 1: 2001-ongoing",
        "-25.9",
        "32,58",
        "1e2",
        "youth: 10",
        "cities: about 4; youth: 3",
        "UN-Habitat [un_agency]; NGO",
        "rights",
        "mozambique",
        "moz-leda",
        "phl-youth",
        "x [",
    }
)
SHEETS = {
    "projects.csv": (
        [2, 3, 4, 5],
        [
            "project_id",
            "title",
            "countries",
            "region",
            "start_year",
            "end_year",
            "phases",
            "pillar",
            "topics",
            "beneficiary_groups",
            "beneficiaries_count",
            "partners",
            "source_ref",
            "source_url",
            "record_type",
        ],
    ),
    "localities.csv": ([2, 3], ["project_id", "iso3", "name", "lat", "lon", "admin_level"]),
}
EDIT = st.sampled_from(sorted(SHEETS)).flatmap(
    lambda file: st.tuples(
        st.just(file),
        st.sampled_from(SHEETS[file][0]),
        st.sampled_from(SHEETS[file][1]),
        st.sampled_from(TRICKY),
    )
)


def both(source: Path):
    """(old catalogue, old report), (new catalogue, new report) of one source."""
    old_report, new_report = Report(), Report()
    old = oracle_validate.validate(read_catalogue(source, old_report), old_report)
    new = validate(read_catalogue(source, new_report), new_report)
    return (old, old_report), (new, new_report)


def assert_same_tables(old, new) -> None:
    kept = {"source": "x", "synthetic": False, "extra_meta": {}}
    before = oracle_transform.build_tables(old, **kept)
    after = build_tables(new, **kept)
    assert list(before) == list(after)
    ids = after["projects"]["project_id"]
    for name in before:
        if name == "meta":
            continue
        table = after[name].reset_index(drop=True)
        if "project_no" in table:  # (schema 5; the oracle predates it) each row's project's
            numbers = pd.Index(ids).get_indexer(table["project_id"]) + 1
            assert (table.pop("project_no").to_numpy() == numbers).all(), name
        pd.testing.assert_frame_equal(before[name].reset_index(drop=True), table, obj=name)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, min_size=1, max_size=5))
def test_the_same_problems_in_the_same_order_and_the_same_tables(edits):
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "catalogue"
        shutil.copytree(MINI, source)
        for file, row, column, value in edits:
            edit_cell(source / file, row, column, value)
        (old, old_report), (new, new_report) = both(source)
        assert new_report.problems == old_report.problems
        if old_report.ok:
            assert_same_tables(old, new)


@pytest.mark.parametrize("name", ["curated", "generated"])
def test_real_and_generated_catalogues_build_the_same_tables(name, tmp_path):
    source = CURATED
    if name == "generated":
        source = tmp_path / "synth"
        synthesize(800, source, seed=5, progress=quiet)
    (old, old_report), (new, new_report) = both(source)
    assert old_report.ok and new_report.ok, new_report.render()[:2000]
    assert_same_tables(old, new)


def test_a_mistyped_id_among_a_million_still_gets_a_suggestion_quickly():
    """Past 20,000 ids the suggestion looks among ids sharing most of the value's
    start (difflib over every id would take seconds per problem)."""
    from etl.columns import IdSuggester

    ids = {f"syn-{n:07d}" for n in range(200_000)}
    hint = IdSuggester(ids)
    assert hint("syn-0001234x") == "syn-0001234"
    assert hint("SYN-0123456") == "syn-0123456"
    assert hint("unrelated") is None


COUNTRY_PARTS = [
    "Namibia",
    "namibia",
    "NAM",
    " Belgium ",
    "Atlantis",
    "Africa",
    "Antarctica",
    "Côte d'Ivoire",
    "Cote d'Ivore",
    "Brazil, Argentina",
    "",
    "  ",
    "Brésil",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(COUNTRY_PARTS), max_size=5),
    st.sampled_from([";", "; ", " ;", "\n"]),
)
def test_the_countries_shortcut_answers_as_the_general_path(parts, separator):
    """etl.validate reads a plain countries cell (no region given) by a shortcut: its
    answer is the general path's whenever it gives one, and it gives one for a list of
    countries that all resolve."""
    from etl.validate import _geography, _plain_geography

    cell = separator.join(parts)
    general = _geography(cell, " ")  # a blank region cell takes the general path
    assert _geography(cell, "") == general
    plain = _plain_geography(cell)
    if plain is not None:
        assert (plain, []) == general
    elif "\n" not in cell:
        assert general[1], "the shortcut gave up on a cell the general path accepts"
