"""A period's cost lines judged against the tag policy in force. The database reads each line's
effective tags (provider tags under virtual tags, ``effective_tags_sql``) and groups the period's
lines by what judging needs (source, provider, billing and sub account, service, resource, cost
center, base currency, tags), summing ``EffectiveCost`` in the base currency; each distinct tag
set of a scope is then judged once by the pure rules (domain/costs/tag_findings.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from domain.costs.governance import DocumentKind
from domain.costs.tag_findings import (
    KeyFinding,
    KnownCodes,
    LineScope,
    Standing,
    findings,
    standing,
)
from domain.costs.tag_policy import Reference, TagPolicy, normalised_value, tag_policy
from models.budgets.org import CostCenter, ItService, Project
from models.costs.document_store import document_in_force
from models.costs.virtual_tags import effective_tags_sql


class NoTagPolicy(LookupError):
    """No tag policy is in force: compliance has nothing to judge by."""

    rule = "no_tag_policy"


class BadPeriod(ValueError):
    rule = "invalid_period"


@dataclass(frozen=True)
class JudgedGroup:
    """Lines of one resource (or none), scope, cost center and tag set, with their verdict."""

    source_id: int
    provider: str
    billing_account: str
    sub_account: str | None
    service: str
    resource_id: str | None
    cost_center_id: int | None
    currency: str
    cost: Decimal
    lines: int
    findings: tuple[KeyFinding, ...]
    standing: Standing


def period_start(period: str) -> datetime:
    """The first instant of a ``YYYY-MM`` billing period; ``BadPeriod`` otherwise."""
    try:
        return datetime.strptime(period, "%Y-%m").replace(tzinfo=UTC)
    except ValueError:
        raise BadPeriod(f"period {period!r} is not a month as YYYY-MM") from None


def policy_in_force(session: Session, at: datetime) -> TagPolicy:
    row = document_in_force(session, DocumentKind.TAG_POLICY, at)
    if row is None:
        raise NoTagPolicy("no tag policy is in force")
    return tag_policy(row.document, row.version)


def stored_codes(session: Session) -> dict[Reference, tuple[str, ...]]:
    """The codes of active cost centers, projects and IT services, as stored, sorted."""
    queries = {
        Reference.COST_CENTER: select(CostCenter.code).where(CostCenter.active),
        Reference.PROJECT: select(Project.code).where(Project.active),
        Reference.IT_SERVICE: select(ItService.code).where(ItService.active),
    }
    return {ref: tuple(sorted(session.scalars(query))) for ref, query in queries.items()}


def known_codes(session: Session, policy: TagPolicy) -> KnownCodes:
    """The stored codes normalised as the policy normalises values."""
    return {
        reference: frozenset(normalised_value(policy, code) for code in codes)
        for reference, codes in stored_codes(session).items()
    }


_GROUPED = f"""
SELECT source_id, provider, billing_account, sub_account, service, resource_id, cost_center_id,
       currency, tags, sum(cost) AS cost, count(*) AS lines
FROM (SELECT s.source_id, COALESCE(l.provider_name, '') AS provider,
             l.billing_account_id AS billing_account, l.sub_account_id AS sub_account,
             COALESCE(l.service_name, '') AS service, l.resource_id, l.cost_center_id,
             COALESCE(l.base_currency, l.billing_currency) AS currency,
             COALESCE(l.effective_cost_base, l.effective_cost, 0) AS cost,
             {effective_tags_sql("l")} AS tags
      FROM cost_lines l JOIN cost_slices s ON s.id = l.slice_id
      WHERE l.billing_period_start = :period) t
GROUP BY source_id, provider, billing_account, sub_account, service, resource_id,
         cost_center_id, currency, tags
ORDER BY source_id, billing_account, resource_id NULLS LAST, service
"""


def judged_groups(
    session: Session, policy: TagPolicy, known: KnownCodes, period: datetime
) -> Iterator[JudgedGroup]:
    """Every group of the period's lines with its findings and standing."""
    verdicts: dict[tuple[LineScope, str], tuple[KeyFinding, ...]] = {}
    for row in session.execute(text(_GROUPED), {"period": period}):
        scope = LineScope(row.provider, row.billing_account, row.service)
        tags: dict[str, Any] = row.tags or {}
        marker = (scope, repr(sorted(tags.items())))
        if marker not in verdicts:
            verdicts[marker] = findings(policy, tags, scope, known)
        found = verdicts[marker]
        yield JudgedGroup(
            row.source_id,
            row.provider,
            row.billing_account,
            row.sub_account,
            row.service,
            row.resource_id,
            row.cost_center_id,
            row.currency,
            Decimal(row.cost),
            row.lines,
            found,
            standing(found),
        )
