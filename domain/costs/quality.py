"""The data-quality check of one load: rows go through one at a time, each comes back with its
findings and whether it is quarantined, and the load ends with a report per rule.

Guarantees: memory stays bounded whatever the file size, except for the duplicate check, which
keeps one 32-byte digest per distinct row (never the row itself), and one currency per billing
account; a quarantined row is reported
to the caller, which keeps and lists it (it is never dropped here); the report's cost is the
exact Decimal sum of BilledCost of the rows each rule found.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from domain.costs.cost_row import CostRow
from domain.costs.quality_rules import (
    DUPLICATE,
    RULES,
    RULES_BY_ID,
    Action,
    Expectations,
    Finding,
    row_findings,
)

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class QualityPolicy:
    """A source's quality settings: what its rows are expected to hold, and per rule id the
    action to take instead of the rule's default."""

    expectations: Expectations = field(default_factory=Expectations)
    actions: Mapping[str, Action] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.actions) - set(RULES_BY_ID))
        if unknown:
            raise ValueError(f"unknown data-quality rule(s): {', '.join(unknown)}")

    def action_of(self, rule_id: str) -> Action:
        return self.actions.get(rule_id, RULES_BY_ID[rule_id].default_action)


@dataclass(frozen=True)
class RowVerdict:
    findings: tuple[Finding, ...]
    quarantined: bool


@dataclass(frozen=True)
class RuleSummary:
    """What one rule found in a load: rows, their BilledCost, and the first few row numbers."""

    rule_id: str
    action: Action
    rows: int
    billed_cost: Decimal
    sample_rows: tuple[int, ...]


@dataclass(frozen=True)
class QualityReport:
    rows_checked: int
    rows_quarantined: int
    rules: tuple[RuleSummary, ...]

    def of(self, rule_id: str) -> RuleSummary:
        return next(summary for summary in self.rules if summary.rule_id == rule_id)


@dataclass
class _Tally:
    rows: int = 0
    billed_cost: Decimal = Decimal(0)
    sample_rows: list[int] = field(default_factory=list)


def _row_digest(row: CostRow) -> bytes:
    """The same digest for rows with the same FOCUS values and extra columns; the row number
    is not part of it. Each value is written with its type's name (so the text "1" and the
    number 1 differ) and every digit it has; text as its repr, so no separator can occur in it;
    a JSON value with its keys sorted."""
    parts = [
        f"{name}\x1e{type(value).__name__}\x1e{_text(value)}"
        for name, value in sorted(row.focus.items())
    ]
    parts.extend(f"{column!r}\x1d{value!r}" for column, value in sorted(row.extras.items()))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()


def _text(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)  # Decimal as written, datetime in full, None


def account_expectations(expect: Expectations, account: object, first: str | None) -> Expectations:
    """``expect``, or, when it names no currency, the currency ``first`` of the first line of
    the billing account ``account`` in the load."""
    if expect.currency is not None or first is None:
        return expect
    basis = f"billing account {account}'s first line is in"
    return replace(expect, currency=first, currency_basis=basis)


class QualityChecker:
    """Checks the rows of one load in file order; `report()` may be called at any point."""

    def __init__(self, policy: QualityPolicy) -> None:
        self._policy = policy
        self._seen: set[bytes] = set()
        self._account_currencies: dict[object, str] = {}
        self._tallies = {rule.id: _Tally() for rule in RULES}
        self._rows_checked = 0
        self._rows_quarantined = 0

    def check(self, row: CostRow) -> RowVerdict:
        findings = row_findings(row, self._expectations(row))
        digest = _row_digest(row)
        if digest in self._seen:
            findings.insert(0, Finding(DUPLICATE.id, "the same values as an earlier row"))
        self._seen.add(digest)
        quarantined = any(self._policy.action_of(f.rule_id) is Action.QUARANTINE for f in findings)
        self._count(row, findings, quarantined)
        return RowVerdict(tuple(findings), quarantined)

    def _expectations(self, row: CostRow) -> Expectations:
        """The policy's, with no currency configured the currency of the first line of the row's
        billing account in the load: an account is invoiced in one currency."""
        expect = self._policy.expectations
        currency = row.focus.get("BillingCurrency")
        if expect.currency is not None or not isinstance(currency, str):
            return expect
        account = row.focus.get("BillingAccountId")
        first = self._account_currencies.setdefault(account, currency)
        return account_expectations(expect, account, first)

    def _count(self, row: CostRow, findings: list[Finding], quarantined: bool) -> None:
        self._rows_checked += 1
        self._rows_quarantined += quarantined
        billed = row.focus.get("BilledCost")
        for finding in findings:
            tally = self._tallies[finding.rule_id]
            tally.rows += 1
            if isinstance(billed, Decimal):
                tally.billed_cost += billed
            if len(tally.sample_rows) < SAMPLE_ROWS:
                tally.sample_rows.append(row.row_number)

    def report(self) -> QualityReport:
        return QualityReport(
            rows_checked=self._rows_checked,
            rows_quarantined=self._rows_quarantined,
            rules=tuple(
                RuleSummary(
                    rule.id,
                    self._policy.action_of(rule.id),
                    self._tallies[rule.id].rows,
                    self._tallies[rule.id].billed_cost,
                    tuple(self._tallies[rule.id].sample_rows),
                )
                for rule in RULES
            ),
        )
