"""Reading allocation runs: a period's newest run (or a version of it), what it allocated per
cost center, business unit, IT service and rule, and the cost lines and ledger entries behind
an amount.

Amounts are ``Decimal`` in the run's base currency, exact to its minor unit; per currency they
sum to the period's cost rounded to the minor unit plus its ledger pools. A row without a cost
center is what stayed unallocated: its rule is None for lines no rule matched, or the rule
whose key gave no weight."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from domain.costs.allocation import of_minor
from models.costs.allocation_records import AllocationRun, RunStatus, first_instant

_ROOTS = (
    "WITH RECURSIVE roots(id, root_id) AS (SELECT id, id FROM cost_centers WHERE parent_id IS "
    "NULL UNION ALL SELECT c.id, r.root_id FROM cost_centers c JOIN roots r ON c.parent_id = r.id) "
)
# The amounts of a run given to one cost center (NULL: the unallocated), of one rule if named.
_WANTED = (
    "SELECT DISTINCT a.rule_index, a.rule_name, a.cost_center_id FROM allocation_amounts a "
    "LEFT JOIN cost_centers cc ON cc.id = a.cost_center_id WHERE a.run_id = :run "
    "AND cc.code IS NOT DISTINCT FROM CAST(:center AS text) "
    "AND (CAST(:rule AS text) IS NULL OR a.rule_name = :rule)"
)


@dataclass(frozen=True)
class AllocatedAmount:
    cost_center: str | None  # None: unallocated
    business_unit: str | None  # the root of the cost center's hierarchy
    service: str | None
    rule: str | None
    amount: Decimal
    currency: str
    line_count: int  # the lines behind it (a pool's part: every line of the pool)


@dataclass(frozen=True)
class AllocatedLine:
    """A cost line behind an amount: its rule, where it came from, and its own amount (whole
    for a direct rule; a pool's line is shared by the pool's parts)."""

    rule: str | None
    load_id: int
    file_index: int
    file_row: int
    billing_account: str | None
    service_name: str | None
    resource_id: str | None
    amount: Decimal
    currency: str
    pooled: bool


@dataclass(frozen=True)
class AllocatedEntry:
    """A ledger entry behind an amount: the ledger pool's rule that read it, where it is booked
    and its own amount (the pool's parts share it)."""

    rule: str
    entry_id: int
    cost_center: str
    gl_account: str
    fiscal_year: int
    period: int
    key: str  # its idempotency key: depreciation:<asset>:<month>, an invoice's, an import's
    reference: str | None
    note: str
    amount: Decimal
    currency: str


def latest_run(session: Session, period: date) -> AllocationRun | None:
    """The newest run of ``period`` (its first day)."""
    return session.scalar(
        select(AllocationRun)
        .where(AllocationRun.period == period)
        .order_by(AllocationRun.version.desc())
        .limit(1)
    )


def newest_runs(session: Session, periods: int = 24) -> list[AllocationRun]:
    """The newest run of each of the latest ``periods`` periods allocated, newest period
    first."""
    return list(
        session.scalars(
            select(AllocationRun)
            .where(AllocationRun.status == RunStatus.CURRENT)
            .order_by(AllocationRun.period.desc())
            .limit(periods)
        )
    )


def run_version(session: Session, period: date, version: int) -> AllocationRun | None:
    return session.scalar(
        select(AllocationRun).where(
            AllocationRun.period == period, AllocationRun.version == version
        )
    )


def allocated_amounts(session: Session, run_id: int) -> list[AllocatedAmount]:
    """Every amount of the run, unallocated included, in the order the run wrote them."""
    rows = session.execute(
        text(
            f"{_ROOTS}SELECT cc.code, bu.code, s.code, a.rule_name, a.amount_minor, a.currency, "
            "a.line_count FROM allocation_amounts a "
            "LEFT JOIN cost_centers cc ON cc.id = a.cost_center_id "
            "LEFT JOIN roots r ON r.id = a.cost_center_id "
            "LEFT JOIN cost_centers bu ON bu.id = r.root_id "
            "LEFT JOIN it_services s ON s.id = a.service_id WHERE a.run_id = :run ORDER BY a.id"
        ),
        {"run": run_id},
    ).tuples()
    return [
        AllocatedAmount(center, unit, service, rule, of_minor(minor, currency), currency, count)
        for center, unit, service, rule, minor, currency, count in rows
    ]


def allocated_lines(
    session: Session,
    run_id: int,
    cost_center: str | None,
    *,
    rule: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AllocatedLine]:
    """The lines behind what the run gave ``cost_center`` (None: what stayed unallocated),
    of one rule if named: its direct lines and every line of each pool it has a part of."""
    period = session.scalar(select(AllocationRun.period).where(AllocationRun.id == run_id))
    # A direct rule's lines carry their cost center; a pool's lines carry none (its parts do).
    rows = session.execute(
        text(
            f"WITH wanted AS ({_WANTED}) SELECT w.rule_name, g.load_id, g.file_index, g.file_row, "
            "l.billing_account_id, l.service_name, l.resource_id, g.amount, g.currency, "
            "g.cost_center_id IS NULL AND g.rule_index IS NOT NULL "
            "FROM allocation_lineage g JOIN wanted w ON g.rule_index IS NOT DISTINCT FROM "
            "w.rule_index AND (g.cost_center_id IS NULL OR g.cost_center_id = w.cost_center_id) "
            "LEFT JOIN cost_lines l ON l.billing_period_start = :period "
            "AND l.load_id = g.load_id AND l.file_index = g.file_index "
            "AND l.file_row = g.file_row WHERE g.run_id = :run "
            "ORDER BY g.rule_index NULLS LAST, g.load_id, g.file_index, g.file_row "
            "LIMIT :limit OFFSET :offset"
        ),
        {
            "run": run_id,
            "period": first_instant(period) if period else None,
            "center": cost_center,
            "rule": rule,
            "limit": limit,
            "offset": offset,
        },
    ).tuples()
    return [AllocatedLine(*row) for row in rows]


def allocated_entries(
    session: Session,
    run_id: int,
    cost_center: str | None,
    *,
    rule: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AllocatedEntry]:
    """The ledger entries behind what the run gave ``cost_center`` (None: what stayed
    unallocated), of one rule if named: every entry of each ledger pool it has a part of."""
    rows = session.execute(
        text(
            f"WITH wanted AS ({_WANTED}) SELECT w.rule_name, "
            "e.id, cc.code, gl.code, e.fiscal_year, e.period, e.idempotency_key, e.reference, "
            "e.note, g.amount_minor, g.currency FROM allocation_ledger_lineage g "
            "JOIN wanted w ON w.rule_index = g.rule_index "
            "JOIN ledger_entries e ON e.id = g.ledger_entry_id "
            "JOIN cost_centers cc ON cc.id = e.cost_center_id "
            "JOIN gl_accounts gl ON gl.id = e.gl_account_id WHERE g.run_id = :run "
            "ORDER BY g.rule_index, e.id LIMIT :limit OFFSET :offset"
        ),
        {"run": run_id, "center": cost_center, "rule": rule, "limit": limit, "offset": offset},
    ).tuples()
    return [
        AllocatedEntry(rule, entry, center, gl, fy, fp, key, ref, note, of_minor(minor, cur), cur)
        for rule, entry, center, gl, fy, fp, key, ref, note, minor, cur in rows
    ]
