"""Display helpers of the Projects and City-to-City pages: what a reader sees for years,
counts, places, dates and outcomes — and "not reported", never 0, when the source is silent."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from dashboard import formatting, theme


@pytest.mark.parametrize(
    ("start", "end", "ongoing", "shown"),
    [
        (2012, 2017, False, "2012–2017"),
        (2013, None, True, "2013–ongoing"),
        (2013, pd.NA, True, "2013–ongoing"),
        (2010, 2010, False, "2010"),
        (None, None, False, "not reported"),
        (float("nan"), float("nan"), None, "not reported"),
        (pd.NA, pd.NA, pd.NA, "not reported"),
        (2011, None, False, "2011–end not reported"),
        (None, 2015, False, "start not reported–2015"),
        (None, None, True, "ongoing (start not reported)"),
        (2012.0, 2017.0, False, "2012–2017"),
    ],
)
def test_years_text(start, end, ongoing, shown):
    assert formatting.years_text(start, end, ongoing) == shown


def test_years_text_says_what_is_missing_as_asked():
    assert formatting.years_text(None, None, False, missing="years not reported") == (
        "years not reported"
    )
    # a start year alone is not a one-year project
    assert formatting.years_text(2007, None, False, missing="years not reported") == (
        "2007–end not reported"
    )


def test_phases_keep_their_gaps_and_order():
    phases = pd.DataFrame(
        {
            "phase_no": [2, 1, 3],
            "label": ["Phase 2", "Phase 1", None],
            "start_year": [2006, 1997, 2014],
            "end_year": [2008, 2003, None],
            "ongoing": [False, False, True],
        }
    )
    assert formatting.phase_lines(phases) == [
        "Phase 1: 1997–2003",
        "Phase 2: 2006–2008",
        "Phase 3: 2014–ongoing",
    ]
    assert formatting.phase_lines(phases.iloc[0:0]) == []


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "not reported"),
        (float("nan"), "not reported"),
        (pd.NA, "not reported"),
        ("", "not reported"),
        (10000, "10,000"),
        (130000000, "130,000,000"),
        (3.0, "3"),
        (0, "0"),  # a real zero the source states stays a zero
        (2.5, "2.5"),
    ],
)
def test_count_text_never_turns_missing_into_zero(value, shown):
    assert formatting.count_text(value) == shown


def test_beneficiaries_table_says_not_reported_for_missing_counts():
    groups = pd.DataFrame(
        {"beneficiary_group": ["children", "youth", "families"], "count": [pd.NA, 10000, None]},
    ).astype({"count": "Int64"})
    table = formatting.beneficiaries_table(groups)
    assert list(table["Count"]) == ["not reported", "10,000", "not reported"]
    assert "0" not in list(table["Count"])


def test_counts_table_labels_people_and_figures():
    counts = pd.DataFrame(
        {
            "label": ["youth", "municipalities"],
            "value": [10000, 41],
            "is_beneficiary_group": [True, False],
        }
    )
    table = formatting.counts_table(counts)
    assert table.to_dict("records") == [
        {"What is counted": "youth", "Count": "10,000", "Kind": "people (beneficiary group)"},
        {"What is counted": "municipalities", "Count": "41", "Kind": "stated figure"},
    ]


def test_localities_without_coordinates_say_so():
    places = pd.DataFrame(
        {
            "name": ["Ordu", "Upper Egypt"],
            "iso3": ["TUR", "EGY"],
            "country": ["Türkiye", None],
            "lat": [40.97782, None],
            "lon": [37.89047, None],
            "admin_level": ["province", "area"],
            "coord_note": ["seat of Ordu Province", None],
            "notes": [None, "geographic region; no single seat"],
        }
    )
    table = formatting.localities_table(places)
    assert table["Location"].tolist() == ["40.978° N, 37.890° E", "location not reported"]
    assert table["Country"].tolist() == ["Türkiye", "EGY"]
    assert table["Note"].tolist() == ["seat of Ordu Province", "geographic region; no single seat"]
    assert formatting.location_text(-25.97, -89.19) == "25.970° S, 89.190° W"
    assert formatting.location_text(0.0, None) == "location not reported"


def test_partner_types_are_labelled_and_missing_types_are_not_stated():
    partners = pd.DataFrame(
        {
            "partner": ["UN-Habitat", "CAOBISCO", "Someone"],
            "partner_type": ["un_agency", "private_sector", None],
        }
    )
    assert formatting.partners_table(partners)["Type"].tolist() == [
        "UN agency",
        "Private sector",
        theme.PARTNER_TYPE_NOT_STATED,
    ]
    assert formatting.partner_type_label("research_body") == "Research body"  # not in the vocab


@pytest.mark.parametrize(
    ("start", "end", "precision", "shown"),
    [
        ("2014-09-24", "2014-09-27", "day", "24–27 September 2014"),
        ("2013-06-28", "2013-06-28", "day", "28 June 2013"),
        ("2013-06-28", "2013-07-02", "day", "28 June – 2 July 2013"),
        ("2012-11-01", "2012-11-30", "month", "November 2012"),
        ("2015-01-01", "2015-12-31", "year", "2015"),
        (None, None, None, "not reported"),
    ],
)
def test_exchange_dates_keep_the_sources_precision(start, end, precision, shown):
    to_date = lambda v: None if v is None else date.fromisoformat(v)  # noqa: E731
    assert (
        formatting.date_display(to_date(start), pd.Timestamp(end) if end else None, precision)
        == shown
    )


def test_date_display_falls_back_to_the_source_text():
    assert formatting.date_display(None, None, None, "spring 2016") == "spring 2016"


def test_outcome_types_become_labelled_badges():
    assert formatting.outcome_types("network; declaration; roadmap") == [
        ("network", "Network", "green"),
        ("declaration", "Declaration", "violet"),
        ("roadmap", "Roadmap", "blue"),
    ]
    assert formatting.outcome_types(None) == []


def test_participants_table_uses_role_labels_and_names_missing_cities():
    people = pd.DataFrame(
        {
            "iso3": ["MAR", "BEN"],
            "country": ["Morocco", "Benin"],
            "city": ["Chefchaouen", None],
            "role": ["host", "learner"],
            "notes": [None, None],
        }
    )
    table = formatting.participants_table(people)
    assert table["Role"].tolist() == [theme.ROLE_LABELS["host"], theme.ROLE_LABELS["learner"]]
    assert table["City"].tolist() == ["Chefchaouen", "cities not named"]
    assert formatting.exchange_countries(people.iloc[::-1]) == ["Morocco", "Benin"]


def test_follow_ups_in_both_directions():
    index = pd.DataFrame(
        {
            "exchange_id": ["a", "b", "c"],
            "follows": [None, "a", "a"],
            "title": ["A", "B", "C"],
        }
    )
    follows, followed_by = formatting.follow_ups("a", index)
    assert follows == [] and [r["exchange_id"] for r in followed_by] == ["b", "c"]
    follows, followed_by = formatting.follow_ups("b", index)
    assert [r["exchange_id"] for r in follows] == ["a"] and followed_by == []


def test_resolve_choice_keeps_a_linked_project_hidden_by_filters():
    known = {"a", "b", "hidden"}.__contains__
    assert formatting.resolve_choice(None, ["a", "b"], known) == (["a", "b"], "a", False, False)
    assert formatting.resolve_choice("b", ["a", "b"], known) == (["a", "b"], "b", False, False)
    assert formatting.resolve_choice("hidden", ["a", "b"], known) == (
        ["hidden", "a", "b"],
        "hidden",
        True,
        False,
    )
    assert formatting.resolve_choice("nope", ["a", "b"], known) == (["a", "b"], "a", False, True)
    assert formatting.resolve_choice(None, [], known) == ([], None, False, False)


def test_projects_table_shows_labels_years_and_a_link_per_project():
    projects = pd.DataFrame(
        {
            "project_id": ["p1", "p2"],
            "title": ["One", "Two"],
            "countries": ["Türkiye", None],
            "region": ["Europe and Central Asia", "Multi-region"],
            "pillar": ["rights", "social_protection"],
            "start_year": pd.array([2012, None], dtype="Int64"),
            "end_year": pd.array([2017, None], dtype="Int64"),
            "ongoing": [False, False],
            "status": ["completed", "unknown"],
            "topics": ["child labour; agriculture", None],
        }
    )
    table = formatting.projects_table(projects, link=lambda pid: f"http://x/projects?project={pid}")
    assert table["Years"].tolist() == ["2012–2017", "not reported"]
    assert table["Pillar"].tolist() == ["Rights at work", "Social protection"]
    assert table["Status"].tolist() == ["Completed", "End not reported"]
    assert table["Countries"].tolist() == ["Türkiye", "not reported"]
    assert table["Link"].tolist() == [
        "http://x/projects?project=p1",
        "http://x/projects?project=p2",
    ]


def test_pillar_chip_is_readable_on_its_colour():
    chip = formatting.pillar_chip("employment")
    assert theme.PILLAR_COLOURS["employment"] in chip and "color:#111111" in chip  # dark on orange
    assert "color:#FFFFFF" in formatting.pillar_chip("rights")  # white on blue
    assert "&lt;b&gt;" in formatting.chip_html("<b>", "#000000")  # labels are escaped


def test_catalogue_text_cannot_turn_into_latex_or_links():
    shown = formatting.md("entitled to R$300 (~US$83) every three months")
    assert shown == "entitled to R\\$300 (\\~US\\$83) every three months"
    assert formatting.md("[not a link](x) <b>") == "\\[not a link\\](x) \\<b\\>"
    assert formatting.md(None) == "not reported"
    link = formatting.md_link("http://www.ilo.org/a_(b).pdf")
    # the label is text (no autolink inside it); the target is the URL
    assert link == "[http\\://www\\.ilo.org/a\\_(b).pdf](http://www.ilo.org/a_%28b%29.pdf)"
    assert formatting.md_link("javascript:alert(1)") == "javascript\\:alert(1)"  # never a link


def test_counts_keep_the_sources_qualifier():
    assert formatting.count_text(10000, "target") == "target 10,000"
    assert formatting.count_text(8, "at_least") == "at least 8"
    assert formatting.count_text(130_000_000, None) == "130,000,000"
    assert formatting.count_text(None, "about") == formatting.NOT_REPORTED


# --- the HTML snippets pages show (every value escaped) ---------------------------------

HOSTILE = "<img src=x onerror=alert(1)>"


def test_map_list_caption_escapes_every_value():
    row = {
        "project_id": "a'><script>",
        "title": HOSTILE,
        "pillar": "employment",
        "start_year": 2009,
        "end_year": None,
        "ongoing": True,
        "countries": "Côte d'Ivoire & <b>Ghana</b>",
    }
    item = formatting.map_list_caption(row)
    assert "<script>" not in item and "<b>" not in item
    assert "data-project='a&#x27;&gt;&lt;script&gt;'" in item
    assert theme.PILLAR_COLOURS["employment"] in item and "Employment" in item
    assert "2009–ongoing" in item and "Côte d&#x27;Ivoire &amp; &lt;b&gt;Ghana&lt;/b&gt;" in item


def test_map_list_caption_says_what_is_not_reported():
    item = formatting.map_list_caption({"title": "T", "pillar": None, "countries": None})
    assert "years not reported" in item and "country not reported" in item
    assert "#777777" in item  # no pillar: a neutral dot, not a pillar's colour


def test_project_badges_escape_the_record_type_and_status():
    badges = formatting.project_badges(
        {"pillar": "rights", "record_type": HOSTILE, "status": "ongoing"}
    )
    assert "<img" not in badges and "&lt;img" in badges
    assert "Ongoing" in badges and theme.PILLAR_COLOURS["rights"] in badges


def test_role_chips_name_every_role_in_its_colour():
    chips = formatting.role_chips()
    for role in formatting.ROLE_PRIORITY:
        assert theme.ROLE_LABELS[role] in chips and theme.ROLE_COLOURS[role] in chips


def test_the_projects_download_is_the_table_then_the_typed_years():
    projects = pd.DataFrame(
        {
            "project_id": ["p1", "p2", "p3"],
            "title": ["One", "  ", "Three"],
            "countries": ["Türkiye", None, "Chile"],
            "region": ["Europe and Central Asia", "Multi-region", "Americas"],
            "pillar": ["rights", None, "employment"],
            "start_year": pd.array([2012, None, 2010], dtype="Int64"),
            "end_year": pd.array([2017, None, None], dtype="Int64"),
            "ongoing": pd.array([False, False, True], dtype="boolean"),
            "status": ["completed", "unknown", "ongoing"],
            "topics": ["child labour; agriculture", None, ""],
        }
    )
    link = "http://x/projects?project=".__add__
    table = formatting.projects_table(projects, link=link)
    down = formatting.projects_download(projects, link=link)
    pd.testing.assert_frame_equal(down[list(table.columns)], table)
    assert down["Years"].tolist() == ["2012–2017", "not reported", "2010–ongoing"]
    assert down["Project"].tolist()[1] == "not reported"  # blank text is not reported
    assert down["Topics"].tolist()[2] == "not reported"
    assert str(down["end_year"].dtype) == "Int64" and pd.isna(down["end_year"].iloc[1])
    assert down["ongoing"].tolist() == [False, False, True]


# --- at scale -----------------------------------------------------------------------------


def test_a_part_of_a_total_fits_a_metric_tile():
    # a quarter-width tile showed "932,873 of 1,43…"
    assert formatting.part_metric("Localities plotted", 50, 55) == (
        "Localities plotted",
        "50 of 55",
    )
    assert formatting.part_metric("Localities plotted", 932_873, 1_433_496) == (
        "Localities plotted (of 1,433,496)",
        "932,873",
    )


def test_a_long_list_of_names_is_cut_with_a_count():
    names = [f"Island {i}" for i in range(70)]
    shown = formatting.cut_list(names, 20)
    assert shown.startswith("Island 0, Island 1") and shown.endswith("and 50 more")
    assert "Island 18, Island 19 and 50 more" in shown and "Island 20" not in shown
    assert formatting.cut_list(["Tuvalu", "Nauru"], 20) == "Tuvalu, Nauru"


def test_an_address_in_catalogue_text_links_to_exactly_that_address():
    """A curator's note with http://…/WCMS_247466/…: the link's target is the address as
    written (it was autolinked with the markdown escapes: …WCMS%5C_247466…)."""
    note = "See http://www.ilo.org/pardev/news/WCMS_247466/lang--en/index.htm. Also (http://a.b/c_(d))."
    shown = formatting.md(note)
    targets = re.findall(r"\]\((http[^)\s]*(?:%29)?)\)", shown)
    assert targets == [
        "http://www.ilo.org/pardev/news/WCMS_247466/lang--en/index.htm",
        "http://a.b/c_%28d%29",
    ]
    assert "\\" not in "".join(targets)
    # anything else stays inert: no link from a javascript: target, no image, no HTML
    hostile = formatting.md("[x](javascript:alert(1)) ![i](http://e.vil/i.png) <b>")
    assert "\\[x\\](javascript" in hostile  # escaped: read as typed, not a link
    assert "<b>" not in hostile and "\\!\\[i\\]" in hostile


def test_every_address_the_catalogue_text_holds_renders_as_a_well_formed_link():
    import csv

    from conftest import CATALOGUE

    from dashboard import inert

    written = []
    for name in ("projects", "exchanges", "reported_figures", "localities"):
        with open(CATALOGUE / f"{name}.csv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                written += [
                    (name, column, value)
                    for column, value in row.items()
                    if re.search(r"https?://", value or "")
                ]
    assert written, "the catalogue's notes cite links"
    for name, column, value in written:
        targets = re.findall(r"\]\((\S+?)\)(?!\))", formatting.md(value))
        assert len(targets) == len(re.findall(r"https?://", value)), (name, column, value)
        for target in targets:
            assert inert.http_url(target) == target, (name, column, target)
            assert "\\" not in target and "%5C" not in target.upper(), (name, column, target)


def test_every_chip_text_meets_wcag_contrast_on_its_colour():
    """Social dialogue's pink once carried white text at 3:1 (axe: serious)."""
    import re

    from dashboard import theme

    for colour in [*theme.PILLAR_COLOURS.values(), *theme.ROLE_COLOURS.values()]:
        chip = formatting.chip_html("label", colour)
        ink = re.search(r";color:(#[0-9A-Fa-f]{6})", chip).group(1)
        assert theme.contrast(ink, colour) >= 4.5, (colour, ink)


def test_exchange_labels_of_those_shown_are_each_exchanges_own_label(atlas_warehouse):
    """The Exchanges picker's labels, made once for the exchanges on screen, read as the
    label each exchange gets on its own (its date, then its title)."""
    from dashboard import queries
    from dashboard.db import warehouse_version

    index = queries.exchange_index(warehouse_version(atlas_warehouse))
    ids = tuple(index["exchange_id"])[::2] + ("no-such-exchange",)
    labels = formatting.exchange_labels(index, ids)
    by_id = index.set_index("exchange_id", drop=False)
    assert set(labels) == set(ids) - {"no-such-exchange"}
    for exchange_id, shown in labels.items():
        assert shown == formatting.exchange_label(by_id.loc[exchange_id].to_dict())
