"""Versions of the org (cost-center hierarchy and org chart) with effective dates; fixed
assets and their depreciation terms; imported corporate-card transactions.

Revision ID: 0020_org_versions
Revises: 0019_governance_tasks
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0020_org_versions"
down_revision: str | None = "0019_governance_tasks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{table}_{column}_{target.split('.')[0]}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete=ondelete)


def _created(name: str) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "org_versions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("imported_by_id", sa.BigInteger(), nullable=False),
        _created("imported_at"),
        sa.CheckConstraint(
            "source IN ('baseline', 'csv', 'scim')", name=op.f("ck_org_versions_source_is_known")
        ),
        _fk("org_versions", "imported_by_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_versions")),
        sa.UniqueConstraint("effective_from", name=op.f("uq_org_versions_effective_from")),
    )
    op.create_table(
        "org_version_centers",
        sa.Column("version_id", sa.BigInteger(), nullable=False),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        _fk("org_version_centers", "version_id", "org_versions.id", ondelete="CASCADE"),
        _fk("org_version_centers", "cost_center_id", "cost_centers.id"),
        _fk("org_version_centers", "parent_id", "cost_centers.id"),
        sa.PrimaryKeyConstraint(
            "version_id", "cost_center_id", name=op.f("pk_org_version_centers")
        ),
    )
    op.create_table(
        "org_version_people",
        sa.Column("version_id", sa.BigInteger(), nullable=False),
        sa.Column("person", sa.String(length=200), nullable=False),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=False),
        sa.Column("manager", sa.String(length=200), nullable=True),
        _fk("org_version_people", "version_id", "org_versions.id", ondelete="CASCADE"),
        _fk("org_version_people", "cost_center_id", "cost_centers.id"),
        sa.PrimaryKeyConstraint("version_id", "person", name=op.f("pk_org_version_people")),
    )
    op.create_index(
        op.f("ix_org_version_people_cost_center_id"), "org_version_people", ["cost_center_id"]
    )
    _fixed_assets()
    _card_transactions()


def _fixed_assets() -> None:
    op.create_table(
        "fixed_assets",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("tag", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("po_number", sa.String(length=40), nullable=True),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=False),
        sa.Column("gl_account_id", sa.BigInteger(), nullable=False),
        sa.Column("cost_minor", sa.BigInteger(), nullable=False),
        sa.Column("salvage_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("life_months", sa.Integer(), nullable=False),
        sa.Column("in_service", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        _created("created_at"),
        sa.CheckConstraint("cost_minor >= 0", name=op.f("ck_fixed_assets_cost_not_negative")),
        sa.CheckConstraint(
            "salvage_minor BETWEEN 0 AND cost_minor",
            name=op.f("ck_fixed_assets_salvage_within_cost"),
        ),
        sa.CheckConstraint(
            "life_months BETWEEN 1 AND 1200", name=op.f("ck_fixed_assets_life_in_months")
        ),
        sa.CheckConstraint(
            "method IN ('straight_line', 'declining_balance')",
            name=op.f("ck_fixed_assets_depreciation_method"),
        ),
        _fk("fixed_assets", "cost_center_id", "cost_centers.id"),
        _fk("fixed_assets", "gl_account_id", "gl_accounts.id"),
        _fk("fixed_assets", "created_by_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fixed_assets")),
        sa.UniqueConstraint("tag", name=op.f("uq_fixed_assets_tag")),
    )
    op.create_index(op.f("ix_fixed_assets_po_number"), "fixed_assets", ["po_number"])


def _card_transactions() -> None:
    op.create_table(
        "card_transactions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_row", sa.Integer(), nullable=False),
        sa.Column("transaction_date", sa.Date(), nullable=False),
        sa.Column("merchant", sa.String(length=200), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("card_holder", sa.String(length=200), nullable=False),
        sa.Column("mcc", sa.String(length=4), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("imported_by_id", sa.BigInteger(), nullable=False),
        _created("imported_at"),
        _fk("card_transactions", "imported_by_id", "users.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_transactions")),
        sa.UniqueConstraint(
            "file_sha256", "file_row", name=op.f("uq_card_transactions_file_sha256_file_row")
        ),
    )
    op.create_index(
        op.f("ix_card_transactions_transaction_date"), "card_transactions", ["transaction_date"]
    )


def downgrade() -> None:
    op.drop_table("card_transactions")
    op.drop_table("fixed_assets")
    op.drop_table("org_version_people")
    op.drop_table("org_version_centers")
    op.drop_table("org_versions")
