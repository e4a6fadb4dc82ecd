"""Spend anomalies: a day of runaway spend on a billing account or a service, or a month's spend
with no owner or no PO, and what its owner answered (docs/anomalies.md).

Revision ID: 0028_spend_anomalies
Revises: 0027_variance_investigations
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0028_spend_anomalies"
down_revision: str | None = "0027_variance_investigations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spend_anomalies",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("series_key", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("actual_minor", sa.BigInteger(), nullable=False),
        sa.Column("expected_minor", sa.BigInteger(), nullable=False),
        sa.Column("lower_minor", sa.BigInteger(), nullable=False),
        sa.Column("upper_minor", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("impact_minor", sa.BigInteger(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("waiting_on", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("feedback", sa.String(length=20), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.Text(), nullable=True),
        sa.Column("workflow_id", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_anomalies")),
        sa.UniqueConstraint("kind", "series_key", "day", name="uq_spend_anomalies_series_day"),
    )
    op.create_index("ix_spend_anomalies_day", "spend_anomalies", ["day"])


def downgrade() -> None:
    op.drop_index("ix_spend_anomalies_day", table_name="spend_anomalies")
    op.drop_table("spend_anomalies")
