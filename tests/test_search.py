"""The search box (`?q=`) as a researcher types it: whole words or word starts, never
a word's inside ("labor" once found only "collaboration"), one spelling for labour and
labor, programme and program, organisation and organization; case and accents ignored.

Expected answers come from the catalogue's raw text with a regular expression, not
from the search's own SQL."""

from __future__ import annotations

import re

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import queries
from dashboard.db import warehouse_version
from dashboard.filters import (
    Filters,
    _word_start,
    canonical_spelling,
    fold,
    search_terms,
    searchable_sql,
)


@pytest.fixture
def version(monkeypatch, atlas_warehouse):
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(atlas_warehouse))
    return warehouse_version()


@pytest.fixture(scope="module")
def project_texts(atlas_warehouse) -> dict[str, str]:
    """Each project's searched fields, as the catalogue holds them (not folded)."""
    con = duckdb.connect(str(atlas_warehouse / "atlas.duckdb"), read_only=True)
    rows = con.execute(
        """select p.project_id, concat_ws(' ', p.title, p.summary, p.beneficiaries,
                  p.outcomes, p.countries,
                  (select string_agg(pp.partner, ' ') from project_partners pp
                   where pp.project_no = p.project_no))
           from projects p"""
    ).fetchall()
    con.close()
    return dict(rows)


def found(version, q: str) -> set[str]:
    return set(queries.projects(version, Filters(q=q))["project_id"])


def matching(texts: dict[str, str], pattern: str) -> set[str]:
    return {pid for pid, text in texts.items() if re.search(pattern, text, re.IGNORECASE)}


@pytest.mark.parametrize("typed", ["labor", "labour", "LABOUR", "Labór"])
def test_labor_finds_every_project_saying_labour_and_none_saying_only_collaboration(
    version, project_texts, typed
):
    expected = matching(project_texts, r"\blabou?r")
    assert len(expected) >= 6  # the six projects the tester expected
    assert found(version, typed) == expected
    only_inside = matching(project_texts, r"\Blabor") - expected
    assert only_inside, "the catalogue should hold a 'collaboration' this test guards"
    assert not only_inside & found(version, typed)


@pytest.mark.parametrize(
    "spellings, pattern, plural, plurals",
    [
        (("program", "programme"), r"\bprogram", "Programmes", r"\bprogram(me)?s"),
        (
            ("organisation", "organization"),
            r"\borgani[sz]ation",
            "ORGANIZATIONS",
            r"\borgani[sz]ations",
        ),
    ],
)
def test_british_and_american_spellings_find_the_same_projects(
    version, project_texts, spellings, pattern, plural, plurals
):
    british, american = (found(version, typed) for typed in spellings)
    assert british == american == matching(project_texts, pattern)
    assert british
    assert found(version, plural) == matching(project_texts, plurals)


def test_accents_and_case_do_not_matter(version):
    assert found(version, "Türkiye") == found(version, "TURKIYE") == found(version, "turkiye")
    assert found(version, "turkiye")


def test_a_word_start_finds_longer_words_but_an_inner_piece_does_not(version, project_texts):
    assert found(version, "cooperative") == matching(project_texts, r"\bcooperative")
    assert found(version, "operative") == matching(project_texts, r"\boperative")


def test_search_terms_are_words_in_one_spelling():
    assert search_terms("Child-Labour  “programmes”") == ["child", "labor", "programs"]
    assert search_terms("organisation's") == ["organization", "s"]
    assert search_terms("%_\\") == []  # nothing but separators: no word


WORDS = st.text(alphabet="abcdeilnoprstuyzéüñç", min_size=1, max_size=12)
SEPARATORS = st.sampled_from([" ", "-", ", ", " (", "/", "'", "\n"])


@given(words=st.lists(WORDS, min_size=1, max_size=5), separator=SEPARATORS, data=st.data())
def test_any_start_of_any_word_finds_the_text_and_a_piece_from_inside_a_lone_word_does_not(
    words, separator, data
):
    """The SQL that builds the searched text and the Python that splits the search
    agree: every start of every word matches; a piece of a lone word's inside never
    does."""
    text = separator.join(words)
    con = duckdb.connect()
    searched = con.execute(
        f"select {searchable_sql('strip_accents(lower(?))')}", [text]
    ).fetchone()[0]

    def matches(q: str) -> bool:
        terms = search_terms(q)
        return all(
            con.execute("select ? like ? escape '\\'", [searched, _word_start(t)]).fetchone()[0]
            for t in terms
        )

    word = data.draw(st.sampled_from(words))
    start = word[: data.draw(st.integers(1, len(word)))]
    assert matches(start.upper()), (text, start)
    lone = fold(words[0])
    if len(words) == 1 and len(lone) >= 2:
        cut = data.draw(st.integers(1, len(lone) - 1))
        inner = lone[cut:]
        # a piece from inside matches only where it also starts the word ("a" in "aa")
        word_searched = canonical_spelling(lone)
        starts_too = all(word_searched.startswith(t) for t in search_terms(inner))
        assert matches(inner) == starts_too, (text, inner)


@pytest.mark.parametrize("typed, whole", [("labou", "labour"), ("programm", "programme")])
def test_the_start_of_a_british_spelling_still_finds_it(version, typed, whole):
    """The searched text holds one spelling ("labor"); a word typed halfway ("labou")
    must still find what the whole word finds."""
    assert found(version, whole) <= found(version, typed)
    assert found(version, typed)


@pytest.mark.parametrize("text, typed", [("हिंदी भाषा", "हिंदी"), ("Straße 5", "Straße")])
def test_python_folds_a_search_as_duckdb_folds_the_text(text, typed):
    con = duckdb.connect()
    searched = con.execute(
        f"select {searchable_sql('strip_accents(lower(?))')}", [text]
    ).fetchone()[0]
    for term in search_terms(typed):
        assert con.execute("select ? like ?", [searched, _word_start(term)]).fetchone()[0], term
