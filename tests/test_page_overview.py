"""Overview and app shell through AppTest: figures equal the SQL, filters come from the
URL, bad URL parameters are noted, a missing or synthetic warehouse says so."""

from __future__ import annotations

import json

from apptest_support import markdown_text, metrics, open_page, open_tab, plotly_figures, values
from conftest import quiet

from dashboard import theme
from dashboard.filters import Filters
from etl.build import build


def test_headline_figures_equal_sql(monkeypatch, atlas_warehouse, sql):
    shown = metrics(open_page(monkeypatch, atlas_warehouse))
    assert shown["Projects and programmes"] == str(sql("select count(*) from projects")[0][0])
    assert shown["Countries"] == str(
        sql("select count(distinct iso3) from project_countries")[0][0]
    )
    assert shown["Places named"] == str(
        sql("select count(*) from (select distinct name, iso3 from project_localities)")[0][0]
    )
    assert shown["Projects with stated counts"] == str(
        sql("select count(distinct project_id) from project_counts")[0][0]
    )
    assert shown["City-to-City exchanges"] == str(sql("select count(*) from exchanges")[0][0])
    lo, hi = sql("select min(year), max(year) from project_years")[0]
    assert shown["Years covered"] == f"{lo}–{hi}"


def test_region_filter_from_the_url(monkeypatch, atlas_warehouse, sql):
    at = open_page(monkeypatch, atlas_warehouse, region="africa")
    expected = sql(
        "select count(*) from projects p where region = 'Africa' or exists (select 1 from "
        "project_countries c where c.project_id = p.project_id and c.region = 'Africa')"
    )[0][0]
    assert metrics(at)["Projects and programmes"] == str(expected)
    assert at.multiselect(key="region").value == ["Africa"]
    assert at.query_params["region"] in ("africa", ["africa"])  # the code, not the label


def test_reported_beside_documented(monkeypatch, atlas_warehouse, sql):
    at = open_page(monkeypatch, atlas_warehouse)
    (figure,) = [
        f
        for f in plotly_figures(at)
        if any(t.get("name") == "Reported in the publication" for t in f["data"])
    ]

    def bars(name: str, axis: str) -> dict:
        (trace,) = [t for t in figure["data"] if t["name"] == name and t["xaxis"] == axis]
        return dict(zip(values(trace["x"]), values(trace["y"]), strict=True))

    # two panels: the years on one axis, the regions on another (never added up)
    by_region = bars("Reported in the publication", "x2")
    assert by_region["Asia"] == 36 and by_region["Africa"] == 25
    assert not set(bars("Reported in the publication", "x")) & set(by_region)
    assert all(label.isdigit() for label in bars("Documented in this catalogue", "x"))
    assert figure["layout"]["xaxis"]["type"] == figure["layout"]["xaxis2"]["type"] == "category"
    asia_documented = bars("Documented in this catalogue", "x2")["Asia"]
    assert (
        asia_documented
        == sql(
            "select count(distinct project_id) from project_countries "
            "where region = 'Asia and the Pacific'"
        )[0][0]
    )
    assert "Why they differ" in markdown_text(at)
    named = sql(
        "select count(*) from (select distinct lower(city), iso3 from ("
        "select host_city as city, host_iso3 as iso3 from exchanges union all "
        "select city, iso3 from exchange_participants where city is not null))"
    )[0][0]
    assert (
        f"Cities in ILO–UCLG exchanges: **over 30 cities** reported; this catalogue names "
        f"**{named}**" in markdown_text(at)
    )


def test_no_match_says_so_and_clear_all_filters_starts_again(monkeypatch, atlas_warehouse, sql):
    at = open_page(monkeypatch, atlas_warehouse, q="zzzz-no-such-word", region="africa")
    assert "No projects or exchanges match the current filters" in markdown_text(at)
    assert "Projects and programmes" not in metrics(at)
    (clear,) = [b for b in at.button if b.label == "Clear all filters" and b.key]
    clear.click().run()
    assert at.session_state["filters"] == Filters()
    assert at.text_input(key="q").value == "" and at.multiselect(key="region").value == []
    assert not {"q", "region"} & set(at.query_params)  # the link is cleared too
    assert metrics(at)["Projects and programmes"] == str(sql("select count(*) from projects")[0][0])


def test_bad_url_parameters_are_noted_not_fatal(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, region=["Atlantis"], colour="red")
    text = markdown_text(at)
    assert "Atlantis" in text and "colour" in text
    # noted once, then gone from the URL: a copied link does not bring the note back
    assert "colour" not in at.query_params and "region" not in at.query_params
    assert metrics(at)["Projects and programmes"] == "21"


def test_missing_warehouse_says_how_to_build_it(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path / "nowhere")
    assert "python -m etl build" in at.error[0].value


def test_synthetic_warehouse_shows_a_banner(monkeypatch, mini_catalogue, tmp_path):
    build(mini_catalogue, tmp_path / "wh", synthetic=True, progress=quiet)
    at = open_page(monkeypatch, tmp_path / "wh")
    assert any("Synthetic data" in w.value for w in at.warning)
    open_tab(at, "Sources")
    # generated data is never credited to the publication (QA: slides and Sources tabs did)
    text = markdown_text(at)
    assert theme.SYNTHETIC_SOURCE_LINE in text and theme.SOURCE_LINE not in text
    assert "counted from the curated catalogue" not in " ".join(c.value for c in at.caption)


