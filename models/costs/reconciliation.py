"""Reconciling a load's invoices: per invoice id, the sum of its cost lines against the total
entered or imported for it (or, failing that, the PO invoice poflow booked under the same
number), the difference classified (``domain/costs/settlement.py``) and listed until explained.

A slice's reconciliation is its current load's: reconciling a reload replaces the slice's rows,
keeping the explanation of an invoice whose difference did not change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.costs.settlement import (
    MATCHED,
    UNEXPLAINED,
    InvoiceLines,
    ReconciliationSummary,
    classify,
    to_minor,
)
from models.costs.invoice_totals import InvoiceTotal, po_invoice_totals, totals_of
from models.costs.records import LoadStatus

_LINES = text(
    """
    SELECT l.invoice_id, min(l.billing_currency) AS currency,
      COALESCE(sum(l.billed_cost) FILTER (WHERE l.charge_category IS DISTINCT FROM 'Tax'), 0)
        AS total,
      COALESCE(sum(l.billed_cost) FILTER (WHERE l.charge_category = 'Tax'), 0) AS tax,
      COALESCE(sum(l.billed_cost) FILTER (WHERE l.charge_period_start < l.billing_period_start
        OR l.charge_period_start >= l.billing_period_end), 0) AS outside_period,
      COALESCE(sum(l.billed_cost) FILTER (WHERE l.charge_category = 'Credit'), 0) AS credits,
      COALESCE(sum(l.billed_cost) FILTER (WHERE l.cost_center_id IS NULL), 0) AS unallocated,
      array_remove(array_agg(DISTINCT l.po_number), NULL) AS po_numbers
    FROM cost_lines l
    WHERE l.slice_id = :slice AND l.load_id = :load AND l.invoice_id IS NOT NULL
    GROUP BY l.invoice_id
    """
)
# Quarantined rows keep the invoice and BilledCost their format's mapping read.
_QUARANTINED = text(
    """
    SELECT q.invoice_id, sum(q.billed_cost) AS cost
    FROM cost_quarantined_lines q
    WHERE q.load_id = :load AND q.invoice_id IS NOT NULL AND q.billed_cost IS NOT NULL
    GROUP BY 1
    """
)


class ReconciliationRefused(ValueError):
    """An explanation that cannot be recorded: the rule it breaks is the message."""


@dataclass(frozen=True)
class ReconciledInvoice:
    """One invoice of a load: its lines, the total it is held against and the outcome."""

    invoice_id: str
    lines: InvoiceLines
    invoice_total: Decimal | None
    classification: str

    @property
    def difference(self) -> Decimal | None:
        if self.invoice_total is None:
            return None
        return self.invoice_total - self.lines.total - self.lines.tax


def reconcile(session: Session, load_ids: Iterable[int]) -> ReconciliationSummary:
    """Reconcile every current load of ``load_ids`` (a load since replaced is skipped: its
    slice's reconciliation is its successor's); the counts per classification and the sum of
    the differences per currency."""
    ids = tuple(load_ids)
    counts: Counter[str] = Counter()
    differences: Counter[str] = Counter()
    for load_id in ids:
        for invoice in reconcile_load(session, load_id):
            counts[invoice.classification] += 1
            if invoice.difference is not None:
                differences[invoice.lines.currency] += to_minor(
                    invoice.difference, invoice.lines.currency
                )
    return ReconciliationSummary(ids, dict(counts), dict(differences))


def reconcile_load(session: Session, load_id: int) -> list[ReconciledInvoice]:
    """Reconcile one load's invoices and store them as its slice's reconciliation."""
    load = session.execute(
        text(
            "SELECT l.slice_id, l.status, s.source_id, s.billing_account_id FROM cost_loads l "
            "JOIN cost_slices s ON s.id = l.slice_id WHERE l.id = :load FOR UPDATE OF s"
        ),
        {"load": load_id},
    ).one()
    if load.status != LoadStatus.CURRENT.value:
        return []
    invoices = _invoices(session, load.slice_id, load_id)
    totals = totals_of(session, load.source_id, list(invoices))
    po_totals = po_invoice_totals(session, load.source_id, load.billing_account_id, invoices)
    reconciled = [
        _reconciled(invoice_id, lines, totals.get(invoice_id) or po_totals.get(invoice_id))
        for invoice_id, (lines, _) in sorted(invoices.items())
    ]
    _store(session, load.slice_id, load_id, reconciled)
    return reconciled


def _invoices(
    session: Session, slice_id: int, load_id: int
) -> dict[str, tuple[InvoiceLines, list[str]]]:
    """Per invoice id, its lines' sums and the PO numbers they draw on."""
    quarantined = {
        row.invoice_id: row.cost for row in session.execute(_QUARANTINED, {"load": load_id})
    }
    found = {}
    for row in session.execute(_LINES, {"slice": slice_id, "load": load_id}):
        lines = InvoiceLines(
            currency=row.currency,
            total=row.total,
            tax=row.tax,
            outside_period=row.outside_period,
            credits=row.credits,
            unallocated=row.unallocated,
            quarantined=quarantined.get(row.invoice_id, Decimal(0)),
        )
        found[row.invoice_id] = (lines, list(row.po_numbers))
    return found


