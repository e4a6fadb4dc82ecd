"""Each side's acceptance or rejection of a delivered milestone of an issued PO, projected from
the PO's workflow (docs/purchase-order.md#milestones).

Revision ID: 0033_milestone_decisions
Revises: 0032_vendor_invoices
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0033_milestone_decisions"
down_revision: str | None = "0032_vendor_invoices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _values(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    op.create_table(
        "po_milestone_decisions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("po_number", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("decision_number", sa.Integer(), nullable=False),
        sa.Column("milestone", sa.String(length=500), nullable=False),
        sa.Column("delivery_receipt", sa.Integer(), nullable=False),
        sa.Column(
            "side",
            _values("acceptance_side", "service_owner", "it_operations"),
            nullable=False,
        ),
        sa.Column("verdict", _values("milestone_verdict", "accept", "reject"), nullable=False),
        sa.Column("criteria", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("comment", sa.String(length=4000), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["po_number"],
            ["purchase_orders.po_number"],
            name=op.f("fk_po_milestone_decisions_po_number_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_po_milestone_decisions")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_po_milestone_decisions_idempotency_key")
        ),
    )
    op.create_index(
        op.f("ix_po_milestone_decisions_po_number"), "po_milestone_decisions", ["po_number"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_po_milestone_decisions_po_number"), table_name="po_milestone_decisions")
    op.drop_table("po_milestone_decisions")
