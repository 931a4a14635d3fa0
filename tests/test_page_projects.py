"""Projects page through AppTest on app.py: the table equals the SQL with and without
filters, a project's own link opens its detail (even when filters would hide it), and
what the source does not report says "not reported"."""

from __future__ import annotations

import json

import apptest_support
import duckdb
import pandas as pd
import pytest
from apptest_support import markdown_text
from streamlit.testing.v1 import AppTest

from dashboard import formatting, scale, theme, ui

PAGE = "pages/projects.py"
HAZELNUT = "tur-hazelnut-child-labour"


@pytest.fixture
def open_page(monkeypatch, atlas_warehouse):
    return apptest_support.page_opener(monkeypatch, atlas_warehouse, PAGE, "Projects")


def table(at: AppTest):
    (frame,) = [d.value for d in at.dataframe if "Link" in d.value.columns]
    return frame


def test_table_lists_every_project(open_page, sql):
    at = open_page()
    shown = table(at)
    expected = sql("select project_id, title from projects order by project_id")
    assert sorted(zip(shown["project_id"], shown["Project"], strict=True)) == expected
    assert at.subheader[0].value == f"{len(expected)} projects"
    row = shown.set_index("project_id").loc[HAZELNUT]
    assert row["Years"] == "2012–2017"
    assert row["Link"].endswith(f"/projects?project={HAZELNUT}")
    ongoing = sql("select project_id, start_year from projects where ongoing")
    for project_id, start in ongoing:
        expected_years = "ongoing (start not reported)" if start is None else f"{start}–ongoing"
        assert shown.set_index("project_id").at[project_id, "Years"] == expected_years
    undated = sql("select project_id from projects where start_year is null and not ongoing")
    assert undated, "the catalogue has records without years"
    for (project_id,) in undated:
        assert shown.set_index("project_id").at[project_id, "Years"] == "not reported"


def test_table_follows_search_and_region_from_the_url(open_page, sql):
    at = open_page(q="child labour", region="africa")
    expected = sql(
        """
        select p.project_id from projects p
        where (p.region = 'Africa' or exists (select 1 from project_countries c
               where c.project_id = p.project_id and c.region = 'Africa'))
          and lower(concat_ws(' ', p.title, p.summary, p.beneficiaries, p.outcomes,
                p.countries)) like '%child%'
          and lower(concat_ws(' ', p.title, p.summary, p.beneficiaries, p.outcomes,
                p.countries)) like '%labour%'
        order by 1
        """
    )
    assert expected, "the fixture should keep at least one project"
    assert sorted(table(at)["project_id"]) == [r[0] for r in expected]
    # with the search alone, more projects come back (the region did narrow the table)
    wider = open_page(q="child labour")
    assert len(table(wider)) > len(expected)


def test_project_link_shows_its_detail(open_page, sql):
    at = open_page(project=HAZELNUT)
    title, url = sql("select title, source_url from projects where project_id = ?", HAZELNUT)[0]
    assert at.header[0].value == title
    assert at.selectbox(key="project").value == HAZELNUT
    shown = markdown_text(at)
    assert "**Years**  \n2012–2017" in shown
    assert url in shown
    places = [d.value for d in at.dataframe if "Place" in d.value.columns][0]
    assert "Ordu" in set(places["Place"])
    assert f"/projects?project={HAZELNUT})" in shown  # its own link, as a link
    (deck,) = at.get("deck_gl_json_chart")
    assert "Ordu" in deck.proto.json  # the small map carries its localities
    assert not [i for i in at.info if "outside the current filters" in i.value]


def test_project_hidden_by_filters_is_still_shown_and_says_so(open_page):
    at = open_page(project=HAZELNUT, region="africa")
    assert HAZELNUT not in set(table(at)["project_id"])
    assert at.selectbox(key="project").value == HAZELNUT
    assert "Hazelnut" in at.header[0].value
    assert any("outside the current filters" in i.value for i in at.info)


