"""The vocabulary shared by the tables, the API and the rules: roles, service types, statuses."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a person may do in poflow; a person may hold several roles."""

    REQUESTER = "requester"
    APPROVER = "approver"
    FINANCE = "finance"
    PROCUREMENT = "procurement"
    AUDITOR = "auditor"
    ADMIN = "admin"
    FINOPS = "finops"


# The roles a policy tier names as approvers in practice: their holders decide POs through the
# API and delegate their decisions (whether they may decide a given tier is the tier's rule).
DECIDING_ROLES = (Role.APPROVER, Role.FINANCE, Role.PROCUREMENT, Role.FINOPS)


class ServiceType(StrEnum):
    CLOUD_INFRASTRUCTURE = "cloud_infrastructure"
    SAAS_SUBSCRIPTION = "saas_subscription"
    SOFTWARE_LICENCE = "software_licence"
    PROFESSIONAL_SERVICES = "professional_services"
    HARDWARE = "hardware"
    SUPPORT_MAINTENANCE = "support_maintenance"


class VendorStatus(StrEnum):
    APPROVED = "approved"
    BLOCKED = "blocked"


class PoStatus(StrEnum):
    """Where a purchase order stands in its life (docs/purchase-order.md)."""

    VALIDATING = "validating"
    REFUSED = "refused"
    PENDING_APPROVAL = "pending_approval"
    INFORMATION_REQUESTED = "information_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    ISSUED = "issued"
    CANCELLED = "cancelled"
    CLOSED = "closed"
    NEEDS_ATTENTION = "needs_attention"  # a step failed for good; waits for an operator


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_INFORMATION = "request_information"
    FORWARD = "forward"
    EXTEND_DEADLINE = "extend_deadline"
