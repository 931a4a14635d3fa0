"""Catalogue in, warehouse out.

`python -m etl build` reads the curated catalogue (CSV directory or XLSX workbook),
validates every cell, and writes the DuckDB + Parquet warehouse atomically. This
package knows nothing of Streamlit; the dashboard only reads what it writes.
"""

# Bumped whenever the warehouse gains or changes columns: the app refuses an older
# warehouse with rebuild instructions, and `make run` rebuilds it.
# 2: projects.status, projects.drawn_to_year, project_phases.drawn_to_year.
# 3: pillar (and region, starting) copied onto project_years, _topics, _beneficiaries,
#    _partners (etl.transform.COPIED_COLUMNS), so the pages count without a join.
# 4: the `aggregates` schema of the DuckDB file (etl.aggregates): the pages' answers for
#    the whole warehouse, and the Gantt's projects in order.
# 5: projects.project_no (1…N) copied onto every project_* table (and gantt_projects):
#    filtered queries match a filter set's projects by integer (etl.transform.NO); the
#    Map's aggregates (country_counts, locality_summary, locality_cells, and the first
#    FIRST_ROWS of map_projects and unlocated_localities).
SCHEMA_VERSION = "5"
