"""The ledger pools of an allocation run: the period's ``actual`` ledger entries that a
``from_ledger`` rule reads (its cost centers, its GL accounts, depreciation or the other
actuals), each entry taken by the first such rule it matches, written to the run's ledger
lineage by one ``INSERT … SELECT``; a pool's sum per currency is exact in minor units.

The other actuals leave out poflow's own cloud actuals (the cost lines are allocated already)
and chargeback postings (allocation's own output, priced), so no cost is counted twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.costs.allocation_model import AllocationRule, LedgerEntries, LedgerPool
from domain.fiscal import FiscalPeriod
from models.budgets.asset_store import DEPRECIATION_KEY
from models.budgets.cloud_actuals import CLOUD_ACTUALS_KEY
from models.costs.chargeback_postings import CHARGEBACK_KEY

_IS = {
    LedgerEntries.DEPRECIATION: "starts_with(e.idempotency_key, :depreciation)",
    LedgerEntries.ACTUALS: (
        "NOT starts_with(e.idempotency_key, :cloud) "
        "AND NOT starts_with(e.idempotency_key, :chargeback)"
    ),
}


@dataclass(frozen=True)
class LedgerSum:
    """What one ledger pool read in one currency: its exact sum and how many entries."""

    rule_index: int
    currency: str
    amount_minor: int
    entries: int


def read_ledger_pools(
    session: Session, run_id: int, rules: tuple[AllocationRule, ...], period: FiscalPeriod
) -> list[LedgerSum]:
    """Trace every entry of ``period`` that a ledger rule takes into the run's ledger lineage;
    the sum of each rule's entries per currency, in rule order."""
    params: dict[str, Any] = {
        "run": run_id,
        "fiscal_year": period.fiscal_year,
        "fiscal_period": period.period,
        "depreciation": DEPRECIATION_KEY,
        "cloud": CLOUD_ACTUALS_KEY,
        "chargeback": CHARGEBACK_KEY,
    }
    whens = [
        f"WHEN {_predicate(params, i, rule.ledger)} THEN {i}"
        for i, rule in enumerate(rules)
        if rule.ledger is not None
    ]
    if not whens:
        return []
    session.execute(
        text(
            "INSERT INTO allocation_ledger_lineage (run_id, ledger_entry_id, rule_index, "
            "currency, amount_minor) SELECT :run, m.id, m.rule_index, m.currency, m.amount "
            "FROM (SELECT e.id, e.currency, e.actual_delta_minor AS amount, "
            f"CASE {' '.join(whens)} END AS rule_index FROM ledger_entries e "
            "JOIN cost_centers cc ON cc.id = e.cost_center_id "
            "JOIN gl_accounts gl ON gl.id = e.gl_account_id "
            "WHERE e.kind = 'actual' AND e.fiscal_year = :fiscal_year "
            "AND e.period = :fiscal_period AND e.actual_delta_minor <> 0) m "
            "WHERE m.rule_index IS NOT NULL"
        ),
        params,
    )
    rows = session.execute(
        text(
            "SELECT rule_index, currency, SUM(amount_minor), COUNT(*) "
            "FROM allocation_ledger_lineage WHERE run_id = :run GROUP BY 1, 2 ORDER BY 1, 2"
        ),
        {"run": run_id},
    ).tuples()
    return [LedgerSum(index, currency, int(total), count) for index, currency, total, count in rows]


def _predicate(params: dict[str, Any], index: int, pool: LedgerPool) -> str:
    params[f"l{index}_centers"] = list(pool.cost_centers)
    conditions = [f"cc.code = ANY(:l{index}_centers)", _IS[pool.entries]]
    if pool.gl_accounts:
        params[f"l{index}_accounts"] = list(pool.gl_accounts)
        conditions.append(f"gl.code = ANY(:l{index}_accounts)")
    return " AND ".join(conditions)
