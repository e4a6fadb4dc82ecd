"""Signed decision links that have been used: each e-mailed approve or reject link decides once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 16:10:25.125092
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "used_links",
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column(
            "used_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("used_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("link_id", name=op.f("pk_used_links")),
    )


def downgrade() -> None:
    op.drop_table("used_links")
