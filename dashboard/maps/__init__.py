"""The maps, drawn entirely offline (no tiles, no CDN).

- `layers`: what the maps draw, whatever draws them — country shapes and names,
  colours, and the rows of each layer (pure: query frames in, plain dicts out);
- `decks`: the interactive pydeck maps built from those rows;
- `export`: the same map as a Plotly figure for PNG/SVG export, and its table.
"""
