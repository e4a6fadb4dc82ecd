"""Pricing what allocation gave a cost center: the charges of a monthly statement.

An allocated amount of an IT service with an internal rate is charged at that rate: its
quantity is the amount over the service's unit cost (what that cost bought), its charge the
quantity at the rate. An amount of a service without a rate, or of no service, is charged at
cost. A charge between two legal entities (the receiving cost center's and the service
provider's, both known and different) carries the transfer-pricing markup on top; without one
it is charged as it is, and the statement's transfer-pricing report lists it. A charge is exact;
its minor units are rounded once, half to even, and postings and totals add those."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from domain.costs.rates import InternalRate, marked_up
from domain.costs.settlement import to_minor
from domain.costs.unit_costs import UNIT_PLACES

AT_COST = "at_cost"
CHARGEBACK = "chargeback"  # the charges are posted to the ledger
SHOWBACK = "showback"  # the charges are only reported
MODES = (CHARGEBACK, SHOWBACK)


@dataclass(frozen=True)
class Consumption:
    """What a cost center consumed of one service (or of no service) by one allocation rule:
    the amount an allocation run gave it."""

    cost_center: str
    business_unit: str
    service: str | None
    rule: str
    amount: Decimal
    currency: str
    lines: int


@dataclass(frozen=True)
class Charge:
    """One line of a statement: a consumption priced."""

    consumption: Consumption
    provider: str | None  # the service's provider cost center, credited in a chargeback
    quantity: Decimal | None
    unit: str
    rate: Decimal | None
    basis: str  # markup, benchmark or at_cost
    inter_entity: bool
    transfer_markup_percent: Decimal | None
    amount: Decimal

    @property
    def amount_minor(self) -> int:
        return to_minor(self.amount, self.consumption.currency)

    @property
    def lacks_transfer_markup(self) -> bool:
        """A charge between legal entities that carries no transfer-pricing markup."""
        return self.inter_entity and not self.transfer_markup_percent


@dataclass(frozen=True)
class Provider:
    """Who provides a service: its cost center and that center's legal entity."""

    cost_center: str
    legal_entity: str | None


def price(
    consumption: Consumption,
    rate: InternalRate | None,
    provider: Provider | None,
    receiver_entity: str | None,
    transfer_markup_percent: Decimal | None,
) -> Charge:
    """The charge for ``consumption``, at ``rate`` when it prices the service in its currency."""
    cost = consumption.amount
    priced = rate if rate and rate.currency == consumption.currency else None
    quantity, amount = _at_rate(cost, priced) if priced else (None, None)
    if amount is None:
        priced = None
    inter_entity = bool(
        provider
        and provider.legal_entity
        and receiver_entity
        and provider.legal_entity != receiver_entity
    )
    markup = transfer_markup_percent if inter_entity else None
    charged = amount if amount is not None else cost
    return Charge(
        consumption=consumption,
        provider=provider.cost_center if provider else None,
        quantity=quantity,
        unit=priced.unit if priced else "",
        rate=priced.rate if priced else None,
        basis=priced.basis if priced else AT_COST,
        inter_entity=inter_entity,
        transfer_markup_percent=markup,
        amount=marked_up(charged, markup) if markup else charged,
    )


def _at_rate(cost: Decimal, rate: InternalRate) -> tuple[Decimal | None, Decimal | None]:
    """(quantity, exact charge) of ``cost`` at ``rate``; (None, None) when the rate or the
    unit cost it is measured by is unknown."""
    if rate.rate is None or not rate.unit_cost:
        return None, None
    quantity = (cost / rate.unit_cost).quantize(UNIT_PLACES, rounding=ROUND_HALF_EVEN)
    return quantity, cost * rate.rate / rate.unit_cost
