"""Chargeback statements (a version per run of a month, chargeback or showback) and their
charges.

Revision ID: 0018_chargeback
Revises: 0017_allocation
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_chargeback"
down_revision: str | None = "0017_allocation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "chargeback_statements",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("allocation_run_id", sa.BigInteger(), nullable=False),
        sa.Column("unit_cost_model_version", sa.Integer(), nullable=True),
        sa.Column("rate_card_version", sa.Integer(), nullable=True),
        sa.Column("gl_account_id", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("run_by_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "run_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "mode IN ('chargeback', 'showback')",
            name=op.f("ck_chargeback_statements_mode_is_known"),
        ),
        _fk("chargeback_statements", "gl_account_id", "gl_accounts"),
        _fk("chargeback_statements", "run_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chargeback_statements")),
        sa.UniqueConstraint(
            "period", "version", name=op.f("uq_chargeback_statements_period_version")
        ),
    )
    op.create_table(
        "chargeback_charges",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("statement_id", sa.BigInteger(), nullable=False),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=False),
        sa.Column("business_unit_id", sa.BigInteger(), nullable=False),
        sa.Column("service_id", sa.BigInteger(), nullable=True),
        sa.Column("provider_cost_center_id", sa.BigInteger(), nullable=True),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("cost", sa.Numeric(), nullable=False),
        sa.Column("quantity", sa.Numeric(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("rate", sa.Numeric(), nullable=True),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("inter_entity", sa.Boolean(), nullable=False),
        sa.Column("transfer_markup_percent", sa.Numeric(), nullable=True),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("line_count", sa.BigInteger(), nullable=False),
        _fk("chargeback_charges", "statement_id", "chargeback_statements"),
        _fk("chargeback_charges", "cost_center_id", "cost_centers"),
        _fk("chargeback_charges", "business_unit_id", "cost_centers"),
        _fk("chargeback_charges", "service_id", "it_services"),
        _fk("chargeback_charges", "provider_cost_center_id", "cost_centers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chargeback_charges")),
    )
    op.create_index(
        op.f("ix_chargeback_charges_statement_id"), "chargeback_charges", ["statement_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_chargeback_charges_statement_id"), "chargeback_charges")
    op.drop_table("chargeback_charges")
    op.drop_table("chargeback_statements")
