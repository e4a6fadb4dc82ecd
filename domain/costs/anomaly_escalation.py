"""How a spend anomaly's owner is chased (docs/anomalies.md, "The procedure"): the approval
policy's ``spend_anomaly_escalation`` section, read by detection and handed to each
``SpendAnomaly`` run in its start. Apart from ``domain.costs.spend_anomalies``, which imports
``domain.chain`` (and so ``domain.policy``), so that ``domain.policy`` can hold it."""

from __future__ import annotations

from dataclasses import dataclass

# Without the section, as a tag remediation's: three days to answer, a reminder each day.
ACKNOWLEDGE_WITHIN_MINUTES = 3 * 24 * 60
REMINDER_MINUTES = 24 * 60


@dataclass(frozen=True)
class EscalationRule:
    """The owner has ``deadline_minutes`` from when the finding's day closed to answer, and is
    reminded every ``reminder_minutes``; past it their manager has as long, then FinOps."""

    deadline_minutes: int = ACKNOWLEDGE_WITHIN_MINUTES
    reminder_minutes: int = REMINDER_MINUTES


DEFAULT_ESCALATION = EscalationRule()
