"""Budget revisions and transfers on real Postgres: each adds versions with who and why, the new
amount is in force, and nothing can take a line below what it already holds."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.fiscal import FiscalPeriod
from models import BudgetAlert, BudgetLine, CostCenter
from models.budgets.commitments import reserve
from models.budgets.history import budget_history, lines_in_force
from models.budgets.postings import account, line_balance
from models.budgets.versions import BudgetRefused, revise_budget, transfer_budget
from tests.models.budget_org import MONTHLY, YEAR, BudgetOrg, budget_org


def _rule(rule: str) -> pytest.RaisesExc[BudgetRefused]:
    return pytest.raises(BudgetRefused, check=lambda refusal: refusal.rule == rule)


def _versions(session: Session, org: BudgetOrg) -> int:
    """How many versions the organisation's lines have."""
    return (
        session.scalar(
            select(func.count())
            .select_from(BudgetLine)
            .join(CostCenter, CostCenter.id == BudgetLine.cost_center_id)
            .where(CostCenter.code.in_([org.source, org.target]))
        )
        or 0
    )


def test_a_revision_adds_a_version_and_puts_the_new_amount_in_force(session: Session) -> None:
    org = budget_org(session)
    line = org.line(org.source, 3)
    version = revise_budget(
        session, line, 1_250_000, org.finance, "cloud migration", currency="EUR"
    )
    assert (version.version, version.kind, version.amount_minor) == (2, "revision", 1_250_000)
    in_force = {f.line: f for f in lines_in_force(session, YEAR, org.source)}
    assert in_force[line].version == 2 and in_force[line].balance.budget_minor == 1_250_000
    assert in_force[org.line(org.source, 4)].balance.budget_minor == MONTHLY

    first = revise_budget(
        session, org.line(org.target, 3), 10_000, org.finance, "new line", currency="EUR"
    )
    assert (first.version, first.kind) == (1, "original")


def test_history_lists_every_version_with_who_and_why_newest_first(session: Session) -> None:
    org = budget_org(session)
    revise_budget(session, org.line(org.source, 2), 900_000, org.finance, "cut", currency="EUR")
    revise_budget(session, org.line(org.source, 2), 950_000, org.finance, "back", currency="EUR")
    history = [e for e in budget_history(session, org.source, org.gl, YEAR) if e.period == 2]
    assert [(e.version, e.amount_minor, e.reason) for e in history] == [
        (3, 950_000, "back"),
        (2, 900_000, "cut"),
        (1, MONTHLY, "original budget"),
    ]
    assert {e.author for e in history} == {org.finance.username}
    periods = [e.period for e in budget_history(session, org.source, org.gl, YEAR)]
    assert periods == sorted(periods) and len(periods) == 14


def test_a_cut_below_what_the_line_holds_is_refused(session: Session) -> None:
    org = budget_org(session)
    reserve(session, org.movement("PO-CUT", 600_000, date(YEAR, 5, 10)), 1)
    line = org.line(org.source, 5)
    before = _versions(session, org)
    with _rule("below_consumption"):
        revise_budget(session, line, 599_999, org.finance, "too deep", currency="EUR")
    assert _versions(session, org) == before
    exact = revise_budget(session, line, 600_000, org.finance, "to the bone", currency="EUR")
    assert exact.amount_minor == 600_000
    revise_budget(session, line, 800_000, org.finance, "raise", currency="EUR")


@pytest.mark.parametrize(
    ("amount", "reason", "center", "rule"),
    [
        (100, "  ", "SRC", "reason_required"),
        (-1, "why", "SRC", "amount_negative"),
        (100, "why", "NOPE", "unknown_line"),
    ],
)
def test_a_bad_revision_is_refused_by_rule(
    session: Session, amount: int, reason: str, center: str, rule: str
) -> None:
    org = budget_org(session)
    code = org.source if center == "SRC" else center
    before = _versions(session, org)
    with _rule(rule):
        revise_budget(session, org.line(code, 1), amount, org.finance, reason, currency="EUR")
    assert _versions(session, org) == before


def test_a_transfer_moves_available_budget_under_one_transfer_id(session: Session) -> None:
    org = budget_org(session, target_monthly=200_000)
    reserve(session, org.movement("PO-HELD", 300_000, date(YEAR, 6, 1)), 1)
    source, target = org.line(org.source, 6), org.line(org.target, 6)
    moved = transfer_budget(session, source, target, 700_000, org.finance, "reprioritise")
    assert moved.source.transfer_id == moved.target.transfer_id == moved.transfer_id
    assert (moved.source.kind, moved.target.kind) == ("transfer", "transfer")
    src, dst = account(session, org.source, org.gl), account(session, org.target, org.gl)
    period = FiscalPeriod(YEAR, 6)
    assert line_balance(session, src, period).available_minor == 0
    assert line_balance(session, src, period).budget_minor == 300_000
    assert line_balance(session, dst, period).available_minor == 900_000
    history = budget_history(session, org.target, org.gl, YEAR)
    assert history[[e.period for e in history].index(6)].transfer_id == moved.transfer_id


def test_a_transfer_above_available_is_refused_and_writes_nothing(session: Session) -> None:
    org = budget_org(session)
    reserve(session, org.movement("PO-BIG", 400_000, date(YEAR, 7, 1)), 1)
    source, target = org.line(org.source, 7), org.line(org.target, 7)
    before = _versions(session, org)
    with _rule("insufficient_available"):
        transfer_budget(session, source, target, 600_001, org.finance, "too much")
    for amount, rule in ((0, "amount_not_positive"), (-5, "amount_not_positive")):
        with _rule(rule):
            transfer_budget(session, source, target, amount, org.finance, "nothing")
    with _rule("same_line"):
        transfer_budget(session, source, source, 100, org.finance, "to itself")
    with _rule("reason_required"):
        transfer_budget(session, source, target, 100, org.finance, "")
    assert _versions(session, org) == before


def test_a_cut_raises_the_alert_the_line_now_stands_at(session: Session) -> None:
    org = budget_org(session)
    reserve(session, org.movement("PO-ALERT", 500_000, date(YEAR, 8, 1)), 1)
    src = account(session, org.source, org.gl)
    alerts = select(BudgetAlert.threshold_percent).where(
        BudgetAlert.cost_center_id == src.cost_center_id
    )
    assert session.scalars(alerts).all() == []
    revise_budget(session, org.line(org.source, 8), 600_000, org.finance, "cut", currency="EUR")
    assert session.scalars(alerts).all() == [80]
