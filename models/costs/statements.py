"""Writing and reading chargeback statements. A statement prices every amount an allocation
run gave a cost center (what stayed unallocated is no one's charge) at the internal rates of
the month, and keeps the charges as priced; reading one gives its charges with the codes and
names a page, a CSV or a FOCUS export shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from domain.costs.chargeback import Consumption, Provider, price
from domain.costs.rates import InternalRate
from models.budgets.org import CostCenter, GlAccount, ItService
from models.costs.allocation_records import AllocationRun
from models.costs.allocation_runs import AllocatedAmount, allocated_amounts
from models.costs.chargeback_records import ChargebackCharge, ChargebackStatement
from models.costs.governed_documents import CostDocument


@dataclass(frozen=True)
class StatementBasis:
    """What a statement is made from: the run, the month's rates and the documents in force."""

    run: AllocationRun
    rates: dict[str, InternalRate]
    rate_card: CostDocument | None
    unit_cost_model: CostDocument | None


def write_statement(
    session: Session, basis: StatementBasis, mode: str, currency: str, run_by_id: int
) -> tuple[ChargebackStatement, list[ChargebackCharge]]:
    """The month's next statement version, its charges priced and stored."""
    card = basis.rate_card.document if basis.rate_card else {}
    statement = _next_statement(session, basis, mode, currency, card, run_by_id)
    tp = card.get("transfer_pricing", {}).get("markup_percent")
    centers = list(session.scalars(select(CostCenter)))
    parties = _Parties(
        {c.code: c for c in centers},
        {c.id: c for c in centers},
        {s.code: s for s in session.scalars(select(ItService))},
        Decimal(tp) if tp is not None else None,
    )
    charges = [
        parties.charge(statement.id, amount, basis.rates.get(amount.service or ""))
        for amount in allocated_amounts(session, basis.run.id)
        # what stayed unallocated is shown by the allocation run, charged to no one
        if amount.cost_center is not None and amount.business_unit is not None
    ]
    session.add_all(charges)
    session.flush()
    return statement, charges


@dataclass(frozen=True)
class _Parties:
    """The cost centers and services charges name, and the transfer-pricing markup."""

    centers: dict[str, CostCenter]
    by_id: dict[int, CostCenter]
    services: dict[str, ItService]
    transfer_markup: Decimal | None

    def charge(
        self, statement_id: int, amount: AllocatedAmount, rate: InternalRate | None
    ) -> ChargebackCharge:
        service = self.services.get(amount.service or "")
        provider = self.by_id[service.provider_cost_center_id] if service else None
        receiver = self.centers[amount.cost_center or ""]
        consumed = Consumption(
            receiver.code,
            amount.business_unit or "",
            amount.service,
            amount.rule or "",
            amount.amount,
            amount.currency,
            amount.line_count,
        )
        charge = price(
            consumed,
            rate,
            Provider(provider.code, provider.legal_entity) if provider else None,
            receiver.legal_entity,
            self.transfer_markup,
        )
        return ChargebackCharge(
            statement_id=statement_id,
            cost_center_id=receiver.id,
            business_unit_id=self.centers[consumed.business_unit].id,
            service_id=service.id if service else None,
            provider_cost_center_id=provider.id if provider else None,
            rule=consumed.rule,
            cost=consumed.amount,
            quantity=charge.quantity,
            unit=charge.unit,
            rate=charge.rate,
            basis=charge.basis,
            inter_entity=charge.inter_entity,
            transfer_markup_percent=charge.transfer_markup_percent,
            amount=charge.amount,
            amount_minor=charge.amount_minor,
            currency=consumed.currency,
            line_count=consumed.lines,
        )


def _next_statement(
    session: Session,
    basis: StatementBasis,
    mode: str,
    currency: str,
    card: dict[str, Any],
    run_by_id: int,
) -> ChargebackStatement:
    period = basis.run.period
    # Two runs of one month at once queue here instead of colliding on the version.
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"chargeback:{period}"))))
    latest = session.scalar(
        select(func.max(ChargebackStatement.version)).where(ChargebackStatement.period == period)
    )
    gl = card.get("gl_account")
    statement = ChargebackStatement(
        period=period,
        version=(latest or 0) + 1,
        mode=mode,
        allocation_run_id=basis.run.id,
        unit_cost_model_version=basis.unit_cost_model.version if basis.unit_cost_model else None,
        rate_card_version=basis.rate_card.version if basis.rate_card else None,
        gl_account_id=session.scalar(select(GlAccount.id).where(GlAccount.code == gl))
        if gl
        else None,
        currency=currency,
        run_by_id=run_by_id,
    )
    session.add(statement)
    session.flush()
    return statement


def statement_of(
    session: Session, period: date, version: int | None = None
) -> ChargebackStatement | None:
    """The month's newest statement, or its ``version``."""
    query = select(ChargebackStatement).where(ChargebackStatement.period == period)
    if version is not None:
        query = query.where(ChargebackStatement.version == version)
    return session.scalar(query.order_by(ChargebackStatement.version.desc()).limit(1))


@dataclass(frozen=True)
class StatementLine:
    """A charge as read: codes and names beside what was consumed and charged."""

    id: int
    business_unit: str
    business_unit_name: str
    cost_center: str
    cost_center_name: str
    legal_entity: str | None
    service: str | None
    service_name: str | None
    provider: str | None
    provider_name: str | None
    provider_entity: str | None
    rule: str
    cost: Decimal
    quantity: Decimal | None
    unit: str
    rate: Decimal | None
    basis: str
    inter_entity: bool
    transfer_markup_percent: Decimal | None
    amount: Decimal
    amount_minor: int
    currency: str
    line_count: int


_LINES = text(
    """
    SELECT c.id, bu.code, bu.name, cc.code, cc.name, cc.legal_entity, s.code, s.name,
           p.code, p.name, p.legal_entity, c.rule, c.cost, c.quantity, c.unit, c.rate, c.basis,
           c.inter_entity, c.transfer_markup_percent, c.amount, c.amount_minor, c.currency,
           c.line_count
    FROM chargeback_charges c
    JOIN cost_centers bu ON bu.id = c.business_unit_id
    JOIN cost_centers cc ON cc.id = c.cost_center_id
    LEFT JOIN it_services s ON s.id = c.service_id
    LEFT JOIN cost_centers p ON p.id = c.provider_cost_center_id
    WHERE c.statement_id = :statement AND (NOT :lacking OR (c.inter_entity
          AND COALESCE(c.transfer_markup_percent, 0) = 0))
    ORDER BY bu.code, cc.code, s.code NULLS LAST, c.rule, c.id
    """
)


def statement_lines(
    session: Session, statement_id: int, *, lacking_transfer_markup: bool = False
) -> list[StatementLine]:
    """The statement's charges by business unit, cost center, service and rule; with
    ``lacking_transfer_markup``, only the charges between legal entities that carry none."""
    rows = session.execute(
        _LINES, {"statement": statement_id, "lacking": lacking_transfer_markup}
    ).tuples()
    return [StatementLine(*row) for row in rows]


def statement_charge(session: Session, statement_id: int, charge_id: int) -> StatementLine | None:
    """One charge of the statement, as read; None when the statement has no such charge."""
    return next((c for c in statement_lines(session, statement_id) if c.id == charge_id), None)
