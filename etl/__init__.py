"""Catalogue in, warehouse out.

`python -m etl build` reads the curated catalogue (CSV directory or XLSX workbook),
validates every cell, and writes the DuckDB + Parquet warehouse atomically. This
package knows nothing of Streamlit; the dashboard only reads what it writes.
"""

SCHEMA_VERSION = "1"
