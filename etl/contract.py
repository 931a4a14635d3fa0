"""The warehouse output contract as pandera schemas: the last check before writing.

Input problems are caught earlier with row-level messages; a failure here means a
bug in the ETL, so it stops the build before anything is swapped in.
"""

from __future__ import annotations

import pandera.pandas as pa

from etl import vocab

_ID = pa.Column("string", nullable=False)
_REGIONS = [*vocab.ILO_REGIONS, vocab.MULTI_REGION]

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "projects": pa.DataFrameSchema(
        {
            "project_id": pa.Column("string", unique=True, nullable=False),
            "title": pa.Column("string", nullable=False),
            "record_type": pa.Column("string", pa.Check.isin(vocab.RECORD_TYPES)),
            "pillar": pa.Column("string", pa.Check.isin(list(vocab.PILLARS))),
            "start_year": pa.Column("Int64", pa.Check.in_range(1900, 2100), nullable=True),
            "end_year": pa.Column("Int64", pa.Check.in_range(1900, 2100), nullable=True),
            "ongoing": pa.Column("boolean", nullable=False),
            "drawn_to_year": pa.Column("Int64", nullable=True),
            "status": pa.Column(
                "string", pa.Check.isin(list(vocab.PROJECT_STATUSES)), nullable=False
            ),
            "region": pa.Column("string", pa.Check.isin(_REGIONS), nullable=False),
            "source_ref": pa.Column("string", nullable=False),
        },
        checks=[
            pa.Check(
                lambda df: (
                    df.end_year.isna() | df.start_year.isna() | (df.end_year >= df.start_year)
                ),
                error="end_year before start_year",
            ),
            pa.Check(
                lambda df: df.drawn_to_year.isna() == df.start_year.isna(),
                error="drawn_to_year set exactly when start_year is",
            ),
        ],
    ),
    "project_phases": pa.DataFrameSchema(
        {
            "project_id": _ID,
            "start_year": pa.Column("Int64", nullable=False),
            "drawn_to_year": pa.Column("Int64", nullable=False),
        },
        checks=pa.Check(
            lambda df: df.drawn_to_year >= df.start_year, error="drawn_to_year before start_year"
        ),
    ),
    "project_countries": pa.DataFrameSchema(
        {"project_id": _ID, "iso3": pa.Column("string", pa.Check.str_length(3, 3))},
        unique=["project_id", "iso3"],
    ),
    "project_years": pa.DataFrameSchema(
        {"project_id": _ID, "year": pa.Column("Int64", nullable=False)},
        unique=["project_id", "year"],
    ),
    "project_localities": pa.DataFrameSchema(
        {
            "project_id": _ID,
            "lat": pa.Column("Float64", pa.Check.in_range(-90, 90), nullable=True),
            "lon": pa.Column("Float64", pa.Check.in_range(-180, 180), nullable=True),
        }
    ),
    "exchanges": pa.DataFrameSchema(
        {
            "exchange_id": pa.Column("string", unique=True, nullable=False),
            "status": pa.Column("string", pa.Check.isin(vocab.EXCHANGE_STATUSES)),
            "kind": pa.Column("string", pa.Check.isin(vocab.EXCHANGE_KINDS)),
        }
    ),
    "exchange_participants": pa.DataFrameSchema(
        {"exchange_id": _ID, "role": pa.Column("string", pa.Check.isin(vocab.PARTICIPANT_ROLES))}
    ),
    "reported_figures": pa.DataFrameSchema(
        {"figure_id": pa.Column("string", unique=True), "value": pa.Column("Float64")}
    ),
    "meta": pa.DataFrameSchema({"key": pa.Column("string", unique=True), "value": _ID}),
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
        orphans = set(tables[child][key]) - set(tables[parent][key])
        if orphans:
            raise ValueError(f"{child}.{key} refers to missing {parent}: {sorted(orphans)}")
    for required in ("built_at", "source", "synthetic", "schema_version"):
        if required not in set(tables["meta"]["key"]):
            raise ValueError(f"meta lacks {required}")
