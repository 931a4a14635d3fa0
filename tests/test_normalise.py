"""Pure cell parsers: what a curator may type in a catalogue cell and what it becomes.

Property tests state the contract of docs/catalogue.md over generated input; the
examples are the cases a reader can check by eye.
"""

from __future__ import annotations

import csv
import gettext
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pycountry
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from etl import vocab
from etl.countries import resolve_country
from etl.normalise import (
    BadValue,
    Count,
    Phase,
    fold,
    parse_coordinate,
    parse_count,
    parse_counts,
    parse_end_year,
    parse_partial_date,
    parse_partner,
    parse_phases,
    parse_pillar,
    parse_year,
    split_multi,
)

ROOT = Path(__file__).resolve().parents[1]
FAST = settings(max_examples=75, deadline=None)

# Words a curator may type: any printable letters, digits, punctuation and symbols
# (accents included), but no whitespace, no control characters and no ';' or ':'.
WORD = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"),
        blacklist_characters=";:",
    ),
    min_size=1,
    max_size=8,
).filter(lambda w: not w.isspace() and w.split() == [w])
# A value: one or more words separated by single spaces (what a reader sees).
VALUE = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
# Whitespace Excel users end up with around values: spaces, tabs, no-break spaces.
PADDING = st.text(alphabet=" \t\u00a0", max_size=3)


@st.composite
def random_case(draw, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if up else c.lower() for c, up in zip(text, flips, strict=True))


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def bad_value(call, *args) -> BadValue:
    with pytest.raises(BadValue) as info:
        call(*args)
    return info.value


# --- years ------------------------------------------------------------------------


def test_every_year_1900_to_2100_round_trips_also_as_excel_float():
    for year in range(1900, 2101):
        assert parse_year(str(year)) == year
        assert parse_year(f"{year}.0") == year  # Excel number cell exported as text
        assert parse_year(f"  {year} ") == year


@pytest.mark.parametrize("cell", ["", "   "])
def test_empty_year_means_not_reported(cell):
    assert parse_year(cell) is None


@pytest.mark.parametrize(
    "cell", ["12", "20120", "2012a", "2012.5", "2,012", "two thousand", "c. 2012", "2012-2013"]
)
def test_non_year_text_is_refused_with_a_suggestion(cell):
    error = bad_value(parse_year, cell)
    assert error.suggestion and "four-digit year" in error.suggestion


@pytest.mark.parametrize("cell", ["1899", "2101", "0999", "9999"])
def test_year_out_of_range_is_refused_with_a_suggestion(cell):
    error = bad_value(parse_year, cell)
    assert error.suggestion


@FAST
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Nd")), min_size=1, max_size=12
    ).filter(lambda s: s.strip())
)
def test_text_without_digits_is_never_a_year(cell):
    error = bad_value(parse_year, cell)
    assert error.suggestion


@FAST
@given(st.data())
def test_ongoing_in_any_case_is_an_open_end(data):
    cell = data.draw(random_case("ongoing"))
    padding = data.draw(PADDING)
    assert parse_end_year(padding + cell + padding) == (None, True)


def test_end_year_is_a_year_or_refused():
    assert parse_end_year("2018") == (2018, False)
    assert parse_end_year("") == (None, False)
    error = bad_value(parse_end_year, "soon")
    assert "ongoing" in error.suggestion


# --- multi-value cells ----------------------------------------------------------------


@FAST
@given(st.lists(st.tuples(PADDING, VALUE, PADDING), max_size=6))
def test_split_multi_gives_the_values_back(padded):
    cell = "; ".join(before + value + after for before, value, after in padded)
    expected, seen = [], set()
    for _, value, _ in padded:
        if value.casefold() not in seen:  # repeats dropped, whatever their case
            seen.add(value.casefold())
            expected.append(value)
    assert split_multi(cell) == expected


def test_split_multi_examples():
    assert split_multi("Brazil; Argentina") == ["Brazil", "Argentina"]
    assert split_multi("youth;Youth; children ;") == ["youth", "children"]
    assert split_multi("child labour\nagriculture") == ["child labour", "agriculture"]


@pytest.mark.parametrize("cell", ["", " ", "\t", " ; ;", "\n"])
def test_split_multi_of_an_empty_cell_is_empty(cell):
    assert split_multi(cell) == []


# --- counts -------------------------------------------------------------------------

THOUSANDS = st.sampled_from([",", " ", ".", "\u00a0", "\u202f"])


@FAST
@given(st.integers(min_value=0, max_value=10**12), THOUSANDS)
def test_count_with_any_thousands_separator(n, separator):
    assert parse_count(str(n)) == n
    assert parse_count(f"{n:,}") == n
    assert parse_count(f"{n:,}".replace(",", separator)) == n


