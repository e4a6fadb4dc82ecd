"""The custom search attributes operators filter POs by in the Temporal UI.

Amounts are integers of base-currency minor units (money is never a float).
"""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributeKey

PO_NUMBER = SearchAttributeKey.for_keyword("PoNumber")
PO_STATUS = SearchAttributeKey.for_keyword("PoStatus")
COST_CENTER = SearchAttributeKey.for_keyword("CostCenter")
AMOUNT_BASE = SearchAttributeKey.for_int("AmountBase")
VENDOR = SearchAttributeKey.for_keyword("Vendor")
CURRENT_APPROVER = SearchAttributeKey.for_keyword_list("CurrentApprover")
REQUESTER = SearchAttributeKey.for_keyword("Requester")
IS_EMERGENCY = SearchAttributeKey.for_bool("IsEmergency")
# Cost loads: which source and billing period (YYYY-MM), how the load stands, rows so far.
COST_SOURCE = SearchAttributeKey.for_keyword("CostSource")
BILLING_PERIOD = SearchAttributeKey.for_keyword("BillingPeriod")
LOAD_STATUS = SearchAttributeKey.for_keyword("LoadStatus")
LOAD_ROWS = SearchAttributeKey.for_int("LoadRows")
# Governance: the cost document under review (``rate_card v3``) or the remediation's owner and
# period, and how it stands.
COST_DOCUMENT = SearchAttributeKey.for_keyword("CostDocument")
GOVERNANCE_STATUS = SearchAttributeKey.for_keyword("GovernanceStatus")

ALL: tuple[SearchAttributeKey[Any], ...] = (
    PO_NUMBER,
    PO_STATUS,
    COST_CENTER,
    AMOUNT_BASE,
    VENDOR,
    CURRENT_APPROVER,
    REQUESTER,
    IS_EMERGENCY,
    COST_SOURCE,
    BILLING_PERIOD,
    LOAD_STATUS,
    LOAD_ROWS,
    COST_DOCUMENT,
    GOVERNANCE_STATUS,
)
