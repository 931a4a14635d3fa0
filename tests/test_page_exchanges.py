"""City-to-City page through AppTest on app.py: a country filter keeps exactly the
exchanges the SQL says involve it, an exchange's details list its countries, roles and
outcome, and project-only filters are named as not applying."""

from __future__ import annotations

import json

import apptest_support
import duckdb
import pytest
from apptest_support import metrics
from streamlit.testing.v1 import AppTest

from dashboard import scale

PAGE = "pages/exchanges.py"
CHEFCHAOUEN = "mar-chefchaouen-2014-09-peer-learning"
NOTE = "does not apply to exchanges"


@pytest.fixture
def open_page(monkeypatch, atlas_warehouse):
    return apptest_support.page_opener(monkeypatch, atlas_warehouse, PAGE, "City-to-City exchanges")


def figures(at: AppTest) -> dict[str, dict]:
    """Plotly figures by the trace names they carry."""
    out = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        out[" | ".join(str(t.get("name") or t.get("type")) for t in spec["data"])] = spec
    return out


def timeline_rows(at: AppTest) -> list[str]:
    (spec,) = [s for name, s in figures(at).items() if "Held" in name]
    return [y for t in spec["data"] if t.get("mode") == "markers" for y in t["y"]]


def test_every_exchange_without_filters(open_page, sql):
    at = open_page()
    total = sql("select count(*) from exchanges")[0][0]
    assert metrics(at)["Exchanges"] == str(total)
    assert len(timeline_rows(at)) == total
    assert len(at.selectbox(key="exchange").options) == total
    assert not [i for i in at.info if NOTE in i.value]
    assert at.get("deck_gl_json_chart"), "the network map is drawn"


def test_country_filter_keeps_exactly_the_exchanges_involving_morocco(open_page, sql):
    at = open_page(widgets={"country": ["MAR"]})
    expected = sql(
        """
        select exchange_id from exchanges e where host_iso3 = 'MAR' or exists
          (select 1 from exchange_participants p where p.exchange_id = e.exchange_id
           and p.iso3 = 'MAR')
        order by start_date
        """
    )
    ids = [r[0] for r in expected]
    assert 0 < len(ids) < sql("select count(*) from exchanges")[0][0]
    assert metrics(at)["Exchanges"] == str(len(ids))
    assert sorted(at.selectbox(key="exchange").options) == sorted(
        at.selectbox(key="exchange").format_func(i) for i in ids
    )
    assert len(timeline_rows(at)) == len(ids)
    (matrix,) = [s for name, s in figures(at).items() if name == "heatmap"]
    assert "Morocco" in matrix["data"][0]["y"]
    assert len(matrix["data"][0]["x"]) == len(ids)


def test_chefchaouen_details_list_its_countries_and_the_declaration(open_page, sql):
    at = open_page(exchange=CHEFCHAOUEN)
    assert at.selectbox(key="exchange").value == CHEFCHAOUEN
    countries = [
        r[0]
        for r in sql(
            "select distinct country from exchange_participants where exchange_id = ?",
            CHEFCHAOUEN,
        )
    ]
    assert len(countries) == 9
    markdown = [m.value for m in at.markdown]
    assert "#### Participants — 9 countries" in markdown
    listed = markdown[markdown.index("#### Participants — 9 countries") + 1]
    assert listed.split(", ")[0] == "Morocco"  # the host first
    assert sorted(listed.split(", ")) == sorted(countries)
    assert ":violet-badge[Declaration]" in markdown
    assert ":green-badge[Network]" in markdown and ":blue-badge[Roadmap]" in markdown
    people = [d.value for d in at.dataframe if "Role" in d.value.columns][-1]
    assert people.set_index("Country").at["Morocco", "Role"] == "Host"
    assert any("Chefchaouen, Morocco" in m for m in markdown)
    assert any("24–27 September 2014" in m for m in markdown)
    # a follow-up names the exchange it follows, and the other way round
    followers = sql("select host_city from exchanges where follows = ?", CHEFCHAOUEN)
    assert followers
    assert "**Follows:** no earlier exchange recorded" in markdown
    assert any(m.startswith("**Followed by:**") for m in markdown)
    # each follow-up is a link to its exchange, inside the app (the session stays)
    links = [link.proto for link in at.get("page_link")]
    following = [link for link in links if "exchange=" in link.query_string]
    assert len(following) == len(followers)
    for (city,) in followers:
        assert any(city in link.label for link in following)
    (follow_id,) = sql("select exchange_id from exchanges where follows = ?", CHEFCHAOUEN)[0]
    assert any(f"exchange={follow_id}" in link.query_string for link in following)


def test_project_only_filters_are_named_as_not_applying(open_page, sql):
    at = open_page(widgets={"pillar": ["rights"]})
    (note,) = [i.value for i in at.info if NOTE in i.value]
    assert "Decent Work pillar" in note
    # ... and they do not narrow the exchanges
    assert metrics(at)["Exchanges"] == str(sql("select count(*) from exchanges")[0][0])


def test_exchange_hidden_by_filters_is_still_shown_from_its_link(open_page):
    at = open_page(exchange=CHEFCHAOUEN, region="americas")
    assert at.selectbox(key="exchange").value == CHEFCHAOUEN
    assert any("outside the current filters" in i.value for i in at.info)


