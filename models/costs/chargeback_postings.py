"""Posting a chargeback statement to the budget ledger.

Per receiving cost center, the sum of its charges (minor units) is one ``actual`` entry on the
rate card's GL account in the statement month's fiscal period; the provider cost center of the
services gets the matching credit (a negative actual), so a chargeback moves cost and creates
none. Entries are keyed by the statement version (``chargeback:<YYYY-MM>:v<version>:...``) and
reference the month (``chargeback:<YYYY-MM>``): what the month's other versions left booked is
reversed by entries keyed by this version, so a re-run replaces the month's charges (a showback
re-run only reverses), the ledger stays append-only, and posting twice posts nothing again. A
charge that takes a receiving line to a budget alert threshold raises the alert, as any other
actual does (the cost-center owner and finance are told with the next notices sent)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from domain.fiscal import FiscalPeriod, fiscal_period
from models.budgets.alerts import DEFAULT_THRESHOLDS, raise_alerts
from models.budgets.postings import Account, Posting, append, lock_lines, posted
from models.costs.chargeback_records import ChargebackCharge, ChargebackStatement

CHARGEBACK_KEY = "chargeback:"

_EARLIER = text(
    """
    SELECT e.cost_center_id, e.gl_account_id, cc.code AS cost_center, gl.code AS gl_account,
           e.fiscal_year, e.period, sum(e.actual_delta_minor) AS net
    FROM ledger_entries e
    JOIN cost_centers cc ON cc.id = e.cost_center_id
    JOIN gl_accounts gl ON gl.id = e.gl_account_id
    WHERE e.kind = 'actual' AND e.reference = :reference AND e.idempotency_key NOT LIKE :own
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(e.actual_delta_minor) <> 0
    """
)
_CODES = text(
    "SELECT cc.id, cc.code, gl.code AS gl FROM cost_centers cc, gl_accounts gl "
    "WHERE cc.id = ANY(:centers) AND gl.id = :gl"
)


def post_statement(
    session: Session,
    statement: ChargebackStatement,
    charges: Iterable[ChargebackCharge],
    start_month: int,
    alert_thresholds: Sequence[int] = DEFAULT_THRESHOLDS,
) -> int:
    """Post ``statement`` (its charges when in chargeback mode) and reverse what the month's
    other versions left booked, raising the budget alerts the entries reach; the number of
    entries appended."""
    keys = _Keys(f"{statement.period:%Y-%m}", statement.version, statement.currency)
    period = fiscal_period(statement.period, start_month)
    earlier = session.execute(_EARLIER, {"reference": keys.reference, "own": f"{keys.own}%"})
    postings = [
        keys.posting(_account(row), FiscalPeriod(row.fiscal_year, row.period), -int(row.net))
        for row in earlier
    ]
    if statement.mode == "chargeback" and statement.gl_account_id is not None:
        postings += _charges(session, statement.gl_account_id, charges, keys, period)
    fresh = [p for p in postings if not posted(session, p.idempotency_key)]
    for posting in fresh:
        lock_lines(session, posting.account, [posting.period])
        append(session, [posting])
        raise_alerts(session, posting.account, [posting.period], alert_thresholds)
    return len(fresh)


def _charges(
    session: Session,
    gl_account_id: int,
    charges: Iterable[ChargebackCharge],
    keys: _Keys,
    period: FiscalPeriod,
) -> list[Posting]:
    """Per cost center, what it is charged less what it is credited as a provider."""
    nets: dict[int, int] = {}
    for charge in charges:
        if charge.provider_cost_center_id is None:
            continue  # cost of no service: no provider to credit, reported only
        nets[charge.cost_center_id] = nets.get(charge.cost_center_id, 0) + charge.amount_minor
        provider = charge.provider_cost_center_id
        nets[provider] = nets.get(provider, 0) - charge.amount_minor
    codes = session.execute(_CODES, {"centers": list(nets), "gl": gl_account_id}).all()
    accounts = {row.id: Account(row.id, gl_account_id, row.code, row.gl) for row in codes}
    return [
        keys.posting(accounts[center], period, net, reversal=False)
        for center, net in sorted(nets.items())
        if net
    ]


def _account(row: Row[Any]) -> Account:
    return Account(row.cost_center_id, row.gl_account_id, row.cost_center, row.gl_account)


@dataclass(frozen=True)
class _Keys:
    """How a statement version's entries are keyed, referenced and worded."""

    month: str  # YYYY-MM
    version: int
    currency: str

    @property
    def own(self) -> str:
        return f"{CHARGEBACK_KEY}{self.month}:v{self.version}:"

    @property
    def reference(self) -> str:
        return f"{CHARGEBACK_KEY}{self.month}"

    def posting(
        self, account: Account, period: FiscalPeriod, actual: int, *, reversal: bool = True
    ) -> Posting:
        """A charge or credit of this version, or (``reversal``) a taking back of an earlier
        version's net on the line."""
        line = (
            f"{account.cost_center_id}:{account.gl_account_id}:{period.fiscal_year}:{period.period}"
        )
        return Posting(
            kind="actual",
            account=account,
            period=period,
            currency=self.currency,
            idempotency_key=f"{self.own}{'reverse:' if reversal else ''}{line}",
            actual=actual,
            reference=self.reference,
            note=f"{'chargeback re-run, reversed' if reversal else 'chargeback'}: {self.month}",
        )
