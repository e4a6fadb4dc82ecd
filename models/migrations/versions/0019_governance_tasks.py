"""Governance tasks: what a document's change control or a tag remediation waits on someone to
do, for their inbox.

Revision ID: 0019_governance_tasks
Revises: 0018_chargeback
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019_governance_tasks"
down_revision: str | None = "0018_chargeback"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "governance_tasks",
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("waiting_on", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("facts", postgresql.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("workflow_id", name=op.f("pk_governance_tasks")),
    )
    op.create_index(
        "ix_governance_tasks_waiting_on",
        "governance_tasks",
        ["waiting_on"],
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_index("ix_governance_tasks_waiting_on", table_name="governance_tasks")
    op.drop_table("governance_tasks")
