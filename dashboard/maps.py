"""Pure map builders (pydeck), fully offline: `map_provider=None` draws layers with no
basemap, no tiles and no external request. Country shapes come from
data/reference/countries.geojson (Natural Earth, public domain).

API used by the pages (implemented by the Map page work):
- world_deck(country_counts, localities, arcs) -> pdk.Deck
- project_deck(localities, iso3s) -> pdk.Deck          (Projects detail small map)
- exchange_deck(participants) -> pdk.Deck              (City-to-City network map)
- static_map_figure(country_counts, localities, arcs, title) -> plotly Figure
  (a Plotly rendering in plain lon/lat axes for PNG/SVG export; no geo CDN needed)
"""