def test_missing_counts_say_not_reported_never_zero(open_page, sql):
    project_id = sql(
        """
        select p.project_id from projects p
        where not exists (select 1 from project_counts c where c.project_id = p.project_id)
          and exists (select 1 from project_beneficiaries b where b.project_id = p.project_id
                      and b.count is null)
        order by 1 limit 1
        """
    )[0][0]
    at = open_page(project=project_id)
    groups = [d.value for d in at.dataframe if list(d.value.columns) == ["Group", "Count"]][0]
    expected = sql(
        "select beneficiary_group from project_beneficiaries where project_id = ? order by 1",
        project_id,
    )
    assert list(groups["Group"]) == [r[0] for r in expected]
    assert set(groups["Count"]) == {"not reported"}
    markdown = [m.value for m in at.markdown]
    i = markdown.index("#### Other numbers the source gives")
    assert markdown[i + 1] == "Not reported."


def test_stated_counts_are_shown_as_stated(open_page, sql):
    (project_id, label, value, qualifier) = sql(
        "select project_id, label, value, qualifier from project_counts "
        "where is_beneficiary_group order by value desc limit 1"
    )[0]
    assert qualifier == "target_at_least"  # the Philippines: "sought to reach at least 10,000"
    at = open_page(project=project_id)
    counts = [d.value for d in at.dataframe if "What is counted" in d.value.columns][0]
    assert counts.set_index("What is counted").at[label, "Count"] == f"target of at least {value:,}"
    groups = [d.value for d in at.dataframe if "Group" in d.value.columns][0]
    assert groups.set_index("Group").at[label, "Count"] == f"target of at least {value:,}"


def test_places_without_coordinates_say_location_not_reported(open_page, sql):
    project_id, name = sql(
        "select project_id, name from project_localities where lat is null order by 1, 2 limit 1"
    )[0]
    at = open_page(project=project_id)
    places = [d.value for d in at.dataframe if "Place" in d.value.columns][0]
    assert places.set_index("Place").at[name, "Location"] == "location not reported"
    (deck,) = at.get("deck_gl_json_chart")
    layers = json.loads(deck.proto.json)["layers"]
    points = [p for layer in layers if layer["id"] == "localities" for p in layer["data"]]
    located = sql(
        "select count(*) from project_localities where project_id = ? and lat is not null",
        project_id,
    )[0][0]
    assert len(points) == located  # a place without coordinates is never drawn (at 0, 0)
    assert name not in {p["place"] for p in points}


def test_choosing_a_project_puts_its_link_in_the_url(open_page, sql):
    at = open_page()
    other = sql("select project_id, title from projects where project_id <> ? limit 1", HAZELNUT)
    project_id, title = other[0]
    at.selectbox(key="project").set_value(project_id).run()
    assert at.query_params["project"] in (project_id, [project_id])
    assert at.header[0].value == title


def test_unknown_project_in_a_link_is_named(open_page):
    at = open_page(project="no-such-project")
    assert any("no-such-project" in w.value for w in at.warning)
    assert at.header  # the first project is shown instead


def test_every_project_of_the_small_catalogue_opens(open_page, mini_warehouse):
    con = duckdb.connect(str(mini_warehouse / "atlas.duckdb"), read_only=True)
    ids = [r[0] for r in con.execute("select project_id from projects order by 1").fetchall()]
    undated = con.execute(
        "select project_id from projects where start_year is null and not ongoing "
        "and project_id not in (select project_id from project_countries)"
    ).fetchall()
    con.close()
    for project_id in ids:
        at = open_page(warehouse=mini_warehouse, project=project_id)
        assert at.selectbox(key="project").value == project_id
    # a record with neither years nor countries says so, field by field
    (project_id,) = undated[0]
    at = open_page(warehouse=mini_warehouse, project=project_id)
    shown = markdown_text(at)
    assert "**Years**  \nnot reported" in shown
    assert "**Countries**  \nnot reported" in shown
    assert table(at).set_index("project_id").at[project_id, "Years"] == "not reported"


