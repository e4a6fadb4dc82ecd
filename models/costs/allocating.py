"""An allocation run of one period: every cost line of the period read once, in the database,
into the run's lineage (its rule, its target when direct), and the ledger entries its ledger
pools take into its ledger lineage; the sums per rule and target split into the currency's
minor units in Python (a few rows), so that per currency the run's amounts, unallocated
included, sum exactly to the period's cost rounded to the minor unit plus its ledger pools, and
each pool's parts to the pool. The run is the period's next version; earlier runs stay,
superseded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from domain.costs.allocation import in_minor, of_minor, split_minor
from domain.costs.allocation_model import AllocationRule, RuleKind, allocation_rules
from domain.fiscal import fiscal_period
from models.costs.allocation_directory import Directory, Receiver
from models.costs.allocation_ledger import LedgerSum, read_ledger_pools
from models.costs.allocation_records import (
    AllocationAmount,
    AllocationRun,
    RunStatus,
    first_instant,
)
from models.costs.allocation_sql import WORK_TABLE, work_table_sql
from models.costs.allocation_weights import pool_weights
from models.costs.governed_documents import CostDocument


@dataclass(frozen=True)
class Piece:
    """The exact sum of a run's lines of one rule, target and currency (a pool has no target;
    unmatched lines no rule), or of a ledger pool's entries (``minor``, already exact in minor
    units; ``line_count`` its entries)."""

    rule_index: int | None
    cost_center_id: int | None
    service_id: int | None
    currency: str
    amount: Decimal
    line_count: int
    minor: int | None = None

    @classmethod
    def of_ledger(cls, pool: LedgerSum) -> Piece:
        amount = of_minor(pool.amount_minor, pool.currency)
        return cls(
            pool.rule_index, None, None, pool.currency, amount, pool.entries, pool.amount_minor
        )


def allocate(
    session: Session, period: date, model: CostDocument, run_by_id: int, *, start_month: int
) -> AllocationRun:
    """Run ``model`` over the cost lines and ledger entries of ``period`` (its first day; its
    fiscal period on the calendar starting in ``start_month``) as the period's next version,
    its lineage and amounts written; the run."""
    rules = allocation_rules(model.document)
    directory = Directory.read(session)
    run = _next_run(session, period, model.version, run_by_id)
    _read_lines(session, period, rules, directory)
    session.execute(
        text(
            "INSERT INTO allocation_lineage (run_id, load_id, file_index, file_row, rule_index, "
            "cost_center_id, service_id, currency, amount) SELECT :run, load_id, file_index, "
            f"file_row, rule_index, cost_center_id, service_id, currency, amount FROM {WORK_TABLE}"
        ),
        {"run": run.id},
    )
    pieces = _pieces(session)
    ledger = read_ledger_pools(session, run.id, rules, fiscal_period(period, start_month))
    weights = {
        i: pool_weights(session, i, rule, period, directory)
        for i, rule in enumerate(rules)
        if rule.kind != RuleKind.DIRECT
    }
    every_piece = pieces + [Piece.of_ledger(pool) for pool in ledger]
    rows = [{"run_id": run.id, **row} for row in amounts_in_minor(rules, every_piece, weights)]
    if rows:
        session.execute(insert(AllocationAmount), rows)
    run.line_count = sum(piece.line_count for piece in pieces)
    session.execute(text(f"DROP TABLE {WORK_TABLE}"))
    session.flush()
    return run


def amounts_in_minor(
    rules: tuple[AllocationRule, ...],
    pieces: list[Piece],
    weights: dict[int, dict[Receiver, Decimal]],
) -> list[dict[str, Any]]:
    """The run's amounts: per currency, the lines' pieces in minor units summing to their total
    rounded to the minor unit, and the ledger pools' exact sums; then each pool split by its
    weights, or left unallocated under its rule's name when no target has a weight."""
    by_currency: dict[str, list[Piece]] = defaultdict(list)
    for piece in pieces:
        by_currency[piece.currency].append(piece)
    rows: list[dict[str, Any]] = []
    for currency, currency_pieces in by_currency.items():
        for piece, amount in zip(currency_pieces, _minor(currency, currency_pieces), strict=True):
            rule = None if piece.rule_index is None else rules[piece.rule_index]
            pool = weights.get(piece.rule_index) if piece.rule_index is not None else None
            if pool:
                parts = split_minor(amount, list(pool.values()))
                rows += [_row(piece, rule, r, part) for r, part in zip(pool, parts, strict=True)]
            else:
                receiver = (
                    Receiver(piece.cost_center_id, piece.service_id)
                    if piece.cost_center_id
                    else None
                )
                rows.append(_row(piece, rule, receiver, amount))
    return rows


def _minor(currency: str, pieces: list[Piece]) -> list[int]:
    """Each piece in minor units: a ledger pool's exact sum as it is, the lines' pieces rounded
    together so they sum to their total rounded to the minor unit."""
    lines = iter(in_minor([p.amount for p in pieces if p.minor is None], currency))
    return [next(lines) if piece.minor is None else piece.minor for piece in pieces]


def _row(
    piece: Piece, rule: AllocationRule | None, to: Receiver | None, minor: int
) -> dict[str, Any]:
    return {
        "rule_index": piece.rule_index,
        "rule_name": rule.name if rule else None,
        "cost_center_id": to.cost_center_id if to else None,
        "service_id": to.service_id if to else None,
        "currency": piece.currency,
        "amount_minor": minor,
        "line_count": piece.line_count,
    }


def _next_run(session: Session, period: date, model_version: int, run_by_id: int) -> AllocationRun:
    # Two runs of one period at once queue here instead of colliding on the version.
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"allocation:{period}"))))
    latest = session.scalar(
        select(func.max(AllocationRun.version)).where(AllocationRun.period == period)
    )
    session.execute(
        update(AllocationRun)
        .where(AllocationRun.period == period, AllocationRun.status == RunStatus.CURRENT)
        .values(status=RunStatus.SUPERSEDED)
    )
    run = AllocationRun(
        period=period,
        version=(latest or 0) + 1,
        model_version=model_version,
        status=RunStatus.CURRENT,
        run_by_id=run_by_id,
        line_count=0,
    )
    session.add(run)
    session.flush()
    return run


def _read_lines(
    session: Session, period: date, rules: tuple[AllocationRule, ...], directory: Directory
) -> None:
    targets = {
        i: directory.receiver(rule.target)
        for i, rule in enumerate(rules)
        if rule.kind == RuleKind.DIRECT and rule.target is not None
    }
    work = work_table_sql(rules, targets)
    session.execute(text(f"DROP TABLE IF EXISTS {WORK_TABLE}"))
    session.execute(text(work.sql), {**work.params, "period": first_instant(period)})


def _pieces(session: Session) -> list[Piece]:
    rows = session.execute(
        text(
            "SELECT rule_index, cost_center_id, service_id, currency, SUM(amount), COUNT(*) "
            f"FROM {WORK_TABLE} GROUP BY 1, 2, 3, 4 ORDER BY 1 NULLS LAST, 2, 3, 4"
        )
    ).tuples()
    return [Piece(*row) for row in rows]
