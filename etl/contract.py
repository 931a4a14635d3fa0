"""The warehouse output contract as pandera schemas: the last check before writing.

Input problems are caught earlier with row-level messages; a failure here means a
bug in the ETL, so it stops the build before anything is swapped in.
"""

from __future__ import annotations

import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.compute as pc

from etl import vocab

_ID = pandera.Column("string", nullable=False)
_REGIONS = [*vocab.ILO_REGIONS, vocab.MULTI_REGION]

SCHEMAS: dict[str, pandera.DataFrameSchema] = {
    "projects": pandera.DataFrameSchema(
        {
            "project_id": pandera.Column("string", unique=True, nullable=False),
            "title": pandera.Column("string", nullable=False),
            "record_type": pandera.Column("string", pandera.Check.isin(vocab.RECORD_TYPES)),
            "pillar": pandera.Column("string", pandera.Check.isin(list(vocab.PILLARS))),
            "start_year": pandera.Column(
                "Int64", pandera.Check.in_range(1900, 2100), nullable=True
            ),
            "end_year": pandera.Column("Int64", pandera.Check.in_range(1900, 2100), nullable=True),
            "ongoing": pandera.Column("boolean", nullable=False),
            "drawn_to_year": pandera.Column("Int64", nullable=True),
            "status": pandera.Column(
                "string", pandera.Check.isin(list(vocab.PROJECT_STATUSES)), nullable=False
            ),
            "region": pandera.Column("string", pandera.Check.isin(_REGIONS), nullable=False),
            "source_ref": pandera.Column("string", nullable=False),
        },
        checks=[
            pandera.Check(
                lambda df: (
                    df.end_year.isna() | df.start_year.isna() | (df.end_year >= df.start_year)
                ),
                error="end_year before start_year",
            ),
            pandera.Check(
                lambda df: df.drawn_to_year.isna() == df.start_year.isna(),
                error="drawn_to_year set exactly when start_year is",
            ),
        ],
    ),
    "project_phases": pandera.DataFrameSchema(
        {
            "project_id": _ID,
            "start_year": pandera.Column("Int64", nullable=False),
            "drawn_to_year": pandera.Column("Int64", nullable=False),
        },
        checks=pandera.Check(
            lambda df: df.drawn_to_year >= df.start_year, error="drawn_to_year before start_year"
        ),
    ),
    "project_countries": pandera.DataFrameSchema(
        {"project_id": _ID, "iso3": pandera.Column("string", pandera.Check.str_length(3, 3))},
        unique=["project_id", "iso3"],
    ),
    "project_years": pandera.DataFrameSchema(
        {"project_id": _ID, "year": pandera.Column("Int64", nullable=False)},
        unique=["project_id", "year"],
    ),
    "project_localities": pandera.DataFrameSchema(
        {
            "project_id": _ID,
            "lat": pandera.Column("Float64", pandera.Check.in_range(-90, 90), nullable=True),
            "lon": pandera.Column("Float64", pandera.Check.in_range(-180, 180), nullable=True),
        }
    ),
    "exchanges": pandera.DataFrameSchema(
        {
            "exchange_id": pandera.Column("string", unique=True, nullable=False),
            "status": pandera.Column("string", pandera.Check.isin(vocab.EXCHANGE_STATUSES)),
            "kind": pandera.Column("string", pandera.Check.isin(vocab.EXCHANGE_KINDS)),
        }
    ),
    "exchange_participants": pandera.DataFrameSchema(
        {
            "exchange_id": _ID,
            "role": pandera.Column("string", pandera.Check.isin(vocab.PARTICIPANT_ROLES)),
        }
    ),
    "reported_figures": pandera.DataFrameSchema(
        {"figure_id": pandera.Column("string", unique=True), "value": pandera.Column("Float64")}
    ),
    "meta": pandera.DataFrameSchema({"key": pandera.Column("string", unique=True), "value": _ID}),
}

# (child table, parent table, key column shared by both)
FOREIGN_KEYS = [
    *(
        (child, "projects", "project_id")
        for child in (
            "project_countries",
            "project_localities",
            "project_topics",
            "project_beneficiaries",
            "project_partners",
            "project_years",
            "project_phases",
            "project_counts",
        )
    ),
    ("exchange_participants", "exchanges", "exchange_id"),
    ("exchange_topics", "exchanges", "exchange_id"),
]


def check_contract(tables: dict) -> None:
    """Raise if the tables break the warehouse contract (schemas and foreign keys)."""
    for name, schema in SCHEMAS.items():
        schema.validate(tables[name], lazy=True)
    for child, parent, key in FOREIGN_KEYS:
        keys = tables[child][key]
        known = pc.is_in(pa.array(keys), value_set=pa.array(tables[parent][key]))
        orphans = keys[~known.to_numpy(zero_copy_only=False)].unique()
        if len(orphans):
            raise ValueError(f"{child}.{key} refers to missing {parent}: {sorted(orphans)[:20]}")
    for required in ("built_at", "source", "synthetic", "schema_version"):
        if required not in set(tables["meta"]["key"]):
            raise ValueError(f"meta lacks {required}")