def _reconciled(
    invoice_id: str, lines: InvoiceLines, total: InvoiceTotal | None
) -> ReconciledInvoice:
    if total is not None and total.currency != lines.currency:
        # An invoice in another currency than its lines is not comparable amount for amount.
        return ReconciledInvoice(invoice_id, lines, None, UNEXPLAINED)
    amount = total.total if total else None
    tax = total.tax if total else None
    return ReconciledInvoice(invoice_id, lines, amount, classify(lines, amount, tax))


def _store(
    session: Session, slice_id: int, load_id: int, reconciled: Sequence[ReconciledInvoice]
) -> None:
    """Replace the slice's rows by the load's; an explanation carries over to the same
    invoice when its difference is unchanged."""
    kept = {
        (row.invoice_id, row.difference): row
        for row in session.execute(
            text(
                "DELETE FROM cost_reconciliations WHERE slice_id = :slice RETURNING invoice_id, "
                "difference, explanation, explained_by, explained_at"
            ),
            {"slice": slice_id},
        )
        if row.explained_at is not None
    }
    for invoice in reconciled:
        earlier = kept.get((invoice.invoice_id, invoice.difference))
        session.execute(
            text(
                "INSERT INTO cost_reconciliations (slice_id, load_id, invoice_id, currency, "
                "lines_total, lines_tax, invoice_total, difference, classification, "
                "explanation, explained_by, explained_at) VALUES (:slice, :load, :invoice, "
                ":currency, :total, :tax, :invoice_total, :difference, :classification, "
                ":explanation, :by, :at)"
            ),
            {
                "slice": slice_id,
                "load": load_id,
                "invoice": invoice.invoice_id,
                "currency": invoice.lines.currency,
                "total": invoice.lines.total,
                "tax": invoice.lines.tax,
                "invoice_total": invoice.invoice_total,
                "difference": invoice.difference,
                "classification": invoice.classification,
                "explanation": earlier.explanation if earlier else None,
                "by": earlier.explained_by if earlier else None,
                "at": earlier.explained_at if earlier else None,
            },
        )


@dataclass(frozen=True)
class OpenDifference:
    """An invoice of a current load whose lines do not match its total, not yet explained."""

    id: int
    source: str
    billing_account_id: str
    billing_period_start: datetime
    invoice_id: str
    currency: str | None
    lines_total: Decimal
    lines_tax: Decimal
    invoice_total: Decimal | None
    difference: Decimal | None
    classification: str


def open_differences(session: Session, source_id: int | None = None) -> list[OpenDifference]:
    """Every unexplained difference (anything but ``matched``) of the slices' current loads,
    of one source or all, by source, period, account and invoice."""
    rows = session.execute(
        text(
            "SELECT r.id, src.name AS source, s.billing_account_id, s.billing_period_start, "
            "r.invoice_id, r.currency, r.lines_total, r.lines_tax, r.invoice_total, "
            "r.difference, r.classification FROM cost_reconciliations r "
            "JOIN cost_slices s ON s.id = r.slice_id JOIN cost_sources src ON src.id = s.source_id "
            "WHERE r.classification <> :matched AND r.explained_at IS NULL "
            "AND r.load_id = s.current_load_id "
            "AND (CAST(:source AS bigint) IS NULL OR s.source_id = :source) "
            "ORDER BY src.name, s.billing_period_start, s.billing_account_id, r.invoice_id"
        ),
        {"matched": MATCHED, "source": source_id},
    )
    return [OpenDifference(**row._mapping) for row in rows]


def explain_difference(
    session: Session, reconciliation_id: int, explanation: str, *, by: str, at: datetime
) -> None:
    """Record why an invoice's difference is what it is, and who said so: it leaves the list.
    Refused (nothing stored) for a blank explanation, an unknown row or a matched invoice."""
    if not explanation.strip():
        raise ReconciliationRefused("an explanation must say why the amounts differ")
    classification = session.scalar(
        text("SELECT classification FROM cost_reconciliations WHERE id = :id FOR UPDATE"),
        {"id": reconciliation_id},
    )
    if classification is None:
        raise ReconciliationRefused(f"no reconciliation {reconciliation_id}")
    if classification == MATCHED:
        raise ReconciliationRefused("a matched invoice has no difference to explain")
    session.execute(
        text(
            "UPDATE cost_reconciliations SET explanation = :text, explained_by = :by, "
            "explained_at = :at WHERE id = :id"
        ),
        {"text": explanation.strip(), "by": by, "at": at, "id": reconciliation_id},
    )
