"""The Map page in Streamlit's AppTest: the map shows what the warehouse holds, the
shared filters narrow it, choosing a country narrows the list beside it and puts its
ISO3 code in the URL, country names are the warehouse's, nothing raises."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs

import apptest_support
from apptest_support import metrics
from conftest import sql_rows
from streamlit.testing.v1 import AppTest

from dashboard import formatting, scale
from dashboard.maps import decks, layers
from etl.build import build

PAGE = "pages/map.py"


def open_page(monkeypatch, warehouse: Path, **params) -> AppTest:
    """The page as app.py runs it (sidebar filters included; see ui.ensure_shell)."""
    return apptest_support.open_page(monkeypatch, warehouse, PAGE, **params)


def deck(at: AppTest) -> dict:
    (element,) = at.get("deck_gl_json_chart")
    return json.loads(element.proto.json)


def layer(spec: dict, layer_id: str) -> list[dict]:
    (found,) = [item for item in spec["layers"] if item["id"] == layer_id]
    return found["data"]


def shaded(spec: dict) -> dict[str, int]:
    """iso3 → projects of every country the choropleth colours."""
    return {
        f["properties"]["iso3"]: f["properties"]["count"]
        for f in layer(spec, decks.COUNTRIES_LAYER)
        if f["properties"]["count"]
    }


def listed_projects(at: AppTest) -> list[str]:
    """project ids linked from the list beside the map (in-app links to Projects)."""
    found = []
    for link in at.get("page_link"):
        query = parse_qs(link.proto.query_string)
        if link.proto.page == "projects" and "project" in query:
            found += query["project"]
    return found


def with_shapes(iso3s) -> set[str]:
    shapes = {f["properties"]["iso3"] for f in layers.country_features()}
    return {i for i in iso3s if i in shapes}


REGION_IDS = (
    "select project_id from projects p where p.region = ? or exists (select 1 from "
    "project_countries c where c.project_id = p.project_id and c.region = ?)"
)


def test_choropleth_has_exactly_the_countries_of_the_warehouse(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    spec = deck(at)
    expected = dict(
        sql_rows(atlas_warehouse, "select iso3, count(*) from project_countries group by 1")
    )
    assert shaded(spec) == {i: n for i, n in expected.items() if i in with_shapes(expected)}
    assert with_shapes(expected) == set(expected)  # every catalogue country can be drawn
    assert spec.get("mapProvider") is None and spec["mapStyle"] == "__MAP_STYLE__"
    assert "http" not in at.get("deck_gl_json_chart")[0].proto.json


def test_localities_plotted_and_not_reported(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    total, located = sql_rows(
        atlas_warehouse,
        "select count(*), count(*) filter (where lat is not null and lon is not null) "
        "from project_localities",
    )[0]
    shown = metrics(at)
    assert shown["Localities plotted"] == f"{located} of {total}"
    assert shown["Localities without coordinates"] == str(total - located)
    points = layer(deck(at), decks.LOCALITIES_LAYER)
    expected = {
        (round(lon, 5), round(lat, 5))
        for lon, lat in sql_rows(
            atlas_warehouse,
            "select lon, lat from project_localities where lat is not null and lon is not null",
        )
    }
    assert {(round(p["lon"], 5), round(p["lat"], 5)) for p in points} == expected
    assert all(p["position"] != [0, 0] for p in points)
    (expander,) = [e for e in at.expander if "without coordinates" in e.label]
    assert str(total - located) in expander.label


def test_arcs_join_each_exchange_host_to_its_participants(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    arcs = layer(deck(at), decks.ARCS_LAYER)
    hosts = {
        (round(lon, 5), round(lat, 5))
        for lon, lat in sql_rows(atlas_warehouse, "select host_lon, host_lat from exchanges")
    }
    assert arcs
    assert {(round(a["source"][0], 5), round(a["source"][1], 5)) for a in arcs} <= hosts
    ids = {i for a in arcs for i in a["exchange_ids"]}
    with_participants = {
        r[0]
        for r in sql_rows(
            atlas_warehouse, "select distinct exchange_id from exchange_participants "
            "where role <> 'host'"
        )
    }  # fmt: skip
    assert ids == with_participants


def test_region_filter_keeps_only_its_countries(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, region="africa")
    expected = dict(
        sql_rows(
            atlas_warehouse,
            f"select iso3, count(*) from project_countries where project_id in ({REGION_IDS}) "
            "group by 1",
            ("Africa", "Africa"),
        )
    )
    spec = deck(at)
    assert shaded(spec) == expected
    regions = {f["properties"]["iso3"]: f["properties"]["region"] for f in layer(spec, "countries")}
    assert expected and all(regions[i] == "Africa" for i in shaded(spec))
    project_ids = {r[0] for r in sql_rows(atlas_warehouse, REGION_IDS, ("Africa", "Africa"))}
    assert set(listed_projects(at)) == project_ids
    assert all(p["iso3"] for p in layer(spec, decks.LOCALITIES_LAYER))
    countries = {
        r[0]
        for r in sql_rows(
            atlas_warehouse,
            f"select iso3 from project_localities where project_id in ({REGION_IDS}) "
            "and lat is not null",
            ("Africa", "Africa"),
        )
    }
    assert {p["iso3"] for p in layer(spec, decks.LOCALITIES_LAYER)} == countries


def test_choosing_a_country_narrows_the_list(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    everything = {r[0] for r in sql_rows(atlas_warehouse, "select project_id from projects")}
    assert set(listed_projects(at)) == everything
    chooser = at.selectbox(key="country_focus")
    assert chooser.value == "all"
    assert "Philippines (4 projects)" in chooser.options
    chooser.set_value("PHL").run()
    assert not at.exception
    expected = {
        r[0]
        for r in sql_rows(
            atlas_warehouse, "select project_id from project_countries where iso3 = 'PHL'"
        )
    }
    assert sorted(listed_projects(at)) == sorted(expected)
    assert any("projects in Philippines" in m.value for m in at.markdown)
    assert url_value(at, "country_focus") == "PHL"  # the code, not the label
    # the chosen country is outlined on the map
    features = layer(deck(at), decks.COUNTRIES_LAYER)
    widths = {f["properties"]["iso3"]: f["properties"]["line_width"] for f in features}
    assert widths["PHL"] > widths["IDN"]
    # back to all countries: the default stays out of the URL
    at.selectbox(key="country_focus").set_value("all").run()
    assert set(listed_projects(at)) == everything
    assert url_value(at, "country_focus") is None


def test_country_and_filters_combine(monkeypatch, atlas_warehouse):
    # the sidebar's filters and the page's own focus country, both codes in the URL
    at = open_page(monkeypatch, atlas_warehouse, pillar="employment")
    at.selectbox(key="country_focus").set_value("PHL").run()
    expected = {
        r[0]
        for r in sql_rows(
            atlas_warehouse,
            "select project_id from project_countries join projects using (project_id) "
            "where iso3 = 'PHL' and pillar = 'employment'",
        )
    }
    assert set(listed_projects(at)) == expected and expected
    # the pillar does not narrow the exchanges, and the page says so
    (note,) = [i.value for i in at.info if "not apply to City-to-City exchanges" in i.value]
    assert note.startswith("**Decent Work pillar: does not apply")


def url_value(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_country_in_the_link_is_read(monkeypatch, atlas_warehouse):
    # the code this page writes, a name, and the labels older links carry
    for value in ("BRA", "bra", "Brazil", "Brazil (3 projects)", "brazil (17 projects)"):
        at = open_page(monkeypatch, atlas_warehouse, country_focus=value)
        assert at.selectbox(key="country_focus").value == "BRA", value
        assert url_value(at, "country_focus") == "BRA", value  # the link is rewritten
        expected = {
            r[0]
            for r in sql_rows(
                atlas_warehouse, "select project_id from project_countries where iso3 = 'BRA'"
            )
        }
        assert set(listed_projects(at)) == expected
    at = open_page(monkeypatch, atlas_warehouse, country_focus="Atlantis")
    assert at.selectbox(key="country_focus").value == "all"
    # not "no project under the current filters": there is no such country at all
    assert any("Atlantis" in w.value and "not a country code" in w.value for w in at.warning)
    assert not any("Atlantis" in i.value for i in at.info)


def test_no_match_says_so(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, q="zzzznotaword")
    assert any("No projects or exchanges match" in m.value for m in at.markdown)
    assert not at.get("deck_gl_json_chart")


def test_mini_warehouse_renders(monkeypatch, mini_warehouse):
    at = open_page(monkeypatch, mini_warehouse)
    spec = deck(at)
    expected = dict(
        sql_rows(mini_warehouse, "select iso3, count(*) from project_countries group by 1")
    )
    assert shaded(spec) == expected
    points = layer(spec, decks.LOCALITIES_LAYER)
    assert [p["place"] for p in points] == ["Sofala"]  # Antique has no coordinates
    assert metrics(at)["Localities without coordinates"] == "1"


def test_the_focus_chooser_is_alphabetical_in_french(monkeypatch, atlas_warehouse):
    """QA: "Égypte" came after "Yémen" (a plain sort puts accented letters last); the
    chooser sorts as the sidebar's lists do."""
    from dashboard.filters import fold

    at = open_page(monkeypatch, atlas_warehouse, lang="fr")
    options = at.selectbox(key="country_focus").options[1:]  # after "Tous les pays"
    assert any(o.startswith("Égypte") for o in options)
    assert options == sorted(options, key=lambda label: fold(label.rsplit(" (", 1)[0]))


