"""Who may decide a close's accrual journal: the rules its ``decide`` Update is held to."""

from __future__ import annotations

from domain.close.messages import CloseDecision, CloseStatus, CloseView


def decision_refusal(
    view: CloseView, decision: CloseDecision, *, decided: bool
) -> tuple[str, str] | None:
    """(rule, message) refusing ``decision`` on the close as ``view`` shows it, or None: the
    close must await approval and be undecided, who started it may not approve its journal
    (segregation of duties), and only those it waits on may decide."""
    if view.status is not CloseStatus.AWAITING_APPROVAL or decided:
        return "not_waiting", f"the close of {view.period} is {view.status}, not awaiting approval"
    if decision.actor == view.started_by:
        return (
            "segregation_of_duties",
            "segregation of duties: who started a close may not approve its journal",
        )
    if decision.actor not in view.waiting_on():
        return "not_entitled", f"the close of {view.period} does not wait on {decision.actor}"
    return None
