"""Cost loading, part 2: base-currency amounts, exchange rate, quality flags and direct
allocation (cost center, GL account, PO) on every cost line and daily roll-up; per-source rule
actions and file location; account mappings; invoice totals and their reconciliation; load
progress.

Revision ID: 0011_cost_loading
Revises: 0010_cost_data
Create Date: 2026-12-07 05:40:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011_cost_loading"
down_revision: str | None = "0010_cost_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BASE_AMOUNTS = (
    "billed_cost_base",
    "effective_cost_base",
    "list_cost_base",
    "contracted_cost_base",
)


def _pk() -> sa.Column[int]:
    return sa.Column("id", sa.BigInteger(), autoincrement=True, primary_key=True)


def _created_at() -> sa.Column[Any]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def _line_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("base_currency", sa.String(3), nullable=True),
        sa.Column("exchange_rate", sa.Numeric(), nullable=True),
        sa.Column("rate_date", sa.Date(), nullable=True),
        *(sa.Column(name, sa.Numeric(), nullable=True) for name in _BASE_AMOUNTS),
        sa.Column("quality_flags", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=True),
        sa.Column("gl_account_id", sa.BigInteger(), nullable=True),
        sa.Column("po_number", sa.String(40), nullable=True),
    ]


def upgrade() -> None:
    for column in _line_columns():
        op.add_column("cost_lines", column)
    for column in (
        sa.Column("base_currency", sa.String(3), nullable=True),
        sa.Column("billed_cost_base", sa.Numeric(), server_default="0", nullable=False),
        sa.Column("effective_cost_base", sa.Numeric(), server_default="0", nullable=False),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=True),
        sa.Column("gl_account_id", sa.BigInteger(), nullable=True),
        sa.Column("po_number", sa.String(40), nullable=True),
    ):
        op.add_column("cost_daily", column)
    op.create_index(op.f("ix_cost_daily_po_number"), "cost_daily", ["po_number"])
    op.add_column(
        "cost_sources",
        sa.Column("quality_actions", postgresql.JSONB(), server_default="{}", nullable=False),
    )
    op.add_column(
        "cost_sources",
        sa.Column("location", postgresql.JSONB(), server_default="{}", nullable=False),
    )
    op.add_column(
        "cost_sources",
        sa.Column("default_cost_center_id", sa.BigInteger(), nullable=True),
    )
    op.add_column(
        "cost_sources",
        sa.Column("default_gl_account_id", sa.BigInteger(), nullable=True),
    )
    op.create_foreign_key(
        op.f("fk_cost_sources_default_cost_center_id_cost_centers"),
        "cost_sources",
        "cost_centers",
        ["default_cost_center_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("fk_cost_sources_default_gl_account_id_gl_accounts"),
        "cost_sources",
        "gl_accounts",
        ["default_gl_account_id"],
        ["id"],
    )
    for column in (
        sa.Column("workflow_id", sa.Text(), nullable=True),
        sa.Column("bytes_total", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("bytes_read", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("rows_flagged", sa.BigInteger(), server_default="0", nullable=False),
    ):
        op.add_column("cost_loads", column)
    op.create_table(
        "cost_account_mappings",
        _pk(),
        sa.Column("source_id", sa.BigInteger(), nullable=False),
        sa.Column("account_kind", sa.String(20), nullable=False),
        sa.Column("account_id", sa.Text(), nullable=False),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=False),
        sa.Column("gl_account_id", sa.BigInteger(), nullable=False),
        sa.Column("po_number", sa.String(40), nullable=True),
        _created_at(),
        sa.CheckConstraint(
            "account_kind IN ('billing_account', 'sub_account')",
            name=op.f("ck_cost_account_mappings_account_kind_is_known"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["cost_sources.id"],
            name=op.f("fk_cost_account_mappings_source_id_cost_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cost_center_id"],
            ["cost_centers.id"],
            name=op.f("fk_cost_account_mappings_cost_center_id_cost_centers"),
        ),
        sa.ForeignKeyConstraint(
            ["gl_account_id"],
            ["gl_accounts.id"],
            name=op.f("fk_cost_account_mappings_gl_account_id_gl_accounts"),
        ),
        sa.UniqueConstraint(
            "source_id",
            "account_kind",
            "account_id",
            name=op.f("uq_cost_account_mappings_source_id_account_kind_account_id"),
        ),
    )
    op.create_table(
        "cost_invoice_totals",
        _pk(),
        sa.Column("source_id", sa.BigInteger(), nullable=False),
        sa.Column("invoice_id", sa.Text(), nullable=False),
        sa.Column("billing_period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total", sa.Numeric(), nullable=False),
        sa.Column("tax", sa.Numeric(), nullable=True),
        sa.Column("entered_by", sa.String(80), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["cost_sources.id"],
            name=op.f("fk_cost_invoice_totals_source_id_cost_sources"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "source_id", "invoice_id", name=op.f("uq_cost_invoice_totals_source_id_invoice_id")
        ),
    )
    op.create_table(
        "cost_reconciliations",
        _pk(),
        sa.Column("slice_id", sa.BigInteger(), nullable=False),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("invoice_id", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("lines_total", sa.Numeric(), nullable=False),
        sa.Column("lines_tax", sa.Numeric(), server_default="0", nullable=False),
        sa.Column("invoice_total", sa.Numeric(), nullable=True),
        sa.Column("difference", sa.Numeric(), nullable=True),
        sa.Column("classification", sa.String(20), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("explained_by", sa.String(80), nullable=True),
        sa.Column("explained_at", sa.DateTime(timezone=True), nullable=True),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["slice_id"],
            ["cost_slices.id"],
            name=op.f("fk_cost_reconciliations_slice_id_cost_slices"),
        ),
        sa.ForeignKeyConstraint(
            ["load_id"], ["cost_loads.id"], name=op.f("fk_cost_reconciliations_load_id_cost_loads")
        ),
        sa.UniqueConstraint(
            "load_id", "invoice_id", name=op.f("uq_cost_reconciliations_load_id_invoice_id")
        ),
    )
    op.create_index(op.f("ix_cost_reconciliations_slice_id"), "cost_reconciliations", ["slice_id"])


def downgrade() -> None:
    op.drop_table("cost_reconciliations")
    op.drop_table("cost_invoice_totals")
    op.drop_table("cost_account_mappings")
    for name in ("rows_flagged", "bytes_read", "bytes_total", "workflow_id"):
        op.drop_column("cost_loads", name)
    for name in (
        "default_gl_account_id",
        "default_cost_center_id",
        "location",
        "quality_actions",
    ):
        op.drop_column("cost_sources", name)
    op.drop_index(op.f("ix_cost_daily_po_number"), table_name="cost_daily")
    for name in (
        "po_number",
        "gl_account_id",
        "cost_center_id",
        "effective_cost_base",
        "billed_cost_base",
        "base_currency",
    ):
        op.drop_column("cost_daily", name)
    for column in reversed(_line_columns()):
        op.drop_column("cost_lines", column.name)
