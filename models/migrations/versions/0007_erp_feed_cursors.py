"""How far poflow has read each ERP event feed it polls.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erp_feed_cursors",
        sa.Column("feed", sa.String(80), nullable=False),
        sa.Column("cursor", sa.String(200), nullable=True),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("feed", name=op.f("pk_erp_feed_cursors")),
    )


def downgrade() -> None:
    op.drop_table("erp_feed_cursors")
