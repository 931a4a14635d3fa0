"""How much a page shows at once — one place for the limits that keep every page fast
and light at a million projects (docs/scaling.md, "Pages at scale").

Beyond a limit a page counts everything in SQL and shows the first part, the groups or
the largest values, and says so with the way to narrow down (the sidebar's filters).
The curated catalogue (21 projects, about 50 localities, 20 exchanges) stays under
every limit, so it looks exactly as it did. Tests lower them (monkeypatch) rather than
build big warehouses.
"""

from __future__ import annotations

# Projects page: rows of the table on one page (sorted and paged in DuckDB beyond).
PROJECT_TABLE_ROWS = 100

# Timeline: projects the Gantt draws (one row each): those that start first; and the
# projects without years listed under it (by title; beyond, the count).
GANTT_ROWS = 60
UNDATED_LISTED = 10

# City-to-City exchanges drawn on the Map, the Timeline and the exchanges page (the
# most recent ones); all of them are counted.
EXCHANGES_SHOWN = 60

# Map: the most localities drawn one by one (beyond, groups of them in square cells),
# the projects listed beside the map, the places without coordinates listed under it,
# and a country tooltip's titles (beyond: the count alone).
MAX_LOCALITY_POINTS = 2000
MAP_LIST_ROWS = 200
UNLOCATED_ROWS = 1000
TOOLTIP_TITLES = 20
# Map: countries named as too small to draw at the map's scale (beyond: the count).
TOO_SMALL_LISTED = 20

# Overview: the stated counts listed (the largest); all of them are counted.
COUNT_ROWS = 1000

# Pillars: bars of the beneficiary-group and partner charts (topics: 15), partners
# listed, and the most projects a partner may have for its titles to be listed.
FACET_BARS = 30
PARTNER_ROWS = 1000
TITLES_PER_PARTNER = 20