def test_choosing_an_exchange_puts_it_in_the_url(open_page):
    at = open_page()
    at.selectbox(key="exchange").set_value(CHEFCHAOUEN).run()
    assert at.query_params["exchange"] in (CHEFCHAOUEN, [CHEFCHAOUEN])
    assert "Urban-Rural" in at.header[0].value


def test_no_matching_exchange_offers_to_clear_filters(open_page):
    at = open_page(q="zzzz-no-such-word")
    assert any("No exchanges match" in m.value for m in at.markdown)
    assert not at.get("plotly_chart")


def test_country_filter_from_the_url(open_page, sql):
    at = open_page(country="MAR")  # the URL carries codes (ISO3 for countries)
    involving = sql(
        "select count(distinct exchange_id) from exchange_participants where iso3 = 'MAR'"
    )[0][0]
    assert metrics(at)["Exchanges"] == str(involving)


def test_every_exchange_of_the_small_catalogue_opens(open_page, mini_warehouse):
    con = duckdb.connect(str(mini_warehouse / "atlas.duckdb"), read_only=True)
    rows = con.execute("select exchange_id, host_lat from exchanges order by 1").fetchall()
    con.close()
    assert any(lat is None for _, lat in rows), "an exchange without host coordinates"
    for exchange_id, _ in rows:
        at = open_page(warehouse=mini_warehouse, exchange=exchange_id)
        assert at.selectbox(key="exchange").value == exchange_id
        assert metrics(at)["Exchanges"] == str(len(rows))


def test_an_exchange_has_a_map_of_its_own_host_and_participants(open_page, sql):
    at = open_page(exchange=CHEFCHAOUEN)
    network, detail = at.get("deck_gl_json_chart")  # the page's map, then the exchange's
    layers = {layer["id"]: layer["data"] for layer in json.loads(detail.proto.json)["layers"]}
    (participants,) = sql(
        "select count(*) from exchange_participants where exchange_id = ? and role <> 'host'",
        CHEFCHAOUEN,
    )[0]
    assert len(layers["exchange-arcs"]) == participants  # an arc from the host to each
    assert {arc["exchange_ids"][0] for arc in layers["exchange-arcs"]} == {CHEFCHAOUEN}
    network_arcs = [
        layer["data"]
        for layer in json.loads(network.proto.json)["layers"]
        if layer["id"] == "exchange-arcs"
    ][0]
    assert len(network_arcs) > participants  # the page's map holds every exchange


def test_the_export_figure_is_built_on_download_only(open_page, monkeypatch):
    from dashboard.figures import exchanges as fx

    def not_now(_participants):
        raise AssertionError("the network export figure was built without a download")

    monkeypatch.setattr(fx, "network_figure", not_now)
    at = open_page()  # asserts the page ran without an exception
    assert at.get("deck_gl_json_chart")


def test_a_map_that_cannot_draw_says_why(open_page, monkeypatch, tmp_path):
    from dashboard.maps import layers

    monkeypatch.setattr(layers, "COUNTRIES_GEOJSON", tmp_path / "missing.geojson")
    at = open_page()
    assert any("Map unavailable" in w.value and "cannot be read" in w.value for w in at.warning)
    assert not at.get("deck_gl_json_chart")
    assert len(timeline_rows(at)) == int(metrics(at)["Exchanges"])  # the rest of the page


def test_a_bug_in_the_map_is_not_hidden(monkeypatch, atlas_warehouse):
    from conftest import ROOT

    from dashboard.maps import decks

    def broken(_participants):
        raise TypeError("a programming error")

    monkeypatch.setattr(decks, "exchange_deck", broken)
    monkeypatch.setenv("ATLAS_WAREHOUSE", str(atlas_warehouse))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page(PAGE)
    at.run()
    assert any("a programming error" in e.value for e in at.exception)


# --- at scale: the most recent exchanges are drawn, all of them counted -------------------


def test_only_the_most_recent_exchanges_are_drawn_all_are_counted(open_page, sql, monkeypatch):
    monkeypatch.setattr(scale, "EXCHANGES_SHOWN", 3)
    at = open_page()
    total = sql("select count(*) from exchanges")[0][0]
    assert metrics(at)["Exchanges"] == str(total)
    assert metrics(at)["Host cities"] == str(
        sql("select count(distinct host_city) from exchanges")[0][0]
    )
    assert len(timeline_rows(at)) == 3
    newest = sql(
        "select exchange_id from exchanges order by start_date desc nulls last, "
        "exchange_id desc limit 3"
    )
    picker = at.selectbox(key="exchange")
    assert sorted(picker.options) == sorted(picker.format_func(r[0]) for r in newest)
    assert any(f"The 3 most recent of {total} City-to-City exchanges are shown" in i.value
               for i in at.info)  # fmt: skip
    # and each chart, and the chooser, say it where they are (QA saw 60 of 5,000 unexplained)
    part = f"the 3 most recent of {total} exchanges"
    captions = [c.value for c in at.caption]
    assert any(c.startswith(f"One row for each of {part}") for c in captions)
    assert any(c.startswith(f"Countries (by region) × {part}") for c in captions)
    assert any(f"The list holds the 3 most recent of {total} exchanges" in c for c in captions)


def test_a_linked_exchange_not_shown_is_not_outside_the_filters(open_page, monkeypatch):
    monkeypatch.setattr(scale, "EXCHANGES_SHOWN", 1)
    at = open_page(exchange=CHEFCHAOUEN)
    assert at.selectbox(key="exchange").value == CHEFCHAOUEN
    assert not [i for i in at.info if "outside the current filters" in i.value]
