"""A quarantined row keeps the invoice id and BilledCost its format's mapping read (a CUR's
``bill/InvoiceId`` and ``lineItem/UnblendedCost``, an Azure export's ``InvoiceId`` and
``CostInBillingCurrency``), so reconciliation counts its cost under its invoice whatever the
file's headers. Rows quarantined before keep what their FOCUS-named cells say.

Revision ID: 0014_quarantined_invoices
Revises: 0013_commitment_discounts
Create Date: 2026-12-07 12:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_quarantined_invoices"
down_revision: str | None = "0013_commitment_discounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL = r"""
UPDATE cost_quarantined_lines
SET invoice_id = line->>'InvoiceId',
    billed_cost = CASE WHEN line->>'BilledCost' ~ '^\s*[-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?\s*$'
                       THEN btrim(line->>'BilledCost')::numeric END
WHERE line ? 'InvoiceId' OR line ? 'BilledCost'
"""


def upgrade() -> None:
    op.add_column("cost_quarantined_lines", sa.Column("invoice_id", sa.Text(), nullable=True))
    op.add_column("cost_quarantined_lines", sa.Column("billed_cost", sa.Numeric(), nullable=True))
    op.execute(_BACKFILL)


def downgrade() -> None:
    op.drop_column("cost_quarantined_lines", "billed_cost")
    op.drop_column("cost_quarantined_lines", "invoice_id")
