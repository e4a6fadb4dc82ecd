"""Optimisation recommendations: an unused commitment, an idle resource or a resource nobody owns
in a month's cost lines, with its owner, estimated saving and status (docs/optimisation.md).

Revision ID: 0030_recommendations
Revises: 0029_expense_subscriptions
Create Date: 2026-12-07 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_recommendations"
down_revision: str | None = "0029_expense_subscriptions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cost_recommendations",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("billing_account_id", sa.Text(), nullable=True),
        sa.Column("service_name", sa.Text(), nullable=True),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("cost_minor", sa.BigInteger(), nullable=False),
        sa.Column("estimated_saving_minor", sa.BigInteger(), nullable=True),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("realised_saving_minor", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_by", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cost_center_id"],
            ["cost_centers.id"],
            name=op.f("fk_cost_recommendations_cost_center_id_cost_centers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_recommendations")),
        sa.UniqueConstraint(
            "kind", "resource_id", "period", name="uq_cost_recommendations_kind_resource_period"
        ),
    )
    op.create_index("ix_cost_recommendations_period", "cost_recommendations", ["period"])


def downgrade() -> None:
    op.drop_index("ix_cost_recommendations_period", table_name="cost_recommendations")
    op.drop_table("cost_recommendations")
