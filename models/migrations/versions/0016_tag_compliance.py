"""Month-end tag-compliance snapshots: a period's completeness and accuracy frozen, versioned.

Revision ID: 0016_tag_compliance
Revises: 0015_cost_governance
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016_tag_compliance"
down_revision: str | None = "0015_cost_governance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cost_tag_snapshots",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("figures", postgresql.JSONB(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("frozen_by_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "frozen_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["frozen_by_id"], ["users.id"], name=op.f("fk_cost_tag_snapshots_frozen_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_tag_snapshots")),
        sa.UniqueConstraint("period", "version", name=op.f("uq_cost_tag_snapshots_period_version")),
    )


def downgrade() -> None:
    op.drop_table("cost_tag_snapshots")
