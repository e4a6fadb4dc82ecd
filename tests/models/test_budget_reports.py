"""Budget reports against real Postgres: the figures a finance user reads equal the sums of the
ledger entries, children roll up into parents, and drill-down, burn-downs, the monthly
commitment report, alerts and the forecast say what the ledger holds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.budget import LineBalance
from domain.fiscal import FiscalPeriod
from models import BudgetAlert, CostCenter, GlAccount, LedgerEntry
from models.budgets.alert_report import alert_report
from models.budgets.burndown import center_burn_down, po_burn_down
from models.budgets.commitment_report import commitment_report
from models.budgets.commitments import change_order, release
from models.budgets.drilldown import line_detail
from models.budgets.forecast import forecast_report
from models.budgets.report_scope import UnknownCostCenter
from models.budgets.reports import NOTHING, BudgetReport, budget_report
from tests.models.report_ledger import FY, Org, build, movement

EUR = 100  # minor units per euro


@pytest.fixture
def org(session: Session) -> Org:
    return build(session)


def figures(report: BudgetReport, center: str, gl: str, period: int) -> LineBalance:
    for part in report.centers:
        if part.center.code == center:
            for year in part.accounts:
                if year.gl_account == gl:
                    return year.periods[period - 1].figures
    return NOTHING


def own_sums(session: Session, center: str) -> dict[tuple[str, int], tuple[int, int, int]]:
    """Reserved, committed, actual per (GL, period) of one cost center, summed entry by entry."""
    sums: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = session.execute(
        select(LedgerEntry, GlAccount.code)
        .join(CostCenter, CostCenter.id == LedgerEntry.cost_center_id)
        .join(GlAccount, GlAccount.id == LedgerEntry.gl_account_id)
        .where(CostCenter.code == center, LedgerEntry.fiscal_year == FY)
    ).all()
    for entry, gl in rows:
        line = sums[(gl, entry.period)]
        line[0] += entry.reserved_delta_minor
        line[1] += entry.committed_delta_minor
        line[2] += entry.actual_delta_minor
    return {key: (r, c, a) for key, (r, c, a) in sums.items()}


def test_a_leaf_line_equals_the_sums_of_its_entries(session: Session, org: Org) -> None:
    report = budget_report(session, FY, "EUR", org.grand)
    assert [part.center.code for part in report.centers] == [org.grand]
    grand = figures(report, org.grand, org.gl1, 3)
    assert grand == LineBalance(200 * EUR, 50 * EUR, 0, 0)
    assert grand.available_minor == 150 * EUR
    expected = own_sums(session, org.grand)
    assert (grand.reserved_minor, grand.committed_minor, grand.actual_minor) == expected[
        (org.gl1, 3)
    ]


def test_the_revised_budget_is_in_force_and_figures_match_the_ledger(
    session: Session, org: Org
) -> None:
    report = budget_report(session, FY, "EUR", org.parent)
    child_own = own_sums(session, org.child)
    grand_own = own_sums(session, org.grand)
    line = figures(report, org.child, org.gl1, 3)
    # own CHILD/GL1 P3: budget 800 (v2); committed 300 + 50 - 120 (+200 - 200 for PO C);
    # actual 120 invoiced + 40 without a PO; plus GRAND's reserved 50 and budget 200.
    assert line == LineBalance(1_000 * EUR, 50 * EUR, 230 * EUR, 160 * EUR)
    assert line.available_minor == 560 * EUR
    for period in (1, 2, 3, 5):
        rolled = figures(report, org.child, org.gl1, period)
        own = child_own.get((org.gl1, period), (0, 0, 0))
        below = grand_own.get((org.gl1, period), (0, 0, 0))
        summed = tuple(a + b for a, b in zip(own, below, strict=True))
        assert (rolled.reserved_minor, rolled.committed_minor, rolled.actual_minor) == summed


def test_children_roll_up_into_their_parent_recursively(session: Session, org: Org) -> None:
    report = budget_report(session, FY, "EUR", org.parent)
    assert [(c.center.code, c.center.depth) for c in report.centers] == [
        (org.parent, 0),
        (org.child, 1),
        (org.grand, 2),
    ]
    parent = figures(report, org.parent, org.gl1, 3)
    assert parent == LineBalance(2_000 * EUR, 50 * EUR, 230 * EUR, 170 * EUR)
    assert figures(report, org.parent, org.gl2, 3) == LineBalance(100 * EUR, 0, 0, 0)
    assert figures(report, org.parent, org.gl2, 5) == LineBalance(0, 0, 100 * EUR, 0)
    totals = {c.center.code: c.total for c in report.centers}
    # CHILD for the year: budget 11 x 500 + 800 + 200 (GRAND) + 100 (GL2); actual 30+60+160
    assert totals[org.child] == LineBalance(6_600 * EUR, 50 * EUR, 330 * EUR, 250 * EUR)
    assert totals[org.child].available_minor == 5_970 * EUR
    assert totals[org.parent] == LineBalance(7_600 * EUR, 50 * EUR, 330 * EUR, 260 * EUR)
    assert totals[org.grand] == LineBalance(200 * EUR, 50 * EUR, 0, 0)


def test_alert_lines_are_marked_and_listed(session: Session, org: Org) -> None:
    report = budget_report(session, FY, "EUR", org.child)
    child = next(c for c in report.centers if c.center.code == org.child)
    gl2 = next(y for y in child.accounts if y.gl_account == org.gl2)
    assert [p.alert_percent for p in gl2.periods if p.alert_percent] == [100]
    assert gl2.periods[4].period == 5 and gl2.periods[4].alert_percent == 100
    alerts = alert_report(session, FY, org.parent)
    assert [(a.cost_center, a.gl_account, a.period, a.threshold_percent) for a in alerts] == [
        (org.child, org.gl2, 5, 80),
        (org.child, org.gl2, 5, 100),
    ]
    assert all(a.consumed_minor == 100 * EUR and a.budget_minor == 0 for a in alerts)
    assert alert_report(session, FY, org.grand) == []
    stored = session.scalars(select(BudgetAlert).where(BudgetAlert.period == 5)).all()
    assert len([a for a in stored if a.id in {x.alert_id for x in alerts}]) == 2


def test_an_unknown_cost_center_is_named(session: Session, org: Org) -> None:
    with pytest.raises(UnknownCostCenter, match="no cost center NOPE"):
        budget_report(session, FY, "EUR", "NOPE")


def test_the_drill_down_lists_the_pos_and_the_entries_without_one(
    session: Session, org: Org
) -> None:
    detail = line_detail(session, org.child, org.gl1, FY, 3)
    pos = {(p.po_number, p.cost_center): p for p in detail.purchase_orders}
    assert set(pos) == {
        (org.po("A"), org.child),
        (org.po("B"), org.grand),
        (org.po("C"), org.child),
    }
    a = pos[(org.po("A"), org.child)]
    assert (a.title, a.vendor, a.status) == ("Cloud hosting <March>", "Hetzner & Co", "issued")
    assert (a.reserved_minor, a.committed_minor, a.actual_minor) == (0, 230 * EUR, 120 * EUR)
    assert (a.relieved_minor, a.released_minor) == (120 * EUR, 0)
    c = pos[(org.po("C"), org.child)]
    assert (c.title, c.committed_minor, c.released_minor) == (None, 0, 200 * EUR)
    assert [(e.kind, e.actual_minor, e.reference) for e in detail.other_entries] == [
        ("actual", 40 * EUR, "JE-3")
    ]
    # The PO rows and the other entries add up to the line's figures.
    listed = detail.purchase_orders
    others = detail.other_entries
    assert sum(p.reserved_minor for p in listed) == detail.figures.reserved_minor
    assert sum(p.committed_minor for p in listed) == detail.figures.committed_minor
    assert (
        sum(p.actual_minor for p in listed) + sum(e.actual_minor for e in others)
        == detail.figures.actual_minor
        == 160 * EUR
    )
    with pytest.raises(LookupError, match="no GL account"):
        line_detail(session, org.child, "NOPE", FY, 3)


def test_the_cost_center_burn_down(session: Session, org: Org) -> None:
    burn = center_burn_down(session, org.child, FY, "EUR")
    remaining = [p.remaining_minor // EUR for p in burn.points]
    # budget per period 500, 500, 1100 (800 + 200 + 100), 500...; consumed 30, 60, 440, 0, 100
    assert remaining[:6] == [470, 910, 2_100 - 530, 2_600 - 530, 3_100 - 630, 3_600 - 630]
    assert remaining[-1] == 6_600 - 630
    assert burn.points[2].consumed_cumulative_minor == 530 * EUR


def test_the_po_burn_down_follows_each_entry(session: Session, org: Org) -> None:
    burn = po_burn_down(session, org.po("A"))
    assert burn is not None
    steps = [(s.kind, s.open_after_minor // EUR, s.invoiced_after_minor // EUR) for s in burn.steps]
    assert steps == [
        ("reserve", 300, 0),
        ("commit", 300, 0),
        ("commit", 350, 0),
        ("actual", 350, 120),
        ("relieve", 230, 120),
    ]
    delayed = po_burn_down(session, org.po("D"))
    assert delayed is not None
    assert [(s.kind, s.period, s.open_after_minor // EUR) for s in delayed.steps] == [
        ("reserve", 3, 100),
        ("commit", 3, 100),
        ("adjust", 3, 0),
        ("adjust", 5, 100),
    ]
    assert po_burn_down(session, "RPT-NONE") is None


def test_the_monthly_commitment_report(session: Session, org: Org) -> None:
    march = commitment_report(session, FiscalPeriod(FY, 3), "EUR", org.child)
    lines = {(m.cost_center, m.gl_account): m for m in march.lines}
    assert set(lines) == {(org.child, org.gl1), (org.child, org.gl2), (org.grand, org.gl1)}
    gl1 = lines[(org.child, org.gl1)]
    moves = (
        gl1.new_minor,
        gl1.increased_minor,
        gl1.moved_minor,
        gl1.released_minor,
        gl1.relieved_minor,
        gl1.actual_minor,
        gl1.open_commitment_minor,
    )
    assert moves == tuple(e * EUR for e in (500, 50, 0, 200, 120, 160, 230))
    gl2 = lines[(org.child, org.gl2)]
    assert (gl2.new_minor, gl2.moved_minor, gl2.open_commitment_minor) == (100 * EUR, -100 * EUR, 0)
    assert lines[(org.grand, org.gl1)].open_reservation_minor == 50 * EUR
    for line in march.lines:
        assert line.open_commitment_minor == (
            line.new_minor
            + line.increased_minor
            + line.moved_minor
            - line.released_minor
            - line.relieved_minor
        )
    assert march.total.actual_minor == 160 * EUR
    may = commitment_report(session, FiscalPeriod(FY, 5), "EUR", org.child)
    assert [(m.gl_account, m.moved_minor, m.open_commitment_minor) for m in may.lines] == [
        (org.gl2, 100 * EUR, 100 * EUR)
    ]


def test_the_forecast_and_how_a_cancellation_and_a_delay_move_it(
    session: Session, org: Org
) -> None:
    today = date(2026, 3, 20)

    def child_lines() -> dict[str, int]:
        report = forecast_report(session, FY, today, start_month=1, currency="EUR")
        return {
            line.gl_account: line.forecast.forecast_minor
            for line in report.lines
            if line.cost_center == org.child
        }

    report = forecast_report(
        session, FY, today, start_month=1, currency="EUR", cost_center=org.child
    )
    assert report.elapsed == 3
    gl1 = next(line.forecast for line in report.lines if line.gl_account == org.gl1)
    # actual 250 (30 + 60 + 160), open 230 (PO A), run rate (30 + 60 + 40) / 3 = 43.33
    assert (gl1.actual_minor, gl1.open_commitment_minor) == (250 * EUR, 230 * EUR)
    assert gl1.run_rate_minor == 4_333 and gl1.remaining_periods == 9
    assert gl1.forecast_minor == 25_000 + 23_000 + 4_333 * 9
    assert gl1.budget_minor == 6_300 * EUR
    assert report.total.forecast_minor == sum(line.forecast.forecast_minor for line in report.lines)
    before = child_lines()
    assert before[org.gl2] == 100 * EUR

    release(session, movement(org, "A", "terminate", 0))  # the rest of PO A is released
    after_release = child_lines()
    assert after_release[org.gl1] == before[org.gl1] - 230 * EUR

    next_year = movement(
        org, "D", "delay-2", 100, revision=3, start=date(2027, 2, 1), end=date(2027, 2, 28)
    )
    assert change_order(session, replace(next_year, allow_over_budget=True), 1).reserved
    assert child_lines()[org.gl2] == 0  # its commitment now falls on FY2027