def _recorded_downloads(monkeypatch) -> dict:
    """What the page hands ui.downloads, by key: (frame, rows)."""
    exported = {}
    downloads = ui.downloads

    def recorded(frame, **kwargs):
        exported[kwargs["key"]] = (frame, kwargs.get("rows"))
        downloads(frame, **kwargs)

    monkeypatch.setattr(ui, "downloads", recorded)
    return exported


def _download(frame) -> pd.DataFrame:
    """The rows a download writes: a frame, or a function giving them in chunks (run on
    click, as the CSV and Parquet buttons stream them)."""
    return pd.concat(list(frame()), ignore_index=True) if callable(frame) else frame


def test_the_download_is_the_table_as_shown(open_page, monkeypatch, sql):
    exported = _recorded_downloads(monkeypatch)
    at = open_page()
    frame = _download(exported["projects_download"][0])
    shown = table(at).reset_index(drop=True)
    pd.testing.assert_frame_equal(frame[list(shown.columns)], shown)
    # labels as the table shows them (not codes), and the id to join the warehouse on
    assert set(frame["Pillar"]) <= set(theme.PILLAR_SHORT.values())
    assert set(frame["Status"]) <= set(theme.STATUS_LABELS.values())
    assert frame["project_id"].notna().all()
    # then the years typed, as the warehouse has them (missing stays missing)
    typed = list(formatting.PROJECT_DOWNLOAD_TYPED)
    assert list(frame.columns) == [*shown.columns, *typed]
    expected = {r[0]: r[1:] for r in sql(f"select project_id, {', '.join(typed)} from projects")}
    for row in frame.itertuples():
        got = tuple(None if pd.isna(v) else v for v in (row.start_year, row.end_year, row.ongoing))
        assert got == expected[row.project_id]


# --- at scale: paged and sorted in DuckDB (a small page size stands in for 1M rows) -------


