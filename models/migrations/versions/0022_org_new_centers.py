"""The day an org import's version opened a cost center it created (``cost_centers.opened_on``):
the hierarchy as of an earlier day leaves the center out.

Revision ID: 0022_org_new_centers
Revises: 0020_org_versions
Create Date: 2026-12-09 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_org_new_centers"
down_revision: str | None = "0020_org_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("cost_centers", sa.Column("opened_on", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("cost_centers", "opened_on")
