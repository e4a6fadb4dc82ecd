"""What each requisition Idempotency-Key was sent with, so the same key with other content is
refused rather than answered with the first PO.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("idempotency_keys", sa.Column("request_digest", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("idempotency_keys", "request_digest")
