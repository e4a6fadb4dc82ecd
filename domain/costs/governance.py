"""The documents finance governs cost data by: each kind is versioned, and a version takes
effect only once approved by someone other than its author (change control)."""

from __future__ import annotations

from enum import StrEnum

from domain.catalog import Role


class DocumentKind(StrEnum):
    """What a governed document decides."""

    TAG_POLICY = "tag_policy"  # required tag keys, allowed values, aliases, owners
    ALLOCATION_MODEL = "allocation_model"  # ordered rules that allocate a period's cost
    UNIT_COST_MODEL = "unit_cost_model"  # services, their cost pools and consumption units
    RATE_CARD = "rate_card"  # internal rates per service and period


class DocumentStatus(StrEnum):
    """Where a version stands: proposed, then in force or rejected, or superseded (a newer
    version went in force before it was decided); never edited after."""

    PROPOSED = "proposed"
    IN_FORCE = "in_force"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


# Who may propose a new version, through the JSON API or the web form; reviewers decide it.
DOCUMENT_AUTHORS = (Role.ADMIN, Role.FINANCE)


class VirtualTagMatch(StrEnum):
    """Which cost lines a virtual tag names, most specific first: when two virtual tags set one
    key on a line, the more specific wins, then the newer."""

    RESOURCE = "resource_id"
    SUB_ACCOUNT = "sub_account_id"
    BILLING_ACCOUNT = "billing_account_id"
    SERVICE = "service_name"