def test_a_slide_names_the_source_it_is_given():
    import plotly.graph_objects as go

    from dashboard import exports

    slide = exports.slide_figure(
        go.Figure(go.Bar(x=[1], y=[2])), title="t", source=theme.SYNTHETIC_SOURCE_LINE
    )
    assert [a.text for a in slide.layout.annotations] == [theme.SYNTHETIC_SOURCE_LINE]


def test_overview_sentence_uses_the_publications_qualifier_and_the_filter_scope():
    import pandas as pd

    from dashboard.figures.overview import overview_sentence

    reported = pd.DataFrame(
        [{"dimension": "total", "unit": "projects", "value": 70.0, "qualifier": "more_than"}]
    )
    assert "reports **over 70 projects**" in overview_sentence(reported, 21, True)
    filtered = overview_sentence(reported, 4, False)
    assert "with the current filters, this catalogue documents **4**" in filtered
    reported["qualifier"] = None
    assert "reports **70 projects**" in overview_sentence(reported, 21, True)


def test_documented_year_counts_respect_the_year_range(atlas_warehouse, sql):
    from dashboard import queries
    from dashboard.db import WarehouseVersion
    from dashboard.filters import Filters

    path = atlas_warehouse / "atlas.duckdb"
    stat = path.stat()
    v = WarehouseVersion(str(path), stat.st_mtime_ns, stat.st_size)
    frame = queries.documented_counts(v, Filters(years=(2000, 2003)))
    years = sorted(int(d.split(":")[1]) for d in frame["dimension"] if d.startswith("year:"))
    assert years == [2000, 2001, 2002, 2003]
    assert (
        queries.documented_cities(v, Filters())
        == sql(
            "select count(*) from (select distinct lower(city), iso3 from ("
            "select host_city as city, host_iso3 as iso3 from exchanges union all "
            "select city, iso3 from exchange_participants where city is not null))"
        )[0][0]
    )


def test_reported_figures_read_as_the_publication_words_them(atlas_warehouse):
    from dashboard import queries
    from dashboard.db import WarehouseVersion
    from dashboard.figures.overview import reported_table

    path = atlas_warehouse / "atlas.duckdb"
    stat = path.stat()
    table = reported_table(
        queries.reported_figures(WarehouseVersion(str(path), stat.st_mtime_ns, stat.st_size))
    )
    shown = set(zip(table["For"], table["Reported"], strict=True))
    assert ("all", "over 70 projects") in shown
    assert ("Asia", "36 projects") in shown
    assert ("all", "over 30 cities") in shown
    assert ("all", "2012") in shown  # the ILO–UCLG agreement year
    assert not table.isna().any().any()


def test_a_long_list_of_stated_counts_is_cut_to_the_largest(monkeypatch, atlas_warehouse, sql):
    from dashboard import scale

    monkeypatch.setattr(scale, "COUNT_ROWS", 2)
    at = open_page(monkeypatch, atlas_warehouse)
    stated = sql("select count(*) from project_counts")[0][0]
    (table,) = [d.value for d in at.dataframe if "What is counted" in d.value.columns]
    assert len(table) == 2
    assert any(f"The 2 largest of {stated} counts" in c.value for c in at.caption)
    # the headline figure still counts every project with a count
    assert metrics(at)["Projects with stated counts"] == str(
        sql("select count(distinct project_id) from project_counts")[0][0]
    )


def test_numbers_in_the_sentence_and_figures_have_thousands_separators():
    import pandas as pd

    from dashboard.figures.overview import overview_sentence, qualified_text

    reported = pd.DataFrame(
        [{"dimension": "total", "unit": "projects", "value": 70.0, "qualifier": "more_than"}]
    )
    assert "this catalogue documents **1,000,000**" in overview_sentence(reported, 1_000_000, True)
    big = pd.Series({"value": 1_500_000.0, "qualifier": "about", "unit": "people"})
    assert qualified_text(big) == "about 1,500,000 people"  # not 1.5e+06
    assert qualified_text(big.replace(1_500_000.0, 2.5)) == "about 2.5 people"


def test_without_reported_figures_the_sentence_says_so():
    import pandas as pd

    from dashboard.figures.overview import overview_sentence

    none = pd.DataFrame(columns=["dimension", "unit", "value", "qualifier"])
    sentence = overview_sentence(none, 1_000_000, True)
    assert "**1,000,000** projects" in sentence
    assert "no figures reported by the publication" in sentence
    assert "reports" not in sentence and "Why they differ" not in sentence
    assert "with the current filters" in overview_sentence(none, 4, False)


def test_a_warehouse_without_reported_figures_compares_nothing(monkeypatch, tmp_path):
    # a generated inventory (etl synth) has no reported figures: the 1M QA warehouse
    from etl.synth import synthesize

    synthesize(30, tmp_path / "source", seed=3, progress=quiet)
    build(tmp_path / "source", tmp_path / "wh", synthetic=True, progress=quiet)
    at = open_page(monkeypatch, tmp_path / "wh")
    text = markdown_text(at)
    assert "no figures reported by the publication" in text
    assert "The publication reports" not in text and "Why they differ" not in text
    assert not [s for s in at.subheader if "Reported in the publication" in s.value]
    assert any("No reported figures in this warehouse" in c.value for c in at.caption)
    assert not [d for d in at.dataframe if "Figure" in d.value.columns]
    # the stated counts (up to 2,000,000 here) read with thousands separators
    (counts,) = [d for d in at.dataframe if "What is counted" in d.value.columns]
    assert json.loads(counts.proto.columns)["Count"]["type_config"]["format"] == "%,d"
