"""Invoices vendors delivered as cXML or UBL documents, stored with their lines once recorded on
their PO; an invoice number counts once per vendor (docs/invoices.md).

Revision ID: 0032_vendor_invoices
Revises: 0031_po_receipts
Create Date: 2026-12-08 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032_vendor_invoices"
down_revision: str | None = "0031_po_receipts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vendor_invoices",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("vendor_key", sa.String(length=200), nullable=False),
        sa.Column("invoice_number_key", sa.String(length=80), nullable=False),
        sa.Column("invoice_number", sa.String(length=80), nullable=False),
        sa.Column("vendor_name", sa.String(length=200), nullable=False),
        sa.Column("vendor_id", sa.String(length=80), nullable=True),
        sa.Column(
            "format",
            sa.Enum(
                "cxml",
                "ubl",
                name="invoice_format",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("po_number", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("net_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("delivered_by", sa.String(length=80), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["po_number"],
            ["purchase_orders.po_number"],
            name=op.f("fk_vendor_invoices_po_number_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_invoices")),
        sa.UniqueConstraint(
            "vendor_key",
            "invoice_number_key",
            name=op.f("uq_vendor_invoices_vendor_key_invoice_number_key"),
        ),
    )
    op.create_index(op.f("ix_vendor_invoices_po_number"), "vendor_invoices", ["po_number"])
    op.create_table(
        "vendor_invoice_lines",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("invoice_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.String(length=80), nullable=False),
        sa.Column("po_line", sa.String(length=80), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["vendor_invoices.id"],
            name=op.f("fk_vendor_invoice_lines_invoice_id_vendor_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_invoice_lines")),
        sa.UniqueConstraint(
            "invoice_id", "position", name=op.f("uq_vendor_invoice_lines_invoice_id_position")
        ),
    )


def downgrade() -> None:
    op.drop_table("vendor_invoice_lines")
    op.drop_index(op.f("ix_vendor_invoices_po_number"), table_name="vendor_invoices")
    op.drop_table("vendor_invoices")
