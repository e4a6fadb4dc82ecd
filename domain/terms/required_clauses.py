"""The data-protection clauses the approval policy requires of a PO by its risk flags (the
policy's ``required_clauses``, docs/policies.md#required-clauses), and the rule
``clause_required`` that refuses a requisition lacking one."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from collections.abc import Iterator
from dataclasses import dataclass

from domain.requisition import Requisition, RiskFlag
from domain.terms.clauses import ClauseId
from domain.validation import FieldRefusal


@dataclass(frozen=True)
class ClauseRequirement:
    """A PO carrying ``flag`` carries each of ``clauses``."""

    flag: RiskFlag
    clauses: tuple[ClauseId, ...]


def missing_clauses(
    req: Requisition, required: tuple[ClauseRequirement, ...]
) -> Iterator[tuple[RiskFlag, ClauseId]]:
    """Each (flag, clause) the policy requires of the requisition's risk flags and its terms
    lack, in the policy's order, every clause once (under the first flag requiring it)."""
    carried = req.terms.data_protection.clauses if req.terms is not None else ()
    reported: set[ClauseId] = set()
    for requirement in required:
        if requirement.flag not in req.risk_flags:
            continue
        for clause in requirement.clauses:
            if clause not in carried and clause not in reported:
                reported.add(clause)
                yield requirement.flag, clause


def clause_refusals(
    req: Requisition, required: tuple[ClauseRequirement, ...]
) -> Iterator[FieldRefusal]:
    """``clause_required`` for each clause the policy requires and the terms lack."""
    for flag, clause in missing_clauses(req, required):
        yield FieldRefusal(
            "clause_required",
            "terms.data_protection.clauses",
            f"{req.title} is flagged {flag}, so the policy requires the data-protection "
            f"clause {clause}.",
        )
