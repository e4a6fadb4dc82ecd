"""SLA measurements of issued POs (a month's availability, incidents) and the service credits
their breaches earn, owed until received on an invoice or a credit note (docs/sla.md).

Revision ID: 0034_sla_credits
Revises: 0033_milestone_decisions
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0034_sla_credits"
down_revision: str | None = "0033_milestone_decisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _po_number() -> sa.Column[str]:
    return sa.Column("po_number", sa.String(length=40), nullable=False)


def _recorded() -> list[sa.Column[Any]]:
    return [
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    ]


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    op.create_table(
        "sla_availability",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        _po_number(),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("availability_percent", sa.Numeric(), nullable=False),
        *_recorded(),
        sa.ForeignKeyConstraint(
            ["po_number"],
            ["purchase_orders.po_number"],
            name=op.f("fk_sla_availability_po_number_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_availability")),
        sa.UniqueConstraint("po_number", "month", name=op.f("uq_sla_availability_po_number_month")),
    )
    op.create_table(
        "sla_incidents",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        _po_number(),
        sa.Column("incident_id", sa.String(length=80), nullable=False),
        sa.Column("priority", sa.String(length=20), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
        *_recorded(),
        sa.ForeignKeyConstraint(
            ["po_number"],
            ["purchase_orders.po_number"],
            name=op.f("fk_sla_incidents_po_number_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_incidents")),
        sa.UniqueConstraint(
            "po_number", "incident_id", name=op.f("uq_sla_incidents_po_number_incident_id")
        ),
    )
    op.create_table(
        "sla_credits",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        _po_number(),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("breach", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            _enum("sla_breach_kind", "availability", "response", "resolution"),
            nullable=False,
        ),
        sa.Column("incident_id", sa.String(length=80), nullable=True),
        sa.Column("measured", sa.Numeric(), nullable=False),
        sa.Column("target", sa.Numeric(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "status", _enum("sla_credit_status", "owed", "received", "capped"), nullable=False
        ),
        sa.Column("received_invoice", sa.String(length=80), nullable=True),
        sa.Column("received_credit_note", sa.String(length=80), nullable=True),
        sa.Column("received_by", sa.String(length=80), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status <> 'received' OR num_nonnulls(received_invoice, received_credit_note) = 1",
            name=op.f("ck_sla_credits_received_via_one"),
        ),
        sa.ForeignKeyConstraint(
            ["po_number"],
            ["purchase_orders.po_number"],
            name=op.f("fk_sla_credits_po_number_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_credits")),
        sa.UniqueConstraint(
            "po_number", "month", "breach", name=op.f("uq_sla_credits_po_number_month_breach")
        ),
    )
    op.create_index(op.f("ix_sla_credits_po_number"), "sla_credits", ["po_number"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sla_credits_po_number"), table_name="sla_credits")
    op.drop_table("sla_credits")
    op.drop_table("sla_incidents")
    op.drop_table("sla_availability")
