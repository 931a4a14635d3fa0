"""The warehouse output contract: the last checks before a warehouse is swapped in.

Column types, ranges and allowed values are pandera schemas (`check_contract`, on the
tables before writing). Keys and foreign keys are SQL over the staged DuckDB file
(`etl.relations`). Input problems are caught earlier with row-level messages; a failure here
means a bug in the ETL, so it stops the build before anything is swapped in.
"""

from __future__ import annotations

import pandera.pandas as pandera

from etl import vocab

_ID = pandera.Column("string", nullable=False)
_REGIONS = [*vocab.ILO_REGIONS, vocab.MULTI_REGION]

SCHEMAS: dict[str, pandera.DataFrameSchema] = {
    "projects": pandera.DataFrameSchema(
        {
            "project_id": pandera.Column("string", nullable=False),
            "project_no": pandera.Column("int32", pandera.Check.ge(1), unique=True),
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
    ),
    "project_years": pandera.DataFrameSchema(
        {"project_id": _ID, "year": pandera.Column("Int64", nullable=False)},
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
            "exchange_id": pandera.Column("string", nullable=False),
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
        {"figure_id": pandera.Column("string"), "value": pandera.Column("Float64")}
    ),
    "meta": pandera.DataFrameSchema({"key": pandera.Column("string"), "value": _ID}),
}


def check_contract(tables: dict) -> None:
    """Raise if a table's columns break the contract (types, ranges, allowed values)."""
    for name, schema in SCHEMAS.items():
        schema.validate(tables[name], lazy=True)
    for required in ("built_at", "source", "synthetic", "schema_version"):
        if required not in set(tables["meta"]["key"]):
            raise ValueError(f"meta lacks {required}")