@pytest.mark.parametrize("text", ["", "ten", "-5", "1.5", "10,00", "1 0 0x"])
def test_count_refuses_what_is_not_a_whole_number(text):
    error = bad_value(parse_count, text)
    assert error.suggestion


LABEL = VALUE.filter(lambda v: fold(v))


@FAST
@given(
    st.lists(
        st.tuples(LABEL, st.integers(min_value=0, max_value=10**9), THOUSANDS),
        max_size=5,
        unique_by=lambda pair: fold(pair[0]),
    )
)
def test_counts_pairs_round_trip(pairs):
    cell = "; ".join(f"{label}: " + f"{n:,}".replace(",", sep) for label, n, sep in pairs)
    assert parse_counts(cell, groups=[]) == [Count(label, n, None) for label, n, _ in pairs]


def test_counts_example_from_the_catalogue_docs():
    cell = "youth: 10,000; local government representatives trained: 88"
    assert parse_counts(cell, ["youth"]) == [
        Count("youth", 10000, None),
        Count("local government representatives trained", 88, None),
    ]


def test_count_qualifiers_as_the_source_words_them():
    cell = "people covered: about 130,000,000; cities: at least 8; youth: target 10000"
    assert [(c.value, c.qualifier) for c in parse_counts(cell, [])] == [
        (130_000_000, "about"),
        (8, "at_least"),
        (10_000, "target"),
    ]
    # "sought to reach at least 10,000": a target, with the text's own "at least"
    (count,) = parse_counts("youth: target at least 10,000", ["youth"])
    assert (count.value, count.qualifier) == (10_000, "target_at_least")


def test_bare_number_goes_to_the_only_beneficiary_group():
    assert parse_counts("10 000", ["youth"]) == [Count("youth", 10000, None)]


def test_bare_number_with_two_groups_is_refused():
    error = bad_value(parse_counts, "10000", ["youth", "children"])
    assert "label" in error.message
    assert error.suggestion


def test_the_same_label_twice_is_refused():
    bad_value(parse_counts, "youth: 10; Youth: 20", [])


# --- partial dates ------------------------------------------------------------------

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@FAST
@given(DATES)
def test_iso_date_is_day_precise(day):
    parsed = parse_partial_date(day.isoformat())
    assert parsed.precision == "day"
    assert parsed.first_day == parsed.last_day == day


@FAST
@given(DATES)
def test_year_month_covers_the_whole_month(day):
    parsed = parse_partial_date(f"{day.year}-{day.month:02d}")
    assert parsed.precision == "month"
    assert parsed.first_day == date(day.year, day.month, 1)
    assert parsed.last_day.month == day.month
    assert (parsed.last_day + timedelta(days=1)).day == 1  # really the last day
    assert parsed.first_day <= day <= parsed.last_day


@pytest.mark.parametrize(
    ("text", "last_day"),
    [("2016-02", 29), ("2015-02", 28), ("2000-02", 29), ("1900-02", 28), ("2100-02", 28)],
)
def test_february_knows_leap_years(text, last_day):
    assert parse_partial_date(text).last_day.day == last_day


def test_year_only_covers_the_whole_year():
    parsed = parse_partial_date("2015")
    assert (parsed.precision, parsed.first_day, parsed.last_day) == (
        "year",
        date(2015, 1, 1),
        date(2015, 12, 31),
    )


@pytest.mark.parametrize(
    "text", ["2015-02-30", "2015-13", "2015-00", "2015-04-31", "2015-01-00", "28/01/2015"]
)
def test_impossible_dates_are_refused(text):
    error = bad_value(parse_partial_date, text)
    assert "YYYY" in error.suggestion


# --- phases -------------------------------------------------------------------------

YEARS = st.integers(min_value=1900, max_value=2100)


@st.composite
def phase(draw) -> tuple[str, Phase]:
    label = draw(st.none() | VALUE)
    start = draw(YEARS)
    kind = draw(st.sampled_from(["single", "range", "ongoing", "open"]))
    if kind == "open":  # the source gives the start only
        end = draw(st.sampled_from(["?", "unknown", "Not stated"]))
        years, expected = f"{start}-{end}", Phase(label, start, None, False)
    elif kind == "single":
        years, expected = f"{start}", Phase(label, start, start, False)
    elif kind == "range":
        end = draw(st.integers(min_value=start, max_value=2100))
        years, expected = f"{start}-{end}", Phase(label, start, end, False)
    else:
        ongoing = draw(random_case("ongoing"))
        years, expected = f"{start}-{ongoing}", Phase(label, start, None, True)
    text = years if label is None else f"{label}: {years}"
    return text, expected


