"""Data: the warehouse's data dictionary, provenance, coverage against the reported
figures, and downloads of everything (CSV zip, Parquet, DuckDB, catalogue template)."""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import exports, formatting, i18n, queries, ui
from dashboard.db import DUCKDB_FILE
from dashboard.dictionary import readme_dictionary
from dashboard.figures import summaries
from dashboard.figures.overview import readable_comparison, reported_vs_documented
from dashboard.i18n import N_, _
from dashboard.ui.blocks import later

ui.ensure_shell()

st.title(_("Data"))
st.markdown(
    _(
        "Everything the atlas shows comes from one DuckDB warehouse built from the curated "
        "catalogue. Take it whole — as CSV, Parquet or the DuckDB file — or bring your own "
        "inventory with the catalogue template."
    )
)
meta = ui.load(queries.meta)

st.header(_("Downloads"))
tables = ui.load(queries.table_names)
cols = [*st.columns(2), *st.columns(2)]  # four in a row cut their labels at 1280 px
# The zip's README is read by a person: in the page's language (the data stays as it is,
# and the catalogue's source is named as recorded).
readme_text = (
    _(
        "Local Decent Work Atlas — warehouse export\n"
        "Source: {source}\n"
        "Built: {built}\n"
        "Catalogue SHA-256: {sha256}\n"
        "Empty cells mean the source does not report the value.\n"
        "project_no is a project's row number in this build (it changes between builds): "
        "link records by project_id.\n"
    )
).format(
    source=meta.get("catalogue_source", ""),
    built=meta.get("built_at", ""),
    sha256=meta.get("source_sha256", ""),
)
cols[0].download_button(
    _("Whole dataset (CSV zip)"),
    data=later(
        lambda: exports.csv_zip({t: ui.load(queries.table, t) for t in tables}, readme_text)
    ),
    file_name="local-decent-work-atlas-csv.zip",
    mime="application/zip",
    icon=":material/folder_zip:",
    on_click="ignore",
    key="dl_csv_zip",
)
warehouse = ui.warehouse_directory()  # the session's own inventory's, if it explores one
parquet_dir = warehouse / "parquet"
cols[1].download_button(
    _("Whole dataset (Parquet zip)"),
    data=lambda: exports.directory_zip(parquet_dir, "*.parquet"),
    file_name="local-decent-work-atlas-parquet.zip",
    mime="application/zip",
    icon=":material/folder_zip:",
    on_click="ignore",
    key="dl_parquet_zip",
)
cols[2].download_button(
    _("DuckDB file"),
    data=lambda: (warehouse / DUCKDB_FILE).read_bytes(),
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
    _("Catalogue template (XLSX)"),  # the template itself is in English (column names)
    data=_template_bytes,
    file_name="catalogue-template.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table:",
    on_click="ignore",
    key="dl_template",
)
st.markdown(  # not a caption: code in a caption's faded grey fails WCAG contrast
    _(
        "Query the DuckDB file with SQL, e.g. "
        "`select region, count(*) from projects group by region;` — "
        "then build your own: fill the template, run "
        "`python -m etl build --source my.xlsx --warehouse my-warehouse`, and start the app "
        "with `ATLAS_WAREHOUSE=my-warehouse`."
    )
)

st.header(_("Explore your own inventory"))
ui.upload_section()

st.header(_("Publish (data stewards)"))
ui.publishing_section()

st.header(_("Provenance"))
left, right = st.columns(2)
with left:
    not_recorded = _("not recorded")
    st.markdown(
        "\n".join(
            (
                _("- **Source:** {source}").format(
                    source=formatting.md(meta.get("catalogue_source"), not_recorded)
                ),
                _("- **Curation:** {curation}").format(
                    curation=formatting.md(meta.get("catalogue_curation"), not_recorded)
                ),
                _("- **As of:** {as_of}").format(as_of=formatting.as_of_md(meta)),
                _(
                    "- **Coordinates:** GeoNames (CC-BY) via each place's GeoNames id; "
                    "administrative areas at their seat."
                ),
                _(
                    "- **Countries and regions:** ISO 3166 (pycountry), UN M49 + the ILO rule "
                    "for Arab States and Europe and Central Asia; shapes from Natural Earth "
                    "(public domain)."
                ),
            )
        )
    )
with right:
    ui.table(  # the warehouse's own record of its build: keys and values as stored
        pd.DataFrame(sorted(meta.items()), columns=["key", "value"]),
        {
            "key": st.column_config.TextColumn(_("key")),
            "value": st.column_config.TextColumn(_("value")),
        },
        half=True,
    )

st.header(_("Coverage"))
filters = ui.current_filters()
ui.filters_caption(filters)  # coverage follows the sidebar; the downloads are the whole dataset
reported = ui.load(queries.reported_figures)
if reported.empty:  # a generated warehouse: nothing to compare
    st.markdown(
        _(
            "No reported figures in this warehouse: the publication's figures, and the "
            "comparison with them, come with the curated catalogue (`python -m etl build`)."
        )
    )
else:
    figure, table = ui.built(
        reported_vs_documented,
        reported,
        ui.load(queries.documented_counts, filters, tuple(reported["dimension"])),
    )
    ui.chart_block(
        title=N_("What the catalogue documents against the reported figures"),
        key="data_coverage",
        summary=ui.built(summaries.reported_vs_documented, table),
        figure=figure,
        data=table,
        table=partial(readable_comparison, table),
    )
counts = ui.load(queries.table_counts)
ui.table(  # the frame keeps its names; the headers are translated
    counts.rename(columns={"table_name": "table"}),
    {
        "table": st.column_config.TextColumn(_("table")),
        **ui.count_columns("rows", labels={"rows": _("rows")}),
    },
)

st.header(_("Data dictionary"))
# Table and column names are the warehouse's; their descriptions come from README.md
# (the one place the dictionary is written, in English), and the page says so.
if i18n.language() != i18n.DEFAULT_LANGUAGE:
    st.caption(_("The tables' and columns' descriptions are those of the README, in English."))
docs = readme_dictionary()
columns = ui.load(queries.columns)
for name in tables:
    doc = docs.get(name)
    label = _("`{table}` — one row per {row}").format(
        table=name, row=doc.one_row_per if doc else "?"
    )
    # built when opened: sixteen fitted tables on every run were a third of the page's time
    section = st.expander(label, key=f"dictionary_{name}", on_change="rerun")
    if not section.open:
        continue
    subset = columns[columns["table_name"] == name][["column_name", "data_type"]].copy()
    if doc:
        subset["meaning"] = [doc.column_notes.get(c, "") for c in subset["column_name"]]
    with section:
        ui.table(
            subset,
            {
                column: st.column_config.TextColumn(header)
                for column, header in (
                    ("column_name", _("column_name")),
                    ("data_type", _("data_type")),
                    ("meaning", _("meaning")),
                )
                if column in subset.columns
            },
        )

st.header(_("Languages"))
st.markdown(
    _(
        "The interface speaks English, French and Spanish: choose in the sidebar, or add "
        "`lang=fr` or `lang=es` to a link (without it, the browser's language is used). "
        "Links keep every filter as a code, so a link copied in one language opens the same "
        "view in the others. Titles, summaries and names stay in the language of the "
        "source, English. Search finds countries by their English, French or Spanish name."
    )
)
st.markdown(
    _(
        "To add a language: add it to `LANGUAGES` in `dashboard/i18n.py`, run "
        "`python tools/translations.py extract`, translate the new "
        "`dashboard/locales/<code>/LC_MESSAGES/messages.po`, then `make` compiles it. "
        "See docs/languages.md."
    )
)
