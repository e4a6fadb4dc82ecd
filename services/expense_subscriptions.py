"""Subscribing to the mailed expense summary, for oneself only: the cost centers asked for must
be ones the person's roles let them read (all of them when none is named), the day must exist
in every period; the person's Temporal Schedule follows the subscription."""

from __future__ import annotations

from sqlalchemy.orm import Session
from temporalio.client import Client

from domain.expense_summary import BadSummaryDay, Frequency, check_day
from models.budgets.report_scope import UnknownCostCenter, centers_in_scope
from models.costs import expense_subscriptions as store
from models.costs.dashboard_scope import dashboard_scope
from models.people.records import User
from services.refusals import RefusalKind, RuleRefused
from workflows.expense_summary_schedule import drop_summary_schedule, put_summary_schedule

# What each refusal of a subscription is to the person who asked.
SUBSCRIPTION_RULES: dict[str, RefusalKind] = {
    "dashboard_reader_required": RefusalKind.FORBIDDEN,
    "summary_scope_not_allowed": RefusalKind.FORBIDDEN,
    "unknown_cost_center": RefusalKind.INVALID,
    "invalid_summary_day": RefusalKind.INVALID,
}


class SubscriptionRefused(RuleRefused):
    """A subscription refused by one of ``SUBSCRIPTION_RULES``; nothing was stored."""

    @property
    def kind(self) -> RefusalKind:
        return SUBSCRIPTION_RULES.get(self.rule, RefusalKind.CONFLICT)


def check_subscription(
    session: Session, user: User, cost_centers: list[str], frequency: Frequency, day: int
) -> None:
    """RuleRefused naming the first rule the subscription breaks; nothing when it may be
    taken."""
    try:
        check_day(frequency, day)
    except BadSummaryDay as refused:
        raise SubscriptionRefused(refused.rule, refused.message) from refused
    scope = dashboard_scope(session, user)
    if scope is None:
        raise SubscriptionRefused(
            "dashboard_reader_required",
            "the expense summary is for finance, FinOps, auditors, admins and cost-center owners",
        )
    for code in cost_centers:
        try:
            ids = {node.id for node in centers_in_scope(session, code)}
        except UnknownCostCenter as unknown:
            raise SubscriptionRefused("unknown_cost_center", f"no cost center {code}") from unknown
        if scope.centers is not None and not ids <= scope.centers:
            raise SubscriptionRefused(
                "summary_scope_not_allowed",
                f"you may not receive the figures of cost center {code}: you own only "
                f"{', '.join(sorted(scope.codes))}",
            )


async def subscribe_to_summary(
    session: Session,
    temporal: Client,
    task_queue: str,
    user: User,
    cost_centers: list[str],
    frequency: Frequency,
    day: int,
) -> store.Subscription:
    """Check, store (in the caller's transaction) and schedule ``user``'s subscription."""
    check_subscription(session, user, cost_centers, frequency, day)
    subscribed = store.subscribe(session, user, cost_centers, frequency, day)
    await put_summary_schedule(temporal, user.username, frequency, day, task_queue)
    return subscribed


async def unsubscribe_from_summary(session: Session, temporal: Client, user: User) -> bool:
    """Stop ``user``'s subscription and delete its schedule; whether one was active."""
    stopped = store.unsubscribe(session, user)
    await drop_summary_schedule(temporal, user.username)
    return stopped
