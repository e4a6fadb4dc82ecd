"""Commitment discounts: a source's account mappings gain the kind ``commitment_discount`` (a
Savings Plan's or reservation's id) naming a contract, whose PO in force at a line's charge day
the line draws on; such a mapping books to no cost center or GL account. A PO's read-model row
gets the id of the contract its requisition names (``purchase_orders.contract_id``), filled in
here for the POs projected before.

Revision ID: 0013_commitment_discounts
Revises: 0012_load_files
Create Date: 2026-12-07 11:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_commitment_discounts"
down_revision: str | None = "0012_load_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "cost_account_mappings"
_KINDS_2 = "account_kind IN ('billing_account', 'sub_account')"
_KINDS_3 = "account_kind IN ('billing_account', 'sub_account', 'commitment_discount')"
_NAMES_WHAT_ITS_KIND_NEEDS = (
    "CASE WHEN account_kind = 'commitment_discount' THEN contract_id IS NOT NULL "
    "AND cost_center_id IS NULL AND gl_account_id IS NULL AND po_number IS NULL "
    "ELSE contract_id IS NULL AND cost_center_id IS NOT NULL AND gl_account_id IS NOT NULL END"
)


def upgrade() -> None:
    op.add_column(_TABLE, sa.Column("contract_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_cost_account_mappings_contract_id_contracts"),
        _TABLE,
        "contracts",
        ["contract_id"],
        ["id"],
    )
    op.alter_column(_TABLE, "cost_center_id", existing_type=sa.BigInteger(), nullable=True)
    op.alter_column(_TABLE, "gl_account_id", existing_type=sa.BigInteger(), nullable=True)
    op.drop_constraint(op.f("ck_cost_account_mappings_account_kind_is_known"), _TABLE)
    op.create_check_constraint(
        op.f("ck_cost_account_mappings_account_kind_is_known"), _TABLE, _KINDS_3
    )
    op.create_check_constraint(
        op.f("ck_cost_account_mappings_names_what_its_kind_needs"),
        _TABLE,
        _NAMES_WHAT_ITS_KIND_NEEDS,
    )
    op.execute(
        "UPDATE purchase_orders p SET contract_id = c.id FROM contracts c "
        "WHERE p.contract_id IS NULL AND c.reference = p.detail -> 'requisition' ->> 'contract'"
    )


def downgrade() -> None:
    op.execute(f"DELETE FROM {_TABLE} WHERE account_kind = 'commitment_discount'")
    op.drop_constraint(op.f("ck_cost_account_mappings_names_what_its_kind_needs"), _TABLE)
    op.drop_constraint(op.f("ck_cost_account_mappings_account_kind_is_known"), _TABLE)
    op.create_check_constraint(
        op.f("ck_cost_account_mappings_account_kind_is_known"), _TABLE, _KINDS_2
    )
    op.alter_column(_TABLE, "gl_account_id", existing_type=sa.BigInteger(), nullable=False)
    op.alter_column(_TABLE, "cost_center_id", existing_type=sa.BigInteger(), nullable=False)
    op.drop_constraint(
        op.f("fk_cost_account_mappings_contract_id_contracts"), _TABLE, type_="foreignkey"
    )
    op.drop_column(_TABLE, "contract_id")
