"""What people said on a PO, as the pages show it: the thread of questions an approver asked the
requester and the requester's answers, and who rejected the PO and why. Read from what the
workflow already projects (the audit trail and the PO's view), never from mail or chat."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.catalog import Decision
from models.audit.entries import AuditEntry

ASKED = f"decision.{Decision.REQUEST_INFORMATION.value}"
ANSWERED = "information.answered"


@dataclass(frozen=True)
class ThreadMessage:
    """One question (``asked``) or answer, with who wrote it, when and for whom."""

    at: datetime
    author: str
    asked: bool
    text: str
    on_behalf_of: str | None = None
    tier: str | None = None


@dataclass(frozen=True)
class Rejection:
    """Who rejected the PO (for whom, at which tier) and the comment they gave."""

    actor: str
    comment: str
    tier: str
    on_behalf_of: str | None = None


def information_thread(trail: Iterable[AuditEntry]) -> list[ThreadMessage]:
    """Every question and answer of the PO's trail, oldest first."""
    return [
        ThreadMessage(
            at=entry.occurred_at,
            author=entry.actor,
            asked=entry.action == ASKED,
            text=str((entry.after or {}).get("comment") or ""),
            on_behalf_of=entry.on_behalf_of,
            tier=_tier((entry.after or {}).get("decision")),
        )
        for entry in trail
        if entry.action in (ASKED, ANSWERED)
    ]


def rejection(detail: Mapping[str, Any]) -> Rejection | None:
    """The latest rejection among the PO's decisions, None when nobody rejected it."""
    rejections = [d for d in detail.get("decisions", []) if d.get("action") == Decision.REJECT]
    if not rejections:
        return None
    last = rejections[-1]
    return Rejection(
        actor=str(last.get("actor")),
        comment=str(last.get("comment") or ""),
        tier=_tier(last) or "",
        on_behalf_of=last.get("on_behalf_of"),
    )


def _tier(decision: Mapping[str, Any] | None) -> str | None:
    tier = (decision or {}).get("tier")
    return str(tier) if tier else None
