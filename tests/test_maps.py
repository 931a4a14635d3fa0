"""The map builders (dashboard.maps.layers rows, dashboard.maps decks, dashboard.maps.export
export figure and table) are pure and offline: data in, pydeck Deck / Plotly figure out,
no basemap, no URL, nothing plotted without coordinates, the warehouse's country names."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest
from pydeck.bindings.json_tools import default_serialize

from dashboard import theme
from dashboard.maps import decks, export, layers

NAN = float("nan")


def counts_frame(**counts: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "iso3": iso3,
                "country": layers.country_names()[iso3],
                "region": "",
                "projects": n,
                "titles": " · ".join(f"{iso3} project {i}" for i in range(n)),
            }
            for iso3, n in counts.items()
        ]
    )


LOCALITIES = pd.DataFrame(
    [
        {
            "project_id": "p1",
            "name": "Maputo",
            "iso3": "MOZ",
            "lat": -25.96553,
            "lon": 32.58322,
            "admin_level": "city",
            "title": "Project one",
            "pillar": "employment",
        },
        {
            "project_id": "p2",
            "name": "Nowhere known",
            "iso3": "PHL",
            "lat": NAN,
            "lon": NAN,
            "admin_level": "province",
            "title": "Project two",
            "pillar": "rights",
        },
        {
            "project_id": "p3",
            "name": "Half known",
            "iso3": "BRA",
            "lat": -10.0,
            "lon": None,
            "admin_level": "area",
            "title": "Project three",
            "pillar": "social_dialogue",
        },
    ]
)

CHEFCHAOUEN = {
    "exchange_id": "x1",
    "title": "Urban-rural policies",
    "host_city": "Chefchaouen",
    "host_iso3": "MAR",
    "host_lat": 35.16878,
    "host_lon": -5.2636,
    "year": 2014,
}
PARTICIPANTS = pd.DataFrame(
    [
        {**CHEFCHAOUEN, "iso3": "MAR", "country": "Morocco", "city": "Chefchaouen",
         "role": "host", "lat": 35.16878, "lon": -5.2636},
        {**CHEFCHAOUEN, "iso3": "SEN", "country": "Senegal", "city": None,
         "role": "participant", "lat": NAN, "lon": NAN},
        {**CHEFCHAOUEN, "iso3": "BEN", "country": "Benin", "city": "N'Dali",
         "role": "learner", "lat": 9.8636, "lon": 2.72094},
    ]
)  # fmt: skip


def countries_frame(*iso3s: str) -> pd.DataFrame:
    """A project's countries (project_detail_countries) with the warehouse's names."""
    return pd.DataFrame(
        {"iso3": list(iso3s), "country": [f"{i} as the warehouse names it" for i in iso3s]}
    )


def spec_of(deck) -> dict:
    """The deck as the browser reads it; written as the json module writes it too, which
    refuses a NaN (orjson, which writes the app's decks, would write null)."""
    spec = json.loads(deck.to_json())
    strict = json.dumps(deck, default=default_serialize, sort_keys=True, allow_nan=False)
    assert spec == json.loads(strict), "orjson and the json module write different decks"
    return spec


def layer(spec: dict, layer_id: str) -> dict:
    (found,) = [layer for layer in spec["layers"] if layer["id"] == layer_id]
    return found


def tooltip_fields(deck) -> set[str]:
    return set(re.findall(r"{(\w+)}", deck._tooltip["text"]))


def assert_offline(deck) -> None:
    text = deck.to_json()
    spec = spec_of(deck)
    assert spec.get("mapProvider") is None
    # pydeck's sentinel: Streamlit drops it and draws no basemap (None would mean Carto)
    assert spec.get("mapStyle") == "__MAP_STYLE__"
    assert not re.search(r"https?:|//[a-z]|mapbox:|cartocdn", text)
    json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in deck JSON"))


@pytest.fixture
def world():
    return decks.world_deck(counts_frame(BRA=3, KEN=1, PHL=4), LOCALITIES, PARTICIPANTS)


def test_world_deck_is_offline_with_identified_layers(world):
    assert_offline(world)
    spec = spec_of(world)
    assert [layer["id"] for layer in spec["layers"]] == [
        decks.COUNTRIES_LAYER,
        decks.ARCS_LAYER,
        decks.EXCHANGE_CITIES_LAYER,
        decks.LOCALITIES_LAYER,
    ]
    # string props that are not accessors are quoted, never '@@=' expressions
    for item in spec["layers"]:
        for key, value in item.items():
            if key.endswith("Units"):
                assert value == "pixels", (item["id"], key, value)
    view = spec["initialViewState"]
    assert 0.5 <= view["zoom"] <= 1.2


def test_choropleth_carries_the_counts_passed(world):
    features = layer(spec_of(world), decks.COUNTRIES_LAYER)["data"]
    by_iso3 = {f["properties"]["iso3"]: f["properties"] for f in features}
    assert {i: p["count"] for i, p in by_iso3.items() if p["count"]} == {
        "BRA": 3,
        "KEN": 1,
        "PHL": 4,
    }
    assert by_iso3["PHL"]["projects"] == "4 projects"
    assert by_iso3["KEN"]["projects"] == "1 project"
    assert "BRA project 2" in by_iso3["BRA"]["title"]
    # every other country is drawn, light grey, so the outline shows without a basemap
    grey = layers.rgba(layers.NO_PROJECT_FILL, 235)
    assert by_iso3["FRA"]["fill"] == grey and by_iso3["FRA"]["count"] == 0
    assert "ATA" not in by_iso3
    assert len(by_iso3) > 150
    # darker for more projects (the ramp is sequential)
    lightness = {i: sum(by_iso3[i]["fill"][:3]) for i in ("KEN", "BRA", "PHL")}
    assert lightness["KEN"] > lightness["BRA"] > lightness["PHL"]


def test_every_layer_carries_the_tooltip_fields(world):
    fields = tooltip_fields(world)
    assert {"name", "projects", "title"} <= fields
    spec = spec_of(world)
    for item in spec["layers"]:
        for datum in item["data"]:
            props = datum.get("properties", datum)
            missing = fields - set(props)
            assert not missing, (item["id"], missing)
            assert all(props[f] is not None for f in fields), item["id"]


def test_localities_without_coordinates_are_not_plotted(world):
    points = layer(spec_of(world), decks.LOCALITIES_LAYER)["data"]
    assert [p["place"] for p in points] == ["Maputo"]
    assert points[0]["position"] == [32.58322, -25.96553]
    assert points[0]["colour"][:3] == layers.rgba(theme.PILLAR_COLOURS["employment"])[:3]
    assert all(p["position"] != [0, 0] for p in points)
    located, unlocated = layers.split_localities(LOCALITIES)
    assert list(located["name"]) == ["Maputo"]
    assert list(unlocated["name"]) == ["Nowhere known", "Half known"]


def test_arcs_run_from_host_to_participant_city_or_country_label_point(world):
    arcs = layer(spec_of(world), decks.ARCS_LAYER)["data"]
    by_iso3 = {a["iso3"]: a for a in arcs}
    assert set(by_iso3) == {"SEN", "BEN"}  # the host's own row is not an arc
    host = [-5.2636, 35.16878]
    assert all(a["source"] == host for a in arcs)
    assert by_iso3["BEN"]["target"] == [2.72094, 9.8636]  # the participant city
    label = layers.label_points()["SEN"]  # no city named: the country's label point
    assert by_iso3["SEN"]["target"] == list(label)
    assert by_iso3["BEN"]["target_colour"][:3] == layers.rgba(theme.ROLE_COLOURS["learner"])[:3]
    assert by_iso3["SEN"]["source_colour"][:3] == layers.rgba(theme.ROLE_COLOURS["host"])[:3]
    assert "Urban-rural policies" in by_iso3["SEN"]["title"]


def test_arcs_without_a_known_end_are_left_out():
    rows = PARTICIPANTS.copy()
    rows.loc[:, ["host_lat", "host_lon"]] = NAN
    assert layers.arc_rows(rows) == []
    unknown = PARTICIPANTS.copy()
    unknown.loc[1, "iso3"] = "SGP"  # no shape at 1:110m, so no label point
    assert {a["iso3"] for a in layers.arc_rows(unknown)} == {"BEN"}


def test_same_pair_over_several_exchanges_is_one_arc():
    second = PARTICIPANTS.copy()
    second["exchange_id"] = "x2"
    second["title"] = "Follow-up"
    second["year"] = 2015
    arcs = layers.arc_rows(pd.concat([PARTICIPANTS, second], ignore_index=True))
    assert len(arcs) == 2
    sen = next(a for a in arcs if a["iso3"] == "SEN")
    assert sen["exchange_ids"] == ["x1", "x2"]
    assert "Follow-up" in sen["title"] and "2014, 2015" in sen["projects"]


def test_focus_outlines_one_country():
    deck = decks.world_deck(counts_frame(BRA=3), LOCALITIES, PARTICIPANTS, focus="BRA")
    features = layer(spec_of(deck), decks.COUNTRIES_LAYER)["data"]
    widths = {f["properties"]["iso3"]: f["properties"]["line_width"] for f in features}
    assert widths["BRA"] > widths["ARG"]


def test_empty_inputs_still_draw_the_world():
    empty = pd.DataFrame()
    deck = decks.world_deck(empty, empty, empty)
    assert_offline(deck)
    spec = spec_of(deck)
    assert len(layer(spec, decks.COUNTRIES_LAYER)["data"]) > 150
    assert layer(spec, decks.LOCALITIES_LAYER)["data"] == []
    assert layer(spec, decks.ARCS_LAYER)["data"] == []


def shown_extent(view: dict, width: int, height: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) a deck.gl map of width × height shows for `view`."""
    scale = 512 * 2 ** view["zoom"]
    half_lon = width / scale * 360 / 2
    centre_y = math.log(math.tan(math.pi / 4 + math.radians(view["latitude"]) / 2))
    half_y = height / scale * 2 * math.pi / 2

    def lat(y: float) -> float:
        return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)

    return (
        view["longitude"] - half_lon,
        lat(centre_y - half_y),
        view["longitude"] + half_lon,
        lat(centre_y + half_y),
    )


def assert_inside(inner: tuple, outer: tuple) -> None:
    west, south, east, north = outer
    assert west <= inner[0] and south <= inner[1] and inner[2] <= east and inner[3] <= north, (
        inner,
        outer,
    )


# Four provinces on Türkiye's Black Sea coast, as the hazelnut project names them: a
# view fitted to them alone showed a strip of coast and cut off most of the country.
HAZELNUT_PROVINCES = pd.DataFrame(
    {
        "name": ["Ordu", "Giresun", "Samsun", "Düzce"],
        "country": ["Türkiye"] * 4,
        "iso3": ["TUR"] * 4,
        "lat": [40.98, 40.91, 41.29, 40.84],
        "lon": [37.88, 38.39, 36.33, 31.16],
    }
)


@pytest.mark.parametrize(
    "places, iso3s",
    [
        (HAZELNUT_PROVINCES, ("TUR",)),
        (LOCALITIES.iloc[:1], ("MOZ",)),  # Maputo, in the far south
        (LOCALITIES.iloc[:1], ("MOZ", "BRA")),
    ],
)
def test_a_project_map_shows_its_whole_countries_and_every_place(places, iso3s):
    width, height = 480, 360
    deck = decks.project_deck(places, countries_frame(*iso3s), width=width, height=height)
    assert_offline(deck)
    shown = shown_extent(spec_of(deck)["initialViewState"], width, height)
    for iso3 in iso3s:
        assert_inside(layers.country_bounds()[iso3], shown)
    for lat, lon in zip(places["lat"], places["lon"], strict=True):
        assert_inside((lon, lat, lon, lat), shown)
    # …and it is a view of those countries, not of the world
    west, south, east, north = shown
    assert east - west < 180


def test_a_country_frame_leaves_out_far_flung_parts():
    """France is framed without French Guiana, the United States without Alaska."""
    west, south, east, north = layers.country_bounds()["FRA"]
    assert west > -10 and south > 40
    west, south, east, north = layers.country_bounds()["USA"]
    assert north < 50 and west > -130


def test_project_deck_highlights_its_country_and_its_places():
    deck = decks.project_deck(LOCALITIES.iloc[:1], countries_frame("MOZ"))
    spec = spec_of(deck)
    features = layer(spec, decks.COUNTRIES_LAYER)["data"]
    fills = {f["properties"]["iso3"]: f["properties"]["fill"] for f in features}
    assert fills["MOZ"] != fills["ZAF"]  # its country highlighted
    points = layer(spec, decks.LOCALITIES_LAYER)["data"]
    assert [p["place"] for p in points] == ["Maputo"]
    fields = tooltip_fields(deck)
    assert all(fields <= set(p) for p in points)


def test_project_deck_without_located_places_frames_its_countries():
    width, height = 480, 360
    deck = decks.project_deck(LOCALITIES.iloc[1:2], countries_frame("PHL"))  # no coordinates
    spec = spec_of(deck)
    assert layer(spec, decks.LOCALITIES_LAYER)["data"] == []
    view = spec["initialViewState"]
    assert_inside(layers.country_bounds()["PHL"], shown_extent(view, width, height))
    assert view["zoom"] >= 3
    # several countries: the view spans them
    wide = spec_of(decks.project_deck(pd.DataFrame(), countries_frame("BRA", "PHL")))[
        "initialViewState"
    ]
    assert wide["zoom"] < view["zoom"]


def test_exchange_deck_colours_roles_and_shows_exchange_tooltips():
    deck = decks.exchange_deck(PARTICIPANTS)
    assert_offline(deck)
    spec = spec_of(deck)
    fields = tooltip_fields(deck)
    assert {"title", "name", "country", "role"} <= fields
    cities = layer(spec, decks.EXCHANGE_CITIES_LAYER)["data"]
    roles = {c["role_code"]: c for c in cities}
    assert set(roles) == {"host", "participant", "learner"}
    for role, city in roles.items():
        assert city["colour"][:3] == layers.rgba(theme.ROLE_COLOURS[role])[:3]
        assert fields <= set(city)
        assert city["title"] == "Urban-rural policies"
    assert roles["host"]["name"] == "Chefchaouen"
    assert roles["participant"]["country"] == "Senegal"
    arcs = layer(spec, decks.ARCS_LAYER)["data"]
    assert len(arcs) == 2 and all(fields <= set(a) for a in arcs)
    countries = layer(spec, decks.COUNTRIES_LAYER)
    assert countries["pickable"] is False


def test_selected_iso3_reads_streamlit_selections():
    feature = {"type": "Feature", "properties": {"iso3": "BRA", "name": "Brazil"}}
    assert decks.selected_iso3({"objects": {decks.COUNTRIES_LAYER: [feature]}}) == "BRA"
    point = {"name": "Maputo (Mozambique)", "iso3": "MOZ"}
    assert decks.selected_iso3({"objects": {decks.LOCALITIES_LAYER: [point]}}) == "MOZ"
    assert decks.selected_iso3({"indices": {}, "objects": {}}) is None
    assert decks.selected_iso3(None) is None


def test_static_map_figure_has_no_geo_subplot_and_draws_the_localities():
    fig = export.static_map_figure(counts_frame(BRA=3, KEN=1), LOCALITIES, PARTICIPANTS, "Map")
    data = fig.to_plotly_json()
    assert "geo" not in data["layout"] and "mapbox" not in data["layout"]
    assert {trace.type for trace in fig.data} == {"scatter"}
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    markers = [t for t in fig.data if t.mode == "markers" and t.legendgroup == "localities"]
    points = {(x, y) for t in markers for x, y in zip(t.x, t.y, strict=True)}
    assert points == {(32.58322, -25.96553)}  # only the locality with coordinates
    assert markers[0].marker.color == theme.PILLAR_COLOURS["employment"]
    fills = [t for t in fig.data if t.fill == "toself"]
    assert len(fills) <= 4  # polygons merged into one trace per colour
    names = {t.name for t in fills}
    assert {"No project", "1 project", "3 projects"} == names
    arcs = [t for t in fig.data if t.legendgroup == "exchanges" and t.mode == "lines"]
    xs = [x for t in arcs for x in t.x if x is not None]
    assert min(xs) <= -5.2 and max(xs) >= 2.7
    assert "http" not in json.dumps(data, default=str)


def test_map_table_lists_everything_including_unplotted_places():
    table = export.map_table(counts_frame(BRA=3), LOCALITIES, PARTICIPANTS)
    assert set(table["layer"]) == {"country", "locality", "exchange participant"}
    unlocated = table[(table["layer"] == "locality") & table["lat"].isna()]
    assert set(unlocated["name"]) == {"Nowhere known", "Half known"}
    assert set(unlocated["location"]) == {theme.NOT_REPORTED}


def test_count_legend_matches_the_ramp():
    legend = layers.count_legend(4)
    assert legend[0] == ("No project", layers.NO_PROJECT_FILL)
    assert [label for label, _ in legend[1:]] == [
        "1 project",
        "2 projects",
        "3 projects",
        "4 projects",
    ]
    assert legend[-1][1] == layers.count_colour(4, 4)
    assert len(layers.count_legend(40)) <= 7


def test_country_names_are_the_warehouses_natural_earths_only_without_a_project():
    assert layers.country_names()["TUR"] == "Turkey"  # Natural Earth's spelling
    counts = pd.DataFrame(
        [{"iso3": "TUR", "country": "Türkiye", "region": "Europe and Central Asia",
          "projects": 1, "titles": "Hazelnut harvest"}]
    )  # fmt: skip
    # the page's localities carry no country: the name comes from the project countries
    ordu = pd.DataFrame(
        [{"project_id": "p1", "name": "Ordu", "iso3": "TUR", "lat": 40.97782, "lon": 37.89047,
          "admin_level": "province", "title": "Hazelnut harvest", "pillar": "rights"}]
    )  # fmt: skip
    spec = spec_of(decks.world_deck(counts, ordu, PARTICIPANTS))
    features = {
        f["properties"]["iso3"]: f["properties"] for f in layer(spec, decks.COUNTRIES_LAYER)["data"]
    }
    assert features["TUR"]["name"] == features["TUR"]["country"] == "Türkiye"
    assert features["FRA"]["name"] == "France"  # no project: Natural Earth's name
    (point,) = layer(spec, decks.LOCALITIES_LAYER)["data"]
    assert point["name"] == "Ordu (Türkiye)"
    figure = export.static_map_figure(counts, ordu, None, "")
    (marker,) = [t for t in figure.data if t.legendgroup == "localities"]
    assert "Ordu (Türkiye)" in marker.text[0]


def test_exchange_hosts_are_named_as_the_warehouse_names_their_country():
    hosted = PARTICIPANTS.assign(host_iso3="TUR", host_city="Ordu")
    hosted.loc[hosted["role"] == "host", ["iso3", "country"]] = ["TUR", "Türkiye"]
    arcs = layers.arc_rows(hosted)
    assert {a["host"] for a in arcs} == {"Ordu (Türkiye)"}
    cities = layer(spec_of(decks.exchange_deck(hosted)), decks.EXCHANGE_CITIES_LAYER)["data"]
    (host,) = [c for c in cities if c["role_code"] == "host"]
    assert host["country"] == "Türkiye"


def test_project_deck_names_its_countries_as_the_warehouse_does():
    deck = decks.project_deck(LOCALITIES.iloc[:1], countries_frame("MOZ", "TUR"))
    features = layer(spec_of(deck), decks.COUNTRIES_LAYER)["data"]
    names = {f["properties"]["iso3"]: f["properties"]["name"] for f in features}
    assert names["TUR"] == "TUR as the warehouse names it"
    (point,) = layer(spec_of(deck), decks.LOCALITIES_LAYER)["data"]
    assert point["name"] == "Maputo (MOZ as the warehouse names it)"


def test_missing_country_shapes_say_so(monkeypatch, tmp_path):
    monkeypatch.setattr(layers, "COUNTRIES_GEOJSON", tmp_path / "missing.geojson")
    with pytest.raises(layers.ShapesUnavailable, match="cannot be read"):
        decks.exchange_deck(PARTICIPANTS)
    damaged = tmp_path / "damaged.geojson"
    damaged.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(layers, "COUNTRIES_GEOJSON", damaged)
    with pytest.raises(layers.ShapesUnavailable):
        decks.project_deck(LOCALITIES, countries_frame("MOZ"))


def test_static_map_without_counts_draws_countries_as_a_backdrop():
    fig = export.static_map_figure(None, None, PARTICIPANTS, "")
    countries = [t for t in fig.data if t.legendgroup == "countries"]
    assert countries and not any(t.showlegend for t in countries)
    assert [t for t in fig.data if t.legendgroup == "exchanges"]
    assert not [t for t in fig.data if t.legendgroup == "localities"]


def test_the_legend_names_each_count_pillar_and_role_in_its_colour():
    legend = layers.legend_html(12)
    for label, colour in layers.count_legend(12):
        assert colour in legend and label in legend
    for pillar in theme.PILLAR_ORDER:
        assert theme.PILLAR_COLOURS[pillar] in legend and theme.PILLAR_SHORT[pillar] in legend
    for role, colour in theme.ROLE_COLOURS.items():
        assert colour in legend and theme.ROLE_LABELS[role] in legend


# --- grouped localities (past scale.MAX_LOCALITY_POINTS) -----------------------------------

# Groups as queries.locality_clusters returns them: 0.5° squares next to each other, as
# the 1M synthetic warehouse has them (its localities lie within a degree of a point).
CLUSTERS = pd.DataFrame(
    [(35.25, 31.73, 2530, "PSE", 2), (34.81, 31.72, 1594, "ISR", 2),
     (35.25, 31.27, 158, "ISR", 1), (12.25, 60.25, 1, "NOR", 1)],
    columns=["lon", "lat", "localities", "iso3", "countries"],
).assign(cell=0.5)  # fmt: skip
METRES_PER_DEGREE = 111_320


def test_a_group_disc_never_outgrows_its_square_and_its_area_follows_its_count():
    rows = layers.cluster_rows(CLUSTERS)
    for row, cell in zip(rows, CLUSTERS["cell"], strict=True):
        half_cell = cell / 2 * METRES_PER_DEGREE * math.cos(math.radians(row["lat"]))
        assert 0 < row["radius"] <= half_cell * 1.0001
    largest, second = rows[0], rows[1]
    ratio = (second["radius"] / math.cos(math.radians(second["lat"]))) / (
        largest["radius"] / math.cos(math.radians(largest["lat"]))
    )
    assert ratio == pytest.approx(math.sqrt(1594 / 2530), rel=1e-3)  # area ∝ localities
    # the deck sizes them in metres (a disc keeps to its square at every zoom), with a
    # few pixels at least so a small group still shows on the world view
    deck = decks.world_deck(counts_frame(ISR=3), None, PARTICIPANTS, clusters=CLUSTERS)
    places = layer(spec_of(deck), decks.LOCALITIES_LAYER)
    assert places["radiusUnits"] == "meters"
    assert 1 <= places["radiusMinPixels"] <= 3


def test_the_exported_map_sizes_groups_within_their_square_too():
    fig = export.static_map_figure(counts_frame(ISR=3), None, None, "", clusters=CLUSTERS)
    (groups,) = [t for t in fig.data if t.legendgroup == "localities"]
    sizes = list(groups.marker.size)
    assert max(sizes) <= 6  # 0.5° squares are a few pixels wide on a world map
    assert sizes == sorted(sizes, reverse=True)


def test_the_legend_of_grouped_localities_shows_groups_not_pillars():
    legend = layers.legend_html(12, cell=0.5)
    assert "Locality groups" in legend and "0.5° square" in legend
    assert layers.CLUSTER_FILL in legend
    for pillar in theme.PILLAR_ORDER:  # the groups are not coloured by pillar
        assert theme.PILLAR_COLOURS[pillar] not in legend
        assert theme.PILLAR_SHORT[pillar] not in legend
    for role, colour in theme.ROLE_COLOURS.items():  # arcs and rings are still drawn
        assert colour in legend and theme.ROLE_LABELS[role] in legend
    assert layers.legend_html(12) == layers.legend_html(12, cell=None)


def test_the_exported_map_keys_many_country_counts_to_the_ramp_steps():
    # At 1M every country has its own count (5,077, 5,096, …): one legend entry each
    # ran off the image. Many counts get the steps of the page's legend instead.
    iso3s = [i for i in layers.country_names() if i not in layers.SKIPPED_SHAPES][:40]
    counts = counts_frame(**{iso3: 100 + 7 * n for n, iso3 in enumerate(iso3s)})
    fig = export.static_map_figure(counts, None, None, "")
    shown = [t.name for t in fig.data if t.legendgroup == "countries" and t.showlegend]
    max_count = 100 + 7 * 39
    assert shown == [label for label, _ in layers.count_legend(max_count, 100)]
    drawn = {t.name for t in fig.data if t.legendgroup == "countries" and t.x}
    assert {f"{100 + 7 * n} projects" for n in range(40)} <= drawn  # every count drawn
    # a few counts keep one entry each, as before
    few = export.static_map_figure(counts_frame(BRA=3, KEN=1), None, None, "")
    names = [t.name for t in few.data if t.legendgroup == "countries" and t.showlegend]
    assert names == ["No project", "1 project", "3 projects"]


def test_a_group_without_a_valid_position_is_listed_not_drawn():
    """Groups are read a column at a time (thousands at 1M): one whose mean position is
    missing or out of range is never drawn (never at 0,0), and the table still lists it."""
    odd = pd.concat(
        [
            CLUSTERS,
            pd.DataFrame(
                [
                    (None, 10.0, 7, "BRA", 1),
                    (200.0, 10.0, 5, "ARG", 1),
                    (10.0, -95.0, 4, "CHL", 1),
                    (float("inf"), 10.0, 3, "PER", 1),
                    (10.0, None, 2, "BOL", 1),
                ],
                columns=["lon", "lat", "localities", "iso3", "countries"],
            ).assign(cell=0.5),
        ],
        ignore_index=True,
    ).astype({"lon": "Float64", "lat": "Float64"})  # missing as pd.NA, as DuckDB gives it
    drawn = layers.cluster_rows(odd)
    assert [r["iso3"] for r in drawn] == list(CLUSTERS["iso3"])
    assert all(r["position"] != [0, 0] for r in drawn)
    table = export.map_table(None, None, None, clusters=odd)
    groups = table[table["layer"] == "locality group"]
    assert list(groups["iso3"]) == [*CLUSTERS["iso3"], "BRA", "ARG", "CHL", "PER", "BOL"]
    assert groups["lat"].isna().tolist() == [False] * len(CLUSTERS) + [True] * 5


def test_at_scale_the_count_ramp_starts_at_the_fewest_projects_a_country_has():
    """At a million projects every country has thousands: a ramp from 1 painted them all
    the darkest blue and hid the focus outline. The ramp runs from the fewest to the
    most; with a country of one project (the curated catalogue) nothing changes."""
    iso3s = [i for i in layers.country_names() if i not in layers.SKIPPED_SHAPES][:30]
    counts = counts_frame(**{iso3: 4000 + 150 * n for n, iso3 in enumerate(iso3s)})
    fills = {
        f["properties"]["iso3"]: tuple(f["properties"]["fill"][:3])
        for f in layers.choropleth_features(counts, focus=iso3s[5])
    }
    assert fills[iso3s[0]] == tuple(layers.rgba(layers.COUNT_RAMP[0])[:3])  # lightest
    assert fills[iso3s[-1]] == tuple(layers.rgba(layers.COUNT_RAMP[-1])[:3])  # darkest
    assert len({fills[i] for i in iso3s}) > 20  # told apart, not one colour
    legend = layers.count_legend(4000 + 150 * 29, 4000)
    assert legend[1][0] == "4,000 projects" and legend[-1][0] == "8,350 projects"
    assert len({colour for _, colour in legend}) == len(legend)
    for count in (1, 2, 7, 40):  # counts from 1: as before
        assert layers.count_colour(count, 40, 1) == layers.count_colour(count, 40)
    assert layers.count_legend(40, 1) == layers.count_legend(40)
    # the focus outline: whichever of dark and white contrasts more with the fill
    for step in (*layers.COUNT_RAMP, layers.NO_PROJECT_FILL):
        line, _ = layers.focus_line(step)
        lighter, darker = sorted((theme.luminance(line), theme.luminance(step)), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, step
    darkest = next(f for f in layers.choropleth_features(counts, focus=iso3s[-1])
                   if f["properties"]["iso3"] == iso3s[-1])  # fmt: skip
    assert darkest["properties"]["line"] == layers.rgba(layers.FOCUS_LINE_ON_DARK)
    assert layers.focus_line(layers.COUNT_RAMP[0]) == (layers.FOCUS_LINE, 2.5)  # as before


def test_the_exported_map_colours_countries_as_the_page_does():
    """The ramp's ends come from one place (layers.count_range) for the deck, the page's
    legend and the exported image, counting countries too small to draw (Cabo Verde)."""
    counts = pd.concat(
        [
            counts_frame(BRA=10, ZAF=20),
            pd.DataFrame([{"iso3": "CPV", "country": "Cabo Verde", "region": "", "projects": 1}]),
        ],
        ignore_index=True,
    )
    assert "CPV" not in {f["properties"]["iso3"] for f in layers.country_features()}
    deck = {
        f["properties"]["iso3"]: layers._hex(f["properties"]["fill"])
        for f in layers.choropleth_features(counts)
    }
    fig = export.static_map_figure(counts, None, None, "")
    by_name = {t.name: t.fillcolor for t in fig.data if t.legendgroup == "countries"}
    assert by_name["10 projects"].upper() == deck["BRA"]
    assert by_name["20 projects"].upper() == deck["ZAF"]
    assert layers.count_range(counts) == (1, 20)


@pytest.mark.parametrize(
    "deck",
    [
        decks.world_deck(counts_frame(BRA=1), LOCALITIES, PARTICIPANTS),
        decks.project_deck(LOCALITIES.iloc[:1], countries_frame("MOZ")),
        decks.exchange_deck(PARTICIPANTS),
    ],
    ids=["world", "project", "exchanges"],
)
def test_no_map_zooms_with_the_wheel_but_each_can_be_dragged_and_zoomed(deck):
    (view,) = spec_of(deck)["views"]
    controller = view["controller"]
    assert controller["scrollZoom"] is False  # the wheel scrolls the page
    assert controller["dragPan"] and controller["doubleClickZoom"] and controller["keyboard"]


def test_a_deck_written_by_orjson_says_what_pydecks_json_says(world):
    """CompactDeck writes with orjson (issue 13: 9x faster for a world map's shapes);
    the map it describes is the one the standard library would have written, keys,
    numbers and non-ASCII text alike."""
    deck = decks.world_deck(
        counts_frame(BRA=3, KEN=1, PHL=4), LOCALITIES.assign(name="Zürich <b>«ç»</b> 北京"),
        PARTICIPANTS,
    )  # fmt: skip
    for each in (world, deck):
        standard = json.dumps(each, default=default_serialize, sort_keys=True, allow_nan=False)
        assert json.loads(each.to_json()) == json.loads(standard)
    assert "Zürich <b>«ç»</b> 北京" in json.dumps(json.loads(deck.to_json()), ensure_ascii=False)
