"""Local Decent Work Atlas — entry point (`streamlit run app.py`).

Until the dashboard pages land, this page summarises the warehouse so a fresh
install can be checked at a glance.
"""

from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.db import WarehouseMissing, warehouse_version

st.set_page_config(page_title="Local Decent Work Atlas", layout="wide")
st.title("Local Decent Work Atlas")
st.caption(
    "ILO technical-cooperation projects with local authorities, and ILO–UCLG "
    "City-to-City exchanges."
)

try:
    version = warehouse_version()
except WarehouseMissing as exc:
    st.error(str(exc))
    st.stop()

meta = queries.meta(version)
if meta.get("synthetic") == "true":
    st.warning(
        "This warehouse was built from SYNTHETIC data (benchmarks/tests), not the catalogue."
    )

counts = queries.table_counts(version).set_index("table_name")["rows"]
cols = st.columns(4)
cols[0].metric("Projects and programmes", int(counts["projects"]))
cols[1].metric("Localities", int(counts["project_localities"]))
cols[2].metric("City-to-City exchanges", int(counts["exchanges"]))
cols[3].metric("Reported figures", int(counts["reported_figures"]))

st.subheader("Projects by pillar and region")
st.dataframe(queries.projects_by_pillar_and_region(version), hide_index=True)

st.subheader("Warehouse")
st.dataframe(counts.rename("rows"), width="content")
st.caption(
    f"Built {meta.get('built_at', '?')} from {meta.get('source', '?')} · "
    f"schema {meta.get('schema_version', '?')}"
)
