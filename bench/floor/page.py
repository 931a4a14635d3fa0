"""The floor for a page's content (bench/page_speed.py): a Streamlit page holding
nothing but one Plotly chart (`?chart`), one pydeck map of the world's countries
(`?map`: the atlas's own basemap data, no tiles), or both. Whatever else the atlas puts
on a page costs on top of this."""

import sys
from pathlib import Path

import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dashboard.maps import decks, layers  # noqa: E402

st.title("The floor")
if "map" in st.query_params:
    features = [
        {**feature, "properties": {**feature["properties"], "fill": [200, 200, 200, 255]}}
        for feature in layers.country_features()
    ]
    layer = pdk.Layer("GeoJsonLayer", data=features, get_fill_color="properties.fill")
    view = pdk.ViewState(**decks.WORLD_VIEW)
    st.pydeck_chart(pdk.Deck(layers=[layer], map_provider=None, initial_view_state=view))
if "chart" in st.query_params:
    st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2])))
