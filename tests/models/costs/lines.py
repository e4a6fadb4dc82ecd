"""Builders for cost-storage tests: a committed source, normalised lines, and what a reader
of the cost tables sees."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Connection, Engine, text

from models.costs.loading import copy_lines, open_load, swap_in

SEPTEMBER = datetime(2024, 9, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Line:
    """A normalised cost line, shaped as the formats hand lines over."""

    focus: dict[str, object]
    extras: dict[str, str] = field(default_factory=dict)
    row_number: int = 0


def a_source(engine: Engine, tag_policy_keys: Iterable[str] = ()) -> int:
    with engine.begin() as connection:
        return int(
            connection.scalar(
                text(
                    "INSERT INTO cost_sources (name, format, provider, base_currency, "
                    "tag_policy_keys) VALUES (:name, 'focus', 'AWS', 'USD', :keys) RETURNING id"
                ),
                {"name": f"aws-{uuid.uuid4().hex[:8]}", "keys": list(tag_policy_keys)},
            )
        )


def lines(
    account: str, costs: Iterable[Decimal | str], *, service: str = "Amazon EC2", **extra: object
) -> list[Line]:
    """One line per cost, numbered from 1, in September 2024."""
    return [
        Line(
            focus={
                "BillingAccountId": account,
                "BillingPeriodStart": SEPTEMBER,
                "BillingPeriodEnd": datetime(2024, 10, 1, tzinfo=UTC),
                "ChargePeriodStart": datetime(2024, 9, 1 + number % 28, tzinfo=UTC),
                "ChargeCategory": "Usage",
                "ProviderName": "AWS",
                "ServiceName": service,
                "BilledCost": Decimal(cost),
                "EffectiveCost": Decimal(cost),
                "ListCost": Decimal(cost),
                "ContractedCost": Decimal(cost),
                "BillingCurrency": "USD",
                **extra,
            },
            row_number=number,
        )
        for number, cost in enumerate(costs, start=1)
    ]


def load(engine: Engine, source_id: int, account: str, batch: list[Line]) -> int:
    """Load the lines as one file of (source, account, September 2024) and swap them in."""
    load_id = open_load(
        engine,
        source_id=source_id,
        billing_account_id=account,
        billing_period_start=SEPTEMBER,
        file_name=f"{account}.csv",
        file_hash=hashlib.sha256(repr(batch).encode()).hexdigest(),
    )
    copy_lines(engine, load_id, batch, batch_rows=7)
    swap_in(engine, load_id)
    return load_id


def billed_total(
    connection: Connection, source_id: int, account: str | None = None
) -> tuple[Decimal, int]:
    """What a reader sees: the billed cost and the number of lines of the source (account)."""
    row = connection.execute(
        text(
            "SELECT COALESCE(sum(l.billed_cost), 0) AS total, count(*) AS lines "
            "FROM cost_lines l JOIN cost_slices s ON s.id = l.slice_id "
            "WHERE s.source_id = :source "
            "AND (CAST(:account AS text) IS NULL OR s.billing_account_id = :account)"
        ),
        {"source": source_id, "account": account},
    ).one()
    return row.total, row.lines


def daily_total(engine: Engine, source_id: int) -> Mapping[str, Decimal]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT billing_account_id, sum(billed_cost) AS total FROM cost_daily "
                "WHERE source_id = :source GROUP BY 1"
            ),
            {"source": source_id},
        )
        return {row.billing_account_id: row.total for row in rows}
