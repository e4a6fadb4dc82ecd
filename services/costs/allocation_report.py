"""What a period's allocation run allocated, as the CLI, the JSON API and the page show it:
its amounts, and their sums per cost center, business unit and IT service, with what stayed
unallocated; per currency, allocated plus unallocated is the period's cost to the cent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from models.costs.allocation_records import AllocationRun
from models.costs.allocation_runs import (
    AllocatedAmount,
    allocated_amounts,
    latest_run,
    run_version,
)
from services.costs.allocation import allocation_period


@dataclass(frozen=True)
class Subtotal:
    name: str
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class AllocationReport:
    run: AllocationRun
    amounts: list[AllocatedAmount]

    @property
    def by_cost_center(self) -> list[Subtotal]:
        return _sums(self.amounts, lambda row: row.cost_center)

    @property
    def by_business_unit(self) -> list[Subtotal]:
        return _sums(self.amounts, lambda row: row.business_unit)

    @property
    def by_service(self) -> list[Subtotal]:
        return _sums(self.amounts, lambda row: row.service)

    @property
    def by_rule(self) -> list[Subtotal]:
        """Each rule's parts, per target (``unallocated`` what its pool's key weighed no one)."""
        return _sums(self.amounts, _rule_part)

    @property
    def unallocated(self) -> list[Subtotal]:
        return _sums([r for r in self.amounts if r.cost_center is None], lambda r: "unallocated")

    @property
    def totals(self) -> list[Subtotal]:
        return _sums(self.amounts, lambda row: "total")


def allocation_report(
    session: Session, period: str | date, version: int | None = None
) -> AllocationReport | None:
    """The newest run of ``period`` (or its ``version``); None when there is none."""
    month = allocation_period(period)
    run = latest_run(session, month) if version is None else run_version(session, month, version)
    return None if run is None else AllocationReport(run, allocated_amounts(session, run.id))


def _rule_part(row: AllocatedAmount) -> str | None:
    """``rule → cost center[ / service]``, the rule's part for one target; None without a
    rule."""
    if row.rule is None:
        return None
    service = f" / {row.service}" if row.service else ""
    return f"{row.rule} → {row.cost_center or 'unallocated'}{service}"


def _sums(
    amounts: list[AllocatedAmount], name: Callable[[AllocatedAmount], str | None]
) -> list[Subtotal]:
    """Sums per name and currency, in name order; amounts without a name are left out."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in amounts:
        key = name(row)
        if key is not None:
            sums[key, row.currency] += row.amount
    return [Subtotal(n, currency, amount) for (n, currency), amount in sorted(sums.items())]
