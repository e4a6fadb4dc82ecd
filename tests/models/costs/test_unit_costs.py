"""The unit cost of a service per month, from a governed unit-cost model over the month's cost
lines: effective (after commitment discounts, reservations amortised) against list price,
fixed and variable parts, quantities from the lines or from a driver table; and the internal
rates a rate card sets from them. The commitment rows follow the FOCUS specification's own
examples (shared/data/focus-spec-examples: a purchase, its covered usage, an unused hour)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.costs.governance import DocumentKind
from models.costs.document_store import propose_document
from models.costs.rates import internal_rates
from models.costs.unit_costs import unit_costs, unit_costs_in_force
from models.document_errors import DocumentRefused
from tests.models.costs.priced import AT, PricedOrg, a_priced_org, in_force, load_lines

NOVEMBER = date(2030, 11, 1)


def _model(org: PricedOrg) -> dict[str, Any]:
    compute = {"service_name": [org.cloud("Compute")]}
    return {
        "currency": "EUR",
        "services": [
            {
                "service": org.service("VM"),
                "unit": "Hour",
                "consumption": {"consumed_unit": "Hour", "lines": compute},
                "pools": [
                    {"name": "compute", "part": "variable", "lines": compute},
                    {
                        "name": "support",
                        "part": "fixed",
                        "lines": {"service_name": [org.cloud("Support")]},
                    },
                ],
            },
            {
                "service": org.service("STO"),
                "unit": "GB-month",
                "consumption": {"driver": {"2030-11": "400"}},
                "pools": [
                    {
                        "name": "storage",
                        "part": "variable",
                        "lines": {"service_name": [org.cloud("Storage")]},
                    }
                ],
            },
        ],
    }


def _month_of_lines(engine: Engine, org: PricedOrg) -> None:
    compute, commitment = org.cloud("Compute"), {"commitment_discount_id": f"cd-{org.tag}"}
    load_lines(
        engine,
        NOVEMBER,
        [
            # the commitment's purchase: billed, amortised into the usage it covers
            {
                "service_name": compute,
                "charge_category": "Purchase",
                "effective_cost": "0.00",
                "list_cost": "3.00",
                **commitment,
            },
            {
                "service_name": compute,
                "effective_cost": "1.50",
                "list_cost": "3.00",
                "consumed_quantity": Decimal(1),
                "consumed_unit": "Hour",
                "commitment_discount_status": "Used",
                **commitment,
            },
            # an hour of the commitment no one used: cost of the pool, no quantity
            {
                "service_name": compute,
                "effective_cost": "0.75",
                "list_cost": "0.00",
                "commitment_discount_status": "Unused",
                **commitment,
            },
            {
                "service_name": compute,
                "effective_cost": "3.00",
                "consumed_quantity": Decimal(1),
                "consumed_unit": "Hour",
            },
            {"service_name": org.cloud("Support"), "effective_cost": "2.00"},
            {"service_name": org.cloud("Storage"), "effective_cost": "10.00"},
            # converted to another base currency: not part of a EUR model's pools
            {
                "service_name": org.cloud("Storage"),
                "effective_cost": "99.00",
                "base_currency": "USD",
            },
        ],
    )
    load_lines(engine, date(2030, 12, 1), [{"service_name": compute, "effective_cost": "50"}])


def test_a_unit_cost_reflects_commitment_discounts_and_unused_commitment(
    engine: Engine, session: Session
) -> None:
    org = a_priced_org(session)
    _month_of_lines(engine, org)

    vm, storage = unit_costs(session, _model(org), NOVEMBER)

    assert (vm.quantity, vm.effective, vm.list_price) == (
        Decimal(2),
        Decimal("7.25"),
        Decimal("8.00"),
    )
    assert (vm.per_unit, vm.list_per_unit) == (Decimal("3.625000"), Decimal("4.000000"))
    assert (vm.fixed_per_unit, vm.variable_per_unit) == (Decimal("1.000000"), Decimal("2.625000"))
    assert (vm.savings, vm.unused_commitment) == (Decimal("0.75"), Decimal("0.75"))
    assert [(p.name, p.lines) for p in vm.pools] == [("compute", 4), ("support", 1)]
    assert (storage.quantity, storage.per_unit) == (Decimal(400), Decimal("0.025000"))


def test_a_month_without_consumption_has_no_unit_cost(engine: Engine, session: Session) -> None:
    org = a_priced_org(session)
    _month_of_lines(engine, org)

    vm, storage = unit_costs(session, _model(org), date(2030, 12, 1))

    assert (vm.effective, vm.quantity, vm.per_unit) == (Decimal(50), None, None)
    assert (storage.quantity, storage.per_unit) == (None, None)


def test_a_model_is_priced_only_once_in_force(engine: Engine, session: Session) -> None:
    org = a_priced_org(session)
    _month_of_lines(engine, org)
    propose_document(
        session, DocumentKind.UNIT_COST_MODEL, _model(org), note="", author=org.author, at=AT
    )
    assert org.service("VM") not in [c.service for c in unit_costs_in_force(session, NOVEMBER, AT)]

    in_force(session, org, DocumentKind.UNIT_COST_MODEL, _model(org))

    costs = unit_costs_in_force(session, NOVEMBER, AT)
    assert [c.per_unit for c in costs] == [Decimal("3.625000"), Decimal("0.025000")]


def test_a_model_naming_an_unknown_service_or_a_float_quantity_is_refused(
    session: Session,
) -> None:
    org = a_priced_org(session)
    model = _model(org)
    model["services"][0]["service"] = "NOPE"
    model["services"][1]["consumption"] = {"driver": {"2030-11": 400.5}}

    with pytest.raises(DocumentRefused) as refused:
        propose_document(
            session, DocumentKind.UNIT_COST_MODEL, model, note="", author=org.author, at=AT
        )
    assert [e.path for e in refused.value.errors] == ["$.services[1].consumption"]
    model["services"][1]["consumption"] = {"driver": {"2030-11": "400.5"}}
    with pytest.raises(DocumentRefused) as refused:
        propose_document(
            session, DocumentKind.UNIT_COST_MODEL, model, note="", author=org.author, at=AT
        )
    assert [(e.path, e.message) for e in refused.value.errors] == [
        ("$.services[0].service", "no IT service NOPE")
    ]


def _card(org: PricedOrg) -> dict[str, Any]:
    return {
        "currency": "EUR",
        "gl_account": org.gl,
        "transfer_pricing": {"markup_percent": "5", "assumptions": "cost plus 5 %, arm's length"},
        "rates": [
            {
                "service": org.service("VM"),
                "period": "2030-11",
                "basis": "markup",
                "markup_percent": "10",
                "assumptions": "covers the platform team",
            },
            {
                "service": org.service("STO"),
                "period": "2030-11",
                "basis": "benchmark",
                "rate": "0.023",
                "benchmark": "public object storage, list price",
                "assumptions": "priced as the market",
            },
        ],
    }


def test_internal_rates_mark_up_the_unit_cost_or_take_the_benchmark(
    engine: Engine, session: Session
) -> None:
    org = a_priced_org(session)
    _month_of_lines(engine, org)
    in_force(session, org, DocumentKind.UNIT_COST_MODEL, _model(org))
    in_force(session, org, DocumentKind.RATE_CARD, _card(org))

    vm, storage = internal_rates(session, NOVEMBER, AT)

    assert (vm.unit_cost, vm.rate, vm.unit) == (Decimal("3.625000"), Decimal("3.987500"), "Hour")
    assert (storage.basis, storage.rate, storage.benchmark) == (
        "benchmark",
        Decimal("0.023"),
        "public object storage, list price",
    )
    assert internal_rates(session, date(2030, 12, 1), AT) == []


def test_a_rate_card_with_two_rates_for_one_month_or_an_unknown_gl_is_refused(
    session: Session,
) -> None:
    org = a_priced_org(session)
    card = _card(org)
    card["gl_account"] = "NO-GL"
    card["rates"].append({**card["rates"][0], "markup_percent": "12"})
    with pytest.raises(DocumentRefused) as refused:
        propose_document(session, DocumentKind.RATE_CARD, card, note="", author=org.author, at=AT)
    assert [e.path for e in refused.value.errors] == ["$.gl_account", "$.rates[2]"]
