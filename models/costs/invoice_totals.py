"""Invoice totals as the provider billed them, entered or imported, to reconcile the lines of
each invoice id against; and the PO invoices poflow booked, when a source's account draws on a
PO, as the total of an invoice no one entered."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.costs.settlement import InvoiceLines
from domain.money import CurrencyError, check_currency, minor_digits


class InvoiceTotalRefused(ValueError):
    """An invoice total that cannot be stored: the rule it breaks is the message."""


@dataclass(frozen=True)
class InvoiceTotal:
    """An invoice's total (tax included) and, when known, its tax, in its currency."""

    currency: str
    total: Decimal
    tax: Decimal | None = None


def enter_invoice_total(
    session: Session,
    source_id: int,
    invoice_id: str,
    billing_period: str,
    total: InvoiceTotal,
    *,
    entered_by: str,
) -> None:
    """Store (or replace) the total of ``invoice_id`` of the source's ``billing_period``
    (``YYYY-MM``). Refused, storing nothing, for a blank invoice id, a period that is not a
    month, a currency that is not ISO 4217 or an amount that is not a finite number."""
    values = _checked(invoice_id, billing_period, total)
    session.execute(
        text(
            "INSERT INTO cost_invoice_totals (source_id, invoice_id, billing_period_start, "
            "currency, total, tax, entered_by) VALUES (:source, :invoice, :period, :currency, "
            ":total, :tax, :by) ON CONFLICT (source_id, invoice_id) DO UPDATE SET "
            "billing_period_start = EXCLUDED.billing_period_start, currency = EXCLUDED.currency, "
            "total = EXCLUDED.total, tax = EXCLUDED.tax, entered_by = EXCLUDED.entered_by"
        ),
        {"source": source_id, **values, "by": entered_by},
    )


def import_invoice_totals(
    session: Session, source_id: int, rows: Iterable[Mapping[str, str]], *, entered_by: str
) -> int:
    """Store every row (``invoice_id``, ``billing_period``, ``currency``, ``total`` and
    optionally ``tax``, as text, e.g. from a CSV); all or nothing: the first bad row refuses the
    import, naming its number. The number stored."""
    count = 0
    with session.begin_nested():
        for number, row in enumerate(rows, start=1):
            try:
                tax = row.get("tax") or None
                total = InvoiceTotal(
                    row.get("currency", ""), _amount(row.get("total", "")), tax and _amount(tax)
                )
                enter_invoice_total(
                    session,
                    source_id,
                    row.get("invoice_id", ""),
                    row.get("billing_period", ""),
                    total,
                    entered_by=entered_by,
                )
            except InvoiceTotalRefused as refused:
                raise InvoiceTotalRefused(f"row {number}: {refused}") from None
            count += 1
    return count


def _amount(value: str) -> Decimal:
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        raise InvoiceTotalRefused(f"{value!r} is not an amount") from None


def _checked(invoice_id: str, billing_period: str, total: InvoiceTotal) -> dict[str, object]:
    if not invoice_id.strip():
        raise InvoiceTotalRefused("an invoice total needs its invoice id")
    try:
        start = datetime.strptime(billing_period, "%Y-%m").replace(tzinfo=UTC)
        check_currency(total.currency)
    except CurrencyError as error:
        raise InvoiceTotalRefused(str(error)) from None
    except ValueError:
        raise InvoiceTotalRefused(f"billing period {billing_period!r} is not YYYY-MM") from None
    for amount in (total.total, total.tax):
        if amount is not None and not amount.is_finite():
            raise InvoiceTotalRefused(f"{amount} is not an amount")
    return {
        "invoice": invoice_id.strip(),
        "period": start,
        "currency": total.currency,
        "total": total.total,
        "tax": total.tax,
    }


def totals_of(session: Session, source_id: int, invoice_ids: list[str]) -> dict[str, InvoiceTotal]:
    """The totals entered or imported for these invoice ids of the source."""
    rows = session.execute(
        text(
            "SELECT invoice_id, currency, total, tax FROM cost_invoice_totals "
            "WHERE source_id = :source AND invoice_id = ANY(:ids)"
        ),
        {"source": source_id, "ids": invoice_ids},
    )
    return {row.invoice_id: InvoiceTotal(row.currency, row.total, row.tax) for row in rows}


def po_invoice_totals(
    session: Session,
    source_id: int,
    billing_account_id: str,
    invoices: Mapping[str, tuple[InvoiceLines, list[str]]],
) -> dict[str, InvoiceTotal]:
    """The PO invoices booked under these invoice numbers, in their own currency, on the PO
    the billing account is mapped to or the invoice's lines draw on."""
    mapped = session.scalar(
        text(
            "SELECT po_number FROM cost_account_mappings WHERE source_id = :source "
            "AND account_kind = 'billing_account' AND account_id = :account"
        ),
        {"source": source_id, "account": billing_account_id},
    )
    found = {}
    for invoice_id, (_, po_numbers) in invoices.items():
        pos = [*po_numbers, *([mapped] if mapped else [])]
        if pos:
            booked = _po_invoice(session, invoice_id, pos)
            if booked is not None:
                found[invoice_id] = booked
    return found


def _po_invoice(session: Session, invoice_id: str, po_numbers: list[str]) -> InvoiceTotal | None:
    row = session.execute(
        text(
            "SELECT min(source_currency) AS currency, sum(source_amount_minor) AS minor "
            "FROM ledger_entries WHERE kind = 'actual' AND reference = :invoice "
            "AND po_number = ANY(:pos) AND source_currency IS NOT NULL"
        ),
        {"invoice": invoice_id, "pos": po_numbers},
    ).one()
    if row.minor is None:
        return None
    return InvoiceTotal(row.currency, Decimal(row.minor).scaleb(-minor_digits(row.currency)))
