"""A source's account mappings (billing account or sub-account -> cost center, GL account and
optionally a PO; commitment discount -> contract) and the invoice totals entered for it, to
reconcile its lines against.

Guarantees: a mapping naming a cost center, GL account or contract that does not exist, an
account without its cost center and GL account, or a commitment discount without its contract
or with a cost center, GL account or PO of its own refuses the whole list (nothing is
replaced); a change of the mappings is in the audit trail with what they were; an invoice total
is an exact decimal in an ISO currency."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent
from domain.money import CurrencyError, check_currency
from models.audit.trail import append_audit_entry
from models.costs.records import AccountKind
from models.costs.source_settings import (
    AccountMapping,
    InvoiceTotal,
    MappingIds,
    account_mappings,
    contract_ids,
    cost_center_ids,
    gl_account_ids,
    put_invoice_total,
    replace_mappings,
)
from services.costs.refusals import CostRefused
from services.costs.sources import existing_source

KINDS = tuple(kind.value for kind in AccountKind)
COMMITMENT = AccountKind.COMMITMENT_DISCOUNT.value


def set_mappings(
    session: Session, source_name: str, mappings: Sequence[AccountMapping], actor: str
) -> None:
    """The source's mappings become ``mappings``, or, when one breaks a rule, stay as they were;
    the change is recorded in the audit trail (``cost_source.mappings_changed``)."""
    source = existing_source(session, source_name)
    for mapping in mappings:
        _check_kind(mapping)
    ids = _named_ids(session, mappings)
    before = [asdict(m) for m in account_mappings(session, source.id)]
    replace_mappings(session, source.id, list(zip(mappings, ids, strict=True)))
    session.flush()
    _audit(session, actor, source_name, before, [asdict(m) for m in mappings])


def _named_ids(session: Session, mappings: Sequence[AccountMapping]) -> list[MappingIds]:
    """What each mapping names, by id; refused, naming them, when some do not exist."""
    centers = cost_center_ids(session, {m.cost_center for m in mappings if m.cost_center})
    accounts = gl_account_ids(session, {m.gl_account for m in mappings if m.gl_account})
    contracts = contract_ids(session, {m.contract for m in mappings if m.contract})
    for rule, wanted, known in (
        ("unknown_cost_center", {m.cost_center for m in mappings}, centers),
        ("unknown_gl_account", {m.gl_account for m in mappings}, accounts),
        ("unknown_contract", {m.contract for m in mappings}, contracts),
    ):
        missing = sorted(w for w in wanted if w is not None and w not in known)
        if missing:
            what = rule.removeprefix("unknown_").replace("_", " ")
            raise CostRefused(rule, f"no {what} {', '.join(missing)}")
    return [
        MappingIds(
            centers.get(m.cost_center or ""),
            accounts.get(m.gl_account or ""),
            contracts.get(m.contract or ""),
        )
        for m in mappings
    ]


def _check_kind(mapping: AccountMapping) -> None:
    """A commitment discount names a contract and nothing else; an account names its cost
    center and GL account, and no contract."""
    kind, account = mapping.account_kind, mapping.account_id
    if kind not in KINDS:
        raise CostRefused("invalid_account_kind", f"{kind!r} is not one of {KINDS}")
    booked = (mapping.cost_center, mapping.gl_account, mapping.po_number)
    if kind == COMMITMENT and not mapping.contract:
        raise CostRefused("contract_required", f"commitment discount {account} names no contract")
    if kind == COMMITMENT and any(booked):
        raise CostRefused(
            "booked_on_commitment_discount",
            f"commitment discount {account} draws on its contract's PO: it names no cost "
            "center, GL account or PO (its lines are booked as their account's mapping says)",
        )
    if kind != COMMITMENT and mapping.contract:
        raise CostRefused(
            "contract_on_account",
            f"{kind.replace('_', ' ')} {account} names a contract: only a commitment_discount "
            "mapping does",
        )
    if kind != COMMITMENT and not (mapping.cost_center and mapping.gl_account):
        raise CostRefused(
            "allocation_required",
            f"{kind.replace('_', ' ')} {account} needs a cost center and a GL account",
        )


def _audit(
    session: Session,
    actor: str,
    source_name: str,
    before: list[dict[str, str | None]],
    after: list[dict[str, str | None]],
) -> None:
    event = AuditEvent(
        occurred_at=datetime.now(UTC),
        actor=actor,
        action="cost_source.mappings_changed",
        entity_type="cost_source",
        entity_id=source_name,
        idempotency_key=f"cost-source-mappings:{source_name}:{uuid.uuid4()}",
        before={"mappings": before},
        after={"mappings": after},
    )
    append_audit_entry(session, event)


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
