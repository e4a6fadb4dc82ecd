"""What a PO promises beside its lines, every part optional (docs/requisition.md#terms)."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass, field

from domain.terms.clauses import DataProtectionClauses
from domain.terms.licence import LicenceTerms
from domain.terms.milestones import Milestone
from domain.terms.sla import SlaTerms
from domain.terms.subcontracting import Subcontracting


@dataclass(frozen=True)
class PoTerms:
    sla: SlaTerms | None = None
    milestones: tuple[Milestone, ...] = ()
    licence: LicenceTerms | None = None
    subcontracting: Subcontracting | None = None
    data_protection: DataProtectionClauses = field(default_factory=DataProtectionClauses)
