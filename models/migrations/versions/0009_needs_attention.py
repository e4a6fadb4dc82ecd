"""A purchase order may wait in ``needs_attention``: a step of its workflow failed for good.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = (
    "validating",
    "refused",
    "pending_approval",
    "information_requested",
    "approved",
    "rejected",
    "issued",
    "cancelled",
    "closed",
)
AFTER = (*BEFORE, "needs_attention")


def _check(statuses: tuple[str, ...]) -> None:
    op.drop_constraint(op.f("ck_purchase_orders_po_status"), "purchase_orders", type_="check")
    allowed = ", ".join(f"'{status}'" for status in statuses)
    op.create_check_constraint(
        op.f("ck_purchase_orders_po_status"), "purchase_orders", f"status IN ({allowed})"
    )


def upgrade() -> None:
    _check(AFTER)


def downgrade() -> None:
    op.execute(
        "UPDATE purchase_orders SET status = 'pending_approval' WHERE status = 'needs_attention'"
    )
    _check(BEFORE)
