"""What a load needs to know of its source, read once per file: format, owned billing accounts,
base currency, data-quality actions and tag policy, column mapping, and the direct allocation
(account mappings and the source's defaults), with the PO each mapped commitment discount's
lines draw on, day by day (``CommitmentSpan``): both ingest paths resolve a line's PO from
these same spans."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import Engine, text

from domain.costs.commitments import (
    CommitmentSpan,
    commitment_spans,
    po_in_force,
    spans_by_discount,
)


@dataclass(frozen=True)
class Allocation:
    """Where a line's cost is booked: cost center, GL account, and the PO it draws on."""

    cost_center_id: int | None
    gl_account_id: int | None
    po_number: str | None = None


@dataclass(frozen=True)
class SourceConfig:
    id: int
    name: str
    format: str
    base_currency: str
    billing_accounts: frozenset[str]
    column_mapping: Mapping[str, Any]
    quality_actions: Mapping[str, str]
    tag_policy_keys: tuple[str, ...]
    default: Allocation
    # (account kind, account id) -> allocation; kinds are ``billing_account`` and ``sub_account``
    mappings: Mapping[tuple[str, str], Allocation] = field(default_factory=dict)
    commitments: tuple[CommitmentSpan, ...] = ()

    def owns(self, billing_account: str) -> bool:
        """A source with no billing accounts listed owns every account its files hold."""
        return not self.billing_accounts or billing_account in self.billing_accounts

    def allocation(self, billing_account: str | None, sub_account: str | None) -> Allocation:
        """A sub-account's mapping wins over its billing account's; else the source's default."""
        for kind, account in (("sub_account", sub_account), ("billing_account", billing_account)):
            if account is not None and (kind, account) in self.mappings:
                return self.mappings[(kind, account)]
        return self.default

    def commitment_po(self, discount_id: str | None, charge_day: date | None) -> str | None:
        """The PO a line of this commitment discount charged on ``charge_day`` draws on; None
        when the discount is not mapped or its contract had no issued PO by then."""
        return po_in_force(self._spans_by_discount, discount_id, charge_day)

    @cached_property
    def _spans_by_discount(self) -> dict[str, list[CommitmentSpan]]:
        return spans_by_discount(self.commitments)


_CONTRACT_POS = text(
    "SELECT m.account_id, (p.created_at AT TIME ZONE 'UTC')::date AS day, p.po_number "
    "FROM cost_account_mappings m JOIN purchase_orders p ON p.contract_id = m.contract_id "
    "WHERE m.source_id = :source AND m.account_kind = 'commitment_discount' "
    "AND p.status IN ('issued', 'closed') ORDER BY m.account_id, p.created_at, p.po_number"
)


class UnknownSource(LookupError):
    """No cost source of that name."""


def read_source(engine: Engine, name: str) -> SourceConfig:
    """The named source's configuration; ``UnknownSource`` if there is none."""
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT id, name, format, base_currency, billing_accounts, column_mapping, "
                "quality_actions, tag_policy_keys, default_cost_center_id, "
                "default_gl_account_id FROM cost_sources WHERE name = :name"
            ),
            {"name": name},
        ).one_or_none()
        if row is None:
            raise UnknownSource(f"no cost source named {name!r}")
        mapped = connection.execute(
            text(
                "SELECT account_kind, account_id, cost_center_id, gl_account_id, po_number "
                "FROM cost_account_mappings WHERE source_id = :source "
                "AND account_kind <> 'commitment_discount'"
            ),
            {"source": row.id},
        )
        mappings = {
            (m.account_kind, m.account_id): Allocation(
                m.cost_center_id, m.gl_account_id, m.po_number
            )
            for m in mapped
        }
        contract_pos = connection.execute(_CONTRACT_POS, {"source": row.id})
        commitments = commitment_spans((p.account_id, p.day, p.po_number) for p in contract_pos)
    return SourceConfig(
        id=row.id,
        name=row.name,
        format=row.format,
        base_currency=row.base_currency,
        billing_accounts=frozenset(row.billing_accounts or ()),
        column_mapping=row.column_mapping or {},
        quality_actions=row.quality_actions or {},
        tag_policy_keys=tuple(row.tag_policy_keys or ()),
        default=Allocation(row.default_cost_center_id, row.default_gl_account_id),
        mappings=mappings,
        commitments=commitments,
    )
