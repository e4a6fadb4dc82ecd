"""A requisition's terms as the JSON API takes them (docs/requisition.md#terms), mirroring
``domain.terms``. The body checks types, lengths and characters; the ranges (availability,
credits, dates within the service period, ...) are the domain's rules, whose refusals name them.
Percents come in as decimal strings ("99.9"), never as JSON numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from api.field_types import MultiLine, PercentText, SingleLine
from api.schemas.body import RequestBody
from domain.terms.clauses import ClauseId, DataProtectionClauses
from domain.terms.licence import LicenceMetric, LicenceTerms
from domain.terms.limits import MAX_ENTRIES, MAX_TERM_MILESTONES
from domain.terms.milestones import Milestone
from domain.terms.po_terms import PoTerms
from domain.terms.sla import SlaTerms
from domain.terms.subcontracting import Subcontracting
from domain.text_limits import LINE_TEXT, LONG_TEXT, VENDOR_TEXT

Entry = Annotated[SingleLine, Field(min_length=1, max_length=LINE_TEXT)]


class SlaTermsIn(RequestBody):
    availability_percent: PercentText = Field(description='Of the month, e.g. "99.9".')
    response_minutes: int
    resolution_minutes: int
    credit_percent_per_breach: PercentText = Field(description="Of the monthly charge.")
    credit_cap_percent: PercentText | None = Field(default=None, description="Of the month's.")
    escalation_contacts: list[Entry] = Field(default=[], max_length=MAX_ENTRIES)

    def to_terms(self) -> SlaTerms:
        cap = self.credit_cap_percent
        return SlaTerms(
            availability_percent=Decimal(self.availability_percent),
            response_minutes=self.response_minutes,
            resolution_minutes=self.resolution_minutes,
            credit_percent_per_breach=Decimal(self.credit_percent_per_breach),
            credit_cap_percent=Decimal(cap) if cap is not None else None,
            escalation_contacts=tuple(self.escalation_contacts),
        )


class MilestoneIn(RequestBody):
    name: Entry
    due: date
    acceptance_criteria: list[Entry] = Field(default=[], max_length=MAX_ENTRIES)

    def to_terms(self) -> Milestone:
        return Milestone(self.name, self.due, tuple(self.acceptance_criteria))


class LicenceTermsIn(RequestBody):
    metric: LicenceMetric
    quantity: int
    permitted_use: MultiLine = Field(default="", max_length=LONG_TEXT)

    def to_terms(self) -> LicenceTerms:
        return LicenceTerms(self.metric, self.quantity, self.permitted_use)


class SubcontractingIn(RequestBody):
    prime_accountable: bool
    accountability_clause: MultiLine | None = Field(default=None, max_length=LONG_TEXT)
    subcontractors: list[Annotated[SingleLine, Field(min_length=1, max_length=VENDOR_TEXT)]] = (
        Field(default=[], max_length=MAX_ENTRIES)
    )

    def to_terms(self) -> Subcontracting:
        return Subcontracting(
            self.prime_accountable, self.accountability_clause, tuple(self.subcontractors)
        )


class DataProtectionIn(RequestBody):
    clauses: list[ClauseId] = Field(default=[], max_length=len(ClauseId))

    def to_terms(self) -> DataProtectionClauses:
        return DataProtectionClauses(tuple(dict.fromkeys(self.clauses)))


class PoTermsIn(RequestBody):
    """Every part optional; a part left out is not promised."""

    sla: SlaTermsIn | None = None
    milestones: list[MilestoneIn] = Field(default=[], max_length=MAX_TERM_MILESTONES)
    licence: LicenceTermsIn | None = None
    subcontracting: SubcontractingIn | None = None
    data_protection: DataProtectionIn = Field(default_factory=DataProtectionIn)

    def to_terms(self) -> PoTerms:
        return PoTerms(
            sla=self.sla.to_terms() if self.sla else None,
            milestones=tuple(milestone.to_terms() for milestone in self.milestones),
            licence=self.licence.to_terms() if self.licence else None,
            subcontracting=self.subcontracting.to_terms() if self.subcontracting else None,
            data_protection=self.data_protection.to_terms(),
        )
