"""Receipts against issued POs: goods received, a service started, a milestone delivered, each for
part or all of one PO line, projected from the PO's workflow (docs/purchase-order.md).

Revision ID: 0031_po_receipts
Revises: 0030_recommendations
Create Date: 2026-12-08 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_po_receipts"
down_revision: str | None = "0030_recommendations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "po_receipts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("po_number", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "goods_received",
                "service_started",
                "milestone_delivered",
                name="receipt_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("quantity", sa.Numeric(), nullable=False),
        sa.Column("milestone", sa.String(length=500), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=4000), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "manual",
                "erp",
                "itsm",
                name="receipt_source",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("received_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["po_number"],
            ["purchase_orders.po_number"],
            name=op.f("fk_po_receipts_po_number_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_po_receipts")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_po_receipts_idempotency_key")),
    )
    op.create_index(op.f("ix_po_receipts_po_number"), "po_receipts", ["po_number"])


def downgrade() -> None:
    op.drop_index(op.f("ix_po_receipts_po_number"), table_name="po_receipts")
    op.drop_table("po_receipts")
