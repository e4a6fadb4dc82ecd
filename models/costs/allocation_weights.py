"""The weights a pool is split by, per target: even, fixed percentages, the usage that earlier
direct rules of the run gave each cost center, a driver table's quantities for the period, or
headcount (the period's driver table named ``headcount`` when one was uploaded, else the people
per cost center in the org chart in force at the month's end). Only weights above zero count; a
pool without any stays unallocated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from domain.costs.allocation_model import AllocationRule, KeyBasis, RuleKind, Target, UsageMetric
from models.budgets.org_history import headcount
from models.costs.allocation_directory import Directory, Receiver
from models.costs.allocation_records import AllocationDriver
from models.costs.allocation_sql import WORK_TABLE


def pool_weights(
    session: Session, index: int, rule: AllocationRule, period: date, directory: Directory
) -> dict[Receiver, Decimal]:
    """The weight of each receiver of the pool of rule ``index`` (above zero only)."""
    key = rule.key
    if key is None:
        raise ValueError(f"rule {rule.name!r} has no key")
    named = {directory.receiver(target): target for target in key.targets}
    if key.basis == KeyBasis.EVEN:
        weights = {receiver: Decimal(1) for receiver in named}
    elif key.basis == KeyBasis.PERCENTAGES:
        weights = {r: t.percent or Decimal(0) for r, t in named.items()}
    elif key.basis == KeyBasis.USAGE:
        weights = _usage(session, index, key.metric)
    elif key.basis == KeyBasis.HEADCOUNT and not _driver_uploaded(session, rule, period):
        weights = _org_chart_headcount(session, period, directory)
    else:
        weights = _drivers(session, rule, period, directory)
    if named and key.basis in (KeyBasis.USAGE, KeyBasis.DRIVER, KeyBasis.HEADCOUNT):
        # limited to the targets: each takes its cost center's weight (its service named too)
        weights = {r: weights.get(Receiver(r.cost_center_id), Decimal(0)) for r in named}
    return {receiver: weight for receiver, weight in weights.items() if weight > 0}


def _usage(session: Session, index: int, metric: UsageMetric) -> dict[Receiver, Decimal]:
    column = "quantity" if metric == UsageMetric.CONSUMED_QUANTITY else "amount"
    rows = session.execute(
        text(
            f"SELECT cost_center_id, SUM({column}) FROM {WORK_TABLE} "
            "WHERE rule_index < :index AND cost_center_id IS NOT NULL GROUP BY cost_center_id"
        ),
        {"index": index},
    ).tuples()
    return {Receiver(int(center)): Decimal(total) for center, total in rows}


def _drivers(
    session: Session, rule: AllocationRule, period: date, directory: Directory
) -> dict[Receiver, Decimal]:
    quantities = session.execute(
        select(AllocationDriver.target, AllocationDriver.quantity).where(
            AllocationDriver.period == period, AllocationDriver.driver == rule.driver
        )
    ).tuples()
    of_services = rule.kind == RuleKind.ACTIVITY
    weights: dict[Receiver, Decimal] = {}
    for code, quantity in quantities:
        known = code in (directory.services if of_services else directory.centers)
        if known:
            target = Target(service=code) if of_services else Target(cost_center=code)
            weights[directory.receiver(target)] = quantity
    return weights


def _driver_uploaded(session: Session, rule: AllocationRule, period: date) -> bool:
    """Whether the period has a driver table of the rule's name (zeros count as uploaded)."""
    uploaded = select(AllocationDriver.id).where(
        AllocationDriver.period == period, AllocationDriver.driver == rule.driver
    )
    return session.scalar(uploaded.limit(1)) is not None


def _org_chart_headcount(
    session: Session, period: date, directory: Directory
) -> dict[Receiver, Decimal]:
    return {
        directory.receiver(Target(cost_center=code)): Decimal(people)
        for code, people in headcount(session, period).items()
        if code in directory.centers
    }
