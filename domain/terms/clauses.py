"""The data-protection clauses a PO may carry, by id; the policy requires some by risk flag
(``domain.terms.required_clauses``)."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass
from enum import StrEnum


class ClauseId(StrEnum):
    DPA = "dpa"  # a data processing agreement (GDPR art. 28)
    SCC = "scc"  # standard contractual clauses for transfers outside the EEA
    AUDIT_RIGHTS = "audit_rights"  # we may audit the vendor's processing
    BREACH_NOTIFICATION_72H = "breach_notification_72h"  # a breach is reported within 72 hours
    SUBPROCESSOR_APPROVAL = "subprocessor_approval"  # no new subprocessor without our consent
    DELETION_ON_EXIT = "deletion_on_exit"  # our data is returned and deleted when it ends


@dataclass(frozen=True)
class DataProtectionClauses:
    clauses: tuple[ClauseId, ...] = ()

    def carries(self, clause: ClauseId) -> bool:
        return clause in self.clauses
