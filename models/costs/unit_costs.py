"""The unit cost of every service of the unit-cost model in force, for one month, computed in
the database: one ``GROUP BY`` over the month's cost lines for every pool of every service, one
for the quantities consumed (``ConsumedQuantity`` in the consumption's ``ConsumedUnit``, or in
its ``PricingUnit`` when a line has no ``ConsumedUnit``: an AWS CUR's usage amount is in its
pricing unit and the CUR names no other); a driver table's quantity is read from the model
itself. A pool of allocated amounts is what the month's newest allocation run gave the service.

A line counts in a pool when it is of the month's billing period, in the model's currency as
the load converted it (``*_cost_base``), and matches every filter the pool names. Its list price
leaves out commitment purchases: their usage lines already carry the on-demand price, so the
purchase would count it twice (its amortised cost is in the usage lines' ``EffectiveCost``)."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.costs.governance import DocumentKind
from domain.costs.unit_costs import PoolCost, UnitCost
from domain.money import minor_digits
from models.costs.allocation_runs import latest_run
from models.costs.document_store import document_in_force
from models.costs.unit_cost_rules import LINE_FILTERS

_UTC = ZoneInfo("UTC")
_MATCH = " AND ".join(
    f"(NOT (m.lines ? '{name}') OR m.lines -> '{name}' ? l.{name})" for name in LINE_FILTERS
)
_MONTH_LINES = "l.billing_period_start >= :start AND l.billing_period_start < :end"
_POOLS = text(
    f"""
    SELECT m.service, m.pool, m.part,
           COALESCE(sum(l.effective_cost_base), 0) AS effective,
           COALESCE(sum(l.list_cost_base) FILTER (WHERE NOT (l.charge_category = 'Purchase'
             AND l.commitment_discount_id IS NOT NULL)), 0) AS list_price,
           COALESCE(sum(l.effective_cost_base)
             FILTER (WHERE l.commitment_discount_status = 'Unused'), 0) AS unused_commitment,
           count(l.slice_id) AS lines
    FROM jsonb_to_recordset(CAST(:pools AS jsonb)) AS m(service text, pool text, part text,
                                                        lines jsonb)
    LEFT JOIN cost_lines l ON {_MONTH_LINES} AND l.base_currency = :currency AND {_MATCH}
    GROUP BY m.service, m.pool, m.part
    """
)
_ALLOCATED = text(
    "SELECT s.code AS service, sum(a.amount_minor) AS minor, sum(a.line_count) AS lines "
    "FROM allocation_amounts a JOIN it_services s ON s.id = a.service_id "
    "WHERE a.run_id = :run AND a.currency = :currency GROUP BY s.code"
)
_QUANTITIES = text(
    f"""
    SELECT m.service, sum(l.consumed_quantity) AS quantity
    FROM jsonb_to_recordset(CAST(:consumptions AS jsonb)) AS m(service text, unit text,
                                                               lines jsonb)
    LEFT JOIN cost_lines l ON {_MONTH_LINES}
      AND COALESCE(l.consumed_unit, l.pricing_unit) = m.unit AND {_MATCH}
    GROUP BY m.service
    """
)


def month_bounds(month: date) -> dict[str, datetime]:
    """The billing periods starting in ``month`` (UTC), as query parameters."""
    start = month.replace(day=1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return {
        "start": datetime.combine(start, time(), _UTC),
        "end": datetime.combine(end, time(), _UTC),
    }


def unit_costs(session: Session, model: dict[str, Any], month: date) -> list[UnitCost]:
    """Each service of ``model`` (a unit-cost model document) in ``month``, in model order."""
    services = model["services"]
    pools = [
        {"service": s["service"], "pool": p["name"], "part": p["part"], "lines": p.get("lines")}
        for s in services
        for p in s["pools"]
    ]
    found: dict[str, list[PoolCost]] = {}
    for service, pool in [
        *_line_pools(session, [p for p in pools if p["lines"]], month, model["currency"]),
        *_allocated_pools(session, [p for p in pools if not p["lines"]], month, model["currency"]),
    ]:
        found.setdefault(service, []).append(pool)
    quantities = _quantities(session, services, month)
    return [
        UnitCost(
            s["service"],
            s["unit"],
            model["currency"],
            quantities.get(s["service"]),
            tuple(_in_model_order(found[s["service"]], s["pools"])),
        )
        for s in services
    ]


def _line_pools(
    session: Session, pools: list[dict[str, Any]], month: date, currency: str
) -> list[tuple[str, PoolCost]]:
    if not pools:
        return []
    params = {**month_bounds(month), "currency": currency, "pools": json.dumps(pools)}
    return [
        (row.service, PoolCost(row.pool, row.part, row.effective, row.list_price,
                               row.unused_commitment, row.lines))
        for row in session.execute(_POOLS, params)
    ]  # fmt: skip


def _allocated_pools(
    session: Session, pools: list[dict[str, Any]], month: date, currency: str
) -> list[tuple[str, PoolCost]]:
    """What the month's newest allocation run gave each pool's service, in ``currency`` (its
    list price unknown, taken as its cost); nothing before the month is allocated."""
    run = latest_run(session, month) if pools else None
    given: dict[str, tuple[Decimal, int]] = {}
    if run is not None:
        for row in session.execute(_ALLOCATED, {"run": run.id, "currency": currency}):
            given[row.service] = (Decimal(row.minor).scaleb(-minor_digits(currency)), row.lines)
    found = []
    for pool in pools:
        amount, lines = given.get(pool["service"], (Decimal(0), 0))
        found.append(
            (
                pool["service"],
                PoolCost(pool["pool"], pool["part"], amount, amount, Decimal(0), lines),
            )
        )
    return found


def _quantities(
    session: Session, services: list[dict[str, Any]], month: date
) -> dict[str, Decimal | None]:
    """Consumed quantity per service: from the lines, or the driver table's entry for
    ``month`` (None when the driver table has none)."""
    period = f"{month:%Y-%m}"
    quantities: dict[str, Decimal | None] = {}
    from_lines = []
    for service in services:
        consumption = service["consumption"]
        if "driver" in consumption:
            given = consumption["driver"].get(period)
            quantities[service["service"]] = Decimal(given) if given is not None else None
        else:
            unit, lines = consumption["consumed_unit"], consumption["lines"]
            from_lines.append({"service": service["service"], "unit": unit, "lines": lines})
    if from_lines:
        params = {**month_bounds(month), "consumptions": json.dumps(from_lines)}
        for row in session.execute(_QUANTITIES, params):
            quantities[row.service] = row.quantity
    return quantities


def _in_model_order(pools: list[PoolCost], named: list[dict[str, Any]]) -> list[PoolCost]:
    by_name = {pool.name: pool for pool in pools}
    return [by_name[pool["name"]] for pool in named]


def unit_costs_in_force(session: Session, month: date, at: datetime) -> list[UnitCost]:
    """The unit costs of ``month`` under the unit-cost model in force at ``at``; none without
    a model."""
    model = document_in_force(session, DocumentKind.UNIT_COST_MODEL, at)
    return unit_costs(session, model.document, month) if model else []
