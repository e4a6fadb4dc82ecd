"""The expense dashboard's one query: a range of months' cost in the base currency, per month,
business unit, cost center, service, category (and resource when asked), where allocation put
it.

A month with an allocation run reads its newest run: a line a direct rule took counts on the
rule's cost center (and IT service); a pool's parts (shared lines, ledger pools) count where
the run gave them, as "Shared: <rule>"; a line no rule took stays on the cost center its load
mapped it to (or on none). A month without a run reads its lines on their mapped cost center."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.costs.dashboard import CostFact
from domain.costs.settlement import to_minor

_FACTS = """
WITH RECURSIVE roots(id, root_id) AS (
    SELECT id, id FROM cost_centers WHERE parent_id IS NULL
    UNION ALL SELECT c.id, r.root_id FROM cost_centers c JOIN roots r ON c.parent_id = r.id),
runs AS (
    SELECT DISTINCT ON (period) id, period FROM allocation_runs
    WHERE period = ANY(CAST(:months AS date[])) ORDER BY period, version DESC),
direct_rules AS (
    SELECT DISTINCT g.run_id, g.rule_index FROM allocation_lineage g
    JOIN runs r ON r.id = g.run_id WHERE g.cost_center_id IS NOT NULL),
facts AS (
    SELECT (l.billing_period_start AT TIME ZONE 'UTC')::date AS month,
           COALESCE(g.cost_center_id, l.cost_center_id) AS center_id,
           COALESCE(s.name, l.service_name, '(no service)') AS service,
           COALESCE(l.resource_id, '(no resource)') AS resource,
           COALESCE(l.service_category, 'Other') AS category,
           COALESCE(g.amount, l.effective_cost_base, 0) AS amount, 0 AS amount_minor
    FROM cost_lines l
    LEFT JOIN runs r ON r.period = (l.billing_period_start AT TIME ZONE 'UTC')::date
    LEFT JOIN allocation_lineage g ON g.run_id = r.id AND g.load_id = l.load_id
         AND g.file_index = l.file_index AND g.file_row = l.file_row
    LEFT JOIN it_services s ON s.id = g.service_id
    WHERE l.billing_period_start = ANY(CAST(:instants AS timestamptz[]))
      AND (g.run_id IS NULL OR g.cost_center_id IS NOT NULL OR g.rule_index IS NULL)
    UNION ALL
    SELECT r.period, a.cost_center_id, COALESCE(s.name, 'Shared: ' || a.rule_name),
           'Shared: ' || a.rule_name, 'Shared', 0, a.amount_minor
    FROM allocation_amounts a JOIN runs r ON r.id = a.run_id
    LEFT JOIN it_services s ON s.id = a.service_id
    LEFT JOIN direct_rules d ON d.run_id = a.run_id AND d.rule_index = a.rule_index
    WHERE a.rule_index IS NOT NULL AND d.rule_index IS NULL AND a.currency = :currency)
SELECT to_char(f.month, 'YYYY-MM'), bu.code, cc.code, f.service, {resource}, f.category,
       sum(f.amount), sum(f.amount_minor)
FROM facts f
LEFT JOIN cost_centers cc ON cc.id = f.center_id
LEFT JOIN roots rt ON rt.id = f.center_id
LEFT JOIN cost_centers bu ON bu.id = rt.root_id
WHERE {where}
GROUP BY 1, 2, 3, 4, 5, 6
"""


@dataclass(frozen=True)
class FactFilter:
    """Which facts to read: ``centers`` None reads every cost center's and the unowned cost;
    otherwise only those cost centers' (by id). ``business_unit``, ``cost_center`` (with the
    centers below it) and ``service`` narrow a drill-down; ``resources`` splits by resource."""

    centers: frozenset[int] | None = None
    business_unit: str | None = None
    cost_center: str | None = None
    service: str | None = None
    resources: bool = False


def cost_facts(
    session: Session, months: list[str], currency: str, wanted: FactFilter
) -> list[CostFact]:
    """The cost of ``months`` (YYYY-MM) in minor units of ``currency``, rounded once per
    fact (half to even), for what ``wanted`` lets through."""
    firsts = [date(int(m[:4]), int(m[5:7]), 1) for m in months]
    params: dict[str, object] = {
        "months": firsts,
        "instants": [datetime(d.year, d.month, 1, tzinfo=UTC) for d in firsts],
        "currency": currency,
    }
    conditions = ["TRUE"]
    if wanted.centers is not None:
        conditions.append("f.center_id = ANY(CAST(:centers AS bigint[]))")
        params["centers"] = sorted(wanted.centers)
    if wanted.business_unit is not None:
        conditions.append("bu.code = :business_unit")
        params["business_unit"] = wanted.business_unit
    if wanted.cost_center is not None:
        conditions.append(
            "f.center_id IN (WITH RECURSIVE tree(id) AS (SELECT id FROM cost_centers WHERE "
            "code = :cost_center UNION SELECT c.id FROM cost_centers c JOIN tree t "
            "ON c.parent_id = t.id) SELECT id FROM tree)"
        )
        params["cost_center"] = wanted.cost_center
    if wanted.service is not None:
        conditions.append("f.service = :service")
        params["service"] = wanted.service
    resource = "f.resource" if wanted.resources else "NULL::text"
    sql = _FACTS.format(resource=resource, where=" AND ".join(conditions))
    rows = session.execute(text(sql), params).tuples()
    return [
        CostFact(month, unit, center, service, res, category, _minor(major, minor, currency))
        for month, unit, center, service, res, category, major, minor in rows
    ]


def _minor(major: Decimal | None, minor: int | Decimal | None, currency: str) -> int:
    return to_minor(Decimal(major or 0), currency) + int(minor or 0)
