"""The cost-line table: one row per normalised FOCUS line, typed from the FOCUS catalogue.

``cost_lines`` is partitioned by RANGE on ``billing_period_start`` (a month each) and every month
by LIST on ``slice_id``: the rows of one (source, billing account, billing period) are one
partition, replaced whole by a load (``models.costs.loading``). The partitions live in the
``cost_partitions`` schema; only this parent is addressed by queries."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import BigInteger, Column, Date, DateTime, Integer, Numeric, String, Table, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.types import TypeEngine

from domain.costs.focus_columns import FOCUS_COLUMNS, DataType
from models.base import Base

PARTITION_SCHEMA = "cost_partitions"


def column_name(focus_name: str) -> str:
    """The Postgres column of a FOCUS column: ``BilledCost`` -> ``billed_cost``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", focus_name).lower()


def _sql_type(data_type: DataType) -> TypeEngine[Any]:
    """Numeric without precision or scale keeps every digit the source gave; never a float."""
    types: dict[DataType, TypeEngine[Any]] = {
        DataType.STRING: Text(),
        DataType.DECIMAL: Numeric(asdecimal=True),
        DataType.DATETIME: DateTime(timezone=True),
        DataType.JSON: JSONB(),
    }
    return types[data_type]


# The FOCUS columns in catalogue order, then what poflow adds beside them.
FOCUS_STORED: tuple[tuple[str, str], ...] = tuple(
    (c.name, column_name(c.name)) for c in FOCUS_COLUMNS
)
# A line's load, and its file of the load (by its place in the run) and row in that file.
LINEAGE = ("slice_id", "load_id", "file_index", "file_row")
ADDED = ("tags_normalised", "extras")
# Beside the FOCUS columns, what a load works out per line: the base-currency amounts at the
# ECB rate of the charge date (rate and rate date kept), the data-quality rules the line broke
# (kept and flagged), and its direct allocation from the source's account mappings.
BASE_AMOUNTS = (
    ("BilledCost", "billed_cost_base"),
    ("EffectiveCost", "effective_cost_base"),
    ("ListCost", "list_cost_base"),
    ("ContractedCost", "contracted_cost_base"),
)
WORKED_OUT = (
    "base_currency",
    "exchange_rate",
    "rate_date",
    *(stored for _, stored in BASE_AMOUNTS),
    "quality_flags",
    "cost_center_id",
    "gl_account_id",
    "po_number",
)

cost_lines = Table(
    "cost_lines",
    Base.metadata,
    Column("slice_id", BigInteger, nullable=False),
    Column("load_id", BigInteger, nullable=False),
    Column("file_row", Integer, nullable=False),
    Column("file_index", Integer, nullable=False, server_default="0"),
    *(
        # Only the partition key is NOT NULL: what a source left out is a data-quality finding
        # of the load, reported and flagged, not a reason for the database to refuse the file.
        Column(column_name(c.name), _sql_type(c.data_type), nullable=c.name != "BillingPeriodStart")
        for c in FOCUS_COLUMNS
    ),
    Column("tags_normalised", JSONB, nullable=True),
    Column("extras", JSONB, nullable=True),
    Column("base_currency", String(3), nullable=True),
    Column("exchange_rate", Numeric(asdecimal=True), nullable=True),
    Column("rate_date", Date, nullable=True),
    *(Column(stored, Numeric(asdecimal=True), nullable=True) for _, stored in BASE_AMOUNTS),
    Column("quality_flags", ARRAY(Text), nullable=True),
    Column("cost_center_id", BigInteger, nullable=True),
    Column("gl_account_id", BigInteger, nullable=True),
    Column("po_number", String(40), nullable=True),
    postgresql_partition_by="RANGE (billing_period_start)",
)
