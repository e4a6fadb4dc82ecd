"""The accrual journal of a period and its reversal: each balances per currency, and together
they net to zero on every account and cost center across the period boundary."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.close.accruals import (
    Journal,
    UninvoicedUsage,
    accrual_journal,
    accrued_expense,
    imbalance_by_currency,
    net_by_account,
    next_period_start,
    period_end,
    period_start,
    reversal_of,
    total_debits,
)
from domain.close.reconciliation import GlAmount, gl_differences

usages = st.lists(
    st.builds(
        UninvoicedUsage,
        source=st.sampled_from(["aws", "azure"]),
        billing_account=st.sampled_from(["111", "222"]),
        cost_center=st.sampled_from(["IT-INFRA", "IT-APPS", "SALES"]),
        expense_gl=st.sampled_from(["6100", "6110"]),
        currency=st.sampled_from(["EUR", "USD", "JPY"]),
        amount_minor=st.integers(min_value=-(10**9), max_value=10**12),
    ),
    max_size=30,
)
periods = st.dates(min_value=date(2000, 1, 1), max_value=date(2098, 12, 1)).map(
    lambda day: f"{day:%Y-%m}"
)


@given(usages, periods)
def test_journal_and_reversal_net_to_zero_per_account_and_cost_center(
    usage: list[UninvoicedUsage], period: str
) -> None:
    journal = accrual_journal(period, usage)
    reversal = reversal_of(journal)
    assert all(amount == 0 for amount in net_by_account([journal, reversal]).values())
    for each in (journal, reversal):
        assert all(amount == 0 for amount in imbalance_by_currency(each).values())
    assert journal.posted_on < reversal.posted_on
    assert reversal.posted_on == next_period_start(period)
    assert journal.posted_on.month == period_start(period).month


@given(usages, periods)
def test_the_journal_accrues_each_currency_s_uninvoiced_usage_to_the_liabilities_gl(
    usage: list[UninvoicedUsage], period: str
) -> None:
    journal = accrual_journal(period, usage, liabilities_gl="2450")
    net = net_by_account([journal])
    for currency in ("EUR", "USD", "JPY"):
        expected = sum(u.amount_minor for u in usage if u.currency == currency)
        liabilities = sum(v for (gl, _, cur), v in net.items() if gl == "2450" and cur == currency)
        assert liabilities == -expected
        assert total_debits(journal, currency) >= max(expected, 0)
    assert accrued_expense(journal, "2450") == sum(u.amount_minor for u in usage)


def test_one_group_gives_a_debit_of_expense_and_a_credit_of_accrued_liabilities() -> None:
    usage = [
        UninvoicedUsage("aws", "111", "IT-INFRA", "6100", "EUR", 1_000),
        UninvoicedUsage("aws", "111", "IT-INFRA", "6100", "EUR", 234),
        UninvoicedUsage("aws", "111", "IT-APPS", "6110", "EUR", 0),
    ]
    journal = accrual_journal("2026-02", usage)
    assert journal.posted_on == date(2026, 2, 28)
    assert [(line.gl_account, line.debit_minor, line.credit_minor) for line in journal.lines] == [
        ("6100", 1_234, 0),
        ("2400", 0, 1_234),
    ]
    assert reversal_of(journal).posted_on == date(2026, 3, 1)
    assert reversal_of(journal).journal_id == "close-2026-02-reversal"


def test_december_closes_into_january() -> None:
    assert period_end("2026-12") == date(2026, 12, 31)
    assert next_period_start("2026-12") == date(2027, 1, 1)
    with pytest.raises(ValueError, match="YYYY-MM"):
        period_start("2026-1")


def test_reconciliation_lists_each_difference_and_leaves_agreements_out() -> None:
    ledger = [
        GlAmount("IT-INFRA", "6100", "EUR", 500),
        GlAmount("IT-INFRA", "6100", "EUR", 500),
        GlAmount("IT-APPS", "6110", "EUR", 70),
    ]
    erp = [GlAmount("IT-INFRA", "6100", "EUR", 1_000), GlAmount("IT-SEC", "6130", "EUR", 9)]
    differences = gl_differences(ledger, erp)
    assert [(d.cost_center, d.difference_minor) for d in differences] == [
        ("IT-APPS", 70),
        ("IT-SEC", -9),
    ]


def test_an_empty_period_accrues_nothing() -> None:
    assert accrual_journal("2026-05", []) == Journal(
        "close-2026-05-accrual", "2026-05", "accrual", date(2026, 5, 31)
    )