@FAST
@given(st.lists(phase(), max_size=5, unique_by=lambda p: p[0].casefold()))
def test_phases_round_trip_through_the_text_format(phases):
    # Phases are written first to last; only the last may be ongoing.
    phases = sorted(phases, key=lambda p: p[1].start_year)
    assume(not any(expected.ongoing for _, expected in phases[:-1]))
    cell = "; ".join(text for text, _ in phases)
    assert parse_phases(cell) == [expected for _, expected in phases]


def test_phases_out_of_order_are_refused():
    error = bad_value(parse_phases, "Phase 2: 2006-2008; Phase 1: 1997-2003")
    assert "chronological" in error.message


def test_phases_example_from_the_catalogue_docs():
    assert parse_phases("Phase 1: 1997-2003; Phase 2: 2006–ongoing") == [
        Phase("Phase 1", 1997, 2003, False),
        Phase("Phase 2", 2006, None, True),
    ]


@FAST
@given(st.data())
def test_phase_ending_before_it_starts_is_refused(data):
    end = data.draw(st.integers(min_value=1900, max_value=2099))
    start = data.draw(st.integers(min_value=end + 1, max_value=2100))
    error = bad_value(parse_phases, f"Phase 1: {start}-{end}")
    assert "ends before it starts" in error.message


@pytest.mark.parametrize("cell", ["Phase 1 1997-2003", "1997 to 2003", "Phase 1: 97-03"])
def test_unreadable_phase_is_refused_with_the_format(cell):
    error = bad_value(parse_phases, cell)
    assert "label: 1997-2003" in error.suggestion


# --- pillars ------------------------------------------------------------------------

PILLAR_SPELLINGS = [(code, code) for code in vocab.PILLARS] + [
    (label, code) for code, label in vocab.PILLARS.items()
]


@FAST
@given(st.data())
def test_every_pillar_code_and_label_in_any_case(data):
    text, code = data.draw(st.sampled_from(PILLAR_SPELLINGS))
    assert parse_pillar(data.draw(random_case(text))) == code


def test_pillar_typo_suggests_the_code():
    error = bad_value(parse_pillar, "social protecion")
    assert "social_protection" in error.suggestion


def test_unknown_pillar_lists_the_codes():
    error = bad_value(parse_pillar, "gardening")
    assert all(code in error.suggestion for code in vocab.PILLARS)


# --- countries ----------------------------------------------------------------------


def reference_iso3() -> list[str]:
    path = ROOT / "data" / "reference" / "country_regions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["iso3"] for row in csv.DictReader(handle)]


def test_every_reference_country_resolves_from_code_and_en_fr_es_names():
    translations = {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in ("fr", "es")
    }
    failures, checked = [], 0
    for iso3 in reference_iso3():
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None:
            continue  # e.g. XKX (Kosovo) is not in ISO 3166-1
        spellings = {
            "code": iso3,
            "code, lower case": iso3.lower(),
            "code, mixed case": iso3[0] + iso3[1:].lower(),
            "en": country.name,
            "fr": translations["fr"].gettext(country.name),
            "es": translations["es"].gettext(country.name),
        }
        for kind, text in spellings.items():
            checked += 1
            try:
                got = resolve_country(text)
            except BadValue as exc:
                got = f"BadValue: {exc.message} ({exc.suggestion})"
            if got != iso3:
                failures.append(f"{iso3} {kind} {text!r} -> {got}")
    print(f"{checked} spellings checked, {len(failures)} failures:", *failures, sep="\n  ")
    assert checked > 1400
    # No name of ISO 3166 in en/fr/es is shared by two countries once accents and
    # case are ignored, so none is excused as ambiguous: every one must resolve.
    assert failures == []


def test_the_french_and_spanish_names_are_really_translated():
    # guards the test above: without the translation files fr/es would just be English
    fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    es = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
    assert fr.gettext("Germany") == "Allemagne"
    assert es.gettext("Germany") == "Alemania"
    assert resolve_country("Allemagne") == resolve_country("Alemania") == "DEU"


ACCENTED = {
    "Côte d'Ivoire": "CIV",
    "Perú": "PER",
    "México": "MEX",
    "España": "ESP",
    "Bénin": "BEN",
    "Sénégal": "SEN",
    "Türkiye": "TUR",
    "São Tomé and Príncipe": "STP",
}


@pytest.mark.parametrize(("name", "iso3"), ACCENTED.items())
def test_accented_names_resolve(name, iso3):
    assert resolve_country(name) == iso3


