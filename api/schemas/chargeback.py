"""Bodies of the chargeback and unit-cost API: amounts in integer minor units with their
currency; quantities, rates and unit costs as decimal text (never a float)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel

from domain.costs.rates import InternalRate
from domain.costs.unit_costs import UnitCost
from models.costs.allocation_runs import AllocatedLine
from models.costs.chargeback_records import ChargebackStatement
from models.costs.statements import StatementLine


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class StatementRunIn(BaseModel):
    mode: str  # chargeback or showback


class ChargeOut(BaseModel):
    id: int
    business_unit: str
    cost_center: str
    cost_center_name: str
    legal_entity: str | None
    service: str | None
    provider: str | None
    rule: str
    allocated_cost: str
    quantity: str | None
    unit: str
    rate: str | None
    basis: str
    inter_entity: bool
    transfer_markup_percent: str | None
    amount_minor: int
    currency: str
    lines: int

    @classmethod
    def of(cls, line: StatementLine) -> ChargeOut:
        return cls(
            id=line.id,
            business_unit=line.business_unit,
            cost_center=line.cost_center,
            cost_center_name=line.cost_center_name,
            legal_entity=line.legal_entity,
            service=line.service,
            provider=line.provider,
            rule=line.rule,
            allocated_cost=str(line.cost),
            quantity=_text(line.quantity),
            unit=line.unit,
            rate=_text(line.rate),
            basis=line.basis,
            inter_entity=line.inter_entity,
            transfer_markup_percent=_text(line.transfer_markup_percent),
            amount_minor=line.amount_minor,
            currency=line.currency,
            lines=line.line_count,
        )


class StatementOut(BaseModel):
    period: str
    version: int
    mode: str
    allocation_run_id: int
    unit_cost_model_version: int | None
    rate_card_version: int | None
    currency: str
    run_at: datetime
    total_minor: int
    by_business_unit: dict[str, int]
    by_cost_center: dict[str, int]
    charges: list[ChargeOut]

    @classmethod
    def of(cls, statement: ChargebackStatement, lines: list[StatementLine]) -> StatementOut:
        units: dict[str, int] = {}
        centers: dict[str, int] = {}
        for line in lines:
            units[line.business_unit] = units.get(line.business_unit, 0) + line.amount_minor
            centers[line.cost_center] = centers.get(line.cost_center, 0) + line.amount_minor
        return cls(
            period=f"{statement.period:%Y-%m}",
            version=statement.version,
            mode=statement.mode,
            allocation_run_id=statement.allocation_run_id,
            unit_cost_model_version=statement.unit_cost_model_version,
            rate_card_version=statement.rate_card_version,
            currency=statement.currency,
            run_at=statement.run_at,
            total_minor=sum(units.values()),
            by_business_unit=units,
            by_cost_center=centers,
            charges=[ChargeOut.of(line) for line in lines],
        )


class ChargedLineOut(BaseModel):
    """A cost line behind a charge, through the allocation run's lineage."""

    load_id: int
    file_index: int
    file_row: int
    billing_account: str | None
    service_name: str | None
    resource_id: str | None
    amount: str
    currency: str
    pooled: bool

    @classmethod
    def of(cls, line: AllocatedLine) -> ChargedLineOut:
        return cls(
            load_id=line.load_id,
            file_index=line.file_index,
            file_row=line.file_row,
            billing_account=line.billing_account,
            service_name=line.service_name,
            resource_id=line.resource_id,
            amount=str(line.amount),
            currency=line.currency,
            pooled=line.pooled,
        )


class UnitCostOut(BaseModel):
    service: str
    unit: str
    currency: str
    quantity: str | None
    effective_cost: str
    list_cost: str
    fixed_cost: str
    variable_cost: str
    savings: str
    unused_commitment: str
    per_unit: str | None
    list_per_unit: str | None
    fixed_per_unit: str | None
    variable_per_unit: str | None

    @classmethod
    def of(cls, cost: UnitCost) -> UnitCostOut:
        return cls(
            service=cost.service,
            unit=cost.unit,
            currency=cost.currency,
            quantity=_text(cost.quantity),
            effective_cost=str(cost.effective),
            list_cost=str(cost.list_price),
            fixed_cost=str(cost.fixed),
            variable_cost=str(cost.variable),
            savings=str(cost.savings),
            unused_commitment=str(cost.unused_commitment),
            per_unit=_text(cost.per_unit),
            list_per_unit=_text(cost.list_per_unit),
            fixed_per_unit=_text(cost.fixed_per_unit),
            variable_per_unit=_text(cost.variable_per_unit),
        )


class RateOut(BaseModel):
    service: str
    unit: str
    currency: str
    basis: str
    unit_cost: str | None
    rate: str | None
    markup_percent: str | None
    benchmark: str | None
    assumptions: str

    @classmethod
    def of(cls, rate: InternalRate) -> RateOut:
        return cls(
            service=rate.service,
            unit=rate.unit,
            currency=rate.currency,
            basis=rate.basis,
            unit_cost=_text(rate.unit_cost),
            rate=_text(rate.rate),
            markup_percent=_text(rate.markup_percent),
            benchmark=rate.benchmark,
            assumptions=rate.assumptions,
        )


class UnitCostsOut(BaseModel):
    period: str
    unit_costs: list[UnitCostOut]
    rates: list[RateOut]

    @classmethod
    def of(cls, month: date, costs: list[UnitCost], rates: list[InternalRate]) -> UnitCostsOut:
        return cls(
            period=f"{month:%Y-%m}",
            unit_costs=[UnitCostOut.of(cost) for cost in costs],
            rates=[RateOut.of(rate) for rate in rates],
        )
