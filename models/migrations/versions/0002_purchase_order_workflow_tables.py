"""Purchase-order workflow tables: the budget ledger, delegations, emergency exceptions, API
idempotency keys, the demo ERP and outbound messages; names beside ids in the PO read model
(no purchase order was stored before this revision).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:06:03.330653
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("po_number_seq", start=1001)))
    op.create_table(
        "emergency_exceptions",
        sa.Column("po_number", sa.String(length=40), nullable=False),
        sa.Column("justification", sa.String(length=4000), nullable=False),
        sa.Column("incident_ref", sa.String(length=80), nullable=True),
        sa.Column("approved_by", sa.String(length=80), nullable=False),
        sa.Column("post_facto_due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("post_facto_outcome", sa.String(length=40), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("po_number", name=op.f("pk_emergency_exceptions")),
    )
    op.create_table(
        "erp_orders",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("po_number", sa.String(length=40), nullable=False),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erp_orders")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_erp_orders_idempotency_key")),
    )
    op.create_index(op.f("ix_erp_orders_po_number"), "erp_orders", ["po_number"], unique=False)
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("po_number", sa.String(length=40), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_messages")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbound_messages_idempotency_key")),
    )
    op.create_index(
        op.f("ix_outbound_messages_po_number"), "outbound_messages", ["po_number"], unique=False
    )
    op.create_index(
        op.f("ix_outbound_messages_recipient"), "outbound_messages", ["recipient"], unique=False
    )
    op.create_table(
        "delegations",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("delegator_id", sa.BigInteger(), nullable=False),
        sa.Column("delegate_id", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cost_centers", postgresql.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("max_amount_base_minor", sa.BigInteger(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_delegations_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["delegate_id"], ["users.id"], name=op.f("fk_delegations_delegate_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["delegator_id"], ["users.id"], name=op.f("fk_delegations_delegator_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
    )
    op.create_index(
        op.f("ix_delegations_delegate_id"), "delegations", ["delegate_id"], unique=False
    )
    op.create_index(
        op.f("ix_delegations_delegator_id"), "delegations", ["delegator_id"], unique=False
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("po_number", sa.String(length=40), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotency_keys_user_id_users")
        ),
        sa.PrimaryKeyConstraint("key", "user_id", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("po_number", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=False),
        sa.Column("gl_account_id", sa.BigInteger(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("reserved_delta_minor", sa.BigInteger(), nullable=False),
        sa.Column("committed_delta_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["cost_center_id"],
            ["cost_centers.id"],
            name=op.f("fk_ledger_entries_cost_center_id_cost_centers"),
        ),
        sa.ForeignKeyConstraint(
            ["gl_account_id"],
            ["gl_accounts.id"],
            name=op.f("fk_ledger_entries_gl_account_id_gl_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_ledger_entries_idempotency_key")),
    )
    op.create_index(
        op.f("ix_ledger_entries_po_number"), "ledger_entries", ["po_number"], unique=False
    )
    op.add_column("purchase_orders", sa.Column("requester", sa.String(length=80), nullable=False))
    op.add_column("purchase_orders", sa.Column("cost_center", sa.String(length=40), nullable=False))
    op.add_column("purchase_orders", sa.Column("vendor", sa.String(length=200), nullable=False))
    op.add_column("purchase_orders", sa.Column("policy_version", sa.Integer(), nullable=True))
    op.add_column(
        "purchase_orders",
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    )
    op.alter_column("purchase_orders", "requester_id", existing_type=sa.BIGINT(), nullable=True)
    op.alter_column("purchase_orders", "cost_center_id", existing_type=sa.BIGINT(), nullable=True)
    op.alter_column("purchase_orders", "vendor_id", existing_type=sa.BIGINT(), nullable=True)
    op.alter_column(
        "purchase_orders",
        "current_approvers",
        existing_type=sa.VARCHAR(length=500),
        type_=postgresql.ARRAY(sa.String(length=80)),
        nullable=False,
        postgresql_using="string_to_array(coalesce(current_approvers, ''), ',')",
    )
    op.create_index(
        op.f("ix_purchase_orders_cost_center"), "purchase_orders", ["cost_center"], unique=False
    )
    op.create_index(
        "ix_purchase_orders_current_approvers",
        "purchase_orders",
        ["current_approvers"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index(
        op.f("ix_purchase_orders_requester"), "purchase_orders", ["requester"], unique=False
    )


def downgrade() -> None:
    op.execute(sa.schema.DropSequence(sa.Sequence("po_number_seq")))
    op.drop_index(op.f("ix_purchase_orders_requester"), table_name="purchase_orders")
    op.drop_index(
        "ix_purchase_orders_current_approvers", table_name="purchase_orders", postgresql_using="gin"
    )
    op.drop_index(op.f("ix_purchase_orders_cost_center"), table_name="purchase_orders")
    op.alter_column(
        "purchase_orders",
        "current_approvers",
        existing_type=postgresql.ARRAY(sa.String(length=80)),
        type_=sa.VARCHAR(length=500),
        nullable=True,
    )
    op.alter_column("purchase_orders", "vendor_id", existing_type=sa.BIGINT(), nullable=False)
    op.alter_column("purchase_orders", "cost_center_id", existing_type=sa.BIGINT(), nullable=False)
    op.alter_column("purchase_orders", "requester_id", existing_type=sa.BIGINT(), nullable=False)
    op.drop_column("purchase_orders", "detail")
    op.drop_column("purchase_orders", "policy_version")
    op.drop_column("purchase_orders", "vendor")
    op.drop_column("purchase_orders", "cost_center")
    op.drop_column("purchase_orders", "requester")
    op.drop_index(op.f("ix_ledger_entries_po_number"), table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_table("idempotency_keys")
    op.drop_index(op.f("ix_delegations_delegator_id"), table_name="delegations")
    op.drop_index(op.f("ix_delegations_delegate_id"), table_name="delegations")
    op.drop_table("delegations")
    op.drop_index(op.f("ix_outbound_messages_recipient"), table_name="outbound_messages")
    op.drop_index(op.f("ix_outbound_messages_po_number"), table_name="outbound_messages")
    op.drop_table("outbound_messages")
    op.drop_index(op.f("ix_erp_orders_po_number"), table_name="erp_orders")
    op.drop_table("erp_orders")
    op.drop_table("emergency_exceptions")