@FAST
@given(st.data())
def test_accents_and_case_do_not_matter(data):
    name = data.draw(st.sampled_from(sorted(ACCENTED)))
    typed = data.draw(random_case(data.draw(st.sampled_from([name, strip_accents(name)]))))
    assert resolve_country(typed) == ACCENTED[name]


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Ivory Coast", "CIV"),
        ("occupied Palestinian territory", "PSE"),
        ("Syria", "SYR"),
        ("Vietnam", "VNM"),
        ("Turkey", "TUR"),
        ("Bolivia", "BOL"),
        ("Venezuela", "VEN"),
        ("Timor Leste", "TLS"),
        ("Cape Verde", "CPV"),
        ("Sao Tome and Principe", "STP"),
        ("Kosovo", "XKX"),
        ("XKX", "XKX"),
    ],
)
def test_the_publications_own_spellings_resolve(name, iso3):
    assert resolve_country(name) == iso3


def test_unknown_country_is_refused():
    error = bad_value(resolve_country, "Atlantis")
    assert error.message == "unknown country"
    assert "ISO3" in error.suggestion


def test_country_typo_suggests_the_country():
    error = bad_value(resolve_country, "Cote d'Ivore")
    assert "Côte d'Ivoire" in error.suggestion
    assert "CIV" in error.suggestion


# --- coordinates and partners -------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "limit", "value"),
    [("-25,96553", 90, -25.96553), ("32,58", 180, 32.58), ("-25.96553", 90, -25.96553)],
)
def test_coordinate_accepts_decimal_comma(cell, limit, value):
    assert parse_coordinate(cell, limit) == value


@FAST
@given(st.floats(min_value=-90, max_value=90), st.sampled_from([".", ","]))
def test_latitude_in_range_reads_back_in_either_decimal_mark(lat, mark):
    text = f"{lat:.6f}"
    assert parse_coordinate(text.replace(".", mark), 90) == float(text)


@pytest.mark.parametrize(("cell", "limit"), [("100", 90), ("-90,5", 90), ("181", 180)])
def test_coordinate_out_of_range_suggests_swapped_lat_lon(cell, limit):
    error = bad_value(parse_coordinate, cell, limit)
    assert "swapped" in error.suggestion


def test_partner_with_type():
    assert parse_partner("UN-Habitat [un_agency]") == ("UN-Habitat", "un_agency")
    assert parse_partner("ILO [UN agency]") == ("ILO", "un_agency")
    assert parse_partner("Government of Spain") == ("Government of Spain", None)


@pytest.mark.parametrize("item", ["UN-Habitat [charity]", "UN-Habitat [un_agency", "X ] y"])
def test_partner_with_unknown_or_broken_type_is_refused(item):
    error = bad_value(parse_partner, item)
    assert error.suggestion


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789١٢³.,  \u00a0\u202fx-"), max_size=16))
def test_parse_count_keeps_the_rules_of_its_regular_expressions(text):
    """parse_count was written with regular expressions; its faster form must accept
    and refuse exactly the same text, with the same number."""
    import re

    def by_regex(raw: str) -> int | None:
        raw = raw.strip()
        compact = re.sub(r"[\s\u00a0\u202f]", "", raw)
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", compact):
            compact = re.sub(r"[.,]", "", compact)
        compact = re.sub(r"\.0+$", "", compact)
        if not re.fullmatch(r"\d+", compact) or len(compact) > 13 or int(compact) > 10**12:
            return None
        return int(compact)

    try:
        got = parse_count(text)
    except BadValue:
        got = None
    assert got == by_regex(text)


COUNT_CELL = st.lists(
    st.sampled_from(
        ["youth", "local authorities", "a:b", ": ", ":", " ", "  ", "\u00a0", ";", "\n",
         "at least ", "approx ", "approximately ", "About ", "over", "~", "target ",
         "1", "308", ",946", ",94", "0", "9999999999999", "12.0", "1.234", "x"]
    ),
    max_size=7,
).map("".join)  # fmt: skip


PLAIN_COUNT = st.builds(
    lambda label, sep, qualifier, number: f"{label}{sep}{qualifier}{number}",
    st.sampled_from(["youth", "local authorities", "a  b", "x\u00a0y", "x;y", ""]),
    st.sampled_from([": ", ":", ":  ", " : "]),
    st.sampled_from(["", "at least ", "approx ", "approximately ", "over ", "up to ", "About "]),
    st.sampled_from(["5", "308,946", "1,234,567", "9999999999999", "1000000000000", "12,34"]),
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(COUNT_CELL, PLAIN_COUNT), st.sampled_from([[], ["youth"], ["youth", "women"]]))
def test_the_one_count_shortcut_reads_as_the_general_rule(cell, groups):
    """parse_counts reads a plainly written single count with one regular expression;
    it must give what the general rule gives, or the same error."""
    from etl.normalise import _parse_counts, parse_counts

    def outcome(parse):
        try:
            return parse(cell.strip(), groups)
        except BadValue as exc:
            return (exc.message, exc.suggestion)

    assert outcome(parse_counts) == outcome(_parse_counts)