def test_a_long_table_is_paged_and_page_2_shows_the_next_rows(open_page, sql, monkeypatch):
    monkeypatch.setattr(scale, "PROJECT_TABLE_ROWS", 5)
    order = [
        r[0]
        for r in sql(
            "select project_id from projects order by start_year nulls last, title, project_id"
        )
    ]
    at = open_page()
    assert at.subheader[0].value == f"{len(order)} projects"  # the total, not the page
    assert list(table(at)["project_id"]) == order[:5]
    assert any(f"Showing 1–5 of {len(order)} projects" in c.value for c in at.caption)
    assert at.number_input(key="projects_page").max == -(-len(order) // 5)
    at.number_input(key="projects_page").set_value(2).run()
    assert not at.exception
    assert list(table(at)["project_id"]) == order[5:10]
    assert any(f"Showing 6–10 of {len(order)} projects" in c.value for c in at.caption)
    # the chooser lists the rows of this page
    assert set(at.selectbox(key="project").options) == {
        at.selectbox(key="project").format_func(i) for i in order[5:10]
    }


def test_the_order_is_chosen_sorts_every_page_and_goes_to_the_url(open_page, sql, monkeypatch):
    monkeypatch.setattr(scale, "PROJECT_TABLE_ROWS", 5)
    by_title = [r[0] for r in sql("select project_id from projects order by title desc")]
    at = open_page()
    at.number_input(key="projects_page").set_value(3).run()
    at.selectbox(key="sort").set_value("title_desc").run()
    assert at.number_input(key="projects_page").value == 1  # a new order starts on page 1
    assert list(table(at)["project_id"]) == by_title[:5]
    assert at.query_params["sort"] in ("title_desc", ["title_desc"])
    at = open_page(sort="title_desc")  # and a link opens it
    assert list(table(at)["project_id"]) == by_title[:5]


def test_a_short_table_has_no_pager(open_page):
    at = open_page()
    assert not at.number_input and not [s for s in at.selectbox if s.key == "sort"]
    assert not [c for c in at.caption if "Showing 1–" in c.value]


def test_the_download_of_a_paged_table_holds_every_project(open_page, monkeypatch, sql):
    monkeypatch.setattr(scale, "PROJECT_TABLE_ROWS", 2)
    exported = _recorded_downloads(monkeypatch)
    open_page(region="africa")
    frame, rows = exported["projects_download"]
    expected = {
        r[0]
        for r in sql(
            "select project_id from projects p where region = 'Africa' or exists (select 1 "
            "from project_countries c where c.project_id = p.project_id and c.region = 'Africa')"
        )
    }
    assert set(_download(frame)["project_id"]) == expected and rows == len(expected) > 2


def test_the_download_streams_in_the_order_chosen(open_page, monkeypatch, sql):
    """CSV and Parquet are written from DuckDB in chunks, in the table's sort
    (`?sort=`), and the CSV is the file one frame of them gives."""
    from dashboard import exports, queries

    monkeypatch.setattr(scale, "PROJECT_TABLE_ROWS", 5)
    monkeypatch.setattr(queries, "EXPORT_CHUNK_ROWS", 4)
    exported = _recorded_downloads(monkeypatch)
    open_page(sort="title_desc")
    frame, rows = exported["projects_download"]
    chunks = list(frame())
    assert len(chunks) == -(-rows // 4) and all(len(c) <= 4 for c in chunks)
    order = f"{queries.PROJECT_SORTS['title_desc'][1]}, p.project_id"
    expected = [r[0] for r in sql(f"select p.project_id from projects p order by {order}")]
    whole = pd.concat(chunks, ignore_index=True)
    assert list(whole["project_id"]) == expected
    assert exports.file_bytes(exports.write_csv, iter(frame())) == exports.csv_bytes(whole)


def test_excel_is_refused_before_the_click_past_a_practical_size(open_page, monkeypatch):
    """At a million projects the Excel button ran 180 s and 8-9 GB, then timed out:
    past EXCEL_PRACTICAL_ROWS it is disabled and says why, offering CSV or Parquet."""
    from dashboard import exports

    monkeypatch.setattr(scale, "PROJECT_TABLE_ROWS", 5)
    monkeypatch.setattr(exports, "EXCEL_PRACTICAL_ROWS", 10)
    at = open_page()
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert buttons["Excel"].disabled
    assert not buttons["CSV"].disabled and not buttons["Parquet"].disabled
    (note,) = [i.value for i in at.info if "Excel is unavailable" in i.value]
    assert "made here for up to 10" in note and "CSV" in note and "Parquet" in note
    at = open_page(region="africa")  # a selection small enough gets its Excel file
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert not buttons["Excel"].disabled


def test_a_filter_that_shrinks_the_result_never_leaves_the_page_past_the_last(
    open_page, monkeypatch
):
    monkeypatch.setattr(scale, "PROJECT_TABLE_ROWS", 2)
    at = open_page()
    at.number_input(key="projects_page").set_value(10).run()
    assert any("Showing 19–20 of" in c.value for c in at.caption)
    at.multiselect(key="region").set_value(["Africa"]).run()
    assert not at.exception
    box = at.number_input(key="projects_page")
    assert box.value <= box.max == 2
    assert any("Showing 1–2 of 4 projects" in c.value for c in at.caption)


def test_a_linked_project_on_another_page_is_not_outside_the_filters(open_page, monkeypatch, sql):
    monkeypatch.setattr(scale, "PROJECT_TABLE_ROWS", 5)
    last = sql("select project_id from projects order by start_year nulls last, title desc")[0][0]
    at = open_page(project=last)
    assert at.selectbox(key="project").value == last
    assert not [i for i in at.info if "outside the current filters" in i.value]
