"""Pricing a consumption: at the service's rate measured by its unit cost, at cost without a
usable rate, raised by the transfer-pricing markup only between two known, different legal
entities; a charge's minor units rounded once, half to even."""

from __future__ import annotations

from decimal import Decimal

from domain.costs.chargeback import AT_COST, Consumption, Provider, price
from domain.costs.rates import InternalRate, rate_of

VM = Consumption("WEB", "DIGITAL", "VM", "vm usage", Decimal("10.00"), "EUR", 3)
IT = Provider("IT", "EU1")


def _rate(unit_cost: str | None, currency: str = "EUR") -> InternalRate:
    entry = {"service": "VM", "period": "2030-11", "basis": "markup", "markup_percent": "10",
             "assumptions": "platform team"}  # fmt: skip
    return rate_of(entry, "Hour", currency, Decimal(unit_cost) if unit_cost else None)


def test_a_consumption_is_charged_its_quantity_at_the_rate() -> None:
    charge = price(VM, _rate("3"), IT, "EU1", Decimal(5))

    assert (charge.quantity, charge.rate, charge.amount) == (
        Decimal("3.333333"),
        Decimal("3.300000"),
        Decimal("11.0000000"),
    )
    assert (charge.amount_minor, charge.inter_entity, charge.transfer_markup_percent) == (
        1100,
        False,
        None,
    )


def test_between_legal_entities_the_transfer_markup_is_added_and_its_lack_is_seen() -> None:
    marked = price(VM, _rate("3"), IT, "US1", Decimal(5))
    unmarked = price(VM, _rate("3"), IT, "US1", None)
    unknown = price(VM, _rate("3"), Provider("IT", None), "US1", None)

    assert (marked.amount_minor, marked.lacks_transfer_markup) == (1155, False)
    assert (unmarked.amount_minor, unmarked.lacks_transfer_markup) == (1100, True)
    assert (unknown.inter_entity, unknown.lacks_transfer_markup) == (False, False)


def test_without_a_usable_rate_a_consumption_is_charged_at_cost() -> None:
    for rate in (None, _rate(None), _rate("3", currency="USD")):
        charge = price(VM, rate, IT, "EU1", None)
        assert (charge.basis, charge.quantity, charge.amount_minor) == (AT_COST, None, 1000)


def test_a_charge_is_rounded_once_half_to_even() -> None:
    half = Consumption("WEB", "DIGITAL", None, "by tag", Decimal("0.125"), "EUR", 1)
    assert price(half, None, None, "EU1", None).amount_minor == 12
