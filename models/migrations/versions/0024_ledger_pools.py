"""Ledger pools of allocation: the ledger entries a run's ``from_ledger`` rules read
(``allocation_ledger_lineage``); allocation amounts in their currency's own minor units.

Amounts were stored in hundredths of every currency; those of a currency whose minor unit is
not two digits are rescaled (three digits: exactly; none: rounded half away from zero to the
whole unit, so a run of such a currency re-run sums to the unit again).

Revision ID: 0024_ledger_pools
Revises: 0023_review_edges
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_ledger_pools"
down_revision: str | None = "0023_review_edges"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# ISO 4217 currencies whose minor unit is not two digits, as domain.money knows them.
_NO_DECIMALS = ("CLP", "ISK", "JPY", "KRW", "UGX", "VND", "XAF", "XOF")
_THREE_DECIMALS = ("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND")


def upgrade() -> None:
    op.create_table(
        "allocation_ledger_lineage",
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("ledger_entry_id", sa.BigInteger(), nullable=False),
        sa.Column("rule_index", sa.SmallInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["allocation_runs.id"],
            name=op.f("fk_allocation_ledger_lineage_run_id_allocation_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["ledger_entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_allocation_ledger_lineage_ledger_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint(
            "run_id", "ledger_entry_id", name=op.f("pk_allocation_ledger_lineage")
        ),
    )
    _rescale("amount_minor * 10", _THREE_DECIMALS)
    _rescale("ROUND(amount_minor / 100.0)", _NO_DECIMALS)


def downgrade() -> None:
    _rescale("amount_minor / 10", _THREE_DECIMALS)
    _rescale("amount_minor * 100", _NO_DECIMALS)
    op.drop_table("allocation_ledger_lineage")


def _rescale(expression: str, currencies: tuple[str, ...]) -> None:
    op.get_bind().execute(
        sa.text(
            f"UPDATE allocation_amounts SET amount_minor = {expression} "
            "WHERE currency = ANY(:currencies)"
        ),
        {"currencies": list(currencies)},
    )
