"""The usage of a period not yet invoiced, and the ledger's actuals of a period, per cost
center x GL account, as the close reads them."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.close.accruals import UninvoicedUsage, next_period_start, period_start
from domain.close.reconciliation import GlAmount
from domain.costs.settlement import to_minor
from domain.fiscal import fiscal_period

# A line is invoiced when its invoice id has a total entered or imported (cost_invoice_totals),
# or an invoice was booked under it on the PO the line draws on (another vendor's PO may carry
# the same invoice number); anything else (no invoice id, or an invoice not yet
# received) is accrued. Only current loads count; lines of no cost center or GL are left out,
# as they are from the actuals.
_UNINVOICED = text(
    """
    SELECT src.name AS source, s.billing_account_id, cc.code AS cost_center,
           gl.code AS gl_account, sum(l.effective_cost_base) AS cost
    FROM cost_lines l
    JOIN cost_loads ld ON ld.id = l.load_id AND ld.status = 'current'
    JOIN cost_slices s ON s.id = l.slice_id
    JOIN cost_sources src ON src.id = s.source_id
    JOIN cost_centers cc ON cc.id = l.cost_center_id
    JOIN gl_accounts gl ON gl.id = l.gl_account_id
    WHERE l.billing_period_start >= :start AND l.billing_period_start < :next
      AND l.effective_cost_base IS NOT NULL AND l.base_currency = :currency
      AND (l.invoice_id IS NULL OR NOT (
        EXISTS (SELECT 1 FROM cost_invoice_totals t
                WHERE t.source_id = s.source_id AND t.invoice_id = l.invoice_id)
        OR EXISTS (SELECT 1 FROM ledger_entries e WHERE e.kind = 'actual'
                   AND e.reference = l.invoice_id AND e.po_number = l.po_number)))
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    """
)

_ACTUALS = text(
    """
    SELECT cc.code AS cost_center, gl.code AS gl_account, sum(e.actual_delta_minor) AS actual
    FROM ledger_entries e
    JOIN cost_centers cc ON cc.id = e.cost_center_id
    JOIN gl_accounts gl ON gl.id = e.gl_account_id
    WHERE e.fiscal_year = :year AND e.period = :period AND e.currency = :currency
    GROUP BY 1, 2
    HAVING sum(e.actual_delta_minor) <> 0
    """
)


def uninvoiced_usage(session: Session, period: str, currency: str) -> list[UninvoicedUsage]:
    """Per source, billing account, cost center and GL: the period's usage no received invoice
    covers, in ``currency`` (the base), each group rounded once to minor units."""
    params = {
        "start": period_start(period),
        "next": next_period_start(period),
        "currency": currency,
    }
    return [
        UninvoicedUsage(
            row.source,
            row.billing_account_id,
            row.cost_center,
            row.gl_account,
            currency,
            to_minor(row.cost, currency),
        )
        for row in session.execute(_UNINVOICED, params)
    ]


def ledger_actuals(
    session: Session, period: str, currency: str, start_month: int
) -> list[GlAmount]:
    """The ledger's actuals of the period's fiscal period per cost center x GL (every kind of
    entry: invoices, cloud actuals, depreciation, chargeback), lines netting to 0 left out."""
    fiscal = fiscal_period(period_start(period), start_month)
    params = {"year": fiscal.fiscal_year, "period": fiscal.period, "currency": currency}
    return [
        GlAmount(row.cost_center, row.gl_account, currency, int(row.actual))
        for row in session.execute(_ACTUALS, params)
    ]
