"""The simulated ERP's general ledger: the journals it was sent and the GL balances it exports.

A journal is kept under its ``external_reference`` (poflow's journal id): a second post of the
same reference answers with the journal kept, and adds nothing. The GL export of a month
(``YYYY-MM``) sums, per cost center x GL account x currency:

- every journal line dated in the month (debit less credit), and
- the total of every order the ERP invoiced in the month (its ``invoiced`` event's date), on
  the order's cost center and GL account: what a real ERP posts when it books the invoice.

So after a close, the month's balances hold the invoiced POs and the accrual of what was not
yet invoiced; the next month's hold the accrual's reversal."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

Key = tuple[str, str, str]  # cost center, GL account, currency


def journal_balances(journals: dict[str, dict[str, Any]], period: str) -> dict[Key, Decimal]:
    """Per cost center x GL x currency, the month's journal lines, debit less credit."""
    sums: dict[Key, Decimal] = defaultdict(Decimal)
    for journal in journals.values():
        if str(journal["posted_on"]).startswith(period):
            for line in journal["lines"]:
                key = (line["cost_center"], line["gl_account"], line["currency"])
                sums[key] += Decimal(line["debit"]) - Decimal(line["credit"])
    return sums


def invoiced_balances(
    orders: dict[str, dict[str, Any]], events: list[dict[str, Any]], period: str
) -> dict[Key, Decimal]:
    """Per cost center x GL x currency, the totals of the orders invoiced in the month."""
    sums: dict[Key, Decimal] = defaultdict(Decimal)
    for event in events:
        if event["status"] == "invoiced" and str(event["occurred_at"]).startswith(period):
            order = orders[event["erp_reference"]]
            key = (str(order.get("cost_center")), str(order.get("gl_account")), order["currency"])
            sums[key] += Decimal(str(order.get("total_amount", "0")))
    return sums


def gl_balances(
    journals: dict[str, dict[str, Any]],
    orders: dict[str, dict[str, Any]],
    events: list[dict[str, Any]],
    period: str,
) -> list[dict[str, str]]:
    """The month's GL export, sorted; amounts as decimal strings, lines netting to 0 left out."""
    sums = journal_balances(journals, period)
    for key, amount in invoiced_balances(orders, events, period).items():
        sums[key] += amount
    return [
        {"cost_center": center, "gl_account": gl, "currency": currency, "amount": str(amount)}
        for (center, gl, currency), amount in sorted(sums.items())
        if amount != 0
    ]
