"""The tag policy in force exported for enforcement at the source (domain/costs/
tag_policy_export.py), with the codes of the cost centers, projects and IT services that exist."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from domain.costs.tag_policy_export import aws_tag_policy, azure_policy_definition
from models.costs.tag_judged import policy_in_force, stored_codes


class EnforcementTarget(StrEnum):
    AWS = "aws"  # an AWS Organizations tag policy
    AZURE = "azure"  # an Azure Policy definition


def enforcement_export(
    session: Session, target: EnforcementTarget, *, at: datetime | None = None
) -> dict[str, Any]:
    """The policy in force at ``at`` (now by default) as ``target`` accepts it; raises
    ``NoTagPolicy`` when none is."""
    policy = policy_in_force(session, at or datetime.now(UTC))
    render = aws_tag_policy if target == EnforcementTarget.AWS else azure_policy_definition
    return render(policy, stored_codes(session))
