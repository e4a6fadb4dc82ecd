"""Governed cost documents (tag policy, allocation model, unit-cost model, rate card) with their
versions and decisions; virtual tags; IT services; a cost center's legal entity; the FinOps role.

Revision ID: 0015_cost_governance
Revises: 0014_quarantined_invoices
Create Date: 2026-12-07 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015_cost_governance"
down_revision: str | None = "0014_quarantined_invoices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES = ("requester", "approver", "finance", "procurement", "auditor", "admin")
_KINDS = ("tag_policy", "allocation_model", "unit_cost_model", "rate_card")
_STATUSES = ("proposed", "in_force", "rejected")
_MATCHES = ("resource_id", "sub_account_id", "billing_account_id", "service_name")


def _one_of(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "cost_documents",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", postgresql.JSONB(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("proposed_by_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "proposed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("decided_by_id", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.Column("effective_from", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_one_of("kind", _KINDS), name=op.f("ck_cost_documents_kind")),
        sa.CheckConstraint(_one_of("status", _STATUSES), name=op.f("ck_cost_documents_status")),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name=op.f("fk_cost_documents_proposed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_cost_documents_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_documents")),
        sa.UniqueConstraint("kind", "version", name=op.f("uq_cost_documents_kind_version")),
    )
    op.create_table(
        "cost_virtual_tags",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("match", sa.String(length=40), nullable=False),
        sa.Column("match_value", sa.Text(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_one_of("match", _MATCHES), name=op.f("ck_cost_virtual_tags_match")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_cost_virtual_tags_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_virtual_tags")),
    )
    op.create_table(
        "it_services",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("provider_cost_center_id", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_it_services_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["provider_cost_center_id"],
            ["cost_centers.id"],
            name=op.f("fk_it_services_provider_cost_center_id_cost_centers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_it_services")),
        sa.UniqueConstraint("code", name=op.f("uq_it_services_code")),
    )
    op.add_column("cost_centers", sa.Column("legal_entity", sa.String(length=40), nullable=True))
    op.drop_constraint(op.f("ck_user_roles_role"), "user_roles")
    op.create_check_constraint(
        op.f("ck_user_roles_role"), "user_roles", _one_of("role", (*_ROLES, "finops"))
    )


def downgrade() -> None:
    op.execute("DELETE FROM user_roles WHERE role = 'finops'")
    op.drop_constraint(op.f("ck_user_roles_role"), "user_roles")
    op.create_check_constraint(op.f("ck_user_roles_role"), "user_roles", _one_of("role", _ROLES))
    op.drop_column("cost_centers", "legal_entity")
    op.drop_table("it_services")
    op.drop_table("cost_virtual_tags")
    op.drop_table("cost_documents")
