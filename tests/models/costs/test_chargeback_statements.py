"""Monthly chargeback statements on real Postgres: what an allocation run gave each cost center
priced at the internal rates (quantity at the unit cost, charge at the rate), the
transfer-pricing markup on charges between legal entities, chargeback postings that charge the
receivers and credit the provider, replaced by a re-run, and showback that posts nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from domain.costs.governance import DocumentKind
from domain.fiscal import fiscal_period
from models import AuditEntry, BudgetAlert, BudgetLine, GlAccount
from models.costs.chargeback_records import ChargebackStatement
from models.costs.statements import StatementLine, statement_lines
from models.costs.unit_costs import unit_costs
from services.costs.chargeback import run_statement
from services.costs.refusals import CostRefused
from tests.builders.allocation import a_period
from tests.models.costs.priced import (
    AT,
    PricedOrg,
    a_priced_org,
    allocated_month,
    in_force,
    rate_card,
)


@pytest.fixture
def month(engine: Engine, session: Session) -> Iterator[tuple[PricedOrg, date]]:
    org = a_priced_org(session)
    period = a_period()
    allocated_month(engine, session, org, period)
    yield org, period


def _run(session: Session, org: PricedOrg, period: date, mode: str) -> ChargebackStatement:
    return run_statement(session, period, mode, org.author, currency="EUR", start_month=1, at=AT)


def _charged(lines: list[StatementLine]) -> list[tuple[Any, ...]]:
    return [
        (line.cost_center, line.service, line.rule, line.quantity, line.rate, line.amount_minor)
        for line in lines
    ]


def _ledger(session: Session, period: date) -> dict[str, int]:
    rows = session.execute(
        text(
            "SELECT cc.code, sum(e.actual_delta_minor) FROM ledger_entries e "
            "JOIN cost_centers cc ON cc.id = e.cost_center_id WHERE e.reference = :reference "
            "GROUP BY cc.code HAVING sum(e.actual_delta_minor) <> 0"
        ),
        {"reference": f"chargeback:{period:%Y-%m}"},
    ).tuples()
    return {code: int(net) for code, net in rows}


def test_a_statement_prices_each_allocated_amount_at_its_rate(
    month: tuple[PricedOrg, date], session: Session
) -> None:
    org, period = month
    in_force(session, org, DocumentKind.RATE_CARD, rate_card(org, period))

    statement = _run(session, org, period, "showback")

    web, data = org.teams["web"].code, org.teams["data"].code
    vm, sto = org.service("VM"), org.service("STO")
    lines = statement_lines(session, statement.id)
    assert _charged(lines) == [
        # web is of the provider's legal entity; data (US1) pays the 5 % transfer markup
        (data, sto, "storage", Decimal("50.000000"), Decimal("0.1"), 525),
        (data, vm, "vm usage", Decimal("4.000000"), Decimal("3.300000"), 1386),
        (web, sto, "storage", Decimal("50.000000"), Decimal("0.1"), 500),
        (web, vm, "vm usage", Decimal("6.000000"), Decimal("3.300000"), 1980),
        (web, None, "by tag", None, None, 500),
    ]
    assert [line.business_unit for line in lines] == [org.units["analytics"].code] * 2 + [
        org.units["digital"].code
    ] * 3
    assert _ledger(session, period) == {}  # showback posts nothing


def test_chargeback_charges_the_receivers_credits_the_provider_and_a_re_run_replaces(
    month: tuple[PricedOrg, date], session: Session
) -> None:
    org, period = month
    in_force(session, org, DocumentKind.RATE_CARD, rate_card(org, period))
    web, data, it = org.teams["web"].code, org.teams["data"].code, org.provider.code

    first = _run(session, org, period, "chargeback")
    assert _ledger(session, period) == {web: 2480, data: 1911, it: -4391}

    second = _run(session, org, period, "chargeback")
    assert (first.version, second.version) == (1, 2)
    assert _ledger(session, period) == {web: 2480, data: 1911, it: -4391}

    _run(session, org, period, "showback")
    assert _ledger(session, period) == {}
    trail = session.execute(
        select(AuditEntry.action, AuditEntry.actor, AuditEntry.after)
        .where(
            AuditEntry.entity_type == "chargeback_statement",
            AuditEntry.entity_id.startswith(f"{period:%Y-%m} v"),
        )
        .order_by(AuditEntry.sequence)
    ).all()
    assert [(action, actor) for action, actor, _ in trail] == [
        ("chargeback.chargeback_run", org.author.username),
        ("chargeback.chargeback_run", org.author.username),
        ("chargeback.showback_run", org.author.username),
    ]
    # first: 3 entries; re-run: 3 reversals and 3 entries; showback: 3 reversals
    assert [after["ledger_entries"] for _, _, after in trail] == [3, 6, 3]


def test_a_charge_that_takes_a_budget_line_past_its_thresholds_raises_the_alerts(
    month: tuple[PricedOrg, date], session: Session
) -> None:
    org, period = month
    in_force(session, org, DocumentKind.RATE_CARD, rate_card(org, period))
    web, data = org.teams["web"], org.teams["data"]
    gl = session.scalars(select(GlAccount).where(GlAccount.code == org.gl)).one()
    fiscal = fiscal_period(period, 1)
    for center, budget in ((web, 2000), (data, 10_000)):  # web is charged 2480, data 1911
        session.add(
            BudgetLine(
                cost_center_id=center.id,
                gl_account_id=gl.id,
                fiscal_year=fiscal.fiscal_year,
                period=fiscal.period,
                amount_minor=budget,
                currency="EUR",
                created_by_id=org.author.id,
            )
        )
    session.flush()

    _run(session, org, period, "chargeback")

    raised = session.execute(
        select(
            BudgetAlert.cost_center_id, BudgetAlert.threshold_percent, BudgetAlert.consumed_minor
        )
        .where(BudgetAlert.gl_account_id == gl.id)
        .order_by(BudgetAlert.threshold_percent)
    ).all()
    assert [tuple(row) for row in raised] == [(web.id, 80, 2480), (web.id, 100, 2480)]


def test_charges_between_legal_entities_without_a_transfer_markup_are_listed(
    month: tuple[PricedOrg, date], session: Session
) -> None:
    org, period = month
    in_force(session, org, DocumentKind.RATE_CARD, rate_card(org, period, transfer=False))

    statement = _run(session, org, period, "showback")

    lacking = statement_lines(session, statement.id, lacking_transfer_markup=True)
    data = org.teams["data"].code
    assert [
        (line.cost_center, line.legal_entity, line.provider_entity, line.amount_minor)
        for line in lacking
    ] == [(data, "US1", "EU1", 500), (data, "US1", "EU1", 1320)]


def test_a_month_not_allocated_or_a_chargeback_without_a_rate_card_is_refused(
    month: tuple[PricedOrg, date], session: Session
) -> None:
    org, period = month
    with pytest.raises(CostRefused, check=lambda r: r.rule == "no_rate_card"):
        _run(session, org, period, "chargeback")
    with pytest.raises(CostRefused, check=lambda r: r.rule == "no_allocation_run"):
        _run(session, org, a_period(), "showback")


def test_a_pool_of_allocated_amounts_prices_what_allocation_gave_the_service(
    month: tuple[PricedOrg, date], session: Session
) -> None:
    org, period = month
    model = {
        "currency": "EUR",
        "services": [
            {
                "service": org.service("VM"),
                "unit": "Hour",
                "consumption": {"driver": {f"{period:%Y-%m}": "10"}},
                "pools": [{"name": "as allocated", "part": "fixed", "allocated": True}],
            }
        ],
    }

    (vm,) = unit_costs(session, model, period)
    (unallocated,) = unit_costs(session, model, a_period())

    assert (vm.effective, vm.per_unit, vm.fixed_per_unit) == (
        Decimal("30.00"),
        Decimal("3.000000"),
        Decimal("3.000000"),
    )
    assert (unallocated.effective, unallocated.pools[0].lines) == (Decimal(0), 0)
