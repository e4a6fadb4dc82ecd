"""The service levels a cloud or SaaS PO promises, and the credit a breach earns."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class SlaTerms:
    """Availability in percent of the month (99.9), the longest time to respond to and to
    resolve an incident (minutes), the service credit per breach in percent of the monthly
    charge, capped (percent of the monthly charge) when a cap is agreed, and who is called when
    a breach is escalated."""

    availability_percent: Decimal
    response_minutes: int
    resolution_minutes: int
    credit_percent_per_breach: Decimal
    credit_cap_percent: Decimal | None = None
    escalation_contacts: tuple[str, ...] = ()
