"""Data: the warehouse's data dictionary, provenance, coverage against the reported
figures, and downloads of everything (CSV zip, Parquet, DuckDB, catalogue template)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import exports, formatting, queries, ui
from dashboard.db import DUCKDB_FILE, warehouse_dir
from dashboard.dictionary import readme_dictionary
from dashboard.figures.overview import reported_vs_documented

ui.ensure_shell()

st.title("Data")
st.markdown(
    "Everything the atlas shows comes from one DuckDB warehouse built from the curated "
    "catalogue. Take it whole — as CSV, Parquet or the DuckDB file — or bring your own "
    "inventory with the catalogue template."
)
meta = ui.load(queries.meta)

st.header("Downloads")
tables = ui.load(queries.table_names)
cols = st.columns(4)
readme_text = (
    f"Local Decent Work Atlas — warehouse export\nSource: {meta.get('catalogue_source', '')}\n"
    f"Built: {meta.get('built_at', '')}\nCatalogue SHA-256: {meta.get('source_sha256', '')}\n"
    "Empty cells mean the source does not report the value.\n"
    "project_no is a project's row number in this build (it changes between builds): "
    "link records by project_id.\n"
)
cols[0].download_button(
    "Whole dataset (CSV zip)",
    data=lambda: exports.csv_zip({t: ui.load(queries.table, t) for t in tables}, readme_text),
    file_name="local-decent-work-atlas-csv.zip",
    mime="application/zip",
    icon=":material/folder_zip:",
    on_click="ignore",
    key="dl_csv_zip",
)
parquet_dir = warehouse_dir() / "parquet"
cols[1].download_button(
    "Whole dataset (Parquet zip)",
    data=lambda: exports.directory_zip(parquet_dir, "*.parquet"),
    file_name="local-decent-work-atlas-parquet.zip",
    mime="application/zip",
    icon=":material/folder_zip:",
    on_click="ignore",
    key="dl_parquet_zip",
)
cols[2].download_button(
    "DuckDB file",
    data=lambda: (warehouse_dir() / DUCKDB_FILE).read_bytes(),
    file_name=DUCKDB_FILE,
    mime="application/octet-stream",
    icon=":material/database:",
    on_click="ignore",
    key="dl_duckdb",
)


def _template_bytes() -> bytes:
    from etl.template import write_template

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "catalogue-template.xlsx"
        write_template(out)
        return out.read_bytes()


cols[3].download_button(
    "Catalogue template (XLSX)",
    data=_template_bytes,
    file_name="catalogue-template.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table:",
    on_click="ignore",
    key="dl_template",
)
st.caption(
    "Query the DuckDB file with SQL, e.g. "
    "`select region, count(*) from projects group by region;` — "
    "then build your own: fill the template, run "
    "`python -m etl build --source my.xlsx --warehouse my-warehouse`, and start the app with "
    "`ATLAS_WAREHOUSE=my-warehouse`."
)

st.header("Provenance")
left, right = st.columns(2)
with left:
    st.markdown(
        f"- **Source:** {formatting.md(meta.get('catalogue_source'), 'not recorded')}\n"
        f"- **Curation:** {formatting.md(meta.get('catalogue_curation'), 'not recorded')}\n"
        f"- **As of:** {formatting.as_of_md(meta)}\n"
        "- **Coordinates:** GeoNames (CC-BY) via each place's GeoNames id; administrative "
        "areas at their seat.\n"
        "- **Countries and regions:** ISO 3166 (pycountry), UN M49 + the ILO rule for Arab "
        "States and Europe and Central Asia; shapes from Natural Earth (public domain)."
    )
with right:
    st.dataframe(
        pd.DataFrame(sorted(meta.items()), columns=["key", "value"]),
        hide_index=True,
        width="stretch",
    )

st.header("Coverage")
filters = ui.current_filters()
ui.filters_caption(filters)  # coverage follows the sidebar; the downloads are the whole dataset
reported = ui.load(queries.reported_figures)
if reported.empty:  # a generated warehouse: nothing to compare
    st.caption(
        "No reported figures in this warehouse: the publication's figures, and the "
        "comparison with them, come with the curated catalogue (`python -m etl build`)."
    )
else:
    figure, table = reported_vs_documented(
        reported, ui.load(queries.documented_counts, filters, tuple(reported["dimension"]))
    )
    ui.chart_block(
        title="What the catalogue documents against the reported figures",
        key="data_coverage",
        figure=figure,
        data=table,
    )
counts = ui.load(queries.table_counts)
st.dataframe(
    counts.rename(columns={"table_name": "table"}),
    hide_index=True,
    column_config=ui.count_columns("rows"),
)

st.header("Data dictionary")
docs = readme_dictionary()
columns = ui.load(queries.columns)
for name in tables:
    doc = docs.get(name)
    subset = columns[columns["table_name"] == name][["column_name", "data_type"]].copy()
    if doc:
        subset["meaning"] = [doc.column_notes.get(c, "") for c in subset["column_name"]]
    with st.expander(f"`{name}` — one row per {doc.one_row_per if doc else '?'}"):
        st.dataframe(subset, hide_index=True, width="stretch")
