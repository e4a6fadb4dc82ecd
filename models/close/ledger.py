"""The close's accruals in the budget ledger.

Cloud actuals already book every loaded line's cost when it is loaded (models/costs/actuals.py),
invoiced or not, so an accrual must not add to a line's actual a second time. Each journal's
expense lines are posted as memo entries: kind ``adjust`` with every delta 0, the accrued amount
in ``source_amount_minor`` (the ledger's currency), keyed
``close-<kind>:<period>:<cost center id>:<GL id>`` and referencing ``close:<period>``. Budget
balances do not move; ``accrued`` reads them back per budget line, the reversal's in the next
period. Posting a journal twice posts nothing the second time."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.close.accruals import Journal, period_start
from domain.fiscal import fiscal_period
from models import CostCenter, GlAccount, LedgerEntry
from models.budgets.postings import Posting, account, append, lock_lines, posted

CLOSE_KEY = "close-"


def post_journal(session: Session, journal: Journal, liabilities_gl: str, start_month: int) -> int:
    """Post the journal's expense lines (not the liabilities side, which has no budget line)
    per cost center x GL on the fiscal period of its date; the number of entries posted now."""
    amounts: dict[tuple[str, str], int] = defaultdict(int)
    for line in journal.lines:
        if line.gl_account != liabilities_gl:
            amounts[(line.cost_center, line.gl_account)] += line.debit_minor - line.credit_minor
    period = fiscal_period(journal.posted_on, start_month)
    count = 0
    for (center, gl), amount in sorted(amounts.items()):
        acct = account(session, center, gl)
        key = (
            f"{CLOSE_KEY}{journal.kind}:{journal.period}:{acct.cost_center_id}:{acct.gl_account_id}"
        )
        if amount == 0 or posted(session, key):
            continue
        lock_lines(session, acct, [period])
        currency = journal.lines[0].currency
        append(
            session,
            [
                Posting(
                    kind="adjust",
                    account=acct,
                    period=period,
                    currency=currency,
                    idempotency_key=key,
                    reference=f"close:{journal.period}",
                    note=f"month-end close {journal.period}: {journal.kind} of uninvoiced usage",
                    source_amount_minor=amount,
                    source_currency=currency,
                )
            ],
        )
        count += 1
    return count


def accrued(session: Session, period: str, start_month: int) -> dict[tuple[str, str], int]:
    """What the closes accrued (less what they reversed) on each cost center x GL code in the
    fiscal period holding the first day of ``period`` (YYYY-MM)."""
    fiscal = fiscal_period(period_start(period), start_month)
    rows = session.execute(
        select(CostCenter.code, GlAccount.code, func.sum(LedgerEntry.source_amount_minor))
        .join(CostCenter, CostCenter.id == LedgerEntry.cost_center_id)
        .join(GlAccount, GlAccount.id == LedgerEntry.gl_account_id)
        .where(
            LedgerEntry.fiscal_year == fiscal.fiscal_year,
            LedgerEntry.period == fiscal.period,
            LedgerEntry.idempotency_key.startswith(CLOSE_KEY, autoescape=True),
        )
        .group_by(CostCenter.code, GlAccount.code)
    )
    return {(center, gl): int(amount) for center, gl, amount in rows}
