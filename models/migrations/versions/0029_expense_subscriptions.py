"""Subscriptions to the mailed expense summary and each summary's delivery.

Revision ID: 0029_expense_subscriptions
Revises: 0028_spend_anomalies
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0029_expense_subscriptions"
down_revision: str | None = "0028_spend_anomalies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "expense_subscriptions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "cost_centers",
            postgresql.ARRAY(sa.String(length=40)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("frequency", sa.String(length=40), nullable=False),
        sa.Column("day", sa.SmallInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "frequency IN ('monthly', 'weekly')", name=op.f("ck_expense_subscriptions_frequency")
        ),
        sa.CheckConstraint(
            "day BETWEEN 1 AND 28", name=op.f("ck_expense_subscriptions_day_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_expense_subscriptions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expense_subscriptions")),
        sa.UniqueConstraint("user_id", name=op.f("uq_expense_subscriptions_user_id")),
    )
    op.create_table(
        "expense_summary_deliveries",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_expense_summary_deliveries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expense_summary_deliveries")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_expense_summary_deliveries_idempotency_key")
        ),
    )
    op.create_index(
        op.f("ix_expense_summary_deliveries_user_id"),
        "expense_summary_deliveries",
        ["user_id"],
    )


def downgrade() -> None:
    op.drop_table("expense_summary_deliveries")
    op.drop_table("expense_subscriptions")
