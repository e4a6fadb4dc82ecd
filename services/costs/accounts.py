"""A source's account mappings (billing account or sub-account -> cost center, GL account and
optionally a PO) and the invoice totals entered for it, to reconcile its lines against.

Guarantees: a mapping naming a cost center or GL account that does not exist refuses the whole
list (nothing is replaced); an invoice total is an exact decimal in an ISO currency."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from domain.money import CurrencyError, check_currency
from models.costs.records import AccountKind
from models.costs.source_settings import (
    AccountMapping,
    InvoiceTotal,
    cost_center_ids,
    gl_account_ids,
    put_invoice_total,
    replace_mappings,
)
from services.costs.refusals import CostRefused
from services.costs.sources import existing_source

KINDS = tuple(kind.value for kind in AccountKind)


def set_mappings(session: Session, source_name: str, mappings: Sequence[AccountMapping]) -> None:
    """The source's mappings become ``mappings``, or, when one breaks a rule, stay as they were."""
    source = existing_source(session, source_name)
    bad_kind = next((m.account_kind for m in mappings if m.account_kind not in KINDS), None)
    if bad_kind is not None:
        raise CostRefused("invalid_account_kind", f"{bad_kind!r} is not one of {KINDS}")
    centers = cost_center_ids(session, {m.cost_center for m in mappings})
    accounts = gl_account_ids(session, {m.gl_account for m in mappings})
    for rule, wanted, known in (
        ("unknown_cost_center", {m.cost_center for m in mappings}, centers),
        ("unknown_gl_account", {m.gl_account for m in mappings}, accounts),
    ):
        missing = sorted(wanted - set(known))
        if missing:
            what = rule.removeprefix("unknown_").replace("_", " ")
            raise CostRefused(rule, f"no {what} {', '.join(missing)}")
    rows = [(m, centers[m.cost_center], accounts[m.gl_account]) for m in mappings]
    replace_mappings(session, source.id, rows)


def period_start(period: str) -> datetime:
    """``YYYY-MM`` as the first instant of that month, UTC; refused otherwise."""
    try:
        return datetime.strptime(period, "%Y-%m").replace(tzinfo=UTC)
    except ValueError as error:
        raise CostRefused("invalid_period", f"{period!r} is not a month as YYYY-MM") from error


def enter_invoice_total(
    session: Session,
    source_name: str,
    invoice_id: str,
    billing_period: str,
    total: tuple[Decimal, str],
    tax: Decimal | None,
    actor: str,
) -> None:
    """Enters (or replaces) the total, in ``total``'s currency, the provider billed under
    ``invoice_id`` for ``billing_period``."""
    source = existing_source(session, source_name)
    amount, currency = total
    try:
        check_currency(currency)
    except CurrencyError as error:
        raise CostRefused("invalid_currency", str(error)) from error
    entered = InvoiceTotal(invoice_id, period_start(billing_period), currency, amount, tax, actor)
    put_invoice_total(session, source.id, entered)
