"""Variance investigations: each budget line and period whose variance breached the approval
policy's thresholds, its figures, status and explanation history, for the variance report.

Revision ID: 0027_variance_investigations
Revises: 0026_month_end_close
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0027_variance_investigations"
down_revision: str | None = "0026_month_end_close"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "variance_investigations",
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("cost_center", sa.String(length=40), nullable=False),
        sa.Column("gl_account", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("budget_minor", sa.BigInteger(), nullable=False),
        sa.Column("actual_minor", sa.BigInteger(), nullable=False),
        sa.Column("forecast_minor", sa.BigInteger(), nullable=True),
        sa.Column("breached", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("waiting_on", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("history", postgresql.JSONB(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workflow_id", name=op.f("pk_variance_investigations")),
    )
    op.create_index(
        op.f("ix_variance_investigations_period"), "variance_investigations", ["period"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_variance_investigations_period"), table_name="variance_investigations")
    op.drop_table("variance_investigations")
