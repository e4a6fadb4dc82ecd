"""A governed cost document's version may be ``superseded``: a newer version went in force
before its review decided it.

Revision ID: 0023_review_edges
Revises: 0022_org_new_centers
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023_review_edges"
down_revision: str | None = "0022_org_new_centers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("proposed", "in_force", "rejected")
AFTER = (*BEFORE, "superseded")


def _check(statuses: tuple[str, ...]) -> None:
    op.drop_constraint(op.f("ck_cost_documents_status"), "cost_documents", type_="check")
    allowed = ", ".join(f"'{status}'" for status in statuses)
    op.create_check_constraint(
        op.f("ck_cost_documents_status"), "cost_documents", f"status IN ({allowed})"
    )


def upgrade() -> None:
    _check(AFTER)


def downgrade() -> None:
    op.execute("UPDATE cost_documents SET status = 'rejected' WHERE status = 'superseded'")
    _check(BEFORE)