def test_a_filter_that_removes_the_focus_country_says_so(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse, country_focus="BRA")
    at.multiselect(key="region").set_value(["Africa"]).run()
    assert not at.exception
    assert at.selectbox(key="country_focus").value == "all"
    assert any("Brazil: no project under the current filters" in i.value for i in at.info)
    assert url_value(at, "country_focus") is None


def test_country_names_are_the_warehouses(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    warehouse = dict(
        sql_rows(atlas_warehouse, "select distinct iso3, country from project_countries")
    )
    assert warehouse["TUR"] == "Türkiye"  # Natural Earth says "Turkey"
    names = {
        f["properties"]["iso3"]: f["properties"]["name"]
        for f in layer(deck(at), decks.COUNTRIES_LAYER)
    }
    assert {i: names[i] for i in with_shapes(warehouse)} == {
        i: warehouse[i] for i in with_shapes(warehouse)
    }
    assert "Türkiye (1 project)" in at.selectbox(key="country_focus").options
    assert names["SLB"] == "Solomon Islands"  # Natural Earth says "Solomon Is."


def test_exchanges_clicked_on_the_map_are_listed_as_safe_links(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    chefchaouen = "mar-chefchaouen-2014-09-peer-learning"
    at.session_state["map_click_note"] = {"exchanges": [chefchaouen]}  # as a click leaves it
    at.run()
    (title,) = sql_rows(
        atlas_warehouse, "select title from exchanges where exchange_id = ?", (chefchaouen,)
    )[0]
    (note,) = [i.value for i in at.info if "clicked on the map" in i.value]
    assert f"[{formatting.md(title)}](" in note
    assert f"exchange={chefchaouen}" in note


def test_a_start_year_alone_is_not_shown_as_a_one_year_project(
    monkeypatch, mini_catalogue, tmp_path
):
    projects = mini_catalogue / "projects.csv"
    text = projects.read_text(encoding="utf-8")
    row = "phl-youth,Decent Jobs for Filipino Youth,,Philippines,,2009,"
    assert row + "2012," in text
    projects.write_text(text.replace(row + "2012,", row + ","), encoding="utf-8")
    warehouse = tmp_path / "warehouse"
    build(mini_catalogue, warehouse, progress=lambda _message: None)
    at = open_page(monkeypatch, warehouse)
    items = [m.value for m in at.markdown if "atlas-map-item" in m.value]
    (youth,) = [i for i in items if "data-project='phl-youth'" in i]
    assert "2009–end not reported" in youth
    (undated,) = [i for i in items if "data-project='lac-initiative'" in i]
    assert "years not reported" in undated


def click_map(at: AppTest, objects: dict[str, list[dict]]) -> AppTest:
    """A click on the map as the browser reports it: the deck's selection (layer id →
    picked objects) as its widget value. Deterministic, unlike a click in software GL.
    AppTest has no setter for a deck's selection, hence its private `_run`."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    (element,) = at.get("deck_gl_json_chart")
    states = at._tree.get_widget_states()
    state = WidgetState(id=element.proto.id)
    state.string_value = json.dumps(
        {"selection": {"indices": {k: [0] for k in objects}, "objects": objects}}
    )
    states.widgets.append(state)
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_clicking_a_country_focuses_it_and_narrows_the_list(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    (feature,) = [
        f for f in layer(deck(at), decks.COUNTRIES_LAYER) if f["properties"]["iso3"] == "BRA"
    ]
    click_map(at, {decks.COUNTRIES_LAYER: [feature]})
    assert at.query_params["country_focus"] == "BRA"
    assert at.selectbox(key="country_focus").value == "BRA"
    expected = {
        r[0]
        for r in sql_rows(
            atlas_warehouse, "select project_id from project_countries where iso3='BRA'"
        )
    }
    assert set(listed_projects(at)) == expected and expected


def test_clicking_a_locality_focuses_its_country(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    point = next(p for p in layer(deck(at), decks.LOCALITIES_LAYER) if p["iso3"] == "PHL")
    click_map(at, {decks.LOCALITIES_LAYER: [point]})
    assert at.query_params["country_focus"] == "PHL"


def test_clicking_an_exchange_arc_lists_its_exchanges_and_keeps_the_focus(
    monkeypatch, atlas_warehouse
):
    at = open_page(monkeypatch, atlas_warehouse, country_focus="BRA")
    arc = layer(deck(at), decks.ARCS_LAYER)[0]
    click_map(at, {decks.ARCS_LAYER: [arc]})
    (note,) = [i.value for i in at.info if "clicked on the map" in i.value]
    for exchange_id in arc["exchange_ids"]:
        assert f"exchange={exchange_id}" in note
    assert at.selectbox(key="country_focus").value == "BRA"  # an arc joins two countries


# --- at scale: small limits stand in for a million projects --------------------------------


def test_too_many_localities_are_drawn_in_groups_and_the_page_says_so(monkeypatch, atlas_warehouse):
    monkeypatch.setattr(scale, "MAX_LOCALITY_POINTS", 30)
    at = open_page(monkeypatch, atlas_warehouse)
    total, located = sql_rows(
        atlas_warehouse,
        "select count(*), count(*) filter (where lat is not null) from project_localities",
    )[0]
    groups = layer(deck(at), decks.LOCALITIES_LAYER)
    assert 0 < len(groups) <= 30 < located
    assert sum(int(g["place"].split()[-1].replace(",", "")) for g in groups) == located
    assert all(g["iso3"] and g["radius"] > 0 for g in groups)
    (caption,) = [c.value for c in at.caption if "grouped" in c.value or "group them" in c.value]
    assert f"{located} localities with coordinates" in caption and "Narrow the filters" in caption
    # the counts are still every locality's
    assert metrics(at)["Localities plotted"] == f"{located} of {total}"
    # the table behind the map lists the groups
    apptest_support.open_tab(at, "Table", "map_world")
    table = [d.value for d in at.dataframe if "layer" in d.value.columns][0]
    assert (table["layer"] == "locality group").sum() == len(groups)
    apptest_support.open_tab(at, "Chart", "map_world")
    # the legend shows the dark groups, not pillar dots the map does not draw
    (legend,) = [m.value for m in at.markdown if "<b>Countries</b>" in m.value]
    assert "Locality groups" in legend and "by pillar" not in legend
    # a click on a group focuses its country
    click_map(at, {decks.LOCALITIES_LAYER: [groups[0]]})
    assert at.query_params["country_focus"] == groups[0]["iso3"]


def test_few_localities_are_drawn_one_by_one(monkeypatch, atlas_warehouse):
    at = open_page(monkeypatch, atlas_warehouse)
    assert not [c for c in at.caption if "group them" in c.value]
    assert all("group of" not in p["place"] for p in layer(deck(at), decks.LOCALITIES_LAYER))


def test_the_list_beside_the_map_is_cut_with_a_link_to_all(monkeypatch, atlas_warehouse):
    monkeypatch.setattr(scale, "MAP_LIST_ROWS", 3)
    at = open_page(monkeypatch, atlas_warehouse)
    total = sql_rows(atlas_warehouse, "select count(*) from projects")[0][0]
    assert len(listed_projects(at)) == 3
    (note,) = [c.value for c in at.caption if "The first 3 by start year" in c.value]
    assert f"[All {total}](http://localhost:8501/projects)" in note
    assert any(f"**{total} projects in this view**" in m.value for m in at.markdown)
    # with a focus country: its projects, and the link narrows to that country
    at.selectbox(key="country_focus").set_value("PHL").run()
    in_phl = sql_rows(atlas_warehouse, "select count(*) from project_countries where iso3='PHL'")
    assert in_phl[0][0] > 3 and len(listed_projects(at)) == 3
    (note,) = [c.value for c in at.caption if "The first 3 by start year" in c.value]
    assert f"All {in_phl[0][0]}" in note and "/projects?country=PHL" in note


def test_places_without_coordinates_beyond_the_limit_are_counted(monkeypatch, atlas_warehouse):
    monkeypatch.setattr(scale, "UNLOCATED_ROWS", 1)
    at = open_page(monkeypatch, atlas_warehouse)
    missing = sql_rows(atlas_warehouse, "select count(*) from project_localities where lat is null")
    (expander,) = [e for e in at.expander if "without coordinates" in e.label]
    assert expander.label.startswith(f"{missing[0][0]} localities")
    (table,) = [d.value for d in at.dataframe if "Locality" in d.value.columns]
    assert len(table) == 1
    assert any("The first 1, by name" in c.value for c in at.caption)


def test_only_the_most_recent_exchanges_get_arcs(monkeypatch, atlas_warehouse):
    monkeypatch.setattr(scale, "EXCHANGES_SHOWN", 2)
    at = open_page(monkeypatch, atlas_warehouse)
    arcs = layer(deck(at), decks.ARCS_LAYER)
    assert len({i for a in arcs for i in a["exchange_ids"]}) <= 2
    with_participants = sql_rows(
        atlas_warehouse, "select count(distinct exchange_id) from exchange_participants"
    )[0][0]
    assert any(f"of {with_participants} City-to-City exchanges" in i.value for i in at.info)
    assert metrics(at)["City-to-City exchanges drawn"] == "2"


def run_as_the_browser(at: AppTest, label: str, key: str = "country_focus") -> str:
    """Rerun with the focus chooser's value as the browser holds it: the *label* it last
    showed (Streamlit's selectbox sends its display label back), which it replaces only
    when the app sends a new value. Returns the label the browser holds afterwards."""
    from streamlit.proto.WidgetStates_pb2 import WidgetStates

    chooser = at.selectbox(key=key)
    states = WidgetStates()
    for state in at._tree.get_widget_states().widgets:
        if state.id == chooser.proto.id:
            state.string_value = label
        states.widgets.append(state)
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    proto = at.selectbox(key=key).proto
    return proto.raw_value if proto.set_value else label


def test_a_country_filter_does_not_turn_the_focus_label_into_a_link_value(
    monkeypatch, atlas_warehouse
):
    # The chooser's labels hold counts ("All countries (21 projects)"), which change with
    # the filters. The browser sends back the label it shows: QA saw "focus country 'All
    # countries (21 projects)' is not a country code" after the second filter change.
    at = open_page(monkeypatch, atlas_warehouse)
    held = at.selectbox(key="country_focus").options[0]
    for countries in (["Brazil"], ["Brazil", "Philippines"], ["Philippines"]):
        at.multiselect(key="country").set_value(countries)
        held = run_as_the_browser(at, held)
        assert not at.warning, [w.value for w in at.warning]
        assert at.selectbox(key="country_focus").value == "all"
        assert url_value(at, "country_focus") is None
    # a chosen focus stays chosen while the filters change its count
    at.selectbox(key="country_focus").set_value("PHL").run()
    held = at.selectbox(key="country_focus").format_func("PHL")
    for pillar in (["Employment"], ["Employment", "Social protection"], []):
        at.multiselect(key="pillar").set_value(pillar)
        held = run_as_the_browser(at, held)
        assert not at.warning, [w.value for w in at.warning]
        assert not any("no project under" in i.value for i in at.info)
        assert at.selectbox(key="country_focus").value == "PHL", pillar
        assert url_value(at, "country_focus") == "PHL"
