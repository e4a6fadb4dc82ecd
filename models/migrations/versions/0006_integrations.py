"""Integrations: raw ITSM deliveries and the tickets that became POs, ERP status events, and tax
codes by country and service type.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:40:00
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _received_at() -> sa.Column[datetime]:
    return sa.Column(
        "received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "itsm_deliveries",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("delivery_key", sa.String(300), nullable=False),
        sa.Column("ticket", sa.String(200), nullable=True),
        sa.Column("headers", postgresql.JSONB(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("po_number", sa.String(40), nullable=True),
        sa.Column("problems", postgresql.JSONB(), nullable=False),
        _received_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_itsm_deliveries")),
        sa.UniqueConstraint(
            "source", "delivery_key", name=op.f("uq_itsm_deliveries_source_delivery_key")
        ),
    )
    op.create_index(op.f("ix_itsm_deliveries_ticket"), "itsm_deliveries", ["ticket"])
    op.create_table(
        "itsm_tickets",
        sa.Column("ticket", sa.String(200), nullable=False),
        sa.Column("po_number", sa.String(40), nullable=False),
        sa.Column("workflow_id", sa.String(250), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("ticket", name=op.f("pk_itsm_tickets")),
        sa.UniqueConstraint("po_number", name=op.f("uq_itsm_tickets_po_number")),
    )
    op.create_table(
        "erp_status_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("erp_reference", sa.String(100), nullable=False),
        sa.Column("po_number", sa.String(40), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("occurred_at", sa.String(40), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        _received_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erp_status_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_erp_status_events_event_id")),
    )
    op.create_index(op.f("ix_erp_status_events_po_number"), "erp_status_events", ["po_number"])
    op.create_table(
        "tax_codes",
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("service_type", sa.String(40), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("rate_percent", sa.Numeric(6, 3), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("country", "service_type", name=op.f("pk_tax_codes")),
    )


def downgrade() -> None:
    op.drop_table("tax_codes")
    op.drop_index(op.f("ix_erp_status_events_po_number"), table_name="erp_status_events")
    op.drop_table("erp_status_events")
    op.drop_table("itsm_tickets")
    op.drop_index(op.f("ix_itsm_deliveries_ticket"), table_name="itsm_deliveries")
    op.drop_table("itsm_deliveries")
