"""The dashboard's pure rules: months counted back across years, figures compared month on
month and year on year, the movers, and when a summary is sent and which month it covers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.costs.dashboard import CostFact, compared, month_before, movers, trailing_months
from domain.expense_summary import BadSummaryDay, Frequency, check_day, summary_month


def _fact(month: str, service: str, minor: int) -> CostFact:
    return CostFact(month, "BU", "CC", service, None, "Compute", minor)


def test_months_count_back_across_a_year() -> None:
    assert month_before("2026-01") == "2025-12"
    assert month_before("2026-03", 12) == "2025-03"
    assert trailing_months("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]


def test_figures_compare_with_the_month_before_and_a_year_before() -> None:
    facts = [
        _fact("2026-03", "VM", 700),
        _fact("2026-03", "VM", 300),
        _fact("2026-02", "VM", 400),
        _fact("2025-03", "VM", 1500),
        _fact("2025-12", "VM", 9999),  # neither month compared
        _fact("2026-02", "DNS", 50),
    ]
    rows = {row.key: row for row in compared(facts, "2026-03", lambda f: f.service)}
    vm, dns = rows["VM"], rows["DNS"]
    assert (vm.amount_minor, vm.month_on_month_minor, vm.year_on_year_minor) == (1000, 600, -500)
    assert (dns.amount_minor, dns.previous_minor, dns.month_on_month_minor) == (0, 50, -50)


def test_movers_are_the_largest_changes_each_way() -> None:
    facts = [_fact("2026-03", s, m) for s, m in (("A", 500), ("B", 100), ("C", 0))]
    facts += [_fact("2026-02", s, m) for s, m in (("A", 100), ("B", 100), ("C", 300))]
    rising, falling = movers(compared(facts, "2026-03", lambda f: f.service), count=1)
    assert [(r.key, r.month_on_month_minor) for r in rising] == [("A", 400)]
    assert [(r.key, r.month_on_month_minor) for r in falling] == [("C", -300)]


def test_a_monthly_summary_covers_the_month_just_closed_a_weekly_one_the_month_so_far() -> None:
    now = datetime(2027, 1, 4, 6, tzinfo=UTC)
    assert summary_month(Frequency.MONTHLY, now) == "2026-12"
    assert summary_month(Frequency.WEEKLY, now) == "2027-01"


@pytest.mark.parametrize(("frequency", "day"), [(Frequency.MONTHLY, 29), (Frequency.WEEKLY, 8)])
def test_a_day_missing_from_some_period_is_refused(frequency: Frequency, day: int) -> None:
    with pytest.raises(BadSummaryDay) as refused:
        check_day(frequency, day)
    assert refused.value.rule == "invalid_summary_day"
    assert check_day(frequency, 1) == 1
