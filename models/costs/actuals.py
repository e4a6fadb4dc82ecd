"""Booking a load's cost as ``actual`` entries in the budget ledger.

Per cost center x GL account x fiscal period, the sum of the load's lines' ``EffectiveCost`` in
the base currency, rounded once per group to minor units (half to even), is one entry keyed by
the load (``cost-load:<load>:<cc>:<gl>:<fiscal year>:<period>``) and referencing its slice
(``cost-slice:<slice>``). What the slice's earlier loads booked is reversed by new entries keyed
by this load, so a reload replaces the slice's actuals rather than adding to them; the ledger
stays append-only, and booking a load twice posts nothing the second time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from domain.costs.settlement import ActualsSummary, to_minor
from domain.fiscal import FiscalPeriod, fiscal_period
from models.budgets.cloud_actuals import CLOUD_ACTUALS_KEY
from models.budgets.postings import Account, Posting, append, lock_lines, posted
from models.costs.records import LoadStatus

_GROUPS = text(
    """
    SELECT l.cost_center_id, l.gl_account_id, cc.code AS cost_center, gl.code AS gl_account,
           date_trunc('month', COALESCE(l.charge_period_start, l.billing_period_start)
                      AT TIME ZONE 'UTC')::date AS month,
           sum(l.effective_cost_base) AS cost
    FROM cost_lines l
    JOIN cost_centers cc ON cc.id = l.cost_center_id
    JOIN gl_accounts gl ON gl.id = l.gl_account_id
    WHERE l.slice_id = :slice AND l.load_id = :load
      AND l.effective_cost_base IS NOT NULL AND l.base_currency = :currency
    GROUP BY 1, 2, 3, 4, 5
    """
)
_LEFT_OUT = text(
    """
    SELECT count(*) FILTER (WHERE l.cost_center_id IS NULL OR l.gl_account_id IS NULL)
             AS unallocated_lines,
           COALESCE(sum(l.effective_cost_base) FILTER (WHERE (l.cost_center_id IS NULL
             OR l.gl_account_id IS NULL) AND l.base_currency = :currency), 0) AS unallocated,
           count(*) FILTER (WHERE l.effective_cost_base IS NULL
             OR l.base_currency IS DISTINCT FROM :currency) AS unconverted_lines
    FROM cost_lines l WHERE l.slice_id = :slice AND l.load_id = :load
    """
)
# What the slice's other loads booked (and their reversals), net per budget line.
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


@dataclass(frozen=True)
class _Load:
    id: int
    slice_id: int
    name: str  # source, account and month, for the entries' note


def book_actuals(
    session: Session, load_ids: Iterable[int], *, currency: str, start_month: int
) -> ActualsSummary:
    """Book every current load of ``load_ids`` (a load since replaced books nothing: its
    slice's actuals are its successor's), in ``currency`` (the ledger's base currency) on the
    fiscal calendar starting in ``start_month``."""
    ids = tuple(load_ids)
    summary = ActualsSummary(ids, currency)
    for load_id in ids:
        load = _current(session, load_id)
        if load is not None:
            summary = _book(session, load, summary, start_month)
    return summary


def _current(session: Session, load_id: int) -> _Load | None:
    row = session.execute(
        text(
            "SELECT l.slice_id, l.status, src.name, s.billing_account_id, "
            "s.billing_period_start FROM cost_loads l JOIN cost_slices s ON s.id = l.slice_id "
            "JOIN cost_sources src ON src.id = s.source_id WHERE l.id = :load FOR UPDATE OF s"
        ),
        {"load": load_id},
    ).one()
    if row.status != LoadStatus.CURRENT.value:
        return None
    month = f"{row.billing_period_start:%Y-%m}"
    return _Load(load_id, row.slice_id, f"{row.name} {row.billing_account_id} {month}")


def _book(
    session: Session, load: _Load, summary: ActualsSummary, start_month: int
) -> ActualsSummary:
    currency = summary.currency
    reversals = _reversals(session, load, currency)
    bookings = _bookings(session, load, currency, start_month)
    fresh_reversals = [p for p in reversals if p.actual and not posted(session, p.idempotency_key)]
    fresh_bookings = [p for p in bookings if p.actual and not posted(session, p.idempotency_key)]
    for posting in [*fresh_reversals, *fresh_bookings]:
        lock_lines(session, posting.account, [posting.period])
        append(session, [posting])
    params = {"slice": load.slice_id, "load": load.id, "currency": currency}
    left_out = session.execute(_LEFT_OUT, params).one()
    return replace(
        summary,
        entries_posted=summary.entries_posted + len(fresh_reversals) + len(fresh_bookings),
        booked_minor=summary.booked_minor + sum(p.actual for p in fresh_bookings),
        reversed_minor=summary.reversed_minor - sum(p.actual for p in fresh_reversals),
        unallocated_lines=summary.unallocated_lines + left_out.unallocated_lines,
        unallocated_minor=summary.unallocated_minor
        + to_minor(Decimal(left_out.unallocated), currency),
        unconverted_lines=summary.unconverted_lines + left_out.unconverted_lines,
    )


def _reversals(session: Session, load: _Load, currency: str) -> list[Posting]:
    """Entries taking back, per budget line, what the slice's other loads left booked."""
    rows = session.execute(
        _EARLIER, {"reference": _reference(load), "own": f"{CLOUD_ACTUALS_KEY}{load.id}:%"}
    )
    return [
        _posting(load, row, FiscalPeriod(row.fiscal_year, row.period), -int(row.net), currency)
        for row in rows
    ]


def _bookings(session: Session, load: _Load, currency: str, start_month: int) -> list[Posting]:
    """One entry per cost center x GL account x fiscal period: the exact sum, rounded once."""
    sums: dict[tuple[int, int, FiscalPeriod], Decimal] = {}
    accounts: dict[tuple[int, int], Account] = {}
    params = {"slice": load.slice_id, "load": load.id, "currency": currency}
    for row in session.execute(_GROUPS, params):
        key = (row.cost_center_id, row.gl_account_id, fiscal_period(row.month, start_month))
        sums[key] = sums.get(key, Decimal(0)) + row.cost
        accounts[key[:2]] = _account(row)
    return [
        _posting(load, accounts[(center, gl)], period, to_minor(cost, currency), currency)
        for (center, gl, period), cost in sorted(sums.items())
    ]


def _reference(load: _Load) -> str:
    return f"cost-slice:{load.slice_id}"


def _account(row: Row[Any]) -> Account:
    return Account(row.cost_center_id, row.gl_account_id, row.cost_center, row.gl_account)


def _posting(
    load: _Load, row: Row[Any] | Account, period: FiscalPeriod, actual: int, currency: str
) -> Posting:
    """A booking of the load, or (``row`` an earlier net, ``actual`` its negation) a reversal."""
    reversal = not isinstance(row, Account)
    account = _account(row) if isinstance(row, Row) else row
    line = f"{account.cost_center_id}:{account.gl_account_id}:{period.fiscal_year}:{period.period}"
    return Posting(
        kind="actual",
        account=account,
        period=period,
        currency=currency,
        idempotency_key=f"{CLOUD_ACTUALS_KEY}{load.id}:{'reverse:' if reversal else ''}{line}",
        actual=actual,
        reference=_reference(load),
        note=f"{'reload, reversed' if reversal else 'cloud actuals'}: {load.name}"[:300],
    )


_BOOKED_LINES = text(
    """
    SELECT DISTINCT e.cost_center_id, e.gl_account_id, cc.code AS cost_center,
           gl.code AS gl_account, e.fiscal_year, e.period
    FROM ledger_entries e
    JOIN cost_centers cc ON cc.id = e.cost_center_id
    JOIN gl_accounts gl ON gl.id = e.gl_account_id
    WHERE e.kind = 'actual' AND e.idempotency_key LIKE ANY(:keys)
    """
)


def lines_booked(session: Session, load_ids: Iterable[int]) -> dict[Account, list[FiscalPeriod]]:
    """The budget lines (and their fiscal periods) the loads booked or reversed entries on."""
    keys = [f"{CLOUD_ACTUALS_KEY}{load_id}:%" for load_id in load_ids]
    lines: dict[Account, list[FiscalPeriod]] = {}
    for row in session.execute(_BOOKED_LINES, {"keys": keys}):
        period = FiscalPeriod(row.fiscal_year, row.period)
        lines.setdefault(_account(row), []).append(period)
    return lines
